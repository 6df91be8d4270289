import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kb.search import (
    MAX_QUERY_CHARS,
    PART_WEIGHT,
    highlight,
    query_terms,
    query_tokens,
    search,
    tokenize,
)

# (query, article expected, best rank it may have). Identifiers must come first;
# plain-language questions may share the podium with a close neighbour.
RELEVANCE = [
    # ISAKMP states, whole and in parts, any case
    ("MM_WAIT_MSG4", "mm-wait-msg4", 1),
    ("mm_wait_msg4", "mm-wait-msg4", 1),
    ("msg4", "mm-wait-msg4", 1),
    ("MM_WAIT_MSG2", "isakmp-states", 1),
    ("MM_WAIT_MSG6", "isakmp-states", 1),
    ("QM_IDLE", "isakmp-states", 1),
    ("MM_NO_STATE", "isakmp-states", 1),
    ("AG_INIT_EXCH", "isakmp-states", 1),
    ("AM_ACTIVE", "isakmp-states", 1),
    ("IN-NEG ikev2", "isakmp-states", 1),
    ("what does MM_ACTIVE mean", "isakmp-states", 1),
    # syslog ids and debug markers
    ("%ASA-5-713904", "ike-debug-invalid-cookie", 1),
    ("713904", "ike-debug-invalid-cookie", 1),
    ("INVALID_COOKIE", "ike-debug-invalid-cookie", 1),
    ("invalid cookie debug", "ike-debug-invalid-cookie", 1),
    ("debug crypto ikev1 127", "ike-debug-invalid-cookie", 3),
    ("108004", "ironport-esmtp-inspection", 1),
    ("%ASA-4-507003", "ironport-esmtp-inspection", 1),
    ("106023", "phase1-errors", 1),
    # commands and configuration words
    ("user_data", "asa-vpn-asp-table", 1),
    ("show asp table vpn-context detail", "asa-vpn-asp-table", 1),
    ("packet-tracer vpn encrypt", "asa-vpn-asp-table", 1),
    ("SPI mismatch", "asa-vpn-asp-table", 1),
    ("pre-shared-key", "phase1-errors", 3),
    ("crypto ikev1 enable outside", "phase1-errors", 1),
    ("tunnel-group", "mm-wait-msg4", 3),
    ("arp permit-nonconnected", "arp-permit-nonconnected", 1),
    ("inspect esmtp", "ironport-esmtp-inspection", 1),
    ("no service password-recovery", "password-recovery-disabled", 1),
    ("tcpdump -i eth1 host", "tcpdump-recipes", 1),
    ("show crypto ipsec sa", "vpn-encaps-no-decaps", 3),
    # plain-language questions
    ("tunnel stuck phase 1", "phase1-errors", 3),
    ("encaps but no decaps", "vpn-encaps-no-decaps", 1),
    ("decaps no encaps", "vpn-encaps-no-decaps", 1),
    ("one way traffic vpn", "vpn-encaps-no-decaps", 3),
    ("phase 2 up but no return traffic", "vpn-encaps-no-decaps", 1),
    (
        "traffic encrypted but nothing decrypted from the peer",
        "vpn-encaps-no-decaps",
        3,
    ),
    ("show vpn-sessiondb", "asa-vpn-sessiondb", 1),
    ("packet tracer drop", "packet-tracer-drops", 1),
    ("ironport receiving aborted", "ironport-esmtp-inspection", 1),
    ("smtp banner asterisks", "ironport-esmtp-inspection", 1),
    (
        "mail not delivered after moving the mail gateway behind the firewall",
        "ironport-esmtp-inspection",
        3,
    ),
    ("static nat not in interface subnet", "arp-permit-nonconnected", 1),
    ("router with secondary addresses cannot reach asa", "arp-permit-nonconnected", 3),
    ("udp 4500 nat traversal", "nat-traversal", 1),
    ("how do I capture esp packets on linux", "tcpdump-recipes", 3),
    ("break sequence router password", "password-recovery-disabled", 1),
    ("window off screen", "offscreen-windows", 1),
    ("alt space move window", "offscreen-windows", 1),
    ("why is my tunnel stuck at mm_wait_msg4 after upgrading", "mm-wait-msg4", 3),
    # misspellings of five letters or more
    ("ironprot", "ironport-esmtp-inspection", 1),
    ("aggresive mode", "isakmp-states", 1),
    ("tcpdmup", "tcpdump-recipes", 1),
    ("pasword recovery", "password-recovery-disabled", 1),
    ("nonconected arp", "arp-permit-nonconnected", 1),
    ("receving aborted ironport", "ironport-esmtp-inspection", 1),
]

HOSTILE = [
    '"',
    '""',
    "'",
    "(",
    ")",
    "()",
    "(((((",
    "%",
    "%%",
    "-",
    "--",
    "-MM_WAIT_MSG4",
    ":",
    "title:",
    "title:MM_WAIT_MSG4",
    "*",
    "msg*",
    "^",
    "NEAR(a b)",
    "a AND OR NOT b",
    "AND",
    "OR",
    "NOT",
    "!",
    "&",
    "|",
    "a | b & !c",
    "<->",
    "foo:*",
    "\\",
    "\\'",
    "'; DROP TABLE kb_article; --",
    '") OR 1=1 --',
    "\x00",
    "MM_WAIT\x00_MSG4",
    "😀",
    "tunnel 😀 stuck",
    "ḿṁ_wáit",
    "‮RTL text",
    "a" * 5000,
    "MM_WAIT_MSG4 " * 1000,
    "x" * 10_000,
    "the and of to",
    "...",
    "_-_%.",
    "{#mm_wait_msg4}",
    "[[isakmp-state-graph]]",
    "<script>alert(1)</script>",
    "1e999",
    "\t\n\r",
    " ",
]


@pytest.mark.parametrize(
    "query,slug,within", RELEVANCE, ids=[q for q, _, _ in RELEVANCE]
)
def test_it_ranks_the_expected_article_near_the_top(articles, query, slug, within):
    """The article that answers the query comes within the first ``within``."""
    ranked = [r.slug for r in search(query)]
    assert slug in ranked[:within], ranked[:5]


def test_it_has_a_relevance_table_of_at_least_thirty_queries():
    """The relevance table covers identifiers, questions and typos."""
    assert len(RELEVANCE) >= 30


@pytest.mark.parametrize("query", HOSTILE, ids=range(len(HOSTILE)))
def test_it_never_raises_on_hostile_queries(articles, query):
    """Any string is a query: results or an empty list, never an exception."""
    results = search(query)
    assert isinstance(results, list)
    for result in results:
        assert "<script" not in result.snippet


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(query=st.text(max_size=400))
def test_it_never_raises_on_arbitrary_text(articles, query):
    """Random text, control characters included, never breaks search."""
    assert isinstance(search(query), list)


def test_it_returns_nothing_for_non_text(articles):
    """Not a string, or nothing searchable: no results."""
    assert search(None) == []
    assert search("") == []
    assert search("the of and") == []
    assert search("MM_WAIT_MSG4", limit=0) == []


def test_it_keeps_identifiers_whole_and_in_parts():
    """Identifiers give their whole token, separators squashed out, and each part
    split on _ - % .; a six-digit message ID stands in full."""
    assert tokenize("%ASA-5-713904:") == ["asa5713904", "asa", "713904"]
    assert tokenize("MM_WAIT_MSG4") == ["mmwaitmsg4", "mm", "wait", "msg4"]
    assert tokenize("MM-WAIT-MSG4") == tokenize("mm_wait_msg4")
    assert tokenize("pre-shared-key") == ["presharedkey", "pre", "shar", "key"]
    assert tokenize("user_data") == ["userdata", "user", "data"]
    assert tokenize("8.4(5)") == ["8.4"]
    assert query_terms("%ASA-4-713903")["713903"] == 1.0


def test_it_drops_what_changes_from_one_paste_to_the_next():
    """Addresses, hex values, timestamps and short counters say nothing about the
    problem; message IDs, ports, models and config registers do."""
    line = (
        "Jun 10 2010 17:36:13: %ASA-4-402114: IPSEC: Received an ESP packet "
        "(SPI= 0x1B2C3D4E, sequence number= 0x2F) from 198.18.0.9 to 10.0.0.1"
    )
    assert tokenize(line) == [
        "2010",
        "asa4402114",
        "asa",
        "402114",
        "ipsec",
        "receiv",
        "esp",
        "packet",
        "spi",
        "sequenc",
        "number",
    ]
    assert tokenize("udp 4500 port 500 confreg 0x2142 1811") == [
        "udp",
        "4500",
        "port",
        "500",
        "confreg",
        "0x2142",
        "1811",
    ]
    assert tokenize("spi 0xA40D0530 E5C56C30 0050.56a1.7c3e") == ["spi"]


def test_it_drops_stop_words_and_stems_plain_words():
    """Questions keep their meaningful words in a common form; engineering words
    meet their variants."""
    assert tokenize("Why are the tunnels stuck?") == ["tunnel", "stuck"]
    assert tokenize("policies policy") == ["polici", "polici"]
    assert len(set(tokenize("decrypt decrypts decrypted decryption"))) == 1
    assert len(set(tokenize("negotiation negotiated negotiate"))) == 1
    assert len(set(tokenize("drop dropped dropping drops"))) == 1
    assert len(set(tokenize("encapsulation encapsulated"))) == 1
    # a plural of -tion or -ing meets its singular
    assert len(set(tokenize("connection connections"))) == 1
    assert len(set(tokenize("notification notifications"))) == 1
    assert len(set(tokenize("setting settings"))) == 1


def test_it_writes_out_the_fields_abbreviations():
    """Command abbreviations and jargon become the words the articles use."""
    assert query_tokens("sh cry isa sa") == ["show", "crypto", "isakmp", "sa"]
    assert query_tokens("p1 down") == ["phase", "1", "down"]
    assert query_tokens("phase one") == ["phase", "1"]
    assert query_tokens("ph2") == ["phase", "2"]
    assert "presharedkey" in query_terms("psk")


def test_it_reads_system_log_as_syslog():
    """Cisco's guides say "system log messages" for what the articles call syslog."""
    assert query_tokens("cisco security appliance system log messages") == [
        "cisco",
        "security",
        "appliance",
        "syslog",
        "messages",
    ]
    assert query_tokens("System Logs") == ["syslog"]
    assert query_tokens("system logging") == ["syslog"]
    assert query_tokens("system clock") == ["system", "clock"]


def test_a_typo_is_not_two_letters_off_unless_they_are_a_suffix(monkeypatch):
    """`appliance` is a word of its own, not `application` typed two letters
    long; `intermittently` is `intermittent` with a suffix the stemmer left, and
    `encyrption` two letters swapped in `encryption`."""
    from kb import search as kb_search

    words = {"applic": 3, "intermittent": 2, "encrypt": 9}
    by_length: dict[int, list] = {}
    for word, n in words.items():
        by_length.setdefault(len(word), []).append((word, n))
    snapshot = kb_search._Snapshot(words, by_length, {}, {})
    monkeypatch.setattr(kb_search, "_snapshot", lambda: snapshot)

    def corrected(typed):
        terms = query_terms(typed)
        return set(kb_search.correct_terms(terms, query_tokens(typed)))

    assert corrected("appliance") == {"applianc"}
    assert corrected("intermittently") == {"intermittent"}
    assert corrected("encyrpt") == {"encrypt"}


def test_a_platform_named_weighs_less_than_the_symptom(monkeypatch):
    """ "fragmentation pix to fortigate": the article about fragmentation that
    names the FortiGate once comes before the FortiGate article that mentions
    fragmentation once, though the FortiGate is the rarer word."""
    from kb import search as kb_search

    terms = {"fragment": 1.0, "fortig": 1.0, "pix": 1.0}
    title, body = [1, 0, 0, 0], [0, 0, 0, 1]
    documents = {
        1: ("fortigate-interop", {"fortig": title, "fragment": body}),
        2: ("mtu", {"fragment": title, "fortig": body, "pix": body}),
    }
    df = {"fortig": 2, "fragment": 3, "pix": 3}

    def first():
        return kb_search.rank(terms, documents, df, 24)[0][1]

    assert first() == "mtu"
    monkeypatch.setattr(kb_search, "PLATFORM_WORDS", frozenset())
    assert first() == "fortigate-interop"


def test_it_adds_synonyms_beside_the_word_typed():
    """`decrypt` also looks for `decaps`, a little lighter than the word typed."""
    terms = query_terms("no decrypts")
    assert terms["decrypt"] == 1.0
    assert 0 < terms["decaps"] < 1.0


def test_it_counts_identifier_parts_less_than_words():
    """`packet` alone weighs more than the `packet` inside `packet-tracer`."""
    assert query_terms("packet-tracer packet") == {
        "packettracer": 1.0,
        "packet": 1.0,
        "tracer": 0.4,
    }
    assert query_terms("packet-tracer") == {
        "packettracer": 1.0,
        "packet": 0.4,
        "tracer": 0.4,
    }


def test_it_joins_words_the_index_knows_as_one_identifier():
    """With the index's vocabulary, `mm wait msg 4` is MM_WAIT_MSG4 and `nat t` is
    NAT-T; `udp4500`, unknown whole, is split into `udp` and `4500`."""
    vocabulary = {"mmwaitmsg4", "natt", "udp", "4500"}

    def known(candidates):
        return vocabulary & set(candidates)

    terms = query_terms("mm wait msg 4", known=known)
    assert terms["mmwaitmsg4"] == 1.0
    assert terms["wait"] == PART_WEIGHT
    assert query_terms("nat t", known=known) == {"natt": 1.0, "nat": PART_WEIGHT}
    assert query_terms("udp4500 blocked", known=known) == {
        "udp": 1.0,
        "4500": 1.0,
        "block": 1.0,
    }


def test_it_reads_hyphenated_words_no_article_writes_joined_as_the_words():
    """`ctrl-break`, `nat-control`, `INVALID_SPI`: when no article holds the whole,
    it is no term (it would count as the rarest word typed) and the words count as
    typed alone; a whole the index knows stays, and so does its stem
    (`re-negotiate` meets `renegotiates`)."""
    vocabulary = {"ctrl", "break", "nat", "control", "invalid", "spi", "renegoti"}

    def known(candidates):
        return vocabulary & set(candidates)

    assert query_terms("ctrl-break", known=known) == {"ctrl": 1.0, "break": 1.0}
    assert query_terms("nat-control enabled", known=known) == {
        "nat": 1.0,
        "control": 1.0,
        "enabl": 1.0,
    }
    assert query_terms("INVALID_SPI", known=known) == {"invalid": 1.0, "spi": 1.0}
    assert query_terms("re-negotiate", known=known) == {
        "renegoti": 1.0,
        "re": PART_WEIGHT,
        "negoti": PART_WEIGHT,
    }
    # Known whole: read as the identifier, its parts as parts.
    assert query_terms("nat-control", known=lambda c: {"natcontrol"} & set(c)) == {
        "natcontrol": 1.0,
        "nat": PART_WEIGHT,
        "control": PART_WEIGHT,
    }


def test_it_keeps_a_name_with_a_letter_or_stop_word_for_a_part_whole():
    """`nat-t-ike` and `no-response` (nmap's service and reason) are names, not
    words written with a hyphen: unknown, they stay whole terms."""
    vocabulary = {"nat", "ike", "respons"}

    def known(candidates):
        return vocabulary & set(candidates)

    assert query_terms("nat-t-ike", known=known)["nattike"] == 1.0
    assert query_terms("no-response", known=known)["noresponse"] == 1.0


def test_it_reads_an_identifier_of_several_parts_by_its_parts():
    """`v2N_TS_UNACCEPTABLE`, unknown whole, is read by its parts and the run the
    index knows (TS_UNACCEPTABLE), never by letter runs that cross its parts
    (`ntsunacceptable`, a word no article holds, would count as a rare one)."""
    vocabulary = {"tsunacceptable", "ts", "unacceptabl"}

    def known(candidates):
        return vocabulary & set(candidates)

    assert query_terms("v2N_TS_UNACCEPTABLE", known=known) == {
        "tsunacceptable": 1.0,
        "v2ntsunacceptable": 1.0,
        "v2n": PART_WEIGHT,
        "ts": PART_WEIGHT,
        "unacceptabl": PART_WEIGHT,
    }


def test_a_known_identifier_is_not_read_by_a_run_inside_it():
    """`np-sp-invalid-spi`, an ASP drop reason the index knows whole, is not also
    read as INVALID_SPI (an IKEv2 notify some other article names): that run
    would count as a rare word the drop-reason article lacks. Unknown whole, the
    run the index knows still stands for it."""
    both = {"npspinvalidspi", "invalidspi", "np", "sp", "invalid", "spi"}
    terms = query_terms("np-sp-invalid-spi", known=lambda c: both & set(c))
    assert terms["npspinvalidspi"] == 1.0
    assert "invalidspi" not in terms
    run_only = both - {"npspinvalidspi"}
    terms = query_terms("np-sp-invalid-spi", known=lambda c: run_only & set(c))
    assert terms["invalidspi"] == 1.0


def test_it_bounds_the_query():
    """Long queries are cut before tokenizing, and the terms are capped."""
    terms = query_terms(" ".join(f"word{i}" for i in range(1000)))
    assert 0 < len(terms) <= 32
    assert query_terms("x" * 10_000) == {"x" * 64: 1.0}
    assert len("x" * 10_000) > MAX_QUERY_CHARS


def test_it_marks_matches_and_escapes_the_rest():
    """Snippets are escaped text with <mark> around the matching tokens only."""
    text = "Before <b>MM_WAIT_MSG4</b> & after, the msg4 state & more"
    snippet = highlight(text, {"msg4"})
    assert "<b>" not in snippet
    assert "&lt;b&gt;<mark>MM_WAIT_MSG4</mark>&lt;/b&gt;" in snippet
    assert "<mark>msg4</mark>" in snippet
    assert "&amp; after" in snippet


def test_it_gives_every_result_a_highlighted_snippet(articles):
    """Results carry the article's url and a snippet with the matched words."""
    results = search("encaps but no decaps")
    assert results
    top = results[0]
    assert top.url == f"/kb/{top.slug}/"
    assert "<mark>" in top.snippet


def test_it_orders_ties_by_slug(articles):
    """Equal scores come out in slug order, so every backend agrees."""
    results = search("vpn")
    scores = [(-r.score, r.slug) for r in results]
    assert scores == sorted(scores)


def _scan_candidates(terms):
    """Every article holding any term, found without the full-text engine."""
    from kb.models import Article

    wanted = set(terms)
    return [
        pk
        for pk, doc in Article.objects.values_list("pk", "search_terms")
        if any(wanted & set(doc.get(field, {})) for field in doc)
    ]


def test_it_picks_the_same_articles_as_a_full_scan(articles, monkeypatch):
    """The database's full-text engine finds every article holding a query term,
    so the ranking (done in Python) gives the order a full scan gives, whichever
    database runs: SQLite and PostgreSQL agree."""
    import kb.search
    from tests.kb.test_search_field import FIELD, NO_ANSWER
    from tests.kb.test_search_questions import NO_ANSWER as UNANSWERED
    from tests.kb.test_search_questions import QUESTIONS

    queries = [q for q, _slug, _within in RELEVANCE + FIELD + QUESTIONS]
    queries += NO_ANSWER + UNANSWERED
    queries += ["vpn", "the peer", "asa"]
    engine = {q: [(r.slug, r.score) for r in search(q)] for q in queries}
    monkeypatch.setattr(kb.search, "_candidates", _scan_candidates)
    scanned = {q: [(r.slug, r.score) for r in search(q)] for q in queries}
    assert engine == scanned


def test_it_keeps_the_best_candidates_when_too_many_match(articles, monkeypatch):
    """With more matches than candidates kept, the engine's own ranking chooses
    which to keep; the best article still comes first and nothing repeats."""
    import kb.search

    monkeypatch.setattr(kb.search, "CANDIDATES", 3)
    terms = query_terms("MM_WAIT_MSG4 phase")
    kept = kb.search._candidates(terms)
    assert len(kept) == 3 == len(set(kept))
    assert search("MM_WAIT_MSG4")[0].slug == "mm-wait-msg4"
    assert search("ironport receiving aborted")[0].slug == "ironport-esmtp-inspection"


def _summed_candidates(terms):
    """The best candidates as a sum over every posting of the chosen terms gives
    them, highest first, ties to the lower id."""
    import math

    import kb.search
    from kb.models import Article, Posting

    weights = terms if isinstance(terms, dict) else dict.fromkeys(terms, 1.0)
    df = kb.search._document_counts(list(weights))
    total = Article.objects.count()
    scores: dict[int, float] = {}
    for term in kb.search._chosen_terms(weights, df):
        rarity = math.log(1 + (total - df[term] + 0.5) / (df[term] + 0.5))
        for row in Posting.objects.filter(term=term).values_list(
            "article_id", "title", "identifiers", "headings", "body"
        ):
            scores[row[0]] = scores.get(row[0], 0.0) + weights[term] * rarity * (
                10.0 * row[1] + 6.0 * row[2] + 3.0 * row[3] + 1.0 * row[4]
            )
    return sorted(scores, key=lambda pk: (-scores[pk], pk))[: kb.search.CANDIDATES]


def test_the_head_of_a_common_terms_postings_chooses_as_a_full_sum(
    articles, monkeypatch
):
    """With many postings, the commonest chosen term is read from the head of
    its postings by weight (and where a rarer term is held), not whole: the
    candidates kept are the ones adding up every posting keeps, and what was
    read on the way is every posting of those candidates for those terms."""
    import kb.search
    from kb.models import Posting
    from tests.kb.test_search_field import FIELD

    monkeypatch.setattr(kb.search, "CANDIDATES", 3)
    monkeypatch.setattr(kb.search, "CANDIDATE_ROWS", 8)
    checked = 0
    for query, _slug, _within in RELEVANCE + FIELD:
        terms = query_terms(query)
        df = kb.search._document_counts(list(terms))
        if sum(df.values()) <= kb.search.CANDIDATE_ROWS:
            continue
        kept = kb.search._candidates(terms)
        assert list(kept) == _summed_candidates(terms), query
        for term in kept.read:
            expected = {
                pk: list(counts)
                for pk, *counts in Posting.objects.filter(
                    term=term, article_id__in=kept
                ).values_list("article_id", *kb.search.FIELDS)
            }
            read = kept.postings.get(term, {})
            assert {pk: c for pk, c in read.items() if pk in kept} == expected
        checked += 1
    assert checked > 50


def test_a_vocabulary_counting_too_many_postings_still_finds_every_match(
    articles, monkeypatch
):
    """Which way candidates are read is chosen by the vocabulary's counts; when
    they overstate what the index holds (an article written since the
    vocabulary was built went away), every article that matches is still
    found while there are no more than CANDIDATES."""
    import kb.search
    from kb import pages
    from kb.models import Article, SearchWord

    terms = query_terms("MM_WAIT_MSG4")
    matching = _scan_candidates(terms)
    monkeypatch.setattr(kb.search, "CANDIDATES", len(matching))
    monkeypatch.setattr(kb.search, "CANDIDATE_ROWS", 1)
    SearchWord.objects.filter(word="mmwaitmsg4").update(
        documents=Article.objects.count()
    )
    pages.forget()
    assert sum(kb.search._document_counts(list(terms)).values()) > len(matching)
    assert sorted(kb.search._candidates(terms)) == sorted(matching)


def test_document_counts_match_the_terms_one_by_one(articles):
    """The counting done in bulk at sync gives what tokenizing term by term gives."""
    from kb.search import _counts, weighted_terms

    for article in articles.values():
        for text in (article.body_text, article.title, article.summary):
            expected: dict[str, float] = {}
            for term, weight in weighted_terms(text):
                expected[term] = expected.get(term, 0.0) + weight
            assert _counts([text]) == {t: round(c, 3) for t, c in expected.items()}


def test_the_weight_index_is_on_the_expression_search_orders_by():
    """The best postings of a common term are read from an index on FIELD_SUM
    (migration 0009); written otherwise, the database would add up every one."""
    from importlib import import_module

    import kb.search

    migration = import_module("kb.migrations.0009_posting_weight")
    assert kb.search.FIELD_SUM == migration.FIELD_SUM
