import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from analyzer.models import Diagnosis
from analyzer.tasks import analyze_diagnosis
from tests.conftest import FIXTURES

pytestmark = pytest.mark.django_db

ANALYZE = "/analyze/"


def fixture(name: str) -> str:
    return (FIXTURES / "web" / name).read_text()


def analyzed(text: str, **fields) -> Diagnosis:
    diagnosis = Diagnosis.objects.create(input_text=text, **fields)
    analyze_diagnosis(diagnosis.id)
    diagnosis.refresh_from_db()
    return diagnosis


def test_it_shows_the_paste_form(client, settings):
    """The paste page has the textarea, a multiple-file upload, a title, upload
    progress for htmx, the size limit, and says which secrets are removed before
    storing."""
    settings.ANALYZER_MAX_INPUT_BYTES = 1024 * 1024
    html = client.get(ANALYZE).content.decode()
    assert "1 MiB in total at most" in html
    assert '<textarea name="text"' in html
    assert re.search(r'<input type="file" name="files"[^>]* multiple', html)
    assert 'name="title"' in html
    assert 'enctype="multipart/form-data"' in html
    assert 'hx-encoding="multipart/form-data"' in html
    assert "<progress" in html
    for secret in ("passwords", "pre-shared keys", "SNMP communities"):
        assert secret in html
    assert "removed before anything is stored" in html


def test_it_creates_a_diagnosis_and_redirects_to_its_permalink(
    client, django_capture_on_commit_callbacks
):
    """A posted paste is stored redacted, queued, and answered 303 to /d/<id>/."""
    paste = fixture("asa_config_with_secrets.txt")
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(ANALYZE, {"text": paste, "title": "Branch 12"})
    assert response.status_code == 303
    diagnosis = Diagnosis.objects.get()
    assert response["Location"] == f"/d/{diagnosis.id}/"
    assert diagnosis.title == "Branch 12"
    assert "Br4nch12-Tunnel-Key!" not in diagnosis.input_text
    assert len(callbacks) == 1


def test_it_joins_several_uploaded_files(client):
    """Several files uploaded at once become one paste, in order."""
    first = fixture("asa_isakmp_sa_mm_wait_msg4.txt")
    second = fixture("asa_config_with_secrets.txt")
    response = client.post(
        ANALYZE,
        {
            "files": [
                SimpleUploadedFile("isakmp.txt", first.encode()),
                SimpleUploadedFile("config.txt", second.encode()),
            ]
        },
    )
    assert response.status_code == 303
    text = Diagnosis.objects.get().input_text
    assert text.index("State   : MM_ACTIVE") < text.index("snmp-server location")
    assert "NmsRead0nly-77" not in text


def test_it_refuses_an_empty_paste(client):
    """Nothing to analyze: 400 with the message on the form page, no row."""
    response = client.post(ANALYZE, {"text": "  \n\n", "title": "x"})
    assert response.status_code == 400
    assert "empty" in response.content.decode()
    assert 'role="alert"' in response.content.decode()
    assert not Diagnosis.objects.exists()


def test_it_refuses_binary_upload(client):
    """A file that is not text: 400 saying so."""
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4
    response = client.post(ANALYZE, {"files": [SimpleUploadedFile("shot.png", png)]})
    assert response.status_code == 400
    assert "not look like text" in response.content.decode()
    assert not Diagnosis.objects.exists()


def test_it_refuses_a_paste_over_the_limit(client, settings):
    """Over ANALYZER_MAX_INPUT_BYTES, pasted or uploaded: 413 with a message."""
    settings.ANALYZER_MAX_INPUT_BYTES = 4096
    big = fixture("asa_isakmp_sa_mm_wait_msg4.txt") * 20
    assert len(big.encode()) > 4096
    pasted = client.post(ANALYZE, {"text": big})
    uploaded = client.post(
        ANALYZE, {"files": [SimpleUploadedFile("a.txt", big.encode())]}
    )
    # Two files each under the limit, together over it.
    half = big[: len(big) * 2 // 3].encode()
    both = client.post(
        ANALYZE,
        {
            "files": [
                SimpleUploadedFile("a.txt", half),
                SimpleUploadedFile("b.txt", half),
            ]
        },
    )
    for response in (pasted, uploaded, both):
        assert response.status_code == 413
        assert "limit is 4 KiB" in response.content.decode()
    assert not Diagnosis.objects.exists()


def test_it_refuses_a_huge_body_before_reading_it(client, settings):
    """A request body far over the limit is refused with 413 from its length alone."""
    settings.ANALYZER_MAX_INPUT_BYTES = 1024
    response = client.post(ANALYZE, {"text": "x" * 200_000})
    assert response.status_code == 413
    assert "the limit is 1 KiB" in response.content.decode()


def test_it_checks_csrf_on_the_form():
    """The form post needs its CSRF token (the size check runs first, then CSRF)."""
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(ANALYZE, {"text": "show crypto isakmp sa"})
    assert response.status_code == 403
    assert not Diagnosis.objects.exists()


def test_it_redirects_htmx_submissions_with_a_header(client):
    """An htmx upload gets HX-Redirect to the permalink instead of a 303 the XHR
    would follow."""
    response = client.post(
        ANALYZE,
        {"text": fixture("asa_isakmp_sa_mm_wait_msg4.txt")},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert response["HX-Redirect"] == Diagnosis.objects.get().get_absolute_url()


def test_it_answers_htmx_refusals_with_the_form_fragment(client):
    """A refused htmx upload gets back only the form, with the message."""
    response = client.post(ANALYZE, {"text": ""}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 400
    assert html.lstrip().startswith("<form")
    assert "empty" in html


def test_it_polls_while_pending_and_refreshes_without_javascript(client):
    """A queued diagnosis polls its status every second with htmx and carries a
    noscript meta refresh for browsers without JavaScript."""
    diagnosis = Diagnosis.objects.create(input_text="show crypto isakmp sa\n")
    html = client.get(diagnosis.get_absolute_url()).content.decode()
    assert '<noscript><meta http-equiv="refresh" content="2"></noscript>' in html
    assert f'hx-get="/d/{diagnosis.id}/"' in html
    assert 'hx-trigger="every 1s"' in html
    assert "Queued" in html


def test_it_answers_the_status_poll_with_the_fragment(client):
    """While pending the poll returns 200 with the polling fragment; once done it
    returns 286 (htmx stops polling) with the result and no further trigger."""
    diagnosis = Diagnosis.objects.create(
        input_text=fixture("asa_isakmp_sa_mm_wait_msg4.txt")
    )
    url = diagnosis.get_absolute_url()
    pending = client.get(url, HTTP_HX_REQUEST="true")
    assert pending.status_code == 200
    assert pending.content.decode().lstrip().startswith('<section id="status"')
    assert "every 1s" in pending.content.decode()
    assert "<html" not in pending.content.decode()

    analyze_diagnosis(diagnosis.id)
    done = client.get(url, HTTP_HX_REQUEST="true")
    assert done.status_code == 286
    html = done.content.decode()
    assert html.lstrip().startswith('<section id="status" class="status status-done"')
    assert "hx-trigger" not in html
    assert "Findings" in html


def test_it_stops_refreshing_once_done(client):
    """A finished diagnosis has neither the meta refresh nor the poll."""
    diagnosis = analyzed(fixture("asa_isakmp_sa_mm_wait_msg4.txt"))
    html = client.get(diagnosis.get_absolute_url()).content.decode()
    assert 'http-equiv="refresh"' not in html
    assert "hx-trigger" not in html


def test_it_shows_findings_with_evidence_commands_and_article_links(client):
    """A done diagnosis shows each finding under its severity with subject, detail,
    evidence links to #L<n>, next commands as CLI blocks and a Read more link to
    the article section; the evidence lines are highlighted in the numbered paste."""
    report = {
        "sources": [
            {
                "kind": "asa.show_crypto_isakmp_sa",
                "first_line": 1,
                "last_line": 17,
                "records": [
                    {
                        "peer": "198.51.100.7",
                        "state": "MM_ACTIVE",
                        "role": "responder",
                        "lines": [9, 11],
                    },
                    {
                        "peer": "203.0.113.50",
                        "state": "MM_WAIT_MSG4",
                        "role": "initiator",
                        "lines": [12, 14],
                    },
                ],
            }
        ],
        "findings": [
            {
                "code": "isakmp.mm_wait_msg4",
                "severity": "warning",
                "title": "Phase 1 stuck at MM_WAIT_MSG4",
                "detail": "The peer answered the policy exchange but not the key exchange.",
                "article": "isakmp-states",
                "anchor": "mm_wait_msg4",
                "lines": [12, 14],
                "next_commands": ["show run tunnel-group 203.0.113.50"],
                "subject": "peer 203.0.113.50",
            },
            {
                "code": "isakmp.mm_active",
                "severity": "info",
                "title": "Phase 1 up",
                "detail": "Main mode completed.",
                "article": "",
                "anchor": "",
                "lines": [11],
                "next_commands": [],
                "subject": "peer 198.51.100.7",
            },
        ],
        "unparsed_lines": 0,
    }
    diagnosis = Diagnosis.objects.create(
        input_text=fixture("asa_isakmp_sa_mm_wait_msg4.txt"),
        status="done",
        report=report,
    )
    html = client.get(diagnosis.get_absolute_url()).content.decode()
    assert html.index("severity-warning") < html.index("severity-info")
    assert "Phase 1 stuck at MM_WAIT_MSG4" in html
    assert "peer 203.0.113.50" in html
    assert '<a href="#L12">line 12</a>' in html
    assert '<pre class="cli">show run tunnel-group 203.0.113.50</pre>' in html
    assert '<a href="/kb/isakmp-states/#mm_wait_msg4">Read more</a>' in html
    assert html.count("Read more") == 1  # no link for a finding without an article
    assert 'class="line evidence" id="L12"' in html
    assert 'class="line" id="L1"' in html
    assert 'id="L17"' in html and 'id="L18"' not in html
    assert 'data-lines="12 14"' in html
    # The parsed records, with the known columns first.
    assert "<th>peer</th><th>state</th><th>role</th>" in html
    assert "<td>MM_WAIT_MSG4</td>" in html
    # The state graph marks the observed states.
    assert "<svg" in html


def test_it_shows_the_copy_link_button_and_raw_link(client):
    """The page offers a copy-link button with the absolute permalink and the raw
    download link."""
    diagnosis = analyzed("hello\n")
    html = client.get(diagnosis.get_absolute_url()).content.decode()
    assert f'data-copy="http://testserver/d/{diagnosis.id}/"' in html
    assert f'href="/d/{diagnosis.id}/raw"' in html


def test_it_escapes_a_pasted_script(client):
    """Markup in a paste is shown as text, never run."""
    diagnosis = analyzed("<script>alert('x')</script>\n", title="<b>t</b>")
    html = client.get(diagnosis.get_absolute_url()).content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html
    assert "<b>t</b>" not in html


def test_it_shows_the_error_of_a_failed_diagnosis(client):
    """A failed diagnosis shows its error message and no findings."""
    diagnosis = Diagnosis.objects.create(
        input_text="x\n", status="failed", error="The analysis took too long."
    )
    html = client.get(diagnosis.get_absolute_url()).content.decode()
    assert "The analysis failed" in html
    assert "The analysis took too long." in html
    assert 'http-equiv="refresh"' not in html


def test_it_downloads_the_redacted_text(client):
    """/d/<id>/raw is the stored (redacted) paste as a text/plain attachment."""
    diagnosis = Diagnosis.submit(fixture("asa_config_with_secrets.txt"))
    response = client.get(f"/d/{diagnosis.id}/raw")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response.content.decode() == diagnosis.input_text
    assert "Br4nch12-Tunnel-Key!" not in response.content.decode()


def test_it_answers_404_for_an_unknown_diagnosis(client):
    """An id that does not exist is a 404 for the page and the raw text."""
    assert client.get("/d/nope/").status_code == 404
    assert client.get("/d/nope/raw").status_code == 404
