"""Knowledge base pages rendered once and served from memory until the knowledge
base changes.

An article's HTML (with the state table and graph) is rendered by
``sync_articles``; what is left per request is the page around it, the home
lists, a tag's list and search results. Each web process keeps those answers,
keyed by what identifies them (the slug, the query), under the revision token
of ``kb.models.Revision``, and drops them all when the token changes:

- a change made in this process (a sync, an admin save: any save or delete of an
  article or tag) gives the process a new token at once, and a new one again,
  written to the database, when the transaction commits;
- other processes (the other gunicorn workers, after a ``sync_articles`` run from
  the shell) read the token from the database at most every ``KB_REVISION_TTL``
  seconds (default 1), so they serve a change within that time, and a request
  between two reads costs no query at all.

Pages go through ``render_page``: the CSRF token in base.html is rendered as a
placeholder and the request's own token is put in on the way out, so one copy of
a page serves every visitor. Memory is bounded (``KB_PAGE_CACHE_BYTES`` per
process, least recently used first out); answers that are not 200 are never kept.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections import OrderedDict

from django.conf import settings
from django.db import connection, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

CSRF_PLACEHOLDER = "kb-page-csrf-token-placeholder-5b1f0c"
_CSRF_BYTES = CSRF_PLACEHOLDER.encode()
# Where base.html's account links go (the visitor's name, or "Sign in"): one
# copy of a page serves everyone, so they are put in per request, as the token.
NAV_PLACEHOLDER = "<!-- kb-page-account-nav-placeholder-93d2e1 -->"
_NAV_BYTES = NAV_PLACEHOLDER.encode()

_lock = threading.RLock()
_pages: OrderedDict = OrderedDict()  # key -> (body, content_type, headers)
_state = {"token": None, "checked": float("-inf"), "bytes": 0, "publish": False}


def _ttl() -> float:
    return float(getattr(settings, "KB_REVISION_TTL", 1.0))


def _budget() -> int:
    return int(getattr(settings, "KB_PAGE_CACHE_BYTES", 32 * 1024 * 1024))


def _clear() -> None:
    _pages.clear()
    _state["bytes"] = 0


def _read_token() -> str:
    from kb.models import Revision

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT token FROM {Revision._meta.db_table} WHERE id = 1")
        row = cursor.fetchone()
    # No row until the first sync: pages are kept under that state, and a page
    # that only reads never writes (a write could wait on a locked database).
    return row[0] if row else "unsynced"


def revision() -> str:
    """The token the pages kept here belong to, read again from the database
    when it is older than the TTL."""
    with _lock:
        now = time.monotonic()
        if _state["token"] is None or now - _state["checked"] >= _ttl():
            token = _read_token()
            if token != _state["token"]:
                _clear()
                _state["token"] = token
            _state["checked"] = now
        return _state["token"]


def changed(**_kwargs) -> None:
    """The knowledge base changed in this process: forget every page now, and
    give every process a new token once the change is committed."""
    with _lock:
        _clear()
        _state["token"] = uuid.uuid4().hex
        _state["checked"] = time.monotonic()
        if _state["publish"]:
            return
        _state["publish"] = True
    transaction.on_commit(publish)


def forget() -> None:
    """Drop every page and value kept here and read the token again next time:
    for changes undone behind this process's back (a rolled-back transaction
    leaves the token it had, and never runs the publishing it was to end with)."""
    with _lock:
        _clear()
        _state["token"] = None
        _state["checked"] = float("-inf")
        _state["publish"] = False


def publish() -> None:
    """Write a new token to the database (and keep it here)."""
    from kb.models import Revision

    token = uuid.uuid4().hex
    with _lock:
        _state["publish"] = False
    updated = Revision.objects.filter(pk=1).update(token=token)
    if not updated:
        Revision.objects.get_or_create(pk=1, defaults={"token": token})
    with _lock:
        _clear()
        _state["token"] = token
        _state["checked"] = time.monotonic()


def _store(key, entry) -> None:
    size = len(entry[0]) + 200
    budget = _budget()
    if size > budget // 4:
        return  # one page may not push out most of the others
    _pages[key] = entry
    _state["bytes"] += size
    while _state["bytes"] > budget and _pages:
        _old_key, old = _pages.popitem(last=False)
        _state["bytes"] -= len(old[0]) + 200


def cached(key, build):
    """``build()``'s ``HttpResponse`` for ``key``, from memory when this revision
    of the knowledge base already built it. The response returned is new each
    time; only a 200 is kept."""
    token = revision()
    with _lock:
        entry = _pages.get((token, key))
        if entry is not None:
            _pages.move_to_end((token, key))
    if entry is None:
        response = build()
        if response.status_code != 200 or response.streaming:
            return response
        headers = {
            name: value
            for name, value in response.items()
            if name.lower() not in ("content-length", "content-type")
        }
        entry = (response.content, response["Content-Type"], headers)
        with _lock:
            if _state["token"] == token:
                _store((token, key), entry)
    body, content_type, headers = entry
    response = HttpResponse(body, content_type=content_type)
    for name, value in headers.items():
        response[name] = value
    return response


def memo(key, compute):
    """``compute()``, kept like a page until the knowledge base changes."""
    token = revision()
    with _lock:
        entry = _pages.get((token, key))
        if entry is not None:
            _pages.move_to_end((token, key))
    if entry is None:
        value = compute()
        entry = (b"", None, value)
        with _lock:
            if _state["token"] == token:
                _store((token, key), entry)
    return entry[2]


def render_page(request, template_name, key, context):
    """A template response kept by ``key`` (see ``cached``), with this request's
    CSRF token put in place of the placeholder the kept copy holds. ``context``
    is called for the template's context only when the page is built."""

    def build():
        html = render_to_string(
            template_name,
            {
                **context(),
                "csrf_token": CSRF_PLACEHOLDER,
                "account_nav": mark_safe(NAV_PLACEHOLDER),
            },
            request,
        )
        return HttpResponse(html)

    response = cached(key, build)
    if _NAV_BYTES in response.content:
        nav = render_to_string("accounts/_nav.html", {}, request)
        response.content = response.content.replace(_NAV_BYTES, nav.encode())
    if _CSRF_BYTES in response.content:
        response.content = response.content.replace(
            _CSRF_BYTES, get_token(request).encode()
        )
    return response


def connect() -> None:
    """Forget the pages whenever an article or tag is written (``KbConfig.ready``)."""
    from kb.models import Article, Tag

    for model in (Article, Tag):
        post_save.connect(changed, sender=model, dispatch_uid=f"kb-pages-{model}")
        post_delete.connect(changed, sender=model, dispatch_uid=f"kb-pages-del-{model}")
    m2m_changed.connect(
        changed, sender=Article.tags.through, dispatch_uid="kb-pages-tags"
    )
