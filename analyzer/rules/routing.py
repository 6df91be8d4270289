"""The routing table against the tunnels the same device is meant to build: a
crypto peer no route reaches (no gateway of last resort either) never gets an IKE
packet, and `debug crypto isakmp` stays silent while traffic is sent."""

from __future__ import annotations

import ipaddress

from analyzer import links
from analyzer.addresses import network
from analyzer.paste import device_name
from analyzer.registry import (
    ASA_RUNNING_CONFIG,
    ASA_SHOW_ROUTE,
    IOS_RUNNING_CONFIG,
    IOS_SHOW_CRYPTO_MAP,
    IOS_SHOW_CRYPTO_SESSION,
    IOS_SHOW_IP_ROUTE,
)
from analyzer.report import Finding

KINDS = (IOS_SHOW_IP_ROUTE, ASA_SHOW_ROUTE)
# Where a device names the peers it is meant to reach: its crypto map entries (in
# the configuration or `show crypto map`) and its crypto sessions.
_MAP_KINDS = (IOS_RUNNING_CONFIG, ASA_RUNNING_CONFIG, IOS_SHOW_CRYPTO_MAP)


def check(report) -> list[Finding]:
    latest: dict[str, tuple] = {}
    for source in report.sources_of(*KINDS):
        for table in source.records:
            # The last whole table of each device: a paste that shows the fix
            # and the table again is judged by the table after the fix.
            if table.get("complete") and not table.get("unread"):
                latest[device_name(source.prompt)] = (source, table)
    if not latest:
        return []
    peers = _peers(report, set(latest))
    findings = []
    for device, (source, table) in latest.items():
        if table.get("gateway"):
            continue
        routes = _networks(table)
        if any(net.prefixlen == 0 for net, _ in routes):
            continue
        for peer, line in peers.get(device, {}).items():
            address = ipaddress.IPv4Address(peer)
            if any(address in net for net, _ in routes):
                continue
            findings.append(_no_route(source, table, peer, line))
    return findings


def _networks(table: dict) -> list[tuple]:
    out = []
    for route in table.get("routes") or []:
        net = network(*route["prefix"].split("/", 1))
        if net is not None:
            out.append((net, route))
    return out


def _peers(report, devices: set[str]) -> dict[str, dict[str, int]]:
    """The peers each device is meant to reach, with the line naming each."""
    found: dict[str, dict[str, int]] = {}

    def add(device: str, peer, line: int) -> None:
        if device not in devices or not isinstance(peer, str):
            return
        try:
            ipaddress.IPv4Address(peer)
        except ValueError:
            return  # a host name: what it resolves to is not in the paste
        found.setdefault(device, {}).setdefault(peer, line)

    for source in report.sources_of(*_MAP_KINDS):
        device = device_name(source.prompt)
        for record in source.records:
            if record.get("type") != "crypto_map_entry":
                continue
            line = (record.get("at") or {}).get("peer") or record["lines"][0]
            for peer in record.get("peers") or []:
                add(device, peer, line)
    for source in report.sources_of(IOS_SHOW_CRYPTO_SESSION):
        device = device_name(source.prompt)
        for record in source.records:
            add(device, record.get("peer"), record["lines"][0])
    return found


def _no_route(source, table: dict, peer: str, peer_line: int) -> Finding:
    asa = source.kind == ASA_SHOW_ROUTE
    shown = "show route" if asa else "show ip route"
    return Finding(
        code="routing.no_route_to_peer",
        severity="warning",
        title=f"No route to the peer {peer}",
        detail=(
            f"The routing table (`{shown}`) has no route that covers {peer} and no "
            "gateway of last resort. The device cannot send IKE to the peer, so no "
            "ISAKMP SA is ever attempted: `show crypto isakmp sa` stays empty and "
            "`debug crypto isakmp` prints nothing while interesting traffic is sent. "
            "Traffic for the remote networks must also be routed out of the "
            "interface carrying the crypto map before it is encrypted. Add a route "
            f"to {peer} (or a default route) through the outside interface's next "
            "hop."
        ),
        link=links.PHASE1_ROUTE_TO_PEER,
        lines=sorted({table["at"]["gateway"], peer_line}),
        next_commands=(
            [f"show route {peer}", f"ping outside {peer}"]
            if asa
            else [f"show ip route {peer}", f"ping {peer}"]
        ),
        subject=peer,
    )
