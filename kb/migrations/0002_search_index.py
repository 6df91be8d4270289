"""The full-text index behind kb.search, in whichever form the database has.

SQLite: an FTS5 table whose rowid is the article id. PostgreSQL: a weighted
tsvector column on the article row with a GIN index. Both hold terms that
kb.search tokenized itself, so the database's own tokenizer must keep them whole
(FTS5 is told that ``_ . -`` are part of a token).
"""

from django.db import migrations

SQLITE_CREATE = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS kb_article_fts USING fts5("
    "title, identifiers, headings, body, "
    "tokenize = \"unicode61 remove_diacritics 0 tokenchars '_.-'\")"
)
SQLITE_DROP = "DROP TABLE IF EXISTS kb_article_fts"
POSTGRES_CREATE = [
    "ALTER TABLE kb_article ADD COLUMN IF NOT EXISTS search_document tsvector",
    "CREATE INDEX IF NOT EXISTS kb_article_search_document_gin"
    " ON kb_article USING GIN (search_document)",
]
POSTGRES_DROP = [
    "DROP INDEX IF EXISTS kb_article_search_document_gin",
    "ALTER TABLE kb_article DROP COLUMN IF EXISTS search_document",
]


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(SQLITE_CREATE)
    elif vendor == "postgresql":
        for sql in POSTGRES_CREATE:
            schema_editor.execute(sql)


def drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(SQLITE_DROP)
    elif vendor == "postgresql":
        for sql in POSTGRES_DROP:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("kb", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
