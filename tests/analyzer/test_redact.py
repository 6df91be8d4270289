"""Redaction: every secret value out, everything else exactly as pasted.

Each ``tests/fixtures/redact/<name>.txt`` with secrets has a ``<name>.secrets`` beside
it listing, one per line, every secret value written in it. The expected redacted
text is the fixture with each listed value (longest first) replaced by the marker:
nothing else on any line may change.
"""

import signal
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analyzer.redact import MARKED, MARKER, redact, redact_with_count
from tests.conftest import CORPUS, FIXTURES, SEED_OUTPUTS

REDACT = FIXTURES / "redact"
WITH_SECRETS = sorted(
    p for p in REDACT.glob("*.txt") if p.with_suffix(".secrets").exists()
)
CLEAN = sorted(
    p for p in REDACT.glob("*.txt") if not p.with_suffix(".secrets").exists()
)
CORPUS_FILES = sorted(
    p for p in CORPUS.rglob("*") if p.is_file() and p.suffix in (".raw", ".txt", ".out")
)


def read(path: Path) -> str:
    # Bytes, so CRLF and control characters reach redact() exactly as stored.
    return path.read_bytes().decode("utf-8")


def secrets_of(path: Path) -> list[str]:
    values = path.with_suffix(".secrets").read_text(encoding="utf-8").splitlines()
    return sorted((v for v in values if v), key=len, reverse=True)


def plain(text: str) -> str:
    """Labelled markers (`<removed:psk-1>`) read as the bare marker."""
    return MARKED.sub(MARKER, text)


def expected(text: str, secrets: list[str]) -> str:
    lines = []
    for line in text.split("\n"):
        for secret in secrets:
            line = line.replace(secret, MARKER)
        lines.append(line)
    return "\n".join(lines)


@contextmanager
def deadline(seconds: int):
    """Fail instead of hanging if a pattern ever backtracks: not a speed claim
    (bench/redact.py prints the figures), only a guard far above any real cost."""

    def expired(signum, frame):
        raise AssertionError(f"redaction did not finish within {seconds} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def test_it_has_fixtures_for_both_sides():
    """The fixture folder holds configs with secrets and show output without."""
    assert len(WITH_SECRETS) >= 6
    assert CLEAN


@pytest.mark.parametrize("path", WITH_SECRETS, ids=lambda p: p.name)
def test_it_removes_every_listed_secret(path):
    """Every secret value written in the fixture is gone after redaction."""
    text = read(path)
    redacted = redact(text)
    for secret in secrets_of(path):
        assert secret in text, f"{secret!r} is listed but not in {path.name}"
        assert secret not in redacted, f"{secret!r} survived in {path.name}"


@pytest.mark.parametrize("path", WITH_SECRETS, ids=lambda p: p.name)
def test_it_changes_only_the_secret_values(path):
    """Keywords, type digits, addresses, hostnames, indentation, line endings and
    the line count stay: each line equals the original with the secret replaced."""
    text = read(path)
    redacted, count = redact_with_count(text)
    want = expected(text, secrets_of(path))
    assert plain(redacted).split("\n") == want.split("\n")
    assert count == want.count(MARKER)
    assert redacted.count("\n") == text.count("\n")


@pytest.mark.parametrize("path", WITH_SECRETS + CLEAN, ids=lambda p: p.name)
def test_it_is_idempotent(path):
    """Redacting a redacted paste changes nothing and counts nothing."""
    once = redact(read(path))
    assert redact_with_count(once) == (once, 0)


def test_it_keeps_crlf_line_endings():
    """A CRLF paste comes back CRLF, with the prompts in front of the commands."""
    text = read(REDACT / "typed-session-crlf.txt")
    redacted = plain(redact(text))
    assert redacted.count("\r\n") == text.count("\r\n")
    assert "R1(config-line)#password <removed>\r\n" in redacted
    assert "ASA(config-tunnel-ipsec)# ikev1 pre-shared-key <removed>\r\n" in redacted


def test_it_keeps_the_shape_of_isakmp_keys_and_keyrings():
    """What follows the key (address, mask, no-xauth, hostname) stays in place."""
    redacted = plain(redact(read(REDACT / "ios-15-running-config.txt"))).split("\n")
    assert (
        "crypto isakmp key 6 <removed> address 203.0.113.0 255.255.255.0 no-xauth"
        in redacted
    )
    assert "crypto isakmp key 0 <removed> hostname peer2.example.net" in redacted
    assert (
        "  pre-shared-key address 198.51.100.0 255.255.255.0 key 6 <removed>"
        in redacted
    )
    assert "snmp-server host 10.1.5.30 version 2c <removed> udp-port 1162" in redacted
    assert "ntp authentication-key 1 md5 <removed> 7" in redacted


def test_it_keeps_key_ids_in_key_chains():
    """`key 1` under `key chain` is a key id, not a secret; its key-string is."""
    redacted = plain(redact(read(REDACT / "ios-15-running-config.txt"))).split("\n")
    assert " key 1" in redacted
    assert " key 2" in redacted
    assert "  key-string 7 <removed>" in redacted


def test_it_leaves_masked_values_alone():
    """Values the device already printed as ***** are not counted or changed."""
    text = read(REDACT / "asa-9x-running-config.txt")
    redacted = redact(text)
    assert " ikev1 pre-shared-key *****" in redacted.split("\n")
    assert " key *****" in redacted.split("\n")
    assert "ntp authentication-key 2 md5 *****" in redacted.split("\n")


def test_it_leaves_valueless_psk_lines_alone():
    """`ikev2 remote-authentication pre-shared-key` with no value stays as is."""
    redacted = plain(redact(read(REDACT / "asa-9x-running-config.txt"))).split("\n")
    assert " ikev2 remote-authentication pre-shared-key" in redacted


@pytest.mark.parametrize("path", CLEAN, ids=lambda p: p.name)
def test_it_leaves_show_output_and_syslog_unchanged(path):
    """Show output, debugs and syslog that mention keys and passwords without a
    value (remaining key lifetime, crypto key generate rsa, Pre-Shared Key, masked
    values, PASSWORD RECOVERY) are returned unchanged."""
    text = read(path)
    assert redact_with_count(text) == (text, 0)


@pytest.mark.parametrize("path", CORPUS_FILES, ids=lambda p: str(p.relative_to(CORPUS)))
def test_it_leaves_the_corpus_unchanged(path):
    """No real device output in the shared corpus is altered."""
    text = path.read_bytes().decode("utf-8", errors="replace")
    assert redact_with_count(text) == (text, 0)


def test_it_leaves_the_seed_archive_unchanged():
    """The troubleshooting archive (boot logs, debugs, SA output) is not altered."""
    text = SEED_OUTPUTS.read_text(encoding="utf-8")
    assert redact_with_count(text) == (text, 0)


def test_it_reads_cr_only_pastes_as_lines():
    """A paste whose lines end in CR alone is redacted line by line too."""
    text = read(REDACT / "ios-15-running-config.txt")
    secrets = secrets_of(REDACT / "ios-15-running-config.txt")
    redacted = plain(redact(text.replace("\n", "\r")))
    assert redacted == expected(text, secrets).replace("\n", "\r")


ADVERSARIAL = {
    "spaces": " " * (1 << 20),
    "key words": "key " * (1 << 18),
    "tacacs keys": "tacacs-server host 10.1.1.1 " + "key " * (1 << 18),
    "long isakmp key": "crypto isakmp key " + "a" * (1 << 20) + " address 1.2.3.4",
    "username passwords": "username u " + "password " * (1 << 17),
    "snmp versions": "snmp-server host 10.1.1.1 " + "version 2c " * (1 << 16),
    "pager debris": "<--- More --->" * (1 << 16),
    "escapes": "\x1b[" * (1 << 19),
    "prompt characters": "R1" + "#" * (1 << 20),
    "crs": "\r" * (1 << 20) + "password 7 0822455D0A16",
    "quoted command": " executed '" * (1 << 16),
    "isakmp key table": "Keyring Preshared Key\n" + "a b c\n" * (1 << 17),
    "escaped quotes": 'password "' + '\\"' * (1 << 19),
    "mixed quotes": "secret " + "'\"" * (1 << 19),
    "url credentials": "copy scp://" + "a:" * (1 << 19),
    "ipsec.secrets selectors": "a " * (1 << 19) + ": PSK x",
    "key=value": "secret=" * (1 << 17),
    "wlc prompts": "(" * (1 << 20) + ") >password x",
    "hash starts": "$1$" * (1 << 18),
    "swanctl secret": "secret = " + "a " * (1 << 19),
    "keyword after many words": "foo " * (1 << 18) + "password x",
    "json values": '"id": "/sharedkey"\n' + '"value": "' * (1 << 16),
}


@pytest.mark.parametrize("name", sorted(ADVERSARIAL))
def test_it_finishes_on_hostile_megabyte_lines(name):
    """Megabyte lines built to make patterns backtrack return promptly, with the
    line count unchanged."""
    text = ADVERSARIAL[name]
    with deadline(20):
        redacted, _ = redact_with_count(text)
    assert redacted.count("\n") == text.count("\n")


def test_it_redacts_the_long_isakmp_key():
    """A megabyte key is still one secret, and the address after it stays."""
    redacted = plain(redact(ADVERSARIAL["long isakmp key"]))
    assert redacted == "crypto isakmp key <removed> address 1.2.3.4"


WORDS = st.sampled_from(
    [
        "key",
        "password",
        "secret",
        "7",
        "0",
        "enable",
        "username",
        "crypto",
        "isakmp",
        "pre-shared-key",
        "address",
        "10.1.1.1",
        "snmp-server",
        "community",
        "host",
        "version",
        "2c",
        "R1(config-line)#",
        "<--- More --->",
        "*****",
        MARKER,
        "ikev2",
        "local-authentication",
        "line",
        "vty",
        "tacacs-server",
        "  ",
        "\t",
        "\r",
        "\x08",
        "x",
        # the forms and wrappers the nets read
        '"',
        "'",
        '\\"',
        "secret=",
        ": PSK",
        "$1$abcd$efgh",
        "-AQ==abcdefgh12",
        "scp://u:p@h",
        "> ",
        "[10:01:02]",
        "set",
        "psksecret",
        "ENC",
        "hex",
        "timeout",
        "encrypted",
        "shared-secret",
        "<removed:psk-1>",
        "(Cisco Controller) >",
        '"value": "v"',
        '"id": "/x/sharedkey"',
    ]
)
LINES = st.lists(st.lists(WORDS, max_size=12).map(" ".join), max_size=12)


@settings(max_examples=300, deadline=None)
@given(LINES)
def test_it_keeps_the_line_count_and_is_idempotent_on_any_text(lines):
    """Whatever the words, the line count is kept and a second pass finds nothing."""
    text = "\n".join(lines)
    once, _ = redact_with_count(text)
    assert once.count("\n") == text.count("\n")
    assert redact_with_count(once) == (once, 0)


@settings(max_examples=300, deadline=None)
@given(LINES)
def test_it_only_ever_replaces_parts_of_the_text(lines):
    """The output is the input with some stretches replaced by the marker: what is
    not a marker appears in the input, in the same order."""
    text = "\n".join(lines)
    redacted = redact(text)
    pos = 0
    for part in MARKED.split(redacted):
        found = text.find(part, pos)
        assert found >= 0
        pos = found + len(part)
