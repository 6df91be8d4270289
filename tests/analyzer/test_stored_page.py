"""The finished page is rendered once, when the analysis ends, and stored: the
permalink then shows what was stored, byte for byte what rendering from the
report would give, without decoding the report or splitting the paste."""

import re

import pytest
from django.core.management import call_command
from django.test import Client

from analyzer.models import Diagnosis, DiagnosisPage
from analyzer.tasks import analyze_diagnosis
from analyzer.views import EXAMPLES_DIR, RENDER_VERSION, STORED_PAGE_MIN_CHARS

pytestmark = pytest.mark.django_db

CSRF = re.compile(r'"X-CSRFToken": "[^"]*"|name="csrfmiddlewaretoken" value="[^"]*"')


def example(name: str) -> str:
    return (EXAMPLES_DIR / name).read_text()


def analyzed(text: str) -> Diagnosis:
    diagnosis = Diagnosis.objects.create(input_text=text, title="stored page")
    analyze_diagnosis(diagnosis.id)
    diagnosis.refresh_from_db()
    return diagnosis


def page(client, diagnosis, **extra) -> str:
    response = client.get(diagnosis.get_absolute_url(), **extra)
    assert response.status_code in (200, 286)
    return CSRF.sub("", response.content.decode())


# A paste with a verdict, findings with evidence, a timeline, counters, a state
# graph, record tables and lines nothing recognised: every part the page has;
# the log repeated makes it big enough for its page to be stored.
MIXED = (
    "\n".join(
        example(name)
        for name in (
            "asa_isakmp_sa_mm_wait_msg4.txt",
            "asa_ipsec_sa_one_way.txt",
            "asa_ike_debug_mm_wait_msg4.txt",
            "ios_debug_no_answer.txt",
        )
    )
    + "\nthis line is no device output at all\n"
    + example("asa_show_logging.txt") * 20
)


def test_the_analysis_stores_the_page_it_rendered():
    assert len(MIXED) >= STORED_PAGE_MIN_CHARS
    diagnosis = analyzed(MIXED)
    stored = DiagnosisPage.objects.get(diagnosis=diagnosis)
    assert stored.version == RENDER_VERSION
    assert stored.line_count == len(MIXED.splitlines())
    result = DiagnosisPage.unpack(stored.result_html)
    assert 'class="verdict-list"' in result and 'id="finding-1"' in result
    assert 'class="unparsed">this line is no device' in DiagnosisPage.unpack(
        stored.paste_html
    )
    assert stored.finding_titles == [
        f.get("title") or f.get("code") for f in diagnosis.report["findings"]
    ]


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "status partial"])
def test_the_stored_page_is_what_rendering_from_the_report_gives(htmx):
    diagnosis = analyzed(MIXED)
    extra = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    client = Client()
    stored = page(client, diagnosis, **extra)
    DiagnosisPage.objects.all().delete()
    rendered = page(client, diagnosis, **extra)
    assert stored == rendered
    assert "Verdict" in stored and "finding-1" in stored


def test_the_permalink_shows_the_stored_page_not_the_report():
    """Proven by taking the report away: the page still shows its findings. A
    page of other code (another version) is not used: the report is then read."""
    diagnosis = analyzed(MIXED)
    Diagnosis.objects.filter(id=diagnosis.id).update(report={"findings": []})
    client = Client()
    assert 'id="finding-1"' in page(client, diagnosis)
    DiagnosisPage.objects.update(version="other code")
    html = page(client, diagnosis)
    assert 'id="finding-1"' not in html
    assert "Nothing to report" in html


def test_every_finding_is_rendered_from_the_report():
    """?findings=all is not what was stored (the default shows the first ones)."""
    diagnosis = analyzed(MIXED)
    Diagnosis.objects.filter(id=diagnosis.id).update(report={"findings": []})
    html = Client().get(diagnosis.get_absolute_url() + "?findings=all").content
    assert b"Nothing to report" in html


def test_render_pages_brings_stale_pages_up_to_date(capsys):
    diagnosis = analyzed(MIXED)
    fresh = DiagnosisPage.objects.get(diagnosis=diagnosis).result_html
    DiagnosisPage.objects.update(version="other code", result_html=b"")
    other = analyzed(MIXED.replace("MM_WAIT_MSG4", "MM_WAIT_MSG2"))
    DiagnosisPage.objects.filter(diagnosis=other).delete()
    small = analyzed(example("asa_show_logging.txt"))
    queued = Diagnosis.objects.create(input_text="not analyzed yet")
    call_command("render_pages")
    assert "2 pages rendered" in capsys.readouterr().out
    stored = DiagnosisPage.objects.get(diagnosis=diagnosis)
    assert stored.version == RENDER_VERSION
    assert DiagnosisPage.unpack(stored.result_html) == DiagnosisPage.unpack(fresh)
    assert DiagnosisPage.objects.filter(diagnosis=other).exists()
    assert not DiagnosisPage.objects.filter(diagnosis=queued).exists()
    assert not DiagnosisPage.objects.filter(diagnosis=small).exists()


def test_a_small_paste_is_rendered_on_each_view():
    """Below the size a stored page pays for, nothing is stored and the page is
    rendered from the report, with the same findings."""
    text = example("asa_isakmp_sa_mm_wait_msg4.txt")
    assert len(text) < STORED_PAGE_MIN_CHARS
    diagnosis = analyzed(text)
    assert not DiagnosisPage.objects.filter(diagnosis=diagnosis).exists()
    html = page(Client(), diagnosis)
    assert 'id="finding-1"' in html and "MM_WAIT_MSG4" in html


def test_a_page_that_cannot_be_rendered_does_not_fail_the_analysis(monkeypatch):
    """Rendering is a saving of time: if it breaks, the diagnosis is still done
    and its permalink renders from the report."""
    import analyzer.views

    def broken(diagnosis, report):
        raise ValueError("a template error")

    monkeypatch.setattr(analyzer.views, "render_page", broken)
    diagnosis = analyzed(MIXED)
    assert diagnosis.status == Diagnosis.Status.DONE
    assert not DiagnosisPage.objects.filter(diagnosis=diagnosis).exists()
    assert 'id="finding-1"' in page(Client(), diagnosis)


def test_a_new_result_never_shows_beside_an_old_page():
    """A result saved without a page (its rendering failed) takes the earlier
    result's page away with it: the permalink renders the new report."""
    diagnosis = analyzed(MIXED)
    Diagnosis.objects.filter(id=diagnosis.id).update(status="queued")
    diagnosis.refresh_from_db()
    assert diagnosis.claim()
    assert diagnosis.finish({"findings": []}, "next")
    assert not DiagnosisPage.objects.filter(diagnosis=diagnosis).exists()
