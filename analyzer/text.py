"""Cleaning a paste line by line, before anything reads it. Pure Python.

Every step keeps the line count, so line numbers stay those of the input: pager
debris, backspaces, escape codes and odd spaces go (`clean_line`); HTML entities,
``<br>`` tags and the tags a web page wrapped around text are decoded or taken off
(`decode_html`); mail quoting, terminal-logging time stamps, the comment markers
of a script's block quoting output (`uncomment`), Markdown inline code around a
line, Markdown bullets and a block indent come off (`unwrap`); lines a terminal
wrapped at its width are put back together (`rejoin_wrapped`); and a paste line
holding several device lines (literal ``\\n`` escapes, a flattened debug) is
split, each piece keeping the number of the line it came from (`explode`).
Telling a prompt from wrapped text uses the prompt recognition of
analyzer.sections.
"""

from __future__ import annotations

import html
import re
from itertools import compress, count, islice, repeat

from analyzer.sections import MAX_LINE, line_indexes, lines_holding, match_prompt

_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
_PAGER = re.compile(
    r"<-+\s*More\s*-+>|-{2}\s*More\s*-{2}(?:\s*\(\d+%\))?|\(q\)uit|Press any key to continue",
    re.IGNORECASE,
)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
# Text copied out of a mail, a chat or a web ticket comes back with non-breaking
# and other typographic spaces, and sometimes zero-width characters.
_SPACES = {cp: " " for cp in (0xA0, *range(0x2000, 0x200B), 0x202F, 0x205F, 0x3000)}
_SPACES.update({cp: None for cp in (0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF)})
_ODD_SPACE = re.compile("[\u00a0\u2000-\u200d\u202f\u205f\u2060\u3000\ufeff]")
# What a mail client or a terminal logger puts in front of every line it passes
# on: "> " quoting (nested or not) and a bracketed time stamp
# ("[2024-03-01 10:00:01] ", "[10:00:01.123] ", "[Fri Mar  1 10:00:01 2024] ").
_BULLET = re.compile(r"^[ ]{0,3}[-•] (?=\S)")
_QUOTE = re.compile(r"^[ ]{0,3}>(?:[ ]?>){0,5}[ ]?")
_STAMP = re.compile(r"^\[(?=[^\]]{0,40}\d{1,2}:\d\d:\d\d)[\w ,.:/+-]{8,40}\][ \t]?")
# How a line that unwrap changes starts: a stamp, quoting, a bullet, an indent,
# a comment marker or a Markdown backtick.
_WRAPPED_STARTS = ("[", ">", " ", "-", "\u2022", "#", "/", ";", "!", "`")
# What a script, a config file or a source file puts in front of each line of a
# comment that quotes device output: shell, Perl, Python and Tcl '#', C-style
# '//', INI and Lisp ';', SQL and Lua '--', and IOS '!'.
_MARKERS = ("#", "//", ";", "--", "!")
MARKER_CHARS = "#/;-!"
# What follows a '#' the device printed itself at the start of a line: the SA
# counters of `show crypto ipsec sa` when a paste lost their indent, and
# Libreswan's state numbers ("#3: initiating v2 parent SA").
_STATE_NUMBER = re.compile(r"#\d{1,9}:")
_DEVICE_HASH = (
    "pkts ",
    "pre-frag ",
    "PMTUs ",
    "send errors",
    "recv errors",
    "fragments ",
    "decapsulated ",
    "decaps",
    "TFC ",
    "Valid ICMP",
    "Invalid ICMP",
)
_MARKER_INDENT = 8  # spaces a comment may be indented by (a function body's)
COMMENT_RUN = 3  # marked lines, at least, in a comment block


def clean_line(raw: str) -> str:
    """One paste line as the device meant it: pager debris, backspaces and
    carriage-return overwrites resolved, escape codes and control bytes gone."""
    if "\x1b" in raw:
        raw = _ANSI.sub("", raw)
    if "\b" in raw:
        out: list[str] = []
        for ch in raw:
            if ch == "\b":
                if out:
                    out.pop()
            else:
                out.append(ch)
        raw = "".join(out)
    if "\r" in raw:
        # A pager redraws over its own prompt with CR: the last piece that says
        # something is what the terminal showed.
        parts = [
            p for p in raw.split("\r") if p.strip() and not _PAGER.fullmatch(p.strip())
        ]
        raw = parts[-1] if parts else ""
    if "More" in raw or "more" in raw or "(q)uit" in raw or "Press any" in raw:
        stripped = _PAGER.sub("", raw)
        if stripped != raw:
            raw = stripped if stripped.strip() else ""
    raw = raw.replace("\t", "    ")
    if not raw.isascii() and _ODD_SPACE.search(raw):
        raw = raw.translate(_SPACES)
    if _CONTROL.search(raw):
        raw = _CONTROL.sub("", raw)
    return raw.rstrip()


# Lines looked at together by the whole-list steps below: joined, a block is
# searched in C for what would need a line looked at by itself.
_BLOCK = 4096
_PRINTABLE = bytes(range(0x20, 0x7F)) + b"\n"
_PAGER_WORDS = ("More", "more", "(q)uit", "Press any")


def _pager_words(text: str) -> bool:
    """Whether one of _PAGER_WORDS is in ``text`` (both spellings of "More"
    looked for at once)."""
    if "ore" in text and ("More" in text or "more" in text):
        return True
    return "(q)uit" in text or "Press any" in text


def _blocks(lines: list[str]):
    """(start, lines, joined text) of each block of _BLOCK lines."""
    for start in range(0, len(lines), _BLOCK):
        block = lines[start : start + _BLOCK]
        yield start, block, "\n".join(block)


def _printable(text: str) -> bool:
    """Nothing but printable ASCII and line breaks in ``text``."""
    return text.isascii() and not text.encode("ascii").translate(None, _PRINTABLE)


def clean_lines(lines: list[str]) -> list[str]:
    """`clean_line` of every line: a block of lines holding no control character,
    no odd space and no pager word only loses its trailing blanks."""
    out: list[str] = []
    for _, block, text in _blocks(lines):
        if _printable(text) and not _pager_words(text):
            out.extend(map(str.rstrip, block))
        else:
            out.extend(map(clean_line, block))
    return out


# Where a line break was decoded inside one paste line (a control character, so
# nothing pasted can contain it: `clean_line` removes them all).
BREAK = "\x1e"
_ENTITY = re.compile(r"&(?:lt|gt|amp|quot|apos|nbsp|#\d{1,6}|#[xX][0-9a-fA-F]{1,6});")
_BREAK_TAG = re.compile(r"<br\s{0,3}/?>", re.IGNORECASE)
# The tags a page puts around text (colour spans, bold, code blocks, table
# cells), by name, so that nothing a device prints between angle brackets is
# taken for one: `<cr>`, `<1-65535>`, `<ip address>`, `<omitted>`, `<--- More
# --->`, a syslog priority `<166>`, XML a device answers with. (The lookahead
# lets the regex engine skip to each '<' at C speed.)
_TAGS = (
    r"/?(?:span|font|b|i|u|em|strong|code|pre|tt|kbd|samp|var|div|p|blockquote"
    r"|small|big|sup|sub|mark|li|ul|ol|dl|dt|dd|table|thead|tbody|tr|td|th|h[1-6])"
    r"(?:\s[^<>]{0,400})?\s?/?>"
    r"|a\s[^<>]{0,400}>|/a>|(?:hr|img|wbr)(?:\s[^<>]{0,400})?\s?/?>"
)
_TAG = re.compile(f"<(?=[/A-Za-z])(?i:{_TAGS})")
# Line break tags and the others, counted together to tell a paste's habit.
_ANY_TAG = re.compile(f"<(?=[/A-Za-z])(?i:br\\s{{0,3}}/?>|{_TAGS})")


def _markup(line: str) -> int:
    """How many entities and tags ``line`` holds."""
    found = len(_ENTITY.findall(line)) if "&" in line else 0
    if "<" in line:
        found += len(_ANY_TAG.findall(line))
    return found


def decode_html(lines: list[str], text: str | None = None) -> list[str]:
    """Text that went through a web page's HTML on its way here: entities
    (``&gt;``, ``&amp;``, ``&#39;``) decoded, ``<br>`` tags made line breaks and
    the tags a page wraps around text (``<span style=...>``, ``<b>``, ``<pre>``,
    ``<code>``, ``<font>``) taken off, when that is the paste's habit (two or more
    of them), never for a line that merely contains an ampersand or a ``<``. A
    decoded line break becomes BREAK, where `explode` splits the line, so line
    numbers stay the paste's. ``text``, when the caller has it, is the paste the
    lines were cleaned from (cleaning adds no '&' and no '<'): looked in first."""
    if text is not None and "&" not in text and "<" not in text:
        return lines
    if not any("&" in block or "<" in block for _, _, block in _blocks(lines)):
        return lines
    seen = 0
    for line in lines:
        if "&" in line or "<" in line:
            seen += _markup(line)
            if seen >= 2:
                break
    if seen < 2:
        return lines
    return [decode_line(line) if "&" in line or "<" in line else line for line in lines]


def decode_line(line: str) -> str:
    """One line of a paste `decode_html` decodes: tags off, entities decoded."""
    if "<" in line:
        line = _TAG.sub("", _BREAK_TAG.sub(BREAK, line))
    if "&" in line:
        line = html.unescape(line)
    return line.replace("\r", "").replace("\n", BREAK).replace("\u00a0", " ")


def shows_html(text: str) -> bool:
    """Whether the paste ``text`` holds two marks of HTML or more, looked for in
    its text at once (`decode_html` counts them in the cleaned lines; a reader
    that uses this must check that the two agree)."""
    seen = 0
    if "&" in text:
        for _ in _ENTITY.finditer(text):
            seen += 1
            if seen >= 2:
                return True
    if "<" in text:
        for _ in _ANY_TAG.finditer(text):
            seen += 1
            if seen >= 2:
                return True
    return False


def unwrap(lines: list[str]) -> list[str]:
    """The cleaned lines without what was wrapped around each of them after the
    device printed it: terminal-logging time stamps, mail quoting and an indent
    given to the whole paste. Each is removed only when it is the paste's habit,
    never from a single line that merely starts that way."""
    if not any(map(str.startswith, lines, repeat(_WRAPPED_STARTS))):
        # No line starts as any of them would.
        return lines
    filled = _filled(lines)
    if not filled:
        return lines
    stamped = sum(1 for line in _starting(lines, "[") if _STAMP.match(line))
    if stamped >= 2 and stamped * 2 >= filled:
        lines = [
            _STAMP.sub("", line, count=1) if line[:1] == "[" else line for line in lines
        ]
        filled = _filled(lines)
    quoted = sum(
        1
        for line in compress(lines, map(str.__contains__, lines, repeat(">")))
        if line.lstrip(" ")[:1] == ">"
    )
    if quoted >= 3 and quoted * 5 >= filled:
        lines = [
            _QUOTE.sub("", line, count=1) if line.lstrip(" ")[:1] == ">" else line
            for line in lines
        ]
    filled = _filled(lines)
    if not filled:
        return lines
    if any(_has_marked(text) for _, _, text in _blocks(lines)):
        lines = uncomment(lines, filled)
        filled = _filled(lines)
    if any(
        "`" in text and (text[:1] == "`" or "\n`" in text)
        for _, _, text in _blocks(lines)
    ):
        lines = [uncode(line) if line[:1] == "`" else line for line in lines]
        filled = _filled(lines)
    # A Markdown list made of the lines ("- Mar 1 00:55:40: ISAKMP ...", "* ..."),
    # as a note-taking page exports a pasted debug.
    bulleted = sum(
        1 for line in _starting(lines, _BULLET_STARTS) if _BULLET.match(line)
    )
    if bulleted >= 3 and bulleted * 5 >= filled:
        lines = [_BULLET.sub("", line, count=1) for line in lines]
    # Output indented as a block (a Markdown code block in a forum post or a
    # ticket, prose around it left alone): the indent in front of its prompts is
    # not the device's, and comes off every line that has it.
    indents: dict[int, int] = {}
    for line in islice(filter(str.strip, lines), 5000):
        if line[:1] != " " or not ("#" in line or ">" in line or "$" in line):
            # Not indented, or no prompt's sign in it.
            continue
        indent = len(line) - len(line.lstrip(" "))
        if indent <= 12 and match_prompt(line[indent:]) is not None:
            indents[indent] = indents.get(indent, 0) + 1
    if indents:
        indent = max(indents, key=lambda n: (indents[n], -n))
        pad = " " * indent
        lines = [line[indent:] if line.startswith(pad) else line for line in lines]
    return lines


# How a line `_BULLET` matches starts.
_BULLET_STARTS = tuple(f"{' ' * n}{mark}" for n in range(4) for mark in "-\u2022")


def _filled(lines: list[str]) -> int:
    """How many of ``lines`` hold more than blanks."""
    return len(lines) - lines.count("") - sum(map(str.isspace, lines))


def _starting(lines: list[str], start):
    """The lines that start with ``start`` (a string or a tuple of them)."""
    return compress(lines, map(str.startswith, lines, repeat(start)))


def uncode(line: str) -> str:
    """A line written as Markdown inline code (`` `%ASA-4-402116: ...` ``) without
    its backticks; any other line as it is."""
    return line[1:-1] if coded(line) else line


def coded(line: str) -> bool:
    """Whether ``line`` is one Markdown code span, backtick to backtick, around
    text."""
    return (
        line[:1] == "`"
        and line[-1:] == "`"
        and line.count("`") == 2
        and len(line) > 2
        and not line[1:-1].isspace()
    )


def _marked(line: str, marker: str) -> int:
    """How ``line`` stands to a comment ``marker``: 0 when it does not start with
    it (after an indent of up to _MARKER_INDENT spaces), 1 when it is a comment
    line with text, 2 when it holds nothing but marker characters (``#``,
    ``#####``, ``!``, ``------``: a bare comment, a banner, a config's separator
    or a table's rule)."""
    body = line.lstrip(" ")
    if not body.startswith(marker) or len(line) - len(body) > _MARKER_INDENT:
        return 0
    if not body.strip(MARKER_CHARS + " "):
        return 2
    if marker == "#" and (
        body[1:2] == "!"
        or body.startswith(_DEVICE_HASH, 1)
        or (body[1:2].isdigit() and _STATE_NUMBER.match(body))
    ):
        # A script's "#!/usr/bin/perl" line, or the device's own '#'.
        return 0
    return 1


def _unmark(line: str, marker: str) -> str:
    """``line`` without its comment marker and the one space after it."""
    body = line.lstrip(" ")
    rest = body[len(marker) :]
    if rest[:1] == " ":
        rest = rest[1:]
    return line[: len(line) - len(body)] + rest


def uncomment(lines: list[str], filled: int) -> list[str]:
    """The lines without the comment marker a script or file put in front of each
    line of a block that quotes device output (a Perl script's "# Example
    output:" header). A block is a run of lines each starting with the same
    marker (blank lines and lines of marker characters alone in it): it loses
    its markers when it holds COMMENT_RUN comment lines or more and either it
    is (nearly) the whole paste (``filled`` lines with text) or, without its
    markers, a device prompt with a command is in it. Its lines of marker
    characters alone become blank. A commented-out part of a configuration, an
    IOS config's ``!`` lines, a shell's ``# command`` prompts and a device's own
    ``#pkts`` counters stay."""
    out = lines
    for run in _marked_runs(lines):
        edits, _ = comment_edits(lines, run, filled)
        if edits and out is lines:
            out = list(lines)
        for at, line in edits:
            out[at] = line
    return out


def comment_edits(
    lines: list[str], run: list[int], filled: int | None
) -> tuple[list[tuple[int, str]], int]:
    """What `uncomment` changes in one run of ``lines`` (the indexes of lines that
    start with a marker character, only blank lines between them): (index, new
    line) pairs, and, when ``filled`` is None (not known yet), the size of the
    largest block that only being (nearly) the whole paste would strip."""
    edits: list[tuple[int, str]] = []
    undecided = 0
    # A line can only be marked by the marker its first character starts.
    firsts = {lines[i].lstrip(" ")[:1] for i in run}
    for marker in _MARKERS:
        if marker[0] not in firsts:
            continue
        blocks: list[tuple[list[int], list[int]]] = []
        comments: list[int] = []
        bare: list[int] = []
        for i in run:
            state = _marked(lines[i], marker)
            if state == 1:
                comments.append(i)
            elif state == 2:
                bare.append(i)
            else:
                if len(comments) >= COMMENT_RUN:
                    blocks.append((comments, bare))
                comments, bare = [], []
        if len(comments) >= COMMENT_RUN:
            blocks.append((comments, bare))
        for comments, bare in blocks:
            quoted = _is_quoted_output(lines, comments, marker)
            size = len(comments) + len(bare)
            if quoted is None:
                if filled is None:
                    undecided = max(undecided, size)
                    continue
                quoted = size * 10 >= filled * 9
            if quoted:
                edits.extend((at, _unmark(lines[at], marker)) for at in comments)
                edits.extend((at, "") for at in bare)
    return edits, undecided


# A line that starts (after an indent) with a character a comment marker does:
# at the start of a block, and after a line break (a literal "\n" lets the regex
# engine skip at C speed where "^" would try every character).
_MARKED_START = re.compile(rf" {{0,{_MARKER_INDENT}}}[#/;!-]")
_MARKED_AFTER = re.compile(rf"\n {{0,{_MARKER_INDENT}}}[#/;!-]")


def _has_marked(text: str) -> bool:
    """Whether a line of ``text`` (lines joined) starts as a comment would."""
    return bool(_MARKED_START.match(text) or _MARKED_AFTER.search(text))


def _marked_runs(lines: list[str]):
    """Runs of COMMENT_RUN lines or more that start with a marker character,
    with only blank lines between them: (their indexes). (A block of _BLOCK
    lines where no line starts as a comment would, within _MARKER_INDENT
    spaces, ends a run.)"""
    run: list[int] = []
    for start, _, text in _blocks(lines):
        if not _has_marked(text):
            if len(run) >= COMMENT_RUN:
                yield run
            run = []
            continue
        for i in _marker_lines(text, start):
            if run and any(map(str.strip, lines[run[-1] + 1 : i])):
                # A line with text between: the run ended before it.
                if len(run) >= COMMENT_RUN:
                    yield run
                run = []
            run.append(i)
        # Whether a line with text follows the block's last marked line is
        # seen at the next marked line (or the next block without one).
    if len(run) >= COMMENT_RUN:
        yield run


# A line that starts with a marker character after any indent of spaces.
_MARKER_LINE_FIRST = re.compile(r" *[#/;!-]")
_MARKER_LINE_AFTER = re.compile(r"\n *[#/;!-]")


def _marker_lines(text: str, start: int) -> list[int]:
    """Indexes (``start`` for the first) of the lines of ``text`` (lines joined)
    that start with a marker character after spaces."""
    found = [m.start() + 1 for m in _MARKER_LINE_AFTER.finditer(text)]
    if _MARKER_LINE_FIRST.match(text):
        found.insert(0, 0)
    return [start + index for index in line_indexes(text, found)]


def _is_quoted_output(
    lines: list[str], comments: list[int], marker: str
) -> bool | None:
    """Whether the comment block of ``comments`` quotes device output (see
    `uncomment`): True when a prompt with a command is in it once its markers are
    off, False when every line of it is a prompt already (a shell's "# tcpdump
    -ni eth0": a session, not a comment), None when only being (nearly) the
    whole paste would tell."""
    prompts = 0
    for at in comments:
        found = match_prompt(lines[at].lstrip(" "))
        if found is not None and found[1] is not None:
            prompts += 1
            continue
        found = match_prompt(_unmark(lines[at], marker).lstrip(" "))
        if found is not None and found[1] is not None:
            return True
    if prompts == len(comments):
        return False
    return None


# Widths a terminal window is commonly left at; a paste copied from one that wraps
# long lines holds pieces of exactly that many characters.
_TERMINAL_WIDTHS = (80, 100, 120, 132, 160, 200)


def rejoin_wrapped(
    raw_lines: list[str], lines: list[str], text: str | None = None
) -> list[str]:
    """Lines a terminal broke at its width put back together. The joined text goes
    on the first line and the continuation lines are left blank, so every line
    keeps its number. Done only when several lines are exactly as long as the
    longest one and that is a usual terminal width; a piece is joined only to a
    next line that starts in the first column (wrapped text does, indented output
    does not) and is not a prompt. ``text``, when the caller has it, is the
    paste the raw lines were split from: looked in at once for what makes a
    line's width not its length."""
    if text is not None and not ("\r" in text or "\b" in text or "\t" in text):
        widths = list(map(len, raw_lines))
    elif any(
        "\r" in block or "\b" in block or "\t" in block
        for _, _, block in _blocks(raw_lines)
    ):
        widths = [
            len(raw) if "\r" not in raw and "\b" not in raw and "\t" not in raw else 0
            for raw in raw_lines
        ]
    else:
        widths = list(map(len, raw_lines))
    if not widths:
        return lines
    width = max(widths)
    if width not in _TERMINAL_WIDTHS or widths.count(width) < 2:
        return lines

    def continues(j: int) -> bool:
        nxt = lines[j] if j < len(lines) else ""
        return bool(nxt) and not nxt[0].isspace() and match_prompt(nxt) is None

    # A configuration or a table may hold a line or two that happen to be exactly
    # that long: only a habit of full-width lines followed by text in the first
    # column is wrapping.
    candidates = sum(1 for i, w in enumerate(widths) if w == width and continues(i + 1))
    if candidates < max(2, widths.count(width) // 2):
        return lines
    out = list(lines)
    i = 0
    while i < len(out) - 1:
        if widths[i] != width or len(set(raw_lines[i].strip())) <= 1:
            i += 1
            continue
        joined = out[i] + " " * (len(raw_lines[i]) - len(raw_lines[i].rstrip()))
        j = i + 1
        while j < len(out):
            nxt = out[j]
            if not nxt or nxt[0].isspace() or match_prompt(nxt) is not None:
                break
            joined += nxt
            out[j] = ""
            if widths[j] != width:
                break
            j += 1
        out[i] = joined.rstrip()
        i = j if j > i + 1 else i + 1
    return out


# A line that holds several: literal "\n" escapes where the line breaks were
# (text copied out of JSON, a log shipper or a bug tracker), or a whole debug that a
# forum flattened into one paragraph.
_ESCAPED_BREAK = re.compile(r"(?:\\r)?\\n|\\r")
# Where a device line starts, when line breaks were lost: a syslog or console time
# stamp, a %FACILITY-n- message, the IKE debug prefixes.
_LINE_START = re.compile(
    r"[ \t]+(?=(?:\*|\.)?(?:[A-Z][a-z]{2} {1,2}\d{1,2} (?:\d{4} )?\d\d:\d\d:\d\d"
    r"|\d{1,6}: (?:\*|\.)?[A-Z][a-z]{2} {1,2}\d{1,2} \d\d:\d\d"
    r"|%[A-Z][A-Z0-9_]{1,24}-\d{1,2}-[A-Z0-9_]{2,40}:"
    r"|ISAKMP ?[:(]|IPSEC\(|IKEv2[-:(]|\[IKEv[12]|Group = |IP = ))"
)
_FLATTENED = 240  # characters: no device line with three line starts is shorter
# A command glued to the first word of its output by a page that dropped the line
# break ("show crypto isakmp saIPv4 Crypto ISAKMP SA", "debug crypto
# isakmpISAKMP (0:0): ..."): split where a lower-case command word runs into the
# output's first word.
_GLUED_OUTPUT = re.compile(
    r"^(?P<cmd>(?:\S{1,40}[#>] ?)?(?:show|sh|debug) [a-z0-9 -]{1,60}?[a-z0-9])"
    r"(?=ISAKMP ?[:(]|IPSEC\(|IKEv2[-:(]|IPv4 Crypto |IPv6 Crypto |interface: )"
)
# An IOS SA table flattened onto one line, header and rows: "dst src state
# conn-id slot status 192.1.1.40 192.1.1.20 QM_IDLE 1 0 ACTIVE".
_FLAT_HEADER = re.compile(
    r"(?:IPv[46] Crypto ISAKMP SA\s+)?\bdst\s+src\s+state\s+conn-id\s+"
    r"(?:slot\s+)?status\b"
)
_FLAT_ROW = re.compile(
    r"\s(?=\d{1,3}(?:\.\d{1,3}){3}\s+\d{1,3}(?:\.\d{1,3}){3}\s+[A-Z][A-Z0-9_]{3,15}\s"
    r"+\d{1,6}\s)"
)


def explode(lines: list[str]) -> tuple[list[str], list[int]]:
    """The device lines held in each paste line, with the number of the paste line
    each came from. A line with two or more literal line-break escapes is split at
    them; a long line holding three or more device line starts (a flattened debug)
    is split before each. Every other line is one line, as it was."""
    out: list[str] = []
    numbers: list[int] = []
    for start, block, text in _blocks(lines):
        at = 0
        for i in _may_split(block, text):
            pieces = explode_line(block[i])
            if pieces is None:
                continue
            out.extend(block[at:i])
            numbers.extend(range(start + at + 1, start + i + 1))
            out.extend(pieces)
            numbers.extend(repeat(start + i + 1, len(pieces)))
            at = i + 1
        out.extend(block[at:] if at else block)
        numbers.extend(range(start + at + 1, start + len(block) + 1))
    return out, numbers


# What a line starts with that a command glued to its output (_GLUED_OUTPUT)
# starts with when no prompt is in front of it; with one, a prompt's sign comes
# within its first 41 characters.
_GLUED_STARTS = ("sh", "debug")
_GLUED_SIGN = 41


def _may_split(block: list[str], text: str) -> list[int]:
    """Indexes, in order, of the lines of ``block`` (``text`` when joined by line
    breaks) that `explode_line` may split: long enough to be a flattened debug,
    holding a decoded line break, an escape or a flattened SA table's column, or
    starting as a command glued to its output would. It gives None for every
    other line."""
    found = set(compress(count(), map(_FLATTENED.__le__, map(len, block))))
    found.update(compress(count(), map(str.startswith, block, repeat(_GLUED_STARTS))))
    starts: list[int] = []
    for needle, within in (
        ("#", _GLUED_SIGN),
        (">", _GLUED_SIGN),
        ("conn-id", None),
        ("\\", None),
        (BREAK, None),
    ):
        starts.extend(
            begin
            for begin, at in lines_holding(text, needle)
            if within is None or at - begin < within
        )
    if starts:
        found.update(line_indexes(text, starts))
    return sorted(found)


# What a line that splits holds (see explode_line) unless it is long enough to
# be a flattened debug: the words a command glued to its output runs into
# (_GLUED_OUTPUT) and a flattened SA table's column.
SPLITTING = (
    "ISAKMP",
    "IPSEC(",
    "IKEv2",
    "IPv4 Crypto ",
    "IPv6 Crypto ",
    "interface: ",
    "conn-id",
)


def explode_line(line: str) -> list[str] | None:
    """The device lines one paste line holds (see `explode`), or None when it is
    one line."""
    glued = _GLUED_OUTPUT.match(line)
    if glued:
        rest = line[glued.end() :]
        return [glued.group("cmd")] + (_unflatten(rest) or [rest])
    if BREAK not in line and "conn-id" in line:
        pieces = _unflatten(line)
        if pieces is not None:
            return pieces
    elif BREAK in line:
        return line.split(BREAK)
    if "\\" in line and line.count("\\n") + line.count("\\r") >= 2:
        return _ESCAPED_BREAK.split(line)
    if len(line) >= _FLATTENED:
        return _flattened(line)
    return None


def _flattened(line: str) -> list[str] | None:
    starts = [m.start() for m in _LINE_START.finditer(line, 0, MAX_LINE * 64)]
    if len(starts) < 3:
        return None
    pieces, last = [], 0
    for at in starts:
        pieces.append(line[last:at])
        last = at
    pieces.append(line[last:])
    return [piece.strip(" \t") for piece in pieces]


def _unflatten(line: str) -> list[str] | None:
    """The device lines of one flattened line: an SA table's header and each of its
    rows, or the IKE debug lines of a long line holding three line starts or
    more. None when it is one line."""
    head = _FLAT_HEADER.search(line)
    if head is not None and _FLAT_ROW.search(line, head.end()):
        before = line[: head.start()].strip(" \t")
        header = head.group(0)
        title = re.match(r"IPv[46] Crypto ISAKMP SA", header)
        pieces = [before] if before else []
        if title:
            pieces.append(title.group(0))
            header = header[title.end() :].strip()
        pieces.append(header)
        rows = line[head.end() :]
        cuts = [m.start() for m in _FLAT_ROW.finditer(rows)]
        for at, end in zip(cuts, cuts[1:] + [len(rows)], strict=True):
            pieces.append(rows[at:end].strip(" \t"))
        return pieces
    if len(line) >= _FLATTENED:
        starts = [m.start() for m in _LINE_START.finditer(line, 0, MAX_LINE * 64)]
        if len(starts) >= 3:
            pieces, last = [], 0
            for at in starts:
                pieces.append(line[last:at])
                last = at
            pieces.append(line[last:])
            return [piece.strip(" \t") for piece in pieces if piece.strip(" \t")]
    return None


def split_lines(text: str) -> list[str]:
    """Input lines, numbered as an editor would: CRLF and LF end a line; a lone CR
    ends one only in a paste with no LF at all."""
    if "\r" in text:
        if "\n" not in text:
            text = text.replace("\r", "\n")
        text = text.replace("\r\n", "\n")
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines


class Habits:
    """What `decode_html`, `unwrap` and `rejoin_wrapped` would find in a paste, counted
    a line at a time as the paste streams past, so a reader that cleaned each line
    by itself (`clean_line`, `explode_line`) can tell at the end whether the paste
    needed the whole-paste steps after all. Lines the caller knows leave every step
    nothing to do (see analyzer.parsers.syslog.PLAIN) are only counted (`filled`
    and `widest`); every other line goes through `raw`, `markup` and `cleaned`.

    Three steps the reader may take itself, a line (or a comment block) at a
    time: decoding HTML when it knew beforehand that the paste shows it (``html``,
    from `shows_html`: `any` checks the cleaned lines agree), taking a comment
    block's markers off (`comment_edits`, told to `comments`) and a line's
    inline code backticks (`coded`)."""

    def __init__(self, html: bool = False):
        self.html = html
        self.entities = 0
        # Comment blocks: lines of marker characters alone made blank, and the
        # largest block only being (nearly) the whole paste would strip.
        self.blanked = 0
        self.undecided = 0
        self.blank = 0
        self.stamped = 0
        self.quoted = 0
        self.bulleted = 0
        self.indented = False
        self.widest = 0
        self.at_widest = 0

    def raw(self, raw: str) -> None:
        width = (
            len(raw) if "\r" not in raw and "\b" not in raw and "\t" not in raw else 0
        )
        self.width(width)

    def width(self, width: int, lines: int = 1) -> None:
        """``lines`` raw lines ``width`` characters wide."""
        if width >= self.widest:
            if width > self.widest:
                self.widest, self.at_widest = width, lines
            else:
                self.at_widest += lines

    def markup(self, line: str) -> None:
        """One cleaned line, before HTML decoding."""
        if "&" in line or "<" in line:
            self.entities += _markup(line)

    def comments(self, edits: list[tuple[int, str]], undecided: int) -> None:
        """What `comment_edits` gave for one run of comment lines."""
        self.blanked += sum(1 for _, line in edits if not line)
        self.undecided = max(self.undecided, undecided)

    def cleaned(self, line: str, filled_before: int) -> None:
        """One line as cleaning, HTML decoding and the comment and inline code
        steps left it; ``filled_before`` lines with text came before it."""
        if not line.strip():
            self.blank += 1
            return
        first = line[:1]
        if first == "[" and _STAMP.match(line):
            self.stamped += 1
        if line.lstrip(" ")[:1] == ">":
            self.quoted += 1
        if _BULLET.match(line):
            self.bulleted += 1
        if first == " " and filled_before < 5000 and not self.indented:
            indent = len(line) - len(line.lstrip(" "))
            if indent <= 12 and match_prompt(line[indent:]) is not None:
                self.indented = True

    def any(self, lines: int) -> bool:
        """True when one of the whole-paste steps would change a paste of
        ``lines`` lines in a way the reader did not: HTML decoding where it did
        not decode (or the reverse), a habit `unwrap` removes (a comment block it
        left that is nearly the whole paste among them), or lines a terminal may
        have wrapped."""
        filled = lines - self.blank
        return (
            (self.entities >= 2) != self.html
            or self.undecided * 10 >= (filled + self.blanked) * 9 > 0
            or (self.stamped >= 2 and self.stamped * 2 >= filled)
            or (self.quoted >= 3 and self.quoted * 5 >= filled)
            or (self.bulleted >= 3 and self.bulleted * 5 >= filled)
            or self.indented
            or (self.widest in _TERMINAL_WIDTHS and self.at_widest >= 2)
        )
