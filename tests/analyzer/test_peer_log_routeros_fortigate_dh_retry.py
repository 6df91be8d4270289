"""The far end's log in wordings the field corpus brought in: MikroTik RouterOS's
IPsec log, a FortiGate refusing to start a tunnel no firewall policy uses, and a
responder asking for another Diffie-Hellman group (the field corpus judges whole
pastes; these read other wordings of the same lines)."""

from analyzer.engine import analyze
from tests.analyzer.test_peer_log import _alarms, _parse


def _titles(text: str) -> list[str]:
    return [
        f.title
        for f in analyze(text).findings
        if f.severity in ("warning", "error", "critical")
    ]


# --- MikroTik RouterOS -----------------------------------------------------


def test_routeros_wrong_password_is_a_key_mismatch_with_the_peer_it_names():
    """`/log print` with its time and topics: the peer's address comes before
    the message, and 'possible cause: wrong password' is the encrypted main mode
    message that did not parse, whichever way the version spells 'cause'."""
    text = (
        "12:01:02 ipsec,error 198.51.100.7 parsing packet failed, possible cause: "
        "wrong password\n"
    )
    (record,) = _parse(text.rstrip("\n"))
    assert (record["platform"], record["peer"]) == ("mikrotik", "198.51.100.7")
    assert [e["kind"] for e in record["errors"]] == ["psk"]
    assert _alarms(text) == [
        ("ike_debug.psk_mismatch", "phase1-errors", "pre-shared-key")
    ]
    (record,) = _parse(
        "198.51.100.7 parsing packet failed, possible couse: wrong password"
    )
    assert [e["kind"] for e in record["errors"]] == ["psk"]


def test_routeros_logging_to_a_syslog_server_is_still_routeros():
    """Remote logging puts a syslog header (time, the router's address) before
    the topics; the peer is still the address before the message."""
    line = (
        "Jan 10 10:00:00 192.168.88.1 ipsec,error 203.0.113.44 parsing packet "
        "failed, possible cause: wrong password"
    )
    (record,) = _parse(line)
    assert (record["platform"], record["peer"]) == ("mikrotik", "203.0.113.44")
    assert [e["kind"] for e in record["errors"]] == ["psk"]


def test_routeros_phase1_time_up_names_the_address_after_the_arrow():
    """'<local>[500]<=><peer>[500]': the peer is the second address, not this
    router's own."""
    text = "phase1 negotiation failed due to time up 203.0.113.1[500]<=>198.51.100.7[500]\n"
    (record,) = _parse(text.rstrip("\n"))
    assert record["peer"] == "198.51.100.7"
    assert [e["kind"] for e in record["errors"]] == ["no_response"]
    assert [a[0] for a in _alarms(text)] == ["ike_debug.peer_not_answering"]


def test_routeros_reason_then_ph2_line_is_one_phase_2_refusal():
    """RouterOS logs why (no proposal of the peer's acceptable), then in which
    phase it failed: one phase 2 refusal, not a phase 1 proposal mismatch
    beside it."""
    text = (
        "ipsec,error failed to get valid proposal.\n"
        "ipsec,error 192.0.2.15 failed to pre-process ph2 packet (side: 1, status: 1).\n"
    )
    (record,) = _parse(*text.splitlines())
    assert record["peer"] == "192.0.2.15"
    assert [e["kind"] for e in record["errors"]] == ["phase2"]
    assert _alarms(text) == [
        ("ike_debug.phase2_mismatch", "ipsec-phase2-errors", "what-must-match")
    ]


def test_routeros_reason_then_ph1_line_stays_a_phase_1_proposal_mismatch():
    text = (
        "no suitable proposal found\n"
        "192.0.2.15 failed to pre-process ph1 packet (side: 1, status 1).\n"
    )
    (record,) = _parse(*text.splitlines())
    assert [e["kind"] for e in record["errors"]] == ["proposal"]
    assert _alarms(text) == [
        ("ike_debug.proposal_mismatch", "phase1-errors", "proposal-mismatch")
    ]


def test_routeros_peer_id_not_in_its_certificate_is_an_identity_mismatch():
    """Not a certificate that failed to verify, and not a peer that went silent
    (the time-up that follows is its consequence)."""
    text = (
        "10:02:11 ipsec,error 198.51.100.77 peer's ID does not match certificate\n"
        "10:03:01 ipsec,error 198.51.100.77 phase1 negotiation failed due to time up "
        "198.51.100.2[500]<=>198.51.100.77[500]\n"
    )
    (record,) = _parse(*text.splitlines())
    (identity, _) = record["errors"]
    assert identity["kind"] == "identity" and "cause" not in identity
    assert identity["text"] == "198.51.100.77 peer's ID does not match certificate"
    assert [a[0] for a in _alarms(text)] == ["ike_debug.identity_mismatch"]


def test_routeros_routine_lines_raise_nothing():
    text = (
        "ipsec,info respond new phase 1 (Identity Protection): "
        "203.0.113.1[500]<=>198.51.100.7[500]\n"
        "ipsec,info ISAKMP-SA established 203.0.113.1[500]-198.51.100.7[500] "
        "spi:5f3c0b2a11d4e6a7:9a0c3e55d1b2f4e8\n"
    )
    (record,) = _parse(*text.splitlines())
    assert record["platform"] == "mikrotik"
    assert record["phase1_complete"] and not record["errors"]
    assert _alarms(text) == []


def test_lines_that_only_share_a_word_with_routeros_are_not_its():
    assert _parse("interface ether1 failed to come up") == []
    assert _parse("no suitable route found for 192.0.2.1") == []


# --- FortiGate: no firewall policy for the tunnel ----------------------------


def test_fortigate_no_policy_configured_names_the_tunnel_in_both_prefixes():
    """FortiOS 7 prints the VDOM ('ike V=root:0:HQ:'); a post may shorten the
    number to '...'. Either way the FortiGate refuses to start the tunnel for
    want of a firewall policy, which is neither a proposal nor a key."""
    for line in (
        "ike V=root:0:HQ-VPN: ignoring request to establish IPsec SA, "
        "no policy configured",
        "ike ...:HQ-VPN: ignoring request to establish IPsec SA, no policy configured",
    ):
        (record,) = _parse(line)
        assert (record["platform"], record["connection"]) == ("fortigate", "HQ-VPN")
        assert _alarms(line) == [
            ("ike_debug.no_firewall_policy", "vpn-interop-other-vendors", "fortigate")
        ]
        assert "HQ-VPN" in _titles(line)[0]


def test_fortigate_passive_mode_is_not_a_missing_policy():
    line = (
        "ike 0:HQ-VPN: ignoring request to establish IPsec SA, gateway is in "
        "passive mode"
    )
    assert _alarms(line) == []


# --- A responder asking for another DH group ---------------------------------


def test_charon_asking_for_another_group_with_nothing_after_is_a_warning():
    text = (
        "Jul 23 12:33:47 gw charon: 09[IKE] DH group MODP_2048 unacceptable, "
        "requesting MODP_4096\n"
    )
    (record,) = _parse(text.rstrip("\n"))
    assert record["version"] == "ikev2"
    ((code, article, anchor),) = _alarms(text)
    assert (code, article, anchor) == (
        "ike_debug.dh_group_retry",
        "vpn-interop-other-vendors",
        "strongswan",
    )
    report = analyze(text)
    (finding,) = [f for f in report.findings if f.code == code]
    assert finding.severity == "warning"
    assert "MODP_4096" in finding.title and "MODP_2048" in finding.title


def test_a_group_request_the_initiator_then_meets_is_history():
    text = (
        "charon: 09[IKE] DH group MODP_2048 inacceptable, requesting MODP_4096\n"
        "charon: 11[IKE] IKE_SA gcp[2] established between "
        "10.0.0.2[10.0.0.2]...203.0.113.9[203.0.113.9]\n"
    )
    assert _alarms(text) == []


def test_the_initiators_and_plutos_wordings_of_the_same_request():
    charon = "charon: 12[IKE] peer didn't accept DH group MODP_2048, it requested MODP_3072\n"
    assert [a[0] for a in _alarms(charon)] == ["ike_debug.dh_group_retry"]
    assert "MODP_3072" in _titles(charon)[0]
    pluto = (
        "Oct 25 05:08:43 host pluto[3665]: packet from 192.0.2.22:500: initiator "
        "guessed wrong keying material group (MODP2048); responding with "
        "INVALID_KE_PAYLOAD requesting MODP1024\n"
    )
    assert _alarms(pluto) == [
        ("ike_debug.dh_group_retry", "vpn-interop-other-vendors", "libreswan")
    ]
    assert "MODP1024" in _titles(pluto)[0]
