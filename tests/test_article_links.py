"""Every article link the analyzer can make must land on a section that exists.

Links are named once, in analyzer.links: every constant there, and every per-state
section its functions build from the state tables, must name an article in
kb/content whose rendered HTML has that heading id. No other module of the engine
may spell a slug or anchor (the AST walk below fails on one that does). As a
second net, every finding the engine produces on every real output the project has
(fixtures, the seed archive, the shared corpus) must resolve too.
"""

import ast
from functools import cache
from pathlib import Path

import pytest

from analyzer import isakmp, links
from analyzer.engine import analyze
from analyzer.report import Finding
from analyzer.rules import ike
from kb.rendering import render_article, split_front_matter
from tests.conftest import CORPUS, FIXTURES, SEED_OUTPUTS

ROOT = Path(__file__).resolve().parents[1]
CONTENT = ROOT / "kb" / "content"
ANALYZER = ROOT / "analyzer"


@cache
def article_ids() -> dict[str, set[str]]:
    ids = {}
    for path in sorted(CONTENT.glob("*.md")):
        _, body = split_front_matter(path.read_text(encoding="utf-8"))
        html = render_article(body).html
        ids[path.stem] = set(_element_ids(html))
    return ids


def _element_ids(html: str) -> list[str]:
    import re

    return re.findall(r'\sid="([^"]+)"', html)


def spelled_links(source: str) -> list[tuple[int, str]]:
    """(line, what) for every place in ``source`` that spells a link itself: a
    string literal given as (or inside) ``article=``, ``anchor=`` or ``link=``,
    assigned to a name about an article or anchor, equal to an article's slug, or
    a ``Link(...)`` built outside analyzer.links."""
    slugs = set(article_ids())
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Constant) and node.value in slugs:
            found.append((node.lineno, f"slug {node.value!r}"))
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else None
            name = func.id if isinstance(func, ast.Name) else name
            if name == "Link":
                found.append((node.lineno, "Link(...) built in place"))
            for kw in node.keywords:
                if kw.arg in ("article", "anchor", "link") and _literals(kw.value):
                    found.append((node.lineno, f"{kw.arg}={_literals(kw.value)}"))
        if isinstance(node, ast.Assign):
            names = [
                t.id
                for target in node.targets
                for t in ast.walk(target)
                if isinstance(t, ast.Name)
            ]
            if any("article" in n.lower() or "anchor" in n.lower() for n in names):
                if _literals(node.value):
                    found.append((node.lineno, f"{names} = {_literals(node.value)}"))
    return found


def _literals(node: ast.AST) -> list[str]:
    """The non-empty strings ``node`` may evaluate to or be built from (the
    condition of a conditional expression is not part of its value)."""
    if isinstance(node, ast.IfExp):
        return _literals(node.body) + _literals(node.orelse)
    if isinstance(node, ast.Compare) or _state_call(node):
        return []
    if isinstance(node, ast.Constant):
        return [node.value] if isinstance(node.value, str) and node.value else []
    return [s for child in ast.iter_child_nodes(node) for s in _literals(child)]


def _state_call(node: ast.AST) -> bool:
    """``links.isakmp_state(...)`` or ``links.ikev2_state(...)``: its strings are
    state names, which the next test checks against the state tables."""
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == "links"
        and node.func.attr in ("isakmp_state", "ikev2_state")
    )


def state_names(source: str) -> list[tuple[str, str]]:
    """(function, state name) for every literal state name passed to links."""
    return [
        (node.func.attr, name)
        for node in ast.walk(ast.parse(source))
        if _state_call(node)
        for name in _literals(ast.Tuple(elts=node.args, ctx=ast.Load()))
    ]


def engine_modules() -> list[Path]:
    return sorted(
        p
        for p in ANALYZER.rglob("*.py")
        if p.name != "links.py" and "migrations" not in p.parts
    )


def real_outputs() -> list[Path]:
    files = [p for p in FIXTURES.rglob("*") if p.is_file()]
    files.append(SEED_OUTPUTS)
    files += [
        p
        for p in CORPUS.rglob("*")
        if p.is_file() and (p.suffix == ".raw" or p.name.endswith("_output.txt"))
    ]
    files += [p for p in (CORPUS / "tcpdump").glob("*.txt")]
    return sorted(set(files))


@cache
def emitted_links() -> dict[tuple[str, str], str]:
    """(article, anchor) -> the first file whose analysis linked there."""
    links: dict[tuple[str, str], str] = {}
    for path in real_outputs():
        text = path.read_bytes().decode("utf-8", errors="replace")
        for finding in analyze(text).findings:
            if finding.article:
                links.setdefault((finding.article, finding.anchor), str(path))
    return links


def assert_resolves(article: str, anchor: str, where: str):
    ids = article_ids()
    assert article in ids, f"{where}: no article {article!r} in kb/content"
    if anchor:
        assert anchor in ids[article], f"{where}: no section #{anchor} in {article}"


def test_it_has_the_articles_the_design_promises():
    """Every slug the design fixes exists in kb/content."""
    for slug in (
        "isakmp-states",
        "phase1-errors",
        "mm-wait-msg4",
        "ike-debug-invalid-cookie",
        "vpn-encaps-no-decaps",
        "asa-vpn-asp-table",
        "ironport-esmtp-inspection",
        "arp-permit-nonconnected",
        "tcpdump-recipes",
        "password-recovery-disabled",
        "offscreen-windows",
    ):
        assert slug in article_ids()


def test_it_has_a_section_for_every_isakmp_state():
    """The state tables' sections (used by rules and the graph) all exist."""
    for state in isakmp.STATES:
        assert links.isakmp_state(state) == links.isakmp_state(state.name)
        assert_resolves(*links.isakmp_state(state), f"state {state.name}")
    for name in ike.IKEV2_STATES:
        assert_resolves(*links.ikev2_state(name), f"IKEv2 state {name}")


def test_it_refuses_a_state_the_table_lacks():
    with pytest.raises(ValueError):
        links.isakmp_state("MM_WAIT_MSG9")


@pytest.mark.parametrize("name,link", sorted(links.named().items()))
def test_it_resolves_every_section_links_names(name, link):
    """Every constant in analyzer.links names an article and heading that exist."""
    assert link.anchor, f"links.{name} names no section"
    assert_resolves(link.article, link.anchor, f"links.{name}")


@pytest.mark.parametrize(
    "path", engine_modules(), ids=lambda p: str(p.relative_to(ANALYZER))
)
def test_no_module_spells_a_link_itself(path):
    """Rules, parsers and the engine take their links from analyzer.links."""
    assert spelled_links(path.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize(
    "path", engine_modules(), ids=lambda p: str(p.relative_to(ANALYZER))
)
def test_every_state_named_for_a_link_is_in_its_table(path):
    """A state name given to links.isakmp_state / ikev2_state is a known state."""
    for function, name in state_names(path.read_text(encoding="utf-8")):
        if function == "isakmp_state":
            assert isakmp.lookup(name) is not None, name
        else:
            assert name in ike.IKEV2_STATES, name


def test_the_walk_finds_a_link_spelled_in_place():
    """The check above is not vacuous: each way of spelling a link is caught."""
    source = (
        'Finding(code="x", article="phase1-errors", anchor="checklist")\n'
        'Finding(code="x", link=links.A if v2 else Link("a", "b"))\n'
        'article, anchor = "mm-wait-msg4", "what-it-means"\n'
        'Finding(code="x", anchor="ikev2-" + name)\n'
        'Finding(code="x", link=links.A if what != "esp" else f"{b}-x")\n'
    )
    found = [line for line, _ in spelled_links(source)]
    assert sorted(set(found)) == [1, 2, 3, 4, 5], spelled_links(source)
    assert spelled_links('Finding(code="x", link=links.DPD)\n') == []
    called = 'f(link=links.ikev2_state("READY" if v2 else "DELETE"))\n'
    assert spelled_links(called) == []
    assert state_names(called) == [("ikev2_state", "READY"), ("ikev2_state", "DELETE")]


def test_a_finding_takes_its_link_whole():
    """link= fills article and anchor, so the JSON is what it always was."""
    found = Finding(
        code="x", severity="info", title="t", detail="d", link=links.DPD, lines=[3]
    )
    assert (found.article, found.anchor) == ("dead-peer-detection-and-rekey", "dpd")
    assert found.to_dict()["article"] == "dead-peer-detection-and-rekey"
    assert "link" not in found.to_dict()
    with pytest.raises(ValueError):
        Finding(
            code="x",
            severity="info",
            title="t",
            detail="d",
            article="a",
            link=links.DPD,
        )


def test_it_resolves_every_link_the_engine_makes_on_real_outputs():
    """Analyzing every real output the project has links only to existing sections."""
    links = emitted_links()
    assert len(links) >= 20, (
        f"only {len(links)} distinct links emitted: {sorted(links)}"
    )
    for (article, anchor), where in sorted(links.items()):
        assert_resolves(article, anchor, where)
