"""axe-core over the pages a user meets first, at desktop and phone widths: no
serious or critical violation, and nothing wider than a phone's screen."""

import io

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command

from analyzer.models import Diagnosis
from analyzer.tasks import analyze_diagnosis
from tests.conftest import FIXTURES

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

AXE = Axe()
WIDTHS = {"desktop": (1280, 900), "phone": (390, 844)}


@pytest.fixture
def site(live_server):
    call_command("sync_articles", stdout=io.StringIO())
    text = (FIXTURES / "web" / "asa_config_with_secrets.txt").read_text()
    diagnosis = Diagnosis.submit(text, title="HQ firewall")
    analyze_diagnosis(diagnosis.id)
    return live_server.url, diagnosis


PAGES = {
    "home": "/",
    "article": "/kb/isakmp-states/",
    "search": "/search/?q=MM_WAIT_MSG4",
    "paste form": "/analyze/",
    "api docs": "/api/",
    "not found": "/no/such/page/",
}


def serious(results) -> list[str]:
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(n["target"][0] for n in v["nodes"][:3])
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", [*PAGES, "diagnosis"])
def test_pages_have_no_serious_accessibility_violation(site, browser, name, width):
    base, diagnosis = site
    w, h = WIDTHS[width]
    context = browser.new_context(viewport={"width": w, "height": h})
    page = context.new_page()
    try:
        path = diagnosis.get_absolute_url() if name == "diagnosis" else PAGES[name]
        page.goto(base + path)
        page.wait_for_load_state("networkidle")
        assert serious(AXE.run(page)) == []
        overflow = page.evaluate(
            "document.scrollingElement.scrollWidth - window.innerWidth"
        )
        assert overflow <= 0, f"{name} scrolls sideways by {overflow}px at {w}px"
    finally:
        context.close()
