"""The device refusing a command: "% Invalid input detected at '^' marker." and kin.

Kind ``cli.error``, one record per refusal: ``command`` (the echoed command it
answered, when the paste has one), ``message`` (the device's words without the
``ERROR:``/``%`` prefix) and ``lines``. The caret line that points at the bad word
and the ASA's "Type help or '?'" hint belong to the same record.
"""

from __future__ import annotations

from analyzer.report import Source

COMMANDS = ()

_MESSAGES = (
    "invalid input detected",
    "incomplete command",
    "ambiguous command",
    "unrecognized command",
    "unknown command",
    "command authorization failed",
    "command rejected",
    "invalid command",
)
_HINTS = ("type help or '?' for a list of available commands",)


def _message(line: str) -> str | None:
    text = line.strip()
    if text.upper().startswith("ERROR:"):
        text = text[6:].strip()
    if not text.startswith("%"):
        return None
    text = text.lstrip("% ").strip()
    lowered = text.lower()
    return text if any(lowered.startswith(m) for m in _MESSAGES) else None


def _is_caret(line: str) -> bool:
    return line.strip() == "^"


def parse(section) -> list[Source]:
    records: list[dict] = []
    claimed: set[int] = set()
    pending_caret: int | None = None
    for index, line in enumerate(section.lines):
        number = section.numbers[index]
        if _is_caret(line):
            pending_caret = number
            continue
        message = _message(line)
        if message is None:
            if records and line.strip().lower().rstrip(".") in _HINTS:
                claimed.add(number)
                records[-1]["lines"][1] = number
            pending_caret = None
            continue
        first = pending_caret if pending_caret is not None else number
        claimed.update({first, number})
        records.append(
            {
                "command": section.command,
                "message": message,
                "lines": [first, number],
                "at": {"message": number},
            }
        )
        pending_caret = None
    if not records:
        return []
    return [
        Source(
            kind="cli.error",
            first_line=min(claimed),
            last_line=max(claimed),
            records=records,
            claimed=claimed,
        )
    ]
