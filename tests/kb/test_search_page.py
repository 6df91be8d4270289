def test_it_renders_results_as_a_full_page(client, articles):
    """GET /search/?q= is a whole page with the results, best first."""
    response = client.get("/search/", {"q": "MM_WAIT_MSG4"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" in html
    assert 'value="MM_WAIT_MSG4"' in html
    first = html.index('href="/kb/mm-wait-msg4/"')
    assert first < html.index('href="/kb/ike-debug-invalid-cookie/"')
    assert "<mark>" in html


def test_it_returns_only_the_results_to_htmx(client, articles):
    """The search box's request gets the results fragment, not the page."""
    response = client.get("/search/", {"q": "QM_IDLE"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    html = response.content.decode().strip()
    assert html.startswith('<div id="search-results"')
    assert "<html" not in html
    assert 'href="/kb/isakmp-states/"' in html


def test_it_says_when_nothing_matches(client, articles):
    """No match is a message, not an empty page."""
    html = client.get("/search/", {"q": "zzzzqqqq"}).content.decode()
    assert "No article matches" in html


def test_it_escapes_the_query(client, articles):
    """The query is shown back escaped."""
    html = client.get("/search/", {"q": "<script>alert(1)</script>"}).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html
