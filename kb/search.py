"""Article search: one ``search()`` over SQLite FTS5 or PostgreSQL full-text.

The text is tokenized here, in Python, for both the index and the query, so both
databases see the same terms:

- identifiers are kept whole, separators squashed out, and split into parts:
  ``%ASA-5-713904`` gives ``asa5713904``, ``asa`` and ``713904`` (a six-digit
  message ID counts in full); ``MM_WAIT_MSG4`` and ``MM-WAIT-MSG4`` give
  ``mmwaitmsg4``, ``mm``, ``wait`` and ``msg4``; in a query, words joined by a
  hyphen that no article writes joined (``ctrl-break``) are read as the words;
- plain words are lower-cased, lightly stemmed (``tunnels`` and ``tunnel``,
  ``decryption`` and ``decrypted`` meet) and stop words are dropped;
- what changes from one paste to the next (addresses, hex SPIs, timestamps,
  short counters) is neither indexed nor searched, so a pasted log line is
  found by its message ID and wording.

A query is read the way engineers type: the field's abbreviations and synonyms
(``sh cry isa sa``, ``p1``, ``psk``, ``decrypt`` for ``decaps``; data in one
place below) are written out, adjacent words the index knows as one identifier
are joined (``mm wait msg 4``, ``nat t``), and an unknown plain word is
replaced by the closest word the index has (keyboard-aware edit distance), so a
typo still finds its article.

The database only picks candidates, from the postings table
(``kb.models.Posting``, per-field term counts): every article holding a query
term, or, when more than CANDIDATES do, the best on the query's rarest terms
(``_candidates``; the full-text engine is asked only when the vocabulary's
counts may be stale). One Python function then ranks them the same way on every
backend, from those counts: field weights (title above identifiers above
headings above body), how much of the query an article covers, a bonus for an
identifier quoted whole, ties broken by slug. An article that holds too little
of the query is no answer and is left out, so a question the knowledge base
cannot answer gives []. Any string is a valid query: only terms made of word
characters and ``_ . -`` ever reach the database, quoted. What every search
reads and only a change of the knowledge base changes (the vocabulary, each
article's slug) is kept in memory per revision (``_snapshot``).
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import json
import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from html import escape
from typing import NamedTuple

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Exists, OuterRef
from django.urls import get_script_prefix, get_urlconf

# Bumped whenever the terms an article is indexed under (or the vocabulary
# built from them) change, so that ``sync_articles`` re-indexes every article.
INDEX_VERSION = "6"
MAX_QUERY_CHARS = 300
MAX_QUERY_TERMS = 32
MAX_TERM_CHARS = 64
CANDIDATES = 200
FIELDS = ("title", "identifiers", "headings", "body")
WEIGHTS = {"title": 10.0, "identifiers": 6.0, "headings": 3.0, "body": 1.0}
SNIPPET_CHARS = 200
# A term scoring this much in an article counts as fully covered by it.
FULL_COVER = 6.0
# An article must hold this share of what was typed to be an answer at all.
MIN_MATCH = 0.5
# ... and cover this share of it (a passing mention in the body covers a term
# only in part, see FULL_COVER).
MIN_COVER = 0.15
# Each query word matched in a row by one of an article's multi-word identifiers
# (a message or command quoted whole) multiplies its score by 1 + this, up to
# MAX_PHRASE_WORDS words.
PHRASE_BONUS = 0.15
MAX_PHRASE_WORDS = 8
# The whole query found as typed, words in a row, in an article's text
# multiplies its score by 1 + this; the best RERANKED beyond the page are
# looked at for it.
TEXT_PHRASE_BONUS = 0.25
RERANKED = 10

# Word characters plus the punctuation identifiers are made of.
_TOKEN_RE = re.compile(r"[\w%.\-]+")
_PART_RE = re.compile(r"[_%.\-]+")
# Separators squashed out of a whole identifier, so that ``MM_WAIT_MSG4``,
# ``MM-WAIT-MSG4``, ``mmwaitmsg4`` and ``mm wait msg 4`` (joined at query time,
# see ``query_terms``) all meet on ``mmwaitmsg4``; dots stay (``8.4``).
_SQUASH_RE = re.compile(r"[_\-]+")
# Addresses (IPv4, Cisco-style MAC) differ in every paste.
_ADDRESS_RE = re.compile(
    r"\d{1,3}(?:\.\d{1,3}){3}(?!\d)|[0-9a-f]{4}\.[0-9a-f]{4}\.[0-9a-f]{4}$"
)
_VERSION_RE = re.compile(r"\d{1,2}(?:\.\d{1,2}){1,2}")
_HEX_RE = re.compile(r"[0-9a-f]+")
_LETTERS_DIGITS_RE = re.compile(r"[^\W\d_]+|\d+")
# How much a part of an identifier (``msg4`` in ``MM_WAIT_MSG4``) counts next to
# the whole identifier or a word standing alone.
PART_WEIGHT = 0.4
# Up to how many adjacent query words are tried joined into one identifier.
MAX_JOIN = 4
MAX_QUERY_TOKENS = 64

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
    mean means meaning cant can't dont doesn isn didn wasn won aren im i'm ive
    anyone someone please help thanks hi hello see
    jan feb mar apr jun jul aug sep sept oct nov dec mon tue wed thu fri sat sun
    """.split()
)

# --- the field's vocabulary, as data ----------------------------------------------
# Each table maps what an engineer types to what the articles say. Keys and values
# are lower case; values are typed text, tokenized like the rest of the query.

# Abbreviations replace the word typed: nobody searches for ``sh`` itself.
ABBREVIATIONS = {
    # IOS/ASA command abbreviations
    "sh": "show",
    "sho": "show",
    "cry": "crypto",
    "cryp": "crypto",
    "isa": "isakmp",
    "isak": "isakmp",
    "ipsc": "ipsec",
    "conf": "configure",
    "int": "interface",
    "deb": "debug",
    "cap": "capture",
    "pt": "packet-tracer",
    # phases, keys, protocols
    "p1": "phase 1",
    "ph1": "phase 1",
    "phase1": "phase 1",
    "p2": "phase 2",
    "ph2": "phase 2",
    "phase2": "phase 2",
    "psk": "pre-shared-key",
    "preshared": "pre-shared",
    "presharedkey": "pre-shared-key",
    "natt": "nat-t",
    "dpd": "dead peer detection",
    "pw": "password",
    "pwd": "password",
    "passwd": "password",
    "fw": "firewall",
    "ipsecsa": "ipsec sa",
    "s2s": "site-to-site",
}

# Two-word phrases replaced as a whole.
PHRASES = {
    ("phase", "one"): "phase 1",
    ("phase", "two"): "phase 2",
    ("security", "association"): "sa",
    ("security", "associations"): "sa",
    ("main", "mode"): "main mode",
    ("system", "log"): "syslog",
    ("system", "logs"): "syslog",
    ("system", "logging"): "syslog",
}

# Synonyms are added beside the word typed (keys and values are terms, stemmed):
# the articles say ``decaps`` where people say "decrypt", and so on.
SYNONYMS = {
    "decrypt": ("decaps",),
    "decapsul": ("decaps",),
    "decap": ("decaps",),
    "encrypt": ("encaps",),
    "encapsul": ("encaps",),
    "encap": ("encaps",),
    "email": ("mail", "smtp"),
    "mail": ("smtp",),
    "mtu": ("fragment",),
    "mss": ("tcpmss",),
    # ``fixup`` is what PIX 6 called an inspection (``fixup protocol smtp 25``)
    "fixup": ("inspect",),
    # the articles say ISP where people say "my provider blocks UDP 500"
    "provider": ("isp",),
}
# A synonym counts a little less than the word typed.
SYNONYM_WEIGHT = 0.8

# Words that say a question is being asked, not what it is about: a thread titled
# "Troubleshooting phase 1 ..." is about phase 1, and an article whose title says
# "troubleshooting" is no better an answer for it. They count this much of a word
# (stems, as ``stem`` gives them).
GENERIC_WORDS = frozenset(
    """
    troubleshoot issu problem exampl guid step tip solv fix basic
    question work
    """.split()
)
GENERIC_WEIGHT = 0.3

# Names of products and platforms (stemmed into PLATFORM_WORDS): they say on
# which box a symptom was seen, and the article about the symptom applies on
# every box. "packets above 1419 bytes ... pix to fortigate" is about MTU, not
# about the PIX or the FortiGate, which articles about other things name in
# their titles.
_PLATFORM_NAMES = """
    pix asa fwsm ftd firepower ios cisco fortigate fortinet fortios juniper srx junos
    palo alto paloalto panos checkpoint sonicwall meraki mikrotik pfsense opnsense vyos
    strongswan libreswan openswan racoon linux ubuntu debian centos rhel windows
    azure aws watchguard sophos zyxel draytek
"""
PLATFORM_WEIGHT = 0.5

# Suffixes stripped by ``stem`` when what is left is long enough.
_STEM_DOUBLES = frozenset("bdfgkmnprt")
# What is left of ``coming`` or ``based`` once stripped: consonant, vowel,
# consonant, which lost an ``e`` (Porter's rule).
_SHORT_STEM_RE = re.compile(r"[^aeiouy][aeiou][^aeiouwxy]")


def stem(word: str) -> str:
    """A light suffix stripper for English and engineering words (``decrypted``,
    ``decryption`` and ``decrypts`` meet on ``decrypt``; ``negotiation`` and
    ``negotiated`` on ``negoti``); identifiers pass unchanged."""
    if len(word) <= 3 or not word.isascii() or not word.isalpha():
        return word
    if word.endswith(("tions", "ings")) and len(word) > 6:
        word = word[:-1]  # a plural stems as its singular: connections, settings
    stripped = True
    lost_e = False
    if word.endswith(("ies", "ied")) and len(word) > 4:
        word = word[:-3] + "i"
    elif word.endswith("sses"):
        word = word[:-2]
    elif word.endswith(("ation", "ating", "ated", "ates")) and len(word) >= 8:
        word = word[: -5 if word.endswith(("ation", "ating")) else -4]
    elif word.endswith("ate") and len(word) >= 7:
        word = word[:-3]
    elif word.endswith("tion") and len(word) >= 8:
        word = word[:-3]
    elif word.endswith("ing") and len(word) >= 6:
        word = word[:-3]
        lost_e = True
    elif word.endswith("ed") and len(word) >= 5:
        word = word[:-2]
        lost_e = True
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    else:
        stripped = False
    if (
        stripped
        and len(word) >= 4
        and word[-1] == word[-2]
        and word[-1] in _STEM_DOUBLES
    ):
        word = word[:-1]  # dropped, dropping -> drop
    elif lost_e and _SHORT_STEM_RE.fullmatch(word):
        word += "e"  # coming -> come, timed -> time: they meet the word itself
    if len(word) > 3 and word.endswith("y"):
        word = word[:-1] + "i"
    if len(word) >= 5 and word.endswith("e"):
        word = word[:-1]
    return word


PLATFORM_WORDS = frozenset(stem(name) for name in _PLATFORM_NAMES.split())


def noise(part: str) -> bool:
    """Values that change from one paste to the next and say nothing about the
    problem: numbers of one or two digits (timestamps, counters, severities) and of
    five or seven and more (ports, SPIs in decimal), hex values (SPIs, handles,
    cookies), single letters. Six-digit message IDs, ports, models and versions
    stay; so do four-digit hex values such as a config register (``0x2142``)."""
    if part.isdigit():
        return len(part) <= 2 or len(part) == 5 or len(part) > 6
    if part.startswith("0x"):
        return not (3 <= len(part) - 2 <= 4 and _HEX_RE.fullmatch(part[2:]))
    if len(part) >= 6 and _HEX_RE.fullmatch(part) and not part.isalpha():
        return True
    return len(part) == 1


def _word(part: str) -> str | None:
    if part in STOP_WORDS or noise(part):
        return None
    return stem(part)


def squash(token: str) -> str:
    return _SQUASH_RE.sub("", token)


@functools.lru_cache(maxsize=1 << 17)
def _token_terms(token: str) -> tuple[tuple[str, float], ...]:
    """``((term, weight), …)`` for one token (already lower case and stripped).
    Kept for the tokens met most: the same words fill every article."""
    return tuple(_split_token(token))


def _split_token(token: str):
    if _ADDRESS_RE.match(token):
        return  # an address: different in every paste
    parts = [p for p in _PART_RE.split(token) if p]
    if len(parts) == 1:
        term = _word(parts[0])
        if term:
            yield term, 1.0
        return
    kept = [(part, _word(part)) for part in parts]
    if not any(term for _part, term in kept):
        if _VERSION_RE.fullmatch(token):
            yield token, 1.0  # a release: 8.4, 9.1
        return  # a date, a time, a serial of short numbers
    yield squash(token), 1.0
    for part, term in kept:
        if term:
            # A message ID counts in full wherever it stands (``%ASA-4-713903``).
            yield term, 1.0 if part.isdigit() and len(part) == 6 else PART_WEIGHT


def _tokens(text: str) -> list[str]:
    tokens = []
    for match in _TOKEN_RE.finditer(text):
        token = match.group().strip("%.-_").lower()[:MAX_TERM_CHARS]
        if token:
            tokens.append(token)
    return tokens


def weighted_terms(text: str):
    """``(term, weight)`` for the terms of ``text`` in order: 1 for a word or a
    whole identifier (separators squashed out), PART_WEIGHT for a part of an
    identifier; stop words and paste noise (addresses, hex values, short numbers)
    give nothing."""
    for match in _TOKEN_RE.finditer(text):
        token = match.group().strip("%.-_").lower()[:MAX_TERM_CHARS]
        if token:
            yield from _token_terms(token)


def tokenize(text: str) -> list[str]:
    """The search terms of ``text``, in order, repeated as often as they occur."""
    return [term for term, _weight in weighted_terms(text)]


def _counts(texts) -> dict[str, float]:
    # Tokens first, counted in C, each then looked up once: a body says the same
    # words many times.
    raw: Counter = Counter()
    for text in texts:
        raw.update(_TOKEN_RE.findall(text.lower()))
    counts: defaultdict[str, float] = defaultdict(float)
    for found, n in raw.items():
        for term, weight in _found_terms(found):
            counts[term] += weight * n
    # Most counts are whole (words weigh 1): round() only the others, where it
    # spends a twentieth of the time a check does.
    return {t: c if c.is_integer() else round(c, 3) for t, c in counts.items()}


@functools.lru_cache(maxsize=1 << 17)
def _found_terms(found: str) -> tuple[tuple[str, float], ...]:
    """``_token_terms`` of a token as the tokenizer found it (lower case, not yet
    stripped)."""
    token = found.strip("%.-_")[:MAX_TERM_CHARS]
    return _token_terms(token) if token else ()


def document_terms(title, identifiers, headings, body) -> dict[str, dict[str, float]]:
    """Per-field term counts of an article, as ranking and the index use them; a
    part of an identifier counts less than a word of its own."""
    return {
        "title": _counts([title]),
        "identifiers": _counts(str(i) for i in identifiers),
        "headings": _counts(headings),
        "body": _counts([body]),
    }


def query_tokens(query) -> list[str]:
    """The words of a query, lower case, with abbreviations and phrases of the
    field written out (``sh cry isa sa`` -> ``show crypto isakmp sa``)."""
    if not isinstance(query, str):
        return []
    words = _tokens(query[:MAX_QUERY_CHARS])
    out: list[str] = []
    i = 0
    while i < len(words) and len(out) < MAX_QUERY_TOKENS:
        pair = tuple(words[i : i + 2])
        if pair in PHRASES:
            out.extend(PHRASES[pair].split())
            i += 2
            continue
        out.extend(ABBREVIATIONS.get(words[i], words[i]).split())
        i += 1
    return out[:MAX_QUERY_TOKENS]


def _add(weights: dict[str, float], term: str, weight: float) -> None:
    weights[term] = max(weights.get(term, 0.0), weight)


def _with_synonyms(weights: dict[str, float]) -> dict[str, float]:
    out = dict(weights)
    for term, weight in weights.items():
        for synonym in SYNONYMS.get(term, ()):
            _add(out, synonym, weight * SYNONYM_WEIGHT)
    return out


def query_terms(query, known=None, synonyms=True) -> dict[str, float]:
    """The weighted terms of ``query_plan`` alone."""
    return query_plan(query, known=known, synonyms=synonyms)[0]


def query_plan(
    query, known=None, synonyms=True, _tokens=None
) -> tuple[dict[str, float], dict[str, tuple[str, ...]]]:
    """``(terms, alternatives)``. ``alternatives`` maps an identifier the words of
    a named phrase also spell joined (``ipsecsa`` for ``ipsec sa``) to those
    words: an article holding it holds them, it is no term to hold of its own.

    The terms are the distinct terms of a query, in order, bounded in length and number, each with
    its weight: the parts of an identifier weigh less than the whole, so
    ``MM_WAIT_MSG4`` prefers articles about that state over ones that only share
    ``mm`` and ``wait`` with it.

    ``known(candidates)``, when given, says which of some candidate terms the index
    holds; with it adjacent words that form an identifier of the index are joined
    (``mm wait msg 4`` -> ``mmwaitmsg4``, ``nat t`` -> ``natt``) and letters run
    into digits are split when the index does not know them whole (``udp4500`` ->
    ``udp`` ``4500``). ``synonyms`` adds the field's synonyms (``SYNONYMS``).
    ``_tokens``: ``query_tokens(query)``, when the caller has it already."""
    tokens = query_tokens(query) if _tokens is None else _tokens
    per_token = [list(_token_terms(t)) for t in tokens]
    joins: dict[int, tuple[int, str]] = {}  # start -> (end, joined term)
    soft_joins: dict[int, tuple[int, str]] = {}  # the same, for a known phrase
    if known is not None and tokens:
        spans = []
        for start in range(len(tokens)):
            for end in range(min(len(tokens), start + MAX_JOIN), start + 1, -1):
                joined = squash("".join(tokens[start:end]))
                if joined.isalnum() and len(joined) <= MAX_TERM_CHARS:
                    spans.append((start, end, joined))
        # The whole of an identifier of several parts (first of its terms) is not
        # split: its parts already stand for it, and its letter runs would cross
        # them (v2N_TS_UNACCEPTABLE is not v, 2 and "ntsunacceptable").
        splits = {
            term: [p for p in _LETTERS_DIGITS_RE.findall(term) if _word(p)]
            for terms in per_token
            for n, (term, _w) in enumerate(terms)
            if term.isalnum()
            and not term.isalpha()
            and not term.isdigit()
            and not (n == 0 and len(terms) > 1)
        }
        raw = {t for t in tokens if t.isalpha() and stem(t) != t}
        # Words typed with a hyphen or underscore between them (``ctrl-break``,
        # ``re-negotiate``, ``nat-control``): their whole, squashed, is a term
        # only if the index knows it (or its stem); else they are read as the
        # words they are. Not a name with a letter or a stop word for a part
        # (``nat-t-ike``, ``no-response``): that is one identifier, not words.
        glued = {
            i: terms[0][0]
            for i, terms in enumerate(per_token)
            if len(terms) > 1
            and terms[0][0].isalpha()
            and len(terms) == len([p for p in _PART_RE.split(tokens[i]) if p]) + 1
        }
        phrases = {(s, e): phrase_key(tokens[s:e]) for s, e, _j in spans}
        inner = {
            i: _inner_identifiers(t)
            for i, t in enumerate(tokens)
            if len(per_token[i]) > 1
        }
        found = known(
            {j for _s, _e, j in spans}
            | {stem(j) for _s, _e, j in spans}
            | set(splits)
            | raw
            | set(phrases.values())
            | {j for runs in inner.values() for j in runs}
            | {per_token[i][0][0] for i in inner}
            | set(glued.values())
            | {stem(j) for j in glued.values()}
        )
        taken: set[int] = set()
        # Longest joins first; a word joins at most once.
        for start, end, joined in sorted(spans, key=lambda s: (s[0] - s[1], s[0])):
            term = joined if joined in found else stem(joined)
            if term in found and not taken & set(range(start, end)):
                if phrases[start, end] in found:
                    # The words typed are a phrase an article names as such
                    # (``show crypto ipsec sa``): they stay the reading, and the
                    # identifier they also spell joined (``ipsec-sa``) counts only
                    # as a part does, so it cannot outrank the phrase.
                    soft_joins[start] = (end, term)
                else:
                    joins[start] = (end, term)
                taken.update(range(start, end))
    else:
        found, splits, raw, inner, glued = set(), {}, set(), {}, {}
    weights: dict[str, float] = {}
    alternatives: dict[str, tuple[str, ...]] = {}
    i = 0
    while i < len(tokens):
        if i in soft_joins:
            end, term = soft_joins[i]
            words = []
            for terms in per_token[i:end]:
                for t, w in terms:
                    _add(weights, t, w)
                    words.append(t)
            if term not in weights:
                _add(weights, term, PART_WEIGHT)
                alternatives[term] = tuple(dict.fromkeys(words))
            i = end
            continue
        if i in joins:
            end, term = joins[i]
            _add(weights, term, 1.0)
            for terms in per_token[i:end]:
                for t, w in terms:
                    _add(weights, t, min(w, PART_WEIGHT))
            i = end
            continue
        if tokens[i] in raw and tokens[i] in found:
            _add(weights, tokens[i], 1.0)
        # An identifier the index does not know whole may hold one it knows,
        # behind a prefix of some other implementation (``v2N_NO_PROPOSAL_CHOSEN``
        # is NO_PROPOSAL_CHOSEN): the longest such run counts as typed.
        runs = inner.get(i, ())
        if runs and per_token[i][0][0] in found:
            runs = ()  # known whole: no run inside it stands for it
        for run in runs:
            if run in found:
                _add(weights, run, 1.0)
                break
        if i in glued and glued[i] not in found:
            whole, parts = glued[i], per_token[i][1:]
            if stem(whole) in found:
                # re-negotiate: the stem of renegotiates stands for the whole.
                _add(weights, stem(whole), 1.0)
                for t, w in parts:
                    _add(weights, t, w)
            else:
                # No article writes the words glued: each counts as typed
                # alone, and the whole, which no article could hold, not at all
                # (an unknown word counts as the rarest in ``rank``'s cut-off).
                for t, _w in parts:
                    _add(weights, t, 1.0)
            i += 1
            continue
        for t, w in per_token[i]:
            if t in splits and t not in found and splits[t]:
                for piece in splits[t]:
                    _add(weights, stem(piece), w)
            else:
                _add(weights, t, w)
        i += 1
    for term in GENERIC_WORDS.intersection(weights):
        weights[term] *= GENERIC_WEIGHT
    if synonyms:
        weights = _with_synonyms(weights)
    kept = dict(list(weights.items())[:MAX_QUERY_TERMS])
    return kept, {j: w for j, w in alternatives.items() if j in kept}


def _inner_identifiers(token: str) -> list[str]:
    """The runs of two parts or more inside an identifier of three parts or more,
    joined as the index keeps identifiers, longest first; [] when the identifier
    is shorter or is not one."""
    parts = [p for p in _PART_RE.split(token) if p]
    if len(parts) < 3 or len(parts) > MAX_JOIN + 2:
        return []
    runs = []
    for size in range(len(parts) - 1, 1, -1):
        for start in range(len(parts) - size + 1):
            joined = squash("".join(parts[start : start + size]))
            if joined.isalnum() and len(joined) <= MAX_TERM_CHARS:
                runs.append(joined)
    return list(dict.fromkeys(runs))


# --- the index, one implementation per database ---------------------------------


def _vendor() -> str:
    return connection.vendor


def _field_text(counts: dict[str, int]) -> str:
    # Repeats stay bounded so one long list does not dominate the engine's rank.
    parts = []
    for t, c in sorted(counts.items()):
        repeats = 8 if c > 8 else math.ceil(c)
        if repeats == 1:
            parts.append(t)
        elif repeats > 1:
            parts.append(" ".join([t] * repeats))
    return " ".join(parts)


_MAX_POSITION = 16383  # PostgreSQL's highest lexeme position


@functools.cache
def _position_text(weight: str) -> tuple[str, list[int]]:
    """``("1A,2A,…", offsets)``: every position of a tsvector with ``weight``,
    and where each begins in that text (the positions from ``a`` to ``b`` are
    ``text[offsets[a]:offsets[b + 1] - 1]``)."""
    labels = [f"{p}{weight}" for p in range(_MAX_POSITION + 2)]
    offsets, at = [], 0
    for label in labels:
        offsets.append(at)
        at += len(label) + 1
    return ",".join(labels), offsets


def _tsvector_literals(terms: dict[str, dict[str, int]]) -> tuple[str, str]:
    """The tsvectors of an article in one pass: its whole document, and its head
    (title, identifiers and headings: what the document holds before the body,
    at the same positions). A term has at most 8 positions in each of the four
    fields, far under the 255 a lexeme may hold."""
    positions: dict[str, str] = {}  # term -> its positions, as written
    head: dict[str, str] = {}  # term -> those of them not in the body
    pos = 0
    for field, weight in zip(FIELDS, "ABCD", strict=True):
        body = field == "body"
        text, offsets = _position_text(weight)
        for term, count in sorted(terms.get(field, {}).items()):
            repeats = 8 if count > 8 else math.ceil(count)
            if repeats <= 0:
                continue
            start, pos = pos + 1, pos + repeats
            if pos <= _MAX_POSITION:
                written = text[offsets[start] : offsets[pos + 1] - 1]
            else:
                written = ",".join(
                    f"{min(p, _MAX_POSITION)}{weight}" for p in range(start, pos + 1)
                )
            held = positions.get(term)
            if held is not None:
                written = f"{held},{written}"
            positions[term] = written
            if not body:
                head[term] = written
    quoted = {
        t: t.replace("\\", "\\\\").replace("'", "''") if "'" in t or "\\" in t else t
        for t in positions
    }
    document = " ".join(f"'{quoted[t]}':{p}" for t, p in positions.items())
    return document, " ".join(f"'{quoted[t]}':{p}" for t, p in head.items())


# PostgreSQL: the columns of an article's row that hold its full-text index.
VECTOR_COLUMNS = ("search_document", "search_head")


def vector_literals(article) -> tuple[str, str]:
    """PostgreSQL: the text of the article's VECTOR_COLUMNS, for a COPY that
    inserts it (then ``index_articles`` is told it need not write them)."""
    return _tsvector_literals(article.search_terms or {})


def index_article(article) -> None:
    """Write one article's terms into the full-text index and its postings."""
    index_articles([article])


def _posting_rows(article):
    pk = article.pk
    terms = article.search_terms or {}
    by_term: dict[str, list[float]] = {}
    for i, field in enumerate(FIELDS):
        for term, count in terms.get(field, {}).items():
            counts = by_term.get(term)
            if counts is None:
                counts = by_term[term] = [0.0] * len(FIELDS)
            counts[i] = count
    return [(pk, term, *counts) for term, counts in by_term.items()]


def _key_ordered_postings(articles):
    """The posting rows of ``articles`` in the order of the postings' key (term,
    then article), as SQLite writes them below: the key's index and the weight
    index are built, after a bulk write, from the table read in that order,
    and a sort of rows already in order (or nearly, per term) takes a fraction
    of one over rows in article order. (Python orders strings by code point, as
    PostgreSQL's C collations do; under another the rows are only nearly in
    order.) Each term's rows are held end to end in one list, where a million
    rows held each as its own tuple would keep the garbage collector busy."""
    width = 2 + len(FIELDS)
    by_term: dict[str, list] = {}
    for article in sorted(articles, key=lambda a: a.pk):
        for row in _posting_rows(article):
            held = by_term.get(row[1])
            if held is None:
                by_term[row[1]] = list(row)
            else:
                held += row
    for term in sorted(by_term):
        held = by_term[term]
        for start in range(0, len(held), width):
            yield held[start : start + width]


def _sqlite_postings_select() -> str:
    """SQLite: the SELECT of the posting rows ``(article_id, term, counts…)``, in
    key order, of the articles whose ids the one parameter lists (a JSON array),
    made from their stored search terms by the database: a sync writes a
    million postings, and this way none of them passes through Python. (A term
    is held once per field: the sums gather an article's four counts.)"""
    parts = []
    for field in FIELDS:
        counts = ", ".join(
            f"{'j.value' if f == field else '0.0'} AS {f}" for f in FIELDS
        )
        parts.append(
            f"SELECT a.id AS article_id, j.key AS term, {counts}"
            f" FROM kb_article a, json_each(a.search_terms, '$.{field}') j"
            " WHERE a.id IN (SELECT value FROM json_each(%(ids)s))"
        )
    sums = ", ".join(f"SUM({f})" for f in FIELDS)
    return (
        f"SELECT article_id, term, {sums} FROM ("
        + " UNION ALL ".join(parts)
        + ") AS t GROUP BY term, article_id ORDER BY term, article_id"
    )


def index_articles(articles, with_vectors=()) -> None:
    """Write the saved articles' terms into the full-text index and the postings,
    in a few statements for all of them (a sync indexes thousands at once).
    ``with_vectors``: on PostgreSQL, ids of articles among them just inserted
    with their VECTOR_COLUMNS filled (``vector_literals``), which have neither
    postings to delete nor vectors to write."""
    from kb.models import Posting

    articles = [a for a in articles if a.pk is not None]
    if not articles:
        return
    table = Posting._meta.db_table
    columns = f"article_id, term, {', '.join(FIELDS)}"
    pks = [a.pk for a in articles]
    vendor = _vendor()
    if vendor not in ("postgresql", "sqlite"):
        Posting.objects.filter(article_id__in=pks).delete()
        Posting.objects.bulk_create(
            Posting(article_id=pk, term=term, **dict(zip(FIELDS, counts, strict=True)))
            for article in articles
            for pk, term, *counts in _posting_rows(article)
        )
        return
    with connection.cursor() as cursor:
        if vendor == "postgresql":
            with_vectors = set(with_vectors)
            rewritten = [a for a in articles if a.pk not in with_vectors]
            rewritten_ids = [a.pk for a in rewritten]
            # One statement, whether or not article_id is indexed now
            # (``bulk_writes`` drops the index); so on SQLite below.
            if rewritten:
                cursor.execute(
                    f"DELETE FROM {table} WHERE article_id = ANY(%s)", [rewritten_ids]
                )
            # COPY: a sync of thousands of articles writes a million postings
            # (binary: no number written out as text and parsed back). Made by
            # the server from the stored terms, as SQLite does below, they take
            # several times longer.
            with cursor.cursor.copy(
                f"COPY {table} ({columns}) FROM STDIN (FORMAT BINARY)"
            ) as copy:
                copy.set_types(["int8", "text", *["float8"] * len(FIELDS)])
                for row in _key_ordered_postings(articles):
                    copy.write_row(row)
            if not rewritten:
                return
            vectors = [vector_literals(a) for a in rewritten]
            cursor.execute(
                "UPDATE kb_article SET search_document = v.document::tsvector,"
                " search_head = v.head::tsvector"
                " FROM unnest(%s::bigint[], %s::text[], %s::text[])"
                " AS v(id, document, head) WHERE kb_article.id = v.id",
                [rewritten_ids, [d for d, _h in vectors], [h for _d, h in vectors]],
            )
            return
        ids = json.dumps(pks)
        cursor.execute(
            f"DELETE FROM {table} WHERE article_id IN"
            " (SELECT value FROM json_each(%s))",
            [ids],
        )
        # In key order, each row lands at the end of the table's tree instead
        # of splitting pages all over it.
        cursor.execute(
            f"INSERT INTO {table} ({columns}) {_sqlite_postings_select()}",
            {"ids": ids},
        )
        cursor.executemany(
            "DELETE FROM kb_article_fts WHERE rowid = %s", [(pk,) for pk in pks]
        )
        cursor.executemany(
            "INSERT INTO kb_article_fts (rowid, title, identifiers, headings, body)"
            " VALUES (%s, %s, %s, %s, %s)",
            [
                (
                    a.pk,
                    *[_field_text((a.search_terms or {}).get(f, {})) for f in FIELDS],
                )
                for a in articles
            ],
        )


# A sync writing this many articles or more, and at least half of them all (a
# first load, everything re-indexed), writes inside ``bulk_writes``.
BULK_MIN = 500
# SQLite's page cache within ``bulk_writes``, in KiB: each posting written looks
# its article up (the foreign key), all over a table of thousands of rendered
# articles, which the default cache (2 MiB) cannot hold.
BULK_CACHE_KIB = 256 * 1024


def is_bulk(written: int, total: int) -> bool:
    """Whether writing ``written`` of ``total`` articles is a bulk write."""
    return written >= BULK_MIN and written * 2 >= total


@contextlib.contextmanager
def bulk_writes(enabled: bool = True):
    """Within: the postings table has no index but its key (SQLite) or none at
    all (PostgreSQL, nor its foreign key), and on PostgreSQL the articles' GIN
    indexes are gone too; they are made again on the way out, each in one sort,
    where a million postings written into them one by one cost several times
    more; SQLite's page cache is BULK_CACHE_KIB meanwhile. Only inside a
    transaction (which undoes it all on an error).

    On PostgreSQL the tables stay locked until the transaction ends: searches
    wait for the sync. SQLite readers go on reading what was there before."""
    vendor = _vendor()
    if not enabled or vendor not in ("sqlite", "postgresql"):
        yield
        return
    if not connection.in_atomic_block:
        raise RuntimeError("bulk_writes needs a transaction")
    with connection.cursor() as cursor:
        restore = _drop_for_bulk(cursor, vendor)
        if vendor == "sqlite":
            cursor.execute("PRAGMA cache_size")
            cache = cursor.fetchone()[0]
            cursor.execute(f"PRAGMA cache_size = -{BULK_CACHE_KIB}")
    try:
        yield
        with connection.cursor() as cursor:
            if vendor == "postgresql":
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for sql in restore:
                cursor.execute(sql)
            if vendor == "postgresql":
                # The planner's statistics are still those of the postings
                # before (VACUUM ANALYZE follows the transaction): what runs
                # after, in it, would plan for a table as small as it was
                # (the vocabulary's count of every term's articles, read along
                # the key with a lookup of each of a million rows in the
                # table, instead of one pass over it).
                cursor.execute(f"ANALYZE {_posting_table()}")
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    finally:
        if vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute(f"PRAGMA cache_size = {int(cache)}")


def _posting_table() -> str:
    from kb.models import Posting

    return Posting._meta.db_table


def _drop_for_bulk(cursor, vendor: str) -> list[str]:
    """Drop what ``bulk_writes`` writes without; the statements making it again."""
    table = _posting_table()
    if vendor == "sqlite":
        cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index'"
            " AND tbl_name = %s AND sql IS NOT NULL",
            [table],
        )
        found = cursor.fetchall()
        for name, _sql in found:
            cursor.execute(f'DROP INDEX "{name}"')
        return [sql for _name, sql in found]
    # Checks deferred so far are made now: a table with some pending cannot
    # lose or gain a constraint.
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    cursor.execute(
        "SELECT conname, contype, pg_get_constraintdef(oid) FROM pg_constraint"
        " WHERE conrelid = %s::regclass AND contype IN ('p', 'f')",
        [table],
    )
    constraints = cursor.fetchall()
    cursor.execute(
        "SELECT indexname, indexdef FROM pg_indexes"
        " WHERE schemaname = current_schema() AND ("
        " (tablename = %s AND NOT indexname = ANY(%s))"
        " OR (tablename = 'kb_article' AND indexdef LIKE %s))",
        [table, [name for name, _type, _def in constraints], "% USING gin %"],
    )
    indexes = cursor.fetchall()
    for name, _type, _definition in sorted(constraints, key=lambda c: c[1] != "f"):
        cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    for name, _definition in indexes:
        cursor.execute(f'DROP INDEX "{name}"')
    cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    # The key first (the other indexes are built faster beside it), the foreign
    # key last.
    return [
        *(
            f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}'
            for name, kind, definition in constraints
            if kind == "p"
        ),
        *(definition for _name, definition in indexes),
        *(
            f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}'
            for name, kind, definition in constraints
            if kind == "f"
        ),
    ]


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
    index_articles(list(Article.objects.filter(pk__in=missing)))
    return len(missing)


def phrase_key(tokens) -> str:
    """How a run of words is kept in the vocabulary as a phrase: stemmed, one
    space apart (terms never hold a space, so the two cannot meet)."""
    return " ".join(stem(squash(t)) for t in tokens)[:MAX_TERM_CHARS]


def named_phrases(texts, vocabulary) -> set[str]:
    """The runs of 2 to MAX_JOIN words in ``texts`` (an article's title and
    identifiers: what it names whole) that also spell, joined, a term of the
    vocabulary: ``ipsec sa`` in ``show crypto ipsec sa`` when some article
    writes ``ipsec-sa``. Every word must be a term of its own."""
    found = set()
    for text in texts:
        words = _tokens(str(text)[:MAX_QUERY_CHARS])
        for start in range(len(words)):
            for end in range(start + 2, min(len(words), start + MAX_JOIN) + 1):
                span = words[start:end]
                joined = squash("".join(span))
                if joined not in vocabulary and stem(joined) not in vocabulary:
                    continue
                if all(_word(w) for w in span):
                    found.add(phrase_key(span))
    return found


def rebuild_vocabulary() -> None:
    """The terms the index holds, with how many articles use each: what typos are
    corrected against (the plain words) and what words typed apart are joined
    into (``mm wait msg 4`` -> ``mmwaitmsg4``); and the phrases articles name
    whole that such a join would otherwise read as one identifier
    (``named_phrases``)."""
    from kb.models import Article, Posting, SearchWord

    documents = {
        term: n
        for term, n in Posting.objects.values("term")
        .annotate(n=Count("article_id"))
        .values_list("term", "n")
        .iterator()
        if len(term) >= 2
    }
    phrases: dict[str, int] = {}
    for title, identifiers, tags in _named_texts(Article):
        for phrase in named_phrases([title, *(identifiers or []), *tags], documents):
            phrases[phrase] = phrases.get(phrase, 0) + 1
    documents.update(phrases)
    with transaction.atomic():
        SearchWord.objects.all().delete()
        SearchWord.objects.bulk_create(
            [
                SearchWord(word=w[:MAX_TERM_CHARS], length=len(w), documents=n)
                for w, n in sorted(documents.items())
            ],
            batch_size=1000,
        )


def _named_texts(Article):
    """``(title, identifiers, tag names)`` of every article, in two queries."""
    tags: dict[int, list[str]] = {}
    through = Article.tags.through
    for article_id, name in through.objects.values_list("article_id", "tag__name"):
        tags.setdefault(article_id, []).append(name)
    for pk, title, identifiers in Article.objects.values_list(
        "pk", "title", "identifiers"
    ).iterator():
        yield title, identifiers, tags.get(pk, [])


class Candidates(list):
    """Ids of candidate articles (a list), with what was read while choosing
    them: ``postings`` maps each term of ``read`` to ``{article id: counts}``,
    complete for these articles (an article missing there lacks the term);
    ``df`` is how many articles hold each term (``_document_counts``), or None
    when it was not counted. Search reads the postings of the other terms, and
    counts what was not counted, itself."""

    def __init__(self, ids=(), postings=None, read=(), df=None):
        super().__init__(ids)
        self.postings = postings or {}
        self.read = set(read)
        self.df = df


# PostgreSQL: how many postings of one term, read in key order, cost about as
# much as one lookup of a (term, article) pair in the key.
SCAN_PER_PROBE = 16


# Postings read at most (past the first CANDIDATES) to choose the candidates of
# a query that matches too many articles.
CANDIDATE_ROWS = 2000
# What an article's counts of a term weigh in all, as the candidates are chosen:
# the index kb_posting_weight (migration 0009) is on this very expression, so
# the best articles of one term are read from its head. Written from WEIGHTS;
# a change of WEIGHTS needs a migration making that index again.
FIELD_SUM = " + ".join(f"{WEIGHTS[f]} * {f}" for f in FIELDS)
# Rows of the one common term whose weight is this close below the CANDIDATES-th
# best are read too: they could tie with it once multiplied by the term's rarity.
_TIE_SLACK = 1 - 1e-9


def _fold_postings(rows, by_term=None) -> dict[str, dict[int, list]]:
    """``{term: {article id: counts}}`` of the rows ``(term, article_id, counts…)``,
    added to ``by_term`` when given."""
    if by_term is None:
        by_term = {}
    # Unpacked by name, not ``*counts``: twice as fast, on thousands of rows.
    for term, article_id, title, identifiers, headings, body in rows:
        found = by_term.get(term)
        if found is None:
            found = by_term[term] = {}
        found[article_id] = [title, identifiers, headings, body]
    return by_term


def _read_postings(sql: str, params) -> dict[str, dict[int, list]]:
    """``_fold_postings`` of the rows ``sql`` selects."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return _fold_postings(cursor.fetchall())


def _candidates(terms, snapshot: _Snapshot | None = None) -> Candidates:
    """Ids of articles holding any of ``terms``: all of them when there are at most
    CANDIDATES, else the CANDIDATES that ``_best_candidates`` keeps. A
    ``Candidates`` list, with the postings it read and the terms' document
    counts."""
    if not terms:
        return Candidates()
    vendor = _vendor()
    if vendor not in ("postgresql", "sqlite"):
        from kb.models import Article

        wanted = set(terms)
        return Candidates(
            pk
            for pk, doc in Article.objects.values_list("pk", "search_terms")
            if any(wanted & set((doc or {}).get(f, {})) for f in FIELDS)
        )
    from kb.models import Posting

    if snapshot is None:
        snapshot = _snapshot()
    table = Posting._meta.db_table
    columns = f"term, article_id, {', '.join(FIELDS)}"
    weights = terms if isinstance(terms, dict) else dict.fromkeys(terms, 1.0)
    df = _document_counts(list(weights), snapshot)
    total = len(snapshot.articles)
    if sum(df.values()) <= CANDIDATE_ROWS:
        # Few postings in all: every one of them, read at once, says which
        # articles match and holds what ranking them needs.
        postings = _read_postings(
            f"SELECT {columns} FROM {table}"
            f" WHERE term IN ({', '.join(['%s'] * len(weights))})",
            list(weights),
        )
        matching = {pk for found in postings.values() for pk in found}
        if len(matching) <= CANDIDATES:
            return Candidates(sorted(matching), postings, read=weights, df=df)
        chosen = _chosen_terms(weights, df)
        return _best_candidates(weights, df, postings, chosen, weights, total)
    chosen = _chosen_terms(weights, df)
    if not chosen:
        return Candidates(df=df)
    # The rarer chosen terms are read whole; the commonest only from the head of
    # its postings by weight (kb_posting_weight), and where a rarer one is held.
    *rare, common = chosen
    parts, params = [], []
    if rare:
        inside = f"term IN ({', '.join(['%s'] * len(rare))})"
        parts.append(f"SELECT {columns} FROM {table} WHERE {inside}")
        if vendor == "postgresql" and df[common] >= SCAN_PER_PROBE * sum(
            df[t] for t in rare
        ):
            # One lookup per article (LATERAL, kept apart by OFFSET 0):
            # PostgreSQL would rather hash every posting of the common term,
            # which costs more when it has many more than the rarer ones
            # (SCAN_PER_PROBE; below that, as on SQLite, it costs less).
            parts.append(
                f"SELECT p.term, p.article_id, {', '.join('p.' + f for f in FIELDS)}"
                f" FROM (SELECT DISTINCT article_id FROM {table} WHERE {inside}) r,"
                f" LATERAL (SELECT * FROM {table} q WHERE q.term = %s"
                " AND q.article_id = r.article_id OFFSET 0) p"
            )
            params += [*rare, *rare, common]
        else:
            parts.append(
                f"SELECT {columns} FROM {table} WHERE term = %s AND article_id IN"
                f" (SELECT article_id FROM {table} WHERE {inside})"
            )
            params += [*rare, common, *rare]
    # Its head: the first CANDIDATES by weight, ties in id order (a posting
    # weighing the same further on has a higher id, and loses to all of them),
    # and one more (then the term alone matches more than CANDIDATES), and any
    # weighing a hair less than the CANDIDATES-th, which the term's rarity could
    # round level with it.
    order = f"{FIELD_SUM} DESC, article_id"
    parts.append(
        f"SELECT * FROM (SELECT {columns} FROM {table} WHERE term = %s"
        f" ORDER BY {order} LIMIT %s) head"
    )
    parts.append(
        f"SELECT {columns} FROM {table} WHERE term = %s"
        f" AND {FIELD_SUM} < (SELECT {FIELD_SUM} FROM {table} WHERE term = %s"
        f" ORDER BY {order} LIMIT 1 OFFSET %s)"
        f" AND {FIELD_SUM} >= (SELECT {FIELD_SUM} FROM {table} WHERE term = %s"
        f" ORDER BY {order} LIMIT 1 OFFSET %s) * %s"
    )
    params += [common, CANDIDATES + 1]
    params += [common, common, CANDIDATES - 1, common, CANDIDATES - 1, _TIE_SLACK]
    postings = _read_postings(" UNION ALL ".join(parts), params)
    if len({pk for found in postings.values() for pk in found}) <= CANDIDATES:
        # The vocabulary counted more postings than the index holds now: ask the
        # full-text engine whether more than CANDIDATES articles match at all.
        ids = _all_matches(terms, vendor)
        if len(ids) <= CANDIDATES:
            return Candidates(ids, df=df)
    return _best_candidates(weights, df, postings, chosen, chosen, total)


def _all_matches(terms, vendor) -> list[int]:
    """Ids of up to CANDIDATES + 1 articles holding any of ``terms``, from the
    full-text engine."""
    if vendor == "postgresql":
        tsquery = " | ".join(
            "'{}'".format(t.replace("\\", "\\\\").replace("'", "''")) for t in terms
        )
        sql = "SELECT id FROM kb_article WHERE search_document @@ %s::tsquery LIMIT %s"
        params = [tsquery, CANDIDATES + 1]
    else:
        sql = "SELECT rowid FROM kb_article_fts WHERE kb_article_fts MATCH %s LIMIT %s"
        match = " OR ".join('"{}"'.format(t.replace('"', '""')) for t in terms)
        params = [match, CANDIDATES + 1]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]


def _chosen_terms(weights, df) -> list[str]:
    """The query's terms ``_best_candidates`` chooses by, rarest first: a term held
    by a few articles decides the ranking (``rank`` weighs terms by rarity), one
    in every other article hardly does, so terms are taken from the rarest on
    until their postings reach CANDIDATES (always) and CANDIDATE_ROWS (no
    further)."""
    chosen, rows = [], 0
    for term in sorted((t for t in weights if df.get(t)), key=lambda t: (df[t], t)):
        if rows >= CANDIDATES and rows + df[term] > CANDIDATE_ROWS:
            break
        chosen.append(term)
        rows += df[term]
    return chosen


def _best_candidates(weights, df, postings, chosen, read, total) -> Candidates:
    """The CANDIDATES articles that score best on the ``chosen`` terms
    (``_chosen_terms``), the same way on every database: the sum, over those
    terms, of the term's weight times rarity (among ``total`` articles) times
    the field weights of its counts (FIELD_SUM); ties go to the lower id.

    ``postings`` must hold every posting of the chosen terms but the commonest,
    and of that one at least those of the articles holding another, its first
    CANDIDATES by weight (ties in id order) and those weighing less than the
    last of these by no more than ``_TIE_SLACK``: an article beyond holds that
    term alone and weighs less there than CANDIDATES articles read, or as much
    with a higher id, so it cannot be among the best."""

    def rarity(n):
        return math.log(1 + (total - n + 0.5) / (n + 0.5))

    scores: dict[int, float] = {}
    w = WEIGHTS
    tw, iw, hw, bw = w["title"], w["identifiers"], w["headings"], w["body"]
    for term in chosen:
        factor = weights[term] * rarity(df[term])
        for pk, (title, identifiers, headings, body) in postings.get(term, {}).items():
            # FIELD_SUM, computed as the database computes it.
            value = factor * (tw * title + iw * identifiers + hw * headings + bw * body)
            previous = scores.get(pk)
            scores[pk] = value if previous is None else previous + value
    # Highest first, ties to the lower id: the order of ``(-score, id)``.
    best = [pk for _score, pk in sorted([(-v, pk) for pk, v in scores.items()])]
    return Candidates(best[:CANDIDATES], postings, read=read, df=df)


# --- typo correction --------------------------------------------------------------


_KEYBOARD = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
_NEIGHBOURS: dict[str, set[str]] = {}
for _r, _row in enumerate(_KEYBOARD):
    for _c, _key in enumerate(_row):
        _near = _NEIGHBOURS.setdefault(_key, set())
        for _dr in (-1, 0, 1):
            if 0 <= _r + _dr < len(_KEYBOARD):
                _other = _KEYBOARD[_r + _dr]
                _near.update(_other[max(0, _c - 1) : _c + 2])


def _substitution(a: str, b: str) -> int:
    """A slip onto a neighbouring key costs 1; any other letter 2 (``printer`` is
    not a typo of ``pointer``)."""
    if a == b:
        return 0
    return 1 if b in _NEIGHBOURS.get(a, ()) else 2


def _edit_distance(a: str, b: str, limit: int) -> int:
    """Damerau-Levenshtein distance (adjacent transpositions), substitutions
    weighed by ``_substitution``, or limit + 1 when it is above ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cur[j] = min(
                prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + _substitution(ca, cb)
            )
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        if min(cur) > limit:
            return limit + 1
        prev2, prev = prev, cur
    return prev[-1]


def _max_distance(word: str) -> int:
    return 1 if len(word) <= 7 else 2


# Typed words shorter than this are corrected only for two swapped letters.
MIN_TYPO_CHARS = 5
MIN_SWAP_CHARS = 4


def correct_terms(
    terms: dict[str, float], words: list[str], snapshot: _Snapshot | None = None
) -> dict[str, float]:
    """``terms`` with unknown plain words replaced by the nearest word of the
    index (``snapshot``'s vocabulary): words of 5+ letters (as typed:
    ``words``) within one or two edits, words of 4 letters only when two
    neighbouring letters were swapped; never a different first letter."""
    typed = {stem(w): w for w in words}
    eligible = [
        t for t in terms if t.isalpha() and len(typed.get(t, t)) >= MIN_SWAP_CHARS
    ]
    if not eligible:
        return terms
    if snapshot is None:
        snapshot = _snapshot()
    unknown = [t for t in eligible if t not in snapshot.words]
    if not unknown:
        return terms
    low = min(len(t) - _max_distance(t) for t in unknown)
    high = max(len(t) + _max_distance(t) for t in unknown)
    vocabulary = [
        entry
        for length in range(max(low, 3), high + 1)
        for entry in snapshot.by_length.get(length, ())
    ]
    corrected: dict[str, float] = {}
    for term, weight in terms.items():
        best = None
        if term in unknown:
            swap_only = len(typed.get(term, term)) < MIN_TYPO_CHARS
            limit = _max_distance(term)
            for word, documents in vocabulary:
                if word[0] != term[0]:
                    continue  # typos rarely hit the first letter
                if swap_only and (
                    len(word) != len(term) or sorted(word) != sorted(term)
                ):
                    continue
                if abs(len(word) - len(term)) > 1 and not (
                    word.startswith(term) or term.startswith(word)
                ):
                    # Two letters more or fewer is another word (``appliance``
                    # is not ``application``), unless they are a suffix the
                    # stemmer left (``intermittently``, ``intermittent``).
                    continue
                d = _edit_distance(term, word, limit)
                if d <= limit:
                    key = (d, -documents, word)
                    if best is None or key < best:
                        best = key
        fixed = best[2] if best else term
        corrected[fixed] = max(corrected.get(fixed, 0.0), weight)
    return corrected


# --- ranking ----------------------------------------------------------------------


def _term_score(counts, weights) -> float:
    """One term's score in one article from its counts per field: the best field
    decides, mentions elsewhere add a quarter of theirs."""
    best = total = 0.0
    for w, c in zip(weights, counts, strict=True):
        if c:
            field = w * c * 2.2 / (c + 1.2)  # _saturate, inline: the hot loop
            total += field
            if field > best:
                best = field
    return best + 0.25 * (total - best) if best else 0.0


def _saturate(count: int) -> float:
    # Like BM25's term frequency: the first mention counts most.
    return count * 2.2 / (count + 1.2)


def rank(
    terms: dict[str, float],
    documents: dict,
    df: dict[str, int],
    total: int,
    phrases: dict | None = None,
    groups: dict | None = None,
    guessed: set | None = None,
    joined_words: dict | None = None,
) -> list[tuple[float, str, int]]:
    """``[(score, slug, pk)]`` best first.

    ``terms`` maps each query term to its weight; ``documents`` maps pk to
    ``(slug, {term: counts per field in FIELDS order})``; ``df`` is the number of
    articles holding each term, ``total`` the number of articles. ``phrases``
    maps pk to how many query words the article's own multi-word identifiers
    matched in a row (a pasted message the article names); ``groups`` maps each
    term the user typed to the terms that stand for it (itself and its synonyms);
    ``guessed`` holds the terms that replaced a typo. ``joined_words`` maps an
    identifier that the words of a named phrase spell joined to those words
    (``query_plan``): an article holding it counts as holding the words where it
    holds it, and no more, so it can never outrank the phrase itself. An article holding less
    than MIN_MATCH of what was typed is no answer and is left out: terms weigh
    by rarity, a plain word no article knows as much as the rarest known one, a
    guessed term held counts half. A product or platform the articles name
    (PLATFORM_WORDS) weighs half, in the ranking and the cut-off; one no article
    names counts in full in the cut-off (the question may be about it).
    """

    def rarity(n: int) -> float:
        return math.log(1 + (total - n + 0.5) / (n + 0.5))

    joined_words = joined_words or {}
    idf = {
        t: w * rarity(df[t]) if df.get(t) and t not in joined_words else 0.0
        for t, w in terms.items()
    }
    for t in PLATFORM_WORDS.intersection(idf):
        idf[t] *= PLATFORM_WEIGHT
    query_weight = sum(idf.values()) or 1.0
    if groups is None:
        groups = {t: {t} for t in terms}
    # What each typed term weighs in the share an answer must hold: known terms
    # by their rarity; unknown plain words as the rarest; an unknown identifier
    # (``vty0``, a whole syslog tag) not at all, its parts speak for it.
    needed = {}
    for typed, alternatives in groups.items():
        known = [idf[t] for t in alternatives if idf.get(t)]
        if known:
            needed[typed] = max(known)
    rarest = max(needed.values(), default=rarity(1))
    for typed in groups:
        if typed not in needed and typed.isalpha():
            needed[typed] = terms.get(typed, 1.0) * rarest
    need_total = sum(needed.values())
    guessed = guessed or set()
    # What each typed term adds to the share held, with the terms standing for it.
    need_items = [
        (groups[typed], weight * (0.5 if typed in guessed else 1.0))
        for typed, weight in needed.items()
    ]
    phrases = phrases or {}
    weights = [WEIGHTS[f] for f in FIELDS]
    # Per term: its rarity, which of ``need_items`` it holds (one bit each), and
    # what each of its counts adds to the score and the cover (many articles
    # share the same counts), each product made once; None for counts adding
    # nothing. A term of a group but not of ``terms`` only says what is held.
    masks: dict[str, int] = {}
    for bit, (group, _w) in enumerate(need_items):
        for t in group:
            masks[t] = masks.get(t, 0) | 1 << bit
    info: dict[str, tuple] = {t: (None, m, None) for t, m in masks.items()}
    for t, rare in idf.items():
        info[t] = (rare, masks.get(t, 0), {})
    held_by_mask: dict[int, float] = {}
    term_scores: dict[tuple, float] = {}
    ranked = []
    for pk, (slug, postings) in documents.items():
        if joined_words and not joined_words.keys().isdisjoint(postings):
            postings = dict(postings)
            for joined, words in joined_words.items():
                spelled = postings.pop(joined, None)
                if spelled is None:
                    continue
                for word in words:
                    held = postings.get(word, spelled)
                    postings[word] = [
                        max(a, b) for a, b in zip(held, spelled, strict=True)
                    ]
        score = 0.0
        covered = 0.0
        mask = 0
        for t, counts in postings.items():
            entry = info.get(t)
            if entry is None:
                continue
            rare, bits, parts = entry
            mask |= bits
            if rare is None:
                continue
            key = tuple(counts)
            part = parts.get(key, False)
            if part is False:
                term_score = term_scores.get(key)
                if term_score is None:
                    term_score = term_scores[key] = _term_score(counts, weights)
                # A passing mention in the body covers the term less than a
                # title or identifier does.
                part = parts[key] = (
                    (rare * term_score, rare * min(1.0, term_score / FULL_COVER))
                    if term_score
                    else None
                )
            if part is not None:
                score += part[0]
                covered += part[1]
        if score <= 0:
            continue
        held = held_by_mask.get(mask)
        if held is None:
            held = held_by_mask[mask] = sum(
                [w for bit, (_g, w) in enumerate(need_items) if mask >> bit & 1]
            )
        if need_total and (
            held / need_total < MIN_MATCH or covered / need_total < MIN_COVER
        ):
            continue
        coverage = covered / query_weight
        bonus = 1.0 + PHRASE_BONUS * min(phrases.get(pk, 0), MAX_PHRASE_WORDS)
        ranked.append((round(score * bonus * (0.2 + coverage) ** 2, 9), slug, pk))
    ranked.sort(key=lambda r: (-r[0], r[1]))
    return ranked


# --- snippets ---------------------------------------------------------------------


# Letters that match an ASCII letter without case but do not lower to it (long
# s, dotless i, dotted capital I, which also lowers to two characters).
_CASE_ODD = ("\u017f", "\u0131", "\u0130")


def _lowers_alike(text: str) -> bool:
    """Whether, for patterns of lower-case ASCII, matching ``text`` with
    IGNORECASE finds what matching ``text.lower()`` with case finds, at the
    same offsets: for any text without the letters of ``_CASE_ODD`` (the other
    letters that match an ASCII one without case, the Kelvin sign, lower to
    it)."""
    return text.isascii() or not any(c in text for c in _CASE_ODD)


def _token_start(text: str, pos: int) -> int:
    """Where the token holding ``text[pos]`` begins."""
    start = pos
    while start > 0 and _TOKEN_CHAR_RE.match(text[start - 1]):
        start -= 1
    return start


_TOKEN_CHAR_RE = re.compile(r"[\w%.\-]")


@functools.lru_cache(maxsize=256)
def _prefix_pattern(prefixes: frozenset[str], flags: int) -> re.Pattern:
    """A pattern finding where any of ``prefixes`` is written, separators
    allowed between its letters (``mmwa`` in ``MM_WAIT``), as a tree: one branch
    per letter, so a long query's dozens of prefixes cost a few tries a place.
    Where it stops does not matter to ``highlight``, only where it starts."""
    tree: dict = {}
    for prefix in prefixes:
        node = tree
        for char in prefix:
            node = node.setdefault(char, {})
        node[""] = None  # a prefix ends here: what follows need not match

    def branch(node: dict) -> str:
        if "" in node:
            return ""
        alternatives = []
        for char in sorted(node):
            rest = branch(node[char])
            alternatives.append(re.escape(char) + ("[_-]*" + rest if rest else ""))
        if len(alternatives) == 1:
            return alternatives[0]
        return "(?:" + "|".join(alternatives) + ")"

    return re.compile(branch(tree), flags)


def highlight(text: str, terms, max_chars: int = SNIPPET_CHARS) -> str:
    """An HTML-escaped extract of ``text`` around the densest group of matched
    words, each wrapped in ``<mark>``; empty when nothing matches."""
    terms = set(terms)
    if not terms:
        return ""
    if "  " in text or "\n" in text or "\t" in text or "\r" in text:
        text = " ".join(text.split())
    # Every term shares its first letters with the word it came from: find those
    # places with one regular expression, then tokenize only the words there.
    # (separators may sit between those letters: ``mmwaitmsg4`` is written
    # ``MM_WAIT_MSG4``.)
    # ASCII terms are searched for in the text lowered, without IGNORECASE: the
    # same places (see ``_lowers_alike``), found several times faster.
    if all(t.isascii() for t in terms) and _lowers_alike(text):
        scanned, flags = text.lower(), 0
    else:
        scanned, flags = text, re.IGNORECASE
    maybe = _prefix_pattern(frozenset(t[:4].lower() for t in terms), flags)
    starts = []
    end = 0
    for m in maybe.finditer(scanned):
        if m.start() >= end:
            start = _token_start(text, m.start())
            starts.append(start)
            end = _TOKEN_RE.match(text, start).end()
    hits = []  # (start, end, terms matched) of whole tokens
    seen: dict[str, tuple | None] = {}  # word -> (offset, length, matched)
    for start in starts:
        # The token the match is in: ``MM_WAIT_MSG4`` in ``(MM_WAIT_MSG4/MSG5);``
        # is marked alone, without its brackets or its neighbours.
        word = _TOKEN_RE.match(text, start).group()
        if word in seen:
            mark = seen[word]
        else:
            matched = {t for t, _w in _found_terms(word.lower())} & terms
            mark = None
            if matched:
                inner = word.strip(".-_")
                mark = (word.find(inner), len(inner), matched)
            seen[word] = mark
        if mark:
            offset, length, matched = mark
            hits.append((start + offset, start + offset + length, matched))
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


@functools.lru_cache(maxsize=2048)
def _term_set(text: str) -> frozenset[str]:
    """The terms of ``text``; kept for the summaries of the articles found most."""
    return frozenset(tokenize(text))


def snippet(article, terms, in_body=()) -> str:
    """From the summary when it holds as many of the terms as the body does
    (``in_body``: the terms the body has), else from the body."""
    wanted = set(terms)
    in_summary = _term_set(article.summary) & wanted
    if in_summary and len(in_summary) >= len(set(in_body) & wanted):
        text = highlight(article.summary, wanted, max_chars=400)
    else:
        text = highlight(article.body_text, wanted)
    return text or escape(article.summary)


def marked_terms(terms: dict[str, float]) -> set[str]:
    """The terms a snippet marks: what the query itself said (its words, whole
    identifiers, synonyms, corrected typos), not the parts of an identifier it
    was split into. ``MM_WAIT_MSG4`` marks ``MM_WAIT_MSG4`` and not ``MM_KEY_EXCH``
    or ``MM_WAIT_MSG5``, which share only ``mm`` or ``wait`` with it; ``msg4``
    typed alone still marks ``MM_WAIT_MSG4``, which holds it."""
    whole = {t for t, w in terms.items() if w > PART_WEIGHT}
    return whole or set(terms)


def phrase_pattern(tokens) -> re.Pattern | None:
    """A pattern for the query's words in a row, in any case, with any run of
    separators between them (``QM FSM error``, ``show crypto ipsec sa``); None for
    a single word, or when a word is something that differs from one paste to
    the next (an address, a counter) or the query is too long to be a phrase."""
    words = [t for t in tokens if t]
    if not 2 <= len(words) <= MAX_PHRASE_WORDS:
        return None
    if any(_ADDRESS_RE.match(w) or noise(w) for w in words):
        return None
    return re.compile(
        r"(?<![\w])" + r"[\W_]+".join(re.escape(w) for w in words) + r"(?![\w])",
        re.IGNORECASE,
    )


def rerank_phrases(ranked, articles, tokens):
    """``ranked`` with the articles whose title, summary or text hold the whole
    query as a phrase moved up (score times 1 + TEXT_PHRASE_BONUS): the words as typed, in a row, beat the same words
    scattered, and beat a match made by joining or splitting them."""
    pattern = phrase_pattern(tokens)
    if pattern is None:
        return ranked
    words = [t for t in tokens if t]
    # The words are lower case. For ASCII words, matching without case is
    # matching the lowered text with case (``_lowers_alike``), which is several
    # times faster, and a text lacking one of the words lowered cannot match.
    lowered_pattern = None
    if all(w.isascii() for w in words):
        lowered_pattern = re.compile(pattern.pattern)

    def holds(text: str) -> bool:
        if lowered_pattern is not None and _lowers_alike(text):
            lowered = text.lower()
            if not all(w in lowered for w in words):
                return False
            return lowered_pattern.search(lowered) is not None
        return pattern.search(text) is not None

    bonus = 1 + TEXT_PHRASE_BONUS
    out = []
    for score, slug, pk in ranked:
        article = articles[pk]
        if holds(article.title) or holds(article.summary) or holds(article.body_text):
            score = round(score * bonus, 9)
        out.append((score, slug, pk))
    out.sort(key=lambda r: (-r[0], r[1]))
    return out


def _phrase_tokens(tokens) -> list[str]:
    """Words compared when looking for an identifier quoted whole in a query."""
    return [stem(squash(t)) for t in tokens]


@functools.lru_cache(maxsize=4096)
def _identifier_phrase(identifier: str) -> str | None:
    """`` word word …`` of an identifier of two words or more, else None."""
    phrase = _phrase_tokens(_tokens(identifier))
    return f" {' '.join(phrase)} " if len(phrase) >= 2 else None


@dataclass
class _Snapshot:
    """What every search reads and only a change of the knowledge base changes,
    kept in memory per revision (``kb.pages.memo``) instead of read per query:

    - ``words``: the vocabulary (``rebuild_vocabulary``), word -> articles using it;
    - ``by_length``: its plain words by length, what typos are corrected against;
    - ``articles``: pk -> (slug, the identifiers of two words or more as
      ``(phrase, words)``), for the ranking's tie-break and phrase bonus;
    - ``counts``: postings counted for terms the vocabulary lacks, filled as
      queries ask.

    An article written by another process since the snapshot was taken (its
    revision is read at most every ``KB_REVISION_TTL`` seconds) is read from
    the database when it turns up (``_article_rows``)."""

    words: dict[str, int]
    by_length: dict[int, list[tuple[str, int]]]
    articles: dict[int, tuple[str, tuple[tuple[str, int], ...]]]
    counts: dict[str, int]


def _identifier_phrases(identifiers) -> tuple[tuple[str, int], ...]:
    """``(phrase, words)`` of each identifier of two words or more, as
    ``_phrase_count`` matches them."""
    if isinstance(identifiers, str):
        identifiers = json.loads(identifiers)
    out = []
    for identifier in identifiers or ():
        phrase = _identifier_phrase(str(identifier)[:MAX_QUERY_CHARS])
        if phrase:
            out.append((phrase, phrase.count(" ") - 1))
    return tuple(out)


def _take_snapshot() -> _Snapshot:
    from kb.models import Article, SearchWord

    words: dict[str, int] = {}
    by_length: dict[int, list[tuple[str, int]]] = {}
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT word, length, documents FROM {SearchWord._meta.db_table}"
        )
        for word, length, documents in cursor.fetchall():
            words[word] = documents
            if word.isalpha():
                by_length.setdefault(length, []).append((word, documents))
        cursor.execute(f"SELECT id, slug, identifiers FROM {Article._meta.db_table}")
        articles = {
            pk: (slug, _identifier_phrases(identifiers))
            for pk, slug, identifiers in cursor.fetchall()
        }
    return _Snapshot(words, by_length, articles, {})


# The snapshot one search reads throughout (``search``), so that a query never
# mixes two revisions of the knowledge base and asks for it once.
_query_snapshot: contextvars.ContextVar[_Snapshot | None] = contextvars.ContextVar(
    "kb_search_snapshot", default=None
)


def _snapshot() -> _Snapshot:
    """This revision's snapshot; within a search, the one it started with."""
    pinned = _query_snapshot.get()
    if pinned is not None:
        return pinned
    from kb import pages

    return pages.memo("search-snapshot", _take_snapshot)


def _article_rows(pks, snapshot: _Snapshot) -> dict:
    """pk -> (slug, identifier phrases) of the articles ``pks`` names that exist;
    from the snapshot, and from the database for any written since it was taken."""
    known = snapshot.articles
    rows = {pk: known[pk] for pk in pks if pk in known}
    if len(rows) < len(pks):
        missing = [pk for pk in pks if pk not in known]
        for pk, slug, identifiers in _select_in(
            "SELECT id, slug, identifiers FROM kb_article WHERE", "id", missing
        ):
            rows[pk] = (slug, _identifier_phrases(identifiers))
    return rows


def _phrase_count(joined: str, phrases) -> int:
    """The words of every identifier phrase of an article (made once by
    ``_identifier_phrases``) that the query's words hold (``joined``: their
    ``_phrase_tokens``, each between spaces), summed."""
    return sum(words for phrase, words in phrases if phrase in joined)


def _known_terms(candidates, snapshot: _Snapshot | None = None) -> set[str]:
    """Which of ``candidates`` the index holds (in any article, any field), from
    its vocabulary (``rebuild_vocabulary``)."""
    words = (snapshot or _snapshot()).words
    return {c for c in candidates if 2 <= len(c) <= MAX_TERM_CHARS and c in words}


def _document_counts(terms, snapshot: _Snapshot | None = None) -> dict[str, int]:
    """How many articles hold each term: from the vocabulary, and from the
    postings for any term it does not list (written since it was built)."""
    from kb.models import Posting

    if snapshot is None:
        snapshot = _snapshot()
    words, counted = snapshot.words, snapshot.counts
    df = {}
    missing = []
    for t in terms:
        if t in words:
            df[t] = words[t]
        elif t in counted:
            if counted[t]:
                df[t] = counted[t]
        else:
            missing.append(t)
    if missing:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT term, COUNT(article_id) FROM {Posting._meta.db_table}"
                f" WHERE term IN ({', '.join(['%s'] * len(missing))}) GROUP BY term",
                missing,
            )
            found = dict(cursor.fetchall())
        for t in missing:
            counted[t] = found.get(t, 0)
        df.update(found)
    return df


# --- the one entry point ----------------------------------------------------------


class _Text(NamedTuple):
    """What results are shown and reranked with, of one article."""

    slug: str
    title: str
    summary: str
    body_text: str


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


def _select_in(sql: str, column: str, ids, before=()) -> list[tuple]:
    """Rows of ``sql WHERE column IN ids`` (``before``: parameters that come
    first in ``sql``): one array parameter on PostgreSQL, which would otherwise
    plan a query of hundreds of parameters each time; chunks elsewhere."""
    ids = list(ids)
    if not ids:
        return []
    with connection.cursor() as cursor:
        if _vendor() == "postgresql":
            cursor.execute(f"{sql} {column} = ANY(%s)", [*before, ids])
            return cursor.fetchall()
        rows: list[tuple] = []
        for start in range(0, len(ids), 900):
            chunk = ids[start : start + 900]
            cursor.execute(
                f"{sql} {column} IN ({', '.join(['%s'] * len(chunk))})",
                [*before, *chunk],
            )
            rows.extend(cursor.fetchall())
    return rows


def _postings_of(terms, ids) -> list[tuple]:
    """Rows ``(term, article_id, counts…)`` of ``terms`` in the articles ``ids``
    (``_fold_postings`` folds them)."""
    from kb.models import Posting

    table = Posting._meta.db_table
    columns = ", ".join(f"p.{f}" for f in FIELDS)
    if _vendor() == "postgresql":
        terms, ids = list(terms), list(ids)
        # A term held by fewer than SCAN_PER_PROBE times as many articles as
        # there are ids is read whole from its range of the key, its postings
        # kept where the id is in the list (hashed): a posting read in order
        # costs that much less than one lookup. The others get one lookup in
        # the (term, article) key per pair. Each is kept apart (LATERAL, OFFSET
        # 0): given the two lists, the planner would read every posting of the
        # articles through the article index and filter, several times slower.
        df = _document_counts(terms)
        scanned = [t for t in terms if df.get(t, 0) < SCAN_PER_PROBE * len(ids)]
        probed = [t for t in terms if df.get(t, 0) >= SCAN_PER_PROBE * len(ids)]
        parts, params = [], []
        if scanned:
            parts.append(
                f"SELECT p.term, p.article_id, {columns} FROM unnest(%s::text[])"
                f" AS t(term), LATERAL (SELECT * FROM {table} q"
                " WHERE q.term = t.term AND q.article_id = ANY(%s::bigint[])"
                " OFFSET 0) p"
            )
            params += [scanned, ids]
        if probed:
            parts.append(
                f"SELECT p.term, p.article_id, {columns}"
                " FROM unnest(%s::text[]) AS t(term), unnest(%s::bigint[]) AS a(id),"
                f" LATERAL (SELECT * FROM {table} q WHERE q.term = t.term"
                " AND q.article_id = a.id OFFSET 0) p"
            )
            params += [probed, ids]
        with connection.cursor() as cursor:
            cursor.execute(" UNION ALL ".join(parts), params)
            return cursor.fetchall()
    # Hundreds of ids: plain SQL, which the ORM would spend longer building.
    return _select_in(
        f"SELECT p.term, p.article_id, {columns} FROM {table} p"
        f" WHERE p.term IN ({', '.join(['%s'] * len(terms))}) AND",
        "p.article_id",
        ids,
        before=list(terms),
    )


def search(query, limit: int = 10) -> list[Result]:
    """Articles matching ``query``, best first. Never raises on odd input: a query
    with nothing searchable in it gives []."""
    tokens = query_tokens(query)
    # ``query_terms(query)`` is empty exactly when no token gives a term (its
    # joins and synonyms only ever add to what the tokens give).
    if limit <= 0 or not any(_token_terms(t) for t in tokens):
        return []
    snapshot = _snapshot()
    pin = _query_snapshot.set(snapshot)
    try:
        return _search(query, limit, snapshot, tokens)
    finally:
        _query_snapshot.reset(pin)


@functools.lru_cache(maxsize=4096)
def _article_url(slug: str, prefix: str, urlconf) -> str:
    """An article's URL under one script prefix and URLconf (``reverse`` costs
    more than the rest of a result)."""
    from kb.models import Article

    return Article(slug=slug).get_absolute_url()


def _search(query, limit: int, snapshot: _Snapshot, tokens: list[str]) -> list[Result]:
    found, alternatives = query_plan(
        query,
        known=functools.partial(_known_terms, snapshot=snapshot),
        synonyms=False,
        _tokens=tokens,
    )
    typed = correct_terms(found, tokens, snapshot)
    terms = _with_synonyms(typed)
    spelled_by: dict[str, set[str]] = {}
    for joined, words in alternatives.items():
        for word in words:
            spelled_by.setdefault(word, set()).add(joined)
    groups = {
        t: {t, *SYNONYMS.get(t, ()), *spelled_by.get(t, ())}
        for t in typed
        if t not in alternatives
    }
    # Called with the terms alone (the snapshot is the one pinned by ``search``).
    pks = _candidates(terms)
    if not pks:
        return []
    if not isinstance(pks, Candidates):
        pks = Candidates(pks)
    rows = _article_rows(pks, snapshot)
    by_term = dict(pks.postings)
    unread = [t for t in terms if t not in pks.read]
    if unread:
        # Their counts stay the rows' tuples: ranking keys its sums by them.
        for row in _postings_of(unread, list(rows)):
            holding = by_term.get(row[0])
            if holding is None:
                holding = by_term[row[0]] = {}
            holding[row[1]] = row[2:]
    # Each article's terms in one order (the terms'), however they were read:
    # ranking adds them up in it.
    documents: dict[int, tuple[str, dict]] = {
        pk: (slug, {}) for pk, (slug, _phrases) in rows.items()
    }
    for term in sorted(by_term):
        holding = by_term[term]
        if len(holding) > len(documents):
            # A term read whole may be held by many more articles than the
            # candidates: look the candidates up in it instead.
            for article_id, document in documents.items():
                counts = holding.get(article_id)
                if counts is not None:
                    document[1][term] = counts
            continue
        for article_id, counts in holding.items():
            document = documents.get(article_id)
            if document is not None:
                document[1][term] = counts
    # Only an article with two query terms among its identifiers can quote a
    # phrase of the query in one of them.
    in_identifiers = FIELDS.index("identifiers")
    sequence = _phrase_tokens(tokens)
    phrases = {}
    if len(sequence) >= 2:
        joined = " " + " ".join(sequence) + " "
        for pk, (_slug, held) in documents.items():
            named = rows[pk][1]
            if not named:
                continue
            in_both = 0
            for counts in held.values():
                if counts[in_identifiers]:
                    in_both += 1
                    if in_both == 2:
                        phrases[pk] = _phrase_count(joined, named)
                        break
    df = pks.df if pks.df is not None else _document_counts(list(terms), snapshot)
    ranked = rank(
        terms,
        documents,
        df,
        len(snapshot.articles),
        phrases=phrases,
        groups=groups,
        guessed=set(typed) - set(found),
        joined_words=alternatives,
    )
    # A query of two words or more may lift an article holding it as typed from
    # a little below the page: look at a few more.
    reranking = phrase_pattern(tokens) is not None
    ranked = ranked[: limit + RERANKED if reranking else limit]
    articles = {
        pk: _Text(slug, title, summary, body_text)
        for pk, slug, title, summary, body_text in _select_in(
            "SELECT id, slug, title, summary, body_text FROM kb_article WHERE",
            "id",
            [pk for _score, _slug, pk in ranked],
        )
    }
    if reranking:
        ranked = rerank_phrases(ranked, articles, tokens)[:limit]
    marked = marked_terms(terms)
    in_body_field = FIELDS.index("body")
    prefix, urlconf = get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF
    results = []
    for score, _slug, pk in ranked:
        article = articles[pk]
        in_body = [
            t for t, c in documents[pk][1].items() if c[in_body_field] and t in marked
        ]
        results.append(
            Result(
                slug=article.slug,
                title=article.title,
                summary=article.summary,
                url=_article_url(article.slug, prefix, urlconf),
                snippet=snippet(article, marked, in_body),
                score=score,
            )
        )
    return results
