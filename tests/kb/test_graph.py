import xml.etree.ElementTree as ET

from django.conf import settings

from analyzer import isakmp
from kb.graph import render_state_graph
from kb.rendering import heading_ids, render_article, split_front_matter

SVG = "{http://www.w3.org/2000/svg}"


def state_links(svg: str) -> list[ET.Element]:
    root = ET.fromstring(svg)
    return [a for a in root.iter(f"{SVG}a") if a.get("data-state")]


def test_it_draws_every_state_as_a_link_to_its_section():
    """Every state of the table is a box linking to the article's section."""
    links = state_links(render_state_graph())
    drawn = {a.get("data-state") for a in links}
    assert drawn == {s.name for s in isakmp.STATES}
    for a in links:
        state = isakmp.lookup(a.get("data-state"))
        assert a.get("href") == f"/kb/isakmp-states/#{state.anchor}"
        assert a.find(f"{SVG}text").text == state.name


def test_it_links_only_to_anchors_the_article_has():
    """The hrefs land on headings that exist in the rendered isakmp-states article."""
    path = settings.KB_CONTENT_DIR / "isakmp-states.md"
    _meta, body = split_front_matter(path.read_text(encoding="utf-8"))
    ids = set(heading_ids(render_article(body).html))
    for a in state_links(render_state_graph()):
        assert a.get("href").split("#", 1)[1] in ids


def test_it_marks_highlighted_states_in_any_case():
    """highlight takes names in any case; only those boxes get the class and an
    aria-label."""
    links = state_links(render_state_graph(highlight=["mm_wait_msg4", " Qm_Idle "]))
    marked = {
        a.get("data-state") for a in links if "highlighted" in a.get("class").split()
    }
    assert marked == {"MM_WAIT_MSG4", "QM_IDLE"}
    for a in links:
        if a.get("data-state") in marked:
            assert a.get("aria-label") == f"{a.get('data-state')}, current state"
        else:
            assert a.get("aria-label") is None
    single = state_links(render_state_graph(highlight="am_active"))
    assert {a.get("data-state") for a in single if "highlighted" in a.get("class")} == {
        "AM_ACTIVE"
    }


def test_it_uses_the_link_prefix():
    """Another page can point the boxes elsewhere."""
    for a in state_links(render_state_graph(link_prefix="/elsewhere/")):
        assert a.get("href").startswith("/elsewhere/#")


def test_it_numbers_the_main_and_aggressive_mode_messages():
    """Main mode shows messages 1-6 and aggressive mode 1-3 between the columns."""
    root = ET.fromstring(render_state_graph())
    panels = {
        g.get("data-panel"): g for g in root.iter(f"{SVG}g") if g.get("data-panel")
    }
    assert list(panels) == [
        "ASA main mode",
        "ASA aggressive mode",
        "IOS, IOS-XE and PIX 6",
    ]

    def numbers(panel):
        return [
            int(g.get("data-message"))
            for g in panel.iter(f"{SVG}g")
            if g.get("data-message")
        ]

    assert numbers(panels["ASA main mode"]) == [1, 2, 3, 4, 5, 6]
    assert numbers(panels["ASA aggressive mode"]) == [1, 2, 3]
    assert numbers(panels["IOS, IOS-XE and PIX 6"]) == []


def test_it_draws_a_transition_for_every_next_state():
    """Every state's `next` is an arrow in its panel."""
    root = ET.fromstring(render_state_graph())
    expected = sum(len(s.next) for s in isakmp.STATES)
    transitions = [
        ln for ln in root.iter(f"{SVG}line") if ln.get("class") == "transition"
    ]
    # MM_ACTIVE and AM_ACTIVE are drawn once per role; nothing leaves them.
    assert len(transitions) == expected


def test_it_scales_to_the_screen():
    """A viewBox lets the drawing shrink to a phone's width."""
    root = ET.fromstring(render_state_graph())
    assert root.get("viewBox").startswith("0 0 400 ")
    assert root.get("preserveAspectRatio") == "xMidYMin meet"


def test_it_draws_only_the_panels_asked_for():
    """The analyzer's graph: an IOS paste gets the IOS panel alone, so its
    highlighted state is near the top instead of 1,500 px down."""
    from kb.graph import panels_for

    assert panels_for(["MM_NO_STATE", "QM_IDLE"]) == ("ios",)
    assert panels_for(["MM_WAIT_MSG4", "AM_ACTIVE"]) == ("asa-main", "asa-aggressive")
    assert panels_for(["READY", "nonsense"]) == ()
    root = ET.fromstring(render_state_graph(highlight=["QM_IDLE"], panels=("ios",)))
    titles = [g.get("data-panel") for g in root.iter(f"{SVG}g") if g.get("data-panel")]
    assert titles == ["IOS, IOS-XE and PIX 6"]
    assert int(root.get("height")) < 450


def test_it_names_the_peers_and_tells_stuck_from_healthy_in_words():
    """A marked state still negotiating is 'stuck' (dashed frame), an
    established one 'up' (solid frame); the peers seen there are named."""
    svg = render_state_graph(
        highlight=["MM_NO_STATE", "QM_IDLE"],
        panels=("ios",),
        peers={"MM_NO_STATE": ["192.0.2.10"], "QM_IDLE": ["203.0.113.9"]},
    )
    boxes = {a.get("data-state"): a for a in state_links(svg)}
    stuck, healthy = boxes["MM_NO_STATE"], boxes["QM_IDLE"]
    assert "stuck" in stuck.get("class").split()
    assert "healthy" in healthy.get("class").split()
    assert stuck.find(f"{SVG}rect").get("stroke-dasharray")
    assert healthy.find(f"{SVG}rect").get("stroke-dasharray") is None
    assert stuck.find(f"{SVG}rect").get("fill") != healthy.find(f"{SVG}rect").get(
        "fill"
    )
    notes = {k: "".join(a.itertext()) for k, a in boxes.items()}
    assert "✗ stuck · 192.0.2.10" in notes["MM_NO_STATE"]
    assert "✓ up · 203.0.113.9" in notes["QM_IDLE"]
    assert stuck.get("aria-label") == "MM_NO_STATE, current state, stuck, 192.0.2.10"
