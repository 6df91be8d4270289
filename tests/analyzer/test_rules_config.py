"""Checks on ASA and IOS configurations: static NAT and ARP by release, ESMTP
inspection, and the VPN pieces that must agree."""

import re

import pytest

from analyzer.engine import analyze
from analyzer.rules.asa_config import arp_case
from tests.conftest import FIXTURES, fixture_text

CONTENT = FIXTURES.parent.parent / "kb" / "content"


def findings(*names, code=None):
    text = "".join(fixture_text(n) for n in names)
    report = analyze(text)
    return [f for f in report.findings if code is None or f.code == code]


def by_subject(found):
    return {f.subject: f for f in found}


def test_it_tells_a_pre_8_3_asa_answers_arp_anyway():
    """ASA 8.2: the statics to 22.22.22.22 and 33.33.33.33 (outside 11.11.11.0/29)
    are info, anchored to the pre-8.3 section, with names resolved."""
    found = by_subject(
        findings("config/asa-8.2-static.txt", code="asa.static_nat_nonconnected")
    )
    assert set(found) == {
        "static NAT 192.168.5.22 -> 22.22.22.22",
        "static NAT 192.168.5.33 -> 33.33.33.33",
    }
    first = found["static NAT 192.168.5.22 -> 22.22.22.22"]
    assert (first.severity, first.article, first.anchor) == (
        "info",
        "arp-permit-nonconnected",
        "pre-8-3",
    )
    assert first.lines == [4, 17, 50]


def test_it_says_8_4_4_cannot_and_routing_is_the_way():
    """ASA 8.4(4)1: an error per out-of-subnet static, pointing at the route on the
    upstream router; the static inside the subnet (11.11.11.14) is not mentioned."""
    found = findings(
        "config/asa-8.4.4-object-nat.txt", code="asa.static_nat_nonconnected"
    )
    assert [(f.severity, f.anchor) for f in found] == [("error", "8-3-to-8-4-4")] * 2
    assert not any("11.11.11.14" in f.subject for f in found)
    assert "route 22.22.22.22 to 11.11.11.11" in found[0].detail
    assert found[0].lines == [4, 14, 74]


def test_it_wants_arp_permit_nonconnected_on_later_releases():
    """ASA 9.8(4)20 with `no arp permit-nonconnected`: a warning for the twice NAT
    static to 22.22.22.25; the static inside the outside subnet is quiet."""
    (found,) = findings("config/asa-9.8-ikev2.txt", code="asa.static_nat_nonconnected")
    assert (found.severity, found.anchor) == ("warning", "8-4-5-and-later")
    assert found.subject == "static NAT 172.20.25.101 -> 22.22.22.25"
    assert "arp permit-nonconnected" in found.detail


def test_it_is_info_when_arp_permit_nonconnected_is_set():
    """ASA 9.12 (from show version) with the command: info, citing its line."""
    found = findings(
        "config/asa-9.12-arp-permit.txt", code="asa.static_nat_nonconnected"
    )
    assert [(f.severity, f.anchor) for f in found] == [("info", "8-4-5-and-later")] * 2
    assert 12 in found[0].lines and 27 in found[0].lines


def test_it_lists_the_three_cases_when_the_version_is_unknown():
    """No show version and no ASA Version line: a warning naming all three cases."""
    found = findings(
        "config/asa-fragment-static-no-version.txt", code="asa.static_nat_nonconnected"
    )
    assert [(f.severity, f.anchor) for f in found] == [("warning", "by-version")] * 2
    assert "before 8.3" in found[0].detail and "8.4(4)" in found[0].detail
    assert "8.4(5)" in found[0].detail


def test_show_version_decides_over_a_missing_version_line():
    """The fragment plus `show version` of an 8.4(4)1: the error case."""
    found = findings(
        "config/asa-fragment-static-no-version.txt",
        "config/show-version-asa-8.4.txt",
        code="asa.static_nat_nonconnected",
    )
    assert {f.anchor for f in found} == {"8-3-to-8-4-4"}


@pytest.mark.parametrize(
    "version, case",
    [
        ((8, 2, 5, 0), "pre-8-3"),
        ((7, 2, 4, 0), "pre-8-3"),
        ((8, 3, 1, 0), "8-3-to-8-4-4"),
        ((8, 4, 4, 1), "8-3-to-8-4-4"),
        ((8, 4, 5, 0), "8-4-5-and-later"),
        ((8, 4, 7, 30), "8-4-5-and-later"),
        ((9, 0, 4, 0), "8-3-to-8-4-4"),
        ((9, 1, 2, 0), "8-4-5-and-later"),
        ((9, 8, 4, 20), "8-4-5-and-later"),
        (None, "by-version"),
    ],
)
def test_it_places_each_release_in_its_case(version, case):
    """The release boundaries: 8.3, 8.4(5), and 9.1(2) in the 9.x trains; each
    range is a section of the article, and an unknown release the table of all."""
    assert arp_case(version) == ("arp-permit-nonconnected", case)


def test_it_notes_inspect_esmtp():
    """`inspect esmtp` in the applied global policy is info on its own."""
    (found,) = findings("config/asa-8.2-static.txt", code="asa.inspect_esmtp")
    assert (found.severity, found.article, found.anchor) == (
        "info",
        "ironport-esmtp-inspection",
        "inspect-esmtp",
    )
    assert found.lines == [101]


def test_it_warns_about_inspect_esmtp_when_mail_is_failing():
    """With IronPort aborts in the same paste, ESMTP inspection is a warning and
    the aborts are part of its evidence."""
    (found,) = findings(
        "mail/ironport-receiving-aborted.txt",
        "config/asa-9.8-ikev2.txt",
        code="asa.inspect_esmtp",
    )
    assert found.severity == "warning"
    assert 9 in found.lines and 17 in found.lines


def test_it_warns_about_inspect_esmtp_next_to_asa_esmtp_syslogs():
    """108004/507003 from the syslog reader, with a policy-map fragment, no prompt."""
    (found,) = findings(
        "config/asa-esmtp-fragment-with-syslog.txt", code="asa.inspect_esmtp"
    )
    assert found.severity == "warning"
    assert found.lines == [1, 2, 6]


def test_it_flags_peers_without_tunnel_group_or_key():
    """8.4(4)1: 203.0.113.30 has no tunnel-group; 203.0.113.20's has no key;
    203.0.113.10 is fine."""
    found = findings("config/asa-8.4.4-object-nat.txt")
    codes = {(f.code, f.subject, f.severity) for f in found}
    assert ("asa.peer_without_tunnel_group", "peer 203.0.113.30", "error") in codes
    assert ("asa.tunnel_group_without_key", "peer 203.0.113.20", "error") in codes
    assert not any(f.subject == "peer 203.0.113.10" for f in found)
    missing = next(f for f in found if f.code == "asa.peer_without_tunnel_group")
    assert missing.lines == [101]
    assert (missing.article, missing.anchor) == (
        "asa-vpn-config-checks",
        "peer-without-tunnel-group",
    )


def test_it_accepts_ikev2_keys_and_pix_isakmp_keys():
    """IKEv2 local+remote keys satisfy an IKEv2 entry; a PIX `isakmp key` line
    satisfies its peer."""
    for name in ("config/asa-9.8-ikev2.txt", "config/pix-6.3-write-terminal.txt"):
        found = findings(name)
        assert not any(
            f.code in ("asa.peer_without_tunnel_group", "asa.tunnel_group_without_key")
            for f in found
        )


def test_it_flags_crypto_traffic_caught_by_dynamic_nat():
    """VPN-LAB and VPN-DC have no identity NAT before the PAT; VPN-HQ has one."""
    found = findings("config/asa-8.4.4-object-nat.txt", code="asa.crypto_acl_nat")
    assert [(f.subject, f.severity) for f in found] == [
        ("crypto map outside_map 20", "warning"),
        ("crypto map outside_map 30", "warning"),
    ]
    assert found[0].lines == [56, 80, 96]
    assert found[0].anchor == "crypto-acl-nat"


def test_it_flags_the_unexempted_part_of_an_object_group():
    """9.8: DC-NETS is exempted by twice NAT, the DMZ subnet in the same group is
    not and meets the object NAT PAT."""
    (found,) = findings("config/asa-9.8-ikev2.txt", code="asa.crypto_acl_nat")
    assert "172.20.25.0-172.20.25.255" in found.detail
    assert found.lines == [66, 88, 105]


def test_it_respects_pre_8_3_nat_exemption():
    """ASA 8.2 and PIX 6: `nat 0 access-list` covers the crypto ACL."""
    for name in ("config/asa-8.2-static.txt", "config/pix-6.3-write-terminal.txt"):
        assert findings(name, code="asa.crypto_acl_nat") == []


def test_it_flags_unapplied_maps_and_ike_not_enabled():
    """9.8: OLD-MAP is bound to no interface; PARTNER-MAP uses IKEv2 on outside
    where only IKEv1 is enabled; OLD-MAP's transform set is not defined."""
    found = findings("config/asa-9.8-ikev2.txt")
    by_code = {f.code: f for f in found}
    assert by_code["asa.crypto_map_unapplied"].subject == "crypto map OLD-MAP"
    assert (
        by_code["asa.crypto_map_unapplied"].article,
        by_code["asa.crypto_map_unapplied"].anchor,
    ) == (
        "phase1-errors",
        "isakmp-enabled",
    )
    ike = by_code["asa.ike_not_enabled"]
    assert (ike.severity, ike.subject, ike.lines) == (
        "error",
        "interface outside",
        [110],
    )
    assert "crypto ikev2 enable outside" in ike.detail
    assert by_code["asa.transform_set_undefined"].subject == "crypto map OLD-MAP 10"


def test_it_keeps_quiet_on_a_section_without_the_other_pieces():
    """`show run crypto map` alone: no tunnel-group or ISAKMP-enable verdicts,
    only the summary of what the peers must match."""
    text = fixture_text("config/asa-9.8-ikev2.txt").splitlines()
    section = "\n".join(
        ["fw# show running-config crypto map"]
        + [line for line in text if line.startswith("crypto map PARTNER-MAP")]
    )
    report = analyze(section + "\n")
    assert [f.code for f in report.findings] == ["asa.crypto_summary"]


def test_it_summarises_what_a_peer_must_match():
    """The summary lists the policies and each entry's transform sets and PFS."""
    (found,) = findings("config/asa-8.4.4-object-nat.txt", code="asa.crypto_summary")
    assert found.severity == "info"
    assert "10: pre-share aes-256 sha group 2 lifetime 86400" in found.detail
    assert "ESP-AES-256-SHA (esp-aes-256 esp-sha-hmac)" in found.detail
    assert "PFS group5" in found.detail


def test_ios_flags_peers_without_keys_unapplied_maps_and_nat():
    """IOS 15: 192.0.2.77 and 192.0.2.200 have no key; OLDMAP is on no
    interface; VPN-DC and VPN-PARTNER traffic is caught by the NAT ACL."""
    found = findings("config/ios-15-crypto-map-nat.txt")
    got = sorted((f.code, f.subject, f.severity) for f in found)
    assert got == [
        ("ios.crypto_acl_nat", "crypto map CMAP 20", "warning"),
        ("ios.crypto_acl_nat", "crypto map CMAP 30", "warning"),
        ("ios.crypto_map_unapplied", "crypto map OLDMAP", "error"),
        ("ios.crypto_summary", "crypto map CMAP", "info"),
        ("ios.crypto_summary", "crypto map OLDMAP", "info"),
        ("ios.peer_without_key", "peer 192.0.2.200", "error"),
        ("ios.peer_without_key", "peer 192.0.2.77", "error"),
    ]
    nat = next(f for f in found if f.subject == "crypto map CMAP 20")
    assert nat.lines == [113, 119, 121]


def test_ios_accepts_an_ikev2_keyring_peer():
    """IOS-XE IKEv2 keyring peer covers the crypto map peer; no error."""
    found = findings("config/iosxe-ikev2-crypto-map.txt")
    assert [f.code for f in found] == ["ios.crypto_summary"]
    assert "PROP-AES256: aes-cbc-256 sha256 group 14" in found[0].detail


@pytest.mark.parametrize(
    "name",
    [
        "config/asa-8.2-static.txt",
        "config/asa-8.4.4-object-nat.txt",
        "config/asa-9.8-ikev2.txt",
        "config/asa-9.12-arp-permit.txt",
        "config/asa-fragment-static-no-version.txt",
        "config/ios-15-crypto-map-nat.txt",
        "config/pix-6.3-write-terminal.txt",
        "config/ios-show-crypto-map.txt",
        "config/iosxe-ikev2-crypto-map.txt",
    ],
)
def test_every_finding_links_to_an_existing_anchor(name):
    """Each finding's article exists and has the anchor as an explicit heading id."""
    for found in findings(name):
        if not found.code.startswith(("asa.", "ios.")):
            continue
        article = CONTENT / f"{found.article}.md"
        assert article.exists(), found.article
        assert re.search(r"\{#" + re.escape(found.anchor) + r"\}", article.read_text())
        assert found.subject and found.lines and found.next_commands


def test_ios_show_crypto_map_flags_incomplete_and_unbound_maps():
    """The router's own warning and an empty interface list are errors."""
    found = findings("config/ios-show-crypto-map.txt")
    got = [(f.code, f.subject, f.lines) for f in found]
    assert got == [
        ("ios.crypto_map_incomplete", "crypto map CMAP 30", [18, 20]),
        ("ios.crypto_map_unapplied", "crypto map OLDMAP", [44]),
    ]
    assert found[0].anchor == "incomplete-entry"


def test_it_groups_many_statics_on_one_interface():
    """Eight statics with the same verdict on one interface: one finding listing
    them, with every NAT line as evidence."""
    (found,) = findings(
        "config/asa-8.4.4-many-statics.txt", code="asa.static_nat_nonconnected"
    )
    assert found.severity == "error" and found.anchor == "8-3-to-8-4-4"
    assert found.title == "8 static NATs map outside the outside subnet"
    assert (
        found.subject
        == "static NAT to 22.22.22.21, 22.22.22.22, 22.22.22.23 and 5 more"
    )
    assert [26, 28, 30, 32, 34, 36, 38, 40] == [n for n in found.lines if n >= 26]


def test_it_collapses_many_peers_without_tunnel_group():
    """Six peers of `show run crypto map` lack a tunnel-group in `show run
    tunnel-group`: one error naming them all, not six."""
    (found,) = findings(
        "config/asa-many-peers-sections.txt", code="asa.peer_without_tunnel_group"
    )
    assert found.severity == "error"
    assert found.title == "6 crypto peers have no tunnel-group"
    assert found.subject == (
        "peer 198.51.100.2, peer 198.51.100.3, peer 198.51.100.4 and 3 more"
    )
    assert found.lines == [6, 9, 12, 15, 18, 21]
    assert "peer 198.51.100.7" in found.detail
