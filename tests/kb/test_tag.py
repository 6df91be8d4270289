def test_it_lists_the_articles_with_the_tag(client, articles):
    """A tag page lists the tagged articles and no others."""
    response = client.get("/kb/tag/phase1/")
    assert response.status_code == 200
    html = response.content.decode()
    for article in articles.values():
        tagged = article.tags.filter(slug="phase1").exists()
        assert (f'href="/kb/{article.slug}/"' in html) == tagged
    assert "<h1>Tag: phase 1</h1>" in html


def test_it_answers_404_for_an_unknown_tag(client, articles):
    """No such tag, no page."""
    assert client.get("/kb/tag/no-such-tag/").status_code == 404
