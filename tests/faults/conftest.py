"""A real deployment to break: gunicorn serving the site, Celery workers and beat,
a Redis server of the suite's own on a port of its own (so it can be stopped,
frozen with SIGSTOP and restarted empty), the run's database (SQLite or
PostgreSQL), and the filesystem broker or RabbitMQ where a test says so.

Every test records what it tried and what held; the run ends with the table.
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.error import HTTPError, URLError
from urllib.parse import urlencode
from urllib.request import HTTPCookieProcessor, Request, build_opener

import pytest
from django.db import connection

from tests.worker_helpers import (
    BASE_DIR,
    Broker,
    Worker,
    test_database_url,
    wait_for,
)

GUNICORN = Path(sys.executable).parent / "gunicorn"
REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"
AMQP_URL = os.getenv("TSHOOT_TEST_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672//")
SECRET = "fault-suite-secret-key-" + "x" * 40
RESULTS: list[dict] = []


def record(fault: str, tried: int, held: int, **numbers) -> None:
    """Print one line of counts and keep it for the table at the end."""
    extra = ", ".join(f"{k}={v}" for k, v in numbers.items())
    line = f"FAULT {fault} [{database_kind()}]: tried {tried}, held {held}"
    print(line + (f" ({extra})" if extra else ""))
    RESULTS.append(
        {"fault": fault, "db": database_kind(), "tried": tried, "held": held, **numbers}
    )


def pytest_terminal_summary(terminalreporter):
    if not RESULTS:
        return
    terminalreporter.section("faults: what was tried and what held")
    for row in RESULTS:
        extra = {
            k: v for k, v in row.items() if k not in ("fault", "db", "tried", "held")
        }
        terminalreporter.write_line(
            f"{row['fault']:<44} {row['db']:<10} tried {row['tried']:>3}  "
            f"held {row['held']:>3}  " + " ".join(f"{k}={v}" for k, v in extra.items())
        )


def database_kind() -> str:
    return "sqlite" if connection.vendor == "sqlite" else connection.vendor


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RedisServer:
    """redis-server on a port of its own, in memory only: stopping it loses every
    message, as a crash of an unpersisted Redis does."""

    def __init__(self, folder: Path):
        self.port = free_port()
        self.folder = folder
        self.folder.mkdir(parents=True, exist_ok=True)
        self.process: subprocess.Popen | None = None
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> RedisServer:
        log = (self.folder / "redis.log").open("ab")
        self.process = subprocess.Popen(
            [
                REDIS_SERVER,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.folder),
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        wait_for(self.ping, 20, f"redis on port {self.port}")
        return self

    def ping(self) -> bool:
        import redis

        try:
            return redis.Redis(port=self.port, socket_timeout=1).ping()
        except redis.RedisError:
            return False

    def stop(self):
        if self.process and self.process.poll() is None:
            self.thaw()
            self.process.terminate()
            self.process.wait(timeout=20)

    def freeze(self):
        os.kill(self.process.pid, signal.SIGSTOP)

    def thaw(self):
        if self.process and self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGCONT)

    def restart_empty(self):
        self.stop()
        self.start()

    def queued(self, queue="celery") -> int:
        import redis

        return redis.Redis(port=self.port, socket_timeout=2).llen(queue)


class PrivateRedisBroker(Broker):
    """The worker helpers' broker, on the suite's own Redis server."""

    def __init__(self, server: RedisServer):
        import redis

        self.kind = "redis"
        self.url = server.url
        self.options = {
            "visibility_timeout": 3600,
            "socket_timeout": 2,
            "socket_connect_timeout": 2,
            "max_retries": 0,
        }
        self.redis = redis.Redis.from_url(server.url, socket_timeout=2)
        self._saved = None

    def purge(self):
        import redis

        try:
            super().purge()
        except redis.RedisError:
            pass  # a stopped server holds nothing

    def __exit__(self, *exc):
        # No purge: the test may have left its server stopped.
        self._restore()
        self.redis.close()


class AmqpBroker:
    """RabbitMQ (the machine's), on a queue of the test's own."""

    def __init__(self, url: str = AMQP_URL):
        self.kind = "amqp"
        self.url = url
        self.queue = f"tshoot-faults-{uuid.uuid4().hex[:8]}"

    def env(self) -> dict[str, str]:
        return {"CELERY_BROKER_URL": self.url, "CELERY_TASK_DEFAULT_QUEUE": self.queue}


class Web:
    """gunicorn serving the site as in production (DEBUG off, gthread), on the
    suite's database, publishing to ``broker``."""

    def __init__(
        self, tmp_path: Path, static_root: Path, broker, threads: int = 4, **env
    ):
        self.port = free_port()
        self.threads = threads
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = tmp_path / f"gunicorn-{self.port}.log"
        self.env = {
            **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
            **site_env(tmp_path, static_root),
            **broker.env(),
            **{k: str(v) for k, v in env.items()},
        }
        self.process: subprocess.Popen | None = None

    def start(self) -> Web:
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [
                str(GUNICORN),
                "tshoot.wsgi",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                "2",
                "--worker-class",
                "gthread",
                "--threads",
                str(self.threads),
                "--timeout",
                "60",
            ],
            cwd=BASE_DIR,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()

        def up():
            if self.process.poll() is not None:
                raise AssertionError(f"gunicorn exited:\n{self.log()}")
            try:
                return self.get("/api/v1/openapi.json")[0] == 200
            except OSError:
                return False

        wait_for(up, 60, "gunicorn to answer")
        return self

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-6000:]

    def stop(self):
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def _open(self, request, timeout):
        opener = build_opener(HTTPCookieProcessor(http.cookiejar.CookieJar()))
        try:
            with opener.open(request, timeout=timeout) as response:
                return response.status, dict(response.headers), response.read()
        except HTTPError as exc:
            return exc.code, dict(exc.headers), exc.read()

    def get(self, path: str, timeout: float = 30):
        return self._open(Request(self.base + path), timeout)

    def submit(self, text: str, timeout: float = 120):
        """POST the API; (status, headers, JSON body, seconds taken)."""
        started = time.monotonic()
        request = Request(
            self.base + "/api/v1/diagnoses",
            data=json.dumps({"text": text}).encode(),
            headers={"Content-Type": "application/json"},
        )
        status, headers, body = self._open(request, timeout)
        took = time.monotonic() - started
        return status, headers, json.loads(body), took

    def submit_form(self, text: str, timeout: float = 120):
        """The paste page's form, CSRF token and cookie included; (status,
        Location, seconds taken for the POST)."""
        jar = http.cookiejar.CookieJar()

        class NoRedirect(__import__("urllib.request").request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):
                return None

        opener = build_opener(HTTPCookieProcessor(jar), NoRedirect)
        with opener.open(self.base + "/analyze/", timeout=timeout) as page:
            html = page.read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)[1]
        started = time.monotonic()
        request = Request(
            self.base + "/analyze/",
            data=urlencode({"csrfmiddlewaretoken": token, "text": text}).encode(),
            headers={"Referer": self.base + "/analyze/"},
        )
        try:
            with opener.open(request, timeout=timeout) as response:
                status, location = response.status, response.headers.get("Location")
        except HTTPError as exc:
            status, location = exc.code, exc.headers.get("Location")
        return status, location, time.monotonic() - started


def site_env(tmp_path: Path, static_root: Path) -> dict[str, str]:
    return {
        "DJANGO_SETTINGS_MODULE": "tshoot.settings",
        "DEBUG": "0",
        "PLAIN_HTTP": "1",
        "SECRET_KEY": SECRET,
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": test_database_url(),
        "TSHOOT_DATA_DIR": str(tmp_path / "web-data"),
        "STATIC_ROOT": str(static_root),
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "PYTHONUNBUFFERED": "1",
        # Many submits from one address: the limits have tests of their own.
        "ANALYZER_SUBMIT_RATE": "100000/m",
        "ANALYZER_CLIENT_QUEUE_QUOTA": "0",
    }


@pytest.fixture(scope="session")
def static_root(tmp_path_factory):
    """collectstatic once: DEBUG off serves hashed files from the manifest."""
    root = tmp_path_factory.mktemp("static")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tshoot.settings",
        "DEBUG": "0",
        "PLAIN_HTTP": "1",
        "SECRET_KEY": SECRET,
        "STATIC_ROOT": str(root),
        "TSHOOT_DATA_DIR": str(tmp_path_factory.mktemp("static-data")),
    }
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=BASE_DIR,
        env=env,
        check=True,
        timeout=180,
    )
    return root


@pytest.fixture
def redis_server(tmp_path):
    server = RedisServer(tmp_path / "redis").start()
    yield server
    server.stop()


@pytest.fixture
def redis_broker(redis_server):
    with PrivateRedisBroker(redis_server) as broker:
        yield broker


@pytest.fixture
def run_broker(request, tmp_path, redis_server):
    """The broker of the run's configuration: the filesystem broker beside SQLite,
    the suite's own Redis beside PostgreSQL (as .ci/run pairs them)."""
    if database_kind() == "sqlite":
        with Broker("filesystem", tmp_path) as broker:
            yield broker
    else:
        with PrivateRedisBroker(redis_server) as broker:
            yield broker


def worker(broker, tmp_path, concurrency=1, beat=False, **env) -> Worker:
    """A worker (with beat when asked) of the given concurrency, not yet started."""
    w = Worker(broker, tmp_path, beat=beat, **env)
    w.args = [
        f"--concurrency={concurrency}" if a.startswith("--concurrency") else a
        for a in w.args
    ]
    w.env.update(broker.env())
    return w


def fast_sweep(stale=8, hard=5, soft=4, heartbeat=1, sweep=1) -> dict:
    """Settings for a worker with beat whose sweep reacts within seconds (still
    valid: the stale time is above the hard limit plus two heartbeats)."""
    return {
        "ANALYZER_STALE_SECONDS": stale,
        "ANALYZER_TASK_HARD_LIMIT": hard,
        "ANALYZER_TASK_SOFT_LIMIT": soft,
        "ANALYZER_HEARTBEAT_SECONDS": heartbeat,
        "ANALYZER_SWEEP_SECONDS": sweep,
    }


def http_ok(url: str) -> bool:
    try:
        from urllib.request import urlopen

        with urlopen(url, timeout=5) as r:
            return r.status == 200
    except (URLError, OSError):
        return False
