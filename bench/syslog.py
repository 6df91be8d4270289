"""Engine throughput on a large ASA syslog: lines per second and peak memory.

Builds a buffer of N lines (default 1,000,000) that looks like a busy ASA's log
during a VPN problem: connection build/teardown, NAT, access-list denies, ESMTP
inspection drops, IKE syslogs with their 713236 packet traces and `[IKEv1]` debug
lines, a few uncatalogued IDs, across a few dozen peers. Runs engine.analyze on it
(every parser and rule, as a paste would be) and prints wall time, lines per
second, peak Python heap (tracemalloc, with --tracemalloc; it slows the run) and
the process's peak resident set.

    .venv/bin/python bench/syslog.py [--lines N] [--tracemalloc]
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
import tracemalloc

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

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


def build(lines: int) -> str:
    out = []
    for n in range(lines):
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
    return "\n".join(out) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--tracemalloc", action="store_true")
    args = parser.parse_args()
    text = build(args.lines)
    print(f"input: {args.lines} lines, {len(text) / 1e6:.1f} MB")
    if args.tracemalloc:
        tracemalloc.start()
    start = time.perf_counter()
    report = engine.analyze(text)
    took = time.perf_counter() - start
    print(f"engine.analyze: {took:.1f} s, {args.lines / took:,.0f} lines/s")
    if args.tracemalloc:
        _, peak = tracemalloc.get_traced_memory()
        print(f"peak Python heap (tracemalloc): {peak / 1e6:,.0f} MB")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"peak resident set (ru_maxrss): {rss / 1024:,.0f} MB")
    kinds = {}
    for source in report.sources:
        kinds[source.kind] = kinds.get(source.kind, 0) + len(source.records)
    print("records:", ", ".join(f"{k} {v}" for k, v in sorted(kinds.items())))
    print(f"findings: {len(report.findings)}, unparsed lines: {report.unparsed_lines}")
    del text


if __name__ == "__main__":
    main()
