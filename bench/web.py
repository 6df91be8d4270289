#!/usr/bin/env python
"""Knowledge base pages against the framework's ceiling, as ratios in one run.

Starts gunicorn (``-w 2``, as `make run` serves the site: DEBUG off, plain HTTP)
on a throwaway database holding the real articles, adds one trivial Django view
to the same server (same middleware, same worker), and loads each page with
``wrk``: the trivial view, the home page, an article (the states article, with
its table and graph), a tag page and the search API. Prints requests per second
for each and its ratio to the trivial view beside the goal (40%).

    .venv/bin/python bench/web.py [--seconds 5] [--connections 8] [--runs 3]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tshoot .venv/bin/python bench/web.py

``wrk`` is Debian's package (``apt-get install wrk``). The median of ``--runs``
runs is printed; every URL is warmed first and checked to answer 200.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

GOAL = 0.40
PAGES = {
    "trivial view": "/bench-trivial/",
    "home": "/",
    "article": "/kb/isakmp-states/",
    "article (short)": "/kb/mm-wait-msg4/",
    "tag": "/kb/tag/ikev1/",
    "search API": "/api/v1/search?q=MM_WAIT_MSG4",
    "search API (log line)": "/api/v1/search?q=%25ASA-5-713904%3A+IP+%3D+"
    "203.0.113.5%2C+Received+an+un-encrypted+INVALID_COOKIE+notify+message",
}

# The trivial view lives in a URL module of its own, written into the run's
# folder: the site's URLs plus one view that returns two bytes.
URLS = """
from django.http import HttpResponse
from django.urls import include, path

def trivial(request):
    return HttpResponse(b"ok", content_type="text/plain")

urlpatterns = [path("bench-trivial/", trivial), path("", include("tshoot.urls"))]
handler404 = "kb.views.not_found"
"""
SETTINGS = """
from tshoot.settings import *  # noqa: F401,F403

ROOT_URLCONF = "bench_web_urls"
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare(workdir: Path, env: dict) -> None:
    """Migrate the throwaway database, collect the static files (DEBUG off names
    them by their hash) and load the real articles."""
    for command in (["migrate", "--noinput"], ["collectstatic", "--noinput"]):
        subprocess.run(
            [sys.executable, "manage.py", *command, "-v", "0"],
            cwd=ROOT,
            env=env,
            check=True,
        )
    subprocess.run(
        [sys.executable, "manage.py", "sync_articles"],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def wait_until_up(base: str, server: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("gunicorn exited before answering")
        try:
            with urllib.request.urlopen(base + "/bench-trivial/", timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not answer in time")


def wrk(url: str, seconds: int, connections: int) -> float:
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    if "Non-2xx" in out:
        raise SystemExit(f"{url} answered errors under load:\n{out}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: apt-get install wrk")

    from search import throwaway_database

    workdir = Path(tempfile.mkdtemp(prefix="tshoot-web-"))
    (workdir / "bench_web_urls.py").write_text(textwrap.dedent(URLS))
    (workdir / "bench_web_settings.py").write_text(textwrap.dedent(SETTINGS))
    env = dict(
        os.environ,
        DATABASE_URL=throwaway_database(workdir),
        TSHOOT_DATA_DIR=str(workdir),
        DJANGO_SETTINGS_MODULE="bench_web_settings",
        PYTHONPATH=os.pathsep.join([str(workdir), str(ROOT)]),
        DEBUG="0",
        PLAIN_HTTP="1",
        SECRET_KEY="bench-only-" + "x" * 50,
        ALLOWED_HOSTS="127.0.0.1,localhost",
    )
    server = None
    try:
        prepare(workdir, env)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "-w",
                str(args.workers),
                "-b",
                f"127.0.0.1:{port}",
                "--access-logfile",
                "/dev/null",
                "--error-logfile",
                str(workdir / "gunicorn.log"),
                "tshoot.wsgi",
            ],
            cwd=ROOT,
            env=env,
            start_new_session=True,
        )
        wait_until_up(base, server)
        for name, path in PAGES.items():
            for _ in range(20):  # every worker renders every page at least once
                try:
                    urllib.request.urlopen(base + path, timeout=10).close()
                except OSError as exc:
                    log = (workdir / "gunicorn.log").read_text()[-3000:]
                    raise SystemExit(f"{name} ({path}): {exc}\n{log}") from exc
        rates: dict[str, list[float]] = {name: [] for name in PAGES}
        for _ in range(args.runs):
            for name, path in PAGES.items():
                rates[name].append(wrk(base + path, args.seconds, args.connections))
        backend = "PostgreSQL" if "postgres" in env["DATABASE_URL"] else "SQLite"
        print(
            f"gunicorn -w {args.workers}, {backend}, wrk -c{args.connections} "
            f"{args.seconds}s x {args.runs} (median)"
        )
        trivial = statistics.median(rates["trivial view"])
        goals = []
        for name, values in rates.items():
            rate = statistics.median(values)
            if name == "trivial view":
                print(f"  {name:24} {rate:8.0f} req/s")
                continue
            ratio = rate / trivial
            verdict = "ok" if ratio >= GOAL else "below goal"
            print(
                f"  {name:24} {rate:8.0f} req/s  {ratio:6.1%} of trivial"
                f"  (goal {GOAL:.0%}: {verdict})"
            )
            goals.append(
                f"GOAL {name} req/s vs a trivial view, same gunicorn ({backend}) | "
                f"{ratio:.0%} ({rate:.0f} vs {trivial:.0f} req/s) | ≥ {GOAL:.0%} | "
                f"{'met' if ratio >= GOAL else 'missed'}"
            )
        print("\n".join(goals))
    finally:
        if server is not None and server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
        url = env["DATABASE_URL"]
        if url.startswith(("postgres://", "postgresql://")):
            from urllib.parse import urlsplit, urlunsplit

            import psycopg

            admin = urlunsplit(urlsplit(url)._replace(path="/postgres"))
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f"DROP DATABASE IF EXISTS {urlsplit(url).path[1:]}")
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
