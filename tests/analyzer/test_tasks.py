import os
from datetime import timedelta

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.utils import timezone

from analyzer import engine
from analyzer.models import Diagnosis
from analyzer.tasks import analyze_diagnosis, sweep_stale_diagnoses
from tests.conftest import FIXTURES

pytestmark = pytest.mark.django_db


def paste() -> str:
    return (FIXTURES / "web" / "asa_isakmp_sa_mm_wait_msg4.txt").read_text()


def make(status="queued", attempts=0, age=0, **fields) -> Diagnosis:
    """A diagnosis last queued (and, when running, started) ``age`` seconds ago."""
    when = timezone.now() - timedelta(seconds=age)
    started = when if status == "running" else None
    return Diagnosis.objects.create(
        input_text=paste(),
        status=status,
        attempts=attempts,
        queued=when,
        started=started,
        **fields,
    )


def test_it_analyzes_a_queued_diagnosis():
    """The task claims the row, runs the engine on the stored text and saves the
    report with status done."""
    diagnosis = make()
    assert analyze_diagnosis(diagnosis.id) == "done"
    diagnosis.refresh_from_db()
    assert diagnosis.status == "done"
    assert diagnosis.attempts == 1
    assert diagnosis.engine_version == engine.ENGINE_VERSION
    assert diagnosis.report == engine.analyze(paste()).to_dict()
    assert diagnosis.started <= diagnosis.finished


def test_it_does_nothing_on_a_second_delivery():
    """A second delivery of the same message finds the row no longer queued and
    leaves it as the first one did."""
    diagnosis = make()
    analyze_diagnosis(diagnosis.id)
    first = Diagnosis.objects.get(id=diagnosis.id)
    assert analyze_diagnosis(diagnosis.id) == "skipped"
    again = Diagnosis.objects.get(id=diagnosis.id)
    assert (again.status, again.attempts, again.finished) == (
        "done",
        1,
        first.finished,
    )


def test_it_leaves_a_diagnosis_another_worker_is_running():
    """A delivery arriving while another worker runs the diagnosis does nothing."""
    diagnosis = make(status="running", attempts=1)
    assert analyze_diagnosis(diagnosis.id) == "skipped"
    diagnosis.refresh_from_db()
    assert (diagnosis.status, diagnosis.attempts) == ("running", 1)


def test_it_ignores_a_deleted_diagnosis():
    """A message for a row that no longer exists is dropped without an error."""
    assert analyze_diagnosis("no-such-diagnosis") == "missing"


def test_it_marks_a_crash_failed_with_a_message(monkeypatch):
    """An exception in the analysis marks the diagnosis failed with a readable
    message instead of leaving it running."""

    def broken(text):
        raise KeyError("state")

    monkeypatch.setattr(engine, "analyze", broken)
    diagnosis = make()
    assert analyze_diagnosis(diagnosis.id) == "failed"
    diagnosis.refresh_from_db()
    assert diagnosis.status == "failed"
    assert "internal error (KeyError)" in diagnosis.error
    assert diagnosis.finished is not None


def test_it_marks_the_soft_time_limit_failed(monkeypatch):
    """SoftTimeLimitExceeded during the analysis fails the diagnosis with a message
    naming the limit."""

    def too_slow(text):
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr(engine, "analyze", too_slow)
    diagnosis = make()
    analyze_diagnosis(diagnosis.id)
    diagnosis.refresh_from_db()
    assert diagnosis.status == "failed"
    assert (
        f"took longer than {settings.ANALYZER_TASK_SOFT_LIMIT} seconds; submit a "
        "smaller paste or split it"
    ) in diagnosis.error


class _Stopped:
    """A rule module or parser that the worker's time limit interrupts."""

    __name__ = "analyzer.rules.slow"

    @staticmethod
    def check(report):
        raise SoftTimeLimitExceeded()

    @staticmethod
    def parse(section):
        raise SoftTimeLimitExceeded()


@pytest.mark.parametrize("where", ["rule", "parser"])
def test_a_time_limit_inside_the_engine_fails_the_diagnosis(monkeypatch, where):
    """The engine turns a broken check or parser into a finding, but the time limit
    is not a broken check: it reaches the task, and the diagnosis ends failed with
    the message instead of done with one finding about the cut."""
    from analyzer import parsers, rules

    if where == "rule":
        monkeypatch.setattr(rules, "REGISTRY", [*rules.REGISTRY, _Stopped])
    else:
        monkeypatch.setattr(parsers, "REGISTRY", [_Stopped])
    diagnosis = make()
    assert analyze_diagnosis(diagnosis.id) == "failed"
    diagnosis.refresh_from_db()
    assert diagnosis.status == "failed"
    assert diagnosis.report is None
    assert "submit a smaller paste or split it" in diagnosis.error


def test_an_ordinary_rule_error_still_costs_one_finding(monkeypatch):
    """Only what comes from outside the analysis passes through: a bug in one
    check still ends done, with a finding naming it."""
    from analyzer import rules

    class Broken:
        __name__ = "analyzer.rules.broken"

        @staticmethod
        def check(report):
            raise KeyError("x")

    monkeypatch.setattr(rules, "REGISTRY", [*rules.REGISTRY, Broken])
    diagnosis = make()
    assert analyze_diagnosis(diagnosis.id) == "done"
    diagnosis.refresh_from_db()
    assert any(f["code"] == "engine.rule_error" for f in diagnosis.report["findings"])


def test_the_message_carries_no_time_limits(
    tmp_path, django_capture_on_commit_callbacks
):
    """The web process publishes without limits, so the worker's own settings
    decide them: the message's timelimit header is empty."""
    from tests.worker_helpers import Broker

    with Broker("filesystem", tmp_path) as broker:
        with django_capture_on_commit_callbacks(execute=True):
            diagnosis = Diagnosis.submit(paste())
        (message,) = broker.messages()
    assert diagnosis.id in message["body"]
    assert message["headers"]["timelimit"] == [None, None]


def test_it_drops_a_result_when_the_sweep_took_the_row_back():
    """A late finish after the sweep re-queued the row (and another worker claimed
    it) does not overwrite the newer run."""
    diagnosis = make()
    assert diagnosis.claim()
    Diagnosis.objects.filter(id=diagnosis.id).update(status="queued")
    other = Diagnosis.objects.get(id=diagnosis.id)
    assert other.claim()
    assert not diagnosis.finish({"findings": []}, "old")
    assert Diagnosis.objects.get(id=diagnosis.id).status == "running"


def test_it_is_configured_for_safe_redelivery():
    """The task acknowledges late and requeues on a lost worker (safe because of
    the claim), with the time limits from settings."""
    assert analyze_diagnosis.acks_late is True
    assert analyze_diagnosis.reject_on_worker_lost is True
    assert analyze_diagnosis.soft_time_limit == settings.ANALYZER_TASK_SOFT_LIMIT
    assert analyze_diagnosis.time_limit == settings.ANALYZER_TASK_HARD_LIMIT
    schedule = settings.CELERY_BEAT_SCHEDULE["sweep-stale-diagnoses"]
    assert schedule["task"] == "analyzer.tasks.sweep_stale_diagnoses"
    assert schedule["schedule"] == settings.ANALYZER_SWEEP_SECONDS


def test_it_requeues_a_stale_running_diagnosis(django_capture_on_commit_callbacks):
    """A diagnosis running longer than ANALYZER_STALE_SECONDS (its worker died) is
    set back to queued and its task sent again."""
    stale = make(status="running", attempts=1, age=settings.ANALYZER_STALE_SECONDS + 5)
    with django_capture_on_commit_callbacks() as callbacks:
        assert sweep_stale_diagnoses() == {"published": 0, "requeued": 1, "failed": 0}
    stale.refresh_from_db()
    assert stale.status == "queued"
    assert stale.attempts == 1
    assert timezone.now() - stale.queued < timedelta(seconds=5)
    assert len(callbacks) == 1


def test_it_resends_a_stale_queued_diagnosis(django_capture_on_commit_callbacks):
    """A diagnosis queued too long (its message was lost) is sent again."""
    stale = make(age=settings.ANALYZER_STALE_SECONDS + 5)
    with django_capture_on_commit_callbacks() as callbacks:
        assert sweep_stale_diagnoses() == {"published": 0, "requeued": 1, "failed": 0}
    stale.refresh_from_db()
    assert stale.status == "queued"
    assert len(callbacks) == 1


def test_it_fails_a_diagnosis_out_of_attempts(django_capture_on_commit_callbacks):
    """A stale diagnosis already tried ANALYZER_MAX_ATTEMPTS times is failed with a
    message, not sent again."""
    stale = make(
        status="running",
        attempts=settings.ANALYZER_MAX_ATTEMPTS,
        age=settings.ANALYZER_STALE_SECONDS + 5,
    )
    with django_capture_on_commit_callbacks() as callbacks:
        assert sweep_stale_diagnoses() == {"published": 0, "requeued": 0, "failed": 1}
    stale.refresh_from_db()
    assert stale.status == "failed"
    assert f"after {settings.ANALYZER_MAX_ATTEMPTS} attempts" in stale.error
    assert callbacks == []


def test_it_leaves_fresh_and_finished_diagnoses_alone(
    django_capture_on_commit_callbacks,
):
    """Rows younger than the stale limit, and done or failed rows, are untouched."""
    old = settings.ANALYZER_STALE_SECONDS + 5
    fresh_running = make(status="running", attempts=1, age=1)
    fresh_queued = make(age=1)
    done = make(status="done", attempts=1, age=old)
    failed = make(status="failed", attempts=1, age=old)
    with django_capture_on_commit_callbacks() as callbacks:
        assert sweep_stale_diagnoses() == {"published": 0, "requeued": 0, "failed": 0}
    assert callbacks == []
    for row in (fresh_running, fresh_queued, done, failed):
        assert Diagnosis.objects.get(id=row.id).status == row.status


def test_it_lets_a_worker_that_finished_first_win():
    """The sweep acts on the row as it read it: when a worker finished the row in
    between, the sweep changes nothing."""
    stale = make(status="running", attempts=1, age=settings.ANALYZER_STALE_SECONDS + 5)
    snapshot = Diagnosis.stale(settings.ANALYZER_STALE_SECONDS).get(id=stale.id)
    assert stale.finish({"findings": []}, engine.ENGINE_VERSION)
    assert snapshot.requeue_or_give_up(settings.ANALYZER_MAX_ATTEMPTS) is None
    assert Diagnosis.objects.get(id=stale.id).status == "done"


@pytest.fixture
def refusing_broker():
    """The app pointed at a Redis port where nothing listens: every publish is
    refused, as when the broker is down."""
    import socket

    from tests.worker_helpers import Broker

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    # Closed again: connecting to it is refused.
    saved = (settings.CELERY_BROKER_URL, settings.CELERY_BROKER_TRANSPORT_OPTIONS)
    from tshoot.celery import app

    before = (app.conf.broker_url, app.conf.broker_transport_options)
    url = f"redis://127.0.0.1:{port}/0"
    # Celery reads the variable before its own configuration: name it there too.
    env_before = os.environ.get("CELERY_BROKER_URL")
    os.environ["CELERY_BROKER_URL"] = url
    Broker._use(
        url,
        {"socket_timeout": 1, "socket_connect_timeout": 1, "max_retries": 0},
    )
    yield
    if env_before is None:
        os.environ.pop("CELERY_BROKER_URL")
    else:
        os.environ["CELERY_BROKER_URL"] = env_before
    Broker._use(*before)
    assert saved == (
        settings.CELERY_BROKER_URL,
        settings.CELERY_BROKER_TRANSPORT_OPTIONS,
    )


@pytest.mark.django_db(transaction=True)
def test_a_broker_that_is_down_costs_no_submit(client, refusing_broker):
    """With the broker refusing, the API still answers 202 with the id and the
    permalink, the row is saved and marked as waiting for the broker, and the
    permalink says the analysis starts when the queue is back."""
    import time

    # Outside a transaction, as in a request: the publish runs at commit.
    started = time.monotonic()
    response = client.post(
        "/api/v1/diagnoses", {"text": paste()}, content_type="application/json"
    )
    took = time.monotonic() - started
    assert response.status_code == 202, response.content
    body = response.json()
    assert body["status"] == "queued"
    assert "starts when the queue is back" in body["message"]
    saved = Diagnosis.objects.get(id=body["id"])
    assert saved.awaiting_broker and saved.status == "queued"
    assert took < settings.ANALYZER_PUBLISH_TIMEOUT + 2
    page = client.get(saved.get_absolute_url())
    assert page.status_code == 200
    assert b"Queued, the analysis starts when the queue is back" in page.content

    form = client.post("/analyze/", {"text": paste()})
    assert form.status_code == 303
    assert Diagnosis.objects.filter(awaiting_broker=True).count() == 2


def test_the_sweep_publishes_what_the_broker_missed(
    tmp_path, django_capture_on_commit_callbacks
):
    """Once the broker is back, the sweep publishes the rows saved meanwhile (fresh
    ones too, not only stale ones), each once, and clears the mark."""
    from tests.worker_helpers import Broker

    waiting = [make(awaiting_broker=True) for _ in range(3)]
    ordinary = make()
    with Broker("filesystem", tmp_path) as broker:
        with django_capture_on_commit_callbacks(execute=True):
            counts = sweep_stale_diagnoses()
        assert counts == {"published": 3, "requeued": 0, "failed": 0}
        bodies = [m["body"] for m in broker.messages()]
        with django_capture_on_commit_callbacks(execute=True):
            assert sweep_stale_diagnoses()["published"] == 0
        assert len(broker.messages()) == 3
    for row in waiting:
        assert sum(row.id in body for body in bodies) == 1
        row.refresh_from_db()
        assert not row.awaiting_broker and row.status == "queued"
    assert not any(ordinary.id in body for body in bodies)


def test_a_running_row_with_a_live_heartbeat_is_not_stale():
    """A row started long ago whose worker still beats is slow, not dead: the sweep
    leaves it; once the beats stop for the stale time it is re-queued."""
    old = settings.ANALYZER_STALE_SECONDS + 60
    slow = make(status="running", attempts=1, age=old)
    assert slow.beat()
    assert not Diagnosis.stale(settings.ANALYZER_STALE_SECONDS).filter(id=slow.id)
    Diagnosis.objects.filter(id=slow.id).update(
        heartbeat=timezone.now()
        - timedelta(seconds=settings.ANALYZER_STALE_SECONDS + 1)
    )
    assert Diagnosis.stale(settings.ANALYZER_STALE_SECONDS).filter(id=slow.id)


def test_a_queued_row_waiting_behind_a_moving_queue_is_not_resent():
    """A backlog is not a lost message: while workers keep claiming rows published
    before it, an old queued row is left alone; once rows published well after it
    have been taken, or nothing was claimed for the stale time, it is resent."""
    stale = settings.ANALYZER_STALE_SECONDS
    waiting = make(age=stale + 30)
    # Published just before it, claimed a moment ago: the queue is moving.
    make(status="running", attempts=1, age=stale + 40)
    Diagnosis.objects.exclude(id=waiting.id).update(started=timezone.now())
    assert not Diagnosis.stale(stale).filter(id=waiting.id)
    # A row published long after it was taken first: its message is gone.
    later = make(status="done", attempts=1, age=0)
    Diagnosis.objects.filter(id=later.id).update(started=timezone.now())
    assert Diagnosis.stale(stale).filter(id=waiting.id)
    later.delete()
    # Nothing claimed for the stale time: the queue stopped.
    Diagnosis.objects.exclude(id=waiting.id).update(
        started=timezone.now() - timedelta(seconds=stale + 1)
    )
    assert Diagnosis.stale(stale).filter(id=waiting.id)


def test_a_result_that_saves_nothing_is_not_reported_done(monkeypatch, caplog):
    """When the row stopped being this run's while it analyzed (the sweep took it
    back, another run claimed it), finish() changes nothing: the task logs it and
    answers 'superseded', not 'done', and the other run's row is untouched."""
    diagnosis = make()
    real = engine.analyze

    def meanwhile(text):
        # The sweep re-queues the row and another delivery claims it.
        Diagnosis.objects.filter(id=diagnosis.id).update(status="queued")
        assert Diagnosis.objects.get(id=diagnosis.id).claim()
        return real(text)

    monkeypatch.setattr(engine, "analyze", meanwhile)
    with caplog.at_level("WARNING", logger="analyzer.tasks"):
        assert analyze_diagnosis(diagnosis.id) == "superseded"
    assert "not saved" in caplog.text
    row = Diagnosis.objects.get(id=diagnosis.id)
    assert (row.status, row.attempts, row.report) == ("running", 2, None)


def test_the_heartbeat_thread_beats_while_the_analysis_runs(monkeypatch):
    """The heartbeat is a thread of its own: with a one-second interval, a run that
    takes a few seconds leaves a heartbeat later than its start."""
    from analyzer.tasks import Heartbeat

    diagnosis = make()
    assert diagnosis.claim()
    beats = []
    monkeypatch.setattr(Diagnosis, "beat", lambda self: beats.append(1) or True)
    with Heartbeat(diagnosis, 0.2):
        import time

        time.sleep(1.1)
    assert 3 <= len(beats) <= 6


def test_runs_share_one_heartbeat_thread_that_beats_only_the_run_in_progress(
    monkeypatch,
):
    """Each run is beaten while it lasts and not after; the second run is beaten
    by the thread the first one started, which is not started per run."""
    import time

    from analyzer.tasks import Heartbeat

    first, second = make(), make()
    beats = []
    monkeypatch.setattr(Diagnosis, "beat", lambda self: beats.append(self.id) or True)
    with Heartbeat(first, 0.1):
        time.sleep(0.45)
    thread = Heartbeat._thread
    with Heartbeat(second, 0.1):
        time.sleep(0.45)
    ended = len(beats)
    time.sleep(0.35)
    assert Heartbeat._thread is thread and thread.is_alive()
    assert beats.count(first.id) >= 2 and beats.count(second.id) >= 2
    assert beats.index(second.id) > max(i for i, b in enumerate(beats) if b == first.id)
    assert len(beats) == ended  # nothing beats once the run is over


def test_a_run_taken_back_by_the_sweep_stops_being_beaten(monkeypatch, caplog):
    """A beat that finds the row no longer this run's ends the run's beating (the
    thread stays for the next run)."""
    import time

    from analyzer.tasks import Heartbeat

    diagnosis = make()
    beats = []
    monkeypatch.setattr(Diagnosis, "beat", lambda self: beats.append(1) and False)
    with caplog.at_level("WARNING", logger="analyzer.tasks"):
        with Heartbeat(diagnosis, 0.1):
            time.sleep(0.5)
    assert beats == [1]
    assert "no longer this run's" in caplog.text


@pytest.mark.parametrize(
    "env, refused",
    [
        ({"ANALYZER_STALE_SECONDS": "100", "ANALYZER_TASK_HARD_LIMIT": "90"}, True),
        ({"ANALYZER_STALE_SECONDS": "110", "ANALYZER_TASK_HARD_LIMIT": "90"}, True),
        ({"ANALYZER_STALE_SECONDS": "111", "ANALYZER_TASK_HARD_LIMIT": "90"}, False),
        ({"ANALYZER_TASK_SOFT_LIMIT": "95"}, True),
    ],
)
def test_settings_refuse_a_stale_time_a_live_run_could_reach(env, refused, tmp_path):
    """Every process (web, worker, beat) refuses to start with a stale time not
    above the hard limit plus two heartbeats (10 s each by default)."""
    import os
    import subprocess
    import sys

    run = subprocess.run(
        [sys.executable, "-c", "import tshoot.settings"],
        env={
            **os.environ,
            "TSHOOT_DATA_DIR": str(tmp_path),
            "ANALYZER_HEARTBEAT_SECONDS": "10",
            **env,
        },
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
    )
    assert (run.returncode != 0) == refused, run.stderr
    if refused:
        assert "ImproperlyConfigured" in run.stderr


def test_a_locked_database_is_waited_out_by_the_task(monkeypatch):
    """SQLite's "database is locked" when the task saves its result is retried
    (after a pause) instead of failing the diagnosis or losing the result."""
    from django.db import OperationalError

    from analyzer import tasks

    monkeypatch.setattr(tasks, "LOCKED_PAUSES", (0.01, 0.01, 0.01))
    real = Diagnosis.finish
    tries = []

    def busy_then_free(self, *args):
        tries.append(1)
        if len(tries) < 3:
            raise OperationalError("database is locked")
        return real(self, *args)

    monkeypatch.setattr(Diagnosis, "finish", busy_then_free)
    diagnosis = make()
    assert analyze_diagnosis(diagnosis.id) == "done"
    assert len(tries) == 3
    assert Diagnosis.objects.get(id=diagnosis.id).status == "done"


def test_a_claim_still_locked_is_retried_later(monkeypatch):
    """A claim that stays locked through every pause leaves the row queued and
    asks Celery to run the task again later."""
    from celery.exceptions import Retry
    from django.db import OperationalError

    from analyzer import tasks

    monkeypatch.setattr(tasks, "LOCKED_PAUSES", (0.01,))

    def always_locked(self):
        raise OperationalError("database is locked")

    monkeypatch.setattr(Diagnosis, "claim", always_locked)
    diagnosis = make()
    with pytest.raises(Retry):
        analyze_diagnosis.apply(args=[diagnosis.id], throw=True)
    assert Diagnosis.objects.get(id=diagnosis.id).status == "queued"


@pytest.mark.parametrize("usable", [True, False])
def test_a_kept_connection_is_checked_before_each_task(monkeypatch, usable):
    """Celery keeps the worker's database connection between tasks
    (CELERY_DB_REUSE_MAX); before each task one that no longer answers (a
    restarted server) is closed, so the task opens a new one."""
    from django.db import connections

    from analyzer.tasks import drop_unusable_connections

    connection = connections["default"]

    assert settings.CELERY_DB_REUSE_MAX > 1
    connection.ensure_connection()
    closed = []
    monkeypatch.setattr(type(connection), "is_usable", lambda self: usable)
    monkeypatch.setattr(type(connection), "close", lambda self: closed.append(1))
    drop_unusable_connections()
    assert closed == ([] if usable else [1])


def synchronous_setting(conn) -> str:
    with conn.cursor() as cursor:
        if conn.vendor == "sqlite":
            cursor.execute("PRAGMA synchronous")
            return {0: "off", 1: "normal", 2: "full", 3: "extra"}[cursor.fetchone()[0]]
        cursor.execute("SHOW synchronous_commit")
        return cursor.fetchone()[0]


def test_only_a_worker_process_commits_without_waiting_for_the_disk():
    """The web's commits wait for the disk (a submit answered with its permalink
    is kept through a power cut); a worker pool process's do not (the sweep
    makes good a claim or a result that is lost)."""
    from django.db import connections
    from django.db.backends.signals import connection_created

    from analyzer.tasks import (
        _commit_without_waiting,
        commit_without_waiting_for_the_disk,
    )

    web = connections.create_connection("default")
    worker = connections.create_connection("default")
    try:
        assert synchronous_setting(web) in ("full", "on")
        commit_without_waiting_for_the_disk()  # what worker_process_init runs
        assert synchronous_setting(worker) in ("normal", "off")
    finally:
        connection_created.disconnect(_commit_without_waiting)
        web.close()
        worker.close()
