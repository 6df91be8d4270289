"""show crypto isakmp sa / show crypto ikev1 sa / show isakmp sa on ASA, IOS, PIX."""

from hypothesis import given, settings
from hypothesis import strategies as st

from analyzer.engine import analyze, clean_line, sections, split_lines
from analyzer.parsers import isakmp_sa
from analyzer.report import Section
from tests.conftest import FIXTURES


def raw(name: str) -> str:
    # Bytes as pasted: CR redraws and CRLF must reach the engine untouched.
    return (FIXTURES / name).read_bytes().decode("utf-8")


def report_of(name: str):
    return analyze(raw(name))


def only(report, kind: str):
    found = report.sources_of(kind)
    assert len(found) == 1, [s.kind for s in report.sources]
    return found[0]


def line_of(name: str, number: int) -> str:
    return clean_line(split_lines(raw(name))[number - 1])


def test_it_reads_asa_82_blocks_with_peer_role_and_state():
    """ASA 8.x numbered blocks give one record per SA with the peer, role, state."""
    source = only(
        report_of("ike/asa82_show_crypto_isakmp_sa.txt"), "asa.show_crypto_isakmp_sa"
    )
    assert [(r["peer"], r["role"], r["state"]) for r in source.records] == [
        ("203.0.113.5", "initiator", "MM_WAIT_MSG4"),
        ("198.51.100.20", "responder", "MM_ACTIVE"),
    ]
    first = source.records[0]
    assert first["type"] == "L2L" and first["rekey"] == "no" and first["index"] == 1
    assert first["lines"] == [7, 9]
    assert "MM_WAIT_MSG4" in line_of(
        "ike/asa82_show_crypto_isakmp_sa.txt", first["at"]["state"]
    )


def test_it_reads_asa_detail_cipher_and_lifetimes():
    """The detail layout adds encryption, hash, auth, lifetime and what remains of it."""
    source = only(
        report_of("ike/asa80_show_crypto_isakmp_sa_detail.txt"),
        "asa.show_crypto_isakmp_sa",
    )
    states = [r["state"] for r in source.records]
    assert states == ["MM_WAIT_MSG2", "MM_WAIT_MSG5", "AM_ACTIVE"]
    last = source.records[2]
    assert (last["encryption"], last["hash"], last["auth"]) == (
        "aes",
        "SHA",
        "preshared",
    )
    assert last["lifetime"] == 86400 and last["lifetime_remaining"] == 85731
    assert last["type"] == "user"


def test_it_reads_the_asa_7_table_and_takes_the_role_from_dir():
    """ASA 7.x `show isakmp sa` prints a table; Dir Init/Resp is the role."""
    source = only(
        report_of("ike/asa70_show_isakmp_sa_table.txt"), "asa.show_crypto_isakmp_sa"
    )
    assert [(r["peer"], r["role"], r["state"], r["rekey"]) for r in source.records] == [
        ("192.0.2.200", "initiator", "MM_WAIT_MSG6", "No"),
        ("198.51.100.61", "responder", "AM_ACTIVE", "No"),
    ]


def test_it_returns_the_asa_9_ikev2_part_as_its_own_source():
    """On ASA 9.x the IKEv2 SAs listed by `show crypto isakmp sa` become an IKEv2 source."""
    report = report_of("ike/asa92_show_crypto_isakmp_sa_ikev1_ikev2.txt")
    v1 = only(report, "asa.show_crypto_isakmp_sa")
    v2 = only(report, "asa.show_crypto_ikev2_sa")
    assert [r["state"] for r in v1.records] == ["MM_ACTIVE", "MM_WAIT_MSG3"]
    assert v1.last_line < v2.first_line
    assert [(r["peer"], r["state"], r["role"]) for r in v2.records] == [
        ("198.51.100.77", "READY", "initiator"),
        ("192.0.2.33", "IN-NEG", "responder"),
    ]
    assert v2.records[0]["child_sas"][0]["esp_spi_out"] == "C83E51D7"
    assert report.unparsed_lines == 0


def test_it_understands_there_are_no_sas():
    """ "There are no IKEv1 SAs" is an answer, not unreadable text."""
    report = report_of("ike/asa98_show_crypto_isakmp_sa_none.txt")
    assert only(report, "asa.show_crypto_isakmp_sa").records == []
    assert report.unparsed_lines == 0


def test_it_reads_ios_12_4_table_with_slot_and_deleted_status():
    """The IOS 12.4 table with a slot column; the address on every row is the router."""
    source = only(
        report_of("ike/ios124_show_crypto_isakmp_sa.txt"), "ios.show_crypto_isakmp_sa"
    )
    rows = [
        (r["dst"], r["src"], r["state"], r["conn_id"], r["slot"], r["status"])
        for r in source.records
    ]
    assert rows == [
        ("192.0.2.10", "198.51.100.1", "MM_NO_STATE", 1, 0, "ACTIVE"),
        ("192.0.2.10", "198.51.100.1", "MM_NO_STATE", 2, 0, "ACTIVE"),
        ("203.0.113.9", "198.51.100.1", "QM_IDLE", 3, 0, "ACTIVE"),
    ]
    assert [r.get("deleted", False) for r in source.records] == [False, True, False]
    assert {r["local"] for r in source.records} == {"198.51.100.1"}
    assert [r["peer"] for r in source.records] == [
        "192.0.2.10",
        "192.0.2.10",
        "203.0.113.9",
    ]
    assert not any(r.get("peer_guessed") for r in source.records)
    assert all("role" not in r for r in source.records)


def test_it_takes_dst_as_the_peer_of_a_lone_ios_row_and_says_so():
    """One row cannot tell which end is local: dst is used and marked as a guess."""
    source = only(
        report_of("ike/ios122_show_crypto_isakmp_sa.txt"), "ios.show_crypto_isakmp_sa"
    )
    (rec,) = source.records
    assert (rec["peer"], rec["local"], rec["peer_guessed"]) == (
        "10.0.0.2",
        "10.0.0.1",
        True,
    )
    assert (rec["state"], rec["conn_id"], rec["slot"]) == ("MM_KEY_EXCH", 4, 0)
    assert "status" not in rec


def test_it_reads_the_vrf_column():
    """An f_vrf/i_vrf column before dst is read into fvrf/ivrf."""
    source = only(
        report_of("ike/ios15_show_crypto_isakmp_sa_vrf.txt"),
        "ios.show_crypto_isakmp_sa",
    )
    assert [(r.get("fvrf"), r["ivrf"], r["state"]) for r in source.records] == [
        (None, "CUST-A", "QM_IDLE"),
        (None, "CUST-B", "MM_SA_SETUP"),
        (None, "CUST-B", "AG_INIT_EXCH"),
    ]
    assert {r["local"] for r in source.records} == {"203.0.113.1"}


def test_it_reads_the_ios_xe_detail_table_past_the_codes_legend():
    """IOS-XE detail rows: local and remote are explicit; the legend is understood."""
    report = report_of("ike/iosxe17_show_crypto_isakmp_sa_detail.txt")
    source = only(report, "ios.show_crypto_isakmp_sa")
    first, second = source.records
    assert (first["conn_id"], first["local"], first["peer"], first["status"]) == (
        1004,
        "192.0.2.1",
        "198.51.100.50",
        "ACTIVE",
    )
    assert "ivrf" not in first and second["ivrf"] == "BLUE"
    assert (second["auth"], second["dh_group"], second["lifetime"]) == (
        "rsig",
        19,
        "07:12:55",
    )
    assert second["capabilities"] == "DN" and second["engine_conn_id"] == 5
    assert report.unparsed_lines == 0


def test_it_reads_pix_6_isakmp_sa():
    """PIX 6.3: Total/Embryonic counts and the dst/src/state/pending/created table."""
    source = only(report_of("ike/pix63_show_isakmp_sa.txt"), "pix.show_isakmp_sa")
    assert [
        (r["peer"], r["state"], r["pending"], r["created"]) for r in source.records
    ] == [
        ("198.51.100.5", "QM_IDLE", 0, 1),
        ("203.0.113.66", "MM_KEY_EXCH", 0, 0),
    ]
    assert {r["local"] for r in source.records} == {"192.0.2.1"}


def test_it_reads_the_same_records_through_crlf_and_the_asa_pager():
    """CRLF endings and a `<--- More --->` redraw change nothing but the bytes."""
    clean = only(
        report_of("ike/asa82_show_crypto_isakmp_sa.txt"), "asa.show_crypto_isakmp_sa"
    )
    messy_report = report_of("ike/asa82_show_crypto_isakmp_sa_crlf_more.txt")
    messy = only(messy_report, "asa.show_crypto_isakmp_sa")
    assert messy.records == clean.records
    assert messy_report.unparsed_lines == 0


def test_it_finds_its_output_in_a_paste_without_prompts():
    """With no echoed command the ISAKMP blocks are found by content and nothing else."""
    report = report_of("ipsec/mixed_asa_isakmp_ipsec_no_prompts.txt")
    source = only(report, "asa.show_crypto_isakmp_sa")
    assert (source.first_line, source.last_line) == (2, 11)
    assert [r["peer"] for r in source.records] == ["203.0.113.5", "198.51.100.20"]


def test_it_claims_nothing_in_other_output():
    """An IPsec SA paste holds no ISAKMP SA."""
    lines = [
        clean_line(x) for x in split_lines(raw("ipsec/asa84_show_crypto_ipsec_sa.txt"))
    ]
    for section in sections(lines)[0]:
        section.command = None
        assert isakmp_sa.parse(section) == []


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(max_size=120), max_size=30))
def test_it_never_raises_on_arbitrary_text(lines):
    """Whatever the text, the parser returns sources or nothing."""
    for command in (None, "show crypto isakmp sa"):
        section = Section(
            lines=lines, numbers=list(range(1, len(lines) + 1)), command=command
        )
        assert isinstance(isakmp_sa.parse(section), list)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "IKEv1 SAs:",
                "1   IKE Peer: 203.0.113.5",
                "    Type    : L2L             Role    : initiator",
                "    Rekey   : no              State   : MM_WAIT_MSG4",
                "IKEv2 SAs:",
                "Session-id:1, Status:UP-ACTIVE, IKE count:1, CHILD count:1",
                "dst             src             state          conn-id status",
                "10.0.0.2        10.0.0.1        QM_IDLE           1001 ACTIVE",
                "1001  10.0.0.1  10.0.0.2  ACTIVE aes sha psk 14 23:59:01 D",
                "       Engine-id:Conn-id =  SW:1",
                "    IKE Peer        Type    Dir  Rky State",
                "Total     : 1",
                "There are no IKEv2 SAs",
                "",
            ]
        ),
        max_size=40,
    ),
    st.sampled_from([None, "show crypto isakmp sa"]),
)
def test_it_never_raises_on_shuffled_real_lines(lines, command):
    """Real lines in any order still give sources within the section's lines."""
    section = Section(
        lines=lines, numbers=list(range(1, len(lines) + 1)), command=command
    )
    for source in isakmp_sa.parse(section):
        assert 1 <= source.first_line <= source.last_line <= len(lines)


def test_it_leaves_the_ikev2_part_to_the_ikev2_parser_without_a_prompt():
    """Pasted without its command, the ASA 9.x output gives the same two sources."""
    with_prompt = report_of("ike/asa92_show_crypto_isakmp_sa_ikev1_ikev2.txt")
    without = report_of("ike/asa92_isakmp_sa_ikev1_ikev2_no_prompt.txt")
    for kind in ("asa.show_crypto_isakmp_sa", "asa.show_crypto_ikev2_sa"):
        mine, theirs = only(without, kind), only(with_prompt, kind)
        assert [r["peer"] for r in mine.records] == [r["peer"] for r in theirs.records]
        assert mine.first_line == theirs.first_line - 1
    assert without.unparsed_lines == 0
