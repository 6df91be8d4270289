"""The fault campaign, as tests: each breaks a real deployment the way production
breaks (a worker killed, the broker down, frozen or restarted empty, a slow or
endless analysis, a locked database) and counts the diagnoses that came through.

Submits go through gunicorn (the API, and the paste form where it matters);
analyses run in `celery worker` processes, with beat for the sweep. The counts
print as FAULT lines and in the table at the end of the run.
"""

import socket
import sqlite3
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

import pytest
from django.conf import settings

from analyzer.models import Diagnosis
from analyzer.tasks import sweep_stale_diagnoses
from tests.conftest import FIXTURES
from tests.faults.conftest import (
    AmqpBroker,
    Web,
    fast_sweep,
    record,
    worker,
)
from tests.worker_helpers import wait_for

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]

PASTE = (FIXTURES / "web" / "asa_isakmp_sa_mm_wait_msg4.txt").read_text()
DONE_TIMEOUT = 150


def statuses(ids) -> dict[str, int]:
    counts: dict[str, int] = {}
    for status in Diagnosis.objects.filter(id__in=ids).values_list("status", flat=True):
        counts[status] = counts.get(status, 0) + 1
    return counts


def all_finished(ids):
    rows = list(Diagnosis.objects.filter(id__in=ids))
    return rows if all(not r.pending for r in rows) and len(rows) == len(ids) else None


def test_workers_killed_mid_task_twenty_times(run_broker, tmp_path, static_root):
    """kill -9 of a worker's whole process group while it runs four analyses,
    until twenty have been cut; a worker with beat then finishes every one."""
    with Web(tmp_path, static_root, run_broker) as web:
        ids = [web.submit(PASTE)[2]["id"] for _ in range(20)]
    killed = rounds = 0
    while Diagnosis.objects.filter(id__in=ids, status="queued").exists():
        rounds += 1
        assert rounds <= 10, statuses(ids)
        expected = killed + min(4, len(ids) - killed)
        slow = worker(
            run_broker, tmp_path, concurrency=4, ANALYZER_TEST_DELAY_SECONDS=300
        ).start()
        try:
            wait_for(
                lambda expected=expected: (
                    Diagnosis.objects.filter(id__in=ids, status="running").count()
                    >= expected
                ),
                60,
                "four analyses running",
                worker=slow,
            )
        finally:
            slow.kill()
        killed = Diagnosis.objects.filter(id__in=ids, status="running").count()
    assert killed == 20

    with worker(run_broker, tmp_path, concurrency=2, beat=True, **fast_sweep()) as w:
        rows = wait_for(
            lambda: all_finished(ids), DONE_TIMEOUT, "the re-runs", worker=w
        )
    done = [r for r in rows if r.status == "done"]
    record(
        "worker kill -9 mid-task",
        tried=killed,
        held=len(done),
        kills=rounds,
        attempts=sorted({r.attempts for r in rows}),
    )
    assert len(done) == 20, statuses(ids)
    assert all(r.attempts == 2 and r.report for r in done)


def test_broker_down_at_submit(redis_server, redis_broker, tmp_path, static_root):
    """Redis stopped: every submit, API and form, is answered (202 with the id,
    or the form's redirect to the permalink) within the publish bound, and the
    permalink says the analysis starts when the queue is back; Redis returns,
    the sweep publishes them and all are done."""
    redis_server.stop()
    bound = settings.ANALYZER_PUBLISH_TIMEOUT
    with Web(tmp_path, static_root, redis_broker) as web:
        api = [web.submit(PASTE) for _ in range(10)]
        forms = [web.submit_form(PASTE) for _ in range(5)]
        page = web.get(urlsplit(api[0][2]["url"]).path)
    ids = [body["id"] for status, _, body, _ in api if status == 202]
    ids += [location.rstrip("/").rsplit("/", 1)[1] for status, location, _ in forms]
    assert all(status == 202 for status, *_ in api), [a[:3] for a in api]
    assert all("starts when the queue is back" in a[2]["message"] for a in api)
    assert all(status == 303 for status, *_ in forms), forms
    slowest = max([a[3] for a in api] + [f[2] for f in forms])
    assert slowest < bound + 2
    assert page[0] == 200 and b"starts when the queue is back" in page[2]
    assert Diagnosis.objects.filter(id__in=ids, awaiting_broker=True).count() == 15

    redis_server.start()
    with worker(redis_broker, tmp_path, concurrency=2, beat=True, **fast_sweep()) as w:
        rows = wait_for(
            lambda: all_finished(ids), DONE_TIMEOUT, "the backlog", worker=w
        )
    done = [r for r in rows if r.status == "done"]
    record(
        "broker down at submit",
        tried=15,
        held=len(done),
        answered_202_or_303=len(ids),
        slowest_submit_s=round(slowest, 2),
    )
    assert len(done) == 15 and not any(r.awaiting_broker for r in rows)


def test_broker_frozen_at_submit(redis_server, redis_broker, tmp_path, static_root):
    """Redis frozen with SIGSTOP (it accepts connections and answers nothing):
    eight concurrent submits each wait at most the publish bound, a knowledge
    base page is served meanwhile, and once Redis thaws all are done, once."""
    bound = settings.ANALYZER_PUBLISH_TIMEOUT
    # Threads enough for every request at once, so the time measured is the wait
    # on the broker and not a wait for a free thread.
    with Web(tmp_path, static_root, redis_broker, threads=8) as web:
        assert web.submit(PASTE)[0] == 202  # connections in the pool, as in use
        warm = Diagnosis.objects.values_list("id", flat=True).first()
        redis_server.freeze()
        try:
            with ThreadPoolExecutor(max_workers=9) as pool:
                submits = [pool.submit(web.submit, PASTE) for _ in range(8)]
                time.sleep(0.2)
                started = time.monotonic()
                home = pool.submit(web.get, "/")
                home_status = home.result()[0]
                home_took = time.monotonic() - started
                answers = [s.result() for s in submits]
        finally:
            redis_server.thaw()
    took = [a[3] for a in answers]
    ids = [warm] + [a[2]["id"] for a in answers if a[0] == 202]
    assert all(a[0] == 202 for a in answers), [a[:3] for a in answers]
    assert max(took) < bound + 1.5, took
    assert home_status == 200 and home_took < bound + 1.5

    with worker(redis_broker, tmp_path, concurrency=2, beat=True, **fast_sweep()) as w:
        rows = wait_for(lambda: all_finished(ids), DONE_TIMEOUT, "the thaw", worker=w)
    done = [r for r in rows if r.status == "done"]
    record(
        "broker frozen (SIGSTOP) at submit",
        tried=8,
        held=len(done) - 1,
        max_submit_s=round(max(took), 2),
        bound_s=bound,
        home_page_s=round(home_took, 2),
    )
    assert len(done) == 9 and all(r.attempts == 1 for r in done)


def test_redis_restarted_empty_with_messages_queued(
    redis_server, redis_broker, tmp_path, static_root
):
    """Ten diagnoses queued in Redis, then Redis restarted with nothing (no
    persistence): the messages are gone, the rows are not; the sweep sees a queue
    that stopped and sends them again, and all are done."""
    with Web(tmp_path, static_root, redis_broker) as web:
        ids = [web.submit(PASTE)[2]["id"] for _ in range(10)]
    assert redis_server.queued() == 10
    redis_server.restart_empty()
    assert redis_server.queued() == 0
    with worker(redis_broker, tmp_path, concurrency=2, beat=True, **fast_sweep()) as w:
        rows = wait_for(lambda: all_finished(ids), DONE_TIMEOUT, "the resend", worker=w)
    done = [r for r in rows if r.status == "done"]
    record("redis restarted empty, 10 queued", tried=10, held=len(done))
    assert len(done) == 10


def test_a_slow_task_past_the_stale_time_is_not_run_again(
    run_broker, tmp_path, static_root, settings
):
    """An analysis running well past the stale time (12 s against a sweep that
    calls 3 s stale) keeps its heartbeat fresh: sweep after sweep leaves it, it
    ends done with one attempt."""
    with Web(tmp_path, static_root, run_broker) as web:
        diagnosis_id = web.submit(PASTE)[2]["id"]
    settings.ANALYZER_STALE_SECONDS = 3
    sweeps = requeued = 0
    slow = worker(
        run_broker,
        tmp_path,
        ANALYZER_TEST_DELAY_SECONDS=12,
        ANALYZER_HEARTBEAT_SECONDS=1,
    )
    with slow:
        wait_for(
            lambda: Diagnosis.objects.get(id=diagnosis_id).status == "running",
            60,
            "the slow run to start",
            worker=slow,
        )
        while Diagnosis.objects.get(id=diagnosis_id).status == "running":
            counts = sweep_stale_diagnoses()
            sweeps += 1
            requeued += counts["requeued"]
            time.sleep(1)
            assert sweeps < 60
    row = Diagnosis.objects.get(id=diagnosis_id)
    ran_for = (row.finished - row.started).total_seconds()
    record(
        "slow task past the stale time",
        tried=1,
        held=int(row.status == "done" and row.attempts == 1 and not requeued),
        sweeps=sweeps,
        requeued=requeued,
        ran_s=round(ran_for, 1),
    )
    assert ran_for > 3 * settings.ANALYZER_STALE_SECONDS
    assert (row.status, row.attempts, requeued) == ("done", 1, 0)


def test_a_backed_up_queue_gets_no_duplicates(run_broker, tmp_path, static_root):
    """Eight diagnoses behind one busy worker wait in the queue twice the stale
    time; the queue moves, so the sweep sends none of them again: each is
    delivered and analyzed once."""
    with Web(tmp_path, static_root, run_broker) as web:
        ids = [web.submit(PASTE)[2]["id"] for _ in range(8)]
    busy = worker(
        run_broker,
        tmp_path,
        beat=True,
        ANALYZER_TEST_DELAY_SECONDS=2.5,
        **fast_sweep(stale=8, hard=5, soft=4),
    )
    with busy:
        rows = wait_for(
            lambda: all_finished(ids), DONE_TIMEOUT, "the backlog", worker=busy
        )
        log = busy.log_path.read_text(errors="replace")
    waited = max((r.started - r.created).total_seconds() for r in rows)
    duplicates = log.count("not queued: skipped")
    record(
        "backed-up queue (8 behind one worker)",
        tried=8,
        held=sum(r.status == "done" and r.attempts == 1 for r in rows),
        longest_wait_s=round(waited, 1),
        duplicate_deliveries=duplicates,
    )
    assert waited > 8
    assert all(r.status == "done" and r.attempts == 1 for r in rows)
    assert duplicates == 0


def test_the_soft_time_limit_fails_with_the_message(run_broker, tmp_path, static_root):
    """The worker's own limit (2 s) stops an endless analysis, although the web
    server that sent it has the default 60 s: failed, with the sentence."""
    with Web(tmp_path, static_root, run_broker) as web:
        ids = [web.submit(PASTE)[2]["id"] for _ in range(3)]
    limits = {
        "ANALYZER_TASK_SOFT_LIMIT": 2,
        "ANALYZER_TASK_HARD_LIMIT": 4,
        "ANALYZER_TEST_DELAY_SECONDS": 30,
    }
    with worker(run_broker, tmp_path, concurrency=3, **limits) as w:
        rows = wait_for(lambda: all_finished(ids), DONE_TIMEOUT, "the limit", worker=w)
    message = "took longer than 2 seconds; submit a smaller paste or split it"
    held = [r for r in rows if r.status == "failed" and message in r.error]
    record("soft time limit", tried=3, held=len(held))
    assert len(held) == 3, [(r.status, r.error) for r in rows]


@pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3",
    reason="SQLite's file lock; PostgreSQL locks rows, not the database",
)
def test_a_locked_sqlite_database_is_a_json_503(run_broker, tmp_path, static_root):
    """Another writer holds SQLite's write lock: submits wait SQLITE_TIMEOUT and
    are answered 503 JSON with Retry-After, pages that only read are served; once
    the lock goes, submits are accepted again."""
    with Web(tmp_path, static_root, run_broker, SQLITE_TIMEOUT=2) as web:
        holder = sqlite3.connect(settings.DATABASES["default"]["NAME"], timeout=1)
        holder.isolation_level = None
        holder.execute("BEGIN IMMEDIATE")
        try:
            with ThreadPoolExecutor(max_workers=4) as pool:
                answers = list(pool.map(lambda _: web.submit(PASTE), range(4)))
            page = web.get("/")
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        after = web.submit(PASTE)
    refused = [
        a
        for a in answers
        if a[0] == 503 and a[1].get("Retry-After") and "busy" in a[2]["error"]
    ]
    record(
        "sqlite locked by another writer",
        tried=4,
        held=len(refused),
        slowest_s=round(max(a[3] for a in answers), 2),
    )
    assert len(refused) == 4, [a[:3] for a in answers]
    assert page[0] == 200
    assert after[0] == 202


class SilentListener:
    """A TCP port that accepts connections and never says a word: a hung broker."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        self.held = []
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.held.append(conn)

    def close(self):
        self.sock.close()
        for conn in self.held:
            conn.close()


def test_rabbitmq_serves_and_its_outages_cost_a_bounded_submit(tmp_path, static_root):
    """On RabbitMQ (amqp://, as the README offers): five diagnoses done; with the
    broker refusing, and with one that accepts and hangs, submits are still
    answered 202 within the bound, and the sweep on the real broker finishes
    them."""
    from kombu import Connection

    broker = AmqpBroker()
    bound = settings.ANALYZER_PUBLISH_TIMEOUT
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    hung = SilentListener()
    try:
        refusing = AmqpBroker(f"amqp://guest:guest@127.0.0.1:{closed_port}//")
        hanging = AmqpBroker(f"amqp://guest:guest@127.0.0.1:{hung.port}//")
        outage = []
        for down in (refusing, hanging):
            down.queue = broker.queue
            with Web(tmp_path, static_root, down) as web:
                outage += [web.submit(PASTE) for _ in range(3)]
        with Web(tmp_path, static_root, broker) as web:
            ids = [web.submit(PASTE)[2]["id"] for _ in range(5)]
        ids += [a[2]["id"] for a in outage if a[0] == 202]
        with worker(broker, tmp_path, concurrency=2, beat=True, **fast_sweep()) as w:
            rows = wait_for(lambda: all_finished(ids), DONE_TIMEOUT, "amqp", worker=w)
    finally:
        hung.close()
        with Connection(broker.url, connect_timeout=5) as conn:
            conn.default_channel.queue_delete(broker.queue)
    slowest = max(a[3] for a in outage)
    done = [r for r in rows if r.status == "done"]
    record(
        "rabbitmq: serve 5, refuse 3, hang 3",
        tried=11,
        held=len(done),
        slowest_outage_submit_s=round(slowest, 2),
        bound_s=bound,
    )
    assert all(a[0] == 202 for a in outage), [a[:3] for a in outage]
    assert slowest < bound + 2
    assert len(done) == 11
