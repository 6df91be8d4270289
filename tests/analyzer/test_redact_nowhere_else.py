"""A paste's secrets reach nothing but redaction: not the logs, not the broker
message, not a page, not the admin, not an error.

One run submits a paste and a title that both hold keys, through the form and the
API, runs the queued analysis as the worker would, opens every page that shows the
diagnosis (the diagnosis page, the raw download, the admin change page and list),
and makes the analysis fail once; every log record (at DEBUG, all loggers), every
message the queue was handed, every page and every stored row is then searched for
the keys.
"""

import logging
from urllib.parse import quote

import pytest
from django.urls import reverse

from analyzer import engine, tasks
from analyzer.models import Diagnosis

PSK = "NoLeak-Psk-7Qz!"
ENABLE = "NoLeak-Enable-4Rt"
TITLE_KEY = "NoLeak-Title-5Wx"
PASTE = "\n".join(
    [
        "fw-hq# more system:running-config",
        "hostname fw-hq",
        "enable password " + ENABLE + " level 15",
        "tunnel-group 198.51.100.20 type ipsec-l2l",
        "tunnel-group 198.51.100.20 ipsec-attributes",
        " ikev1 pre-shared-key " + PSK,
        ": end",
    ]
)
TITLE = "crypto isakmp key " + TITLE_KEY + " address 198.51.100.20"
SECRETS = (PSK, ENABLE, TITLE_KEY)


@pytest.fixture
def queued(monkeypatch):
    """What the web request hands the broker, instead of sending it."""
    sent: list = []
    monkeypatch.setattr(
        tasks.analyze_diagnosis,
        "apply_async",
        lambda args=(), kwargs=None, **options: sent.append(
            (tuple(args), kwargs or {})
        ),
    )
    return sent


def leaks(*texts: str) -> list[str]:
    return [s for s in SECRETS for text in texts if s in text]


def log_text(caplog) -> str:
    parts = []
    for record in caplog.records:
        parts.append(record.getMessage())
        if record.exc_text:
            parts.append(record.exc_text)
        parts.append(repr(record.__dict__))
    return "\n".join(parts)


@pytest.mark.django_db
def test_a_whole_run_carries_no_secret(
    client, admin_client, caplog, queued, django_capture_on_commit_callbacks
):
    caplog.set_level(logging.DEBUG)
    with django_capture_on_commit_callbacks(execute=True):
        form = client.post(reverse("analyzer-analyze"), {"text": PASTE, "title": TITLE})
        api = client.post(
            reverse("analyzer-api-diagnoses") + "?title=" + quote(TITLE),
            data=PASTE,
            content_type="text/plain",
        )
    assert form.status_code == 303 and api.status_code in (201, 202)
    assert len(queued) == 2
    for args, kwargs in queued:
        assert tasks.analyze_diagnosis(*args, **kwargs) == "done"

    pages = [form, api]
    for diagnosis in Diagnosis.objects.all():
        assert diagnosis.status == Diagnosis.Status.DONE
        pages.append(client.get(diagnosis.get_absolute_url()))
        pages.append(client.get(reverse("analyzer-raw", args=[diagnosis.id])))
        pages.append(
            admin_client.get(
                reverse("admin:analyzer_diagnosis_change", args=[diagnosis.id])
            )
        )
    pages.append(admin_client.get(reverse("admin:analyzer_diagnosis_changelist")))
    assert [p.status_code for p in pages][2:] == [200] * (len(pages) - 2), [
        (p.status_code, p.get("Location")) for p in pages
    ]

    rows = [
        f"{d.title}\n{d.input_text}\n{d.report}\n{d.error}"
        for d in Diagnosis.objects.all()
    ]
    assert (
        leaks(
            log_text(caplog),
            repr(queued),
            *(page.content.decode("utf-8", "replace") for page in pages),
            *rows,
        )
        == []
    )
    # The redaction did happen, with one redactor for title and paste: the title's
    # key is psk-1, the paste's psk-2.
    for d in Diagnosis.objects.all():
        assert d.title == "crypto isakmp key <removed:psk-1> address 198.51.100.20"
        assert " ikev1 pre-shared-key <removed:psk-2>" in d.input_text


@pytest.mark.django_db
def test_a_failed_analysis_carries_no_secret(
    client, caplog, queued, monkeypatch, django_capture_on_commit_callbacks
):
    """An exception inside the engine is logged and stored as the diagnosis's
    error; neither holds the paste."""
    caplog.set_level(logging.DEBUG)

    def broken(text):
        raise ValueError("the engine broke on this paste")

    monkeypatch.setattr(engine, "analyze", broken)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("analyzer-analyze"), {"text": PASTE, "title": TITLE})
    ((args, kwargs),) = queued
    try:
        tasks.analyze_diagnosis(*args, **kwargs)
    except ValueError:
        pass  # a task may re-raise for the worker to log; the log is checked below
    diagnosis = Diagnosis.objects.get()
    page = client.get(diagnosis.get_absolute_url())
    assert (
        leaks(
            log_text(caplog),
            f"{diagnosis.title}\n{diagnosis.input_text}\n{diagnosis.error}",
            page.content.decode("utf-8", "replace"),
        )
        == []
    )


@pytest.mark.django_db
def test_refused_submissions_do_not_echo_a_title(client, caplog):
    """The API refuses an over-long title without repeating it."""
    caplog.set_level(logging.DEBUG)
    long_title = (TITLE + " ") * 40
    response = client.post(
        reverse("analyzer-api-diagnoses"),
        data={"text": PASTE, "title": long_title},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert leaks(response.content.decode(), log_text(caplog)) == []
    assert not Diagnosis.objects.exists()


def error_reports(caplog) -> list[str]:
    """What an admin's error mail would carry for each logged request error."""
    from django.views.debug import ExceptionReporter

    out = []
    for record in caplog.records:
        request = getattr(record, "request", None)
        if request is not None and record.exc_info:
            out.append(
                ExceptionReporter(request, *record.exc_info).get_traceback_text()
            )
    return out


@pytest.mark.django_db
@pytest.mark.parametrize("where", ["redaction", "database"])
def test_a_server_error_page_and_its_report_carry_no_secret(
    client, caplog, settings, monkeypatch, where
):
    """A submission that fails inside redaction or when the row is written: the
    500 page, and the report an error mail would hold (request, POST, the local
    variables of every frame), carry neither the paste nor the title."""
    from analyzer import redact as redact_module

    settings.DEBUG = False
    caplog.set_level(logging.DEBUG)
    client.raise_request_exception = False

    def broken(*args, **kwargs):
        raise RuntimeError("submission failed")

    if where == "redaction":
        monkeypatch.setattr(redact_module.Redactor, "redact", broken)
    else:
        monkeypatch.setattr(Diagnosis.objects, "create", broken)
    for post in (
        lambda: client.post(
            reverse("analyzer-analyze"), {"text": PASTE, "title": TITLE}
        ),
        lambda: client.post(
            reverse("analyzer-api-diagnoses"),
            data={"text": PASTE, "title": TITLE},
            content_type="application/json",
        ),
        # A text/plain body is the paste; a `?title=` is part of the URL, which
        # access logs hold whatever the application does, so it is not sent here.
        lambda: client.post(
            reverse("analyzer-api-diagnoses"), data=PASTE, content_type="text/plain"
        ),
    ):
        response = post()
        assert response.status_code == 500
        assert leaks(response.content.decode("utf-8", "replace")) == []
    reports = error_reports(caplog)
    assert len(reports) == 3
    assert all("submission failed" in report for report in reports)
    assert leaks(log_text(caplog), *reports) == []
