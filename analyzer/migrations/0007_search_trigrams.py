"""Trigram indexes for the team page's search on PostgreSQL.

The search is a case-insensitive substring match (``icontains``: UPPER(col) LIKE
UPPER('%q%')) over the title, the peers and the finding codes; without an index a
search that matches little reads every row of the team. pg_trgm's GIN indexes on
the same UPPER() expressions answer it from the index. SQLite has no such index:
there the search reads the team's rows (bench/teams.py gives the figures).
"""

from django.db import migrations

COLUMNS = ("title", "peers", "codes")


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # A trusted extension since PostgreSQL 13: the database's owner may create it.
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for column in COLUMNS:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS diagnosis_{column}_trgm ON "
            f'analyzer_diagnosis USING gin ((UPPER("{column}"::text)) gin_trgm_ops)'
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in COLUMNS:
        schema_editor.execute(f"DROP INDEX IF EXISTS diagnosis_{column}_trgm")


class Migration(migrations.Migration):
    dependencies = [("analyzer", "0006_summary_for_lists")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
