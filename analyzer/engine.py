"""analyze(text) -> Report: the one entry point for the task, the CLI, the API and tests.

The paste is cleaned line by line (analyzer.text) and split into sections at
echoed commands (analyzer.sections); each section is handed to the parsers that
own its command, or to every parser when there is no command or the owners found
nothing, and what the owners left is read by content. The rules then read all
sources together, and the paste model judges each tunnel. A parser or rule that
fails costs a finding, never the diagnosis.

A paste that holds plain syslog messages (a log of a million lines) is read in one
pass over its text instead (`_stream`): each line is examined once, the plain
messages go straight to the syslog and IKE readers, which count them as they
stream past, and every other line is cleaned, sectioned and read as above; the
other parsers see only the ends of each long run of messages. It gives the same
report as the general way (`_read_whole`), which it falls back to when a paste
needs what only the general way does.
"""

from __future__ import annotations

import traceback
from bisect import bisect_right
from collections import deque
from itertools import accumulate, compress, count

from analyzer import parsers, paste, rules
from analyzer.parsers import ike_debug, syslog
from analyzer.report import Finding, Lines, Report, Section, Source
from analyzer.sections import (
    MAX_LINE,
    Configuration,
    Splitter,
    command_matches,
    configuration_lines,
    is_terminal_noise,
    match_bare_command,
    match_prompt,
    normalise_command,
    owners,
    sections,
)
from analyzer.text import (
    _FLATTENED,
    BREAK,
    COMMENT_RUN,
    MARKER_CHARS,
    SPLITTING,
    Habits,
    clean_line,
    clean_lines,
    comment_edits,
    decode_html,
    decode_line,
    explode,
    explode_line,
    rejoin_wrapped,
    shows_html,
    split_lines,
    uncode,
    unwrap,
)

# What the rest of the project imported from here before cleaning and sectioning
# had modules of their own.
__all__ = [
    "BREAK",
    "ENGINE_VERSION",
    "MAX_LINE",
    "analyze",
    "clean_line",
    "command_matches",
    "decode_html",
    "explode",
    "is_terminal_noise",
    "match_bare_command",
    "match_prompt",
    "normalise_command",
    "not_ours",
    "rejoin_wrapped",
    "sections",
    "split_lines",
    "unwrap",
]

ENGINE_VERSION = "2"


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
                lines=[first] if first else [],
            )
        )
        traceback.print_exc()
        return []


def _unclaimed(section: Section, found: list[Source]) -> Section | None:
    """The section's lines no source accounts for, as a section with no command;
    None when only blank lines are left."""
    claimed: set[int] = set()
    runs: list[tuple] = []
    for source in found:
        # A line the source could not read inside its span (a console log
        # message printed in the middle of a show command) is left to the
        # other parsers too.
        if isinstance(source.claimed, Lines):
            # A long run of a log: asked line by line.
            runs.append((source.claimed, set(source.unparsed)))
        else:
            claimed |= source.claimed_lines() - set(source.unparsed)
    keep = [
        i
        for i, number in enumerate(section.numbers)
        if number not in claimed
        and not any(number in lines and number not in unread for lines, unread in runs)
    ]
    if not any(section.lines[i].strip() for i in keep):
        return None
    return Section(
        lines=[section.lines[i] for i in keep],
        numbers=[section.numbers[i] for i in keep],
    )


def _read_section(section: Section, sources: list[Source], problems: list) -> None:
    """Hand one section to the parsers that own its command, or to every parser,
    and what the owners left to every parser by content."""
    found: list[Source] = []
    for module in owners(section.command):
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


def clean_and_section(text: str):
    """The general way's first steps: the paste's lines cleaned (analyzer.text)
    and split into sections (analyzer.sections). (line count, cleaned lines,
    sections, prompt line numbers.)"""
    raw_lines = split_lines(text)
    cleaned = rejoin_wrapped(
        raw_lines, unwrap(decode_html(clean_lines(raw_lines), text)), text
    )
    parts, prompt_lines = sections(*explode(cleaned))
    return len(raw_lines), cleaned, configuration_lines(parts), prompt_lines


def _read_whole(text: str):
    """The paste read the general way: every line cleaned and split into sections
    before any parser runs. (sources, parser problems, unparsed line numbers, line
    count.)"""
    line_count, cleaned, parts, prompt_lines = clean_and_section(text)
    sources: list[Source] = []
    problems: list[Finding] = []
    for section in parts:
        if section.lines:
            _read_section(section, sources, problems)
    candidates = [n for n, line in enumerate(cleaned, start=1) if line.strip()]
    return (
        sources,
        problems,
        _unparsed(candidates, prompt_lines, sources),
        line_count,
    )


def _unparsed(candidates, prompt_lines: set[int], sources: list[Source]) -> set[int]:
    """Which of ``candidates`` (line numbers with text) nothing understood, with
    the lines a source saw inside its span but could not read, unless another
    source read them."""
    claimed: set[int] = set()
    read: set[int] = set()
    wide: list[Source] = []
    for source in sources:
        lines = source.claimed
        if lines is None and source.last_line - source.first_line < 100_000:
            lines = source.claimed_lines()
        elif isinstance(lines, Lines) and len(lines) < 100_000:
            lines = set(lines)
        if lines is None or isinstance(lines, Lines):
            # A long run of a log, or a very long span: asked line by line below.
            wide.append(source)
            continue
        claimed |= lines
        read |= lines.difference(source.unparsed)

    def claimed_by_wide(number: int, unread: bool) -> bool:
        for source in wide:
            if unread and number in source.unparsed:
                continue
            if source.claimed is None:
                if source.first_line <= number <= source.last_line:
                    return True
            elif number in source.claimed:
                return True
        return False

    unparsed = {
        n
        for n in candidates
        if n not in prompt_lines and n not in claimed and not claimed_by_wide(n, False)
    }
    inner: set[int] = set()
    for source in sources:
        inner.update(source.unparsed)
    unparsed |= {n for n in inner if n not in read and not claimed_by_wide(n, True)}
    return unparsed


def analyze(text: str) -> Report:
    try:
        read = _stream(text) if _mostly_plain(text) else None
        if read is None:
            read = _read_whole(text)
    finally:
        syslog.forget()
        ike_debug.forget()
    sources, problems, unparsed, line_count = read
    sources.sort(key=lambda s: (s.first_line, s.kind))
    report = Report(
        sources=sources,
        findings=[],
        unparsed_lines=len(unparsed),
        line_count=line_count,
        unparsed=sorted(unparsed),
    )
    try:
        report.paste = paste.build(sources)
    except Exception as exc:
        # A fault in the model must not lose the rest of the analysis.
        if not_ours(exc):
            raise
        traceback.print_exc()
        report.paste = paste.Paste()
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
                )
            )
            traceback.print_exc()
    order = {"critical": 0, "error": 1, "warning": 2, "info": 3}
    findings.sort(
        key=lambda f: (order[f.severity], f.lines[0] if f.lines else 0, f.code)
    )
    report.findings = findings
    try:
        report.tunnels = paste.judge(report.paste, findings)
    except Exception as exc:
        # The verdicts summarise the findings; a fault here must not lose them.
        if not_ours(exc):
            raise
        traceback.print_exc()
        report.tunnels = []
    return report


# --- reading a paste as it streams ------------------------------------------------

# Lines at each end of a long run of plain messages that the parsers other than the
# syslog and IKE ones still see (the run's middle is theirs alone): enough for any
# of them to see the run begin and end (rommon's boot tail, the widest window a
# parser keeps, is 60 lines).
RUN_CONTEXT = 64
# The kinds of section read as they stream: no command (read by content) or the
# command both readers own, `show logging`.
_STREAMED = (syslog, ike_debug)


def _stream(text: str):
    """The paste read in one pass over its text, or None when it takes the general
    way (`_read_whole`): no plain syslog message in it, lone carriage returns for
    line ends, a reader that failed, or a habit of the whole paste that cleaning
    would have removed. Plain messages (see syslog.PLAIN), a run of them at a
    time, go to the syslog and IKE readers without being cleaned or looked at
    again; every other line is cleaned, exploded and sectioned as in the general
    way, and read by all parsers. HTML is decoded when the text shows it, and a
    block of comment lines is held until it ends, when its markers come off as
    text.uncomment would take them. Same report as `_read_whole`."""
    if "\n" not in text and "\r" in text:
        return None
    if syslog.PLAIN.search(text) is None:
        return None
    return _Stream().read(text)


# Lines looked at, at the start and in the middle of a paste, to tell a log.
_SAMPLE = 1000


def _mostly_plain(text: str) -> bool:
    """Whether at least half the lines looked at, at the paste's start and in its
    middle, are plain messages: only then does streaming pay (both ways give the
    same report; on other lines streaming is the slower)."""
    middle = text.find("\n", len(text) // 2) + 1
    sample = text[: 200 * _SAMPLE].split("\n", _SAMPLE)[:_SAMPLE]
    if middle:
        sample += text[middle : middle + 200 * _SAMPLE].split("\n", _SAMPLE)[:_SAMPLE]
    plain = syslog.plain
    return sum(1 for line in sample if plain(line.rstrip("\r")) is not None) * 2 >= len(
        sample
    )


# Characters of the paste split into lines at a time, so a log of any size is
# never held as one list of lines.
_CHUNK = 1 << 20


def _chunks(text: str):
    """The paste's lines as split_lines gives them, about _CHUNK characters' worth
    at a time: (the piece of text, its lines)."""
    pos, size = 0, len(text)
    while pos < size:
        end = text.find("\n", pos + _CHUNK)
        end = size if end == -1 else end + 1
        chunk = text[pos:end]
        pos = end
        if "\r" in chunk:
            chunk = chunk.replace("\r\n", "\n")
        lines = chunk.split("\n")
        if lines[-1] == "":
            # The line break that ends the chunk's last line.
            lines.pop()
        yield chunk, lines


# Printable ASCII but & < \ (what HTML decoding and escapes look for), and the
# line break: a piece of text holding only these needs no line's characters
# looked at one by one.
_PLAIN_BYTES = bytes(c for c in range(0x20, 0x7F) if chr(c) not in "&<\\") + b"\n"


def _clean(chunk: str) -> bool:
    """Whether ``chunk`` holds nothing but _PLAIN_BYTES."""
    if not chunk.isascii():
        return False
    return not chunk.encode("ascii").translate(None, _PLAIN_BYTES)


# What the syslog reader takes on trust in a run of plain messages and the engine
# must still look at line by line: pager words, a flattened SA table, and lines
# long enough to hold a flattened debug.
_LOOK_FOR = ("ore", "(q)", "ss any", "conn-id")


def _look_closer(chunk: str, lines: list[str]) -> tuple[list[int], bool]:
    """Indexes of the lines of ``chunk`` that `_Stream.one` must read by itself,
    in order, and then len(lines): those holding pager words or a flattened SA
    table, or long enough to hold a flattened debug, that cleaning or exploding
    would change. And whether the chunk holds any of those words at all."""
    found = set(compress(count(), map(_FLATTENED.__le__, map(len, lines))))
    starts = None
    words = False
    for needle in _LOOK_FOR:
        at = chunk.find(needle)
        if at == -1:
            continue
        words = True
        if starts is None:
            starts = list(accumulate((len(line) + 1 for line in lines), initial=0))
        while at != -1:
            found.add(bisect_right(starts, at) - 1)
            at = chunk.find(needle, at + 1)
    look = [
        i
        for i in sorted(found)
        if len(lines[i]) > MAX_LINE
        or explode_line(lines[i]) is not None
        or clean_line(lines[i]) != lines[i]
    ]
    return look + [len(lines)], words


def _ike_seen(reading: tuple) -> dict:
    """What the IKE reader is told of a plain message `syslog.plain` read."""
    message_id, _, stamp, facility, said, debug, _ = reading
    return {
        "platform": "asa" if facility is None else "ios",
        "facility": facility,
        "message_id": message_id,
        "debug": debug,
        "text": said,
        "timestamp": stamp,
    }


class _Failed(Exception):
    """A reader stopped: the general way will say so with the section's lines."""


class _Part:
    """The section being read: its Section (its lines other than plain messages,
    with the ends of each run of them when every parser reads it), and for a
    streamed one the syslog and IKE readers."""

    def __init__(self, section: Section):
        self.section = section
        self.streamed = section.command is None or owners(section.command) == list(
            _STREAMED
        )
        self.owned = section.command is not None and self.streamed
        self.syslog = syslog.Reader(section.command) if self.streamed else None
        self.ike = ike_debug.Reader() if self.streamed else None
        # Plain messages of the current run kept for the other parsers, and the
        # latest ones beyond those, kept when the run ends.
        self.head = 0
        self.tail: deque = deque(maxlen=RUN_CONTEXT)

    def end_run(self) -> None:
        if self.tail:
            lines, numbers = self.section.lines, self.section.numbers
            for line, number in self.tail:
                lines.append(line)
                numbers.append(number)
            self.tail.clear()
        self.head = 0


class _Stream:
    """One paste read as it streams (see `_stream`): the sections as the
    splitter finds them, each read by its parsers as soon as it ends."""

    def __init__(self):
        self.sources: list[Source] = []
        self.problems: list[Finding] = []
        self.habits = Habits()
        self.splitter = Splitter(self.done)
        self.part = _Part(self.splitter.current)
        # Commands typed at configuration prompts, gathered as the general way
        # gathers them.
        self.configuration = Configuration()
        # Lines with text that may be left unread (not plain messages read by a
        # syslog reader).
        self.candidates: list[int] = []
        # The piece of text being read, and what `other` may take on trust in it.
        self.chunk = ""
        self.simple = False
        self.splits: bool | None = True
        # Lines of a comment block held until it ends, when `uncomment` would
        # decide whether its markers come off: (line, number).
        self.held: list[tuple[str, int]] = []

    def read(self, text: str):
        self.habits.html = shows_html(text)
        try:
            number = self.lines(text)
            self.release()
            self.splitter.finish()
            if self.configuration.section is not None:
                self.read_configuration(self.configuration.section)
        except _Failed:
            return None
        if self.habits.any(number):
            return None
        unparsed = _unparsed(self.candidates, self.splitter.prompt_lines, self.sources)
        return self.sources, self.problems, unparsed, number

    def lines(self, text: str) -> int:
        """Read every line of ``text``; returns how many there were."""
        number = 0
        habits = self.habits
        splitter = self.splitter
        is_ike = ike_debug.is_ike_line
        for chunk, lines in _chunks(text):
            size = len(lines)
            clean = _clean(chunk)
            if clean:
                # No carriage return, backspace or tab: each line is as wide as
                # it is long.
                widths = list(map(len, lines))
                widest = max(widths, default=0)
                if widest >= habits.widest:
                    habits.width(widest, widths.count(widest))
            else:
                for raw in lines:
                    habits.raw(raw)
            look, words = _look_closer(chunk, lines)
            # For `other`: without control characters, odd spaces or pager
            # words, cleaning a line only strips its end; whether a line may
            # split is looked up once, when one is first asked about.
            self.simple = clean and not words
            self.chunk = chunk
            self.splits = None if self.simple else True
            at = 0
            i = 0
            while i < size:
                stop = look[at]
                if i == stop:
                    # Cleaning or exploding changes it: never read as plain.
                    self.other(lines[i], number + i + 1)
                    i += 1
                    at += 1
                    continue
                if self.held and syslog.plain(lines[i]) is not None:
                    # A plain message ends the comment block held.
                    self.release()
                part = self.part
                if (
                    part.streamed
                    and not part.syslog.in_header
                    and not (splitter.current.command and not splitter.filled)
                ):
                    gates: list = []
                    try:
                        taken = part.syslog.run(
                            lines, i, stop, number + i + 1, clean, is_ike, gates
                        )
                        if taken > i:
                            self.took(part, lines, i, taken, number + i + 1, gates)
                            i = taken
                            continue
                    except Exception as exc:
                        if not_ours(exc):
                            raise
                        raise _Failed from exc
                self.one(lines[i], number + i + 1)
                i += 1
            number += size
        return number

    def took(self, part, lines, start: int, stop: int, number: int, gates) -> None:
        """Plain messages ``lines[start:stop]`` (the first paste line ``number``)
        taken by the syslog reader: the IKE reader's lines, and the ends of the
        run for the other parsers."""
        self.splitter.filled += stop - start
        first = number - start
        if not part.owned:
            section = part.section
            room = RUN_CONTEXT - part.head
            begin = start
            if room > 0:
                head = min(room, stop - start)
                section.lines.extend(lines[start : start + head])
                section.numbers.extend(range(number, number + head))
                part.head += head
                begin += head
            if begin < stop:
                tail = max(begin, stop - RUN_CONTEXT)
                part.tail.extend(
                    zip(
                        lines[tail:stop], range(first + tail, first + stop), strict=True
                    )
                )
        ike = part.ike
        at = start
        for index, reading in [*gates, (stop, None)]:
            # A line after an IOS-style IKE line may continue it.
            while at < index and ike.continues is not None:
                ike.line(lines[at], first + at, syslog.UNREAD, False)
                at += 1
            if reading is None:
                break
            ike.line(lines[index], first + index, _ike_seen(reading), True)
            at = index + 1

    def one(self, line: str, number: int) -> None:
        """One line read by itself: a plain message (`syslog.plain`) that nothing
        else would touch goes to the readers of its section, any other line to
        `other`."""
        reading = syslog.plain(line)
        if reading is None:
            self.other(line, number)
            return
        if self.held:
            self.release()
        splitter = self.splitter
        if splitter.current.command and splitter.acknowledges(line):
            splitter.prompt_lines.add(number)
            return
        splitter.filled += 1
        part = self.part
        if not part.streamed:
            part.section.lines.append(line)
            part.section.numbers.append(number)
            self.candidates.append(number)
            return
        if not part.owned:
            if part.head < RUN_CONTEXT:
                part.section.lines.append(line)
                part.section.numbers.append(number)
                part.head += 1
            else:
                part.tail.append((line, number))
        try:
            reader = part.syslog
            if reader.in_header:
                seen = reader.line(line, number)
            else:
                reader.message(line, number, reading)
                seen = None
            ike = part.ike
            if ike_debug.is_ike_line(line):
                if seen is None:
                    seen = _ike_seen(reading)
                ike.line(line, number, seen, True)
            elif ike.continues is not None:
                ike.line(line, number, syslog.UNREAD, False)
        except Exception as exc:
            if not_ours(exc):
                raise
            raise _Failed from exc

    def other(self, raw: str, number: int) -> None:
        """One paste line that is not a plain message: cleaned, exploded and
        sectioned as in the general way, and read by every parser its section
        goes to."""
        habits = self.habits
        line = raw.rstrip() if self.simple else clean_line(raw)
        if "&" in line or "<" in line:
            habits.markup(line)
            if habits.html:
                line = decode_line(line)
        if line.lstrip(" ")[:1] in MARKER_CHARS:
            # Perhaps a line of a comment block (see text.uncomment).
            self.held.append((line, number))
            return
        if self.held:
            if not line or line.isspace():
                self.held.append((line, number))
                return
            self.release()
        self.unwrapped(line, number, self.splits)

    def release(self) -> None:
        """The comment block held read, its markers off when `uncomment` would
        take them off."""
        held, self.held = self.held, []
        lines = [line for line, _ in held]
        run = [i for i, line in enumerate(lines) if line and not line.isspace()]
        if len(run) >= COMMENT_RUN:
            edits, undecided = comment_edits(lines, run, None)
            self.habits.comments(edits, undecided)
            for at, line in edits:
                lines[at] = line
        for line, (_, number) in zip(lines, held, strict=True):
            self.unwrapped(line, number, True)

    def unwrapped(self, line: str, number: int, splits: bool | None) -> None:
        """One line as the general way's cleaning leaves it but for the steps
        Habits tells of, exploded and sectioned. ``splits`` says whether the
        line may split (None: look in the chunk)."""
        habits = self.habits
        if line[:1] == "`":
            line = uncode(line)
        habits.cleaned(line, number - 1 - habits.blank)
        if line.strip():
            self.candidates.append(number)
        if splits is None:
            chunk = self.chunk
            splits = self.splits = any(word in chunk for word in SPLITTING)
        if splits or len(line) >= _FLATTENED or BREAK in line:
            pieces = explode_line(line)
        else:
            pieces = None
        if pieces is None:
            self.piece(line, number)
        else:
            for piece in pieces:
                self.piece(piece, number)

    def piece(self, line: str, number: int) -> None:
        splitter = self.splitter
        if not splitter.line(line, number):
            if splitter.current is not self.part.section:
                self.part = _Part(splitter.current)
            return
        line = line[:MAX_LINE]
        part = self.part
        if part.streamed:
            part.end_run()
        part.section.lines.append(line)
        part.section.numbers.append(number)
        if not part.streamed:
            return
        try:
            reading = syslog.UNREAD
            if line and not line.isspace():
                reading = part.syslog.line(line, number)
            part.ike.line(line, number, reading)
        except Exception as exc:
            if not_ours(exc):
                raise
            raise _Failed from exc

    def read_configuration(self, run: Section) -> None:
        if run.lines:
            _read_section(run, self.sources, self.problems)

    def done(self, section: Section) -> None:
        """A section is complete: its parsers' sources."""
        part = self.part
        if section is not part.section:
            raise AssertionError("a section ended that was not being read")
        configuration = self.configuration
        run = configuration.section
        if configuration.add(section):
            # A command typed at a configuration prompt: a line of the run of
            # them (`configuration_lines`), read when the run ends; what the
            # device printed under it is read as in the general way.
            if part.streamed:
                raise _Failed
            if configuration.started and run is not None:
                self.read_configuration(run)
            if self.splitter.filled:
                _read_section(section, self.sources, self.problems)
            return
        configuration.end()
        if run is not None:
            self.read_configuration(run)
        if not self.splitter.filled:
            return
        if not part.streamed:
            _read_section(section, self.sources, self.problems)
            return
        part.end_run()
        try:
            read = {
                syslog: part.syslog.sources(),
                ike_debug: part.ike.sources(),
            }
        except Exception as exc:
            if not_ours(exc):
                raise
            raise _Failed from exc
        for found in read.values():
            for source in found:
                if source.prompt is None:
                    source.prompt = section.prompt
                if part.owned and source.command is None:
                    source.command = section.command
        found: list[Source] = []
        if part.owned:
            found = read[syslog] + read[ike_debug]
            if not found:
                # The owners found nothing (so no plain message was in it):
                # every parser reads the section as in the general way.
                _read_section(section, self.sources, self.problems)
                return
            rest = _unclaimed(section, found)
            if rest is not None:
                for module in parsers.REGISTRY:
                    found.extend(_run_parser(module, rest, self.problems))
        else:
            for module in parsers.REGISTRY:
                if module in read:
                    found.extend(read[module])
                else:
                    found.extend(_run_parser(module, section, self.problems))
        self.sources.extend(found)
