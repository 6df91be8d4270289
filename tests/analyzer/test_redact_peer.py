"""Redaction against a peer project's own table of secret-bearing lines.

``tests/fixtures/redact/peer/netconan-sensitive-lines.tsv`` holds the data lines of
netconan's sensitive-item tests (source, commit and licence in the fixtures README):
vendor, the line with ``{0}`` where the secret goes, and the secret. Every line is
tried bare and in the contexts a paste puts it in (a prompt, pager debris, CRLF, ASA
111008/111010, TACACS+ accounting, mail quoting, a session log's time stamp, an
Ansible ``stdout_lines`` string, a Python list). The secret must be gone and every
other word kept exactly where it was: a keyword is never what goes.
"""

from pathlib import Path

import pytest

from analyzer.redact import MARKED, MARKER, redact, redact_with_count
from tests.conftest import FIXTURES

PEER = FIXTURES / "redact" / "peer"


def rows(path: Path) -> list[tuple[str, str, str]]:
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            vendor, template, secret = line.split("\t")
            out.append((vendor, template, secret))
    return out


LINES = rows(PEER / "netconan-sensitive-lines.tsv")

CONTEXTS = {
    "bare": lambda line: line,
    "prompt": lambda line: "R1(config)#" + line.lstrip(),
    "pager": lambda line: "<--- More --->" + " " * 14 + "\r" + " " * 14 + "\r" + line,
    "crlf": lambda line: line + "\r",
    "asa-111008": lambda line: (
        "Nov 27 2026 10:01:05: %ASA-5-111008: User 'admin' executed the '"
        + line.strip()
        + "' command."
    ),
    "asa-111010": lambda line: (
        "Nov 27 2026 10:01:05: %ASA-5-111010: User 'admin', running 'CLI' from IP "
        "10.1.1.9, executed '" + line.strip() + "'"
    ),
    "tacacs-accounting": lambda line: (
        "Nov 27 14:13:01 10.1.5.10 netadmin tty2 10.1.1.9 stop task_id=411 "
        "timezone=UTC service=shell priv-lvl=15 cmd=" + line.strip() + " <cr>"
    ),
    "mail-quote": lambda line: "> " + line,
    "session-log": lambda line: "[10:01:02] R1(config)#" + line.strip(),
    "ansible": lambda line: '            "' + line.replace('"', '\\"') + '",',
    "python-list": lambda line: "['" + line + "', 'end']",
}


def plain(text: str) -> str:
    return MARKED.sub(MARKER, text)


def cases():
    for vendor, template, secret in LINES:
        for name in CONTEXTS:
            yield pytest.param(
                vendor, template, secret, name, id=f"{vendor}:{template}:{name}"
            )


def test_the_table_is_the_peer_one():
    """The table holds the peer's 90 data lines, 73 of them Cisco."""
    vendors = [vendor for vendor, _, _ in LINES]
    assert len(LINES) == 90
    assert vendors.count("cisco") == 73
    assert {"juniper", "arista", "misc"} <= set(vendors)


@pytest.mark.parametrize(("vendor", "template", "secret", "context"), list(cases()))
def test_it_removes_the_secret_and_nothing_else(vendor, template, secret, context):
    wrap = CONTEXTS[context]
    text = wrap(template.format(secret))
    redacted, count = redact_with_count(text)
    assert secret not in redacted
    assert plain(redacted) == wrap(template.format(MARKER))
    assert count == template.count("{0}")


def test_it_leaves_the_peer_benign_lines_alone():
    """The peer's lines that must not change (route-map communities, interfaces)."""
    text = (PEER / "netconan-insensitive-lines.txt").read_text(encoding="utf-8")
    assert redact_with_count(text) == (text, 0)


def test_it_labels_the_same_secret_alike_across_contexts():
    """One paste quoting a key in config, a prompt and a syslog: one label."""
    text = "\n".join(
        [
            "crypto isakmp key SameKeyEverywhere address 203.0.113.10",
            "R1(config)#crypto isakmp key SameKeyEverywhere address 203.0.113.10",
            "*Nov 27 10:02:11.123: %PARSER-5-CFGLOG_LOGGEDCMD: User:netadmin  logged "
            "command:crypto isakmp key SameKeyEverywhere address 203.0.113.10",
        ]
    )
    labels = MARKED.findall(redact(text))
    assert labels == ["<removed:psk-1>"] * 3
