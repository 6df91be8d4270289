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


def test_it_puts_a_query_typed_in_the_box_in_the_address(client, articles):
    """The fragment answer tells htmx to show /search/?q=… in the address bar, so
    Back and a copied link bring the results again; an emptied box changes
    nothing."""
    response = client.get(
        "/search/", {"q": "MM_WAIT_MSG4 & more"}, headers={"HX-Request": "true"}
    )
    assert response["HX-Replace-Url"] == "/search/?q=MM_WAIT_MSG4+%26+more"
    # The page and the fragment share the address: caches must keep them apart.
    assert "HX-Request" in response["Vary"]
    assert "HX-Request" in client.get("/search/", {"q": "QM_IDLE"})["Vary"]
    empty = client.get("/search/", {"q": "  "}, headers={"HX-Request": "true"})
    assert empty["HX-Replace-Url"] == "false"


def test_going_back_to_a_typed_search_gets_the_whole_page(client, articles):
    """htmx restoring history it has no copy of asks for the page; it gets the
    page, not the fragment."""
    response = client.get(
        "/search/",
        {"q": "QM_IDLE"},
        headers={"HX-Request": "true", "HX-History-Restore-Request": "true"},
    )
    html = response.content.decode()
    assert "<html" in html
    assert 'value="QM_IDLE"' in html
    assert "HX-Replace-Url" not in response


def test_snippets_mark_only_what_the_query_named(client, articles):
    """MM_WAIT_MSG4 marks MM_WAIT_MSG4 itself, never a state that only shares
    ``mm`` or ``wait`` with it."""
    import re

    html = client.get("/search/", {"q": "MM_WAIT_MSG4"}).content.decode()
    marked = set(re.findall(r"<mark>(.*?)</mark>", html))
    assert marked == {"MM_WAIT_MSG4"}
    html = client.get("/search/", {"q": "%ASA-5-713904"}).content.decode()
    marked = set(re.findall(r"<mark>(.*?)</mark>", html))
    assert marked and marked <= {"%ASA-5-713904", "713904"}
