"""`show ip route` / `show route`, and the crypto peer no route reaches.

The tables are ntc-templates' IOS and ASA samples (tests/fixtures/corpus) and the
routing table of a field paste whose thread found the missing route; the values
asserted were read off the outputs by hand."""

import pytest

from analyzer.engine import analyze
from tests.conftest import FIXTURES, fixture_text

IOS_TABLE = FIXTURES / "corpus/ntc/cisco_ios/show_ip_route/cisco_ios_show_ip_route.raw"
ASA_TABLE = FIXTURES / "corpus/ntc/cisco_asa/show_route/cisco_asa_show_route.raw"
NO_ROUTE = (
    "field/show/ios-cbt-notes-crypto-session-down-no-isakmp-sa-no-route-to-peer.txt"
)


def _table(text: str, kind: str) -> dict:
    report = analyze(text)
    (source,) = report.sources_of(kind)
    (table,) = source.records
    return table


def _routes(table: dict) -> dict[str, tuple]:
    return {r["prefix"]: (r["code"], r["via"]) for r in table["routes"]}


def _no_route(text: str) -> list:
    return [f for f in analyze(text).findings if f.code == "routing.no_route_to_peer"]


def test_an_ios_table_with_subnetted_parents_and_route_types():
    text = IOS_TABLE.read_text()
    report = analyze(text)
    assert report.unparsed_lines == 0
    table = _table(text, "ios.show_ip_route")
    assert (table["gateway"], table["complete"], table["unread"]) == (
        "194.0.0.2",
        True,
        0,
    )
    routes = _routes(table)
    # 19 destinations; the second path of 1.1.1.1 adds none.
    assert len(table["routes"]) == len(routes) == 19
    assert routes["1.1.1.1/32"] == (
        "S",
        "212.0.0.1",
    )  # /32 from "1.0.0.0/32 is subnetted"
    assert routes["2.2.2.0/24"] == ("S", None)
    assert routes["4.4.0.0/16"] == ("O E2", "194.0.0.2")
    assert routes["172.16.1.0/26"] == ("i L2", "10.0.1.2")
    assert routes["10.0.5.192/27"] == (
        "D",
        "10.0.1.2",
    )  # "variably subnetted": own length
    assert routes["0.0.0.0/0"] == ("O*E2", "194.0.0.2")
    assert routes["194.0.0.0/16"] == ("C", None)


def test_an_asa_table_with_masks_names_and_a_mask_that_is_none():
    text = ASA_TABLE.read_text()
    report = analyze(text)
    assert report.unparsed_lines == 0
    table = _table(text, "asa.show_route")
    # Found without a prompt, its code legend first: the whole table.
    assert (table["gateway"], table["complete"], table["platform"]) == (
        None,
        True,
        "asa",
    )
    # Five destinations are names (Server1, Sever-2, ...) and one has the mask
    # 255.255.255.64: what they cover is not in the table.
    assert table["unread"] == 6
    routes = _routes(table)
    assert routes["10.54.6.0/24"] == ("S", "10.0.5.12")
    assert routes["192.168.1.108/32"] == ("L", None)
    assert routes["172.16.2.254/32"] == ("O IA", "192.168.2.2")
    assert routes["10.1.3.0/24"] == ("O E2", "192.168.1.2")


def test_a_crypto_peer_no_route_reaches_is_a_warning():
    """The course notes' R1: crypto map peer 25.2.2.2, session DOWN, an empty
    ISAKMP table, a silent debug, and a table with connected routes only."""
    (finding,) = _no_route(fixture_text(NO_ROUTE))
    assert (finding.severity, finding.subject, finding.article, finding.anchor) == (
        "warning",
        "25.2.2.2",
        "phase1-errors",
        "route-to-peer",
    )
    # The crypto map's "Peer = 25.2.2.2" and the "Gateway of last resort" line.
    assert finding.lines == [3, 58]
    assert finding.next_commands[0] == "show ip route 25.2.2.2"


@pytest.mark.parametrize(
    "fix",
    [
        (
            "    Gateway of last resort is not set",
            "    Gateway of last resort is 15.1.1.5 to network 0.0.0.0",
        ),
        (
            "    C        15.1.1.0/24 is directly connected, GigabitEthernet0/1",
            "    S*    0.0.0.0/0 [1/0] via 15.1.1.5\n"
            "    C        15.1.1.0/24 is directly connected, GigabitEthernet0/1",
        ),
        (
            "    C        15.1.1.0/24 is directly connected, GigabitEthernet0/1",
            "    S        25.2.2.0/24 [1/0] via 15.1.1.5\n"
            "    C        15.1.1.0/24 is directly connected, GigabitEthernet0/1",
        ),
    ],
    ids=["gateway-of-last-resort", "default-route", "route-to-the-peer"],
)
def test_a_route_that_reaches_the_peer_says_nothing(fix):
    text = fixture_text(NO_ROUTE)
    assert fix[0] in text
    assert _no_route(text.replace(fix[0], fix[1])) == []


@pytest.mark.parametrize(
    "command",
    ["show ip route | begin Gateway", "show ip route 10.2.0.2", "show ip route vrf A"],
)
def test_a_part_of_the_table_proves_no_route_missing(command):
    text = fixture_text(NO_ROUTE).replace("R1# show ip route", f"R1# {command}")
    assert _no_route(text) == []


def test_the_table_of_another_device_says_nothing_of_this_ones_peers():
    text = fixture_text(NO_ROUTE).replace("R1# show ip route", "R2# show ip route")
    assert _no_route(text) == []


def test_a_table_with_destinations_it_does_not_give_proves_nothing():
    """ntc's ASA table has no default and names five destinations: a crypto peer
    it does not list may sit behind one of them."""
    config = "fw01# show running-config crypto map\ncrypto map outside_map 10 set peer 198.51.100.7\n"
    table = "fw01# show route\n" + ASA_TABLE.read_text()
    report = analyze(config + table)
    assert report.sources_of("asa.show_route")
    assert [f for f in report.findings if f.code == "routing.no_route_to_peer"] == []


def test_an_asa_route_wrapped_after_its_mask_is_read():
    """ASA multi-context output as genieparser's ShowRoute sample prints it: a
    long route goes on after its mask on the next line."""
    text = (
        "asa/admin# show route\n"
        "Gateway of last resort is not set\n"
        "\n"
        "C        10.10.1.2 255.255.254.0 is directly connected, outside\n"
        "V        10.10.1.4 255.255.255.255\n"
        "                        connected by VPN (advertised), admin\n"
        "O E2     10.20.58.64 255.255.255.192\n"
        "           [110/11] via 172.20.192.3, 3w6d, wan1\n"
        "           [110/11] via 172.20.192.4, 3w6d, wan1\n"
    )
    routes = _routes(_table(text, "asa.show_route"))
    assert routes == {
        "10.10.1.2/23": ("C", None),  # as printed; it covers 10.10.0.0/23
        "10.10.1.4/32": ("V", None),
        "10.20.58.64/26": ("O E2", None),
    }
