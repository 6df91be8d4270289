"""ASA `show asp drop [frame|flow] [reason]` (8.x, 9.x, FTD's diagnostic CLI).

What the accelerated security path threw away, by reason, since the last reload
or `clear asp drop`:

    Frame drop:
      Invalid SPI (np-sp-invalid-spi)                                   18
      Flow is denied by configured rule (acl-drop)                   11873

    Last clearing: 09:02:41 UTC Nov 27 2026 by enable_15

    Flow drop:
      NAT reverse path failed (nat-rpf-failed)                           6

    Last clearing: Never

Kind ``asa.show_asp_drop``. One record per counter line: ``section`` ("frame" or
"flow"; None when neither header nor command says), ``reason`` (the text before
the code), ``code`` (the word in brackets), ``count`` (int), ``truncated`` (the
device cut the code short; it is completed from the known codes when only one
fits), and its section's ``last_clearing`` (as printed: "Never" or
"10:43:33 EDT Mar 27 2019 by genie"), ``cleared_at`` and ``cleared_by`` (None
for Never). Releases before 7.0(8)/7.2(4)/8.0(4) print no code and no clearing
line: the code is then taken from the reason when it is a known one, else None.
A section printed with no counter at all (everything zero since the clearing) is
one record with ``reason`` and ``code`` None and ``count`` 0, so the clearing time
is kept. ``lines`` and ``at`` as everywhere.
"""

from __future__ import annotations

from analyzer.parsers.common import owned, source_up_to_last_filled
from analyzer.registry import ASA_SHOW_ASP_DROP
from analyzer.report import Source

KIND = ASA_SHOW_ASP_DROP
COMMANDS = ("show asp drop",)

_HEADERS = {"frame drop:": "frame", "flow drop:": "flow"}
_CODE_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-_")

# The device prints "reason (code)" in a fixed-width column and cuts what does
# not fit, closing bracket included. Codes long enough to be cut, so a prefix
# can be completed to the code `capture type asp-drop` accepts.
LONG_CODES = (
    "np-socket-lock-failure",
    "np-socket-data-move-failure",
    "np-socket-transport-closed",
    "np-socket-relay-no-session",
    "np-socket-new-conn-failure",
    "np-socket-conn-not-accepted",
    "np-socket-failure",
    "inspect-icmp-error-no-existing-conn",
    "inspect-icmp-seq-num-not-matched",
    "inspect-dns-invalid-domain-label",
    "nat-no-xlate-to-pat-pool",
    "mcast-in-nonactive-device",
    "cluster-ccl-unknown-stub",
    "object-group-search-threshold-exceeded",
    "rule-transaction-in-progress",
    "cp-syslog-event-queue-error",
)


# Reasons as the device words them, for output that prints no code. Only reasons
# whose code is certain; the frame and flow acl-drop differ in wording.
REASONS = {
    reason.lower(): code
    for reason, code in (
        ("IPSEC tunnel is down", "ipsec-tun-down"),
        ("IPSEC Spoof detected", "ipsec-spoof"),
        ("Invalid SPI", "np-sp-invalid-spi"),
        ("NAT-T keepalive message", "natt-keepalive"),
        ("Bad IPSEC NATT packet", "bad-ipsec-natt"),
        ("VPN handle not found", "vpn-handle-not-found"),
        ("Flow is denied by configured rule", "acl-drop"),
        ("Flow is denied by access rule", "acl-drop"),
        ("No route to host", "no-route"),
        ("No valid adjacency", "no-adjacency"),
        ("Reverse-path verify failed", "rpf-violated"),
        ("Slowpath security checks failed", "sp-security-failed"),
        ("Early security checks failed", "security-failed"),
        ("First TCP packet not SYN", "tcp-not-syn"),
        ("NAT reverse path failed", "nat-rpf-failed"),
        ("Inspection failure", "inspect-fail"),
        ("Interface is down", "interface-down"),
        ("Invalid encapsulation", "invalid-encap"),
        ("Invalid IP header", "invalid-ip-header"),
        ("Invalid IP length", "invalid-ip-length"),
        ("Bad TCP checksum", "bad-tcp-cksum"),
        ("Dispatch queue tail drops", "dispatch-queue-limit"),
    )
}


def complete_code(prefix: str) -> str | None:
    """The one known code that starts with ``prefix``, or None."""
    fits = [code for code in LONG_CODES if code.startswith(prefix)]
    return fits[0] if len(fits) == 1 else None


def _split_clearing(text: str) -> tuple[str | None, str | None]:
    """("10:43:33 EDT Mar 27 2019", "genie") from what follows "Last clearing:"."""
    if not text or text.lower() == "never":
        return None, None
    when, by, who = text.rpartition(" by ")
    if by and when.strip() and who.strip():
        return when.strip(), who.strip()
    return text, None


def counter(line: str) -> tuple[str, str | None, int, bool] | None:
    """(reason, code, count, truncated) from one counter line, or None. Releases
    before 7.0(8)/7.2(4)/8.0(4) print no code: it is then looked up by the
    reason, and None when the reason is not a known one."""
    text = line.strip()
    if len(text) > 400:
        return None
    head, _, last = text.rpartition(" ")
    if not head or not last.isdecimal():
        return None
    opening = head.rfind("(")
    if opening < 0:
        # Without a code, only a reason in the device's aligned column layout.
        reason = head.strip()
        if (
            not line.startswith(" ")
            or not head.endswith("  ")
            or not reason[:1].isalpha()
            or ")" in reason
            or len(reason) > 100
        ):
            return None
        return reason, REASONS.get(reason.lower()), int(last), False
    head = head.rstrip()
    if opening == 0:
        return None
    reason = head[:opening].strip()
    code = head[opening + 1 :]
    truncated = not code.endswith(")")
    if not truncated:
        code = code[:-1]
    code = code.strip().lower()
    if not reason or not code or not set(code) <= _CODE_CHARS:
        return None
    return reason, code, int(last), truncated


def _new(section, reason, code, count, truncated, lineno) -> dict:
    return {
        "section": section,
        "reason": reason,
        "code": code,
        "count": count,
        "truncated": truncated,
        "last_clearing": None,
        "cleared_at": None,
        "cleared_by": None,
        "lines": [lineno, lineno],
        "at": {"count": lineno},
    }


def _command_section(command: str | None) -> str | None:
    words = (command or "").split("|", 1)[0].split()
    for word in words[3:4]:
        if "frame".startswith(word) and len(word) >= 2:
            return "frame"
        if "flow".startswith(word) and len(word) >= 2:
            return "flow"
    return None


def parse(section) -> list[Source]:
    ours = owned(section, COMMANDS)
    default = _command_section(section.command) if ours else None
    records: list[dict] = []
    claimed: set[int] = set()
    unparsed: set[int] = set()
    current: str | None = default
    started = ours
    # Records of the part being read, waiting for its "Last clearing" line.
    waiting: list[dict] = []
    header_line: int | None = None
    # A line that may be the first part of a counter line a terminal wrapped.
    held: tuple[str, int] | None = None

    def close_part(clearing: str | None, lineno: int | None):
        nonlocal waiting, header_line
        if not waiting and header_line is not None:
            empty = _new(current, None, None, 0, False, header_line)
            empty["at"] = {}
            records.append(empty)
            waiting = [empty]
        if clearing is not None:
            at, by = _split_clearing(clearing)
            for rec in waiting:
                rec["last_clearing"], rec["cleared_at"], rec["cleared_by"] = (
                    clearing,
                    at,
                    by,
                )
                rec["at"]["last_clearing"] = lineno
        waiting, header_line = [], None

    for raw, lineno in zip(section.lines, section.numbers, strict=False):
        text = raw.strip()
        if not text:
            if started and (ours or waiting or header_line is not None):
                claimed.add(lineno)
            continue
        previous, held = held, None
        low = text.lower()
        if low in _HEADERS:
            if waiting or header_line is not None:
                close_part(None, None)
            current = _HEADERS[low]
            started = True
            header_line = lineno
            claimed.add(lineno)
            continue
        if low.startswith("last clearing:") and started:
            close_part(text.split(":", 1)[1].strip(), lineno)
            claimed.add(lineno)
            continue
        # A terminal narrower than the line wraps it: the rest goes on the next
        # line, from its first column (counter lines are indented) when the cut
        # fell inside a word, else as the count alone.
        wrapped = previous is not None and started
        found, joined = None, False
        if wrapped and raw[:1].strip():
            found = counter(f"  {previous[0]}{text}")
            joined = found is not None
        if started and found is None:
            found = counter(raw)
            if found is None and wrapped:
                found = counter(f"  {previous[0]} {text}")
                joined = found is not None
        first = previous[1] if joined else lineno
        if joined:
            unparsed.discard(first)
        if found is not None:
            reason, code, count, truncated = found
            if truncated:
                code = complete_code(code) or code
            rec = _new(current, reason, code, count, truncated, lineno)
            rec["lines"][0] = first
            records.append(rec)
            waiting.append(rec)
            claimed.update((first, lineno))
            continue
        if started and previous is None and len(text) <= 400:
            held = (raw.strip(), lineno)
            if ours:
                claimed.add(lineno)
                unparsed.add(lineno)
            continue
        if ours:
            claimed.add(lineno)
            unparsed.add(lineno)
        elif started:
            # Someone else's output follows without a prompt.
            if waiting or header_line is not None:
                close_part(None, None)
            started = False
    if waiting or header_line is not None:
        close_part(None, None)
    if not records and not ours:
        return []
    source = source_up_to_last_filled(KIND, section, claimed, records, unparsed)
    return [source] if source else []
