"""Pictures of a report, drawn as SVG on the server: they need no JavaScript.

``counter_bars`` draws each IPsec SA's packets out (encaps) against packets in
(decaps), so "one way only" is seen at a glance. Numbers are printed beside every
bar and a missing direction is labelled "none" with a dashed outline, so nothing
rests on colour alone. Every string from the paste is escaped here.
"""

from __future__ import annotations

from html import escape

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
