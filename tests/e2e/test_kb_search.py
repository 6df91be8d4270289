import io

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

pytestmark = [pytest.mark.e2e]


@pytest.fixture
def kb(transactional_db):
    call_command("sync_articles", stdout=io.StringIO())


def test_it_updates_results_as_the_user_types_without_a_page_load(
    kb, live_server, page
):
    """Typing in the home page's search box fills in results in place: the page
    is never reloaded, and the address shows the query (/search/?q=)."""
    page.goto(live_server.url + "/")
    page.evaluate("window.__samePage = true")
    navigations = []
    page.on(
        "framenavigated",
        lambda frame: (
            navigations.append(frame.url) if frame == page.main_frame else None
        ),
    )

    box = page.get_by_role("searchbox", name="Search the knowledge base")
    box.press_sequentially("MM_WAIT_MSG4", delay=30)
    first = page.locator("#search-results ol.results li").first
    expect(first.locator("a.result-title")).to_have_attribute(
        "href", "/kb/mm-wait-msg4/"
    )
    expect(first.locator("mark").first).to_be_visible()

    box.fill("ironport receiving aborted")
    expect(page.locator("#search-results a.result-title").first).to_have_attribute(
        "href", "/kb/ironport-esmtp-inspection/"
    )
    assert page.evaluate("window.__samePage") is True
    # Only the address changed (history.replaceState), no document was loaded.
    assert page.evaluate("performance.getEntriesByType('navigation').length") == 1
    typed = ["MM_WAIT_MSG4"[:n] for n in range(1, 13)] + ["ironport+receiving+aborted"]
    assert set(navigations) <= {live_server.url + "/"} | {
        live_server.url + "/search/?q=" + q for q in typed
    }
    assert page.url == live_server.url + "/search/?q=ironport+receiving+aborted"


def test_it_falls_back_to_the_results_page_on_enter(kb, live_server, page):
    """Submitting the form goes to /search/?q=, a page of its own."""
    page.goto(live_server.url + "/")
    box = page.get_by_role("searchbox", name="Search the knowledge base")
    box.fill("713904")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url("**/search/?q=713904")
    expect(page.locator("#search-results a.result-title").first).to_have_attribute(
        "href", "/kb/ike-debug-invalid-cookie/"
    )


def test_the_not_found_page_searches_as_the_user_types(kb, live_server, page):
    """The 404 page's search box fills in results in place too, with no htmx
    target error, and the page asks for no missing favicon."""
    errors, missing = [], []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on(
        "response",
        lambda r: (
            missing.append(r.url) if r.status == 404 and "/nope/" not in r.url else None
        ),
    )
    page.goto(live_server.url + "/nope/")
    box = page.get_by_role("searchbox", name="Search the knowledge base")
    box.press_sequentially("INVALID_COOKIE", delay=30)
    expect(page.locator("#search-results a.result-title").first).to_have_attribute(
        "href", "/kb/ike-debug-invalid-cookie/"
    )
    assert not [e for e in errors if "targetError" in e or "htmx" in e], errors
    assert missing == []
