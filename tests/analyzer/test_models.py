import base64
import re

import pytest

from analyzer.models import Diagnosis, new_id
from tests.conftest import FIXTURES

pytestmark = pytest.mark.django_db


def test_it_makes_ids_of_at_least_128_random_bits():
    """Ids are URL-safe base64 of 24 random bytes (192 bits): long enough that a
    permalink cannot be guessed, and all different."""
    ids = [new_id() for _ in range(2000)]
    assert len(set(ids)) == len(ids)
    for value in ids[:50]:
        assert re.fullmatch(r"[A-Za-z0-9_-]{32}", value)
        assert len(base64.urlsafe_b64decode(value)) * 8 >= 128
    # Every character position varies: no counter or timestamp prefix.
    for position in range(32):
        assert len({value[position] for value in ids}) > 20


def test_it_gives_each_diagnosis_its_own_id_and_permalink():
    """A new diagnosis gets a fresh unguessable id and the permalink /d/<id>/."""
    first = Diagnosis.objects.create(input_text="a")
    second = Diagnosis.objects.create(input_text="b")
    assert first.id != second.id
    assert len(first.id) == 32
    assert first.get_absolute_url() == f"/d/{first.id}/"
    assert first.status == Diagnosis.Status.QUEUED
    assert first.attempts == 0


def test_it_stores_only_the_redacted_text(django_capture_on_commit_callbacks):
    """submit() removes secrets before the row is written and queues the analysis
    once the transaction commits."""
    paste = (FIXTURES / "web" / "asa_config_with_secrets.txt").read_text()
    with django_capture_on_commit_callbacks() as callbacks:
        diagnosis = Diagnosis.submit(paste, title="HQ to branch 12")
    stored = Diagnosis.objects.get(id=diagnosis.id)
    assert "Br4nch12-Tunnel-Key!" not in stored.input_text
    assert "NmsRead0nly-77" not in stored.input_text
    assert "tunnel-group 203.0.113.50 ipsec-attributes" in stored.input_text
    assert stored.input_text.count("\n") == paste.count("\n")
    assert stored.title == "HQ to branch 12"
    assert len(callbacks) == 1


def test_it_names_a_diagnosis_by_title_never_by_id():
    """__str__ is the title; without one, the top finding once analyzed, else
    when it was submitted: never the id, which is the diagnosis's key."""
    from datetime import UTC, datetime

    assert str(Diagnosis(id="abc", title="Branch 12")) == "Branch 12"
    created = datetime(2026, 12, 4, 19, 6, tzinfo=UTC)
    assert str(Diagnosis(id="abc", created=created)) == "Paste of 2026-12-04 19:06 UTC"
    report = {
        "findings": [{"code": "x.y", "severity": "error", "title": "ESP dropped"}]
    }
    assert str(Diagnosis(id="abc", report=report)) == "ESP dropped"


def test_it_groups_findings_by_severity_worst_first():
    """Findings are grouped critical, error, warning, info; empty groups left out."""
    findings = [
        {"severity": "info", "title": "a"},
        {"severity": "critical", "title": "b"},
        {"severity": "warning", "title": "c"},
        {"severity": "info", "title": "d"},
    ]
    diagnosis = Diagnosis(report={"findings": findings})
    groups = diagnosis.findings_by_severity()
    assert [severity for severity, _ in groups] == ["critical", "warning", "info"]
    assert [f["title"] for f in groups[2][1]] == ["a", "d"]
    assert Diagnosis(report=None).findings_by_severity() == []
