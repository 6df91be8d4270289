import io

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

pytestmark = [pytest.mark.e2e]


@pytest.fixture
def kb(transactional_db):
    call_command("sync_articles", stdout=io.StringIO())


def test_it_opens_an_article_from_the_home_page(kb, live_server, page):
    """An article link on the home page opens the article with its contents."""
    page.goto(live_server.url + "/")
    page.locator("ul.article-list a", has_text="Tunnel stuck at MM_WAIT_MSG4").click()
    page.wait_for_url("**/kb/mm-wait-msg4/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("MM_WAIT_MSG4")
    expect(page.locator("nav.toc")).to_be_visible()
    expect(page.locator("a.button[href='/analyze/']")).to_be_visible()


def test_it_jumps_to_a_state_section_from_the_graph(kb, live_server, page):
    """Clicking a state box in the graph lands on that state's section."""
    page.set_viewport_size({"width": 390, "height": 844})  # a phone
    page.goto(live_server.url + "/kb/isakmp-states/")
    box = page.locator('svg.state-graph a[data-state="MM_WAIT_MSG4"]')
    box.scroll_into_view_if_needed()
    box.click()
    page.wait_for_url("**/kb/isakmp-states/#mm_wait_msg4")
    expect(page.locator("#mm_wait_msg4")).to_be_in_viewport()

    page.locator('svg.state-graph a[data-state="QM_IDLE"]').click()
    page.wait_for_url("**/kb/isakmp-states/#qm_idle")
    expect(page.locator("#qm_idle")).to_be_in_viewport()


def test_it_adds_a_copy_button_to_command_blocks(kb, live_server, page):
    """Every terminal block gets a Copy button that copies its text."""
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto(live_server.url + "/kb/phase1-errors/")
    blocks = page.locator("pre.cli")
    assert blocks.count() > 0
    expect(page.locator(".cli-wrap > button.copy")).to_have_count(blocks.count())
    button = page.locator(".cli-wrap > button.copy").first
    button.click()
    expect(button).to_have_text("Copied")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == blocks.first.locator("code").inner_text().rstrip("\n")
