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


def test_the_daily_task_keeps_the_retention_setting(settings):
    """Beat's daily clean-up deletes what is past ANALYZER_RETENTION_DAYS and no
    more; 0 keeps everything."""
    from analyzer.tasks import cleanup_old_diagnoses

    settings.ANALYZER_RETENTION_DAYS = 30
    old, recent, old_running = make(31), make(29), make(31, status="running")
    assert cleanup_old_diagnoses() == 1
    remaining = set(Diagnosis.objects.values_list("id", flat=True))
    assert remaining == {recent.id, old_running.id}
    assert old.id not in remaining

    settings.ANALYZER_RETENTION_DAYS = 0
    make(400)
    assert cleanup_old_diagnoses() == 0
    assert Diagnosis.objects.count() == 3


def test_beat_runs_the_clean_up_daily(settings):
    schedule = settings.CELERY_BEAT_SCHEDULE["cleanup-old-diagnoses"]
    assert schedule["task"] == "analyzer.tasks.cleanup_old_diagnoses"
    assert schedule["schedule"] == 24 * 3600
