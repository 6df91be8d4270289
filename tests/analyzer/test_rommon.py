"""Router boot output and ROMMON sessions."""

from analyzer.engine import analyze
from tests.conftest import fixture_text


def boot_record(name):
    report = analyze(fixture_text(name))
    (source,) = report.sources_of("ios.boot")
    (record,) = source.records
    return record, source, report


def test_it_reads_the_seed_boot_with_recovery_disabled():
    """The 1811 boot: bootstrap, platform, recovery disabled, the glued break
    window notice, the factory reset dialogue and the IOS version."""
    record, source, _ = boot_record("boot/seed-1811-password-recovery-disabled.txt")
    assert record["bootstrap_version"] == "12.3(8r)YH13"
    assert record["platform"] == "C1800"
    assert record["password_recovery_disabled"] is True
    assert record["at"]["password_recovery_disabled"] == 6
    assert record["break_window"] == 5
    assert record["at"]["break_window"] == 26
    assert record["factory_reset_offered"] is True
    assert record["factory_reset_answer"] == "y"
    assert record["factory_reset_done"] is True
    assert record["ios_version"] == "15.0(1)M3"


def test_it_leaves_syslog_lines_to_the_syslog_reader():
    """Syslog messages inside the boot are not claimed by the boot source."""
    _, source, _ = boot_record("boot/seed-1811-password-recovery-disabled.txt")
    text = fixture_text("boot/seed-1811-password-recovery-disabled.txt").splitlines()
    for number in source.claimed:
        assert ": %" not in text[number - 1]
    assert 54 not in source.claimed  # "*Jan 5 01:35:07.431: %SNMP-5-COLDSTART: ..."


def test_it_reads_rommon_commands_and_confreg():
    """Commands typed at `rommon N >` and the register value they set."""
    record, source, report = boot_record("boot/rommon-2911-confreg-2142.txt")
    assert record["rommon_commands"] == ["confreg 0x2142", "reset"]
    assert record["confreg"] == ["0x2142"]
    assert record["password_recovery_disabled"] is False
    assert record["break_received"] is True
    assert record["platform"] == "CISCO2911/K9"
    assert report.unparsed_lines == 0


def test_it_finds_nothing_in_other_output():
    """A configuration is not a boot log."""
    report = analyze(fixture_text("config/ios-15-crypto-map-nat.txt"))
    assert report.sources_of("ios.boot") == []
