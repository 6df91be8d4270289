"""VPN path rules: packet-tracer drops and VPN phases, the asp table, the SPI
cross-check against show crypto ipsec sa, and vpn-sessiondb traffic."""

from pathlib import Path

import pytest

from analyzer.engine import analyze
from analyzer.rules import vpn_path
from kb.rendering import heading_ids, render_article, split_front_matter
from tests.conftest import fixture_text

CONTENT = Path(__file__).resolve().parents[2] / "kb" / "content"


def findings_of(name):
    text = fixture_text(name)
    report = analyze(text)
    ours = [f for f in report.findings if f.code.startswith("vpn_path.")]
    return ours, text.splitlines()


def one(findings, code):
    matching = [f for f in findings if f.code == code]
    assert len(matching) == 1, [f.code for f in findings]
    return matching[0]


def test_it_links_only_to_sections_that_exist():
    """Every (article, anchor) the module can emit is a heading id of a rendered
    article in kb/content."""
    for slug, anchor in vpn_path.LINKS:
        _, body = split_front_matter((CONTENT / f"{slug}.md").read_text())
        assert anchor in heading_ids(render_article(body).html), (slug, anchor)


FIXTURES_WITH_FINDINGS = [
    "packet_tracer/seed_story.txt",
    "packet_tracer/asa84_acl_drop.txt",
    "packet_tracer/asa9_acl_drop_ike.txt",
    "packet_tracer/asa9_no_route_drop.txt",
    "packet_tracer/asa9_vpn_encrypt_drop.txt",
    "packet_tracer/asa9_allow_no_vpn.txt",
    "packet_tracer/no_vpn_phase_with_sa.txt",
    "packet_tracer/no_vpn_phase_with_config.txt",
    "asp/spi_mismatch_mixed.txt",
    "asp/idle_context_sa_counts.txt",
    "asp/asa8_vpn_context_detail.txt",
    "asp/asa_vpn_context_brief.txt",
    "asp/rekey_leftover_context.txt",
    "sessiondb/asa9_l2l.txt",
    "sessiondb/asa9_detail_l2l_filter.txt",
    "sessiondb/asa9_summary.txt",
]


@pytest.mark.parametrize("name", FIXTURES_WITH_FINDINGS)
def test_it_names_subject_lines_commands_and_a_known_section(name):
    """Each finding has a subject, evidence lines inside the paste, next commands
    and an article section listed in LINKS."""
    findings, lines = findings_of(name)
    assert findings
    for finding in findings:
        assert finding.subject
        assert finding.lines and all(1 <= n <= len(lines) for n in finding.lines)
        assert finding.next_commands
        assert (finding.article, finding.anchor) in vpn_path.LINKS


def test_it_follows_the_seed_from_user_data_to_a_healthy_spi():
    """The seed's story: user_data 0x922fac -> `| begin 922FAC`; the context's SPI
    is the SA's current outbound SPI and both count: info only, nobody blamed."""
    findings, lines = findings_of("packet_tracer/seed_story.txt")
    assert {f.severity for f in findings} == {"info"}
    user_data = one(findings, "vpn_path.tracer_user_data")
    assert (
        user_data.next_commands[0] == "show asp table vpn-context detail | begin 922FAC"
    )
    assert (user_data.article, user_data.anchor) == ("asa-vpn-asp-table", "user-data")
    assert any("user_data=0x922fac" in lines[n - 1] for n in user_data.lines)
    match = one(findings, "vpn_path.spi_match")
    assert "E5C56C30" in match.title
    assert (match.article, match.anchor) == ("asa-vpn-asp-table", "spi-check")
    assert any("SPI = 0xE5C56C30" in lines[n - 1] for n in match.lines)
    assert any("current outbound spi: E5C56C30" in lines[n - 1] for n in match.lines)


def test_it_warns_when_the_context_spi_is_not_the_current_outbound_spi():
    """ENCR context SPI 3B9F0A12 vs SA current outbound SPI C7A1D2E4: a warning
    naming both, pointing at both lines; the matching DECR pair stays info."""
    findings, lines = findings_of("asp/spi_mismatch_mixed.txt")
    mismatch = one(findings, "vpn_path.spi_mismatch")
    assert mismatch.severity == "warning"
    assert "3B9F0A12" in mismatch.title and "C7A1D2E4" in mismatch.title
    assert (mismatch.article, mismatch.anchor) == ("asa-vpn-asp-table", "spi-mismatch")
    assert "counts no packet while the SA counts encaps 5120" in mismatch.detail
    evidence = [lines[n - 1].strip() for n in mismatch.lines]
    assert "SPI      = 0x3B9F0A12" in evidence
    assert "current outbound spi: C7A1D2E4" in evidence
    assert (
        mismatch.next_commands[0] == "show asp table vpn-context detail | begin 13C4C"
    )
    healthy = one(findings, "vpn_path.spi_match")
    assert healthy.severity == "info" and "5E0C77A9" in healthy.title
    assert one(findings, "vpn_path.tracer_user_data").next_commands[0] == (
        "show asp table vpn-context detail | begin 13C4C"
    )


def test_it_warns_when_the_context_counts_nothing_but_the_sa_does():
    """Same SPI on both sides, Pkts 0 in the context, encaps 5120 in the SA."""
    findings, _ = findings_of("asp/idle_context_sa_counts.txt")
    idle = one(findings, "vpn_path.asp_idle_sa_counts")
    assert idle.severity == "warning"
    assert "C7A1D2E4" in idle.title and "5120" in idle.title
    assert not [f for f in findings if f.code == "vpn_path.spi_match"]


def test_it_flags_error_counters_and_leaves_clean_contexts_alone():
    """Bad SPI / Bad Crypto / Bad Pkts in one context give one warning; the two
    clean contexts get nothing above info."""
    findings, _ = findings_of("asp/asa8_vpn_context_detail.txt")
    counters = one(findings, "vpn_path.asp_error_counters")
    assert counters.severity == "warning"
    assert "00A3B190" in counters.subject
    assert "Bad SPI 17" in counters.detail and "Bad Crypto 2" in counters.detail
    assert [f for f in findings if f.severity != "info"] == [counters]


def test_it_flags_a_context_that_is_down_and_an_idle_encrypt_context():
    """One-line layout: a DOWN context is a warning; an ENCR context with no packets
    and no SA to compare is info."""
    findings, _ = findings_of("asp/asa_vpn_context_brief.txt")
    down = one(findings, "vpn_path.asp_context_down")
    assert down.severity == "warning" and "03775B00" in down.subject
    idle = one(findings, "vpn_path.asp_encrypt_idle")
    assert idle.severity == "info" and "0377F800" in idle.subject


def test_it_explains_an_acl_drop():
    """ACL drop at phase 4: error naming the phase and reason, own article."""
    findings, _ = findings_of("packet_tracer/asa84_acl_drop.txt")
    drop = one(findings, "vpn_path.tracer_drop")
    assert drop.severity == "error"
    assert "phase 4 ACCESS-LIST" in drop.title
    assert "(acl-drop) Flow is denied by configured rule" in drop.title
    assert (drop.article, drop.anchor) == ("packet-tracer-drops", "acl-drop")
    assert (
        drop.subject
        == "flow outside:198.51.100.40/41822 -> dmz:203.0.113.25/3389 (tcp)"
    )
    assert drop.lines == [41, 44, 62, 63]


def test_it_sends_an_ike_acl_drop_to_the_phase1_checklist():
    """UDP 500 towards a peer denied by an ACL: the phase 1 article, with the ACL
    named in the phase's config as the next command."""
    findings, _ = findings_of("packet_tracer/asa9_acl_drop_ike.txt")
    drop = one(findings, "vpn_path.tracer_drop")
    assert (drop.article, drop.anchor) == ("phase1-errors", "access-list-denies")
    assert "show access-list inside_access_in" in drop.next_commands


def test_it_explains_a_missing_route_with_the_drop_location():
    """no-route: the route lookup to run, and 9.x Drop-location in the detail."""
    findings, _ = findings_of("packet_tracer/asa9_no_route_drop.txt")
    drop = one(findings, "vpn_path.tracer_drop")
    assert (drop.article, drop.anchor) == ("packet-tracer-drops", "no-route")
    assert "show route 192.0.2.80" in drop.next_commands
    assert "frame 0x0000556b1a3f2c81" in drop.detail


def test_it_treats_a_vpn_encrypt_drop_as_a_tunnel_not_yet_up():
    """Drop at the VPN encrypt phase: warning, run again, look at IKE."""
    findings, _ = findings_of("packet_tracer/asa9_vpn_encrypt_drop.txt")
    drop = one(findings, "vpn_path.tracer_drop")
    assert drop.severity == "warning"
    assert (drop.article, drop.anchor) == ("packet-tracer-drops", "vpn-drops")
    assert "phase 5 VPN (encrypt)" in drop.title
    assert drop.next_commands[:2] == [
        "packet-tracer input inside icmp 10.20.30.40 8 0 172.31.9.9 detailed",
        "show crypto isakmp sa",
    ]
    assert not [f for f in findings if f.code == "vpn_path.tracer_user_data"]


def test_it_only_notes_a_clear_text_flow_without_other_evidence():
    """ALLOW with no VPN phase and nothing else in the paste: info."""
    findings, _ = findings_of("packet_tracer/asa9_allow_no_vpn.txt")
    [finding] = findings
    assert finding.code == "vpn_path.tracer_clear_text"
    assert finding.severity == "info"
    assert finding.anchor == "no-vpn-phase"


@pytest.mark.parametrize(
    "name, acl, tunnel_line",
    [
        ("packet_tracer/no_vpn_phase_with_sa.txt", "VPN-DC", 98),
        ("packet_tracer/no_vpn_phase_with_config.txt", "VPN-LAB", 2),
    ],
)
def test_it_warns_when_a_tunnel_destination_misses_the_crypto_map(
    name, acl, tunnel_line
):
    """The destination lies in a remote ident (ipsec sa) or a crypto ACL
    destination (config), yet no VPN phase: warning, with the NAT phase that
    translates the source named."""
    findings, lines = findings_of(name)
    warning = one(findings, "vpn_path.tracer_no_vpn_phase")
    assert warning.severity == "warning"
    assert "not matching the crypto map" in warning.title
    assert (warning.article, warning.anchor) == ("asa-vpn-asp-table", "no-vpn-phase")
    assert tunnel_line in warning.lines
    assert f"show access-list {acl}" in warning.next_commands
    assert "10.20.30.40/50311 to 203.0.113.2/50311" in warning.detail
    assert not [f for f in findings if f.code == "vpn_path.tracer_clear_text"]


def test_it_reports_sessions_and_one_that_never_receives():
    """Each session is info with its bytes; Tx with Rx 0 is a warning linked to
    encaps-no-decaps; a session with no traffic at all is info."""
    findings, _ = findings_of("sessiondb/asa9_l2l.txt")
    up = [f for f in findings if f.code == "vpn_path.session_up"]
    assert [f.subject for f in up] == [
        "peer 198.51.100.7",
        "peer 66.162.66.162",
        "peer 192.0.2.141 (connection PARTNER-L2L)",
    ]
    assert all(f.severity == "info" for f in up)
    assert "Rx 1203994772" in up[0].detail
    silent = one(findings, "vpn_path.session_tx_no_rx")
    assert silent.severity == "warning"
    assert (silent.article, silent.anchor) == (
        "vpn-encaps-no-decaps",
        "encaps-no-decaps",
    )
    assert silent.subject == "peer 66.162.66.162"
    assert silent.lines == [19]
    assert one(findings, "vpn_path.session_no_traffic").severity == "info"


def test_it_names_the_proxy_pair_in_a_detailed_session():
    """With detail, the Tx-only warning names the IPsec block's networks in the
    words the IPsec SA findings use for a proxy pair."""
    findings, _ = findings_of("sessiondb/asa9_detail_l2l_filter.txt")
    silent = one(findings, "vpn_path.session_tx_no_rx")
    assert silent.subject.endswith("(10.100.0.0/16 \u2192 10.10.15.0/24)")
    assert silent.lines == [37]


def test_it_summarises_the_session_summary():
    """The summary gives one info with the site-to-site count and the load."""
    findings, _ = findings_of("sessiondb/asa9_summary.txt")
    summary = one(findings, "vpn_path.sessiondb_summary")
    assert "14 site-to-site sessions active" in summary.detail
    assert "device load 7%" in summary.detail


def test_it_strips_leading_zeros_for_the_begin_filter():
    """0x922fac -> 922FAC, context 00013C4C -> 13C4C, zero -> nothing."""
    assert vpn_path.begin_token("0x922fac") == "922FAC"
    assert vpn_path.begin_token("00013C4C") == "13C4C"
    assert vpn_path.begin_token("0x0") is None
    assert vpn_path.begin_token("0\u00d7922fac") == "922FAC"


def test_it_does_not_blame_a_context_left_over_from_a_rekey():
    """Two ENCR contexts for one SA: the one with the current outbound SPI is the
    healthy pair, the other a leftover (info), and no warning is raised."""
    findings, _ = findings_of("asp/rekey_leftover_context.txt")
    assert {f.severity for f in findings} == {"info"}
    leftover = one(findings, "vpn_path.asp_stale_context")
    assert "00013A08" in leftover.subject
    assert "C7A1D2E4" in one(findings, "vpn_path.spi_match").title
