import datetime
import io
import shutil

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from kb.models import Article, SearchWord, Tag
from kb.search import search
from tests.kb.conftest import KB_FIXTURES, content_files


@pytest.fixture(autouse=True)
def empty_kb(db):
    """Each test starts from an empty knowledge base (the transaction brings the
    synced articles back afterwards)."""
    Article.objects.all().delete()
    Tag.objects.all().delete()
    SearchWord.objects.all().delete()


def sync(**options) -> str:
    out = io.StringIO()
    call_command("sync_articles", stdout=out, **options)
    return out.getvalue().strip()


@pytest.fixture
def content_dir(tmp_path):
    """A private copy of the probe articles that a test may edit."""
    folder = tmp_path / "content"
    shutil.copytree(KB_FIXTURES / "probe", folder)
    return folder


@pytest.mark.django_db
def test_it_loads_every_article_file():
    """Every kb/content/*.md becomes one article, and the count is printed."""
    files = content_files()
    assert files, "kb/content has no articles"
    output = sync()
    assert output == f"{len(files)} created, 0 updated, 0 deleted, 0 unchanged"
    assert sorted(Article.objects.values_list("slug", flat=True)) == sorted(
        f.stem for f in files
    )


@pytest.mark.django_db
def test_it_changes_nothing_on_a_second_run():
    """A second sync of unchanged files rewrites no row."""
    sync()
    before = dict(Article.objects.values_list("slug", "modified"))
    output = sync()
    assert output == f"0 created, 0 updated, 0 deleted, {len(before)} unchanged"
    assert dict(Article.objects.values_list("slug", "modified")) == before


@pytest.mark.django_db
def test_it_stores_the_front_matter(content_dir):
    """Title, summary, tags, related slugs, identifiers and date come from the
    front matter; the slug from the file name."""
    sync(content_dir=str(content_dir))
    article = Article.objects.get(slug="sanitizer-probe")
    assert article.title == "Sanitizer probe: raw HTML an author should not get through"
    assert article.summary.startswith("Markdown with script tags")
    assert sorted(t.slug for t in article.tags.all()) == ["rendering-probe", "test"]
    assert Tag.objects.get(slug="rendering-probe").name == "Rendering Probe"
    assert article.related == ["sanitizer-missing-article", "second-probe"]
    assert [a.slug for a in article.related_articles()] == ["second-probe"]
    assert article.identifiers == ["%ASA-4-108004", "inspect esmtp"]
    assert article.updated == datetime.date(2026, 11, 20)
    assert Article.objects.get(slug="second-probe").updated == datetime.date(
        2026, 11, 21
    )
    assert len(article.content_hash) == 64


@pytest.mark.django_db
def test_it_updates_a_changed_file_and_deletes_a_removed_one(content_dir):
    """An edited file is re-rendered, a removed file's article goes, the others
    are left alone."""
    assert (
        sync(content_dir=str(content_dir))
        == "2 created, 0 updated, 0 deleted, 0 unchanged"
    )
    untouched = Article.objects.get(slug="second-probe").modified

    probe = content_dir / "sanitizer-probe.md"
    probe.write_text(
        probe.read_text().replace(
            "## Commands to run {#commands}", "## Commands {#cmds}"
        )
    )
    assert (
        sync(content_dir=str(content_dir))
        == "0 created, 1 updated, 0 deleted, 1 unchanged"
    )
    html = Article.objects.get(slug="sanitizer-probe").html
    assert 'id="cmds"' in html and 'id="commands"' not in html
    assert Article.objects.get(slug="second-probe").modified == untouched

    (content_dir / "second-probe.md").unlink()
    assert (
        sync(content_dir=str(content_dir))
        == "0 created, 0 updated, 1 deleted, 1 unchanged"
    )
    assert list(Article.objects.values_list("slug", flat=True)) == ["sanitizer-probe"]
    # Its only tag went with it; the shared one stays.
    assert sorted(Tag.objects.values_list("slug", flat=True)) == [
        "rendering-probe",
        "test",
    ]


@pytest.mark.django_db
def test_it_reads_the_folder_from_the_kb_content_dir_setting(settings, content_dir):
    """Without --content-dir the command loads KB_CONTENT_DIR."""
    settings.KB_CONTENT_DIR = content_dir
    assert sync() == "2 created, 0 updated, 0 deleted, 0 unchanged"


@pytest.mark.django_db
def test_it_keeps_the_search_index_in_step(content_dir):
    """Search sees new words after an edit and forgets a deleted article."""
    sync(content_dir=str(content_dir))
    assert [r.slug for r in search("QM_IDLE")][:1] == ["second-probe"]
    assert search("xylophonist") == []

    second = content_dir / "second-probe.md"
    second.write_text(
        second.read_text() + "\nA xylophonist walks into a data centre.\n"
    )
    sync(content_dir=str(content_dir))
    assert [r.slug for r in search("xylophonist")] == ["second-probe"]
    assert SearchWord.objects.filter(word="xylophonist").exists()

    second.unlink()
    sync(content_dir=str(content_dir))
    assert search("xylophonist") == []
    assert not SearchWord.objects.filter(word="xylophonist").exists()


@pytest.mark.django_db
def test_it_refuses_broken_files_and_changes_nothing(tmp_path, content_dir):
    """A file without front matter or title stops the sync before any change, and
    the message names the files."""
    sync(content_dir=str(content_dir))
    for bad in (KB_FIXTURES / "bad").glob("*.md"):
        shutil.copy(bad, content_dir / bad.name)
    (content_dir / "second-probe.md").unlink()
    with pytest.raises(CommandError) as excinfo:
        sync(content_dir=str(content_dir))
    message = str(excinfo.value)
    assert "no-title.md: front matter needs a title" in message
    assert "no-front-matter.md" in message
    assert Article.objects.filter(slug="second-probe").exists()


@pytest.mark.django_db
def test_it_rerenders_everything_with_force(content_dir):
    """--force re-renders unchanged files (after a renderer change, say)."""
    sync(content_dir=str(content_dir))
    assert (
        sync(content_dir=str(content_dir), force=True)
        == "0 created, 2 updated, 0 deleted, 0 unchanged"
    )


@pytest.mark.django_db
def test_it_skips_notes_and_refuses_names_that_are_not_slugs(content_dir):
    """README.md and _drafts are not articles; a file name that is not a slug is
    an error rather than an article with a mangled URL."""
    (content_dir / "README.md").write_text("# How to write articles\n")
    (content_dir / "_draft.md").write_text("not yet\n")
    assert (
        sync(content_dir=str(content_dir))
        == "2 created, 0 updated, 0 deleted, 0 unchanged"
    )
    shutil.copy(content_dir / "second-probe.md", content_dir / "Second Probe.md")
    with pytest.raises(
        CommandError, match="Second Probe.md: the file name is not a valid slug"
    ):
        sync(content_dir=str(content_dir))


def _index_state() -> dict:
    """Everything a sync writes for search, keyed by slug, and the indexes of
    the postings table (and on PostgreSQL its constraints and the articles'
    full-text columns)."""
    from django.db import connection

    from kb.models import Posting, SearchWord

    slug = dict(Article.objects.values_list("pk", "slug"))
    state = {
        "articles": sorted(
            Article.objects.values_list(
                "slug", "html", "toc", "body_text", "search_terms", "neighbours"
            )
        ),
        "tags": sorted(
            Article.tags.through.objects.values_list("article__slug", "tag__slug")
        ),
        "postings": sorted(
            (slug[pk], term, *counts)
            for pk, term, *counts in Posting.objects.values_list(
                "article_id", "term", "title", "identifiers", "headings", "body"
            )
        ),
        "words": sorted(SearchWord.objects.values_list("word", "length", "documents")),
    }
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT rowid, title, identifiers, headings, body FROM kb_article_fts"
            )
            state["fts"] = sorted((slug[r[0]], *r[1:]) for r in cursor.fetchall())
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE tbl_name = 'kb_posting'"
            )
        else:
            cursor.execute(
                "SELECT slug, search_document::text, search_head::text FROM kb_article"
            )
            state["fts"] = sorted(cursor.fetchall())
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes"
                " WHERE tablename IN ('kb_posting', 'kb_article')"
                " UNION ALL SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint"
                " WHERE conrelid = 'kb_posting'::regclass"
            )
        state["schema"] = sorted(cursor.fetchall())
    return state


@pytest.mark.django_db
def test_a_bulk_sync_writes_what_a_sync_article_by_article_writes(monkeypatch):
    """A big sync renders in other processes and writes the postings with their
    indexes dropped and made again; what it leaves is what the ordinary way
    leaves, indexes and constraints included."""
    from kb import search as index
    from kb.management.commands import sync_articles

    sync()
    ordinary = _index_state()
    Article.objects.all().delete()
    Tag.objects.all().delete()
    SearchWord.objects.all().delete()
    monkeypatch.setattr(index, "BULK_MIN", 1)
    monkeypatch.setattr(sync_articles, "PARALLEL_FROM", 1)
    monkeypatch.setattr(sync_articles, "_cores", lambda: 2)
    bulk, pools = [], []
    real_bulk, real_pool = index.bulk_writes, sync_articles.ProcessPoolExecutor

    def bulk_writes(enabled=True):
        bulk.append(enabled)
        return real_bulk(enabled)

    def pool(*args, **kwargs):
        pools.append(args)
        return real_pool(*args, **kwargs)

    monkeypatch.setattr(index, "bulk_writes", bulk_writes)
    monkeypatch.setattr(sync_articles, "ProcessPoolExecutor", pool)
    sync()
    assert bulk == [True] and pools == [(2,)]
    assert _index_state() == ordinary
    assert search("MM_WAIT_MSG4")[0].slug == "mm-wait-msg4"


@pytest.mark.django_db
def test_postgresql_inserts_a_new_article_with_its_vectors_compressed():
    """On PostgreSQL a new article is COPYed with its full-text columns filled
    (nothing writes them after it; the sync's check for articles missing them
    would otherwise hide their absence), and its long values compressed with
    LZ4 where the server has it."""
    from django.db import connection

    from kb import search as index
    from kb.management.commands import sync_articles

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's COPY and TOAST")
    section = (
        "## Phase one {#phase-one}\n\n" + "The tunnel stays in MM_WAIT_MSG4. " * 300
    )
    article = Article(slug="copied", title="Copied probe", body=section)
    article.identifiers, article.related = ["MM_WAIT_MSG4"], []
    article.render(tag_names=[])
    sync_articles.save_all([(article, [])])
    document, head = index.vector_literals(article)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT search_document = %s::tsvector, search_head = %s::tsvector,"
            " pg_column_compression(html), pg_column_compression(body)"
            " FROM kb_article WHERE slug = 'copied'",
            [document, head],
        )
        same_document, same_head, *compressed = cursor.fetchone()
        cursor.execute(
            "SELECT 'lz4' = ANY(enumvals) FROM pg_settings"
            " WHERE name = 'default_toast_compression'"
        )
        has_lz4 = cursor.fetchone()[0]
    assert same_document and same_head
    assert compressed == (["lz4", "lz4"] if has_lz4 else ["pglz", "pglz"])
