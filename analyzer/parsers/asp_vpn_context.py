"""ASA `show asp table vpn-context [detail]`, filtered (`| begin 922FAC`) or not.

One record per VPN context: the accelerated-path object the encrypt rule of a
packet-tracer points at (its ``user_data``), bound to one IPsec SA and SPI.

Layouts read:

- detail, ASA 8.x/9.x: `VPN CTX  = 0x00922FAC` then `Key = value` lines (Peer IP,
  Pointer, State, Flags, SA, SPI, Group, Pkts, Bad Pkts, Bad SPI, Spoof, Bad
  Crypto, Rekey Pkt, Rekey Call, VPN Filter); older releases print
  `VPN Ctx = 0058070576 [0x03761630]` (the same number in decimal and hex);
- one line per context without `detail`:
  `VPN ID=0058070576, DECR+ESP, UP, pk=0000000000, rk=0000000000, gc=0`.

Hex values (context, pointer, SA, SPI) are upper case without ``0x``, as the
IPsec SA parser writes SPIs. Counters are integers.
"""

from __future__ import annotations

import re

from analyzer.parsers.common import owned, spi_hex, to_int
from analyzer.registry import ASA_SHOW_ASP_TABLE_VPN_CONTEXT
from analyzer.report import Source

KIND = ASA_SHOW_ASP_TABLE_VPN_CONTEXT
COMMANDS = ("show asp table vpn-context",)

_FIELDS = {
    "vpn ctx": "context",
    "peer ip": "peer",
    "pointer": "pointer",
    "state": "state",
    "flags": "flags",
    "sa": "sa",
    "spi": "spi",
    "group": "group",
    "pkts": "packets",
    "bad pkts": "bad_packets",
    "bad spi": "bad_spi",
    "spoof": "spoof",
    "bad crypto": "bad_crypto",
    "rekey pkt": "rekey_packets",
    "rekey call": "rekey_calls",
    "vpn filter": "vpn_filter",
}
_HEX_FIELDS = {"pointer", "sa"}
_COUNTERS = {
    "group",
    "packets",
    "bad_packets",
    "bad_spi",
    "spoof",
    "bad_crypto",
    "rekey_packets",
    "rekey_calls",
}
_DETAIL = re.compile(r"^([A-Za-z][A-Za-z ]{0,20}?)\s*=\s*(.*)$")
_ONE_LINE = re.compile(r"^VPN\s*(?:ID|CTX|Ctx)\s*=\s*([0-9A-Fa-fx]{1,20})\s*,", re.I)
_BRACKETED = re.compile(r"^(\d{1,12})\s*\[\s*(0x[0-9A-Fa-f]{1,16})\s*\]$")
_STATE_WORDS = ("UP", "DOWN", "DEL", "LARVAL", "INIT")


_HEX_DIGITS = frozenset("0123456789abcdefABCDEF")


def hex_id(text: str | None) -> str | None:
    """`0x0F51782D` -> `0F51782D`; None for anything that is not a hex number."""
    if not text:
        return None
    value = text.strip()
    if value[:2].lower() == "0x":
        value = value[2:]
    if not value or len(value) > 16 or not _HEX_DIGITS.issuperset(value):
        return None
    return value.upper()


def _context_id(value: str) -> tuple[str | None, int | None]:
    """The context as hex, and its number when it was printed in decimal."""
    bracketed = _BRACKETED.match(value)
    if bracketed:
        return hex_id(bracketed.group(2)), int(bracketed.group(1))
    if value[:2].lower() == "0x":
        return hex_id(value), None
    if value.isdecimal():
        number = int(value)
        return f"{number:08X}", number
    return hex_id(value), None


def direction_of(flags: str | None) -> str | None:
    words = (flags or "").upper().split("+")
    if "ENCR" in words:
        return "encrypt"
    if "DECR" in words:
        return "decrypt"
    return None


def _new(lineno: int) -> dict:
    return {
        "context": None,
        "peer": None,
        "pointer": None,
        "state": None,
        "flags": None,
        "direction": None,
        "sa": None,
        "spi": None,
        "group": None,
        "packets": None,
        "bad_packets": None,
        "bad_spi": None,
        "spoof": None,
        "bad_crypto": None,
        "rekey_packets": None,
        "rekey_calls": None,
        "vpn_filter": None,
        "lines": [lineno, lineno],
        "at": {},
    }


def _label(printed: str) -> tuple[str, str | None]:
    """The label as compared ("bad  SPI" -> "bad spi") and its field, or None."""
    found = _LABELS.get(printed)
    if found is None:
        label = " ".join(printed.lower().split())
        found = (label, _FIELDS.get(label))
        if len(_LABELS) < 4096:  # the labels one table repeats for every context
            _LABELS[printed] = found
    return found


_LABELS: dict[str, tuple[str, str | None]] = {}


def parse(section) -> list[Source]:
    ours = owned(section, COMMANDS)
    records: list[dict] = []
    claimed: set[int] = set()
    current: dict | None = None

    for raw, lineno in zip(section.lines, section.numbers, strict=False):
        line = raw.strip()
        if not line:
            if current is not None:
                claimed.add(lineno)
            continue
        # Both layouts need an "=", and the one-line one opens with "VPN".
        if "=" not in line:
            current = None
            continue
        head = line[:3]
        one = (
            _ONE_LINE.match(line)
            if head.lower() == "vpn" or not head.isascii()
            else None
        )
        if one:
            current = None
            records.append(_one_line(line, one, lineno))
            claimed.add(lineno)
            continue
        match = _DETAIL.match(line)
        if not match:
            current = None
            continue
        printed = match.group(1)
        label, field = _LABELS.get(printed) or _label(printed)
        if field is None:
            # An unknown `Key = value` inside a context is a field a newer
            # release added; outside one it is someone else's output.
            if current is not None and len(label) <= 20:
                current.setdefault("extra", {})[match.group(1).strip()] = match.group(
                    2
                ).strip()
                _extend(current, lineno, claimed)
            continue
        starts = field == "context" or current is None or current.get(field) is not None
        if starts:
            if field != "context" and not ours and current is None:
                continue
            current = _new(lineno)
            records.append(current)
        if field in _COUNTERS:  # half the fields: stored here, not in _store
            digits = match.group(2).replace(",", "").strip()
            current[field] = int(digits) if digits.isdecimal() else None
            current["at"][field] = lineno
        else:
            _store(current, field, match.group(2).strip(), lineno)
        current["lines"][1] = lineno
        claimed.add(lineno)

    records = [r for r in records if _is_context(r)]
    if not records:
        return []
    claimed = _within(claimed, [r["lines"] for r in records])
    return [
        Source(
            kind=KIND,
            first_line=min(r["lines"][0] for r in records),
            last_line=max(r["lines"][1] for r in records),
            records=records,
            claimed=claimed,
        )
    ]


def _within(numbers: set[int], spans: list[list[int]]) -> set[int]:
    """The numbers that fall inside one of the ``[first, last]`` spans. The
    contexts' spans follow one another without overlapping, so together they
    are no longer than the section; testing every line against every context
    instead was quadratic on a big table."""
    inside: set[int] = set()
    for first, last in spans:
        inside.update(range(first, last + 1))
    return numbers & inside


def _is_context(record: dict) -> bool:
    return bool(record.get("context") or record.get("spi") or record.get("flags"))


def _extend(record: dict, lineno: int, claimed: set[int]):
    record["lines"][1] = lineno
    claimed.add(lineno)


def _store(record: dict, field: str, value: str, lineno: int):
    if field == "context":
        record["context"], number = _context_id(value)
        if number is not None:
            record["context_number"] = number
    elif field == "spi":
        record["spi"] = spi_hex(value) or value or None
    elif field in _HEX_FIELDS:
        record[field] = hex_id(value) or value or None
    elif field in _COUNTERS:
        record[field] = to_int(value)
    elif field == "flags":
        record["flags"] = value.upper() or None
        record["direction"] = direction_of(value)
    elif field == "state":
        record["state"] = value.upper() or None
    else:
        record[field] = value or None
    record["at"][field] = lineno


def _one_line(line: str, match, lineno: int) -> dict:
    record = _new(lineno)
    record["context"], number = _context_id(match.group(1))
    if number is not None:
        record["context_number"] = number
    record["at"]["context"] = lineno
    for part in line[match.end() :].split(","):
        part = part.strip()
        if not part:
            continue
        key, eq, value = part.partition("=")
        key = key.strip().lower()
        if not eq:
            word = part.upper()
            if "ENCR" in word or "DECR" in word:
                _store(record, "flags", part, lineno)
            elif word.split("+")[0] in _STATE_WORDS:
                _store(record, "state", part, lineno)
            continue
        if key == "pk":
            _store(record, "packets", value, lineno)
        elif key in ("rk", "gc"):
            # Printed without a label in the detail view; kept as the device
            # names them.
            record[key] = to_int(value)
        elif key in ("ptr", "pointer"):
            _store(record, "pointer", value, lineno)
        elif key == "spi":
            _store(record, "spi", value, lineno)
    return record
