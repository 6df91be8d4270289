"""Article Markdown -> safe HTML, a table of contents, and plain text for search.

Authors write Markdown; raw HTML in it is allowed through only as far as the
sanitizer's allow-list below. The ISAKMP state table and state graph are produced by
this project's own code from ``analyzer.isakmp`` and inserted after sanitizing, in
place of the placeholders ``[[isakmp-state-table]]`` and ``[[isakmp-state-graph]]``
written on a line of their own.
"""

from __future__ import annotations

import hashlib
import html as htmllib
import re
import threading
from dataclasses import dataclass, field

import markdown
import nh3
import yaml

from analyzer import isakmp

# Bump when the output of this module (or the search terms derived from it) changes,
# so the next sync re-renders every article even though no file changed.
RENDER_VERSION = "7"

EXTENSIONS = ["toc", "tables", "fenced_code", "attr_list"]
EXTENSION_CONFIGS = {
    "toc": {"permalink": False},
    # align="" instead of style="", which the sanitizer does not let through.
    "tables": {"use_align_attribute": True},
}

HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
ALLOWED_TAGS = HEADINGS | {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "code",
    "dd",
    "del",
    "details",
    "div",
    "dl",
    "dt",
    "em",
    "hr",
    "i",
    "img",
    "kbd",
    "li",
    "mark",
    "ol",
    "p",
    "pre",
    "s",
    "samp",
    "small",
    "span",
    "strong",
    "sub",
    "summary",
    "sup",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "ul",
}
ALLOWED_ATTRIBUTES = {
    **{h: {"id"} for h in HEADINGS},
    "a": {"href", "title"},
    "abbr": {"title"},
    "img": {"src", "alt", "title", "width", "height"},
    "pre": {"class"},
    "code": {"class"},
    "th": {"align", "colspan", "rowspan"},
    "td": {"align", "colspan", "rowspan"},
    "ol": {"start"},
}

TABLE_PLACEHOLDER = "[[isakmp-state-table]]"
GRAPH_PLACEHOLDER = "[[isakmp-state-graph]]"
# Markdown wraps a placeholder alone on its line in a paragraph.
_PLACEHOLDER_RE = re.compile(r"<p>\s*\[\[(isakmp-state-(?:table|graph))\]\]\s*</p>")
_PRE_RE = re.compile(r"<pre>(\s*<code)")
# Section headings (after sanitizing, ids come from the toc extension or {#id}).
_SECTION_HEADING_RE = re.compile(r'<(h[23]) id="([^"<>]+)">(.*?)</\1>', re.DOTALL)


# libyaml's loader when PyYAML was built with it (ten times faster), the same
# safe subset of YAML either way.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass
class Rendered:
    html: str
    toc: list = field(default_factory=list)
    headings: list[str] = field(default_factory=list)
    text: str = ""


class FrontMatterError(ValueError):
    pass


def split_front_matter(text: str) -> tuple[dict, str]:
    """``(meta, body)`` from a file that starts with a ``---`` YAML block."""
    text = text.lstrip("\ufeff")
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        raise FrontMatterError("the file does not start with a '---' front matter line")
    for i, line in enumerate(lines[1:], start=1):
        if line.strip() == "---":
            try:
                meta = yaml.load("".join(lines[1:i]), Loader=_YAML_LOADER) or {}
            except yaml.YAMLError as exc:
                raise FrontMatterError(
                    f"front matter is not valid YAML: {exc}"
                ) from exc
            if not isinstance(meta, dict):
                raise FrontMatterError("front matter is not a mapping")
            return meta, "".join(lines[i + 1 :])
    raise FrontMatterError("the front matter has no closing '---' line")


def fingerprint() -> str:
    """Changes whenever rendering would change for the same Markdown."""
    h = hashlib.sha256(RENDER_VERSION.encode())
    h.update(repr(isakmp.STATES).encode())
    h.update(repr(isakmp.MAIN_MODE_MESSAGES).encode())
    h.update(repr(isakmp.AGGRESSIVE_MODE_MESSAGES).encode())
    return h.hexdigest()


def sanitize(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )


_local = threading.local()


def _markdown() -> markdown.Markdown:
    """This thread's converter, reset for each body (building one costs as much
    as converting a short article)."""
    md = getattr(_local, "md", None)
    if md is None:
        md = _local.md = markdown.Markdown(
            extensions=EXTENSIONS, extension_configs=EXTENSION_CONFIGS
        )
    md.reset()
    return md


def render_markdown(body: str) -> tuple[str, list]:
    md = _markdown()
    raw = md.convert(body)
    # Every fenced or indented block is something to type or something a device
    # printed: show it as a terminal, with a copy button added by tshoot.js.
    raw = _PRE_RE.sub(r'<pre class="cli">\1', raw)
    # Focusable once sanitized, so a keyboard can scroll a wide block.
    html = sanitize(raw).replace('<pre class="cli">', '<pre class="cli" tabindex="0">')
    return html, _clean_toc(md.toc_tokens)


def _clean_toc(tokens: list) -> list:
    return [
        {
            "id": t["id"],
            "name": htmllib.unescape(t["name"]),
            "level": t["level"],
            "children": _clean_toc(t.get("children", [])),
        }
        for t in tokens
    ]


def _flatten(toc: list) -> list[dict]:
    out = []
    for entry in toc:
        out.append(entry)
        out.extend(_flatten(entry["children"]))
    return out


def render_article(body: str) -> Rendered:
    from kb.graph import render_state_graph

    html, toc = render_markdown(body)
    html = _PLACEHOLDER_RE.sub(
        lambda m: state_table_html() if m.group(1).endswith("table") else m.group(0),
        html,
    )
    # The graph's labels repeat the table; keep them out of the searchable text.
    text = html_to_text(html)
    html = _PLACEHOLDER_RE.sub(
        lambda m: f'<figure class="state-graph">{render_state_graph()}</figure>',
        html,
    )
    html = add_heading_links(html)
    headings = [entry["name"] for entry in _flatten(toc)]
    return Rendered(html=html, toc=toc, headings=headings, text=text)


def add_heading_links(html: str) -> str:
    """A visible ``#`` link after the text of every h2 and h3 that has an id, so a
    reader can copy the address of a section."""

    def link(m: re.Match) -> str:
        tag, anchor, inner = m.groups()
        if "<a " in inner:
            return m.group(0)  # a link may not hold another
        name = htmllib.escape(htmllib.unescape(re.sub(r"<[^>]*>", "", inner)).strip())
        return (
            f'<{tag} id="{anchor}">{inner}'
            f' <a class="heading-link" href="#{anchor}"'
            f' aria-label="Link to the section {name}">#</a></{tag}>'
        )

    return _SECTION_HEADING_RE.sub(link, html)


def heading_ids(html: str) -> list[str]:
    return re.findall(r'<h[1-6][^>]*\sid="([^"]+)"', html)


PLATFORM_NAMES = {"asa": "ASA, PIX 7+", "ios": "IOS, IOS-XE, PIX 6"}


def state_table_html() -> str:
    """The ISAKMP state table, one row per state in ``analyzer.isakmp.STATES``.

    On a phone each row is laid out as a card (see tshoot.css): the explicit
    roles keep it a table to assistive technology when CSS makes its parts
    blocks, and ``data-label`` names each cell where the header row is hidden."""
    esc = htmllib.escape
    rows = []
    for state in isakmp.STATES:
        platforms = ", ".join(PLATFORM_NAMES.get(p, p) for p in state.platforms)
        rows.append(
            '<tr role="row">'
            f'<td role="cell" class="state-name"><a href="#{esc(state.anchor)}">'
            f"<code>{esc(state.name)}</code></a></td>"
            f'<td role="cell" data-label="Platform">{esc(platforms)}</td>'
            f'<td role="cell" data-label="Mode">{esc(state.mode)}</td>'
            f'<td role="cell" data-label="Role">{esc(state.role)}</td>'
            f'<td role="cell" class="state-summary">{esc(state.summary)}</td>'
            "</tr>"
        )
    headers = ["State", "Platform", "Mode", "Role", "Where the negotiation is"]
    return (
        '<div class="table-scroll states-wrap"><table class="states" role="table">'
        '<thead role="rowgroup"><tr role="row">'
        + "".join(f'<th role="columnheader" scope="col">{h}</th>' for h in headers)
        + '</tr></thead><tbody role="rowgroup">'
        + "".join(rows)
        + "</tbody></table></div>"
    )


_BLOCKS = HEADINGS | {
    "p",
    "li",
    "pre",
    "tr",
    "td",
    "th",
    "div",
    "br",
    "blockquote",
    "dt",
    "dd",
    "table",
}


# A tag, its attributes quoted either way (a quoted value may hold ``>``).
_TAG_RE = re.compile(r"""<(/?)([a-zA-Z][^\s/>]*)(?:[^>"']|"[^"]*"|'[^']*')*>""")


def html_to_text(html: str) -> str:
    """The text of rendered HTML: the text between tags with its character
    references decoded, a space at each block tag, runs of white space made one.

    For this module's own HTML (sanitized, then its own tables), which holds no
    comment, script or stray ``<``: what an ``html.parser`` handler collecting
    the text gives, several times faster."""
    parts = []
    pos = 0
    for m in _TAG_RE.finditer(html):
        if m.start() > pos:
            parts.append(htmllib.unescape(html[pos : m.start()]))
        if m.group(2).lower() in _BLOCKS:
            parts.append(" ")
        pos = m.end()
    parts.append(htmllib.unescape(html[pos:]))
    return " ".join("".join(parts).split())
