import pytest
from django.contrib.auth.models import User

from kb.models import Article, Tag
from kb.search import search


@pytest.fixture
def admin_client_logged_in(client, db):
    user = User.objects.create_superuser("admin", "admin@example.com", "pw")
    client.force_login(user)
    return client


def test_it_lists_articles_and_tags(admin_client_logged_in, articles):
    """Both models are in the admin."""
    assert admin_client_logged_in.get("/admin/kb/article/").status_code == 200
    assert admin_client_logged_in.get("/admin/kb/tag/").status_code == 200
    article = articles["mm-wait-msg4"]
    page = admin_client_logged_in.get(f"/admin/kb/article/{article.pk}/change/")
    assert page.status_code == 200


def test_it_renders_and_indexes_an_article_saved_in_the_admin(
    admin_client_logged_in, articles
):
    """Saving in the admin re-renders the body and updates search, tags included."""
    article = articles["offscreen-windows"]
    tag = Tag.objects.get(slug="vpn")
    response = admin_client_logged_in.post(
        f"/admin/kb/article/{article.pk}/change/",
        {
            "title": article.title,
            "slug": article.slug,
            "summary": article.summary,
            "updated": "2026-11-27",
            "tags": [tag.pk],
            "body": "## Quokka sighting {#quokka}\n\nA quokkamarsupial note.\n",
            "identifiers": '["WIN_KEY_MOVE"]',
            "related": "[]",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    article = Article.objects.get(pk=article.pk)
    assert article.html.startswith('<h2 id="quokka">Quokka sighting ')
    assert '<a class="heading-link" href="#quokka"' in article.html
    assert [r.slug for r in search("quokkamarsupial")] == ["offscreen-windows"]
    assert search("WIN_KEY_MOVE")[0].slug == "offscreen-windows"
    assert "offscreen-windows" in [r.slug for r in search("quokkamarsupal")]
