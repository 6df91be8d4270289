"""Limits, error answers and headers that every request passes through
(analyzer/middleware.py and the Content-Security-Policy)."""

import re
from html.parser import HTMLParser

import pytest
from django.core.cache import cache
from django.db import OperationalError
from django.http import HttpResponse, HttpResponseForbidden
from django.test import Client
from django.urls import reverse

from analyzer.middleware import ErrorsMiddleware
from analyzer.models import Diagnosis
from tests.conftest import FIXTURES

pytestmark = pytest.mark.django_db

API = "/api/v1/diagnoses"


@pytest.fixture(autouse=True)
def fresh_counters():
    # The counters live in the shared cache (files under the data folder).
    cache.clear()
    yield
    cache.clear()


def paste() -> str:
    return (FIXTURES / "web" / "asa_isakmp_sa_mm_wait_msg4.txt").read_text()


def submit(client, **extra):
    return client.post(API, {"text": paste()}, content_type="application/json", **extra)


def test_submits_past_the_rate_are_refused_with_retry_after(client, settings):
    """Per client: the fourth submit in a minute at 3/m is 429 with Retry-After
    and a JSON sentence; another address still gets through, and so does the
    same address's form, which shares the count (one limit for both ways in)."""
    settings.ANALYZER_SUBMIT_RATE = "3/m"
    for _ in range(3):
        assert submit(client).status_code == 202
    refused = submit(client)
    assert refused.status_code == 429
    assert refused["Content-Type"] == "application/json"
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert "at most 3 per minute" in refused.json()["error"]
    assert Diagnosis.objects.count() == 3
    assert submit(client, REMOTE_ADDR="192.0.2.9").status_code == 202
    form = client.post(reverse("analyzer-analyze"), {"text": paste()})
    assert form.status_code == 429
    assert b"data-refusal" in form.content and b"Too many submissions" in form.content


def test_a_signed_in_user_is_counted_apart_from_the_address(client, settings):
    """Signed in, the count follows the user, not the address."""
    from django.contrib.auth.models import User

    settings.ANALYZER_SUBMIT_RATE = "1/m"
    assert submit(client).status_code == 202
    assert submit(client).status_code == 429
    user = User.objects.create_user("engineer", password="x-9-long-enough")
    client.force_login(user)
    assert submit(client).status_code == 202
    assert submit(client).status_code == 429


def test_the_queue_quota_refuses_a_client_with_too_much_waiting(client, settings):
    """At most ANALYZER_CLIENT_QUEUE_QUOTA diagnoses queued or running per client;
    one finishing frees a place. The row stores a keyed hash, not the address."""
    settings.ANALYZER_CLIENT_QUEUE_QUOTA = 2
    ids = [submit(client).json()["id"] for _ in range(2)]
    refused = submit(client)
    assert refused.status_code == 429
    assert "2 analyses waiting or running" in refused.json()["error"]
    assert refused["Retry-After"]
    assert submit(client, REMOTE_ADDR="192.0.2.10").status_code == 202
    Diagnosis.objects.filter(id=ids[0]).update(status="done")
    assert submit(client).status_code == 202
    stored = Diagnosis.objects.get(id=ids[0]).client
    assert len(stored) == 32 and "127.0.0.1" not in stored


def test_a_broken_cache_lets_submits_through(client, settings, monkeypatch):
    """The limit is not an outage: a cache that fails is logged and ignored."""
    settings.ANALYZER_SUBMIT_RATE = "1/m"

    def down(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(cache, "add", down)
    assert submit(client).status_code == 202
    assert submit(client).status_code == 202


def test_the_admin_login_is_throttled(client, settings):
    """Failed sign-ins past ADMIN_LOGIN_RATE are answered 429 before the password
    is even checked."""
    settings.ADMIN_LOGIN_RATE = "3/m"
    url = reverse("admin:login")
    for _ in range(3):
        page = client.post(url, {"username": "admin", "password": "guess"})
        assert page.status_code == 200
    throttled = client.post(url, {"username": "admin", "password": "guess"})
    assert throttled.status_code == 429
    assert int(throttled["Retry-After"]) >= 1
    assert b"Too many sign-in attempts" in throttled.content
    assert client.get(url).status_code == 200


@pytest.mark.parametrize(
    "method, path, body, status",
    [
        ("get", "/api/v1/diagnoses/", None, 404),
        ("get", "/api/v2/nothing", None, 404),
        ("put", API, None, 405),
        ("delete", "/api/v1/openapi.json", None, 405),
    ],
)
def test_api_errors_are_json(client, method, path, body, status):
    response = getattr(client, method)(path)
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"]


def test_too_many_fields_is_a_json_400(client, settings):
    """Django's own refusal (more fields than DATA_UPLOAD_MAX_NUMBER_FIELDS) comes
    back as JSON on the API, not as the HTML error page."""
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    body = "&".join(f"f{n}=x" for n in range(50))
    response = client.post(API, body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert "error" in response.json()


def test_an_oversized_body_is_a_json_413(client, settings):
    settings.ANALYZER_MAX_INPUT_BYTES = 1000
    response = client.post(API, {"text": "x" * 5000}, content_type="application/json")
    assert response.status_code == 413
    assert "error" in response.json()


def test_a_crash_under_api_is_a_json_500(monkeypatch):
    """An exception in an API view: JSON 500, never Django's HTML page."""

    def broken(*args, **kwargs):
        raise RuntimeError("bug")

    monkeypatch.setattr(Diagnosis, "submit", broken)
    client = Client(raise_request_exception=False)
    response = submit(client)
    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert "try again" in response.json()["error"]


def test_a_403_from_django_becomes_json():
    """Whatever answered with HTML under /api/ (here a bare 403), the client reads
    JSON with the status kept; pages elsewhere keep their HTML."""
    from django.test import RequestFactory

    middleware = ErrorsMiddleware(lambda request: HttpResponseForbidden("<h1>no</h1>"))
    response = middleware(RequestFactory().get("/api/v1/diagnoses/x"))
    assert response.status_code == 403
    assert response["Content-Type"] == "application/json"
    page = middleware(RequestFactory().get("/kb/x/"))
    assert page["Content-Type"].startswith("text/html")


def test_a_locked_database_is_503_with_a_message(client, monkeypatch):
    """SQLite's "database is locked" (another writer held it past the timeout) is
    answered 503 with Retry-After: JSON on the API, the page's sentence on the
    form; never a 500."""

    def locked(*args, **kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr(Diagnosis, "submit", locked)
    response = submit(client)
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "nothing was saved" in response.json()["error"]
    form = client.post(reverse("analyzer-analyze"), {"text": paste()})
    assert form.status_code == 503
    assert b"data-refusal" in form.content


def test_diagnoses_and_the_api_are_private_and_not_indexed(client):
    """The permalink is the key to the paste: Cache-Control private and
    X-Robots-Tag noindex on the page, the raw download and the API, also for an
    error; the knowledge base stays indexable."""
    diagnosis = Diagnosis.objects.create(input_text=paste())
    for path in (
        diagnosis.get_absolute_url(),
        reverse("analyzer-raw", args=[diagnosis.id]),
        reverse("analyzer-api-diagnosis", args=[diagnosis.id]),
        "/api/v1/diagnoses/missing",
    ):
        response = client.get(path)
        assert "private" in response["Cache-Control"], path
        assert "noindex" in response["X-Robots-Tag"], path
    assert "X-Robots-Tag" not in client.get("/")


class _InlineFinder(HTMLParser):
    def __init__(self):
        super().__init__()
        self.inline = []

    def handle_starttag(self, tag, attrs):
        names = dict(attrs)
        if tag == "script" and not names.get("src"):
            self.inline.append("<script> without src")
        if tag == "style":
            self.inline.append("<style>")
        for name, value in attrs:
            if name.startswith("on"):
                self.inline.append(f"{tag} {name}=")
            if value and value.strip().lower().startswith("javascript:"):
                self.inline.append(f"{tag} {name}=javascript:")


def test_every_page_runs_under_a_csp_without_inline_script(client):
    """A Content-Security-Policy on every page allows scripts and style sheets from
    the site only; no page has an inline script, handler or <style> it would
    block (the browser tests run under the same header)."""
    diagnosis = Diagnosis.objects.create(input_text=paste())
    from analyzer.tasks import analyze_diagnosis

    analyze_diagnosis(diagnosis.id)
    pages = ["/", "/analyze/", "/api/", "/search/?q=mm_wait_msg4", "/no-such-page/"]
    pages.append(Diagnosis.objects.get(id=diagnosis.id).get_absolute_url())
    for path in pages:
        response = client.get(path)
        policy = response["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "unsafe-inline" not in re.sub(
            r"style-src-attr [^;]*", "", policy
        ), policy
        assert "object-src 'none'" in policy and "frame-ancestors 'none'" in policy
        finder = _InlineFinder()
        finder.feed(response.content.decode())
        assert finder.inline == [], (path, finder.inline)


def test_the_api_keeps_its_own_error_sentences(client):
    """An API view's own JSON error goes through unchanged."""
    response = client.post(API, b"{", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"] == "The body is not valid JSON."


def test_the_refusal_page_is_html_outside_the_api():
    from django.test import RequestFactory

    from analyzer.middleware import _refusal

    request = RequestFactory().get("/analyze/")
    response = _refusal(request, 429, "Slow down.", 7)
    assert isinstance(response, HttpResponse)
    assert response["Retry-After"] == "7"
    assert b"Slow down." in response.content
