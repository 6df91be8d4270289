from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from analyzer.models import Diagnosis


class Command(BaseCommand):
    help = (
        "Delete diagnoses older than --days (default ANALYZER_RETENTION_DAYS), "
        "pasted text and all. Queued and running ones are kept whatever their age. "
        "The worker's beat scheduler runs the same clean-up daily."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days", type=int, default=settings.ANALYZER_RETENTION_DAYS
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Count what would go; delete nothing"
        )

    def handle(self, *args, days, dry_run, **options):
        if days < 1:
            raise CommandError("--days must be at least 1")
        old = Diagnosis.past_retention(days)
        if dry_run:
            self.stdout.write(
                f"{_count(old.count())} older than {days} days would be deleted"
            )
            return
        deleted, _ = old.delete()
        self.stdout.write(f"{_count(deleted)} older than {days} days deleted")


def _count(n: int) -> str:
    return f"{n} diagnosis" if n == 1 else f"{n} diagnoses"
