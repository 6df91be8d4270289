"""A team's day in Chromium: the owner signs in and submits into the team, a
teammate finds the diagnosis on the team's page and adds a note, an outsider
gets 404, the owner deletes it. Live server, real worker, real sign-in."""

import io
import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth.models import User
from django.core.management import call_command
from playwright.sync_api import expect

from accounts.models import Membership, Team
from analyzer.models import Diagnosis
from tests.conftest import FIXTURES
from tests.worker_helpers import Broker, Worker

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True),
]

PASSWORD = "correct horse battery 42"


@pytest.fixture
def team(db):
    team = Team.objects.create(name="Network operations", slug="netops")
    for name, role in (("olga", "member"), ("tariq", "member")):
        user = User.objects.create_user(name, password=PASSWORD)
        Membership.objects.create(team=team, user=user, role=role)
    outsider = User.objects.create_user("mallory", password=PASSWORD)
    Membership.objects.create(
        team=Team.objects.create(name="Mail", slug="mail"), user=outsider
    )
    return team


def signed_in(browser, base: str, name: str):
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", name)
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/accounts/")
    return page


def test_a_team_shares_a_diagnosis_and_its_owner_deletes_it(
    live_server, browser, team, tmp_path
):
    call_command("sync_articles", stdout=io.StringIO())
    base = live_server.url
    paste = (FIXTURES / "web" / "asa_isakmp_sa_mm_wait_msg4.txt").read_text()
    with Broker("filesystem", tmp_path) as broker, Worker(broker, tmp_path):
        olga = signed_in(browser, base, "olga")
        olga.goto(f"{base}/analyze/")
        olga.select_option("select[name=team]", label="Network operations")
        olga.fill("textarea[name=text]", paste)
        olga.get_by_role("button", name="Analyze").click()
        olga.wait_for_url(re.compile(r"/d/[A-Za-z0-9_-]{32}/$"))
        permalink = olga.url
        expect(olga.locator(".finding", has_text="MM_WAIT_MSG4")).to_be_visible(
            timeout=90_000
        )
        expect(olga.locator(".diagnosis-tools")).to_contain_text(
            "Readable by the team's members only"
        )

        tariq = signed_in(browser, base, "tariq")
        tariq.goto(f"{base}/teams/netops/")
        row = tariq.get_by_role("link", name="MM_WAIT_MSG4 with 203.0.113.50")
        expect(row).to_be_visible()
        assert serious_violations(tariq) == []
        row.click()
        tariq.wait_for_url(permalink)
        tariq.fill("textarea[name=body]", "Their end drops **UDP 500**; ticket 4411.")
        tariq.get_by_role("button", name="Add the note").click()
        note = tariq.locator("article.note")
        expect(note).to_contain_text("Their end drops UDP 500")
        expect(note.locator("strong")).to_have_text("UDP 500")
        # The owner's page shows it too, and the team's list counts it.
        olga.reload()
        expect(olga.locator("article.note")).to_contain_text("ticket 4411")
        tariq.goto(f"{base}/teams/netops/")
        expect(tariq.get_by_role("link", name="1 note")).to_be_visible()

        mallory = signed_in(browser, base, "mallory")
        answer = mallory.goto(permalink)
        assert answer.status == 404
        expect(mallory.locator("h1")).to_have_text("Not found")
        assert mallory.goto(permalink + "raw").status == 404

        olga.goto(permalink)
        olga.locator("summary", has_text="Rename, share, delete").click()
        olga.get_by_role("link", name="Delete this diagnosis…").click()
        expect(olga.locator("h1")).to_contain_text("Delete")
        olga.get_by_role("button", name="Delete it").click()
        olga.wait_for_url(f"{base}/teams/netops/")
        assert not Diagnosis.objects.exists()
        assert tariq.goto(permalink).status == 404


def serious_violations(page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{v['id']}: {v['help']}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize("width", [1280, 390])
def test_the_team_pages_pass_axe_and_fit_a_phone(live_server, browser, team, width):
    """Sign-in, the account page, the team's page and a team diagnosis with its
    tools open: no serious axe violation, nothing wider than the screen."""
    from analyzer.tasks import analyze_diagnosis

    olga = User.objects.get(username="olga")
    team.memberships.filter(user=olga).update(role="admin")
    paste = (FIXTURES / "web" / "asa_isakmp_sa_mm_wait_msg4.txt").read_text()
    diagnosis = Diagnosis.submit(paste, owner=olga, team=team, visibility="team")
    analyze_diagnosis(diagnosis.id)
    base = live_server.url
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    try:
        for path in ("/accounts/login/",):
            page.goto(base + path)
            assert serious_violations(page) == [], path
        page.fill("input[name=username]", "olga")
        page.fill("input[name=password]", PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(f"{base}/accounts/")
        for path in ("/accounts/", "/teams/netops/", diagnosis.get_absolute_url()):
            page.goto(base + path)
            for summary in page.locator(".diagnosis-tools summary").all():
                summary.click()
            assert serious_violations(page) == [], path
            overflow = page.evaluate(
                "document.scrollingElement.scrollWidth - window.innerWidth"
            )
            assert overflow <= 0, f"{path} scrolls sideways by {overflow}px"
    finally:
        context.close()
