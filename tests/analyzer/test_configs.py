"""The device configuration model the config and path rules share."""

from analyzer.configs import AsaConfig, IosConfig
from analyzer.engine import analyze
from tests.conftest import fixture_text


def config(cls, name, kind):
    report = analyze(fixture_text(f"config/{name}"))
    return cls(report.sources_of(kind))


def test_an_asa_crypto_acl_resolves_through_objects_and_groups():
    asa = config(AsaConfig, "asa-9.8-ikev2.txt", "asa.running_config")
    pairs = asa.crypto_acl_entries()
    assert [(e["map"], e["seq"], e["match_address"]) for e, _ in pairs] == [
        ("PARTNER-MAP", "10", "PARTNER-CRYPTO"),
        ("OLD-MAP", "10", "PARTNER-CRYPTO"),
    ]
    _, ace = pairs[0]
    assert asa.spec_networks(ace["source"]) == [
        ("10.20.0.0", "255.255.0.0"),
        ("172.20.25.0", "255.255.255.0"),
    ]
    assert asa.spec_networks(ace["destination"]) == [("10.99.0.0", "255.255.0.0")]
    assert asa.spec_ranges(ace["destination"]) == [(0x0A630000, 0x0A63FFFF)]


def test_an_object_shown_again_for_its_nat_keeps_its_definition():
    """`object network WEB-01` comes twice in show run: the host, then the NAT."""
    asa = config(AsaConfig, "asa-9.8-ikev2.txt", "asa.running_config")
    assert len([o for o in asa.of("object") if o["name"] == "WEB-01"]) == 2
    assert asa.address("WEB-01") == "172.20.25.80"
    assert asa.spec_networks({"object": "DMZ-NET"}) == [
        ("172.20.25.0", "255.255.255.0")
    ]


def test_an_ios_acl_line_reads_as_wildcard_ranges():
    ios = config(IosConfig, "ios-15-crypto-map-nat.txt", "ios.running_config")
    entry, ace = ios.crypto_acl_entries()[0]
    assert entry["match_address"] == "VPN-HQ"
    assert (
        ios.acl("VPN-HQ")[0] is ace
    )  # permit ip 10.1.1.0 0.0.0.255 172.16.50.0 0.0.0.255
    assert ios.ranges(ace) == ((0x0A010100, 0x0A0101FF), (0xAC103200, 0xAC1032FF))
