from analyzer.engine import analyze
from tests.conftest import fixture_text

PASTE = "cli_errors/asa_ios_refused_commands.txt"


def refusals(report):
    return [f for f in report.findings if f.code == "general.command_refused"]


def test_it_reads_each_refusal_with_its_caret_line():
    """ASA and IOS refusals are records that keep the caret line with the message."""
    report = analyze(fixture_text(PASTE))
    records = [r for s in report.sources if s.kind == "cli.error" for r in s.records]
    assert [(r["command"], r["lines"]) for r in records] == [
        ("sh cry isakmp sa detial", [2, 3]),
        ("sh cry", [17, 17]),
        ("sh crpyto ipsec sa", [20, 21]),
    ]
    assert records[0]["message"] == "Invalid input detected at '^' marker."
    # Which refusal it is, for the rule that says what to type instead.
    assert [r["reason"] for r in records] == [
        "invalid_input",
        "incomplete",
        "invalid_input",
    ]
    assert report.unparsed_lines == 0


def test_it_says_which_command_was_refused_and_what_to_type_instead():
    """A misspelt command gets the supported command it was meant to be; an
    incomplete one gets the device's own `?` help."""
    found = refusals(analyze(fixture_text(PASTE)))
    assert [(f.subject, f.next_commands) for f in found] == [
        ("command sh cry isakmp sa detial", ["show crypto isakmp sa"]),
        ("command sh cry", ["sh cry ?"]),
        ("command sh crpyto ipsec sa", ["show crypto ipsec sa"]),
    ]
    assert all(f.severity == "info" for f in found)


def test_it_still_analyzes_the_output_around_a_refusal():
    """A refused command costs only its own output: the SA pasted next is read."""
    report = analyze(fixture_text(PASTE))
    assert any(f.code == "isakmp.mm_active" for f in report.findings)
    assert not any(f.code == "general.not_understood" for f in report.findings)


def test_it_still_reports_nothing_recognised_when_only_refusals_are_pasted():
    """A paste of nothing but refused commands says so, besides the refusals."""
    codes = [
        f.code
        for f in analyze(fixture_text("cli_errors/ios_only_refused.txt")).findings
    ]
    assert codes.count("general.command_refused") == 1
    assert "general.not_understood" in codes
