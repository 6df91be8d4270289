#!/usr/bin/env python
"""Search latency over the relevance queries, for the database DATABASE_URL names.

The queries are both relevance tables (tests/kb/test_search.py and, with its pasted
log lines and queries without an answer, tests/kb/test_search_field.py).

Prints p50/p95/max of ``kb.search.search()`` (candidates and postings from the
database, ranking and snippets in Python) on the real articles, then again with
5,000 generated articles added, and how long ``sync_articles`` took to load those;
then both beside the goals (search p95 under 10 ms and a sync of 5,000 articles in
20 s at most, at 5,000 articles). Each search is also timed in this process's CPU
time, which other work on the machine inflates less (on SQLite it holds the
database's work; on PostgreSQL the server's is not in it), and the load average
is printed: the figures are wall-clock times on whatever the machine is doing.
Runs on a throwaway database: a temporary SQLite file by default, or a database
(dropped and re-created) on the PostgreSQL server DATABASE_URL points at (its
database name + ``_bench``).

    .venv/bin/python bench/search.py [--articles 5000] [--rounds 5]
    .venv/bin/python bench/search.py --relevance   # the tables' ranks only
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tshoot .venv/bin/python bench/search.py
"""

import argparse
import io
import os
import random
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
# The goals, at 5,000 generated articles beside the real ones.
GOAL_P95_MS = 10.0
GOAL_SYNC_S = 20.0


def bench_db_name(url: str) -> str:
    """The throwaway database's name: the one DATABASE_URL names plus ``_bench``, so
    two people benchmarking on one server do not drop each other's database."""
    name = urlsplit(url).path.lstrip("/") or "tshoot"
    return re.sub(r"\W", "_", name)[:50] + "_bench"


def throwaway_database(workdir: Path) -> str:
    """A DATABASE_URL for an empty database nobody else uses."""
    url = os.getenv("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        return f"sqlite:///{workdir / 'bench.sqlite3'}"
    import psycopg

    parts = urlsplit(url)
    admin = urlunsplit(parts._replace(path="/postgres"))
    name = bench_db_name(url)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name}")
        conn.execute(f"CREATE DATABASE {name}")
    return urlunsplit(parts._replace(path=f"/{name}"))


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered)) - 1))
    return ordered[index]


def measure(queries: list[str], rounds: int) -> dict:
    from kb.search import search

    for query in queries:  # warm caches and connections
        search(query)
    timings, cpu = [], []
    for _ in range(rounds):
        for query in queries:
            start, start_cpu = time.perf_counter(), time.process_time()
            search(query)
            cpu.append((time.process_time() - start_cpu) * 1000)
            timings.append((time.perf_counter() - start) * 1000)
    return {
        "n": len(timings),
        "p50": statistics.median(timings),
        "p95": percentile(timings, 95),
        "max": max(timings),
        "cpu_p50": statistics.median(cpu),
        "cpu_p95": percentile(cpu, 95),
    }


def relevance(rows) -> dict:
    """Where the expected article ranks for each row ``(query, slug, within)`` of the
    relevance tables: how many rows meet their own bound, how many put the article
    first and in the top three, and the mean reciprocal rank (0 when absent)."""
    from kb.search import search

    met = top1 = top3 = 0
    reciprocal = 0.0
    misses = []
    for query, slug, within in rows:
        slugs = [r.slug for r in search(query)]
        rank = slugs.index(slug) + 1 if slug in slugs else None
        met += rank is not None and rank <= within
        top1 += rank == 1
        top3 += rank is not None and rank <= 3
        reciprocal += 1 / rank if rank else 0.0
        if rank is None or rank > within:
            misses.append((query, slug, rank))
    return {
        "rows": len(rows),
        "met": met,
        "top1": top1,
        "top3": top3,
        "mrr": reciprocal / len(rows) if rows else 0.0,
        "misses": misses,
    }


def report_relevance(label: str, figures: dict) -> None:
    print(
        f"relevance, {label}: {figures['met']}/{figures['rows']} within bound, "
        f"top-1 {figures['top1']}, top-3 {figures['top3']}, MRR {figures['mrr']:.3f}"
    )
    for query, slug, rank in figures["misses"]:
        print(f"  miss: {query!r} -> {slug} at {rank}")


def generate_articles(folder: Path, count: int, seed: int = 7) -> None:
    """``count`` articles made of the real articles' words, identifiers and
    commands, with the same front matter and section structure."""
    from kb.models import Article

    rng = random.Random(seed)
    words = []
    identifiers = set()
    for article in Article.objects.all():
        words.extend(re.findall(r"[A-Za-z][A-Za-z'-]{1,}", article.body_text))
        identifiers.update(article.identifiers)
    identifiers = sorted(identifiers)
    tags = ["vpn", "asa", "ios", "ikev1", "ikev2", "phase1", "phase2", "nat", "syslog"]

    def sentence(n):
        return " ".join(rng.choice(words) for _ in range(n)).capitalize() + "."

    for i in range(count):
        ids = rng.sample(identifiers, k=min(5, len(identifiers)))
        sections = []
        for s in range(rng.randint(4, 8)):
            paragraphs = "\n\n".join(
                " ".join(sentence(rng.randint(8, 20)) for _ in range(rng.randint(2, 5)))
                for _ in range(rng.randint(1, 3))
            )
            block = ""
            if rng.random() < 0.4:
                block = f"\n\n```cli\n{rng.choice(identifiers)}\n```"
            heading = sentence(rng.randint(2, 5)).rstrip(".")
            sections.append(f"## {heading} {{#s{s}}}\n\n{paragraphs}{block}")
        front = (
            "---\n"
            f'title: "{sentence(rng.randint(5, 10)).rstrip(".")}"\n'
            f'summary: "{sentence(rng.randint(15, 30))}"\n'
            f"tags: [{', '.join(rng.sample(tags, 3))}]\n"
            "related: [isakmp-states]\n"
            "identifiers:\n"
            + "".join(f'  - "{x}"\n' for x in ids)
            + "updated: 2026-11-01\n---\n"
        )
        (folder / f"generated-{i:05d}.md").write_text(front + "\n\n".join(sections))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument(
        "--relevance",
        action="store_true",
        help="Only rank the relevance tables on the real articles",
    )
    parser.add_argument(
        "--keep", action="store_true", help="Leave the throwaway database in place"
    )
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="tshoot-bench-"))
    os.environ["DATABASE_URL"] = throwaway_database(workdir)
    os.environ["TSHOOT_DATA_DIR"] = str(workdir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tshoot.settings")
    # As the site runs (`make run`): DEBUG off, so no query is logged.
    os.environ["DEBUG"] = "0"
    os.environ["PLAIN_HTTP"] = "1"
    os.environ.setdefault("SECRET_KEY", "bench-only-" + "x" * 50)
    sys.path.insert(0, str(ROOT))

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from tests.kb.test_search import RELEVANCE
    from tests.kb.test_search_field import FIELD, NO_ANSWER

    queries = [q for q, _slug, _within in RELEVANCE + FIELD] + NO_ANSWER
    try:
        call_command("migrate", "kb", verbosity=0)
        print(
            f"backend: {connection.vendor}  queries: {len(queries)}  rounds: {args.rounds}"
            f"  load average: {load()}"
        )

        start = time.perf_counter()
        call_command("sync_articles", stdout=io.StringIO())
        real = len(list(Path(settings.KB_CONTENT_DIR).glob("*.md")))
        print(f"sync {real} real articles: {time.perf_counter() - start:.2f} s")
        report_relevance("test tables", relevance(RELEVANCE + FIELD))
        if args.relevance:
            return
        report(f"{real} real articles", measure(queries, args.rounds))

        content = workdir / "content"
        content.mkdir()
        for path in Path(settings.KB_CONTENT_DIR).glob("*.md"):
            shutil.copy(path, content / path.name)
        generate_articles(content, args.articles)
        start = time.perf_counter()
        out = io.StringIO()
        call_command("sync_articles", content_dir=str(content), stdout=out)
        synced = time.perf_counter() - start
        print(
            f"sync {args.articles} generated articles: "
            f"{synced:.1f} s ({out.getvalue().strip()})"
        )
        figures = measure(queries, args.rounds)
        report(f"{real} real + {args.articles} generated", figures)
        print(f"goals, {connection.vendor}, {args.articles} generated articles:")
        print(
            f"  search p95 {figures['p95']:.2f} ms, goal < {GOAL_P95_MS:g} ms:"
            f" goal {'met' if figures['p95'] < GOAL_P95_MS else 'missed'}"
        )
        print(
            f"  sync {synced:.1f} s, goal <= {GOAL_SYNC_S:g} s:"
            f" goal {'met' if synced <= GOAL_SYNC_S else 'missed'}"
        )
        print(f"  load average at the end: {load()}")
        backend = "PostgreSQL" if connection.vendor == "postgresql" else "SQLite"
        print(
            f"GOAL search p95 at {args.articles:,} articles ({backend}) | "
            f"{figures['p95']:.1f} ms (CPU {figures['cpu_p95']:.1f} ms) | "
            f"< {GOAL_P95_MS:g} ms | "
            f"{'met' if figures['p95'] < GOAL_P95_MS else 'missed'}"
        )
        print(
            f"GOAL sync_articles of {args.articles:,} articles ({backend}) | "
            f"{synced:.1f} s | ≤ {GOAL_SYNC_S:g} s | "
            f"{'met' if synced <= GOAL_SYNC_S else 'missed'}"
        )
    finally:
        connection.close()
        if args.keep:
            print(f"database kept: {os.environ['DATABASE_URL']}")
        elif connection.vendor == "postgresql":
            import psycopg

            admin = urlunsplit(
                urlsplit(os.environ["DATABASE_URL"])._replace(path="/postgres")
            )
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(
                    f"DROP DATABASE IF EXISTS {urlsplit(os.environ['DATABASE_URL']).path[1:]}"
                )
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)


def report(label: str, figures: dict) -> None:
    print(
        f"search, {label}: p50 {figures['p50']:.2f} ms  p95 {figures['p95']:.2f} ms"
        f"  max {figures['max']:.2f} ms  ({figures['n']} searches;"
        f" cpu p50 {figures['cpu_p50']:.2f} ms  p95 {figures['cpu_p95']:.2f} ms)"
    )


def load() -> str:
    """The machine's load average over 1, 5 and 15 minutes (other work slows
    every figure here)."""
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "unknown"


if __name__ == "__main__":
    main()
