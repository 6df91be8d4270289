"""How fast redaction runs on real pastes and on hostile lines, and how it scales.

    .venv/bin/python bench/redact.py

Prints MiB/s for a 2 MiB paste of configurations, a 2 MiB paste of show output
from the corpus, and each hostile one-line input at 256 KiB and 1 MiB; the ratio
of the two times stays near 4 when the cost is linear.
"""

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from analyzer.redact import redact_with_count  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures" / "redact"
CORPUS = ROOT / "tests" / "fixtures" / "corpus"
MIB = 1 << 20


def fill(text: str, size: int) -> str:
    return (text * (size // max(len(text), 1) + 1))[:size]


def timed(text: str, rounds: int = 3) -> tuple[float, int]:
    best = float("inf")
    count = 0
    for _ in range(rounds):
        start = time.perf_counter()
        _, count = redact_with_count(text)
        best = min(best, time.perf_counter() - start)
    return best, count


def hostile(size: int) -> dict[str, str]:
    return {
        "spaces": " " * size,
        "key key key": "key " * (size // 4),
        "tacacs-server host … key key": "tacacs-server host 10.1.1.1 "
        + "key " * (size // 4),
        "one long isakmp key": "crypto isakmp key " + "a" * size + " address 1.2.3.4",
        "pager debris": "<--- More --->" * (size // 14),
        "escape starts": "\x1b[" * (size // 2),
        "prompt signs": "R1" + "#" * size,
        "carriage returns": "\r" * size + "password 7 0822455D0A16",
        "escaped quotes": 'password "' + '\\"' * (size // 2),
        "url credentials": "copy scp://" + "a:" * (size // 2),
        "ipsec.secrets selectors": "a " * (size // 2) + ": PSK x",
        "keyword after many words": "foo " * (size // 4) + "password x",
    }


def main() -> None:
    configs = "".join(
        p.read_bytes().decode("utf-8") for p in sorted(FIXTURES.glob("*.txt"))
    )
    corpus = "".join(
        p.read_text(encoding="utf-8", errors="replace")
        for p in sorted(CORPUS.rglob("*"))
        if p.is_file() and p.suffix in (".raw", ".txt", ".out")
    )
    for name, text in (("configs", configs), ("corpus show output", corpus)):
        paste = fill(text, 2 * MIB)
        seconds, count = timed(paste)
        print(
            f"{name:32} 2 MiB  {seconds * 1000:8.1f} ms  "
            f"{2 / seconds:7.1f} MiB/s  {count} secrets"
        )
    small, large = hostile(MIB // 4), hostile(MIB)
    for name in small:
        t_small, _ = timed(small[name])
        t_large, _ = timed(large[name])
        print(
            f"{name:32} 1 MiB  {t_large * 1000:8.1f} ms  "
            f"{1 / t_large:7.1f} MiB/s  x{t_large / t_small:4.1f} for 4x the size"
        )


if __name__ == "__main__":
    main()
