def test_it_returns_results_as_json_best_first(client, articles):
    """GET /api/v1/search?q= gives slug, title, url and snippet, best first."""
    response = client.get("/api/v1/search", {"q": "%ASA-5-713904"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    results = response.json()["results"]
    assert results[0]["slug"] == "ike-debug-invalid-cookie"
    assert set(results[0]) == {"slug", "title", "url", "snippet"}
    assert results[0]["url"] == "/kb/ike-debug-invalid-cookie/"
    assert results[0]["title"] == articles["ike-debug-invalid-cookie"].title
    assert "<mark>" in results[0]["snippet"]


def test_it_escapes_everything_but_the_marks(client, articles):
    """Snippets are HTML-escaped text; the only tags in them are <mark>."""
    import re

    results = client.get("/api/v1/search", {"q": "show crypto isakmp sa"}).json()[
        "results"
    ]
    assert results
    for result in results:
        tags = set(re.findall(r"</?([a-zA-Z]+)", result["snippet"]))
        assert tags <= {"mark"}


def test_it_answers_an_empty_list_for_nothing_to_search(client, articles):
    """A missing, empty or punctuation-only query is no results, not an error."""
    for params in ({}, {"q": ""}, {"q": '"()*:%'}):
        response = client.get("/api/v1/search", params)
        assert response.status_code == 200
        assert response.json() == {"results": []}
