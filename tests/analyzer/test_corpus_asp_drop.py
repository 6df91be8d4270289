"""ASA `show asp drop` outputs from the shared corpus read with the expected values.

ntc's TextFSM template gives one flat row: a key per code it knows (frame codes as
``tcp_not_syn``, flow codes as ``flow_drop_acl_drop``, "" when not printed) and the
two "Last clearing" values; genie gives ``frame_drop``/``flow_drop`` dicts of code
-> count plus ``last_clearing``. Both are mapped onto this project's records here.
"""

import ast

import yaml

from analyzer.engine import analyze
from analyzer.parsers import asp_drop
from tests.conftest import CORPUS

NTC = CORPUS / "ntc" / "cisco_asa" / "show_asp_drop"
GENIE = CORPUS / "genie" / "asa" / "ShowAspDrop"


def _files(folder, pattern):
    files = sorted(folder.glob(pattern))
    assert files, f"no corpus files in {folder}"
    return files


def _records(path):
    report = analyze(path.read_text(encoding="utf-8", errors="replace"))
    return [r for s in report.sources_of(asp_drop.KIND) for r in s.records]


def _ntc_key(rec: dict) -> str:
    key = str(rec["code"]).replace("-", "_")
    return f"flow_drop_{key}" if rec["section"] == "flow" else key


# The ntc template matches "security checks failed" for its security_failed key,
# so both "Early security checks failed (security-failed)" and "Slowpath security
# checks failed (sp-security-failed)" land there (the one printed last wins), and
# its sp_security_failed key is never filled. The records keep the two codes
# apart; the row below is built the way the template reads them.
_NTC_SHARED = ("security-failed", "sp-security-failed")


def _as_ntc(records: list[dict], keys) -> tuple[dict, list[str]]:
    """The ntc row for these records (every key of the expected row, "" where
    nothing was read) and the records' keys the row has no place for."""
    row = dict.fromkeys(keys, "")
    strays = []
    for rec in records:
        if rec["reason"] is None:
            continue
        key = _ntc_key(rec)
        if key not in row:
            strays.append(key)
        if rec["section"] == "frame" and rec["code"] in _NTC_SHARED:
            key = "security_failed"
        row[key] = str(rec["count"])
    for section, key in (("frame", "last_cleared"), ("flow", "flow_last_cleared")):
        clearing = [r["last_clearing"] for r in records if r["section"] == section]
        row[key] = clearing[-1] or "" if clearing else ""
    return row, strays


def test_it_reads_every_ntc_show_asp_drop():
    """ntc cisco_asa show_asp_drop: every counter of both sections, the cut-short
    code included, and both Last clearing lines (absent when not printed)."""
    files = _files(NTC, "*.raw")
    failures = []
    for raw in files:
        codes = {
            r["code"]: r["count"] for r in _records(raw) if r["section"] == "frame"
        }
        # What the template merges stays two counters here.
        assert codes["security-failed"] != codes["sp-security-failed"], raw.name
        [expected] = yaml.safe_load(raw.with_suffix(".yml").read_text())[
            "parsed_sample"
        ]
        got, strays = _as_ntc(_records(raw), expected)
        if got != expected or strays:
            failures.append((raw.name, strays, got, expected))
    print(f"corpus show asp drop (ntc): {len(files) - len(failures)}/{len(files)}")
    assert not failures


def _as_genie(records: list[dict]) -> dict:
    out: dict = {}
    for rec in records:
        part = out.setdefault(f"{rec['section']}_drop", {})
        if rec["reason"] is not None:
            part[rec["code"]] = rec["count"]
        if rec["last_clearing"] is not None:
            part["last_clearing"] = rec["last_clearing"]
    return out


def test_it_reads_every_genie_show_asp_drop():
    """genie asa ShowAspDrop: code -> count per section and the Last clearing text."""
    files = _files(GENIE, "*_output.txt")
    failures = []
    for output in files:
        expected_file = output.with_name(
            output.name.replace("_output.txt", "_expected.py")
        )
        expected = ast.literal_eval(expected_file.read_text().split("=", 1)[1].strip())
        got = _as_genie(_records(output))
        if got != expected:
            failures.append((output.name, got, expected))
    print(f"corpus show asp drop (genie): {len(files) - len(failures)}/{len(files)}")
    assert not failures


def test_it_accounts_for_every_corpus_line():
    """No line of the corpus outputs is left unread."""
    for path in _files(NTC, "*.raw") + _files(GENIE, "*_output.txt"):
        report = analyze(path.read_text(encoding="utf-8", errors="replace"))
        assert report.unparsed_lines == 0, path.name
        assert [s.kind for s in report.sources] == [asp_drop.KIND], path.name
