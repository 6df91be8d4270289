"""The diagnosis page's pictures and marks in Chromium, at 1280 and 390 px: the
verdict line for a stuck tunnel, the negotiation timeline of a debug paste, the
state graph reduced for an IOS paste, counter bars for a one-way SA, and an
unrecognised line marked and reachable from its list. Screenshots go to
UI_SHOTS (a folder outside the checkout) when it is set."""

import os
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from analyzer.models import Diagnosis
from analyzer.tasks import analyze_diagnosis
from tests.conftest import FIXTURES

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WIDTHS = {1280: 900, 390: 844}
SHOTS = os.getenv("UI_SHOTS")
AXE = Axe()


def done(*names: str) -> Diagnosis:
    text = "\n".join((FIXTURES / name).read_text() for name in names)
    diagnosis = Diagnosis.submit(text, title="Pictures")
    analyze_diagnosis(diagnosis.id)
    diagnosis.refresh_from_db()
    assert diagnosis.status == "done"
    return diagnosis


@pytest.fixture(params=list(WIDTHS), ids=lambda w: f"{w}px")
def screen(request, browser):
    width = request.param
    context = browser.new_context(viewport={"width": width, "height": WIDTHS[width]})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page, width
    context.close()


def shot(page, name: str, width: int, locator=None) -> None:
    if not SHOTS:
        return
    Path(SHOTS).mkdir(parents=True, exist_ok=True)
    path = str(Path(SHOTS) / f"{name}-{width}.png")
    if locator is not None:
        locator.screenshot(path=path)
    else:
        page.screenshot(path=path)


def no_sideways_scroll(page) -> None:
    overflow = page.evaluate(
        "document.scrollingElement.scrollWidth - window.innerWidth"
    )
    assert overflow <= 0, f"the page scrolls sideways by {overflow}px"


def test_the_timeline_of_a_debug_paste(live_server, screen):
    """An ASA debug stuck at MM_WAIT_MSG4: the verdict says so first, the
    timeline names the peer, draws the resends and where it stopped, fits the
    screen, and axe finds nothing serious."""
    page, width = screen
    diagnosis = done("ike_debug/asa_mm_wait_msg4_resending.txt")
    page.goto(live_server.url + diagnosis.get_absolute_url())
    verdict = page.locator(".verdict").first
    expect(verdict).to_contain_text("203.0.113.40")
    expect(verdict).to_contain_text("stuck")
    timeline = page.locator("svg.timeline").first
    expect(timeline).to_be_visible()
    expect(timeline.locator("text.tl-name")).to_have_text(
        ["address not shown", "203.0.113.40"]
    )
    expect(timeline.locator(".tl-resent")).to_have_count(3)
    expect(timeline).to_contain_text("Stopped at line 9")
    box = timeline.bounding_box()
    assert box["width"] <= width
    no_sideways_scroll(page)
    timeline.scroll_into_view_if_needed()
    shot(page, "timeline", width, page.locator(".timelines"))
    page.locator(".verdicts").scroll_into_view_if_needed()
    shot(page, "verdict-stuck", width)
    serious = [
        v["id"]
        for v in AXE.run(page).response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == []


def test_the_state_graph_of_an_ios_paste_is_reduced(live_server, screen):
    """An IOS `show crypto isakmp sa`: one panel, near the top of the graph,
    the stuck state framed and named with its peer, the healthy one too."""
    page, width = screen
    diagnosis = done("ike/ios124_show_crypto_isakmp_sa.txt")
    page.goto(live_server.url + diagnosis.get_absolute_url())
    graph = page.locator(".graph svg.state-graph")
    expect(graph.locator("g.panel")).to_have_count(1)
    expect(graph.locator("g.panel")).to_have_attribute(
        "data-panel", "IOS, IOS-XE and PIX 6"
    )
    stuck = graph.locator("a.stuck[data-state=MM_NO_STATE]")
    expect(stuck).to_contain_text("stuck · 192.0.2.10")
    expect(graph.locator("a.healthy[data-state=QM_IDLE]")).to_contain_text(
        "up · 203.0.113.9"
    )
    # All three panels stood about 2,000 px tall; the IOS one alone is a third.
    assert graph.bounding_box()["height"] < 800
    no_sideways_scroll(page)
    graph.scroll_into_view_if_needed()
    shot(page, "state-graph-ios", width, page.locator(".graph"))


def test_counter_bars_of_a_one_way_sa(live_server, screen):
    page, width = screen
    diagnosis = done("ipsec/asa_isakmp_then_ipsec_after_bare_prompt.txt")
    page.goto(live_server.url + diagnosis.get_absolute_url())
    bars = page.locator("svg.counter-bars")
    expect(bars).to_be_visible()
    expect(bars.locator("rect.bar-none")).to_have_count(1)
    expect(bars).to_contain_text("0 — none")
    expect(page.locator(".verdict").first).to_contain_text("out only")
    no_sideways_scroll(page)
    bars.scroll_into_view_if_needed()
    shot(page, "counter-bars-one-way", width, page.locator(".counters"))


def test_an_unrecognised_line_is_marked_and_reachable(live_server, screen):
    """The ping output in an IOS debug paste is listed; its link jumps to the
    line, which is marked in the paste."""
    page, width = screen
    diagnosis = done("ike_debug/ios_mm_no_state_no_answer.txt")
    page.goto(live_server.url + diagnosis.get_absolute_url())
    listed = page.locator(".unrecognised a[href='#L5']")
    expect(listed).to_be_visible()
    listed.click()
    assert page.url.endswith("#L5")
    line = page.locator("#L5")
    expect(line).to_have_class("unparsed")
    expect(line).to_be_in_viewport()
    no_sideways_scroll(page)
    shot(page, "unrecognised-line", width)
    page.locator(".finding").first.scroll_into_view_if_needed()
    shot(page, "findings-compact", width)


def test_the_paste_form_fills_an_example_and_takes_a_dropped_file(
    live_server, screen, tmp_path
):
    """One click on an example fills the form; a file dropped on the drop zone
    is taken by the file input and named under it."""
    page, width = screen
    page.goto(live_server.url + "/analyze/")
    expect(page.locator(".supported-list li").first).to_be_visible()
    page.get_by_role("link", name="tcpdump").click()
    expect(page.locator("textarea[name=text]")).to_have_value(
        (
            Path(__file__).parents[2]
            / "analyzer"
            / "examples"
            / "tcpdump_ike_one_way.txt"
        ).read_text()
    )
    no_sideways_scroll(page)
    shot(page, "paste-form", width)
    handle = page.evaluate_handle(
        """() => { const dt = new DataTransfer();
        dt.items.add(new File(["ASA# show crypto isakmp sa\\n"], "hq.log", {type: "text/plain"}));
        return dt; }"""
    )
    page.dispatch_event("#drop-zone", "drop", {"dataTransfer": handle})
    expect(page.locator("#dropped-files li")).to_have_text("hq.log")
    assert (
        page.evaluate(
            "document.querySelector('#paste-form input[type=file]').files.length"
        )
        == 1
    )
