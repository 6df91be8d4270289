"""Mail broken in transit: IronPort aborts and a masked SMTP banner."""

from analyzer.engine import analyze
from tests.conftest import fixture_text


def findings(*names, code=None):
    report = analyze("".join(fixture_text(n) for n in names))
    return [f for f in report.findings if code is None or f.code == code]


def test_it_warns_about_receiving_aborted():
    """Two aborted receptions and the lost connections are one warning linking to
    the receiving-aborted section, with every abort line as evidence."""
    (found,) = findings(
        "mail/ironport-receiving-aborted.txt", code="mail.receiving_aborted"
    )
    assert (found.severity, found.article, found.anchor) == (
        "warning",
        "ironport-esmtp-inspection",
        "receiving-aborted",
    )
    assert found.lines == [9, 10, 17, 18]
    assert "1006902, 1006911" in found.detail
    assert found.subject == "2 messages"


def test_it_names_a_single_aborted_message():
    """The seed's one line: subject is the MID."""
    (found,) = findings("mail/seed-ironport-aborted.txt", code="mail.receiving_aborted")
    assert found.subject == "MID 1006902"
    assert found.lines == [1]


def test_it_says_nothing_about_healthy_mail():
    """A delivered message and a clean SMTP test raise nothing."""
    assert findings("mail/ironport-healthy.txt") == []
    assert findings("mail/mxtoolbox-after-fix.txt") == []


def test_it_blames_esmtp_inspection_for_a_masked_banner():
    """Asterisks after 220 are a warning; the reverse DNS mismatch and the missing
    TLS are explained in the same finding, with their lines."""
    (found,) = findings("mail/mxtoolbox-masked-banner.txt", code="mail.masked_banner")
    assert (found.severity, found.anchor) == ("warning", "masked-banner")
    assert found.lines == [3, 5, 13, 18]
    assert "reverse DNS mismatch" in found.detail
    assert "STARTTLS" in found.detail
    assert found.subject == "SMTP server mail3.example.com"


def test_it_points_at_the_banner_when_only_the_warnings_are_pasted():
    """The seed's two warnings without the transcript: info asking for the banner."""
    (found,) = findings("mail/seed-smtp-warnings.txt", code="mail.smtp_test_warnings")
    assert found.severity == "info"
    assert found.lines == [1, 3]
    assert "asterisks" in found.detail
