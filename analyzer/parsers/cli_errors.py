"""The device refusing a command: "% Invalid input detected at '^' marker." and kin.

Kind ``cli.error``, one record per refusal: ``command`` (the echoed command it
answered, when the paste has one), ``message`` (the device's words without the
``ERROR:``/``%`` prefix), ``reason`` (which refusal: ``invalid_input``,
``incomplete``, ``ambiguous``, ``unrecognized``, ``unknown``, ``not_authorized``,
``rejected``, ``invalid_command``) and ``lines``. The caret line that points at the bad word
and the ASA's "Type help or '?'" hint belong to the same record.
"""

from __future__ import annotations

from analyzer.registry import CLI_ERROR
from analyzer.report import Source

COMMANDS = ()

# How each refusal starts, and its name.
_MESSAGES = {
    "invalid input detected": "invalid_input",
    "incomplete command": "incomplete",
    "ambiguous command": "ambiguous",
    "unrecognized command": "unrecognized",
    "unknown command": "unknown",
    "command authorization failed": "not_authorized",
    "command rejected": "rejected",
    "invalid command": "invalid_command",
}
_HINTS = ("type help or '?' for a list of available commands",)


def _message(line: str) -> tuple[str, str] | None:
    """(the device's words, the refusal's name) of a refusal line, else None."""
    text = line.strip()
    if text.upper().startswith("ERROR:"):
        text = text[6:].strip()
    if not text.startswith("%"):
        return None
    text = text.lstrip("% ").strip()
    lowered = text.lower()
    for start, reason in _MESSAGES.items():
        if lowered.startswith(start):
            return text, reason
    return None


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
        read = _message(line)
        if read is None:
            if records and line.strip().lower().rstrip(".") in _HINTS:
                claimed.add(number)
                records[-1]["lines"][1] = number
            pending_caret = None
            continue
        first = pending_caret if pending_caret is not None else number
        claimed.update({first, number})
        message, reason = read
        records.append(
            {
                "command": section.command,
                "message": message,
                "reason": reason,
                "lines": [first, number],
                "at": {"message": number},
            }
        )
        pending_caret = None
    if not records:
        return []
    return [
        Source(
            kind=CLI_ERROR,
            first_line=min(claimed),
            last_line=max(claimed),
            records=records,
            claimed=claimed,
        )
    ]
