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


def timeline_of(name: str, peer: str) -> dict:
    return tunnels(name)[peer].to_dict()["timeline"]


def test_the_timeline_of_an_asa_debug_shows_the_resends_and_where_it_stopped():
    """ASA 713236 lines of an initiator left at MM_WAIT_MSG4: its SA and the
    answer, its key exchange and three resends of it, each with the device's
    time, and the negotiation stops on the last resend with no answer."""
    timeline = timeline_of("ike_debug/asa_mm_wait_msg4_resending.txt", "203.0.113.40")
    wire = [
        (e["actor"], e["event"], e["label"], e["line"], e["time"])
        for e in timeline["events"]
        if e["event"] in ("sent", "resent", "received")
    ]
    assert wire == [
        ("local", "sent", "SA", 2, "Nov 20 2026 09:14:02"),
        ("peer", "received", "SA", 3, "Nov 20 2026 09:14:02"),
        ("local", "sent", "KE + NONCE", 5, "Nov 20 2026 09:14:02"),
        ("local", "resent", "KE + NONCE", 7, "Nov 20 2026 09:14:10"),
        ("local", "resent", "KE + NONCE", 8, "Nov 20 2026 09:14:18"),
        ("local", "resent", "KE + NONCE", 9, "Nov 20 2026 09:14:26"),
    ]
    assert timeline["peer"] == "203.0.113.40"
    assert timeline["stopped"]["line"] == 9
    assert "no answer" in timeline["stopped"]["text"]
    assert timeline["stopped"]["healthy"] is False


def test_the_timeline_of_an_ios_debug_names_the_refusal_and_its_end():
    """IOS quick mode refused by the peer (NOTIFY PROPOSAL_NOT_CHOSEN) after the
    policy search: the early 'atts are not acceptable' is marked overcome, phase
    1 completes once, and the stop is the peer's phase 2 refusal."""
    timeline = timeline_of(
        "ike_debug/ios_policy_order_then_qm_pfs_refused.txt", "77.77.77.77"
    )
    events = timeline["events"]
    assert events[0]["label"] == "proposal refused (overcome later)"
    assert [e["label"] for e in events if e["event"] == "up"] == ["phase 1 up"]
    refusal = next(e for e in events if e["label"] == "phase 2 refused")
    assert (refusal["actor"], refusal["line"]) == ("peer", 132)
    assert timeline["stopped"] == {
        "text": "Stopped at line 132: phase 2 refused (the peer)",
        "line": 132,
        "healthy": False,
    }
    assert [e["line"] for e in events] == sorted(e["line"] for e in events)


def test_ios_debug_times_lose_the_unsynchronised_star():
    timeline = timeline_of("ike_debug/ios_psk_mismatch.txt", "203.0.113.9")
    refusal = next(e for e in timeline["events"] if e["event"] == "refused")
    assert refusal["label"] == "authentication failed"
    assert refusal["time"] == "Mar 1 02:10:05.511"


def test_a_capture_is_a_timeline_between_its_two_hosts():
    """tcpdump of four unanswered main-mode packets: the tunnel to the silent
    host, the sender as this end, one send and three resends, and the verdict
    from the capture's finding (its subject names host:port)."""
    (tunnel,) = analyze(fixture_text("tcpdump/ike_one_way_n.txt")).tunnels
    assert (tunnel.peer, tunnel.local) == ("198.51.100.2", "192.0.2.1")
    assert tunnel.finding == "tcpdump.ike_one_way"
    timeline = tunnel.to_dict()["timeline"]
    assert [e["event"] for e in timeline["events"]] == [
        "sent",
        "resent",
        "resent",
        "resent",
    ]
    assert timeline["events"][0]["time"] == "14:02:11.482913"
    assert timeline["events"][0]["label"] == "phase 1 I ident"
    assert "4 times" in timeline["stopped"]["text"]


def test_an_answered_capture_draws_both_directions():
    (tunnel,) = analyze(fixture_text("tcpdump/ike_two_way_v.txt")).tunnels
    events = tunnel.to_dict()["timeline"]["events"]
    assert [(e["actor"], e["event"]) for e in events] == [
        ("local", "sent"),
        ("peer", "received"),
    ]


def test_the_other_ends_log_is_a_timeline_too():
    """libreswan answering main mode again and again: what it received and
    sent, with the log's time stamps, until it gave up."""
    timeline = timeline_of(
        "field/other-end/"
        "libreswan-server-main-mode-r1-repeated-client-blocked-by-firewall.txt",
        "61.148.245.103",
    )
    kinds = [e["event"] for e in timeline["events"]]
    assert kinds[:4] == ["received", "sent", "received", "sent"]
    assert timeline["events"][0]["time"] == "Feb 27 04:30:58"
    assert timeline["stopped"]["text"].endswith("this end gave up, no answer")


def test_a_long_debug_keeps_the_first_and_latest_events():
    """The same debug pasted ten times over: the timeline keeps its first and
    latest events and counts the rest, so the picture stays readable."""
    text = fixture_text("ike_debug/asa_mm_wait_msg4_resending.txt")
    timeline = next(iter(analyze(text * 10).tunnels)).to_dict()["timeline"]
    assert len(timeline["events"]) == 40
    assert timeline["left_out"] > 0
    assert timeline["events"][-1]["line"] > timeline["events"][0]["line"]


def test_a_table_only_paste_has_no_timeline():
    tunnel = tunnels("seed/sample-outputs.txt")["22.22.22.22"]
    assert tunnel.to_dict()["timeline"] is None
