"""The ASA configuration parser: `show running-config` in every generation, sections
of it, and fragments pasted without a prompt."""

from hypothesis import given, settings
from hypothesis import strategies as st

from analyzer.engine import analyze
from analyzer.parsers import asa_config, ios_config
from analyzer.redact import redact
from analyzer.report import Section
from tests.conftest import fixture_text


def config_records(name, text=None):
    report = analyze(text if text is not None else fixture_text(name))
    sources = report.sources_of("asa.running_config")
    assert sources, f"no ASA configuration read from {name}"
    return [r for s in sources for r in s.records], report


def of_type(records, kind):
    return [r for r in records if r["type"] == kind]


def test_it_reads_interfaces_with_standby_addresses():
    """Interfaces carry nameif, security level, address, mask and standby address."""
    records, _ = config_records("config/asa-8.4.4-object-nat.txt")
    outside = next(r for r in of_type(records, "interface") if r["nameif"] == "outside")
    assert outside["interface"] == "GigabitEthernet0/0"
    assert outside["security_level"] == 0
    assert (outside["ip"], outside["mask"], outside["standby"]) == (
        "11.11.11.11",
        "255.255.255.240",
        "11.11.11.12",
    )
    assert outside["at"]["ip"] == 14
    mgmt = next(
        r for r in of_type(records, "interface") if r["interface"] == "Management0/0"
    )
    assert mgmt["shutdown"] is True and mgmt["nameif"] is None


def test_it_reads_the_version_line_and_hostname():
    """`ASA Version 8.2(5)` becomes a version record with a comparable tuple."""
    records, _ = config_records("config/asa-8.2-static.txt")
    (version,) = of_type(records, "version")
    assert version["version"] == "8.2(5)"
    assert version["version_tuple"] == [8, 2, 5, 0]
    assert of_type(records, "hostname")[0]["name"] == "ASA-HQ"


def test_it_reads_pre_8_3_static_nat_and_names():
    """Pre-8.3 `static`, `nat 0 access-list`, `nat 1` and `global` are read, with
    names kept as written and the `names` table alongside."""
    records, _ = config_records("config/asa-8.2-static.txt")
    statics = of_type(records, "static_nat")
    assert [(s["mapped"], s["real"], s["generation"]) for s in statics] == [
        ("web-public", "web-real", "pre-8.3"),
        ("33.33.33.33", "192.168.5.33", "pre-8.3"),
        ("interface", "192.168.5.40", "pre-8.3"),
    ]
    assert statics[1]["netmask"] == "255.255.255.255"
    assert statics[2]["protocol"] == "tcp"
    assert (statics[2]["mapped_port"], statics[2]["real_port"]) == ("2222", "ssh")
    names = {r["name"]: r["address"] for r in of_type(records, "name")}
    assert names == {"web-real": "192.168.5.22", "web-public": "22.22.22.22"}
    (exempt,) = of_type(records, "nat_exempt")
    assert (exempt["real_interface"], exempt["acl"]) == ("inside", "NONAT")
    (dynamic,) = of_type(records, "dynamic_nat")
    assert dynamic["nat_id"] == "1"
    assert dynamic["real"] == {"network": "0.0.0.0", "mask": "0.0.0.0"}
    (glob,) = of_type(records, "global")
    assert (glob["interface"], glob["mapped"]) == ("outside", "interface")


def test_it_reads_object_and_twice_nat():
    """8.3+ object NAT names its object; twice NAT keeps source, destination and
    its options; rules keep their order and section."""
    records, _ = config_records("config/asa-8.4.4-object-nat.txt")
    statics = of_type(records, "static_nat")
    twice = statics[0]
    assert twice["generation"] == "twice" and twice["section"] == 1
    assert (twice["real"], twice["mapped"]) == ("LAN-192.168.5.0", "LAN-192.168.5.0")
    assert twice["destination_real"] == "REMOTE-172.16.22.0"
    assert twice["identity"] and twice["no_proxy_arp"] and twice["route_lookup"]
    objects = [s for s in statics if s["generation"] == "object"]
    assert [(s["object"], s["mapped"]) for s in objects] == [
        ("obj-192.168.5.22", "22.22.22.22"),
        ("obj-192.168.5.33", "33.33.33.33"),
        ("obj-192.168.5.44", "11.11.11.14"),
    ]
    assert all(s["section"] == 2 for s in objects)
    (pat,) = of_type(records, "dynamic_nat")
    assert (pat["real_interface"], pat["mapped_interface"], pat["mapped"]) == (
        "any",
        "outside",
        "interface",
    )
    assert twice["order"] < objects[0]["order"] < pat["order"]


def test_it_reads_after_auto_nat_and_object_definitions():
    """After-auto twice NAT goes to section 3; objects keep host and subnet."""
    records, _ = config_records("config/asa-9.8-ikev2.txt")
    after = [r for r in of_type(records, "dynamic_nat") if r["section"] == 3]
    assert [(r["real"], r["mapped"]) for r in after] == [("any", "interface")]
    objects = {
        r["name"]: r for r in of_type(records, "object") if r["host"] or r["network"]
    }
    assert objects["MAIL-GW"]["host"] == "172.20.25.101"
    assert (objects["DC-NETS"]["network"], objects["DC-NETS"]["mask"]) == (
        "10.20.0.0",
        "255.255.0.0",
    )
    (group,) = [g for g in of_type(records, "object_group") if g["name"] == "VPN-LOCAL"]
    assert group["members"] == [
        {"object": "DC-NETS"},
        {"network": "172.20.25.0", "mask": "255.255.255.0"},
    ]


def test_it_reads_access_lists_with_objects_and_service_groups():
    """An `object-group` of ports after the destination is not mistaken for an
    address; source and destination specs are kept structured."""
    records, _ = config_records("config/asa-9.8-ikev2.txt")
    aces = [
        r
        for r in of_type(records, "access_list_entry")
        if r["acl"] == "outside_access_in"
    ]
    assert aces[0]["source"] == {"any": True}
    assert aces[0]["destination"] == {"object": "MAIL-GW"}
    assert aces[0]["protocol"] == "tcp"
    (crypto,) = [
        r for r in of_type(records, "access_list_entry") if r["acl"] == "PARTNER-CRYPTO"
    ]
    assert crypto["source"] == {"group": "VPN-LOCAL"}
    assert crypto["destination"] == {"object": "PARTNER-NETS"}


def test_it_reads_crypto_maps_transform_sets_and_policies():
    """Crypto map entries gather their lines (peer, ACL, transform sets, PFS,
    lifetime) and learn the interface from `crypto map M interface`."""
    records, _ = config_records("config/asa-9.8-ikev2.txt")
    entries = {(e["map"], e["seq"]): e for e in of_type(records, "crypto_map_entry")}
    partner = entries[("PARTNER-MAP", "10")]
    assert partner["peers"] == ["203.0.113.77"]
    assert partner["match_address"] == "PARTNER-CRYPTO"
    assert partner["transform_sets"] == ["AES256-SHA256"]
    assert partner["ike_version"] == "ikev2"
    assert partner["pfs"] == "group14"
    assert partner["sa_seconds"] == "3600"
    assert partner["interface"] == "outside"
    assert entries[("OLD-MAP", "10")]["interface"] is None
    (proposal,) = of_type(records, "transform_set")
    assert proposal["ike_version"] == "2"
    assert (proposal["encryption"], proposal["integrity"]) == (["aes-256"], ["sha-256"])
    policies = {
        (p["ike_version"], p["priority"]): p for p in of_type(records, "isakmp_policy")
    }
    assert policies[("2", "10")]["hash"] == "sha256"
    assert policies[("2", "10")]["prf"] == "sha256"
    assert policies[("2", "10")]["lifetime"] == "86400"
    assert policies[("1", "10")]["encryption"] == "aes-256"
    enables = {
        (r["ike_version"], r["interface"]) for r in of_type(records, "ike_enable")
    }
    assert enables == {("1", "outside")}


def test_it_reads_tunnel_groups_and_their_keys():
    """`*****` counts as a key; a group with only general-attributes has none."""
    records, _ = config_records("config/asa-8.4.4-object-nat.txt")
    groups = {g["name"]: g for g in of_type(records, "tunnel_group")}
    assert groups["203.0.113.10"]["ikev1_psk"] is True
    assert groups["203.0.113.10"]["default_group_policy"] == "GP-L2L"
    assert groups["203.0.113.10"]["tunnel_type"] == "ipsec-l2l"
    assert groups["203.0.113.20"]["ikev1_psk"] is False
    records, _ = config_records("config/asa-9.8-ikev2.txt")
    groups = {g["name"]: g for g in of_type(records, "tunnel_group")}
    assert groups["203.0.113.77"]["ikev2_remote_psk"] is True
    assert groups["203.0.113.77"]["ikev2_local_psk"] is True


def test_it_counts_a_redacted_key_as_present():
    """A clear-text key from `more system:running-config`, replaced by redaction
    before parsing, still counts as configured."""
    text = redact(fixture_text("config/asa-more-system-running-config.txt"))
    assert "Br4nch" not in text
    records, _ = config_records("more system", text)
    (group,) = of_type(records, "tunnel_group")
    assert group["ikev1_psk"] is True
    assert group["at"]["psk"] == 21


def test_it_reads_inspect_esmtp_and_the_service_policy():
    """`inspect esmtp` is read with its policy-map and class; the service-policy
    that applies it is read too; inspect parameters maps are not inspections."""
    records, _ = config_records("config/asa-8.2-static.txt")
    inspects = of_type(records, "inspect")
    esmtp = next(i for i in inspects if i["protocol"] == "esmtp")
    assert (esmtp["policy_map"], esmtp["class_map"]) == (
        "global_policy",
        "inspection_default",
    )
    assert esmtp["lines"] == [101, 101]
    assert not any(i["policy_map"] == "preset_dns_map" for i in inspects)
    (policy,) = of_type(records, "service_policy")
    assert (policy["policy_map"], policy["scope"]) == ("global_policy", "global")


def test_it_reads_arp_permit_nonconnected_but_not_its_negation():
    """`arp permit-nonconnected` is a record; `no arp permit-nonconnected` is not."""
    records, _ = config_records("config/asa-9.12-arp-permit.txt")
    assert len(of_type(records, "arp_permit_nonconnected")) == 1
    records, _ = config_records("config/asa-9.8-ikev2.txt")
    assert of_type(records, "arp_permit_nonconnected") == []


def test_it_reads_a_pix_6_configuration():
    """PIX 6 writes nameif and ip address on one line each, `isakmp` without
    `crypto`, and `fixup protocol smtp` for the SMTP inspection."""
    records, _ = config_records("config/pix-6.3-write-terminal.txt")
    outside = next(r for r in of_type(records, "interface") if r["nameif"] == "outside")
    assert (outside["interface"], outside["security_level"]) == ("ethernet0", 0)
    assert (outside["ip"], outside["mask"]) == ("209.165.200.226", "255.255.255.224")
    (key,) = of_type(records, "isakmp_key")
    assert (key["address"], key["netmask"]) == ("209.165.202.130", "255.255.255.255")
    (policy,) = of_type(records, "isakmp_policy")
    assert (policy["encryption"], policy["hash"], policy["group"]) == (
        "3des",
        "md5",
        "2",
    )
    assert any(
        i["protocol"] == "smtp" and i["legacy"] for i in of_type(records, "inspect")
    )
    assert of_type(records, "version")[0]["platform"] == "pix"


def test_it_claims_only_configuration_lines_of_a_fragment():
    """A fragment with no prompt is found by content and claims its own lines."""
    records, report = config_records("config/asa-fragment-static-no-version.txt")
    (source,) = report.sources_of("asa.running_config")
    assert source.claimed == set(range(1, 17))
    assert report.unparsed_lines == 0
    assert len(of_type(records, "static_nat")) == 2


def test_it_leaves_other_outputs_lines_alone():
    """Mixed with syslog lines and no prompt, the config parser does not claim
    the syslog lines."""
    text = fixture_text("config/asa-esmtp-fragment-with-syslog.txt")
    records, report = config_records("mixed", text)
    (source,) = report.sources_of("asa.running_config")
    assert 1 not in source.claimed and 2 not in source.claimed
    assert [i["protocol"] for i in of_type(records, "inspect")] == [
        "dns",
        "esmtp",
        "ftp",
    ]


def test_it_does_not_read_an_ios_configuration():
    """An IOS configuration belongs to the IOS parser."""
    report = analyze(fixture_text("config/ios-15-crypto-map-nat.txt"))
    assert report.sources_of("asa.running_config") == []


def test_it_survives_truncated_and_odd_lines():
    """Cut-off commands never raise and yield only what is complete."""
    text = fixture_text("config/asa-truncated-lines.txt")
    section = Section(
        lines=text.splitlines(),
        numbers=list(range(1, len(text.splitlines()) + 1)),
        command="show running-config",
    )
    (source,) = asa_config.parse(section)
    kinds = [r["type"] for r in source.records]
    assert "static_nat" not in kinds
    assert all(
        r["source"] and r["destination"]
        for r in source.records
        if r["type"] == "access_list_entry"
    )
    entries = [r for r in source.records if r["type"] == "crypto_map_entry"]
    assert [(e["map"], e["seq"], e["peers"]) for e in entries] == [("M", "10", [])]


def test_it_handles_long_hostile_lines_in_linear_time():
    """A very long line of repeated NAT tokens is read without blowing up."""
    line = "nat (inside,outside) source static " + "A " * 2000
    section = Section(
        lines=[line[:4096]] * 200, numbers=list(range(1, 201)), command="show run"
    )
    sources = asa_config.parse(section)
    assert sources and len(sources[0].records) == 200


_TOKENS = [
    "nat",
    "(inside,outside)",
    "(inside)",
    "static",
    "dynamic",
    "source",
    "destination",
    "interface",
    "any",
    "object",
    "object-group",
    "host",
    "10.1.1.1",
    "255.255.255.0",
    "crypto",
    "map",
    "M",
    "10",
    "set",
    "peer",
    "match",
    "address",
    "tunnel-group",
    "ipsec-attributes",
    "ikev1",
    "pre-shared-key",
    "access-list",
    "extended",
    "permit",
    "deny",
    "ip",
    "tcp",
    "eq",
    "range",
    "policy-map",
    "class",
    "inspect",
    "esmtp",
    "ASA",
    "Version",
    "9.8(4)20",
    "nameif",
    "security-level",
    "ip",
    "route",
    "isakmp",
    "key",
    "no",
    "!",
    "",
]


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["", " ", "  "]),
            st.lists(st.sampled_from(_TOKENS), max_size=12),
        ),
        max_size=40,
    )
)
def test_it_never_raises_on_scrambled_configuration(lines):
    """Any arrangement of configuration words is read (or skipped) without an
    exception from the parsers or the checks."""
    text = "\n".join(indent + " ".join(words) for indent, words in lines)
    for command in (None, "show running-config"):
        section = Section(
            lines=text.splitlines(),
            numbers=list(range(1, len(text.splitlines()) + 1)),
            command=command,
        )
        asa_config.parse(section)
        ios_config.parse(section)
    report = analyze(text)
    mine = ("asa_config", "ios_config", "show_version")
    assert not [
        f
        for f in report.findings
        if f.code.startswith("engine.") and any(m in f.title + f.detail for m in mine)
    ]
