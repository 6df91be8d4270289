"""Engine throughput and memory on a large ASA syslog, beside what the machine can do.

Builds a buffer of N lines (default 1,000,000) that looks like a busy ASA's log
during a VPN problem: connection build/teardown, NAT, access-list denies, ESMTP
inspection drops, IKE syslogs with their 713236 packet traces and `[IKEv1]` debug
lines, a few uncatalogued IDs, across a few dozen peers. Prints, in one run:

- the regex floor: one precompiled regex matched against every line of the same
  buffer (already split), the least any per-line reader does;
- engine.analyze on the buffer (every parser and rule, as a paste would be): lines
  per second, the median of --rounds runs, and its share of the floor beside the
  goal (at least 1/6);
- cleaning and sectioning alone, the general way (analyzer.text and
  analyzer.sections, what a paste the engine does not stream goes through),
  lines/s;
- the process's peak resident set during analyze (VmHWM, reset just before it,
  once building the buffer has handed its garbage back) as a multiple of the
  input's size, beside the goal (at most 3x);
- `show logging` read by analyze() and by ntc-templates' TextFSM template
  (cisco_asa_show_logging) on the corpus outputs repeated to --logging-mb, and
  on the same outputs with each status block once and its buffer full; the
  ratios beside the goal (at least 3x).

    .venv/bin/python bench/syslog.py [--lines N] [--rounds 3] [--logging-mb 4]
"""

from __future__ import annotations

import argparse
import ctypes
import gc
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from analyzer import engine  # noqa: E402

TEMPLATES = (
    "%ASA-6-302013: Built inbound TCP connection {n} for outside:198.51.{a}.{b}/{p} ({c}/{p}) to inside:10.1.{a}.{b}/443 (203.0.113.1/443)",
    "%ASA-6-302014: Teardown TCP connection {n} for outside:198.51.{a}.{b}/{p} to inside:10.1.{a}.{b}/443 duration 0:00:{s} bytes {n} TCP FINs",
    "%ASA-6-302015: Built outbound UDP connection {n} for outside:8.8.{a}.{b}/53 (8.8.{a}.{b}/53) to inside:10.1.{a}.{b}/{p} (203.0.113.1/{p})",
    "%ASA-6-302016: Teardown UDP connection {n} for outside:8.8.{a}.{b}/53 to inside:10.1.{a}.{b}/{p} duration 0:00:00 bytes 112",
    "%ASA-6-305011: Built dynamic TCP translation from inside:10.1.{a}.{b}/{p} to outside:203.0.113.1/{p}",
    '%ASA-4-106023: Deny tcp src outside:192.0.{a}.{b}/{p} dst inside:10.1.{a}.{b}/3389 by access-group "outside_access_in" [0x0, 0x0]',
    "%ASA-6-106100: access-list outside_access_in denied udp outside/192.0.2.{b}({p}) -> inside/203.0.113.1(500) hit-cnt 1 first hit [0x9a4c6b8e, 0x0]",
    "%ASA-4-108004: ESMTP Classification: Dropped connection for ESMTP Request from outside:75.75.{a}.{b}/{p} to DMZ:10.0.25.101/25; matched Class 4: header line length gt 998",
    "%ASA-4-507003: tcp flow from outside:75.75.{a}.{b}/{p} to DMZ:10.0.25.101/25 terminated by inspection engine, reason - inspector disconnected, dropped packet.",
    "%ASA-5-713041: IP = 192.0.2.{b}, IKE Initiator: New Phase 1, Intf outside, IKE Peer 192.0.2.{b}  local Proxy Address 10.1.0.0, remote Proxy Address 10.{b}.0.0,  Crypto map (outside_map)",
    "%ASA-7-713236: IP = 192.0.2.{b}, IKE_DECODE SENDING Message (msgid=0) with payloads : HDR + SA (1) + VENDOR (13) + VENDOR (13) + NONE (0) total length : 172",
    "%ASA-7-713236: IP = 192.0.2.{b}, IKE_DECODE RECEIVED Message (msgid=0) with payloads : HDR + SA (1) + VENDOR (13) + NONE (0) total length : 128",
    "%ASA-7-715046: IP = 192.0.2.{b}, constructing ke payload",
    "%ASA-5-713904: IP = 192.0.2.{b}, Received an un-encrypted INVALID_COOKIE notify message, dropping",
    "%ASA-6-725001: Starting SSL handshake with client outside:192.0.{a}.{b}/{p} for TLSv1.2 session.",
    "%ASA-4-733100: [ Scanning] drop rate-1 exceeded. Current burst rate is 2 per second, max configured rate is 10; Current average rate is 5 per second, max configured rate is 5; Cumulative total count is {n}",
)
DEBUG = "[IKEv1]: IP = 192.0.2.{b}, IKE_DECODE RESENDING Message (msgid=0) with payloads : HDR + KE (4) + NONCE (10) + NONE (0) total length : 256"

# The floor's one regex: the header every line of the buffer starts with.
FLOOR = re.compile(
    r"[A-Z][a-z]{2} {1,2}\d{1,2} (?:\d{4} )?\d\d:\d\d:\d\d (?:(?:\S+ : )?%ASA-(\d)-(\d{6}): |\[IKEv1\]: )"
)
SHOW_LOGGING = (
    ROOT / "tests" / "fixtures" / "corpus" / "ntc" / "cisco_asa" / "show_logging"
)


def build(lines: int) -> str:
    chunks = []
    for start in range(0, lines, 10_000):
        out = []
        for n in range(start, min(lines, start + 10_000)):
            a, b, p = n % 250, (n * 7) % 40 + 1, 1024 + n % 60000
            stamp = f"Mar 12 2024 10:{(n // 60) % 60:02d}:{n % 60:02d}"
            if n % 10 == 9:
                out.append(
                    f"Mar 12 10:{(n // 60) % 60:02d}:{n % 60:02d} " + DEBUG.format(b=b)
                )
                continue
            template = TEMPLATES[n % len(TEMPLATES)]
            text = template.format(n=n, a=a, b=b, p=p, c=f"198.51.{a}.{b}", s=n % 60)
            out.append(f"{stamp} fw01 : {text}")
        chunks.append("\n".join(out) + "\n")
    return "".join(chunks)


def peak_rss_reset() -> None:
    """Start the process's peak resident set afresh (Linux 4.0+), after handing
    back to the system what building the buffer left free (glibc's malloc_trim),
    so the peak is the input, the interpreter and what analyze() itself uses."""
    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass
    with open("/proc/self/clear_refs", "w") as handle:
        handle.write("5")


def rss(field: str) -> int:
    with open("/proc/self/status") as handle:
        found = re.search(rf"^{field}:\s+(\d+) kB", handle.read(), re.M)
    return int(found.group(1)) * 1024


def regex_floor(text: str, rounds: int) -> float:
    lines = text.split("\n")
    match = FLOOR.match
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        for line in lines:
            match(line)
        best = min(best, time.perf_counter() - start)
    matched = sum(1 for line in lines if match(line))
    if matched < len(lines) - 1:
        raise SystemExit(f"the floor's regex matched {matched} of {len(lines)} lines")
    return best


def clean_and_section(text: str):
    """The general way's cleaning and sectioning (analyzer.text and
    analyzer.sections), as a paste the engine does not stream goes through."""
    return engine.clean_and_section(text)


def timed(run, rounds: int) -> list[float]:
    took = []
    for _ in range(rounds):
        gc.collect()
        start = time.perf_counter()
        result = run()
        took.append(time.perf_counter() - start)
        del result
    return took


def show_logging_text(megabytes: float, full_buffers: bool = False) -> str:
    """The corpus's ASA `show logging` outputs repeated to ``megabytes``: each
    whole (its status block, then its few messages), or with ``full_buffers``
    each status block once and its messages repeated behind it, as a busy
    firewall's buffer holds them."""
    pieces = [
        p.read_text(encoding="utf-8").rstrip("\n") + "\n"
        for p in sorted(SHOW_LOGGING.glob("*.raw"))
    ]
    if not full_buffers:
        one = "\n".join(pieces)
        copies = max(1, int(megabytes * 1_000_000 / len(one)))
        return "\n".join([one] * copies)
    out = []
    for piece in pieces:
        lines = piece.splitlines(keepends=True)
        first = next(i for i, line in enumerate(lines) if "%ASA-" in line)
        status, messages = "".join(lines[:first]), "".join(lines[first:])
        copies = max(1, int(megabytes * 1_000_000 / len(pieces) / len(messages)))
        out.append(status + messages * copies)
    return "".join(out)


def textfsm_show_logging(text: str):
    import ntc_templates
    import textfsm

    template = (
        Path(ntc_templates.__file__).parent
        / "templates"
        / "cisco_asa_show_logging.textfsm"
    )
    with template.open() as handle:
        fsm = textfsm.TextFSM(handle)
    return fsm.ParseText(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--logging-mb", type=float, default=4.0)
    args = parser.parse_args()
    big_log(args)
    gc.collect()
    show_logging(args)


def big_log(args) -> None:
    text = build(args.lines)
    size = len(text)
    print(f"input: {args.lines:,} lines, {size / 1e6:.1f} MB")

    peak_rss_reset()
    before = rss("VmRSS")
    start = time.perf_counter()
    report = engine.analyze(text)
    first = time.perf_counter() - start
    peak = rss("VmHWM")
    kinds: dict[str, int] = {}
    for source in report.sources:
        kinds[source.kind] = kinds.get(source.kind, 0) + len(source.records)
    findings, unparsed = len(report.findings), report.unparsed_lines
    del report
    took = [first] + timed(lambda: engine.analyze(text), args.rounds - 1)
    analyze_rate = args.lines / statistics.median(took)

    floor_rate = args.lines / regex_floor(text, args.rounds)
    clean_rate = args.lines / statistics.median(
        timed(lambda: clean_and_section(text), args.rounds)
    )

    print(f"regex floor (one regex per line): {floor_rate:,.0f} lines/s")
    print(
        f"engine.analyze: {analyze_rate:,.0f} lines/s (median of {len(took)}: "
        + ", ".join(f"{t:.2f}" for t in took)
        + " s)"
    )
    print(
        f"analyze / floor: {analyze_rate / floor_rate:.3f} (goal >= 1/6 = {1 / 6:.3f})"
    )
    print(f"clean + sections alone: {clean_rate:,.0f} lines/s")
    print(
        f"peak resident set during analyze: {peak / 1e6:,.0f} MB = "
        f"{peak / size:.2f}x the input (goal <= 3x); "
        f"{(peak - before) / 1e6:,.0f} MB above the {before / 1e6:,.0f} MB before it"
    )
    print("records:", ", ".join(f"{k} {v:,}" for k, v in sorted(kinds.items())))
    print(f"findings: {findings}, unparsed lines: {unparsed}")
    share = analyze_rate / floor_rate
    what = "1M-line" if args.lines == 1_000_000 else f"{args.lines:,}-line"
    print(
        f"GOAL {what} ASA syslog analyze() vs the regex-per-line floor | "
        f"{share:.3f} ({analyze_rate:,.0f} vs {floor_rate:,.0f} lines/s) | "
        f"≥ 1/6 | {'met' if share >= 1 / 6 else 'missed'}"
    )
    print(
        f"GOAL peak RSS on the {what} bench | {peak / size:.2f}× input "
        f"({peak / 1e6:,.0f} MB for {size / 1e6:,.0f} MB) | ≤ 3× input | "
        f"{'met' if peak <= 3 * size else 'missed'}"
    )


def show_logging(args) -> None:
    for full in (False, True):
        logging = show_logging_text(args.logging_mb, full_buffers=full)
        lines = logging.count("\n") + 1
        fsm = min(timed(lambda text=logging: textfsm_show_logging(text), args.rounds))
        pasted = "ASA# show logging\n" + logging
        ours = min(timed(lambda text=pasted: engine.analyze(text), args.rounds))
        what = "each status block once, buffers full" if full else "outputs repeated"
        print(
            f"show logging ({what}), {len(logging) / 1e6:.1f} MB ({lines:,} lines), "
            f"best of {args.rounds}: TextFSM {lines / fsm:,.0f} lines/s, analyze() "
            f"{lines / ours:,.0f} lines/s, {fsm / ours:.2f}x TextFSM (goal >= 3x)"
        )


if __name__ == "__main__":
    main()
