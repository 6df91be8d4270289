"""IronPort / Cisco Secure Email mail logs."""

from hypothesis import given, settings
from hypothesis import strategies as st

from analyzer.engine import analyze
from analyzer.parsers import mail_log, rommon, smtp_test
from analyzer.report import Section
from tests.conftest import fixture_text


def mail_records(name):
    report = analyze(fixture_text(name))
    (source,) = report.sources_of("ironport.mail_log")
    return source.records, source, report


def test_it_groups_lines_by_message_and_connection():
    """Each MID becomes a message record; ICID/DCID lines without a MID become
    connection records; ids link them."""
    records, source, report = mail_records("mail/ironport-receiving-aborted.txt")
    messages = {r["mid"]: r for r in records if r["type"] == "message"}
    assert set(messages) == {"1006902", "1006911", "1006915"}
    aborted = messages["1006902"]
    assert aborted["icid"] == "4418812"
    assert aborted["sender"] == "billing@sender.example"
    assert aborted["recipients"] == ["accounts@example.com"]
    assert aborted["events"] == ["message_start", "from", "to", "receiving_aborted"]
    assert aborted["reason"] == "Receiving aborted"
    assert aborted["problem"] == "receiving_aborted"
    assert aborted["at"]["receiving_aborted"] == 9
    assert aborted["lines"] == [6, 9]
    connections = {r["icid"]: r for r in records if r["type"] == "incoming_connection"}
    assert connections["4418812"]["problem"] == "connection_lost"
    assert connections["4418812"]["remote"] == "75.75.75.75"
    delivery = [r for r in records if r["type"] == "delivery_connection"]
    assert [d["dcid"] for d in delivery] == ["220931"]
    assert report.unparsed_lines == 0


def test_it_sees_a_healthy_delivery_as_healthy():
    """A message received over TLS and delivered has no problem."""
    records, _, _ = mail_records("mail/ironport-healthy.txt")
    (message,) = [r for r in records if r["type"] == "message"]
    assert message["problem"] is None
    assert "delivered" in message["events"] and "finished" in message["events"]
    (incoming,) = [r for r in records if r["type"] == "incoming_connection"]
    assert "tls_success" in incoming["events"]


def test_it_reads_the_bare_line_from_the_gui():
    """The seed's "Message 1006902 aborted: Receiving aborted", pasted alone."""
    records, source, _ = mail_records("mail/seed-ironport-aborted.txt")
    (record,) = records
    assert (record["mid"], record["problem"]) == ("1006902", "receiving_aborted")
    assert source.first_line == source.last_line == 1


def test_it_reads_delivery_failures():
    """`SMTP delivery connection (DCID n) to host failed: reason` is a failure."""
    lines = [
        "Tue Mar 12 11:00:01 2024 Warning: SMTP delivery connection (DCID 221500) "
        "to 10.0.30.5 failed: Connection refused",
        "Tue Mar 12 11:00:01 2024 Info: DCID 221500 close",
    ]
    (source,) = mail_log.parse(Section(lines=lines, numbers=[7, 8]))
    (record,) = source.records
    assert record["problem"] == "delivery_failed"
    assert (record["remote"], record["reason"]) == ("10.0.30.5", "Connection refused")
    assert record["level"] == "Warning"
    assert source.claimed == {7, 8}


def test_it_ignores_text_that_is_not_a_mail_log():
    """A configuration or a sentence mentioning mail is not a mail log."""
    section = Section(
        lines=fixture_text("config/asa-8.2-static.txt").splitlines(),
        numbers=list(range(1, 114)),
    )
    assert mail_log.parse(section) == []


_WORDS = [
    "Info:",
    "Warning:",
    "MID",
    "ICID",
    "DCID",
    "RID",
    "[0]",
    "1006902",
    "Message",
    "aborted:",
    "Receiving",
    "aborted",
    "lost",
    "close",
    "From:",
    "<a@b>",
    "220",
    "250-",
    "***",
    "XXXXXXXA",
    "EHLO",
    "Connecting",
    "to",
    "SMTP",
    "TLS",
    "Warning",
    "-",
    "\u2014",
    "\u2713",
    "rommon",
    "1",
    ">",
    "confreg",
    "0x2142",
    "PASSWORD",
    "RECOVERY",
    "IS",
    "DISABLED.",
    "[",
    "5",
    "Second window begins here to send BREAK",
    "]",
    "System Bootstrap, Version",
    "[y/n]",
    "?",
    "y",
]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(st.sampled_from(_WORDS), max_size=14), max_size=40))
def test_it_never_raises_on_scrambled_mail_and_boot_text(lines):
    """The mail log, SMTP test and boot readers and their checks take any mix of
    their own words without an exception."""
    text = "\n".join(" ".join(words) for words in lines)
    section = Section(
        lines=text.splitlines(), numbers=list(range(1, len(text.splitlines()) + 1))
    )
    for module in (mail_log, smtp_test, rommon):
        module.parse(section)
    report = analyze(text)
    mine = ("mail_log", "smtp_test", "rommon", "mail", "boot")
    assert not [
        f
        for f in report.findings
        if f.code.startswith("engine.") and any(m in f.title + f.detail for m in mine)
    ]
