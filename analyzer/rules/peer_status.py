"""The other end's status tables: a tunnel it lists as down, and why it says so."""

from __future__ import annotations

from analyzer import links
from analyzer.registry import IKE_DEBUG, PEER_IKE_LOG, PEER_STATUS
from analyzer.report import Finding, Report

KIND = PEER_STATUS
_COMMANDS = {
    "juniper": [
        "show security ike security-associations detail",
        "show security ipsec inactive-tunnels detail",
        "show log kmd",
    ],
    "strongswan": ["swanctl --list-sas", "swanctl --log"],
    "vyos": ["show vpn ike sa", "show vpn ipsec sa", "show log vpn ipsec"],
    "screenos": ["get sa", "get ike cookies", "get event"],
    "yamaha": ["show ipsec sa gateway 1 detail", "show status tunnel 1"],
    "fortigate": [
        "get vpn ipsec tunnel summary",
        "diagnose vpn ike gateway list name {tunnel}",
        "diagnose sniffer packet any 'port 500 or port 4500' 4",
    ],
}
# The section of the interop article for a vendor whose tables say how to read a
# tunnel whose phase 1 never came up.
_SECTIONS = {"fortigate": links.OTHER_VENDORS_FORTIGATE}


def check(report: Report) -> list[Finding]:
    findings: list[Finding] = []
    # A tunnel whose negotiation the same paste's IKE log shows is judged from
    # that log, which says why; its status row adds nothing but a second alarm.
    negotiated = {
        record.get("peer")
        for source in report.sources_of(IKE_DEBUG, PEER_IKE_LOG)
        for record in source.records
        if record.get("peer")
    }
    for source in report.sources_of(KIND):
        # A tunnel is its peer's address, or its name when the paste hides it.
        tunnels: dict[str, list[dict]] = {}
        for record in source.records:
            tunnels.setdefault(record["peer"] or record.get("tunnel", ""), []).append(
                record
            )
        for name, records in tunnels.items():
            down = [r for r in records if r["state"] == "down"]
            if not down or (records[0]["peer"] and records[0]["peer"] in negotiated):
                continue
            phase1 = [r for r in records if r["phase"] == 1]
            if any(r.get("dpd") for r in down):
                findings.append(_declared_dead(name, [r for r in down if r.get("dpd")]))
            elif (
                records[0]["platform"] in _SECTIONS
                and not any(r.get("reason") for r in down)
                and phase1
                and all(r["state"] != "up" for r in phase1)
            ):
                findings.append(_phase1_down(name, down + phase1))
            else:
                findings.append(_down(name, down))
    return findings


def _commands(platform: str, records: list[dict]) -> list[str]:
    tunnel = next((r["tunnel"] for r in records if r.get("tunnel")), "")
    return [
        c.replace("{tunnel}", tunnel) if tunnel else c.replace(" name {tunnel}", "")
        for c in _COMMANDS.get(platform, [])
    ]


def _declared_dead(name: str, records: list[dict]) -> Finding:
    """The far end gave up on this peer: its dead peer detection probes went
    unanswered, so it tore the tunnel down (AWS: 'enforcing DPD time-out
    action')."""
    who = name or "the peer"
    return Finding(
        code="peer.dpd_dead",
        severity="warning",
        title=f"The other end declared {who} dead: its dead peer detection timed out",
        detail=(
            f'The far end says "{records[0]["reason"]}": it sent DPD probes '
            "(R-U-THERE, or IKEv2's empty INFORMATIONAL) and heard nothing back, so "
            "it deleted the IKE and IPsec SAs. This device stopped answering them: "
            "it rebooted or cleared its SAs, its DPD answers do not get back (UDP "
            "500/4500 dropped on the path while traffic was idle), or it does not "
            "answer DPD at all. Check DPD on both ends and the path, then whether "
            "the tunnel comes back on the next packet."
        ),
        link=links.DPD,
        lines=sorted({n for r in records for n in r["lines"]}),
        next_commands=[
            "show crypto isakmp sa detail",
            "show crypto ikev2 sa detail",
            "show run all tunnel-group | include keepalive",
        ],
        subject=f"peer {name}" if name else "the peer",
    )


def _phase1_down(name: str, records: list[dict]) -> Finding:
    """The far end's tunnel is down and its own phase 1 table says phase 1 never
    completed (FortiGate's "status: connecting"): the fault is before any
    proposal or key, most often the path between the gateways."""
    platform = records[0]["platform"]
    lines = sorted({n for r in records for n in r["lines"]})
    what = f"tunnel {name}" if not records[0]["peer"] else f"the tunnel to {name}"
    printed = next((r["printed"] for r in records if r["phase"] == 1), "")
    selectors = next((r["selectors"] for r in records if r.get("selectors")), None)
    shown = (
        f" (selectors up {selectors.split('/')[1]} of {selectors.split('/')[0]})"
        if selectors
        else ""
    )
    return Finding(
        code="peer.phase1_down",
        severity="warning",
        title=f"Phase 1 of {what} is down on the other end",
        detail=(
            f"The far end lists {what} as down{shown}, and its phase 1 table says "
            f'"{printed}": phase 1 never completed, so no IPsec SA could follow. '
            "Make sure the two gateways reach each other (a traceroute from each "
            "towards the other) and that IKE on UDP 500 and 4500 is not blocked on "
            "the path, then read that end's IKE debug for the exchange that fails."
        ),
        link=_SECTIONS[platform],
        lines=lines,
        next_commands=_commands(platform, records),
        subject=what,
    )


def _down(peer: str, records: list[dict]) -> Finding:
    # The first reason the table gives, quoted.
    said_by = next((r for r in records if r.get("reason")), None)
    platform = records[0]["platform"]
    if not records[0]["peer"]:
        peer = f"tunnel {peer}"
    lines = sorted({n for r in records for n in r["lines"]})
    phase = min(r["phase"] for r in records)
    if any(r.get("no_answer") for r in records):
        return Finding(
            code="peer.no_answer",
            severity="warning",
            title=f"{peer} does not answer the other end's IKE",
            detail=(
                f"The far end's own table lists the tunnel to {peer} as down: "
                f'"{said_by["reason"]}". Its IKE requests get no reply: {peer} is '
                "unreachable, has no IKE configuration for this address, or "
                "something on the path drops UDP 500/4500. Check the route and a "
                "capture on both outside interfaces before the proposals."
            ),
            link=links.DEBUG_PEER_NOT_ANSWERING,
            lines=lines,
            next_commands=_commands(platform, records),
            subject=f"peer {peer}",
        )
    said = f' It gives the reason "{said_by["reason"]}".' if said_by else ""
    return Finding(
        code="peer.tunnel_down",
        severity="warning",
        title=f"The other end lists the tunnel to {peer} as down",
        detail=(
            f"Phase {phase} with {peer} is down in the far end's own table.{said} "
            "Its IKE log for the same minutes says which exchange fails."
        ),
        link=links.OTHER_VENDORS_MAPPING,
        lines=lines,
        next_commands=_commands(platform, records),
        subject=f"peer {peer}",
    )
