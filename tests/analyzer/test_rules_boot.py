"""Boot output: password recovery disabled and the configuration register."""

from analyzer.engine import analyze
from tests.conftest import fixture_text


def findings(name, code=None):
    report = analyze(fixture_text(name))
    return [f for f in report.findings if code is None or f.code == code]


def test_it_explains_the_break_window_and_the_lost_configuration():
    """The seed boot: recovery disabled, the 5-second window, and the reset that
    was accepted, so the configuration is gone: a warning."""
    (found,) = findings(
        "boot/seed-1811-password-recovery-disabled.txt",
        code="boot.password_recovery_disabled",
    )
    assert (found.severity, found.article, found.anchor) == (
        "warning",
        "password-recovery-disabled",
        "break-window",
    )
    assert found.lines == [6, 26, 28, 29]
    assert "5-second window" in found.detail
    assert "factory defaults" in found.detail
    assert found.subject == "router C1800"


def test_it_is_info_when_no_reset_was_made():
    """Recovery disabled but the dialogue not reached: info."""
    text = fixture_text("boot/seed-1811-password-recovery-disabled.txt").splitlines()
    report = analyze("\n".join(text[:25]) + "\n")
    (found,) = [
        f for f in report.findings if f.code == "boot.password_recovery_disabled"
    ]
    assert found.severity == "info"
    assert found.lines == [6]


def test_it_reminds_to_restore_the_register():
    """confreg 0x2142 typed at rommon: info pointing at the procedure."""
    (found,) = findings("boot/rommon-2911-confreg-2142.txt")
    assert (found.code, found.severity, found.anchor) == (
        "boot.confreg_ignores_config",
        "info",
        "procedure",
    )
    assert found.lines == [13]
    assert "0x2102" in found.detail
