"""IPv4 address arithmetic for every config reader and rule. Pure Python.

Configs and SAs name networks three ways: a netmask (`255.255.255.0`, ASA objects
and ACLs, IOS keys and routes), a wildcard (`0.0.0.255`, IOS ACLs) and a prefix
(`/24`, what an engineer writes). The rules compare them as inclusive integer
ranges ``(low, high)``: an ACL line against a NAT rule, a peer against a key's
address, a proxy against a crypto ACL. All of that arithmetic lives here, once.

Parsing a dotted quad is the hot path (every ACL word of a big config goes through
it), so it is done by hand and checked against :mod:`ipaddress` by the tests; the
rest leans on :mod:`ipaddress` where speed does not matter.
"""

from __future__ import annotations

import ipaddress

MAX_IP = 0xFFFFFFFF
ANY = (0, MAX_IP)

Range = tuple[int, int]


def ipv4_to_int(text: str | None) -> int | None:
    """The dotted quad ``text`` as an integer, or None when it is not one."""
    if not text:
        return None
    parts = text.split(".")
    if len(parts) != 4:
        return None
    value = 0
    for part in parts:
        if not part.isdecimal() or len(part) > 3:
            return None
        octet = int(part)
        if octet > 255:
            return None
        value = value * 256 + octet
    return value


# RFC 1918 private space and RFC 6598 shared (carrier-grade NAT) space: an address
# in them is one a device behind NAT holds.
_BEHIND_NAT = (
    (0x0A000000, 0x0AFFFFFF),  # 10.0.0.0/8
    (0xAC100000, 0xAC1FFFFF),  # 172.16.0.0/12
    (0xC0A80000, 0xC0A8FFFF),  # 192.168.0.0/16
    (0x64400000, 0x647FFFFF),  # 100.64.0.0/10
)


def is_private(text: str | None) -> bool:
    """True for a dotted quad in private or carrier-grade NAT space (10/8,
    172.16/12, 192.168/16, 100.64/10)."""
    value = ipv4_to_int(text)
    return value is not None and any(lo <= value <= hi for lo, hi in _BEHIND_NAT)


def int_to_ipv4(value: int) -> str:
    """The dotted quad of an integer address."""
    return str(ipaddress.IPv4Address(value))


def mask_to_prefix(mask: str | None) -> int | None:
    """Prefix length of a dotted netmask ("255.255.255.0" -> 24), or None when the
    text is not a contiguous mask. A bare length ("24", "/24") is accepted too."""
    if mask is None:
        return None
    mask = mask.strip().lstrip("/")
    if mask.isdecimal() and int(mask) <= 32:
        return int(mask)
    value = ipv4_to_int(mask)
    if value is None:
        return None
    prefix = bin(value).count("1")
    if value != ((MAX_IP << (32 - prefix)) & MAX_IP):
        return None
    return prefix


def in_subnet(address: str | None, network: str | None, mask: str | None) -> bool:
    """True when ``address`` lies in ``network``/``mask`` (IPv4 only)."""
    addr = ipv4_to_int(address)
    net = ipv4_to_int(network)
    prefix = mask_to_prefix(mask)
    if addr is None or net is None or prefix is None:
        return False
    bits = (MAX_IP << (32 - prefix)) & MAX_IP
    return (addr & bits) == (net & bits)


def net_range(ip: int, mask: str | None) -> Range:
    """The network ``ip`` sits in under a contiguous netmask (or length); a mask
    that is not one reads as a host, as the ASA does for a bare address."""
    prefix = mask_to_prefix(mask)
    if prefix is None:
        prefix = 32
    bits = (MAX_IP << (32 - prefix)) & MAX_IP
    low = ip & bits
    return low, low | (~bits & MAX_IP)


def mask_range(
    address: str | None, mask: str | None, *, wildcard: bool = False
) -> Range | None:
    """The addresses ``address`` with ``mask`` covers, bit by bit as IOS matches
    them: a netmask marks the bits that must match, a wildcard (``wildcard=True``)
    the bits that may differ. No mask is a host. None when either is not an
    address. A non-contiguous mask gives the span of what it covers."""
    ip = ipv4_to_int(address)
    bits = ipv4_to_int(mask) if mask else (0 if wildcard else MAX_IP)
    if ip is None or bits is None:
        return None
    if not wildcard:
        bits = ~bits & MAX_IP
    low = ip & ~bits & MAX_IP
    return low, low | bits


def overlap(a: Range, b: Range) -> bool:
    """True when two ranges share an address."""
    return a[0] <= b[1] and b[0] <= a[1]


def covers(outer: Range, inner: Range) -> bool:
    """True when every address of ``inner`` is in ``outer``."""
    return outer[0] <= inner[0] and inner[1] <= outer[1]


def any_overlap(a: list[Range], b: list[Range]) -> bool:
    """True when some range of ``a`` shares an address with some range of ``b``."""
    return any(overlap(x, y) for x in a for y in b)


def all_covered(outer: list[Range], inner: list[Range]) -> bool:
    """True when each range of ``inner`` lies inside one range of ``outer``."""
    return all(any(covers(o, i) for o in outer) for i in inner)


def range_text(r: Range) -> str:
    """ "10.0.0.1" for a host, "10.0.0.0-10.0.0.255" for a span."""
    if r[0] == r[1]:
        return int_to_ipv4(r[0])
    return f"{int_to_ipv4(r[0])}-{int_to_ipv4(r[1])}"


def prefix_text(address: str, mask: str) -> str:
    """ "192.168.11.0/24" for ("192.168.11.0", "255.255.255.0"); the text as it
    came ("a/b") when it is not an address and a mask."""
    try:
        net = ipaddress.ip_network(f"{address}/{mask}", strict=False)
    except ValueError:
        return f"{address}/{mask}"
    return f"{address}/{net.prefixlen}"


def network(address: str, mask: str):
    """The :class:`ipaddress` network of an address and mask, or None."""
    try:
        return ipaddress.ip_network(f"{address}/{mask}", strict=False)
    except ValueError:
        return None
