"""Real Celery workers and brokers for the tests that need them.

A worker is `celery -A tshoot worker` in its own process group, pointed at the test
database (DATABASE_URL naming the database pytest-django created) and at a broker
that this test process publishes to as well. Waits are bounded and poll; nothing
sleeps a fixed time hoping a worker is done.
"""

from __future__ import annotations

import base64
import json
import os
import signal
import subprocess
import sys
import time
import uuid
import zlib
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.db import connection
from kombu import pools as kombu_pools

from tshoot.celery import app

BASE_DIR = Path(__file__).resolve().parent.parent
CELERY = Path(sys.executable).parent / "celery"
# The Redis database the worker tests use (its Celery queue is purged before each
# use): TSHOOT_TEST_REDIS_URL, else the run's own Redis broker, else one of
# databases 8-15 chosen by the checkout's path, so suites run from two checkouts
# on one machine do not take each other's task messages.
REDIS_URL = os.getenv("TSHOOT_TEST_REDIS_URL") or (
    os.environ["CELERY_BROKER_URL"]
    if os.getenv("CELERY_BROKER_URL", "").startswith("redis://")
    else f"redis://127.0.0.1:6379/{8 + zlib.crc32(str(BASE_DIR).encode()) % 8}"
)
QUEUE = "celery"
# Bounds for the waits: generous, since a worker has to import Django first.
START_TIMEOUT = 60
DONE_TIMEOUT = 90


def wait_for(predicate, timeout: float, what: str, interval: float = 0.1, worker=None):
    """Poll ``predicate`` until it returns something true; fail after ``timeout``,
    or as soon as ``worker`` has exited, with its log."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if worker is not None and worker.process.poll() is not None:
            raise AssertionError(
                f"worker exited ({worker.process.returncode}) while waiting for "
                f"{what}\n--- worker log ---\n{worker.log()}"
            )
        if time.monotonic() > deadline:
            extra = f"\n--- worker log ---\n{worker.log()}" if worker else ""
            raise AssertionError(
                f"timed out after {timeout}s waiting for {what}{extra}"
            )
        time.sleep(interval)


def test_database_url() -> str:
    """DATABASE_URL naming the database this test run uses (pytest-django's test
    database), so a worker process reads and writes the same rows."""
    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{db['NAME']}"
    if db["ENGINE"] == "django.db.backends.postgresql":
        auth = quote(db.get("USER") or "", safe="")
        if db.get("PASSWORD"):
            auth += ":" + quote(db["PASSWORD"], safe="")
        host = db.get("HOST") or "127.0.0.1"
        port = db.get("PORT") or "5432"
        return f"postgres://{auth}@{host}:{port}/{db['NAME']}"
    raise AssertionError(f"no worker database URL for {db['ENGINE']}")


test_database_url.__test__ = False  # a helper, not a test


class Broker:
    """A broker both this process and the worker use: a fresh filesystem queue
    folder, or the tests' Redis database emptied first."""

    def __init__(self, kind: str, tmp_path: Path):
        self.kind = kind
        if kind == "filesystem":
            self.folder = tmp_path / "broker"
            self.queue_dir = self.folder / "queue"
            self.queue_dir.mkdir(parents=True)
            (self.folder / "control").mkdir()
            self.url = "filesystem://"
            self.options = {
                "data_folder_in": str(self.queue_dir),
                "data_folder_out": str(self.queue_dir),
                "control_folder": str(self.folder / "control"),
                "store_processed": False,
            }
        elif kind == "redis":
            import redis

            self.url = REDIS_URL
            self.options = {"visibility_timeout": settings.ANALYZER_STALE_SECONDS * 2}
            self.redis = redis.Redis.from_url(REDIS_URL)
            # Redis being down fails the test here: no silent skip.
            self.redis.ping()
        else:
            raise ValueError(kind)
        self._saved = None

    def env(self) -> dict[str, str]:
        env = {"CELERY_BROKER_URL": self.url}
        if self.kind == "filesystem":
            env["CELERY_BROKER_DIR"] = str(self.folder)
        return env

    def __enter__(self):
        self.purge()
        self._saved = (
            os.environ.get("CELERY_BROKER_URL"),
            app.conf.broker_url,
            app.conf.broker_transport_options,
        )
        self._use(self.url, self.options)
        # Celery reads CELERY_BROKER_URL from the environment before its own
        # configuration, so the variable has to name this broker too.
        os.environ["CELERY_BROKER_URL"] = self.url
        return self

    def __exit__(self, *exc):
        self._restore()
        if self.kind == "redis":
            self.purge()
            self.redis.close()

    def _restore(self):
        """Give the app (and the environment) back the broker it had before."""
        env_url, url, options = self._saved
        if env_url is None:
            os.environ.pop("CELERY_BROKER_URL", None)
        else:
            os.environ["CELERY_BROKER_URL"] = env_url
        self._use(url, options)

    @staticmethod
    def _use(url, options):
        app.conf.broker_url = url
        app.conf.broker_transport_options = options
        # The app caches its connection and producer pools for the first broker,
        # and kombu keeps them in a registry: start both afresh.
        kombu_pools.reset()
        app._pool = None
        app.amqp._producer_pool = None

    def purge(self):
        if self.kind == "redis":
            self.redis.delete(QUEUE, "unacked", "unacked_index", "unacked_mutex")
        else:
            for path in self.queue_dir.iterdir():
                path.unlink()

    def raw_messages(self) -> list[str]:
        """The messages waiting in the queue, as the broker stores them."""
        if self.kind == "redis":
            return [m.decode() for m in self.redis.lrange(QUEUE, 0, -1)]
        return [
            path.read_text()
            for path in sorted(self.queue_dir.iterdir())
            if path.name.endswith(f".{QUEUE}.msg")
        ]

    def messages(self) -> list[dict]:
        """Waiting messages decoded: ``raw`` as stored, ``body`` the task payload
        text, ``headers`` the task headers."""
        out = []
        for raw in self.raw_messages():
            envelope = json.loads(raw)
            body = envelope["body"]
            if envelope.get("properties", {}).get("body_encoding") == "base64":
                body = base64.b64decode(body).decode()
            out.append(
                {"raw": raw, "body": body, "headers": envelope.get("headers", {})}
            )
        return out


class Worker:
    """`celery -A tshoot worker` in its own process group, logging to a file."""

    def __init__(self, broker: Broker, tmp_path: Path, beat=False, **env):
        self.name = f"test-{uuid.uuid4().hex[:8]}"
        self.log_path = tmp_path / f"{self.name}.log"
        self.args = [
            str(CELERY),
            "-A",
            "tshoot",
            "worker",
            "--loglevel=INFO",
            "--concurrency=1",
            "--pool=prefork",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-n",
            f"{self.name}@%h",
        ]
        if beat:
            self.args += ["--beat", "--schedule", str(tmp_path / f"{self.name}-beat")]
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tshoot.settings",
            "DATABASE_URL": test_database_url(),
            "TSHOOT_DATA_DIR": str(settings.DATA_DIR),
            "CELERY_TASK_ALWAYS_EAGER": "0",
            "PYTHONUNBUFFERED": "1",
            **broker.env(),
            **{k: str(v) for k, v in env.items()},
        }
        self.process: subprocess.Popen | None = None

    def start(self, wait=True) -> Worker:
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            self.args,
            cwd=BASE_DIR,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        if wait:
            try:
                wait_for(self.ready, START_TIMEOUT, f"worker {self.name} to start")
            except BaseException:
                self.stop()
                raise
        return self

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-6000:]
        except FileNotFoundError:
            return ""

    def ready(self) -> bool:
        if self.process.poll() is not None:
            raise AssertionError(
                f"worker exited with {self.process.returncode}:\n{self.log()}"
            )
        return " ready." in self.log()

    def kill(self):
        """SIGKILL the whole process group: the main process and its pool children,
        as a crashed machine or the OOM killer would."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self):
        if self.process is None or self.process.poll() is not None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
        except ProcessLookupError:
            pass

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
