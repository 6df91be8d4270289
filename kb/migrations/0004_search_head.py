"""PostgreSQL: a second, small tsvector of the title, identifiers and headings.

When a query matches more articles than search keeps as candidates, they are
ranked on this one: it stays inline in the row, where ranking on the whole
document would read every matching article's body out of TOAST storage.
"""

from django.db import migrations

POSTGRES_CREATE = [
    "ALTER TABLE kb_article ADD COLUMN IF NOT EXISTS search_head tsvector",
    "CREATE INDEX IF NOT EXISTS kb_article_search_head_gin"
    " ON kb_article USING GIN (search_head)",
    # Articles indexed before this column existed get it from their document.
    "UPDATE kb_article SET search_head = ts_filter(search_document, '{a,b,c}')"
    " WHERE search_document IS NOT NULL",
]
POSTGRES_DROP = [
    "DROP INDEX IF EXISTS kb_article_search_head_gin",
    "ALTER TABLE kb_article DROP COLUMN IF EXISTS search_head",
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in POSTGRES_CREATE:
            schema_editor.execute(sql)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in POSTGRES_DROP:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("kb", "0003_postings")]

    operations = [migrations.RunPython(create, drop)]
