"""tshoot against ntc-templates' TextFSM templates on the same text: `show crypto
ipsec sa` (ASA and IOS), `show logging` (ASA and IOS) and `show asp table
vpn-context detail` (ASA).

The input for each is every corpus output of the command for that platform,
repeated until it is a few megabytes. Three readers run on the same string:
TextFSM with the ntc template, tshoot's parser alone on the section, and the whole
of ``analyze()`` (cleaning, sectioning, every parser that looks at the section,
the paste model and the rules), which is what a diagnosis costs. Each is timed
``--rounds`` times and the median is kept; times are the CPU time of this
process (every reader is single-threaded), so other work on a shared machine
skews them less than wall time would. The ratio is tshoot's throughput over
TextFSM's, and the goal is ``analyze()`` at 3x TextFSM.

A fourth row times what ``analyze()`` does before any parser runs: text
cleaning and sectioning, done as the engine does them. ``analyze()`` cannot be
faster than that, so its ratio in the last table is the most any parser or rule
work could bring the output to.

Records are not the same unit on both sides (TextFSM's IOS template returns one
row per SA, tshoot one record per proxy pair with its SAs inside), so MB/s is the
column to compare. The speed must not come from reading less: for each output a
few key values (SPIs, counters, peers, message IDs) are taken from TextFSM's rows
and from the records ``analyze()`` returned, row by row in the order printed, and
the count of values that agree is printed beside the ratio.

    .venv/bin/python bench/textfsm_compare.py [--mb 4] [--rounds 5] [--only asp]
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import ntc_templates
import textfsm

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from analyzer.engine import (  # noqa: E402
    analyze,
    clean_and_section,
    clean_line,
    split_lines,
)
from analyzer.parsers import asp_vpn_context, ipsec_sa, syslog  # noqa: E402
from analyzer.parsers.common import spi_hex  # noqa: E402
from analyzer.report import Section  # noqa: E402
from tests.conftest import CORPUS  # noqa: E402

TEMPLATES = Path(ntc_templates.__file__).parent / "templates"
GOAL = 3.0


def _int(text):
    return int(text) if text not in (None, "") and str(text).isdecimal() else None


def _ipsec_asa_rows(rows: list[dict]) -> list[tuple]:
    return [
        (
            r["CURRENT_PEER"] or r["CURRENT_PEER_NAME"],
            _int(r["PACKETS_ENCAPSULATED"]),
            _int(r["PACKETS_DECAPSULATED"]),
            spi_hex(r["CURRENT_OUTBOUND_SPI"]),
            spi_hex(r["INBOUND_SPI_HEX"]),
            spi_hex(r["OUTBOUND_SPI_HEX"]),
        )
        for r in rows
    ]


def _ipsec_asa_records(records: list[dict]) -> list[tuple]:
    def first_spi(sas):
        return sas[0]["spi"] if sas else None

    return [
        (
            r.get("peer"),
            r.get("encaps"),
            r.get("decaps"),
            r.get("outbound_spi"),
            first_spi(r.get("inbound_sas")),
            first_spi(r.get("outbound_sas")),
        )
        for r in records
    ]


def _ipsec_ios_rows(rows: list[dict]) -> list[tuple]:
    return [
        (
            r["CURRENT_PEER"],
            _int(r["PKTS_ENCAPS"]),
            _int(r["PKTS_DECAPS"]),
            r["SA_ORIENTATION"].lower(),
            r["SA_TYPE"].lower(),
            spi_hex(r["SA_SPI_HEX"]),
            _int(r["SA_CONN_ID"]),
        )
        for r in rows
    ]


def _ipsec_ios_records(records: list[dict]) -> list[tuple]:
    out = []
    for r in records:
        for direction in ("inbound", "outbound"):
            for sa in r.get(f"{direction}_sas", ()):
                out.append(
                    (
                        r.get("peer"),
                        r.get("encaps"),
                        r.get("decaps"),
                        direction,
                        sa["protocol"],
                        sa["spi"],
                        sa.get("conn_id"),
                    )
                )
    return out


def _asa_log_rows(rows: list[dict]) -> list[tuple]:
    return [
        (
            f"{r['MONTH']} {r['DAY']} {r['YEAR']} {r['TIME']}".strip() or None,
            r["FACILITY"],
            _int(r["SEVERITY"]),
            r["MNEMONIC"],
            r["MESSAGE"][0].strip() if r["MESSAGE"] else None,
        )
        for r in rows
    ]


def _log_records(records: list[dict]) -> list[dict]:
    return [r for r in records if "message_id" in r]


def _asa_log_records(records: list[dict]) -> list[tuple]:
    return [
        (
            r.get("timestamp"),
            r["facility"],
            r.get("severity"),
            r["message_id"],
            r["text"],
        )
        for r in _log_records(records)
    ]


def _ios_log_rows(rows: list[dict]) -> list[tuple]:
    return [
        (
            r["NUMBER"] or None,
            r["FACILITY"],
            _int(r["SEVERITY"]),
            "-".join(filter(None, (r["FACILITY"], r["SEVERITY"], r["MNEMONIC"]))),
            r["MESSAGE"][0].strip() if r["MESSAGE"] else None,
        )
        for r in rows
    ]


def _ios_log_records(records: list[dict]) -> list[tuple]:
    return [
        (r.get("seq"), r["facility"], r.get("severity"), r["message_id"], r["text"])
        for r in _log_records(records)
    ]


def _asp_rows(rows: list[dict]) -> list[tuple]:
    return [
        (
            r["VPN_CTX"].upper().removeprefix("0X"),
            r["PEER_IP"],
            spi_hex(r["SPI"]),
            r["FLAGS"],
            _int(r["PKTS"]),
            _int(r["BAD_SPI"]),
            _int(r["REKEY_CALL"]),
        )
        for r in rows
    ]


def _asp_records(records: list[dict]) -> list[tuple]:
    return [
        (
            r["context"],
            r["peer"],
            r["spi"],
            r["flags"],
            r["packets"],
            r["bad_spi"],
            r["rekey_calls"],
        )
        for r in records
    ]


@dataclass(frozen=True)
class Output:
    label: str
    platform: str  # folder under tests/fixtures/corpus/ntc and the template's prefix
    command: str  # corpus folder and the template's name after the platform
    prompt: str  # the echoed command the paste starts with
    parser: object  # the tshoot parser module that owns the command
    kind: str  # the Source kind whose records are compared
    fields: tuple[str, ...]
    textfsm_values: Callable[[list[dict]], list[tuple]]
    tshoot_values: Callable[[list[dict]], list[tuple]]


OUTPUTS = (
    Output(
        "ASA ipsec sa",
        "cisco_asa",
        "show_crypto_ipsec_sa",
        "ASA# show crypto ipsec sa",
        ipsec_sa,
        "asa.show_crypto_ipsec_sa",
        ("peer", "encaps", "decaps", "current out SPI", "in SPI", "out SPI"),
        _ipsec_asa_rows,
        _ipsec_asa_records,
    ),
    Output(
        "IOS ipsec sa",
        "cisco_ios",
        "show_crypto_ipsec_sa_detail",
        "R1#show crypto ipsec sa detail",
        ipsec_sa,
        "ios.show_crypto_ipsec_sa",
        ("peer", "encaps", "decaps", "direction", "protocol", "SPI", "conn id"),
        _ipsec_ios_rows,
        _ipsec_ios_records,
    ),
    Output(
        "ASA logging",
        "cisco_asa",
        "show_logging",
        "ASA# show logging",
        syslog,
        "syslog",
        ("timestamp", "facility", "severity", "message id", "text"),
        _asa_log_rows,
        _asa_log_records,
    ),
    Output(
        "IOS logging",
        "cisco_ios",
        "show_logging",
        "R1#show logging",
        syslog,
        "syslog",
        ("sequence", "facility", "severity", "message id", "text"),
        _ios_log_rows,
        _ios_log_records,
    ),
    Output(
        "ASA asp vpn-ctx",
        "cisco_asa",
        "show_asp_table_vpn-context_detail",
        "ASA# show asp table vpn-context detail",
        asp_vpn_context,
        "asa.show_asp_table_vpn_context",
        ("context", "peer", "SPI", "flags", "pkts", "bad SPI", "rekey calls"),
        _asp_rows,
        _asp_records,
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


def median_of(rounds: int, run, text: str, extra):
    times, result = [], None
    for _ in range(rounds):
        result = None
        gc.collect()
        start = time.process_time()
        result = run(text, extra)
        times.append(time.process_time() - start)
    return statistics.median(times), result


def textfsm_run(text: str, template: Path):
    with template.open() as handle:
        fsm = textfsm.TextFSM(handle)
    return fsm.ParseText(text)


def textfsm_dicts(fsm_rows: list[list], template: Path) -> list[dict]:
    with template.open() as handle:
        header = textfsm.TextFSM(handle).header
    return [dict(zip(header, row, strict=True)) for row in fsm_rows]


def tshoot_parser_run(text: str, extra):
    module, command = extra
    lines = [clean_line(line) for line in split_lines(text)]
    section = Section(
        lines=lines, numbers=list(range(1, len(lines) + 1)), command=command
    )
    return [r for s in module.parse(section) for r in s.records]


def tshoot_cleaning_run(text: str, prompt: str):
    """The first steps of analyze(): cleaning and sectioning, nothing read (the
    engine's own clean_and_section, so the row follows what analyze() does)."""
    _, _, parts, _ = clean_and_section(f"{prompt}\n{text}")
    return parts


def tshoot_engine_run(text: str, prompt: str):
    return analyze(f"{prompt}\n{text}")


def agreement(out: Output, fsm_rows: list[dict], report) -> tuple[int, int]:
    """Values that agree and values compared, row by row in the order printed."""
    ours = out.tshoot_values(
        [r for s in report.sources if s.kind == out.kind for r in s.records]
    )
    theirs = out.textfsm_values(fsm_rows)
    width = len(out.fields)
    total = max(len(ours), len(theirs)) * width
    agree = sum(
        a == b
        for mine, other in zip(ours, theirs, strict=False)
        for a, b in zip(mine, other, strict=True)
    )
    return agree, total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=4.0, help="input size per output")
    parser.add_argument("--rounds", type=int, default=5, help="median of this many")
    parser.add_argument(
        "--only", default="", help="run the outputs whose label contains this"
    )
    args = parser.parse_args()

    print(
        f"{'output':16} {'reader':24} {'records':>8} {'seconds':>8} {'MB/s':>7} "
        f"{'vs TextFSM':>10}"
    )
    summary = []
    for out in OUTPUTS:
        if args.only.lower() not in out.label.lower():
            continue
        text = corpus_text(out.platform, out.command, args.mb)
        size = len(text.encode()) / 1_000_000
        template = TEMPLATES / f"{out.platform}_{out.command}.textfsm"
        command = out.prompt.split("#", 1)[1].strip().lower()
        runs = (
            ("TextFSM (ntc-templates)", textfsm_run, template),
            ("tshoot parser", tshoot_parser_run, (out.parser, command)),
            ("tshoot analyze()", tshoot_engine_run, out.prompt),
            ("  cleaning+sectioning", tshoot_cleaning_run, out.prompt),
        )
        base = None
        results, ratios = {}, {}
        for name, run, extra in runs:
            seconds, result = median_of(args.rounds, run, text, extra)
            results[name] = result
            if name == "tshoot analyze()":
                count = sum(
                    len(s.records) for s in result.sources if s.kind == out.kind
                )
            else:  # TextFSM's rows, the parser's records, the sections
                count = len(result)
            mbps = size / seconds
            base = base or mbps
            ratios[name] = mbps / base
            print(
                f"{out.label:16} {name:24} {count:8d} {seconds:8.3f} {mbps:7.2f} "
                f"{mbps / base:9.2f}x"
            )
        fsm_rows = textfsm_dicts(results["TextFSM (ntc-templates)"], template)
        agree, total = agreement(out, fsm_rows, results["tshoot analyze()"])
        print(
            f"{'':16} input {size:.2f} MB, {text.count(chr(10)) + 1} lines; "
            f"values agreeing ({', '.join(out.fields)}): {agree}/{total}"
        )
        summary.append(
            (
                out.label,
                ratios["tshoot analyze()"],
                ratios["  cleaning+sectioning"],
                agree,
                total,
            )
        )

    print()
    print(
        f"{'output':16} {'analyze() vs TextFSM':>21} {'goal':>6} {'':7} "
        f"{'at most':>8}  same values"
    )
    for label, ratio, ceiling, agree, total in summary:
        verdict = "met" if ratio >= GOAL else "missed"
        same = "yes" if agree == total else "no"
        print(
            f"{label:16} {ratio:20.2f}x {GOAL:5.1f}x {verdict:7} {ceiling:7.2f}x  "
            f"{same} ({agree}/{total})"
        )
    print(
        "(at most: cleaning and sectioning alone against TextFSM, the ratio "
        "analyze() would have if every parser and rule took no time)"
    )
    for label, ratio, _ceiling, agree, total in summary:
        verdict = "met" if ratio >= GOAL and agree == total else "missed"
        print(
            f"GOAL analyze() vs TextFSM, {label.strip()} | {ratio:.2f}× "
            f"(values {agree}/{total} the same) | ≥ {GOAL:g}× | {verdict}"
        )


if __name__ == "__main__":
    main()
