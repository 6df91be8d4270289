"""What a pile of syslog messages says: which families fill it, mail dropped by
ESMTP inspection, and IKE/ESP denied by an access list.

IKE negotiation messages (713xxx, 715xxx, 750xxx...) are read per peer by the IKE
debug parser and judged in rules/ike_debug.py; here they are only counted.
"""

from __future__ import annotations

from collections import Counter

from analyzer import links, syslog_catalog
from analyzer.parsers import syslog
from analyzer.registry import SYSLOG
from analyzer.report import Finding, Report, plural

_ACL_IDS = syslog.ACL_IDS
# Messages that log an action only when they say it.
_ACTION_REQUIRED = {"106100", "430002", "430003"}
_VPN_PORTS = {500, 4500}
_MAX_LINES = 40


def check(report: Report) -> list[Finding]:
    # A long log keeps as records only the messages read here one by one; every
    # message is counted in its source's summary.
    summaries = [syslog.summary(source) for source in report.sources_of(SYSLOG)]
    if not any(s["messages"] for s in summaries):
        return []
    messages = [
        record
        for source in report.sources_of(SYSLOG)
        for record in source.records
        if not record.get("fragment")
    ]
    findings: list[Finding] = []
    summary = _summary(summaries)
    if summary is not None:
        findings.append(summary)
    findings.extend(_esmtp(messages))
    findings.extend(_vpn_denies(messages, _known_peers(report, summaries)))
    findings.extend(_outside_policy(messages))
    findings.extend(_invalid_spi_no_peer(messages))
    return findings


_INV_SPI = "CRYPTO-4-RECVD_PKT_INV_SPI"


def _invalid_spi_no_peer(messages: list[dict]) -> list[Finding]:
    """IOS %CRYPTO-4-RECVD_PKT_INV_SPI whose sender is not in the paste: the
    message was cut short (wrapped, quoted in a sentence) before srcaddr=, so the
    parser gave it no ``peer``. With the sender named, the IKE debug parser reads it
    per peer (rules/ike_debug.py)."""
    hits = [
        r for r in messages if r.get("message_id") == _INV_SPI and not r.get("peer")
    ]
    if not hits:
        return []
    return [
        Finding(
            code="syslog.ios_invalid_spi",
            severity="warning",
            title="The router receives ESP on an SPI it has no SA for",
            detail=(
                f"{plural(len(hits), 'RECVD_PKT_INV_SPI message')}: a peer encrypts "
                "with an SA this router no longer has, so the peers' SAs are out of "
                "sync (one side rebooted, rekeyed or cleared its SAs and the other "
                "did not notice). The router drops those packets; traffic from the "
                "peer stops until the peer's stale SA expires or is cleared. The "
                "message's srcaddr= names the peer: clear the SAs with it on both "
                "sides, and enable `crypto isakmp invalid-spi-recovery` (and DPD, "
                "`crypto isakmp keepalive`) so the routers resynchronise by "
                "themselves."
            ),
            link=links.STALE_SAS,
            lines=[_first_line(r) for r in hits][:_MAX_LINES],
            next_commands=[
                "show logging | include RECVD_PKT_INV_SPI",
                "show crypto ipsec sa | include peer|spi|encaps|decaps",
                "show crypto isakmp sa",
                "clear crypto sa peer <srcaddr>",
            ],
            subject="IPsec SAs",
        )
    ]


def _outside_policy(messages: list[dict]) -> list[Finding]:
    """402116: the peer sent, inside the tunnel, a packet its SA was not negotiated
    for. The two ends' crypto ACLs differ (the peer's is broader or overlaps)."""
    by_peer: dict[str, list[dict]] = {}
    for record in messages:
        if record.get("message_id") != "402116":
            continue
        if "remote_proxy" in record:
            by_peer.setdefault(record["peer"], []).append(record)
    findings = []
    for peer, hits in by_peer.items():
        record = hits[0]
        findings.append(
            Finding(
                code="syslog.ipsec_outside_policy",
                severity="warning",
                title=f"{peer} sends traffic its IPsec SA was not negotiated for",
                detail=(
                    f"{plural(len(hits), 'packet')} decrypted from {peer} did not match the SA: "
                    f"the first went from {record['inner_src']} to {record['inner_dst']} "
                    f"while the SA covers local {record['local_proxy']} and remote "
                    f"{record['remote_proxy']}. "
                    "The peer's crypto ACL (or its route into the tunnel) includes "
                    "traffic this side's does not: make the two ACLs mirror images, or "
                    "remove the overlapping entry on the peer. The ASA drops these "
                    "packets."
                ),
                link=links.PHASE2_CRYPTO_ACL_MIRROR,
                lines=[r["lines"][0] for r in hits][:_MAX_LINES],
                next_commands=[
                    f"show crypto ipsec sa peer {peer}",
                    "show running-config crypto map",
                    "show running-config access-list",
                ],
                subject=f"peer {peer}",
            )
        )
    return findings


def _first_line(record: dict) -> int:
    return record["lines"][0]


def _summary(summaries: list[dict]) -> Finding | None:
    counts: Counter[str] = Counter()
    first_seen: dict[str, int] = {}
    for summary in summaries:
        for message_id, (count, first) in summary["message_ids"].items():
            counts[message_id] += count
            first_seen.setdefault(message_id, first)
    if not counts:
        return None
    families: Counter[str] = Counter()
    unknown: list[tuple[str, int]] = []
    for message_id, count in counts.items():
        entry = syslog_catalog.lookup(message_id)
        if entry is None:
            unknown.append((message_id, count))
        else:
            families[entry.family] += count
    total = sum(counts.values())
    parts = [
        f"{syslog_catalog.FAMILIES.get(family, family)}: {count}"
        for family, count in sorted(families.items(), key=lambda item: -item[1])
    ]
    busiest = ", ".join(
        f"{message_id} x{count}" for message_id, count in counts.most_common(8)
    )
    detail = (
        f"{total} messages with {len(counts)} different IDs. Most frequent: {busiest}."
    )
    if parts:
        detail += " By family: " + "; ".join(parts) + "."
    if unknown:
        unknown.sort(key=lambda item: (-item[1], item[0]))
        listed = ", ".join(f"{message_id} x{count}" for message_id, count in unknown)
        detail += (
            f" Not in the catalog ({len(unknown)} IDs, {sum(c for _, c in unknown)} "
            f"messages): {listed}. Look them up in the platform's syslog message guide."
        )
    lines = sorted(first_seen.values())[:_MAX_LINES]
    hosts = sorted({host for s in summaries for host in s["hosts"]})
    subject = f"syslog from {', '.join(hosts[:3])}" if hosts else "syslog messages"
    return Finding(
        code="syslog.summary",
        severity="info",
        title=(
            f"{plural(total, 'syslog message')}, {plural(len(counts), 'message ID')}"
        ),
        detail=detail,
        link=links.SYSLOG_UNCATALOGUED if unknown else links.SYSLOG_FAMILIES,
        lines=lines,
        next_commands=["show logging", "show logging | include <message id>"],
        subject=subject,
    )


def _esmtp(messages: list[dict]) -> list[Finding]:
    # Keyed by address and port: the same server may be logged under two interface
    # names (a renamed interface, an old log next to a new one).
    by_server: dict[str, list[dict]] = {}
    interfaces: dict[str, set[str]] = {}
    for record in messages:
        if not record.get("esmtp_drop"):
            continue
        if record.get("dst_port") == 25 or record.get("src_port") != 25:
            iface, addr, port = (
                record.get("dst_interface"),
                record.get("dst"),
                record.get("dst_port"),
            )
        else:
            iface, addr, port = (
                record.get("src_interface"),
                record.get("src"),
                record.get("src_port"),
            )
        server = f"{addr or 'unknown'}/{port or 25}"
        by_server.setdefault(server, []).append(record)
        if iface:
            interfaces.setdefault(server, set()).add(iface)
    findings = []
    for server, records in by_server.items():
        names = sorted(interfaces.get(server, ()))
        if names:
            server = f"{'/'.join(names)}:{server}"
        senders = sorted(
            {r["src"] for r in records if r.get("src") and r.get("src_port") != 25}
        )
        reasons = sorted({r["matched_class"] for r in records if "matched_class" in r})
        ids = sorted({r["message_id"] for r in records})
        detail = (
            f"The firewall's ESMTP inspection dropped or cut {len(records)} mail "
            f"{'connection' if len(records) == 1 else 'connections'} to {server} ({', '.join(ids)})"
        )
        if senders:
            detail += f" from {', '.join(senders[:5])}"
            if len(senders) > 5:
                detail += f" and {len(senders) - 5} more"
        detail += ". "
        if reasons:
            detail += f"Classification that matched: {'; '.join(reasons[:3])}. "
        detail += (
            "The sending server sees the connection reset or the banner masked and "
            "retries later; on an IronPort this shows as 'Receiving aborted'. Inspect "
            "esmtp is on by default in the global policy: tune its parameters or turn "
            "it off for the mail server."
        )
        findings.append(
            Finding(
                code="syslog.esmtp_inspection_drops",
                severity="warning",
                title=f"ESMTP inspection is dropping mail to {server}",
                detail=detail,
                link=links.ESMTP_SYSLOGS,
                lines=[_first_line(r) for r in records][:_MAX_LINES],
                next_commands=[
                    "show service-policy inspect esmtp",
                    "show running-config policy-map",
                    "show logging | include 108004|507003",
                ],
                subject=f"mail flow to {server}",
            )
        )
    return findings


def _known_peers(report: Report, summaries: list[dict]) -> set[str]:
    """Every address the paste names as an IKE peer, whatever printed it
    (``summaries``: each syslog source's summary)."""
    peers: set[str] = set()
    for source in report.sources:
        if source.kind == SYSLOG:
            continue
        for record in source.records:
            peer = record.get("peer") if isinstance(record, dict) else None
            if isinstance(peer, str) and peer:
                peers.add(peer)
    for summary in summaries:
        for peer, by_id in summary["peers"].items():
            if any(message_id not in _ACL_IDS for message_id in by_id):
                peers.add(peer)
    return peers


def _is_vpn_deny(record: dict) -> str | None:
    """ "udp/500", "udp/4500" or "esp" when the record is a deny of IKE, NAT-T or ESP."""
    message_id = record.get("message_id") or ""
    is_acl = message_id in _ACL_IDS or "IPACCESSLOG" in message_id
    if not is_acl or record.get("action") not in ("denied", None):
        return None
    if record.get("action") is None and message_id in _ACTION_REQUIRED:
        return None
    protocol = record.get("protocol")
    if protocol == "esp":
        return "esp"
    if protocol == "udp":
        for port in (record.get("dst_port"), record.get("src_port")):
            if port in _VPN_PORTS:
                return f"udp/{port}"
    return None


def _vpn_denies(messages: list[dict], peers: set[str]) -> list[Finding]:
    groups: dict[tuple, list[dict]] = {}
    for record in messages:
        what = _is_vpn_deny(record)
        if what is None:
            continue
        src, dst = record.get("src"), record.get("dst")
        peer = src if src in peers else dst if dst in peers else None
        # 710003 is traffic to the device itself, refused before any interface
        # ACL: a different cause, so a different finding.
        to_device = record.get("message_id") == "710003"
        key = (record.get("acl") or "", peer or src or "", what, to_device)
        groups.setdefault(key, []).append(record)
    findings = []
    for (acl, remote, what, to_device), records in groups.items():
        sample = records[0]
        peer_known = remote in peers
        ftd = sample.get("message_id", "").startswith("430")
        ios = sample.get("platform") == "ios"
        if ftd:
            acl_text = f"access control rule {acl}" if acl else "an access control rule"
        elif to_device:
            acl_text = "the device's own access rules"
        else:
            acl_text = f"access list {acl}" if acl else "an access list"
        interface = sample.get("src_interface") or sample.get("dst_interface")
        traffic = (
            "ESP (IP protocol 50)" if what == "esp" else f"UDP {what.split('/')[1]}"
        )
        detail = (
            f"{plural(len(records), 'packet')} of {traffic} between {sample.get('src')} and "
            f"{sample.get('dst')} were denied by {acl_text}"
            f"{' on ' + interface if interface else ''}. "
        )
        if peer_known:
            detail += f"{remote} is an IKE peer elsewhere in this paste, so the tunnel cannot form or carry traffic while this is denied. "
        else:
            detail += "Whatever the peer is, IKE needs UDP 500 (and 4500 behind NAT) and the tunnel's data needs ESP or UDP 4500. "
        if to_device:
            detail += (
                "Message 710003 means the packets were addressed to the firewall itself "
                "and refused there: for IKE this is what the ASA logs when IKE is not "
                "enabled on the interface the packets arrive on (crypto ikev1|ikev2 "
                "enable <interface>), or when a control-plane access list denies them."
            )
        elif ftd:
            detail += (
                "The access control policy blocked the flow: allow IKE and ESP between "
                "the peers in the policy (or a prefilter fastpath rule) and deploy."
            )
        else:
            detail += "Permit them from the peer's address in the interface ACL (or the control-plane ACL for traffic to the device itself)."
        iface = interface or "outside"
        if what == "esp":
            tracer = f"packet-tracer input {iface} rawip {sample.get('src')} 50 {sample.get('dst')} detailed"
        else:
            port = int(what.split("/")[1])
            tracer = (
                f"packet-tracer input {iface} udp {sample.get('src')} "
                f"{sample.get('src_port') or port} {sample.get('dst')} {sample.get('dst_port') or port} detailed"
            )
        if ios:
            commands = [
                f"show access-lists {acl}" if acl else "show ip interface",
                "show ip interface | include line protocol|access list",
                "show crypto isakmp sa",
            ]
        elif to_device:
            commands = [
                "show running-config crypto ikev1",
                "show running-config crypto ikev2",
                "show running-config access-group",
                tracer,
            ]
        elif ftd:
            commands = [
                tracer,
                "show access-control-config",
                f"show conn address {sample.get('src')}",
            ]
        else:
            commands = [
                f"show access-list {acl}"
                if acl
                else "show running-config access-group",
                tracer,
                "show running-config access-group",
            ]
        findings.append(
            Finding(
                code="syslog.vpn_traffic_denied",
                severity="error",
                title=f"{traffic} {'from peer ' + remote if peer_known else ''} denied by {acl_text}".replace(
                    "  ", " "
                ),
                detail=detail,
                link=links.PHASE1_ISAKMP_ENABLED
                if to_device and what != "esp"
                else links.PHASE1_ACCESS_LIST_DENIES,
                lines=[_first_line(r) for r in records][:_MAX_LINES],
                next_commands=commands,
                subject=f"peer {remote}"
                if peer_known
                else f"{traffic} {sample.get('src')} -> {sample.get('dst')}",
            )
        )
    return findings
