"""What a list of diagnoses shows of each: a title when none was given, the top
finding, its verdict, the peers. Pure Python over the report's dict, so the task
stores it once and a team's page of 50 rows reads no report at all."""

from __future__ import annotations

from analyzer import registry
from analyzer.report import SEVERITIES

RANK = {severity: n for n, severity in enumerate(reversed(SEVERITIES))}
PEERS_KEPT = 20


def top_finding(report: dict) -> dict | None:
    """The worst finding; among equals, the one a tunnel's verdict rests on, then
    the first."""
    findings = report.get("findings") or []
    if not findings:
        return None
    cited = {t.get("finding") for t in report.get("tunnels") or [] if t.get("finding")}
    return min(
        findings,
        key=lambda f: (RANK.get(f.get("severity"), 9), f.get("code") not in cited),
    )


def _tunnel_for(report: dict, finding: dict | None) -> dict | None:
    tunnels = report.get("tunnels") or []
    if finding is None:
        return None
    about = (finding.get("subject") or "") + " " + (finding.get("title") or "")
    for tunnel in tunnels:
        peer = tunnel.get("peer")
        if tunnel.get("finding") == finding.get("code") and peer and peer in about:
            return tunnel
    return None


def title(report: dict) -> str:
    """A title from the top finding and its peer: "MM_WAIT_MSG4 with
    203.0.113.50" (never the id, which means nothing to a reader)."""
    finding = top_finding(report)
    tunnel = _tunnel_for(report, finding)
    if tunnel and tunnel.get("phase1") != "up" and tunnel.get("phase1_state"):
        return f"{tunnel['phase1_state']} with {tunnel['peer']}"
    if finding is not None:
        return finding.get("title") or finding.get("code") or ""
    tunnels = report.get("tunnels") or []
    if tunnels:
        return tunnels[0].get("verdict") or ""
    sources = report.get("sources") or []
    if sources:
        return registry.label(sources[0].get("kind", ""))
    return "Nothing recognised in the paste"


def peers(report: dict) -> list[str]:
    """Every peer the paste tells about, in report order."""
    seen: list[str] = []
    for tunnel in report.get("tunnels") or []:
        peer = tunnel.get("peer")
        if peer and peer not in seen:
            seen.append(peer)
    return seen[:PEERS_KEPT]


def verdict(report: dict) -> str:
    """The one line a chat preview or a list row shows."""
    finding = top_finding(report)
    tunnel = _tunnel_for(report, finding)
    if tunnel and tunnel.get("verdict"):
        return tunnel["verdict"]
    if finding is not None:
        return finding.get("title") or ""
    tunnels = report.get("tunnels") or []
    return (tunnels[0].get("verdict") or "") if tunnels else ""


def codes(report: dict) -> list[str]:
    """Each finding code once, in report order."""
    seen: dict[str, None] = {}
    for finding in report.get("findings") or []:
        if finding.get("code"):
            seen.setdefault(finding["code"], None)
    return list(seen)
