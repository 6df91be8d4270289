"""What a tcpdump capture says about a VPN or mail flow.

A capture does not say which side is "this device", so each finding names who sends
and who stays silent and lets the reader place the capture point.
"""

from __future__ import annotations

from analyzer import links
from analyzer.registry import TCPDUMP
from analyzer.report import Finding, Report, plural

_VPN = ("ike", "nat-t", "esp")


def check(report: Report) -> list[Finding]:
    flows = [
        record for source in report.sources_of(TCPDUMP) for record in source.records
    ]
    findings: list[Finding] = []
    healthy: dict[tuple[str, str], list[dict]] = {}
    for flow in flows:
        pair = tuple(sorted((flow["a"], flow["b"])))
        if flow["protocol"] in ("ike", "nat-t"):
            ike_packets = flow["a_to_b"] - flow["esp_a_to_b"]
            if flow["b_to_a"] == 0 and ike_packets > 0:
                findings.append(_ike_one_way(flow))
                continue
        if flow["protocol"] == "esp" or flow["esp_a_to_b"] or flow["esp_b_to_a"]:
            one_way = _esp_one_way(flow)
            if one_way is not None:
                findings.append(one_way)
                continue
        if flow["protocol"] in ("ike", "nat-t") and _stalled(flow):
            findings.append(_ike_stalled(flow))
            continue
        if flow["protocol"] in _VPN and flow["a_to_b"] and flow["b_to_a"]:
            healthy.setdefault(pair, []).append(flow)
    findings.extend(_smtp_resets(flows))
    for pair, pair_flows in healthy.items():
        findings.append(_two_way(pair, pair_flows))
    return findings


def _endpoint(host: str, port: int | None) -> str:
    return f"{host}:{port}" if port is not None else host


def _ike_one_way(flow: dict) -> Finding:
    a, b = flow["a"], flow["b"]
    version = flow.get("ike_version")
    port = flow["b_port"] or (4500 if flow["protocol"] == "nat-t" else 500)
    detail = (
        f"{plural(flow['a_to_b'], 'IKE packet')} from {a} to {b} on UDP {port} and none back. "
        f"If the capture runs on {a}'s side, the peer {b} is not answering: it is "
        "unreachable, has no IKE/ISAKMP enabled on that interface, has no crypto map "
        "or tunnel-group for this address, or a firewall in the path drops UDP "
        f"{port}. If the capture runs near {b}, its answers leave by another path or "
        "are dropped before they reach the wire you captured."
    )
    if flow["ike"]:
        detail += f" Exchanges seen: {', '.join(flow['ike'][:4])}."
    v2 = version == 2
    return Finding(
        code="tcpdump.ike_one_way",
        severity="warning",
        title=f"IKE from {a} to {b} gets no answer",
        detail=detail,
        link=links.TCPDUMP_IKE_AND_ESP if v2 else links.isakmp_state("MM_WAIT_MSG2"),
        lines=[flow["first_line"], flow["last_line"]],
        next_commands=[
            f"tcpdump -n -i <outside interface> host {b} and (udp port 500 or udp port 4500)",
            f"show route {b}",
            "show crypto isakmp sa",
        ],
        subject=f"flow {_endpoint(a, flow['a_port'])} <-> {_endpoint(b, flow['b_port'])}",
    )


def _esp_one_way(flow: dict) -> Finding | None:
    forward, back = flow["esp_a_to_b"], flow["esp_b_to_a"]
    if flow["protocol"] == "esp":
        forward, back = flow["a_to_b"], flow["b_to_a"]
    if forward and back:
        return None
    if not forward and not back:
        return None
    sender, silent = (flow["a"], flow["b"]) if forward else (flow["b"], flow["a"])
    count = forward or back
    spis = ", ".join(flow["spis"][:4])
    how = (
        "inside UDP 4500 (NAT-T)" if flow["protocol"] == "nat-t" else "(IP protocol 50)"
    )
    return Finding(
        code="tcpdump.esp_one_way",
        severity="warning",
        title=f"ESP only from {sender} to {silent}",
        detail=(
            f"{plural(count, 'ESP packet')} {how} from {sender} to {silent}"
            f"{' (SPI ' + spis + ')' if spis else ''} and none the other way. {sender} "
            "encrypts and sends (its `show crypto ipsec sa` counts encaps); "
            f"{silent} either never receives them or sends nothing encrypted back "
            "(on its side: decaps without encaps). Check the return route and crypto "
            f"ACL on {silent}, NAT exemption for the tunnel's traffic, and that ESP or "
            "UDP 4500 is allowed on the path."
        ),
        link=links.ENCAPS_NO_DECAPS,
        lines=[flow["first_line"], flow["last_line"]],
        next_commands=[
            f"show crypto ipsec sa peer {silent}",
            f"tcpdump -n -i <outside interface> host {silent} and (esp or udp port 4500)",
        ],
        subject=f"ESP {sender} -> {silent}",
    )


def _smtp_resets(flows: list[dict]) -> list[Finding]:
    by_server: dict[str, list[dict]] = {}
    for flow in flows:
        if flow["protocol"] != "smtp" or not flow["resets"]:
            continue
        server = flow["b"] if flow["b_port"] == 25 else flow["a"]
        by_server.setdefault(server, []).append(flow)
    findings = []
    for server, server_flows in by_server.items():
        resets = sum(f["resets"] for f in server_flows)
        senders = sorted({h for f in server_flows for h in f["resets_from"]})
        mid_session = any(f["a_to_b"] > 1 and f["b_to_a"] > 0 for f in server_flows)
        lines = sorted(
            {n for f in server_flows for n in (f["first_line"], f["last_line"])}
        )
        findings.append(
            Finding(
                code="tcpdump.smtp_resets",
                severity="warning" if mid_session else "info",
                title=f"SMTP sessions to {server} reset",
                detail=(
                    f"{plural(resets, 'TCP reset')} in "
                    f"{plural(len(server_flows), 'SMTP session')} with "
                    f"{server}, sent by {', '.join(senders)}. Resets mid-session, with a "
                    "banner of asterisks or an aborted receive on the mail gateway, are "
                    "the signature of a firewall's ESMTP inspection cutting the session."
                ),
                link=links.ESMTP_SYMPTOMS,
                lines=lines[:40],
                next_commands=[
                    "show service-policy inspect esmtp",
                    "show logging | include 108004|507003",
                    f"tcpdump -n -A -i <interface> host {server} and port 25",
                ],
                subject=f"SMTP to {server}:25",
            )
        )
    return findings


def _stalled(flow: dict) -> bool:
    """Both sides spoke, then one side sent the same IKE message three times or
    more and heard nothing back."""
    return bool(
        flow["a_to_b"] and flow["b_to_a"] and flow.get("last_run", 0) >= 3
    ) and not (flow["esp_a_to_b"] and flow["esp_b_to_a"])


def _ike_stalled(flow: dict) -> Finding:
    sender = flow["last_sender"]
    other = flow["b"] if sender == flow["a"] else flow["a"]
    exchanges = ", ".join(flow["ike"][:6])
    return Finding(
        code="tcpdump.ike_stalled",
        severity="warning",
        title=f"{other} stopped answering IKE from {sender}",
        detail=(
            f"{other} answered at first, then {sender} sent {flow['last_run']} IKE "
            "packets in a row with no reply: retransmissions of a message the peer "
            "dropped or could not read. After the first exchange this is usually a "
            "pre-shared key or identity the peer rejects silently, or large "
            "authentication packets lost to fragmentation on the path."
            + (f" Exchanges seen: {exchanges}." if exchanges else "")
        ),
        link=links.ikev2_state("IN-NEG")
        if flow.get("ike_version") == 2
        else links.MM_WAIT_MSG4_WHAT_IT_MEANS,
        lines=[flow["last_run_line"], flow["last_line"]],
        next_commands=[
            f"tcpdump -vv -n -i <interface> 'host {other} and (udp port 500 or udp port 4500)'",
            "show crypto isakmp sa detail",
            "debug crypto ikev2 protocol 127"
            if flow.get("ike_version") == 2
            else "debug crypto ikev1 127",
        ],
        subject=f"flow {sender} -> {other}",
    )


def _two_way(pair: tuple[str, str], flows: list[dict]) -> Finding:
    kinds = sorted({f["protocol"] for f in flows})
    lines = sorted({n for f in flows for n in (f["first_line"], f["last_line"])})
    counts = "; ".join(
        f"{f['protocol']} {f['a']}->{f['b']} {f['a_to_b']}, back {f['b_to_a']}"
        for f in flows
    )
    return Finding(
        code="tcpdump.vpn_two_way",
        severity="info",
        title=f"{', '.join(kinds).upper()} flowing both ways between {pair[0]} and {pair[1]}",
        detail=f"Both peers send and answer: {counts}.",
        link=links.TCPDUMP_READING_OUTPUT,
        lines=lines[:40],
        next_commands=[f"show crypto ipsec sa peer {pair[1]}"],
        subject=f"peers {pair[0]} and {pair[1]}",
    )
