def test_it_renders_the_site_404_page(client, db):
    """Any unknown address gets the site's own 404 page with a way back."""
    response = client.get("/definitely/not/here/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "<h1>Not found</h1>" in html
    assert 'action="/search/"' in html
    assert 'href="/"' in html
