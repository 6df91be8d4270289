"""The other end's IKE log read line by line (the field corpus judges whole pastes)."""

from analyzer.engine import analyze
from analyzer.parsers import peer_log
from analyzer.report import Section
from tests.conftest import FIXTURES


def records(name: str) -> list[dict]:
    text = (FIXTURES / "field" / "other-end" / name).read_text(encoding="utf-8")
    lines = text.splitlines()
    (source,) = peer_log.parse(
        Section(lines=lines, numbers=list(range(1, len(lines) + 1)))
    )
    assert source.kind == peer_log.KIND
    return source.records


def test_a_fortigate_debug_names_the_peer_the_gateway_and_the_pfs_group():
    """`ike 0: comes 192.0.2.10:500->...` then `ike 0:VPN-Customer: ...` lines are
    one negotiation with 192.0.2.10 on gateway VPN-Customer; the refusal comes
    after an ESP proposal with PFS group 2, so it is a phase 2 refusal."""
    (record,) = records("fortigate-asa-phase2-peer-sa-proposal-not-match.txt")
    assert (record["platform"], record["peer"], record["connection"]) == (
        "fortigate",
        "192.0.2.10",
        "VPN-Customer",
    )
    assert record["pfs"] == "2"
    assert {e["kind"] for e in record["errors"]} == {"phase2"}
    assert [e["line"] for e in record["errors"]] == [10, 11]


def test_a_libreswan_child_sa_refusal_is_phase_2_with_the_address_it_came_from():
    name_wrapped = "libreswan-create-child-sa-no-local-proposal-matches.txt"
    (record,) = records(name_wrapped)
    assert (record["platform"], record["peer"], record["version"]) == (
        "libreswan",
        "192.1.2.45",
        "ikev2",
    )
    assert {e["kind"] for e in record["errors"]} == {"phase2"}
    assert record["lines"] == [1, 5]
    # Whole, the proposal list the terminal wrapped at 200 columns is put back
    # together and nothing is left unread.
    text = (FIXTURES / "field" / "other-end" / name_wrapped).read_text()
    report = analyze(text)
    assert [s.kind for s in report.sources] == [peer_log.KIND]
    assert report.unparsed_lines == 0


def test_lines_of_no_ike_log_give_nothing():
    lines = ["interface GigabitEthernet0/0", " ip address 192.0.2.1 255.255.255.0"]
    assert peer_log.parse(Section(lines=lines, numbers=[1, 2])) == []


def _parse(*lines: str) -> list[dict]:
    found = peer_log.parse(
        Section(lines=list(lines), numbers=list(range(1, 1 + len(lines))))
    )
    return found[0].records if found else []


def _alarms(text: str) -> list[tuple[str, str, str]]:
    return [
        (f.code, f.article, f.anchor)
        for f in analyze(text).findings
        if f.severity in ("warning", "error", "critical")
    ]


def test_charon_messages_quoted_without_their_prefix_are_read():
    """A page quoting charon's words alone ('[IKE] ...' or the message itself, as
    the Alibaba Cloud FAQ does) is still strongSwan's log: a key mismatch, an
    unanswered first request, a quick mode refused."""
    assert _alarms(
        "invalid HASH_V1 payload length, decryption failed?\n"
        "could not decrypt payloads\nmessage parsing failed\n"
    ) == [("ike_debug.psk_mismatch", "ike-debug-invalid-cookie", "psk-mismatch")]
    (record,) = _parse("[IKE] sending retransmit 1 of request message ID 0, seq 1")
    assert (record["platform"], record["resent"], record["received"]) == (
        "strongswan",
        1,
        0,
    )
    assert _alarms("[IKE] sending retransmit 1 of request message ID 0, seq 1\n") == [
        ("ike_debug.peer_not_answering", "isakmp-states", "mm_wait_msg2")
    ]


def test_a_protected_no_proposal_notify_refuses_quick_mode():
    """IKEv1 sends a NO_PROPOSAL_CHOSEN with a HASH payload only under an
    established phase 1: it refuses quick mode, not the phase 1 policies (the
    unprotected '[ N(NO_PROP) ]' of a phase 1 refusal stays phase 1)."""
    (record,) = _parse(
        "parsed INFORMATIONAL_V1 request xxxx [ HASH N(NO_PROP) ]",
        "received NO_PROPOSAL_CHOSEN error notify",
    )
    assert [e["kind"] for e in record["errors"]] == ["phase2", "phase2"]
    (record,) = _parse(
        "charon: 14[ENC] parsed INFORMATIONAL_V1 request 3851683074 [ N(NO_PROP) ]",
        "charon: 14[IKE] received NO_PROPOSAL_CHOSEN error notify",
    )
    assert [e["kind"] for e in record["errors"]] == ["proposal", "proposal"]


def test_a_refused_esp_proposal_with_a_dh_group_is_a_pfs_mismatch():
    text = (
        "ESP:AES_CBC_256/HMAC_SHA1_96/MODP_1024/NO_EXT_SEQ\n"
        "no matching proposal found, sending NO_PROPOSAL_CHOSEN\n"
    )
    (record,) = _parse(*text.splitlines())
    assert record["pfs"] == "MODP_1024"
    assert _alarms(text) == [
        ("ike_debug.phase2_mismatch", "ipsec-phase2-errors", "pfs-mismatch")
    ]


def test_aggressive_mode_refused_is_a_mode_mismatch_not_a_key():
    """pfSense's 'Phase 1 Main / Aggressive Mismatch': the initiator sees only
    AUTHENTICATION_FAILED; the responder says why."""
    text = (
        "charon: 15[IKE] initiating Aggressive Mode IKE_SA con2000[1] to 192.0.2.74\n"
        "charon: 15[IKE] received AUTHENTICATION_FAILED error notify\n"
        "charon: 13[IKE] Aggressive Mode PSK disabled for security reasons\n"
    )
    assert _alarms(text) == [
        ("ike_debug.mode_mismatch", "isakmp-states", "main-vs-aggressive")
    ]


def test_no_peer_config_for_the_declared_identity_names_it():
    text = (
        "charon: 10[IKE] received AUTHENTICATION_FAILED error notify\n"
        "charon: 12[CFG] looking for pre-shared key peer configs matching "
        "192.0.2.74...192.0.2.90[someid]\n"
        "charon: 12[IKE] no peer config found\n"
    )
    findings = [f for f in analyze(text).findings if f.severity == "error"]
    assert [(f.code, f.article, f.anchor) for f in findings] == [
        ("ike_debug.identity_mismatch", "vpn-interop-other-vendors", "strongswan")
    ]
    assert "'someid'" in findings[0].detail
    # The record keeps the fields of its kind: the lookup's identity is not one.
    (record,) = _parse(*text.splitlines())
    assert "_declared" not in record


def test_no_shared_key_found_is_a_key_missing_for_that_peer():
    text = (
        "Nov 23 22:29:43 opnsense charon: 09[IKE] <con1-000|4> no shared key found "
        "for 'A.A.A.A'[A.A.A.A] - 'B.B.B.B'[B.B.B.B]\n"
    )
    (finding,) = [f for f in analyze(text).findings if f.severity == "error"]
    assert (finding.article, finding.anchor) == ("phase1-errors", "pre-shared-key")
    assert "B.B.B.B" in finding.detail


def test_pluto_lines_with_only_their_state_number_are_ikev2_when_they_say_so():
    """'#6:  IKE SA authentication request rejected: AUTHENTICATION_FAILED' after
    'STATE_PARENT_I1: sent v2I1': an IKEv2 authentication failure, linked to the
    IKEv2 article and not to an IKEv1 one."""
    lines = (
        "#3:   initiating v2 parent SA",
        "#3:  STATE_PARENT_I1: sent v2I1, expected v2R1",
        "#6:  IKE SA authentication request rejected: AUTHENTICATION_FAILED",
    )
    (record,) = _parse(*lines)
    assert (record["platform"], record["version"], record["sent"]) == (
        "libreswan",
        "ikev2",
        1,
    )
    assert _alarms("\n".join(lines)) == [
        ("ike_debug.psk_mismatch", "ikev2-troubleshooting", "authentication-failed")
    ]


def test_racoon_is_read_and_its_routine_lines_raise_nothing():
    assert _alarms("Feb 20 10:33:41  racoon: ERROR: failed to get sainfo.\n") == [
        ("ike_debug.phase2_mismatch", "ipsec-phase2-errors", "crypto-acl-mirror")
    ]
    assert _alarms(
        "racoon: ERROR: can't start the quick mode, there is no ISAKMP-SA\n"
    ) == [("ike_debug.stale_phase1", "dead-peer-detection-and-rekey", "stale-sas")]
    report = analyze("racoon: INFO: unsupported PF_KEY message REGISTER\n")
    assert [s.kind for s in report.sources] == [peer_log.KIND]
    assert not [f for f in report.findings if f.severity != "info"]


def test_the_identity_a_peer_declares_is_named_on_its_refusal():
    """pluto's "we require peer to have ID '123.123.123.123', but peer declares
    '10.0.1.2'": the declared identity is a field, for the NAT verdict."""
    (record,) = records("openswan-l2tp-client-peer-declares-nat-private-id.txt")
    identity = [e for e in record["errors"] if e["kind"] == "identity"]
    assert [e.get("declared_id") for e in identity][:1] == ["10.0.1.2"]
    assert identity[0]["quotes"] is True


def _kinds(record: dict) -> list[tuple[str, int | None]]:
    return [(e["kind"], e["line"]) for e in record["errors"]]


def test_aws_tunnel_log_messages_are_read_with_the_version_aws_prints_them_for():
    """AWS documents its IKEv1 key message ('payload decryption was unsuccessful
    due to invalid Pre-shared Key') apart from its IKEv2 one ('detected a
    pre-shared key mismatch with cgw')."""
    (v1,) = records("aws-docs-tunnel-log-ikev1-payload-decryption-invalid-psk-row.txt")
    assert (v1["platform"], v1["version"], _kinds(v1)) == ("aws", "ikev1", [("psk", 1)])
    (v2,) = records("aws-docs-tunnel-log-ikev2-psk-mismatch-with-cgw-row.txt")
    assert (v2["platform"], v2["version"], _kinds(v2)) == ("aws", "ikev2", [("psk", 1)])
    (ts,) = records("aws-docs-tunnel-log-ikev2-ts-unacceptable-from-responder-row.txt")
    assert (ts["version"], _kinds(ts)) == ("ikev2", [("phase2", 1)])
    (prop,) = records("aws-docs-tunnel-log-no-proposal-match-found-by-aws-row.txt")
    assert _kinds(prop) == [("proposal", 1)]
    (half,) = records(
        "aws-docs-tunnel-log-ikev2-deleting-un-established-phase1-row.txt"
    )
    assert (half["version"], _kinds(half)) == ("ikev2", [("no_response", 1)])


def test_palo_alto_phase_1_without_a_hyphen_and_no_gateway_for_the_peer():
    """'IKE phase 1 negotiation is failed. Couldn't find configuration for IKE
    phase-1 request for peer IP': no IKE gateway has that peer address."""
    (record,) = records(
        "paloalto-system-log-phase1-failed-no-configuration-for-peer-ip.txt"
    )
    assert (record["platform"], _kinds(record)) == ("paloalto", [("identity", 1)])


def test_a_fortigate_event_log_entry_names_its_tunnel():
    (record,) = records(
        "fortigate-event-log-multiple-dialup-main-mode-psk-probable-psk-mismatch.txt"
    )
    assert (record["platform"], record["connection"]) == ("fortigate", "branchOffice")
    assert _kinds(record) == [("psk", 1)]


def test_charons_no_peer_config_found_in_a_cloud_gateways_log():
    """Tencent Cloud's gateway (built on strongSwan) quotes charon's words."""
    (record,) = records("tencent-cloud-vpngw-no-peer-config-found-by-id-payload.txt")
    assert (record["platform"], _kinds(record)) == ("strongswan", [("identity", 1)])


def test_an_hpux_audit_entry_is_its_header_and_the_event_under_it():
    (record,) = records("hpux-ikmpd-audit-ikev2-retransmission-count-exceeded.txt")
    assert (record["platform"], record["lines"]) == ("hpux", [1, 2])
    assert _kinds(record) == [("no_response", 2)]


def test_an_event_line_without_its_ikmpd_header_is_not_read():
    lines = ["Event: local ? - remote ?:retransmission count exceeded the limit"]
    assert peer_log.parse(Section(lines=lines, numbers=[1])) == []


def _errors(*lines: str) -> list[tuple[str, str | None]]:
    (record,) = _parse(*lines)
    return [(e["kind"], e.get("cause")) for e in record["errors"]]


def test_charons_notify_misspelt_is_still_charons_and_a_bare_refusal():
    """The Alibaba Cloud FAQ prints 'received AUTHENTICATION_FAILED error
    notifyed'; with or without the typo, with or without charon's prefix, the
    peer's AUTHENTICATION_FAILED alone says only that the peer refused."""
    for line in (
        "received AUTHENTICATION_FAILED error notifyed",
        "received AUTHENTICATION_FAILED error notify",
        "Jun 23 08:07:26 vpn charon: 15[IKE] received AUTHENTICATION_FAILED error notify",
    ):
        (record,) = _parse(line)
        assert record["platform"] == "strongswan", line
        assert _errors(line) == [("psk", "peer_refused")], line


def test_a_refusal_beside_this_ends_own_failed_check_is_not_only_the_peers():
    """One line that also says this end's own check failed ('computed hash does
    not match') blames more than the peer's word."""
    line = (
        "IKE SA authentication request rejected by peer: AUTHENTICATION_FAILED "
        "authentication failed: computed hash does not match hash received from peer"
    )
    assert _errors(f'pluto[1]: "c" #3: {line}') == [("psk", None)]
    assert _errors(
        'pluto[1]: "c" #3: IKE SA authentication request rejected by peer: '
        "AUTHENTICATION_FAILED"
    ) == [("psk", "peer_refused")]


def test_a_message_that_did_not_decrypt_is_named_so():
    for line in (
        "charon: 13[ENC] invalid HASH_V1 payload length, decryption failed?",
        "AWS tunnel payload decryption was unsuccessful due to invalid Pre-shared Key",
    ):
        assert _errors(line) == [("psk", "undecryptable")], line


def test_an_ikev2_first_exchange_refused_beside_an_ikev1_error_is_a_version_mismatch():
    """charon: IKE_SA_INIT answered with NO_PROPOSAL_CHOSEN and an IKEv1
    informational's 'error notify' in one negotiation; pluto: its IKEv2 parent
    state times out and the same connection reports an IKEv1 informational."""
    (record,) = _parse(
        "charon: 07[ENC] parsed IKE_SA_INIT response 0 [ N(NO_PROP) ]",
        "charon: 07[IKE] received NO_PROPOSAL_CHOSEN notify error",
        "charon: 09[IKE] received AUTHENTICATION_FAILED error notify",
    )
    (version,) = [e for e in record["errors"] if e["kind"] == "version"]
    assert (version["cause"], version["line"], version["ikev2_line"]) == (
        "both_versions",
        3,
        1,
    )
    (record,) = _parse(
        '"oci" #2: STATE_PARENT_I1: 60 second timeout exceeded after 7 '
        "retransmits.  No response (or no acceptable response) to our first IKEv2 "
        "message",
        'Mar  3 10:01:02 ep pluto[4120]: "oci" #3: ignoring informational payload '
        "NO_PROPOSAL_CHOSEN, msgid=00000000, length=12",
    )
    assert [e["cause"] for e in record["errors"] if e["kind"] == "version"] == [
        "both_versions"
    ]


def test_a_log_that_refuses_the_other_major_version_says_so():
    assert _errors(
        "charon: 05[NET] received unsupported IKE version 1.0 from 192.0.2.10, "
        "sending INVALID_MAJOR_VERSION"
    ) == [("version", "major_version")]
    (record,) = _parse(
        "packet from 192.1.2.45:500: responding to IKE_SA_INIT (34) message "
        "(Message ID 0) with unencrypted notification INVALID_MAJOR_VERSION"
    )
    assert (record["platform"], record["peer"]) == ("libreswan", "192.1.2.45")
    assert [e["kind"] for e in record["errors"]] == ["version"]


def test_a_plain_proposal_mismatch_in_one_version_is_no_version_mismatch():
    """NO_PROPOSAL_CHOSEN in IKEv2 only, or in IKEv1 only, is a proposal
    mismatch; FortiGate's 'received SA_INIT error notify' is FortiGate's words,
    not charon's IKEv1 wording; a phase 1 that came up settles it."""
    cases = (
        (
            "charon: 07[ENC] parsed IKE_SA_INIT response 0 [ N(NO_PROP) ]",
            "charon: 07[IKE] received NO_PROPOSAL_CHOSEN notify error",
        ),
        (
            "charon: 14[ENC] parsed INFORMATIONAL_V1 request 3851683074 [ N(NO_PROP) ]",
            "charon: 14[IKE] received NO_PROPOSAL_CHOSEN error notify",
        ),
        (
            "ike V=root:0:Azure:3071: processing notify type NO_PROPOSAL_CHOSEN",
            "ike V=root:0:Azure:3071: received SA_INIT error notify response, abort",
        ),
        (
            "charon: 07[ENC] parsed IKE_SA_INIT response 0 [ N(NO_PROP) ]",
            "charon: 09[IKE] received AUTHENTICATION_FAILED error notify",
            "charon: 11[IKE] IKE_SA vpn[3] established between "
            "192.0.2.1[192.0.2.1]...192.0.2.2[192.0.2.2]",
        ),
    )
    for lines in cases:
        for record in _parse(*lines):
            assert "version" not in {e["kind"] for e in record["errors"]}, lines


def test_charons_ikev2_notify_wording_makes_the_record_ikev2():
    (record,) = _parse("received AUTHENTICATION_FAILED notify error")
    assert record["version"] == "ikev2"
    (record,) = _parse("received AUTHENTICATION_FAILED error notify")
    assert record["version"] == "ikev1"


def test_libreswans_v2_parent_state_and_dropped_sa_init_are_read():
    (record,) = _parse(
        "dropping unexpected IKE_SA_INIT message containing NO_PROPOSAL_CHOSEN "
        "notification; message payloads: N; missing payloads: SA,KE,Ni"
    )
    assert (record["platform"], record["version"]) == ("libreswan", "ikev2")
    assert [e["kind"] for e in record["errors"]] == ["proposal"]
    (record,) = _parse(
        "STATE_V2_PARENT_I1: 60 second timeout exceeded after 7 retransmits. No "
        "response (or no acceptable response) to our first IKEv2 message"
    )
    assert (record["platform"], [e["kind"] for e in record["errors"]]) == (
        "libreswan",
        ["no_response"],
    )


def test_a_fortigate_event_log_error_quotes_its_msg_not_the_header():
    """The entry's header (date, device, log_id, addresses) comes before what
    happened; the error quotes msg= and names the tunnel."""
    (record,) = records(
        "fortigate-event-log-multiple-dialup-main-mode-psk-probable-psk-mismatch.txt"
    )
    assert [e["text"] for e in record["errors"]] == [
        "Negotiate SA Error: probable pre-shared secret mismatch (tunnel branchOffice)"
    ]
    (record,) = _parse(
        'date=2024-01-01 time=10:00:00 logid="0101037129" type="event" '
        'subtype="vpn" level="error" vpntunnel="HQ" remip=203.0.113.9 '
        'action="negotiate" status="negotiate_error" '
        'msg="Negotiate SA Error: no SA proposal chosen"'
    )
    assert [(e["kind"], e["text"]) for e in record["errors"]] == [
        ("proposal", "Negotiate SA Error: no SA proposal chosen (tunnel HQ)")
    ]
