"""The paste page and the permalink in Chromium: without JavaScript, with a large
upload, and with a big mixed diagnosis on a wide and a phone-sized screen."""

import re

import pytest
from playwright.sync_api import expect

from analyzer.models import Diagnosis
from analyzer.redact import redact
from analyzer.tasks import analyze_diagnosis
from tests.conftest import FIXTURES

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# Device output of every kind the analyzer reads (the encodings and secrets
# folders hold no device output of their own).
MIXED = (
    "ike",
    "ipsec",
    "asp",
    "packet_tracer",
    "ike_debug",
    "syslog",
    "tcpdump",
    "config",
    "mail",
    "sessiondb",
    "qa_logs",
    "qa_vpn",
)


def mixed_paste(size: int) -> str:
    texts = [
        path.read_text(encoding="utf-8", errors="replace")
        for folder in MIXED
        for path in sorted((FIXTURES / folder).glob("*.txt"))
    ]
    texts = [t if t.endswith("\n") else t + "\n" for t in texts]
    parts, total, i = [], 0, 0
    while total + len(texts[i % len(texts)]) <= size:
        parts.append(texts[i % len(texts)])
        total += len(parts[-1])
        i += 1
    return "".join(parts)


def done(text: str) -> Diagnosis:
    diagnosis = Diagnosis.objects.create(
        title="Big mixed paste", input_text=redact(text)
    )
    analyze_diagnosis(diagnosis.id)
    diagnosis.refresh_from_db()
    assert diagnosis.status == "done"
    return diagnosis


def test_it_works_without_javascript(live_server, browser):
    """With JavaScript off the form posts normally, the permalink refreshes itself
    while queued, and shows the findings once the analysis is done."""
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        paste = (FIXTURES / "web" / "asa_isakmp_sa_mm_wait_msg4.txt").read_text()
        page.goto(f"{live_server.url}/analyze/")
        page.fill("textarea[name=text]", paste)
        page.click("button[type=submit]")
        page.wait_for_url(re.compile(r"/d/[A-Za-z0-9_-]{32}/$"))
        expect(page.locator("#status")).to_contain_text("Queued")
        diagnosis = Diagnosis.objects.get()
        analyze_diagnosis(diagnosis.id)
        # Only the meta refresh can bring the result in: no script runs.
        finding = page.locator(".finding", has_text="MM_WAIT_MSG4").first
        expect(finding).to_be_visible(timeout=10_000)
        expect(page.locator("#L13")).to_have_class(re.compile(r"\bevidence\b"))
        page.locator('a[href="#L13"]').first.click()
        assert page.url.endswith("#L13")
    finally:
        context.close()


def test_it_shows_upload_progress_for_a_large_file(live_server, page, tmp_path):
    """Uploading a large log through htmx shows the progress bar with a
    percentage before the browser is sent to the permalink."""
    log = tmp_path / "asa-session.log"
    log.write_text(mixed_paste(1_500_000))
    page.goto(f"{live_server.url}/analyze/")
    page.evaluate(
        """() => {
        window.seen = [];
        const bar = document.getElementById("upload-progress");
        new MutationObserver(() => {
          window.seen.push([bar.hidden, bar.value,
            document.getElementById("upload-percent").textContent]);
          sessionStorage.setItem("seen", JSON.stringify(window.seen));
        }).observe(bar, {attributes: true});
      }"""
    )
    page.set_input_files("input[name=files]", str(log))
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/d/[A-Za-z0-9_-]{32}/$"))
    seen = page.evaluate("JSON.parse(sessionStorage.getItem('seen') || '[]')")
    assert any(hidden is False for hidden, _, _ in seen), seen
    assert any(value == 100 for _, value, _ in seen), seen
    assert Diagnosis.objects.get().input_text.count("\n") > 10_000


def test_it_copies_the_permalink_and_downloads_the_raw_text(live_server, page):
    """Copy link puts the absolute permalink on the clipboard; the download link
    gives the redacted paste as a text/plain attachment."""
    diagnosis = done((FIXTURES / "web" / "asa_config_with_secrets.txt").read_text())
    page.context.grant_permissions(
        ["clipboard-read", "clipboard-write"], origin=live_server.url
    )
    page.goto(f"{live_server.url}/d/{diagnosis.id}/")
    copy = page.locator("button.copy[data-copy]")
    expect(copy).to_have_text("Copy link")
    copy.click()
    expect(copy).to_have_text("Copied")
    assert page.evaluate("navigator.clipboard.readText()") == page.url

    with page.expect_download() as info:
        page.get_by_role("link", name="Download the (redacted) paste").click()
    download = info.value
    assert download.suggested_filename == f"tshoot-{diagnosis.id}.txt"
    assert open(download.path(), encoding="utf-8").read() == diagnosis.input_text
    response = page.request.get(f"{live_server.url}/d/{diagnosis.id}/raw")
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    assert response.headers["content-disposition"].startswith("attachment;")
    assert "Br4nch12-Tunnel-Key!" not in response.text()


@pytest.mark.parametrize("width", [1280, 390])
def test_it_keeps_a_big_mixed_diagnosis_inside_the_screen(
    live_server, browser, width, tmp_path
):
    """A 2 MiB mixed paste's permalink: the page never scrolls sideways, long
    lines scroll inside the paste box, the last line is reachable by its
    anchor, and clicking a finding highlights its lines."""
    diagnosis = done(mixed_paste(2 * 1024 * 1024))
    lines = diagnosis.input_text.splitlines()
    longest = max(range(len(lines)), key=lambda i: len(lines[i])) + 1
    assert len(lines[longest - 1]) > 300
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(30_000)
    try:
        page.goto(f"{live_server.url}/d/{diagnosis.id}/")
        page.screenshot(path=str(tmp_path / f"permalink-{width}.png"))
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - window.innerWidth"
        )
        assert overflow <= 0, f"page is {overflow}px wider than the screen"
        paste = page.locator("#paste")
        assert paste.evaluate("p => p.clientWidth <= window.innerWidth")
        page.locator(".sources").scroll_into_view_if_needed()
        page.screenshot(path=str(tmp_path / f"permalink-{width}-tables.png"))

        # The longest line scrolls inside the box; the page stays put.
        page.goto(f"{live_server.url}/d/{diagnosis.id}/#L{longest}")
        expect(page.locator(f"#L{longest}")).to_be_in_viewport()
        assert paste.evaluate("p => p.scrollWidth > p.clientWidth")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.screenshot(path=str(tmp_path / f"permalink-{width}-long.png"))

        page.goto(f"{live_server.url}/d/{diagnosis.id}/#L{len(lines)}")
        last = page.locator(f"#L{len(lines)}")
        expect(last).to_be_in_viewport()
        page.screenshot(path=str(tmp_path / f"permalink-{width}-end.png"))

        # Last: the smooth scroll to the finding's lines must not race a jump.
        finding = page.locator(".finding[data-lines]").first
        first_line = finding.get_attribute("data-lines").split()[0]
        finding.locator("h4").click()
        expect(page.locator(f"#L{first_line}")).to_have_class(re.compile(r"\bfocus\b"))
        expect(page.locator(f"#L{first_line}")).to_be_in_viewport()
    finally:
        context.close()


def test_it_says_so_when_the_form_is_refused_for_csrf(live_server, page):
    """If the CSRF cookie is gone (expired, cleared) the htmx post is refused
    with 403: the form says to reload instead of doing nothing, and nothing is
    stored. A refusal with a message (empty paste) still swaps the form in."""
    page.goto(f"{live_server.url}/analyze/")
    page.click("button[type=submit]")
    expect(page.locator("#paste-form .error[role=alert]")).to_contain_text("empty")

    page.context.clear_cookies()
    paste = (FIXTURES / "web" / "asa_isakmp_sa_mm_wait_msg4.txt").read_text()
    page.fill("textarea[name=text]", paste)
    page.click("button[type=submit]")
    alert = page.locator("#paste-form .error[role=alert]")
    expect(alert).to_contain_text("Reload the page")
    expect(page.locator("button[type=submit]")).to_be_enabled()
    assert page.url == f"{live_server.url}/analyze/"
    assert not Diagnosis.objects.exists()
