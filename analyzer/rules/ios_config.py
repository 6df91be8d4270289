"""Checks on an IOS / IOS-XE configuration: the crypto map VPN pieces that must
agree (a key for every peer, the map on an interface, the crypto ACL kept out of
NAT, crypto ACL entries that can match traffic) and a summary of what a peer has
to match.

Every `ios.running_config` source in the paste is read as one device.
"""

from __future__ import annotations

from analyzer import links
from analyzer.addresses import (
    MAX_IP,
    covers,
    ipv4_to_int,
    mask_range,
    mask_to_prefix,
    overlap,
    range_text,
)
from analyzer.configs import IosConfig
from analyzer.paste import device_name
from analyzer.registry import (
    IKE_DEBUG,
    IOS_RUNNING_CONFIG,
    IOS_SHOW_ACCESS_LISTS,
    IOS_SHOW_CRYPTO_IKEV2_SA,
    IOS_SHOW_CRYPTO_IPSEC_SA,
    IOS_SHOW_CRYPTO_ISAKMP_SA,
    IOS_SHOW_CRYPTO_MAP,
    IOS_SHOW_CRYPTO_SESSION,
    SYSLOG,
)
from analyzer.report import Finding
from analyzer.sections import configuration_prompt

# --- keys ----------------------------------------------------------------------------


def _has_key(config, peer) -> bool:
    ip = ipv4_to_int(peer)
    if ip is None:
        return True  # a hostname peer: cannot tell from the paste
    for key in config.of("isakmp_key"):
        span = mask_range(key["address"], key["mask"] or "255.255.255.255")
        if span and span[0] <= ip <= span[1]:
            return True
    for peer_entry in config.of("ikev2_keyring_peer"):
        if not peer_entry["psk"] or not peer_entry["address"]:
            continue
        span = mask_range(
            peer_entry["address"], peer_entry["mask"] or "255.255.255.255"
        )
        if span and span[0] <= ip <= span[1]:
            return True
    return False


def _front_door_vrf_keys(config) -> list[Finding]:
    """Tunnels whose peers are reached in a VRF (``tunnel vrf X``, a crypto map
    on an interface with ``ip vrf forwarding X``) while every IKEv1 pre-shared
    key is global: IOS looks a peer's key up in the keyrings bound to the VRF it
    is reached in, and a global ``crypto isakmp key`` is the global table's, so
    such a peer has none."""
    if config.of("ikev2_profile"):
        return []  # IKEv2 picks its keyring by the profile's "match fvrf"
    policies = config.of("isakmp_policy")
    if policies and not any(p["authentication"] == "pre-share" for p in policies):
        return []  # certificates: no key is looked up
    keys = config.of("isakmp_key")
    global_keys = [k for k in keys if k["keyring"] is None]
    if not global_keys:
        return []
    bound = {r["name"]: r["vrf"] for r in config.of("keyring")}
    findings = []
    seen: set[str] = set()
    for iface in config.of("interface"):
        at = iface.get("at") or {}
        vrf, line = iface.get("tunnel_vrf"), at.get("tunnel_vrf")
        if vrf is None and iface.get("crypto_map") and iface.get("vrf"):
            vrf, line = iface["vrf"], at.get("vrf")
        if vrf is None or vrf in seen:
            continue
        seen.add(vrf)
        if any(bound.get(k["keyring"]) == vrf for k in keys if k["keyring"]):
            continue
        key_lines = [k["lines"][0] for k in global_keys[:3]]
        findings.append(
            Finding(
                code="ios.front_door_vrf_without_key",
                severity="warning",
                title=(
                    f"Peers reached in VRF {vrf} have no pre-shared key: "
                    "the keys are global"
                ),
                detail=(
                    f"{iface['interface']} reaches its peers through VRF {vrf}, "
                    "but every IKEv1 pre-shared key here is a global `crypto "
                    "isakmp key`. IOS looks a peer's key up in the keyrings bound "
                    "to the VRF the peer is reached in, and a global key belongs to "
                    "the global routing table, so phase 1 with these peers finds "
                    f"no key. Put the keys in a keyring bound to the VRF: `crypto "
                    f"keyring NAME vrf {vrf}` with `pre-shared-key address ADDRESS "
                    "key KEY` under it."
                ),
                link=links.PHASE1_PRE_SHARED_KEY,
                lines=sorted({line, *key_lines} - {None}),
                next_commands=[
                    "show crypto isakmp key",
                    "show running-config | section crypto keyring",
                    "debug crypto isakmp",
                ],
                subject=f"VRF {vrf}",
            )
        )
    return findings


def _peer_key_findings(config, entries) -> list[Finding]:
    has_full = bool(config.of("hostname") or config.of("version"))
    if (
        not has_full
        and not config.of("isakmp_key")
        and not config.of("ikev2_keyring_peer")
    ):
        return []
    policies = config.of("isakmp_policy")
    if policies and not any(p["authentication"] == "pre-share" for p in policies):
        return []  # certificates: no key to look for
    findings = []
    seen = set()
    for entry in entries:
        for peer in entry["peers"]:
            if peer in seen or _has_key(config, peer):
                continue
            seen.add(peer)
            line = entry.get("at", {}).get("peer", entry["lines"][0])
            findings.append(
                Finding(
                    code="ios.peer_without_key",
                    severity="error",
                    title=f"No pre-shared key for crypto peer {peer}",
                    detail=(
                        f"Crypto map {entry['map']} {entry['seq']} sets peer {peer}, but "
                        "no `crypto isakmp key … address`, keyring `pre-shared-key "
                        "address` or IKEv2 keyring peer covers that address. The router "
                        "cannot authenticate phase 1 with it: the exchange stops at "
                        "MM_KEY_EXCH and the log shows no pre-shared key for the peer."
                    ),
                    link=links.CONFIG_PEER_WITHOUT_TUNNEL_GROUP,
                    lines=[line],
                    next_commands=[
                        "show running-config | include crypto isakmp key",
                        "show crypto isakmp sa",
                        "debug crypto isakmp",
                    ],
                    subject=f"peer {peer}",
                )
            )
    return findings


# --- maps on interfaces ------------------------------------------------------------


def _unapplied(config, entries, typed: bool = False) -> list[Finding]:
    interfaces = config.of("interface")
    if not interfaces:
        return []  # a `| section crypto` paste: interfaces are not shown
    if typed and not (config.of("hostname") or config.of("version")):
        # Configuration typed at its prompts shows what was typed, not every
        # interface the device has: the map may be on one not shown.
        return []
    applied = {r["crypto_map"] for r in interfaces if r["crypto_map"]}
    maps: dict[str, list[dict]] = {}
    for entry in entries:
        maps.setdefault(entry["map"], []).append(entry)
    findings = []
    for name, members in maps.items():
        if name in applied:
            continue
        findings.append(
            Finding(
                code="ios.crypto_map_unapplied",
                severity="error",
                title=f"Crypto map {name} is not applied to any interface",
                detail=(
                    f"No interface has `crypto map {name}`, so its "
                    f"{len(members)} entr{'y' if len(members) == 1 else 'ies'} never "
                    "encrypt anything and the router does not negotiate with their "
                    "peers. Apply it under the outside interface, or move its entries "
                    "into the map already there."
                ),
                link=links.CONFIG_CRYPTO_MAP_UNAPPLIED,
                lines=[m["lines"][0] for m in members],
                next_commands=[
                    "show crypto map",
                    "show running-config | section interface",
                ],
                subject=f"crypto map {name}",
            )
        )
    return findings


# --- NAT of the crypto traffic -------------------------------------------------------


def _acl_decision(config, acl_name, src, dst):
    """'permit', 'deny' or None: the first line of the ACL the traffic hits.
    A line counts as hit when it covers the whole of the traffic."""
    for ace in config.acl(acl_name):
        s, d = config.ranges(ace)
        if s is None or d is None:
            continue
        if ace["action"] == "deny":
            if covers(s, src) and covers(d, dst):
                return "deny", ace
            continue
        if overlap(s, src) and overlap(d, dst):
            return "permit", ace
    return None, None


def _nat_decision(config, rule, src, dst):
    """The ACE (or route-map line) that makes this NAT rule translate the traffic,
    or None when it is exempted or not matched."""
    if rule["mode"] == "list" and rule["acl"]:
        decision, ace = _acl_decision(config, rule["acl"], src, dst)
        return ace if decision == "permit" else None
    if rule["mode"] == "route-map" and rule["route_map"]:
        entries = [
            r for r in config.of("route_map_entry") if r["name"] == rule["route_map"]
        ]
        for entry in sorted(
            entries, key=lambda r: int(r["seq"]) if r["seq"].isdecimal() else 0
        ):
            for acl in entry["match_acls"]:
                decision, ace = _acl_decision(config, acl, src, dst)
                if decision == "permit":
                    return ace if entry["action"] == "permit" else None
    return None


def _crypto_nat(config, entries) -> list[Finding]:
    rules = [
        r
        for r in config.of("nat_rule")
        if r["side"] == "inside" and r["mode"] in ("list", "route-map")
    ]
    if not rules:
        return []
    findings = []
    for entry in entries:
        acl = entry.get("match_address")
        if not acl:
            continue
        reported = False
        for ace in config.acl(acl):
            if reported:
                break  # one finding per crypto map entry; its first line is the example
            if ace["action"] != "permit":
                continue
            src, dst = config.ranges(ace)
            if src is None or dst is None:
                continue
            for rule in rules:
                hit = _nat_decision(config, rule, src, dst)
                if hit is None:
                    continue
                via = (
                    f"ACL {rule['acl']}"
                    if rule["mode"] == "list"
                    else f"route-map {rule['route_map']}"
                )
                findings.append(
                    Finding(
                        code="ios.crypto_acl_nat",
                        severity="warning",
                        title=f"Crypto ACL {acl} traffic is translated by NAT",
                        detail=(
                            f"Traffic {range_text(src)} -> {range_text(dst)} that crypto "
                            f"map {entry['map']} {entry['seq']} should encrypt is also "
                            f"matched by `ip nat inside source` through {via}, with no "
                            "deny for it above. NAT happens before encryption, so the "
                            "packets leave with the outside address and miss the crypto "
                            f"ACL. Put a `deny ip` for this traffic at the top of {via}."
                        ),
                        link=links.CONFIG_CRYPTO_ACL_NAT,
                        lines=[ace["lines"][0], hit["lines"][0], rule["lines"][0]],
                        next_commands=[
                            "show ip nat translations",
                            f"show access-lists {rule['acl'] or ''}".rstrip(),
                            "show crypto ipsec sa",
                        ],
                        subject=f"crypto map {entry['map']} {entry['seq']}",
                    )
                )
                reported = True
                break
    return findings


# --- summary ---------------------------------------------------------------------------


def _summary(config, entries) -> list[Finding]:
    policies = config.of("isakmp_policy")
    sets = {r["name"]: r for r in config.of("transform_set")}
    maps: dict[str, list[dict]] = {}
    for entry in entries:
        maps.setdefault(entry["map"], []).append(entry)
    findings = []
    for name, members in maps.items():
        parts = []
        if policies:
            parts.append(
                "ISAKMP policies: "
                + "; ".join(
                    f"{p['priority']}: {p['authentication']} {p['encryption']} "
                    f"{p['hash']} group {p['group']} lifetime {p['lifetime']}"
                    for p in policies
                )
                + "."
            )
        proposals = config.of("ikev2_proposal")
        if proposals and any(e.get("ikev2_profile") for e in members):
            parts.append(
                "IKEv2 proposals: "
                + "; ".join(
                    f"{p['name']}: {p['encryption']} {p['integrity']} group {p['group']}"
                    for p in proposals
                )
                + "."
            )
        for entry in members:
            transforms = ", ".join(
                f"{t} ({' '.join(sets[t]['encryption'] + sets[t]['integrity'])})"
                if t in sets
                else t
                for t in entry["transform_sets"]
            )
            bit = (
                f"{entry['seq']}: peer {', '.join(entry['peers']) or '(none)'}; ACL "
                f"{entry['match_address'] or '(none)'}; phase 2 {transforms or '(none)'}"
            )
            if entry.get("pfs"):
                bit += f"; PFS {entry['pfs']}"
            parts.append(bit + ".")
        findings.append(
            Finding(
                code="ios.crypto_summary",
                severity="info",
                title=f"What a peer of crypto map {name} must match",
                detail=(
                    "The peer needs one matching phase 1 policy, one matching transform "
                    "set, the same PFS group and a mirror-image crypto ACL. "
                    + " ".join(parts)
                ),
                link=links.CONFIG_POLICIES_AND_TRANSFORM_SETS,
                lines=[m["lines"][0] for m in members],
                next_commands=["show crypto isakmp policy", "show crypto map"],
                subject=f"crypto map {name}",
            )
        )
    return findings


def _show_crypto_map(report) -> list[Finding]:
    """`show crypto map`: the device's own view of incomplete and unbound maps."""
    findings = []
    unbound: dict[str, list[dict]] = {}
    for source in report.sources_of(IOS_SHOW_CRYPTO_MAP):
        for entry in source.records:
            if entry["incomplete"]:
                missing = [
                    what
                    for what, present in (
                        ("peer", entry["peers"]),
                        ("ACL", entry["acl"]),
                    )
                    if not present
                ]
                findings.append(
                    Finding(
                        code="ios.crypto_map_incomplete",
                        severity="error",
                        title=f"Crypto map {entry['map']} {entry['seq']} is incomplete",
                        detail=(
                            "The router marks this entry as incomplete (missing peer or "
                            "access-list definitions) and ignores it: no traffic is "
                            "encrypted and no negotiation starts for it."
                            + (
                                f" Missing here: {', '.join(missing)}."
                                if missing
                                else " A `match address` that names an ACL that does "
                                "not exist produces the same state."
                            )
                        ),
                        link=links.CONFIG_INCOMPLETE_ENTRY,
                        lines=[entry["at"]["entry"], entry["at"]["incomplete"]],
                        next_commands=[
                            f"show running-config | section crypto map {entry['map']}",
                            f"show access-lists {entry['acl'] or ''}".rstrip(),
                        ],
                        subject=f"crypto map {entry['map']} {entry['seq']}",
                    )
                )
            if not entry["interfaces"] and "interfaces" in entry["at"]:
                unbound.setdefault(entry["map"], []).append(entry)
    for name, entries in unbound.items():
        findings.append(
            Finding(
                code="ios.crypto_map_unapplied",
                severity="error",
                title=f"Crypto map {name} is not applied to any interface",
                detail=(
                    f"`show crypto map` lists no interface using {name}: its entries "
                    "never encrypt and the router does not negotiate with their peers. "
                    f"Apply it with `crypto map {name}` under the outside interface."
                ),
                link=links.CONFIG_CRYPTO_MAP_UNAPPLIED,
                lines=[e["at"]["interfaces"] for e in entries],
                next_commands=[
                    "show running-config | section interface",
                    "show crypto map",
                ],
                subject=f"crypto map {name}",
            )
        )
    return findings


def _incomplete_entries(entries) -> list[Finding]:
    """Running-config entries shown with their lines but lacking a peer or an ACL
    (IOS prints `! Incomplete` under them). An entry with no line under it at all is
    left alone: a filtered paste (`| include crypto map`) drops the lines."""
    findings = []
    for entry in entries:
        if not entry.get("at"):
            continue
        missing = [
            what
            for what, present in (
                ("set peer", entry.get("peers")),
                ("match address", entry.get("match_address")),
            )
            if not present
        ]
        if not missing:
            continue
        findings.append(
            Finding(
                code="ios.crypto_map_incomplete",
                severity="error",
                title=f"Crypto map {entry['map']} {entry['seq']} is incomplete",
                detail=(
                    f"The entry has no {' and no '.join(missing)}: the router marks it "
                    "incomplete and ignores it, so nothing is encrypted and no "
                    "negotiation starts for it."
                ),
                link=links.CONFIG_INCOMPLETE_ENTRY,
                lines=[entry["lines"][0]],
                next_commands=[
                    "show crypto map",
                    f"show running-config | section crypto map {entry['map']}",
                ],
                subject=f"crypto map {entry['map']} {entry['seq']}",
            )
        )
    return findings


# --- a subnet mask typed where a wildcard belongs -----------------------------------

# Outputs that show IPsec on an IOS router.
_IOS_IPSEC_KINDS = (
    IOS_SHOW_CRYPTO_ISAKMP_SA,
    IOS_SHOW_CRYPTO_IKEV2_SA,
    IOS_SHOW_CRYPTO_IPSEC_SA,
    IOS_SHOW_CRYPTO_SESSION,
    IOS_SHOW_CRYPTO_MAP,
)
_IOS_IPSEC_FACILITIES = {"CRYPTO", "ISAKMP", "IPSEC", "IKEV2"}


def _zeroed_by_mask(spec) -> int | None:
    """For an address spec whose wildcard is shaped like a subnet mask (ones from
    the left: 255.255.255.0) over an address with nothing in the bits it compares
    (0.0.0.0), how many bits it compares: it then matches only addresses whose
    last that many bits are 0. None for any other spec."""
    if not isinstance(spec, dict) or "wildcard" not in spec:
        return None
    ones = mask_to_prefix(spec["wildcard"])
    address = ipv4_to_int(spec.get("network"))
    if ones is None or not 0 < ones < 32 or address is None:
        return None
    compared = MAX_IP >> ones
    return 32 - ones if address & compared == 0 else None


def _ipsec_devices(report) -> set[str]:
    """The devices (by prompt, "" when unnamed) the paste shows running IPsec."""
    devices = set()
    for source in report.sources:
        if (
            source.kind in _IOS_IPSEC_KINDS
            or (
                source.kind == IKE_DEBUG
                and any(r.get("platform") == "ios" for r in source.records)
            )
            or (
                source.kind == SYSLOG
                and any(
                    r.get("platform") == "ios"
                    and r.get("facility") in _IOS_IPSEC_FACILITIES
                    for r in source.records
                )
            )
        ):
            devices.add(device_name(source.prompt))
    return devices


def _spec_text(spec) -> str:
    if spec.get("any"):
        return "any"
    if "host" in spec:
        return f"host {spec['host']}"
    if "group" in spec:
        return f"object-group {spec['group']}"
    return f"{spec.get('network')} {spec.get('wildcard')}"


def _mask_as_wildcard(report, config) -> list[Finding]:
    """A permit entry of a crypto ACL written with a subnet mask where IOS expects a
    wildcard (`permit ip 192.168.3.0 255.255.255.0 ...`): IOS keeps it as
    `permit ip 0.0.0.0 255.255.255.0 ...`, which matches network addresses only, so
    no traffic is interesting and the router never starts IKE for it. Read where
    the paste ties the ACL to a crypto map, or, when no crypto map entry of the
    paste names its ACL, on a device the paste shows running IPsec."""
    named: set[str] = set()
    if config is not None:
        named |= {
            e["match_address"]
            for e in config.of("crypto_map_entry")
            if e.get("match_address")
        }
    for source in report.sources_of(IOS_SHOW_CRYPTO_MAP):
        named |= {e["acl"] for e in source.records if e.get("acl")}
    lists: list[tuple[list[dict], str]] = []
    if config is not None:
        lists.append((config.of("access_list_entry"), ""))
    for source in report.sources_of(IOS_SHOW_ACCESS_LISTS):
        lists.append((source.records, device_name(source.prompt)))
    if not lists:
        return []
    # Only asked when no crypto map names its ACL: it reads every log record.
    ipsec = set() if named else _ipsec_devices(report)
    by_acl: dict[str, list[tuple[dict, int, dict]]] = {}
    for records, device in lists:
        for entry in records:
            acl = entry.get("acl")
            if entry.get("action") != "permit" or entry.get("acl_type") != "extended":
                continue
            if named:
                if acl not in named:
                    continue
            elif not ipsec or ("" not in ipsec and device and device not in ipsec):
                continue
            # The side IOS compares the fewest bits of, and how many.
            sides = [
                (bits, entry[k])
                for k in ("source", "destination")
                if (bits := _zeroed_by_mask(entry.get(k))) is not None
            ]
            if sides:
                bits, spec = min(sides, key=lambda side: side[0])
                by_acl.setdefault(acl, []).append((entry, bits, spec))
    findings = []
    for acl, hits in by_acl.items():
        entry, bits, spec = hits[0]
        seq = f" entry {entry['seq']}" if entry.get("seq") is not None else ""
        written = (
            f"{entry['action']} {entry.get('protocol') or 'ip'} "
            f"{_spec_text(entry.get('source') or {})} "
            f"{_spec_text(entry.get('destination') or {})}"
        )
        role = (
            "It is the crypto ACL of a crypto map entry, so"
            if acl in named
            else "As the crypto ACL (the `match address` of a crypto map entry),"
        )
        findings.append(
            Finding(
                code="ios.acl_mask_as_wildcard",
                severity="warning",
                title=(
                    f"ACL {acl}{seq} matches only network addresses: a subnet mask "
                    "where IOS expects a wildcard"
                ),
                detail=(
                    f"`{written}` has the wildcard {spec['wildcard']}: IOS compares "
                    f"only the last {bits} bits of the address and wants them 0, so "
                    "the entry matches network addresses, not the hosts behind them. "
                    "A subnet mask was typed where IOS expects a wildcard; IOS drops "
                    "the address bits a wildcard leaves free, which is why the "
                    f"address reads {spec['network']}. "
                    f"{role} it makes no traffic interesting: nothing is encrypted "
                    "and the router never starts IKE for it. Write each network with "
                    "the inverse of its mask (10.1.1.0 0.0.0.255 for a /24)."
                    + (
                        f" {len(hits)} entries of the ACL are written this way."
                        if len(hits) > 1
                        else ""
                    )
                ),
                link=links.PHASE2_CRYPTO_ACL_MIRROR,
                lines=[e["lines"][0] for e, _bits, _spec in hits][:20],
                next_commands=[
                    f"show ip access-lists {acl}",
                    "show crypto map",
                    f"show running-config | section access-list {acl}",
                ],
                subject=f"ACL {acl}",
            )
        )
    return findings


def check(report):
    shown = _show_crypto_map(report)
    sources = report.sources_of(IOS_RUNNING_CONFIG)
    config = IosConfig(sources) if sources else None
    shown += _mask_as_wildcard(report, config)
    if config is None:
        return shown
    shown += _front_door_vrf_keys(config)
    entries = [r for r in config.of("crypto_map_entry") if not r.get("dynamic_map")]
    if not entries:
        return shown
    findings: list[Finding] = list(shown)
    if not shown:
        findings += _incomplete_entries(entries)
    findings += _peer_key_findings(config, entries)
    typed = any(configuration_prompt(s.prompt) for s in sources)
    findings += _unapplied(config, entries, typed)
    findings += _crypto_nat(config, entries)
    findings += _summary(config, entries)
    return findings
