"""IKE debug rules: one cause per peer with its evidence lines."""

import re
from pathlib import Path

from analyzer.engine import analyze
from tests.analyzer.test_ike_debug import peers_of
from tests.conftest import FIXTURES

CONTENT = Path(__file__).resolve().parents[2] / "kb" / "content"


def ike_findings(name: str):
    report = analyze((FIXTURES / name).read_bytes().decode("utf-8"))
    return [f for f in report.findings if f.code.startswith("ike_debug.")]


def anchors(slug: str) -> set[str]:
    return set(re.findall(r"\{#([\w-]+)\}", (CONTENT / f"{slug}.md").read_text()))


def test_it_explains_the_seed_invalid_cookie():
    """The unencrypted INVALID_COOKIE after our KE/NONCE is an error pointing at the
    peer's missing tunnel-group, with the notify and the last messages as evidence."""
    (finding,) = ike_findings("ike_debug/asa_invalid_cookie_seed.txt")
    assert (finding.code, finding.severity) == ("ike_debug.invalid_cookie", "error")
    assert (finding.article, finding.anchor) == (
        "ike-debug-invalid-cookie",
        "invalid-cookie",
    )
    assert finding.subject == "peer 233.22.22.233"
    assert finding.lines == [28, 30, 31, 32]
    assert "after this side sent its key exchange" in finding.detail
    assert "last state MM_WAIT_MSG4 (worked out from the messages)" in finding.detail
    assert finding.next_commands[0] == "show run tunnel-group 233.22.22.233"


def test_it_explains_an_asa_pre_shared_key_mismatch():
    """The decrypt failure after the third exchange is a PSK mismatch."""
    (finding,) = ike_findings("ike_debug/asa9_ikev1_psk_mismatch.txt")
    assert (finding.code, finding.anchor) == ("ike_debug.psk_mismatch", "psk-mismatch")
    assert finding.lines == [28, 40, 41, 42, 43]
    assert "different pre-shared keys" in finding.detail


def test_it_explains_an_ios_key_mismatch_seen_as_a_malformed_message():
    """IOS IKMP_BAD_MESSAGE right after the key exchange is the same PSK finding,
    with IOS commands to run next."""
    (finding,) = ike_findings("ike_debug/ios_psk_mismatch.txt")
    assert finding.code == "ike_debug.psk_mismatch"
    assert 25 in finding.lines
    assert finding.next_commands[0] == "show crypto isakmp key"


def test_it_explains_a_phase_1_proposal_mismatch():
    """`atts are not acceptable` / `phase 1 SA policy not acceptable` point at the
    phase 1 checklist's proposal section."""
    (finding,) = ike_findings("ike_debug/ios_proposal_mismatch.txt")
    assert (finding.code, finding.article, finding.anchor) == (
        "ike_debug.proposal_mismatch",
        "phase1-errors",
        "proposal-mismatch",
    )
    assert finding.lines == [4, 28, 29, 31, 33]
    assert finding.subject == "peer 192.0.2.1"


def test_it_explains_a_phase_2_proxy_identity_mismatch():
    """`proxy identities not supported` is a phase 2 mismatch, not a phase 1 one,
    explained by the phase 2 article's section on crypto ACLs that are not mirror
    images (the router's own PROPOSAL_NOT_CHOSEN notify is part of the evidence)."""
    (finding,) = ike_findings("ike_debug/ios_phase2_proxy_mismatch.txt")
    assert (finding.code, finding.article, finding.anchor) == (
        "ike_debug.phase2_mismatch",
        "ipsec-phase2-errors",
        "crypto-acl-mirror",
    )
    assert finding.lines == [1, 20, 21, 22, 24, 26]


def test_it_warns_when_the_peer_never_answers():
    """Sends and retransmissions with nothing received: a warning about the peer not
    answering, at the IOS state it sat in, mentioning the route to the peer."""
    (finding,) = ike_findings("ike_debug/ios_mm_no_state_no_answer.txt")
    assert (finding.code, finding.severity) == (
        "ike_debug.peer_not_answering",
        "warning",
    )
    assert (finding.article, finding.anchor) == ("isakmp-states", "mm_no_state")
    assert finding.lines == [33, 38, 43, 48, 49]
    assert "route-to-peer" in finding.detail
    assert finding.next_commands[0] == "show ip route 198.51.100.2"


def test_it_reports_a_completed_negotiation_as_info_only():
    """An IKEv2 SA UP syslog is a healthy peer: info, never more."""
    report = analyze((FIXTURES / "syslog/asa_syslog_server_lines.txt").read_text())
    done = [f for f in report.findings if f.subject == "peer 192.0.2.120"]
    assert [(f.code, f.severity, f.anchor) for f in done] == [
        ("ike_debug.negotiation_complete", "info", "ikev2-ready")
    ]


def test_it_links_only_to_anchors_that_exist():
    """Every article and anchor these rules emit on the fixtures is in kb/content."""
    for name in (
        "ike_debug/asa_invalid_cookie_seed.txt",
        "ike_debug/asa9_ikev1_psk_mismatch.txt",
        "ike_debug/ios_psk_mismatch.txt",
        "ike_debug/ios_proposal_mismatch.txt",
        "ike_debug/ios_phase2_proxy_mismatch.txt",
        "ike_debug/ios_mm_no_state_no_answer.txt",
        "syslog/asa_syslog_server_lines.txt",
    ):
        for finding in ike_findings(name):
            assert finding.anchor in anchors(finding.article), finding


def test_it_warns_when_the_peer_stops_answering_after_the_proposals():
    """The peer answered message 1, then the key exchange was resent three times
    without an answer: the initiator sits at MM_WAIT_MSG4, whose article explains
    the missing tunnel-group on the far end."""
    (finding,) = ike_findings("ike_debug/asa_mm_wait_msg4_resending.txt")
    assert (finding.code, finding.severity) == (
        "ike_debug.peer_stopped_answering",
        "warning",
    )
    assert (finding.article, finding.anchor) == ("mm-wait-msg4", "what-it-means")
    assert finding.title == "203.0.113.40 stopped answering at MM_WAIT_MSG4"
    assert finding.lines == [7, 8, 9]
    assert finding.next_commands[0] == "show run tunnel-group 203.0.113.40"
    assert finding.anchor in anchors(finding.article)


def test_policies_tried_in_priority_order_then_a_quick_mode_refusal():
    """A router tries its ISAKMP policies in priority order ("atts are not
    acceptable" for priority 3, acceptable for priority 5), completes phase 1, and
    the peer refuses quick mode with PROPOSAL_NOT_CHOSEN (the post's fix: PFS on
    one side only). The verdict is phase 2, never a phase 1 proposal mismatch, and
    the peer is the remote address of "insert a peer local/remote", not the local
    one."""
    findings = ike_findings("ike_debug/ios_policy_order_then_qm_pfs_refused.txt")
    assert [(f.code, f.severity, f.article, f.subject) for f in findings] == [
        (
            "ike_debug.phase2_mismatch",
            "error",
            "ipsec-phase2-errors",
            "peer 77.77.77.77",
        )
    ]
    assert 132 in findings[0].lines
    assert "PROPOSAL_NOT_CHOSEN" in findings[0].detail
    assert "PFS" in findings[0].detail
    record = peers_of("ike_debug/ios_policy_order_then_qm_pfs_refused.txt")
    assert list(record) == ["77.77.77.77"]
    (tried,) = [e for e in record["77.77.77.77"]["errors"] if e["line"] == 28]
    assert tried["resolved_at"] == 36


def test_an_ikev2_policy_mismatch_names_what_differs_without_a_peer_line():
    """An ASA IKEv2 debug that starts at "Received Policies" (no packet line names
    the peer): still read, under its IKE SA; the finding names the attributes no
    proposal shares with the expected policy (PRF, integrity, DH group 2 vs 24,
    not encryption) and links the IKEv2 article, and it offers no command that
    needs the peer's address."""
    (finding,) = ike_findings("ike_debug/asa_ikev2_policies_without_peer_line.txt")
    assert (finding.code, finding.article, finding.anchor, finding.subject) == (
        "ike_debug.proposal_mismatch",
        "ikev2-troubleshooting",
        "no-proposal-chosen",
        "IKE SA 16",
    )
    assert "DH group received group 2, expected group 24" in finding.detail
    assert "encryption received" not in finding.detail
    assert finding.lines == [1, 8, 9]
    assert all("{" not in c and "peer" not in c for c in finding.next_commands)


def test_an_ikev2_sa_already_in_negotiation_is_a_stale_sa_not_a_phase_1_checklist():
    """CSCvd69373's paste: 'IKEv2:SA is already in negotiation, hence not
    negotiating again' above a DOWN-NEGOTIATING session whose IKEv2 SA is
    Inactive. The session names the peer; the stale SA is the verdict, and the
    session is not also sent to the phase 1 checklist."""
    text = (
        "IKEv2:SA is already in negotiation, hence not negotiating again\n"
        "Interface: (unknown)\n"
        "Session status: DOWN-NEGOTIATING\n"
        "Peer: 10.10.10.10 port 500 fvrf: fvrf1 ivrf: fvrf1\n"
        "Session ID: 4\n"
        "IKEv2 SA: local 192.168.10.1/500 remote 10.10.10.10/500 Inactive\n"
        "Capabilities:(none) connid:14 lifetime:0\n"
    )
    alarms = [f for f in analyze(text).findings if f.severity != "info"]
    assert [(f.code, f.article, f.anchor, f.subject) for f in alarms] == [
        (
            "ike_debug.ikev2_sa_in_negotiation",
            "dead-peer-detection-and-rekey",
            "stale-sas",
            "peer 10.10.10.10",
        )
    ]
    assert "Inactive" in alarms[0].detail
    # Without the debug line the session alone is still a phase 1 that is down.
    alone = [f.code for f in analyze(text.split("\n", 1)[1]).findings]
    assert "ipsec.session_down" in alone


def _alarms(text: str):
    return [f for f in analyze(text).findings if f.severity in ("warning", "error")]


def _links(text: str) -> list[tuple[str, str, str]]:
    return [(f.code, f.article, f.anchor) for f in _alarms(text)]


def test_another_vendors_timeout_without_traced_messages_links_the_no_answer_section():
    """Palo Alto, HP-UX, AWS and charon logs that only say the attempt timed out
    show no state to link: the general 'peer does not answer' section, for IKEv1
    and IKEv2 alike, and the detail does not count messages nobody traced."""
    for text in (
        "IKE phase-1 negotiation is failed as initiator, main mode. Failed SA: "
        "198.51.100.1[500]-203.0.113.9[500] cookie:84222f276c2fa2e9:0000000000000000 "
        "due to timeout.\n",
        "Msg: 240 From: IKMPD Lvl: ERROR Date: Tue Mar 3 21:40:14 2009\n"
        "Event: local 10.0.0.1 - remote 10.0.0.2:retransmission count exceeded the "
        "limit\n",
        "AWS tunnel Timeout: deleting un-established Phase 1 IKE_SA with cgw: "
        "203.0.113.9\n",
        "Jun 23 08:07:26 vpn charon: 12[IKE] giving up after 5 retransmits\n",
    ):
        (finding,) = _alarms(text)
        assert (finding.code, finding.article, finding.anchor) == (
            "ike_debug.peer_not_answering",
            "ike-debug-invalid-cookie",
            "peer-not-answering",
        ), text
        assert "sent 0 IKE messages" not in finding.detail
        assert "timed out" in finding.detail
        assert "crypto map" not in finding.detail


def test_a_peer_not_answering_in_a_cisco_debug_keeps_its_state_section():
    """An ASA's unanswered first message is MM_WAIT_MSG2, an IKEv2 one the IKEv2
    checklist: the Cisco sections stay for Cisco logs."""
    asa = (
        "[IKEv1]: IP = 203.0.113.50, IKE_DECODE SENDING Message (msgid=0) with "
        "payloads : HDR + SA (1) + VENDOR (13) + NONE (0) total length : 172\n"
        "[IKEv1]: IP = 203.0.113.50, IKE_DECODE RESENDING Message (msgid=0) with "
        "payloads : HDR + SA (1) + VENDOR (13) + NONE (0) total length : 172\n"
    )
    (finding,) = _alarms(asa)
    assert (finding.code, finding.article, finding.anchor) == (
        "ike_debug.peer_not_answering",
        "isakmp-states",
        "mm_wait_msg2",
    )
    assert "sent 1 IKE message" in finding.detail
    assert "crypto map entry" in finding.detail


def test_another_vendors_key_mismatch_links_its_own_section_or_the_key_section():
    """FortiGate's and Juniper's words for a key mismatch are explained in their
    sections; a message that did not decrypt is the debug's key mismatch, whoever
    logged it; IKEv2 stays with the IKEv2 article."""
    cases = (
        (
            "ike 0:VPN-Customer:12: probable pre-shared secret mismatch\n",
            ("vpn-interop-other-vendors", "fortigate"),
        ),
        (
            'date=2024-01-01 time=10:00:00 logid="0101037129" type="event" '
            'subtype="vpn" level="error" vpntunnel="HQ" remip=203.0.113.9 '
            'msg="Negotiate SA Error: probable pre-shared secret mismatch"\n',
            ("vpn-interop-other-vendors", "fortigate"),
        ),
        (
            "Mar  1 10:00:00 srx kmd[1450]: IKE negotiation failed with error: "
            "Authentication failed. IKE Version: 1, VPN: vpn-asa Gateway: gw-asa, "
            "Local: 198.51.100.1/500, Remote: 203.0.113.9/500\n",
            ("vpn-interop-other-vendors", "juniper"),
        ),
        (
            "charon: 13[ENC] invalid HASH_V1 payload length, decryption failed?\n"
            "charon: 13[ENC] could not decrypt payloads\n",
            ("ike-debug-invalid-cookie", "psk-mismatch"),
        ),
        (
            "charon: 09[IKE] tried 1 shared key for 'a' - 'b', but MAC mismatched\n"
            "charon: 09[ENC] generating IKE_AUTH response 1 [ N(AUTH_FAILED) ]\n",
            ("ikev2-troubleshooting", "authentication-failed"),
        ),
    )
    for text, link in cases:
        (finding,) = _alarms(text)
        assert (finding.code, finding.article, finding.anchor) == (
            "ike_debug.psk_mismatch",
            *link,
        ), text


def test_a_bare_ikev1_authentication_failed_from_the_peer_names_three_causes():
    """charon's 'received AUTHENTICATION_FAILED error notify' alone (misspelt or
    not) cannot tell the exchange mode, the identity and the key apart."""
    for line in (
        "received AUTHENTICATION_FAILED error notifyed\n",
        "Jun 23 08:07:26 vpn charon: 15[IKE] received AUTHENTICATION_FAILED error "
        "notify\n",
    ):
        (finding,) = _alarms(line)
        assert (finding.code, finding.article, finding.anchor) == (
            "ike_debug.authentication_refused",
            "isakmp-states",
            "main-vs-aggressive",
        ), line
        detail = finding.detail.lower()
        assert all(w in detail for w in ("aggressive mode", "identity", "key"))
    # IKEv2 has no exchange mode to blame: the IKEv2 authentication section.
    assert _links("charon: 09[IKE] received AUTHENTICATION_FAILED notify error\n") == [
        ("ike_debug.psk_mismatch", "ikev2-troubleshooting", "authentication-failed")
    ]


def test_an_ike_version_mismatch_is_told_from_both_versions_in_one_negotiation():
    """IKE_SA_INIT refused beside an IKEv1 error, or a log refusing the other
    major version: one finding linking the IKE version section, and no
    proposal or key finding besides."""
    for text in (
        "parsed IKE_SA_INIT response 0 [ N(NO_PROP) ]\n"
        "received NO_PROPOSAL_CHOSEN notify error\n"
        "received AUTHENTICATION_FAILED error notify\n",
        "charon: 05[NET] received unsupported IKE version 1.0 from 192.0.2.10, "
        "sending INVALID_MAJOR_VERSION\n",
        "pluto[22]: packet from 192.1.2.45:500: responding to IKE_SA_INIT (34) "
        "message (Message ID 0) with unencrypted notification INVALID_MAJOR_VERSION\n",
    ):
        (finding,) = _alarms(text)
        assert (finding.code, finding.article, finding.anchor) == (
            "ike_debug.ike_version_mismatch",
            "phase1-errors",
            "ike-version",
        ), text
        assert "IKEv1" in finding.detail and "IKEv2" in finding.detail
    # A plain IKEv2 proposal refusal stays a proposal mismatch.
    assert _links(
        "parsed IKE_SA_INIT response 0 [ N(NO_PROP) ]\n"
        "received NO_PROPOSAL_CHOSEN notify error\n"
    ) == [
        ("ike_debug.proposal_mismatch", "ikev2-troubleshooting", "no-proposal-chosen")
    ]


def test_another_vendors_completed_negotiation_links_the_interop_mapping():
    """charon's and pluto's 'established' lines are no ASA MM_ACTIVE or IOS
    QM_IDLE: the interop article's words for an SA that is up."""
    for text in (
        "charon: 09[IKE] IKE_SA con2000[11] established between "
        "192.0.2.90[192.0.2.90]...192.0.2.74[192.0.2.74]\n"
        "charon: 09[IKE] CHILD_SA con2000{2} established with SPIs cf4973bf_i "
        "c1cbfdf2_o and TS 192.168.48.0/24|/0 === 10.42.42.0/24|/0\n",
        'pluto[8]: "west" #1: STATE_MAIN_I4: ISAKMP SA established\n'
        'pluto[8]: "west" #2: STATE_QUICK_I2: sent QI2, IPsec SA established\n',
    ):
        report = analyze(text)
        assert not _alarms(text), text
        (done,) = [
            f for f in report.findings if f.code == "ike_debug.negotiation_complete"
        ]
        assert (done.article, done.anchor) == ("vpn-interop-other-vendors", "mapping")


def test_commands_are_not_repeated_when_an_ikev1_one_becomes_its_ikev2_twin():
    from analyzer.rules.ike_debug import _commands

    record = {"peer": "192.0.2.1", "platform": "asa", "version": "ikev2"}
    assert _commands(record, "show crypto ikev1 sa", "show crypto ikev2 sa") == [
        "show crypto ikev2 sa"
    ]


def test_ios_transform_proposal_not_supported_is_a_phase2_transform_set_refusal():
    """IOS answering a quick mode whose transforms no transform set of the
    crypto map entry holds: `IPSEC(ipsec_process_proposal): transform proposal
    not supported for identity: {esp-aes }` (one course transcript spells it
    "transforma ... idenitty"; both are read)."""
    for wording in (
        "transform proposal not supported for identity: {esp-aes }",
        "transforma proposal not supported for idenitty: {esp-aes }",
    ):
        text = (
            "R2#debug crypto isakmp\n"
            "*Mar  1 00:10:31.123: ISAKMP (0:1002): received packet from 15.1.1.1 "
            "dport 500 sport 500 Global (R) QM_IDLE\n"
            "*Mar  1 00:10:31.123: ISAKMP:(1002):atts are acceptable.\n"
            "*Mar  1 00:10:31.127: IPSEC(validate_proposal_request): proposal part #1\n"
            f"*Mar  1 00:10:31.127: IPSEC(ipsec_process_proposal): {wording}\n"
        )
        alarms = [
            (f.severity, f.code, f.anchor)
            for f in analyze(text).findings
            if f.severity in ("warning", "error", "critical")
        ]
        assert alarms == [("error", "ike_debug.phase2_mismatch", "transform-set")]


def test_a_refusal_on_the_line_under_ipsec_process_proposal_is_read():
    """A DMVPN hub's `debug crypto ipsec`: `IPSEC(ipsec_process_proposal):
    proposal part #1,` with `transform proposals not supported` on the line
    under it."""
    text = (
        FIXTURES
        / "field/ikev1/ios-dmvpn-course-notes-th-hub-no-esp-sas-send-errors-12-transform-proposals-not-supported.txt"
    ).read_text()
    (finding,) = [
        f for f in analyze(text).findings if f.code == "ike_debug.phase2_mismatch"
    ]
    assert (finding.severity, finding.anchor) == ("error", "transform-set")
    assert "198.51.100.6" in finding.title
