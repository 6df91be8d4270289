"""Input decoding: bytes from any way in -> text, or a refusal with a status."""

import pytest

from analyzer.engine import analyze
from analyzer.textinput import (
    EMPTY_MESSAGE,
    InputError,
    combine,
    combine_with_spans,
    decode,
    human_size,
)
from tests.conftest import FIXTURES

CLI = FIXTURES / "cli"
LIMIT = 2 * 1024 * 1024


def data(name: str) -> bytes:
    return (CLI / name).read_bytes()


def refusal(raw: bytes, limit: int = LIMIT) -> InputError:
    with pytest.raises(InputError) as info:
        decode(raw, limit)
    return info.value


@pytest.mark.parametrize("name", ["empty.txt", "whitespace-only.txt"])
def test_it_refuses_empty_input(name):
    """Nothing, or only blanks and newlines, is a 400 saying the paste is empty."""
    error = refusal(data(name))
    assert error.status == 400
    assert error.message == EMPTY_MESSAGE


def test_it_refuses_utf16_whitespace_as_empty():
    """Blanks in UTF-16 are still nothing to analyze."""
    error = refusal(b"\xff\xfe" + " \r\n \r\n".encode("utf-16-le"))
    assert (error.status, error.message) == (400, EMPTY_MESSAGE)


def test_it_refuses_input_over_the_limit_with_a_readable_size():
    """Over the limit is a 413 naming the limit as a person would write it."""
    raw = data("vpn-paste-with-secrets.txt")
    error = refusal(raw * 8, limit=len(raw) * 4)
    assert error.status == 413
    assert human_size(len(raw) * 4) in error.message
    big = refusal(b"show crypto isakmp sa\n" * 100_000, limit=LIMIT)
    assert big.status == 413
    assert "2 MiB" in big.message


def test_it_says_one_byte_over_in_bytes_not_as_two_equal_sizes():
    """Just over the limit, rounding would print the same size twice; bytes don't."""
    raw = data("vpn-paste-with-secrets.txt")
    error = refusal(raw, limit=len(raw) - 1)
    assert error.status == 413
    assert (
        f"is {len(raw):,} bytes; the limit is {len(raw) - 1:,} bytes" in error.message
    )


def test_it_accepts_input_exactly_at_the_limit():
    """The limit itself is allowed."""
    raw = data("vpn-paste-with-secrets.txt")
    assert decode(raw, len(raw)) == raw.decode("utf-8")


@pytest.mark.parametrize(
    ("size", "text"),
    [
        (2 * 1024 * 1024, "2 MiB"),
        (1536, "1.5 KiB"),
        (1024, "1 KiB"),
        (3 * 1024 * 1024 + 1024 * 1024 // 2, "3.5 MiB"),
        (500, "500 bytes"),
        (1, "1 byte"),
        (5 * 1024**3, "5 GiB"),
    ],
)
def test_it_writes_sizes_for_people(size, text):
    """Sizes read as KiB/MiB/GiB, whole numbers without a decimal."""
    assert human_size(size) == text


@pytest.mark.parametrize("name", ["ike-capture.pcap", "console-wrong-baud.txt"])
def test_it_refuses_binary_input(name):
    """A capture file (NUL bytes) or mostly control bytes is a 400 saying it is
    not text."""
    error = refusal(data(name))
    assert error.status == 400
    assert "not look like text" in error.message


@pytest.mark.parametrize(
    "name",
    [
        "isakmp-sa-utf16le-bom.txt",
        "isakmp-sa-utf16be-bom.txt",
        "isakmp-sa-utf16le-nobom.txt",
        "isakmp-sa-utf8-bom.txt",
    ],
)
def test_it_decodes_unicode_files_from_windows_tools(name):
    """UTF-16 with or without a byte order mark and UTF-8 with one read as text,
    the mark itself gone."""
    text = decode(data(name), LIMIT)
    assert text.startswith("fw-edge01# show crypto isakmp sa")
    assert "State   : MM_WAIT_MSG2" in text
    assert "\ufeff" not in text


def test_it_decodes_legacy_windows_text():
    """Windows-1252 text (accents, curly apostrophes) reads as those characters."""
    text = decode(data("banner-cp1252.txt"), LIMIT)
    assert "Accès réservé au personnel autorisé – toute" in text
    assert "Don’t log in unless you’re authorised." in text


def test_it_keeps_utf8_around_a_stray_legacy_byte():
    """A UTF-8 paste with one Latin-1 byte keeps its UTF-8 characters and reads
    the stray byte as its Windows-1252 character."""
    text = decode(data("syslog-utf8-with-latin1-byte.txt"), LIMIT)
    assert "User ‘netadmin’ has exited" in text
    assert "by réseau on vty1" in text
    assert "\ufffd" not in text


def test_it_hands_legacy_text_to_the_engine():
    """Decoded legacy text is analyzed like any other paste."""
    text = decode(data("banner-cp1252.txt"), LIMIT)
    report = analyze(text)
    assert report.line_count == len(text.splitlines())


def test_it_joins_files_with_a_blank_line_and_reports_their_lines():
    """Files join in order, each followed by a blank line; the spans give each
    file's lines in the joined text."""
    first = data("vpn-paste-with-secrets.txt")
    second = data("ipsec-sa-peer.txt")
    text, spans = combine_with_spans([("a.txt", first), ("b.txt", second)], LIMIT)
    lines = text.split("\n")
    a_count = first.decode().count("\n")
    b_count = second.decode().count("\n")
    assert spans == [
        ("a.txt", 1, a_count),
        ("b.txt", a_count + 2, a_count + 1 + b_count),
    ]
    assert lines[a_count] == ""
    assert lines[spans[1][1] - 1] == "ASA# show crypto ipsec sa peer 22.22.22.22"
    assert combine([("a.txt", first), ("b.txt", second)], LIMIT) == text


def test_it_ends_a_file_without_a_final_newline_before_joining():
    """A file cut without its last newline still ends its own line."""
    first = data("ipsec-sa-peer.txt").rstrip(b"\n")
    text = combine([("a", first), ("b", data("ipsec-sa-peer.txt"))], LIMIT)
    assert "ASA#\n\nASA# show crypto ipsec sa peer" in text


def test_it_counts_the_total_of_all_files_against_the_limit():
    """Two files each under the limit but over it together are a 413."""
    raw = data("vpn-paste-with-secrets.txt")
    with pytest.raises(InputError) as info:
        combine([("a.txt", raw), ("b.txt", raw)], len(raw) + 10)
    assert info.value.status == 413


@pytest.mark.parametrize(
    ("bad", "words"),
    [("ike-capture.pcap", "not look like text"), ("empty.txt", "empty")],
)
def test_it_names_the_file_that_cannot_be_read(bad, words):
    """One bad file among several is refused with its name in the message."""
    files = [("good.txt", data("ipsec-sa-peer.txt")), (bad, data(bad))]
    with pytest.raises(InputError) as info:
        combine(files, LIMIT)
    assert info.value.status == 400
    assert info.value.message.startswith(f"{bad}: ")
    assert words in info.value.message


def test_it_refuses_no_files_at_all():
    """An empty list of files is an empty paste."""
    with pytest.raises(InputError) as info:
        combine([], LIMIT)
    assert info.value.message == EMPTY_MESSAGE
