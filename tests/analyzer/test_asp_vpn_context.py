"""`show asp table vpn-context [detail]` parser."""

import string

from hypothesis import given, settings
from hypothesis import strategies as st

from analyzer.engine import analyze
from analyzer.parsers import asp_vpn_context
from analyzer.report import Section
from tests.conftest import fixture_text

KIND = asp_vpn_context.KIND


def contexts_of(name):
    report = analyze(fixture_text(f"asp/{name}"))
    return [r for s in report.sources_of(KIND) for r in s.records], report


def test_it_reads_the_seed_context_found_with_begin():
    """The seed's `| begin 922FAC` output: one ENCR context, hex without 0x."""
    [ctx], report = contexts_of("seed_detail_begin.txt")
    assert ctx["context"] == "00922FAC"
    assert ctx["peer"] == "10.10.15.0"
    assert ctx["pointer"] == "D91404E8"
    assert (ctx["state"], ctx["flags"], ctx["direction"]) == (
        "UP",
        "ENCR+ESP",
        "encrypt",
    )
    assert (ctx["sa"], ctx["spi"]) == ("1664DD33", "E5C56C30")
    assert ctx["group"] == 47
    assert ctx["packets"] == 362631
    assert (ctx["bad_packets"], ctx["bad_spi"], ctx["spoof"], ctx["bad_crypto"]) == (
        0,
        0,
        0,
        0,
    )
    assert (ctx["rekey_packets"], ctx["rekey_calls"]) == (44, 44)
    assert ctx["vpn_filter"] == "<none>"
    assert ctx["lines"] == [2, 17]
    assert ctx["at"]["spi"] == 8
    assert report.unparsed_lines == 0


def test_it_reads_every_context_with_its_direction():
    """Three contexts: encrypt, decrypt, and a NAT-T decrypt with error counters
    and a VPN filter."""
    contexts, _ = contexts_of("asa8_vpn_context_detail.txt")
    assert [(c["context"], c["direction"], c["spi"]) for c in contexts] == [
        ("00922FAC", "encrypt", "E5C56C30"),
        ("0091E6C4", "decrypt", "A40D0530"),
        ("00A3B190", "decrypt", "5C21E8B7"),
    ]
    last = contexts[-1]
    assert last["flags"] == "DECR+ESP+NAT_T"
    assert (last["bad_packets"], last["bad_spi"], last["bad_crypto"]) == (3, 17, 2)
    assert last["vpn_filter"] == "VPN-FILTER-PARTNER"


def test_it_reads_the_one_line_layout():
    """Without `detail`: `VPN ID=<decimal>, flags, state, pk=..., rk=..., gc=...`;
    the id is the same number the detail view prints in hex."""
    contexts, _ = contexts_of("asa_vpn_context_brief.txt")
    assert len(contexts) == 5
    first = contexts[0]
    assert first["context"] == "03761630"
    assert first["context_number"] == 58070576
    assert (first["direction"], first["state"], first["packets"]) == (
        "decrypt",
        "UP",
        0,
    )
    assert (contexts[2]["packets"], contexts[2]["rk"], contexts[2]["gc"]) == (
        299627,
        61,
        2,
    )
    assert contexts[4]["state"] == "DOWN"


def test_it_needs_a_context_line_when_no_command_says_so():
    """`Key = value` lines from some other output are not taken for a context."""
    lines = ["State = UP", "Flags = something", "SPI = 0x1234"]
    section = Section(lines=lines, numbers=[1, 2, 3])
    assert asp_vpn_context.parse(section) == []
    owned = Section(
        lines=lines, numbers=[1, 2, 3], command="show asp table vpn-context"
    )
    [source] = asp_vpn_context.parse(owned)
    assert source.records[0]["spi"] == "00001234"


def test_it_normalises_hex_ids():
    """0x prefixes go, letters go upper case, junk is refused."""
    assert asp_vpn_context.hex_id("0x0f51782d") == "0F51782D"
    assert asp_vpn_context.hex_id("E5C56C30") == "E5C56C30"
    assert asp_vpn_context.hex_id("<none>") is None
    assert asp_vpn_context.direction_of("DECR+ESP+PRESERVE") == "decrypt"
    assert asp_vpn_context.direction_of("ESP") is None


_LINES = st.sampled_from(
    [
        "VPN CTX  = 0x00922FAC",
        "VPN Ctx = 0058070576 [0x03761630]",
        "VPN ID=0058070576, DECR+ESP, UP, pk=0000000000, rk=0000000000, gc=0",
        "Flags    = ENCR+ESP",
        "SPI      = 0xE5C56C30",
        "SPI      = <none>",
        "Pkts     = 362631",
        "Pkts     = lots",
        "State = UP",
        "= = =",
        "",
    ]
)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(_LINES, st.text(string.printable, max_size=40)), max_size=40))
def test_it_never_raises_on_shuffled_output(lines):
    """Any mix of asp table lines and noise parses without an exception."""
    for command in (None, "show asp table vpn-context detail"):
        section = Section(
            lines=lines, numbers=list(range(1, len(lines) + 1)), command=command
        )
        for source in asp_vpn_context.parse(section):
            assert source.first_line >= 1 and source.last_line <= len(lines)
