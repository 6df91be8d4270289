"""The one module of IPv4 arithmetic, checked against the standard library."""

import ipaddress

from hypothesis import given
from hypothesis import strategies as st

from analyzer import addresses as a

ADDRESS = st.integers(min_value=0, max_value=a.MAX_IP)
PREFIX = st.integers(min_value=0, max_value=32)


def dotted(value: int) -> str:
    return str(ipaddress.IPv4Address(value))


def netmask(prefix: int) -> str:
    return str(ipaddress.IPv4Network(f"0.0.0.0/{prefix}").netmask)


@given(ADDRESS)
def test_dotted_quads_read_as_the_standard_library_reads_them(value):
    assert a.ipv4_to_int(dotted(value)) == value
    assert a.int_to_ipv4(value) == dotted(value)


def test_what_is_not_an_address_reads_as_none():
    for text in (None, "", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1.2.3.x", "a.b.c.d"):
        assert a.ipv4_to_int(text) is None
    assert a.ipv4_to_int("0010.1.1.1") is None  # four digits in an octet


@given(ADDRESS, PREFIX)
def test_a_netmask_covers_its_network(value, prefix):
    net = ipaddress.IPv4Network(f"{dotted(value)}/{prefix}", strict=False)
    want = (int(net.network_address), int(net.broadcast_address))
    assert a.mask_to_prefix(netmask(prefix)) == prefix
    assert a.net_range(value, netmask(prefix)) == want
    assert a.mask_range(dotted(value), netmask(prefix)) == want
    assert a.mask_range(dotted(value), str(net.hostmask), wildcard=True) == want
    assert a.in_subnet(dotted(value), str(net.network_address), netmask(prefix))


def test_a_mask_that_is_not_contiguous_is_no_prefix():
    assert a.mask_to_prefix("255.0.255.0") is None
    assert a.mask_to_prefix("/24") == 24
    # The ASA reads a bare address as a host; IOS matches a mask bit by bit.
    assert a.net_range(a.ipv4_to_int("10.1.2.3"), "nonsense") == (167838211, 167838211)
    assert a.mask_range("10.0.0.0", None) == a.mask_range(
        "10.0.0.0", None, wildcard=True
    )


def test_ranges_compare_and_print():
    net = a.mask_range("10.0.0.0", "255.255.255.0")
    host = a.mask_range("10.0.0.9", None)
    other = a.mask_range("10.0.1.0", "255.255.255.0")
    assert a.covers(net, host) and not a.covers(host, net)
    assert a.overlap(net, host) and not a.overlap(net, other)
    assert a.any_overlap([other, net], [host]) and not a.all_covered([other], [host])
    assert a.range_text(host) == "10.0.0.9"
    assert a.range_text(net) == "10.0.0.0-10.0.0.255"
    assert a.prefix_text("192.168.11.0", "255.255.255.0") == "192.168.11.0/24"
    assert a.prefix_text("any", "thing") == "any/thing"
    assert a.network("10.0.0.0", "0.0.0.0").prefixlen == 0


_BEHIND_NAT = [
    ipaddress.IPv4Network(n)
    for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10")
]


@given(ADDRESS)
def test_private_and_shared_space_is_what_the_rfcs_reserve(value):
    address = ipaddress.IPv4Address(value)
    assert a.is_private(str(address)) == any(address in n for n in _BEHIND_NAT)


def test_private_space_edges_and_what_is_no_address():
    for text in ("10.0.1.2", "172.31.255.255", "192.168.0.1", "100.127.0.9"):
        assert a.is_private(text), text
    for text in ("172.32.0.1", "100.128.0.1", "192.0.2.10", "11.0.0.1", None, "10.0.1"):
        assert not a.is_private(text), text
