"""Pages kept in memory between knowledge base changes (kb.pages)."""

import io
import re
import shutil
from types import SimpleNamespace

from django.conf import settings as django_settings
from django.core.management import call_command
from django.test import Client

from kb import pages
from kb.models import Article, Revision

URLS = [
    "/",
    "/kb/isakmp-states/",
    "/kb/tag/ikev1/",
    "/search/?q=MM_WAIT_MSG4",
    "/api/v1/search?q=MM_WAIT_MSG4",
]


def test_a_kept_page_is_served_without_a_query(
    client, articles, settings, django_assert_num_queries
):
    settings.KB_REVISION_TTL = 60
    for url in URLS:
        first = client.get(url)
        assert first.status_code == 200
        with django_assert_num_queries(0):
            again = client.get(url)
        assert again.status_code == 200
        if "api" in url:
            assert again.content == first.content


def test_every_visitor_gets_a_page_with_their_own_csrf_token(articles, settings):
    settings.KB_REVISION_TTL = 60
    tokens = []
    for _ in range(2):
        visitor = Client()
        html = visitor.get("/kb/mm-wait-msg4/").content.decode()
        assert pages.CSRF_PLACEHOLDER not in html
        token = re.search(r'"X-CSRFToken": "([^"]+)"', html).group(1)
        # The token in the page is the visitor's own: Django accepts it.
        response = visitor.post(
            "/analyze/", {"text": ""}, headers={"X-CSRFToken": token}
        )
        assert response.status_code != 403
        tokens.append(token)
    assert tokens[0] != tokens[1]


def test_a_sync_in_this_process_shows_at_once(client, articles, tmp_path, settings):
    settings.KB_REVISION_TTL = 60
    content = tmp_path / "content"
    shutil.copytree(django_settings.KB_CONTENT_DIR, content)
    assert "Tunnel stuck at MM_WAIT_MSG4" in client.get("/").content.decode()
    path = content / "mm-wait-msg4.md"
    path.write_text(
        path.read_text().replace(
            'title: "Tunnel stuck at MM_WAIT_MSG4', 'title: "Stuck in MM_WAIT_MSG4', 1
        )
    )
    call_command("sync_articles", content_dir=str(content), stdout=io.StringIO())
    # The home lists, the article, a tag list and a neighbour's "Previous" link.
    for url in ("/", "/kb/mm-wait-msg4/", "/kb/tag/ikev1/", "/kb/phase1-errors/"):
        html = client.get(url).content.decode()
        assert "Stuck in MM_WAIT_MSG4" in html, url
        assert "Tunnel stuck at MM_WAIT_MSG4" not in html, url
    assert "Stuck in MM_WAIT_MSG4" in client.get(
        "/api/v1/search?q=MM_WAIT_MSG4"
    ).content.decode("unicode_escape")


def test_another_process_change_shows_within_the_ttl(
    client, articles, settings, monkeypatch
):
    """A change written by another process (no signal here) shows once the
    token is read again, and not before. (The pages' clock stands still until
    moved, so a slow page is not taken for the TTL running out; and the token
    is one this test wrote, as another process's sync would have.)"""
    Revision.objects.update_or_create(pk=1, defaults={"token": "published"})
    now = [1000.0]
    monkeypatch.setattr(pages, "time", SimpleNamespace(monotonic=lambda: now[0]))
    settings.KB_REVISION_TTL = 0.3
    client.get("/kb/mm-wait-msg4/")
    pages.revision()  # the token this process holds
    Article.objects.filter(slug="mm-wait-msg4").update(title="Renamed elsewhere")
    Revision.objects.filter(pk=1).update(token="from-another-process")
    assert "Renamed elsewhere" not in client.get("/kb/mm-wait-msg4/").content.decode()
    now[0] += 0.35
    assert "Renamed elsewhere" in client.get("/kb/mm-wait-msg4/").content.decode()


def test_an_admin_edit_shows_at_once(admin_client, articles, settings):
    settings.KB_REVISION_TTL = 60
    article = articles["offscreen-windows"]
    assert client_title(admin_client, article.slug) == article.title
    article.title = "Windows that left the screen"
    article.save()
    assert client_title(admin_client, article.slug) == "Windows that left the screen"


def client_title(client, slug):
    html = client.get(f"/kb/{slug}/").content.decode()
    return re.search(r"<h1>(.*?)</h1>", html).group(1)


def test_only_answers_that_succeeded_are_kept(client, articles, settings):
    settings.KB_REVISION_TTL = 60
    assert client.get("/kb/no-such-article/").status_code == 404
    assert ("article", "no-such-article") not in {key for _t, key in pages._pages}


def test_memory_is_bounded(client, articles, settings):
    settings.KB_REVISION_TTL = 60
    settings.KB_PAGE_CACHE_BYTES = 150_000
    for slug in articles:
        client.get(f"/kb/{slug}/")
    assert pages._state["bytes"] <= 150_000
    assert 0 < len(pages._pages) < len(articles)
    # The most recent stay.
    last = list(articles)[-1]
    assert ("article", last) in {key for _t, key in pages._pages}
