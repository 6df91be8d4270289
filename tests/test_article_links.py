"""Every article link the analyzer can make must land on a section that exists.

Links are collected two ways: from the literal ``article=``/``anchor=`` pairs written
in the rule modules, and from every finding the engine produces on every real output
the project has (fixtures, the seed archive, the shared corpus). Each must name an
article in kb/content whose rendered HTML has that heading id.
"""

import ast
from functools import cache
from pathlib import Path

import pytest

from analyzer import isakmp
from analyzer.engine import analyze
from kb.rendering import render_article, split_front_matter
from tests.conftest import CORPUS, FIXTURES, SEED_OUTPUTS

ROOT = Path(__file__).resolve().parents[1]
CONTENT = ROOT / "kb" / "content"
RULES = ROOT / "analyzer" / "rules"


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


def literal_links() -> list[tuple[str, str, str]]:
    """(module, article, anchor) for every call in the rules with literal values."""
    links = []
    for path in sorted(RULES.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            kw = {k.arg: k.value for k in node.keywords if k.arg}
            article, anchor = kw.get("article"), kw.get("anchor")
            if isinstance(article, ast.Constant) and isinstance(article.value, str):
                anchor_value = (
                    anchor.value
                    if isinstance(anchor, ast.Constant)
                    and isinstance(anchor.value, str)
                    else ""
                )
                if article.value:
                    links.append((path.name, article.value, anchor_value))
    return links


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
    """The state table's anchors (used by rules and the graph) all exist."""
    for state in isakmp.STATES:
        assert_resolves("isakmp-states", state.anchor, f"state {state.name}")


@pytest.mark.parametrize(
    "module,article,anchor", literal_links(), ids=lambda v: str(v) if v else "-"
)
def test_it_resolves_every_link_written_in_a_rule(module, article, anchor):
    """A literal article/anchor pair in a rule module names an existing section."""
    assert_resolves(article, anchor, module)


def test_it_resolves_every_link_the_engine_makes_on_real_outputs():
    """Analyzing every real output the project has links only to existing sections."""
    links = emitted_links()
    assert len(links) >= 20, (
        f"only {len(links)} distinct links emitted: {sorted(links)}"
    )
    for (article, anchor), where in sorted(links.items()):
        assert_resolves(article, anchor, where)
