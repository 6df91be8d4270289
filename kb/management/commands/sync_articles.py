import datetime
import hashlib
import json
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify

from kb import pages, rendering, search, topics
from kb.models import Article, SearchWord, Tag, derive


class Command(BaseCommand):
    help = (
        "Load the knowledge base articles from KB_CONTENT_DIR (<slug>.md files): "
        "create new ones, update changed ones, delete those whose file is gone, and "
        "keep the search index in step."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--content-dir", help="Folder of articles (default: KB_CONTENT_DIR)"
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Re-render every article even if its file did not change",
        )

    def handle(self, *args, **options):
        content_dir = Path(options["content_dir"] or settings.KB_CONTENT_DIR)
        if not content_dir.is_dir():
            raise CommandError(f"{content_dir} is not a folder")
        sources, errors = read_sources(content_dir)
        if errors:
            raise CommandError(
                "Nothing was changed; fix these files first:\n" + "\n".join(errors)
            )
        counts = apply(sources, force=options["force"])
        if counts["created"] or counts["updated"] or counts["deleted"]:
            refresh_statistics()
        self.stdout.write(
            "{created} created, {updated} updated, {deleted} deleted, "
            "{unchanged} unchanged".format(**counts)
        )


def refresh_statistics() -> None:
    """PostgreSQL: after a sync, the planner's statistics and the visibility map
    of the search tables (a big sync changes them wholesale, and search's
    index-only reads need the map); outside the sync's transaction, as VACUUM
    must be."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE) kb_posting, kb_article")


def read_sources(content_dir: Path) -> tuple[dict, list[str]]:
    """``({slug: (hash, meta, body)}, errors)`` for every ``*.md`` in the folder."""
    fingerprint = (rendering.fingerprint() + search.INDEX_VERSION).encode()
    sources, errors = {}, []
    for path in sorted(content_dir.glob("*.md")):
        if path.name.lower() == "readme.md" or path.name.startswith(("_", ".")):
            continue  # notes for writers, not articles
        slug = path.stem
        if slugify(slug) != slug:
            errors.append(f"{path.name}: the file name is not a valid slug")
            continue
        raw = path.read_bytes()
        try:
            meta, body = rendering.split_front_matter(raw.decode("utf-8"))
        except (UnicodeDecodeError, rendering.FrontMatterError) as exc:
            errors.append(f"{path.name}: {exc}")
            continue
        problem = check_meta(meta)
        if problem:
            errors.append(f"{path.name}: {problem}")
            continue
        digest = hashlib.sha256(fingerprint + b"\0" + raw).hexdigest()
        sources[slug] = (digest, meta, body)
    return sources, errors


def check_meta(meta: dict) -> str | None:
    if not isinstance(meta.get("title"), str) or not meta["title"].strip():
        return "front matter needs a title"
    for key in ("tags", "related", "identifiers"):
        if not isinstance(meta.get(key, []), list):
            return f"'{key}' must be a list"
    topic = meta.get("topic", topics.DEFAULT_TOPIC)
    if topic not in topics.BY_SLUG:
        return f"'topic' must be one of: {', '.join(topics.BY_SLUG)}"
    order = meta.get("order", topics.DEFAULT_ORDER)
    if not isinstance(order, int) or isinstance(order, bool) or order < 0:
        return "'order' must be a whole number, 0 or more"
    updated = meta.get("updated")
    if updated is not None and not isinstance(updated, datetime.date):
        try:
            datetime.date.fromisoformat(str(updated))
        except ValueError:
            return "'updated' must be a date (YYYY-MM-DD)"
    return None


def _date(value):
    if value is None or isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value))


# Fields sync writes on an article it updates (bulk_update names them).
WRITTEN = [
    "title",
    "summary",
    "body",
    "identifiers",
    "related",
    "updated",
    "topic",
    "position",
    "content_hash",
    "html",
    "toc",
    "body_text",
    "search_terms",
    "modified",
]


def apply(sources: dict, force: bool = False) -> dict:
    counts = {"created": 0, "updated": 0, "deleted": 0, "unchanged": 0}
    with transaction.atomic():
        existing = {
            a.slug: a
            for a in Article.objects.defer("html", "body", "body_text", "search_terms")
        }
        changed = []  # (article, [(slug, name, search word)])
        for slug, (digest, meta, body) in sources.items():
            article = existing.get(slug)
            if article and article.content_hash == digest and not force:
                counts["unchanged"] += 1
                continue
            counts["updated" if article else "created"] += 1
            article = article or Article(slug=slug)
            article.title = meta["title"].strip()
            article.summary = str(meta.get("summary") or "").strip()
            article.body = body
            article.identifiers = [str(i) for i in meta.get("identifiers") or []]
            article.related = [str(r) for r in meta.get("related") or []]
            article.updated = _date(meta.get("updated"))
            article.topic = meta.get("topic", topics.DEFAULT_TOPIC)
            article.position = meta.get("order", topics.DEFAULT_ORDER)
            article.content_hash = digest
            changed.append((article, _tag_list(meta.get("tags") or [])))
        render_all(changed)
        gone = [a for slug, a in existing.items() if slug not in sources]
        for article in gone:
            article.delete()
        counts["deleted"] = len(gone)
        remaining = len(existing) - len(gone) + counts["created"]
        with search.bulk_writes(search.is_bulk(len(changed), remaining)):
            save_all(changed)
            relinked = link_neighbours()
        Tag.objects.filter(articles__isnull=True).delete()
        indexed = search.ensure_index()
        changed = indexed or counts["created"] or counts["updated"] or counts["deleted"]
        if changed or not SearchWord.objects.exists():
            search.rebuild_vocabulary()
        if changed or relinked:
            # Pages kept by the web processes are stale (kb.pages).
            pages.changed()
    return counts


# From this many changed articles, they are rendered in other processes too, one
# per core: rendering is Python through and through, the rest of a sync is not.
PARALLEL_FROM = 200


def render_all(changed: list) -> None:
    """Fill each changed article's HTML, contents, text and search terms."""
    work = [
        (
            article.body,
            article.title,
            article.summary,
            article.identifiers,
            [word for _slug, _name, word in tags],
        )
        for article, tags in changed
    ]
    for (article, _tags), (html, toc, text, terms) in zip(
        changed, _derive_all(work), strict=True
    ):
        article.html, article.toc, article.body_text = html, toc, text
        article.search_terms = terms


def _derive(arguments: tuple) -> tuple:
    return derive(*arguments)


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def _derive_all(work: list) -> list:
    """``derive`` of each item, in order: in a pool of forked processes, one per
    core, when there are many and more than one core (and ``fork``, which
    shares what is loaded already, is available); here otherwise."""
    workers = min(_cores(), 8)
    if len(work) < PARALLEL_FROM or workers < 2:
        return [_derive(item) for item in work]
    try:
        context = multiprocessing.get_context("fork")
    except ValueError:
        return [_derive(item) for item in work]
    chunk = max(1, len(work) // (workers * 8))
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        return list(pool.map(_derive, work, chunksize=chunk))


def save_all(changed: list) -> None:
    """Write the changed articles, their tags and their search index in a few
    statements (bulk writes send no signals: the index is written here)."""
    now = timezone.now()
    new = [article for article, _tags in changed if article.pk is None]
    old = [article for article, _tags in changed if article.pk is not None]
    for article in old:
        article.modified = now
    with_vectors = ()
    if connection.vendor == "postgresql":
        compress_fast()
        copy_articles(new)
        with_vectors = [article.pk for article in new]
    else:
        Article.objects.bulk_create(new, batch_size=500)
    Article.objects.bulk_update(old, WRITTEN, batch_size=200)
    tag_ids = _tag_ids([tag for _article, tags in changed for tag in tags])
    through = Article.tags.through
    for start in range(0, len(old), 500):
        through.objects.filter(
            article_id__in=[a.pk for a in old[start : start + 500]]
        ).delete()
    through.objects.bulk_create(
        [
            through(article_id=article.pk, tag_id=tag_ids[slug])
            for article, tags in changed
            for slug, _name, _word in tags
        ],
        batch_size=1000,
    )
    search.index_articles(
        [article for article, _tags in changed], with_vectors=with_vectors
    )


def compress_fast() -> None:
    """PostgreSQL: for the rest of the sync's transaction, long values (bodies,
    HTML, text, search terms, tsvectors) are stored compressed with LZ4 where
    the server has it, in place of pglz: half the server's time to write
    thousands of articles, less to read them back, for some 5 % more space.
    What is read back is the same."""
    if not connection.in_atomic_block:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 'lz4' = ANY(enumvals) FROM pg_settings"
            " WHERE name = 'default_toast_compression'"
        )
        row = cursor.fetchone()
        if row and row[0]:
            cursor.execute("SET LOCAL default_toast_compression = 'lz4'")


def copy_articles(new: list) -> None:
    """PostgreSQL: insert new articles with COPY, their ids drawn from the
    table's sequence first, as ``bulk_create`` would leave them. (``bulk_create``
    sends each column as one array, which the driver quotes element by element
    in Python: for thousands of bodies and their HTML, the slowest step of a
    big sync.) Their full-text columns are written with them
    (``search.vector_literals``), where an UPDATE after would write every row
    twice."""
    if not new:
        return
    table = Article._meta.db_table
    fields = Article._meta.concrete_fields
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id'))"
            " FROM generate_series(1, %s)",
            [table, len(new)],
        )
        for article, (pk,) in zip(new, cursor.fetchall(), strict=True):
            article.pk = pk
        columns = ", ".join(
            connection.ops.quote_name(column)
            for column in [*(f.column for f in fields), *search.VECTOR_COLUMNS]
        )
        with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for article in new:
                copy.write_row(
                    [
                        *(
                            field.get_db_prep_save(
                                field.pre_save(article, add=True), connection
                            )
                            for field in fields
                        ),
                        *search.vector_literals(article),
                    ]
                )
    for article in new:
        article._state.adding = False
        article._state.db = connection.alias


def _tag_ids(tags) -> dict[str, int]:
    """``{slug: id}`` for the tags named, created when missing and renamed when
    their name changed."""
    names = {}
    for slug, name, _word in tags:
        names.setdefault(slug, name)
    known = {t.slug: t for t in Tag.objects.filter(slug__in=list(names))}
    Tag.objects.bulk_create(
        [Tag(slug=s, name=n) for s, n in names.items() if s not in known]
    )
    renamed = [t for s, t in known.items() if t.name != names[s]]
    for tag in renamed:
        tag.name = names[tag.slug]
    Tag.objects.bulk_update(renamed, ["name"])
    return dict(Tag.objects.filter(slug__in=list(names)).values_list("slug", "id"))


def _tag_list(written) -> list[tuple[str, str, str]]:
    """``[(slug, name, search word)]``: the tags of an article, each under its one
    spelling (see ``kb.topics.TAG_ALIASES``), once, in the order written. Search
    reads a tag as the author wrote it, or an alias as the tag it stands for."""
    tags, seen = [], set()
    for value in written:
        value = str(value)
        written_slug = slugify(value)
        slug = topics.canonical_tag(written_slug)
        if slug and slug not in seen:
            seen.add(slug)
            alias = slug != written_slug
            name = topics.TAG_NAMES.get(slug) or (slug if alias else value)
            tags.append((slug, name, slug if alias else value))
    return tags


def link_neighbours() -> int:
    """Write each article's previous and next article within its topic (reading
    order, then title); only rows whose links changed are written. The number
    written."""
    by_topic: dict[str, list] = {}
    for article in Article.objects.only(
        "slug", "title", "topic", "position", "neighbours"
    ).order_by("topic", "position", "title", "slug"):
        by_topic.setdefault(article.topic, []).append(article)
    changed = []
    for articles in by_topic.values():
        for i, article in enumerate(articles):
            links = {}
            if i > 0:
                links["previous"] = _link(articles[i - 1])
            if i + 1 < len(articles):
                links["next"] = _link(articles[i + 1])
            if article.neighbours != links:
                article.neighbours = links
                changed.append(article)
    # One prepared UPDATE for all (bulk_update's CASE over thousands of rows
    # costs more to build than to run).
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {Article._meta.db_table} SET neighbours = %s WHERE id = %s",
            [(json.dumps(a.neighbours), a.pk) for a in changed],
        )
    return len(changed)


def _link(article) -> dict:
    return {"slug": article.slug, "title": article.title}
