import pytest

from analyzer.api import OPENAPI

pytestmark = pytest.mark.django_db


def test_the_api_page_renders_every_operation_and_object(client):
    """/api/ is the OpenAPI document for reading: each path and method, its body
    types, its answers, and each object's fields, with curl examples."""
    response = client.get("/api/")
    assert response.status_code == 200
    html = response.content.decode()
    for path, methods in OPENAPI["paths"].items():
        for method, operation in methods.items():
            assert f"<code>{method.upper()} {path}</code>" in html
            for status in operation["responses"]:
                assert f"<code>{status}</code>" in html
    for name in OPENAPI["components"]["schemas"]:
        assert f"<h3>{name}</h3>" in html
    assert "text/plain" in html and "--data-binary" in html
    assert 'href="/api/v1/openapi.json"' in html


def test_the_api_page_is_read_only(client):
    assert client.post("/api/").status_code == 405
