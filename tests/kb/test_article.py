import re


def test_it_shows_the_article_with_toc_tags_and_related(client, articles):
    """Title, summary, table of contents, body, tags, related articles, date and
    the analyzer link are all on the page."""
    article = articles["mm-wait-msg4"]
    response = client.get("/kb/mm-wait-msg4/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Tunnel stuck at MM_WAIT_MSG4" in html
    assert 'class="summary"' in html
    assert '<nav class="toc"' in html
    assert '<a href="#missing-tunnel-group">' in html
    assert 'id="missing-tunnel-group"' in html
    for tag in article.tags.all():
        assert f'href="/kb/tag/{tag.slug}/"' in html
    for other in article.related_articles():
        assert f'href="/kb/{other.slug}/' in html
    # Once: from the body's own section or, failing that, from the front matter.
    assert html.count('<h2 id="related-articles">') == 1
    assert f'<time datetime="{article.updated:%Y-%m-%d}">' in html
    assert 'class="button" href="/analyze/"' in html


def test_it_puts_the_state_graph_in_the_states_article(client, articles):
    """isakmp-states carries the SVG graph and the state table."""
    html = client.get("/kb/isakmp-states/").content.decode()
    assert html.count("<svg") == 1
    assert 'data-state="MM_WAIT_MSG4"' in html
    assert '<table class="states" role="table">' in html


def test_it_shows_command_blocks_as_terminals(client, articles):
    """Code blocks carry the class tshoot.js adds a copy button to."""
    html = client.get("/kb/phase1-errors/").content.decode()
    assert re.search(r'<pre class="cli" tabindex="0"><code', html)


def test_it_answers_404_for_an_unknown_slug(client, articles):
    """A slug that is not an article is the site's 404 page."""
    response = client.get("/kb/no-such-article/")
    assert response.status_code == 404
    assert "<h1>Not found</h1>" in response.content.decode()


def test_it_lists_related_articles_from_the_front_matter(client, db, tmp_path):
    """An article without its own related section gets one built from the
    `related` slugs that exist."""
    import io
    import shutil

    from django.core.management import call_command

    from tests.kb.conftest import KB_FIXTURES

    shutil.copytree(KB_FIXTURES / "probe", tmp_path / "content")
    call_command(
        "sync_articles", content_dir=str(tmp_path / "content"), stdout=io.StringIO()
    )
    html = client.get("/kb/sanitizer-probe/").content.decode()
    assert html.count('<h2 id="related-articles">') == 1
    assert 'href="/kb/second-probe/"' in html
    assert "sanitizer-missing-article" not in html
