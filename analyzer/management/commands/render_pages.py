from django.core.management.base import BaseCommand
from django.db.models import Exists, OuterRef
from django.db.models.functions import Length

from analyzer.models import Diagnosis, DiagnosisPage
from analyzer.views import RENDER_VERSION, STORED_PAGE_MIN_CHARS, render_page


class Command(BaseCommand):
    help = (
        "Render the stored page of every finished diagnosis big enough to have one "
        "that has none, or one rendered by other code (after an upgrade). Until then such a diagnosis "
        "is rendered from its report on every view: correct, only slower."
    )

    def handle(self, *args, **options):
        current = DiagnosisPage.objects.filter(
            diagnosis=OuterRef("pk"), version=RENDER_VERSION
        )
        stale = (
            Diagnosis.objects.filter(status=Diagnosis.Status.DONE)
            .annotate(size=Length("input_text"))
            .filter(size__gte=STORED_PAGE_MIN_CHARS)
            .exclude(Exists(current))
            .only("id", "input_text", "report", "status")
        )
        done = 0
        for diagnosis in stale.iterator(chunk_size=20):
            page = render_page(diagnosis, diagnosis.report or {})
            DiagnosisPage.objects.update_or_create(
                diagnosis_id=diagnosis.id, defaults=page
            )
            done += 1
        self.stdout.write(f"{done} page{'s' if done != 1 else ''} rendered")
