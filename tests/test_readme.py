"""What the README tells a newcomer holds: every setting is documented, the suite
keeps its own data, and the curl examples work against a live site.

The live test starts the site as `make run` does (`manage.py serve`: gunicorn plus a
Celery worker with beat, DEBUG off over plain HTTP) on the suite's database, runs the
README's own curl commands against it, then stops it the way Ctrl-C does.
"""

import json
import os
import re
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from tests.conftest import FIXTURES
from tests.worker_helpers import test_database_url, wait_for

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
SETTINGS = (ROOT / "tshoot" / "settings.py").read_text(encoding="utf-8")


def shell_blocks(text: str) -> list[str]:
    return re.findall(r"^```sh\n(.*?)^```", text, flags=re.M | re.S)


def commands(block: str) -> list[str]:
    """The block's commands, continuation lines joined."""
    return [c.strip() for c in block.replace("\\\n", " ").splitlines() if c.strip()]


def readme_command(*needles: str, exact: bool = False) -> str:
    found = [
        command
        for block in shell_blocks(README)
        for command in commands(block)
        if (command == needles[0] if exact else all(n in command for n in needles))
    ]
    assert len(found) == 1, f"expected one README command with {needles}: {found}"
    return found[0]


def test_every_environment_variable_the_settings_read_is_documented():
    names = set(
        re.findall(
            r"""(?:getenv|envbool|envint|environ\[)\(?["']([A-Z_]+)["']""", SETTINGS
        )
    )
    assert {"DATABASE_URL", "KB_CONTENT_DIR", "SECURE_SSL_REDIRECT"} <= names
    missing = sorted(n for n in names if f"`{n}`" not in README)
    assert not missing, f"settings read these, the README does not say: {missing}"


def test_the_suite_keeps_its_own_data_folder():
    """A `make run` in the same checkout uses data/; the suite's database, broker
    and beat files are elsewhere, so neither picks up the other's messages."""
    run_data = (ROOT / "data").resolve()
    assert settings.DATA_DIR.resolve() != run_data
    broker = Path(settings.CELERY_BROKER_TRANSPORT_OPTIONS.get("data_folder_in", "/"))
    assert run_data / "broker" not in (broker, *broker.parents)
    assert Path(settings.CELERY_BEAT_SCHEDULE_FILENAME).parent != run_data


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url: str):
    from urllib.error import HTTPError
    from urllib.request import urlopen

    try:
        with urlopen(url, timeout=10) as response:
            return response.status, response.read().decode()
    except HTTPError as exc:
        return exc.code, exc.read().decode()


@pytest.fixture
def live_site(transactional_db, tmp_path):
    """The site and a worker as `make run` starts them, on the suite's database."""
    port = free_port()
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_SETTINGS_MODULE": "tshoot.settings",
        "DEBUG": "0",
        "PLAIN_HTTP": "1",
        "SECRET_KEY": "live-test-secret-key-" + "x" * 40,
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": test_database_url(),
        "TSHOOT_DATA_DIR": str(tmp_path / "data"),
        "PYTHONUNBUFFERED": "1",
    }
    manage = [sys.executable, "manage.py"]
    call_command("sync_articles", verbosity=0)
    subprocess.run(
        [*manage, "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=120,
    )
    log = (tmp_path / "serve.log").open("wb")
    process = subprocess.Popen(
        [*manage, "serve", "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        # A session of its own: no terminal, and one group to signal like Ctrl-C.
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"

    def up():
        try:
            return get(base + "/")[0] == 200
        except OSError:
            return False

    try:
        wait_for(up, 60, "the site to answer")
        yield base, process, tmp_path
    finally:
        if process.poll() is None:
            process.terminate()  # serve stops its children on SIGTERM
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        log.close()


@pytest.mark.worker
def test_the_readme_curl_examples_work_against_the_live_site(live_site):
    base, process, tmp_path = live_site
    (tmp_path / "show-crypto.txt").write_text(
        (FIXTURES / "web" / "asa_config_with_secrets.txt").read_text()
    )

    def run(command: str) -> str:
        command = command.replace("http://127.0.0.1:8000", base)
        result = subprocess.run(
            ["bash", "-c", command],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 0, result.stderr
        return result.stdout

    submit = readme_command("--data-binary", "Content-Type: text/plain")
    accepted = json.loads(run(submit))
    assert accepted["status"] == "queued"
    assert accepted["url"].startswith(base + "/d/")

    poll = readme_command(
        "curl -s http://127.0.0.1:8000/api/v1/diagnoses/ID", exact=True
    )

    def done():
        body = json.loads(run(poll.replace("ID", accepted["id"])))
        return body if body["status"] in ("done", "failed") else None

    diagnosis = wait_for(done, 60, "the diagnosis to finish")
    assert diagnosis["status"] == "done", diagnosis
    assert diagnosis["title"] == "HQ firewall"
    assert diagnosis["findings"]

    listing = readme_command('json.load(sys.stdin)["findings"]')
    printed = run(listing.replace("ID", accepted["id"]))
    assert printed.splitlines()[0].split()[0] in (
        "info",
        "warning",
        "error",
        "critical",
    )

    search = readme_command("api/v1/search?q=MM_WAIT_MSG4")
    assert json.loads(run(search))["results"][0]["slug"]

    # A team's side, with a token as the account page makes them.
    from django.contrib.auth.models import User

    from accounts.models import ApiToken, Membership, Team
    from analyzer.models import Diagnosis

    bot = User.objects.create_user("netops-bot")
    team = Team.objects.create(name="Network operations", slug="netops")
    Membership.objects.create(team=team, user=bot, role="admin")
    token = ApiToken.issue(bot, "readme")[1]
    signed = f"export TSHOOT_TOKEN={token}; "
    accepted = json.loads(run(signed + readme_command("-F team=netops")))
    into_team = Diagnosis.objects.get(id=accepted["id"])
    assert (into_team.team, into_team.visibility) == (team, "team")
    assert into_team.expires is not None
    assert get(accepted["url"])[0] == 404  # not without the team's account
    listed = json.loads(run(signed + readme_command("?team=netops&severity=")))
    assert "results" in listed and "next" in listed
    delete = readme_command("-X DELETE").replace("ID", accepted["id"])
    run(signed + delete)
    assert not Diagnosis.objects.filter(id=accepted["id"]).exists()


@pytest.mark.worker
def test_the_live_site_shows_designed_pages_and_stops_cleanly(live_site):
    """DEBUG off: a 404 is the site's page (no URL pattern list), the favicon
    resolves to a served file, and Ctrl-C (SIGINT to the whole group, as a terminal
    sends it) stops the server and the worker with status 0."""
    base, process, _ = live_site
    status, html = get(base + "/no/such/page/")
    assert status == 404
    assert "<h1>Not found</h1>" in html
    assert "URLconf" not in html and "Traceback" not in html
    status, icon = get(base + "/favicon.ico")
    assert status == 200 and "<svg" in icon

    children = subprocess.run(
        ["pgrep", "-P", str(process.pid)], capture_output=True, text=True
    ).stdout.split()
    assert len(children) == 2  # gunicorn and the Celery worker
    os.killpg(process.pid, signal.SIGINT)
    assert process.wait(timeout=30) == 0

    # Nothing outlives it: not the children, nor their own workers.
    def group_gone(pid):
        found = subprocess.run(["pgrep", "-g", pid], capture_output=True, text=True)
        return not found.stdout.strip()

    for pid in children:
        wait_for(lambda pid=pid: group_gone(pid), 5, f"process group {pid} to end")
