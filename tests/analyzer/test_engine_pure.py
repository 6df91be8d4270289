"""The engine is a plain library: no web framework or task queue under it, and no
state shared between two analyses (several threads may analyze at once)."""

import json
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from analyzer.engine import analyze
from tests.conftest import FIXTURES

ROOT = Path(__file__).resolve().parents[2]


def test_the_engine_imports_no_framework():
    code = (
        "import sys, json\n"
        "from analyzer.engine import analyze\n"
        "analyze(open(sys.argv[1]).read())\n"
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))\n"
    )
    paste = FIXTURES / "seed" / "sample-outputs.txt"
    out = subprocess.run(
        [sys.executable, "-c", code, str(paste)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)},
    )
    loaded = set(json.loads(out.stdout))
    assert not loaded & {"django", "celery", "kombu", "billiard", "redis"}, loaded


def _pastes() -> list[str]:
    names = [
        "qa_logs/asa99_show_logging_ikev2.txt",
        "qa_logs/ios15_debug_psk_mismatch_seq.txt",
        "ike_debug/ios_policy_order_then_qm_pfs_refused.txt",
        "seed/sample-outputs.txt",
    ]
    return [(FIXTURES / n).read_text(encoding="utf-8") for n in names]


def _verdict(text: str):
    report = analyze(text)
    return json.dumps(report.to_dict(), sort_keys=True)


def test_analyses_in_threads_give_what_they_give_alone():
    """The syslog reading the IKE parser reuses lives on the section, so two
    pastes analyzed at once cannot see each other's lines."""
    pastes = _pastes()
    alone = [_verdict(t) for t in pastes]
    with ThreadPoolExecutor(max_workers=4) as pool:
        together = list(pool.map(_verdict, pastes * 6))
    assert together == alone * 6
