"""ASDM's log export and the rows its Real-Time Log Viewer copies with the columns
kept apart (pipes, commas, tabs, or a CSV save with every field quoted): each row
is the ASA syslog message it shows, read as `%ASA-n-nnnnnn: ...` would be, so the
syslog and IKE rules judge it the same way."""

import pytest

from analyzer.engine import analyze
from analyzer.parsers import syslog

REJECT = (
    "Group = 198.51.100.7, IP = 198.51.100.7, Rejecting IPSec tunnel: no matching "
    "crypto map entry for remote proxy 10.0.0.0/255.255.0.0/0/0 local proxy "
    "192.168.1.0/255.255.255.0/0/0 on interface outside"
)
PROXY = (
    "Group = 198.51.100.7, IP = 198.51.100.7, Received remote IP Proxy Subnet data "
    "in ID Payload:   Address 10.0.0.0, Mask 255.255.0.0, Protocol 0, Port 0"
)
DENY = (
    "Deny udp src outside:192.0.2.61/500 dst outside:203.0.113.1/500 by "
    'access-group "outside_access_in" [0x0, 0x0]'
)
HEADINGS = (
    "Severity|Date|Time|Syslog ID|Source IP|Source Port|Destination IP|"
    "Destination Port|Description"
)


def _same_fields(record: dict) -> tuple:
    return tuple(
        record.get(key)
        for key in ("platform", "facility", "severity", "message_id", "text", "peer")
    )


@pytest.mark.parametrize(
    "row",
    [
        f"3|Oct 14 2016|22:46:15|713061|||||{REJECT}",
        f"3,Oct 14 2016,22:46:15,713061,,,,,{REJECT}",
        f'"3","Oct 14 2016","22:46:15","713061","","","","","{REJECT}"',
        f'"3","Oct 14, 2016","22:46:15","713061","","","","","{REJECT}"',
    ],
    ids=["pipes", "commas", "csv", "csv-date-with-comma"],
)
def test_an_asdm_row_is_the_message_it_shows(row):
    record = syslog.read_line(row)
    tagged = syslog.read_line(f"%ASA-3-713061: {REJECT}")
    assert _same_fields(record) == _same_fields(tagged)
    assert record["peer"] == "198.51.100.7"
    assert record["group"] == "198.51.100.7"
    assert record["timestamp"] == "Oct 14 2016 22:46:15"


def test_the_address_and_port_columns_may_be_filled_or_empty():
    """106023 with its source and destination columns filled: the text starts
    after them, and the fields come from the text as for a tagged message."""
    record = syslog.read_line(
        f"4|Mar 12 2024|10:14:10|106023|192.0.2.61|500|203.0.113.1|500|{DENY}"
    )
    assert record["text"] == DENY
    assert (record["src"], record["dst_port"], record["acl"]) == (
        "192.0.2.61",
        500,
        "outside_access_in",
    )
    masked = syslog.read_line(
        "7|Oct 14 2016|22:46:14|713035|13.X.X.X||||Group = 13.X.X.X, IP = 13.X.X.X, x"
    )
    assert masked["text"] == "Group = 13.X.X.X, IP = 13.X.X.X, x"


def test_a_separator_inside_the_text_stays_in_the_text():
    record = syslog.read_line(
        "6|Oct 14 2016|22:46:16|113019|||||Group = vpn|users, Username = bob, "
        "IP = 198.51.100.9, Session disconnected."
    )
    assert record["text"].startswith("Group = vpn|users, Username = bob")


@pytest.mark.parametrize(
    "line",
    [
        "| 7 | Oct 14 2016 | 22:46:14 | 713035 | text |",
        "7|Oct 14 2016|22:46:14|71303|||||Group = 192.0.2.1, IP = 192.0.2.1, x",
        "7|Oct 14 2016|22:46:14|713035",
        "7|Oct 14 2016|22:46:14|713035|||||",
        "9|Oct 14 2016|22:46:14|713035|||||IP = 192.0.2.1, x",
        "1|2|3|4|5|6|7|8|9",
        "3,4,5,6,7",
        '"1","2","3","4","5"',
        "7|14.10.2016|22:46:14|713035|||||IP = 192.0.2.1, x",
    ],
)
def test_what_only_looks_like_a_row_is_not_one(line):
    record = syslog.read_line(line)
    assert record is None or record.get("message_id") != "713035", record


@pytest.mark.parametrize(
    "rows",
    [
        [HEADINGS, f"3|Oct 14 2016|22:46:15|713061|||||{REJECT}"],
        [
            '"Severity","Date","Time","Syslog ID","Source IP","Source Port",'
            '"Destination IP","Destination Port","Description"',
            f'"3","Oct 14 2016","22:46:15","713061","","","","","{REJECT}"',
        ],
        [f"3\tOct 14 2016\t22:46:15\t713061\t\t\t\t\t{REJECT}"],
    ],
    ids=["pipes", "csv", "tabs"],
)
def test_the_ike_rules_judge_an_exported_refusal_as_a_tagged_one(rows):
    """713061 (no crypto map entry for the peer's proxies) read from the export
    gives the same finding as from the buffer, and every line is read."""
    report = analyze("\n".join(rows) + "\n")
    tagged = analyze(f"Oct 14 2016 22:46:15 fw01 : %ASA-3-713061: {REJECT}\n")
    mine = [(f.code, f.article, f.anchor, f.subject) for f in report.findings]
    theirs = [(f.code, f.article, f.anchor, f.subject) for f in tagged.findings]
    assert (
        "ike_debug.phase2_mismatch",
        "ipsec-phase2-errors",
        "crypto-acl-mirror",
    ) in {m[:3] for m in mine}
    assert [m for m in mine if m[0].startswith("ike_debug")] == [
        t for t in theirs if t[0].startswith("ike_debug")
    ]
    assert report.unparsed_lines == 0


def test_the_ike_debug_reader_takes_the_proxies_of_an_exported_row():
    report = analyze(
        f"7|Oct 14 2016|22:46:14|713035|||||{PROXY}\n"
        "7|Oct 14 2016|22:46:14|714011|||||Group = 198.51.100.7, IP = 198.51.100.7, "
        "ID_IPV4_ADDR_SUBNET ID received--10.0.0.0--255.255.0.0\n"
    )
    (source,) = report.sources_of("ike_debug")
    (record,) = source.records
    assert record["peer"] == "198.51.100.7"
    assert record["proxies"] == {"remote": "10.0.0.0/255.255.0.0"}
    assert record["lines"] == [1, 2]


def test_exported_denies_of_ike_from_the_peer_are_found():
    """The pipe export of the rows the tab-separated copy test reads: the deny
    of UDP 500 from the peer the ASA dials is found as in a buffer."""
    report = analyze(
        HEADINGS
        + "\n"
        + f"4|Mar 12 2024|10:14:10|106023|192.0.2.61|500|203.0.113.1|500|{DENY}\n"
        + "5|Mar 12 2024|10:14:02|713041|||||IP = 192.0.2.61, IKE Initiator: New "
        "Phase 1, Intf inside, IKE Peer 192.0.2.61  local Proxy Address 10.1.0.0, "
        "remote Proxy Address 10.61.0.0,  Crypto map (outside_map)\n"
    )
    denied = [f for f in report.findings if f.code == "syslog.vpn_traffic_denied"]
    assert [(f.subject, f.lines) for f in denied] == [("peer 192.0.2.61", [2])]
    assert report.unparsed_lines == 0
