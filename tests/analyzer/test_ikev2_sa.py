"""show crypto ikev2 sa [detail] on ASA and IOS / IOS-XE."""

from hypothesis import given, settings
from hypothesis import strategies as st

from analyzer.engine import analyze, clean_line, sections, split_lines
from analyzer.parsers import ikev2_sa
from analyzer.report import Section
from tests.conftest import CORPUS, FIXTURES


def raw(name: str) -> str:
    return (FIXTURES / name).read_bytes().decode("utf-8")


def only(report, kind: str):
    found = report.sources_of(kind)
    assert len(found) == 1, [s.kind for s in report.sources]
    return found[0]


def test_it_reads_ios_xe_rows_with_states_and_crypto():
    """Each tunnel row gives peer, local, ports, VRFs, state and the Encr line."""
    report = analyze(raw("ike/iosxe16_show_crypto_ikev2_sa.txt"))
    source = only(report, "ios.show_crypto_ikev2_sa")
    rows = [
        (r["tunnel_id"], r["peer"], r["remote_port"], r["state"])
        for r in source.records
    ]
    assert rows == [
        (1, "198.51.100.10", 500, "READY"),
        (2, "203.0.113.20", 500, "IN-NEG"),
        (3, "198.51.100.99", 4500, "DELETE"),
    ]
    first = source.records[0]
    assert (first["local"], first["fvrf"], first["ivrf"], first["af"]) == (
        "192.0.2.1",
        "none",
        "none",
        "IPv4",
    )
    assert (first["encryption"], first["keysize"], first["prf"], first["dh_group"]) == (
        "AES-CBC",
        256,
        "SHA512",
        19,
    )
    assert (first["lifetime"], first["active_time"]) == (86400, 5121)
    assert first["lines"] == [5, 7] and first["at"]["state"] == 5
    assert "role" not in first
    assert report.unparsed_lines == 0


def test_it_reads_asa_detail_with_role_session_and_child_sa():
    """ASA detail: Role column, session line, SPIs, message ids, DPD, child SA SPIs."""
    report = analyze(raw("ike/asa99_show_crypto_ikev2_sa_detail.txt"))
    (rec,) = only(report, "asa.show_crypto_ikev2_sa").records
    assert (rec["peer"], rec["local"], rec["state"], rec["role"]) == (
        "203.0.113.2",
        "192.0.2.1",
        "READY",
        "responder",
    )
    assert (rec["session_id"], rec["session_status"], rec["child_count"]) == (
        138,
        "UP-ACTIVE",
        1,
    )
    assert (rec["local_spi"], rec["remote_spi"]) == (
        "9E1A4B27BD1E0B81",
        "7A1DD92FBEA5C7D5",
    )
    assert (
        rec["local_req_msg_id"],
        rec["remote_req_msg_id"],
        rec["remote_window"],
    ) == (35, 39, 1)
    assert (rec["dpd_interval"], rec["dpd_retry"], rec["nat_t"]) == (
        10,
        2,
        "not detected",
    )
    (child,) = rec["child_sas"]
    assert child["local_selector"] == "10.1.0.0/0 - 10.1.255.255/65535"
    assert (child["esp_spi_in"], child["esp_spi_out"]) == ("8D2B4F5A", "C9F1D6E4")
    assert child["esp_hmac"] == "SHA256"
    # The child SA's Encr line does not overwrite the IKE SA's.
    assert rec["encryption"] == "AES-CBC" and rec["hash"] == "SHA256"
    assert report.unparsed_lines == 0


def test_it_reads_the_ipv6_layout_with_local_and_remote_on_their_own_lines():
    """IOS-XE IPv6 tables put Local and Remote under the row."""
    text = (
        CORPUS / "genie/iosxe/ShowCryptoIkev2Sa/golden_output2_output.txt"
    ).read_text()
    source = only(analyze(text), "ios.show_crypto_ikev2_sa")
    assert [
        (r["af"], r["local"], r["peer"], r["remote_port"]) for r in source.records
    ] == [
        ("IPv6", "2001:DB8:1101::131", "2001:DB8:1201::122", 500),
        ("IPv6", "2001:DB8:1101::131", "2001:DB8:1202::123", 500),
    ]
    assert source.records[0]["pqc"] == "ML-KEM-1024"


def test_it_takes_the_role_from_initiator_of_sa():
    """IOS detail says "Initiator of SA : Yes/No"; that is the role."""
    text = (
        CORPUS / "genie/iosxe/ShowCryptoIkev2SaDetail/golden_output2_output.txt"
    ).read_text()
    source = only(analyze(text), "ios.show_crypto_ikev2_sa")
    assert [(r["tunnel_id"], r["role"], r["initiator"]) for r in source.records] == [
        (973, "initiator", True),
        (4, "initiator", True),
    ]
    assert source.records[0]["remote_subnets"][-1] == "19.0.0.0 255.0.0.0"


def test_it_accepts_no_sas_and_needs_no_prompt():
    """ "There are no IKEv2 SAs" alone is recognised as the ASA's answer."""
    text = (
        CORPUS / "genie/asa/ShowCryptoIkev2Sa/golden_output2_output.txt"
    ).read_text()
    report = analyze(text)
    assert only(report, "asa.show_crypto_ikev2_sa").records == []
    assert report.unparsed_lines == 0


def test_it_claims_nothing_in_other_output():
    """IKEv1 tables and IPsec counters are not IKEv2 SAs."""
    for name in (
        "ike/ios124_show_crypto_isakmp_sa.txt",
        "ipsec/ios124_show_crypto_ipsec_sa.txt",
    ):
        lines = [clean_line(x) for x in split_lines(raw(name))]
        for section in sections(lines)[0]:
            section.command = None
            assert ikev2_sa.parse(section) == []


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(max_size=120), max_size=30))
def test_it_never_raises_on_arbitrary_text(lines):
    """Whatever the text, the parser returns sources or nothing."""
    for command in (None, "show crypto ikev2 sa"):
        section = Section(
            lines=lines, numbers=list(range(1, len(lines) + 1)), command=command
        )
        assert isinstance(ikev2_sa.parse(section), list)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "IKEv2 SAs:",
                "Session-id:1, Status:UP-ACTIVE, IKE count:1, CHILD count:1",
                "Tunnel-id Local Remote Status Role",
                "Tunnel-id Local Remote fvrf/ivrf Status",
                "  1 10.0.0.1/500 10.0.0.2/500 READY INITIATOR",
                "1 10.0.0.1/500 10.0.0.2/500 none/none IN-NEG",
                "Local  2001:db8::1/500",
                "      Encr: AES-CBC, keysize: 256, Hash: SHA256, DH Grp:14",
                "Child sa: local selector  10.1.0.0/0 - 10.1.255.255/65535",
                "          ESP spi in/out: 0x1/0x2",
                "      Remote subnets:",
                "      10.0.0.0 255.0.0.0",
                "      Local spi: 1 Remote spi: 2",
                "",
            ]
        ),
        max_size=40,
    ),
    st.sampled_from([None, "show crypto ikev2 sa"]),
)
def test_it_never_raises_on_shuffled_real_lines(lines, command):
    """Real lines in any order still give sources within the section's lines."""
    section = Section(
        lines=lines, numbers=list(range(1, len(lines) + 1)), command=command
    )
    for source in ikev2_sa.parse(section):
        assert 1 <= source.first_line <= source.last_line <= len(lines)
