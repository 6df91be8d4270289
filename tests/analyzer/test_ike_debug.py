"""IKE negotiations rebuilt per peer from ASA/IOS debug output and IKE syslogs."""

from analyzer.engine import analyze
from analyzer.parsers import ike_debug
from analyzer.report import Section
from tests.conftest import FIXTURES


def peers_of(name: str) -> dict[str, dict]:
    text = (FIXTURES / name).read_bytes().decode("utf-8")
    found = analyze(text).sources_of("ike_debug")
    assert len(found) == 1
    return {record["peer"]: record for record in found[0].records}


def directions(record: dict) -> list[tuple[str, int]]:
    return [(m["direction"], m["line"]) for m in record["messages"]]


def test_it_rebuilds_the_seed_invalid_cookie_sequence():
    """The archive's ASA 8.0 syslog sequence: two messages sent, the key exchange
    resent, then two notifies and an unencrypted INVALID_COOKIE."""
    record = peers_of("ike_debug/asa_invalid_cookie_seed.txt")["233.22.22.233"]
    assert (record["platform"], record["version"], record["role"]) == (
        "asa",
        "ikev1",
        "initiator",
    )
    assert (record["sent"], record["resent"], record["received"]) == (2, 1, 3)
    assert directions(record) == [
        ("sent", 8),
        ("received", 9),
        ("sent", 24),
        ("resent", 28),
        ("received", 30),
        ("received", 31),
    ]
    assert record["messages"][2]["payloads"] == [
        "KE",
        "NONCE",
        "VENDOR",
        "VENDOR",
        "VENDOR",
        "VENDOR",
    ]
    assert record["messages"][0]["length"] == 148
    assert record["messages"][4]["length"] == 68
    assert record["key_exchange_sent"] is True
    assert {"type": "INVALID_COOKIE", "encrypted": False, "line": 32} in record[
        "notifies"
    ]
    assert [(e["kind"], e["line"]) for e in record["errors"]] == [
        ("invalid_cookie", 32),
        ("other", 34),
        ("other", 35),
    ]
    assert (record["last_state"], record["state_inferred"]) == ("MM_WAIT_MSG4", True)
    assert record["lines"] == [3, 35]


def test_it_reads_an_asa_9_debug_with_a_pre_shared_key_mismatch():
    """`debug crypto ikev1 127` on 9.x: `[IKEv1]IP = ` lines without a colon, the
    group picked up, three messages each way, the decrypt failure as a PSK error."""
    record = peers_of("ike_debug/asa9_ikev1_psk_mismatch.txt")["203.0.113.77"]
    assert record["group"] == "203.0.113.77"
    assert (record["sent"], record["received"]) == (3, 3)
    assert record["messages"][4]["payloads"][:2] == ["ID", "HASH"]
    assert [e["kind"] for e in record["errors"]] == ["psk", "psk", "other"]
    assert record["errors"][1]["line"] == 43
    assert record["last_state"] == "MM_WAIT_MSG6"
    assert record["phase1_complete"] is False


def test_it_reads_an_ios_initiator_that_never_hears_back():
    """IOS `debug crypto isakmp`: one send, three retransmissions, nothing received,
    the SA deleted by retransmission at MM_NO_STATE."""
    record = peers_of("ike_debug/ios_mm_no_state_no_answer.txt")["198.51.100.2"]
    assert (record["platform"], record["role"]) == ("ios", "initiator")
    assert (record["sent"], record["resent"], record["received"]) == (1, 3, 0)
    assert directions(record) == [
        ("sent", 28),
        ("resent", 33),
        ("resent", 38),
        ("resent", 43),
    ]
    assert record["last_state"] == "MM_NO_STATE"
    assert record["states"][0] == {"from": "IKE_READY", "to": "IKE_I_MM1", "line": 25}
    assert [e["kind"] for e in record["errors"]] == ["no_response", "no_response"]


def test_it_reads_an_ios_responder_refusing_the_proposals():
    """The responder's side of a policy mismatch: the offer received, the attributes
    refused, phase 1 policy not acceptable."""
    record = peers_of("ike_debug/ios_proposal_mismatch.txt")["192.0.2.1"]
    assert record["role"] == "responder"
    assert record["messages"][0]["payloads"][0] == "SA"
    assert [(e["kind"], e["line"]) for e in record["errors"]] == [
        ("proposal", 28),
        ("proposal", 29),
        ("proposal", 31),
        # %CRYPTO-6-IKMP_MODE_FAILURE: the router's own summary of the failure.
        ("other", 42),
    ]


def test_it_reads_a_malformed_message_after_the_key_exchange_as_a_key_mismatch():
    """IKMP_BAD_MESSAGE right after MM_KEY_EXCH is how IOS shows a PSK mismatch."""
    record = peers_of("ike_debug/ios_psk_mismatch.txt")["203.0.113.9"]
    assert record["key_exchange_sent"] is True
    assert [(e["kind"], e["line"]) for e in record["errors"]] == [("psk", 25)]
    assert [s["to"] for s in record["states"]] == [
        "IKE_I_MM2",
        "IKE_I_MM3",
        "IKE_I_MM4",
        "IKE_I_MM5",
    ]
    assert record["last_state"] == "MM_KEY_EXCH"
    assert record["resent"] == 1


def test_it_reads_an_ios_phase_2_proxy_identity_refusal():
    """Quick mode refused with `proxy identities not supported`: phase 1 was up."""
    record = peers_of("ike_debug/ios_phase2_proxy_mismatch.txt")["192.0.2.1"]
    assert record["phase1_complete"] is True
    assert [(e["kind"], e["line"]) for e in record["errors"]] == [
        ("phase2", 20),
        ("phase2", 21),
        ("phase2", 22),
        ("phase2", 24),
    ]


def test_it_reads_ike_syslogs_from_a_show_logging_buffer():
    """713041 in a buffer opens a record for the peer even without a debug."""
    record = peers_of("syslog/asa_show_logging_buffer.txt")["198.51.100.2"]
    assert record["role"] == "initiator" and record["lines"] == [22, 22]


def test_it_ignores_lines_with_no_peer():
    """Key-acquire and banner lines that name no peer give no record."""
    section = Section(
        lines=[
            "Jun 10 2010 17:36:05: %ASA-7-715077: Pitcher: received a key acquire message, spi 0x0",
            "Crypto ISAKMP debugging is on",
        ],
        numbers=[1, 2],
    )
    assert ike_debug.parse(section) == []


def named(record: dict) -> list[tuple]:
    """What the parser named of each error's words, beside its kind and line."""
    return [
        (e["kind"], e["line"], e.get("cause"), e.get("direction"), e.get("declared_id"))
        for e in record["errors"]
    ]


def test_each_refusal_carries_what_its_words_blame():
    """The rules never read an error's text: the parser names the cause (here the
    proxy identities, so the crypto ACLs) and whose refusal a notify is."""
    record = peers_of("ike_debug/ios_phase2_proxy_mismatch.txt")["192.0.2.1"]
    assert named(record) == [
        ("phase2", 20, "crypto_acl", None, None),
        ("phase2", 21, None, None, None),
        ("phase2", 22, None, None, None),
        # "Sending NOTIFY PROPOSAL_NOT_CHOSEN": this router refused.
        ("phase2", 24, None, "sent", None),
    ]
    assert [e.get("names_policy", False) for e in record["errors"]] == [
        False,
        True,
        True,
        False,
    ]


def test_a_refusal_notify_from_the_peer_is_received():
    """`processing NOTIFY PROPOSAL_NOT_CHOSEN`: the peer refused the quick mode."""
    record = peers_of("ike_debug/ios_policy_order_then_qm_pfs_refused.txt")[
        "77.77.77.77"
    ]
    assert named(record)[-1] == ("phase2", 132, None, "received", None)


def test_713257_names_the_attribute_that_differs():
    """`Mismatched attribute types ... Rcv'd: Group 2 Cfg'd: Group 14`."""
    record = peers_of("qa_logs/asa_syslog_phase2_mismatch_invalid_spi.txt")[
        "192.0.2.44"
    ]
    (error,) = [e for e in record["errors"] if e["kind"] == "proposal"]
    assert (error["cause"], error.get("quotes")) == ("attribute", True)
    assert "names_network" not in error


def test_any_protocol_in_a_proxy_is_the_network_alone_in_every_release():
    """IOS 12.x prints any IP protocol as 0, 15.x and IOS-XE as 256; a proxy
    narrowed to a protocol or port keeps them."""
    for local, remote, expected in (
        (
            "10.2.0.0/255.255.0.0/0/0 (type=4)",
            "10.1.0.0/255.255.0.0/0/0 (type=4)",
            {"local": "10.2.0.0/255.255.0.0", "remote": "10.1.0.0/255.255.0.0"},
        ),
        (
            "10.2.0.0/255.255.0.0/256/0",
            "10.1.0.0/255.255.0.0/256/0",
            {"local": "10.2.0.0/255.255.0.0", "remote": "10.1.0.0/255.255.0.0"},
        ),
        (
            "203.0.113.2/255.255.255.255/47/0",
            "198.51.100.6/255.255.255.255/6/443",
            {
                "local": "203.0.113.2/255.255.255.255/47/0",
                "remote": "198.51.100.6/255.255.255.255/6/443",
            },
        ),
    ):
        lines = [
            "ISAKMP (0:1002): received packet from 15.1.1.1 dport 500 sport 500 "
            "Global (R) QM_IDLE",
            "IPSEC(validate_proposal_request): proposal part #1,",
            f"    local_proxy= {local},",
            f"    remote_proxy= {remote},",
        ]
        (source,) = ike_debug.parse(
            Section(lines=lines, numbers=list(range(1, len(lines) + 1)))
        )
        (record,) = source.records
        assert record["proxies"] == expected, local
