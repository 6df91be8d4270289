"""Worst-case time of every parser on hostile input.

Feeds each parser in the registry, and the whole engine, text built to hit the
patterns parsers use: long runs of spaces, digits and dots, message tags and key
phrases repeated, one enormous line, half a million short lines. Each input is
1 MiB (`--size` to change) and goes through the engine's own cleaning and
sectioning, as a paste would. Prints the worst time per parser and which input
caused it.

    .venv/bin/python bench/hostile.py [--size BYTES] [--engine]
"""

from __future__ import annotations

import argparse
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from analyzer import engine, parsers  # noqa: E402
from analyzer.report import Section  # noqa: E402

MIB = 1 << 20

# Phrases parsers anchor on; each is repeated on one line and on many lines.
PHRASES = (
    "%ASA-",
    "%ASA-4-106023: ",
    "IP = ",
    "Group = g, IP = 1.1.1.1, ",
    "#pkts",
    "#pkts encaps: ",
    "ISAKMP:(",
    "IPSEC(",
    "IKE_DECODE SENDING Message (msgid=0) with payloads : HDR + ",
    "SA (1) + ",
    "Logging to ",
    " > ",
    "1.1.1.1.500 > ",
    "ESP(spi=0x",
    "Phase: ",
    "user_data=0x",
    "local ident (addr/mask/prot/port): (",
    "current_peer: ",
    "Tunnel-group ",
    "crypto map ",
    "access-list ",
    "tunnel-group ",
    "Jun 10 2010 17:36:05: ",
    "*Mar  1 00:00:00.000: ",
    "Syslog logging: ",
    "postfix/smtpd[1]: ",
    "rommon 1 > ",
    "Cisco IOS Software, ",
    "(",
    ":",
    "=",
    '"',
    "<",
)


def hostile_inputs(size: int = MIB) -> dict[str, str]:
    """name -> text of about ``size`` characters."""
    inputs = {
        "spaces": " " * size,
        "digits": "9" * size,
        "dots": "." * size,
        "dotted digits": "1." * (size // 2),
        "spaced digits": "1 " * (size // 2),
        "colons": ":" * size,
        "hex": "0x" + "f" * (size - 2),
        "one long line": ("abc def " * (size // 8)),
        "many short lines": "a\n" * (size // 2),
        "many blank lines": "\n" * size,
        "many spaces lines": (" " * 60 + "\n") * (size // 61),
        "digits lines": ("1" * 200 + "\n") * (size // 201),
        "addresses": ("10.0.0.1 " * (size // 9)),
        "addresses lines": ("10.0.0.1.500 > 10.0.0.2.500: " * 20 + "\n")
        * (size // 581),
    }
    for phrase in PHRASES:
        repeat = max(1, size // len(phrase))
        inputs[f"{phrase!r} repeated"] = phrase * repeat
        per_line = max(1, 4000 // len(phrase))
        line = phrase * per_line + "\n"
        inputs[f"{phrase!r} lines"] = line * max(1, size // len(line))
    return inputs


def sections_of(text: str) -> list[Section]:
    """The sections the engine would hand parsers for this paste."""
    cleaned = [engine.clean_line(line) for line in engine.split_lines(text)]
    parts, _ = engine.sections(cleaned)
    return [part for part in parts if part.lines]


def time_parser(module, parts: list[Section]) -> float:
    start = time.perf_counter()
    for part in parts:
        module.parse(part)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=MIB)
    parser.add_argument(
        "--engine", action="store_true", help="also time engine.analyze"
    )
    args = parser.parse_args()
    inputs = hostile_inputs(args.size)
    prepared = {name: sections_of(text) for name, text in inputs.items()}
    print(f"{len(inputs)} hostile inputs of ~{args.size} characters each")
    print(f"{'parser':<20} {'worst s':>9}  worst input")
    for module in parsers.REGISTRY:
        worst, worst_name = 0.0, ""
        for name, parts in prepared.items():
            try:
                took = time_parser(module, parts)
            except Exception as exc:  # noqa: BLE001 - report, keep measuring
                print(f"  {module.__name__}: {type(exc).__name__} on {name}")
                continue
            if took > worst:
                worst, worst_name = took, name
        short = module.__name__.rsplit(".", 1)[-1]
        print(f"{short:<20} {worst:9.3f}  {worst_name}")
    if args.engine:
        worst, worst_name = 0.0, ""
        for name, text in inputs.items():
            start = time.perf_counter()
            engine.analyze(text)
            took = time.perf_counter() - start
            if took > worst:
                worst, worst_name = took, name
        print(f"{'engine.analyze':<20} {worst:9.3f}  {worst_name}")


if __name__ == "__main__":
    main()
