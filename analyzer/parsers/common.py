"""Small pieces shared by the parsers. Pure Python."""

from __future__ import annotations

import re

# An IPv4 address as pasted: forum posters mask octets ("185.x.y.113",
# "124.29.X.X", "x.x.x.x", "10.*.*.1"), and a masked address still names the same
# peer on every line of the paste. Arithmetic on addresses (analyzer.addresses) gives
# None for a masked one.
_OCTET = r"(?:\d{1,3}|[xX]{1,3}|\*{1,3}|[yzYZ](?![\w-]))"
IPV4 = rf"(?:{_OCTET}\.){{3}}{_OCTET}"
# Good enough to pick an IPv6 address out of device output; not a validator.
IPV6 = r"(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}(?:%\w+)?"
IP = rf"(?:{IPV4}|{IPV6})"

_INT = re.compile(r"\d+")


def to_int(text: str | None) -> int | None:
    """The integer in ``text`` ("402798", "1,234"), or None."""
    if text is None:
        return None
    digits = text.replace(",", "").strip()
    return int(digits) if digits.isdecimal() else None


def span(section, start: int, end: int) -> tuple[int, int]:
    """First and last paste line numbers of section.lines[start:end+1]."""
    return section.numbers[start], section.numbers[end]


# --- which device printed a configuration ------------------------------------------

# Lines only an ASA (or PIX) writes in its configuration, by how they start.
_ASA_CONFIG_MARKS = (
    "asa version",
    "pix version",
    "fwsm version",
    " nameif ",
    " security-level ",
    "object network ",
    "object-group network ",
    "nat (",
    "static (",
    "global (",
    "tunnel-group ",
    "group-policy ",
    "crypto ikev1 ",
    "crypto ipsec ikev1 ",
    "crypto ipsec ikev2 ",
    "same-security-traffic ",
    "arp permit-nonconnected",
    "access-group ",
    "route outside ",
    "route inside ",
    "isakmp enable ",
    "isakmp policy ",
    "fixup protocol ",
    "names",
    "asdm ",
    "pager lines",
    "mtu ",
    "ssh timeout ",
    "crypto isakmp enable ",
    "service-policy ",
)
# Lines only IOS / IOS-XE writes.
_IOS_CONFIG_MARKS = (
    "version 1",
    "boot-start-marker",
    "service timestamps",
    "ip nat inside source",
    "ip nat outside source",
    " ip nat inside",
    " ip nat outside",
    "ip access-list extended ",
    "ip access-list standard ",
    "ip route ",
    "crypto isakmp key ",
    "crypto keyring ",
    "crypto isakmp profile ",
    "crypto ikev2 keyring ",
    "crypto ikev2 profile ",
    "crypto ikev2 proposal ",
    " set transform-set ",
    " match address ",
    " encr ",
    " crypto map ",
    "line vty ",
    "line con ",
    "router ospf ",
    "router bgp ",
    "router eigrp ",
    "ip cef",
    "no ip domain lookup",
    "ip domain name ",
    "ip domain-name ",
    "interface fastethernet",
    "interface dialer",
    "interface tunnel",
    "interface loopback",
    "interface virtual-template",
    "route-map ",
    "license udi ",
)


_ASA_STARTS = tuple(m for m in _ASA_CONFIG_MARKS if m[0] != " ")
_ASA_INSIDE = tuple(m for m in _ASA_CONFIG_MARKS if m[0] == " ")
_IOS_STARTS = tuple(m for m in _IOS_CONFIG_MARKS if m[0] != " ")
_IOS_INDENTED = tuple(m for m in _IOS_CONFIG_MARKS if m[0] == " ")


def config_platform(lines) -> tuple[str | None, int, int]:
    """Which platform wrote these configuration lines: ("asa" | "ios" | None, the
    ASA score, the IOS score). Only the first 200 characters of a line count."""
    asa = ios = 0
    for raw in lines:
        line = raw[:200].lower()
        if not line.strip():
            continue
        if line.startswith(_ASA_STARTS) or any(m in line for m in _ASA_INSIDE):
            asa += 1
        if line.startswith(_IOS_STARTS) or line.startswith(_IOS_INDENTED):
            ios += 1
        if line.startswith("crypto map ") and " match address " in line:
            asa += 1
    if asa == 0 and ios == 0:
        return None, 0, 0
    return ("asa" if asa >= ios else "ios"), asa, ios


def owned(section, commands) -> bool:
    """True when the section was introduced by one of ``commands`` (abbreviated or
    not), so everything in it is that command's output."""
    if not section.command:
        return False
    # Imported here: the engine imports the parser registry at load time.
    from analyzer.engine import command_matches

    return any(command_matches(section.command, full) for full in commands)


_HEX = frozenset("0123456789abcdef")


def spi_hex(text: str | None) -> str | None:
    """An SPI as the ASA's asp table prints it: upper-case hex without ``0x``,
    zero-padded to 8 digits ("0xe5c56c30", "E5C56C30" and "0x0" give "E5C56C30"
    and "00000000"). None when ``text`` is not a 32-bit hex number."""
    if text is None:
        return None
    digits = text.strip().lower()
    if digits[:2] in ("0x", "0\u00d7"):
        digits = digits[2:]
    if not digits or len(digits) > 8 or not set(digits) <= _HEX:
        return None
    return digits.upper().rjust(8, "0")


def addr_port(text: str) -> tuple[str, int | None]:
    """("10.0.0.1", 500) from "10.0.0.1/500"; the text and None when no port."""
    addr, slash, port = text.strip().rpartition("/")
    if slash and port.isdecimal() and addr and ("." in addr or ":" in addr):
        return addr, int(port)
    return text.strip(), None


def snake(label: str) -> str:
    """A device label as a field name: "pkts invalid sa (rcv)" -> "pkts_invalid_sa_rcv"."""
    out: list[str] = []
    for ch in label.lower():
        if ch.isalnum():
            out.append(ch)
        elif out and out[-1] != "_":
            out.append("_")
    return "".join(out).strip("_")


def source_from(kind: str, section, indexes, records, unparsed=()):
    """A Source over the section lines at ``indexes`` (claimed), with
    ``unparsed`` indexes among them that nothing could read."""
    from analyzer.report import Source

    numbers = sorted({section.numbers[i] for i in indexes})
    return Source(
        kind=kind,
        first_line=numbers[0],
        last_line=numbers[-1],
        records=records,
        unparsed=sorted({section.numbers[i] for i in unparsed}),
        claimed=set(numbers),
        prompt=getattr(section, "prompt", None),
    )


def read_blocks(section, reader, own: bool, slack: int = 3) -> list[dict]:
    """Group the section's lines into blocks of one kind of output.

    ``reader.starts(text)`` says whether a line can open a block,
    ``reader.open()`` is called as one opens, and ``reader.read(index, text)``
    reads each non-blank line inside: True when understood, False when not,
    "partial" when only part of it was. Outside an owned section (one whose
    echoed command is the parser's), a block ends after more than ``slack``
    unreadable lines in a row; inside one, every line belongs to the block and
    the unreadable ones are reported. Returns ``[{"indexes", "unparsed"}]``.
    """
    blocks: list[dict] = []
    block: dict | None = None
    indexes: list[int] = []
    pending: list[int] = []
    blanks: list[int] = []
    starts, read = reader.starts, reader.read
    for index, line in enumerate(section.lines):
        text = line.strip()
        if not text:
            if block is not None:
                blanks.append(index)
            continue
        if block is None:
            if not (own or starts(text)):
                continue
            block = {"indexes": [], "unparsed": []}
            blocks.append(block)
            indexes = block["indexes"]
            reader.open()
            pending, blanks = [], []
        result = read(index, text)
        if result:
            # Most lines are read and follow one that was: nothing to carry.
            if pending or blanks:
                indexes += pending + blanks
                block["unparsed"] += pending
                pending, blanks = [], []
            indexes.append(index)
            if result == "partial":
                block["unparsed"].append(index)
        elif own:
            indexes += blanks
            indexes.append(index)
            block["unparsed"].append(index)
            blanks = []
        else:
            pending.append(index)
            if len(pending) > slack:
                block, pending, blanks = None, [], []
    if own and not blocks and section.lines:
        reader.open()
        blocks.append({"indexes": list(range(len(section.lines))), "unparsed": []})
    return blocks


def source_up_to_last_filled(kind: str, section, claimed: set[int], records, unparsed):
    """A Source over the claimed paste lines (numbers, not indexes), ending at the
    last one with text: trailing blank lines belong to whatever follows. None when
    no claimed line has text."""
    from analyzer.report import Source

    filled = {
        n for raw, n in zip(section.lines, section.numbers, strict=False) if raw.strip()
    }
    if not claimed & filled:
        return None
    last = max(claimed & filled)
    claimed = {n for n in claimed if n <= last}
    return Source(
        kind=kind,
        first_line=min(claimed),
        last_line=last,
        records=records,
        unparsed=sorted(unparsed),
        claimed=claimed,
    )


def distinct_records(sources) -> list[dict]:
    """The records of ``sources`` with repeats dropped: a configuration pasted
    twice (or `show run` beside `show run crypto`) describes one device, and a
    line it holds twice means no more than once. The first occurrence, with its
    line numbers, is the one kept."""
    seen = set()
    out = []
    for source in sources:
        for record in source.records:
            key = repr(
                sorted((k, v) for k, v in record.items() if k not in ("lines", "at"))
            )
            if key not in seen:
                seen.add(key)
                out.append(record)
    return out
