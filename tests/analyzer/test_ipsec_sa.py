"""show crypto ipsec sa [peer X] [detail] on ASA and IOS / IOS-XE."""

from hypothesis import given, settings
from hypothesis import strategies as st

from analyzer.engine import analyze, clean_line, sections, split_lines
from analyzer.parsers import ipsec_sa
from analyzer.report import Section
from tests.conftest import FIXTURES


def raw(name: str) -> str:
    return (FIXTURES / name).read_bytes().decode("utf-8")


def only(report, kind: str):
    found = report.sources_of(kind)
    assert len(found) == 1, [s.kind for s in report.sources]
    return found[0]


def line_of(name: str, number: int) -> str:
    return clean_line(split_lines(raw(name))[number - 1])


def test_it_reads_the_seeds_squashed_paste():
    """Lines that ran together ("11.11.11.11local ident") are split back into fields."""
    name = "ipsec/seed_asa_show_ipsec_sa_peer_squashed.txt"
    report = analyze(raw(name))
    (rec,) = only(report, "asa.show_crypto_ipsec_sa").records
    assert (rec["interface"], rec["crypto_map"], rec["seq"], rec["local_addr"]) == (
        "OUTSIDE",
        "MAP-OUTSIDE",
        200,
        "11.11.11.11",
    )
    assert rec["local_ident"] == "192.168.11.0/255.255.255.0/0/0"
    assert rec["remote_ident"] == "172.16.22.0/255.255.255.0/0/0"
    assert (rec["peer"], rec["encaps"], rec["encrypt"], rec["decaps"]) == (
        "22.22.22.22",
        61,
        61,
        0,
    )
    assert (rec["send_errors"], rec["recv_errors"], rec["not_compressed"]) == (0, 0, 61)
    assert rec["at"]["encaps"] == 4 and "encaps: 61" in line_of(name, 4)
    assert rec["at"]["decaps"] == 5
    assert report.unparsed_lines == 0


def test_it_reads_spis_and_sa_lists_from_the_seeds_asp_table_story():
    """Current SPIs come out as upper-case hex, the SA lists with transform and lifetime."""
    name = "ipsec/seed_asa_show_crypto_ipsec_sa_peer.txt"
    report = analyze(raw(name))
    (rec,) = only(report, "asa.show_crypto_ipsec_sa").records
    assert (rec["outbound_spi"], rec["inbound_spi"]) == ("E5C56C30", "A40D0530")
    assert rec["acl"].startswith("access-list ACL-PPP-VPN extended permit ip")
    assert rec["acl_name"] == "ACL-PPP-VPN"
    assert (rec["local_endpoint"], rec["remote_endpoint"]) == (
        "202.2.202.2",
        "66.162.66.162",
    )
    assert (rec["path_mtu"], rec["ipsec_overhead"], rec["media_mtu"]) == (
        1500,
        74,
        1500,
    )
    assert (rec["fragments_created"], rec["frags_needing_reassembly"]) == (1976, 2693)
    (inbound,) = rec["inbound_sas"]
    (outbound,) = rec["outbound_sas"]
    assert (inbound["spi"], inbound["spi_dec"]) == ("A40D0530", 2752316720)
    assert outbound["spi"] == rec["outbound_spi"]
    assert inbound["settings"] == ["L2L", "Tunnel"]
    assert (inbound["conn_id"], inbound["crypto_map"]) == (180224, "mymap")
    assert (inbound["lifetime_kb"], inbound["lifetime_sec"]) == (4372199, 2855)
    assert rec["transform"] == "esp-aes esp-sha-hmac no compression"
    assert rec["lines"] == [2, 33]
    assert report.unparsed_lines == 0


def test_it_splits_asa_output_per_crypto_map_entry():
    """Two entries of one crypto map give two records with their own counters."""
    source = only(
        analyze(raw("ipsec/asa84_show_crypto_ipsec_sa.txt")), "asa.show_crypto_ipsec_sa"
    )
    first, second = source.records
    assert (first["seq"], first["peer"], first["encaps"], first["decaps"]) == (
        10,
        "198.51.100.7",
        1520,
        1498,
    )
    assert (second["seq"], second["peer"], second["encaps"], second["recv_errors"]) == (
        20,
        "203.0.113.88",
        0,
        14,
    )
    assert first["inbound_sas"][0]["settings"] == ["L2L", "Tunnel", "PFS Group 5"]
    assert (first["local_endpoint_port"], second["interface"]) == (0, "outside")
    assert second["outbound_spi"] == "0A11F00D"


def test_it_reads_the_same_through_crlf_pager_and_backspaces():
    """`<--- More --->` redraws, CRLF and IOS `--More--` backspaces change no value."""
    pairs = (
        (
            "ipsec/asa84_show_crypto_ipsec_sa.txt",
            "ipsec/asa84_show_crypto_ipsec_sa_crlf_more.txt",
        ),
        (
            "ipsec/ios124_show_crypto_ipsec_sa.txt",
            "ipsec/ios124_show_crypto_ipsec_sa_more.txt",
        ),
    )
    for clean_name, messy_name in pairs:
        clean, messy = analyze(raw(clean_name)), analyze(raw(messy_name))
        assert [s.records for s in messy.sources] == [s.records for s in clean.sources]
        assert messy.unparsed_lines == 0


def test_it_reads_ios_idents_under_one_crypto_map_and_empty_sa_lists():
    """IOS: each "protected vrf" starts a proxy pair; a zero SPI means no SA."""
    report = analyze(raw("ipsec/ios124_show_crypto_ipsec_sa.txt"))
    idle, busy = only(report, "ios.show_crypto_ipsec_sa").records
    assert (idle["interface"], idle["crypto_map"], idle["local_addr"]) == (
        "FastEthernet0/0",
        "VPNMAP",
        "192.0.2.1",
    )
    assert busy["crypto_map"] == "VPNMAP" and busy["protected_vrf"] == "(none)"
    assert (idle["outbound_spi"], idle["inbound_sas"], idle["outbound_sas"]) == (
        "00000000",
        [],
        [],
    )
    assert (busy["peer"], busy["peer_port"], busy["send_errors"]) == (
        "198.51.100.2",
        500,
        3,
    )
    assert (busy["outbound_spi"], busy["outbound_spi_dec"]) == ("C4A1B2D3", 3298931411)
    assert "inbound_spi" not in busy
    assert busy["inbound_sas"][0]["transform"] == "esp-aes 256 esp-sha-hmac"
    assert busy["inbound_sas"][0]["flow_id"] == "FPGA:3"
    assert (busy["action"], busy["flags"]) == ("PERMIT", ["origin_is_acl"])


def test_it_reads_ios_xe_detail_error_counters():
    """The detail counters (no sa, invalid sa, verify failed, replay failed) are ints."""
    report = analyze(raw("ipsec/iosxe17_show_crypto_ipsec_sa_peer_detail.txt"))
    (rec,) = only(report, "ios.show_crypto_ipsec_sa").records
    assert (rec["invalid_sa_rcv"], rec["verify_failed"], rec["replay_failed_rcv"]) == (
        37,
        119,
        12,
    )
    assert (rec["decaps"], rec["verify"], rec["no_sa_send"]) == (88120, 88001, 0)
    assert (rec["plaintext_mtu"], rec["ip_mtu_idb"], rec["pfs"]) == (
        1422,
        "GigabitEthernet1",
        "N",
    )
    assert rec["inbound_sas"][0]["replay_window"] == 64
    assert rec["remote_endpoint"] == rec["peer"] == "203.0.113.5"
    assert report.unparsed_lines == 0


def test_it_understands_there_are_no_ipsec_sas():
    """The ASA's "There are no ipsec sas" is an empty output, not unreadable text."""
    report = analyze(raw("ipsec/asa_show_crypto_ipsec_sa_none.txt"))
    assert only(report, "asa.show_crypto_ipsec_sa").records == []
    assert report.unparsed_lines == 0


def test_it_separates_outputs_of_a_mixed_paste():
    """ISAKMP and IPsec outputs in one paste, with and without prompts, stay apart."""
    with_prompts = analyze(raw("ipsec/mixed_ios_isakmp_ipsec_prompts.txt"))
    ipsec = only(with_prompts, "ios.show_crypto_ipsec_sa")
    assert ipsec.first_line == 10 and ipsec.records[0]["encaps"] == 4021
    assert only(with_prompts, "ios.show_crypto_isakmp_sa").last_line < ipsec.first_line
    without = analyze(raw("ipsec/mixed_asa_isakmp_ipsec_no_prompts.txt"))
    ipsec = only(without, "asa.show_crypto_ipsec_sa")
    assert (ipsec.first_line, ipsec.last_line) == (12, 21)
    assert without.unparsed_lines == 0


def test_it_claims_nothing_in_other_output():
    """An ISAKMP table is not an IPsec SA."""
    lines = [
        clean_line(x) for x in split_lines(raw("ike/asa82_show_crypto_isakmp_sa.txt"))
    ]
    for section in sections(lines)[0]:
        section.command = None
        assert ipsec_sa.parse(section) == []


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(max_size=160), max_size=30))
def test_it_never_raises_on_arbitrary_text(lines):
    """Whatever the text, the parser returns sources or nothing."""
    for command in (None, "show crypto ipsec sa"):
        section = Section(
            lines=lines, numbers=list(range(1, len(lines) + 1)), command=command
        )
        assert isinstance(ipsec_sa.parse(section), list)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "#pkts encaps: 1, #pkts encrypt: 1",
                "current_peer: 10.0.0.1#pkts decaps: 0",
                "local ident (addr/mask/prot/port): (1.1.1.0/255.255.255.0/0/0)",
                "spi: 0x1 (1)",
                "    inbound esp sas:",
                "transform: esp-aes",
                "0xFFFFFFFF",
                "interface: outside",
                "garbage line",
                "",
            ]
        ),
        max_size=40,
    )
)
def test_it_never_raises_on_shuffled_real_lines(lines):
    """Real lines in any order still give sources whose lines lie inside the section."""
    section = Section(lines=lines, numbers=list(range(1, len(lines) + 1)))
    for source in ipsec_sa.parse(section):
        assert 1 <= source.first_line <= source.last_line <= len(lines)


def test_it_reads_ios_12_2_peer_port_and_dotted_local_addr():
    """IOS 12.2 prints "current_peer: a.b.c.d:500" and "local addr. X"."""
    report = analyze(raw("ipsec/ios122_show_crypto_ipsec_sa.txt"))
    (rec,) = only(report, "ios.show_crypto_ipsec_sa").records
    assert (rec["peer"], rec["peer_port"], rec["local_addr"]) == (
        "10.0.0.2",
        500,
        "10.0.0.1",
    )
    assert (rec["digest"], rec["verify"], rec["send_errors"]) == (412, 398, 11)
    assert (rec["outbound_spi"], rec["outbound_sas"][0]["conn_id"]) == (
        "3D3A5BCE",
        2001,
    )
    assert rec["inbound_sas"][0]["flow_id"] == "1"
    assert report.unparsed_lines == 0


def test_it_reads_every_asa_9_detail_counter():
    """ASA 9.x detail: TFC, ICMP error, invalid pad/ip version, min mtu frag counters."""
    report = analyze(raw("ipsec/asa912_show_crypto_ipsec_sa_detail.txt"))
    (rec,) = only(report, "asa.show_crypto_ipsec_sa").records
    assert (rec["tfc_rcvd"], rec["valid_icmp_errors_rcvd"], rec["invalid_pad_rcv"]) == (
        0,
        0,
        0,
    )
    assert (rec["min_mtu_frag_failed_send"], rec["pre_frag_failures"]) == (3, 3)
    assert (rec["internal_err_recv"], rec["invalid_prot_recv"]) == (0, 0)
    assert (rec["ipsec_overhead"], rec["df_policy"], rec["pmtu_time_remaining"]) == (
        74,
        "copy-df",
        0,
    )
    sa = rec["inbound_sas"][0]
    assert (sa["state"], sa["settings"][-1], sa["spi"]) == (
        "active",
        "IKEv2",
        "D0D0CAFE",
    )
    assert report.unparsed_lines == 0


# What a field run into the previous one starts with, as _GLUED names them.
_FIELD_STARTS = [
    "local ident (",
    "local  ident (",
    "local\t ident (",
    "local   ident (",
    "remote ident (",
    "current_peer",
    "#pkts ",
    "#pre-frag",
    "#PMTUs",
    "#send errors",
    "#TFC",
    "#Valid ICMP",
    "local crypto endpt",
    "current outbound spi",
    "current inbound spi",
    "inbound esp sas:",
    "outbound ah sas:",
    "inbound pcp sas:",
    "Crypto map tag:",
    "interface: ",
    "access-list ",
    "path mtu 1",
    "spi: 0x",
    "transform: ",
    "in use settings",
    "sa timing:",
    "IV size:",
    "replay detection",
    "Anti replay bitmap",
]


def _seams_missed(lines: list[str]) -> list[str]:
    """The lines _GLUED splits that the cheap look for seams said it need not."""
    stripped = [line.strip() for line in lines]
    suspects = ipsec_sa._seam_suspects(lines)
    return [
        text
        for text in stripped
        if len(ipsec_sa._GLUED.split(text)) > 1
        and not ipsec_sa._may_be_glued(text, suspects)
    ]


def test_the_look_for_seams_misses_none_in_the_fixtures():
    """Every line of every fixture, one file a section: where the regex finds a
    seam, the counts that spare it the regex said to look. The squashed seed
    paste is among them, so some seams are found."""
    seen = 0
    for path in sorted(FIXTURES.rglob("*.txt")) + sorted(FIXTURES.rglob("*.raw")):
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
        seen += sum(len(ipsec_sa._GLUED.split(line.strip())) > 1 for line in lines)
        assert _seams_missed(lines) == [], path
    assert seen > 0


_AROUND = st.text(alphabet="aZ0:.,(#) \t-/x", max_size=12)


@settings(max_examples=400, deadline=None)
@given(
    st.lists(
        st.lists(st.tuples(_AROUND, st.sampled_from(_FIELD_STARTS)), max_size=4).map(
            lambda parts: "".join(a + b for a, b in parts)
        ),
        max_size=8,
    ),
    _AROUND,
)
def test_the_look_for_seams_misses_none_in_made_up_runs(lines, tail):
    """Field starts run into any text, several to a line: none is missed."""
    assert _seams_missed([line + tail for line in lines]) == []


def test_a_filtered_ios_output_is_told_by_how_it_writes_the_peer():
    """`| include peer|encaps|decaps` leaves the same counter lines on both
    platforms; IOS writes its peer with "port", the ASA with a colon."""
    lines = [
        "   current_peer 203.0.113.2 port 500",
        "    #pkts encaps: 120, #pkts encrypt: 120, #pkts digest: 120",
        "    #pkts decaps: 0, #pkts decrypt: 0, #pkts verify: 0",
    ]
    (ios,) = ipsec_sa.parse(Section(lines=lines, numbers=[1, 2, 3]))
    assert ios.kind == "ios.show_crypto_ipsec_sa"
    lines[0] = "      current_peer: 203.0.113.2"
    (asa,) = ipsec_sa.parse(Section(lines=lines, numbers=[1, 2, 3]))
    assert asa.kind == "asa.show_crypto_ipsec_sa"
