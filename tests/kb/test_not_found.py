def test_it_renders_the_site_404_page(client, db):
    """Any unknown address gets the site's own 404 page with a way back."""
    response = client.get("/definitely/not/here/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "<h1>Not found</h1>" in html
    assert 'action="/search/"' in html
    assert 'href="/"' in html


def test_its_search_box_has_a_place_for_results(client, db):
    """The type-ahead targets #search-results, which the page must carry."""
    html = client.get("/definitely/not/here/").content.decode()
    assert 'hx-target="#search-results"' in html
    assert 'id="search-results"' in html


def test_every_page_names_a_favicon_that_is_served(client, db):
    html = client.get("/").content.decode()
    assert 'rel="icon" href="/static/favicon.svg"' in html
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"] == "/static/favicon.svg"


def test_the_error_pages_are_the_sites_own():
    """With DEBUG off Django renders these templates; each says what happened and
    offers a way back, without the debug page's URL list."""
    from django.template.loader import render_to_string

    for name, heading in (
        ("400.html", "Bad request"),
        ("403.html", "Not allowed"),
        ("403_csrf.html", "This form has expired"),
        ("500.html", "Something went wrong on our side"),
    ):
        html = render_to_string(name, {})
        assert f"<h1>{heading}</h1>" in html, name
        assert 'href="/"' in html or 'href="/analyze/"' in html, name
