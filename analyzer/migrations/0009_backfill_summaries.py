"""Diagnoses analyzed before lists existed get what a list and a chat preview
show of them (top severity and code, verdict, peers, codes, one row per peer)
and, untitled, the title their top finding gives, as finish() now stores them."""

from django.db import migrations

from analyzer import summary


def clean_title(title: str) -> str:
    # As analyzer.models.clean_title at the time of writing.
    import unicodedata

    kept = "".join(
        c for c in title if unicodedata.category(c) not in ("Cc", "Cs") or c.isspace()
    )
    return " ".join(kept.split())[:200]


def backfill(apps, schema_editor):
    Diagnosis = apps.get_model("analyzer", "Diagnosis")
    DiagnosisPeer = apps.get_model("analyzer", "DiagnosisPeer")
    done = Diagnosis.objects.filter(status="done", report__isnull=False, verdict="")
    for diagnosis in done.only("id", "title", "report").iterator(chunk_size=200):
        report = diagnosis.report or {}
        top = summary.top_finding(report) or {}
        peers = summary.peers(report)
        Diagnosis.objects.filter(id=diagnosis.id).update(
            title=diagnosis.title or clean_title(summary.title(report)),
            top_severity=top.get("severity") or "",
            top_code=(top.get("code") or "")[:100],
            verdict=clean_title(summary.verdict(report))[:300],
            peers=" ".join(peers)[:1000],
            codes=" ".join(summary.codes(report)),
        )
        DiagnosisPeer.objects.bulk_create(
            DiagnosisPeer(diagnosis_id=diagnosis.id, address=peer[:45])
            for peer in peers
        )


class Migration(migrations.Migration):
    dependencies = [("analyzer", "0008_uploaded_file_names")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
