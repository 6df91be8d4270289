import hashlib
import re
from functools import wraps
from html import escape
from pathlib import Path

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import (
    Http404,
    HttpResponse,
    HttpResponseNotAllowed,
    HttpResponseRedirect,
)
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils.cache import patch_cache_control
from django.utils.safestring import mark_safe
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import condition
from django_htmx.http import HttpResponseClientRedirect, HttpResponseStopPolling

from accounts.forms import SubmitOptionsForm
from accounts.models import placement, remember_team
from analyzer import registry
from analyzer.engine import split_lines
from analyzer.forms import (
    PasteForm,
    check_request_size,
    read_submission_parts,
    request_errors,
)
from analyzer.middleware import client_id
from analyzer.models import (
    Diagnosis,
    DiagnosisPage,
    finding_titles,
    findings_by_severity,
)
from analyzer.pictures import counter_bars, timeline
from analyzer.registry import IKE_DEBUG, PEER_IKE_LOG
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
# What the permalink shows of a very large diagnosis. Beyond these a page stops
# being readable long before it stops being fast; the rest is one click away
# (?findings=all) or in the JSON, and every line stays in the numbered paste.
FINDINGS_SHOWN = 100  # per severity
EVIDENCE_SHOWN = 12  # lines quoted per finding (all of them are highlighted)
EVIDENCE_OPEN = 3  # of those, quoted in the open; the rest behind "more lines"
QUOTE_CHARS = 200  # characters of a quoted line
ROWS_SHOWN = 100  # records per kind of output
CELL_CHARS = 160  # characters per table cell
PASTE_CHUNK = 500  # lines per chunk of the numbered paste
RAW_MAX_AGE = 24 * 3600
# One real output per family, for the paste page's one-click examples
# (analyzer/examples/README.md says where each comes from).
EXAMPLES_DIR = Path(__file__).resolve().parent / "examples"
EXAMPLES = (
    ("isakmp", "show crypto isakmp sa", "asa_isakmp_sa_mm_wait_msg4.txt"),
    ("ipsec", "show crypto ipsec sa (one way)", "asa_ipsec_sa_one_way.txt"),
    ("asa-debug", "ASA IKE debug", "asa_ike_debug_mm_wait_msg4.txt"),
    ("ios-debug", "IOS debug crypto isakmp", "ios_debug_no_answer.txt"),
    ("syslog", "show logging", "asa_show_logging.txt"),
    ("tcpdump", "tcpdump", "tcpdump_ike_one_way.txt"),
    ("packet-tracer", "packet-tracer", "asa_packet_tracer_vpn_drop.txt"),
)


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


# A paste and its title are secret until redacted: an error report (the mail an
# admin gets, a log) shows neither the POST nor a local variable of any frame below.
@sensitive_post_parameters()
@sensitive_variables()
@csrf_exempt
@_allow("GET", "HEAD", "POST")
def analyze(request):
    if not settings.ALLOW_ANONYMOUS and not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
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
        example = next(
            (e for e in EXAMPLES if e[0] == request.GET.get("example")), None
        )
        if example is not None:
            text = (EXAMPLES_DIR / example[2]).read_text(encoding="utf-8")
            form = PasteForm(initial={"text": text, "title": f"Example: {example[1]}"})
            return _paste_page(request, form, example=example[0])
        return _paste_page(request, PasteForm())
    form = PasteForm(request.POST)
    options = _submit_options(request)
    if not form.is_valid() or (options and not options.is_valid()):
        error = InputError("Check the fields below.")
        return _paste_page(request, form, error, options)
    try:
        text, parts = read_submission_parts(
            form.cleaned_data["text"], request.FILES.getlist("files")
        )
    except InputError as exc:
        return _paste_page(request, form, exc, options)
    # Anonymous: a link diagnosis owned by no one.
    place = options.cleaned_data["placement"] if options else placement(request.user)
    diagnosis = Diagnosis.submit(
        text,
        title=form.cleaned_data["title"],
        client=client_id(request),
        files=parts,
        **place,
    )
    remember_team(request.user, place["team"])
    url = diagnosis.get_absolute_url()
    if request.htmx:
        # An XHR would follow a redirect and swap the whole page into the form.
        return HttpResponseClientRedirect(url)
    return HttpResponseSeeOther(url)


class HttpResponseSeeOther(HttpResponseRedirect):
    status_code = 303


def _submit_options(request):
    """The team, visibility and expiry fields, for a signed-in user only."""
    if not request.user.is_authenticated:
        return None
    data = request.POST if request.method == "POST" else None
    return SubmitOptionsForm(request.user, data)


def _paste_page(request, form, error=None, options=None, example=None):
    ctx = {
        "form": form,
        "options": options or _submit_options(request),
        "error": error.message if error else "",
        "max_size": human_size(settings.ANALYZER_MAX_INPUT_BYTES),
        "examples": [{"key": k, "label": label} for k, label, _ in EXAMPLES],
        "example": example,
        "supported": registry.supported(),
    }
    template = "analyzer/analyze.html"
    if request.htmx and error:
        template += "#form"
    return render(request, template, ctx, status=error.status if error else 200)


def _cell(value) -> str:
    value = _plain(value)
    # A packet-tracer's phases or a config block can be kilobytes in one cell.
    return value if len(value) <= CELL_CHARS else value[: CELL_CHARS - 1] + "…"


def _plain(value, depth: int = 0) -> str:
    """A record's value as an engineer reads it: lists joined by commas, a
    mapping as "key value" pairs, a list of mappings (a debug's messages, a
    capture's packets) as one entry per item, never a Python repr."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dict):
        if depth > 1:
            return f"{len(value)} fields"
        return ", ".join(
            f"{k.replace('_', ' ')} {_plain(v, depth + 1)}".strip()
            for k, v in sorted(value.items())
            if v not in (None, "", [], {})
        )
    if isinstance(value, list | tuple):
        if depth > 1:
            return f"{len(value)} items"
        sep = "; " if any(isinstance(v, dict) for v in value) else ", "
        return sep.join(_plain(v, depth + 1) for v in value)
    return str(value)


def _record_tables(sources: list[dict]) -> list[dict]:
    """One table per kind of output, its rows in paste order. A big paste holds
    the same command many times; one table each would be thousands."""
    by_kind: dict[str, list[dict]] = {}
    for source in sources:
        by_kind.setdefault(source.get("kind", ""), []).append(source)
    tables = []
    for kind, group in by_kind.items():
        records = [r for s in group for r in s.get("records") or []]
        columns: list[str] = []
        for fragment, preferred in PREFERRED_COLUMNS:
            if fragment in kind:
                columns = [c for c in preferred if any(c in r for r in records)]
                break
        # The rest in name order: PostgreSQL's jsonb keeps a record's keys in
        # its own order, so the page read back from the database must not
        # depend on the order the parser wrote them in.
        rest = {k for record in records for k in record}
        columns.extend(sorted(rest - HIDDEN_FIELDS - set(columns)))
        shown = records[:ROWS_SHOWN]
        tables.append(
            {
                "kind": kind,
                "label": registry.label(kind),
                "outputs": len(group),
                "first_line": group[0].get("first_line"),
                "last_line": group[0].get("last_line"),
                "columns": columns,
                "rows": _rows_html(shown, columns),
                "record_count": len(records),
                "hidden": len(records) - len(shown),
            }
        )
    return tables


def _rows_html(records: list[dict], columns: list[str]) -> str:
    # Built here, like the paste: a table cell in a template loop costs about
    # ten microseconds, and a big paste has tens of thousands of them.
    out = []
    for record in records:
        lines = record.get("lines") or []
        first = lines[0] if lines and isinstance(lines[0], int) else None
        out.append(
            f'<tr><td><a href="#L{first}">{first}</a></td>'
            if first
            else "<tr><td></td>"
        )
        out.extend(f"<td>{escape(_cell(record.get(c, '')))}</td>" for c in columns)
        out.append("</tr>")
    return mark_safe("".join(out))


_CODE = re.compile(r"`([^`\n]{1,200})`")


def _inline(text) -> str:
    """A finding's sentence with its `commands` as code instead of backticks."""
    return mark_safe(_CODE.sub(r"<code>\1</code>", escape(str(text or ""))))


def _quote(numbers: list[int], lines: list[str]) -> str:
    """Evidence lines as quoted text, each with its number linking into the
    paste."""
    out = []
    for n in numbers:
        if not isinstance(n, int) or not 0 < n <= len(lines):
            continue
        text = lines[n - 1]
        if len(text) > QUOTE_CHARS:
            text = text[: QUOTE_CHARS - 1] + "…"
        out.append(f'<a href="#L{n}" class="quote-line">{n}</a> {escape(text.strip())}')
    return mark_safe("\n".join(out))


def _articles(findings: list[dict]) -> dict[str, dict]:
    """Title and section names of the articles the findings cite, in one query."""
    slugs = {f.get("article") for f in findings if f.get("article")}
    if not slugs:
        return {}
    from kb.models import Article

    found = {}
    for slug, title, toc in Article.objects.filter(slug__in=slugs).values_list(
        "slug", "title", "toc"
    ):
        sections: dict[str, str] = {}
        stack = list(toc or [])
        while stack:
            entry = stack.pop()
            if isinstance(entry, dict):
                sections.setdefault(entry.get("id"), entry.get("name"))
                stack.extend(entry.get("children") or [])
        found[slug] = {"title": title, "sections": sections}
    return found


def _reading(finding: dict, articles: dict[str, dict]) -> dict | None:
    slug = finding.get("article")
    if not slug:
        return None
    fragment = finding.get("anchor") or ""
    article = articles.get(slug)
    title = article["title"] if article else slug.replace("-", " ").capitalize()
    section = article["sections"].get(fragment) if article and fragment else None
    return {
        "url": f"/kb/{slug}/" + (f"#{fragment}" if fragment else ""),
        "title": title,
        "section": section,
    }


# The catch-all count of syslog messages: folded away unless it is all there is.
FOLDED_CODES = {"syslog.summary"}


def _finding_groups(report: dict, show_all: bool, lines: list[str]) -> list[dict]:
    groups = []
    findings = report.get("findings") or []
    # Each finding's place in the report names its anchor (#finding-N), so a
    # verdict line or a colleague can link one.
    index = {id(f): n for n, f in enumerate(findings, 1)}
    fold = len(findings) > 1
    articles = _articles(findings)
    for severity, group in findings_by_severity(findings):
        shown = []
        for f in group if show_all else group[:FINDINGS_SHOWN]:
            evidence = [n for n in f.get("lines") or [] if isinstance(n, int)]
            shown.append(
                dict(
                    f,
                    index=index.get(id(f)),
                    title_html=_inline(f.get("title")),
                    detail_html=_inline(f.get("detail")),
                    quote=_quote(evidence[:EVIDENCE_OPEN], lines),
                    quote_more=_quote(evidence[EVIDENCE_OPEN:EVIDENCE_SHOWN], lines),
                    quote_more_count=len(evidence[EVIDENCE_OPEN:EVIDENCE_SHOWN]),
                    lines_more=max(0, len(evidence) - EVIDENCE_SHOWN),
                    commands="\n".join(f.get("next_commands") or []),
                    read=_reading(f, articles),
                    folded=fold and f.get("code") in FOLDED_CODES,
                )
            )
        groups.append(
            {
                "severity": severity,
                "findings": shown,
                "total": len(group),
                "hidden": len(group) - len(shown),
            }
        )
    return groups


def _state_graph(sources: list[dict]):
    """The state graph reduced to the panels of the states the paste shows --
    from `show crypto isakmp sa` tables and from IKEv1 debugs -- with the peers
    named in each marked state."""
    peers: dict[str, list[str]] = {}
    for source in sources:
        kind = source.get("kind", "")
        if "isakmp" in kind:
            field = "state"
        elif kind in (IKE_DEBUG, PEER_IKE_LOG):
            field = "last_state"
        else:
            continue
        for record in source.get("records") or []:
            state = record.get(field)
            if field == "last_state" and record.get("version") == "ikev2":
                continue
            if not isinstance(state, str) or not state:
                continue
            seen = peers.setdefault(state.upper(), [])
            peer = record.get("peer")
            if isinstance(peer, str) and peer and peer not in seen:
                seen.append(peer)
    try:
        from kb.graph import panels_for, render_state_graph
    except ImportError:
        return None
    panels = panels_for(peers)
    if not panels:
        return None
    # The SVG is drawn by the site's own code from the state table, with state
    # names and peers escaped there.
    return mark_safe(
        render_state_graph(highlight=list(peers), panels=panels, peers=peers)
    )


TIMELINES_SHOWN = 6


def _timelines(report: dict) -> list[dict]:
    """A negotiation timeline per tunnel the debugs, logs or captures traced,
    the tunnels with a problem first."""
    traced = [
        t
        for t in report.get("tunnels") or []
        if isinstance(t, dict) and (t.get("timeline") or {}).get("events")
    ]
    traced.sort(key=lambda t: bool((t["timeline"].get("stopped") or {}).get("healthy")))
    out = []
    for n, tunnel in enumerate(traced[:TIMELINES_SHOWN]):
        # Drawn by analyzer.pictures, which escapes every value from the paste.
        svg = timeline(tunnel, n)
        if svg:
            out.append({"peer": tunnel.get("peer"), "svg": mark_safe(svg)})
    return out


def _counters(sources: list[dict]):
    # Drawn by analyzer.pictures, which escapes every value from the paste.
    svg = counter_bars(sources)
    return mark_safe(svg) if svg else None


UNPARSED_SHOWN = 50  # unrecognised lines listed with a jump link


def _unparsed(report: dict, lines: list[str]) -> list[dict]:
    """The first lines nothing recognised, each with its number and text."""
    out = []
    for n in (report.get("unparsed") or [])[:UNPARSED_SHOWN]:
        if isinstance(n, int) and 0 < n <= len(lines):
            text = lines[n - 1].strip()
            out.append({"n": n, "text": text if len(text) <= 90 else text[:89] + "…"})
    return out


def _paste_html(lines: list[str], evidence: set[int], unparsed=frozenset()) -> str:
    """The numbered paste as one string. Built here rather than in a template
    loop (a 2 MiB paste is tens of thousands of lines), with as little markup
    per line as will do: the numbers are a CSS counter, not text. Lines come in
    chunks the browser may skip laying out while they are off screen. A skipped
    chunk is style-contained, so its counter cannot carry on from the chunk
    before: the first line of each chunk sets it afresh."""
    out = []
    for start in range(0, len(lines), PASTE_CHUNK):
        chunk = lines[start : start + PASTE_CHUNK]
        out.append(f'<span class="chunk" style="--lines:{len(chunk)}">')
        for n, line in enumerate(chunk, start=start + 1):
            attrs = f' id="L{n}"'
            if n in evidence:
                attrs += (
                    ' class="evidence unparsed"'
                    if n in unparsed
                    else ' class="evidence"'
                )
            elif n in unparsed:
                # Marked, so what the analyzer did not understand is visible.
                attrs += ' class="unparsed"'
            if n == start + 1:
                attrs += f' style="counter-reset:line {start}"'
            out.append(f"<span{attrs}>{escape(line)}</span>")
        out.append("</span>")
    return mark_safe("".join(out))


_TRAFFIC = {
    "both": "both ways",
    "outbound-only": "out only, nothing back",
    "inbound-only": "in only, nothing out",
    "none": "none yet",
    "unknown": "not shown",
}
_PHASE = {"up": "up", "down": "down", "stuck": "stuck", "unknown": "not shown"}
VERDICTS_SHOWN = 20


def _verdicts(report: dict) -> list[dict]:
    """One line per tunnel for the top of the page: its state, the sentence that
    explains it, the finding to read and the next command to run."""
    findings = report.get("findings") or []
    out = []
    for tunnel in (report.get("tunnels") or [])[:VERDICTS_SHOWN]:
        peer = tunnel.get("peer") or ""
        explaining = next(
            (
                (n, f)
                for n, f in enumerate(findings, 1)
                if f.get("code") == tunnel.get("finding")
                and peer in (f.get("subject") or "") + (f.get("title") or "")
            ),
            (None, None),
        )
        n, finding = explaining
        stopped = (
            tunnel.get("phase1") in ("down", "stuck") or tunnel.get("phase2") == "down"
        )
        one_way = tunnel.get("traffic") in ("outbound-only", "inbound-only")
        state = tunnel.get("phase1_state")
        out.append(
            {
                "peer": peer,
                "local": tunnel.get("local"),
                "phase1": _PHASE.get(tunnel.get("phase1"), "not shown")
                + (f" ({state})" if state and tunnel.get("phase1") != "up" else ""),
                "phase2": _PHASE.get(tunnel.get("phase2"), "not shown"),
                "traffic": _TRAFFIC.get(tunnel.get("traffic"), "not shown"),
                "verdict": _inline(tunnel.get("verdict")),
                "healthy": not (stopped or one_way or finding),
                "severity": (finding or {}).get("severity"),
                "finding": n,
                "next": ((finding or {}).get("next_commands") or [None])[0],
            }
        )
    return out


@_safe
def diagnosis(request, diagnosis_id):
    # The paste and the report are read only when no stored page shows them.
    readable = (
        Diagnosis.objects.visible_to(request.user)
        .select_related("team", "owner")
        .defer("input_text", "report")
    )
    diagnosis = readable.filter(id=diagnosis_id).first()
    if diagnosis is None:
        if request.htmx:
            # A poll for a diagnosis removed meanwhile: say so and stop polling
            # (htmx would otherwise ask every second for ever).
            return HttpResponseStopPolling(
                render_to_string("analyzer/diagnosis.html#gone", {}, request)
            )
        raise Http404("No diagnosis with this id.")
    return diagnosis_page(request, diagnosis)


def _result_context(diagnosis, report: dict, lines: list[str], show_all=False):
    """What the finished part of the page shows, from the report and the paste."""
    sources = report.get("sources") or []
    return {
        "diagnosis": diagnosis,
        "report": report,
        "groups": _finding_groups(report, show_all, lines),
        "finding_count": len(report.get("findings") or []),
        "tables": _record_tables(sources),
        "verdicts": _verdicts(report),
        "unparsed": _unparsed(report, lines),
        "rows_shown": ROWS_SHOWN,
        "counters": _counters(sources),
        "timelines": _timelines(report),
        "graph": _state_graph(sources),
    }


def _numbered_paste(report: dict, lines: list[str]) -> str:
    evidence = {n for f in report.get("findings") or [] for n in f.get("lines") or []}
    unparsed = {n for n in report.get("unparsed") or [] if isinstance(n, int)}
    return _paste_html(lines, evidence, unparsed)


def _render_version() -> str:
    """Names the code a stored page was rendered by: the page's template and the
    modules that build what it shows. Any change to them makes older pages stale."""
    digest = hashlib.sha256()
    for path in (
        Path(__file__),
        Path(__file__).with_name("pictures.py"),
        Path(settings.BASE_DIR) / "templates" / "analyzer" / "diagnosis.html",
        Path(settings.BASE_DIR) / "kb" / "graph.py",
    ):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:32]


RENDER_VERSION = _render_version()


# Pastes of this many characters or more have their finished page rendered once and stored.
# A smaller one renders in a few milliseconds per view (10 kB: about 6 ms), so
# storing it would cost the worker as much as it saves a reader.
STORED_PAGE_MIN_CHARS = 32_000


def render_page(diagnosis, report: dict) -> dict:
    """The finished page's stored fields (DiagnosisPage), rendered from the
    report and the paste once, when the analysis ends."""
    lines = split_lines(diagnosis.input_text)
    ctx = _result_context(diagnosis, report, lines)
    result = render_to_string("analyzer/diagnosis.html#result", ctx)
    return {
        "version": RENDER_VERSION,
        "line_count": len(lines),
        "result_html": DiagnosisPage.pack(result),
        "paste_html": DiagnosisPage.pack(_numbered_paste(report, lines)),
        "finding_titles": finding_titles(report),
    }


def _stored_page(diagnosis):
    if diagnosis.status != Diagnosis.Status.DONE:
        return None
    return (
        DiagnosisPage.objects.filter(diagnosis_id=diagnosis.id, version=RENDER_VERSION)
        .only("line_count", "result_html", "paste_html", "finding_titles")
        .first()
    )


def diagnosis_page(request, diagnosis, shared=False):
    """The page (or, for htmx, its status fragment) of a diagnosis the caller
    may read: by its permalink, or ``shared`` through a share link, whose own
    address is then the one to copy. A finished diagnosis shows the page stored
    when its analysis ended; one without (older code rendered it, or the list of
    every finding was asked for) is rendered from its report."""
    show_all = request.GET.get("findings") == "all"
    permalink = request.path if shared else diagnosis.get_absolute_url()
    ctx = {
        "diagnosis": diagnosis,
        "shared": shared,
        "permalink": request.build_absolute_uri(permalink),
    }
    page = None if show_all else _stored_page(diagnosis)
    if page is not None:
        ctx["result"] = mark_safe(DiagnosisPage.unpack(page.result_html))
        ctx["line_count"] = page.line_count
        ctx["finding_titles"] = page.finding_titles
    else:
        report = diagnosis.report or {}
        lines = split_lines(diagnosis.input_text)
        ctx.update(_result_context(diagnosis, report, lines, show_all))
        ctx["line_count"] = len(lines)
    template = "analyzer/diagnosis.html"
    if request.htmx:
        html = render_to_string(template + "#status", ctx, request)
        if diagnosis.pending:
            return HttpResponse(html)
        # 286 tells htmx to stop polling after swapping the finished result in.
        return HttpResponseStopPolling(html)
    if page is not None:
        ctx["paste"] = mark_safe(DiagnosisPage.unpack(page.paste_html))
    else:
        ctx["paste"] = _numbered_paste(report, lines)
    return render(request, template, ctx)


def _raw_etag(request, diagnosis_id):
    # The stored paste never changes after submit(), so its id names its content.
    # Only for a reader who may see it: a 304 would tell an outsider it exists.
    if Diagnosis.objects.visible_to(request.user).filter(id=diagnosis_id).exists():
        return diagnosis_id
    return None


@_safe
@condition(etag_func=_raw_etag)
def raw(request, diagnosis_id):
    diagnosis = get_object_or_404(
        Diagnosis.objects.visible_to(request.user).only("id", "input_text"),
        id=diagnosis_id,
    )
    response = HttpResponse(
        diagnosis.input_text, content_type="text/plain; charset=utf-8"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="tshoot-{diagnosis.id}.txt"'
    )
    # Private: the link is the only key to the paste, so no shared cache keeps it.
    patch_cache_control(response, private=True, max_age=RAW_MAX_AGE)
    return response
