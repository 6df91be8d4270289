"""Findings from IPsec SA counters, linking to the vpn-encaps-no-decaps article."""

from analyzer.engine import analyze
from tests.conftest import CORPUS, FIXTURES

ANCHORS = {
    "encaps-no-decaps",
    "decaps-no-encaps",
    "no-traffic",
    "send-recv-errors",
    "verify-failures",
    "fragmentation",
}


def raw(name: str) -> str:
    return (FIXTURES / name).read_bytes().decode("utf-8")


def ipsec_findings(text: str):
    return [f for f in analyze(text).findings if f.code.startswith("ipsec.")]


def by_code(findings, code: str):
    found = [f for f in findings if f.code == code]
    assert len(found) == 1, [f.code for f in findings]
    return found[0]


def test_it_flags_encaps_without_decaps_in_the_seed():
    """The seed's tunnel encrypts 61 packets and decrypts none: a warning on lines 4-5."""
    findings = ipsec_findings(raw("ipsec/seed_asa_show_ipsec_sa_peer_squashed.txt"))
    finding = by_code(findings, "ipsec.encaps_no_decaps")
    assert (finding.severity, finding.article, finding.anchor) == (
        "warning",
        "vpn-encaps-no-decaps",
        "encaps-no-decaps",
    )
    assert finding.lines == [4, 5]
    assert finding.subject == "peer 22.22.22.22 (192.168.11.0/24 \u2192 172.16.22.0/24)"
    assert finding.next_commands[0] == "show crypto ipsec sa peer 22.22.22.22"
    assert (
        "capture cap-esp interface OUTSIDE match esp host 11.11.11.11 host 22.22.22.22"
        in finding.next_commands
    )
    assert (
        "packet-tracer input inside icmp 192.168.11.1 8 0 172.16.22.1 detailed"
        in finding.next_commands
    )
    assert "61" in finding.detail


def test_it_finds_nothing_wrong_with_a_healthy_sa():
    """Traffic both ways and no errors: nothing above info (fragmentation is info)."""
    findings = ipsec_findings(raw("ipsec/seed_asa_show_crypto_ipsec_sa_peer.txt"))
    assert [f.code for f in findings] == ["ipsec.fragmentation"]
    assert findings[0].severity == "info"
    assert findings[0].lines == [9, 10]
    healthy = ipsec_findings(raw("ipsec/asa84_show_crypto_ipsec_sa.txt"))
    assert not [f for f in healthy if "198.51.100.7" in f.subject]


def test_it_flags_decaps_without_encaps_and_receive_errors():
    """The second ASA entry decrypts but never encrypts and counts receive errors."""
    findings = ipsec_findings(raw("ipsec/asa84_show_crypto_ipsec_sa.txt"))
    reverse = by_code(findings, "ipsec.decaps_no_encaps")
    errors = by_code(findings, "ipsec.send_recv_errors")
    assert reverse.anchor == "decaps-no-encaps" and reverse.lines == [51, 52]
    assert reverse.subject == "peer 203.0.113.88 (10.1.0.0/16 \u2192 172.16.40.0/24)"
    assert "show route 172.16.40.1" in reverse.next_commands
    assert (errors.anchor, errors.lines, errors.severity) == (
        "send-recv-errors",
        [57],
        "warning",
    )
    assert "recv errors 14" in errors.detail


def test_packets_that_all_failed_on_receipt_are_no_one_way_tunnel():
    """tunnelsup's ASA: decaps 105, decrypt 0, recv errors 105 (every packet fell
    outside the SA's proxies, 402116): nothing reached the inside, so nothing
    was due back, and only the error counters are said."""
    findings = ipsec_findings(
        raw(
            "field/show/tunnelsup-asa-recv-errors-402116-inner-packet-not-in-proxy-html-spans.txt"
        )
    )
    codes = {f.code for f in findings}
    assert "ipsec.send_recv_errors" in codes
    assert "ipsec.decaps_no_encaps" not in codes


def test_send_errors_on_an_entry_with_empty_sa_lists_wait_for_phase_2():
    """The same hub's `show crypto ipsec sa peer`, cut before its SPI line:
    `#send errors 12` under empty `inbound esp sas:` / `outbound esp sas:` lists
    is traffic waiting for an SA, as with a zero SPI, not a data-path error."""
    findings = ipsec_findings(
        raw(
            "field/ikev1/ios-dmvpn-course-notes-th-hub-no-esp-sas-send-errors-12-transform-proposals-not-supported.txt"
        )
    )
    codes = {f.code: f.severity for f in findings}
    assert codes.get("ipsec.waiting_for_sa") == "info"
    assert "ipsec.send_recv_errors" not in codes


def test_it_reports_an_idle_or_missing_sa_as_no_traffic():
    """Zero both ways is info; with a zero SPI the detail says no SA exists."""
    findings = ipsec_findings(raw("ipsec/ios124_show_crypto_ipsec_sa.txt"))
    idle = by_code(findings, "ipsec.no_traffic")
    assert (idle.severity, idle.anchor, idle.lines) == ("info", "no-traffic", [11, 12])
    assert "No SA is established" in idle.detail
    assert by_code(findings, "ipsec.encaps_no_decaps").subject.startswith(
        "peer 198.51.100.2 ("
    )
    assert by_code(findings, "ipsec.send_recv_errors").lines == [44]


def test_it_flags_verify_failures_and_receive_side_errors_on_ios_xe():
    """verify failed, replay failed and decaps above verify are verify failures."""
    findings = ipsec_findings(raw("ipsec/iosxe17_show_crypto_ipsec_sa_peer_detail.txt"))
    verify = by_code(findings, "ipsec.verify_failures")
    assert verify.anchor == "verify-failures"
    assert verify.lines == [12, 18, 21]
    assert "verify failed 119" in verify.detail and "88001 verified" in verify.detail
    errors = by_code(findings, "ipsec.send_recv_errors")
    assert errors.lines == [16] and "invalid sa rcv 37" in errors.detail
    assert "show crypto ipsec sa peer 203.0.113.5 detail" in verify.next_commands


def test_it_does_not_count_verify_when_the_sa_checks_no_integrity():
    """esp-none leaves #pkts verify at 0 while decaps count: that is not a failure."""
    findings = ipsec_findings(raw("ipsec/asa_show_crypto_ipsec_sa_esp_none.txt"))
    assert "ipsec.verify_failures" not in [f.code for f in findings]


def test_it_names_the_replay_failure_in_the_corpus():
    """ntc's IOS detail sample has one replay failure on Tunnel2's SA."""
    path = (
        CORPUS
        / "ntc/cisco_ios/show_crypto_ipsec_sa_detail/cisco_ios_show_crypto_ipsec_sa_detail.raw"
    )
    finding = by_code(ipsec_findings(path.read_text()), "ipsec.verify_failures")
    assert finding.subject.startswith("peer 3.3.3.3 ") and finding.lines == [75]


def test_it_only_links_to_the_articles_anchors():
    """Every finding over every fixture has a known anchor, lines and a peer subject."""
    for path in sorted((FIXTURES / "ipsec").iterdir()):
        for finding in ipsec_findings(raw(f"ipsec/{path.name}")):
            assert finding.article == "vpn-encaps-no-decaps"
            assert finding.anchor in ANCHORS
            assert finding.lines and finding.subject.startswith("peer ")
            assert finding.next_commands


def test_it_counts_min_mtu_fragment_drops_as_fragmentation():
    """ASA's "min mtu frag failed" drops join the fragmentation finding."""
    findings = ipsec_findings(raw("ipsec/asa912_show_crypto_ipsec_sa_detail.txt"))
    finding = by_code(findings, "ipsec.fragmentation")
    assert finding.lines == [15, 16, 28]
    assert "min mtu frag failed send 3" in finding.detail
    assert [f.severity for f in findings] == ["info"]


_NARROWED = FIXTURES / (
    "field/healthy/ios-ikev2-crypto-map-narrowed-child-sa-carries-traffic-acl-entry-spi-zero.txt"
)


def test_an_ikev2_entry_narrowed_to_a_working_sa_is_no_second_sa():
    """NZ's crypto map entry for 192.168.0.0/16 has no SA (SPI 0, one send error)
    beside the child SA IKEv2 narrowed it to, 192.168.10.0/24, which carries the
    traffic: neither overlapping SAs nor phase 2 missing."""
    report = analyze(_NARROWED.read_text(encoding="utf-8"))
    codes = {f.code: f.severity for f in report.findings}
    assert "ipsec.overlapping_sas" not in codes
    assert "ike.no_ipsec_sa" not in codes
    assert not [f for f in report.findings if f.severity in ("warning", "error")]
    # The entry without an SA is still reported, as information.
    assert codes.get("ipsec.waiting_for_sa") == "info"


def test_narrowed_to_finds_the_sa_inside_the_entry_and_not_the_reverse():
    from analyzer.paste import narrowed_to

    report = analyze(_NARROWED.read_text(encoding="utf-8"))
    [source] = report.sources_of("ios.show_crypto_ipsec_sa")
    wide, narrow = source.records
    assert narrowed_to(wide, source.records) is narrow
    assert narrowed_to(narrow, source.records) is None


def test_without_the_ikev2_sa_the_same_entries_still_overlap():
    """The IPsec output alone says nothing of IKEv2: an SA-less /16 entry beside a
    /24 SA is then what an IKEv1 peer with a narrower crypto ACL leaves."""
    text = _NARROWED.read_text(encoding="utf-8")
    ipsec_only = text[text.index("NZ#show crypto ipsec sa") :]
    report = analyze(ipsec_only)
    assert "ipsec.overlapping_sas" in {f.code for f in report.findings}
