"""Placeholder: secrets out of pasted text (being written)."""

MARKER = "<removed>"


def redact(text: str) -> str:
    return text
