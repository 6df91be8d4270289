"""Single sign-on end to end: tshoot and a real OpenID Connect provider (a second
Django site running django-oidc-provider) each in a process of its own, and
Chromium signing in through the provider's own login page: authorization code
flow, RS256 ID token checked against the provider's JWKS, user info."""

import os
import signal
import socket
import subprocess
import sys
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import expect

from tests.worker_helpers import test_database_url, wait_for

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parent.parent.parent
CLIENT_ID, CLIENT_SECRET = "tshoot-test", "tshoot-test-secret-" + "s" * 20
PERSON = ("nadia", "provider password 77", "nadia@example.net")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5):
            return True
    except urllib.error.HTTPError:
        return True  # it answered
    except OSError:
        return False


@contextmanager
def process(command, env, log: Path):
    with log.open("wb") as out:
        child = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            yield child
        finally:
            if child.poll() is None:
                os.killpg(child.pid, signal.SIGTERM)
                try:
                    child.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    os.killpg(child.pid, signal.SIGKILL)
                    child.wait()


@pytest.fixture
def provider_and_site(tmp_path):
    op_port, rp_port = free_port(), free_port()
    op = f"http://localhost:{op_port}"
    rp = f"http://127.0.0.1:{rp_port}"
    base_env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    op_env = {
        **base_env,
        "DJANGO_SETTINGS_MODULE": "tests.oidc_provider_site.settings",
        "OP_DATA_DIR": str(tmp_path),
        "OP_SITE_URL": op,
        "PYTHONPATH": str(ROOT),
    }
    subprocess.run(
        [
            sys.executable,
            "-m",
            "tests.oidc_provider_site.setup",
            f"{rp}/oidc/callback/",
            CLIENT_ID,
            CLIENT_SECRET,
            *PERSON,
        ],
        cwd=ROOT,
        env=op_env,
        check=True,
        timeout=120,
    )
    rp_env = {
        **base_env,
        "DJANGO_SETTINGS_MODULE": "tshoot.settings",
        "DEBUG": "1",
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": test_database_url(),
        "TSHOOT_DATA_DIR": str(tmp_path / "site"),
        "OIDC_RP_CLIENT_ID": CLIENT_ID,
        "OIDC_RP_CLIENT_SECRET": CLIENT_SECRET,
        "OIDC_OP_AUTHORIZATION_ENDPOINT": f"{op}/openid/authorize",
        "OIDC_OP_TOKEN_ENDPOINT": f"{op}/openid/token",
        "OIDC_OP_USER_ENDPOINT": f"{op}/openid/userinfo",
        "OIDC_OP_JWKS_ENDPOINT": f"{op}/openid/jwks",
        "OIDC_PROVIDER_NAME": "Example IdP",
    }
    runserver = ["runserver", "--noreload", "--nothreading"]
    with (
        process(
            [sys.executable, "-m", "django", *runserver, f"localhost:{op_port}"],
            op_env,
            tmp_path / "op.log",
        ),
        process(
            [sys.executable, "manage.py", *runserver, f"127.0.0.1:{rp_port}"],
            rp_env,
            tmp_path / "rp.log",
        ),
    ):
        wait_for(lambda: answers(f"{op}/openid/jwks"), 60, "the provider")
        wait_for(lambda: answers(f"{rp}/accounts/login/"), 60, "the site")
        yield op, rp, tmp_path


def test_it_signs_in_through_the_openid_connect_provider(provider_and_site, browser):
    """A first sign-in makes the account (the provider's username and address);
    a second finds the same account; the password sign-in is still offered."""
    op, rp, logs = provider_and_site
    for attempt in (1, 2):
        context = browser.new_context()
        page = context.new_page()
        page.set_default_timeout(20_000)
        try:
            page.goto(f"{rp}/accounts/login/")
            expect(page.locator("input[name=password]")).to_be_visible()
            page.get_by_role("link", name="Sign in with Example IdP").click()
            page.wait_for_url(f"{op}/accounts/login/**")
            page.fill("input[name=username]", PERSON[0])
            page.fill("input[name=password]", PERSON[1])
            page.get_by_role("button", name="Log in to the provider").click()
            page.wait_for_url(f"{rp}/accounts/", timeout=30_000)
            expect(page.locator("header.site nav")).to_contain_text("nadia")
            expect(page.locator("main")).to_contain_text("nadia@example.net")
        except Exception:
            print((logs / "rp.log").read_text()[-3000:])
            print((logs / "op.log").read_text()[-3000:])
            raise
        finally:
            context.close()
        users = User.objects.filter(email=PERSON[2])
        assert [u.username for u in users] == ["nadia"], attempt
        assert not users[0].has_usable_password()
