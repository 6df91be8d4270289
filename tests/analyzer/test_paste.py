"""The paste model's one verdict per tunnel, on real pastes."""

from analyzer.engine import analyze
from analyzer.parsers import ipsec_sa
from analyzer.paste import build
from analyzer.report import Section
from tests.conftest import fixture_text


def tunnels(name: str) -> dict:
    return {t.peer: t for t in analyze(fixture_text(name)).tunnels}


def test_an_sa_that_only_encrypts_is_outbound_only_with_the_finding_that_says_so():
    """The seed's `show crypto ipsec sa`: 61 encaps, 0 decaps to 22.22.22.22."""
    tunnel = tunnels("seed/sample-outputs.txt")["22.22.22.22"]
    assert (tunnel.local, tunnel.phase1, tunnel.phase2, tunnel.traffic) == (
        "11.11.11.11",
        "up",
        "up",
        "outbound-only",
    )
    assert tunnel.finding == "ipsec.encaps_no_decaps"
    assert "22.22.22.22" in tunnel.verdict


def test_a_negotiation_is_judged_by_how_it_ended():
    """Policies tried in order, phase 1 completed, quick mode refused: phase 1 is
    up, phase 2 is down, and the verdict is the phase 2 refusal."""
    tunnel = tunnels("ike_debug/ios_policy_order_then_qm_pfs_refused.txt")[
        "77.77.77.77"
    ]
    assert (tunnel.ike_version, tunnel.phase1, tunnel.phase2) == (1, "up", "down")
    assert tunnel.finding == "ike_debug.phase2_mismatch"


def test_a_healthy_pair_of_tunnels_says_so_in_one_line_each():
    found = tunnels("field/healthy/aws-ios-cgw-ipsec-sa-two-tunnels.txt")
    assert len(found) == 2
    for tunnel in found.values():
        assert (tunnel.phase1, tunnel.phase2, tunnel.traffic) == ("up", "up", "both")
        assert tunnel.finding is None
        assert tunnel.verdict.endswith("carries traffic both ways.")


def test_the_same_sa_shown_twice_counts_once_with_its_latest_counters():
    """`show crypto ipsec sa` pasted twice a minute apart is one SA in two
    snapshots, not two SAs: the traffic verdict uses the later counters."""
    text = fixture_text("seed/sample-outputs.txt")
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if "#pkts encaps: 61" in line)
    block = lines[start - 3 : start + 2]
    later = [line.replace("#pkts decaps: 0,", "#pkts decaps: 5,") for line in block]
    both = block + [""] + later
    section = Section(lines=both, numbers=list(range(1, len(both) + 1)))
    paste = build(ipsec_sa.parse(section))
    (tunnel,) = paste.tunnels.values()
    assert len(tunnel.counters) == 1
    assert tunnel.counters == {next(iter(tunnel.counters)): (61, 5)}
    (sa,) = paste.ipsec
    assert (sa.record["decaps"], [old["decaps"] for old in sa.earlier]) == (5, [0])


def test_both_ends_of_one_tunnel_are_paired_sa_to_sa():
    """A router and the ASA at the far end in one paste: each end's SA has the
    other's as its far end (the same flow reversed, each naming the other)."""
    report = analyze(fixture_text("qa_vpn/14_multi_device_ios_and_asa.txt"))
    router, asa = report.paste.ipsec
    assert (router.kind, asa.kind) == (
        "ios.show_crypto_ipsec_sa",
        "asa.show_crypto_ipsec_sa",
    )
    assert router.far_end is asa.record and asa.far_end is router.record
    assert (router.record["encaps"], asa.record["decaps"]) == (3200, 3200)


def test_each_router_s_own_ipsec_sas_settle_which_end_its_table_row_is():
    """Two IOS routers paste one `dst src` row each, the same row: R1's IPsec SAs
    say R1 is 198.51.100.1, R2's that R2 is 198.51.100.2, so the model holds one
    tunnel per side, each keyed by the other router, and never merges them."""
    report = analyze(fixture_text("qa_vpn/51_two_ios_routers_one_row_each.txt"))
    tables = report.sources_of("ios.show_crypto_isakmp_sa")
    assert [t.prompt for t in tables] == ["R1#", "R2#"]
    model = report.paste
    assert [[s.prompt for s in model.ipsec_beside(t)] for t in tables] == [
        ["R1#"],
        ["R2#"],
    ]
    assert [(r["peer"], r["local"]) for r in model.records(tables[1])] == [
        ("198.51.100.1", "198.51.100.2")
    ]
    assert tables[1].records[0]["peer"] == "198.51.100.2"  # the parser's guess kept
    sides = {t.peer: t for t in report.tunnels}
    assert {p: t.local for p, t in sides.items()} == {
        "198.51.100.2": "198.51.100.1",
        "198.51.100.1": "198.51.100.2",
    }
    # R2's row (line 59) is the tunnel to R1, not a second row of R1's tunnel.
    assert 59 in sides["198.51.100.1"].lines
    assert 59 not in sides["198.51.100.2"].lines
