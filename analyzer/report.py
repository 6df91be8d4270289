"""The engine's data types: what a parser returns and what a rule concludes.

Plain dataclasses with no Django import, so parsers, rules, the CLI and the task
share one vocabulary. Line numbers are always 1-based lines of the original paste.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Set
from dataclasses import InitVar, dataclass, field

from analyzer.links import Link

SEVERITIES = ("info", "warning", "error", "critical")
# Line numbers of unrecognised lines a report lists (the count is always whole).
UNPARSED_LISTED = 1000


def plural(count: int, word: str, words: str | None = None) -> str:
    """ "1 packet", "2 packets", "1 message ID", "3 message IDs"."""
    return f"{count} {word if count == 1 else words or word + 's'}"


def quote(text: str, limit: int) -> str:
    """The device's words as a finding quotes them: on one line, each run of
    spaces as one, at most ``limit`` characters. Rules hand raw text only to this
    (or put it verbatim in a sentence); what they decide on are the parsers'
    named fields."""
    return " ".join(text.split())[:limit]


@dataclass
class Section:
    """A run of cleaned paste lines handed to a parser.

    ``lines[i]`` is line ``numbers[i]`` of the original paste. ``command`` is the
    echoed command that introduced the section (normalised, lower case) or None
    when the paste had no prompt and the section was found by content; ``typed``
    is that command as typed (its case kept) and ``at`` the paste line it was
    typed on.
    """

    lines: list[str]
    numbers: list[int]
    command: str | None = None
    prompt: str | None = None
    typed: str | None = None
    at: int | None = None
    # What one parser read of each line, for another that reads the same
    # section after it (the syslog reading reused by the IKE parser). It lives
    # and dies with the section: nothing is shared between analyses.
    readings: dict = field(default_factory=dict, repr=False, compare=False)

    def lineno(self, index: int) -> int:
        return self.numbers[index]


class Lines(Set):
    """A set of line numbers held as runs (the ascending, apart sequences
    ``firsts`` and ``lasts``: run i is firsts[i]..lasts[i]) and a set of single
    lines: what a source claims when it is a long stretch of a log, without an
    int per line."""

    def __init__(self, firsts, lasts, single=()):
        self.firsts = firsts
        self.lasts = lasts
        self.single = {n for n in single if not self._in_runs(n)}

    @classmethod
    def of_runs(cls, runs: list[list[int]], single=()) -> Lines:
        return cls([run[0] for run in runs], [run[1] for run in runs], single)

    @classmethod
    def _from_iterable(cls, iterable):
        return set(iterable)

    def _in_runs(self, number) -> bool:
        at = bisect_right(self.firsts, number) - 1
        return at >= 0 and number <= self.lasts[at]

    def __contains__(self, number) -> bool:
        return number in self.single or self._in_runs(number)

    def __iter__(self):
        single = sorted(self.single)
        i = 0
        for first, last in zip(self.firsts, self.lasts, strict=True):
            while i < len(single) and single[i] < first:
                yield single[i]
                i += 1
            yield from range(first, last + 1)
        yield from single[i:]

    def __len__(self) -> int:
        return len(self.single) + sum(self.lasts) - sum(self.firsts) + len(self.firsts)

    def first(self) -> int:
        return min([self.firsts[0], *self.single]) if self.firsts else min(self.single)

    def last(self) -> int:
        return max([self.lasts[-1], *self.single]) if self.lasts else max(self.single)


@dataclass
class Source:
    """One recognised output in the paste and the records read from it.

    Each record is a plain dict of field -> value (counters as int, addresses as
    plain strings). Every record carries ``lines``: ``[first, last]`` line numbers,
    and may carry ``at``: a dict of field name -> the line number it was read from,
    so a finding can point at the exact line.
    """

    kind: str
    first_line: int
    last_line: int
    records: list[dict] = field(default_factory=list)
    # Lines inside the span that the parser saw but could not read.
    unparsed: list[int] = field(default_factory=list)
    # Line numbers this source accounts for; None means the whole span.
    claimed: set[int] | None = None
    # The echoed command the output came under (normalised), when the parser
    # that read it owns that command; None when it was found by content. Rules
    # read filters from it ("show crypto ipsec sa peer X" lists one peer only).
    command: str | None = None
    # The prompt in front of the section ("asa-hq#", "fw01/CUST-A#"), which
    # tells the devices of a paste apart; None when there was none.
    prompt: str | None = None
    # What a log's messages add up to (counts per message ID, host and peer),
    # for the kinds that count as they read (syslog); in the JSON only when
    # some messages are counted there and not kept as records.
    summary: dict | None = None

    def to_dict(self) -> dict:
        out = {
            "kind": self.kind,
            "first_line": self.first_line,
            "last_line": self.last_line,
            "records": self.records,
        }
        if self.summary is not None and self.summary.get("summarised"):
            out["summary"] = self.summary
        return out

    def claimed_lines(self) -> set[int]:
        if self.claimed is not None:
            return self.claimed
        return set(range(self.first_line, self.last_line + 1))


@dataclass
class Finding:
    code: str
    severity: str
    title: str
    detail: str
    article: str = ""  # the slug of the article that explains it; "" for none
    anchor: str = ""
    lines: list[int] = field(default_factory=list)
    next_commands: list[str] = field(default_factory=list)
    # What the finding is about, in the field's words: "peer 203.0.113.5",
    # "flow inside:10.0.0.1 -> outside:192.0.2.9/25", "static NAT 192.168.5.22".
    subject: str = ""
    # The section it cites, from analyzer.links: fills article and anchor.
    link: InitVar[Link | None] = None

    def __post_init__(self, link: Link | None):
        if self.severity not in SEVERITIES:
            raise ValueError(f"unknown severity {self.severity!r}")
        if link is not None:
            if self.article or self.anchor:
                raise ValueError("give a finding either link= or article=/anchor=")
            self.article, self.anchor = link
        self.lines = sorted(set(self.lines))

    def to_dict(self) -> dict:
        return {
            "code": self.code,
            "severity": self.severity,
            "title": self.title,
            "detail": self.detail,
            "article": self.article,
            "anchor": self.anchor,
            "lines": self.lines,
            "next_commands": self.next_commands,
            "subject": self.subject,
        }


@dataclass
class Report:
    sources: list[Source]
    findings: list[Finding]
    unparsed_lines: int
    line_count: int = 0
    # One verdict per tunnel (analyzer.paste.Tunnel), filled in after the rules.
    tunnels: list = field(default_factory=list)
    # The paste model (analyzer.paste.Paste) the rules read, built before them.
    paste: object = None
    # The line numbers nothing recognised, so a page can mark them.
    unparsed: list[int] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "sources": [s.to_dict() for s in self.sources],
            "findings": [f.to_dict() for f in self.findings],
            "unparsed_lines": self.unparsed_lines,
            "tunnels": [t.to_dict() for t in self.tunnels],
            "unparsed": self.unparsed[:UNPARSED_LISTED],
        }

    def sources_of(self, *kinds: str) -> list[Source]:
        return [s for s in self.sources if s.kind in kinds]
