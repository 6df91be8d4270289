import gzip
import io
import re
import zipfile

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
    its evidence lines quoted with links to #L<n>, the next commands in one CLI
    block and a "Read:" link naming the article; the evidence lines are
    highlighted in the numbered paste."""
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
    line_12 = fixture("asa_isakmp_sa_mm_wait_msg4.txt").splitlines()[11].strip()
    assert f'<a href="#L12" class="quote-line">12</a> {line_12}' in html
    assert (
        '<pre class="cli" tabindex="0">show run tunnel-group 203.0.113.50</pre>' in html
    )
    assert 'Read: <a href="/kb/isakmp-states/#mm_wait_msg4">' in html
    assert html.count("Read: ") == 1  # no link for a finding without an article
    assert '<span id="L12" class="evidence">' in html
    assert '<span id="L1" style="counter-reset:line 0">' in html
    assert '<span id="L2">' in html
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


# Bad input, end to end through the HTTP stack.

CLI = FIXTURES / "cli"


def cli_bytes(name: str) -> bytes:
    return (CLI / name).read_bytes()


def sized(size: int) -> bytes:
    """Real device output repeated and cut to exactly ``size`` bytes."""
    unit = fixture("asa_isakmp_sa_mm_wait_msg4.txt").encode()
    return (unit * (size // len(unit) + 1))[:size]


@pytest.mark.parametrize("how", ["textarea", "file", "two files", "text and file"])
def test_it_takes_exactly_the_limit_and_refuses_one_byte_more(client, settings, how):
    """At ANALYZER_MAX_INPUT_BYTES the paste is accepted, one byte more is 413,
    whether typed, uploaded as one file, split over two files, or typed and
    uploaded together; nothing is stored on refusal."""
    settings.ANALYZER_MAX_INPUT_BYTES = limit = 8192

    def post(size):
        data = sized(size)
        half = size // 2
        fields = {
            "textarea": {"text": data.decode()},
            "file": {"files": [SimpleUploadedFile("a.txt", data)]},
            "two files": {
                "files": [
                    SimpleUploadedFile("a.txt", data[:half]),
                    SimpleUploadedFile("b.txt", data[half:]),
                ]
            },
            "text and file": {
                "text": data[:half].decode(),
                "files": [SimpleUploadedFile("b.txt", data[half:])],
            },
        }[how]
        return client.post(ANALYZE, fields)

    over = post(limit + 1)
    assert over.status_code == 413
    assert "the limit is 8 KiB" in over.content.decode()
    assert not Diagnosis.objects.exists()
    assert post(limit).status_code == 303
    assert Diagnosis.objects.count() == 1


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("banner-cp1252.txt", "Accès réservé au personnel autorisé – toute"),
        ("isakmp-sa-utf16le-bom.txt", "show crypto isakmp sa"),
        ("isakmp-sa-utf16be-bom.txt", "show crypto isakmp sa"),
        ("isakmp-sa-utf16le-nobom.txt", "show crypto isakmp sa"),
        ("syslog-utf8-with-latin1-byte.txt", "by réseau on vty1"),
    ],
)
def test_it_reads_legacy_and_utf16_uploads(client, name, expected):
    """Windows-1252, UTF-16 with and without a byte order mark, and UTF-8 with a
    stray Latin-1 byte are read as text, stored, and analyzed to the end."""
    response = client.post(
        ANALYZE, {"files": [SimpleUploadedFile(name, cli_bytes(name))]}
    )
    assert response.status_code == 303
    diagnosis = Diagnosis.objects.get()
    assert expected in diagnosis.input_text
    assert "\x00" not in diagnosis.input_text
    analyze_diagnosis(diagnosis.id)
    diagnosis.refresh_from_db()
    assert diagnosis.status == "done"
    assert client.get(diagnosis.get_absolute_url()).status_code == 200


@pytest.mark.parametrize(
    "packed",
    [
        pytest.param(lambda data: gzip.compress(data), id="gzip"),
        pytest.param(lambda data: zipped(data), id="zip"),
        pytest.param(
            lambda data: b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + data, id="png"
        ),
        pytest.param(lambda data: cli_bytes("ike-capture.pcap"), id="pcap"),
    ],
)
def test_it_refuses_archives_images_and_captures(client, packed):
    """A gzip or zip of a log, a screenshot, a pcap: 400 naming the file."""
    data = packed(fixture("asa_isakmp_sa_mm_wait_msg4.txt").encode())
    response = client.post(ANALYZE, {"files": [SimpleUploadedFile("log.bin", data)]})
    assert response.status_code == 400
    assert "log.bin: This does not look like text" in response.content.decode()
    assert not Diagnosis.objects.exists()


def zipped(data: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("show-crypto.txt", data)
    return buffer.getvalue()


def test_it_says_a_nul_in_the_textarea_is_not_text(client):
    """A NUL pasted into the textarea gets the same message as the API gives,
    shown on the page, not a bare "check the fields"."""
    text = fixture("asa_isakmp_sa_mm_wait_msg4.txt").replace("\n", "\x00\n", 3)
    response = client.post(ANALYZE, {"text": text})
    assert response.status_code == 400
    assert "does not look like text" in response.content.decode()
    assert not Diagnosis.objects.exists()


def test_it_escapes_markup_in_a_refused_file_name(client):
    """A file name carrying markup is echoed in the refusal as text."""
    name = '"><img src=x onerror=alert(1)>.png'
    response = client.post(
        ANALYZE, {"files": [SimpleUploadedFile(name, cli_bytes("ike-capture.pcap"))]}
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "<img src=x" not in html
    assert "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;.png:" in html


def test_it_escapes_markup_in_title_text_and_file_name(client):
    """`<script>` and `"><img onerror>` in the title, the text and an uploaded
    file's name never reach the permalink as markup."""
    hostile = '"><img src=x onerror=alert(1)><script>alert(2)</script>'
    response = client.post(
        ANALYZE,
        {
            "title": hostile,
            "text": fixture("asa_isakmp_sa_mm_wait_msg4.txt") + hostile + "\n",
            "files": [SimpleUploadedFile(hostile + ".txt", hostile.encode())],
        },
    )
    assert response.status_code == 303
    diagnosis = Diagnosis.objects.get()
    analyze_diagnosis(diagnosis.id)
    html = client.get(response["Location"]).content.decode()
    assert "<img src=x" not in html
    assert "<script>alert(2)" not in html
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in html


def test_it_answers_405_with_a_message_to_other_methods(client):
    """PUT, DELETE and OPTIONS on the form, POST on the permalink and the raw
    text: 405 naming the methods that work."""
    diagnosis = analyzed("hello\n")
    for response, allowed in (
        (client.put(ANALYZE, "x"), "GET, HEAD, POST"),
        (client.delete(ANALYZE), "GET, HEAD, POST"),
        (client.options(ANALYZE), "GET, HEAD, POST"),
        (client.post(diagnosis.get_absolute_url()), "GET, HEAD"),
        (client.post(f"/d/{diagnosis.id}/raw"), "GET, HEAD"),
    ):
        assert response.status_code == 405
        assert response["Allow"] == allowed
        assert "Method not allowed" in response.content.decode()
    assert Diagnosis.objects.count() == 1


def test_it_answers_head_requests(client):
    """HEAD works wherever GET does (link checkers, monitoring), without a body."""
    diagnosis = analyzed("hello\n")
    for url in (ANALYZE, diagnosis.get_absolute_url(), f"/d/{diagnosis.id}/raw"):
        response = client.head(url)
        assert response.status_code == 200, url
        assert response.content == b""
    assert client.head("/d/nope/").status_code == 404


def test_it_refuses_a_form_post_without_csrf_with_403():
    """Without the CSRF token the form post is 403, plain and htmx, and nothing
    is stored; the token check is not skipped by the early size check."""
    strict = Client(enforce_csrf_checks=True)
    text = fixture("asa_isakmp_sa_mm_wait_msg4.txt")
    assert strict.post(ANALYZE, {"text": text}).status_code == 403
    htmx = strict.post(ANALYZE, {"text": text}, HTTP_HX_REQUEST="true")
    assert htmx.status_code == 403
    assert not Diagnosis.objects.exists()


def test_it_refuses_a_multipart_body_it_cannot_read(client):
    """A multipart body without a boundary gets the form with a message, not
    Django's bare 400 page."""
    response = client.post(ANALYZE, "text=x", content_type="multipart/form-data")
    assert response.status_code == 400
    assert "could not be read" in response.content.decode()
    assert 'id="paste-form"' in response.content.decode()
    assert not Diagnosis.objects.exists()


def test_it_answers_404_for_garbage_ids(client):
    """Very long ids, encoded path traversal and non-ASCII ids are 404s."""
    for url in (
        "/d/" + "A" * 5000 + "/",
        "/d/" + "A" * 5000 + "/raw",
        "/d/..%2F..%2Fetc%2Fpasswd/",
        "/d/%2e%2e/raw",
        "/d/é/",
    ):
        assert client.get(url).status_code == 404, url[:40]


def test_it_stops_polling_a_diagnosis_that_is_gone(client):
    """An htmx poll for a diagnosis removed meanwhile answers 286 with a message,
    so the page stops asking every second."""
    response = client.get("/d/" + "x" * 32 + "/", HTTP_HX_REQUEST="true")
    assert response.status_code == 286
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="status"')
    assert "no longer exists" in html
    assert "hx-trigger" not in html


@pytest.mark.parametrize("shape", ["one 2 MiB line", "100k short lines"])
def test_it_analyzes_pathological_pastes_to_the_end(client, shape):
    """A 2 MiB paste without a newline and one of 100,000 short lines are
    accepted, analyzed to done, and their pages render."""
    line = fixture("asa_isakmp_sa_mm_wait_msg4.txt").splitlines()[9]
    if shape == "one 2 MiB line":
        text = (line * (2 * 1024 * 1024 // len(line) + 1))[: 2 * 1024 * 1024]
    else:
        text = (line[:18] + "\n") * 100_000
    response = client.post(
        ANALYZE, {"files": [SimpleUploadedFile("big.log", text.encode())]}
    )
    assert response.status_code == 303
    diagnosis = Diagnosis.objects.get()
    analyze_diagnosis(diagnosis.id)
    diagnosis.refresh_from_db()
    assert diagnosis.status == "done"
    assert client.get(diagnosis.get_absolute_url()).status_code == 200
    raw = client.get(f"/d/{diagnosis.id}/raw")
    assert b"".join(raw.streaming_content if raw.streaming else [raw.content]) == (
        diagnosis.input_text.encode()
    )


# A large diagnosis stays readable and quick to load.


def big_report(findings: int, records: int, lines: int) -> dict:
    """A report shaped like the engine's for a paste repeating one output."""
    return {
        "sources": [
            {
                "kind": "asa.show_crypto_isakmp_sa",
                "first_line": 1 + 17 * i,
                "last_line": 17 * (i + 1),
                "records": [
                    {
                        "peer": f"203.0.113.{i % 250}",
                        "state": "MM_WAIT_MSG4",
                        "role": "initiator",
                        "note": "x" * 500,
                        "lines": [12 + 17 * i],
                    }
                ],
            }
            for i in range(records)
        ],
        "findings": [
            {
                "code": "isakmp.mm_wait_msg4",
                "severity": "warning",
                "title": f"Finding number {i}",
                "detail": "The peer answered the policy exchange but not the keys.",
                "article": "isakmp-states",
                "anchor": "mm_wait_msg4",
                "lines": list(range(1, lines + 1)),
                "next_commands": [],
                "subject": "peer 203.0.113.50",
            }
            for i in range(findings)
        ],
        "unparsed_lines": 0,
    }


def test_it_caps_findings_evidence_links_and_tables_of_a_big_diagnosis(client):
    """Hundreds of findings: the first 100 per severity with a link to show the
    rest; a finding quotes 3 evidence lines, 9 more behind "more lines", and
    counts the rest (all lines still highlighted);
    many outputs of one kind make one table of at most 100 rows, long cells cut."""
    text = fixture("asa_isakmp_sa_mm_wait_msg4.txt") * 150
    diagnosis = Diagnosis.objects.create(
        input_text=text, status="done", report=big_report(130, 150, 40)
    )
    html = client.get(diagnosis.get_absolute_url()).content.decode()
    assert "Finding number 99<" in html and "Finding number 100<" not in html
    assert (
        '<a href="?findings=all#sev-warning">Show the other 30 warning findings</a>'
        in html
    )
    assert '<span class="count">130</span>' in html
    first = html.split("<h4>Finding number 0<")[1].split("</article>")[0]
    assert '<a href="#L3" class="quote-line">3</a>' in first
    assert first.index('href="#L3"') < first.index("9 more lines</summary>")
    assert first.index("9 more lines</summary>") < first.index('href="#L4"')
    assert '<a href="#L12" class="quote-line">12</a>' in first
    assert 'href="#L13"' not in first
    assert "and 28 more lines, highlighted in the paste" in first
    assert '<span id="L40" class="evidence">' in html
    assert html.count('<details class="source"') == 1
    assert "150 outputs" in html and "150 records" in html
    assert html.count("<tr><td><a href=") == 100
    assert "x" * 159 + "…" in html and "x" * 161 not in html
    assert "The first 100 records are shown; all 150 are in the" in html

    everything = client.get(diagnosis.get_absolute_url() + "?findings=all")
    assert "Finding number 129<" in everything.content.decode()
    assert "Show the other" not in everything.content.decode()


def test_it_numbers_the_paste_in_chunks_that_restart_the_counter(client):
    """The numbered paste comes in chunks of 500 lines, each restarting the CSS
    line counter at its first line, with every line's anchor present."""
    text = "".join(f"%ASA-6-302013: line {n}\n" for n in range(1, 1203))
    diagnosis = analyzed(text)
    html = client.get(diagnosis.get_absolute_url()).content.decode()
    assert html.count('<span class="chunk"') == 3
    assert '<span class="chunk" style="--lines:500">' in html
    assert '<span class="chunk" style="--lines:202">' in html
    assert '<span id="L501" style="counter-reset:line 500">' in html
    assert '<span id="L1001" style="counter-reset:line 1000">' in html
    assert '<span id="L1202">%ASA-6-302013: line 1202</span>' in html


def test_it_gzips_a_large_permalink_for_browsers_that_ask(client):
    """A big permalink is sent gzipped to a client that accepts it."""
    diagnosis = analyzed(fixture("asa_isakmp_sa_mm_wait_msg4.txt") * 200)
    response = client.get(diagnosis.get_absolute_url(), HTTP_ACCEPT_ENCODING="gzip")
    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
    html = gzip.decompress(response.content).decode()
    assert f'id="L{17 * 200}"' in html


def test_it_lets_browsers_cache_the_raw_download(client):
    """The raw paste never changes: private Cache-Control, an ETag, and 304 for
    a client that already has it."""
    diagnosis = analyzed(fixture("asa_isakmp_sa_mm_wait_msg4.txt"))
    url = f"/d/{diagnosis.id}/raw"
    response = client.get(url)
    assert "private" in response["Cache-Control"]
    assert "max-age=86400" in response["Cache-Control"]
    etag = response["ETag"]
    again = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert client.get("/d/nope/raw", HTTP_IF_NONE_MATCH='"nope"').status_code == 404


def test_the_page_starts_with_one_verdict_line_per_tunnel(client):
    """Verdict first: the seed's one-way SA gives a line naming the peer, phase 1
    and 2 up, traffic out only, the sentence linking its finding's anchor, and the
    finding's first next command; a healthy tunnel gets a tick and no link."""
    text = (FIXTURES / "seed" / "sample-outputs.txt").read_text().split("Goal:")[0]
    diagnosis = analyzed(text[:2000])
    html = client.get(diagnosis.get_absolute_url()).content.decode()
    top = html.index('class="verdicts"')
    assert top < html.index("<h2>Findings")
    section = html[top : html.index("<h2>Findings")]
    assert "<strong>22.22.22.22</strong>" in section
    assert "traffic out only, nothing back" in section
    link = re.search(r'href="#finding-(\d+)">Packets to 22.22.22.22', section)
    assert link, section
    assert f'id="finding-{link.group(1)}"' in html
    assert '<pre class="cli"' in section

    healthy = analyzed(
        (FIXTURES / "field/healthy/aws-ios-cgw-ipsec-sa-two-tunnels.txt").read_text()
    )
    html = client.get(healthy.get_absolute_url()).content.decode()
    section = html[html.index('class="verdicts"') : html.index("<h2>Findings")]
    assert section.count("verdict-ok") == 2
    assert "carries traffic both ways" in section and "#finding-" not in section


def test_it_draws_the_negotiation_timeline_for_a_debug_paste(client):
    """A debug paste's permalink shows the IKE negotiation as a server-drawn
    SVG named by the peer; a paste of tables alone has none."""
    diagnosis = analyzed(
        (FIXTURES / "ike_debug" / "asa_mm_wait_msg4_resending.txt").read_text()
    )
    page = client.get(diagnosis.get_absolute_url()).content.decode()
    assert '<section class="timelines"' in page
    assert "<figcaption>With 203.0.113.40</figcaption>" in page
    assert re.search(r'<svg class="timeline"[^>]*role="img"', page)
    tables = analyzed(fixture("asa_isakmp_sa_mm_wait_msg4.txt"))
    page = client.get(tables.get_absolute_url()).content.decode()
    assert 'class="timelines"' not in page


def test_it_reduces_the_state_graph_to_the_platform_seen(client):
    """An IOS `show crypto isakmp sa`: only the IOS panel is drawn, MM_NO_STATE
    stuck with its peer named, QM_IDLE up with its own."""
    diagnosis = analyzed(
        (FIXTURES / "ike" / "ios124_show_crypto_isakmp_sa.txt").read_text()
    )
    page = client.get(diagnosis.get_absolute_url()).content.decode()
    graph = page[page.index('<section class="graph">') :]
    graph = graph[: graph.index("</section>")]
    assert 'data-panel="IOS, IOS-XE and PIX 6"' in graph
    assert "ASA main mode" not in graph and "ASA aggressive mode" not in graph
    assert "✗ stuck · 192.0.2.10" in graph and "✓ up · 203.0.113.9" in graph


def test_it_draws_the_state_graph_for_states_read_from_a_debug(client):
    diagnosis = analyzed(
        (FIXTURES / "ike_debug" / "asa_mm_wait_msg4_resending.txt").read_text()
    )
    page = client.get(diagnosis.get_absolute_url()).content.decode()
    assert 'data-panel="ASA main mode"' in page
    assert "✗ stuck · 203.0.113.40" in page
    assert 'data-panel="IOS, IOS-XE and PIX 6"' not in page


def test_it_renders_inline_code_names_the_section_and_folds_the_syslog_count(
    client,
):
    """Backticks in a finding become <code>; the "Read:" link names the
    article and its section from the synced knowledge base; the catch-all
    syslog summary is folded into a <details> when other findings stand beside
    it, and open when it is all there is."""
    from django.core.management import call_command

    call_command("sync_articles", verbosity=0)
    text = (FIXTURES / "syslog" / "asa_show_logging_buffer.txt").read_text()
    diagnosis = analyzed(text)
    html = client.get(diagnosis.get_absolute_url()).content.decode()
    findings = diagnosis.report["findings"]
    assert len(findings) > 1
    n = next(i for i, f in enumerate(findings, 1) if f["code"] == "syslog.summary")
    assert re.search(
        rf'<details class="finding finding-folded [^"]*" id="finding-{n}"', html
    )
    capture = analyzed(
        (FIXTURES / "tcpdump" / "esp_one_way_and_smtp_resets_default.txt").read_text()
    )
    assert any("`" in f["detail"] for f in capture.report["findings"])
    page = client.get(capture.get_absolute_url()).content.decode()
    details = "".join(re.findall(r'<p class="detail">.*?</p>', page, re.S))
    assert "<code>show crypto ipsec sa</code>" in details and "`" not in details
    assert re.search(r"Read: <a href=\"/kb/[^\"]+\">[^<]+ › [^<]+</a>", html)

    alone = analyzed(
        "<166>Mar 12 10:10:10 fw01 %ASA-6-302013: Built outbound TCP connection 1 "
        "for outside:192.0.2.1/25 (192.0.2.1/25) to inside:10.0.0.5/4000 "
        "(10.0.0.5/4000)\n"
    )
    page = client.get(alone.get_absolute_url()).content.decode()
    assert "finding-folded" not in page
    assert "1 syslog message, 1 message ID" in page


def test_it_marks_and_lists_the_lines_it_did_not_recognise(client):
    """The ping output inside an IOS debug paste (lines 5-9) is marked in the
    numbered paste and listed with a jump link to each."""
    text = (FIXTURES / "ike_debug" / "ios_mm_no_state_no_answer.txt").read_text()
    diagnosis = analyzed(text)
    assert diagnosis.report["unparsed"] == [5, 6, 7, 8, 9]
    html = client.get(diagnosis.get_absolute_url()).content.decode()
    for n in (5, 6, 7, 8, 9):
        assert f'<span id="L{n}" class="unparsed">' in html
        assert f'<a href="#L{n}">line {n}</a>' in html
    assert '<span id="L4" class="unparsed">' not in html
    assert "<code>Type escape sequence to abort.</code>" in html
    assert '<span class="count">5</span>' in html


def test_it_offers_an_example_per_family_and_lists_what_it_reads(client):
    """The form page lists what the analyzer reads before anything is pasted
    and links one real example per family; following one fills the form (no
    script needed) with that output, redacted as stored."""
    from django.utils.html import escape

    from analyzer import registry
    from analyzer.redact import redact
    from analyzer.views import EXAMPLES, EXAMPLES_DIR

    page = client.get(ANALYZE).content.decode()
    for label in registry.supported():
        assert f"<li>{escape(label)}</li>" in page
    for key, label, name in EXAMPLES:
        assert f'<a href="?example={key}">{label}</a>' in page
        text = (EXAMPLES_DIR / name).read_text()
        assert redact(text) == text
    filled = client.get(ANALYZE + "?example=asa-debug").content.decode()
    assert "IKE_DECODE RESENDING Message" in filled
    assert 'value="Example: ASA IKE debug"' in filled
    assert client.get(ANALYZE + "?example=nonsense").status_code == 200


def test_it_keeps_file_names_as_headings_of_a_multi_file_upload(client):
    """Each uploaded file's name heads its part of the paste; the heading is
    read as a section break, not counted as unrecognised."""
    first = fixture("asa_isakmp_sa_mm_wait_msg4.txt")
    second = (FIXTURES / "ike_debug" / "asa_mm_wait_msg4_resending.txt").read_text()
    response = client.post(
        ANALYZE,
        {
            "files": [
                SimpleUploadedFile("hq-asa isakmp.txt", first.encode()),
                SimpleUploadedFile("hq-asa debug.log", second.encode()),
            ]
        },
    )
    assert response.status_code == 303
    diagnosis = Diagnosis.objects.get()
    lines = diagnosis.input_text.splitlines()
    assert lines[0] == "==> hq-asa isakmp.txt <=="
    assert "==> hq-asa debug.log <==" in lines
    analyze_diagnosis(diagnosis.id)
    diagnosis.refresh_from_db()
    assert diagnosis.report["unparsed_lines"] == 0
    kinds = {s["kind"] for s in diagnosis.report["sources"]}
    assert {"asa.show_crypto_isakmp_sa", "ike_debug"} <= kinds


def test_what_was_read_shows_no_python_reprs(client):
    """A debug's messages and a capture's packets are lists of records: the table
    writes them out as words, never as `{'type': ...}` or `True`."""
    for path in (
        FIXTURES / "ike_debug" / "asa_mm_wait_msg4_resending.txt",
        FIXTURES / "tcpdump" / "ike_one_way_n.txt",
    ):
        page = client.get(analyzed(path.read_text()).get_absolute_url())
        html = page.content.decode()
        read = html[html.index("What was read") :]
        for repr_mark in ("{&#x27;", "[{", "&#x27;: ", ">True<", ">False<", "None<"):
            assert repr_mark not in read, (path.name, repr_mark)
        assert "sent" in read or "packets" in read
