"""Page benchmarks; prints server render time (p50/p95) and response size.

Builds a big mixed paste (about 2 MiB, tens of thousands of lines, hundreds of
findings) from every text fixture under tests/fixtures, stores it as diagnoses in a
throwaway SQLite database, runs the engine on them as the worker would, then times
with Django's test client: the permalink, the status partial the page polls, the
raw download, the home page, an article and a search results page. Sizes are
given as sent and, for pages, gzipped as a browser asking for it receives them.

    .venv/bin/python bench/pages.py [--size 2097152] [--runs 20]
"""

from __future__ import annotations

import argparse
import gzip
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
PAGE_GOAL_MS = 100  # the permalink of a 2 MiB diagnosis, median
FIXTURES = BASE_DIR / "tests" / "fixtures"
sys.path.insert(0, str(BASE_DIR))


def fixture_texts() -> list[str]:
    texts = []
    for path in sorted(FIXTURES.glob("*/*.txt")):
        if path.parent.name in ("cli", "kb", "redact"):
            continue  # encodings and secrets, not device output
        text = path.read_text(encoding="utf-8", errors="replace")
        texts.append(text if text.endswith("\n") else text + "\n")
    return texts


def mixed_paste(size: int) -> str:
    texts = fixture_texts()
    parts, total, i = [], 0, 0
    while True:
        text = texts[i % len(texts)]
        if total + len(text.encode()) > size:
            break
        parts.append(text)
        total += len(text.encode())
        i += 1
    return "".join(parts)


def timed(client, url: str, runs: int, **extra) -> tuple[list[float], int, int]:
    times, size, zipped = [], 0, 0
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(url, **extra)
        body = (
            b"".join(response.streaming_content)
            if response.streaming
            else response.content
        )
        times.append(time.perf_counter() - start)
        assert response.status_code in (200, 286), (url, response.status_code)
    size = len(body)
    if response.get("Content-Encoding") == "gzip":
        zipped = size
        size = len(gzip.decompress(body))
    else:
        zipped = len(gzip.compress(body, 6))
    return times, size, zipped


def report(name: str, times: list[float], size: int, zipped: int) -> float:
    ordered = sorted(times)
    p50 = statistics.median(ordered) * 1000
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))] * 1000
    print(
        f"{name:34s} p50 {p50:8.1f} ms  p95 {p95:8.1f} ms  "
        f"{size / 1024:9.1f} KiB  gzip {zipped / 1024:8.1f} KiB"
    )
    return p50


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=2 * 1024 * 1024)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()

    data_dir = tempfile.mkdtemp(prefix="tshoot-bench-pages-")
    os.environ.update(
        {
            "TSHOOT_DATA_DIR": data_dir,
            "DATABASE_URL": f"sqlite:///{data_dir}/bench.sqlite3",
            "DJANGO_SETTINGS_MODULE": "tshoot.settings",
            "LOG_LEVEL": "WARNING",
        }
    )
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    from analyzer.models import Diagnosis
    from analyzer.redact import redact
    from analyzer.tasks import analyze_diagnosis
    from kb.models import Article

    call_command("migrate", verbosity=0)
    call_command("sync_articles", verbosity=0)

    paste = mixed_paste(args.size)
    start = time.perf_counter()
    diagnosis = Diagnosis.objects.create(title="bench", input_text=redact(paste))
    analyze_diagnosis(diagnosis.id)
    diagnosis.refresh_from_db()
    took = time.perf_counter() - start
    report_ = diagnosis.report or {}
    records = sum(len(s.get("records") or []) for s in report_.get("sources") or [])
    print(
        f"paste: {len(paste.encode()) / 1024:.0f} KiB, "
        f"{paste.count(chr(10))} lines, {len(report_.get('findings') or [])} "
        f"findings, {len(report_.get('sources') or [])} sources, {records} records; "
        f"status {diagnosis.status}, analyzed in {took:.1f} s"
    )
    pending = Diagnosis.objects.create(title="pending", input_text=redact(paste))

    client = Client(HTTP_HOST="localhost")
    gz = {"HTTP_ACCEPT_ENCODING": "gzip"}
    article = Article.objects.order_by("slug").first()
    pages = [
        ("permalink /d/<id>/ (done)", diagnosis.get_absolute_url(), {}),
        ("permalink, gzip", diagnosis.get_absolute_url(), gz),
        (
            "status partial (done, htmx)",
            diagnosis.get_absolute_url(),
            {"HTTP_HX_REQUEST": "true"},
        ),
        (
            "status partial (pending, htmx)",
            pending.get_absolute_url(),
            {"HTTP_HX_REQUEST": "true"},
        ),
        ("permalink (pending)", pending.get_absolute_url(), {}),
        ("raw download", f"/d/{diagnosis.id}/raw", {}),
        ("API diagnosis JSON", f"/api/v1/diagnoses/{diagnosis.id}", {}),
        ("home /", "/", {}),
        (f"article /kb/{article.slug}/", f"/kb/{article.slug}/", {}),
        ("search /search/?q=MM_WAIT_MSG4", "/search/?q=MM_WAIT_MSG4", {}),
    ]
    medians = {}
    for name, url, extra in pages:
        client.get(url, **extra)  # warm caches, compiled templates
        medians[name] = report(name, *timed(client, url, args.runs, **extra))
    p50 = medians[pages[0][0]]
    size = len(paste.encode()) / (1 << 20)
    print(
        f"GOAL {size:.0f} MiB diagnosis page p50 | {p50:.0f} ms | ≤ {PAGE_GOAL_MS} ms | "
        f"{'met' if p50 <= PAGE_GOAL_MS else 'missed'}"
    )


if __name__ == "__main__":
    main()
