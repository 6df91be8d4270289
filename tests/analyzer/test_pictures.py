import re

from analyzer.engine import analyze
from analyzer.pictures import counter_bars
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
