"""Syslog rules: the message summary, ESMTP inspection dropping mail, VPN traffic
denied by an access list."""

import re
from pathlib import Path

from analyzer.engine import analyze
from tests.conftest import FIXTURES

CONTENT = Path(__file__).resolve().parents[2] / "kb" / "content"


def findings(name: str, code: str | None = None):
    report = analyze((FIXTURES / name).read_bytes().decode("utf-8"))
    return [f for f in report.findings if code is None or f.code == code]


def anchors(slug: str) -> set[str]:
    return set(re.findall(r"\{#([\w-]+)\}", (CONTENT / f"{slug}.md").read_text()))


def test_it_reports_esmtp_inspection_dropping_mail_from_the_seed_lines():
    """108004 and 507003 on port 25 are one warning about the mail server, whatever
    interface name each line used, pointing at the ESMTP article's syslog section."""
    (finding,) = findings("syslog/asa_esmtp_seed.txt", "syslog.esmtp_inspection_drops")
    assert finding.severity == "warning"
    assert (finding.article, finding.anchor) == ("ironport-esmtp-inspection", "syslogs")
    assert finding.lines == [1, 2]
    assert finding.subject == "mail flow to DMZ/PUBLIC_DMZ:10.0.25.101/25"
    assert (
        "75.75.75.75" in finding.detail
        and "header line length gt 998" in finding.detail
    )
    assert "show service-policy inspect esmtp" in finding.next_commands


def test_it_reports_each_kind_of_vpn_traffic_denied_from_a_known_peer():
    """UDP 500, ESP and UDP 4500 from a peer that the same buffer shows in an IKE
    negotiation are three errors naming the ACL and the peer."""
    denied = findings("syslog/asa_show_logging_buffer.txt", "syslog.vpn_traffic_denied")
    assert [(f.lines, f.subject, f.severity) for f in denied] == [
        ([23], "peer 198.51.100.2", "error"),
        ([24], "peer 198.51.100.2", "error"),
        ([25], "peer 198.51.100.2", "error"),
    ]
    assert [f.title for f in denied] == [
        "UDP 500 from peer 198.51.100.2 denied by access list outside_access_in",
        "ESP (IP protocol 50) from peer 198.51.100.2 denied by access list outside_access_in",
        "UDP 4500 from peer 198.51.100.2 denied by access list outside_access_in",
    ]
    assert all(
        (f.article, f.anchor) == ("phase1-errors", "access-list-denies") for f in denied
    )
    assert denied[0].next_commands[:2] == [
        "show access-list outside_access_in",
        "packet-tracer input outside udp 198.51.100.2 500 203.0.113.1 500 detailed",
    ]


def test_it_reports_ike_denies_even_without_a_known_peer():
    """A deny of UDP 500 from an address the paste does not otherwise mention is
    still reported, described by its addresses."""
    denied = findings("syslog/asa_syslog_server_lines.txt", "syslog.vpn_traffic_denied")
    subjects = [f.subject for f in denied]
    assert subjects == [
        "peer 192.0.2.99",
        "peer 192.0.2.99",
        "UDP 500 192.0.2.55 -> 203.0.113.1",
    ]
    # 710003: refused by the device itself (IKE not enabled there, or a
    # control-plane ACL), not by an interface ACL.
    assert (
        denied[1].title
        == "UDP 500 from peer 192.0.2.99 denied by the device's own access rules"
    )
    assert denied[1].anchor == "isakmp-enabled"


def test_it_reports_ios_acl_log_denies_of_ike():
    """IOS `%SEC-6-IPACCESSLOGP ... denied udp x(500)` counts like an ASA deny."""
    (finding,) = findings("syslog/ios_crypto_buffer.txt", "syslog.vpn_traffic_denied")
    assert finding.subject == "peer 192.0.2.1" and finding.lines == [8]


def test_it_summarises_message_ids_and_lists_the_uncatalogued_ones():
    """The summary counts messages per ID and family and names the IDs the catalog
    does not know, with their counts; it is info and never blames anything."""
    (summary,) = findings("syslog/asa_show_logging_buffer.txt", "syslog.summary")
    assert summary.severity == "info"
    assert summary.title == "13 syslog messages, 11 message IDs"
    assert "Not in the catalog (1 IDs, 2 messages): 725001 x2" in summary.detail
    assert "ESMTP inspection: 1" in summary.detail
    assert (summary.article, summary.anchor) == ("asa-syslog-messages", "uncatalogued")
    assert summary.subject == "syslog from fw01"
    assert summary.lines[0] == 18


def test_it_says_nothing_about_ike_failures_itself():
    """IKE error syslogs are left to the IKE debug rules: no syslog finding for them."""
    codes = {f.code for f in findings("ike_debug/asa_invalid_cookie_seed.txt")}
    assert "ike_debug.invalid_cookie" in codes
    assert codes - {"ike_debug.invalid_cookie"} == {"syslog.summary"}


def test_it_links_only_to_anchors_that_exist():
    """Every article and anchor these rules emit on the fixtures is in kb/content."""
    for name in (
        "syslog/asa_esmtp_seed.txt",
        "syslog/asa_show_logging_buffer.txt",
        "syslog/asa_syslog_server_lines.txt",
        "syslog/ios_crypto_buffer.txt",
    ):
        for finding in findings(name):
            if finding.code.startswith("syslog."):
                assert finding.anchor in anchors(finding.article), finding


def test_the_summary_counts_in_the_singular_when_there_is_one():
    """One message, one ID: "1 syslog message, 1 message ID", never "1
    message IDs"."""
    report = analyze(
        "<166>Mar 12 10:10:10 fw01 %ASA-6-302013: Built outbound TCP connection 1 "
        "for outside:192.0.2.1/25 (192.0.2.1/25) to inside:10.0.0.5/4000 "
        "(10.0.0.5/4000)\n"
    )
    (summary,) = [f for f in report.findings if f.code == "syslog.summary"]
    assert summary.title == "1 syslog message, 1 message ID"


def test_traffic_outside_the_sa_points_at_the_crypto_acl_mirror_section():
    """402116 (a decrypted packet outside the SA's proxies, here in the "remote_proxy"
    wording ASA 8.0 to 9.x print) is the peer's crypto ACL being wider than this
    side's: a warning naming the packet's source, linked to the section on ACLs
    that are not mirror images."""
    report = analyze(
        "Jan 19 2015 20:00:43: %ASA-4-402116: IPSEC: Received an ESP packet (SPI= "
        "0x76F99C4C, sequence number= 0x2D) from 93.184.216.34 (user= 93.184.216.34) "
        "to 11.11.11.11.  The decapsulated inner packet doesn't match the negotiated "
        "policy in the SA.  The packet specifies its destination as 10.10.10.11, its "
        "source as 10.14.155.11, and its protocol as icmp.  The SA specifies its "
        "local proxy as 10.10.10.11/255.255.255.255/ip/0 and its remote_proxy as "
        "192.168.60.60/255.255.255.255/ip/0.\n"
    )
    (finding,) = [f for f in report.findings if f.code == "syslog.ipsec_outside_policy"]
    assert finding.severity == "warning"
    assert (finding.article, finding.anchor) == (
        "ipsec-phase2-errors",
        "crypto-acl-mirror",
    )
    assert finding.anchor in anchors(finding.article)
    assert "from 10.14.155.11 to 10.10.10.11" in finding.detail
    assert "remote 192.168.60.60/255.255.255.255/ip/0" in finding.detail


def test_713061_quoted_alone_is_read_but_blames_nothing():
    """A standby tunnel's "Rejecting IPSec tunnel ... remote proxy 0.0.0.0/..."
    quoted by its text alone is counted as 713061; by itself it raises nothing
    above info (AWS's guide: the standby tunnel logs it, and it can be ignored)."""
    report = analyze(
        "Rejecting IPSec tunnel: no matching crypto map entry for remote proxy "
        "0.0.0.0/0.0.0.0/0/0 local proxy 0.0.0.0/0.0.0.0/0/0 on interface outside\n"
    )
    (summary,) = [f for f in report.findings if f.code == "syslog.summary"]
    assert "713061 x1" in summary.detail
    assert [f.severity for f in report.findings] == ["info"]
    assert report.unparsed_lines == 0


def _alarms(text: str) -> list:
    return [
        f
        for f in analyze(text).findings
        if f.severity in ("warning", "error", "critical")
    ]


def test_an_ios_invalid_spi_cut_before_its_sender_still_says_the_sas_are_out_of_sync():
    """%CRYPTO-4-RECVD_PKT_INV_SPI with no srcaddr= (the console wrapped it, a
    forum post quotes its first words, the destination address got lost) names no
    peer to read it per peer, but it still says one: a peer encrypts on an SA this
    router no longer has."""
    for text in (
        "*Jan 14 09:02:11: %CRYPTO-4-RECVD_PKT_INV_SPI: decaps: rec'd IPSEC "
        "packet has invalid spi for\n",
        "Our 2901 logs %CRYPTO-4-RECVD_PKT_INV_SPI: decaps: rec'd IPSEC packet "
        "has invalid spi every few hours, what does it mean?\n",
        "Mar  3 02:11:40 10.9.9.1 1234: %CRYPTO-4-RECVD_PKT_INV_SPI: decaps: rec'd "
        "IPSEC packet has invalid spi for destaddr=, prot=50, spi=0x1A2B3C4D"
        "(439041101), \n"
        "Mar  3 02:12:40 10.9.9.1 1235: %CRYPTO-4-RECVD_PKT_INV_SPI: decaps: rec'd "
        "IPSEC packet has invalid spi for destaddr=, prot=50, spi=0x1A2B3C4D"
        "(439041101), \n",
    ):
        (finding,) = _alarms(text)
        assert finding.code == "syslog.ios_invalid_spi", text
        assert (finding.article, finding.anchor) == (
            "dead-peer-detection-and-rekey",
            "stale-sas",
        )
        assert finding.anchor in anchors(finding.article)
        assert "invalid-spi-recovery" in finding.detail
    assert "2 RECVD_PKT_INV_SPI messages" in finding.detail
    assert finding.lines == [1, 2]


def test_an_ios_invalid_spi_naming_its_sender_is_left_to_the_per_peer_reading():
    """With srcaddr= the IKE debug reader takes the message for that peer
    (ike_debug.invalid_spi); the syslog rule does not say it a second time."""
    text = (
        "*Jan 14 09:02:11: %CRYPTO-4-RECVD_PKT_INV_SPI: decaps: rec'd IPSEC packet "
        "has invalid spi for destaddr=198.51.100.1, prot=50, "
        "spi=0x1A2B3C4D(439041101), srcaddr=203.0.113.9\n"
    )
    codes = [f.code for f in _alarms(text)]
    assert codes == ["ike_debug.invalid_spi"]
