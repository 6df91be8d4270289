"""PostgreSQL: postings readable from one index.

Search reads postings by term and article with their counts; with the counts
included in a (term, article) index the database answers from the index alone,
where the plain key sends it to the table for every row. SQLite's postings table
already is such a tree (0007).
"""

from django.db import migrations

CREATE = (
    "CREATE INDEX IF NOT EXISTS kb_posting_cover ON kb_posting (term, article_id)"
    " INCLUDE (title, identifiers, headings, body)"
)
DROP = "DROP INDEX IF EXISTS kb_posting_cover"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("kb", "0007_posting_key")]

    operations = [migrations.RunPython(create, drop)]
