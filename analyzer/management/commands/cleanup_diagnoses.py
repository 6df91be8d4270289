from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from analyzer.models import Diagnosis


class Command(BaseCommand):
    help = (
        "Delete diagnoses older than --days (default ANALYZER_RETENTION_DAYS), "
        "pasted text and all (queued and running ones are kept whatever their "
        "age), and those past the expiry chosen at submit. The worker's beat "
        "scheduler runs the same clean-ups."
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
        expired = Diagnosis.expired()
        if dry_run:
            self.stdout.write(
                f"{_count(old.count())} older than {days} days would be deleted"
            )
            self.stdout.write(f"{_count(expired.count())} expired would be deleted")
            return
        deleted = old.delete()[1].get("analyzer.Diagnosis", 0)
        self.stdout.write(f"{_count(deleted)} older than {days} days deleted")
        deleted = expired.delete()[1].get("analyzer.Diagnosis", 0)
        self.stdout.write(f"{_count(deleted)} expired deleted")


def _count(n: int) -> str:
    return f"{n} diagnosis" if n == 1 else f"{n} diagnoses"
