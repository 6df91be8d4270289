"""SMTP test results (result table and session transcript)."""

from analyzer.engine import analyze
from tests.conftest import fixture_text


def smtp_record(name):
    report = analyze(fixture_text(name))
    (source,) = report.sources_of("smtp.test")
    (record,) = source.records
    return record, report


def test_it_sees_the_masked_banner_and_hidden_starttls():
    """A banner of asterisks is masked; XXXXXXXA in EHLO is a masked extension and
    TLS is not offered."""
    record, report = smtp_record("mail/mxtoolbox-masked-banner.txt")
    assert record["masked"] is True
    assert record["banner_host"] is None
    assert record["server"] == "203.0.113.25"
    assert record["tested"] == "mail3.example.com"
    assert record["ehlo_host"] == "mail3.example.com"
    assert record["masked_extensions"] == ["XXXXXXXA"]
    assert record["extensions"] == ["8BITMIME", "SIZE"]
    assert record["tls_offered"] is False
    assert record["reverse_dns_match"] is False
    assert record["at"]["banner"] == 13
    assert report.unparsed_lines == 0


def test_it_reads_the_result_table():
    """Each check keeps its name, status and message, icons or words alike."""
    record, _ = smtp_record("mail/mxtoolbox-masked-banner.txt")
    checks = {c["name"]: c for c in record["checks"]}
    assert checks["SMTP Reverse DNS Mismatch"]["status"] == "warning"
    assert (
        checks["SMTP Reverse DNS Mismatch"]["message"]
        == "Reverse DNS does not match SMTP Banner"
    )
    assert checks["SMTP TLS"]["status"] == "warning"
    assert checks["SMTP Open Relay"]["status"] == "ok"
    assert checks["SMTP TLS"]["line"] == 5


def test_it_reads_a_healthy_test():
    """After the fix the banner carries the host name and STARTTLS is offered."""
    record, _ = smtp_record("mail/mxtoolbox-after-fix.txt")
    assert record["masked"] is False
    assert record["banner"] == "mail3.example.com ESMTP"
    assert record["banner_host"] == "mail3.example.com"
    assert record["tls_offered"] is True
    assert record["reverse_dns_match"] is True
    assert all(c["status"] == "ok" for c in record["checks"])


def test_it_reads_the_seed_warning_lines():
    """The seed's two warnings with their em and en dashes."""
    record, _ = smtp_record("mail/seed-smtp-warnings.txt")
    assert [(c["name"], c["status"], c["message"]) for c in record["checks"]] == [
        (
            "SMTP Reverse DNS Mismatch",
            "warning",
            "Reverse DNS does not match SMTP Banner",
        ),
        ("SMTP TLS", "warning", "Does not support TLS"),
    ]
    assert record["banner"] is None
    assert record["tls_offered"] is False


def test_it_ignores_a_stray_220_line():
    """A line starting with 220 in other output is not an SMTP test."""
    report = analyze("220 packets captured\n220 packets shown\n")
    assert report.sources_of("smtp.test") == []


def test_it_reads_a_table_copied_without_its_status_icons():
    """With the status column lost, the message tells the outcome."""
    record, _ = smtp_record("mail/mxtoolbox-copied-without-icons.txt")
    statuses = {c["name"]: c["status"] for c in record["checks"]}
    assert statuses["SMTP Reverse DNS Mismatch"] == "warning"
    assert statuses["SMTP TLS"] == "warning"
    assert statuses["SMTP Valid Hostname"] is None
    assert record["masked"] is True
