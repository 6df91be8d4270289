"""ASA/PIX/FTD and IOS syslog in every layout it gets pasted in."""

import pytest

from analyzer.engine import analyze
from analyzer.parsers import syslog
from analyzer.report import Lines, Section, Source
from tests.conftest import FIXTURES


def text_of(name: str) -> str:
    return (FIXTURES / name).read_bytes().decode("utf-8")


def sources_of(name: str, kind: str):
    return analyze(text_of(name)).sources_of(kind)


def messages(name: str) -> list[dict]:
    found = sources_of(name, "syslog")
    assert len(found) == 1
    return found[0].records


def by_line(records: list[dict]) -> dict[int, dict]:
    return {r["lines"][0]: r for r in records}


def test_it_reads_the_asa_show_logging_status_block():
    """The status block gives syslog on/off, each destination's level and count, the
    remote host with its counters and the device ID."""
    (status,) = sources_of("syslog/asa_show_logging_buffer.txt", "syslog.status")
    record = status.records[0]
    assert (status.first_line, status.last_line) == (2, 17)
    assert record["syslog"] == "enabled"
    assert record["facility"] == "20"
    assert record["device_id"] == 'hostname "fw01"'
    buffer = record["destinations"]["buffer"]
    assert (buffer["status"], buffer["level"], buffer["messages_logged"]) == (
        "enabled",
        "informational",
        48213,
    )
    assert record["destinations"]["console"] == {"status": "disabled"}
    assert record["hosts"] == [
        {
            "address": "10.1.1.50",
            "interface": "inside",
            "protocol": "udp",
            "sent": 48213,
        }
    ]


def test_it_reads_every_message_of_the_asa_buffer_with_its_fields():
    """Each buffer line is one record: timestamp as printed, device ID, severity,
    ID, text, and the addresses the catalogued message carries."""
    records = by_line(messages("syslog/asa_show_logging_buffer.txt"))
    assert sorted(records) == list(range(18, 31))
    esmtp = records[19]
    assert (esmtp["timestamp"], esmtp["host"], esmtp["facility"]) == (
        "Mar 12 2024 10:10:02",
        "fw01",
        "ASA",
    )
    assert (esmtp["severity"], esmtp["message_id"]) == (4, "108004")
    assert esmtp["text"].startswith("ESMTP Classification: Dropped connection")
    assert (esmtp["src_interface"], esmtp["src"], esmtp["src_port"]) == (
        "outside",
        "75.75.75.75",
        35314,
    )
    assert (esmtp["dst_interface"], esmtp["dst"], esmtp["dst_port"]) == (
        "DMZ",
        "10.0.25.101",
        25,
    )
    assert esmtp["protocol"] == "tcp"
    deny = records[24]
    assert (
        deny["protocol"],
        deny["src"],
        deny["dst"],
        deny["acl"],
        deny["action"],
    ) == (
        "esp",
        "198.51.100.2",
        "10.10.0.5",
        "outside_access_in",
        "denied",
    )
    hit = records[25]
    assert (hit["message_id"], hit["acl"], hit["action"], hit["protocol"]) == (
        "106100",
        "outside_access_in",
        "denied",
        "udp",
    )
    assert (hit["src_interface"], hit["src"], hit["src_port"]) == (
        "outside",
        "198.51.100.2",
        4500,
    )
    assert (hit["dst_interface"], hit["dst"], hit["dst_port"]) == (
        "inside",
        "203.0.113.1",
        4500,
    )
    assert records[22]["peer"] == "198.51.100.2"
    assert records[28]["message_id"] == "725001" and "src" not in records[28]


def test_it_reads_server_emblem_rfc5424_and_bare_layouts():
    """Syslog-server lines with and without a host name, with the server's receive
    stamp, EMBLEM, RFC 5424, PIX/FTD tags and bare messages all give the device's
    timestamp, host, facility and ID."""
    records = messages("syslog/asa_syslog_server_lines.txt")
    got = [
        (r["timestamp"], r.get("host"), r.get("facility"), r["message_id"])
        for r in records
    ]
    assert got == [
        ("Mar 12 10:10:10", "fw01", "ASA", "302013"),
        ("Mar 12 10:10:10", "fw01", "ASA", "302014"),
        ("Mar 12 10:10:11", "10.1.1.1", "ASA", "106023"),
        ("Mar 12 2024 10:10:12", "10.1.1.1", "ASA", "710003"),
        ("Mar 12 2024 10:10:13", "fw01", "ASA", "602303"),
        ("2024-03-12T10:10:14.123+01:00", "fw01", "ASA", "750006"),
        ("Mar 12 10:10:15", "fw01", "ASA", "106023"),
        ("Mar 12 10:10:15", "fw02", "PIX", "302015"),
        ("Mar 12 10:10:16", "ftd01", "FTD", "302014"),
        ("2024-03-01T10:00:00Z", None, "ASA", "305011"),
        ("2024-03-01T10:00:00.123+01:00", "fw01", "ASA", "305012"),
        (None, None, "ASA", "106023"),
        ("Jun 10 17:36:13", None, None, None),
        ("Sep 06 2013 14:32:17", None, "ASA", "713236"),
    ]
    assert records[3]["received"] == "Mar 12 10:10:12"
    assert records[4]["received"] == "2024-03-12T10:10:13+00:00"
    assert records[4]["sender"] == "10.1.1.1"
    assert records[13]["received"] == "Fri Sep 06 14:32:18 2013"
    assert records[1]["pri"] == 166 and records[6]["seq"] == "123"
    sa = records[4]
    assert (sa["direction"], sa["spi"], sa["local"], sa["peer"]) == (
        "outbound",
        "0x5C1E2A90",
        "203.0.113.1",
        "192.0.2.99",
    )
    ikev2 = records[5]
    assert (ikev2["local"], ikev2["peer"], ikev2["username"]) == (
        "203.0.113.1",
        "192.0.2.120",
        "192.0.2.120",
    )
    denied = records[3]
    assert (denied["src"], denied["src_port"], denied["dst_interface"]) == (
        "192.0.2.99",
        500,
        "outside",
    )
    debug = records[12]
    assert (debug["debug"], debug["peer"]) == ("IKEv1", "233.22.22.233")
    assert debug["text"] == "IP = 233.22.22.233, Information Exchange processing failed"


def test_esmtp_inspection_drops_are_named_and_a_plain_teardown_is_not():
    """108004 and 507003 on port 25 are ESMTP inspection cutting the connection;
    the 302014 teardown of the same flow right after them is not a drop."""
    records = by_line(messages("syslog/asa_show_logging_buffer.txt"))
    assert [
        (n, records[n]["message_id"], records[n].get("esmtp_drop", False))
        for n in (19, 20, 21)
    ] == [(19, "108004", True), (20, "507003", True), (21, "302014", False)]


def test_it_reads_the_seed_esmtp_lines_with_and_without_percent():
    """The archive's 108004 line lost its % sign in the paste; it is still a message."""
    records = messages("syslog/asa_esmtp_seed.txt")
    assert [
        (r["message_id"], r["severity"], r["dst"], r["dst_port"]) for r in records
    ] == [
        ("108004", 4, "10.0.25.101", 25),
        ("507003", 4, "10.0.25.101", 25),
    ]
    assert records[1]["dst_interface"] == "PUBLIC_DMZ"
    assert records[1]["text"].endswith("inspector disconnected, dropped packet.")


def test_it_reads_ios_sequence_numbers_uptime_stamps_and_crypto_fields():
    """IOS messages keep the whole tag as ID; sequence numbers, time zones and uptime
    stamps are read; crypto messages name the peer and ACL logs the flow."""
    records = messages("syslog/ios_crypto_buffer.txt")
    assert [r["message_id"] for r in records] == [
        "CRYPTO-6-ISAKMP_ON_OFF",
        "LINEPROTO-5-UPDOWN",
        "CRYPTO-4-RECVD_PKT_INV_SPI",
        "CRYPTO-4-IKMP_BAD_MESSAGE",
        "CRYPTO-6-IKMP_MODE_FAILURE",
        "SEC-6-IPACCESSLOGP",
        "SYS-5-CONFIG_I",
        "CRYPTO-5-SESSION_STATUS",
    ]
    assert records[0]["seq"] == "002451"
    assert records[0]["timestamp"] == "*Mar  1 00:10:01.123"
    assert records[1]["timestamp"] == "*Mar  1 00:12:41.283 UTC"
    assert records[6]["timestamp"] == "1d02h"
    assert [r.get("peer") for r in records[2:5]] == ["192.0.2.1"] * 3
    assert records[7]["peer"] == "192.0.2.1"
    acl = records[5]
    assert (
        acl["acl"],
        acl["action"],
        acl["protocol"],
        acl["src"],
        acl["dst_port"],
    ) == (
        "OUTSIDE-IN",
        "denied",
        "udp",
        "192.0.2.1",
        500,
    )


def test_it_reads_the_seed_ios_boot_messages_and_leaves_the_banner():
    """The archive's router boot: every %FAC-SEV-MNEMONIC line is a message, the IOS
    banner lines between them are not claimed outside a log buffer."""
    source = sources_of("syslog/ios_seed_boot.txt", "syslog")[0]
    ids = [r["message_id"] for r in source.records]
    assert ids[:5] == [
        "LINK-5-CHANGED",
        "SYS-5-RESTART",
        "SNMP-5-COLDSTART",
        "CRYPTO-6-ISAKMP_ON_OFF",
        "CRYPTO-6-GDOI_ON_OFF",
    ]
    assert ids.count("LINK-3-UPDOWN") == 8 and ids.count("LINEPROTO-5-UPDOWN") == 8
    assert source.records[3]["text"] == "ISAKMP is OFF"
    assert source.records[1]["timestamp"] == "*Jan 5 01:35:07.431"
    assert all("more" not in r for r in source.records)
    assert not {3, 4, 5, 6} & source.claimed_lines()


def test_it_keeps_wrapped_lines_with_their_message_inside_a_buffer():
    """In `show logging`, a line that is not a message continues the one before;
    before the first message it is what the buffer's wrap left of one."""
    lines = [
        "Log Buffer (4096 bytes):",
        "ged state to down",
        "*Sep 14 06:00:45.693: %CRYPTO-4-PKT_REPLAY_ERR: decrypt: replay check failed",
        "        connection id=29, sequence number=219",
        "",
    ]
    section = Section(lines=lines, numbers=[11, 12, 13, 14, 15], command="show logging")
    (status, source) = syslog.parse(section)
    assert status.records[0]["buffer_bytes"] == 4096
    fragment, message = source.records
    assert fragment == {
        "fragment": True,
        "text": "ged state to down",
        "lines": [12, 12],
    }
    assert message["more"] == ["        connection id=29, sequence number=219"]
    assert message["lines"] == [13, 14]


_402116 = (
    "%ASA-4-402116: IPSEC: Received an ESP packet (SPI= 0x76F99C4C, sequence "
    "number= 0x2D) from 93.184.216.34 (user= 93.184.216.34) to 11.11.11.11.  The "
    "decapsulated inner packet doesn't match the negotiated policy in the SA.  The "
    "packet specifies its destination as 10.10.10.11, its source as 10.14.155.11, "
    "and its protocol as icmp.  The SA specifies its local proxy as "
    "10.10.10.11/255.255.255.255/ip/0 and its {remote} as "
    "192.168.60.60/255.255.255.255/ip/0.{end}"
)


@pytest.mark.parametrize(
    "remote, end, prefix",
    [
        # The message guide's wording.
        ("remote proxy", "", "Jan 19 2015 20:00:43: "),
        # What ASA 8.0 to 9.x print, and the same quoted in prose or Markdown.
        ("remote_proxy", "", "Jan 19 2015 20:00:43: "),
        ("remote_proxy", "`", "the log said `"),
        ("remote_proxy", '"', '"'),
        ("remote proxy", ")", "(see "),
        ("remote_proxy", "", "<164>Jan 19 20:00:43 fw01 "),
    ],
)
def test_it_reads_the_packet_and_proxies_of_402116_in_each_wording(remote, end, prefix):
    """402116 names the packet that came out of the tunnel and the proxies of the
    SA it did not match, whether the firmware prints "remote proxy" or
    "remote_proxy", and whatever quote the paste closed the message with."""
    line = prefix + _402116.format(remote=remote, end=end)
    (record,) = syslog.parse(Section(lines=[line], numbers=[1]))[0].records
    assert record["message_id"] == "402116"
    assert (record["inner_src"], record["inner_dst"], record["peer"]) == (
        "10.14.155.11",
        "10.10.10.11",
        "93.184.216.34",
    )
    assert record["local_proxy"] == "10.10.10.11/255.255.255.255/ip/0"
    assert record["remote_proxy"] == "192.168.60.60/255.255.255.255/ip/0"


def test_a_402116_without_its_proxies_names_no_packet():
    """The short form of 402116 (the sentence about the policy and nothing after)
    gives the peer and SPI but no packet or proxies to blame."""
    line = (
        "%ASA-4-402116: IPSEC: Received an ESP packet (SPI= 0xA40D0530, sequence "
        "number= 0x5C) from 203.0.113.50 (user= 203.0.113.50) to 192.0.2.1.  The "
        "decapsulated inner packet doesn't match the negotiated policy in the SA."
    )
    (record,) = syslog.parse(Section(lines=[line], numbers=[1]))[0].records
    assert (record["peer"], record["spi"]) == ("203.0.113.50", "0xA40D0530")
    assert "remote_proxy" not in record and "inner_src" not in record


_713061 = (
    "Rejecting IPSec tunnel: no matching crypto map entry for remote proxy "
    "{remote} local proxy {local} on interface {iface}"
)


@pytest.mark.parametrize(
    "remote, local, iface, end",
    [
        # AWS's ASA guide: the standby tunnel's any-to-any proxies.
        ("0.0.0.0/0.0.0.0/0/0", "0.0.0.0/0.0.0.0/0/0", "outside", ""),
        (
            "172.16.22.0/255.255.255.0/0/0",
            "10.1.1.0/255.255.255.128/0/0",
            "outside",
            "",
        ),
        # A host and a port, another interface name, a sentence's period.
        (
            "10.3.10.5/255.255.255.255/17/500",
            "192.168.245.0/255.255.255.0/0/0",
            "OUTSIDE-2",
            ".",
        ),
        ("2001:db8:10::/64/0/0", "2001:db8:20::/64/0/0", "outside", ""),
    ],
)
def test_it_reads_713061_quoted_by_its_text_alone(remote, local, iface, end):
    """A guide or a forum quotes 713061 without stamp, tag, Group or IP: it is
    still that message, with no peer to name."""
    line = _713061.format(remote=remote, local=local, iface=iface) + end
    (record,) = syslog.parse(Section(lines=[line], numbers=[4]))[0].records
    assert (record["message_id"], record["platform"], record["severity"]) == (
        "713061",
        "asa",
        3,
    )
    assert record["bare"] is True and record["lines"] == [4, 4]
    assert record["timestamp"] is None and "peer" not in record


@pytest.mark.parametrize(
    "line",
    [
        "Tunnel rejected: Crypto Map Policy not found for Src:10.1.1.0, Dst: 10.2.2.0!",
        "Tunnel rejected: Crypto Map Policy not found for Src: 192.168.1.0, Dst: 172.16.5.0 !",
    ],
)
def test_it_reads_713061_in_the_message_guides_wording_alone(line):
    (record,) = syslog.parse(Section(lines=[line], numbers=[1]))[0].records
    assert (record["message_id"], record["bare"]) == ("713061", True)


@pytest.mark.parametrize(
    "line",
    [
        # Prose that quotes the message inside a sentence, or runs on after it.
        "The ASA said Rejecting IPSec tunnel: no matching crypto map entry for "
        "remote proxy 0.0.0.0/0.0.0.0/0/0 local proxy 0.0.0.0/0.0.0.0/0/0 on "
        "interface outside",
        "Rejecting IPSec tunnel: no matching crypto map entry for remote proxy "
        "0.0.0.0/0.0.0.0/0/0 local proxy 0.0.0.0/0.0.0.0/0/0 on interface outside "
        "every few seconds, is that a problem?",
        # The sentence without the proxies.
        "Rejecting IPSec tunnel: no matching crypto map entry",
    ],
)
def test_a_713061_text_that_is_not_the_whole_line_is_not_a_message(line):
    sources = syslog.parse(Section(lines=[line], numbers=[1]))
    assert not [r for s in sources for r in s.records if r.get("message_id")]


def test_713061_with_its_group_and_ip_stays_the_ike_readers():
    """The debug's form ("Group = x, IP = y, Rejecting IPSec tunnel ...") names a
    peer and is IKE debug output, not a bare message text."""
    line = "Group = 203.0.113.50, IP = 203.0.113.50, " + _713061.format(
        remote="10.3.10.0/255.255.255.0/0/0",
        local="192.168.245.0/255.255.255.0/0/0",
        iface="outside",
    )
    assert syslog.read_line(line) is None or not syslog.read_line(line).get("bare")


def test_it_finds_nothing_in_output_that_is_not_syslog():
    """A tcpdump capture and a config give no syslog source."""
    report = analyze(text_of("tcpdump/ike_two_way_v.txt"))
    assert report.sources_of("syslog", "syslog.status") == []


def test_it_does_not_take_a_tag_buried_deep_in_a_line():
    """A %ASA- tag far into a long line is quoted text, not a message."""
    section = Section(lines=["x" * 400 + " %ASA-4-106023: Deny"], numbers=[1])
    assert syslog.parse(section) == []


# Pastes that hold syslog: the syslog fixtures, the QA logs and the field corpus.
LOG_PASTES = sorted(
    str(p.relative_to(FIXTURES))
    for folder in ("syslog", "qa_logs", "field", "ike_debug", "mail")
    for p in (FIXTURES / folder).rglob("*.txt")
)


def _verdicts(report) -> tuple:
    return (
        [f.to_dict() for f in report.findings],
        [t.to_dict() for t in report.tunnels],
        report.unparsed,
    )


@pytest.mark.parametrize("bound", [0, 5])
def test_a_log_counted_instead_of_kept_gives_the_same_findings(monkeypatch, bound):
    """Past KEEP_EVERY_RECORD messages a source keeps only the records a rule reads
    one by one and counts the rest: with the bound at 0 (every paste counted) or
    crossed a few messages in, each log paste gets the findings, verdicts and
    unread lines it gets with every message kept."""
    texts = [text_of(name) for name in LOG_PASTES]
    kept = [_verdicts(analyze(text)) for text in texts]
    monkeypatch.setattr(syslog, "KEEP_EVERY_RECORD", bound)
    counted = [_verdicts(analyze(text)) for text in texts]
    for name, every, few in zip(LOG_PASTES, kept, counted, strict=True):
        assert every == few, name
    assert sum(1 for v in kept if v[0]) > 100


def test_past_the_bound_only_the_messages_a_rule_reads_are_records(monkeypatch):
    """A real buffer (ESMTP drops among connection messages), its messages three
    times over, with the bound at 4: the first four messages stay records until
    the fifth, then only those a rule reads (ESMTP and access-list messages) and
    the first of each kind are; the summary counts every message, by ID, host and
    peer, and is in the JSON because records were left out."""
    buffer = text_of("syslog/asa_show_logging_buffer.txt").splitlines()
    messages = [line for line in buffer if "%ASA-" in line]
    text = "\n".join(["ASA# show logging", *messages * 3]) + "\n"
    (every,) = analyze(text).sources_of("syslog")
    assert every.summary["summarised"] is False
    assert "summary" not in every.to_dict()
    monkeypatch.setattr(syslog, "KEEP_EVERY_RECORD", 4)
    (source,) = analyze(text).sources_of("syslog")
    kinds: set = set()
    kept = []
    for record in every.records:
        if syslog.cited(record["message_id"]) or syslog.kind(record) not in kinds:
            kept.append(record)
        kinds.add(syslog.kind(record))
    assert 0 < len(kept) < len(every.records) - 4
    assert source.records == kept
    assert {r["message_id"] for r in kept} == {r["message_id"] for r in every.records}
    summary = source.summary
    assert summary["messages"] == len(every.records)
    ids = {}
    for record in every.records:
        count, first = ids.get(record["message_id"], (0, record["lines"][0]))
        ids[record["message_id"]] = (count + 1, first)
    assert {k: tuple(v) for k, v in summary["message_ids"].items()} == ids
    assert list(summary["message_ids"]) == list(ids)
    hosts = {}
    for record in every.records:
        hosts[record["host"]] = hosts.get(record["host"], 0) + 1
    assert summary["hosts"] == hosts
    peers = {}
    for record in every.records:
        if record.get("peer"):
            by_id = peers.setdefault(record["peer"], {})
            by_id[record["message_id"]] = by_id.get(record["message_id"], 0) + 1
    assert summary["peers"] == peers and peers
    assert source.to_dict()["summary"]["summarised"] is True
    assert source.claimed_lines() == every.claimed_lines()


def test_what_the_rules_read_one_by_one_is_kept():
    """Every message ID a syslog rule picks out by ID is one the parser keeps."""
    from analyzer.rules import syslog as rules

    assert rules._ACL_IDS <= syslog.CITED_IDS
    assert {"108003", "108004", "507003", "402116"} <= syslog.CITED_IDS
    assert syslog.cited("SEC-6-IPACCESSLOGP")
    assert not syslog.cited("302013") and not syslog.cited(None)


def test_a_source_made_without_a_summary_is_counted_from_its_records():
    """syslog.summary counts a source's records when it carries no summary (one
    made by hand), as the reader counts them."""
    every = sources_of("syslog/asa_show_logging_buffer.txt", "syslog")[0]
    made = Source(
        kind="syslog",
        first_line=every.first_line,
        last_line=every.last_line,
        records=every.records,
    )
    assert syslog.summary(made) == every.summary


def test_lines_hold_runs_and_single_lines_as_a_set_does():
    lines = Lines([3, 10], [5, 12], {1, 4, 20})
    assert sorted(lines) == [1, 3, 4, 5, 10, 11, 12, 20]
    assert len(lines) == 8 and lines == {1, 3, 4, 5, 10, 11, 12, 20}
    assert 4 in lines and 11 in lines and 6 not in lines and 2 not in lines
    assert (lines.first(), lines.last()) == (1, 20)
    assert {1, 2, 6, 12} & lines == {1, 12}
    assert lines - {3, 4} == {1, 5, 10, 11, 12, 20}
    assert Lines.of_runs([[7, 9]]) == {7, 8, 9}
