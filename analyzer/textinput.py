"""Bytes from a form, an upload, the API or the command line -> text, or a refusal.

One set of rules for every way in: the size limit counts the bytes received, empty
input and binary files get a message that says what is wrong, and text in any
encoding an engineer's machine produces is read.

Decoding: a UTF-32/UTF-16/UTF-8 byte order mark wins; UTF-16 without a mark (what
some Windows tools write) is recognised by its zero bytes; everything else is read as
UTF-8 when it is UTF-8. A paste that is UTF-8 with a few stray legacy bytes (a
banner typed on an old terminal) keeps its UTF-8 characters and reads each stray
byte as Windows-1252; any other non-UTF-8 paste is read as Windows-1252 throughout.
The five bytes Windows-1252 leaves undefined read as their Latin-1 characters, so
no byte is ever lost or replaced.
"""

from __future__ import annotations

import codecs
import re

# Bytes looked at to tell text from binary before decoding everything.
_SNIFF = 8192
# Above this share of control characters (other than tab, newline, CR, form feed,
# backspace and escape, which terminals and pagers do print) the input is not text.
_MAX_CONTROL_SHARE = 0.10
_TEXT_CONTROLS = frozenset("\t\n\r\f\b\x1b")
_CONTROL_CHARS = {
    c: None
    for c in (*range(0, 32), *range(127, 160), 0xFFFD)
    if chr(c) not in _TEXT_CONTROLS
}
_UTF8_SEQUENCE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)
_HIGH_BYTES = bytes(range(0x80, 0x100))
_MAX_STRAY_BYTES = 10_000
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
EMPTY_MESSAGE = "The paste is empty."
BINARY_MESSAGE = (
    "This does not look like text (it contains binary data). Paste what the "
    "device printed, or upload it as a plain text file."
)


class InputError(ValueError):
    """Input that cannot be analyzed; ``status`` is the HTTP status to answer with."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.message = message
        self.status = status


def _legacy_byte(exc: UnicodeDecodeError) -> tuple[str, int]:
    """Error handler: a byte UTF-8 (or Windows-1252) cannot read becomes its
    Windows-1252 character, or its Latin-1 one where Windows-1252 has none."""
    bad = exc.object[exc.start : exc.end]
    return "".join(_windows_1252(b) for b in bad), exc.end


def _windows_1252(byte: int) -> str:
    try:
        return bytes([byte]).decode("cp1252")
    except UnicodeDecodeError:
        return chr(byte)


codecs.register_error("tshoot-legacy", _legacy_byte)


def human_size(size: int) -> str:
    """``2097152`` -> ``"2 MiB"``, ``1536`` -> ``"1.5 KiB"``."""
    for unit, factor in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if size >= factor:
            value = size / factor
            text = f"{value:.0f}" if size % factor == 0 else f"{value:.1f}"
            return f"{text} {unit}"
    return f"{size} bytes" if size != 1 else "1 byte"


def too_large(size: int, limit: int) -> InputError:
    size_text, limit_text = human_size(size), human_size(limit)
    if size_text.split()[0].rstrip("0").rstrip(".") == limit_text.split()[0]:
        # Just over: rounded, both would read "2 MiB"; say it in bytes.
        size_text, limit_text = f"{size:,} bytes", f"{limit_text} ({limit:,} bytes)"
    return InputError(
        f"The paste is {size_text}; the limit is {limit_text}.", status=413
    )


def _looks_binary(data: bytes) -> bool:
    head = data[:_SNIFF]
    if b"\x00" in head:
        return True
    controls = sum(
        head.count(bytes([c])) for c in range(1, 32) if chr(c) not in _TEXT_CONTROLS
    )
    return controls > len(head) * _MAX_CONTROL_SHARE


def _utf16_without_bom(data: bytes) -> str | None:
    """The codec for UTF-16 text written without a byte order mark, else None:
    nearly every other byte is zero in text that is mostly ASCII."""
    head = data[: _SNIFF - _SNIFF % 2]
    if len(head) < 4 or len(data) % 2:
        return None
    even, odd = head[0::2], head[1::2]
    half = len(head) // 2
    if odd.count(0) >= 0.9 * half and even.count(0) == 0:
        return "utf-16-le"
    if even.count(0) >= 0.9 * half and odd.count(0) == 0:
        return "utf-16-be"
    return None


def _to_text(data: bytes) -> str:
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(codec, errors="replace")
    codec = _utf16_without_bom(data)
    if codec:
        return data.decode(codec, errors="replace")
    if _looks_binary(data):
        raise InputError(BINARY_MESSAGE)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    # UTF-8 with a few stray legacy bytes keeps its UTF-8 characters; anything else
    # is a legacy file and is read as Windows-1252 throughout (one pass, no
    # per-byte error handling, so a hostile file costs no more than a clean one).
    sequences = _UTF8_SEQUENCE.findall(data)
    high = len(data) - len(data.translate(None, _HIGH_BYTES))
    stray = high - sum(len(seq) for seq in sequences)
    if stray <= min(len(sequences), _MAX_STRAY_BYTES):
        return data.decode("utf-8", errors="tshoot-legacy")
    return data.decode("cp1252", errors="tshoot-legacy")


def decode(data: bytes, limit: int) -> str:
    """The text of ``data``, or InputError: 400 when empty or binary, 413 when
    larger than ``limit`` bytes."""
    if not data or not data.strip():
        raise InputError(EMPTY_MESSAGE)
    if len(data) > limit:
        raise too_large(len(data), limit)
    text = _to_text(data)
    if not text.strip():
        raise InputError(EMPTY_MESSAGE)
    if "\x00" in text:
        raise InputError(BINARY_MESSAGE)
    controls = len(text) - len(text.translate(_CONTROL_CHARS))
    if controls > len(text) * _MAX_CONTROL_SHARE:
        raise InputError(BINARY_MESSAGE)
    return text


def combine(files: list[tuple[str, bytes]], limit: int, headings=False) -> str:
    """Several uploaded files as one paste (see ``combine_with_spans``)."""
    return combine_with_spans(files, limit, headings)[0]


def file_heading(name: str) -> str:
    """The line naming a file ahead of its text: "==> asa-hq.log <==", the name
    on one line of printable characters."""
    name = "".join(c if c.isprintable() else " " for c in name).strip()[:200]
    return f"==> {name or 'upload'} <=="


def combine_with_spans(
    files: list[tuple[str, bytes]], limit: int, headings: bool = False
) -> tuple[str, list[tuple[str, int, int]]]:
    """Several text files joined into one paste, in the order given, each ending in
    a newline and followed by one blank line, so line numbers of the result point
    into the joined text. Also returns ``(name, first_line, last_line)`` per file.

    The total size counts against ``limit``; a file that is empty or not text is
    refused with its name in the message. With ``headings`` each file's text
    starts with a line naming it (``file_heading``), read as a section break.
    """
    if not files:
        raise InputError(EMPTY_MESSAGE)
    total = sum(len(data) for _, data in files)
    if total > limit:
        raise too_large(total, limit)
    parts: list[str] = []
    spans: list[tuple[str, int, int]] = []
    line = 1
    for name, data in files:
        try:
            text = decode(data, limit)
        except InputError as exc:
            message = exc.message
            if message == EMPTY_MESSAGE:
                message = "The file is empty."
            raise InputError(f"{name}: {message}", status=exc.status) from exc
        if "\n" not in text and "\r" in text:
            text = text.replace(
                "\r", "\n"
            )  # classic Mac line ends, as the engine reads them
        if not text.endswith("\n"):
            text += "\n"
        if headings:
            # The file's name as the heading of its section of the paste.
            text = file_heading(name) + "\n" + text
        count = text.count("\n")
        spans.append((name, line, line + count - 1))
        line += count + 1
        parts.append(text)
    return "\n".join(parts), spans
