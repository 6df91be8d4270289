"""The field corpus: real pastes from public threads, judged against what the thread
concluded (tests/fixtures/field/README.md). The expectations were written from the
threads before the analyzer was run on the pastes."""

import tomllib
from functools import cache

import pytest

from analyzer.engine import analyze
from analyzer.report import SEVERITIES
from tests.conftest import FIXTURES
from tests.test_article_links import article_ids

FIELD = FIXTURES / "field"
FAMILIES = {"ikev1", "ikev2", "show", "other-end", "healthy"}
REQUIRED = ("file", "source", "licence", "concluded", "family", "verdict")
WARNING = SEVERITIES.index("warning")


@cache
def entries() -> list[dict]:
    found = []
    for path in sorted(FIELD.glob("*.toml")):
        with path.open("rb") as handle:
            found.extend(tomllib.load(handle).get("paste", []))
    return found


def _params():
    params = []
    for entry in entries():
        marks = []
        if entry.get("gap"):
            marks.append(pytest.mark.xfail(reason=entry["gap"], strict=True))
        params.append(pytest.param(entry, id=entry["file"], marks=marks))
    return params


def test_every_paste_has_one_complete_expectation():
    listed = [e["file"] for e in entries()]
    assert len(listed) == len(set(listed)), "a paste is listed twice"
    on_disk = sorted(
        str(p.relative_to(FIELD))
        for p in FIELD.rglob("*")
        if p.is_file() and p.suffix not in (".toml", ".md")
    )
    assert sorted(listed) == on_disk
    for entry in entries():
        missing = [key for key in REQUIRED if not entry.get(key)]
        assert not missing, (entry["file"], missing)
        assert entry["family"] in FAMILIES, entry["file"]
        assert entry["verdict"] in ("problem", "healthy"), entry["file"]
        if entry["verdict"] == "problem":
            assert entry.get("articles"), entry["file"]


def test_every_expected_article_exists():
    ids = article_ids()
    for entry in entries():
        for link in entry.get("articles", []) + entry.get("not_articles", []):
            slug, _, anchor = link.partition("#")
            assert slug in ids, (entry["file"], link)
            assert not anchor or anchor in ids[slug], (entry["file"], link)


def _links(finding) -> set[str]:
    return {finding.article, f"{finding.article}#{finding.anchor}"}


def _severity(finding) -> int:
    return SEVERITIES.index(finding.severity)


@pytest.mark.parametrize("entry", _params())
def test_field_paste(entry):
    text = (FIELD / entry["file"]).read_bytes().decode("utf-8", errors="replace")
    report = analyze(text)
    alarms = [f for f in report.findings if _severity(f) >= WARNING]
    shown = [(f.severity, f.code, f.article, f.anchor, f.title) for f in alarms]
    if entry["verdict"] == "healthy":
        assert not alarms, shown
        # "Nothing wrong" must be a reading, not silence: something was read.
        assert any(source.records for source in report.sources), (
            "nothing in this healthy paste was read"
        )
        return
    wrong = [
        link
        for link in entry.get("not_articles", [])
        for f in alarms
        if link in _links(f)
    ]
    assert not wrong, (wrong, shown)
    assert alarms, "no warning or worse on a paste whose thread found a problem"
    top = max(_severity(f) for f in alarms)
    wanted = set(entry["articles"])
    explaining = [
        f
        for f in alarms
        if _severity(f) == top
        and _links(f) & wanted
        and all(
            m.lower() in f"{f.title} {f.detail} {f.subject}".lower()
            for m in entry.get("mentions", [])
        )
    ]
    assert explaining, (sorted(wanted), entry.get("mentions", []), shown)
