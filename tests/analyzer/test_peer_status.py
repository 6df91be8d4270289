"""The other end's status tables, read from real outputs of the field corpus."""

from analyzer.engine import analyze
from tests.conftest import FIXTURES

FIELD = FIXTURES / "field"


def status(name: str) -> list[dict]:
    report = analyze((FIELD / name).read_text(encoding="utf-8"))
    return [r for s in report.sources if s.kind == "peer.status" for r in s.records]


def test_junos_ike_and_ipsec_tables_list_each_gateway_up():
    ike = status("healthy/aws-junos-cgw-ike-sa-up.txt")
    assert [(r["peer"], r["phase"], r["state"]) for r in ike] == [
        ("72.21.209.225", 1, "up"),
        ("72.21.209.193", 1, "up"),
    ]
    ipsec = status("healthy/aws-junos-cgw-ipsec-sa-two-tunnels.txt")
    assert {(r["peer"], r["phase"], r["state"]) for r in ipsec} == {
        ("72.21.209.225", 2, "up"),
        ("72.21.209.193", 2, "up"),
    }


def test_a_junos_inactive_tunnel_keeps_its_down_reason():
    records = status("other-end/ibm-vsrx-ike-down-no-response-from-peer.txt")
    down = [r for r in records if r["state"] == "down"]
    assert {r["peer"] for r in down} == {"128.168.104.229"}
    assert any(
        r.get("reason") == "No response from peer. Negotiation failed (130 times)"
        and r.get("no_answer") is True
        for r in down
    )


def test_strongswan_statusall_names_the_peer_of_each_child_sa():
    records = status("healthy/blog-strongswan-azure-two-child-sas-installed.txt")
    assert [(r["peer"], r["phase"], r["state"]) for r in records] == [
        ("64.147.204.233", 1, "up"),
        ("64.147.204.233", 2, "up"),
        ("64.147.204.233", 2, "up"),
    ]


def test_screenos_get_sa_lists_both_directions_of_each_tunnel_active():
    """ScreenOS `get sa` (AWS's customer gateway guide): 'A/-' with a non-zero
    SPI is an active IPsec SA, one row per direction."""
    records = status("other-end/aws-screenos-cgw-get-sa-two-tunnels-active-healthy.txt")
    assert [(r["peer"], r["phase"], r["state"], r["printed"]) for r in records] == [
        ("72.21.209.225", 2, "up", "UP"),
        ("72.21.209.225", 2, "up", "UP"),
        ("72.21.209.193", 2, "up", "UP"),
        ("72.21.209.193", 2, "up", "UP"),
    ]
    assert [r["platform"] for r in records] == ["screenos"] * 4


def test_yamaha_ipsec_sa_gateway_and_its_detail_are_read():
    """Yamaha RTX: 'i:2 s:1 r:1' is IKE SAs and one send and one receive ESP SA;
    the detail lists each SA with its remote ID and protocol."""
    records = status("other-end/aws-yamaha-cgw-ipsec-sa-gateway-detail-healthy.txt")
    assert {(r["peer"], r["phase"], r["state"]) for r in records} == {
        ("72.21.209.225", 1, "up"),
        ("72.21.209.225", 2, "up"),
    }
    assert len(records) == 6
    report = analyze(
        (
            FIELD / "other-end/aws-yamaha-cgw-ipsec-sa-gateway-detail-healthy.txt"
        ).read_text()
    )
    assert report.unparsed_lines == 0


def test_fortigate_summary_and_gateway_list_name_a_tunnel_whose_address_is_hidden():
    """Fortinet's tip: `get vpn ipsec tunnel summary` shows to10.189.0.182 with
    selectors 1/0 and its gateway list (address hidden as 'addr: ->') says
    'status: connecting'. The tunnel is known by its name."""
    records = status(
        "other-end/fortigate-kb-tunnel-summary-selectors-down-gateway-list-connecting.txt"
    )
    assert [(r["tunnel"], r["phase"], r["state"], r["printed"]) for r in records] == [
        ("to10.174.0.182", 2, "up", "UP"),
        ("to10.189.0.182", 2, "down", "DOWN"),
        ("to10.189.0.182", 1, "negotiating", "connecting"),
    ]
    assert {r["peer"] for r in records} == {""}


def test_a_fortigate_tunnel_with_phase1_connecting_is_reported_as_phase1_down():
    report = analyze(
        (
            FIELD
            / "other-end/fortigate-kb-tunnel-summary-selectors-down-gateway-list-connecting.txt"
        ).read_text(encoding="utf-8")
    )
    [finding] = [f for f in report.findings if f.code.startswith("peer.")]
    assert finding.code == "peer.phase1_down"
    assert (finding.article, finding.anchor) == (
        "vpn-interop-other-vendors",
        "fortigate",
    )
    assert "to10.189.0.182" in finding.title and "connecting" in finding.detail
    assert "diagnose vpn ike gateway list name to10.189.0.182" in finding.next_commands
    # The tunnel that is up is not reported.
    assert "to10.174.0.182" not in f"{finding.title} {finding.detail}"


def test_fortigate_gateway_list_with_addresses_still_keys_on_the_peer():
    records = status(
        "other-end/fortigate-ddns-both-ends-ike-gateway-and-tunnel-list-healthy.txt"
    )
    assert {(r["peer"], r["phase"], r["state"]) for r in records} >= {
        ("200.1.1.2", 1, "up"),
    }
    assert all(r["state"] == "up" for r in records)


def test_aws_dpd_timeout_is_the_far_end_declaring_the_peer_dead():
    """AWS: 'Peer has not responded to DPD Messages, enforcing DPD time-out
    action'. The log line is the far end's verdict on this device."""
    name = "other-end/aws-docs-tunnel-log-ikev2-dpd-timed-out-row.txt"
    [record] = status(name)
    assert (record["platform"], record["state"], record["dpd"]) == ("aws", "down", True)
    assert (
        record["reason"] == "AWS tunnel DPD timed out after {retry_count} retransmits"
    )
    report = analyze((FIELD / name).read_text(encoding="utf-8"))
    [finding] = [f for f in report.findings if f.code.startswith("peer.")]
    assert finding.code == "peer.dpd_dead"
    assert (finding.article, finding.anchor) == ("dead-peer-detection-and-rekey", "dpd")


def test_a_line_that_only_mentions_dpd_is_no_status():
    from analyzer.parsers import peer_status
    from analyzer.report import Section

    lines = ["DPD is on-demand by default; a quiet tunnel sends no probes."]
    assert peer_status.parse(Section(lines=lines, numbers=[1])) == []
