"""tcpdump rules: one-way IKE and ESP, SMTP resets, healthy VPN flows."""

import re
from pathlib import Path

from analyzer.engine import analyze
from tests.conftest import CORPUS, FIXTURES

CONTENT = Path(__file__).resolve().parents[2] / "kb" / "content"


def tcpdump_findings(path: Path):
    report = analyze(path.read_bytes().decode("utf-8"))
    return [f for f in report.findings if f.code.startswith("tcpdump.")]


def anchors(slug: str) -> set[str]:
    return set(re.findall(r"\{#([\w-]+)\}", (CONTENT / f"{slug}.md").read_text()))


def test_it_warns_about_ike_that_gets_no_answer():
    """IKEv1 packets one way only: the peer is not answering, seen from the sender."""
    (finding,) = tcpdump_findings(FIXTURES / "tcpdump/ike_one_way_n.txt")
    assert (finding.code, finding.severity) == ("tcpdump.ike_one_way", "warning")
    assert (finding.article, finding.anchor) == ("isakmp-states", "mm_wait_msg2")
    assert finding.lines == [4, 7]
    assert finding.subject == "flow 192.0.2.1:500 <-> 198.51.100.2:500"
    assert "4 IKE packets from 192.0.2.1 to 198.51.100.2" in finding.detail


def test_it_warns_about_esp_one_way_and_smtp_resets_and_notes_two_way_ike():
    """ESP only from the hub, SMTP sessions reset mid-session, IKE answered."""
    found = {
        f.code: f
        for f in tcpdump_findings(
            FIXTURES / "tcpdump/esp_one_way_and_smtp_resets_default.txt"
        )
    }
    esp = found["tcpdump.esp_one_way"]
    assert (esp.article, esp.anchor, esp.severity) == (
        "vpn-encaps-no-decaps",
        "encaps-no-decaps",
        "warning",
    )
    assert esp.subject == "ESP vpn-hq.example.com -> branch7.example.net"
    assert "0x5c1e2a90" in esp.detail and "decaps without encaps" in esp.detail
    smtp = found["tcpdump.smtp_resets"]
    assert (smtp.article, smtp.anchor, smtp.severity) == (
        "ironport-esmtp-inspection",
        "symptoms",
        "warning",
    )
    assert smtp.lines == [11, 15, 16, 17]
    assert "2 TCP resets in 2 SMTP sessions" in smtp.detail
    two_way = found["tcpdump.vpn_two_way"]
    assert two_way.severity == "info" and two_way.lines == [4, 6]


def test_it_calls_a_healthy_capture_info():
    """IKE and ESP both ways between two peers: one info finding, nothing more."""
    found = tcpdump_findings(FIXTURES / "tcpdump/ike_two_way_v.txt")
    assert [(f.code, f.severity, f.subject) for f in found] == [
        ("tcpdump.vpn_two_way", "info", "peers 192.0.2.1 and 203.0.113.9")
    ]


def test_it_notices_one_way_esp_inside_nat_t():
    """tcpdump's NAT-T capture carries ESP in UDP 4500 one way only."""
    found = tcpdump_findings(CORPUS / "tcpdump/tcpdump_isakmp4_ikev1_mainmode_natt.txt")
    codes = sorted(f.code for f in found)
    assert codes == ["tcpdump.esp_one_way", "tcpdump.vpn_two_way"]
    esp = next(f for f in found if f.code == "tcpdump.esp_one_way")
    assert "inside UDP 4500 (NAT-T)" in esp.detail and "8 ESP packets" in esp.detail


def test_it_links_only_to_anchors_that_exist():
    """Every article and anchor these rules emit is in kb/content."""
    paths = list((FIXTURES / "tcpdump").glob("*.txt")) + list(
        (CORPUS / "tcpdump").glob("*.txt")
    )
    for path in paths:
        for finding in tcpdump_findings(path):
            assert finding.anchor in anchors(finding.article), finding
