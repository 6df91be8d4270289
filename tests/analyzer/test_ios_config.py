"""The IOS / IOS-XE configuration parser."""

import pytest
import yaml

from analyzer.engine import analyze
from analyzer.parsers import ios_config
from analyzer.report import Section
from tests.conftest import FIXTURES, fixture_text


def ios_records(name):
    report = analyze(fixture_text(name))
    sources = report.sources_of("ios.running_config")
    assert sources, f"no IOS configuration read from {name}"
    return [r for s in sources for r in s.records], report


def of_type(records, kind):
    return [r for r in records if r["type"] == kind]


def test_it_reads_interfaces_with_crypto_map_and_nat_side():
    """Interfaces carry address, `crypto map` and `ip nat inside|outside`."""
    records, report = ios_records("config/ios-15-crypto-map-nat.txt")
    interfaces = {r["interface"]: r for r in of_type(records, "interface")}
    wan = interfaces["FastEthernet0"]
    assert (wan["ip"], wan["mask"], wan["crypto_map"], wan["nat_side"]) == (
        "203.0.113.2",
        "255.255.255.248",
        "CMAP",
        "outside",
    )
    assert interfaces["Vlan1"]["nat_side"] == "inside"
    assert interfaces["FastEthernet1"]["shutdown"] is True
    assert report.unparsed_lines == 0


def test_it_reads_isakmp_policies_with_their_defaults():
    """A policy block lists only what differs from the defaults; the rest is filled
    in (hash sha, lifetime 86400)."""
    records, _ = ios_records("config/ios-15-crypto-map-nat.txt")
    policies = {p["priority"]: p for p in of_type(records, "isakmp_policy")}
    assert policies["10"]["encryption"] == "aes 256"
    assert policies["10"]["hash"] == "sha"
    assert policies["10"]["lifetime"] == "28800"
    assert policies["20"]["hash"] == "md5"
    assert policies["20"]["lifetime"] == "86400"


def test_it_reads_keys_from_isakmp_key_lines_and_keyrings():
    """Redacted keys count; the address is what matters."""
    records, _ = ios_records("config/ios-15-crypto-map-nat.txt")
    keys = {(k["address"], k["keyring"]) for k in of_type(records, "isakmp_key")}
    assert keys == {("198.51.100.9", "KR-DC"), ("203.0.113.10", None)}
    (profile,) = of_type(records, "isakmp_profile")
    assert profile["keyring"] == "KR-DC"
    assert profile["match_addresses"] == ["198.51.100.9"]


def test_it_reads_crypto_map_entries_and_transform_sets():
    """Entries gather peer, transform set, ACL, PFS and the interface they sit on."""
    records, _ = ios_records("config/ios-15-crypto-map-nat.txt")
    entries = {(e["map"], e["seq"]): e for e in of_type(records, "crypto_map_entry")}
    hq = entries[("CMAP", "10")]
    assert hq["peers"] == ["203.0.113.10"]
    assert hq["transform_sets"] == ["TS-AES256"]
    assert hq["match_address"] == "VPN-HQ"
    assert hq["pfs"] == "group2"
    assert hq["interface"] == "FastEthernet0"
    assert entries[("CMAP", "20")]["isakmp_profile"] == "PROF-DC"
    assert entries[("OLDMAP", "10")]["interface"] is None
    sets = {t["name"]: t for t in of_type(records, "transform_set")}
    assert sets["TS-AES256"]["encryption"] == ["esp-aes 256"]
    assert sets["TS-AES256"]["integrity"] == ["esp-sha-hmac"]


def test_it_reads_acls_and_nat_rules():
    """Named and numbered ACL lines keep wildcards; NAT rules name their ACL."""
    records, _ = ios_records("config/ios-15-crypto-map-nat.txt")
    nat_acl = [
        a for a in of_type(records, "access_list_entry") if a["acl"] == "NAT-ACL"
    ]
    assert [a["action"] for a in nat_acl] == ["deny", "permit"]
    assert nat_acl[0]["destination"] == {
        "network": "172.16.50.0",
        "wildcard": "0.0.0.255",
    }
    assert nat_acl[1]["destination"] == {"any": True}
    numbered = [a for a in of_type(records, "access_list_entry") if a["acl"] == "110"]
    assert numbered[0]["acl_type"] == "extended"
    partner = [
        a for a in of_type(records, "access_list_entry") if a["acl"] == "VPN-PARTNER"
    ]
    assert partner[0]["source"] == {"host": "10.1.1.40"}
    rules = of_type(records, "nat_rule")
    assert (rules[0]["mode"], rules[0]["acl"], rules[0]["overload"]) == (
        "list",
        "NAT-ACL",
        True,
    )
    assert rules[0]["interface"] == "FastEthernet0"
    assert (rules[1]["mode"], rules[1]["real"], rules[1]["mapped"]) == (
        "static",
        "10.1.1.25",
        "203.0.113.3",
    )


def test_it_reads_ikev2_proposals_keyrings_and_profiles():
    """IOS-XE IKEv2: proposal, policy, keyring peer with keys, profile."""
    records, _ = ios_records("config/iosxe-ikev2-crypto-map.txt")
    (proposal,) = of_type(records, "ikev2_proposal")
    assert (proposal["encryption"], proposal["integrity"], proposal["group"]) == (
        "aes-cbc-256",
        "sha256",
        "14",
    )
    assert of_type(records, "ikev2_policy")[0]["proposals"] == ["PROP-AES256"]
    (peer,) = of_type(records, "ikev2_keyring_peer")
    assert (peer["keyring"], peer["address"], peer["psk"]) == (
        "KR-V2",
        "198.51.100.9",
        True,
    )
    (profile,) = of_type(records, "ikev2_profile")
    assert profile["keyring"] == "KR-V2"
    (entry,) = of_type(records, "crypto_map_entry")
    assert entry["ikev2_profile"] == "PROF-V2"


def test_it_does_not_read_an_asa_configuration():
    """An ASA configuration belongs to the ASA parser."""
    report = analyze(fixture_text("config/asa-8.4.4-object-nat.txt"))
    assert report.sources_of("ios.running_config") == []


def test_it_survives_truncated_lines():
    """Lines cut short never raise."""
    lines = [
        "crypto map",
        "crypto map X",
        "crypto map X 10",
        " set peer",
        "crypto isakmp key",
        "crypto isakmp key x address",
        "ip nat inside source",
        "ip nat inside source list",
        "ip access-list extended A",
        " permit",
        " permit ip host",
        "access-list 101 permit",
        "route-map",
        "crypto ikev2 keyring K",
        " peer",
        "  address",
        "interface Fa0",
        " ip address",
        " crypto map",
    ]
    section = Section(
        lines=lines, numbers=list(range(1, len(lines) + 1)), command="show run"
    )
    (source,) = ios_config.parse(section)
    assert any(r["type"] == "crypto_map_entry" for r in source.records)


def test_it_reads_show_crypto_map():
    """`show crypto map`: entries with peers, ACL, lifetimes, PFS, transform sets,
    the interfaces using the map and the incomplete warning."""
    report = analyze(fixture_text("config/ios-show-crypto-map.txt"))
    (source,) = report.sources_of("ios.show_crypto_map")
    entries = {(e["map"], e["seq"]): e for e in source.records}
    hq = entries[("CMAP", "10")]
    assert hq["peers"] == ["203.0.113.10"]
    assert hq["acl"] == "VPN-HQ"
    assert (hq["sa_kilobytes"], hq["sa_seconds"]) == (4608000, 3600)
    assert (hq["pfs"], hq["dh_group"]) == (True, "group2")
    assert hq["transform_sets"] == {"TS-AES256": ["esp-256-aes", "esp-sha-hmac"]}
    assert hq["interfaces"] == ["FastEthernet0"]
    assert hq["incomplete"] is False
    assert entries[("CMAP", "30")]["incomplete"] is True
    assert entries[("CMAP", "30")]["at"]["incomplete"] == 20
    assert entries[("OLDMAP", "10")]["interfaces"] == []
    assert report.unparsed_lines == 0
    assert report.sources_of("ios.running_config") == []


# --- show ip access-lists ----------------------------------------------------------

NTC_ACLS = FIXTURES / "corpus" / "ntc" / "cisco_ios" / "show_access-list"
FIELD_ACL = "field/ikev1/ios-crypto-acl-subnet-mask-zeroed-no-ike-lab.txt"


def _ntc_side(spec, standard: bool) -> str:
    """An address spec written as ntc-templates' TextFSM template keeps it."""
    if spec.get("any"):
        return "any"
    if "host" in spec:
        return spec["host"] if standard else f"host {spec['host']}"
    if standard:
        return f"{spec['network']}, wildcard bits {spec['wildcard']}"
    return f"{spec['network']} {spec['wildcard']}"


@pytest.mark.parametrize("raw", sorted(NTC_ACLS.glob("*.raw")), ids=lambda p: p.name)
def test_show_ip_access_lists_reads_what_ntc_templates_expects(raw):
    """Every entry of the three ntc-templates samples, by list, number, action,
    protocol, source, destination and hit count. An entry with no protocol is a
    standard one (ntc leaves protocol and destination empty there)."""
    report = analyze(raw.read_text(encoding="utf-8"))
    (source,) = report.sources_of("ios.show_access_lists")
    expected = yaml.safe_load(raw.with_suffix(".yml").read_text())["parsed_sample"]
    got = []
    for rec, want in zip(source.records, expected, strict=True):
        standard = not want["protocol"]
        got.append(
            {
                "name": rec["acl"],
                "type": rec["acl_type"].title(),
                "sn": str(rec["seq"]),
                "action": rec["action"],
                "protocol": "" if standard else rec["protocol"],
                "source": _ntc_side(rec["source"], standard),
                "destination": ""
                if standard
                else _ntc_side(rec["destination"], standard),
                "matches": "" if rec["matches"] is None else str(rec["matches"]),
            }
        )
    assert got == [{k: row[k] for k in got[0]} for row in expected]
    assert report.unparsed_lines == 0


def test_a_crypto_acl_written_with_a_subnet_mask_is_a_warning():
    """The lab's `show ip access-list 110` under `do` in config mode: entry 10
    reads `permit ip 0.0.0.0 255.255.255.0 0.0.0.0 255.255.255.0`, and the
    router's ISAKMP messages show it runs IPsec."""
    report = analyze(fixture_text(FIELD_ACL))
    (source,) = report.sources_of("ios.show_access_lists")
    (entry,) = source.records
    assert (entry["acl"], entry["seq"], entry["source"]) == (
        "110",
        10,
        {"network": "0.0.0.0", "wildcard": "255.255.255.0"},
    )
    (finding,) = [f for f in report.findings if f.code == "ios.acl_mask_as_wildcard"]
    assert (finding.severity, finding.lines, finding.subject) == (
        "warning",
        [4],
        "ACL 110",
    )
    assert "last 8 bits" in finding.detail


def test_the_side_quoted_is_the_one_compared_on_the_fewest_bits():
    """Both sides of the lab's entry masked, the source on 16 bits and the
    destination on 8: the finding quotes the destination, with its 8 bits, not
    the first side it came to."""
    text = fixture_text(FIELD_ACL).replace(
        "10 permit ip 0.0.0.0 255.255.255.0 0.0.0.0 255.255.255.0",
        "10 permit ip 10.0.0.0 255.255.0.0 0.0.0.0 255.255.255.0",
    )
    report = analyze(text)
    (finding,) = [f for f in report.findings if f.code == "ios.acl_mask_as_wildcard"]
    assert "the wildcard 255.255.255.0" in finding.detail
    assert "last 8 bits" in finding.detail
    assert "address reads 0.0.0.0" in finding.detail


def test_the_same_acl_on_a_paste_showing_no_ipsec_is_left_alone():
    """The same paste without its ISAKMP and CRYPTO messages: nothing says the
    ACL is a crypto ACL, so the entry is read and nothing is said of it."""
    text = "\n".join(
        line
        for line in fixture_text(FIELD_ACL).splitlines()
        if "ISAKMP" not in line and "CRYPTO" not in line
    )
    report = analyze(text)
    assert report.sources_of("ios.show_access_lists")
    assert not [f for f in report.findings if f.code == "ios.acl_mask_as_wildcard"]


def test_a_standard_list_with_a_mask_shaped_wildcard_is_no_crypto_acl():
    """ntc's sample `Standard IP access list 2 / 10 permit 0.0.0.0, wildcard bits
    255.255.255.252`: a standard list never selects IPsec traffic."""
    report = analyze((NTC_ACLS / "cisco_ios_show_access-list2.raw").read_text())
    assert [f.code for f in report.findings] == []
