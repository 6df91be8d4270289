"""The engine's cleaning and sectioning: what reaches the parsers, with which line
numbers, under which command."""

import html

from analyzer.engine import (
    analyze,
    clean_line,
    command_matches,
    decode_html,
    explode,
    match_prompt,
    sections,
    split_lines,
)
from tests.conftest import FIXTURES, fixture_text


def raw(name: str) -> str:
    return (FIXTURES / name).read_bytes().decode("utf-8")


def cleaned(name: str) -> list[str]:
    return [clean_line(line) for line in split_lines(raw(name))]


def test_it_numbers_crlf_lines_as_an_editor_does():
    """CRLF, LF and a CR-only paste give the same lines, numbered from 1."""
    lf = "ASA# show crypto isakmp sa\n\n   Active SA: 1\n"
    assert split_lines(lf) == ["ASA# show crypto isakmp sa", "", "   Active SA: 1"]
    assert split_lines(lf.replace("\n", "\r\n")) == split_lines(lf)
    assert split_lines(lf.replace("\n", "\r")) == split_lines(lf)
    crlf = raw("ike/asa82_show_crypto_isakmp_sa_crlf_more.txt")
    assert len(split_lines(crlf)) == len(
        split_lines(raw("ike/asa82_show_crypto_isakmp_sa.txt"))
    )


def test_it_removes_the_asa_pager_and_its_carriage_return_redraw():
    """`<--- More --->` erased with CR and spaces leaves only the line that followed."""
    assert clean_line(
        "<--- More --->\r              \r2   IKE Peer: 198.51.100.20"
    ) == ("2   IKE Peer: 198.51.100.20")
    assert clean_line("<--- More --->") == ""
    lines = cleaned("ike/asa82_show_crypto_isakmp_sa_crlf_more.txt")
    assert lines[9] == "2   IKE Peer: 198.51.100.20"
    assert lines == cleaned("ike/asa82_show_crypto_isakmp_sa.txt")


def test_it_removes_the_ios_pager_erased_with_backspaces():
    """` --More-- ` rubbed out with backspaces and spaces leaves the output line."""
    line = " --More-- " + "\b" * 10 + " " * 10 + "\b" * 10 + "    #pkts decaps: 0"
    assert clean_line(line) == "    #pkts decaps: 0"
    assert clean_line(" --More-- ") == ""
    assert cleaned("ipsec/ios124_show_crypto_ipsec_sa_more.txt") == cleaned(
        "ipsec/ios124_show_crypto_ipsec_sa.txt"
    )


def test_it_recognises_prompts_of_every_platform():
    """ASA, ASA multi-context/failover, IOS exec and config prompts, with commands."""
    assert match_prompt("ASA# show crypto isakmp sa") == (
        "ASA#",
        "show crypto isakmp sa",
    )
    assert match_prompt("fw/pri/act# sh cry isa sa") == ("fw/pri/act#", "sh cry isa sa")
    assert match_prompt("Router(config)#do show crypto ipsec sa") == (
        "Router(config)#",
        "show crypto ipsec sa",
    )
    assert match_prompt("Router(config)#") == ("Router(config)#", None)
    assert match_prompt("ASA#  show crypto isakmp sa") == (
        "ASA#",
        "show crypto isakmp sa",
    )
    assert match_prompt("BR-R1#sh cry ipsec sa peer 1.2.3.4") == (
        "BR-R1#",
        "sh cry ipsec sa peer 1.2.3.4",
    )
    assert match_prompt("ASA# SHOW CRYPTO IPSEC SA PEER 66.162.66.162") == (
        "ASA#",
        "show crypto ipsec sa peer 66.162.66.162",
    )
    # Output lines are never prompts.
    for line in (
        "#pkts encaps: 61, #pkts encrypt: 61",
        "current_peer: 22.22.22.22#pkts encaps: 61",
        "    Rekey   : no              State   : MM_ACTIVE",
        "1   IKE Peer: 203.0.113.5",
    ):
        assert match_prompt(line) is None


def test_it_matches_abbreviated_commands_word_by_word():
    """`sh cry isa sa` is show crypto isakmp sa; extra words and filters are allowed."""
    assert command_matches("sh cry isa sa", "show crypto isakmp sa")
    assert command_matches("sh cry isa sa det", "show crypto isakmp sa")
    assert command_matches("sh cry ipsec sa peer 1.2.3.4", "show crypto ipsec sa")
    assert command_matches("show crypto ipsec sa | begin peer", "show crypto ipsec sa")
    assert not command_matches("sh cry ipsec sa", "show crypto isakmp sa")
    assert not command_matches("sh cry isa", "show crypto isakmp sa")
    assert not command_matches("s c i s", "show crypto isakmp sa")


def test_it_routes_abbreviated_commands_to_their_parser():
    """The sections of a prompted paste reach the parser that owns their command."""
    report = analyze(raw("ipsec/mixed_ios_isakmp_ipsec_prompts.txt"))
    assert [(s.kind, s.first_line, s.last_line) for s in report.sources] == [
        ("ios.show_crypto_isakmp_sa", 2, 6),
        ("ios.show_crypto_ipsec_sa", 10, 56),
    ]
    lines = cleaned("ipsec/mixed_ios_isakmp_ipsec_prompts.txt")
    parts, prompts = sections(lines)
    assert [p.command for p in parts] == [
        "show crypto isakmp sa",
        "show crypto ipsec sa peer 198.51.100.2",
    ]
    assert prompts == {1, 8, 57}
    assert report.unparsed_lines == 0


def test_it_splits_a_paste_without_prompts_by_content():
    """With no prompt at all, each parser finds its own output and its line numbers."""
    report = analyze(raw("ipsec/mixed_asa_isakmp_ipsec_no_prompts.txt"))
    assert [(s.kind, s.first_line, s.last_line) for s in report.sources] == [
        ("asa.show_crypto_isakmp_sa", 2, 11),
        ("asa.show_crypto_ipsec_sa", 12, 21),
    ]
    (sa,) = report.sources[1].records
    lines = split_lines(raw("ipsec/mixed_asa_isakmp_ipsec_no_prompts.txt"))
    assert "#pkts encaps: 61" in lines[sa["at"]["encaps"] - 1]


def test_it_ends_a_commands_output_at_a_bare_prompt():
    """Output pasted after a bare prompt is not the previous command's: it is read
    by content."""
    report = analyze(raw("ipsec/asa_isakmp_then_ipsec_after_bare_prompt.txt"))
    kinds = [(s.kind, s.first_line, s.last_line) for s in report.sources]
    assert kinds == [
        ("asa.show_crypto_isakmp_sa", 3, 9),
        ("asa.show_crypto_ipsec_sa", 11, 20),
    ]
    assert report.unparsed_lines == 0
    assert "ipsec.encaps_no_decaps" in [f.code for f in report.findings]


def test_it_keeps_line_numbers_through_pager_debris_and_crlf():
    """Evidence lines of a finding point at the same text in the raw paste."""
    name = "ipsec/asa84_show_crypto_ipsec_sa_crlf_more.txt"
    report = analyze(raw(name))
    raw_lines = split_lines(raw(name))
    finding = next(f for f in report.findings if f.code == "ipsec.send_recv_errors")
    assert finding.lines == [57]
    assert "#recv errors: 14" in raw_lines[56]
    assert report.line_count == len(raw_lines)


def test_it_reads_what_follows_a_commands_output_by_content():
    """Lines the command's parser leaves (notes, then a log pasted under the same
    prompt) are offered to every parser instead of being swallowed."""
    name = "ipsec/asa_ipsec_then_syslog_no_prompt_between.txt"
    report = analyze(raw(name))
    ipsec = report.sources_of("asa.show_crypto_ipsec_sa")
    assert [(s.first_line, s.last_line) for s in ipsec] == [(2, 11)]
    later = [s for s in report.sources if s.first_line > 11]
    assert later, [s.kind for s in report.sources]
    assert all(s.first_line >= 16 for s in later)
    assert {n for s in later for n in s.claimed_lines()} >= {16, 17}


def test_it_counts_a_devices_debug_confirmation_as_understood():
    """ "Crypto ISAKMP debugging is on" and "All possible debugging has been turned
    off" answer the command typed above them; they are not unread output."""
    report = analyze(raw("engine/ios_debug_with_acknowledgements.txt"))
    assert report.unparsed_lines == 0
    assert "ike_debug.peer_not_answering" in [f.code for f in report.findings]


def test_it_splits_at_a_shells_bare_prompt():
    """`# tcpdump -ni eth0 esp` after a root shell's bare `#` starts a new section,
    so the second capture is read as its own flow."""
    report = analyze(raw("engine/shell_prompts_tcpdump.txt"))
    assert [(s.kind, s.first_line) for s in report.sources] == [
        ("tcpdump", 2),
        ("tcpdump", 11),
    ]
    assert report.unparsed_lines == 0


def test_it_reads_a_putty_log_of_firepower_clish():
    """A PuTTY session log of an FTD: the log header, the login and the bare `>`
    prompts are understood, `> show crypto ipsec sa` routes to its parser, and the
    source records the command and prompt. Only the login banner stays unread."""
    report = analyze(raw("engine/putty_log_ftd_clish.txt"))
    (source,) = report.sources
    assert (source.kind, source.command, source.prompt) == (
        "asa.show_crypto_ipsec_sa",
        "show crypto ipsec sa",
        ">",
    )
    assert source.records[0]["peer"] == "198.51.100.2"
    assert report.unparsed_lines == 2  # "Last login: ..." and the copyright line
    assert [f.code for f in report.findings] == ["ipsec.encaps_no_decaps"]


# --- pastes mangled on their way here ------------------------------------------------

_PFS = "ike_debug/ios_policy_order_then_qm_pfs_refused.txt"


def _alarm_codes(text: str):
    return sorted(
        (f.code, f.subject) for f in analyze(text).findings if f.severity != "info"
    )


def test_a_debug_with_literal_line_break_escapes_reads_as_the_debug():
    """Copied out of JSON or a bug tracker, the debug arrives as one line with
    `\\n` escapes (or `\\r\\n`): it is split there, reads exactly as the original,
    and every finding points at the paste's one line."""
    text = fixture_text(_PFS)
    expected = _alarm_codes(text)
    assert expected == [("ike_debug.phase2_mismatch", "peer 77.77.77.77")]
    for joined in (text.replace("\n", "\\n"), text.replace("\n", "\\r\\n")):
        report = analyze(joined)
        assert _alarm_codes(joined) == expected
        assert {n for f in report.findings for n in f.lines} == {1}


def test_a_debug_a_forum_flattened_into_one_paragraph_is_split_at_its_line_starts():
    text = fixture_text(_PFS)
    flat = " ".join(text.split())
    assert "\n" not in flat
    assert _alarm_codes(flat) == _alarm_codes(text)


def test_html_entities_and_br_tags_are_decoded_when_they_are_the_pastes_habit():
    """A debug that went through a web page: `&gt;`, `&quot;`, `&#39;` and
    `<br>` instead of line breaks. Decoded, it reads as the original; a single
    ampersand in a plain paste is left alone."""
    text = fixture_text(_PFS)
    escaped = html.escape(text, quote=True)
    assert _alarm_codes(escaped) == _alarm_codes(text)
    as_br = escaped.replace("\n", "<br>\n", 40).replace("\n", "<br />")
    assert _alarm_codes(as_br) == _alarm_codes(text)
    cleaned, _ = explode(decode_html(["crypto map A & B", "a < b"]))
    assert cleaned == ["crypto map A & B", "a < b"]


def test_explode_keeps_the_number_of_the_line_each_piece_came_from():
    lines, numbers = explode(["one", "a\\nb\\nc", "two"])
    assert (lines, numbers) == (["one", "a", "b", "c", "two"], [1, 2, 2, 2, 3])
    # One escape is not a habit: "C:\new" in a path stays as it is.
    assert explode(["copy C:\\new disk0:"]) == (["copy C:\\new disk0:"], [1])


def test_an_sa_table_flattened_onto_its_command_line_is_split_into_rows():
    """flylib's page put the prompt, the command, the header and the row on one
    line; courseiva's glued the command to the table title. Each device line comes
    back, numbered with the paste line it came from."""
    lines, numbers = explode(
        [
            "r3640# show crypto isakmp sa dst src state conn-id slot status "
            "192.1.1.40 192.1.1.20 QM_IDLE 1 0 ACTIVE",
            "show crypto isakmp saIPv4 Crypto ISAKMP SA dst src state conn-id slot "
            "status 10.1.1.1 203.0.113.2 MM_NO_STATE 1001 0 ACTIVE",
        ]
    )
    assert lines == [
        "r3640# show crypto isakmp sa",
        "dst src state conn-id slot status",
        "192.1.1.40 192.1.1.20 QM_IDLE 1 0 ACTIVE",
        "show crypto isakmp sa",
        "IPv4 Crypto ISAKMP SA",
        "dst src state conn-id slot status",
        "10.1.1.1 203.0.113.2 MM_NO_STATE 1001 0 ACTIVE",
    ]
    assert numbers == [1, 1, 1, 2, 2, 2, 2]
    # A header alone, or a row in its own line, is one line as it was.
    assert explode(["dst             src             state          conn-id status"])[
        0
    ] == ["dst             src             state          conn-id status"]


def test_a_debug_command_glued_to_its_first_line_is_split_off():
    """'debug crypto isakmpISAKMP (0:0): received packet ...' (courseiva): the
    command and IOS 12's 'atts not acceptable' refusal are read."""
    text = (
        "debug crypto isakmpISAKMP (0:0): received packet from 203.0.113.2 dport 500 "
        "sport 500 Global (R) MM_NO_STATE ISAKMP (0:0): processing SA payload. "
        "message ID = 0 ISAKMP (0:0): checking ISAKMP transform 1 against priority "
        "10 policy ISAKMP (0:0): encryption DES-CBC ISAKMP (0:0): hash SHA "
        "ISAKMP (0:0): default group 1 ISAKMP (0:0): auth pre-share ISAKMP (0:0): "
        "atts not acceptable. Next payload is 0 ISAKMP (0:0): no offers accepted!"
    )
    assert explode([text])[0][:2] == [
        "debug crypto isakmp",
        "ISAKMP (0:0): received packet from 203.0.113.2 dport 500 sport 500 Global "
        "(R) MM_NO_STATE",
    ]
    assert [code for code, _ in _alarm_codes(text)] == ["ike_debug.proposal_mismatch"]
