"""`manage.py analyze`: files or stdin in, redacted, JSON or a readable report out."""

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from analyzer.management.commands.analyze import format_lines, format_report
from analyzer.report import SEVERITIES, Finding, Report, Source
from tests.conftest import FIXTURES

CLI = FIXTURES / "cli"
ROOT = Path(__file__).resolve().parents[2]
PASTE = CLI / "vpn-paste-with-secrets.txt"
SECRETS = (CLI / "vpn-paste-with-secrets.secrets").read_text().split()
FINDING_KEYS = {
    "code",
    "severity",
    "title",
    "detail",
    "article",
    "anchor",
    "lines",
    "next_commands",
    "subject",
}


def run(*args, stdin=None) -> str:
    out = io.StringIO()
    call_command("analyze", *args, stdout=out, stdin=stdin)
    return out.getvalue()


TUNNEL_KEYS = {
    "local",
    "peer",
    "ike_version",
    "phase1",
    "phase1_state",
    "phase2",
    "traffic",
    "verdict",
    "finding",
    "lines",
    "timeline",
}


def manage(*args, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    """The command as a user runs it: a new Python process on the project."""
    env = dict(os.environ)
    return subprocess.run(
        [sys.executable, "manage.py", "analyze", *args],
        cwd=ROOT,
        input=stdin,
        capture_output=True,
        env=env,
        timeout=120,
        check=False,
    )


def assert_report_shape(report: dict, line_count: int):
    assert set(report) == {
        "sources",
        "findings",
        "unparsed_lines",
        "tunnels",
        "unparsed",
    }
    assert isinstance(report["unparsed_lines"], int)
    for tunnel in report["tunnels"]:
        assert set(tunnel) == TUNNEL_KEYS
        assert tunnel["phase1"] in ("up", "down", "stuck", "unknown")
        assert tunnel["phase2"] in ("up", "down", "unknown")
        assert tunnel["traffic"] in (
            "both",
            "outbound-only",
            "inbound-only",
            "none",
            "unknown",
        )
        assert tunnel["ike_version"] in (1, 2, None)
        assert tunnel["verdict"]
        assert tunnel["finding"] is None or tunnel["finding"] in {
            f["code"] for f in report["findings"]
        }
        assert all(1 <= n <= line_count for n in tunnel["lines"])
    assert 0 <= report["unparsed_lines"] <= line_count
    for source in report["sources"]:
        assert set(source) == {"kind", "first_line", "last_line", "records"}
        assert 1 <= source["first_line"] <= source["last_line"] <= line_count
        assert isinstance(source["records"], list)
    for finding in report["findings"]:
        assert set(finding) == FINDING_KEYS
        assert finding["severity"] in SEVERITIES
        assert all(1 <= n <= line_count for n in finding["lines"])
        assert all(isinstance(c, str) for c in finding["next_commands"])


def test_it_prints_one_json_object():
    """--json prints the report object with its keys and sane values, one verdict
    per tunnel included."""
    report = json.loads(run("--json", str(PASTE)))
    assert_report_shape(report, PASTE.read_text().count("\n"))


def test_it_never_prints_a_secret_from_the_input():
    """Secrets in the paste appear nowhere in the JSON or the text report."""
    for args in (("--json", str(PASTE)), (str(PASTE),)):
        output = run(*args)
        for secret in SECRETS:
            assert secret not in output


def test_it_says_how_many_secrets_it_removed():
    """The text report counts the secrets taken out before the analysis."""
    output = run(str(PASTE))
    assert f"Removed {len(SECRETS)} secrets before the analysis." in output
    assert f"Input: {PASTE} (" in output


def test_it_reads_standard_input():
    """`-` reads the paste from standard input."""
    from_stdin = json.loads(run("--json", "-", stdin=io.BytesIO(PASTE.read_bytes())))
    from_file = json.loads(run("--json", str(PASTE)))
    assert from_stdin == from_file


def test_it_joins_several_files_into_one_paste():
    """Several files are one paste: line numbers count across them, separated by a
    blank line, and the text report says which lines came from which file."""
    other = CLI / "ipsec-sa-peer.txt"
    first_lines = PASTE.read_text().count("\n")
    total = first_lines + 1 + other.read_text().count("\n")
    report = json.loads(run("--json", str(PASTE), str(other)))
    assert_report_shape(report, total)
    text = run(str(PASTE), str(other))
    assert f"{PASTE}: lines 1-{first_lines}" in text
    assert f"{other}: lines {first_lines + 2}-{total}" in text


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("missing.txt", "No such file"),
        ("empty.txt", "empty"),
        ("whitespace-only.txt", "empty"),
        ("ike-capture.pcap", "not look like text"),
    ],
)
def test_it_refuses_input_it_cannot_read(name, words):
    """A missing, empty or binary file is a CommandError naming the file."""
    with pytest.raises(CommandError) as info:
        run(str(CLI / name))
    assert words in str(info.value)
    assert name in str(info.value)


def test_it_refuses_input_over_max_bytes():
    """--max-bytes lowers the limit; input above it is refused with the limit."""
    with pytest.raises(CommandError) as info:
        run("--max-bytes", "100", str(PASTE))
    assert "larger than the 100 bytes limit" in str(info.value)
    assert str(PASTE) in str(info.value)


def test_it_counts_max_bytes_over_all_files():
    """Files each under --max-bytes but over it together are refused."""
    size = PASTE.stat().st_size
    with pytest.raises(CommandError) as info:
        run("--max-bytes", str(size + 10), str(PASTE), str(PASTE))
    assert "the limit is" in str(info.value)


def test_it_reads_standard_input_once():
    """`-` twice is refused rather than reading an exhausted stream."""
    with pytest.raises(CommandError):
        run("-", "-", stdin=io.BytesIO(b"show crypto isakmp sa\n"))


def test_it_runs_as_a_command_with_exit_status_zero():
    """A real process prints JSON and exits 0 when the input was read."""
    done = manage("--json", str(PASTE))
    assert done.returncode == 0, done.stderr.decode()
    report = json.loads(done.stdout)
    assert_report_shape(report, PASTE.read_text().count("\n"))
    for secret in SECRETS:
        assert secret.encode() not in done.stdout
        assert secret.encode() not in done.stderr


def test_it_runs_on_standard_input_in_a_process():
    """`manage.py analyze -` reads a piped paste, UTF-16 included."""
    raw = (CLI / "isakmp-sa-utf16le-bom.txt").read_bytes()
    done = manage("-", stdin=raw)
    assert done.returncode == 0, done.stderr.decode()
    lines = raw.decode("utf-16").count("\n")
    assert f"Input: standard input ({lines} lines)".encode() in done.stdout


@pytest.mark.parametrize(
    ("name", "words"),
    [("missing.txt", b"No such file"), ("ike-capture.pcap", b"not look like text")],
)
def test_it_exits_non_zero_with_a_message_on_stderr(name, words):
    """A file that cannot be read gives a non-zero status, a message on stderr and
    nothing on stdout."""
    done = manage("--json", str(CLI / name))
    assert done.returncode != 0
    assert words in done.stderr
    assert done.stdout == b""


def test_it_exits_non_zero_on_empty_standard_input():
    """Nothing on standard input is refused, not analyzed."""
    done = manage("-", stdin=b"")
    assert done.returncode != 0
    assert b"empty" in done.stderr


def test_it_formats_findings_for_reading():
    """The text report shows severity, title, subject, lines, detail, next commands
    and the article URL with its anchor."""
    finding = Finding(
        code="isakmp.mm_wait_msg2",
        severity="warning",
        title="Initiator waiting for the peer's first reply",
        detail="The peer has not answered message 1.",
        article="isakmp-states",
        anchor="mm_wait_msg2",
        lines=[9, 10, 11, 14],
        next_commands=["show crypto isakmp sa detail"],
        subject="peer 203.0.113.50",
    )
    source = Source(kind="asa.show_crypto_isakmp_sa", first_line=1, last_line=14)
    report = Report(
        sources=[source], findings=[finding], unparsed_lines=2, line_count=14
    )
    text = format_report(report, [("paste.txt", 1, 14)], removed=1)
    assert (
        "[WARNING] Initiator waiting for the peer's first reply (peer 203.0.113.50)"
        in text
    )
    assert "  Lines: 9-11, 14" in text
    assert "  The peer has not answered message 1." in text
    assert "    show crypto isakmp sa detail" in text
    assert "  Read: /kb/isakmp-states/#mm_wait_msg2" in text
    assert "asa.show_crypto_isakmp_sa  lines 1-14  (0 records)" in text
    assert "Lines not understood: 2" in text
    assert "Removed 1 secret before the analysis." in text


def test_it_writes_line_runs_compactly():
    """Consecutive lines collapse into ranges."""
    assert format_lines([14, 3, 4, 5, 9, 9]) == "3-5, 9, 14"
    assert format_lines([]) == ""
