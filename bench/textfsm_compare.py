"""`show crypto ipsec sa` read by tshoot's parser and by ntc-templates' TextFSM
templates, side by side on the same text.

The input is every corpus output of the command for one platform, repeated until it
is a few megabytes. Each side is timed on the same string; records/s counts the
records each side returns (TextFSM's IOS template returns one row per SA, tshoot one
record per proxy pair with its SAs inside, so MB/s is the fairer column), and the
ratio is tshoot's throughput over TextFSM's.

    .venv/bin/python bench/textfsm_compare.py [--mb 4] [--rounds 3]
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
from pathlib import Path

import ntc_templates
import textfsm

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from analyzer.engine import analyze, clean_line, split_lines  # noqa: E402
from analyzer.parsers import ipsec_sa  # noqa: E402
from analyzer.report import Section  # noqa: E402
from tests.conftest import CORPUS  # noqa: E402

TEMPLATES = Path(ntc_templates.__file__).parent / "templates"
PLATFORMS = (
    ("ASA", "cisco_asa", "show_crypto_ipsec_sa", "ASA# show crypto ipsec sa"),
    (
        "IOS",
        "cisco_ios",
        "show_crypto_ipsec_sa_detail",
        "R1#show crypto ipsec sa detail",
    ),
)


def corpus_text(platform: str, command: str, megabytes: float) -> str:
    pieces = [
        p.read_text(encoding="utf-8").rstrip("\n") + "\n"
        for p in sorted((CORPUS / "ntc" / platform / command).glob("*.raw"))
    ]
    one = "\n".join(pieces)
    copies = max(1, int(megabytes * 1_000_000 / len(one)))
    return "\n".join([one] * copies)


def best_of(rounds: int, run, text: str, extra):
    best, result = float("inf"), None
    for _ in range(rounds):
        result = None
        gc.collect()
        start = time.perf_counter()
        result = run(text, extra)
        best = min(best, time.perf_counter() - start)
    return best, result


def textfsm_run(text: str, template: Path):
    with template.open() as handle:
        fsm = textfsm.TextFSM(handle)
    return fsm.ParseText(text)


def tshoot_parser_run(text: str, prompt: str):
    lines = [clean_line(line) for line in split_lines(text)]
    section = Section(
        lines=lines, numbers=list(range(1, len(lines) + 1)), command=prompt
    )
    return [r for s in ipsec_sa.parse(section) for r in s.records]


def tshoot_engine_run(text: str, prompt: str):
    report = analyze(f"{prompt}\n{text}")
    return [r for s in report.sources for r in s.records]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=4.0, help="input size per platform")
    parser.add_argument("--rounds", type=int, default=3, help="best of this many runs")
    args = parser.parse_args()

    print(
        f"{'platform':8} {'reader':28} {'records':>9} {'seconds':>8} {'records/s':>11} "
        f"{'MB/s':>7} {'vs TextFSM':>10}"
    )
    for label, platform, command, prompt in PLATFORMS:
        text = corpus_text(platform, command, args.mb)
        size = len(text.encode()) / 1_000_000
        template = TEMPLATES / f"{platform}_{command}.textfsm"
        command_only = prompt.split("#", 1)[1].strip().lower()
        runs = (
            ("TextFSM (ntc-templates)", textfsm_run, template),
            ("tshoot parser", tshoot_parser_run, command_only),
            ("tshoot analyze() + rules", tshoot_engine_run, prompt),
        )
        base = None
        for name, run, extra in runs:
            seconds, records = best_of(args.rounds, run, text, extra)
            mbps = size / seconds
            base = base or mbps
            print(
                f"{label:8} {name:28} {len(records):9d} {seconds:8.3f} "
                f"{len(records) / seconds:11.0f} {mbps:7.2f} {mbps / base:9.2f}x"
            )
        print(f"{'':8} input {size:.2f} MB, {text.count(chr(10)) + 1} lines")


if __name__ == "__main__":
    main()
