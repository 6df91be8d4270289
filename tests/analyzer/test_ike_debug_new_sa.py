"""A new IPsec SA in an IOS debug, and the invalid SPI it resolves: ESP on an SA
the device does not have is a warning unless a new SA with the same peer follows."""

from analyzer.engine import analyze
from analyzer.parsers import ike_debug
from analyzer.report import Section

INVALID_SPI = (
    "*Mar  1 00:20:01.223: %CRYPTO-4-RECVD_PKT_INV_SPI: decaps: rec'd IPSEC packet "
    "has invalid spi for destaddr=198.51.100.1, prot=50, "
    "spi=0x5E39E570(1580852592), srcaddr=203.0.113.2"
)
# Quick mode answered by the router that logged the invalid SPI: IOS 12.4/15.x.
QUICK_MODE = """\
*Mar  1 00:20:05.101: ISAKMP (0:0): received packet from 203.0.113.2 dport 500 sport 500 Global (N) NEW SA
*Mar  1 00:20:05.105: ISAKMP:(0):found peer pre-shared key matching 203.0.113.2
*Mar  1 00:20:05.109: ISAKMP:(0):atts are acceptable. Next payload is 0
*Mar  1 00:20:05.571: ISAKMP:(1002): processing SA payload. message ID = 1226471185
*Mar  1 00:20:05.575: IPSEC(validate_proposal_request): proposal part #1
*Mar  1 00:20:05.583: IPSEC(create_sa): sa created,
  (sa) sa_dest= 198.51.100.1, sa_proto= 50,
    sa_spi= 0x1F6D6C8B(527264907),
    sa_trans= esp-aes esp-sha-hmac , sa_conn_id= 2001
*Mar  1 00:20:05.583: IPSEC(create_sa): sa created,
  (sa) sa_dest= 203.0.113.2, sa_proto= 50,
    sa_spi= 0xC2D1A0B3(3268518067),
    sa_trans= esp-aes esp-sha-hmac , sa_conn_id= 2002
"""


def record_of(text: str, peer: str) -> dict:
    lines = text.splitlines()
    (source,) = ike_debug.parse(
        Section(lines=lines, numbers=list(range(1, len(lines) + 1)))
    )
    return {r["peer"]: r for r in source.records}[peer]


def alarms(text: str) -> list:
    report = analyze(text)
    return [
        f for f in report.findings if f.severity in ("warning", "error", "critical")
    ]


def spi_findings(text: str) -> list:
    return [f for f in analyze(text).findings if f.code == "ike_debug.invalid_spi"]


def test_each_wording_of_a_new_ipsec_sa_completes_phase_2():
    """IOS installs a new IPsec SA in words of its own per release: each of them
    is a phase 2 that completed, on the line that says it."""
    for line in (
        "IPSEC(update_current_outbound_sa): updated peer 203.0.113.2 current "
        "outbound sa to SPI DD8C4BB4",
        "*Feb 23 00:19:54.951: IPSEC(update_current_outbound_sa): updated peer "
        "203.0.113.2 current outbound sa to SPI 63A278D7",
        "IPSEC:(SESSION ID = 1) (update_current_outbound_sa) updated peer "
        "203.0.113.2 current outbound sa to SPI 7A3B5C1D",
    ):
        record = record_of(f"{INVALID_SPI}\n{line}", "203.0.113.2")
        assert record["phase2_complete"] is True, line
        assert record["p2_done_lines"] == [2], line
        assert record["errors"][0]["resolved_at"] == 2, line


def test_sa_created_and_enable_outbound_lines_belong_to_the_peer_above():
    """`IPSEC(create_sa): sa created,` and `IPSEC(key_engine_enable_outbound)` name
    no peer: they go on about the negotiation the lines above were about."""
    for line in (
        "IPSEC(create_sa): sa created,",
        "IPSEC(create_sa):sa created,",
        "*Mar  1 00:20:05.583: IPSEC(create_sa): sa created,",
        "IPSEC:(SESSION ID = 3) (create_sa) sa created,",
        "*Feb 23 00:19:54.951: IPSEC(key_engine_enable_outbound): rec'd enable "
        "notify from ISAKMP",
    ):
        text = (
            f"{INVALID_SPI}\nISAKMP:(1002): processing SA payload. message ID = 5\n"
            "ISAKMP:(1002):found peer pre-shared key matching 203.0.113.2\n"
            f"{line}"
        )
        record = record_of(text, "203.0.113.2")
        assert record["phase2_complete"] is True, line
        assert record["errors"][0]["resolved_at"] == 4, line


def test_an_invalid_spi_then_a_new_sa_with_that_peer_is_resolved():
    """After a failover the standby logs ESP for SAs it never had, then the peer
    negotiates new ones with it: no warning, and the info says where the invalid
    SPI was resolved."""
    text = f"{INVALID_SPI}\n{QUICK_MODE}"
    assert alarms(text) == []
    (done,) = [
        f for f in analyze(text).findings if f.code == "ike_debug.negotiation_complete"
    ]
    assert done.severity == "info"
    assert "ESP arrived on an SA this device did not have (line 1)" in done.detail
    assert "the invalid SPI was resolved at line 7" in done.detail


def test_an_invalid_spi_with_no_new_sa_after_it_stays_a_warning():
    """The peer starts a new ISAKMP SA but no IPsec SA is installed in the debug:
    ESP is still being dropped, so the warning stays."""
    text = INVALID_SPI + "\n" + "\n".join(QUICK_MODE.splitlines()[:5])
    (finding,) = spi_findings(text)
    assert (finding.severity, finding.subject) == ("warning", "peer 203.0.113.2")


def test_a_new_sa_before_the_invalid_spi_does_not_resolve_it():
    """Judged by how it ended: ESP on an unknown SPI after the last new SA is
    still a problem."""
    (finding,) = spi_findings(f"{QUICK_MODE}{INVALID_SPI}\n")
    assert finding.severity == "warning"
    assert finding.lines == [14]


def test_a_new_sa_with_another_peer_does_not_resolve_it():
    """The new SA is with 192.0.2.77; the invalid SPI came from 203.0.113.2."""
    other = QUICK_MODE.replace("203.0.113.2", "192.0.2.77")
    (finding,) = spi_findings(f"{INVALID_SPI}\n{other}")
    assert finding.subject == "peer 203.0.113.2"


def test_an_ios_ikev2_child_sa_handed_to_ipsec_completes_phase_2():
    """IOS IKEv2: "[IPsec -> IKEv2] Creation of IPsec SA into IPsec database
    PASSED" is the child SA installed."""
    text = (
        "*Nov 11 19:30:34.811: IKEv2:(SESSION ID = 1,SA ID = 1):Received Packet "
        "[From 203.0.113.2:500/To 198.51.100.1:500/VRF i0:f0]\n"
        "*Nov 11 19:30:34.814: IKEv2:(SESSION ID = 1,SA ID = 1):[IPsec -> IKEv2] "
        "Creation of IPsec SA into IPsec database PASSED\n"
    )
    record = record_of(text, "203.0.113.2")
    assert (record["version"], record["phase2_complete"]) == ("ikev2", True)
    assert record["p2_done_lines"] == [2]


def test_an_sa_created_for_the_peer_being_negotiated_is_not_the_invalid_spis():
    """Quick mode with 192.0.2.77 is under way when 203.0.113.2's ESP is refused;
    the `sa created` lines after the %CRYPTO message name no peer and belong to the
    negotiation with 192.0.2.77, so 203.0.113.2's invalid SPI stays a warning."""
    lines = QUICK_MODE.replace("203.0.113.2", "192.0.2.77").splitlines()
    text = "\n".join([*lines[:5], INVALID_SPI, *lines[5:]])
    (finding,) = spi_findings(text)
    assert finding.subject == "peer 203.0.113.2"
    assert record_of(text, "192.0.2.77")["phase2_complete"] is True
