import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from analyzer.models import Diagnosis
from analyzer.tasks import analyze_diagnosis
from tests.conftest import FIXTURES

pytestmark = pytest.mark.django_db

COLLECTION = "/api/v1/diagnoses"


def fixture(name: str) -> str:
    return (FIXTURES / "web" / name).read_text()


def post_json(client, body, **extra):
    data = body if isinstance(body, str | bytes) else json.dumps(body)
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
    """GET and POST on the collection, GET and DELETE on a diagnosis; 405 JSON
    otherwise."""
    diagnosis = Diagnosis.objects.create(input_text="x\n")
    for response in (
        client.put(COLLECTION, "{}", content_type="application/json"),
        client.patch(f"{COLLECTION}/{diagnosis.id}"),
        client.post(f"{COLLECTION}/{diagnosis.id}"),
    ):
        assert response.status_code == 405
        assert "error" in response.json()
        assert response["Allow"] in ("GET, POST", "GET, DELETE")


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
        "text/plain",
    }
    assert [p["name"] for p in post["parameters"]] == [
        "title",
        "team",
        "visibility",
        "expires_in",
    ]
    assert set(doc["paths"]["/api/v1/diagnoses"]) == {"post", "get"}
    assert set(doc["paths"]["/api/v1/diagnoses/{id}"]) == {"get", "delete"}
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


# Bad input, end to end through the HTTP stack.


def sized(size: int) -> str:
    """Real device output repeated and cut to exactly ``size`` (ASCII) bytes."""
    unit = fixture("asa_isakmp_sa_mm_wait_msg4.txt")
    return (unit * (size // len(unit) + 1))[:size]


@pytest.mark.parametrize("how", ["json", "multipart file", "multipart two files"])
def test_it_takes_exactly_the_limit_and_refuses_one_byte_more(client, settings, how):
    """At the limit 202, one byte over 413 with JSON {"error"}, by JSON, by one
    uploaded file and by two files whose sum is over; nothing stored on refusal."""
    settings.ANALYZER_MAX_INPUT_BYTES = limit = 8192

    def post(size):
        text = sized(size)
        if how == "json":
            return post_json(client, {"text": text})
        half = size // 2
        files = (
            [SimpleUploadedFile("a.txt", text.encode())]
            if how == "multipart file"
            else [
                SimpleUploadedFile("a.txt", text[:half].encode()),
                SimpleUploadedFile("b.txt", text[half:].encode()),
            ]
        )
        return client.post(COLLECTION, {"files": files})

    over = post(limit + 1)
    assert over.status_code == 413
    assert over.json() == {
        "error": "The paste is 8,193 bytes; the limit is 8 KiB (8,192 bytes)."
    }
    assert not Diagnosis.objects.exists()
    assert post(limit).status_code == 202


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('{"text": "\\ud800 show crypto isakmp sa"}', "not valid Unicode"),
        ('{"text": null}', "empty"),
        ('{"text": 5}', '"text" must be a string'),
        ('{"text": "x", "title": "' + "t" * 201 + '"}', "at most 200 characters"),
        ("[" * 50_000, "nested too deeply"),
        ("  \n", "not valid JSON"),
        ("null", "JSON object"),
        (b'{"text": "caf\xe9"}', "not valid JSON"),
    ],
)
def test_it_refuses_more_bad_json_with_400(client, body, message):
    """Lone surrogate escapes, null text, over-long titles, absurd nesting, a
    blank body and a Latin-1 body: 400 JSON, never a 500, nothing stored."""
    client.raise_request_exception = False
    response = post_json(client, body)
    assert response.status_code == 400
    assert message in response.json()["error"]
    assert not Diagnosis.objects.exists()


def test_it_keeps_control_characters_out_of_the_title(client):
    """A NUL or lone surrogate in the title is dropped (PostgreSQL refuses NUL in
    text): 202 and a clean one-line title."""
    response = post_json(
        client,
        '{"text": "show crypto isakmp sa\\n", "title": "HQ\\u0000 to\\ud800\\tbranch"}',
    )
    assert response.status_code == 202
    assert Diagnosis.objects.get().title == "HQ to branch"


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("application/octet-stream", "show crypto isakmp sa"),
        ("", "show crypto isakmp sa"),
        ("application/xml", "<text>show crypto isakmp sa</text>"),
    ],
)
def test_it_refuses_other_content_types_with_415(client, content_type, body):
    """A body that is neither JSON, a form nor plain text gets 415 saying what to
    send."""
    response = client.generic("POST", COLLECTION, body, content_type=content_type)
    assert response.status_code == 415
    assert (
        "application/json, multipart/form-data or text/plain"
        in response.json()["error"]
    )
    assert not Diagnosis.objects.exists()


def test_it_accepts_json_with_a_charset_and_urlencoded_forms(client):
    """`application/json; charset=utf-8`, a `+json` type and a urlencoded form
    (curl -d) are all read."""
    text = fixture("asa_isakmp_sa_mm_wait_msg4.txt")
    for response in (
        client.post(
            COLLECTION,
            json.dumps({"text": text}),
            content_type="application/json; charset=utf-8",
        ),
        client.post(
            COLLECTION, json.dumps({"text": text}), content_type="application/vnd+json"
        ),
        client.post(
            COLLECTION,
            "text=" + text.replace("\n", "%0A").replace(" ", "+"),
            content_type="application/x-www-form-urlencoded",
        ),
    ):
        assert response.status_code == 202
    assert Diagnosis.objects.count() == 3


def test_it_refuses_an_unreadable_multipart_body_with_json(client):
    """multipart/form-data without a boundary: 400 JSON, not Django's HTML page."""
    response = client.post(COLLECTION, "text=x", content_type="multipart/form-data")
    assert response.status_code == 400
    assert "could not be read" in response.json()["error"]


def test_it_answers_json_404_for_garbage_ids(client):
    """Very long, encoded-traversal, dotted and non-ASCII ids: 404 JSON."""
    for path in ("A" * 5000, "..%2F..%2Fetc%2Fpasswd", "a.b", "%C3%A9", "x/y"):
        response = client.get(f"{COLLECTION}/{path}")
        assert response.status_code == 404, path[:30]
        assert response.json() == {"error": "No diagnosis with this id."}


def test_it_answers_head_on_a_diagnosis(client):
    """HEAD on a diagnosis is 200 without a body; on an unknown id 404."""
    diagnosis = Diagnosis.objects.create(input_text="x\n")
    response = client.head(f"{COLLECTION}/{diagnosis.id}")
    assert response.status_code == 200
    assert response.content == b""
    assert client.head(f"{COLLECTION}/nope").status_code == 404


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("one line", id="2 MiB without a newline"),
        pytest.param("short lines", id="100k short lines"),
    ],
)
def test_it_takes_pathological_pastes_to_done(client, text):
    """What is accepted is analyzed to done: a 2 MiB single line and 100,000
    short lines both finish, and read back through the API."""
    line = fixture("asa_isakmp_sa_mm_wait_msg4.txt").splitlines()[9]
    if text == "one line":
        text = (line * (2 * 1024 * 1024 // len(line)))[: 2 * 1024 * 1024]
    else:
        text = (line[:18] + "\n") * 100_000
    response = post_json(client, {"text": text})
    assert response.status_code == 202
    analyze_diagnosis(response.json()["id"])
    body = client.get(response["Location"]).json()
    assert body["status"] == "done"


def test_it_answers_405_not_403_to_unknown_methods_on_read_only_endpoints(client):
    """Methods the API does not have (QUERY, PATCH) on the read-only endpoints get
    405 JSON, not a CSRF 403; search too."""
    diagnosis = Diagnosis.objects.create(input_text="x\n")
    strict = Client(enforce_csrf_checks=True)
    for url in (
        f"{COLLECTION}/{diagnosis.id}",
        f"{COLLECTION}/nope",
        "/api/v1/openapi.json",
        "/api/v1/search?q=isakmp",
    ):
        for method in ("QUERY", "PATCH"):
            response = strict.generic(method, url)
            assert response.status_code == 405, (method, url)


def test_it_takes_files_sent_as_plain_form_fields(client):
    """Multipart "files" parts without a filename are read as files too, and are
    refused like files when they are not text."""
    text = fixture("asa_isakmp_sa_mm_wait_msg4.txt")
    response = client.post(COLLECTION, {"files": [text, text], "text": ""})
    assert response.status_code == 202
    assert Diagnosis.objects.get().input_text.count("MM_WAIT_MSG4") == 2 * text.count(
        "MM_WAIT_MSG4"
    )
    refused = client.post(COLLECTION, {"files": ["\x9b\x01\x02"]})
    assert refused.status_code == 400
    assert "not look like text" in refused.json()["error"]


def test_it_answers_json_404_for_an_id_with_a_newline(client):
    """Even an id no URL pattern would take (a newline in it) gets JSON."""
    response = client.get(f"{COLLECTION}/a%0Ab")
    assert response.status_code == 404
    assert response.json() == {"error": "No diagnosis with this id."}


@hypothesis_settings(
    max_examples=60,
    deadline=None,
    # The test client holds no state between examples.
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_it_accepts_every_text_the_schema_promises_to_take(client, data):
    """Whatever matches the OpenAPI schema's pattern for "text" is accepted
    (202), so generated clients never see a schema-valid paste refused."""
    pattern = client.get("/api/v1/openapi.json").json()["components"]["schemas"][
        "PasteText"
    ]["pattern"]
    text = data.draw(
        st.from_regex(pattern, fullmatch=True).filter(lambda t: len(t) < 4000)
    )
    response = post_json(client, {"text": text})
    assert response.status_code == 202, (text, response.json())


def test_it_says_why_a_chunked_json_body_arrived_empty(client):
    """WSGI gives Django no body for a chunked request: the error says to send a
    Content-Length rather than calling empty JSON invalid."""
    response = client.generic(
        "POST",
        COLLECTION,
        b"",
        # The test client drops the content type of an empty body; a real
        # client sends it.
        CONTENT_TYPE="application/json",
        HTTP_TRANSFER_ENCODING="chunked",
    )
    assert response.status_code == 400
    assert "Content-Length" in response.json()["error"]


def test_it_takes_a_plain_text_body_as_the_paste(
    client, django_capture_on_commit_callbacks
):
    """`curl --data-binary @show.txt -H 'Content-Type: text/plain'`: the body is the
    paste, redacted like any other, and ?title= names it."""
    body = fixture("asa_config_with_secrets.txt").encode("utf-8")
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.generic(
            "POST",
            COLLECTION + "?title=HQ%20firewall",
            body,
            content_type="text/plain; charset=utf-8",
        )
    assert response.status_code == 202, response.content
    diagnosis = Diagnosis.objects.get(id=response.json()["id"])
    assert diagnosis.title == "HQ firewall"
    assert "tunnel-group 203.0.113.50 ipsec-attributes" in diagnosis.input_text
    assert "Br4nch12-Tunnel-Key!" not in diagnosis.input_text
    assert len(callbacks) == 1


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        (b"", 400, "The body is empty"),
        (b"  \n\t\n", 400, "empty"),
        (b"\x00\x01\x02\xff" * 64, 400, "binary"),
    ],
)
def test_it_refuses_a_plain_text_body_that_is_not_a_paste(
    client, body, status, message
):
    """Empty and binary plain-text bodies get the same answers as uploads."""
    # The test client drops the Content-Type of an empty body; curl sends it.
    response = client.generic(
        "POST", COLLECTION, body, content_type="text/plain", CONTENT_TYPE="text/plain"
    )
    assert response.status_code == status
    assert message in response.json()["error"]
    assert not Diagnosis.objects.exists()


def test_it_refuses_a_plain_text_body_over_the_limit_with_413(client, settings):
    settings.ANALYZER_MAX_INPUT_BYTES = 1000
    body = b"show crypto isakmp sa\n" * 100
    response = client.generic("POST", COLLECTION, body, content_type="text/plain")
    assert response.status_code == 413
    assert "limit" in response.json()["error"]
    assert not Diagnosis.objects.exists()


def test_it_reads_a_plain_text_body_in_a_legacy_encoding(client):
    """A file saved by an old terminal program (Windows-1252) is read, not refused."""
    body = "ASA# show crypto isakmp sa\n! caf\xe9 \u2013 note\n".encode("cp1252")
    response = client.generic("POST", COLLECTION, body, content_type="text/plain")
    assert response.status_code == 202
    assert "caf\xe9" in Diagnosis.objects.get().input_text
