"""Team page benchmark: p50/p95 of the team's list per filter at 100k diagnoses.

Fills a throwaway SQLite database (or the PostgreSQL one --database-url names,
which must be empty) with --rows diagnoses in one team, and a fifth as many in
another, with the summary the worker stores (top severity, verdict, peers, codes)
and peer rows, then times the page through Django's test client as a member:
unfiltered, each filter, a search of each kind, a combination and a page deep in
the list.

    .venv/bin/python bench/teams.py [--rows 100000] [--runs 30]
        [--database-url postgres://postgres@127.0.0.1:5432/tshoot_bench]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

SEVERITIES = ["info"] * 5 + ["warning"] * 3 + ["error"] + ["critical"] * 1
CODES = [
    ("isakmp.mm_wait_msg2", "warning", "MM_WAIT_MSG2 with {peer}"),
    ("isakmp.mm_wait_msg4", "warning", "MM_WAIT_MSG4 with {peer}"),
    ("ipsec.encaps_no_decaps", "error", "Encrypting for {peer}, nothing decrypted"),
    ("ike_debug.invalid_cookie", "error", "INVALID_COOKIE from {peer}"),
    ("psk.mismatch", "critical", "Pre-shared keys differ for {peer}"),
    ("isakmp.mm_active", "info", "Phase 1 with {peer} is up"),
    ("ipsec.fragmentation", "info", "Fragments on the SA with {peer}"),
]
SITES = ["HQ", "branch", "DC", "lab", "partner", "AWS", "Azure", "colo"]


def fill(rows: int, team, other, users) -> str:
    """Rows in bulk, as the worker leaves them; returns a peer that is in some."""
    from django.db import transaction
    from django.utils import timezone

    from analyzer.models import Diagnosis, DiagnosisPeer

    rng = random.Random(11)
    pool = [f"203.0.{n // 250}.{n % 250 + 1}" for n in range(4000)]
    now = timezone.now()
    batch, peer_rows = [], []
    for n in range(rows + rows // 5):
        in_team = n < rows
        code, severity, words = rng.choice(CODES)
        peers = rng.sample(pool, rng.choice([1, 1, 1, 2, 3]))
        status = rng.choices(["done", "failed", "queued"], [95, 4, 1])[0]
        diagnosis = Diagnosis(
            id=f"bench{n:09d}",
            input_text="x\n",
            title=f"{rng.choice(SITES)} {n % 997} {words.format(peer=peers[0])}",
            status=status,
            team=team if in_team else other,
            owner=rng.choice(users),
            visibility=rng.choices(["team", "link", "private"], [85, 10, 5])[0],
            created=now - timedelta(seconds=n * 30),
            top_severity=severity if status == "done" else "",
            top_code=code if status == "done" else "",
            verdict=words.format(peer=peers[0]) if status == "done" else "",
            peers=" ".join(peers),
            codes=code,
        )
        batch.append(diagnosis)
        peer_rows += [
            DiagnosisPeer(diagnosis_id=diagnosis.id, address=p) for p in peers
        ]
        if len(batch) == 5000:
            with transaction.atomic():
                Diagnosis.objects.bulk_create(batch)
                DiagnosisPeer.objects.bulk_create(peer_rows)
            batch, peer_rows = [], []
    with transaction.atomic():
        Diagnosis.objects.bulk_create(batch)
        DiagnosisPeer.objects.bulk_create(peer_rows)
    return pool[17]


def timed(client, url: str, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - start)
        assert response.status_code == 200, (url, response.status_code)
    return times


def explain(client, url: str) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    sql = next(q["sql"] for q in queries if "ORDER BY" in q["sql"])
    with connection.cursor() as cursor:
        prefix = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN "
        cursor.execute(prefix + sql)
        for row in cursor.fetchall():
            print("    ", row[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--database-url", default="")
    parser.add_argument(
        "--explain", action="store_true", help="print each list query's plan"
    )
    args = parser.parse_args()

    data_dir = tempfile.mkdtemp(prefix="tshoot-bench-teams-")
    os.environ.update(
        {
            "TSHOOT_DATA_DIR": data_dir,
            "DATABASE_URL": args.database_url or f"sqlite:///{data_dir}/bench.sqlite3",
            "DJANGO_SETTINGS_MODULE": "tshoot.settings",
            "LOG_LEVEL": "WARNING",
        }
    )
    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    from accounts.models import Membership, Team

    # The test client's response.context (the rows, the next page's link).
    setup_test_environment()

    call_command("migrate", verbosity=0)
    team = Team.objects.create(name="Bench", slug="bench")
    other = Team.objects.create(name="Elsewhere", slug="elsewhere")
    users = [User.objects.create_user(f"user{n}") for n in range(20)]
    for user in users:
        Membership.objects.create(team=team, user=user)
    start = time.perf_counter()
    peer = fill(args.rows, team, other, users)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(
        f"{connection.vendor}: {args.rows} diagnoses in the team, "
        f"{args.rows // 5} in another, filled in {time.perf_counter() - start:.0f} s"
    )

    client = Client(HTTP_HOST="localhost")
    client.force_login(users[0])
    deep = client.get("/teams/bench/")
    for _ in range(40):  # 40 pages in: the cursor of page 41
        deep = client.get(deep.context["older"])
    cases = [
        ("newest first", "/teams/bench/"),
        ("status=failed", "/teams/bench/?status=failed"),
        ("status=queued (1%)", "/teams/bench/?status=queued"),
        ("severity=critical", "/teams/bench/?severity=critical"),
        (f"peer={peer}", f"/teams/bench/?peer={peer}"),
        ("q=title words (branch 42)", "/teams/bench/?q=branch+42+"),
        ("q=finding code", "/teams/bench/?q=psk.mismatch"),
        ("q=peer address", f"/teams/bench/?q={peer}"),
        ("q=nothing matches", "/teams/bench/?q=no-such-thing"),
        (
            "status+severity+peer",
            f"/teams/bench/?status=done&severity=info&peer={peer}",
        ),
        (
            "page 41 (cursor)",
            deep.request["PATH_INFO"] + "?" + deep.request["QUERY_STRING"],
        ),
    ]
    for name, url in cases:
        client.get(url)  # warm
        ordered = sorted(timed(client, url, args.runs))
        p50 = statistics.median(ordered) * 1000
        p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))] * 1000
        rows = len(client.get(url).context["diagnoses"])
        print(f"{name:32s} p50 {p50:7.1f} ms  p95 {p95:7.1f} ms  {rows:3d} rows")
        if args.explain:
            explain(client, url)


if __name__ == "__main__":
    main()
