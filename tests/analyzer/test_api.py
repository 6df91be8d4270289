import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from analyzer.models import Diagnosis
from analyzer.tasks import analyze_diagnosis
from tests.conftest import FIXTURES

pytestmark = pytest.mark.django_db

COLLECTION = "/api/v1/diagnoses"


def fixture(name: str) -> str:
    return (FIXTURES / "web" / name).read_text()


def post_json(client, body, **extra):
    data = body if isinstance(body, str) else json.dumps(body)
    return client.post(COLLECTION, data, content_type="application/json", **extra)


def test_it_accepts_json_and_answers_202(client, django_capture_on_commit_callbacks):
    """JSON {"text", "title"} is accepted with 202 and the id, the permalink, the
    API URL and the status; the analysis is queued."""
    with django_capture_on_commit_callbacks() as callbacks:
        response = post_json(
            client, {"text": fixture("asa_config_with_secrets.txt"), "title": "HQ"}
        )
    assert response.status_code == 202
    body = response.json()
    diagnosis = Diagnosis.objects.get()
    assert body == {
        "id": diagnosis.id,
        "url": f"http://testserver/d/{diagnosis.id}/",
        "api_url": f"http://testserver/api/v1/diagnoses/{diagnosis.id}",
        "status": "queued",
    }
    assert response["Location"] == body["api_url"]
    assert diagnosis.title == "HQ"
    assert "NmsRead0nly-77" not in diagnosis.input_text
    assert len(callbacks) == 1


def test_it_needs_no_csrf_token():
    """API clients post JSON without a session or CSRF token."""
    strict = Client(enforce_csrf_checks=True)
    response = post_json(strict, {"text": fixture("asa_isakmp_sa_mm_wait_msg4.txt")})
    assert response.status_code == 202


def test_it_accepts_several_files_in_multipart(client):
    """Multipart with more than one file makes one diagnosis of them all."""
    response = client.post(
        COLLECTION,
        {
            "files": [
                SimpleUploadedFile(
                    "isakmp.txt", fixture("asa_isakmp_sa_mm_wait_msg4.txt").encode()
                ),
                SimpleUploadedFile(
                    "config.txt", fixture("asa_config_with_secrets.txt").encode()
                ),
            ],
            "title": "two files",
        },
    )
    assert response.status_code == 202
    diagnosis = Diagnosis.objects.get(id=response.json()["id"])
    assert "State   : MM_ACTIVE" in diagnosis.input_text
    assert "snmp-server location HQ rack 4" in diagnosis.input_text
    assert diagnosis.title == "two files"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"text": ""}, "empty"),
        ({"text": "   \n"}, "empty"),
        ({"title": "no text"}, "empty"),
        ({"text": 42}, '"text" must be a string'),
        ({"text": "x", "title": ["a"]}, '"title" must be a string'),
        ([1, 2], "JSON object"),
        ("{not json", "not valid JSON"),
        ({"text": "ok\x00\x00\x00\x00 binary"}, "not look like text"),
    ],
)
def test_it_refuses_bad_json_with_400(client, body, message):
    """Empty, wrongly typed, malformed or binary input: 400 {"error": ...}."""
    response = post_json(client, body)
    assert response.status_code == 400
    assert message in response.json()["error"]
    assert not Diagnosis.objects.exists()


def test_it_refuses_a_non_text_file(client):
    """A binary upload is refused with 400 naming the file."""
    response = client.post(
        COLLECTION,
        {
            "files": [
                SimpleUploadedFile(
                    "capture.pcap", b"\xd4\xc3\xb2\xa1\x02\x00\x04\x00" + bytes(200)
                )
            ]
        },
    )
    assert response.status_code == 400
    assert "capture.pcap" in response.json()["error"]


def test_it_refuses_input_over_the_limit_with_413(client, settings):
    """Over ANALYZER_MAX_INPUT_BYTES by JSON, by file, or by a huge body: 413."""
    settings.ANALYZER_MAX_INPUT_BYTES = 2048
    big = fixture("asa_isakmp_sa_mm_wait_msg4.txt") * 10
    as_json = post_json(client, {"text": big})
    as_file = client.post(
        COLLECTION, {"files": [SimpleUploadedFile("a.txt", big.encode())]}
    )
    huge = post_json(client, {"text": "x" * 100_000})
    for response in (as_json, as_file, huge):
        assert response.status_code == 413
        assert "limit is 2 KiB" in response.json()["error"]
    assert not Diagnosis.objects.exists()


def test_it_answers_405_to_other_methods(client):
    """Only POST on the collection and GET on a diagnosis; 405 JSON otherwise."""
    diagnosis = Diagnosis.objects.create(input_text="x\n")
    for response in (
        client.get(COLLECTION),
        client.put(COLLECTION, "{}", content_type="application/json"),
        client.delete(f"{COLLECTION}/{diagnosis.id}"),
        client.post(f"{COLLECTION}/{diagnosis.id}"),
    ):
        assert response.status_code == 405
        assert "error" in response.json()
        assert response["Allow"] in ("POST", "GET")


def test_it_returns_a_pending_diagnosis(client):
    """A queued diagnosis reads back with its status and empty results."""
    diagnosis = Diagnosis.objects.create(input_text="x\n", title="t")
    body = client.get(f"{COLLECTION}/{diagnosis.id}").json()
    assert body["status"] == "queued"
    assert body["sources"] == [] and body["findings"] == []
    assert body["finished"] is None
    assert body["title"] == "t"


def test_it_returns_a_finished_diagnosis(client):
    """A done diagnosis reads back with sources and findings as the CLI prints them."""
    diagnosis = Diagnosis.objects.create(
        input_text=fixture("asa_isakmp_sa_mm_wait_msg4.txt")
    )
    analyze_diagnosis(diagnosis.id)
    diagnosis.refresh_from_db()
    body = client.get(f"{COLLECTION}/{diagnosis.id}").json()
    assert set(body) >= {
        "id",
        "status",
        "title",
        "sources",
        "findings",
        "unparsed_lines",
        "created",
        "finished",
        "engine_version",
        "error",
    }
    assert body["status"] == "done"
    assert body["sources"] == diagnosis.report["sources"]
    assert body["findings"] == diagnosis.report["findings"]
    assert body["unparsed_lines"] == diagnosis.report["unparsed_lines"]
    assert body["created"] == diagnosis.created.isoformat()
    assert body["finished"] == diagnosis.finished.isoformat()


def test_it_answers_404_json_for_an_unknown_id(client):
    """An unknown id is 404 with a JSON error."""
    response = client.get(f"{COLLECTION}/does-not-exist")
    assert response.status_code == 404
    assert response.json() == {"error": "No diagnosis with this id."}


def test_it_publishes_an_openapi_document(client):
    """/api/v1/openapi.json is OpenAPI 3.1 describing the diagnoses endpoints and
    search, with every $ref resolvable."""
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    doc = response.json()
    assert doc["openapi"].startswith("3.1")
    assert set(doc["paths"]) == {
        "/api/v1/diagnoses",
        "/api/v1/diagnoses/{id}",
        "/api/v1/search",
    }
    post = doc["paths"]["/api/v1/diagnoses"]["post"]
    assert set(post["responses"]) >= {"202", "400", "413"}
    assert set(post["requestBody"]["content"]) == {
        "application/json",
        "multipart/form-data",
    }
    assert doc["servers"] == [{"url": "http://testserver"}]
    refs = []

    def walk(node):
        if isinstance(node, dict):
            refs.extend(v for k, v in node.items() if k == "$ref")
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(doc)
    assert refs
    for ref in refs:
        name = ref.removeprefix("#/components/schemas/")
        assert name in doc["components"]["schemas"], ref
