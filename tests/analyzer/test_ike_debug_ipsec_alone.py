"""IOS `debug crypto ipsec` pasted without the `debug crypto isakmp` lines around
it: the IPSEC(...) lines name no peer, the key engine message under them does
(``remote=``, whichever way the message goes; ``local=`` is the device itself)."""

from analyzer.engine import analyze
from analyzer.parsers import ike_debug
from analyzer.report import Section

# A responder (IOS 15.x, ports printed) refusing the proposal: its transform sets
# hold no esp-aes without integrity.
REFUSED = """\
R2#debug crypto ipsec
Crypto IPSEC debugging is on
R2#
*Mar  1 00:10:31.127: IPSEC(validate_proposal_request): proposal part #1,
  (key eng. msg.) INBOUND local= 25.2.2.2:0, remote= 15.1.1.1:0,
    local_proxy= 10.2.0.0/255.255.0.0/256/0,
    remote_proxy= 10.1.0.0/255.255.0.0/256/0,
    protocol= ESP, transform= esp-aes  (Tunnel),
    lifedur= 0s and 0kb,
    spi= 0x0(0), conn_id= 0, keysize= 128, flags= 0x0
*Mar  1 00:10:31.127: IPSEC(ipsec_process_proposal): transform proposal not supported for identity: {esp-aes }
"""

# A responder installing the SAs (IOS 15.x / IOS-XE 16 wording): the (identity)
# line comes under the SA's own lines.
CREATED = """\
*Feb 23 00:19:54.626: IPSEC(validate_proposal_request): proposal part #1
*Feb 23 00:19:54.626: IPSEC(validate_proposal_request): proposal part #1,
  (key eng. msg.) INBOUND local= 203.0.113.200:0, remote= 203.0.113.100:0,
    local_proxy= 192.168.102.0/255.255.255.0/256/0,
    remote_proxy= 192.168.101.0/255.255.255.0/256/0,
    protocol= ESP, transform= esp-aes 256 esp-sha512-hmac  (Tunnel),
    lifedur= 0s and 0kb,
    spi= 0x0(0), conn_id= 0, keysize= 256, flags= 0x0
*Feb 23 00:19:54.628: IPSEC(key_engine): got a queue event with 1 KMI message(s)
*Feb 23 00:19:54.629: IPSEC(create_sa): sa created,
  (sa) sa_dest= 203.0.113.200, sa_proto= 50,
    sa_spi= 0x63A278D7(1671592151),
    sa_trans= esp-aes 256 esp-sha512-hmac , sa_conn_id= 2005
    sa_lifetime(k/sec)= (4608000/3600),
  (identity) local= 203.0.113.200:0, remote= 203.0.113.100:0,
    local_proxy= 192.168.102.0/255.255.255.0/256/0,
    remote_proxy= 192.168.101.0/255.255.255.0/256/0
*Feb 23 00:19:54.629: IPSEC(create_sa): sa created,
  (sa) sa_dest= 203.0.113.100, sa_proto= 50,
    sa_spi= 0x731256EB(1930581739),
    sa_trans= esp-aes 256 esp-sha512-hmac , sa_conn_id= 2006
    sa_lifetime(k/sec)= (4608000/3600),
  (identity) local= 203.0.113.200:0, remote= 203.0.113.100:0,
    local_proxy= 192.168.102.0/255.255.255.0/256/0,
    remote_proxy= 192.168.101.0/255.255.255.0/256/0
*Feb 23 00:19:54.951: IPSEC(key_engine): got a queue event with 1 KMI message(s)
*Feb 23 00:19:54.951: IPSEC(key_engine_enable_outbound): rec'd enable notify from ISAKMP
"""


def records(text: str) -> dict[str, dict]:
    lines = text.splitlines()
    found = ike_debug.parse(
        Section(lines=lines, numbers=list(range(1, len(lines) + 1)))
    )
    return {r["peer"]: r for source in found for r in source.records}


def alarms(text: str) -> list[tuple]:
    return [
        (f.severity, f.code, f.anchor, f.subject)
        for f in analyze(text).findings
        if f.severity in ("warning", "error", "critical")
    ]


def test_a_refusal_in_debug_crypto_ipsec_alone_is_the_phase2_finding():
    """The refusal is the responder's, about the peer its key engine message
    names: the same finding an ISAKMP-named debug gives."""
    assert alarms(REFUSED) == [
        ("error", "ike_debug.phase2_mismatch", "transform-set", "peer 15.1.1.1")
    ]
    found = records(REFUSED)
    assert set(found) == {"15.1.1.1"}
    record = found["15.1.1.1"]
    assert [(e["kind"], e["line"], e.get("cause")) for e in record["errors"]] == [
        ("phase2", 11, "transform_set")
    ]
    assert record["lines"] == [4, 11]
    assert record["proxies"] == {
        "local": "10.2.0.0/255.255.0.0",
        "remote": "10.1.0.0/255.255.0.0",
    }


def test_every_wording_of_the_key_engine_message_names_the_peer():
    """12.x without the ports, 15.x with them, "(key eng. msg)" without its dot,
    the IOS-XE session prefix, the message run into its IPSEC line, and a paste
    that lost the indentation: the peer is ``remote=``, never ``local=``."""
    refusal = "IPSEC(validate_transform_proposal): proxy identities not supported"
    for header, engine in (
        (
            "00:29:21: IPSEC(validate_proposal_request): proposal part #1,",
            "  (key eng. msg.) INBOUND local= 172.16.1.1, remote= 172.16.1.2, ",
        ),
        (
            "*Mar  1 00:04:49.567: IPSEC(validate_proposal_request): proposal part #1,",
            "  (key eng. msg.) INBOUND local= 172.16.1.1:0, remote= 172.16.1.2:0,",
        ),
        (
            "IPSEC(validate_proposal_request): proposal part #1,",
            "    (key eng. msg) INBOUND local= 172.16.1.1:0, remote= 172.16.1.2:0,",
        ),
        (
            "*Jun 13 10:00:00.123: IPSEC:(SESSION ID = 7) (validate_proposal_request) "
            "proposal part #1,",
            "  (key eng. msg.) INBOUND local= 172.16.1.1:0, remote= 172.16.1.2:0,",
        ),
        (
            "IPSEC(validate_proposal_request): proposal part #1, (key eng. msg.) "
            "INBOUND local= 172.16.1.1, remote= 172.16.1.2, local_proxy= "
            "10.1.1.0/255.255.255.0/0/0 (type=4),",
            "",
        ),
        (
            "IPSEC(validate_proposal_request): proposal part #1,",
            "(key eng. msg.) INBOUND local= 172.16.1.1, remote= 172.16.1.2,",
        ),
    ):
        text = "\n".join(
            line
            for line in (
                header,
                engine,
                "    local_proxy= 10.1.1.0/255.255.255.0/0/0 (type=4),",
                "    remote_proxy= 10.2.2.0/255.255.255.0/0/0 (type=4),",
                f"*Mar  1 00:04:49.571: {refusal}",
            )
            if line
        )
        found = records(text)
        assert set(found) == {"172.16.1.2"}, header
        (error,) = found["172.16.1.2"]["errors"]
        assert (error["kind"], error.get("cause")) == ("phase2", "crypto_acl"), header
        assert found["172.16.1.2"]["proxies"] == {
            "local": "10.1.1.0/255.255.255.0",
            "remote": "10.2.2.0/255.255.255.0",
        }, header
        assert alarms(text) == [
            (
                "error",
                "ike_debug.phase2_mismatch",
                "crypto-acl-mirror",
                "peer 172.16.1.2",
            )
        ], header


def test_the_initiators_outbound_request_names_its_peer_not_itself():
    """`IPSEC(sa_request)` on the router that starts: OUTBOUND, local= its own
    address, remote= the peer; the IOS-XE retry timer names it in (identity)."""
    text = (
        "IPSEC(sa_request): ,\n"
        "  (key eng. msg.) OUTBOUND local= 15.1.1.1:500, remote= 25.2.2.2:500,\n"
        "    local_proxy= 10.1.0.0/255.255.0.0/256/0,\n"
        "    remote_proxy= 10.2.0.0/255.255.0.0/256/0,\n"
        "    protocol= ESP, transform= esp-aes  (Tunnel),\n"
        "    lifedur= 3600s and 4608000kb,\n"
        "    spi= 0x0(0), conn_id= 0, keysize= 128, flags= 0x0\n"
        "IPSEC:(SESSION ID = 1) (key_engine) request timer fired: count = 1,\n"
        "  (identity) local= 15.1.1.1:0, remote= 25.2.2.2:0,\n"
        "    local_proxy= 10.1.0.0/255.255.0.0/256/0,\n"
        "    remote_proxy= 10.2.0.0/255.255.0.0/256/0\n"
    )
    found = records(text)
    assert set(found) == {"25.2.2.2"}
    assert found["25.2.2.2"]["lines"] == [1, 11]
    assert found["25.2.2.2"]["errors"] == []
    # Asking for an SA is no verdict on it.
    assert alarms(text) == []


def test_two_routers_debugs_in_one_paste_keep_their_own_peers():
    """R1 asks (its peer 25.2.2.2), R2 refuses (its peer 15.1.1.1): the refusal
    goes by the key engine message under it, not by the lines above it."""
    initiator = (
        "R1#ping 10.2.0.2 source 10.1.0.1\n"
        "IPSEC(sa_request): ,\n"
        "  (key eng. msg.) OUTBOUND local= 15.1.1.1:500, remote= 25.2.2.2:500,\n"
        "    local_proxy= 10.1.0.0/255.255.0.0/256/0,\n"
        "    remote_proxy= 10.2.0.0/255.255.0.0/256/0,\n"
    )
    text = initiator + REFUSED
    found = records(text)
    assert set(found) == {"25.2.2.2", "15.1.1.1"}
    assert found["25.2.2.2"]["errors"] == []
    assert [e["line"] for e in found["15.1.1.1"]["errors"]] == [16]
    assert alarms(text) == [
        ("error", "ike_debug.phase2_mismatch", "transform-set", "peer 15.1.1.1")
    ]


def test_a_debug_crypto_ipsec_that_installs_the_sas_is_healthy():
    """`sa created` for both directions and the outbound SA enabled: phase 2
    completed with the peer the key engine and identity lines name."""
    found = records(CREATED)
    assert set(found) == {"203.0.113.100"}
    record = found["203.0.113.100"]
    assert record["phase2_complete"] is True
    assert record["p2_done_lines"] == [10, 18, 27]
    # The lone "proposal part #1" above the key engine message is the peer's too.
    assert record["lines"] == [1, 27]
    assert alarms(CREATED) == []
    (done,) = [
        f
        for f in analyze(CREATED).findings
        if f.code == "ike_debug.negotiation_complete"
    ]
    assert (done.severity, done.subject) == ("info", "peer 203.0.113.100")


def test_a_refusal_after_the_sas_of_another_peer_stays_with_its_own():
    """A hub installs the SAs of 203.0.113.100, then refuses 198.51.100.9's
    proposal: each peer's own verdict."""
    other = REFUSED.replace("15.1.1.1", "198.51.100.9").replace(
        "25.2.2.2", "203.0.113.200"
    )
    text = CREATED + other
    found = records(text)
    assert found["203.0.113.100"]["phase2_complete"] is True
    assert found["203.0.113.100"]["errors"] == []
    assert found["198.51.100.9"]["phase2_complete"] is False
    assert alarms(text) == [
        (
            "error",
            "ike_debug.phase2_mismatch",
            "transform-set",
            "peer 198.51.100.9",
        )
    ]


def test_an_ios_xe_session_keeps_its_peer_between_other_peers_lines():
    """IOS-XE names the crypto session on every IPSEC line: a line of session 1
    that names no peer is session 1's peer's, even after another peer's lines."""
    text = (
        "IPSEC:(SESSION ID = 1) (sa_request) ,\n"
        "  (key eng. msg.) OUTBOUND local= 192.0.2.1:500, remote= 192.0.2.50:500,\n"
        "IPSEC:(SESSION ID = 2) (sa_request) ,\n"
        "  (key eng. msg.) OUTBOUND local= 192.0.2.1:500, remote= 198.51.100.7:500,\n"
        "IPSEC:(SESSION ID = 1) (key_engine_enable_outbound) rec'd enable notify "
        "from ISAKMP\n"
    )
    found = records(text)
    assert found["192.0.2.50"]["phase2_complete"] is True
    assert found["198.51.100.7"]["phase2_complete"] is False


def test_ipsec_lines_that_name_no_peer_anywhere_give_no_record():
    """No key engine message, no ISAKMP line, no session named before: nothing
    says whose negotiation it is."""
    text = (
        "IPSEC(key_engine): got a queue event with 1 KMI message(s)\n"
        "IPSEC(ipsec_process_proposal): transform proposal not supported for "
        "identity: {esp-aes }\n"
    )
    assert records(text) == {}


def test_isakmp_named_ipsec_lines_still_go_to_the_isakmp_peer():
    """With `debug crypto isakmp` around them the IPSEC lines that have no key
    engine message under them belong to the peer the ISAKMP lines named."""
    text = (
        "*Mar  1 00:10:31.123: ISAKMP (0:1002): received packet from 15.1.1.1 "
        "dport 500 sport 500 Global (R) QM_IDLE\n"
        "*Mar  1 00:10:31.123: ISAKMP:(1002):atts are acceptable.\n"
        "*Mar  1 00:10:31.127: IPSEC(validate_proposal_request): proposal part #1\n"
        "*Mar  1 00:10:31.127: IPSEC(ipsec_process_proposal): transform proposal "
        "not supported for identity: {esp-aes }\n"
    )
    found = records(text)
    assert set(found) == {"15.1.1.1"}
    assert [e["line"] for e in found["15.1.1.1"]["errors"]] == [4]


def test_a_double_spaced_paste_still_reads_the_key_engine_message():
    """A forum that puts a blank line after every line (a thread quoting a 12.x
    router's debug): the key engine message is two lines down, still the
    IPSEC line's."""
    text = "\n\n".join(
        (
            "Mar 1 00:55:42.299: IPSEC(validate_proposal_request): proposal part #1,",
            "(key eng. msg.) INBOUND local= 12.1.1.2, remote= 13.1.1.3,",
            "local_proxy= 2.2.2.0/255.255.255.0/0/0 (type=4),",
            "remote_proxy= 3.3.3.0/255.255.255.0/0/0 (type=4),",
            "Mar 1 00:55:42.299: IPSEC(validate_transform_proposal): proxy "
            "identities not supported",
        )
    )
    found = records(text)
    assert set(found) == {"13.1.1.3"}
    assert [e["line"] for e in found["13.1.1.3"]["errors"]] == [9]
    assert alarms(text) == [
        ("error", "ike_debug.phase2_mismatch", "crypto-acl-mirror", "peer 13.1.1.3")
    ]


def test_two_blank_lines_end_what_an_ipsec_line_holds():
    """A key engine message after a paragraph break is not the line above's."""
    text = (
        "IPSEC(ipsec_process_proposal): transform proposal not supported for "
        "identity: {esp-aes }\n\n\n"
        "  (key eng. msg.) INBOUND local= 12.1.1.2, remote= 13.1.1.3,\n"
    )
    assert records(text) == {}
