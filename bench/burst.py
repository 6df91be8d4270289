#!/usr/bin/env python
"""How fast one worker drains a burst of pastes, against the engine alone.

Builds 200 pastes of about 10 kB from the real outputs under tests/fixtures (whole
outputs, as bench/pages.py builds its paste; each paste starts at another fixture,
so no two are alike), submits them the way the site does (``Diagnosis.submit``:
redaction, the row, the message after commit) while no worker runs, then starts
ONE worker (``celery worker --concurrency=1``, as the suite's worker helpers start
it) and times it from the end of its warm-up pastes to the last of the burst done.
The same 200 redacted pastes then go through ``engine.analyze()`` in this process,
back to back, and the ratio of the two rates is printed beside the goal (80%).

Each broker gets its own run: Redis (a private database and queue, emptied before
and after) and the embedded filesystem broker (a folder of its own). The database
is a throwaway SQLite file, or a database on the PostgreSQL server DATABASE_URL
names (its name + ``_bench``, dropped afterwards), as bench/search.py makes it.

    .venv/bin/python bench/burst.py [--pastes 200] [--size 10000] [--runs 3]
        [--broker redis|filesystem] [--redis redis://127.0.0.1:6379/6]

The median of ``--runs`` runs is printed. The drain time comes from the rows'
``finished`` stamps (written by the worker), so this process polls lazily and
takes no CPU from the worker while it drains.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

GOAL = 0.80
WARMUP = 5
# Waits: a worker imports Django and the engine first; a drain of 200 small pastes
# that takes longer than this has stopped, not slowed.
START_TIMEOUT = 90
DRAIN_TIMEOUT = 300


def fixture_texts() -> list[str]:
    """The device outputs bench/pages.py builds its paste from."""
    texts = []
    for path in sorted(FIXTURES.glob("*/*.txt")):
        if path.parent.name in ("cli", "kb", "redact"):
            continue  # encodings and secrets, not device output
        text = path.read_text(encoding="utf-8", errors="replace")
        if text.strip():
            texts.append(text if text.endswith("\n") else text + "\n")
    return texts


def pastes(count: int, size: int) -> list[str]:
    """``count`` pastes of whole outputs, each filled up to ``size`` bytes going
    round the fixtures from a different one (outputs that do not fit the room
    left are passed over)."""
    texts = fixture_texts()
    sizes = [len(t.encode()) for t in texts]
    out = []
    for k in range(count):
        parts, room = [], size
        for j in range(len(texts)):
            i = (k + j) % len(texts)
            if sizes[i] <= room:
                parts.append(texts[i])
                room -= sizes[i]
        out.append("".join(parts))
    return out


def broker_env(kind: str, workdir: Path, redis_url: str) -> dict[str, str]:
    """The environment naming this run's broker, for this process and the worker.
    A queue name of its own, so no other worker on the same broker takes a
    message."""
    queue = f"bench-burst-{os.getpid()}"
    env = {"CELERY_TASK_DEFAULT_QUEUE": queue}
    if kind == "redis":
        env["CELERY_BROKER_URL"] = redis_url
    else:
        env["CELERY_BROKER_URL"] = "filesystem://"
        env["CELERY_BROKER_DIR"] = str(workdir / "broker")
    return env


def start_worker(env: dict, log_path: Path) -> subprocess.Popen:
    """One worker process with one pool process, as tests/worker_helpers.py
    starts it, in its own process group."""
    with log_path.open("ab") as log:
        return subprocess.Popen(
            [
                str(Path(sys.executable).parent / "celery"),
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
                f"bench-burst-{os.getpid()}@%h",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def stop_worker(worker: subprocess.Popen) -> None:
    if worker.poll() is not None:
        return
    try:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)
    except ProcessLookupError:
        pass


def cpu_seconds(pid: int) -> float:
    """CPU time (user and system) of a process and its children so far, from
    /proc (Linux): the worker's main process and its pool process."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # gone meanwhile
        # After the command's name: state, ppid, ... utime (12th), stime (13th).
        if int(stat.parent.name) == pid or int(fields[1]) == pid:
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


def wait_done(
    ids: list[str], worker, log_path: Path, timeout: float, poll: float = 0.25
) -> None:
    from analyzer.models import Diagnosis

    deadline = time.monotonic() + timeout
    while True:
        left = Diagnosis.objects.filter(id__in=ids, status__in=("queued", "running"))
        if not left.exists():
            break
        if worker.poll() is not None or time.monotonic() > deadline:
            tail = log_path.read_text(errors="replace")[-4000:]
            raise SystemExit(
                f"{left.count()} of {len(ids)} diagnoses not done "
                f"(worker {'exited' if worker.poll() is not None else 'still busy'})"
                f"\n--- worker log ---\n{tail}"
            )
        time.sleep(poll)
    failed = Diagnosis.objects.filter(id__in=ids, status="failed")
    if failed.exists():
        raise SystemExit(f"{failed.count()} diagnoses failed: {failed[0].error}")


def one_run(texts: list[str], warmup: list[str], env: dict, workdir: Path) -> dict:
    """Submit, time the engine alone on what was stored, then drain with a worker."""
    from analyzer import engine
    from analyzer.models import Diagnosis

    Diagnosis.objects.all().delete()
    start = time.perf_counter()
    warm_ids = [Diagnosis.submit(t, title="warm-up").id for t in warmup]
    # The burst's messages go after the warm-ups' (the filesystem broker orders
    # by a millisecond stamp).
    time.sleep(0.05)
    burst_ids = [Diagnosis.submit(t, title="burst").id for t in texts]
    submit_seconds = time.perf_counter() - start

    # The engine alone, on the same redacted text the worker will read.
    stored = dict(
        Diagnosis.objects.filter(id__in=burst_ids).values_list("id", "input_text")
    )
    inputs = [stored[i] for i in burst_ids]
    for text in inputs[:WARMUP]:
        engine.analyze(text)
    start, cpu = time.perf_counter(), time.process_time()
    for text in inputs:
        engine.analyze(text)
    engine_seconds = time.perf_counter() - start
    engine_cpu = time.process_time() - cpu

    log_path = workdir / "worker.log"
    worker = start_worker(env, log_path)
    try:
        # Polled closely: the worker's CPU time is read when the warm-up ends.
        wait_done(warm_ids, worker, log_path, START_TIMEOUT, poll=0.01)
        cpu = cpu_seconds(worker.pid)
        wait_done(burst_ids, worker, log_path, DRAIN_TIMEOUT)
        worker_cpu = cpu_seconds(worker.pid) - cpu
    finally:
        stop_worker(worker)
    rows = Diagnosis.objects.filter(id__in=burst_ids)
    warm_end = max(
        Diagnosis.objects.filter(id__in=warm_ids).values_list("finished", flat=True)
    )
    first_start = min(rows.values_list("started", flat=True))
    last_end = max(rows.values_list("finished", flat=True))
    if first_start < warm_end:
        raise SystemExit("the worker took a burst paste before the warm-up ended")
    drain_seconds = (last_end - warm_end).total_seconds()
    # Where the worker's time goes: from the claim to the result saved (the
    # engine and the task's own writes), and from one result to the next claim
    # (the broker, the pool, Celery, the task's start).
    stamps = sorted(rows.values_list("started", "finished"))
    inside = [(end - begin).total_seconds() for begin, end in stamps]
    between = [
        (stamps[i + 1][0] - stamps[i][1]).total_seconds()
        for i in range(len(stamps) - 1)
    ]
    return {
        "submit": len(texts) / submit_seconds,
        "engine": len(texts) / engine_seconds,
        "worker": len(texts) / drain_seconds,
        "inside": statistics.mean(inside),
        "between": statistics.mean(between),
        "engine each": engine_seconds / len(texts),
        "engine cpu": engine_cpu / len(texts),
        "worker cpu": worker_cpu / len(texts),
    }


def run_broker(kind: str, args) -> None:
    from search import throwaway_database

    workdir = Path(tempfile.mkdtemp(prefix="tshoot-burst-"))
    env = dict(
        os.environ,
        DATABASE_URL=throwaway_database(workdir),
        TSHOOT_DATA_DIR=str(workdir),
        DJANGO_SETTINGS_MODULE="tshoot.settings",
        # As `make run` runs the worker: DEBUG off (no query log kept).
        DEBUG="0",
        PLAIN_HTTP="1",
        SECRET_KEY="bench-only-" + "x" * 50,
        CELERY_TASK_ALWAYS_EAGER="0",
        PYTHONUNBUFFERED="1",
        **broker_env(kind, workdir, args.redis),
    )
    os.environ.update(env)
    os.environ["LOG_LEVEL"] = "WARNING"  # this process's; the worker logs as it does
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    redis_client = None
    queue = env["CELERY_TASK_DEFAULT_QUEUE"]
    try:
        call_command("migrate", verbosity=0)
        if kind == "redis":
            import redis

            redis_client = redis.Redis.from_url(args.redis)
            redis_client.ping()
            redis_client.delete(queue)
        texts = pastes(args.pastes, args.size)
        warmup = pastes(args.pastes + WARMUP, args.size)[args.pastes :]
        mean = statistics.mean(len(t.encode()) for t in texts)
        results = [one_run(texts, warmup, env, workdir) for _ in range(args.runs)]
    finally:
        if redis_client is not None:
            redis_client.delete(queue)
            redis_client.close()
        connection.close()
        url = env["DATABASE_URL"]
        if url.startswith(("postgres://", "postgresql://")):
            from urllib.parse import urlsplit, urlunsplit

            import psycopg

            admin = urlunsplit(urlsplit(url)._replace(path="/postgres"))
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f"DROP DATABASE IF EXISTS {urlsplit(url).path[1:]}")
        shutil.rmtree(workdir, ignore_errors=True)

    backend = "PostgreSQL" if connection.vendor == "postgresql" else "SQLite"
    broker = "Redis" if kind == "redis" else "filesystem broker"
    print(
        f"{broker}, {backend}: {args.pastes} pastes of {mean / 1000:.1f} kB mean, "
        f"one worker (concurrency 1), {args.runs} runs (median)"
    )
    submit = statistics.median(r["submit"] for r in results)
    engine_rate = statistics.median(r["engine"] for r in results)
    worker_rate = statistics.median(r["worker"] for r in results)
    ratio = statistics.median(r["worker"] / r["engine"] for r in results)
    print(f"  submit (redact, store, publish) {submit:8.1f} pastes/s")
    print(f"  engine alone, this process      {engine_rate:8.1f} diagnoses/s")
    print(f"  one worker draining the burst   {worker_rate:8.1f} diagnoses/s")
    inside = statistics.median(r["inside"] for r in results) * 1000
    between = statistics.median(r["between"] for r in results) * 1000
    each = statistics.median(r["engine each"] for r in results) * 1000
    print(
        f"  per paste: engine alone {each:.1f} ms; in the worker {inside:.1f} ms "
        f"from claim to result saved, {between:.1f} ms from a result to the next "
        "claim (means)"
    )
    engine_cpu = statistics.median(r["engine cpu"] for r in results) * 1000
    worker_cpu = statistics.median(r["worker cpu"] for r in results) * 1000
    print(
        f"  CPU per paste: engine alone {engine_cpu:.1f} ms, worker {worker_cpu:.1f} ms "
        "(its main and pool processes)"
    )
    print(
        "  ratios per run: "
        + ", ".join(f"{r['worker'] / r['engine']:.0%}" for r in results)
    )
    verdict = "met" if ratio >= GOAL else "missed"
    print(
        f"GOAL one worker drains a {args.pastes} x {args.size // 1000} kB burst "
        f"({broker}, {backend}) | {ratio:.0%} of engine alone ({worker_rate:.0f} vs "
        f"{engine_rate:.0f}/s) | ≥ {GOAL:.0%} | {verdict}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pastes", type=int, default=200)
    parser.add_argument("--size", type=int, default=10_000, help="bytes per paste")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--broker",
        choices=("redis", "filesystem"),
        help="only this broker (default: each in turn)",
    )
    parser.add_argument(
        "--redis",
        default=os.getenv("BENCH_BURST_REDIS_URL", "redis://127.0.0.1:6379/6"),
        help="a Redis database for the run (only its own queue is touched)",
    )
    args = parser.parse_args()
    if args.broker:
        run_broker(args.broker, args)
        return
    # Each broker in a process of its own: the settings read the broker once.
    failed = 0
    for kind in ("redis", "filesystem"):
        sys.stdout.flush()
        command = [sys.executable, __file__, "--broker", kind]
        command += ["--pastes", str(args.pastes), "--size", str(args.size)]
        command += ["--runs", str(args.runs), "--redis", args.redis]
        failed |= subprocess.run(command).returncode
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
