"""What every request passes through before and after the views: the submit rate
limit and queue quota, the admin login throttle, JSON for every error under
/api/, 503 for a database that is locked, and the headers that keep diagnoses out
of shared caches and search engines.

The limits count in Django's cache (``CACHES``), shared by every web process:
django-ratelimit's counters. A cache that fails lets the request through (and says
so in the log): a limit must not become an outage.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import math

from django.conf import settings
from django.db import OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django_ratelimit.core import get_usage, user_or_ip

log = logging.getLogger(__name__)

SUBMIT_PATHS = ("/analyze/", "/api/v1/diagnoses")
PRIVATE_PATHS = ("/d/", "/api/", "/s/", "/teams/", "/accounts/")
# Seconds a client over its queue quota is told to wait: about one analysis.
QUOTA_RETRY_AFTER = 10
LOCKED_RETRY_AFTER = 5

# What an /api/ client reads when the answer came from Django rather than from an
# API view (which writes its own message).
API_MESSAGES = {
    400: "The request could not be read (malformed, or too many fields).",
    401: "Authentication required.",
    403: "Forbidden.",
    404: "Nothing here: see /api/v1/openapi.json for the API's paths.",
    405: "Method not allowed.",
    413: "The request is larger than the size limit.",
    429: "Too many requests; wait and try again.",
    500: "The server failed to answer this request; try again in a moment.",
    503: "The service is busy; try again in a moment.",
}


def client_key(request) -> str:
    """Who is asking: the user when signed in, else the address (the proxy's
    header when RATELIMIT_IP_META_KEY names one; IPv6 by /64)."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return f"ip:{user_or_ip(request)}"


def client_id(request) -> str:
    """The client as stored on a diagnosis, for the queue quota: a keyed hash, so
    the database holds no address."""
    digest = hmac.new(
        settings.SECRET_KEY.encode(), client_key(request).encode(), hashlib.sha256
    )
    return digest.hexdigest()[:32]


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def _refusal(request, status: int, message: str, retry_after: int | None = None):
    headers = {"Retry-After": str(retry_after)} if retry_after is not None else None
    if _is_api(request):
        return JsonResponse({"error": message}, status=status, headers=headers)
    html = render_to_string(
        "refused.html", {"status": status, "message": message}, request
    )
    return HttpResponse(html, status=status, headers=headers)


def _usage(request, group: str, rate: str):
    """django-ratelimit's count for this client in ``group``, counting this
    request; None when the cache failed (the request goes through)."""
    try:
        return get_usage(
            request,
            group=group,
            key=lambda group, request: client_key(request),
            rate=rate,
            method="POST",
            increment=True,
        )
    except Exception as exc:  # a broken cache must not refuse everyone
        log.warning("rate limit %s not checked, the cache failed: %s", group, exc)
        return None


def _wait_text(seconds: int) -> str:
    if seconds < 90:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    minutes = math.ceil(seconds / 60)
    return f"{minutes} minutes"


class LimitsMiddleware:
    """Submit rate limit and queue quota per client, and the admin login throttle.

    After the authentication middleware (it keys on the signed-in user)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method == "POST":
            refused = self._check(request)
            if refused is not None:
                return refused
        return self.get_response(request)

    def _check(self, request):
        if request.path in SUBMIT_PATHS:
            return self._submit(request)
        if request.path in (reverse("admin:login"), reverse("login")):
            usage = _usage(request, "admin-login", settings.ADMIN_LOGIN_RATE)
            if usage and usage["should_limit"]:
                wait = max(1, usage["time_left"])
                log.warning("admin login throttled for %s", client_key(request))
                return _refusal(
                    request,
                    429,
                    "Too many sign-in attempts from here; try again in "
                    f"{_wait_text(wait)}.",
                    wait,
                )
        return None

    def _submit(self, request):
        usage = _usage(request, "submit", settings.ANALYZER_SUBMIT_RATE)
        if usage and usage["should_limit"]:
            wait = max(1, usage["time_left"])
            return _refusal(
                request,
                429,
                f"Too many submissions: at most {usage['limit']} per "
                f"{_period(settings.ANALYZER_SUBMIT_RATE)} from one client. Try "
                f"again in {_wait_text(wait)}.",
                wait,
            )
        quota = settings.ANALYZER_CLIENT_QUEUE_QUOTA
        if quota > 0:
            from analyzer.models import Diagnosis

            waiting = Diagnosis.pending_for(client_id(request))
            if waiting >= quota:
                return _refusal(
                    request,
                    429,
                    f"You have {waiting} analyses waiting or running (at most "
                    f"{quota} at a time); submit again when one has finished.",
                    QUOTA_RETRY_AFTER,
                )
        return None


def _period(rate: str) -> str:
    unit = rate.partition("/")[2]
    names = {"s": "second", "m": "minute", "h": "hour", "d": "day"}
    return names.get(unit[-1:], unit) if unit[:-1] in ("", "1") else unit


class ErrorsMiddleware:
    """Outermost: every error under /api/ answered in JSON (whatever made it:
    Django's own 400/403/404/500 pages, a 405 from a decorator), SQLite's
    "database is locked" answered 503 with a message instead of a 500, and the
    privacy headers on diagnoses and the API."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if _is_api(request) and response.status_code >= 400:
            response = self._as_json(response)
        if request.path.startswith(PRIVATE_PATHS):
            # The permalink is the only key to a paste: no shared cache keeps
            # one, and no search engine lists one (nor a share link, a team's
            # list or an account page).
            patch_cache_control(response, private=True)
            response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    @staticmethod
    def _as_json(response):
        content_type = response.get("Content-Type", "")
        if content_type.startswith("application/json"):
            return response
        status = response.status_code
        message = API_MESSAGES.get(status) or (
            "The request was refused." if status < 500 else API_MESSAGES[500]
        )
        if status == 405 and response.has_header("Allow"):
            message = f"Method not allowed; use {response['Allow']}."
        converted = JsonResponse({"error": message}, status=status)
        for header in ("Allow", "Retry-After", "WWW-Authenticate"):
            if response.has_header(header):
                converted[header] = response[header]
        return converted

    def process_exception(self, request, exception):
        if isinstance(exception, OperationalError) and "locked" in str(exception):
            log.warning(
                "database locked: %s %s answered 503", request.method, request.path
            )
            return _refusal(
                request,
                503,
                "The database is busy; nothing was saved. Try again in a few seconds.",
                LOCKED_RETRY_AFTER,
            )
        return None
