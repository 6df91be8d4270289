import re

from analyzer.engine import analyze
from analyzer.pictures import counter_bars, timeline
from tests.conftest import SEED_OUTPUTS, fixture_text


def sources_of(text):
    return analyze(text).to_dict()["sources"]


def test_it_draws_encaps_against_decaps_for_the_one_way_sa():
    """The source material's `show ipsec sa peer` (61 encaps, 0 decaps): the out
    bar carries 61, the in bar is the dashed 'none', and the summary says so."""
    text = SEED_OUTPUTS.read_text(encoding="utf-8").split("Goal:")[0]
    svg = counter_bars(sources_of(text[:2000]))
    assert svg is not None and svg.startswith("<svg")
    assert "22.22.22.22: 61 out, 0 in" in svg
    assert 'class="bar-none"' in svg and "0 — none" in svg
    assert re.search(r'class="bar-out"/><text[^>]*>61</text>', svg)


def test_it_draws_nothing_without_an_ipsec_sa():
    assert (
        counter_bars(
            sources_of("ASA# show crypto isakmp sa\n\nThere are no IKEv1 SAs\n")
        )
        is None
    )


def test_it_escapes_what_the_paste_holds():
    sources = [
        {
            "kind": "asa.show_crypto_ipsec_sa",
            "records": [{"peer": "<script>x</script>", "encaps": 1, "decaps": 2}],
        }
    ]
    svg = counter_bars(sources)
    assert "<script>" not in svg and "&lt;script&gt;" in svg


def test_it_caps_a_hub_with_many_sas_and_counts_the_rest():
    sources = [
        {
            "kind": "ios.show_crypto_ipsec_sa",
            "records": [
                {"peer": f"198.51.100.{i}", "encaps": i, "decaps": i} for i in range(40)
            ],
        }
    ]
    svg = counter_bars(sources)
    assert svg.count('class="bar-label"') == 24
    assert "and 16 more SAs" in svg


def test_the_diagnosis_page_shows_the_bars(client, db):
    from analyzer.models import Diagnosis
    from analyzer.tasks import analyze_diagnosis

    diagnosis = Diagnosis.submit(
        fixture_text("ipsec/seed_asa_show_ipsec_sa_peer_squashed.txt")
    )
    analyze_diagnosis(diagnosis.id)
    html = client.get(diagnosis.get_absolute_url()).content.decode()
    assert "IPsec traffic per SA" in html
    assert '<svg class="counter-bars"' in html and "0 — none" in html


def tunnels_of(text):
    return analyze(text).to_dict()["tunnels"]


def test_it_draws_the_negotiation_as_two_lifelines():
    """The ASA debug stuck at MM_WAIT_MSG4: both ends named, one arrow per
    message (the resends dashed, each labelled "resent"), times of day in the
    time column, the stopping row framed, and the stop said in words."""
    (tunnel,) = tunnels_of(fixture_text("ike_debug/asa_mm_wait_msg4_resending.txt"))
    svg = timeline(tunnel)
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert 'role="img"' in svg and "<title id=" in svg and "<desc id=" in svg
    assert "203.0.113.40" in svg and "This end" in svg and "Peer" in svg
    assert len(re.findall(r'<line [^>]*class="tl-arrow', svg)) == 6
    assert len(re.findall(r'class="tl-arrow[^"]*" stroke-dasharray', svg)) == 3
    assert svg.count(">resent KE + NONCE</text>") == 3
    assert ">09:14:26</text>" in svg
    assert svg.count('class="tl-stop-frame"') == 1
    assert "Stopped at line 9" in svg and "■" in svg


def test_it_marks_refusals_and_completions_with_shapes_and_words():
    (tunnel,) = tunnels_of(
        fixture_text("ike_debug/ios_policy_order_then_qm_pfs_refused.txt")
    )
    svg = timeline(tunnel)
    assert 'class="tl-refused-mark"' in svg and 'class="tl-cross"' in svg
    assert 'class="tl-up-mark"' in svg and ">phase 1 up</text>" in svg
    assert ">phase 2 refused</text>" in svg
    # No time stamps in this debug: no empty time column heading.
    assert ">time</text>" not in svg


def test_it_draws_no_timeline_without_a_traced_negotiation():
    assert timeline({"peer": "192.0.2.1", "timeline": None}) is None
    assert timeline({"peer": "192.0.2.1"}) is None


def test_it_counts_the_events_left_out_of_a_long_timeline():
    text = fixture_text("ike_debug/asa_mm_wait_msg4_resending.txt") * 10
    (tunnel,) = tunnels_of(text)
    svg = timeline(tunnel)
    left_out = tunnel["timeline"]["left_out"]
    assert f"… {left_out} more events in between …" in svg
    assert svg.count('<g class="tl-event') == 40


def test_the_timeline_escapes_what_the_paste_holds():
    hostile = "<script>alert(1)</script>"
    tunnel = {
        "peer": hostile,
        "local": None,
        "timeline": {
            "local": None,
            "peer": hostile,
            "events": [
                {
                    "actor": "local",
                    "event": "sent",
                    "label": hostile,
                    "line": 1,
                    "time": hostile,
                },
                {
                    "actor": "peer",
                    "event": "refused",
                    "label": hostile,
                    "line": 2,
                    "time": None,
                },
            ],
            "left_out": 0,
            "stopped": {"text": hostile, "line": 2, "healthy": False},
        },
    }
    svg = timeline(tunnel)
    assert "<script>" not in svg and "&lt;script&gt;" in svg
