"""The walk both configuration parsers share (ASA/PIX and IOS/IOS-XE).

A configuration is a list of top-level commands, each with the indented lines
that belong to it. :class:`ConfigReader` walks the lines once: a top-level line
goes to the handler its first word picks (``TOP``), or is known configuration
with nothing to read (``KNOWN_TOP``: its indented lines are skipped with it), or
is not configuration at all; an indented line goes to the block the last
top-level line opened (``child``). Each platform's reader says what its
comments and banners look like (``boundary``) and holds its handlers; the
records, their line spans and the source they end up in are built here.
Pure Python.
"""

from __future__ import annotations

import re

from analyzer.parsers.common import IPV4
from analyzer.report import Source

_IPV4 = re.compile(rf"^{IPV4}$")
_PORT_OPS = frozenset({"eq", "neq", "lt", "gt"})


def is_ipv4(word: str) -> bool:
    """True for a word that is an IPv4 address as pasted (masked octets too)."""
    return bool(_IPV4.match(word))


def skip_ports(words: list[str], pos: int, service_groups=()) -> int:
    """Past the port part of an ACL line at ``pos`` (`eq 443`, `range 1 5`, and
    on the ASA a service object-group), if there is one."""
    if pos >= len(words):
        return pos
    if words[pos] in _PORT_OPS:
        return pos + 2
    if words[pos] == "range":
        return pos + 3
    if (
        words[pos] == "object-group"
        and pos + 1 < len(words)
        and words[pos + 1] in service_groups
    ):
        return pos + 2
    return pos


# What ``block`` holds for a command whose indented lines are understood and
# not read.
SKIP = ("skip", None)


class ConfigReader:
    # First word -> handler(reader, words, number), filled in by each platform.
    TOP: dict = {}
    # First words understood as configuration with nothing read from them.
    KNOWN_TOP: frozenset = frozenset()
    # True: the indented lines after a handled command that opened no block of
    # its own are configuration too (IOS); False: they are not read (ASA).
    SKIP_AFTER_HANDLED = False

    def __init__(self, section):
        self.section = section
        self.records: list[dict] = []
        self.claimed: set[int] = set()
        self.block: tuple | None = None  # (kind, record or key, ...)

    # --- records --------------------------------------------------------------

    def add(self, kind: str, number: int, **fields) -> dict:
        record = {"type": kind, **fields, "lines": [number, number]}
        self.records.append(record)
        return record

    @staticmethod
    def touch(record: dict, number: int) -> None:
        first, last = record["lines"]
        record["lines"] = [min(first, number), max(last, number)]

    # --- the walk -------------------------------------------------------------

    def read(self, index: int, raw: str) -> bool:
        """Read one line; True when it is configuration (the line is claimed)."""
        number = self.section.numbers[index]
        line = raw.rstrip()
        stripped = line.strip()
        if not stripped:
            return False
        ends = self.boundary(line, stripped)
        if ends is not None:
            return ends
        words = stripped.split()
        if line[0] in " \t":
            if self.block is None:
                return False
            return self.child(words, number, len(line) - len(line.lstrip()))
        self.block = None
        return self.top(words, number)

    def boundary(self, line: str, stripped: str) -> bool | None:
        """A comment, banner or marker line: True or False as ``read`` answers,
        or None for a line to read as a command."""
        return None

    def top(self, words: list[str], number: int) -> bool:
        handler = self.TOP.get(words[0])
        if handler is not None:
            handler(self, words, number)
            if self.SKIP_AFTER_HANDLED and self.block is None:
                self.block = SKIP
            return True
        if words[0] in self.KNOWN_TOP:
            self.block = SKIP  # understood; its indented lines go with it
            return True
        return False

    def child(self, words: list[str], number: int, indent: int) -> bool:
        raise NotImplementedError

    # --- the source -----------------------------------------------------------

    def read_all(self, skip: set[int] = frozenset()) -> None:
        """Walk every line of the section but those at the ``skip`` indexes."""
        section = self.section
        for index, line in enumerate(section.lines):
            if index not in skip and self.read(index, line):
                self.claimed.add(section.numbers[index])

    def source(self, kind: str) -> Source | None:
        """The records read, as one source: the whole section when the paste
        echoed the command, the claimed lines otherwise."""
        if not self.records:
            return None
        for record in self.records:
            if "at" in record and not record["at"]:
                del record["at"]
        section = self.section
        by_command = bool(section.command)
        source = Source(
            kind=kind,
            first_line=section.numbers[0] if by_command else min(self.claimed),
            last_line=section.numbers[-1] if by_command else max(self.claimed),
            records=self.records,
        )
        if not by_command:
            source.claimed = self.claimed
        return source
