"""Why an IKE negotiation in a debug or IKE syslog sequence failed, per peer.

Reads the per-peer records of the ike_debug parser: the messages each side sent,
the notifies and errors, with what each error's words blame as the parser named it
(``cause``, ``direction``, ``declared_id`` ...); the device's words themselves are
only quoted. One finding per peer and cause; a negotiation that completed is
reported as info.
"""

from __future__ import annotations

from analyzer import isakmp, links
from analyzer.addresses import is_private
from analyzer.registry import IKE_DEBUG, IOS_SHOW_CRYPTO_SESSION, PEER_IKE_LOG
from analyzer.report import Finding, Report, plural, quote

_EVIDENCE_MESSAGES = 3


def check(report: Report) -> list[Finding]:
    findings: list[Finding] = []
    for source in report.sources_of(IKE_DEBUG, PEER_IKE_LOG):
        for record in source.records:
            findings.extend(_peer(record))
    # "SA is already in negotiation" with no peer on its line: the crypto
    # session the same paste shows DOWN-NEGOTIATING over IKEv2 names it.
    for source in report.sources_of(IOS_SHOW_CRYPTO_SESSION):
        for session in source.records:
            stuck = report.paste.stale_negotiation(session)
            if stuck is not None and not stuck["peer"] and _negotiating_v2(session):
                findings.append(
                    in_negotiation_finding(
                        session.get("peer", "unknown"), stuck, session
                    )
                )
    return findings


def _negotiating_v2(session: dict) -> bool:
    versions = {sa.get("version", "").upper() for sa in session.get("ike_sas", [])}
    return session.get("status") == "DOWN-NEGOTIATING" and "IKEV2" in versions


def _last_message_lines(record: dict, count: int = _EVIDENCE_MESSAGES) -> list[int]:
    return [m["line"] for m in record["messages"][-count:]]


def _error_lines(record: dict, kind: str) -> list[int]:
    return [e["line"] for e in record["errors"] if e["kind"] == kind][:10]


# The IKEv2 counterpart of each IKEv1 command, for a negotiation that was IKEv2.
_IKEV2_COMMANDS = (
    ("debug crypto ikev1 127", "debug crypto ikev2 protocol 127"),
    ("debug crypto ikev1", "debug crypto ikev2 protocol"),
    ("show run crypto ikev1", "show run crypto ikev2"),
    ("show running-config crypto ikev1", "show running-config crypto ikev2"),
    ("show crypto ikev1 sa", "show crypto ikev2 sa"),
    ("show crypto isakmp key", "show crypto ikev2 profile"),
    ("show crypto isakmp policy", "show crypto ikev2 proposal"),
    ("show crypto isakmp sa", "show crypto ikev2 sa"),
    ("debug crypto isakmp", "debug crypto ikev2"),
)


# What to run on the other vendor's end, when its log was pasted.
_VENDOR_COMMANDS = {
    "strongswan": (
        "swanctl --list-sas",
        "swanctl --list-conns",
        "journalctl -u strongswan --since '10 min ago'",
    ),
    "libreswan": (
        "ipsec status",
        "ipsec trafficstatus",
        "journalctl -u ipsec --since '10 min ago'",
    ),
    "fortigate": (
        "diagnose vpn ike gateway list",
        "diagnose debug application ike -1",
        "diagnose vpn tunnel list",
    ),
    "juniper": (
        "show security ike security-associations detail",
        "show security ipsec security-associations detail",
        "show log kmd",
    ),
    "paloalto": (
        "show vpn ike-sa",
        "show vpn ipsec-sa",
        "less mp-log ikemgr.log",
    ),
    "mikrotik": (
        "/ip ipsec active-peers print",
        "/ip ipsec installed-sa print",
        '/log print where topics~"ipsec"',
    ),
}


def _commands(record: dict, *asa: str, ios: tuple[str, ...] = ()) -> list[str]:
    peer = record["peer"]
    if record["platform"] in _VENDOR_COMMANDS:
        return list(_VENDOR_COMMANDS[record["platform"]])
    chosen = ios if record["platform"] == "ios" else asa
    out = []
    for command in chosen:
        if "{peer}" in command and not record.get("address", True):
            continue  # the paste never named the peer's address
        if record.get("version") == "ikev2":
            for old, new in _IKEV2_COMMANDS:
                if command.startswith(old):
                    command = new + command[len(old) :]
                    break
        command = command.format(peer=peer)
        if command not in out:  # an IKEv1 command and its IKEv2 twin
            out.append(command)
    return out


def _exchanged(record: dict) -> str:
    if not (record["sent"] or record["resent"] or record["received"]):
        # IKE syslogs without the 713236 packet traces: only the state is known.
        text = "no IKE packets are traced in the paste"
        if record.get("last_state") and not record.get("state_inferred"):
            text += f"; last state {record['last_state']}"
        return text
    parts = [f"sent {record['sent']}"]
    if record["resent"]:
        parts.append(f"resent {record['resent']}")
    parts.append(f"received {record['received']}")
    text = ", ".join(parts)
    if record.get("last_state"):
        how = (
            "worked out from the messages"
            if record.get("state_inferred")
            else "as printed"
        )
        text += f"; last state {record['last_state']} ({how})"
    return text


def _peer(record: dict) -> list[Finding]:
    # A negotiation is judged by how it ended: errors a later completion of the
    # same phase overcame (policies tried in priority order, a key fixed between
    # two attempts) are history, not the verdict.
    resolved = [e for e in record["errors"] if e.get("resolved_at")]
    record = {
        **record,
        "errors": [e for e in record["errors"] if not e.get("resolved_at")],
    }
    peer, subject = _who(record)
    record["address"] = bool(record["peer"])
    record["peer"] = peer
    kinds = {e["kind"] for e in record["errors"]}
    findings: list[Finding] = []
    evidence = _last_message_lines(record)

    invalid_cookie = [
        n
        for n in record["notifies"]
        if n["type"] == "INVALID_COOKIE" and n["encrypted"] is False
    ]
    if invalid_cookie or "invalid_cookie" in kinds:
        lines = [n["line"] for n in invalid_cookie] + _error_lines(
            record, "invalid_cookie"
        )
        after_ke = record["key_exchange_sent"]
        detail = (
            f"{peer} answered with an unencrypted INVALID_COOKIE notify"
            f"{' after this side sent its key exchange (KE/NONCE)' if after_ke else ''}. "
            "The peer has no IKE SA matching the cookies it received: typically it has "
            "no tunnel-group or pre-shared key for this device's address (a wrong peer "
            "address in its tunnel-group or crypto map), so it dropped the negotiation "
            "after the proposals and answers the next packet with a clear-text notify. "
            f"Messages: {_exchanged(record)}."
        )
        findings.append(
            Finding(
                code="ike_debug.invalid_cookie",
                severity="error",
                title=f"{peer} answers with INVALID_COOKIE: it has no tunnel for this address",
                detail=detail,
                link=links.DEBUG_INVALID_COOKIE,
                lines=lines + evidence,
                next_commands=_commands(
                    record,
                    "show run tunnel-group {peer}",
                    "show crypto isakmp sa detail",
                    "debug crypto ikev1 127",
                    ios=(
                        "show crypto isakmp key",
                        "show running-config | section crypto isakmp",
                        "debug crypto isakmp",
                    ),
                ),
                subject=subject,
            )
        )

    v2 = record.get("version") == "ikev2"
    if "version" in kinds:
        # The refusals and the silence an IKE version mismatch brings are its
        # consequences, not a proposal, key or reachability problem.
        findings.append(_version_finding(record, subject))
        kinds -= {"proposal", "psk", "no_response"}
    if "in_negotiation" in kinds and record["address"]:
        # Unnamed, the crypto session of the paste names the peer (see check).
        findings.append(in_negotiation_finding(record["peer"], record))
    if "mode" in kinds:
        findings.append(_mode_finding(record, subject))
    if "stale" in kinds:
        findings.append(_stale_finding(record, subject))
    if "identity" in kinds:
        findings.append(_identity_finding(record, subject, v2))
    if "no_connection" in kinds:
        findings.append(_no_connection_finding(record, subject))
    if "no_policy" in kinds:
        findings.append(_no_policy_finding(record, subject))
    if "dh_retry" in kinds and not kinds & {"proposal", "psk", "version"}:
        findings.append(_dh_retry_finding(record, subject))
    psk = [e for e in record["errors"] if e["kind"] == "psk"]
    refused_only = bool(psk) and all(e.get("cause") == "peer_refused" for e in psk)
    if "psk" in kinds and not kinds & {"identity", "mode"} and refused_only and not v2:
        # IKEv1: the peer's bare AUTHENTICATION_FAILED names no cause.
        findings.append(_refused_finding(record, subject))
        kinds -= {"psk"}
    if "psk" in kinds and not kinds & {"identity", "mode"}:
        lines = _error_lines(record, "psk")
        causes = {e.get("cause") for e in record["errors"]}
        offered = "auth_method" in causes
        missing = "no_key" in causes
        if missing:
            what = f"This device has no pre-shared key for {peer}."
        elif offered:
            what = (
                f"{peer} offered pre-shared-key authentication that the matching local "
                "policy does not accept, or the key lookup for this peer failed."
            )
        elif record.get("version") == "ikev2":
            what = (
                "The IKE_AUTH exchange failed: the AUTH payload did not verify, so the "
                "two ends hold different pre-shared keys (or, with certificates, the "
                "certificate or identity is not accepted)."
            )
        else:
            what = (
                "Messages encrypted with the key derived after the Diffie-Hellman "
                "exchange could not be read: the two ends hold different pre-shared keys."
            )
        findings.append(
            Finding(
                code="ike_debug.psk_mismatch",
                severity="error",
                title=(
                    f"No pre-shared key for {peer} on this device"
                    if missing
                    else f"Pre-shared key problem with {peer}"
                ),
                detail=f"{what}{_quote(record, 'psk')} Messages: "
                f"{_exchanged(record)}. Re-enter the key on both ends.",
                link=(
                    links.IKEV2_AUTHENTICATION_FAILED
                    if v2
                    else links.PHASE1_PRE_SHARED_KEY
                    if missing
                    # a message that did not decrypt is what the debug section
                    # shows, whoever logged it
                    else links.DEBUG_PSK_MISMATCH
                    if "undecryptable" in causes
                    else _platform_link(
                        record,
                        asa=links.DEBUG_PSK_MISMATCH,
                        other=links.PHASE1_PRE_SHARED_KEY,
                        vendor_section=True,
                    )
                ),
                lines=lines + evidence,
                next_commands=_commands(
                    record,
                    "show run tunnel-group {peer}",
                    "more system:running-config | begin tunnel-group {peer}",
                    "debug crypto ikev1 127",
                    ios=(
                        "show crypto isakmp key",
                        "show crypto isakmp policy",
                        "debug crypto isakmp",
                    ),
                ),
                subject=subject,
            )
        )

    if "proposal" in kinds:
        lines = _error_lines(record, "proposal")
        lines += (record.get("policies") or {}).get("lines", [])
        ikev2 = record["version"] == "ikev2"
        if ikev2:
            detail = (
                "The IKE_SA_INIT exchange failed: no IKEv2 policy (encryption, "
                "integrity, PRF, Diffie-Hellman group) on this device matches a "
                "proposal of the peer. Compare `crypto ikev2 policy` here with the "
                f"peer's proposals. Messages: {_exchanged(record)}."
            )
            differ = _policy_difference(record.get("policies") or {})
            if differ:
                detail = (
                    f"The IKE_SA_INIT exchange failed: {differ}. Change one end's "
                    "IKEv2 policy (proposal) so both share one value for each "
                    f"attribute. Messages: {_exchanged(record)}."
                )
            asa = (
                "show run crypto ikev2",
                "show crypto ikev2 sa detail",
                "debug crypto ikev2 protocol 127",
            )
        else:
            detail = (
                "Phase 1 stopped at the first exchange: none of the offered IKE "
                "policies (encryption, hash, Diffie-Hellman group, authentication "
                "method, lifetime) matched one on the other end. Compare the "
                f"policies on both ends. Messages: {_exchanged(record)}."
            )
            asa = (
                "show run crypto ikev1",
                "show crypto ikev1 sa detail",
                "debug crypto ikev1 127",
            )
        attribute = next(
            (e for e in record["errors"] if e.get("cause") == "attribute"), None
        )
        if attribute:
            # 713257 names the attribute and both values: the answer itself.
            detail += f' The device reports: "{quote(attribute["text"], 200)}".'
        else:
            detail += _quote(record, "proposal")
        findings.append(
            Finding(
                code="ike_debug.proposal_mismatch",
                severity="error",
                title=f"No IKE proposal matches between this device and {peer}",
                detail=detail,
                link=(
                    links.IKEV2_NO_PROPOSAL_CHOSEN
                    if ikev2
                    else links.PHASE1_PROPOSAL_MISMATCH
                ),
                lines=lines + evidence,
                next_commands=_commands(
                    record,
                    *asa,
                    ios=(
                        "show crypto isakmp policy",
                        "show crypto isakmp default policy",
                        "debug crypto isakmp",
                    ),
                ),
                subject=subject,
            )
        )

    if "phase2" in kinds:
        findings.append(_phase2_finding(record, subject))

    if "no_crypto_map" in kinds:
        findings.append(
            Finding(
                code="ike_debug.no_crypto_map",
                severity="error",
                title=f"IKE from {peer} arrives on an interface with no crypto map",
                detail=(
                    f"This device drops the IKE packets of {peer}: the interface they "
                    "arrive on has no crypto map applied (`crypto map NAME interface "
                    "outside` is missing, or names another interface), so nothing "
                    "here answers the peer." + _quote(record, "no_crypto_map")
                ),
                link=links.CONFIG_CRYPTO_MAP_UNAPPLIED,
                lines=_error_lines(record, "no_crypto_map"),
                next_commands=_commands(
                    record,
                    "show run crypto map | include interface",
                    "show crypto map",
                    "show run crypto ikev1 | include enable",
                    ios=("show crypto map", "show running-config | include crypto map"),
                ),
                subject=subject,
            )
        )

    malformed = [e for e in record["errors"] if e["kind"] == "malformed"]
    if malformed and not findings and not record["phase1_complete"]:
        findings.append(
            Finding(
                code="ike_debug.malformed",
                severity="warning",
                title=f"IKE messages from {peer} fail their sanity check",
                detail=(
                    "This device could not read IKE messages from the peer (reported "
                    "as malformed). In main mode this is most often a pre-shared key "
                    "that differs between the ends: messages 5 and 6 are encrypted "
                    "with a key derived from it and do not decrypt. Less often a "
                    "device on the path alters UDP 500." + _quote(record, "malformed")
                ),
                link=links.DEBUG_PSK_MISMATCH,
                lines=[e["line"] for e in malformed][:10],
                next_commands=_commands(
                    record,
                    "show run tunnel-group {peer}",
                    "debug crypto ikev1 127",
                    ios=("show crypto isakmp key", "debug crypto isakmp"),
                ),
                subject=subject,
            )
        )

    rekey = _rekey_invalid_spi(record)
    if rekey:
        findings.append(_rekey_spi_finding(record, rekey, subject))
    others = [e for e in record["errors"] if e["kind"] == "invalid_spi"]
    others = [e for e in others if e not in rekey]
    if others:
        lines = [e["line"] for e in others][:10]
        findings.append(
            Finding(
                code="ike_debug.invalid_spi",
                severity="warning",
                title=f"ESP from {peer} carries an SPI this device does not know",
                detail=(
                    f"{peer} keeps sending ESP on an SA this device no longer has (after "
                    "a reboot, a rekey or a `clear crypto` on one side only): its "
                    "packets are dropped until the peer's stale SA expires. Clear the SA "
                    "on the peer"
                    + (
                        ", and enable `crypto isakmp invalid-spi-recovery` so the router "
                        "tells the peer with an INVALID_SPI notify."
                        if record["platform"] == "ios"
                        else "; if it keeps happening, check that both ends run DPD "
                        "(isakmp keepalive) so a dead SA is noticed."
                    )
                ),
                link=links.STALE_SAS,
                lines=lines,
                next_commands=_commands(
                    record,
                    "show crypto ipsec sa peer {peer}",
                    "clear crypto ipsec sa peer {peer}",
                    "show asp drop | include vpn|ipsec",
                    ios=(
                        "show crypto ipsec sa peer {peer}",
                        "show crypto isakmp sa",
                        "clear crypto sa peer {peer}",
                    ),
                ),
                subject=subject,
            )
        )

    silent = record["received"] == 0 and (
        (record["sent"] + record["resent"]) > 0 or "no_response" in kinds
    )
    if silent and not findings:
        lines = _error_lines(record, "no_response") + evidence
        traced = record["sent"] + record["resent"] > 0
        if record["version"] == "ikev2":
            state = links.IKEV2_CHECKLIST
        else:
            state = links.isakmp_state(
                "MM_NO_STATE" if record["platform"] == "ios" else "MM_WAIT_MSG2"
            )
        # The state sections read the messages a debug traces; another vendor's
        # log that only says it gave up shows no state: the general section.
        link = _platform_link(
            record,
            asa=state,
            other=state if traced else links.DEBUG_PEER_NOT_ANSWERING,
        )
        if traced:
            what = (
                f"This device sent {plural(record['sent'], 'IKE message')} to "
                f"{peer} and retransmitted {plural(record['resent'], 'time')}; "
                "nothing came back."
            )
        else:
            what = (
                f"The log reports that the negotiation with {peer} timed out: "
                "the peer did not answer, or stopped answering, this end's IKE "
                f"messages.{_quote(record, 'no_response')}"
            )
        cisco = record["platform"] in _CISCO
        findings.append(
            Finding(
                code="ike_debug.peer_not_answering",
                severity="warning",
                title=f"{peer} does not answer IKE",
                detail=(
                    f"{what} The peer "
                    "is unreachable or down, has no "
                    + ("IKEv2" if record["version"] == "ikev2" else "ISAKMP")
                    + " enabled on the interface facing "
                    "this device, has no "
                    + ("crypto map entry" if cisco else "tunnel or gateway")
                    + " for this address, or something "
                    "in the path drops UDP 500/4500"
                    + (
                        ""
                        if cisco
                        else "; some responders also stay silent when no "
                        "proposal they hold is acceptable, so compare the "
                        "proposals and keys once the path is proven"
                    )
                    + ". Check the route to the peer first "
                    "(phase1-errors, route-to-peer), then a capture on the "
                    + ("outside interface." if cisco else "interface facing it.")
                ),
                link=link,
                lines=lines,
                next_commands=_commands(
                    record,
                    "show route {peer}",
                    "ping outside {peer}",
                    "capture cap-ike interface outside match udp host {peer} eq 500",
                    "show capture cap-ike",
                    ios=(
                        "show ip route {peer}",
                        "ping {peer}",
                        "show crypto ikev2 sa"
                        if record["version"] == "ikev2"
                        else "show crypto isakmp sa",
                        "show crypto map",
                    ),
                ),
                subject=subject,
            )
        )

    failed = [e for e in record["errors"] if e.get("cause") == "phase1_failed"]
    if failed and not findings and not record["phase1_complete"]:
        findings.append(
            Finding(
                code="ike_debug.phase1_failed",
                severity="warning",
                title=f"Phase 1 with {peer} failed",
                detail=(
                    "The device reports that main or aggressive mode with the peer "
                    "failed, without saying why in what was pasted. The usual causes, "
                    "in order: policies that do not match, a pre-shared key that "
                    "differs, UDP 500/4500 blocked on the way. A debug of one attempt "
                    "shows which."
                ),
                link=links.PHASE1_CHECKLIST,
                lines=[e["line"] for e in failed][:10],
                next_commands=_commands(
                    record,
                    "show crypto isakmp sa detail",
                    "debug crypto ikev1 127",
                    ios=(
                        "show crypto isakmp sa",
                        "show crypto isakmp policy",
                        "debug crypto isakmp",
                    ),
                ),
                subject=subject,
            )
        )

    if (
        not findings
        and not silent
        and (_stalled(record) or ("no_response" in kinds and record["received"]))
    ):
        findings.append(_stalled_finding(record, evidence))

    if not findings and record["phase1_complete"] and not kinds - {"other"}:
        # Another vendor's completion has no Cisco state: the interop article
        # says what its words for an established SA are.
        link = _platform_link(
            record,
            asa=links.ikev2_state("READY")
            if record["version"] == "ikev2"
            else links.isakmp_state("MM_ACTIVE"),
            ios=links.ikev2_state("READY")
            if record["version"] == "ikev2"
            else links.isakmp_state("QM_IDLE"),
            other=links.OTHER_VENDORS_MAPPING,
        )
        findings.append(
            Finding(
                code="ike_debug.negotiation_complete",
                severity="info",
                title=f"IKE negotiation with {peer} completed",
                detail=(
                    f"Phase 1{' and phase 2' if record['phase2_complete'] else ''} "
                    f"completed. Messages: {_exchanged(record)}." + _history(resolved)
                ),
                link=link,
                lines=sorted(set(record.get("complete_lines", [])[:5] + evidence)),
                next_commands=_commands(
                    record,
                    "show crypto ipsec sa peer {peer}",
                    ios=("show crypto ipsec sa peer {peer}",),
                ),
                subject=subject,
            )
        )
    return findings


def _rekey_invalid_spi(record: dict) -> list[dict]:
    """The invalid SPIs reported during a CREATE_CHILD_SA exchange, when this
    device asked for that exchange (sent the request or received the response):
    the peer already sends on the new SA and this device refuses its SPI."""
    during = [
        e
        for e in record["errors"]
        if e["kind"] == "invalid_spi"
        and e.get("exchange") == "CREATE_CHILD_SA"
        and e.get("rekey_initiator") is not False
    ]
    if not any(e.get("rekey_initiator") for e in during):
        return []
    return during


def _rekey_spi_finding(record: dict, errors: list[dict], subject: str) -> Finding:
    peer = record["peer"]
    spis = sorted({e["spi"] for e in errors if e.get("spi")})
    refused = f" ({', '.join(spis)})" if spis else ""
    asked = sorted({e["exchange_line"] for e in errors})
    lines = [e["line"] for e in errors]
    shown = next((e for e in errors if e.get("new_spi")), None)
    if shown is None:
        which = (
            "the SPI refused is, in all likelihood, the inbound SPI this device has "
            "just created for it"
        )
    elif shown.get("spi_reversed"):
        which = (
            f"and the SPI refused, {shown['spi']}, is the new inbound SPI "
            f"{shown['new_spi']} this device has just created, with its bytes in "
            "the other order"
        )
    else:
        which = (
            f"and the SPI refused, {shown['spi']}, is the new inbound SPI this "
            "device has just created"
        )
    known = (
        " Cisco documents this for ASA and FTD rekeying with Palo Alto peers "
        "(CSCwc54984, CSCvx23833)."
        if record["platform"] == "asa"
        else ""
    )
    return Finding(
        code="ike_debug.rekey_invalid_spi",
        severity="warning",
        title=f"This device calls the SPI of its own new SA with {peer} invalid",
        detail=(
            f"During a CREATE_CHILD_SA exchange this device started with {peer} "
            f"(line {asked[0]}), it reported ESP on an SPI it has no SA "
            f"for{refused} and told the peer with an INVALID_SPI notify "
            f"({_line_list(lines)}). The peer sends on a new SA as soon as it has "
            f"answered the exchange, {'so ' if shown is None else ''}{which}: the "
            "peer deletes the new SA and "
            "the tunnel drops until it is negotiated again, at every rekey this "
            f"device starts.{known} Workaround: let the peer start the rekeys. Give "
            "this device a longer IPsec SA lifetime (seconds and kilobytes) than the "
            "peer, so the peer's runs out first and this device only answers; then "
            "look for a release that fixes it."
        ),
        link=links.REKEY,
        lines=sorted(set(asked + lines))[:10],
        next_commands=_commands(
            record,
            "show crypto ipsec sa peer {peer} | include spi|lifetime",
            "show running-config crypto ipsec | include lifetime",
            "show running-config crypto map | include lifetime",
            ios=(
                "show crypto ipsec sa peer {peer} | include spi|lifetime",
                "show running-config | include security-association lifetime",
            ),
        ),
        subject=subject,
    )


def _line_list(lines: list[int]) -> str:
    """ "line 4", "lines 2 and 14", "lines 2, 9 and 14"."""
    if len(lines) == 1:
        return f"line {lines[0]}"
    return f"lines {', '.join(map(str, lines[:-1]))} and {lines[-1]}"


def _stalled(record: dict) -> bool:
    """The peer answered at first, then this side resent and heard nothing more."""
    if record["phase1_complete"] or not record["received"]:
        return False
    last_received = max(
        (i for i, m in enumerate(record["messages"]) if m["direction"] == "received"),
        default=-1,
    )
    return any(
        m["direction"] == "resent" for m in record["messages"][last_received + 1 :]
    )


def _stalled_finding(record: dict, evidence: list[int]) -> Finding:
    peer = record["peer"]
    name = record.get("last_state") or ""
    state = isakmp.lookup(name)
    if name == "MM_WAIT_MSG4":
        link = links.MM_WAIT_MSG4_WHAT_IT_MEANS
    elif state is not None:
        link = links.isakmp_state(state)
    else:
        link = links.ISAKMP_OTHER_STATES
    meaning = (
        state.meaning
        if state is not None
        else ("The peer answered the first messages and then went quiet.")
    )
    return Finding(
        code="ike_debug.peer_stopped_answering",
        severity="warning",
        title=f"{peer} stopped answering{' at ' + name if name else ''}",
        detail=(
            f"The peer answered at first, then this device resent its last message "
            f"and nothing came back. Messages: {_exchanged(record)}. {meaning}"
        ),
        link=link,
        lines=_error_lines(record, "no_response") + evidence,
        next_commands=[c.format(peer=peer) for c in (state.commands if state else ())]
        or ["show crypto isakmp sa detail"],
        subject=f"peer {peer}",
    )


def _history(resolved: list[dict]) -> str:
    if not resolved:
        return ""
    tried = [e for e in resolved if e.get("names_policy")]
    if len(tried) == len(resolved):
        return (
            f" Before that, {len(tried)} local polic"
            f"{'y' if len(tried) == 1 else 'ies'} did not match the peer's offer "
            f"(line {tried[0]['line']}) and a later one did (line "
            f"{tried[-1]['resolved_at']}): policies are tried in priority order, "
            "so this is normal."
        )
    spi = [e for e in resolved if e["kind"] == "invalid_spi"]
    if len(spi) == len(resolved):
        # ESP on an SA this device did not have, then a new IPsec SA with the
        # same peer: the stale SA was replaced, which is how a failover, a reboot
        # or a one-sided `clear crypto sa` ends when it goes well.
        more = f", {len(spi)} messages in all" if len(spi) > 1 else ""
        return (
            f" ESP arrived on an SA this device did not have (line "
            f"{spi[0]['line']}{more}), and a new IPsec SA with the peer followed: "
            f"the invalid SPI was resolved at line {spi[-1]['resolved_at']}."
        )
    first = resolved[0]
    return (
        f" An earlier failure (line {first['line']}: "
        f'"{quote(first["text"], 120)}") was resolved at line '
        f"{first['resolved_at']}."
    )


# What a phase 2 refusal blames (its ``cause``, named by the parser), in the order
# it is looked for: (the cause, the section for IKEv1, the one for IKEv2, the cause
# in the field's words). The transform set and PFS sections explain both IKE
# versions; what only IKEv2 says (TS_UNACCEPTABLE) has its own section in the
# IKEv2 article.
_PHASE2_CAUSES = (
    (
        "crypto_acl",
        links.PHASE2_CRYPTO_ACL_MIRROR,
        links.IKEV2_TS_UNACCEPTABLE,
        "The peer's proxy identities (the networks of its crypto ACL line) match "
        "no crypto ACL entry here: the crypto ACLs are not mirror images.",
    ),
    (
        "pfs",
        links.PHASE2_PFS_MISMATCH,
        links.PHASE2_PFS_MISMATCH,
        "The two ends disagree on PFS: one asks for a Diffie-Hellman group in "
        "quick mode (`set pfs`) and the other does not, or they name different "
        "groups.",
    ),
    (
        "transform_set",
        links.PHASE2_TRANSFORM_SET,
        links.PHASE2_TRANSFORM_SET,
        "No transform set here matches the peer's (encryption, integrity, "
        "tunnel or transport mode).",
    ),
)


def _phase2_finding(record: dict, subject: str) -> Finding:
    peer = record["peer"]
    refusals = [e for e in record["errors"] if e["kind"] == "phase2"]
    causes = {e.get("cause") for e in refusals}
    proxies = record.get("proxies") or {}
    # A refused child SA with no cause named has its own IKEv2 section.
    named = False
    v1_link, v2_link, cause = (
        links.PHASE2_WHAT_MUST_MATCH,
        links.IKEV2_NO_PROPOSAL_CHOSEN,
        (
            "The IPsec proposal was refused: the transform sets, the PFS group or the "
            "proxy identities (crypto ACLs, which must be mirror images) differ. The "
            "refusing side's own debug names which."
        ),
    )
    for name, v1_candidate, v2_candidate, text in _PHASE2_CAUSES:
        if name in causes:
            v1_link, v2_link, cause, named = v1_candidate, v2_candidate, text, True
            break
    # "processing NOTIFY PROPOSAL_NOT_CHOSEN protocol 3": the peer refused; a
    # "Sending NOTIFY" is this device's own refusal.
    by_peer = any(e.get("direction") == "received" for e in refusals)
    if by_peer and not named:
        cause = (
            f"{peer} refused this device's quick mode proposal "
            "(PROPOSAL_NOT_CHOSEN): its transform set, PFS setting or crypto ACL "
            "does not match this side's. Its own log says which."
        )
    if proxies.get("local") or proxies.get("remote"):
        cause += (
            f" The proposal carried local {proxies.get('local', '?')} and remote "
            f"{proxies.get('remote', '?')} (as this device names them): this "
            "device's crypto ACL needs the line permitting exactly local to remote, "
            "and the peer's the mirror image."
        )
    ikev2 = record.get("version") == "ikev2"
    # Quote the refusal that names the most: the selectors or proxies when a line
    # gives them.
    naming = [e for e in refusals if e.get("names_network")]
    said = quote((naming or refusals)[0]["text"], 200)
    return Finding(
        code="ike_debug.phase2_mismatch",
        severity="error",
        title=f"Phase 2 ({'CHILD_SA' if ikev2 else 'quick mode'}) with {peer} refused",
        detail=(
            f'Phase 1 is up. {cause} The device says: "{said}". '
            f"Messages: {_exchanged(record)}."
        ),
        link=v2_link if ikev2 else v1_link,
        lines=[e["line"] for e in refusals][:10] + _last_message_lines(record),
        next_commands=_commands(
            record,
            "show run crypto map",
            "show run access-list",
            "show crypto ipsec sa peer {peer}",
            "debug crypto ipsec 127",
            ios=(
                "show crypto map",
                "show crypto ipsec transform-set",
                "show access-lists",
                "debug crypto ipsec",
            ),
        ),
        subject=subject,
    )


_ATTRIBUTES = (
    ("encryption", "encryption"),
    ("prf", "PRF"),
    ("integrity", "integrity"),
    ("dh_group", "DH group"),
)


def _policy_difference(policies: dict) -> str:
    """Which attributes the peer's proposals and this device's policies share no
    value of: "DH group differs: received 2, expected 24"."""
    received, expected = policies.get("received") or [], policies.get("expected") or []
    if not received or not expected:
        return ""
    parts = []
    for key, label in _ATTRIBUTES:
        got = _values(received, key)
        want = _values(expected, key)
        if got and want and not set(got) & set(want):
            if key == "dh_group":
                got = [f"group {g}" for g in got]
                want = [f"group {g}" for g in want]
            parts.append(f"{label} received {'/'.join(got)}, expected {'/'.join(want)}")
    if not parts:
        return (
            "the peer's proposals and this device's policies share every value "
            "taken alone but no proposal matches one policy whole"
        )
    return "no proposal matches: " + "; ".join(parts)


def _values(proposals: list[dict], key: str) -> list[str]:
    out: list[str] = []
    for proposal in proposals:
        value = proposal.get(key)
        if value and value not in out:
            out.append(value)
    return out


def _who(record: dict) -> tuple[str, str]:
    """How the findings name the peer, and their subject, when the log never gave
    its address: by the IKE SA or the connection name."""
    if record["peer"]:
        return record["peer"], f"peer {record['peer']}"
    if record.get("ike_sa"):
        return f"the peer of IKE SA {record['ike_sa']}", f"IKE SA {record['ike_sa']}"
    if record.get("connection"):
        name = record["connection"]
        return f"the peer of connection {name}", f"connection {name}"
    return "the peer", "the peer"


def _identity_finding(record: dict, subject: str, v2: bool) -> Finding:
    """The peer's identity matched no profile or tunnel-group, or its certificate
    did not verify: authentication fails for a reason a key would not fix."""
    peer = record["peer"]
    refusals = [e for e in record["errors"] if e["kind"] == "identity"]
    causes = {e.get("cause") for e in refusals}
    group = record.get("group")
    if "certificate" in causes:
        cause = (
            "the peer's certificate could not be verified here (no trustpoint for "
            "its issuer, a chain the peer did not send, or an encoding this device "
            "does not take)"
        )
    elif "profile" in causes:
        cause = (
            "the identity the peer sent matches no IKEv2 profile here (`match "
            "identity remote` expects another type or value: an address, an FQDN "
            "or a certificate DN)"
        )
    else:
        cause = (
            "the identity the peer sent does not match what this device checks it "
            "against (with certificates, the peer ID must appear in the "
            "certificate's subject alternative name, or peer-id-validate must be "
            "relaxed)"
        )
    said = quote(refusals[0]["text"], 160)
    where = f" (tunnel-group {group})" if group else ""
    # A peer that declares a private address as its identity while this end
    # expects another is behind NAT even when no line says so.
    declared = next((e["declared_id"] for e in refusals if "declared_id" in e), None)
    nat = bool(record.get("behind_nat")) or is_private(declared)
    if nat:
        cause += (
            "; the peer is behind NAT, so the identity it sends (its own, private "
            "address) is not the public address this end expects: match the peer's "
            "ID, or make it send its public address or an FQDN"
        )
    if nat:
        link = links.NAT_TRAVERSAL_FAILURES
    elif v2:
        link = links.IKEV2_AUTHENTICATION_FAILED
    else:
        # Another vendor's log, IKEv1: its words for an identity no connection
        # accepts are in that vendor's section of the interop article.
        link = _platform_link(
            record,
            asa=links.PHASE1_CHECKLIST,
            other=links.PHASE1_CHECKLIST,
            vendor_section=True,
        )
    return Finding(
        code="ike_debug.identity_mismatch",
        severity="error",
        title=f"Authentication with {peer}{where} failed on its identity or certificate",
        detail=(
            f"The {'IKE_AUTH exchange' if v2 else 'phase 1 authentication'} failed: "
            f'{cause}. The device says: "{said}". A pre-shared key change will '
            f"not fix this. Messages: {_exchanged(record)}."
        ),
        link=link,
        lines=[e["line"] for e in record["errors"] if e["kind"] in ("identity", "psk")][
            :10
        ],
        next_commands=_commands(
            record,
            "show crypto ca certificates",
            "show run tunnel-group",
            "show crypto ikev2 sa detail",
            "debug crypto ikev2 platform 127",
            ios=(
                "show crypto pki certificates",
                "show crypto ikev2 profile",
                "debug crypto ikev2",
                "debug crypto pki transactions",
            ),
        ),
        subject=subject,
    )


_VENDOR_SECTIONS = {
    "strongswan": links.OTHER_VENDORS_STRONGSWAN,
    "libreswan": links.OTHER_VENDORS_LIBRESWAN,
    "fortigate": links.OTHER_VENDORS_FORTIGATE,
    "juniper": links.OTHER_VENDORS_JUNIPER,
    "paloalto": links.OTHER_VENDORS_PALO_ALTO,
    "aws": links.OTHER_VENDORS_CLOUD_GATEWAYS,
}
_CISCO = ("asa", "ios")


def _platform_link(
    record: dict,
    *,
    asa: links.Link,
    ios: links.Link | None = None,
    other: links.Link,
    vendor_section: bool = False,
) -> links.Link:
    """The section a finding links for the platform whose log the record came
    from: the ASA's or IOS's own (the Cisco debug and state sections describe
    what that platform prints), and for another vendor's log ``other``, a section
    that does not assume Cisco's words, or with ``vendor_section`` that vendor's
    section of the interop article where it has one."""
    platform = record.get("platform")
    if platform == "asa":
        return asa
    if platform == "ios":
        return ios or asa
    if vendor_section and platform in _VENDOR_SECTIONS:
        return _VENDOR_SECTIONS[platform]
    return other


def in_negotiation_finding(
    peer: str, record: dict, session: dict | None = None
) -> Finding:
    """IOS-XE IKEv2 will not start a new negotiation with a peer while an SA with
    it is still in negotiation: a leaked or stale SA (a rekey that never finished)
    keeps the tunnel down until it is cleared."""
    lines = _error_lines(record, "in_negotiation")
    shown = ""
    if session is not None:
        sa = next(iter(session.get("ike_sas") or []), {})
        shown = (
            f" The session with {peer} is {session.get('status', '?')} with its "
            f"IKEv2 SA {sa.get('state', '?')}"
            + (f" (lifetime {sa['lifetime']})" if sa.get("lifetime") else "")
            + ": the SA that blocks it."
        )
        lines = lines + [session.get("at", {}).get("status", session["lines"][0])]
        lines += [s["line"] for s in session.get("ike_sas", []) if "line" in s]
    return Finding(
        code="ike_debug.ikev2_sa_in_negotiation",
        severity="error",
        title=f"A stale IKEv2 SA with {peer} blocks every new negotiation",
        detail=(
            f'The router says "SA is already in negotiation, hence not negotiating '
            f'again": an IKEv2 SA with {peer} stays in negotiation (a rekey that '
            "never completed, a fragmented CREATE_CHILD_SA lost on the way, a known "
            "IOS-XE defect), so the router never starts a fresh IKE_SA_INIT and the "
            f"tunnel stays down.{shown} Clear that SA (`clear crypto ikev2 sa`, "
            "`clear crypto session remote`), and if it comes back check the path MTU "
            "for IKEv2 fragments and the software release's known defects. The "
            "policies and keys are not the cause."
        ),
        link=links.STALE_SAS,
        lines=lines,
        next_commands=[
            "show crypto ikev2 sa detail",
            f"clear crypto session remote {peer}",
            "show crypto ikev2 stats",
        ],
        subject=f"peer {peer}",
    )


def _version_finding(record: dict, subject: str) -> Finding:
    """The ends speak different IKE versions: the log refuses the other major
    version outright, or one negotiation shows IKEv2's first exchange failing
    beside an error only IKEv1 prints."""
    peer = record["peer"]
    errors = [e for e in record["errors"] if e["kind"] == "version"]
    mixed = next((e for e in errors if e.get("cause") == "both_versions"), None)
    if mixed is not None:
        how = (
            f'The IKEv2 first exchange (IKE_SA_INIT) with {peer} failed ("'
            f'{quote(mixed["ikev2_text"], 160)}", line {mixed["ikev2_line"]}) '
            f'while the same negotiation reports an IKEv1 error ("'
            f'{quote(mixed["text"], 160)}", line {mixed["line"]}): one end speaks '
            "IKEv2, the other IKEv1."
        )
        lines = [mixed["ikev2_line"], mixed["line"]]
    else:
        how = (
            f"The log refuses the IKE major version {peer} sent: one end speaks "
            f"IKEv2, the other IKEv1.{_quote(record, 'version')}"
        )
        lines = [e["line"] for e in errors][:10]
    return Finding(
        code="ike_debug.ike_version_mismatch",
        severity="error",
        title=f"The IKE versions of this device and {peer} differ",
        detail=(
            f"{how} A responder that does not run the version it is offered "
            "answers with a bare NO_PROPOSAL_CHOSEN, an AUTHENTICATION_FAILED or "
            "nothing at all, so the proposals and the keys can be right and the "
            "tunnel still never comes up. Set the same IKE version for this peer "
            "on both ends (or let the end that offers both start with the one the "
            "other speaks)."
        ),
        link=links.PHASE1_IKE_VERSION,
        lines=sorted(set(lines + _error_lines(record, "proposal")))[:10],
        next_commands=_commands(
            record,
            "show run crypto map",
            "show run tunnel-group {peer}",
            "show crypto ikev1 sa",
            "show crypto ikev2 sa",
            ios=("show crypto isakmp sa", "show crypto ikev2 sa"),
        ),
        subject=subject,
    )


def _refused_finding(record: dict, subject: str) -> Finding:
    """IKEv1 phase 1 authentication refused by the peer, with nothing but its
    AUTHENTICATION_FAILED notify: the key, the identity and the exchange mode
    all end this way, and only the peer's own log names which."""
    peer = record["peer"]
    return Finding(
        code="ike_debug.authentication_refused",
        severity="error",
        title=f"{peer} refused phase 1 authentication: mode, identity or key",
        detail=(
            f"{peer[:1].upper()}{peer[1:]} answered with AUTHENTICATION_FAILED "
            "and the log says no more."
            f"{_quote(record, 'psk')} In IKEv1 that notify ends three different "
            "failures: the two ends run different exchange modes (main mode on "
            "one, aggressive mode on the other, which the responder refuses as "
            "an authentication failure), the identity this end sends is not the "
            "one the peer expects, or the pre-shared keys differ. Check the "
            "exchange mode on both ends first, then the local and remote "
            "identities, then the key; the peer's log of the same attempt says "
            f"which. Messages: {_exchanged(record)}."
        ),
        link=links.MAIN_VS_AGGRESSIVE,
        lines=_error_lines(record, "psk"),
        next_commands=_commands(
            record,
            "show run crypto map | include aggressive",
            "show run tunnel-group {peer}",
            "debug crypto ikev1 127",
            ios=("show crypto isakmp profile", "debug crypto isakmp"),
        ),
        subject=subject,
    )


def _mode_finding(record: dict, subject: str) -> Finding:
    """One end runs aggressive mode, the other main mode: the refusal comes back as
    an authentication failure, but no key change fixes it."""
    peer = record["peer"]
    return Finding(
        code="ike_debug.mode_mismatch",
        severity="error",
        title=f"Main and aggressive mode differ between this device and {peer}",
        detail=(
            "One end starts phase 1 in aggressive mode and the other accepts only "
            "main mode (or the reverse), so the responder refuses the exchange; the "
            "initiator often sees it only as AUTHENTICATION_FAILED, which a "
            "pre-shared key change will not fix. Set the same exchange mode on both "
            f"ends (main mode unless a dynamic peer needs aggressive).{_quote(record, 'mode')} "
            f"Messages: {_exchanged(record)}."
        ),
        link=links.MAIN_VS_AGGRESSIVE,
        lines=_error_lines(record, "mode") + _error_lines(record, "psk"),
        next_commands=_commands(
            record,
            "show run crypto map | include aggressive",
            "show run tunnel-group {peer}",
            "debug crypto ikev1 127",
            ios=("show crypto isakmp profile", "debug crypto isakmp"),
        ),
        subject=subject,
    )


def _stale_finding(record: dict, subject: str) -> Finding:
    """Quick mode asked for with no phase 1 behind it: one end still holds an IKE SA
    the other has dropped."""
    peer = record["peer"]
    return Finding(
        code="ike_debug.stale_phase1",
        severity="warning",
        title=f"Quick mode with {peer} cannot start: no phase 1 SA",
        detail=(
            "This end wants to build IPsec SAs but has no ISAKMP SA to do it under, "
            "while the peer still behaves as if phase 1 were up (it sends messages "
            "this end cannot decrypt or quick modes it cannot answer). One side "
            "kept a phase 1 the other dropped, after a reboot, a rekey or a clear on "
            "one side only. Clear the SAs on both ends (or restart the IKE daemon on "
            "the side holding the stale SA) and enable dead peer detection so a dead "
            f"SA is noticed.{_quote(record, 'stale')}"
        ),
        link=links.STALE_SAS,
        lines=_error_lines(record, "stale"),
        next_commands=_commands(
            record,
            "show crypto isakmp sa detail",
            "clear crypto isakmp sa {peer}",
            ios=("show crypto isakmp sa", "clear crypto session remote {peer}"),
        ),
        subject=subject,
    )


def _quote(record: dict, kind: str) -> str:
    """' The device says: "..."' with the device's own words for the first error
    of ``kind`` (the one naming an address or identity when there is one)."""
    errors = [e for e in record["errors"] if e["kind"] == kind]
    if not errors:
        return ""
    naming = [e for e in errors if e.get("quotes") or e.get("names_network")]
    return f' The device says: "{quote((naming or errors)[0]["text"], 200)}".'


def _no_connection_finding(record: dict, subject: str) -> Finding:
    """The other end found no loaded connection for the peer's first message, or
    could not load the one it should have matched: whatever the refusal is called
    (libreswan answers NO_PROPOSAL_CHOSEN), the proposals are not the cause."""
    peer = record["peer"]
    refusals = [e for e in record["errors"] if e["kind"] == "no_connection"]
    certificate = any(e.get("cause") == "certificate" for e in refusals)
    vendor = _VENDOR_NAMES.get(record.get("platform") or "", "The other end")
    detail = (
        f"{vendor} received the first IKE message from {peer} and found no loaded "
        "connection that accepts it: none has this pair of addresses with the IKE "
        "version and authentication the peer uses, or the one meant for it was "
        "never loaded. Its refusal (NO_PROPOSAL_CHOSEN, if it sends one) is not a "
        "proposal mismatch: changing encryption or DH groups will not help."
    )
    if certificate:
        detail += (
            " The log also says a connection's certificate is missing from the NSS "
            "database pluto reads, so that connection did not load: import the "
            "certificate into the database this build uses (the path differs "
            "between distributions) and add the connection again."
        )
    else:
        detail += (
            " List the loaded connections and compare their addresses, IDs and "
            "IKE version with the peer's."
        )
    said = quote(refusals[0]["text"], 200)
    return Finding(
        code="ike_debug.no_connection",
        severity="error",
        title=f"No loaded connection on the other end matches {peer}",
        detail=f'{detail} The log says: "{said}".',
        link=_platform_link(
            record,
            asa=links.OTHER_VENDORS_MAPPING,
            other=links.OTHER_VENDORS_MAPPING,
            vendor_section=True,
        ),
        lines=[e["line"] for e in refusals][:10],
        next_commands=_commands(
            record,
            "show run tunnel-group {peer}",
            "show crypto ikev2 sa detail",
            ios=("show crypto ikev2 sa detail",),
        ),
        subject=subject,
    )


_VENDOR_NAMES = {
    "strongswan": "strongSwan",
    "libreswan": "pluto (libreswan)",
    "fortigate": "The FortiGate",
    "juniper": "The SRX",
    "paloalto": "The firewall",
    "mikrotik": "The MikroTik",
}


def _no_policy_finding(record: dict, subject: str) -> Finding:
    """FortiGate does not negotiate a tunnel that no firewall policy uses: IKE
    never starts, whatever the proposals and keys, until a policy names the
    tunnel interface (route-based) or the tunnel (policy-based)."""
    peer = record["peer"]
    refusals = [e for e in record["errors"] if e["kind"] == "no_policy"]
    tunnel = record.get("connection")
    named = f"tunnel {tunnel}" if tunnel else "the tunnel"
    said = quote(refusals[0]["text"], 200)
    return Finding(
        code="ike_debug.no_firewall_policy",
        severity="error",
        title=f"The FortiGate will not negotiate {named}: no firewall policy uses it",
        detail=(
            f"The FortiGate ignores the request to bring up {named} with {peer} "
            "because no firewall policy references it, so no IKE message is sent "
            "and the peer sees nothing. Add a policy with the tunnel interface as "
            "source or destination (for a route-based tunnel, one per direction as "
            "the traffic needs) on this FortiGate; proposals and keys are not the "
            f'cause. The log says: "{said}".'
        ),
        link=links.OTHER_VENDORS_FORTIGATE,
        lines=[e["line"] for e in refusals][:10],
        next_commands=[
            "show firewall policy",
            "diagnose vpn ike gateway list",
            "diagnose debug application ike -1",
        ],
        subject=subject,
    )


def _dh_retry_finding(record: dict, subject: str) -> Finding:
    """A responder asked the initiator to redo the key exchange with another
    Diffie-Hellman group (IKEv2 INVALID_KE_PAYLOAD) and the paste shows no
    exchange completing after it. Alone that is the normal way two ends settle
    on a group they both allow; it fails when the initiator cannot, or does not,
    retry with the group asked for. A warning, not a verdict: the log does not
    show which."""
    peer = record["peer"]
    retries = [e for e in record["errors"] if e["kind"] == "dh_retry"]
    first = retries[0]
    offered = first.get("offered", "the group offered")
    requested = first.get("requested", "another group")
    said = quote(first["text"], 200)
    return Finding(
        code="ike_debug.dh_group_retry",
        severity="warning",
        title=(
            f"The ends prefer different DH groups: {offered} sent, "
            f"{requested} asked for, and no exchange completes"
        ),
        detail=(
            f"The responder refused the key exchange of {peer} in {offered} and "
            f"asked for {requested} (INVALID_KE_PAYLOAD). That alone is how two ends "
            "agree on a group, and the initiator normally starts again with the "
            "one asked for; the paste shows no IKE or child SA established after "
            f"it. If the tunnel stays down, the initiator does not (or cannot) use "
            f"{requested}: make the Diffie-Hellman group both ends allow the first "
            "(or only) one in each end's proposals, so the first key exchange is "
            f'already acceptable. The log says: "{said}".'
        ),
        link=_platform_link(
            record,
            asa=links.IKEV2_NO_PROPOSAL_CHOSEN,
            other=links.IKEV2_NO_PROPOSAL_CHOSEN,
            vendor_section=True,
        ),
        lines=[e["line"] for e in retries][:10],
        next_commands=_commands(
            record,
            "show run crypto ikev2",
            "debug crypto ikev2 protocol 127",
            ios=("show crypto ikev2 proposal", "debug crypto ikev2"),
        ),
        subject=subject,
    )
