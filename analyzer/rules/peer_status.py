"""The other end's status tables: a tunnel it lists as down, and why it says so."""

from __future__ import annotations

from analyzer import links
from analyzer.report import Finding, Report

KIND = "peer.status"
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
}


def check(report: Report) -> list[Finding]:
    findings: list[Finding] = []
    for source in report.sources_of(KIND):
        down: dict[str, list[dict]] = {}
        for record in source.records:
            if record["state"] == "down":
                down.setdefault(record["peer"], []).append(record)
        for peer, records in down.items():
            findings.append(_down(peer, records))
    return findings


def _down(peer: str, records: list[dict]) -> Finding:
    # The first reason the table gives, quoted.
    said_by = next((r for r in records if r.get("reason")), None)
    platform = records[0]["platform"]
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
            next_commands=list(_COMMANDS.get(platform, [])),
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
        next_commands=list(_COMMANDS.get(platform, [])),
        subject=f"peer {peer}",
    )
