from functools import wraps
from html import escape

from django.conf import settings
from django.http import (
    Http404,
    HttpResponse,
    HttpResponseNotAllowed,
    HttpResponseRedirect,
)
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django_htmx.http import HttpResponseClientRedirect, HttpResponseStopPolling

from analyzer.engine import split_lines
from analyzer.forms import (
    PasteForm,
    check_request_size,
    read_submission,
    request_errors,
)
from analyzer.models import Diagnosis
from analyzer.textinput import InputError, human_size

# Columns shown first for the kinds of output an engineer reads most; any other
# field a record has follows them.
PREFERRED_COLUMNS = (
    ("isakmp", ("peer", "state", "role", "type", "rekey")),
    ("ikev2", ("peer", "local", "remote", "state", "role")),
    (
        "ipsec",
        (
            "peer",
            "local_ident",
            "remote_ident",
            "encaps",
            "decaps",
            "send_errors",
            "recv_errors",
            "outbound_spi",
            "inbound_spi",
        ),
    ),
)
HIDDEN_FIELDS = {"lines", "at"}


def _allow(*methods):
    """Like require_http_methods, with a sentence in the 405 instead of nothing."""

    def decorator(view):
        @wraps(view)
        def inner(request, *args, **kwargs):
            if request.method not in methods:
                response = HttpResponseNotAllowed(
                    methods,
                    f"Method not allowed; use {' or '.join(methods)}.\n",
                    content_type="text/plain; charset=utf-8",
                )
                return response
            return view(request, *args, **kwargs)

        return inner

    return decorator


_safe = _allow("GET", "HEAD")


@csrf_exempt
@_allow("GET", "HEAD", "POST")
def analyze(request):
    # The size is checked before anything reads the body, CSRF check included, so
    # an oversized upload is refused with a message instead of being parsed; a
    # body Django cannot parse gets the form and a message rather than a bare 400.
    if request.method == "POST":
        try:
            check_request_size(request)
            request_errors(request)
        except InputError as exc:
            return _paste_page(request, PasteForm(), exc)
    return _analyze(request)


@csrf_protect
def _analyze(request):
    if request.method != "POST":
        return _paste_page(request, PasteForm())
    form = PasteForm(request.POST)
    if not form.is_valid():
        return _paste_page(request, form, InputError("Check the fields below."))
    try:
        text = read_submission(
            form.cleaned_data["text"], request.FILES.getlist("files")
        )
    except InputError as exc:
        return _paste_page(request, form, exc)
    diagnosis = Diagnosis.submit(text, title=form.cleaned_data["title"])
    url = diagnosis.get_absolute_url()
    if request.htmx:
        # An XHR would follow a redirect and swap the whole page into the form.
        return HttpResponseClientRedirect(url)
    return HttpResponseSeeOther(url)


class HttpResponseSeeOther(HttpResponseRedirect):
    status_code = 303


def _paste_page(request, form, error=None):
    ctx = {
        "form": form,
        "error": error.message if error else "",
        "max_size": human_size(settings.ANALYZER_MAX_INPUT_BYTES),
    }
    template = "analyzer/analyze.html"
    if request.htmx and error:
        template += "#form"
    return render(request, template, ctx, status=error.status if error else 200)


def _record_table(source: dict) -> dict:
    kind = source.get("kind", "")
    records = source.get("records") or []
    columns: list[str] = []
    for fragment, preferred in PREFERRED_COLUMNS:
        if fragment in kind:
            columns = [c for c in preferred if any(c in r for r in records)]
            break
    for record in records:
        for key in record:
            if key not in HIDDEN_FIELDS and key not in columns:
                columns.append(key)
    rows = []
    for record in records:
        lines = record.get("lines") or []
        cells = []
        for column in columns:
            value = record.get(column, "")
            if isinstance(value, list | tuple):
                value = ", ".join(str(v) for v in value)
            elif isinstance(value, dict):
                value = ", ".join(f"{k}={v}" for k, v in value.items())
            elif value is None:
                value = ""
            cells.append(value)
        rows.append({"cells": cells, "line": lines[0] if lines else None})
    return {
        "kind": kind,
        "first_line": source.get("first_line"),
        "last_line": source.get("last_line"),
        "columns": columns,
        "rows": rows,
    }


def _state_graph(sources: list[dict]):
    states = []
    for source in sources:
        if "isakmp" not in source.get("kind", ""):
            continue
        for record in source.get("records") or []:
            state = record.get("state")
            if isinstance(state, str) and state and state not in states:
                states.append(state)
    if not states:
        return None
    try:
        from kb.graph import render_state_graph
    except ImportError:
        return None
    # The SVG is drawn by the site's own code from the state table, with state
    # names escaped there; it holds nothing from the paste but those names.
    return mark_safe(render_state_graph(highlight=states))


def _paste_html(text: str, evidence: set[int]) -> str:
    # Built here rather than in a template loop: a 2 MB paste is 100k lines.
    out = []
    for n, line in enumerate(split_lines(text), start=1):
        cls = "line evidence" if n in evidence else "line"
        out.append(f'<span class="{cls}" id="L{n}" data-n="{n}">{escape(line)}</span>')
    return mark_safe("".join(out))


@_safe
def diagnosis(request, diagnosis_id):
    diagnosis = Diagnosis.objects.filter(id=diagnosis_id).first()
    if diagnosis is None:
        if request.htmx:
            # A poll for a diagnosis removed meanwhile: say so and stop polling
            # (htmx would otherwise ask every second for ever).
            return HttpResponseStopPolling(
                render_to_string("analyzer/diagnosis.html#gone", {}, request)
            )
        raise Http404("No diagnosis with this id.")
    report = diagnosis.report or {}
    ctx = {
        "diagnosis": diagnosis,
        "permalink": request.build_absolute_uri(diagnosis.get_absolute_url()),
        "report": report,
        "groups": diagnosis.findings_by_severity(),
        "finding_count": len(report.get("findings") or []),
        "tables": [_record_table(s) for s in report.get("sources") or []],
    }
    template = "analyzer/diagnosis.html"
    if request.htmx:
        ctx["graph"] = _state_graph(report.get("sources") or [])
        html = render_to_string(template + "#status", ctx, request)
        if diagnosis.pending:
            return HttpResponse(html)
        # 286 tells htmx to stop polling after swapping the finished result in.
        return HttpResponseStopPolling(html)
    evidence = {n for f in report.get("findings") or [] for n in f.get("lines") or []}
    ctx["graph"] = _state_graph(report.get("sources") or [])
    ctx["paste"] = _paste_html(diagnosis.input_text, evidence)
    ctx["line_count"] = len(split_lines(diagnosis.input_text))
    return render(request, template, ctx)


@_safe
def raw(request, diagnosis_id):
    diagnosis = get_object_or_404(Diagnosis, id=diagnosis_id)
    response = HttpResponse(
        diagnosis.input_text, content_type="text/plain; charset=utf-8"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="tshoot-{diagnosis.id}.txt"'
    )
    return response
