"""Checks on an ASA configuration: static NAT and ARP by release, ESMTP inspection,
and the site-to-site VPN pieces that must agree (crypto map, tunnel-group, key,
ISAKMP on the interface, NAT exemption of the crypto ACL).

Every `asa.running_config` source in the paste is read as one device: an engineer
often pastes `show run crypto`, `show run tunnel-group` and `show run nat` apart.
"""

from __future__ import annotations

from analyzer import links
from analyzer.addresses import (
    all_covered,
    any_overlap,
    int_to_ipv4,
    ipv4_to_int,
    mask_to_prefix,
    net_range,
    range_text,
)
from analyzer.configs import AsaConfig
from analyzer.registry import (
    ASA_RUNNING_CONFIG,
    ASA_SHOW_VERSION,
    IOS_RUNNING_CONFIG,
    IRONPORT_MAIL_LOG,
    SMTP_TEST,
)
from analyzer.report import Finding

# --- the release the config runs -----------------------------------------------


def asa_version(report, config: AsaConfig):
    """(version tuple, version text, evidence line) from `show version` or the
    `ASA Version` line of the configuration; None when the paste has neither."""
    for source in report.sources_of(ASA_SHOW_VERSION):
        for record in source.records:
            if record.get("version_tuple"):
                line = record.get("at", {}).get("version", source.first_line)
                return tuple(record["version_tuple"]), record["version"], line
    for record in config.of("version"):
        if record.get("version_tuple"):
            return tuple(record["version_tuple"]), record["version"], record["lines"][0]
    return None


def arp_case(version) -> links.Link:
    """The `arp-permit-nonconnected` article section that applies to a release.

    Up to 8.2 the ASA proxy-ARPs every static's mapped address. From 8.3 it answers
    only for addresses in the interface subnet; `arp permit-nonconnected` lifts that
    and exists from 8.4(5) in the 8.4 train and from 9.1(2) in the 9.x trains.
    """
    if version is None:
        return links.ARP_BY_VERSION
    version = tuple(version) + (0,) * (4 - len(version))
    if version < (8, 3, 0, 0):
        return links.ARP_PRE_8_3
    if (8, 4, 5, 0) <= version < (8, 5, 0, 0) or version >= (9, 1, 2, 0):
        return links.ARP_8_4_5_AND_LATER
    return links.ARP_8_3_TO_8_4_4


# --- static NAT to addresses the interface is not connected to -------------------


def _static_nat_findings(report, config: AsaConfig) -> list[Finding]:
    statics = [r for r in config.of("static_nat") if not r.get("inactive")]
    if not statics:
        return []
    version = asa_version(report, config)
    case = arp_case(version[0] if version else None)
    permit = config.of("arp_permit_nonconnected")
    findings = []
    for nat in statics:
        if nat.get("identity") or nat.get("no_proxy_arp"):
            continue
        if nat.get("mapped") in (None, "interface", "any") or nat.get("acl"):
            continue
        ifc = config.interface(nat.get("mapped_interface"))
        if ifc is None or not ifc.get("ip") or mask_to_prefix(ifc.get("mask")) is None:
            continue
        mapped = config.operand_ranges(nat["mapped"], nat.get("netmask"))
        if not mapped:
            continue
        connected = net_range(ipv4_to_int(ifc["ip"]), ifc["mask"])
        if all_covered([connected], mapped):
            continue  # inside the interface subnet: ordinary proxy ARP
        findings.append(_arp_finding(config, nat, ifc, mapped, case, version, permit))
    return _grouped(findings)


# Past this many statics on one interface, one finding lists them all: the verdict
# is the same for each and a page of identical findings hides the others.
_GROUP_ABOVE = 5


def _grouped(findings: list[Finding]) -> list[Finding]:
    by_title: dict[tuple, list[Finding]] = {}
    for found in findings:
        ifname = found.title.rsplit("outside the ", 1)[-1]
        by_title.setdefault((ifname, found.anchor, found.severity), []).append(found)
    out: list[Finding] = []
    for (ifname, _anchor, _severity), group in by_title.items():
        if len(group) <= _GROUP_ABOVE:
            out.extend(group)
            continue
        first = group[0]
        mapped = [f.subject.rsplit(" -> ", 1)[-1] for f in group]
        out.append(
            Finding(
                code=first.code,
                severity=first.severity,
                title=f"{len(group)} static NATs map outside the {ifname}",
                detail=(
                    f"{len(group)} static NAT rules map to addresses outside the "
                    f"interface subnet ({', '.join(mapped)}). The same applies to each; "
                    "for the first: " + first.detail
                ),
                article=first.article,
                anchor=first.anchor,
                lines=[n for f in group for n in f.lines],
                next_commands=first.next_commands,
                subject=f"static NAT to {', '.join(mapped[:3])} and {len(mapped) - 3} more",
            )
        )
    return out


def _arp_finding(config, nat, ifc, mapped, case, version, permit) -> Finding:
    low, high = mapped[0]
    mapped_text = range_text((low, high))
    real = config.address(nat.get("real")) or nat.get("real") or "?"
    ifname = ifc["nameif"]
    subnet = f"{int_to_ipv4(net_range(ipv4_to_int(ifc['ip']), ifc['mask'])[0])}/{mask_to_prefix(ifc['mask'])}"
    where = (
        f"The static NAT of {real} to {mapped_text} on '{ifname}' maps to an address "
        f"outside {ifname}'s subnet {subnet} (interface address {ifc['ip']})."
    )
    lines = list(nat["lines"]) + [ifc.get("at", {}).get("ip", ifc["lines"][0])]
    if version:
        lines.append(version[2])
    route_hint = (
        f"On the upstream router, route {mapped_text} to {ifc['ip']} (the ASA's "
        f"{ifname} address) instead of treating it as connected; then the router "
        "sends the traffic to the ASA and nobody needs to ARP for it."
    )
    version_text = f"ASA {version[1]}" if version else "this ASA"
    if case == links.ARP_PRE_8_3:
        severity = "info"
        detail = (
            f"{where} {version_text} is older than 8.3, and those releases answer ARP "
            "for every static's mapped address whether it is connected or not, so "
            "this works as it is. An upgrade to 8.3 or later changes that; plan the "
            "route on the upstream router (or `arp permit-nonconnected` on 8.4(5)+ "
            "and 9.1(2)+) before upgrading."
        )
    elif case == links.ARP_8_3_TO_8_4_4:
        severity = "error"
        detail = (
            f"{where} {version_text} answers ARP only for addresses in the interface "
            "subnet and has no command to change it (`arp permit-nonconnected` came "
            "in 8.4(5) and 9.1(2)). An upstream router that ARPs for "
            f"{mapped_text} gets no reply and the traffic never reaches the ASA. "
            f"{route_hint} Upgrading to a release with `arp permit-nonconnected` is "
            "the other way."
        )
    elif case == links.ARP_8_4_5_AND_LATER:
        if permit:
            severity = "info"
            lines.append(permit[0]["lines"][0])
            detail = (
                f"{where} `arp permit-nonconnected` is configured, so {version_text} "
                "answers ARP for it. The command also lets any neighbour fill the "
                "ARP table with addresses from any subnet; routing the range to the "
                "ASA's interface address avoids needing it."
            )
        else:
            severity = "warning"
            detail = (
                f"{where} {version_text} answers ARP for a non-connected address only "
                "with `arp permit-nonconnected`, which is not in this configuration. "
                f"Add it, or: {route_hint}"
            )
    else:
        severity = "warning"
        detail = (
            f"{where} Whether the ASA answers ARP for it depends on the release, which "
            "the paste does not show: before 8.3 it does; from 8.3 to 8.4(4) (and 8.5 "
            "to 9.1(1)) it cannot, so the upstream router must route the address to "
            "the ASA; from 8.4(5) and 9.1(2) it does once `arp permit-nonconnected` "
            "is configured. Paste `show version` to narrow it down."
        )
    return Finding(
        code="asa.static_nat_nonconnected",
        severity=severity,
        title=f"Static NAT to {mapped_text}, outside the {ifname} subnet",
        detail=detail,
        link=case,
        lines=lines,
        next_commands=[
            "show version",
            "show running-config arp",
            f"show arp | include {int_to_ipv4(low)}",
            "show nat detail",
            f"packet-tracer input {ifname} tcp 198.51.100.99 40000 {int_to_ipv4(low)} 80 detailed",
        ],
        subject=f"static NAT {real} -> {mapped_text}",
    )


# --- ESMTP inspection --------------------------------------------------------------


def mail_trouble_lines(report) -> list[int]:
    """Lines elsewhere in the paste that show mail being broken in transit: IronPort
    aborts, an SMTP test seeing a masked banner, or ASA messages of ESMTP
    inspection dropping or cutting a connection (108004, 507003, 108003)."""
    lines: list[int] = []
    for source in report.sources:
        if source.kind in (ASA_RUNNING_CONFIG, IOS_RUNNING_CONFIG):
            continue
        for record in source.records:
            if source.kind == IRONPORT_MAIL_LOG:
                problem = record.get("problem")
                if problem in MAIL_TROUBLE_EVENTS:
                    lines.append(record.get("at", {}).get(problem, record["lines"][0]))
            elif source.kind == SMTP_TEST:
                if record.get("masked"):
                    lines.extend(record.get("lines", [])[:1])
            elif record.get("esmtp_drop"):
                lines.extend(record.get("lines", [source.first_line])[:1])
    return sorted(set(lines))


MAIL_TROUBLE_EVENTS = frozenset(
    {"receiving_aborted", "message_aborted", "connection_lost", "delivery_failed"}
)


def _esmtp_findings(report, config: AsaConfig) -> list[Finding]:
    inspects = [r for r in config.of("inspect") if r["protocol"] in ("esmtp", "smtp")]
    if not inspects:
        return []
    applied_maps = {r["policy_map"] for r in config.of("service_policy")}
    active = [
        r
        for r in inspects
        if r["legacy"] or not applied_maps or r["policy_map"] in applied_maps
    ]
    if not active:
        return []
    trouble = mail_trouble_lines(report)
    inspect = active[0]
    where = (
        f"in policy-map {inspect['policy_map']}, class {inspect['class_map']}"
        if inspect["policy_map"]
        else "(fixup protocol smtp)"
    )
    remove = (
        f"policy-map {inspect['policy_map']} / class {inspect['class_map']} / "
        "no inspect esmtp"
        if inspect["policy_map"]
        else "no fixup protocol smtp 25"
    )
    if trouble:
        severity = "warning"
        detail = (
            f"ESMTP inspection is on {where}, and the paste also shows mail failing "
            "in transit. The inspection engine masks the server's 220 banner with "
            "asterisks, drops commands and headers it considers malformed (108004) "
            "and resets the connection (507003): senders see aborted sessions. "
            f"Test without it ({remove}) or relax its inspect map."
        )
    else:
        severity = "info"
        detail = (
            f"ESMTP inspection is on {where} (the default). It rewrites the SMTP "
            "banner to asterisks and can drop sessions it dislikes; if a mail "
            "gateway behind this ASA reports aborted receptions, look here first."
        )
    return [
        Finding(
            code="asa.inspect_esmtp",
            severity=severity,
            title="ESMTP inspection enabled"
            + (" while mail is failing" if trouble else ""),
            detail=detail,
            link=links.ESMTP_INSPECT,
            lines=[inspect["lines"][0], *trouble],
            next_commands=[
                "show service-policy inspect esmtp",
                "show logging | include 108004|507003",
                "show running-config policy-map",
            ],
            subject=f"inspect {inspect['protocol']}",
        )
    ]


# --- site-to-site VPN configuration ------------------------------------------------


def _crypto_findings(config: AsaConfig) -> list[Finding]:
    entries = [r for r in config.of("crypto_map_entry") if not r.get("dynamic_map")]
    if not entries:
        return []
    findings: list[Finding] = []
    findings += _unapplied_maps(config, entries)
    findings += _ike_not_enabled(config, entries)
    findings += _tunnel_group_checks(config, entries)
    findings += _transform_sets_missing(config, entries)
    findings += _crypto_acl_nat(config, entries)
    findings += _summary(config, entries)
    return _collapse(findings)


_COLLAPSED_TITLES = {
    "asa.peer_without_tunnel_group": "{n} crypto peers have no tunnel-group",
    "asa.tunnel_group_without_key": "{n} tunnel-groups have no pre-shared key",
    "asa.crypto_acl_nat": "{n} crypto map entries have their traffic translated by NAT",
    "asa.transform_set_undefined": "{n} crypto map entries name no defined transform set",
}


def _collapse(findings: list[Finding]) -> list[Finding]:
    """Past a handful, findings of one kind become one that lists their subjects:
    a configuration with hundreds of peers should not bury everything else."""
    by_code: dict[str, list[Finding]] = {}
    for found in findings:
        by_code.setdefault(found.code, []).append(found)
    out: list[Finding] = []
    for code, group in by_code.items():
        if code not in _COLLAPSED_TITLES or len(group) <= _GROUP_ABOVE:
            out.extend(group)
            continue
        first = group[0]
        subjects = [f.subject for f in group]
        out.append(
            Finding(
                code=code,
                severity=first.severity,
                title=_COLLAPSED_TITLES[code].format(n=len(group)),
                detail=(
                    f"Affected: {', '.join(subjects)}. The same explanation holds for "
                    "each; for the first: " + first.detail
                ),
                article=first.article,
                anchor=first.anchor,
                lines=[n for f in group for n in f.lines][:500],
                next_commands=first.next_commands,
                subject=f"{', '.join(subjects[:3])} and {len(subjects) - 3} more",
            )
        )
    return out


def _maps(entries) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for entry in entries:
        out.setdefault(entry["map"], []).append(entry)
    return out


def _unapplied_maps(config, entries) -> list[Finding]:
    bindings = config.of("crypto_map_interface")
    if not bindings and not config.is_full:
        # A few crypto map lines pasted or typed, no `crypto map X interface`
        # among them: where the maps are bound is not in the paste.
        return []
    bound = {r["map"] for r in bindings}
    findings = []
    for name, members in _maps(entries).items():
        if name in bound:
            continue
        peers = sorted({p for e in members for p in e["peers"]})
        findings.append(
            Finding(
                code="asa.crypto_map_unapplied",
                severity="error",
                title=f"Crypto map {name} is not applied to any interface",
                detail=(
                    f"Crypto map {name} has {len(members)} entr"
                    f"{'y' if len(members) == 1 else 'ies'} (peers "
                    f"{', '.join(peers) or 'none set'}) but no `crypto map {name} "
                    "interface <nameif>` line: the ASA never encrypts for it nor "
                    "answers its peers. An interface takes one crypto map; add these "
                    "entries to the map already on that interface, or bind this one. "
                    "If the paste was cut short, check the end of the crypto section."
                ),
                link=links.PHASE1_ISAKMP_ENABLED,
                lines=[m["lines"][0] for m in members],
                next_commands=[
                    "show running-config crypto map",
                    "show crypto map",
                ],
                subject=f"crypto map {name}",
            )
        )
    return findings


def _needed_versions(entry) -> set[str]:
    version = entry.get("ike_version")
    if version == "ikev2":
        return {"2"}
    if version == "ikev1" or entry["transform_sets"]:
        return {"1"}
    return set()


def _ike_not_enabled(config, entries) -> list[Finding]:
    enables = config.of("ike_enable")
    if not enables and not config.is_full and not config.of("isakmp_policy"):
        return []  # the paste does not include the lines that would say
    enabled = {(r["ike_version"], r["interface"]) for r in enables}
    findings = []
    for binding in config.of("crypto_map_interface"):
        members = [e for e in entries if e["map"] == binding["map"]]
        needed = (
            set().union(*(_needed_versions(e) for e in members)) if members else set()
        )
        for version in sorted(needed):
            if (version, binding["interface"]) in enabled:
                continue
            command = (
                f"crypto ikev2 enable {binding['interface']}"
                if version == "2"
                else f"crypto ikev1 enable {binding['interface']}` (`crypto isakmp "
                f"enable {binding['interface']}` before 8.4)"
            )
            findings.append(
                Finding(
                    code="asa.ike_not_enabled",
                    severity="error",
                    title=f"IKEv{version} is not enabled on {binding['interface']}",
                    detail=(
                        f"Crypto map {binding['map']} is applied to "
                        f"{binding['interface']} and its entries negotiate with "
                        f"IKEv{version}, but the configuration has no `{command}`. "
                        f"The ASA neither starts nor answers IKEv{version} there: the "
                        "peer's first message goes unanswered (MM_WAIT_MSG2 on its "
                        "side)."
                    ),
                    link=links.PHASE1_ISAKMP_ENABLED,
                    lines=[binding["lines"][0]],
                    next_commands=[
                        f"show running-config crypto ikev{version}",
                        "show running-config crypto isakmp",
                        f"show crypto ikev{version} sa",
                    ],
                    subject=f"interface {binding['interface']}",
                )
            )
    return findings


def _tunnel_group_checks(config, entries) -> list[Finding]:
    if not config.tunnel_groups and not config.is_full:
        return []  # tunnel-groups are not in the paste: nothing to say
    default = config.tunnel_groups.get("DefaultL2LGroup")
    default_has_key = default is not None and _has_credentials(default, "ikev1")
    keys = {r["address"] for r in config.of("isakmp_key")}
    findings = []
    seen: set[str] = set()
    for entry in entries:
        line = entry.get("at", {}).get("peer", entry["lines"][0])
        for peer_word in entry["peers"]:
            peer = config.address(peer_word) or peer_word
            if peer in seen:
                continue
            seen.add(peer)
            group = config.tunnel_groups.get(peer) or config.tunnel_groups.get(
                peer_word
            )
            if group is None:
                if peer in keys or default_has_key or ipv4_to_int(peer) is None:
                    continue
                findings.append(
                    Finding(
                        code="asa.peer_without_tunnel_group",
                        severity="error",
                        title=f"No tunnel-group for crypto peer {peer}",
                        detail=(
                            f"Crypto map {entry['map']} {entry['seq']} sets peer {peer}, "
                            f"but there is no `tunnel-group {peer} type ipsec-l2l` with "
                            "its pre-shared key. When this ASA responds it cannot find "
                            "the key and the exchange stops after message 4 (the "
                            "initiator sits in MM_WAIT_MSG4 or sees INVALID_COOKIE)."
                        ),
                        link=links.CONFIG_PEER_WITHOUT_TUNNEL_GROUP,
                        lines=[line],
                        next_commands=[
                            f"show running-config tunnel-group {peer}",
                            f"show crypto isakmp sa | include {peer}",
                        ],
                        subject=f"peer {peer}",
                    )
                )
                continue
            version = "ikev2" if entry.get("ike_version") == "ikev2" else "ikev1"
            if group.get("tunnel_type") not in (None, "ipsec-l2l"):
                continue
            if _has_credentials(group, version):
                continue
            missing = (
                "`ikev2 remote-authentication pre-shared-key` and "
                "`ikev2 local-authentication pre-shared-key`"
                if version == "ikev2"
                else "`ikev1 pre-shared-key` (or `pre-shared-key` before 8.4)"
            )
            findings.append(
                Finding(
                    code="asa.tunnel_group_without_key",
                    severity="error",
                    title=f"Tunnel-group {group['name']} has no pre-shared key",
                    detail=(
                        f"Peer {peer} (crypto map {entry['map']} {entry['seq']}) "
                        f"negotiates with {version.upper()}, and its tunnel-group has "
                        f"neither {missing} under ipsec-attributes nor a certificate "
                        "trustpoint. Authentication (messages 5 and 6) cannot succeed."
                    ),
                    link=links.CONFIG_TUNNEL_GROUP_WITHOUT_KEY,
                    lines=[group["lines"][0], line],
                    next_commands=[
                        f"show running-config tunnel-group {group['name']}",
                        f"more system:running-config | begin tunnel-group {group['name']}",
                    ],
                    subject=f"peer {peer}",
                )
            )
    return findings


def _has_credentials(group: dict, version: str) -> bool:
    if version == "ikev2":
        local = group["ikev2_local_psk"] or group.get("ikev2_local_cert")
        remote = group["ikev2_remote_psk"] or group.get("ikev2_remote_cert")
        return bool(local and remote)
    return bool(group["ikev1_psk"] or group.get("trust_point"))


def _transform_sets_missing(config, entries) -> list[Finding]:
    defined = {r["name"] for r in config.of("transform_set")}
    if not defined:
        return []
    findings = []
    for entry in entries:
        missing = [t for t in entry["transform_sets"] if t not in defined]
        if not missing or len(missing) < len(entry["transform_sets"]):
            continue
        findings.append(
            Finding(
                code="asa.transform_set_undefined",
                severity="error",
                title=f"Crypto map {entry['map']} {entry['seq']} names no defined transform set",
                detail=(
                    f"The entry offers {', '.join(missing)}, which the configuration "
                    "does not define: phase 2 has nothing to propose and fails."
                ),
                link=links.CONFIG_POLICIES_AND_TRANSFORM_SETS,
                lines=[entry.get("at", {}).get("transform_set", entry["lines"][0])],
                next_commands=["show running-config crypto ipsec"],
                subject=f"crypto map {entry['map']} {entry['seq']}",
            )
        )
    return findings


# --- crypto ACL traffic caught by NAT ----------------------------------------------


def _nat_rules_in_order(config) -> list[dict]:
    """8.3+ rules in the order the ASA evaluates them: manual (twice) NAT, object
    NAT (static before dynamic), then after-auto manual NAT."""
    if config.nat_order is None:
        config.nat_order = _sorted_nat_rules(config)
    return config.nat_order


def _sorted_nat_rules(config) -> list[dict]:
    rules = [
        r
        for r in config.of("static_nat") + config.of("dynamic_nat")
        if r["generation"] in ("object", "twice") and not r.get("inactive")
    ]

    def key(r):
        section = r.get("section") or 2
        static_first = 0 if r["type"] == "static_nat" else 1
        return (section, static_first if section == 2 else 0, r["order"])

    return sorted(rules, key=key)


def _crypto_acl_nat(config, entries) -> list[Finding]:
    dynamic = config.of("dynamic_nat")
    if not dynamic:
        return []
    acl_entries: dict[str, list[dict]] = {}
    for ace in config.of("access_list_entry"):
        if ace["action"] == "permit":
            acl_entries.setdefault(ace["acl"], []).append(ace)
    findings = []
    verdicts: dict[tuple, dict | None] = {}
    ace_ranges: dict[int, tuple] = {}
    for entry in entries:
        ifc = entry.get("interface")
        acl = entry.get("match_address")
        if not ifc or not acl or acl not in acl_entries:
            continue
        # One finding per crypto map entry: the first translated line is the
        # example, the count says how much more of the ACL is affected.
        hits = []
        for ace in acl_entries[acl]:
            if id(ace) not in ace_ranges:
                ace_ranges[id(ace)] = (
                    config.spec_ranges(ace["source"]),
                    config.spec_ranges(ace["destination"]),
                )
            src, dst = ace_ranges[id(ace)]
            if not src or not dst:
                continue
            for part in src:
                key = (ifc, part, tuple(dst))
                if key not in verdicts:
                    verdicts[key] = _translating_rule(config, ifc, [part], dst)
                if verdicts[key] is not None:
                    hits.append((ace, verdicts[key], part))
                    break
        if hits:
            ace, culprit, part = hits[0]
            findings.append(
                _nat_finding(config, entry, ace, culprit, part, ifc, len(hits))
            )
    return findings


def _translating_rule(config, ifc, src, dst):
    """The dynamic NAT rule that would rewrite this crypto traffic before it is
    matched against the crypto ACL, or None when an exemption comes first."""
    if any(r["generation"] == "pre-8.3" for r in config.of("dynamic_nat")):
        return _translating_rule_pre83(config, ifc, src, dst)
    for rule in _nat_rules_in_order(config):
        if rule.get("mapped_interface") not in (ifc, "any"):
            continue
        if rule.get("real_interface") == ifc:
            continue
        real = config.operand_ranges(rule.get("real"))
        if real is None or not any_overlap(real, src):
            continue
        if rule.get("destination_real"):
            dest = config.operand_ranges(rule["destination_real"])
            if dest is None or not any_overlap(dest, dst):
                continue
            dest_ok = all_covered(dest, dst)
        else:
            dest_ok = True
        if rule["type"] == "static_nat":
            if all_covered(real, src) and dest_ok:
                # An exemption, or a deliberate static translation of exactly this
                # traffic (the crypto ACL then names the mapped side): not a fault.
                return None
            # A host or part of the range only: the rest goes on down the table.
            continue
        return rule
    return None


def _is_identity(config, rule) -> bool:
    if rule.get("identity"):
        return True
    real = config.operand_ranges(rule.get("real"))
    mapped = config.operand_ranges(rule.get("mapped"))
    return real is not None and real == mapped


def _translating_rule_pre83(config, ifc, src, dst):
    for exempt in config.of("nat_exempt"):
        if exempt.get("acl"):
            for ace in config.acls.get(exempt["acl"], []):
                if ace["action"] != "permit":
                    continue
                s = config.spec_ranges(ace["source"])
                d = config.spec_ranges(ace["destination"])
                if s and d and all_covered(s, src) and all_covered(d, dst):
                    return None
        elif exempt.get("real"):
            s = config.spec_ranges(exempt["real"])
            if s and all_covered(s, src):
                return None
    globals_on_ifc = {g["nat_id"] for g in config.of("global") if g["interface"] == ifc}
    for rule in config.of("dynamic_nat"):
        if rule["generation"] != "pre-8.3" or rule["nat_id"] not in globals_on_ifc:
            continue
        real = config.spec_ranges(rule["real"]) if rule.get("real") else None
        if real is not None and any_overlap(real, src):
            return rule
    return None


def _nat_finding(config, entry, ace, rule, part, ifc, count=1) -> Finding:
    low, high = part
    traffic = range_text((low, high))
    peer = ", ".join(entry["peers"]) or "?"
    if rule["generation"] == "pre-8.3":
        how = f"`nat ({rule['real_interface']}) {rule['nat_id']}` with its global on {ifc}"
        fix = (
            "Add the crypto traffic to the `nat (inside) 0 access-list` exemption ACL."
        )
    else:
        how = (
            f"the dynamic NAT on ({rule['real_interface']},{rule['mapped_interface']})"
            + (f" for object {rule['object']}" if rule.get("object") else "")
        )
        fix = (
            f"Add an identity NAT above it: `nat ({rule['real_interface']},{ifc}) source "
            "static LOCAL LOCAL destination static REMOTE REMOTE no-proxy-arp "
            "route-lookup`."
        )
    return Finding(
        code="asa.crypto_acl_nat",
        severity="warning",
        title=f"Crypto ACL {entry['match_address']} traffic is translated by NAT",
        detail=(
            f"Traffic from {traffic} that crypto map {entry['map']} {entry['seq']} "
            f"(peer {peer}) should encrypt is first matched by {how}, with no identity "
            "NAT (exemption) before it. Translated packets no longer match the crypto "
            "ACL, so they leave unencrypted or the tunnel never comes up for them. "
            + (f"{count} lines of the crypto ACL are affected. " if count > 1 else "")
            + fix
        ),
        link=links.CONFIG_CRYPTO_ACL_NAT,
        lines=[ace["lines"][0], rule["lines"][0], entry["lines"][0]],
        next_commands=[
            "show nat detail",
            f"packet-tracer input {rule.get('real_interface') or 'inside'} icmp "
            f"{int_to_ipv4(low)} 8 0 <remote host> detailed",
            "show crypto ipsec sa peer "
            + (entry["peers"][0] if entry["peers"] else ""),
        ],
        subject=f"crypto map {entry['map']} {entry['seq']}",
    )


# --- what a peer has to match ----------------------------------------------------------


def _summary(config, entries) -> list[Finding]:
    policies = config.of("isakmp_policy")
    sets = {r["name"]: r for r in config.of("transform_set")}
    findings = []
    for name, members in _maps(entries).items():
        parts = []
        used_versions = set().union(*(_needed_versions(e) for e in members))
        for version in sorted(used_versions or {"1"}):
            offered = [p for p in policies if p["ike_version"] == version]
            if offered:
                text = "; ".join(_policy_text(p) for p in offered)
                parts.append(f"IKEv{version} policies: {text}.")
        lines = [m["lines"][0] for m in members]
        for entry in sorted(members, key=lambda e: int(e["seq"])):
            transforms = ", ".join(
                _transform_text(sets[t]) if t in sets else t
                for t in entry["transform_sets"]
            )
            bits = [
                f"{entry['seq']}: peer {', '.join(entry['peers']) or '(none)'}",
                f"ACL {entry['match_address'] or '(none)'}",
                f"phase 2 {transforms or '(none)'}",
            ]
            if entry.get("pfs"):
                bits.append(f"PFS {entry['pfs']}")
            if entry.get("sa_seconds"):
                bits.append(f"lifetime {entry['sa_seconds']} s")
            parts.append("; ".join(bits) + ".")
        findings.append(
            Finding(
                code="asa.crypto_summary",
                severity="info",
                title=f"What a peer of crypto map {name} must match",
                detail=(
                    "The peer needs one matching phase 1 policy, one matching phase 2 "
                    "proposal, the same PFS group and a mirror-image crypto ACL. "
                    + " ".join(parts)
                ),
                link=links.CONFIG_POLICIES_AND_TRANSFORM_SETS,
                lines=lines,
                next_commands=[
                    "show running-config crypto",
                    "show crypto isakmp sa detail",
                ],
                subject=f"crypto map {name}",
            )
        )
    return findings


def _policy_text(policy) -> str:
    bits = [policy["priority"] + ":"]
    for field in ("authentication", "encryption", "hash", "prf"):
        if policy.get(field):
            bits.append(policy[field])
    if policy.get("group"):
        bits.append(f"group {policy['group']}")
    if policy.get("lifetime"):
        bits.append(f"lifetime {policy['lifetime']}")
    return " ".join(bits)


def _transform_text(ts) -> str:
    return f"{ts['name']} ({' '.join(ts['encryption'] + ts['integrity'])})"


def check(report):
    sources = report.sources_of(ASA_RUNNING_CONFIG)
    if not sources:
        return []
    config = AsaConfig(sources)
    findings: list[Finding] = []
    findings += _static_nat_findings(report, config)
    findings += _esmtp_findings(report, config)
    findings += _crypto_findings(config)
    return findings
