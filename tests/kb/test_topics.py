"""The knowledge base as a guide: topics on the home page, one spelling per tag,
heading links, previous/next within a topic."""

import io
import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from kb import topics
from kb.models import Article, Tag
from kb.rendering import split_front_matter
from tests.kb.conftest import KB_FIXTURES, content_files


@pytest.mark.parametrize("path", content_files(), ids=lambda p: p.stem)
def test_every_article_names_a_known_topic_and_one_spelling_per_tag(path):
    """Each file's front matter has a topic of the list and no tag alias."""
    meta, _body = split_front_matter(path.read_text(encoding="utf-8"))
    assert meta.get("topic") in topics.BY_SLUG
    assert isinstance(meta.get("order"), int)
    tags = [str(t) for t in meta.get("tags") or []]
    assert not [t for t in tags if t in topics.TAG_ALIASES]


def test_the_alias_table_points_at_tags_not_at_other_aliases():
    for alias, tag in topics.TAG_ALIASES.items():
        assert alias != tag
        assert tag not in topics.TAG_ALIASES, alias


def test_the_home_page_groups_articles_by_topic_in_reading_order(client, articles):
    """One section per topic in the fixed order; each article under its own topic
    exactly once, in the order its front matter gives."""
    html = client.get("/").content.decode()
    sections = re.findall(
        r'<section class="topic" id="topic-([\w-]+)".*?</section>', html, re.DOTALL
    )
    assert sections == [
        t.slug
        for t in topics.TOPICS
        if any(a.topic == t.slug for a in articles.values())
    ]
    assert sections[:4] == ["ikev1", "ikev2", "ipsec-traffic", "asa-tools"]
    for slug in sections:
        block = re.search(
            rf'<section class="topic" id="topic-{slug}".*?</section>', html, re.DOTALL
        ).group()
        listed = re.findall(r'class="article-title" href="/kb/([\w-]+)/"', block)
        expected = sorted(
            (a for a in articles.values() if a.topic == slug),
            key=lambda a: (a.position, a.title),
        )
        assert listed == [a.slug for a in expected]
    assert 'href="#topic-ikev1"' in html
    assert '<h2 id="topic-ikev1-heading">IKEv1</h2>' in html


def test_states_and_phase1_guides_open_the_ikev1_topic(articles):
    first = [
        a.slug
        for a in sorted(articles.values(), key=lambda a: (a.position, a.title))
        if a.topic == "ikev1"
    ]
    assert first[:2] == ["isakmp-states", "phase1-errors"]
    assert articles["ironport-esmtp-inspection"].topic == "mail"
    assert articles["ikev2-troubleshooting"].topic == "ikev2"


def test_an_article_links_its_neighbours_within_its_topic(client, articles):
    """Previous and next follow the topic's reading order; the first has no
    previous, the last no next, and no link leaves the topic."""
    for slug in ("isakmp-states", "phase1-errors", "asa-vpn-config-checks"):
        article = articles[slug]
        ordered = [
            a.slug
            for a in sorted(articles.values(), key=lambda a: (a.position, a.title))
            if a.topic == article.topic
        ]
        i = ordered.index(slug)
        html = client.get(f"/kb/{slug}/").content.decode()
        prev = re.search(r'<a class="prev" rel="prev" href="/kb/([\w-]+)/"', html)
        nxt = re.search(r'<a class="next" rel="next" href="/kb/([\w-]+)/"', html)
        assert (prev.group(1) if prev else None) == (ordered[i - 1] if i else None)
        assert (nxt.group(1) if nxt else None) == (
            ordered[i + 1] if i + 1 < len(ordered) else None
        )
        assert f'Knowledge base</a> › <a href="/#topic-{article.topic}">' in html


def test_moving_an_article_to_another_topic_relinks_both_topics(articles, tmp_path):
    """The links are rewritten for every article a change touches, not only for
    the file that changed."""
    import shutil

    from django.conf import settings

    content = tmp_path / "content"
    shutil.copytree(settings.KB_CONTENT_DIR, content)
    path = content / "mm-wait-msg4.md"
    path.write_text(path.read_text().replace("topic: ikev1", "topic: other", 1))
    call_command("sync_articles", content_dir=str(content), stdout=io.StringIO())
    by_slug = {a.slug: a for a in Article.objects.all()}
    assert by_slug["mm-wait-msg4"].topic == "other"
    # It sat between phase1-errors and ike-debug-invalid-cookie.
    assert by_slug["phase1-errors"].neighbours["next"]["slug"] == (
        "ike-debug-invalid-cookie"
    )
    assert by_slug["ike-debug-invalid-cookie"].neighbours["previous"]["slug"] == (
        "phase1-errors"
    )
    others = [a for a in by_slug.values() if a.topic == "other"]
    assert any(
        a.neighbours.get("next", {}).get("slug") == "mm-wait-msg4" for a in others
    )


def test_an_unknown_topic_stops_the_sync(db, tmp_path):
    import shutil

    content = tmp_path / "content"
    shutil.copytree(KB_FIXTURES / "probe", content)
    path = content / "second-probe.md"
    path.write_text(path.read_text().replace("---\n", "---\ntopic: ikev3\n", 1))
    with pytest.raises(CommandError, match="'topic' must be one of"):
        call_command("sync_articles", content_dir=str(content), stdout=io.StringIO())


def test_tags_are_stored_under_one_spelling(db, tmp_path):
    """``p2`` and ``quick-mode`` written in a file are the ``phase2`` tag."""
    import shutil

    content = tmp_path / "content"
    shutil.copytree(KB_FIXTURES / "probe", content)
    path = content / "second-probe.md"
    text = path.read_text()
    text = re.sub(
        r"^tags: .*$", "tags: [phase2, p2, quick-mode, P2]", text, count=1, flags=re.M
    )
    path.write_text(text)
    Tag.objects.all().delete()
    Article.objects.all().delete()
    call_command("sync_articles", content_dir=str(content), stdout=io.StringIO())
    article = Article.objects.get(slug="second-probe")
    assert [(t.slug, t.name) for t in article.tags.all()] == [("phase2", "phase 2")]
    assert not Tag.objects.filter(slug__in=list(topics.TAG_ALIASES)).exists()


def test_no_two_tags_in_use_mean_the_same(articles):
    slugs = list(Tag.objects.values_list("slug", flat=True))
    assert not [s for s in slugs if s in topics.TAG_ALIASES]
    assert len({topics.canonical_tag(s) for s in slugs}) == len(slugs)


@pytest.mark.parametrize("alias", ["p2", "quick-mode", "isakmp", "mm_wait_msg4"])
def test_an_old_tag_address_redirects_to_its_one_spelling(client, articles, alias):
    response = client.get(f"/kb/tag/{alias}/")
    assert response.status_code == 301
    target = topics.TAG_ALIASES[alias]
    assert response["Location"] == f"/kb/tag/{target}/"
    assert client.get(response["Location"]).status_code == 200


def test_every_section_heading_has_a_visible_link_to_itself(client, articles):
    """h2 and h3 with an id end in a # link to that id."""
    html = client.get("/kb/isakmp-states/").content.decode()
    headings = re.findall(r'<(h[23]) id="([^"]+)">(.*?)</\1>', html, re.DOTALL)
    assert len(headings) > 5
    for _tag, anchor, inner in headings:
        assert f'<a class="heading-link" href="#{anchor}"' in inner, anchor
        assert inner.count("<a ") == 1, anchor
        assert inner.endswith(">#</a>"), anchor


def test_the_table_of_contents_starts_closed(client, articles):
    """Closed in the HTML (a phone's first screen is the text); the script opens
    it on a wide screen."""
    html = client.get("/kb/mm-wait-msg4/").content.decode()
    assert re.search(r'<nav class="toc"[^>]*>\s*(\{#.*?#\}\s*)?<details>', html)
    assert "<details open>" not in html
