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
