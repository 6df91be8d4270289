"""Article search: one ``search()`` over SQLite FTS5 or PostgreSQL full-text.

The text is tokenized here, in Python, for both the index and the query, so both
databases see the same terms:

- identifiers are kept whole and split into parts: ``%ASA-5-713904`` gives
  ``asa-5-713904``, ``asa``, ``5`` and ``713904``; ``MM_WAIT_MSG4`` gives
  ``mm_wait_msg4``, ``mm``, ``wait`` and ``msg4``;
- plain words are lower-cased, lightly stemmed (``tunnels`` and ``tunnel`` meet)
  and stop words are dropped.

The database's full-text engine only picks candidates (any query term, OR); one
Python function then ranks them the same way on every backend, from per-field term
counts kept in the postings table (``kb.models.Posting``): field weights (title
above identifiers above headings above body), how much of the query an article
covers, ties broken by slug. A word of five letters or more that the index
has never seen is replaced by the closest word it has (edit distance), so a typo
still finds its article. Any string is a valid query: only terms made of word
characters and ``_ . -`` ever reach the database, quoted.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from html import escape

from django.db import connection, transaction
from django.db.models import Count, Exists, OuterRef

MAX_QUERY_CHARS = 300
MAX_QUERY_TERMS = 32
MAX_TERM_CHARS = 64
CANDIDATES = 200
FIELDS = ("title", "identifiers", "headings", "body")
WEIGHTS = {"title": 10.0, "identifiers": 6.0, "headings": 3.0, "body": 1.0}
SNIPPET_CHARS = 200
# A term scoring this much in an article counts as fully covered by it.
FULL_COVER = 6.0

# Word characters plus the punctuation identifiers are made of.
_TOKEN_RE = re.compile(r"[\w%.\-]+")
_PART_RE = re.compile(r"[_%.\-]+")
# How much a part of an identifier (``msg4`` in ``MM_WAIT_MSG4``) counts next to
# the whole identifier or a word standing alone.
PART_WEIGHT = 0.4

STOP_WORDS = frozenset(
    """
    a about above after again against all am an and any are as at be because been
    before being below between both but by can could did do does doing down during
    each few for from further had has have having he her here hers him his how i if
    in into is it its itself just me more most my myself no nor not now of off on
    once only or other our ours out over own same she should so some such than that
    the their theirs them then there these they this those through to too under
    until up very was we were what when where which while who whom why will with
    would you your yours get gets got getting keep keeps seems seem
    """.split()
)


def stem(word: str) -> str:
    """A light suffix stripper for English words; identifiers pass unchanged."""
    if len(word) <= 3 or not word.isascii() or not word.isalpha():
        return word
    if word.endswith(("ies", "ied")) and len(word) > 4:
        word = word[:-3] + "i"
    elif word.endswith("sses"):
        word = word[:-2]
    elif word.endswith("ing") and len(word) >= 6:
        word = word[:-3]
    elif word.endswith("ed") and len(word) >= 5:
        word = word[:-2]
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    if len(word) > 3 and word.endswith("y"):
        word = word[:-1] + "i"
    if len(word) >= 5 and word.endswith("e"):
        word = word[:-1]
    return word


def _word(part: str) -> str | None:
    if part in STOP_WORDS:
        return None
    return stem(part)


def weighted_terms(text: str):
    """``(term, weight)`` for the terms of ``text`` in order: 1 for a word or a
    whole identifier, PART_WEIGHT for a part of an identifier."""
    for match in _TOKEN_RE.finditer(text):
        whole = match.group().strip("%.-_").lower()[:MAX_TERM_CHARS]
        if not whole:
            continue
        parts = [p for p in _PART_RE.split(whole) if p]
        if len(parts) == 1:
            term = _word(parts[0])
            if term:
                yield term, 1.0
            continue
        yield whole, 1.0
        for part in parts:
            term = _word(part)
            if term:
                yield term, PART_WEIGHT


def tokenize(text: str) -> list[str]:
    """The search terms of ``text``, in order, repeated as often as they occur."""
    return [term for term, _weight in weighted_terms(text)]


def _counts(texts) -> dict[str, float]:
    counts: dict[str, float] = {}
    for text in texts:
        for term, weight in weighted_terms(text):
            counts[term] = counts.get(term, 0.0) + weight
    return {t: round(c, 3) for t, c in counts.items()}


def document_terms(title, identifiers, headings, body) -> dict[str, dict[str, float]]:
    """Per-field term counts of an article, as ranking and the index use them; a
    part of an identifier counts less than a word of its own."""
    return {
        "title": _counts([title]),
        "identifiers": _counts(str(i) for i in identifiers),
        "headings": _counts(headings),
        "body": _counts([body]),
    }


def query_terms(query) -> dict[str, float]:
    """Distinct terms of a query, in order, bounded in length and number, each with
    its weight: the parts of an identifier weigh less than the whole, so
    ``MM_WAIT_MSG4`` prefers articles about that state over ones that only share
    ``mm`` and ``wait`` with it."""
    if not isinstance(query, str):
        return {}
    weights: dict[str, float] = {}
    for term, weight in weighted_terms(query[:MAX_QUERY_CHARS]):
        weights[term] = max(weights.get(term, 0.0), weight)
    return dict(list(weights.items())[:MAX_QUERY_TERMS])


# --- the index, one implementation per database ---------------------------------


def _vendor() -> str:
    return connection.vendor


def _field_text(counts: dict[str, int]) -> str:
    # Repeats stay bounded so one long list does not dominate the engine's rank.
    return " ".join(
        t for t, c in sorted(counts.items()) for _ in range(min(math.ceil(c), 8))
    )


def _tsvector_literal(terms: dict[str, dict[str, int]], fields=FIELDS) -> str:
    """A tsvector with a weight per field: A title, B identifiers, C headings, D body."""
    positions: dict[str, list[str]] = {}
    pos = 0
    for field, weight in zip(FIELDS, "ABCD", strict=True):
        if field not in fields:
            continue
        for term, count in sorted(terms.get(field, {}).items()):
            for _ in range(min(math.ceil(count), 8)):
                pos = min(pos + 1, 16383)
                positions.setdefault(term, []).append(f"{pos}{weight}")
    return " ".join(
        "'{}':{}".format(t.replace("\\", "\\\\").replace("'", "''"), ",".join(p[:255]))
        for t, p in positions.items()
    )


def index_article(article) -> None:
    """Write one article's terms into the full-text index and its postings."""
    from kb.models import Posting

    terms = article.search_terms or {}
    by_term: dict[str, list[float]] = {}
    for i, field in enumerate(FIELDS):
        for term, count in terms.get(field, {}).items():
            by_term.setdefault(term, [0.0] * len(FIELDS))[i] = count
    Posting.objects.filter(article_id=article.pk).delete()
    with connection.cursor() as cursor:
        # Hundreds of rows per article: multi-row INSERTs, not model instances
        # (150 rows stay under every database's limit on parameters).
        rows = [(article.pk, term, *counts) for term, counts in by_term.items()]
        for start in range(0, len(rows), 150):
            batch = rows[start : start + 150]
            cursor.execute(
                f"INSERT INTO {Posting._meta.db_table} (article_id, term, "
                f"{', '.join(FIELDS)}) VALUES "
                + ", ".join(["(%s, %s, %s, %s, %s, %s)"] * len(batch)),
                [value for row in batch for value in row],
            )
        if _vendor() == "postgresql":
            cursor.execute(
                "UPDATE kb_article SET search_document = %s::tsvector,"
                " search_head = %s::tsvector WHERE id = %s",
                [
                    _tsvector_literal(terms),
                    _tsvector_literal(terms, fields=FIELDS[:3]),
                    article.pk,
                ],
            )
        elif _vendor() == "sqlite":
            cursor.execute("DELETE FROM kb_article_fts WHERE rowid = %s", [article.pk])
            cursor.execute(
                "INSERT INTO kb_article_fts (rowid, title, identifiers, headings, body)"
                " VALUES (%s, %s, %s, %s, %s)",
                [article.pk] + [_field_text(terms.get(f, {})) for f in FIELDS],
            )


def unindex_article(pk) -> None:
    if _vendor() == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM kb_article_fts WHERE rowid = %s", [pk])
    # PostgreSQL keeps the document in the article's own row; postings go with
    # the article (cascade).


def ensure_index() -> int:
    """Index articles the index lacks and drop rows of deleted articles; the number
    of articles indexed."""
    from kb.models import Article, Posting

    missing = set()
    with connection.cursor() as cursor:
        if _vendor() == "postgresql":
            cursor.execute(
                "SELECT id FROM kb_article"
                " WHERE search_document IS NULL OR search_head IS NULL"
            )
            missing.update(row[0] for row in cursor.fetchall())
        elif _vendor() == "sqlite":
            cursor.execute(
                "DELETE FROM kb_article_fts WHERE rowid NOT IN (SELECT id FROM kb_article)"
            )
            cursor.execute(
                "SELECT id FROM kb_article WHERE id NOT IN"
                " (SELECT rowid FROM kb_article_fts)"
            )
            missing.update(row[0] for row in cursor.fetchall())
    missing.update(
        Article.objects.exclude(
            Exists(Posting.objects.filter(article_id=OuterRef("pk")))
        ).values_list("pk", flat=True)
    )
    for article in Article.objects.filter(pk__in=missing):
        index_article(article)
    return len(missing)


def rebuild_vocabulary() -> None:
    """The words the index holds, with how many articles use each: what typos are
    corrected against."""
    from kb.models import Posting, SearchWord

    documents = {
        term: n
        for term, n in Posting.objects.values("term")
        .annotate(n=Count("article_id"))
        .values_list("term", "n")
        .iterator()
        if term.isalpha() and len(term) >= 3
    }
    with transaction.atomic():
        SearchWord.objects.all().delete()
        SearchWord.objects.bulk_create(
            [
                SearchWord(word=w[:MAX_TERM_CHARS], length=len(w), documents=n)
                for w, n in sorted(documents.items())
            ],
            batch_size=1000,
        )


def _candidates(terms) -> list[int]:
    """Ids of articles holding any of ``terms``: all of them when there are at most
    CANDIDATES, else the CANDIDATES the engine ranks best."""
    if not terms:
        return []
    vendor = _vendor()
    if vendor == "postgresql":
        return _candidates_postgresql(terms)
    if vendor != "sqlite":
        from kb.models import Article

        wanted = set(terms)
        return [
            pk
            for pk, doc in Article.objects.values_list("pk", "search_terms")
            if any(wanted & set((doc or {}).get(f, {})) for f in FIELDS)
        ]
    query = " OR ".join('"{}"'.format(t.replace('"', '""')) for t in terms)
    match = (
        "SELECT a.id FROM kb_article_fts f JOIN kb_article a ON a.id = f.rowid"
        " WHERE kb_article_fts MATCH %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(match + " LIMIT %s", [query, CANDIDATES + 1])
        ids = [row[0] for row in cursor.fetchall()]
        if len(ids) <= CANDIDATES:
            return ids
        cursor.execute(
            match + " ORDER BY bm25(kb_article_fts, 10.0, 6.0, 3.0, 1.0), a.slug"
            " LIMIT %s",
            [query, CANDIDATES],
        )
        return [row[0] for row in cursor.fetchall()]


def _candidates_postgresql(terms) -> list[int]:
    tsquery = " | ".join(
        "'{}'".format(t.replace("\\", "\\\\").replace("'", "''")) for t in terms
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id FROM kb_article WHERE search_document @@ %s::tsquery LIMIT %s",
            [tsquery, CANDIDATES + 1],
        )
        ids = [row[0] for row in cursor.fetchall()]
        if len(ids) <= CANDIDATES:
            return ids
        # Too many to keep them all. Ranking on the whole document would read
        # every match's body from TOAST; rank on the small title, identifiers and
        # headings vector instead, and fill up with body-only matches.
        cursor.execute(
            "SELECT id FROM kb_article WHERE search_head @@ %s::tsquery"
            " ORDER BY ts_rank(search_head, %s::tsquery) DESC, slug LIMIT %s",
            [tsquery, tsquery, CANDIDATES],
        )
        ids = [row[0] for row in cursor.fetchall()]
        if len(ids) < CANDIDATES:
            cursor.execute(
                "SELECT id FROM kb_article WHERE search_document @@ %s::tsquery"
                " AND NOT id = ANY(%s) ORDER BY id LIMIT %s",
                [tsquery, ids, CANDIDATES - len(ids)],
            )
            ids.extend(row[0] for row in cursor.fetchall())
        return ids


# --- typo correction --------------------------------------------------------------


def _edit_distance(a: str, b: str, limit: int) -> int:
    """Damerau-Levenshtein (adjacent transpositions) distance, or limit + 1 when
    it is above ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        if min(cur) > limit:
            return limit + 1
        prev2, prev = prev, cur
    return prev[-1]


def _max_distance(word: str) -> int:
    return 1 if len(word) <= 6 else 2


def correct_terms(terms: dict[str, float], words: list[str]) -> dict[str, float]:
    """``terms`` with unknown plain words of 5+ letters (as typed: ``words``)
    replaced by the nearest word of the index."""
    from kb.models import SearchWord

    typed = {stem(w): w for w in words}
    eligible = [t for t in terms if t.isalpha() and len(typed.get(t, t)) >= 5]
    if not eligible:
        return terms
    known = set(
        SearchWord.objects.filter(word__in=eligible).values_list("word", flat=True)
    )
    unknown = [t for t in eligible if t not in known]
    if not unknown:
        return terms
    low = min(len(t) - _max_distance(t) for t in unknown)
    high = max(len(t) + _max_distance(t) for t in unknown)
    vocabulary = list(
        SearchWord.objects.filter(length__gte=low, length__lte=high).values_list(
            "word", "documents"
        )
    )
    corrected: dict[str, float] = {}
    for term, weight in terms.items():
        best = None
        if term in unknown:
            limit = _max_distance(term)
            for word, documents in vocabulary:
                d = _edit_distance(term, word, limit)
                if d <= limit:
                    key = (d, -documents, word)
                    if best is None or key < best:
                        best = key
        fixed = best[2] if best else term
        corrected[fixed] = max(corrected.get(fixed, 0.0), weight)
    return corrected


# --- ranking ----------------------------------------------------------------------


def _saturate(count: int) -> float:
    # Like BM25's term frequency: the first mention counts most.
    return count * 2.2 / (count + 1.2)


def rank(
    terms: dict[str, float], documents: dict, df: dict[str, int], total: int
) -> list[tuple[float, str, int]]:
    """``[(score, slug, pk)]`` best first.

    ``terms`` maps each query term to its weight; ``documents`` maps pk to
    ``(slug, {term: counts per field in FIELDS order})``; ``df`` is the number of
    articles holding each term, ``total`` the number of articles.
    """
    idf = {
        t: w * math.log(1 + (total - df.get(t, 0) + 0.5) / (df.get(t, 0) + 0.5))
        if df.get(t)
        else 0.0
        for t, w in terms.items()
    }
    query_weight = sum(idf.values()) or 1.0
    weights = [WEIGHTS[f] for f in FIELDS]
    ranked = []
    for pk, (slug, postings) in documents.items():
        score = 0.0
        covered = 0.0
        for t, counts in postings.items():
            if t not in idf:
                continue
            field_scores = [
                w * _saturate(c) for w, c in zip(weights, counts, strict=True)
            ]
            best = max(field_scores)
            if best:
                # The best field decides; mentions elsewhere add a little.
                term_score = best + 0.25 * (sum(field_scores) - best)
                score += idf[t] * term_score
                # A passing mention in the body covers the term less than a
                # title or identifier does.
                covered += idf[t] * min(1.0, term_score / FULL_COVER)
        if score <= 0:
            continue
        coverage = covered / query_weight
        ranked.append((round(score * (0.2 + coverage) ** 2, 9), slug, pk))
    ranked.sort(key=lambda r: (-r[0], r[1]))
    return ranked


# --- snippets ---------------------------------------------------------------------


def highlight(text: str, terms, max_chars: int = SNIPPET_CHARS) -> str:
    """An HTML-escaped extract of ``text`` around the densest group of matched
    words, each wrapped in ``<mark>``; empty when nothing matches."""
    terms = set(terms)
    if not terms:
        return ""
    text = " ".join(text.split())
    # Every term shares its first letters with the word it came from: find those
    # places with one regular expression, then tokenize only the words there.
    maybe = re.compile(
        "|".join(sorted({re.escape(t[:4]) for t in terms})), re.IGNORECASE
    )
    hits = []  # (start, end, terms matched) of whole words
    end = 0
    for m in maybe.finditer(text):
        if m.start() < end:
            continue
        start = text.rfind(" ", 0, m.start()) + 1
        end = text.find(" ", m.end())
        end = len(text) if end == -1 else end
        matched = set(tokenize(text[start:end])) & terms
        if matched:
            hits.append((start, end, matched))
    if not hits:
        return ""
    best, best_cover = 0, -1
    for n, (start, _end, _m) in enumerate(hits):
        cover = set()
        for other_start, _e, matched in hits[n:]:
            if other_start >= start + max_chars:
                break
            cover |= matched
        if len(cover) > best_cover:
            best, best_cover = n, len(cover)
    # Start a few words before the first hit of the best window, on a word
    # boundary, and stop at the last whole word that fits.
    first = hits[best][0]
    window_start = first
    for _ in range(4):
        previous = text.rfind(" ", 0, max(0, window_start - 1))
        if previous == -1:
            window_start = 0
            break
        window_start = previous + 1
    window_end = min(len(text), window_start + max_chars)
    if window_end < len(text):
        cut = text.rfind(" ", window_start, window_end)
        window_end = cut if cut > first else window_end
    out, pos = [], window_start
    for start, end, _m in hits:
        if start < window_start or end > window_end:
            continue
        out.append(escape(text[pos:start]))
        out.append(f"<mark>{escape(text[start:end])}</mark>")
        pos = end
    out.append(escape(text[pos:window_end]))
    return (
        ("… " if window_start > 0 else "")
        + "".join(out)
        + (" …" if window_end < len(text) else "")
    )


def snippet(article, terms, in_body=()) -> str:
    """From the summary when it holds as many of the terms as the body does
    (``in_body``: the terms the body has), else from the body."""
    wanted = set(terms)
    in_summary = set(tokenize(article.summary)) & wanted
    if in_summary and len(in_summary) >= len(set(in_body) & wanted):
        text = highlight(article.summary, wanted, max_chars=400)
    else:
        text = highlight(article.body_text, wanted)
    return text or escape(article.summary)


# --- the one entry point ----------------------------------------------------------


@dataclass
class Result:
    slug: str
    title: str
    summary: str
    url: str
    snippet: str  # safe HTML: escaped text with <mark> around matches
    score: float

    def as_json(self) -> dict:
        return {
            "slug": self.slug,
            "title": self.title,
            "url": self.url,
            "snippet": self.snippet,
        }


def search(query, limit: int = 10) -> list[Result]:
    """Articles matching ``query``, best first. Never raises on odd input: a query
    with nothing searchable in it gives []."""
    from kb.models import Article, Posting

    terms = query_terms(query)
    if not terms or limit <= 0:
        return []
    words = [w.lower() for w in _TOKEN_RE.findall(query[:MAX_QUERY_CHARS])]
    terms = correct_terms(terms, words)
    pks = _candidates(terms)
    if not pks:
        return []
    slugs = dict(Article.objects.filter(pk__in=pks).values_list("pk", "slug"))
    documents: dict[int, tuple[str, dict]] = {pk: (slugs[pk], {}) for pk in slugs}
    postings = Posting.objects.filter(
        term__in=list(terms), article_id__in=list(documents)
    ).values_list("article_id", "term", *FIELDS)
    for article_id, term, *counts in postings:
        documents[article_id][1][term] = counts
    df = dict(
        Posting.objects.filter(term__in=list(terms))
        .values("term")
        .annotate(n=Count("article_id"))
        .values_list("term", "n")
    )
    ranked = rank(terms, documents, df, Article.objects.count())[:limit]
    articles = Article.objects.only("slug", "title", "summary", "body_text").in_bulk(
        [pk for _score, _slug, pk in ranked]
    )
    results = []
    for score, _slug, pk in ranked:
        article = articles[pk]
        in_body = [t for t, c in documents[pk][1].items() if c[FIELDS.index("body")]]
        results.append(
            Result(
                slug=article.slug,
                title=article.title,
                summary=article.summary,
                url=article.get_absolute_url(),
                snippet=snippet(article, terms, in_body),
                score=score,
            )
        )
    return results
