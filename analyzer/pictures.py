"""Pictures of a report, drawn as SVG on the server: they need no JavaScript.

``counter_bars`` draws each IPsec SA's packets out (encaps) against packets in
(decaps), so "one way only" is seen at a glance. ``timeline`` draws one tunnel's
IKE negotiation as two lifelines and the messages between them. Numbers are printed beside every
bar and a missing direction is labelled "none" with a dashed outline, so nothing
rests on colour alone. Every string from the paste is escaped here.
"""

from __future__ import annotations

from html import escape

from analyzer.paste import TIMELINE_FIRST

MAX_SAS = 24
WIDTH = 640
LABEL_H = 18
BAR_H = 14
GAP = 4
ROW_GAP = 14
BAR_X = 118
BAR_W = 380


def _sas(sources: list[dict]) -> list[dict]:
    sas = []
    for source in sources:
        if "ipsec" not in source.get("kind", ""):
            continue
        for record in source.get("records") or []:
            encaps, decaps = record.get("encaps"), record.get("decaps")
            if isinstance(encaps, int) and isinstance(decaps, int):
                sas.append(record)
    return sas


def _label(sa: dict) -> str:
    peer = sa.get("peer") or "peer unknown"
    local, remote = sa.get("local_ident"), sa.get("remote_ident")
    if local and remote:
        return f"{peer} · {local} → {remote}"
    return str(peer)


def _bar(y: int, name: str, value: int, scale: int, css: str) -> str:
    text_y = y + BAR_H - 3
    caption = f'<text x="0" y="{text_y}" class="bar-name">{name}</text>'
    if value <= 0:
        return (
            caption + f'<rect x="{BAR_X}" y="{y}" width="{BAR_W}" height="{BAR_H}" '
            'class="bar-none"/>'
            + f'<text x="{BAR_X + 6}" y="{text_y}" class="bar-value">0 — none</text>'
        )
    width = max(2, round(BAR_W * value / scale))
    return (
        caption
        + f'<rect x="{BAR_X}" y="{y}" width="{width}" height="{BAR_H}" class="{css}"/>'
        + f'<text x="{BAR_X + width + 6}" y="{text_y}" class="bar-value">'
        f"{value:,}</text>"
    )


def counter_bars(sources: list[dict]) -> str | None:
    """The SVG for the IPsec SAs in ``sources`` (report dicts), or None when the
    paste holds no SA with both counters."""
    sas = _sas(sources)
    if not sas:
        return None
    shown = sas[:MAX_SAS]
    row_h = LABEL_H + 2 * BAR_H + GAP + ROW_GAP
    height = row_h * len(shown)
    parts = []
    summary = []
    for i, sa in enumerate(shown):
        y = i * row_h
        encaps, decaps = sa["encaps"], sa["decaps"]
        scale = max(encaps, decaps, 1)
        label = escape(_label(sa))
        parts.append(f'<text x="0" y="{y + 13}" class="bar-label">{label}</text>')
        parts.append(_bar(y + LABEL_H, "out (encaps)", encaps, scale, "bar-out"))
        parts.append(
            _bar(y + LABEL_H + BAR_H + GAP, "in (decaps)", decaps, scale, "bar-in")
        )
        summary.append(
            f"{escape(str(sa.get('peer') or 'peer unknown'))}: {encaps:,} out, "
            f"{decaps:,} in"
        )
    more = len(sas) - len(shown)
    if more:
        summary.append(f"and {more} more SA{'s' if more != 1 else ''}")
    title = "Packets per IPsec SA. " + "; ".join(summary)
    return (
        f'<svg class="counter-bars" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH}" height="{height}" role="img" aria-label="{title}" '
        'xmlns="http://www.w3.org/2000/svg">'
        f"<title>{title}</title>" + "".join(parts) + "</svg>"
    )


# --- the negotiation timeline ------------------------------------------------------
TL_WIDTH = 560
TL_TIME_X = 0
TL_LOCAL_X = 128
TL_PEER_X = 452
TL_LINE_X = 470
TL_HEAD_H = 52
TL_ROW_H = 30
TL_LABEL_CHARS = 40
TIMELINE_SHOWN = 40  # events drawn; the rest is counted in a row of its own

_VERB = {"sent": "sent", "resent": "resent", "received": "received"}


def _clock(time: str | None) -> str:
    """The time of day of a stamp ("Nov 20 2026 09:14:02" -> "09:14:02"), to
    keep the time column narrow; the whole stamp is in the row's title."""
    if not time:
        return ""
    for word in reversed(time.split()):
        if ":" in word:
            clock = word.split("T")[-1]
            # Tenths of a millisecond say nothing at this scale.
            head, dot, frac = clock.partition(".")
            return head + (dot + frac[:3] if frac else "")
    return time[:12]


def _short(text: str, chars: int = TL_LABEL_CHARS) -> str:
    return text if len(text) <= chars else text[: chars - 1] + "…"


def _event_row(event: dict, y: int, stop_line: int | None, arrow_id: str) -> str:
    actor, kind = event.get("actor"), event.get("event")
    label = str(event.get("label") or "")
    line = event.get("line")
    time = event.get("time")
    mid = y + TL_ROW_H // 2
    words = f"line {line}" + (f", {time}" if time else "")
    out = [f'<g class="tl-event tl-{escape(str(kind))}">']
    out.append(f"<title>{escape(words)}</title>")
    if time:
        out.append(
            f'<text x="{TL_TIME_X}" y="{mid + 4}" class="tl-time">'
            f"{escape(_clock(time))}</text>"
        )
    out.append(
        f'<text x="{TL_LINE_X}" y="{mid + 4}" class="tl-line">line {line}</text>'
    )
    if kind in _VERB:
        start, end = (
            (TL_LOCAL_X, TL_PEER_X) if actor == "local" else (TL_PEER_X, TL_LOCAL_X)
        )
        end += -4 if end > start else 4
        dash = ' stroke-dasharray="5 4"' if kind == "resent" else ""
        out.append(
            f'<line x1="{start}" y1="{mid + 6}" x2="{end}" y2="{mid + 6}"'
            f' class="tl-arrow tl-arrow-{escape(str(actor))}"{dash}'
            f' marker-end="url(#{arrow_id})"/>'
        )
        text = _short(f"{_VERB[kind]} {label}".strip())
        out.append(
            f'<text x="{(TL_LOCAL_X + TL_PEER_X) // 2}" y="{mid + 1}"'
            f' text-anchor="middle" class="tl-label">{escape(text)}</text>'
        )
    else:
        x = TL_LOCAL_X if actor == "local" else TL_PEER_X
        if kind == "up":
            # A tick in a circle: done.
            out.append(
                f'<circle cx="{x}" cy="{mid}" r="8" class="tl-up-mark"/>'
                f'<path d="M{x - 4},{mid} l3,3 l5,-6" class="tl-tick"/>'
            )
        else:
            # A cross in a square: refused, failed, gave up.
            out.append(
                f'<rect x="{x - 8}" y="{mid - 8}" width="16" height="16"'
                ' class="tl-refused-mark"/>'
                f'<path d="M{x - 4},{mid - 4} l8,8 M{x + 4},{mid - 4} l-8,8"'
                ' class="tl-cross"/>'
            )
        align, tx = ("start", x + 14) if actor == "local" else ("end", x - 14)
        out.append(
            f'<text x="{tx}" y="{mid + 4}" text-anchor="{align}" class="tl-note">'
            f"{escape(_short(label, 44))}</text>"
        )
    if line is not None and line == stop_line:
        out.append(
            f'<rect x="{TL_LOCAL_X - 18}" y="{y + 1}" width="{TL_PEER_X - TL_LOCAL_X + 36}"'
            f' height="{TL_ROW_H - 2}" rx="4" class="tl-stop-frame"/>'
        )
    out.append("</g>")
    return "".join(out)


def timeline(tunnel: dict, index: int = 0) -> str | None:
    """The SVG for one tunnel's negotiation (``tunnel["timeline"]`` as the
    report holds it): this end and the peer as lifelines, each message an arrow
    between them with what it carried, refusals and completions marked on the
    end that printed them (a cross in a square, a tick in a circle), the time
    and the paste line of each, and a last row saying where it stopped."""
    drawn = tunnel.get("timeline") if isinstance(tunnel, dict) else None
    if not isinstance(drawn, dict) or not drawn.get("events"):
        return None
    events = [e for e in drawn["events"] if isinstance(e, dict)][:TIMELINE_SHOWN]
    left_out = int(drawn.get("left_out") or 0)
    stopped = drawn.get("stopped") or {}
    local = drawn.get("local") or tunnel.get("local")
    peer = drawn.get("peer") or tunnel.get("peer") or "peer"
    arrow_id = f"tl-arrow-{index}"
    title_id, desc_id = f"tl-title-{index}", f"tl-desc-{index}"
    first_part = events
    last_part: list[dict] = []
    if left_out:
        # The first events and the latest, with the count between them.
        first_part, last_part = events[:TIMELINE_FIRST], events[TIMELINE_FIRST:]
    rows = len(events) + (1 if left_out else 0) + 2
    height = TL_HEAD_H + rows * TL_ROW_H + 8
    stop_line = stopped.get("line")
    out = [
        f'<svg class="timeline" viewBox="0 0 {TL_WIDTH} {height}" width="{TL_WIDTH}"'
        f' height="{height}" role="img" aria-labelledby="{title_id} {desc_id}"'
        ' xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{title_id}">IKE negotiation between '
        f"{escape(local or 'this end')} and {escape(peer)}</title>",
        f'<desc id="{desc_id}">{escape(_describe(events, left_out, stopped))}</desc>',
        f'<defs><marker id="{arrow_id}" viewBox="0 0 10 10" refX="9" refY="5"'
        ' markerWidth="7" markerHeight="7" orient="auto-start-reverse">'
        '<path d="M0,0 L10,5 L0,10 z" class="tl-head"/></marker></defs>',
    ]
    for x, role, name in (
        (TL_LOCAL_X, "This end", local or "address not shown"),
        (TL_PEER_X, "Peer", peer),
    ):
        out.append(
            f'<rect x="{x - 72}" y="2" width="144" height="40" rx="5" class="tl-end"/>'
            f'<text x="{x}" y="18" text-anchor="middle" class="tl-role">{role}</text>'
            f'<text x="{x}" y="35" text-anchor="middle" class="tl-name">'
            f"{escape(_short(str(name), 20))}</text>"
            f'<line x1="{x}" y1="42" x2="{x}" y2="{height - TL_ROW_H}"'
            ' class="tl-lifeline"/>'
        )
    if any(e.get("time") for e in events):
        out.append(f'<text x="{TL_TIME_X}" y="48" class="tl-head-note">time</text>')
    y = TL_HEAD_H
    for event in first_part:
        out.append(_event_row(event, y, stop_line, arrow_id))
        y += TL_ROW_H
    if left_out:
        out.append(
            f'<text x="{(TL_LOCAL_X + TL_PEER_X) // 2}" y="{y + TL_ROW_H // 2 + 4}"'
            f' text-anchor="middle" class="tl-gap">… {left_out} more event'
            f"{'s' if left_out != 1 else ''} in between …</text>"
        )
        y += TL_ROW_H
    for event in last_part:
        out.append(_event_row(event, y, stop_line, arrow_id))
        y += TL_ROW_H
    if stopped.get("text"):
        healthy = bool(stopped.get("healthy"))
        mark = "✓" if healthy else "■"
        # "Stopped at line 9: no answer, ..." on two lines: where, then why.
        where, _, why = str(stopped["text"]).partition(": ")
        css = "tl-ok" if healthy else "tl-bad"
        out.append(
            f'<text x="{TL_LOCAL_X - 18}" y="{y + TL_ROW_H // 2 + 4}"'
            f' class="tl-stopped {css}">{mark} {escape(_short(where, 60))}'
            f"{':' if why else ''}</text>"
        )
        if why:
            out.append(
                f'<text x="{TL_LOCAL_X}" y="{y + TL_ROW_H + TL_ROW_H // 2}"'
                f' class="tl-stopped {css}">{escape(_short(why, 56))}</text>'
            )
    out.append("</svg>")
    return "".join(out)


def _describe(events: list[dict], left_out: int, stopped: dict) -> str:
    """The drawing in words, for a screen reader."""
    said = []
    for event in events[:TIMELINE_SHOWN]:
        who = "this end" if event.get("actor") == "local" else "the peer"
        kind = event.get("event")
        label = event.get("label") or ""
        if kind in ("sent", "resent"):
            said.append(f"{who} {kind} {label}".strip())
        elif kind == "received":
            said.append(f"this end received {label}".strip())
        else:
            said.append(f"{who}: {label}")
    if left_out:
        said.append(f"{left_out} more events")
    if stopped.get("text"):
        said.append(str(stopped["text"]))
    return "; ".join(said) + "."
