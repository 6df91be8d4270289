from django.urls import reverse


def test_it_lists_every_article_and_tag(client, articles):
    """The home page links every article and every tag in use."""
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    for article in articles.values():
        assert f'href="{article.get_absolute_url()}"' in html
    assert 'href="/kb/tag/ikev1/"' in html


def test_it_has_a_search_box_that_works_with_and_without_javascript(client, articles):
    """The box asks the search view for results as the user types (htmx) and is a
    plain GET form to /search/ otherwise."""
    html = client.get(reverse("kb-home")).content.decode()
    assert '<form class="search" action="/search/" method="get" role="search">' in html
    assert 'name="q"' in html
    assert 'hx-get="/search/"' in html
    assert 'hx-trigger="input changed delay:200ms, search"' in html
    assert 'hx-target="#search-results"' in html
    assert '<div id="search-results"' in html


def test_it_links_the_analyzer(client, articles):
    """The header links the knowledge base and the paste analyzer."""
    html = client.get("/").content.decode()
    assert '<a href="/analyze/"' in html
    assert ">Analyze a paste</a>" in html
