"""Celery tasks: thin shells that load a Diagnosis, run the engine and save.

Messages carry the diagnosis id only. The paste stays in the database (already
redacted), so the broker never holds the text a user submitted.
"""

import logging
import os
import threading
import time

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from celery.signals import task_prerun, worker_process_init
from django.conf import settings
from django.db import DatabaseError, OperationalError, connections
from django.db.backends.signals import connection_created

from analyzer import engine
from analyzer.models import Diagnosis

log = logging.getLogger(__name__)


@worker_process_init.connect
def commit_without_waiting_for_the_disk(**kwargs):
    """In a worker's pool process, a commit does not wait for the disk: SQLite
    syncs its write-ahead log at checkpoints only (synchronous=NORMAL), PostgreSQL
    flushes a moment later (synchronous_commit=off). Either keeps the database
    whole through a crash and may lose the last commits of a power cut or of the
    server's crash, which the sweep makes good: a claim or a result that is lost
    leaves the row queued or running without a heartbeat, and it is sent again.
    The web's commits (a submit answered with its permalink) still wait."""
    connection_created.connect(_commit_without_waiting, weak=False)


def _commit_without_waiting(sender, connection, **kwargs):
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA synchronous = NORMAL")
        elif connection.vendor == "postgresql":
            cursor.execute("SET synchronous_commit = off")


@task_prerun.connect
def drop_unusable_connections(**kwargs):
    """Check a database connection kept from the last task before this one uses
    it, as Django checks one kept between requests: a server restarted meanwhile
    costs a new connection, not the task. Celery's Django fix-up would close every
    connection around every task instead (a new PostgreSQL connection per paste,
    ~18 ms); CELERY_DB_REUSE_MAX in the settings keeps them."""
    for conn in connections.all(initialized_only=True):
        if conn.connection is not None and not conn.is_usable():
            conn.close()


def _test_delay():
    # Test hook: the worker tests set ANALYZER_TEST_DELAY_SECONDS in a worker's
    # environment to hold a task in "running" long enough to kill the worker
    # mid-task. Unset everywhere else.
    delay = os.environ.get("ANALYZER_TEST_DELAY_SECONDS")
    if delay:
        time.sleep(float(delay))


class Heartbeat:
    """Refreshes the row's heartbeat every ANALYZER_HEARTBEAT_SECONDS while the
    analysis runs, so the sweep can tell a slow run from a dead one. It stops with
    the run (and with the process: a killed worker's heartbeat ends).

    One thread per process does the beating: started by the first run, it waits
    between runs. A thread started and joined for every run cost a 10 kB paste
    about a quarter of its analysis time on a busy machine, where each start and
    each join waits for the scheduler."""

    _lock = threading.Condition()
    _run = None  # the Heartbeat of the run in progress in this process
    _thread = None
    _pid = None

    def __init__(self, diagnosis: Diagnosis, interval: float):
        self.diagnosis = diagnosis
        self.interval = interval
        self.due = 0.0

    @classmethod
    def _beat_forever(cls):
        lock = cls._lock
        while True:
            with lock:
                run = cls._run
                while run is None or time.monotonic() < run.due:
                    lock.wait(None if run is None else run.due - time.monotonic())
                    run = cls._run
                run.due += run.interval
            run._beat()

    def _beat(self):
        alive = True
        try:
            alive = self.diagnosis.beat()
        except DatabaseError as exc:
            # A busy database misses one beat; the next one may pass.
            log.warning("heartbeat of %s: %s", self.diagnosis.id, exc)
        finally:
            # The thread's own connection, not the task's: none is kept between
            # beats, which are seconds apart.
            connections.close_all()
        if not alive:
            with self._lock:
                if type(self)._run is self:
                    log.warning(
                        "diagnosis %s is no longer this run's; heartbeat stops",
                        self.diagnosis.id,
                    )
                    type(self)._run = None
            # Otherwise the run ended meanwhile: its row is closed, as it should be.

    def __enter__(self):
        cls = type(self)
        if cls._pid != os.getpid():
            # A forked pool process inherits no thread (and no lock held by one).
            cls._lock, cls._thread, cls._run = threading.Condition(), None, None
            cls._pid = os.getpid()
        with cls._lock:
            self.due = time.monotonic() + self.interval
            cls._run = self
            if cls._thread is None or not cls._thread.is_alive():
                cls._thread = threading.Thread(
                    target=cls._beat_forever, name="heartbeat", daemon=True
                )
                cls._thread.start()
            cls._lock.notify()
        return self

    def __exit__(self, *exc):
        with self._lock:
            if type(self)._run is self:
                type(self)._run = None


# Pauses between tries of a write that met "database is locked" (SQLite, another
# writer holding the file past its timeout): about half a minute in all.
LOCKED_PAUSES = (0.5, 1, 2, 4, 8, 15)


def locked(exc: BaseException) -> bool:
    return isinstance(exc, OperationalError) and "locked" in str(exc)


def retry_locked(write, what: str, diagnosis_id: str):
    """Run ``write``; a locked database is waited out, then the error stands."""
    for pause in (*LOCKED_PAUSES, None):
        try:
            return write()
        except OperationalError as exc:
            if pause is None or not locked(exc):
                raise
            log.warning(
                "diagnosis %s: database locked at %s, again in %ss",
                diagnosis_id,
                what,
                pause,
            )
            time.sleep(pause)


def _page(diagnosis: Diagnosis, report: dict):
    """The page of the finished diagnosis, rendered once here rather than on
    every view, for a paste big enough for that to matter. A page that cannot
    be rendered costs only speed: the view then renders from the report, so the
    analysis is not failed for it."""
    from analyzer.views import STORED_PAGE_MIN_CHARS, render_page

    if len(diagnosis.input_text) < STORED_PAGE_MIN_CHARS:
        return None
    try:
        return render_page(diagnosis, report)
    except (SoftTimeLimitExceeded, MemoryError):
        raise
    except Exception:
        log.exception("diagnosis %s: the page was not rendered", diagnosis.id)
        return None


def soft_limit(task) -> int:
    """The soft time limit this run had: the message's own when it carried one
    (a message sent with explicit limits), else the worker's."""
    timelimit = getattr(task.request, "timelimit", None) or (None, None)
    return int(
        timelimit[1] or task.soft_time_limit or settings.ANALYZER_TASK_SOFT_LIMIT
    )


@shared_task(
    # acks_late + reject_on_worker_lost: a message whose worker dies mid-task goes
    # back to the broker instead of being lost. Running it twice is harmless
    # because the task first claims the row with a conditional UPDATE (queued ->
    # running); a second delivery finds the row no longer queued and does nothing.
    acks_late=True,
    reject_on_worker_lost=True,
    # soft_time_limit and time_limit come from CELERY_TASK_ANNOTATIONS in the
    # worker's settings (ANALYZER_TASK_SOFT_LIMIT, ANALYZER_TASK_HARD_LIMIT): the
    # publisher sends messages without limits of its own (Diagnosis.publish).
    ignore_result=True,
    bind=True,
)
def analyze_diagnosis(self, diagnosis_id: str) -> str:
    try:
        diagnosis = Diagnosis.objects.get(id=diagnosis_id)
    except Diagnosis.DoesNotExist:
        log.warning("diagnosis %s does not exist (deleted?)", diagnosis_id)
        return "missing"
    try:
        claimed = retry_locked(diagnosis.claim, "claim", diagnosis_id)
    except OperationalError as exc:
        if not locked(exc):
            raise
        # Still locked: the row is still queued, so the task runs again later.
        raise self.retry(countdown=30, max_retries=10) from exc
    if not claimed:
        log.info(
            "diagnosis %s is %s, not queued: skipped", diagnosis_id, diagnosis.status
        )
        return "skipped"
    try:
        with Heartbeat(diagnosis, settings.ANALYZER_HEARTBEAT_SECONDS):
            _test_delay()
            report = engine.analyze(diagnosis.input_text).to_dict()
            page = _page(diagnosis, report)
        saved = retry_locked(
            lambda: diagnosis.finish(report, engine.ENGINE_VERSION, page),
            "finish",
            diagnosis_id,
        )
        if not saved:
            # The sweep took the row back (this run's heartbeat had stopped) and
            # another run owns it now: this result is not saved.
            log.warning(
                "diagnosis %s: result of attempt %d not saved, the row is no "
                "longer this run's",
                diagnosis_id,
                diagnosis.attempts,
            )
            return "superseded"
    except SoftTimeLimitExceeded:
        limit = soft_limit(self)
        log.warning("diagnosis %s stopped at the %ss time limit", diagnosis_id, limit)
        message = (
            f"The analysis took longer than {limit} seconds; submit a smaller "
            "paste or split it."
        )
        retry_locked(lambda: diagnosis.fail(message), "fail", diagnosis_id)
        return "failed"
    except Exception as exc:
        log.exception("diagnosis %s failed", diagnosis_id)
        message = f"The analysis stopped with an internal error ({type(exc).__name__})."
        retry_locked(lambda: diagnosis.fail(message), "fail", diagnosis_id)
        return "failed"
    return "done"


@shared_task(ignore_result=True)
def sweep_stale_diagnoses() -> dict:
    """Re-send diagnoses left queued or running too long (a lost message, a killed
    worker) and fail those that have used up their attempts."""
    counts = {"requeued": 0, "failed": 0}
    # Rows saved while the broker was away go first: the sweep runs, so the
    # broker is back.
    counts["published"] = Diagnosis.publish_waiting()
    stale = Diagnosis.stale(settings.ANALYZER_STALE_SECONDS)
    for diagnosis in stale.order_by("queued")[:500]:
        outcome = diagnosis.requeue_or_give_up(settings.ANALYZER_MAX_ATTEMPTS)
        if outcome:
            counts[outcome] += 1
    if any(counts.values()):
        log.info(
            "sweep: %(published)d published after a broker outage, %(requeued)d "
            "stale requeued, %(failed)d failed",
            counts,
        )
    return counts


@shared_task(ignore_result=True)
def cleanup_old_diagnoses() -> int:
    """Delete diagnoses older than ANALYZER_RETENTION_DAYS (0 keeps them all); beat
    runs it daily, and `manage.py cleanup_diagnoses` does the same from cron."""
    days = settings.ANALYZER_RETENTION_DAYS
    if days < 1:
        return 0
    deleted = Diagnosis.past_retention(days).delete()[1].get("analyzer.Diagnosis", 0)
    if deleted:
        log.info("deleted %d diagnoses older than %d days", deleted, days)
    return deleted


@shared_task(ignore_result=True)
def expire_diagnoses() -> int:
    """Delete diagnoses past the expiry chosen at submit, pasted text and all.
    Reads refuse them from that moment already; this frees the space. Beat runs
    it every ANALYZER_EXPIRE_SWEEP_SECONDS; `manage.py cleanup_diagnoses` too."""
    deleted = Diagnosis.expired().delete()[1].get("analyzer.Diagnosis", 0)
    if deleted:
        log.info("deleted %d expired diagnoses", deleted)
    return deleted
