"""Other ends' logs in layouts of their own: F5 BIG-IP's tmm IKEv2 log, racoon.log
as racoon writes it (no program tag), and pluto's words for a first message that
no loaded connection accepts."""

import pytest

from analyzer.engine import analyze
from analyzer.parsers import peer_log
from analyzer.report import Section

F5 = (
    "info tmm[20647]: 017c0000  [0.0] [IKE] v2 192.0.2.1%0-198.51.100.1%0 "
    "[0xb9e04f9831b6d377-0x92f7016301791cc2][R] [PROTO_ERR]: "
)


def records(*lines: str) -> list[dict]:
    found = peer_log.parse(
        Section(lines=list(lines), numbers=list(range(1, len(lines) + 1)))
    )
    if not found:
        return []
    (source,) = found
    return source.records


def alarms(*lines: str) -> list[tuple]:
    report = analyze("\n".join(lines) + "\n")
    return [
        (f.code, f.article, f.anchor, f.subject)
        for f in report.findings
        if f.severity in ("warning", "error", "critical")
    ]


# --- F5 BIG-IP ------------------------------------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        F5 + "message lacks KE payload",
        "Mar  4 10:12:01 bigip1 info tmm1[20647]: 017c0000  [0.0] [IKE] v2 "
        "192.0.2.1%0-198.51.100.1%0 [0xb9e04f9831b6d377-0x92f7016301791cc2][R] "
        "[PROTO_ERR]: message lacks KE payload",
        "info tmm3[9912]: 017c0000 [0.3] [IKE] v2 192.0.2.1%12-198.51.100.1%12 "
        "[0xb9e04f9831b6d377-0x92f7016301791cc2][R] [PROTO_ERR]: message lacks KE "
        "payload",
    ],
    ids=["as-documented", "syslog-prefix-tmm1", "route-domain-12"],
)
def test_f5s_missing_ke_payload_is_a_pfs_refusal_of_the_child_sa(line):
    (record,) = records(line)
    assert (record["platform"], record["peer"], record["version"]) == (
        "f5",
        "198.51.100.1",
        "ikev2",
    )
    (error,) = record["errors"]
    assert (error["kind"], error.get("cause")) == ("phase2", "pfs")
    assert alarms(line) == [
        (
            "ike_debug.phase2_mismatch",
            "ipsec-phase2-errors",
            "pfs-mismatch",
            "peer 198.51.100.1",
        )
    ]


def test_f5s_ipv6_ends_name_the_peer():
    (record,) = records(
        "info tmm[20647]: 017c0000  [0.0] [IKE] v2 2001:db8::1%0-2001:db8:5::9%0 "
        "[0xb9e04f9831b6d377-0x92f7016301791cc2][I] [PROTO_ERR]: retransmission "
        "count exceeded the limit"
    )
    assert record["peer"] == "2001:db8:5::9"
    assert [e["kind"] for e in record["errors"]] == ["no_response"]


def test_f5_giving_up_on_retransmissions_is_a_peer_that_does_not_answer():
    line = F5 + "retransmission count exceeded the limit"
    (record,) = records(line)
    assert [e["kind"] for e in record["errors"]] == ["no_response"]
    assert [a[0] for a in alarms(line)] == ["ike_debug.peer_not_answering"]


def test_f5_lines_that_say_nothing_wrong_make_no_finding():
    lines = (
        "info tmm[16338]: 017c0000 [0.0] [IKE] [PROTO_WARN]: message to a "
        "nonexistent ike_sa",
        F5 + "ike_sa ABORT, err 110",
    )
    for record in records(*lines):
        assert record["platform"] == "f5"
        assert not record["errors"]
    assert alarms(*lines) == []


def test_other_tmm_lines_are_not_ike():
    assert (
        records(
            "info tmm[20647]: 01260013:4: SSL Handshake failed for TCP "
            "192.0.2.10:51234 -> 203.0.113.5:443",
            "notice tmm2[11230]: 01010028:3: No members available for pool /Common/web",
        )
        == []
    )


def test_a_lacking_ke_payload_in_another_vendors_words_is_left_alone():
    """The wording is F5's (racoon2's): another vendor's line that happens to
    say so is not taken for a PFS refusal."""
    assert records("some daemon: message lacks KE payload") == []


# --- racoon.log -----------------------------------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        "2018-03-20 09:38:16: DEBUG: check and compare ids : value mismatch "
        "(IPv4_address)",
        "2018-03-20 09:38:16: DEBUG: check and compare ids : value mismatch "
        "(IPv4_subnet)",
        "2018-03-20 09:38:16: DEBUG: check and compare ids : id type mismatch "
        "IPv4_subnet != IPv4_address",
        "2018-03-20 09:38:17: ERROR: mismatched ID was returned.",
    ],
)
def test_racoon_comparing_ids_that_differ_is_a_selector_mismatch(line):
    (record,) = records(line)
    assert record["platform"] == "racoon"
    (error,) = record["errors"]
    assert (error["kind"], error.get("cause")) == ("phase2", "crypto_acl")
    assert [a[:3] for a in alarms(line)] == [
        ("ike_debug.phase2_mismatch", "ipsec-phase2-errors", "crypto-acl-mirror")
    ]


def test_a_sainfo_that_matches_after_one_that_did_not_is_no_mismatch():
    """racoon compares the peer's IDs with each sainfo in turn: a mismatch with
    one and then a selected sainfo is a negotiation going as it should."""
    lines = (
        "2018-03-12 09:13:04: DEBUG: check and compare ids : value mismatch "
        "(IPv4_subnet)",
        "2018-03-12 09:13:04: DEBUG: check and compare ids : values matched "
        "(IPv4_subnet)",
        "2018-03-12 09:13:04: DEBUG: best sainfo match: loc='10.1.1.0/24', "
        "rmt='10.2.1.0/24', peer='ANY', id=0",
        "2018-03-12 09:13:04: DEBUG: selected sainfo: loc='10.1.1.0/24', "
        "rmt='10.2.1.0/24', peer='ANY', id=0",
    )
    (record,) = records(*lines)
    assert [e.get("resolved_at") for e in record["errors"]] == [3]
    assert alarms(*lines) == []


def test_values_matched_alone_is_not_an_error():
    assert not any(
        r["errors"]
        for r in records(
            "2018-03-12 09:13:04: DEBUG: check and compare ids : values matched "
            "(IPv4_address)"
        )
    )


def test_racoon_logs_own_layout_reads_established_sas_and_errors():
    lines = (
        "2014-06-02 12:39:29: INFO: ISAKMP-SA established "
        "192.0.2.1[500]-203.0.113.1[500] spi:8d7ba5e1b8a3a1c4:6e4a0fd3c2b10e77",
        "2014-06-02 12:39:30: INFO: IPsec-SA established: ESP/Tunnel "
        "192.0.2.1[0]->203.0.113.1[0] spi=4233547948(0xfc56d0ac)",
        "2014-06-02 12:39:30: WARNING: unrecognized route message with rtm_type "
        "RTM_GET",
    )
    (record,) = records(*lines)
    assert (record["phase1_complete"], record["phase2_complete"]) == (True, True)
    (failed,) = records("2014-06-02 12:40:01: ERROR: failed to get sainfo.")
    assert [e["kind"] for e in failed["errors"]] == ["phase2"]


def test_other_logs_with_a_date_and_a_level_are_not_racoon():
    assert (
        records(
            "2018-03-20 09:38:16,123 DEBUG: check and compare ids : value mismatch",
            "2018-03-20T09:38:16: DEBUG: something else entirely",
            "2018-03-20 09:38:16 [DEBUG]: value mismatch",
        )
        == []
    )


# --- libreswan: no connection for the peer's first message ------------------------

NO_CONN_V2 = (
    "Oct 30 11:12:53 vpn pluto[4790]: packet from 198.51.100.20:500: initial "
    "parent SA message received on 203.0.113.5:500 but no suitable connection "
    "found with IKEv2 policy"
)
ANSWER_V2 = (
    "Oct 30 11:12:53 vpn pluto[4790]: packet from 198.51.100.20:500: responding "
    "to SA_INIT message (ID 0) from 198.51.100.20:500 with unencrypted "
    "notification NO_PROPOSAL_CHOSEN"
)


NO_CONN = {
    "v2-4.x": NO_CONN_V2,
    "v2-3.x": "Oct 30 11:12:53 vpn pluto[4790]: packet from 198.51.100.20:500: "
    "initial parent SA message received on 203.0.113.5:500 but no connection has "
    "been authorized with policy IKEV2_ALLOW",
    "v1-3.x": "Oct 30 11:12:53 vpn pluto[4790]: packet from 198.51.100.20:500: "
    "initial Main Mode message received on 203.0.113.5:500 but no connection has "
    "been authorized with policy PSK+IKEV1_ALLOW",
    "v1-4.x": "Oct 30 11:12:53 vpn pluto[4790]: packet from 198.51.100.20:500: "
    "initial Main Mode message received on 203.0.113.5:500 but no suitable "
    "connection found with IKEv1 policy",
}
NO_CONNECTION = (
    "ike_debug.no_connection",
    "vpn-interop-other-vendors",
    "libreswan",
    "peer 198.51.100.20",
)


@pytest.mark.parametrize(
    "first", [NO_CONN["v2-4.x"], NO_CONN["v2-3.x"]], ids=["4.x", "3.x"]
)
def test_pluto_finding_no_connection_is_not_a_proposal_mismatch(first):
    """An IKEv2 SA_INIT no connection takes, and the NO_PROPOSAL_CHOSEN pluto
    answers it with."""
    (record,) = records(first, ANSWER_V2)
    assert record["peer"] == "198.51.100.20"
    assert [e["kind"] for e in record["errors"]] == ["no_connection", "no_connection"]
    assert alarms(first, ANSWER_V2) == [NO_CONNECTION]


@pytest.mark.parametrize(
    "first", [NO_CONN["v1-3.x"], NO_CONN["v1-4.x"]], ids=["3.x", "4.x"]
)
def test_pluto_finding_no_connection_for_a_main_mode_message(first):
    (record,) = records(first)
    assert [e["kind"] for e in record["errors"]] == ["no_connection"]
    assert alarms(first) == [NO_CONNECTION]


def test_main_mode_and_sa_init_refused_from_one_peer_is_also_a_version_mismatch():
    """The peer's IKEv1 Main Mode finds no connection and so does its IKEv2
    SA_INIT: the log shows both IKE versions, so the version mismatch is said
    beside the missing connection."""
    assert [a[0] for a in alarms(NO_CONN["v1-4.x"], ANSWER_V2)] == [
        "ike_debug.ike_version_mismatch",
        "ike_debug.no_connection",
    ]


def test_a_no_proposal_chosen_without_the_missing_connection_stays_a_proposal():
    (record,) = records(ANSWER_V2)
    assert [e["kind"] for e in record["errors"]] == ["proposal"]
    assert [a[0] for a in alarms(ANSWER_V2)] == ["ike_debug.proposal_mismatch"]


@pytest.mark.parametrize(
    "line",
    [
        "Oct 30 11:59:15 vpn pluto[5747]: left certificate with nickname "
        "'vpnserver' was not found in NSS DB",
        'Oct 30 11:59:15 vpn pluto[5747]: "ikev2-cp": failed to add connection: '
        "left certificate 'vpnserver' not found in the NSS database",
    ],
)
def test_a_connection_whose_certificate_is_not_in_nss_never_loaded(line):
    (record,) = records(NO_CONN_V2, ANSWER_V2, line)
    assert [e.get("cause") for e in record["errors"]][-1] == "certificate"
    report = analyze("\n".join((NO_CONN_V2, ANSWER_V2, line)) + "\n")
    (finding,) = [f for f in report.findings if f.code == "ike_debug.no_connection"]
    assert "NSS" in finding.detail
    assert "ike_debug.proposal_mismatch" not in {f.code for f in report.findings}
