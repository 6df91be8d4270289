"""analyze(text) -> Report: the one entry point for the task, the CLI, the API and tests.

The paste is cleaned line by line without changing the line count (so line numbers
stay those of the input): pager debris, backspaces, escape codes and odd spaces go;
mail quoting, terminal-logging time stamps and a block indent come off; lines a
terminal wrapped at its width are put back together. It is then split into sections
at echoed commands (or a command written alone on a line), and each section
is handed to the parsers that own its command, or to every parser when there is no
command or the owners found nothing. Rules then read all sources together.
"""

from __future__ import annotations

import html
import re
import traceback

from analyzer import parsers, paste, rules
from analyzer.report import Finding, Report, Section, Source

ENGINE_VERSION = "2"

# Parsers never see more than this many characters of one line: nothing a device
# prints is longer, and it bounds the cost of every pattern on hostile input.
MAX_LINE = 4096

_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
_PAGER = re.compile(
    r"<-+\s*More\s*-+>|-{2}\s*More\s*-{2}(?:\s*\(\d+%\))?|\(q\)uit|Press any key to continue",
    re.IGNORECASE,
)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
# A device prompt, optionally followed by the command typed at it:
# "ASA#", "fw01/pri/act# show run", "Router(config)#", "R1>en", "[root@lnx ~]# tcpdump",
# "admin@host:~$ tcpdump", "rommon 1 >".
_PROMPT = re.compile(
    r"^(?P<prompt>\[[^\]\s][^\]]{0,60}\]|rommon \d{1,4} ?|[A-Za-z0-9_][\w.\-/:@~()]{0,62})"
    r"(?P<sign>[#>$])[ \t]{0,8}(?P<cmd>[A-Za-z].*)?$"
)
_WORD = re.compile(r"\S+")
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


# Where a line break was decoded inside one paste line (a control character, so
# nothing pasted can contain it: `clean_line` removes them all).
BREAK = "\x1e"
_ENTITY = re.compile(r"&(?:lt|gt|amp|quot|apos|nbsp|#\d{1,6}|#[xX][0-9a-fA-F]{1,6});")
_BREAK_TAG = re.compile(r"<br\s{0,3}/?>", re.IGNORECASE)


def decode_html(lines: list[str]) -> list[str]:
    """Text that went through a web page's HTML on its way here: entities
    (``&gt;``, ``&amp;``, ``&#39;``) decoded and ``<br>`` tags made line breaks,
    when that is the paste's habit (two or more of them), never for a line that
    merely contains an ampersand. A decoded line break becomes BREAK, where
    `explode` splits the line, so line numbers stay the paste's."""
    seen = 0
    for line in lines:
        if "&" in line or "<" in line:
            seen += len(_ENTITY.findall(line)) + len(_BREAK_TAG.findall(line))
            if seen >= 2:
                break
    if seen < 2:
        return lines
    out = []
    for line in lines:
        if "&" in line or "<" in line:
            line = _BREAK_TAG.sub(BREAK, line)
            if "&" in line:
                line = html.unescape(line)
            line = line.replace("\r", "").replace("\n", BREAK)
            line = line.replace("\u00a0", " ")
        out.append(line)
    return out


def unwrap(lines: list[str]) -> list[str]:
    """The cleaned lines without what was wrapped around each of them after the
    device printed it: terminal-logging time stamps, mail quoting and an indent
    given to the whole paste. Each is removed only when it is the paste's habit,
    never from a single line that merely starts that way."""
    filled = [line for line in lines if line.strip()]
    if not filled:
        return lines
    stamped = sum(1 for line in filled if line[:1] == "[" and _STAMP.match(line))
    if stamped >= 2 and stamped * 2 >= len(filled):
        lines = [
            _STAMP.sub("", line, count=1) if line[:1] == "[" else line for line in lines
        ]
        filled = [line for line in lines if line.strip()]
    quoted = sum(1 for line in filled if line.lstrip(" ")[:1] == ">")
    if quoted >= 3 and quoted * 5 >= len(filled):
        lines = [
            _QUOTE.sub("", line, count=1) if line.lstrip(" ")[:1] == ">" else line
            for line in lines
        ]
    filled = [line for line in lines if line.strip()]
    if not filled:
        return lines
    # A Markdown list made of the lines ("- Mar 1 00:55:40: ISAKMP ...", "* ..."),
    # as a note-taking page exports a pasted debug.
    bulleted = sum(1 for line in filled if _BULLET.match(line))
    if bulleted >= 3 and bulleted * 5 >= len(filled):
        lines = [_BULLET.sub("", line, count=1) for line in lines]
        filled = [line for line in lines if line.strip()]
    # Output indented as a block (a Markdown code block in a forum post or a
    # ticket, prose around it left alone): the indent in front of its prompts is
    # not the device's, and comes off every line that has it.
    indents: dict[int, int] = {}
    for line in filled[:5000]:
        if line[:1] != " ":
            continue
        indent = len(line) - len(line.lstrip(" "))
        if indent <= 12 and match_prompt(line[indent:]) is not None:
            indents[indent] = indents.get(indent, 0) + 1
    if indents:
        indent = max(indents, key=lambda n: (indents[n], -n))
        pad = " " * indent
        lines = [line[indent:] if line.startswith(pad) else line for line in lines]
    return lines


# Widths a terminal window is commonly left at; a paste copied from one that wraps
# long lines holds pieces of exactly that many characters.
_TERMINAL_WIDTHS = (80, 100, 120, 132, 160, 200)


def rejoin_wrapped(raw_lines: list[str], lines: list[str]) -> list[str]:
    """Lines a terminal broke at its width put back together. The joined text goes
    on the first line and the continuation lines are left blank, so every line
    keeps its number. Done only when several lines are exactly as long as the
    longest one and that is a usual terminal width; a piece is joined only to a
    next line that starts in the first column (wrapped text does, indented output
    does not) and is not a prompt."""
    widths = [
        len(raw) if "\r" not in raw and "\b" not in raw and "\t" not in raw else 0
        for raw in raw_lines
    ]
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
    for number, line in enumerate(lines, start=1):
        pieces = None
        glued = _GLUED_OUTPUT.match(line)
        if glued:
            rest = line[glued.end() :]
            pieces = [glued.group("cmd")] + (_unflatten(rest) or [rest])
        elif BREAK not in line and "conn-id" in line:
            pieces = _unflatten(line)
        if pieces is not None:
            pass
        elif BREAK in line:
            pieces = line.split(BREAK)
        elif "\\" in line and line.count("\\n") + line.count("\\r") >= 2:
            pieces = _ESCAPED_BREAK.split(line)
        elif len(line) >= _FLATTENED:
            starts = [m.start() for m in _LINE_START.finditer(line, 0, MAX_LINE * 64)]
            if len(starts) >= 3:
                pieces, last = [], 0
                for at in starts:
                    pieces.append(line[last:at])
                    last = at
                pieces.append(line[last:])
                pieces = [piece.strip(" \t") for piece in pieces]
        if pieces is None:
            out.append(line)
            numbers.append(number)
            continue
        for piece in pieces:
            out.append(piece)
            numbers.append(number)
    return out, numbers


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
    if "\n" not in text and "\r" in text:
        text = text.replace("\r", "\n")
    text = text.replace("\r\n", "\n")
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def match_prompt(line: str):
    """(prompt, command or None) when ``line`` is a device prompt, else None."""
    if len(line) > 300 or not line or line[0].isspace():
        return None
    if line in ("#", "$", ">"):
        return line, None  # a bare prompt with nothing typed at it
    if line[0] in "#$>" and line[1:2] == " ":
        # A shell's bare prompt ("# tcpdump -ni eth0") or Firepower's CLISH ("> show
        # crypto ipsec sa"): only before a known verb, so comments and quoted mail
        # stay text.
        cmd = line[2:].strip()
        first = cmd.split()[0].lower() if cmd else ""
        shell = line[0] != ">" and first in _SHELL_VERBS
        if shell or any(v.startswith(first) and len(first) >= 2 for v in _VERBS):
            return line[0], normalise_command(cmd)
        return None
    m = _PROMPT.match(line)
    if not m:
        return None
    prompt = m.group("prompt") + m.group("sign")
    cmd = m.group("cmd")
    if cmd is None:
        return prompt, None
    if cmd.lower().startswith("do ") and len(cmd) > 3:
        # "Router(config)#do show crypto ipsec sa": exec commands from config mode.
        cmd = cmd[3:].lstrip()
    first = cmd.split()[0].lower()
    known = any(verb.startswith(first) and len(first) >= 2 for verb in _VERBS)
    # In configuration mode any word is a command ("fw01(config)# crypto ..."),
    # unless it is a log line the device printed right after the prompt.
    if not known and ("(config" not in prompt or first[:3] in _MONTHS):
        return None
    return prompt, normalise_command(cmd)


_VERBS = (
    "show",
    "debug",
    "packet-tracer",
    "more",
    "terminal",
    "enable",
    "configure",
    "tcpdump",
    "grep",
    "tail",
    "cat",
    "ping",
    "traceroute",
    "clear",
    "undebug",
    "copy",
    "write",
    "dir",
    "capture",
    "sudo",
    "less",
    "test",
    "logging",
    "exit",
    "end",
    "changeto",
    "reload",
    "session",
    "telnet",
    "ssh",
    "nc",
    "openssl",
)
# Shell commands worth a section of their own after a bare "#" or "$" prompt.
_SHELL_VERBS = ("tcpdump", "sudo", "telnet", "nc", "openssl", "grep", "tail", "cat")
# What a device prints to confirm a debug or terminal command, right after it.
_ACKNOWLEDGEMENTS = (
    "debugging is on",
    "debugging is off",
    "all possible debugging has been turned off",
    "debugging has been turned off",
)


def is_terminal_noise(line: str) -> bool:
    """What a terminal program or a login adds around the device's output: the
    PuTTY session log header, "login as:", password prompts (masked or not), the
    ASA's login hint and "Logoff"."""
    text = line.strip()
    if not text or len(text) > 200:
        return False
    if text.startswith("=~=~=~=") and "log" in text:
        return True
    lowered = text.lower()
    if lowered.startswith("login as:") or lowered in _LOGIN_LINES:
        return True
    # "Password:", "Password: ********", "admin@192.0.2.1's password:"
    head, colon, rest = lowered.partition("password:")
    return bool(colon) and len(head) < 80 and set(rest.strip()) <= {"*"}


_LOGIN_LINES = frozenset(
    (
        "username:",
        "logoff",
        "type help or '?' for a list of available commands.",
        "connection closed by foreign host.",
    )
)


def _is_acknowledgement(line: str, current: Section) -> bool:
    if current.lines or len(line) > 120:
        return False
    text = line.strip().lower().rstrip(".")
    if not text:
        return False
    if text.endswith(_ACKNOWLEDGEMENTS):
        return True
    # ASA: "debug crypto ikev1 enabled at level 127"
    return text.startswith("debug ") and " enabled at level " in text


_MONTHS = frozenset(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
)
_BARE_VERBS = ("sh ", "sho ", "show ", "packet-tracer ", "debug ")


def match_bare_command(line: str):
    """(None, command) when ``line`` is a command a parser reads, written on a
    line of its own with no prompt ("show crypto ipsec sa" above its output in a
    mail), else None."""
    if len(line) > 200 or not line or line[0].isspace():
        return None
    low = line.lower()
    if not low.startswith(_BARE_VERBS) or low.rstrip().endswith((".", "?", ",")):
        return None
    command = normalise_command(line.rstrip(":"))
    if len(command.split()) < 3 or not _owners(command):
        return None
    return None, command


def normalise_command(cmd: str) -> str:
    """Lower case, single spaces, output filters (`| begin X`) kept as typed."""
    return " ".join(_WORD.findall(cmd.strip())).lower()


def command_matches(typed: str, full: str) -> bool:
    """True when ``typed`` is ``full`` written out or abbreviated word by word
    (`sh cry isa sa` for `show crypto isakmp sa`), extra arguments allowed."""
    typed_words = typed.split("|", 1)[0].split()
    full_words = full.split()
    if len(typed_words) < len(full_words):
        return False
    for t, f in zip(typed_words, full_words, strict=False):
        if not f.startswith(t) or (len(t) < 2 and t != f):
            return False
    return True


def sections(
    lines: list[str], numbers: list[int] | None = None
) -> tuple[list[Section], set[int]]:
    """Split cleaned lines at prompts. Returns the sections and the line numbers that
    were prompts or echoed commands (understood, never counted as unparsed).
    ``numbers[i]`` is the paste line ``lines[i]`` came from (by default i + 1; a
    line that held several, see `explode`, gives its number to each)."""
    out: list[Section] = []
    prompt_lines: set[int] = set()
    current = Section(lines=[], numbers=[])
    if numbers is None:
        numbers = range(1, len(lines) + 1)
    for number, line in zip(numbers, lines, strict=True):
        hit = match_prompt(line)
        if hit is None:
            hit = match_bare_command(line)
        if hit is None and is_terminal_noise(line):
            prompt_lines.add(number)
            continue
        if hit is None and current.command and _is_acknowledgement(line, current):
            # "Crypto ISAKMP debugging is on": the device confirming the command.
            prompt_lines.add(number)
            continue
        if hit is not None:
            prompt, command = hit
            prompt_lines.add(number)
            if command is None:
                # A bare prompt ends the previous command's output: whatever is
                # pasted after it is read by content.
                if current.lines:
                    out.append(current)
                    current = Section(lines=[], numbers=[], prompt=prompt)
                continue
            if current.lines:
                out.append(current)
            current = Section(lines=[], numbers=[], command=command, prompt=prompt)
            continue
        current.lines.append(line[:MAX_LINE])
        current.numbers.append(number)
    if current.lines or current.command:
        out.append(current)
    return out, prompt_lines


def _owners(command: str | None):
    if not command:
        return []
    best: list = []
    best_len = 0
    for module in parsers.REGISTRY:
        for full in getattr(module, "COMMANDS", ()):
            if command_matches(command, full):
                n = len(full.split())
                if n > best_len:
                    best, best_len = [module], n
                elif n == best_len and module not in best:
                    best.append(module)
    return best


# Raised into the analysis from outside it (the worker's time limit, the machine
# running out of memory): they stop the whole diagnosis, never just one check.
# The engine imports no task queue: a time limit is known by where its class
# lives (Celery raises billiard's SoftTimeLimitExceeded).
_OUTSIDE_MODULES = ("billiard.", "celery.")


def not_ours(exc: BaseException) -> bool:
    """True for an exception the analysis must let through."""
    if isinstance(exc, MemoryError):
        return True
    return any(
        (getattr(kind, "__module__", "") or "").startswith(_OUTSIDE_MODULES)
        for kind in type(exc).__mro__[:-1]
        if kind.__name__.endswith(
            ("TimeLimitExceeded", "Terminated", "WorkerLostError")
        )
    )


def _run_parser(
    module, section: Section, problems: list[Finding], owner: bool = False
) -> list[Source]:
    """The module's sources for the section, each told the prompt it was typed at
    and, when the module owns the echoed command, that command."""
    try:
        found = list(module.parse(section))
        for source in found:
            if source.prompt is None:
                source.prompt = section.prompt
            if owner and source.command is None:
                source.command = section.command
        return found
    except Exception as exc:  # a parser bug must cost a finding, never the diagnosis
        if not_ours(exc):
            raise
        first = section.numbers[0] if section.numbers else 0
        last = section.numbers[-1] if section.numbers else 0
        problems.append(
            Finding(
                code="engine.parser_error",
                severity="info",
                title=f"Part of the paste could not be read ({module.__name__.rsplit('.', 1)[-1]})",
                detail=(
                    f"Lines {first}-{last} looked like output this parser reads, but it "
                    f"stopped with {type(exc).__name__}. The rest of the paste was analyzed."
                ),
                article="",
                lines=[first] if first else [],
            )
        )
        traceback.print_exc()
        return []


def _unclaimed(section: Section, found: list[Source]) -> Section | None:
    """The section's lines no source accounts for, as a section with no command;
    None when only blank lines are left."""
    claimed: set[int] = set()
    for source in found:
        # A line the source could not read inside its span (a console log
        # message printed in the middle of a show command) is left to the
        # other parsers too.
        claimed |= source.claimed_lines() - set(source.unparsed)
    keep = [i for i, number in enumerate(section.numbers) if number not in claimed]
    if not any(section.lines[i].strip() for i in keep):
        return None
    return Section(
        lines=[section.lines[i] for i in keep],
        numbers=[section.numbers[i] for i in keep],
    )


def analyze(text: str) -> Report:
    raw_lines = split_lines(text)
    cleaned = rejoin_wrapped(
        raw_lines, unwrap(decode_html([clean_line(line) for line in raw_lines]))
    )
    parts, prompt_lines = sections(*explode(cleaned))
    sources: list[Source] = []
    problems: list[Finding] = []
    for section in parts:
        if not section.lines:
            continue
        found: list[Source] = []
        for module in _owners(section.command):
            found.extend(_run_parser(module, section, problems, owner=True))
        if not found:
            for module in parsers.REGISTRY:
                found.extend(_run_parser(module, section, problems))
        else:
            # What the command's parsers left (another output pasted after theirs
            # with no prompt in between) is read by content.
            rest = _unclaimed(section, found)
            if rest is not None:
                for module in parsers.REGISTRY:
                    found.extend(_run_parser(module, rest, problems))
        sources.extend(found)
    sources.sort(key=lambda s: (s.first_line, s.kind))

    understood: set[int] = set(prompt_lines)
    inner_unparsed: set[int] = set()
    for source in sources:
        understood |= source.claimed_lines()
        inner_unparsed.update(source.unparsed)
    unparsed = {
        n
        for n, line in enumerate(cleaned, start=1)
        if line.strip() and n not in understood
    }
    unparsed |= inner_unparsed - {
        n for s in sources for n in s.claimed_lines() if n not in s.unparsed
    }

    report = Report(
        sources=sources,
        findings=[],
        unparsed_lines=len(unparsed),
        line_count=len(raw_lines),
    )
    findings: list[Finding] = list(problems)
    for module in rules.REGISTRY:
        try:
            findings.extend(module.check(report))
        except Exception as exc:
            if not_ours(exc):
                raise
            findings.append(
                Finding(
                    code="engine.rule_error",
                    severity="info",
                    title="One check could not run",
                    detail=f"The {module.__name__.rsplit('.', 1)[-1]} checks stopped with "
                    f"{type(exc).__name__}; the other findings stand.",
                    article="",
                )
            )
            traceback.print_exc()
    order = {"critical": 0, "error": 1, "warning": 2, "info": 3}
    findings.sort(
        key=lambda f: (order[f.severity], f.lines[0] if f.lines else 0, f.code)
    )
    report.findings = findings
    try:
        report.tunnels = paste.judge(paste.build(sources), findings)
    except Exception as exc:
        # The verdicts summarise the findings; a fault here must not lose them.
        if not_ours(exc):
            raise
        traceback.print_exc()
        report.tunnels = []
    return report
