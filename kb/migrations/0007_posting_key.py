"""Postings keyed by (term, article) instead of a row id.

On SQLite the table is then made again WITHOUT ROWID: the key's B-tree is the
table, so the postings of a term are one range holding their counts (what search
reads), and a sync writes one index fewer. Postings are derived data: the table
is made anew, empty, and the next ``sync_articles`` fills it
(``search.ensure_index`` indexes every article that has none).
"""

import django.db.models.deletion
from django.db import migrations, models

SQLITE_WITHOUT_ROWID = [
    'DROP TABLE "kb_posting"',
    'CREATE TABLE "kb_posting" ('
    '"term" varchar(64) NOT NULL, '
    '"article_id" bigint NOT NULL REFERENCES "kb_article" ("id")'
    " DEFERRABLE INITIALLY DEFERRED, "
    '"title" real NOT NULL, "identifiers" real NOT NULL, '
    '"headings" real NOT NULL, "body" real NOT NULL, '
    'PRIMARY KEY ("term", "article_id")) WITHOUT ROWID',
    # The index on article_id is the one CreateModel defers to the end of this
    # migration: it lands on this table.
]


def without_rowid(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for sql in SQLITE_WITHOUT_ROWID:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("kb", "0006_revision")]

    operations = [
        migrations.DeleteModel(name="Posting"),
        migrations.CreateModel(
            name="Posting",
            fields=[
                (
                    "pk",
                    models.CompositePrimaryKey(
                        "term",
                        "article",
                        blank=True,
                        editable=False,
                        primary_key=True,
                        serialize=False,
                    ),
                ),
                ("term", models.CharField(max_length=64)),
                (
                    "article",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="kb.article",
                    ),
                ),
                ("title", models.FloatField(default=0)),
                ("identifiers", models.FloatField(default=0)),
                ("headings", models.FloatField(default=0)),
                ("body", models.FloatField(default=0)),
            ],
        ),
        # The table is empty: made again, the same columns, keyed by its own tree.
        migrations.RunPython(without_rowid, migrations.RunPython.noop),
    ]
