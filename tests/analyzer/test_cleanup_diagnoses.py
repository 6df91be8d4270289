from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from analyzer.models import Diagnosis

pytestmark = pytest.mark.django_db


def make(days_old: int, status="done") -> Diagnosis:
    return Diagnosis.objects.create(
        input_text="x\n",
        status=status,
        created=timezone.now() - timedelta(days=days_old),
    )


def run(*args) -> str:
    out = StringIO()
    call_command("cleanup_diagnoses", *args, stdout=out)
    return out.getvalue()


def test_it_deletes_finished_diagnoses_older_than_the_limit():
    """Done and failed diagnoses past --days go; recent ones and pending ones stay."""
    old_done, old_failed = make(40), make(40, status="failed")
    recent, old_queued = make(5), make(40, status="queued")
    assert "2 diagnoses older than 30 days deleted" in run("--days", "30")
    remaining = set(Diagnosis.objects.values_list("id", flat=True))
    assert remaining == {recent.id, old_queued.id}
    assert old_done.id not in remaining and old_failed.id not in remaining


def test_it_only_counts_on_a_dry_run():
    """--dry-run reports the count and deletes nothing."""
    make(100)
    make(1)
    assert "1 diagnosis older than 90 days would be deleted" in run("--dry-run")
    assert Diagnosis.objects.count() == 2


def test_it_refuses_a_limit_under_a_day():
    """--days 0 would delete everything just finished: refused."""
    with pytest.raises(CommandError):
        run("--days", "0")
