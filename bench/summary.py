#!/usr/bin/env python
"""Every benchmark script in one run, then one table of the goals: each measure,
its figure, its goal, met or missed.

Runs the scripts under bench/ one after another, as `make bench` does, printing
their output as it comes, and collects from each the lines it prints of the form

    GOAL <measure> | <figure> | <goal> | met|missed

(one per measure; ``<figure>`` and ``<goal>`` are free text such as ``83% of
engine alone (97 vs 117/s)`` and ``≥ 80%``). A script that prints none, or that
fails, still has its goals in the table, as "not reported". The scripts that use
a database run on a throwaway SQLite file, and again on PostgreSQL when
``--postgres`` names a server that answers.

    .venv/bin/python bench/summary.py [--postgres postgres://postgres@127.0.0.1:5432/tshoot]
        [--only burst --only web ...]

Exits 1 when a script failed; a missed goal is a figure, not a failure.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Run:
    """One script run: its label in the table, its arguments, whether it runs on
    PostgreSQL, and the goals it is expected to report (shown as "not reported"
    when it does not)."""

    script: str
    goals: list[tuple[str, str]] = field(default_factory=list)
    args: list[str] = field(default_factory=list)
    postgres: bool = False

    @property
    def label(self) -> str:
        name = self.script.removesuffix(".py")
        return f"{name} (PostgreSQL)" if self.postgres else name


SEARCH = [
    ("search p95 at 5,000 articles", "< 10 ms"),
    ("sync_articles of 5,000 articles", "≤ 20 s"),
]
WEB = [("home, article, tag, search API vs a trivial view's req/s", "≥ 40%")]
RUNS = [
    Run("search.py", SEARCH),
    Run("search.py", SEARCH, postgres=True),
    Run("analyze.py"),
    Run(
        "syslog.py",
        [
            ("1M-line ASA syslog analyze() vs the regex-per-line floor", "≥ 1/6"),
            ("peak RSS on the 1M-line bench", "≤ 3× input"),
        ],
    ),
    Run(
        "textfsm_compare.py",
        [
            (f"analyze() vs TextFSM, {output}", "≥ 3×")
            for output in (
                "ASA ipsec sa",
                "IOS ipsec sa",
                "ASA logging",
                "IOS logging",
                "ASA asp vpn-ctx",
            )
        ],
    ),
    Run("hostile.py"),
    Run("redact.py"),
    Run("pages.py", [("2 MiB diagnosis page p50", "≤ 100 ms")]),
    Run(
        "growth.py",
        [
            ("growth exponent, every kind and a mixed paste, 0.25-2 MiB", "≤ 1.15"),
            ("slowest 2 MiB paste", "< 2 s"),
        ],
    ),
    Run("teams.py"),
    Run("web.py", WEB),
    Run("web.py", WEB, postgres=True),
    Run(
        "burst.py", [("one worker drains a 200 × 10 kB burst", "≥ 80% of engine alone")]
    ),
]


def parse_goal(line: str) -> tuple[str, str, str, str] | None:
    """``GOAL measure | figure | goal | met`` as its four fields; None for a line
    that is not one (or not a well-formed one)."""
    if not line.startswith("GOAL "):
        return None
    fields = [part.strip() for part in line[len("GOAL ") :].split(" | ")]
    if len(fields) != 4 or fields[3] not in ("met", "missed") or not fields[0]:
        return None
    return fields[0], fields[1], fields[2], fields[3]


def postgres_answers(url: str) -> str:
    """Empty when the PostgreSQL server ``url`` names answers, else why not."""
    from urllib.parse import urlsplit, urlunsplit

    try:
        import psycopg

        admin = urlunsplit(urlsplit(url)._replace(path="/postgres"))
        with psycopg.connect(admin, connect_timeout=3):
            return ""
    except Exception as exc:  # any reason at all: the rows say so
        return f"{type(exc).__name__}: {str(exc).strip().splitlines()[0][:80]}"


def run_script(run: Run, env: dict) -> tuple[int, list[tuple], list[str], float]:
    """Run one script, its output passed through as it comes. Returns its exit
    status, its GOAL lines parsed, the GOAL lines it got wrong, and seconds."""
    command = [sys.executable, str(ROOT / "bench" / run.script), *run.args]
    print(f"\n=== {run.label}: {' '.join(command[1:])}", flush=True)
    start = time.monotonic()
    goals, malformed = [], []
    with subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True, bufsize=1
    ) as process:
        for line in process.stdout:
            sys.stdout.write(line)
            sys.stdout.flush()
            line = line.rstrip("\n")
            parsed = parse_goal(line)
            if parsed:
                goals.append(parsed)
            elif line.startswith("GOAL"):
                malformed.append(line)
    return process.returncode, goals, malformed, time.monotonic() - start


def table(rows: list[tuple[str, str, str, str, str]]) -> str:
    head = ("script", "measure", "figure", "goal", "result")
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
    line = "  ".join(f"{{:{w}}}" for w in widths)
    out = [head, tuple("-" * w for w in widths), *rows]
    return "\n".join(line.format(*row).rstrip() for row in out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--postgres",
        default="",
        help="a PostgreSQL server URL for the runs on PostgreSQL (each script "
        "makes and drops a database of its own there)",
    )
    parser.add_argument(
        "--only",
        action="append",
        help="only this script (its name without .py); may be repeated",
    )
    args = parser.parse_args()
    runs = [r for r in RUNS if not args.only or r.script[:-3] in args.only]

    base_env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    base_env["PYTHONUNBUFFERED"] = "1"
    no_postgres = (
        postgres_answers(args.postgres) if args.postgres else "no --postgres given"
    )
    rows, failed, took = [], [], []
    for run in runs:
        if run.postgres and no_postgres:
            reason = f"not run ({no_postgres})"
            rows += [(run.label, m, "—", goal, reason) for m, goal in run.goals]
            continue
        env = dict(base_env, DATABASE_URL=args.postgres) if run.postgres else base_env
        status, goals, malformed, seconds = run_script(run, env)
        took.append(f"{run.label} {seconds:.0f} s")
        if status:
            failed.append(run.label)
        rows += [(run.label, *goal) for goal in goals]
        rows += [
            (run.label, line, "—", "", "unreadable GOAL line") for line in malformed
        ]
        if not goals and not malformed:
            why = f"not reported (exit status {status})" if status else "not reported"
            rows += [(run.label, m, "—", goal, why) for m, goal in run.goals]

    print("\n=== Goals")
    print(table(rows) if rows else "(no goals in the scripts run)")
    met = sum(1 for r in rows if r[4] == "met")
    missed = sum(1 for r in rows if r[4] == "missed")
    other = len(rows) - met - missed
    print(f"\n{met} met, {missed} missed, {other} not reported or not run")
    print("time: " + ", ".join(took))
    if failed:
        print("failed: " + ", ".join(failed))
        sys.exit(1)


if __name__ == "__main__":
    main()
