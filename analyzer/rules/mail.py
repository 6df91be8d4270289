"""Mail broken in transit: IronPort receptions aborted, and an SMTP test that sees
the banner replaced with asterisks (an ASA with ESMTP inspection in the path).

The ASA side (`inspect esmtp` in a pasted configuration) is judged by the ASA
configuration rules, which read these same sources.
"""

from __future__ import annotations

from analyzer import links
from analyzer.registry import IRONPORT_MAIL_LOG, SMTP_TEST
from analyzer.report import Finding

# At most this many message ids are named in one finding; the lines hold the rest.
_NAMED = 5


def _aborted(report) -> list[Finding]:
    messages = []
    for source in report.sources_of(IRONPORT_MAIL_LOG):
        for record in source.records:
            if record.get("problem") in ("receiving_aborted", "message_aborted"):
                messages.append(record)
    if not messages:
        return []
    lost = [
        r
        for source in report.sources_of(IRONPORT_MAIL_LOG)
        for r in source.records
        if r.get("problem") == "connection_lost"
    ]
    lines = [m["at"].get(m["problem"], m["lines"][0]) for m in messages]
    lines += [r["at"].get("connection_lost", r["lines"][0]) for r in lost]
    mids = [m["mid"] for m in messages if m.get("mid")]
    named = ", ".join(mids[:_NAMED]) + (
        f" and {len(mids) - _NAMED} more" if len(mids) > _NAMED else ""
    )
    senders = sorted({m["sender"] for m in messages if m.get("sender")})
    count = len(messages)
    detail = (
        f"{count} message{'s' if count != 1 else ''} ({named or 'no id'}) "
        f"{'were' if count != 1 else 'was'} aborted while being received"
        + (f", from {', '.join(senders[:_NAMED])}" if senders else "")
        + (
            f"; {len(lost)} incoming connection{'s' if len(lost) != 1 else ''} "
            "were lost at the same time"
            if lost
            else ""
        )
        + ". The sending side (or a device between) closed or reset the session in "
        "the middle of the DATA phase. When it happens to many unrelated senders, the "
        "cause is usually a firewall in front of the gateway inspecting SMTP: an ASA "
        "with `inspect esmtp` drops what it considers malformed and resets the flow "
        "(syslogs 108004 and 507003). Run an external SMTP test: a banner of "
        "asterisks confirms it."
    )
    return [
        Finding(
            code="mail.receiving_aborted",
            severity="warning",
            title="IronPort: receiving aborted",
            detail=detail,
            link=links.ESMTP_RECEIVING_ABORTED,
            lines=lines[:200],
            next_commands=[
                'grep "Receiving aborted" mail_logs',
                "show logging | include 108004|507003",
                "show running-config policy-map",
                "show service-policy inspect esmtp",
            ],
            subject=f"MID {mids[0]}" if len(mids) == 1 else f"{count} messages",
        )
    ]


def _masked_banner(report) -> list[Finding]:
    findings = []
    for source in report.sources_of(SMTP_TEST):
        for record in source.records:
            warnings = _related_warnings(record)
            if not record.get("masked") and not (
                record.get("masked_extensions") and warnings
            ):
                if warnings:
                    findings.append(_warnings_only(record, warnings))
                continue
            at = record.get("at", {})
            lines = [at[k] for k in ("banner", "masked_extensions") if k in at]
            lines += [c["line"] for c in record["checks"] if c in warnings]
            parts = []
            if record.get("masked"):
                parts.append(
                    "The server's 220 greeting reached the tester as a row of asterisks: "
                    "a Cisco ASA (or PIX) with ESMTP inspection rewrites the banner so "
                    "the mail software is not revealed."
                )
            if record.get("masked_extensions"):
                parts.append(
                    "The EHLO reply also carries "
                    f"{', '.join(record['masked_extensions'])}: an extension the "
                    "inspection blanked out (STARTTLS is the usual one)."
                )
            for check in warnings:
                if check["name"] == "SMTP Reverse DNS Mismatch":
                    parts.append(
                        "The reverse DNS mismatch follows from it: the tester compares "
                        "the PTR name with the banner, and the banner is now asterisks."
                    )
                elif check["name"] == "SMTP TLS":
                    parts.append(
                        "TLS is reported as unsupported because the inspection hides "
                        "STARTTLS from the client."
                    )
            parts.append(
                "The same inspection aborts sessions it dislikes, which the gateway logs "
                "as receiving aborted. Disable `inspect esmtp` on the ASA in front of "
                "the server (or tune its inspect map) and test again."
            )
            server = record.get("tested") or record.get("server") or "the mail server"
            findings.append(
                Finding(
                    code="mail.masked_banner",
                    severity="warning",
                    title="SMTP banner masked: ESMTP inspection in the path",
                    detail=" ".join(parts),
                    link=links.ESMTP_MASKED_BANNER,
                    lines=lines,
                    next_commands=[
                        "show running-config policy-map",
                        "show service-policy inspect esmtp",
                        "show logging | include 108004|507003",
                    ],
                    subject=f"SMTP server {server}",
                )
            )
    return findings


def _warnings_only(record, warnings) -> Finding:
    names = " and ".join(c["name"] for c in warnings)
    banner = record.get("banner")
    if banner:
        seen = f"The banner in this test reads '{banner[:80]}', so it was not masked."
    else:
        seen = (
            "The paste does not include the session transcript; look at the line after "
            "220 in it. A row of asterisks there means an ASA with ESMTP inspection is "
            "rewriting the greeting, which explains both warnings at once."
        )
    server = record.get("tested") or record.get("server")
    return Finding(
        code="mail.smtp_test_warnings",
        severity="info",
        title=f"SMTP test warns: {names}",
        detail=(
            f"The SMTP test reports {names}. The reverse DNS check compares the PTR name "
            "with the name in the 220 banner; the TLS check looks for STARTTLS in the "
            f"EHLO reply. {seen}"
        ),
        link=links.ESMTP_MASKED_BANNER,
        lines=[c["line"] for c in warnings],
        next_commands=[
            "show running-config policy-map",
            "show service-policy inspect esmtp",
        ],
        subject=f"SMTP server {server}" if server else "SMTP test",
    )


def _related_warnings(record) -> list[dict]:
    out = []
    for check in record.get("checks", []):
        if check["name"] == "SMTP Reverse DNS Mismatch" and check["status"] != "ok":
            out.append(check)
        elif check["name"] == "SMTP TLS" and check["status"] in ("warning", "failed"):
            out.append(check)
    return out


def check(report):
    return _aborted(report) + _masked_banner(report)
