import re

import pytest

from analyzer import isakmp
from kb.rendering import heading_ids, render_article, split_front_matter
from tests.kb.conftest import KB_FIXTURES, content_files, source_ids

# The anchors rules and other articles link to (the project's article contract).
CONTRACT_ANCHORS = {
    "isakmp-states": [s.anchor for s in isakmp.STATES]
    + [
        "state-table",
        "state-graph",
        "main-vs-aggressive",
        "ikev2-states",
        "ikev2-ready",
        "ikev2-in-neg",
        "ikev2-delete",
        "other-states",
    ],
    "phase1-errors": [
        "checklist",
        "policies",
        "pre-shared-key",
        "route-to-peer",
        "isakmp-enabled",
        "esp-permitted",
        "udp-500",
        "udp-4500",
        "nat-traversal",
        "access-list-denies",
        "proposal-mismatch",
    ],
    "mm-wait-msg4": [
        "what-it-means",
        "missing-tunnel-group",
        "path-firewall",
        "vendor-mismatch",
        "next-steps",
    ],
    "ike-debug-invalid-cookie": [
        "reading-the-debug",
        "peer-not-answering",
        "invalid-cookie",
        "psk-mismatch",
        "phase2-mismatch",
        "fix",
    ],
    "vpn-encaps-no-decaps": [
        "encaps-no-decaps",
        "decaps-no-encaps",
        "no-traffic",
        "send-recv-errors",
        "verify-failures",
        "fragmentation",
        "checklist",
    ],
    "asa-vpn-asp-table": [
        "packet-tracer",
        "user-data",
        "asp-table",
        "spi-check",
        "spi-mismatch",
        "no-vpn-phase",
        "counters",
    ],
    "ironport-esmtp-inspection": [
        "symptoms",
        "receiving-aborted",
        "masked-banner",
        "syslogs",
        "inspect-esmtp",
        "fix",
    ],
    "arp-permit-nonconnected": [
        "by-version",
        "pre-8-3",
        "8-3-to-8-4-4",
        "8-4-5-and-later",
        "other-uses",
        "risk",
    ],
    "tcpdump-recipes": [
        "interface",
        "host",
        "port",
        "combined",
        "ike-and-esp",
        "reading-output",
    ],
    "password-recovery-disabled": ["symptoms", "break-window", "procedure"],
    "offscreen-windows": ["keyboard-move"],
}


def probe_html() -> str:
    _meta, body = split_front_matter(
        (KB_FIXTURES / "probe" / "sanitizer-probe.md").read_text()
    )
    return render_article(body).html


@pytest.mark.parametrize("path", content_files(), ids=lambda p: p.stem)
def test_it_renders_every_article_with_its_heading_ids(path):
    """Each article renders; every {#id} it declares is a heading id, and every
    table of contents entry points at an id that exists, once."""
    _meta, body = split_front_matter(path.read_text(encoding="utf-8"))
    rendered = render_article(body)
    ids = heading_ids(rendered.html)
    assert len(ids) == len(set(ids)), "duplicate heading ids"
    for anchor in source_ids(path):
        assert anchor in ids
    entries = list(rendered.toc)
    while entries:
        entry = entries.pop()
        assert entry["id"] in ids
        entries.extend(entry["children"])


@pytest.mark.parametrize("slug", sorted(CONTRACT_ANCHORS))
def test_it_has_every_contract_anchor(slug, settings):
    """The articles the project promises exist and carry the promised anchors."""
    from pathlib import Path

    path = Path(settings.KB_CONTENT_DIR) / f"{slug}.md"
    assert path.exists(), f"{slug}.md is missing"
    _meta, body = split_front_matter(path.read_text(encoding="utf-8"))
    ids = set(heading_ids(render_article(body).html))
    missing = [a for a in CONTRACT_ANCHORS[slug] if a not in ids]
    assert not missing


def test_it_strips_scripts_and_event_handlers():
    """Raw HTML in an article loses scripts, handlers, javascript: links, frames
    and styles; the harmless parts stay."""
    html = probe_html()
    lowered = html.lower()
    for bad in ("<script", "onerror", "onclick", "javascript:", "<iframe", "style="):
        assert bad not in lowered
    assert 'class="evil"' not in html
    assert '<img src="diagram.png" alt="diagram">' in html
    assert (
        '<a href="https://example.com/" rel="noopener noreferrer">safe link</a>' in html
    )


def test_it_renders_code_blocks_as_terminals():
    """Fenced and indented code become <pre class="cli"> blocks, escaped."""
    html = probe_html()
    assert (
        '<pre class="cli" tabindex="0"><code class="language-cli">show crypto isakmp sa\n'
        "show run tunnel-group 203.0.113.50\n</code></pre>"
    ) in html
    assert (
        '<pre class="cli" tabindex="0"><code>ciscoasa# show crypto ipsec sa | include pkts'
        in html
    )
    assert "<pre><code" not in html


def test_it_gives_headings_ids():
    """Explicit {#id} wins; other headings get a slug of their text."""
    ids = heading_ids(probe_html())
    assert ids == ["commands", "a-heading-without-an-explicit-id", "nested"]


def test_it_replaces_the_state_placeholders():
    """[[isakmp-state-table]] becomes the table of every state, linked to its
    section; [[isakmp-state-graph]] becomes the SVG; inside code they stay text."""
    html = probe_html()
    table = re.search(r'<table class="states"[^>]*>.*?</table>', html, re.S).group(0)
    for state in isakmp.STATES:
        assert f'<a href="#{state.anchor}"><code>{state.name}</code></a>' in table
    assert html.count("<svg") == 1
    assert "<p>[[isakmp-state" not in html
    assert "<code>[[isakmp-state-graph]]\n</code>" in html


def test_it_splits_front_matter_from_the_body():
    """The YAML block is the metadata, the rest is the Markdown body."""
    meta, body = split_front_matter(
        (KB_FIXTURES / "probe" / "second-probe.md").read_text()
    )
    assert meta["title"] == "Second probe article"
    assert meta["identifiers"] == ["QM_IDLE"]
    assert body.lstrip().startswith("## Only section {#only-section}")
