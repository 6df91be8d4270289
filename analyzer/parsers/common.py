"""Small pieces shared by the parsers. Pure Python."""

from __future__ import annotations

import re

IPV4 = r"(?:\d{1,3}\.){3}\d{1,3}"
# Good enough to pick an IPv6 address out of device output; not a validator.
IPV6 = r"(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}(?:%\w+)?"
IP = rf"(?:{IPV4}|{IPV6})"

_INT = re.compile(r"\d+")


def to_int(text: str | None) -> int | None:
    """The integer in ``text`` ("402798", "1,234"), or None."""
    if text is None:
        return None
    digits = text.replace(",", "").strip()
    return int(digits) if digits.isdigit() else None


def span(section, start: int, end: int) -> tuple[int, int]:
    """First and last paste line numbers of section.lines[start:end+1]."""
    return section.numbers[start], section.numbers[end]
