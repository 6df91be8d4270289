"""The knowledge base as a guide, in Chromium at desktop and phone widths: the
search address survives Back, topics and previous/next lead on, heading links
work, and article pages fit a phone."""

import io

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

pytestmark = [pytest.mark.e2e]

WIDTHS = {"desktop": (1280, 900), "phone": (390, 844)}


@pytest.fixture
def kb(transactional_db):
    call_command("sync_articles", stdout=io.StringIO())


@pytest.fixture(params=list(WIDTHS))
def sized(request, browser):
    w, h = WIDTHS[request.param]
    context = browser.new_context(viewport={"width": w, "height": h})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield request.param, page
    context.close()


def test_a_typed_search_survives_opening_a_result_and_going_back(
    kb, live_server, sized
):
    """Type, open the first result, press Back: the query is in the box and in
    the address, and the results are shown again."""
    _width, page = sized
    page.goto(live_server.url + "/")
    box = page.get_by_role("searchbox", name="Search the knowledge base")
    box.press_sequentially("MM_WAIT_MSG4", delay=20)
    page.wait_for_url("**/search/?q=MM_WAIT_MSG4")
    first = page.locator("#search-results a.result-title").first
    expect(first).to_have_attribute("href", "/kb/mm-wait-msg4/")
    first.click()
    page.wait_for_url("**/kb/mm-wait-msg4/")
    page.go_back()
    page.wait_for_url("**/search/?q=MM_WAIT_MSG4")
    expect(
        page.get_by_role("searchbox", name="Search the knowledge base")
    ).to_have_value("MM_WAIT_MSG4")
    expect(page.locator("#search-results a.result-title").first).to_have_attribute(
        "href", "/kb/mm-wait-msg4/"
    )
    marks = page.locator("#search-results mark").all_inner_texts()
    assert marks and set(marks) == {"MM_WAIT_MSG4"}, marks


def test_a_search_address_can_be_shared(kb, live_server, sized):
    _width, page = sized
    page.goto(live_server.url + "/search/?q=713904")
    expect(page.locator("#search-results a.result-title").first).to_have_attribute(
        "href", "/kb/ike-debug-invalid-cookie/"
    )


def test_the_home_page_leads_by_topic_and_articles_lead_on(kb, live_server, sized):
    """From the topic list to a topic, into its first article, on with Next and
    back with Previous; the breadcrumb names the topic."""
    _width, page = sized
    page.goto(live_server.url + "/")
    page.get_by_role("navigation", name="Topics").get_by_role(
        "link", name="IKEv1"
    ).click()
    section = page.locator("#topic-ikev1")
    expect(section).to_be_in_viewport()
    section.locator("a.article-title").first.click()
    page.wait_for_url("**/kb/isakmp-states/")
    crumbs = page.get_by_role("navigation", name="Breadcrumb")
    expect(crumbs).to_contain_text("IKEv1")
    pager = page.get_by_role("navigation", name="More in IKEv1")
    expect(pager.locator("a.prev")).to_have_count(0)
    pager.locator("a.next").click()
    page.wait_for_url("**/kb/phase1-errors/")
    page.get_by_role("navigation", name="More in IKEv1").locator("a.prev").click()
    page.wait_for_url("**/kb/isakmp-states/")


def test_a_heading_link_puts_the_section_in_the_address(kb, live_server, sized):
    _width, page = sized
    page.goto(live_server.url + "/kb/mm-wait-msg4/")
    heading = page.locator("h2#missing-tunnel-group")
    link = heading.locator("a.heading-link")
    expect(link).to_be_visible()
    link.click()
    page.wait_for_url("**/kb/mm-wait-msg4/#missing-tunnel-group")
    expect(heading).to_be_in_viewport()


def _article_slugs():
    from tests.kb.conftest import content_files

    return [p.stem for p in content_files()]


def test_no_article_scrolls_sideways_on_a_phone(kb, live_server, browser):
    """At 390 px no article page is wider than the screen (wide terminal blocks
    and tables scroll inside themselves), and its table of contents is closed."""
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    try:
        for slug in _article_slugs():
            page.goto(f"{live_server.url}/kb/{slug}/")
            overflow = page.evaluate(
                "document.scrollingElement.scrollWidth - window.innerWidth"
            )
            assert overflow <= 0, f"{slug} scrolls sideways by {overflow}px"
            toc = page.locator("nav.toc details")
            if toc.count():
                assert toc.evaluate("d => d.open") is False, slug
                expect(page.locator("nav.toc ol").first).to_be_hidden()
    finally:
        context.close()


def test_the_table_of_contents_opens_beside_the_text_on_a_wide_screen(
    kb, live_server, browser
):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        page.goto(live_server.url + "/kb/mm-wait-msg4/")
        expect(page.locator("nav.toc ol").first).to_be_visible()
        assert page.locator("nav.toc details").evaluate("d => d.open") is True
    finally:
        context.close()


def test_the_state_table_reads_whole_names_on_a_phone(kb, live_server, sized):
    """Every state name in the ISAKMP table sits on one line, every cell is
    inside the screen, and the page does not scroll sideways."""
    _width, page = sized
    page.goto(live_server.url + "/kb/isakmp-states/")
    table = page.locator("table.states")
    table.scroll_into_view_if_needed()
    names = page.locator("table.states code")
    assert names.count() >= 15
    split = names.evaluate_all(
        "els => els.filter(e => e.getClientRects().length !== 1)"
        ".map(e => e.textContent)"
    )
    assert split == []
    # A name is as wide as its text on one line: nothing wrapped inside it.
    squeezed = names.evaluate_all(
        "els => els.filter(e => e.scrollWidth > e.getBoundingClientRect().width + 1)"
        ".map(e => e.textContent)"
    )
    assert squeezed == []
    outside = page.locator("table.states td").evaluate_all(
        "tds => tds.filter(td => td.getBoundingClientRect().right"
        " > window.innerWidth + 0.5).length"
    )
    assert outside == 0
    assert (
        page.evaluate("document.scrollingElement.scrollWidth - window.innerWidth") <= 0
    )
    last = page.locator("table.states tbody tr").first.locator("td").last
    expect(last).to_be_visible()
    expect(last).to_contain_text("Initiator sent message 1")


def test_tag_and_topic_pages_have_no_serious_accessibility_violation(
    kb, live_server, sized
):
    from tests.e2e.test_accessibility import AXE, serious

    _width, page = sized
    for path in ("/kb/tag/phase1/", "/kb/vpn-encaps-no-decaps/", "/#topic-ikev2"):
        page.goto(live_server.url + path)
        assert serious(AXE.run(page)) == [], path
