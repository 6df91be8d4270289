"""Paste, watch the diagnosis finish, follow the finding to its article section:
in Chromium, against the live server and a real worker on the filesystem broker."""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from tests.conftest import FIXTURES
from tests.worker_helpers import Broker, Worker

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True),
]


def test_it_takes_a_paste_to_the_article_section(live_server, page, tmp_path):
    """An ASA `show crypto isakmp sa` with a peer at MM_WAIT_MSG4 is pasted and
    submitted; the permalink shows "queued", then the finding appears without a
    reload once a worker runs; clicking the finding highlights its lines, and its
    "Read:" link, naming the article and section, lands on the state's section."""
    call_command("sync_articles", verbosity=0)
    paste = (FIXTURES / "web" / "asa_isakmp_sa_mm_wait_msg4.txt").read_text()
    with Broker("filesystem", tmp_path) as broker:
        page.goto(f"{live_server.url}/analyze/")
        page.fill("input[name=title]", "HQ to branch 12")
        page.fill("textarea[name=text]", paste)
        page.click("button[type=submit]")
        page.wait_for_url(re.compile(r"/d/[A-Za-z0-9_-]{32}/$"))
        permalink = page.url
        expect(page.locator("#status")).to_contain_text("Queued")

        reloads = []
        page.on(
            "framenavigated",
            lambda frame: (
                reloads.append(frame.url) if frame == page.main_frame else None
            ),
        )
        # Only now does a worker exist: the result has to arrive by polling.
        with Worker(broker, tmp_path):
            finding = page.locator(".finding.sev-warning", has_text="MM_WAIT_MSG4")
            expect(finding).to_be_visible(timeout=90_000)
        assert reloads == []
        assert page.url == permalink

        expect(finding).to_contain_text("peer 203.0.113.50")
        expect(page.locator("#L13")).to_have_class(re.compile(r"\bevidence\b"))
        finding.locator("h4").click()
        expect(page.locator("#L13")).to_have_class(re.compile(r"\bfocus\b"))
        expect(finding.locator("pre.cli").first).to_be_visible()
        expect(page.locator(".graph svg")).to_be_visible()

        read = finding.locator("p.more a")
        expect(read).to_contain_text("›")
        read.click()
        page.wait_for_url(re.compile(r"/kb/isakmp-states/#mm_wait_msg4$"))
        section = page.locator("#mm_wait_msg4")
        expect(section).to_contain_text("MM_WAIT_MSG4")
        expect(section).to_be_in_viewport()
