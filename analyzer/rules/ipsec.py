"""Phase 2 counters of `show crypto ipsec sa`: which way traffic stops.

One look per proxy pair (local ident / remote ident): encrypted but nothing
decrypted, the reverse, nothing at all, send/receive errors, integrity failures,
fragmentation. A pair whose counters look healthy gets no finding above info.
"""

from __future__ import annotations

from analyzer import links
from analyzer.addresses import network, prefix_text
from analyzer.paste import ident_network, narrowed_to, waiting_for_sa
from analyzer.registry import (
    ASA_SHOW_CRYPTO_IPSEC_SA,
    ASA_SHOW_IPSEC_STATS,
    IOS_SHOW_CRYPTO_IPSEC_SA,
    IOS_SHOW_CRYPTO_SESSION,
    IOS_SHOW_DMVPN,
)
from analyzer.report import Finding

KINDS = (ASA_SHOW_CRYPTO_IPSEC_SA, IOS_SHOW_CRYPTO_IPSEC_SA)

# IOS/ASA detail counters that count packets dropped on the way in or out.
_ERROR_COUNTERS = (
    "send_errors",
    "recv_errors",
    "no_sa_send",
    "invalid_sa_rcv",
    "invalid_spi_rcv",
    "encaps_failed_send",
    "decaps_failed_rcv",
    "invalid_prot_recv",
    "invalid_identity_recv",
    "invalid_len_rcv",
    "invalid_pad_rcv",
    "invalid_ip_version_rcv",
    "internal_err_send",
    "internal_err_recv",
)
_VERIFY_COUNTERS = ("verify_failed", "replay_failed_rcv", "replay_failed")
_FRAGMENT_COUNTERS = (
    "pre_frag_failures",
    "min_mtu_frag_failed_send",
    "bad_frag_offset_rcv",
    "fragments_created",
    "frags_needing_reassembly",
    "pmtus_sent",
    "pmtus_rcvd",
)
# Transform words that mean the SA checks integrity (so "verify" counts).
_INTEGRITY = ("hmac", "gcm", "gmac", "sha", "md5", "xcbc")


def _split_ident(ident: str | None):
    if not ident:
        return None
    parts = ident.rsplit("/", 3)
    if len(parts) != 4:
        return None
    return parts  # addr, mask, prot, port


def ident_text(ident: str | None) -> str:
    """ "192.168.11.0/24" for "192.168.11.0/255.255.255.0/0/0"; protocol and port
    added when the proxy is narrower than all IP."""
    parts = _split_ident(ident)
    if parts is None:
        return ident or "?"
    addr, mask, prot, port = parts
    text = prefix_text(addr, mask)
    if prot not in ("0", ""):
        text += {"6": " tcp", "17": " udp", "1": " icmp", "47": " gre"}.get(
            prot, f" proto {prot}"
        )
    if port not in ("0", ""):
        text += f"/{port}"
    return text


def _host(ident: str | None) -> str | None:
    """One address inside the proxy, for a packet-tracer or a ping."""
    parts = _split_ident(ident)
    if parts is None:
        return None
    addr, mask = parts[0], parts[1]
    net = network(addr, mask)
    if net is None:
        return addr
    if net.prefixlen == 0:  # "any": no one host stands for it
        return None
    if net.num_addresses <= 2:
        return addr
    return str(net.network_address + 1)


def _tracer(rec: dict) -> str | None:
    src, dst = _host(rec.get("local_ident")), _host(rec.get("remote_ident"))
    if not src or not dst:
        return None
    parts = _split_ident(rec.get("remote_ident"))
    prot, port = parts[2], parts[3]
    if prot in ("6", "17"):
        name = "tcp" if prot == "6" else "udp"
        dport = port if port not in ("0", "") else ("443" if prot == "6" else "53")
        return f"packet-tracer input inside {name} {src} 1025 {dst} {dport} detailed"
    return f"packet-tracer input inside icmp {src} 8 0 {dst} detailed"


def _lines(rec: dict, *fields: str) -> list[int]:
    at = rec.get("at", {})
    found = [at[f] for f in fields if f in at]
    return found or list(rec.get("lines", [])[:1])


def _has_integrity(rec: dict) -> bool:
    transforms = [rec.get("transform", "")]
    for sa in rec.get("inbound_sas", []) + rec.get("outbound_sas", []):
        transforms.append(sa.get("transform", ""))
    text = " ".join(t for t in transforms if t).lower()
    return any(word in text for word in _INTEGRITY)


def _nat_t(rec: dict) -> bool:
    """True when the SA runs over NAT-T (UDP 4500)."""
    if 4500 in (rec.get("remote_endpoint_port"), rec.get("local_endpoint_port")):
        return True
    if rec.get("peer_port") == 4500:
        return True
    return any(
        "NAT-T" in " ".join(sa.get("settings", [])).upper()
        for sa in rec.get("inbound_sas", []) + rec.get("outbound_sas", [])
    )


def _commands(rec: dict, asa: bool, topic: str) -> list[str]:
    peer = rec.get("peer", "")
    if rec.get("device") == "pix6":
        # PIX 6: no packet-tracer, no 'capture ... match', no 'sa peer' filter.
        cmds = ["show crypto ipsec sa", "show crypto map", "show isakmp sa"]
        if topic in ("encaps_no_decaps", "no_traffic", "errors", "verify"):
            cmds.append("debug crypto ipsec")
        if topic == "decaps_no_encaps":
            cmds += ["show route", "show nat"]
        return cmds
    local = rec.get("local_endpoint") or rec.get("local_addr")
    remote_host = _host(rec.get("remote_ident"))
    cmds = [f"show crypto ipsec sa peer {peer}"]
    if asa:
        iface = rec.get("interface") or "outside"
        esp_from = f"host {local}" if local else "any"
        capture = f"capture cap-esp interface {iface} match esp {esp_from} host {peer}"
        if _nat_t(rec):
            # Behind NAT the ESP travels inside UDP 4500: a capture of ESP sees
            # nothing.
            capture = (
                f"capture cap-esp interface {iface} match udp {esp_from} "
                f"host {peer} eq 4500"
            )
        tracer = _tracer(rec)
        if topic == "encaps_no_decaps":
            cmds += [capture, "show capture cap-esp"]
            cmds += [tracer] if tracer else []
        elif topic == "decaps_no_encaps":
            cmds += [tracer] if tracer else []
            cmds += [f"show route {remote_host}"] if remote_host else []
            cmds.append("show nat detail")
        elif topic == "no_traffic":
            cmds += [tracer] if tracer else []
            # The ASA prints the state on the lines after the peer's: begin there.
            cmds.append(f"show crypto isakmp sa | begin {peer}")
        elif topic in ("errors", "verify"):
            cmds[0] += " detail"
            cmds += ["show asp drop", capture]
        elif topic == "fragmentation":
            cmds[0] += " detail"
            cmds += ["show running-config crypto ipsec", "show running-config sysopt"]
    else:
        if topic in ("errors", "verify", "fragmentation"):
            cmds[0] += " detail"
        cmds.append(f"show crypto session remote {peer} detail")
        if topic in ("encaps_no_decaps", "no_traffic"):
            cmds.append("debug crypto ipsec")
        if topic == "decaps_no_encaps" and remote_host:
            cmds.append(f"show ip route {remote_host}")
        if topic == "fragmentation" and rec.get("ip_mtu_idb"):
            cmds.append(f"show interfaces {rec['ip_mtu_idb']} | include MTU")
    return [c for c in cmds if c]


def _subject(rec: dict) -> str:
    subject = f"peer {rec.get('peer', 'unknown')}"
    if rec.get("local_ident") or rec.get("remote_ident"):
        subject += (
            f" ({ident_text(rec.get('local_ident'))} \u2192 "
            f"{ident_text(rec.get('remote_ident'))})"
        )
    return subject


def _check_sa(rec: dict, asa: bool) -> list[Finding]:
    out: list[Finding] = []
    peer = rec.get("peer", "the peer")
    subject = _subject(rec)
    encaps, decaps = rec.get("encaps"), rec.get("decaps")

    def finding(code, severity, title, detail, link, lines, topic):
        out.append(
            Finding(
                code=f"ipsec.{code}",
                severity=severity,
                title=title,
                detail=detail,
                link=link,
                lines=lines,
                next_commands=_commands(rec, asa, topic),
                subject=subject,
            )
        )

    gre = _gre_proxy_elsewhere(rec)
    if gre is not None:
        # GRE over IPsec: the crypto ACL protects GRE between the tunnel's own
        # endpoints. A proxy naming another host matches no GRE the tunnel sends.
        named, endpoint = gre
        out.append(
            Finding(
                code="ipsec.gre_proxy_not_peer",
                severity="warning",
                title=f"The SA protects GRE to {named}, but the peer is {endpoint}",
                detail=(
                    f"This SA's remote proxy is GRE to host {named} while the tunnel's "
                    f"far end (current peer, remote crypto endpoint) is {endpoint}. For "
                    "GRE over IPsec the crypto ACL must permit GRE between the two "
                    "tunnel endpoints (`permit gre host <local> host <peer>`), the "
                    "addresses `tunnel source` and `tunnel destination` use: GRE sent "
                    f"to {endpoint} never matches this entry, so nothing is encrypted "
                    "and phase 2 is not brought up for it."
                ),
                link=links.PHASE2_CRYPTO_ACL_MIRROR,
                lines=_lines(rec, "remote_ident", "peer"),
                next_commands=[
                    "show crypto map",
                    "show access-lists",
                    "show interfaces tunnel 0",
                ]
                if not asa
                else ["show run crypto map", "show run access-list"],
                subject=subject,
            )
        )

    if encaps is not None and decaps is not None:
        if encaps > 0 and decaps == 0:
            finding(
                "encaps_no_decaps",
                "warning",
                f"Packets to {peer} are encrypted, nothing comes back decrypted",
                f"This SA encrypted {encaps} packets and decrypted none. Phase 1 and "
                "phase 2 are up, so the tunnel is negotiated; the return traffic is "
                "missing. Check the far end: a route for this traffic into its "
                "tunnel, a crypto ACL that mirrors this one, NAT exemption for the "
                "pair, and that the destination host answers at all. A capture of "
                "ESP on both outside interfaces shows which side drops it"
                + (
                    " (this SA uses NAT-T, so the ESP travels in UDP 4500: a device "
                    "on the path must let UDP 4500 through both ways)."
                    if _nat_t(rec)
                    else "."
                ),
                links.ENCAPS_NO_DECAPS,
                _lines(rec, "encaps", "decaps"),
                "encaps_no_decaps",
            )
        elif decaps > 0 and encaps == 0 and decaps > (rec.get("recv_errors") or 0):
            # Every packet decapsulated also counted a receive error: none was
            # delivered, so no reply was due (the error counters speak of it).
            finding(
                "decaps_no_encaps",
                "warning",
                f"Packets from {peer} are decrypted, nothing is encrypted back",
                f"This SA decrypted {decaps} packets and encrypted none. The peer "
                "sends into the tunnel but the replies never match this SA on the "
                "way out: look at the route back to the remote network, NAT "
                "rules that translate the reply before encryption, and the crypto "
                "ACL on this side (it must match the reply exactly).",
                links.DECAPS_NO_ENCAPS,
                _lines(rec, "encaps", "decaps"),
                "decaps_no_encaps",
            )
        elif encaps == 0 and decaps == 0:
            no_sa = rec.get("outbound_spi") == "00000000" or (
                "inbound_sas" in rec
                and not rec["inbound_sas"]
                and not rec.get("outbound_sas")
            )
            detail = (
                "No SA is established for this proxy pair (the current SPI is zero): "
                "no traffic has matched it since the last negotiation, or phase 2 "
                "failed. Send traffic that matches the pair and watch the "
                "negotiation."
                if no_sa
                else "The SA is up but has carried no packet in either direction. "
                "Either nothing has sent traffic that matches this pair yet, or the "
                "traffic is routed or translated so that it never reaches the "
                "crypto map. Test with packet-tracer (ASA) or a sourced ping."
            )
            finding(
                "no_traffic",
                "info",
                f"No traffic through the SA with {peer}",
                detail,
                links.SA_NO_TRAFFIC,
                _lines(rec, "encaps", "decaps"),
                "no_traffic",
            )

    errors = [f for f in _ERROR_COUNTERS if rec.get(f)]
    if errors and waiting_for_sa(rec):
        # Packets matched the crypto ACL and found no SA to leave by: phase 2 is
        # not up, which the IKE checks judge with the phase 1 state beside it.
        finding(
            "waiting_for_sa",
            "info",
            f"Traffic for {peer} is waiting for an IPsec SA",
            f"{rec['send_errors']} packets matched this crypto map entry and found "
            "no SA to leave by (the current outbound SPI is zero, nothing was "
            "encrypted): traffic wants this tunnel but phase 2 is not up. These "
            "are not errors of a working SA.",
            links.SA_SEND_RECV_ERRORS,
            _lines(rec, "send_errors", "outbound_spi"),
            "errors",
        )
        errors = []
    if errors:
        listed = ", ".join(f"{f.replace('_', ' ')} {rec[f]}" for f in errors)
        finding(
            "send_recv_errors",
            "warning",
            f"Send or receive errors on the SA with {peer}",
            f"Error counters are not zero ({listed}). Receive-side errors point at "
            "packets with an unknown SPI, bad length or wrong protocol (often a "
            "peer still using an old SA after a rekey); send-side errors at packets "
            "that found no SA or failed encapsulation. The detailed output and the "
            "drop counters name the reason.",
            links.SA_SEND_RECV_ERRORS,
            _lines(rec, *errors),
            "errors",
        )

    failed = [f for f in _VERIFY_COUNTERS if rec.get(f)]
    verify = rec.get("verify")
    short = (
        decaps is not None
        and verify is not None
        and decaps > verify
        and (verify > 0 or _has_integrity(rec))
    )
    if failed or short:
        parts = [f"{f.replace('_', ' ')} {rec[f]}" for f in failed]
        if short:
            parts.append(f"decaps {decaps} but only {verify} verified")
        finding(
            "verify_failures",
            "warning",
            f"Packets from {peer} fail integrity or replay checks",
            f"Some received ESP packets were not accepted ({', '.join(parts)}). "
            "Integrity (HMAC) failures mean packets altered or corrupted on the "
            "path, or keys out of step after a rekey; replay failures mean packets "
            "arriving far out of order (QoS or load balancing between the peers).",
            links.SA_VERIFY_FAILURES,
            _lines(rec, *(("decaps", "verify") if short else ()), *failed),
            "verify",
        )

    fragments = [f for f in _FRAGMENT_COUNTERS if rec.get(f)]
    if fragments:
        listed = ", ".join(f"{f.replace('_', ' ')} {rec[f]}" for f in fragments)
        finding(
            "fragmentation",
            "info",
            f"Fragmentation on the SA with {peer}",
            f"Packets are fragmented around the tunnel ({listed}). ESP adds up to "
            "about 70 bytes, so full-size packets no longer fit the path MTU; "
            "failures or reassembly work cost throughput and can break "
            "applications that set DF. Lowering the TCP MSS or the tunnel MTU "
            "usually removes it.",
            links.SA_FRAGMENTATION,
            _lines(rec, *fragments),
            "fragmentation",
        )
    return out


def _moved(old: dict, new: dict) -> str:
    """How encaps and decaps moved between two outputs of the same SA."""
    parts = []
    for field in ("encaps", "decaps"):
        before, after = old.get(field), new.get(field)
        if before is None or after is None:
            continue
        if after == before:
            parts.append(f"{field} stayed at {after}")
        else:
            parts.append(f"{field} went from {before} to {after}")
    if not parts:
        return ""
    first = (old.get("at") or {}).get("encaps") or (old.get("lines") or [0])[0]
    second = (new.get("at") or {}).get("encaps") or (new.get("lines") or [0])[0]
    return (
        f"The same SA is pasted more than once; between the outputs (lines {first} "
        f"and {second}) " + " and ".join(parts) + "."
    )


SESSION_KIND = IOS_SHOW_CRYPTO_SESSION


def _flow_pair(flow: dict) -> str:
    """ "192.168.1.0/24 → 192.168.2.0/24" from "permit ip 192.168.1.0/255.255.255.0
    192.168.2.0/255.255.255.0", "10.1.1.4 → 10.1.1.3 gre" from "permit 47 host
    10.1.1.4 host 10.1.1.3"; the flow as printed when it is another shape."""
    src, dst = flow.get("src"), flow.get("dst")
    if not src or not dst:
        return flow.get("flow", "")

    def side(address: str, mask: str | None, port: str | None) -> str:
        if mask is None:
            text = address
        elif "." in mask:
            text = ident_text(f"{address}/{mask}/0/0")
        else:
            text = f"{address}/{mask}"
        return f"{text}/{port}" if port else text

    protocol = (flow.get("protocol") or "ip").lower()
    name = {"6": "tcp", "17": "udp", "1": "icmp", "47": "gre"}.get(protocol, protocol)
    pair = (
        f"{side(src, flow.get('src_mask'), flow.get('src_port'))} \u2192 "
        f"{side(dst, flow.get('dst_mask'), flow.get('dst_port'))}"
    )
    return pair if name in ("ip", "ipv6") else f"{pair} {name}"


def _flow_lines(flow: dict, *fields: str) -> list[int]:
    at = flow.get("at", {})
    return [at[f] for f in fields if f in at] or flow.get("lines", [])[:1]


def _check_session(rec: dict, stuck: dict | None = None) -> list[Finding]:
    """`show crypto session detail`: a session that is down, and per IPsec flow
    the same one-way and drop checks as the SA counters. ``stuck`` is the IKEv2
    debug record (if the paste has one) saying an SA is already in negotiation."""
    out: list[Finding] = []
    peer = rec.get("peer", "unknown")
    status = rec.get("status", "")
    versions = {sa.get("version", "").upper() for sa in rec.get("ike_sas", [])}
    v2 = "IKEV2" in versions
    if status == "DOWN-NEGOTIATING" and v2 and stuck is not None:
        # Not a phase 1 that fails on policies or keys: an SA left in
        # negotiation keeps the router from trying again (the IKE debug
        # checks say so, with this session).
        return out
    if status.startswith("DOWN"):
        iface = rec.get("interface", "")
        ping = f"ping {peer}" + (
            f" source {iface}"
            if iface and not iface.lower().startswith("tunnel")
            else ""
        )
        dropped = sum(f.get("out_drop") or 0 for f in rec.get("flows", []))
        out.append(
            Finding(
                code="ipsec.session_down",
                severity="warning",
                title=f"Crypto session with {peer} is {status}",
                detail=(
                    f"The session's status is {status}: phase 1 with {peer} is not "
                    "up, so no IPsec SA can carry its flows"
                    + (
                        f" ({dropped} outbound packets dropped for want of one)"
                        if dropped
                        else ""
                    )
                    + ". DOWN-NEGOTIATING means this router keeps trying; check "
                    "reachability of the peer, UDP 500/4500 on the path, and that "
                    "both ends agree on the IKE policy and the key."
                ),
                link=links.PHASE1_CHECKLIST,
                lines=[rec.get("at", {}).get("status", rec["lines"][0])]
                + [sa["line"] for sa in rec.get("ike_sas", []) if "line" in sa],
                next_commands=[
                    f"show crypto {'ikev2' if v2 else 'isakmp'} sa",
                    ping,
                    "debug crypto ikev2" if v2 else "debug crypto isakmp",
                ],
                subject=f"peer {peer}",
            )
        )
        return out
    if not status.startswith("UP"):
        return out
    if status == "UP-IDLE":
        out.append(
            Finding(
                code="ipsec.session_idle",
                severity="info",
                title=f"Phase 1 with {peer} is up, no IPsec SA",
                detail=(
                    "UP-IDLE: the IKE SA is up but no flow has an active IPsec SA. "
                    "Normal for a tunnel with no traffic (its IPsec SAs expired); if "
                    "traffic should be flowing, it does not match the crypto ACL, or "
                    "phase 2 fails (transform set, PFS or proxy mismatch)."
                ),
                link=links.SA_NO_TRAFFIC,
                lines=[rec.get("at", {}).get("status", rec["lines"][0])],
                next_commands=[
                    f"show crypto session remote {peer} detail",
                    "debug crypto ipsec",
                ],
                subject=f"peer {peer}",
            )
        )
    if status == "UP-NO-IKE":
        out.append(
            Finding(
                code="ipsec.session_no_ike",
                severity="info",
                title=f"IPsec SAs with {peer} are up without an IKE SA",
                detail=(
                    "UP-NO-IKE: the IPsec SAs still carry traffic but the IKE SA "
                    "that built them is gone (its lifetime ran out, or it was "
                    "cleared). Traffic is not affected; a new IKE SA is negotiated "
                    "at the next rekey. Until then dead peer detection cannot run, "
                    "so a peer that reboots is not noticed."
                ),
                link=links.DPD,
                lines=[rec.get("at", {}).get("status", rec["lines"][0])],
                next_commands=[
                    f"show crypto session remote {peer} detail",
                    f"show crypto {'ikev2' if v2 else 'isakmp'} sa",
                ],
                subject=f"peer {peer}",
            )
        )
    for flow in rec.get("flows", []):
        encaps, decaps = flow.get("encaps"), flow.get("decaps")
        subject = f"peer {peer} ({_flow_pair(flow)})"
        commands = [
            f"show crypto session remote {peer} detail",
            f"show crypto ipsec sa peer {peer}",
        ]
        if encaps is not None and decaps is not None:
            if encaps > 0 and decaps == 0:
                out.append(
                    Finding(
                        code="ipsec.encaps_no_decaps",
                        severity="warning",
                        title=f"Packets to {peer} are encrypted, nothing comes back decrypted",
                        detail=(
                            f"The flow encrypted {encaps} packets and decrypted none: "
                            "the tunnel is up and the return traffic is missing. Check "
                            "the far end's route into the tunnel, its crypto ACL (the "
                            "mirror of this one), its NAT exemption, and that ESP "
                            "reaches it."
                        ),
                        link=links.ENCAPS_NO_DECAPS,
                        lines=_flow_lines(flow, "decaps", "encaps"),
                        next_commands=commands + ["debug crypto ipsec"],
                        subject=subject,
                    )
                )
            elif decaps > 0 and encaps == 0:
                out.append(
                    Finding(
                        code="ipsec.decaps_no_encaps",
                        severity="warning",
                        title=f"Packets from {peer} are decrypted, nothing is encrypted back",
                        detail=(
                            f"The flow decrypted {decaps} packets and encrypted none: "
                            "replies do not match this flow on the way out. Look at "
                            "the route back to the remote network, NAT of the replies, "
                            "and this side's crypto ACL."
                        ),
                        link=links.DECAPS_NO_ENCAPS,
                        lines=_flow_lines(flow, "decaps", "encaps"),
                        next_commands=commands,
                        subject=subject,
                    )
                )
        drops = [(f, flow[f]) for f in ("in_drop", "out_drop") if flow.get(f)]
        if drops:
            listed = ", ".join(
                f"{n} {'inbound' if f == 'in_drop' else 'outbound'}" for f, n in drops
            )
            out.append(
                Finding(
                    code="ipsec.send_recv_errors",
                    severity="warning",
                    title=f"Packets dropped on the flow with {peer}",
                    detail=(
                        f"The session counts drops ({listed}). Inbound drops are "
                        "packets that failed decryption, integrity or replay checks "
                        "or arrived for an unknown SA; outbound drops are packets "
                        "that found no SA or failed encryption. The SA counters in "
                        "detail name the reason."
                    ),
                    link=links.SA_SEND_RECV_ERRORS,
                    lines=_flow_lines(flow, *(f for f, _ in drops)),
                    next_commands=[f"show crypto ipsec sa peer {peer} detail"]
                    + commands[:1],
                    subject=subject,
                )
            )
    return out


def check(report):
    findings: list[Finding] = []
    for source in report.sources_of(SESSION_KIND):
        for rec in source.records:
            findings.extend(_check_session(rec, report.paste.stale_negotiation(rec)))
    # The same SA pasted twice (before and after sending traffic): the last
    # output is judged, the earlier ones add their lines and the change.
    sas = report.paste.ipsec
    for sa in sas:
        rec = sa.record
        found = _check_sa(rec, sa.asa)
        if sa.earlier:
            note = _moved(sa.earlier[0], rec)
            earlier = [n for old in sa.earlier for n in _lines(old, "encaps", "decaps")]
            for finding in found:
                if finding.code in (
                    "ipsec.encaps_no_decaps",
                    "ipsec.decaps_no_encaps",
                    "ipsec.no_traffic",
                ):
                    finding.lines = sorted(set(finding.lines) | set(earlier))
                if note:
                    finding.detail += " " + note
        extra = [n for other in sa.absorbed for n in _lines(other, "encaps", "decaps")]
        for finding in found:
            finding.detail += _other_end(rec, finding.code, sa.far_end)
            if extra and finding.code in (
                "ipsec.encaps_no_decaps",
                "ipsec.decaps_no_encaps",
            ):
                finding.lines = sorted(set(finding.lines) | set(extra))
        findings.extend(found)
    ikev2 = {
        peer for peer, tunnel in report.paste.tunnels.items() if tunnel.ike_version == 2
    }
    findings.extend(_overlapping([(sa.record, sa.asa) for sa in sas], ikev2))
    findings.extend(_dmvpn_waiting_for_ipsec(report))
    findings.extend(_missing_sa(report))
    return findings


# `show ipsec stats`: packets that matched a crypto map entry with no SA to send
# them on. A few at each tunnel's first packet are normal (the packet that starts
# the negotiation); this many, and this share of what was sent, is not.
_MISSING_SA_MIN = 1000
_MISSING_SA_SHARE = 0.01


def _missing_sa(report) -> list[Finding]:
    findings = []
    for source in report.sources_of(ASA_SHOW_IPSEC_STATS):
        for rec in source.records:
            missing = rec.get("missing_sa_failures") or 0
            sent = rec["outbound"].get("packets")
            if missing < _MISSING_SA_MIN or (
                sent and missing < _MISSING_SA_SHARE * (sent + missing)
            ):
                continue
            dropped = rec["outbound"].get("dropped_packets")
            share = (
                f" ({missing / (sent + missing):.1%} of what it had to send)"
                if sent
                else ""
            )
            drops = f", beside {dropped} outbound packets dropped" if dropped else ""
            lines = [rec["at"]["missing_sa_failures"]]
            if dropped:
                lines.insert(0, rec["at"]["outbound.dropped_packets"])
            findings.append(
                Finding(
                    code="ipsec.missing_sa_failures",
                    severity="warning",
                    title=f"{missing} packets were to be encrypted on an SA that was gone",
                    detail=(
                        f"show ipsec stats counts {missing} Missing SA failures"
                        f"{share}{drops}: packets matched a crypto map entry whose "
                        "SA no longer exists, and were dropped. A tunnel's first "
                        "packets count here while it comes up; this many means SAs "
                        "this device still sends on were deleted (the peers "
                        "disconnected and reconnected, one side rebooted or cleared "
                        "its SAs), or tunnels that keep failing to come up. Look for "
                        "the peers whose SAs encrypt and never decrypt, clear their "
                        "SAs, and make sure DPD is on; on PIX 7.x a peer's reconnect "
                        "leaving SAs behind is bug CSCsd48512 (fixed in 7.0(5), "
                        "7.1(2.1) and 7.2(0.46))."
                    ),
                    link=links.STALE_SAS,
                    lines=lines,
                    next_commands=[
                        "show crypto ipsec sa | include peer|encaps|decaps",
                        "show crypto isakmp sa",
                        "show asp drop | include sa",
                        "clear crypto ipsec sa peer <peer>",
                    ],
                    subject="IPsec global statistics",
                )
            )
    return findings


# An NHRP entry passes through IKE and IPSEC on its way up in a second or two;
# one still in IPSEC after this long is stuck there.
_IPSEC_STATE_SECONDS = 15


def _seconds(updn: str | None) -> int | None:
    """00:01:10 as 70; None for what is not hh:mm:ss ("1w2d" is long enough)."""
    parts = (updn or "").split(":")
    if len(parts) != 3 or not all(p.isdigit() for p in parts):
        return None
    hours, minutes, seconds = (int(p) for p in parts)
    return hours * 3600 + minutes * 60 + seconds


def _dmvpn_waiting_for_ipsec(report) -> list[Finding]:
    """`show dmvpn` rows in state IPSEC: IKE with that NBMA peer is up, the IPsec
    SAs never came, so NHRP and the GRE traffic cannot pass. Unless an IPsec SA
    with that peer counts traffic in the same paste (the row is older than it)."""
    passing = {
        sa.record.get("peer")
        for sa in report.paste.ipsec
        if sa.record.get("encaps") or sa.record.get("decaps")
    }
    rows: dict[str, list[dict]] = {}
    for source in report.sources_of(IOS_SHOW_DMVPN):
        for rec in source.records:
            if rec["state"] != "IPSEC" or rec["nbma"] in passing:
                continue
            seconds = _seconds(rec["updn"])
            if seconds is not None and seconds < _IPSEC_STATE_SECONDS:
                continue
            rows.setdefault(rec["nbma"], []).append(rec)
    findings = []
    for nbma, recs in rows.items():
        rec = recs[0]
        peer = "a peer not resolved yet" if nbma == "UNKNOWN" else nbma
        where = f" on {rec['interface']}" if rec.get("interface") else ""
        findings.append(
            Finding(
                code="ipsec.dmvpn_waiting_for_ipsec",
                severity="warning",
                title=f"DMVPN peer {peer} is stuck in state IPSEC: IKE is up, no IPsec SA",
                detail=(
                    f"The NHRP entry for {rec['tunnel_address']} (NBMA {nbma})"
                    f"{where} has been in state IPSEC for {rec['updn']}: phase 1 "
                    "with that peer completed, but quick mode never installed the "
                    "IPsec SAs, so no GRE packet, NHRP registration or routing "
                    "hello crosses the tunnel. The two ends disagree on a phase 2 "
                    "parameter: the transform set of the IPsec profile (cipher, "
                    "integrity, mode), PFS set on one side only (or another DH "
                    "group), or the proxy identities. Compare `show crypto ipsec "
                    "profile` and the transform sets on both ends; `debug crypto "
                    "ipsec` on the end that answers says which proposal it refused."
                ),
                link=links.PHASE2_WHAT_MUST_MATCH,
                lines=[r["at"]["state"] for r in recs],
                next_commands=[
                    f"show crypto ipsec sa peer {nbma}"
                    if nbma != "UNKNOWN"
                    else "show crypto ipsec sa",
                    "show crypto isakmp sa",
                    "show crypto ipsec profile",
                    "show crypto ipsec transform-set",
                    "debug crypto ipsec",
                ],
                subject=f"peer {nbma}" if nbma != "UNKNOWN" else "DMVPN",
            )
        )
    return findings


def _overlapping(latest: list, ikev2: set = frozenset()) -> list[Finding]:
    """SAs with one peer whose proxies overlap without being the same: the peer
    negotiated other networks (a supernet, a host inside a subnet) than this side's
    crypto ACL names, so traffic matches one SA going out and arrives on another.
    An IKEv2 crypto map entry left without an SA beside the SA its networks were
    narrowed to is not a second SA."""
    records = [rec for rec, _ in latest]
    groups: dict = {}
    for rec, _ in latest:
        if rec.get("peer") in ikev2 and narrowed_to(rec, records):
            continue
        local, remote = (
            ident_network(rec.get("local_ident")),
            ident_network(rec.get("remote_ident")),
        )
        if (
            local is None
            or remote is None
            or local.prefixlen == 0
            or remote.prefixlen == 0
        ):
            continue
        key = (rec.get("peer") or "", rec.get("crypto_map") or "")
        groups.setdefault(key, []).append((rec, local, remote))
    out = []
    for (peer, _), sas in groups.items():
        if len(sas) < 2 or len(sas) > 64:
            continue
        pairs = [
            (a, b)
            for i, a in enumerate(sas)
            for b in sas[i + 1 :]
            if (a[1], a[2]) != (b[1], b[2])
            and a[1].version == b[1].version
            and a[2].version == b[2].version
            and a[1].overlaps(b[1])
            and a[2].overlaps(b[2])
        ]
        if not pairs:
            continue
        (a, la, ra), (b, lb, rb) = pairs[0]
        wider = (
            b
            if (lb.num_addresses * rb.num_addresses)
            > (la.num_addresses * ra.num_addresses)
            else a
        )
        who = f"with {peer}" if peer else "with one peer"
        out.append(
            Finding(
                code="ipsec.overlapping_sas",
                severity="warning",
                title=f"IPsec SAs {who} overlap: the two ends' crypto ACLs are not mirror images",
                detail=(
                    f"The SA for {ident_text(a.get('local_ident'))} to "
                    f"{ident_text(a.get('remote_ident'))} and the SA for "
                    f"{ident_text(b.get('local_ident'))} to "
                    f"{ident_text(b.get('remote_ident'))} cover some of the same "
                    "traffic. One end negotiated proxies that are not the other "
                    "end's crypto ACL lines (a supernet, or a host inside a subnet, "
                    "is typical of a peer that summarises), so packets leave on one "
                    "SA and come back on another, and counters look one-way. Make "
                    "both crypto ACLs name exactly the same networks, mirrored; the "
                    "widest SA here is "
                    f"{ident_text(wider.get('local_ident'))} to "
                    f"{ident_text(wider.get('remote_ident'))}."
                ),
                link=links.PHASE2_CRYPTO_ACL_MIRROR,
                lines=sorted(
                    set(_lines(a, "local_ident", "remote_ident"))
                    | set(_lines(b, "local_ident", "remote_ident"))
                ),
                next_commands=["show run crypto map", "show run access-list"],
                subject=f"peer {peer}" if peer else "peer unknown",
            )
        )
    return out


def _other_end(rec: dict, code: str, other: dict | None) -> str:
    """When both ends of the tunnel are in the paste, what the far end's counters
    say about a one-way SA: whether the packets arrive there, and where the
    other direction is lost."""
    if other is None or code not in (
        "ipsec.encaps_no_decaps",
        "ipsec.decaps_no_encaps",
    ):
        return ""
    o_enc, o_dec = other.get("encaps"), other.get("decaps")
    where = (other.get("at") or {}).get("encaps") or (other.get("lines") or [0])[0]
    far = other.get("local_endpoint") or other.get("local_addr")
    if code == "ipsec.encaps_no_decaps":
        if o_dec and not o_enc:
            return (
                f" The other end ({far}, line {where}) decrypts {o_dec} packets and "
                "encrypts none: the packets arrive, and the replies are lost on that "
                "side before encryption (its route back, NAT of the replies, or a "
                "crypto ACL that does not match them)."
            )
        if o_enc and not o_dec:
            return (
                f" The other end ({far}, line {where}) also encrypts ({o_enc}) and "
                "decrypts nothing: each side sends and neither receives, so ESP is "
                "lost on the path between them (a firewall or NAT device dropping "
                "ESP or UDP 4500)."
            )
    if code == "ipsec.decaps_no_encaps" and o_enc and not o_dec:
        return (
            f" The other end ({far}, line {where}) encrypts {o_enc} packets and "
            "decrypts none: the fault is here, where the replies do not get "
            "encrypted back."
        )
    return ""


def _gre_proxy_elsewhere(rec: dict) -> tuple[str, str] | None:
    """(proxy host, tunnel endpoint) when a GRE (protocol 47) host proxy names a
    host that is not the SA's own far end."""
    parts = _split_ident(rec.get("remote_ident"))
    endpoint = rec.get("remote_endpoint") or rec.get("peer")
    if parts is None or not endpoint:
        return None
    addr, mask, prot, _ = parts
    if prot != "47" or mask != "255.255.255.255" or addr == endpoint:
        return None
    return addr, endpoint
