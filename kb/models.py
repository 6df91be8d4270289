from django.db import models
from django.urls import reverse


class Tag(models.Model):
    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=60)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("kb-tag", args=[self.slug])


class Article(models.Model):
    """One knowledge base article, loaded from ``kb/content/<slug>.md``.

    The Markdown file is the source of truth: ``sync_articles`` writes these rows
    from it, so edits made here are replaced by the next sync of a changed file.
    ``html``, ``toc``, ``body_text`` and ``search_terms`` are derived from ``body``
    by ``render()``.
    """

    slug = models.SlugField(max_length=100, unique=True)
    title = models.CharField(max_length=200)
    summary = models.TextField(blank=True)
    body = models.TextField(help_text="Markdown")
    html = models.TextField(blank=True, editable=False)
    # [{"id", "name", "level", "children": [...]}] from the Markdown headings.
    toc = models.JSONField(default=list, blank=True, editable=False)
    identifiers = models.JSONField(
        default=list, blank=True, help_text="Commands, states, messages to search by"
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="articles")
    # One of kb.topics.TOPICS, and the place in that topic's reading order.
    topic = models.CharField(max_length=20, default="other", db_index=True)
    position = models.PositiveIntegerField(default=1000)
    # {"previous"|"next": {"slug", "title"}} within the topic, written by
    # sync_articles whenever an article of the topic changes.
    neighbours = models.JSONField(default=dict, blank=True, editable=False)
    related = models.JSONField(default=list, blank=True, help_text="Article slugs")
    updated = models.DateField(null=True, blank=True)
    # SHA-256 of the source file (and of the renderer), so an unchanged file is
    # not rewritten by the next sync.
    content_hash = models.CharField(max_length=64, blank=True, editable=False)
    # Plain text of the rendered body, for search snippets.
    body_text = models.TextField(blank=True, editable=False)
    # {"title"|"identifiers"|"headings"|"body": {term: count}}: what search ranks by.
    search_terms = models.JSONField(default=dict, blank=True, editable=False)
    created = models.DateTimeField(auto_now_add=True)
    modified = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("kb-article", args=[self.slug])

    @property
    def topic_info(self):
        from kb.topics import topic

        return topic(self.topic)

    def render(self, tag_names=None):
        """Fill the derived fields from ``body`` (and the tags, for search)."""
        if tag_names is None:
            tag_names = [t.name for t in self.tags.all()] if self.pk else []
        self.html, self.toc, self.body_text, self.search_terms = derive(
            self.body, self.title, self.summary, self.identifiers, tag_names
        )

    @property
    def has_related_section(self) -> bool:
        """Whether the body already ends with its own list of related articles."""
        return 'id="related-articles"' in self.html

    def related_articles(self):
        """The related articles that exist, in the order the front matter gives."""
        by_slug = {a.slug: a for a in Article.objects.filter(slug__in=self.related)}
        return [by_slug[s] for s in self.related if s in by_slug and s != self.slug]


def derive(body, title, summary, identifiers, tag_names) -> tuple:
    """``(html, toc, body_text, search_terms)`` of an article: no database, so a
    sync may run it in other processes."""
    from kb import rendering, search

    rendered = rendering.render_article(body)
    terms = search.document_terms(
        title=title,
        identifiers=list(identifiers or []) + list(tag_names),
        # The summary is the author's own description: it ranks with headings.
        headings=[summary, *rendered.headings],
        body=rendered.text,
    )
    return rendered.html, rendered.toc, rendered.text, terms


class SearchWord(models.Model):
    """A word of the search index and how many articles use it; typos in a query
    are corrected to the nearest of these. Rebuilt by ``search.rebuild_vocabulary``."""

    word = models.CharField(max_length=64, unique=True)
    length = models.PositiveSmallIntegerField(db_index=True)
    documents = models.PositiveIntegerField(default=0)

    def __str__(self):
        return self.word


class Posting(models.Model):
    """How often one term occurs in each field of one article: what search ranks
    candidates by, read for the query's terms only. Written with the full-text
    index by ``search.index_articles``.

    Keyed by (term, article): on SQLite the table is that key's own B-tree
    (WITHOUT ROWID, migration 0007), so the postings of a term are read in one
    range with their counts, and written into one index fewer."""

    pk = models.CompositePrimaryKey("term", "article")
    term = models.CharField(max_length=64)
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    title = models.FloatField(default=0)
    identifiers = models.FloatField(default=0)
    headings = models.FloatField(default=0)
    body = models.FloatField(default=0)

    def __str__(self):
        return self.term


class Revision(models.Model):
    """One row: a token that changes whenever the knowledge base does. Every web
    process keeps the pages it rendered under the token it saw, and drops them
    when the token changes (``kb.pages``)."""

    token = models.CharField(max_length=32)

    def __str__(self):
        return self.token
