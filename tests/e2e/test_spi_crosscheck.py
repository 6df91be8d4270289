"""A mixed ASA paste (packet-tracer, asp table, ipsec sa) whose encrypt context
carries an old SPI: the diagnosis page shows the SPI cross-check and the asp
command to run, ready to copy. In Chromium, against the live server and a real
worker on the filesystem broker."""

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

COMMAND = "show asp table vpn-context detail | begin 13C4C"


def test_it_shows_the_spi_mismatch_and_the_command_to_copy(live_server, page, tmp_path):
    """Submitting the paste on /analyze/ leads to the permalink, where the warning
    names both SPIs and the user_data finding offers `... | begin 13C4C` with a
    copy button that puts exactly that command on the clipboard."""
    call_command("sync_articles", verbosity=0)
    paste = (FIXTURES / "asp" / "spi_mismatch_mixed.txt").read_text()
    page.context.grant_permissions(
        ["clipboard-read", "clipboard-write"], origin=live_server.url
    )
    with Broker("filesystem", tmp_path) as broker, Worker(broker, tmp_path):
        page.goto(f"{live_server.url}/analyze/")
        page.fill("textarea[name=text]", paste)
        page.click("button[type=submit]")
        page.wait_for_url(re.compile(r"/d/[A-Za-z0-9_-]{32}/$"))

        mismatch = page.locator(
            ".finding.sev-warning", has_text="not the SA's current outbound SPI"
        )
        expect(mismatch).to_be_visible(timeout=90_000)
    expect(mismatch).to_contain_text("3B9F0A12")
    expect(mismatch).to_contain_text("C7A1D2E4")
    expect(mismatch.locator("p.more a")).to_have_attribute(
        "href", "/kb/asa-vpn-asp-table/#spi-mismatch"
    )

    user_data = page.locator(".finding", has_text="encrypted by VPN context 13C4C")
    # The next commands are one block, the first to run first; Copy takes them all.
    command = user_data.locator("pre.cli", has_text=COMMAND)
    expect(command).to_have_text(re.compile("^" + re.escape(COMMAND) + "\n"))
    copy = command.locator("xpath=..").locator("button.copy")
    expect(copy).to_be_visible()
    copy.click()
    expect(copy).to_have_text("Copied")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.splitlines()[0] == COMMAND
    assert copied.strip() == command.text_content().strip()
