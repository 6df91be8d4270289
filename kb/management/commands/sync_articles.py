import datetime
import hashlib
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.text import slugify

from kb import pages, rendering, search, topics
from kb.models import Article, SearchWord, Tag


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
        self.stdout.write(
            "{created} created, {updated} updated, {deleted} deleted, "
            "{unchanged} unchanged".format(**counts)
        )


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


def apply(sources: dict, force: bool = False) -> dict:
    counts = {"created": 0, "updated": 0, "deleted": 0, "unchanged": 0}
    with transaction.atomic():
        existing = {a.slug: a for a in Article.objects.all()}
        for slug, (digest, meta, body) in sources.items():
            article = existing.get(slug)
            if article and article.content_hash == digest and not force:
                counts["unchanged"] += 1
                continue
            counts["updated" if article else "created"] += 1
            article = article or Article(slug=slug)
            tags = _tag_list(meta.get("tags") or [])
            article.title = meta["title"].strip()
            article.summary = str(meta.get("summary") or "").strip()
            article.body = body
            article.identifiers = [str(i) for i in meta.get("identifiers") or []]
            article.related = [str(r) for r in meta.get("related") or []]
            article.updated = _date(meta.get("updated"))
            article.topic = meta.get("topic", topics.DEFAULT_TOPIC)
            article.position = meta.get("order", topics.DEFAULT_ORDER)
            article.content_hash = digest
            article.render(tag_names=[word for _slug, _name, word in tags])
            article.save()
            article.tags.set(_tags(tags))
        gone = [a for slug, a in existing.items() if slug not in sources]
        for article in gone:
            article.delete()
        counts["deleted"] = len(gone)
        Tag.objects.filter(articles__isnull=True).delete()
        relinked = link_neighbours()
        indexed = search.ensure_index()
        changed = indexed or counts["created"] or counts["updated"] or counts["deleted"]
        if changed or not SearchWord.objects.exists():
            search.rebuild_vocabulary()
        if changed or relinked:
            # Pages kept by the web processes are stale (kb.pages).
            pages.changed()
    return counts


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


def _tags(pairs: list[tuple[str, str, str]]) -> list[Tag]:
    tags = []
    for slug, name, _word in pairs:
        tag, created = Tag.objects.get_or_create(slug=slug, defaults={"name": name})
        if not created and tag.name != name:
            tag.name = name
            tag.save(update_fields=["name"])
        tags.append(tag)
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
    Article.objects.bulk_update(changed, ["neighbours"], batch_size=500)
    return len(changed)


def _link(article) -> dict:
    return {"slug": article.slug, "title": article.title}
