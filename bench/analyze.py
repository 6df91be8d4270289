"""Analyzer benchmarks; prints its figures.

1. Engine throughput: lines per second of analyzer.engine.analyze (and of redact)
   on a generated mixed paste of at least 100,000 lines, built from the ISAKMP and
   IPsec SA outputs under tests/fixtures (and the seed archive).
2. Submit-to-done latency through Redis with a warm worker: a 10 kB paste is
   submitted (stored, queued after commit), a `celery worker` process analyzes it,
   and the time until the row reads done is measured; p50 and p95 are printed.
   The script makes its own throwaway SQLite database and starts its own worker.

    .venv/bin/python bench/analyze.py [--lines 100000] [--runs 3] [--submits 60]
        [--redis redis://127.0.0.1:6379/7] [--skip-latency]

The Redis database given is emptied of Celery's keys before and after the run.
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

BASE_DIR = Path(__file__).resolve().parent.parent
FIXTURES = BASE_DIR / "tests" / "fixtures"
SEED = FIXTURES / "seed" / "sample-outputs.txt"
sys.path.insert(0, str(BASE_DIR))


def sample_outputs() -> list[str]:
    """Every ISAKMP/IKE and IPsec SA fixture, plus the source material's sample outputs."""
    texts = []
    for folder in ("ike", "ipsec", "web"):
        for path in sorted((FIXTURES / folder).glob("*.txt")):
            texts.append(path.read_text(encoding="utf-8", errors="replace"))
    texts.append(SEED.read_text(encoding="utf-8", errors="replace"))
    if not texts:
        raise SystemExit("no fixtures found under tests/fixtures")
    return [t if t.endswith("\n") else t + "\n" for t in texts]


def mixed_paste(min_lines: int) -> str:
    outputs = sample_outputs()
    parts, lines, i = [], 0, 0
    while lines < min_lines:
        text = outputs[i % len(outputs)]
        parts.append(text)
        lines += text.count("\n")
        i += 1
    return "".join(parts)


def paste_of_size(size: int) -> str:
    text = mixed_paste(2000)
    cut = text[:size]
    return cut[: cut.rfind("\n") + 1]


def bench_engine(lines: int, runs: int):
    from analyzer import engine
    from analyzer.redact import redact

    text = mixed_paste(lines)
    count = text.count("\n")
    print(f"engine: {count} lines, {len(text.encode()) / 1e6:.1f} MB, best of {runs}")
    redact_times, analyze_times = [], []
    for _ in range(runs):
        start = time.perf_counter()
        redacted = redact(text)
        redact_times.append(time.perf_counter() - start)
        start = time.perf_counter()
        report = engine.analyze(redacted)
        analyze_times.append(time.perf_counter() - start)
    best_redact, best_analyze = min(redact_times), min(analyze_times)
    print(
        f"  redact : {best_redact:7.2f} s  {count / best_redact:12,.0f} lines/s"
        f"  (median {statistics.median(redact_times):.2f} s)"
    )
    print(
        f"  analyze: {best_analyze:7.2f} s  {count / best_analyze:12,.0f} lines/s"
        f"  (median {statistics.median(analyze_times):.2f} s)"
    )
    print(
        f"  report : {len(report.sources)} sources, {len(report.findings)} findings,"
        f" {report.unparsed_lines} unparsed lines"
    )


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def bench_latency(redis_url: str, submits: int):
    workdir = Path(tempfile.mkdtemp(prefix="tshoot-bench-"))
    env = {
        "TSHOOT_DATA_DIR": str(workdir),
        "DATABASE_URL": f"sqlite:///{workdir / 'bench.sqlite3'}",
        "CELERY_BROKER_URL": redis_url,
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "DJANGO_SETTINGS_MODULE": "tshoot.settings",
        "LOG_LEVEL": "WARNING",
    }
    os.environ.update(env)
    import django

    django.setup()
    import redis
    from django.core.management import call_command

    from analyzer.models import Diagnosis

    client = redis.Redis.from_url(redis_url)
    client.ping()
    client.delete("celery", "unacked", "unacked_index", "unacked_mutex")
    call_command("migrate", verbosity=0)

    log = (workdir / "worker.log").open("wb")
    worker = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "celery"),
            "-A",
            "tshoot",
            "worker",
            "--loglevel=WARNING",
            "--concurrency=2",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=BASE_DIR,
        env={**os.environ, **env},
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    paste = paste_of_size(10_000)
    try:

        def run_one(timeout=60.0) -> float:
            start = time.perf_counter()
            diagnosis = Diagnosis.submit(paste, title="bench")
            deadline = start + timeout
            while True:
                status = (
                    Diagnosis.objects.filter(id=diagnosis.id)
                    .values_list("status", flat=True)
                    .get()
                )
                if status in ("done", "failed"):
                    if status == "failed":
                        raise SystemExit("a bench diagnosis failed; see the worker log")
                    return time.perf_counter() - start
                if time.perf_counter() > deadline:
                    raise SystemExit(
                        f"no result within {timeout}s; worker log: {workdir / 'worker.log'}"
                    )
                time.sleep(0.002)

        # Warm-up: the worker's start, imports and first connections.
        run_one(timeout=120.0)
        for _ in range(4):
            run_one()
        latencies = [run_one() for _ in range(submits)]
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)
        log.close()
        client.delete("celery", "unacked", "unacked_index", "unacked_mutex")
        if worker.returncode in (0, -signal.SIGTERM, -signal.SIGKILL):
            shutil.rmtree(workdir, ignore_errors=True)
    ms = [value * 1000 for value in latencies]
    print(
        f"latency: {len(paste)} byte paste, {paste.count(chr(10))} lines, {submits} "
        f"sequential submits through {redis_url} (warm worker, SQLite)"
    )
    print(
        f"  p50 {percentile(ms, 0.50):6.1f} ms   p95 {percentile(ms, 0.95):6.1f} ms"
        f"   min {min(ms):6.1f} ms   max {max(ms):6.1f} ms"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--submits", type=int, default=60)
    parser.add_argument(
        "--redis",
        default=os.getenv("BENCH_REDIS_URL", "redis://127.0.0.1:6379/7"),
        help="Redis database for the latency run (its Celery keys are emptied)",
    )
    parser.add_argument("--skip-latency", action="store_true")
    args = parser.parse_args()
    bench_engine(args.lines, args.runs)
    if not args.skip_latency:
        bench_latency(args.redis, args.submits)


if __name__ == "__main__":
    main()
