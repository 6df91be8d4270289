"""How the engine's time grows with the input, for every kind of output it reads.

For each kind, real outputs of that kind (the corpus and fixtures under
tests/fixtures) are repeated, each with its echoed command, into pastes of 0.25,
0.5, 1 and 2 MiB; a mixed paste holds all kinds. Each paste goes through the whole
``analyze()`` and the fitted exponent of time against size is printed (1.0 is
linear; the goal is at most 1.15, and any 2 MiB paste under 2 s). A size that takes
longer than ``--cap`` seconds ends that kind's run; the exponent is then fitted on
the sizes measured and the 2 MiB time extrapolated (marked ``~``).

    .venv/bin/python bench/growth.py [--cap SECONDS] [--kind NAME]
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analyzer.engine import analyze  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures"
NTC = FIXTURES / "corpus" / "ntc"
GENIE = FIXTURES / "corpus" / "genie"
MIB = 1 << 20
SIZES = (0.25, 0.5, 1.0, 2.0)
EXPONENT_GOAL = 1.15
LARGEST_GOAL = 2.0  # seconds, for a 2 MiB paste

# kind: (echoed command, the files holding real outputs of it)
KINDS = {
    "isakmp sa": (
        "R1#show crypto isakmp sa",
        [*sorted((GENIE / "iosxe/ShowCryptoIsakmpSa").glob("*_output.txt"))],
    ),
    "ikev1 sa detail (ASA)": (
        "ASA# show crypto ikev1 sa detail",
        sorted((NTC / "cisco_asa/show_crypto_ikev1_sa_detail").glob("*.raw")),
    ),
    "ikev2 sa": (
        "ASA# show crypto ikev2 sa",
        sorted((GENIE / "asa/ShowCryptoIkev2Sa").glob("*_output.txt")),
    ),
    "ipsec sa (ASA)": (
        "ASA# show crypto ipsec sa",
        sorted((NTC / "cisco_asa/show_crypto_ipsec_sa").glob("*.raw")),
    ),
    "ipsec sa detail (IOS)": (
        "R1#show crypto ipsec sa detail",
        sorted((NTC / "cisco_ios/show_crypto_ipsec_sa_detail").glob("*.raw")),
    ),
    "asp vpn-context": (
        "ASA# show asp table vpn-context detail",
        sorted((NTC / "cisco_asa/show_asp_table_vpn-context_detail").glob("*.raw")),
    ),
    "asp drop": (
        "ASA# show asp drop",
        sorted((NTC / "cisco_asa/show_asp_drop").glob("*.raw")),
    ),
    "vpn-sessiondb": (
        "ASA# show vpn-sessiondb detail l2l",
        sorted((NTC / "cisco_asa/show_vpn-sessiondb_detail_l2l").glob("*.raw")),
    ),
    "crypto session": (
        "R1#show crypto session detail",
        sorted((NTC / "cisco_ios/show_crypto_session_detail").glob("*.raw")),
    ),
    "show logging (ASA)": (
        "ASA# show logging",
        sorted((NTC / "cisco_asa/show_logging").glob("*.raw")),
    ),
    "show logging (IOS)": (
        "R1#show logging",
        sorted((NTC / "cisco_ios/show_logging").glob("*.raw")),
    ),
    "ike debug": ("", sorted((FIXTURES / "ike_debug").glob("*.txt"))),
    "tcpdump": ("", sorted((FIXTURES / "corpus" / "tcpdump").glob("*.txt"))),
    "packet-tracer": ("", sorted((FIXTURES / "packet_tracer").glob("*.txt"))),
    "running-config (ASA)": (
        "ASA# show running-config crypto map",
        sorted((NTC / "cisco_asa/show_running-config_crypto_map").glob("*.raw")),
    ),
    "configs": ("", sorted((FIXTURES / "config").glob("*.txt"))),
    "mail logs": ("", sorted((FIXTURES / "mail").glob("*.txt"))),
    "boot": ("", sorted((FIXTURES / "boot").glob("*.txt"))),
}


def unit(command: str, files: list[Path]) -> str:
    """One copy of every output of the kind, each behind its echoed command."""
    pieces = []
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace").rstrip("\n") + "\n"
        pieces.append(f"{command}\n{text}" if command else text)
    return "".join(pieces)


def paste_of(one: str, mib: float) -> str:
    size = int(mib * MIB)
    return (one * (size // len(one) + 1))[:size].rsplit("\n", 1)[0] + "\n"


def exponent(points: list[tuple[float, float]]) -> float:
    """Least-squares slope of log(time) over log(size)."""
    xs = [math.log(s) for s, _ in points]
    ys = [math.log(max(t, 1e-6)) for _, t in points]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    den = sum((x - mx) ** 2 for x in xs)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / den


def measure(one: str, cap: float) -> tuple[list[tuple[float, float]], int]:
    points = []
    lines = 0
    for mib in SIZES:
        text = paste_of(one, mib)
        start = time.perf_counter()
        analyze(text)
        seconds = time.perf_counter() - start
        points.append((mib, seconds))
        lines = text.count("\n")
        if seconds > cap:
            break
    return points, lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cap", type=float, default=20.0)
    parser.add_argument("--kind", action="append", help="only these kinds")
    args = parser.parse_args()
    kinds = {k: v for k, v in KINDS.items() if not args.kind or k in args.kind}
    units = {name: unit(cmd, files) for name, (cmd, files) in kinds.items() if files}
    if not args.kind:
        units["mixed paste"] = "".join(units.values())
    print(f"{'kind':24} " + " ".join(f"{s:>7} MiB" for s in SIZES) + "  exponent")
    exponents: dict[str, float] = {}
    largest: dict[str, tuple[float, bool]] = {}  # 2 MiB seconds, projected or not
    for name, one in units.items():
        points, _ = measure(one, args.cap)
        fitted = exponent(points) if len(points) > 1 else float("nan")
        exponents[name] = fitted
        cells = [f"{t:9.2f} s" for _, t in points]
        largest[name] = (points[-1][1], False)
        if len(points) < len(SIZES):
            last_size, last_time = points[-1]
            projected = last_time * (SIZES[-1] / last_size) ** fitted
            cells += ["        —"] * (len(SIZES) - len(points) - 1)
            cells.append(f"~{projected:8.1f} s")
            largest[name] = (projected, True)
        flag = "" if fitted <= EXPONENT_GOAL else f"  (goal ≤ {EXPONENT_GOAL})"
        print(f"{name:24} " + " ".join(cells) + f"  {fitted:8.2f}{flag}")
    # A kind stopped after one size has no exponent: it counts as the worst.
    worst = max(exponents, key=lambda k: (math.isnan(exponents[k]), exponents[k]))
    print(f"worst exponent {exponents[worst]:.2f} (goal ≤ {EXPONENT_GOAL})")
    which = "every kind and a mixed paste" if not args.kind else "the kinds given"
    met = exponents[worst] <= EXPONENT_GOAL  # False for NaN
    print(
        f"GOAL growth exponent, worst of {which}, 0.25-2 MiB | "
        f"{exponents[worst]:.2f} ({worst}) | ≤ {EXPONENT_GOAL} | "
        f"{'met' if met else 'missed'}"
    )
    slowest = max(largest, key=lambda k: largest[k][0])
    seconds, projected = largest[slowest]
    print(
        f"GOAL slowest 2 MiB paste | {'~' if projected else ''}{seconds:.2f} s "
        f"({slowest}{', projected' if projected else ''}) | < {LARGEST_GOAL:g} s | "
        f"{'met' if seconds < LARGEST_GOAL and not projected else 'missed'}"
    )


if __name__ == "__main__":
    main()
