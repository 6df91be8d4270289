"""ASA `show asp drop`: the drop reasons that point at a VPN fault, and a summary of
the rest.

A counter counts since the last reload or `clear asp drop`, so its size alone says
little; the VPN reasons are named one by one (they have no business growing on a
healthy tunnel), everything else is an info summary (an internet-facing ASA drops
a great deal by its access rules, and that is its job). When the same output is
pasted twice, a reason that did not grow between them is not blamed.
"""

from __future__ import annotations

from analyzer import links
from analyzer.parsers.asp_drop import KIND
from analyzer.report import Finding

# Reasons that mean traffic meant for, or coming out of, a tunnel was thrown away.
VPN_CODES = {
    "ipsec-spoof": (
        "a clear-text packet arrived whose addresses belong to an established "
        "tunnel, so it should have come encrypted: the peer sends this traffic "
        "outside the tunnel (its NAT, routing or crypto ACL), or someone spoofs it"
    ),
    "ipsec-tun-down": (
        "packets matched a crypto map while there was no IPsec SA for them; a few "
        "while a tunnel comes up are normal, steady growth means phase 1 or "
        "phase 2 never completes"
    ),
    "ipsec-clearpkt-notun": (
        "clear-text packets arrived that should have come through a tunnel that "
        "is not up"
    ),
    "ipsec-need-sa": ("packets waited for an IPsec SA that was still being negotiated"),
    "ipsec-selector-failure": (
        "decrypted packets did not match the proxy identities (crypto ACL) of the "
        "SA that carried them: the two ends' crypto ACLs are not mirrors"
    ),
    "bad-ipsec-prot": "IPsec packets that were neither AH nor ESP",
    "bad-ipsec-natt": (
        "malformed UDP 4500 (NAT-T) packets; a few are noise, many point at a "
        "device in the path altering UDP"
    ),
    "np-sp-invalid-spi": (
        "ESP arrived with an SPI this ASA does not know; briefly after a rekey or "
        "a reboot this is normal, steady growth means the peer keeps stale SAs"
    ),
    "vpn-handle-error": (
        "a packet could not be tied to its VPN context, often because its "
        "connection was built before the tunnel existed or through another path"
    ),
    "vpn-handle-mismatch": (
        "a packet's connection points at a VPN context other than the one it "
        "arrived on, often a connection built before the tunnel came up"
    ),
    "vpn-handle-not-found": (
        "a connection's VPN context is gone (the tunnel was torn down or rekeyed "
        "under it)"
    ),
    "vpn-overlap-conflict": (
        "traffic matched two tunnels whose protected networks overlap"
    ),
    "vpn-missing-decrypt": (
        "traffic that should have arrived through a tunnel arrived in clear text"
    ),
}

# Reasons of the firewall itself, each explained in the article's firewall section.
FIREWALL_CODES = frozenset(
    (
        "acl-drop",
        "no-route",
        "no-adjacency",
        "rpf-violated",
        "sp-security-failed",
        "security-failed",
        "nat-rpf-failed",
        "tcp-not-syn",
        "interface-down",
        "unable-to-create-flow",
        "conn-limit",
        "dispatch-queue-limit",
        "dispatch-block-alloc",
    )
)


def _capture(code: str) -> list[str]:
    return [
        f"capture asp type asp-drop {code} buffer 1000000",
        "show capture asp",
        "clear asp drop",
        "show asp drop",
    ]


def _clearing(rec: dict) -> str:
    if rec.get("last_clearing") is None:
        return "since the last reload or clear asp drop (the output does not say when)"
    if rec.get("cleared_at") is None:
        return "since the ASA booted (never cleared)"
    by = f" by {rec['cleared_by']}" if rec.get("cleared_by") else ""
    return f"since it was cleared at {rec['cleared_at']}{by}"


def _lines(rec: dict) -> list[int]:
    """The counter's line, or both lines of one a terminal wrapped."""
    return list(range(rec["lines"][0], rec["lines"][1] + 1))


def check(report) -> list[Finding]:
    snapshots: dict[tuple, list[dict]] = {}
    empty: list[dict] = []
    for source in report.sources_of(KIND):
        for rec in source.records:
            if rec.get("reason") is None:
                empty.append(rec)
                continue
            key = (rec.get("section"), rec.get("code") or rec["reason"])
            snapshots.setdefault(key, []).append(rec)

    findings: list[Finding] = []
    others: list[dict] = []
    for (section, code), recs in snapshots.items():
        last = recs[-1]
        if code in VPN_CODES:
            finding = _vpn(section, code, recs)
            if finding is not None:
                findings.append(finding)
        elif last["count"]:
            others.append(last)
    if others:
        findings.append(_summary(others))
    for rec in empty:
        findings.append(_nothing(rec))
    return findings


def _vpn(section: str | None, code: str, recs: list[dict]) -> Finding | None:
    last = recs[-1]
    count = last["count"]
    if not count:
        return None
    lines = [n for r in recs for n in _lines(r)]
    earlier = recs[0]["count"] if len(recs) > 1 else None
    grew = earlier is None or count > earlier
    kind = f"{section} " if section else ""
    detail = (
        f"The ASA dropped {count} packets for {code} ({last.get('reason')}) "
        f"{_clearing(last)}: {VPN_CODES[code]}."
    )
    if earlier is not None:
        detail += (
            f" Between the pasted outputs it went from {earlier} to {count}."
            if grew
            else f" It did not move between the pasted outputs (still {count}), "
            "so nothing is being dropped for it now."
        )
    else:
        detail += (
            " One output cannot say whether it is still growing: clear the "
            "counters, reproduce, and look again."
        )
    return Finding(
        code=f"asp_drop.{code}",
        severity="warning" if grew else "info",
        title=f"ASP {kind}drop {code}: {count}",
        detail=detail,
        link=links.ASP_DROP_VPN_CODES,
        lines=lines,
        next_commands=_capture(code),
        subject=f"drop reason {code}",
    )


def _summary(recs: list[dict]) -> Finding:
    recs = sorted(recs, key=lambda r: -r["count"])
    known = [r for r in recs if r["code"] in FIREWALL_CODES]
    coded = [r for r in recs if r["code"]]
    top = (known or coded or [{"code": "all"}])[0]
    listed = ", ".join(
        f"{r['code'] or r['reason']} {r['count']}"
        + (f" ({r['section']})" if r.get("section") else "")
        for r in recs[:8]
    )
    if len(recs) > 8:
        listed += f" and {len(recs) - 8} more"
    detail = (
        f"Other drop reasons counted {_clearing(recs[0])}: {listed}. None of them "
        "is a tunnel fault."
    )
    if any(r["code"] == "natt-keepalive" for r in recs):
        detail += (
            " natt-keepalive counts the NAT-T keepalives peers send; the ASA drops "
            "them by design."
        )
    if any(r["code"] == "acl-drop" for r in recs):
        detail += (
            " acl-drop is traffic the access rules refused; on an ASA facing the "
            "internet it is usually the largest counter and is the firewall doing "
            "its job."
        )
    detail += (
        " What matters is which counter grows while the problem is reproduced: "
        "clear the counters, reproduce, and compare."
    )
    return Finding(
        code="asp_drop.firewall_summary",
        severity="info",
        title=f"ASP drops by the firewall's own checks ({len(recs)} reasons)",
        detail=detail,
        link=links.ASP_DROP_FIREWALL_CODES,
        lines=[n for r in recs for n in _lines(r)],
        next_commands=_capture(top["code"]),
        subject="show asp drop counters",
    )


def _nothing(rec: dict) -> Finding:
    section = rec.get("section") or "asp"
    return Finding(
        code="asp_drop.nothing_dropped",
        severity="info",
        title=f"No {section} drops {_clearing(rec).split(' (')[0]}",
        detail=(
            f"The {section} drop section lists no counter: nothing was dropped "
            f"there {_clearing(rec)}. If the problem was reproduced after the "
            "clearing, the ASP is not where the packets are lost."
        ),
        link=links.ASP_DROP_CLEAR_AND_COMPARE,
        lines=[rec["lines"][0]],
        next_commands=["show asp drop", "capture asp type asp-drop all"],
        subject=f"{section} drops",
    )
