"""Words typed apart are joined into an identifier the index knows (``mm wait
msg 4`` -> ``mmwaitmsg4``), but such a join never outranks the words as typed
when an article names them as a phrase: one article writing ``ipsec-sa`` must
not take ``show crypto ipsec sa`` away from the article about that command."""

import io
import shutil

import pytest
from django.conf import settings
from django.core.management import call_command

from kb.search import _known_terms, named_phrases, query_plan, search

PROBE = """---
title: "Hub timers: the ipsec-sa lifetime and the ike-sa lifetime"
summary: "Timer names of a hub whose configuration writes ipsec-sa for the IPsec SA."
tags: [vpn]
topic: other
identifiers: ["ipsec-sa lifetime", "ike-sa lifetime"]
---
## The ipsec-sa timer {#ipsec-sa-timer}

The ipsec-sa lifetime and the ipsec-sa rekey margin are set per hub; the
ike-sa lifetime is longer. ipsec-sa, ipsec-sa, ipsec-sa.
"""


@pytest.fixture
def with_probe(db, tmp_path):
    content = tmp_path / "content"
    shutil.copytree(settings.KB_CONTENT_DIR, content)
    (content / "hub-timers-probe.md").write_text(PROBE)
    call_command("sync_articles", content_dir=str(content), stdout=io.StringIO())


def slugs(query):
    return [r.slug for r in search(query)]


def test_a_joined_identifier_does_not_take_a_named_command_away(with_probe):
    """The probe holds ``ipsecsa`` in its title, identifiers and body; the
    command's article still comes first and the probe after it, if at all."""
    found = slugs("show crypto ipsec sa")
    assert found[0] == "vpn-encaps-no-decaps"
    if "hub-timers-probe" in found:
        assert found.index("hub-timers-probe") > found.index("vpn-encaps-no-decaps")
    found = slugs("clear crypto ipsec sa peer")
    assert found and found[0] != "hub-timers-probe"


def test_the_words_of_a_named_phrase_stay_whole_beside_the_join(with_probe):
    terms, alternatives = query_plan("show crypto ipsec sa", known=_known_terms)
    assert terms["ipsec"] == terms["sa"] == 1.0
    assert terms["ipsecsa"] < 1.0
    assert alternatives == {"ipsecsa": ("ipsec", "sa")}


def test_the_identifier_typed_whole_still_finds_its_article(with_probe):
    assert slugs("ipsec-sa")[0] == "hub-timers-probe"
    assert slugs("ipsec-sa lifetime")[0] == "hub-timers-probe"


def test_words_no_article_names_as_a_phrase_are_still_joined(with_probe):
    """``mm wait msg 4`` is no phrase of any article: it is read as the state."""
    terms, alternatives = query_plan("mm wait msg 4", known=_known_terms)
    assert terms["mmwaitmsg4"] == 1.0
    assert alternatives == {}
    assert slugs("mm wait msg 4")[0] == "mm-wait-msg4"


def test_named_phrases_are_runs_of_words_that_spell_a_known_term():
    vocabulary = {"ipsecsa", "natt", "show"}
    assert named_phrases(["show crypto ipsec sa"], vocabulary) == {"ipsec sa"}
    assert named_phrases(["nat t"], vocabulary) == set()  # "t" is no word
    assert named_phrases(["show crypto isakmp sa"], vocabulary) == set()


def test_the_whole_query_in_a_row_in_the_text_ranks_first(articles):
    """``QM FSM error`` is a line of the phase 2 article; another article with
    ``FSM`` and many ``QM_IDLE`` no longer comes first."""
    assert slugs("QM FSM error")[0] == "ipsec-phase2-errors"
