"""The ISAKMP (IKEv1) phase 1 state graph, drawn as SVG from ``analyzer.isakmp``.

Three panels, stacked so the drawing stays narrow enough for a phone: ASA main mode
and ASA aggressive mode (initiator and responder side by side, the numbered messages
crossing between them) and IOS/PIX main and aggressive mode, which both end in
QM_IDLE. Boxes follow each state's ``step`` and role; the arrows inside a column are
the states' ``next`` transitions. Every box links to the state's section of the
article; the states passed in ``highlight`` are marked, so the analyzer can show
where a tunnel is stuck. The analyzer draws only the panels of the platform and mode
its states belong to (``panels_for``) and names the peers in each marked box: a
state still negotiating is drawn stuck (dashed red frame, "stuck" in words), an
established one healthy (solid green frame, "up").
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from analyzer import isakmp

WIDTH = 400
BOX_W = 156
BOX_H = 40
ROW = 60
TOP = 62  # panel title and column headings above the first row
COLUMNS = {"left": 12, "right": WIDTH - 12 - BOX_W, "centre": (WIDTH - BOX_W) // 2}


@dataclass
class Node:
    state: isakmp.IsakmpState
    column: str
    row: int
    y0: int  # top of the panel

    @property
    def x(self) -> int:
        return COLUMNS[self.column]

    @property
    def y(self) -> int:
        return self.y0 + TOP + self.row * ROW

    @property
    def cx(self) -> int:
        return self.x + BOX_W // 2

    @property
    def cy(self) -> int:
        return self.y + BOX_H // 2


@dataclass
class Panel:
    title: str
    headings: tuple[str, str]
    nodes: list[Node]
    messages: list[tuple[int, Node, Node]]  # (number, from, to)
    rows: int


def _states(platform: str, modes: tuple[str, ...]) -> list[isakmp.IsakmpState]:
    return [s for s in isakmp.STATES if platform in s.platforms and s.mode in modes]


def _asa_panel(title: str, mode: str, messages, y0: int) -> Panel:
    """Initiator left, responder right; message k leaves the sender's box on row
    k-1 and reaches the receiver's box on row k."""
    side = {"initiator": "left", "responder": "right"}
    nodes: list[Node] = []
    last_number, last_sender, _ = messages[-1]
    for state in sorted(_states("asa", (mode,)), key=lambda s: s.step):
        if state.role in side:
            nodes.append(Node(state, side[state.role], state.step - 1, y0))
        else:
            # Both ends finish here: the sender of the last message first.
            receiver = "responder" if last_sender == "initiator" else "initiator"
            nodes.append(Node(state, side[last_sender], last_number - 1, y0))
            nodes.append(Node(state, side[receiver], last_number, y0))
    at = {(n.column, n.row): n for n in nodes}
    arrows = []
    for number, sender, _ in messages:
        receiver_side = "right" if sender == "initiator" else "left"
        start = at.get((side[sender], number - 1))
        end = at.get((receiver_side, number))
        if start and end:
            arrows.append((number, start, end))
    rows = max(n.row for n in nodes) + 1
    return Panel(title, ("Initiator", "Responder"), nodes, arrows, rows)


def _ios_panel(y0: int) -> Panel:
    """Main mode left, aggressive mode right, both ending in the quick-mode state."""
    nodes: list[Node] = []
    for mode, column in (("main", "left"), ("aggressive", "right")):
        for row, state in enumerate(
            sorted(_states("ios", (mode,)), key=lambda s: s.step)
        ):
            nodes.append(Node(state, column, row, y0))
    last_row = max(n.row for n in nodes)
    for state in _states("ios", ("quick",)):
        nodes.append(Node(state, "centre", last_row + 1, y0))
    rows = max(n.row for n in nodes) + 1
    return Panel(
        "IOS, IOS-XE and PIX 6", ("Main mode", "Aggressive mode"), nodes, [], rows
    )


PANELS = {
    "asa-main": lambda y: _asa_panel(
        "ASA main mode", "main", isakmp.MAIN_MODE_MESSAGES, y
    ),
    "asa-aggressive": lambda y: _asa_panel(
        "ASA aggressive mode", "aggressive", isakmp.AGGRESSIVE_MODE_MESSAGES, y
    ),
    "ios": _ios_panel,
}


def panel_of(state: isakmp.IsakmpState) -> str:
    """The panel a state is drawn in."""
    if "asa" in state.platforms:
        return "asa-main" if state.mode == "main" else "asa-aggressive"
    return "ios"


def panels_for(states) -> tuple[str, ...]:
    """The panels (keys of ``PANELS``, in drawing order) that hold ``states``."""
    wanted = {panel_of(found) for name in states if (found := isakmp.lookup(name))}
    return tuple(key for key in PANELS if key in wanted)


def _panels(keys=None) -> list[Panel]:
    panels = []
    y0 = 0
    for key, build in PANELS.items():
        if keys is not None and key not in keys:
            continue
        panel = build(y0)
        panels.append(panel)
        y0 += TOP + panel.rows * ROW + 16
    return panels


def _transitions(panel: Panel) -> list[tuple[Node, Node]]:
    """Each state's ``next``, drawn to the copy of the target in the same column
    when the target is drawn twice."""
    edges = []
    for node in panel.nodes:
        for target in node.state.next:
            candidates = [n for n in panel.nodes if n.state.name == target]
            if not candidates:
                continue
            same = [n for n in candidates if n.column == node.column]
            edges.append((node, (same or candidates)[0]))
    # A state drawn twice has its transitions drawn once per copy; keep one.
    seen, unique = set(), []
    for a, b in edges:
        key = (a.state.name, a.column, b.state.name, b.column)
        if key not in seen:
            seen.add(key)
            unique.append((a, b))
    return unique


def _box(node: Node, link_prefix: str, highlighted: bool, peers=()) -> str:
    s = node.state
    classes = ["state", f"role-{s.role}"]
    if s.established:
        classes.append("established")
    if highlighted:
        classes.append("highlighted")
        classes.append("healthy" if s.established else "stuck")
    label = f"{s.name}: {s.summary}"
    aria = f' aria-label="{escape(s.name)}, current state"' if highlighted else ""
    dash = ""
    if highlighted and s.established:
        fill, stroke, width = "#cdebc8", "#1b5e20", 3
    elif highlighted:
        fill, stroke, width = "#ffe0cc", "#b3261e", 3
        dash = ' stroke-dasharray="7 3"'
    elif s.established:
        fill, stroke, width = "#e3f4e1", "#2e7d32", 1.5
    else:
        fill, stroke, width = "#eef3fb", "#36597f", 1.5
    name_y = node.cy + 5
    note = ""
    if highlighted and peers:
        # Which peers sit here, under the state's name, with the word for it.
        name_y = node.cy - 1
        word = "✓ up" if s.established else "✗ stuck"
        who = peers[0] if len(peers) == 1 else f"{len(peers)} peers"
        text = f"{word} · {who}"
        text = text if len(text) <= 24 else text[:23] + "…"
        aria = (
            f' aria-label="{escape(s.name)}, current state'
            f'{"" if s.established else ", stuck"}, {escape(", ".join(peers[:5]))}"'
        )
        note = (
            f'<text x="{node.cx}" y="{node.cy + 14}" text-anchor="middle"'
            ' font-family="system-ui, sans-serif" font-size="11" fill="#14202e"'
            f' class="state-peer">{escape(text)}</text>'
        )
    return (
        f'<a class="{" ".join(classes)}" href="{escape(link_prefix)}#{escape(s.anchor)}"'
        f' data-state="{escape(s.name)}"{aria}>'
        f"<title>{escape(label)}</title>"
        f'<rect x="{node.x}" y="{node.y}" width="{BOX_W}" height="{BOX_H}" rx="6"'
        f' fill="{fill}" stroke="{stroke}" stroke-width="{width}"{dash}/>'
        f'<text x="{node.cx}" y="{name_y}" text-anchor="middle"'
        f' font-family="ui-monospace, Menlo, Consolas, monospace" font-size="14"'
        f' font-weight="600" fill="#14202e">{escape(s.name)}</text>'
        f"{note}</a>"
    )


def _edge(a: Node, b: Node) -> str:
    if a.column == b.column:
        x1, y1, x2, y2 = a.cx, a.y + BOX_H, b.cx, b.y
    else:
        x1, y1 = a.cx, a.y + BOX_H
        x2, y2 = b.cx + (BOX_W // 4 if a.column == "right" else -BOX_W // 4), b.y
    return (
        f'<line class="transition" x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2 - 2}"'
        ' stroke="#5b6b7c" stroke-width="1.5" stroke-dasharray="4 3"'
        ' marker-end="url(#tshoot-arrow)"/>'
    )


def _message(number: int, a: Node, b: Node) -> str:
    if a.column == "left":
        x1, x2 = a.x + BOX_W, b.x
    else:
        x1, x2 = a.x, b.x + BOX_W
    y1, y2 = a.cy, b.cy
    mx, my = (x1 + x2) / 2, (y1 + y2) / 2
    return (
        f'<g class="message" data-message="{number}">'
        f'<line x1="{x1}" y1="{y1}" x2="{x2 + (-3 if x2 > x1 else 3)}" y2="{y2}"'
        ' stroke="#36597f" stroke-width="1.5" marker-end="url(#tshoot-arrow)"/>'
        f'<circle cx="{mx:g}" cy="{my:g}" r="10" fill="#fff" stroke="#36597f"/>'
        f'<text x="{mx:g}" y="{my + 4:g}" text-anchor="middle" font-size="12"'
        f' font-family="system-ui, sans-serif" fill="#14202e">{number}</text>'
        "</g>"
    )


def render_state_graph(
    highlight=(),
    link_prefix: str = "/kb/isakmp-states/",
    panels=None,
    peers=None,
) -> str:
    """The state graph as an ``<svg>`` element; ``highlight`` names states (any
    case) to mark, ``panels`` the keys of ``PANELS`` to draw (all by default),
    ``peers`` maps a state's name to the peers seen in it."""
    if isinstance(highlight, str):
        highlight = (highlight,)
    marked = {str(h).strip().upper() for h in highlight or ()}
    peers = {str(k).strip().upper(): list(v) for k, v in (peers or {}).items()}
    panels = _panels(panels) or _panels()
    height = panels[-1].nodes[0].y0 + TOP + panels[-1].rows * ROW
    out = [
        f'<svg class="state-graph" xmlns="http://www.w3.org/2000/svg"'
        f' viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}"'
        ' role="group" aria-labelledby="state-graph-title"'
        ' preserveAspectRatio="xMidYMin meet">',
        '<title id="state-graph-title">ISAKMP (IKEv1) phase 1 states</title>',
        '<defs><marker id="tshoot-arrow" viewBox="0 0 10 10" refX="9" refY="5"'
        ' markerWidth="7" markerHeight="7" orient="auto-start-reverse">'
        '<path d="M0,0 L10,5 L0,10 z" fill="#36597f"/></marker></defs>',
    ]
    for panel in panels:
        y0 = panel.nodes[0].y0
        out.append(f'<g class="panel" data-panel="{escape(panel.title)}">')
        out.append(
            f'<text x="{WIDTH // 2}" y="{y0 + 20}" text-anchor="middle" font-size="16"'
            ' font-weight="700" font-family="system-ui, sans-serif" fill="#14202e">'
            f"{escape(panel.title)}</text>"
        )
        for heading, column in zip(panel.headings, ("left", "right"), strict=True):
            out.append(
                f'<text x="{COLUMNS[column] + BOX_W // 2}" y="{y0 + 46}"'
                ' text-anchor="middle" font-size="13" font-family="system-ui, sans-serif"'
                f' fill="#4a5968">{escape(heading)}</text>'
            )
        for a, b in _transitions(panel):
            out.append(_edge(a, b))
        for number, a, b in panel.messages:
            out.append(_message(number, a, b))
        for node in panel.nodes:
            name = node.state.name
            out.append(_box(node, link_prefix, name in marked, peers.get(name, ())))
        out.append("</g>")
    out.append("</svg>")
    return "".join(out)
