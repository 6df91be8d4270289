"""A paste holding plain syslog messages is read in one pass over its text
(engine._stream): those lines go to the syslog and IKE readers without being
cleaned or split out, the rest as in the general way. It must read every paste as
the general way does (engine._read_whole), line for line."""

import pytest

from analyzer import engine
from analyzer import text as cleaning
from analyzer.parsers import syslog
from analyzer.sections import MAX_LINE, Splitter, sections
from tests.conftest import FIXTURES

PASTES = sorted(
    p
    for p in FIXTURES.rglob("*")
    if p.is_file() and p.suffix not in (".py", ".pcap", ".toml", ".md")
)


def _text(path) -> str:
    return path.read_bytes().decode("utf-8", errors="replace")


def _streamed() -> list:
    return [p for p in PASTES if syslog.PLAIN.search(_text(p))]


def _same(text: str, streamed_only: bool = True) -> None:
    streamed = engine._stream(text)
    if streamed is None and not streamed_only:
        # Taken the general way (two lines exactly as wide as a terminal).
        return
    assert streamed is not None
    whole = engine._read_whole(text)
    s_sources, s_problems, s_unparsed, s_lines = streamed
    w_sources, w_problems, w_unparsed, w_lines = whole
    assert (s_lines, sorted(s_unparsed)) == (w_lines, sorted(w_unparsed))
    assert [p.to_dict() for p in s_problems] == [p.to_dict() for p in w_problems]

    def key(source):
        return (
            source.kind,
            source.first_line,
            source.last_line,
            source.records,
            sorted(source.claimed_lines()),
            source.unparsed,
            source.command,
            source.prompt,
        )

    def order(sources):
        return sorted(sources, key=lambda s: (s.first_line, s.kind))

    assert [key(s) for s in order(s_sources)] == [key(s) for s in order(w_sources)]


def test_many_fixtures_are_streamed():
    assert len(_streamed()) > 60


@pytest.mark.parametrize(
    "path", _streamed(), ids=lambda p: str(p.relative_to(FIXTURES))
)
def test_a_streamed_paste_reads_as_the_general_way(path):
    _same(_text(path))


@pytest.mark.parametrize(
    "name",
    [
        "syslog/asa_show_logging_buffer.txt",
        "syslog/asa_syslog_server_lines.txt",
        "qa_logs/asa99_show_logging_ikev2.txt",
        "qa_logs/asa_show_logging_crlf_pager.txt",
        "ike_debug/asa9_ikev1_psk_mismatch.txt",
        "syslog/ios_crypto_buffer.txt",
        "boot/seed-1811-password-recovery-disabled.txt",
    ],
)
def test_line_ends_and_a_missing_last_line_break_read_the_same(name):
    """CRLF line ends, no line break after the last line, and the lines pasted
    twice (a second section) read as in the general way."""
    text = _text(FIXTURES / name)
    lines = text.replace("\r\n", "\n").split("\n")
    _same("\r\n".join(lines))
    _same(text.rstrip("\n"))
    _same(text + "\n\n" + text, streamed_only=False)
    other = _text(FIXTURES / "qa_logs" / "asa84_show_logging_vpn_denied.txt")
    _same("ASA# show logging\n" + text + "ASA# show crypto isakmp sa\n" + other)


def test_every_syslog_paste_read_one_after_the_other_reads_the_same():
    """All syslog and QA log fixtures joined: prompts, status blocks, debugs and
    other outputs between the runs of messages."""
    texts = [
        _text(p)
        for p in PASTES
        if p.relative_to(FIXTURES).parts[0] in ("syslog", "qa_logs", "ike_debug")
    ]
    _same("\n".join(texts))


def test_plain_messages_read_as_read_line_reads_them():
    """For every line of every fixture, syslog.plain reads a message exactly where
    PLAIN matches the whole line (and read_line takes no ASA tag further on), and
    what it reads (ID, host, stamp, platform, text, debug tag, peer, and the record
    it builds) is read_line's."""
    checked = 0
    for path in PASTES:
        for line in _text(path).replace("\r\n", "\n").split("\n"):
            reading = syslog.plain(line)
            m = syslog.PLAIN.match(line)
            whole = m is not None and m.group("line") == line
            if reading is None:
                assert not whole or m.group("dbg"), line
                continue
            assert whole, line
            message_id, host, stamp, facility, text, debug, _ = reading
            record = syslog.read_line(line)
            assert (
                message_id,
                host,
                stamp,
                "asa" if facility is None else "ios",
                text,
                debug,
                syslog.plain_peer(message_id, facility, text),
            ) == (
                record.get("message_id"),
                record.get("host"),
                record.get("timestamp"),
                record["platform"],
                record["text"],
                record.get("debug"),
                record.get("peer"),
            ), line
            built = syslog.plain_record(line, reading)
            assert list(built.items()) == list(record.items()), line
            checked += 1
    assert checked > 500


def test_a_paste_without_plain_messages_takes_the_general_way():
    assert (
        engine._stream(_text(FIXTURES / "ipsec" / "asa84_show_crypto_ipsec_sa.txt"))
        is None
    )


def test_every_fixture_read_one_after_the_other_reads_the_same():
    """Every fixture joined into one paste: outputs of every kind, under prompts
    and without, between the runs of messages (a `show log` that holds no syslog
    this parser knows among them)."""
    _same("\n".join(_text(p) for p in PASTES))


def _explode_line_by_line(lines):
    out, numbers = [], []
    for number, line in enumerate(lines, start=1):
        pieces = cleaning.explode_line(line)
        for piece in pieces if pieces is not None else [line]:
            out.append(piece)
            numbers.append(number)
    return out, numbers


def test_the_general_way_reads_a_block_of_lines_as_it_reads_each_line():
    """clean_lines and explode look at a block of lines at once and at a line by
    itself only when the block holds what would change it: on every fixture, and
    on all of them joined, they give what reading each line by itself gives."""
    texts = [_text(p) for p in PASTES]
    for source in [*texts, "\n".join(texts)]:
        lines = cleaning.split_lines(source)
        cleaned = [cleaning.clean_line(line) for line in lines]
        assert cleaning.clean_lines(lines) == cleaned
        assert cleaning.explode(cleaned) == _explode_line_by_line(cleaned)
    for line in _SPLITTING:
        lines = ["interface: outside", line, "x" * 300, line, line, "---"]
        assert cleaning.explode(lines) == _explode_line_by_line(lines)


# Lines explode splits, or nearly: a command glued to its output (after a
# prompt whose sign is as far as it may be, and one further), literal escapes,
# a decoded line break and a flattened SA table.
_SPLITTING = [
    "show crypto isakmp saIPv4 Crypto ISAKMP SA",
    "debug crypto isakmpISAKMP (0:0): received packet",
    "x" * 40 + "#show crypto ipsec sainterface: outside",
    "x" * 41 + "#show crypto ipsec sainterface: outside",
    "R1>sh crypto isakmp saIPv4 Crypto ISAKMP SA",
    "line one\\nline two\\nline three",
    "one\x1etwo",
    "dst src state conn-id slot status 192.0.2.1 192.0.2.2 QM_IDLE 1 0 ACTIVE",
    "",
]


def _sections_line_by_line(lines, numbers=None):
    done = []
    splitter = Splitter(done.append)
    for number, line in zip(numbers or range(1, len(lines) + 1), lines, strict=True):
        if splitter.line(line, number):
            splitter.current.lines.append(line[:MAX_LINE])
            splitter.current.numbers.append(number)
    splitter.finish()
    return done, splitter.prompt_lines


# Lines each of a kind `Splitter.line` does not count as content, or nearly so.
_NOT_CONTENT = [
    "ASA# show crypto isakmp sa",
    "R1#",
    "  R1#show crypto ipsec sa",
    "\tfw01# show run",
    "x" * 70 + "# show run",
    "r" * 63 + "# show run",
    "r" * 64 + "# show run",
    "# tcpdump -ni eth0 esp",
    "> show crypto ipsec sa",
    "==> asa-hq.log <==",
    "show crypto ipsec sa",
    "SH CRYPTO ISAKMP SA",
    "packet-tracer input outside tcp 192.0.2.1 1000 10.0.0.1 443",
    "Crypto ISAKMP debugging is on",
    "debug crypto ikev1 enabled at level 127",
    "All possible debugging has been turned off",
    "login as: admin",
    "  Username:",
    "\x1eLOGOFF\t",
    "Password:",
    "admin@192.0.2.1's password: ****",
    "   my PassWord: ",
    "=~=~=~=~=~=~=~=~=~=~=~= PuTTY log 2024.03.01 10:00:00 =~=~=~=~=~=~=~=~=~=~=~=",
    "Type help or '?' for a list of available commands.",
    "Connection closed by foreign host.",
    "inbound esp sas:",
    "    #pkts encaps: 5, #pkts encrypt: 5",
    "",
    "   ",
    "x" * 5000,
    "fw01\u00e9# show run",
]


def test_the_general_way_splits_a_block_of_lines_as_it_splits_each_line():
    """sections() searches a block of lines at once for those that may be
    prompts, commands or login lines, and hands the rest to their section
    together: on every fixture, and on lines of each kind between others in
    every order, it splits them as `Splitter.line` does a line at a time."""
    texts = [_text(p) for p in PASTES]
    for source in [*texts, "\n".join(texts)]:
        lines, numbers = cleaning.explode(
            cleaning.clean_lines(cleaning.split_lines(source))
        )
        assert sections(lines, numbers) == _sections_line_by_line(lines, numbers)
    filler = ["interface: outside", "Mar  1 10:00:01: %SYS-5-CONFIG_I: hi"]
    for first in _NOT_CONTENT:
        for second in _NOT_CONTENT:
            lines = [first, second, second, *filler, first, first, *filler, second]
            assert sections(lines) == _sections_line_by_line(lines)


@pytest.mark.parametrize("bound", [0, 2, syslog.KEEP_EVERY_RECORD])
def test_a_buffers_wrapped_lines_stay_with_their_message_when_counted(
    monkeypatch, bound
):
    """Under `show logging` a line that is not a message continues the one before
    it, streamed or not, and whether that message was kept as a record or only
    counted: the line is read either way, and a kept record holds it. (Lines of
    the buffer fixture with the replay error's second line after them.)"""
    monkeypatch.setattr(syslog, "KEEP_EVERY_RECORD", bound)
    buffer = _text(FIXTURES / "syslog" / "asa_show_logging_buffer.txt").splitlines()
    messages = [line for line in buffer if "%ASA-" in line]
    wrapped = "        connection id=29, sequence number=219"
    pasted = ["ASA# show logging", "Log Buffer (4096 bytes):"]
    for line in messages * 3:
        pasted += [line, wrapped]
    _same("\n".join(pasted) + "\n")
    report = engine.analyze("\n".join(pasted))
    (source,) = report.sources_of("syslog")
    assert report.unparsed == []
    assert source.records and all(r.get("more") == [wrapped] for r in source.records)


def _log(count: int) -> str:
    return "".join(
        f"Mar 12 2024 10:00:{n % 60:02d} fw01 : %ASA-6-302013: Built outbound TCP "
        f"connection {n} for outside:192.0.2.1/25 (192.0.2.1/25) to "
        f"inside:10.0.0.5/4000 (10.0.0.5/4000)\n"
        for n in range(count)
    )


_ISAKMP = _text(FIXTURES / "ike" / "asa82_show_crypto_isakmp_sa.txt")


def _commented(text: str, marker: str = "#") -> str:
    return "".join(f"{marker} {line}\n" for line in text.splitlines())


@pytest.mark.parametrize(
    "mangled",
    [
        # A comment block quoting output, with its prompt, between two logs.
        _commented(_ISAKMP),
        _commented(_ISAKMP, "//"),
        # The same, blank lines and a bare marker inside the block.
        _commented(_ISAKMP).replace("# Total IKE SA", "#\n\n# Total IKE SA"),
        # A comment block with no prompt: left as it is (not the whole paste).
        _commented("\n".join(_ISAKMP.splitlines()[1:])),
        # Two comment lines only, and a shell session's prompts.
        "# checked on fw01\n# after the change\n",
        "# tcpdump -ni eth0 esp\n# cat /etc/ipsec.conf\n# grep charon /var/log/syslog\n",
        # A log line written as inline code, and a fence around output.
        "`Mar 12 2024 10:01:00 fw01 : %ASA-4-402114: IPSEC: Received an ESP packet "
        "(SPI= 0x3D91F47A, sequence number= 0x1A) from 203.0.113.50 (user= "
        "203.0.113.50) to 192.0.2.1 with an invalid SPI.`\n",
        "```\n" + _ISAKMP + "```\n",
        # Output in HTML: spans, a code block, entities.
        "<pre><code>"
        + _ISAKMP.replace("MM_ACTIVE", "<b>MM_ACTIVE</b>")
        + "</code></pre>\n",
        _ISAKMP.replace("\n", "<br>\n"),
        # One tag alone is no habit.
        _ISAKMP.replace("MM_ACTIVE", "<b>MM_ACTIVE"),
    ],
)
def test_a_mangled_part_between_plain_messages_reads_as_the_general_way(mangled):
    """Between runs of plain messages, HTML, comment blocks and inline code are
    cleaned as the general way cleans them: the stream takes them off (or leaves
    them) itself, and reads the paste the same."""
    text = _log(40) + mangled + _log(40)
    assert engine._stream(text) is not None
    _same(text)


def test_a_comment_block_that_is_nearly_the_whole_paste_takes_the_general_way():
    """Only the whole paste tells whether a comment block without a prompt is
    quoted output: when it is nearly all of it, the stream gives way."""
    body = _commented(("\n".join(_ISAKMP.splitlines()[1:]) + "\n") * 12)
    text = _log(3) + body
    assert engine._stream(text) is None
    _same(text, streamed_only=False)
    sources = engine.analyze(text).sources_of("asa.show_crypto_isakmp_sa")
    assert sources and all(source.records for source in sources)
