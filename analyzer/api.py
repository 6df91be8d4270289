"""The JSON API: submit a paste, read a diagnosis, and the OpenAPI document."""

import json

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse, JsonResponse
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables

from accounts.forms import LIST_FIELDS, TeamFilterForm, cursor, filter_diagnoses
from accounts.models import PlacementError, placement, remember_team, teams_of
from analyzer.forms import (
    TITLE_MAX,
    check_request_size,
    read_submission_parts,
    request_errors,
)
from analyzer.middleware import client_id
from analyzer.models import Diagnosis
from analyzer.registry import ASA_SHOW_CRYPTO_ISAKMP_SA
from analyzer.textinput import InputError, decode


def _error(message: str, status: int, **headers) -> JsonResponse:
    return JsonResponse({"error": message}, status=status, headers=headers or None)


def _not_allowed(*methods: str) -> JsonResponse:
    return _error(
        f"Method not allowed; use {' or '.join(methods)}.",
        405,
        Allow=", ".join(methods),
    )


def _refuse_empty_body(request, what: str) -> None:
    if request.body:
        return
    if "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower():
        # WSGI servers hand Django no body for a chunked request.
        raise InputError(
            "The body arrived empty: send it with a Content-Length instead "
            "of chunked transfer encoding."
        )
    raise InputError(f"The body is empty; send {what}.")


def _read_json(request) -> tuple[str | None, str, dict]:
    _refuse_empty_body(request, '{"text": "..."}')
    try:
        payload = json.loads(request.body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise InputError("The body is not valid JSON.") from exc
    except RecursionError as exc:
        # Thousands of nested brackets fit well inside the size limit.
        raise InputError("The body is not valid JSON (nested too deeply).") from exc
    if not isinstance(payload, dict):
        raise InputError('Send a JSON object: {"text": "...", "title": "..."}.')
    text = payload.get("text")
    title = payload.get("title") or ""
    if text is not None and not isinstance(text, str):
        raise InputError('"text" must be a string.')
    if not isinstance(title, str):
        raise InputError('"title" must be a string.')
    for name in PLACEMENT_FIELDS:
        if not isinstance(payload.get(name) or "", str):
            raise InputError(f'"{name}" must be a string.')
    return text, title, {name: payload.get(name) or "" for name in PLACEMENT_FIELDS}


# Where a submission goes (see accounts.models.placement); JSON fields, form
# fields, or query parameters beside a text/plain body.
PLACEMENT_FIELDS = ("team", "visibility", "expires_in")


def _placement(request, fields) -> dict:
    """Owner, team, visibility and expiry for the submitter, or InputError."""
    slug = fields.get("team") or ""
    team = None
    if slug:
        team = teams_of(request.user).filter(slug=slug).first()
        if team is None:
            # The same words whether the team exists or not.
            raise InputError(f'"team": you are in no team "{slug}".')
    try:
        return placement(
            request.user,
            team=team,
            visibility=fields.get("visibility") or "",
            expiry=fields.get("expires_in") or "",
        )
    except PlacementError as exc:
        raise InputError(str(exc)) from exc


def _read_plain(request) -> tuple[str, str]:
    """A body sent as it is (``curl --data-binary @show.txt -H 'Content-Type:
    text/plain'``): the bytes are the paste, read like an uploaded file (any
    encoding, binary refused); the title, if any, comes from ``?title=``."""
    _refuse_empty_body(request, "the device output as the body")
    text = decode(request.body, settings.ANALYZER_MAX_INPUT_BYTES)
    return text, request.GET.get("title", "")


def _check_title(title: str) -> str:
    # The paste page's form refuses the same; the schema says so too.
    if len(title) > TITLE_MAX:
        raise InputError(f'"title" must be at most {TITLE_MAX} characters.')
    return title


# The diagnosis is saved; the broker did not take it (yet).
QUEUE_AWAY = (
    "Queued, the analysis starts when the queue is back: the paste is saved but "
    "the job queue did not answer. Poll api_url as usual."
)

FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")


def _is_json(content_type: str) -> bool:
    return content_type == "application/json" or content_type.endswith("+json")


# JSON clients send no CSRF token and no cookies; the API changes nothing that
# belongs to a session, so it is exempt.
# As the form: no error report shows the submitted paste or title.
@sensitive_post_parameters()
@sensitive_variables()
@csrf_exempt
def diagnoses(request):
    if request.method in ("GET", "HEAD"):
        return _team_list(request)
    if request.method != "POST":
        return _not_allowed("GET", "POST")
    if not settings.ALLOW_ANONYMOUS and not request.user.is_authenticated:
        return _needs_account("Submitting")
    try:
        check_request_size(request)
        fields = {name: request.GET.get(name, "") for name in PLACEMENT_FIELDS}
        if _is_json(request.content_type):
            text, title, fields = _read_json(request)
            files = []
        elif request.content_type == "text/plain":
            text, title = _read_plain(request)
            files = []
        elif request.content_type in FORM_TYPES:
            request_errors(request)
            text, title = request.POST.get("text"), request.POST.get("title", "")
            fields = {name: request.POST.get(name, "") for name in PLACEMENT_FIELDS}
            files = [f for key in request.FILES for f in request.FILES.getlist(key)]
            # A client that sends "files" as plain form fields (no filename, as
            # generated clients for the schema do) means them as files all the same.
            files += [
                SimpleUploadedFile("files", value.encode("utf-8", "surrogatepass"))
                for value in request.POST.getlist("files")
            ]
        else:
            raise InputError(
                "Send application/json, multipart/form-data or text/plain (not "
                f"{request.content_type or 'a body without a Content-Type'}).",
                status=415,
            )
        title = _check_title(title)
        place = _placement(request, fields)
        text, parts = read_submission_parts(text, files)
    except InputError as exc:
        return _error(exc.message, exc.status)
    diagnosis = Diagnosis.submit(
        text, title=title, client=client_id(request), files=parts, **place
    )
    remember_team(request.user, place["team"])
    api_url = request.build_absolute_uri(
        reverse("analyzer-api-diagnosis", args=[diagnosis.id])
    )
    body = {
        "id": diagnosis.id,
        "url": request.build_absolute_uri(diagnosis.get_absolute_url()),
        "api_url": api_url,
        "status": diagnosis.status,
    }
    if diagnosis.awaiting_broker:
        body["message"] = QUEUE_AWAY
    return JsonResponse(body, status=202, headers={"Location": api_url})


LIST_MAX = 100


def _needs_account(what: str) -> JsonResponse:
    return _error(
        f"{what} needs an account: send Authorization: Bearer <token>, with a "
        "token made on your account page.",
        401,
        **{"WWW-Authenticate": 'Bearer realm="tshoot"'},
    )


def _team_list(request):
    """A team's diagnoses, newest first, with the team page's filters; ``next``
    is the URL of the following page (null on the last)."""
    if not request.user.is_authenticated:
        return _needs_account("Listing a team's diagnoses")
    slug = request.GET.get("team", "")
    if not slug:
        return _error("Name the team: ?team=<slug>.", 400)
    team = teams_of(request.user).filter(slug=slug).first()
    if team is None:
        # Whether the team exists or not.
        return _error(f'You are in no team "{slug}".', 404)
    form = TeamFilterForm(request.GET)
    try:
        limit = int(request.GET.get("limit") or 50)
    except ValueError:
        limit = 0
    if not form.is_valid() or not 1 <= limit <= LIST_MAX:
        return _error(
            "The filters could not be read: status, severity, peer, q, before "
            f"(a next link's) and limit (1 to {LIST_MAX}).",
            400,
        )
    rows = filter_diagnoses(
        Diagnosis.objects.visible_to(request.user).filter(team=team),
        form.cleaned_data,
    )
    rows = list(rows.select_related("owner").only(*LIST_FIELDS)[: limit + 1])
    following = None
    if len(rows) > limit:
        query = request.GET.copy()
        query["before"] = cursor(rows[limit - 1])
        following = request.build_absolute_uri(f"{request.path}?{query.urlencode()}")
    return JsonResponse(
        {
            "results": [_summary(request, row) for row in rows[:limit]],
            "next": following,
        }
    )


def _summary(request, row) -> dict:
    return {
        "id": row.id,
        "url": request.build_absolute_uri(row.get_absolute_url()),
        "api_url": request.build_absolute_uri(
            reverse("analyzer-api-diagnosis", args=[row.id])
        ),
        "title": row.title,
        "status": row.status,
        "top_severity": row.top_severity or None,
        "top_finding": row.top_code or None,
        "verdict": row.verdict,
        "peers": row.peers.split(),
        "owner": row.owner.username if row.owner else None,
        "visibility": row.visibility,
        "created": row.created.isoformat(),
        "expires": row.expires.isoformat() if row.expires else None,
    }


# Exempt so that any other method meets the 405 below rather than a CSRF 403; a
# DELETE made with a session cookie is checked by accounts.middleware.
@csrf_exempt
def diagnosis(request, diagnosis_id):
    if request.method not in ("GET", "HEAD", "DELETE"):
        return _not_allowed("GET", "DELETE")
    found = (
        Diagnosis.objects.visible_to(request.user)
        .select_related("team", "owner")
        .filter(id=diagnosis_id)
        .first()
    )
    if found is None:
        return _error("No diagnosis with this id.", 404)
    if request.method == "DELETE":
        if not found.can_manage(request.user):
            return _error("Only its owner or an admin of its team may delete it.", 403)
        # The row holds the paste: both go.
        found.delete()
        return HttpResponse(status=204)
    report = found.report or {}
    return JsonResponse(
        {
            "id": found.id,
            "url": request.build_absolute_uri(found.get_absolute_url()),
            "status": found.status,
            "title": found.title,
            "team": found.team.slug if found.team else None,
            "owner": found.owner.username if found.owner else None,
            "visibility": found.visibility,
            "expires": found.expires.isoformat() if found.expires else None,
            "files": found.files,
            "sources": report.get("sources", []),
            "findings": report.get("findings", []),
            "unparsed_lines": report.get("unparsed_lines"),
            "tunnels": report.get("tunnels", []),
            "created": found.created.isoformat(),
            "finished": found.finished.isoformat() if found.finished else None,
            "engine_version": found.engine_version,
            "error": found.error,
        }
    )


@csrf_exempt
def not_found(request, rest=""):
    """Any other path under the diagnoses collection: JSON, as the API speaks."""
    return _error("No diagnosis with this id.", 404)


@csrf_exempt
def openapi(request):
    if request.method not in ("GET", "HEAD"):
        return _not_allowed("GET")
    document = dict(OPENAPI)
    document["servers"] = [{"url": request.build_absolute_uri("/").rstrip("/")}]
    return JsonResponse(document)


_ERROR = {
    "type": "object",
    "required": ["error"],
    "properties": {"error": {"type": "string"}},
}


# What is sure to be taken as text: something besides whitespace, and none of the
# control characters a terminal does not print (a few are tolerated, but the
# schema promises only what is always accepted). Larger than the size limit is
# 413 whatever the schema says.
_TEXT_CHAR = "[^\\x00-\\x07\\x0b\\x0e-\\x1a\\x1c-\\x1f\\x7f-\\x9f\\ufffd]"
_TEXT = {
    "type": "string",
    "minLength": 1,
    "pattern": f"^{_TEXT_CHAR}*[^\\s{_TEXT_CHAR[2:]}{_TEXT_CHAR}*$",
    "description": "Device output. Secrets are removed before it is stored.",
}
_PASTE_TEXT = {"$ref": "#/components/schemas/PasteText"}
_TITLE = {"type": "string", "maxLength": 200}
# Where a submission goes; blank or absent takes the defaults.
_PLACEMENT = {
    "team": {
        "type": "string",
        "description": "The slug of one of your teams (needs a token or a session).",
    },
    "visibility": {"$ref": "#/components/schemas/Visibility"},
    "expires_in": {"$ref": "#/components/schemas/ExpiresIn"},
}
_PLACEMENT_QUERY = [
    {
        "name": name,
        "in": "query",
        "required": False,
        "schema": schema,
        "description": f"The diagnosis's {name} when the body is text/plain (JSON "
        "and form bodies carry it as a field).",
    }
    for name, schema in _PLACEMENT.items()
]
_ID_PARAMETER = {
    "name": "id",
    "in": "path",
    "required": True,
    "schema": {"type": "string"},
}


def _error_response(description: str) -> dict:
    return {
        "description": description,
        "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}
        },
    }


OPENAPI = {
    "openapi": "3.1.0",
    "info": {
        "title": "tshoot API",
        "version": "1",
        "description": "Submit device output for analysis, read the diagnosis, and "
        "search the knowledge base. Secrets (passwords, pre-shared keys, SNMP "
        "communities) are removed from the input before it is stored.",
    },
    "paths": {
        "/api/v1/diagnoses": {
            "post": {
                "operationId": "createDiagnosis",
                "summary": "Submit a paste or files for analysis",
                "parameters": [
                    {
                        "name": "title",
                        "in": "query",
                        "required": False,
                        "schema": _TITLE,
                        "description": "The diagnosis's title when the body is "
                        "text/plain (JSON and form bodies carry it as a field).",
                    },
                    *_PLACEMENT_QUERY,
                ],
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "required": ["text"],
                                "properties": {
                                    "text": _PASTE_TEXT,
                                    "title": _TITLE,
                                    **_PLACEMENT,
                                },
                            }
                        },
                        "text/plain": {
                            "schema": {
                                **_PASTE_TEXT,
                                "description": "The device output itself as the "
                                "body, in any text encoding (as `curl "
                                "--data-binary @show.txt -H 'Content-Type: "
                                "text/plain'` sends it); the title goes in the "
                                "`title` query parameter.",
                            }
                        },
                        "multipart/form-data": {
                            "schema": {
                                "type": "object",
                                # Text, files or both; beside files the text
                                # may be left blank, as a browser form sends it.
                                "anyOf": [
                                    {
                                        "required": ["text"],
                                        "properties": {"text": _PASTE_TEXT},
                                    },
                                    {"required": ["files"]},
                                ],
                                "properties": {
                                    "files": {
                                        "type": "array",
                                        "minItems": 1,
                                        "items": {
                                            **_PASTE_TEXT,
                                            "contentMediaType": "text/plain",
                                        },
                                    },
                                    "text": {
                                        "anyOf": [
                                            _PASTE_TEXT,
                                            {"type": "string", "pattern": "^\\s*$"},
                                        ]
                                    },
                                    "title": _TITLE,
                                    **_PLACEMENT,
                                },
                            }
                        },
                    },
                },
                "responses": {
                    "202": {
                        "description": "Accepted and queued",
                        "headers": {
                            "Location": {
                                "description": "The diagnosis's API URL",
                                "schema": {"type": "string", "format": "uri"},
                            }
                        },
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/Accepted"}
                            }
                        },
                    },
                    "400": _error_response(
                        "Empty input, not text, malformed JSON, or a team, "
                        "visibility or expiry that cannot be had"
                    ),
                    "401": _error_response(
                        "A token that is not valid, or no account when the site "
                        "takes no anonymous submissions"
                    ),
                    "405": _error_response("Method not allowed"),
                    "413": _error_response("Input larger than the size limit"),
                    "415": _error_response(
                        "A body that is neither JSON, multipart/form-data nor "
                        "text/plain"
                    ),
                    "429": _error_response(
                        "Too many submissions from this client, or too many of "
                        "its diagnoses waiting; the Retry-After header says when "
                        "to try again"
                    ),
                    "503": _error_response(
                        "The database is busy; nothing was saved, try again after "
                        "Retry-After seconds"
                    ),
                },
            },
            "get": {
                "operationId": "listDiagnoses",
                "summary": "A team's diagnoses, newest first; follow next for more",
                "parameters": [
                    {
                        "name": "team",
                        "in": "query",
                        "required": True,
                        "schema": {"type": "string"},
                        "description": "The slug of one of your teams.",
                    },
                    {
                        "name": "status",
                        "in": "query",
                        "required": False,
                        "schema": {"$ref": "#/components/schemas/Status"},
                    },
                    {
                        "name": "severity",
                        "in": "query",
                        "required": False,
                        "schema": {"$ref": "#/components/schemas/Severity"},
                        "description": "The top finding's severity.",
                    },
                    {
                        "name": "peer",
                        "in": "query",
                        "required": False,
                        "schema": {"type": "string"},
                        "description": "A peer address, exactly.",
                    },
                    {
                        "name": "q",
                        "in": "query",
                        "required": False,
                        "schema": {"type": "string", "maxLength": 100},
                        "description": "Words of a title, a peer or a finding code.",
                    },
                    {
                        "name": "before",
                        "in": "query",
                        "required": False,
                        "schema": {"type": "string"},
                        "description": "Where a page starts; taken from next.",
                    },
                    {
                        "name": "limit",
                        "in": "query",
                        "required": False,
                        "schema": {
                            "type": "integer",
                            "minimum": 1,
                            "maximum": LIST_MAX,
                            "default": 50,
                        },
                    },
                ],
                "responses": {
                    "200": {
                        "description": "One page of the team's diagnoses",
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/DiagnosisList"}
                            }
                        },
                    },
                    "400": _error_response("No team named, or filters not read"),
                    "401": _error_response("No account (send a token)"),
                    "404": _error_response("None of your teams has this slug"),
                },
            },
        },
        "/api/v1/diagnoses/{id}": {
            "get": {
                "operationId": "getDiagnosis",
                "summary": "Read a diagnosis; poll until status is done or failed",
                "parameters": [_ID_PARAMETER],
                "responses": {
                    "200": {
                        "description": "The diagnosis",
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/Diagnosis"}
                            }
                        },
                    },
                    "404": _error_response(
                        "No diagnosis with this id that you may read (expired, "
                        "another team's, someone's private one, or none)"
                    ),
                },
            },
            "delete": {
                "operationId": "deleteDiagnosis",
                "summary": "Delete a diagnosis and its paste (owner or team admin)",
                "parameters": [_ID_PARAMETER],
                "responses": {
                    "204": {"description": "Deleted, paste and all"},
                    "403": _error_response(
                        "You may read it but are neither its owner nor an admin "
                        "of its team"
                    ),
                    "404": _error_response("No diagnosis with this id you may read"),
                },
            },
        },
        "/api/v1/search": {
            "get": {
                "operationId": "searchArticles",
                "summary": "Search the knowledge base, best match first",
                "parameters": [
                    {
                        "name": "q",
                        "in": "query",
                        "required": False,
                        "description": "Words, a state name, a command or a syslog "
                        "id; an empty query returns no results.",
                        "schema": {"type": "string"},
                    }
                ],
                "responses": {
                    "200": {
                        "description": "Matching articles",
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "required": ["results"],
                                    "properties": {
                                        "results": {
                                            "type": "array",
                                            "items": {
                                                "$ref": "#/components/schemas/SearchResult"
                                            },
                                        }
                                    },
                                }
                            }
                        },
                    }
                },
            }
        },
    },
    # A token is optional: without one, what anonymous users may do.
    "security": [{}, {"bearerToken": []}],
    "components": {
        "securitySchemes": {
            "bearerToken": {
                "type": "http",
                "scheme": "bearer",
                "description": "A personal API token made on the account page.",
            }
        },
        "schemas": {
            "Error": _ERROR,
            "Visibility": {
                "type": "string",
                "enum": ["team", "link", "private"],
                "description": "team: its team's members; link: anyone with the "
                "permalink; private: its owner. Anonymous submissions are link; "
                "blank takes the team's default.",
            },
            "ExpiresIn": {
                "type": "string",
                "enum": ["1d", "7d", "30d", "team"],
                "description": "How long it is kept; team (or blank, in a team) "
                "is the team's retention.",
            },
            "Severity": {
                "type": "string",
                "enum": ["info", "warning", "error", "critical"],
            },
            "DiagnosisSummary": {
                "type": "object",
                "required": ["id", "url", "api_url", "status", "created"],
                "properties": {
                    "id": {"type": "string"},
                    "url": {"type": "string", "format": "uri"},
                    "api_url": {"type": "string", "format": "uri"},
                    "title": {"type": "string"},
                    "status": {"$ref": "#/components/schemas/Status"},
                    "top_severity": {
                        "anyOf": [
                            {"$ref": "#/components/schemas/Severity"},
                            {"type": "null"},
                        ]
                    },
                    "top_finding": {"type": ["string", "null"]},
                    "verdict": {"type": "string"},
                    "peers": {"type": "array", "items": {"type": "string"}},
                    "owner": {"type": ["string", "null"]},
                    "visibility": {"$ref": "#/components/schemas/Visibility"},
                    "created": {"type": "string", "format": "date-time"},
                    "expires": {"type": ["string", "null"], "format": "date-time"},
                },
            },
            "DiagnosisList": {
                "type": "object",
                "required": ["results", "next"],
                "properties": {
                    "results": {
                        "type": "array",
                        "items": {"$ref": "#/components/schemas/DiagnosisSummary"},
                    },
                    "next": {"type": ["string", "null"], "format": "uri"},
                },
            },
            "PasteText": _TEXT,
            "Accepted": {
                "type": "object",
                "required": ["id", "url", "api_url", "status"],
                "properties": {
                    "id": {"type": "string"},
                    "url": {"type": "string", "format": "uri"},
                    "api_url": {"type": "string", "format": "uri"},
                    "status": {"$ref": "#/components/schemas/Status"},
                    "message": {
                        "type": "string",
                        "description": "Present when the job queue did not take "
                        "the diagnosis yet; it starts when the queue is back.",
                    },
                },
            },
            "Status": {
                "type": "string",
                "enum": ["queued", "running", "done", "failed"],
            },
            "Source": {
                "type": "object",
                "required": ["kind", "first_line", "last_line", "records"],
                "properties": {
                    "kind": {
                        "type": "string",
                        "examples": [ASA_SHOW_CRYPTO_ISAKMP_SA],
                    },
                    "first_line": {"type": "integer"},
                    "last_line": {"type": "integer"},
                    "records": {"type": "array", "items": {"type": "object"}},
                },
            },
            "Finding": {
                "type": "object",
                "required": ["code", "severity", "title", "detail", "lines"],
                "properties": {
                    "code": {"type": "string"},
                    "severity": {
                        "type": "string",
                        "enum": ["info", "warning", "error", "critical"],
                    },
                    "title": {"type": "string"},
                    "detail": {"type": "string"},
                    "subject": {"type": "string"},
                    "article": {"type": "string"},
                    "anchor": {"type": "string"},
                    "lines": {"type": "array", "items": {"type": "integer"}},
                    "next_commands": {"type": "array", "items": {"type": "string"}},
                },
            },
            "Diagnosis": {
                "type": "object",
                "required": ["id", "status", "sources", "findings", "created"],
                "properties": {
                    "id": {"type": "string"},
                    "url": {"type": "string", "format": "uri"},
                    "status": {"$ref": "#/components/schemas/Status"},
                    "title": {"type": "string"},
                    "team": {"type": ["string", "null"]},
                    "owner": {"type": ["string", "null"]},
                    "visibility": {"$ref": "#/components/schemas/Visibility"},
                    "expires": {"type": ["string", "null"], "format": "date-time"},
                    "files": {
                        "type": "array",
                        "description": "Each uploaded file and its lines in the "
                        "paste; empty for a paste alone.",
                        "items": {
                            "type": "object",
                            "required": ["name", "first_line", "last_line"],
                            "properties": {
                                "name": {"type": "string"},
                                "first_line": {"type": "integer"},
                                "last_line": {"type": "integer"},
                            },
                        },
                    },
                    "sources": {
                        "type": "array",
                        "items": {"$ref": "#/components/schemas/Source"},
                    },
                    "findings": {
                        "type": "array",
                        "items": {"$ref": "#/components/schemas/Finding"},
                    },
                    "unparsed_lines": {"type": ["integer", "null"]},
                    "tunnels": {
                        "type": "array",
                        "items": {"$ref": "#/components/schemas/Tunnel"},
                    },
                    "created": {"type": "string", "format": "date-time"},
                    "finished": {"type": ["string", "null"], "format": "date-time"},
                    "engine_version": {"type": "string"},
                    "error": {"type": "string"},
                },
            },
            "Tunnel": {
                "type": "object",
                "description": "One verdict per peer the paste tells about.",
                "required": ["peer", "phase1", "phase2", "traffic", "verdict"],
                "properties": {
                    "local": {"type": ["string", "null"]},
                    "peer": {"type": "string"},
                    "ike_version": {
                        "type": ["integer", "null"],
                        "minimum": 1,
                        "maximum": 2,
                    },
                    "phase1": {"enum": ["up", "down", "stuck", "unknown"]},
                    "phase1_state": {"type": ["string", "null"]},
                    "phase2": {"enum": ["up", "down", "unknown"]},
                    "traffic": {
                        "enum": [
                            "both",
                            "outbound-only",
                            "inbound-only",
                            "none",
                            "unknown",
                        ]
                    },
                    "verdict": {"type": "string"},
                    "finding": {"type": ["string", "null"]},
                    "lines": {"type": "array", "items": {"type": "integer"}},
                },
            },
            "SearchResult": {
                "type": "object",
                "required": ["slug", "title", "url", "snippet"],
                "properties": {
                    "slug": {"type": "string"},
                    "title": {"type": "string"},
                    "url": {"type": "string"},
                    "snippet": {"type": "string"},
                },
            },
        },
    },
}
