"""`show version` on ASA, IOS and IOS-XE, and the version helpers the rules use."""

import pytest

from analyzer.engine import analyze
from analyzer.parsers.show_version import parse_version, version_at_least
from tests.conftest import fixture_text


def version_record(name, kind):
    report = analyze(fixture_text(name))
    (source,) = report.sources_of(kind)
    (record,) = source.records
    return record, report


def test_it_reads_an_asa_8_4_interim_release():
    """ASA 8.4(4)1: version, tuple with the interim, hardware, host, uptime, image."""
    record, report = version_record(
        "config/show-version-asa-8.4.txt", "asa.show_version"
    )
    assert record["platform"] == "asa"
    assert record["version"] == "8.4(4)1"
    assert record["version_tuple"] == [8, 4, 4, 1]
    assert record["hardware"] == "ASA5510"
    assert (record["hostname"], record["uptime"]) == ("fw-branch", "212 days 4 hours")
    assert record["image"] == "disk0:/asa844-1-k8.bin"
    assert record["license"] == "an ASA 5510 Security Plus license"
    assert record["config_register"] == "0x1"
    assert record["at"]["version"] == 3
    assert report.unparsed_lines == 0


def test_it_reads_an_asa_on_firepower():
    """ASA 9.8(4)20 on FXOS: the chassis software version is kept apart."""
    record, _ = version_record(
        "config/show-version-asa-9.8-firepower.txt", "asa.show_version"
    )
    assert record["version_tuple"] == [9, 8, 4, 20]
    assert record["fxos"] == "2.2(2.124)"
    assert record["hardware"] == "FPR-2130"
    assert record["hostname"] == "asa-dc01"


def test_it_reads_classic_ios():
    """IOS 15.0(1)M3 on an 1811 with its ROM bootstrap and register."""
    record, _ = version_record("config/show-version-ios-1811.txt", "ios.show_version")
    assert (record["platform"], record["version"]) == ("ios", "15.0(1)M3")
    assert record["version_tuple"] == [15, 0, 1, 3]
    assert record["rom"] == "12.3(8r)YH13"
    assert record["hardware"] == "1811"
    assert record["hostname"] == "R1-branch"
    assert record["config_register"] == "0x2102"


def test_it_reads_ios_xe_as_one_device():
    """The IOS-XE line and the IOS banner after it are one output, platform iosxe."""
    record, report = version_record(
        "config/show-version-iosxe-17.3.txt", "ios.show_version"
    )
    assert (record["platform"], record["version"]) == ("iosxe", "17.03.04a")
    assert record["version_tuple"] == [17, 3, 4, 0]
    assert record["hardware"] == "ISR4331/K9"
    assert len(report.sources_of("ios.show_version")) == 1


def test_it_does_not_take_a_boot_banner_for_show_version():
    """The IOS banner printed while booting is not `show version` output."""
    report = analyze(fixture_text("boot/seed-1811-password-recovery-disabled.txt"))
    assert report.sources_of("ios.show_version") == []


@pytest.mark.parametrize(
    "text, expected",
    [
        ("8.4(4)1", (8, 4, 4, 1)),
        ("8.4(5)", (8, 4, 5, 0)),
        ("9.1(5.12)", (9, 1, 5, 12)),
        ("9.12(4)37", (9, 12, 4, 37)),
        ("12.3(8r)YH13", (12, 3, 8, 13)),
        ("17.03.04a", (17, 3, 4, 0)),
        ("03.16.05.S", (3, 16, 5, 0)),
        ("6.3(5)", (6, 3, 5, 0)),
        ("15.0", (15, 0, 0, 0)),
        ("garbage", None),
        ("", None),
    ],
)
def test_it_parses_version_strings(text, expected):
    """Cisco version strings become comparable (major, minor, maintenance, interim)."""
    assert parse_version(text) == expected


def test_it_compares_versions():
    """8.4(4)1 is before 8.4(5); 9.1(2) is at least 8.4(5); a shorter minimum pads."""
    assert not version_at_least("8.4(4)1", (8, 4, 5))
    assert version_at_least("8.4(5)", "8.4(5)")
    assert version_at_least("9.1(2)", (8, 4, 5))
    assert version_at_least((8, 3, 1, 0), (8, 3))
    assert not version_at_least("nonsense", (1,))
