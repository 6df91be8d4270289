"""Postings ordered, within a term, by what they weigh in choosing candidates.

A query matching more articles than search keeps as candidates chooses them by
the sum, over its rarest terms, of each posting's field counts times the field
weights (``kb.search.FIELD_SUM``). Its commonest such term is held by thousands
of articles; from this index search reads only the head of that term's postings,
the best few hundred, where it used to add up every one.

The expression is written out here as it stood when the index was made:
``kb.search.FIELD_SUM`` must stay the same text for the index to be used.
"""

from django.db import migrations

FIELD_SUM = "10.0 * title + 6.0 * identifiers + 3.0 * headings + 1.0 * body"
CREATE = (
    "CREATE INDEX IF NOT EXISTS kb_posting_weight"
    f" ON kb_posting (term, ({FIELD_SUM}) DESC, article_id)"
)
# PostgreSQL answers from an index alone only when it holds the columns the
# expression is made of.
POSTGRES_CREATE = CREATE + " INCLUDE (title, identifiers, headings, body)"
DROP = "DROP INDEX IF EXISTS kb_posting_weight"


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(CREATE)
    elif vendor == "postgresql":
        schema_editor.execute(POSTGRES_CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor in ("sqlite", "postgresql"):
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("kb", "0008_posting_cover")]

    operations = [migrations.RunPython(create, drop)]
