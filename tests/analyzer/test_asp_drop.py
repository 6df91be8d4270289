"""ASA `show asp drop` parser and the drop-reason checks."""

import string

from hypothesis import given, settings
from hypothesis import strategies as st

from analyzer.engine import analyze
from analyzer.parsers import asp_drop
from analyzer.report import Section
from tests.conftest import fixture_text

KIND = asp_drop.KIND


def run(name):
    report = analyze(fixture_text(f"asp_drop/{name}"))
    return [r for s in report.sources_of(KIND) for r in s.records], report


def codes(records):
    return [(r["section"], r["code"], r["count"]) for r in records]


def findings(report, prefix="asp_drop."):
    return [f for f in report.findings if f.code.startswith(prefix)]


def test_it_reads_an_asa84_output_through_the_pager():
    """8.4 layout: every counter of both sections with its line, the pager line
    gone, and Never as the clearing of both sections."""
    records, report = run("asa84_show_asp_drop.txt")
    assert codes(records)[:2] == [
        ("frame", "invalid-encap", 12),
        ("frame", "invalid-ip-header", 3),
    ]
    assert codes(records)[-3:] == [
        ("flow", "acl-drop", 1377),
        ("flow", "nat-rpf-failed", 14),
        ("flow", "inspect-fail", 2),
    ]
    assert len(records) == 15
    tun = next(r for r in records if r["code"] == "ipsec-tun-down")
    assert tun["reason"] == "IPSEC tunnel is down"
    assert tun["lines"] == [13, 13]
    assert {r["last_clearing"] for r in records} == {"Never"}
    assert {(r["cleared_at"], r["cleared_by"]) for r in records} == {(None, None)}
    assert report.unparsed_lines == 0


def test_it_keeps_each_sections_clearing_time_and_who_cleared():
    """9.x: "Last clearing: <time> by <user>" split into when and by whom, and the
    same output pasted twice gives two sources."""
    records, report = run("asa9_cleared_vpn_spoof.txt")
    assert len(report.sources_of(KIND)) == 2
    spoof = [r for r in records if r["code"] == "ipsec-spoof"]
    assert [r["count"] for r in spoof] == [96, 141]
    assert spoof[0]["last_clearing"] == "14:02:11 UTC Nov 26 2026 by enable_15"
    assert (spoof[0]["cleared_at"], spoof[0]["cleared_by"]) == (
        "14:02:11 UTC Nov 26 2026",
        "enable_15",
    )
    assert spoof[0]["at"]["last_clearing"] == 10
    assert report.unparsed_lines == 0


def test_it_warns_on_a_growing_vpn_drop_reason():
    """ipsec-spoof growing between two outputs is a warning naming the code and
    the count, on both counter lines, with the capture to run."""
    _, report = run("asa9_cleared_vpn_spoof.txt")
    [spoof] = [f for f in findings(report) if f.code == "asp_drop.ipsec-spoof"]
    assert spoof.severity == "warning"
    assert (spoof.article, spoof.anchor) == ("asa-show-asp-drop", "vpn-codes")
    assert "ipsec-spoof" in spoof.title and "141" in spoof.title
    assert "from 96 to 141" in spoof.detail
    assert spoof.lines == [6, 21]
    assert spoof.subject == "drop reason ipsec-spoof"
    assert spoof.next_commands[:2] == [
        "capture asp type asp-drop ipsec-spoof buffer 1000000",
        "show capture asp",
    ]
    assert "clear asp drop" in spoof.next_commands


def test_it_does_not_alarm_on_a_big_acl_drop():
    """An internet-facing ASA's acl-drop in the hundreds of thousands is an info
    summary of the firewall reasons, not a warning; the VPN reason beside it is."""
    _, report = run("asa84_show_asp_drop.txt")
    [summary] = [f for f in findings(report) if f.code == "asp_drop.firewall_summary"]
    assert summary.severity == "info"
    assert (summary.article, summary.anchor) == ("asa-show-asp-drop", "firewall-codes")
    assert "acl-drop 904112 (frame)" in summary.detail
    assert "doing its job" in summary.detail
    assert 7 in summary.lines
    assert [f.code for f in findings(report) if f.severity != "info"] == [
        "asp_drop.ipsec-tun-down"
    ]


def test_it_does_not_blame_a_vpn_reason_that_stopped_growing():
    """A VPN reason with the same count in both pasted outputs is only an info."""
    text = fixture_text("asp_drop/asa9_cleared_vpn_spoof.txt").replace(
        "(ipsec-spoof)                                         141",
        "(ipsec-spoof)                                          96",
    )
    report = analyze(text)
    [spoof] = [f for f in findings(report) if f.code == "asp_drop.ipsec-spoof"]
    assert spoof.severity == "info"
    assert "did not move" in spoof.detail


def test_it_completes_a_code_the_device_cut_short_and_reads_the_bare_command():
    """A reason too long for its column loses the end of its code and the closing
    bracket; the code is completed. `show asp drop frame` typed with no prompt
    still owns its output."""
    records, report = run("asa9_frame_filter_no_prompt.txt")
    lock = records[-1]
    assert (lock["code"], lock["count"], lock["truncated"]) == (
        "np-socket-lock-failure",
        4,
        True,
    )
    assert {r["section"] for r in records} == {"frame"}
    assert [f.code for f in findings(report) if f.severity == "warning"] == [
        "asp_drop.np-sp-invalid-spi",
        "asp_drop.vpn-handle-mismatch",
    ]
    assert report.unparsed_lines == 0


def test_it_says_nothing_was_dropped_after_a_clear():
    """Both sections empty after `clear asp drop` (CRLF paste): one record per
    section keeps the clearing time, and the finding says nothing was dropped."""
    records, report = run("asa9_just_cleared_crlf.txt")
    assert [(r["section"], r["code"], r["count"]) for r in records] == [
        ("frame", None, 0),
        ("flow", None, 0),
    ]
    assert records[0]["cleared_by"] == "netadmin"
    nothing = [f for f in findings(report) if f.code == "asp_drop.nothing_dropped"]
    assert [(f.severity, f.lines, f.anchor) for f in nothing] == [
        ("info", [3], "clear-and-compare"),
        ("info", [7], "clear-and-compare"),
    ]
    assert report.unparsed_lines == 0


def test_it_leaves_an_output_pasted_after_it_to_its_parser():
    """A `show crypto isakmp sa` pasted under the counters with no prompt is not
    swallowed by the asp drop output."""
    text = fixture_text("asp_drop/asa9_frame_filter_no_prompt.txt") + fixture_text(
        "qa_vpn/07_asa9_healthy_isakmp_ipsec.txt"
    )
    report = analyze(text)
    [source] = report.sources_of(KIND)
    assert source.last_line == 8
    assert len(report.sources) > 1


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.text(alphabet=string.printable + "()", max_size=120)
        | st.sampled_from(
            [
                "Frame drop:",
                "Flow drop:",
                "Last clearing: Never",
                "Last clearing: by",
                "  No route to host (no-route)    5",
                "  (",
                "  x (y 1",
                "  Invalid SPI (np-sp-invalid-spi)",
            ]
        ),
        max_size=40,
    )
)
def test_it_never_raises_on_any_text(lines):
    """Whatever the lines, the parser returns sources without raising."""
    section = Section(
        lines=lines, numbers=list(range(1, len(lines) + 1)), command="show asp drop"
    )
    for source in asp_drop.parse(section):
        assert source.kind == KIND
        for rec in source.records:
            assert isinstance(rec["count"], int)


def test_it_puts_back_counter_lines_an_80_column_terminal_wrapped():
    """Reasons longer than the terminal continue on the next line, cut inside the
    code or before the count; each is one counter spanning both lines."""
    records, report = run("asa9_wrapped_80_columns.txt")
    assert [(r["code"], r["count"], r["lines"]) for r in records[2:6]] == [
        ("mcast-in-nonactive-device", 4063, [6, 7]),
        ("ipsec-tun-down", 7, [8, 8]),
        ("nat-no-xlate-to-pat-pool", 50, [9, 10]),
        ("inspect-icmp-error-no-existing-conn", 13, [11, 12]),
    ]
    assert records[2]["reason"] == (
        "Received a multicast packet in the non-active device"
    )
    [summary] = [f for f in findings(report) if f.code == "asp_drop.firewall_summary"]
    assert {6, 7, 11, 12} <= set(summary.lines)
    assert report.unparsed_lines == 0


def test_it_reads_releases_that_print_no_code():
    """Before 7.0(8)/7.2(4)/8.0(4) the ASA printed the reason alone and no
    clearing line: known reasons get their code, so ipsec-tun-down is still
    named; an unknown one keeps its reason with no code."""
    records, report = run("asa72_no_codes.txt")
    assert codes(records)[6:] == [
        ("frame", "ipsec-tun-down", 544),
        ("frame", "bad-tcp-cksum", 3),
        ("frame", None, 1),
        ("flow", "acl-drop", 286),
        ("flow", "nat-rpf-failed", 2),
    ]
    assert records[8]["reason"] == "Punt no memory"
    assert {r["last_clearing"] for r in records} == {None}
    [tun] = [f for f in findings(report) if f.code == "asp_drop.ipsec-tun-down"]
    assert (tun.severity, tun.lines) == ("warning", [10])
    [summary] = [f for f in findings(report) if f.code == "asp_drop.firewall_summary"]
    assert 12 in summary.lines and "and 2 more" in summary.detail
    assert "does not say when" in tun.detail
    assert report.unparsed_lines == 0
