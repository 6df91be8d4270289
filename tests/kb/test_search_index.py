"""What search reads once per query, and what the index writes for each article."""

import pytest
from django.db import connection, transaction

from kb.search import query_terms, search


def test_a_search_reads_the_revision_once(articles, monkeypatch):
    """One query takes one snapshot of the knowledge base (the tests read the
    revision on every look, KB_REVISION_TTL = 0): it asks for the revision once,
    so it can never mix two revisions."""
    from kb import pages

    real = pages._read_token
    reads = []

    def read_token():
        reads.append(1)
        return real()

    monkeypatch.setattr(pages, "_read_token", read_token)
    for query in ("MM_WAIT_MSG4", "decrpyt tunnel phase 2", "sh cry isa sa", "vpn"):
        reads.clear()
        assert search(query)
        assert len(reads) == 1, query


def test_a_search_keeps_its_snapshot_when_the_revision_changes(articles, monkeypatch):
    """A revision published while a query runs does not reach it: every part of
    the query reads the snapshot it started with."""
    import kb.search
    from kb import pages

    expected = [(r.slug, r.score) for r in search("MM_WAIT_MSG4 phase 1")]
    real = kb.search._candidates

    def candidates(terms):
        pages.changed()  # a new revision: a later look takes a new snapshot
        return real(terms)

    taken = []
    real_take = kb.search._take_snapshot

    def take():
        taken.append(1)
        return real_take()

    monkeypatch.setattr(kb.search, "_candidates", candidates)
    monkeypatch.setattr(kb.search, "_take_snapshot", take)
    pages.forget()
    assert [(r.slug, r.score) for r in search("MM_WAIT_MSG4 phase 1")] == expected
    assert len(taken) == 1


def test_candidates_carry_the_document_counts(articles):
    """The candidates of a query come with how many articles hold each of its
    terms, as the vocabulary counts them, for ranking to use as they are."""
    import kb.search
    from tests.kb.test_search import RELEVANCE
    from tests.kb.test_search_field import FIELD

    for query, _slug, _within in RELEVANCE + FIELD:
        terms = query_terms(query)
        kept = kb.search._candidates(terms)
        assert isinstance(kept, kb.search.Candidates), query
        if kept:
            assert kept.df == kb.search._document_counts(list(terms)), query


def test_postings_read_whole_or_pair_by_pair_are_the_same(articles, monkeypatch):
    """PostgreSQL reads a term's postings for the candidates either whole from
    the term's range, kept where the article is a candidate, or by one lookup
    per pair, as SCAN_PER_PROBE says is cheaper; and so the commonest term
    choosing the candidates, where a rarer one is held. Either way the same
    rows come back, each once, and the same candidates are kept."""
    import kb.search
    from kb.models import Article, Posting
    from kb.search import FIELDS
    from tests.kb.test_search import RELEVANCE
    from tests.kb.test_search_field import FIELD

    ids = sorted(Article.objects.values_list("pk", flat=True))[::2]
    terms = ["tunnel", "phase", "mmwaitmsg4", "isakmp", "no-such-term"]
    expected = sorted(
        Posting.objects.filter(term__in=terms, article_id__in=ids).values_list(
            "term", "article_id", *FIELDS
        )
    )
    assert expected
    monkeypatch.setattr(kb.search, "CANDIDATES", 3)
    monkeypatch.setattr(kb.search, "CANDIDATE_ROWS", 8)
    chosen = {}
    for scan_per_probe in (0, 10**9):  # every term looked up; every term read
        monkeypatch.setattr(kb.search, "SCAN_PER_PROBE", scan_per_probe)
        assert sorted(tuple(r) for r in kb.search._postings_of(terms, ids)) == expected
        for query, _slug, _within in RELEVANCE + FIELD:
            kept = kb.search._candidates(query_terms(query))
            chosen.setdefault(query, []).append((list(kept), kept.postings))
    assert all(ways[0] == ways[1] for ways in chosen.values())


@pytest.mark.django_db
def test_the_postings_are_each_articles_stored_terms(articles):
    """The postings the database writes (SQLite builds them from the stored
    search terms) are, row for row, each article's terms with their counts per
    field, and nothing else."""
    from kb.models import Article, Posting
    from kb.search import FIELDS

    expected = set()
    for article in Article.objects.all():
        for term in set().union(*article.search_terms.values()):
            counts = tuple(
                float(article.search_terms.get(f, {}).get(term, 0.0)) for f in FIELDS
            )
            expected.add((article.pk, term, *counts))
    written = set(Posting.objects.values_list("article_id", "term", *FIELDS))
    assert written == expected


@pytest.mark.django_db
def test_a_bulk_write_gives_sqlite_its_page_cache_back(articles):
    """Within a bulk write SQLite has a big page cache; after it, the one it had."""
    from kb import search as index

    if connection.vendor != "sqlite":
        pytest.skip("SQLite's page cache")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        before = cursor.fetchone()[0]
        with transaction.atomic(), index.bulk_writes():
            cursor.execute("PRAGMA cache_size")
            assert cursor.fetchone()[0] == -index.BULK_CACHE_KIB
        cursor.execute("PRAGMA cache_size")
        assert cursor.fetchone()[0] == before


@pytest.mark.django_db
def test_postings_are_copied_in_key_order(articles):
    """The rows PostgreSQL's COPY writes into the postings are every article's
    rows, in the key's order (term, then article), whatever order the articles
    come in."""
    from kb import search as index

    listed = sorted(articles.values(), key=lambda a: a.slug, reverse=True)
    rows = [tuple(row) for row in index._key_ordered_postings(listed)]
    assert rows == sorted(
        (row for a in listed for row in index._posting_rows(a)),
        key=lambda row: (row[1], row[0]),
    )
    assert len({(term, pk) for pk, term, *_counts in rows}) == len(rows)
