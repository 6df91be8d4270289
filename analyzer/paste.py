"""The paste model: what the whole paste says about each tunnel, built once.

Parsers read one output each; this puts them together per tunnel -- the IKE SA
rows, the IPsec SAs and their counters (the same SA shown in successive snapshots
gives the latest counters), the sessions, and the negotiation read from debugs,
syslog, captures and the other vendor's log -- and gives each tunnel one verdict:
phase 1, phase 2, traffic each way, and the one sentence an engineer would say, with
the finding that explains it. The negotiation is also kept as a timeline: each IKE
message this end sent, resent or received, each refusal and completion, in paste
order with the device's time stamp, and where it stopped. A tunnel is keyed by the peer's address (and this end's
address, when the paste proves it); both ends of one tunnel pasted together are two
entries, one from each side. Pure Python, no Django.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field

from analyzer.addresses import network
from analyzer.registry import (
    ASA_SHOW_CRYPTO_IKEV2_SA,
    ASA_SHOW_CRYPTO_IPSEC_SA,
    ASA_SHOW_CRYPTO_ISAKMP_SA,
    ASA_SHOW_VPN_SESSIONDB,
    IKE_DEBUG,
    IOS_SHOW_CRYPTO_IKEV2_SA,
    IOS_SHOW_CRYPTO_IPSEC_SA,
    IOS_SHOW_CRYPTO_ISAKMP_SA,
    PEER_IKE_LOG,
    PEER_STATUS,
    PIX_SHOW_ISAKMP_SA,
    TCPDUMP,
)
from analyzer.report import SEVERITIES, Finding, Source

# The ISAKMP and IKEv2 states in which phase 1 is up.
_UP_STATES = {"MM_ACTIVE", "AM_ACTIVE", "QM_IDLE", "READY", "UP-ACTIVE", "UP-IDLE"}
_DOWN_STATES = {"DELETE", "DELETED", "MM_NO_STATE", "DOWN", "DEAD"}
_NEGOTIATIONS = (IKE_DEBUG, PEER_IKE_LOG)
# Phase 1 tables (IKEv1 and IKEv2) and the IPsec SA outputs they are read beside.
SA_KINDS = (
    ASA_SHOW_CRYPTO_ISAKMP_SA,
    IOS_SHOW_CRYPTO_ISAKMP_SA,
    PIX_SHOW_ISAKMP_SA,
    ASA_SHOW_CRYPTO_IKEV2_SA,
    IOS_SHOW_CRYPTO_IKEV2_SA,
)
IPSEC_KINDS = (IOS_SHOW_CRYPTO_IPSEC_SA, ASA_SHOW_CRYPTO_IPSEC_SA)
# A timeline keeps its first events and its latest: a debug left running for hours
# repeats itself in the middle.
TIMELINE_FIRST = 16
TIMELINE_LAST = 24
_REFUSALS = {
    "proposal": "proposal refused",
    "psk": "authentication failed",
    "identity": "identity refused",
    "phase2": "phase 2 refused",
    "invalid_cookie": "INVALID_COOKIE",
    "invalid_spi": "ESP with an unknown SPI",
    "no_response": "gave up: no answer",
    "malformed": "malformed message",
    "no_crypto_map": "no crypto map on the interface",
    "no_connection": "no connection matches",
    "other": "negotiation failed",
}
# Payloads that say nothing about the step of the exchange.
_PLAIN_PAYLOADS = {"HDR", "VENDOR", "VENDOR ID", "NAT-D", "NONE", "FRAGMENT"}


@dataclass
class Tunnel:
    peer: str
    local: str | None = None
    ike_version: int | None = None
    phase1: str = "unknown"  # up | down | stuck | unknown
    phase1_state: str | None = None
    phase2: str = "unknown"  # up | down | unknown
    traffic: str = "unknown"  # both | outbound-only | inbound-only | none | unknown
    verdict: str = ""
    finding: str | None = None
    lines: list[int] = field(default_factory=list)
    # What the paste says, as read: latest counters per SA (by SPI, else by the
    # record's proxies).
    counters: dict[str, tuple[int, int]] = field(default_factory=dict)
    # The negotiation as events (see ``_event``), in paste order.
    events: list[dict] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "local": self.local,
            "peer": self.peer,
            "ike_version": self.ike_version,
            "phase1": self.phase1,
            "phase1_state": self.phase1_state,
            "phase2": self.phase2,
            "traffic": self.traffic,
            "verdict": self.verdict,
            "finding": self.finding,
            "lines": sorted(set(self.lines))[:50],
            "timeline": self.timeline(),
        }

    def timeline(self) -> dict | None:
        """The negotiation for the picture: the two ends, the events (the first
        and the latest, with how many were left out between them) and where it
        stopped; None when nothing in the paste traced it."""
        if not self.events:
            return None
        events = sorted(self.events, key=lambda e: (e["line"], e.get("_seq", 0)))
        events = [{k: v for k, v in e.items() if k != "_seq"} for e in events]
        left_out = 0
        if len(events) > TIMELINE_FIRST + TIMELINE_LAST:
            left_out = len(events) - TIMELINE_FIRST - TIMELINE_LAST
            events = events[:TIMELINE_FIRST] + events[-TIMELINE_LAST:]
        return {
            "local": self.local,
            "peer": self.peer,
            "events": events,
            "left_out": left_out,
            "stopped": _stopped(self, events),
        }


@dataclass
class IpsecSa:
    """One IPsec SA as the whole paste shows it: the latest snapshot, the earlier
    ones of the same SA (the same output pasted before and after sending
    traffic), the cut-down outputs that show its counters without its peer
    (`| include caps`), and the other end's mirror SA when both ends were pasted."""

    kind: str
    record: dict
    earlier: list[dict] = field(default_factory=list)
    absorbed: list[dict] = field(default_factory=list)
    far_end: dict | None = None

    @property
    def asa(self) -> bool:
        return self.kind.startswith("asa.")


@dataclass
class Paste:
    """Every tunnel the paste tells about, and how its outputs relate."""

    tunnels: dict[str, Tunnel] = field(default_factory=dict)
    # The IPsec SA outputs of the same device beside each phase 1 table, and the
    # phase 1 rows with the peer settled (both by id of the table's source).
    beside: dict[int, list[Source]] = field(default_factory=dict)
    settled: dict[int, list[dict]] = field(default_factory=dict)
    # Every IPsec SA once, in the order the paste first shows it.
    ipsec: list[IpsecSa] = field(default_factory=list)
    # IKEv2 debug records saying "SA is already in negotiation", by peer (""
    # for the lines that name none).
    in_negotiation: dict[str, dict] = field(default_factory=dict)

    def tunnel(self, peer: str) -> Tunnel:
        found = self.tunnels.get(peer)
        if found is None:
            found = self.tunnels[peer] = Tunnel(peer=peer)
        return found

    def ipsec_beside(self, source: Source) -> list[Source]:
        """The IPsec SA outputs the same device printed next to a phase 1 table:
        after it up to the next phase 1 output, else before it back to the
        previous one, so the other end's outputs in the same paste are not read as
        this device's."""
        return self.beside.get(id(source), [])

    def stale_negotiation(self, session: dict) -> dict | None:
        """The IKEv2 debug record saying an SA with this crypto session's peer is
        already in negotiation: the one naming that peer, else one naming none
        (IOS-XE prints the line without a peer)."""
        peer = session.get("peer") or ""
        return self.in_negotiation.get(peer, self.in_negotiation.get(""))

    def records(self, source: Source) -> list[dict]:
        """A source's records, with the peer of each phase 1 row settled."""
        return self.settled.get(id(source), source.records)


def device_name(prompt: str | None) -> str:
    """The device a prompt names: "asa-hq" for "asa-hq(config)#" or "asa-hq>"."""
    if not prompt:
        return ""
    return prompt.split("(", 1)[0].rstrip("#>$ ").lower()


def _relate(paste: Paste, sources: list[Source]) -> None:
    """Which IPsec outputs sit beside each phase 1 table, from one index of the
    paste's outputs by device and line (a paste may hold thousands)."""
    tables = sorted(
        (s for s in sources if s.kind in SA_KINDS), key=lambda s: s.first_line
    )
    if not tables:
        return
    starts = [s.first_line for s in tables]
    by_device: dict[tuple[str, str], tuple[list[int], list[Source]]] = {}
    for s in sorted(
        (s for s in sources if s.kind in IPSEC_KINDS), key=lambda s: s.first_line
    ):
        key = (s.kind.split(".", 1)[0], device_name(s.prompt))
        lines, found = by_device.setdefault(key, ([], []))
        lines.append(s.first_line)
        found.append(s)
    debugs = [s for s in sources if s.kind == IKE_DEBUG]
    for table in tables:
        near = _beside(table, starts, by_device)
        paste.beside[id(table)] = near
        if any(r.get("peer_guessed") for r in table.records):
            paste.settled[id(table)] = _settle_peers(
                table.records, near, _debug_peers(table, debugs)
            )


def _debug_peers(table: Source, debugs: list[Source]) -> set[str]:
    """The peers an IKE debug of the same kind of device exchanged messages with
    (packets sent or received, not a lone %CRYPTO message, which may be the other
    router's pasted beside)."""
    platform = table.kind.split(".", 1)[0]
    name = device_name(table.prompt)
    found: set[str] = set()
    for debug in debugs:
        if device_name(debug.prompt) not in ("", name):
            continue
        for rec in debug.records:
            if (
                rec.get("platform") == platform
                and rec.get("peer")
                and rec.get("messages")
            ):
                found.add(rec["peer"].lower())
    return found


def _beside(table: Source, starts: list[int], by_device) -> list[Source]:
    platform = table.kind.split(".", 1)[0]
    name = device_name(table.prompt)
    lines, found = by_device.get((platform, name), ([], []))
    if name:
        # Outputs with no prompt may be this device's too.
        unnamed = by_device.get((platform, ""), ([], []))
        merged = sorted(
            zip(lines + unnamed[0], found + unnamed[1], strict=True),
            key=lambda pair: pair[0],
        )
        lines, found = [n for n, _ in merged], [s for _, s in merged]
    first = table.first_line
    at = bisect_right(starts, first)
    upper = starts[at] if at < len(starts) else float("inf")
    below = bisect_left(starts, first)
    lower = starts[below - 1] if below else 0
    lo, hi = bisect_right(lines, first), bisect_left(lines, upper)
    after = [s for n, s in zip(lines[lo:hi], found[lo:hi], strict=True) if n > first]
    if after:
        return after
    lo, hi = bisect_right(lines, lower), bisect_left(lines, first)
    return [
        s for n, s in zip(lines[lo:hi], found[lo:hi], strict=True) if lower < n < first
    ]


def _settle_peers(
    records: list[dict], near: list[Source], debug_peers: set[str] = frozenset()
) -> list[dict]:
    """An IOS `dst src` row names both ends without saying which is this router:
    the IPsec SAs of the same router beside it do (their local and remote crypto
    endpoints), and so does a debug of the same router (an end it exchanged
    packets with is not this router). Rows nothing settles keep the parser's guess."""
    local: set[str] = set()
    remote: set[str] = set(debug_peers)
    for ipsec in near:
        for rec in ipsec.records:
            for value in (rec.get("local_endpoint"), rec.get("local_addr")):
                if value:
                    local.add(value.lower())
            for value in (rec.get("remote_endpoint"), rec.get("peer")):
                if value:
                    remote.add(value.lower())
    if not local and not remote:
        return records
    out = []
    for rec in records:
        if rec.get("peer_guessed") and "dst" in rec and "src" in rec:
            dst, src = rec["dst"].lower(), rec["src"].lower()
            if src in local or dst in remote:
                rec = dict(rec, peer=rec["dst"], local=rec["src"], peer_guessed=False)
            elif dst in local or src in remote:
                rec = dict(rec, peer=rec["src"], local=rec["dst"], peer_guessed=False)
        out.append(rec)
    return out


def build(sources: list[Source]) -> Paste:
    paste = Paste()
    _relate(paste, sources)
    paste.ipsec = _ipsec_sas(sources)
    for source in sources:
        if source.kind == IKE_DEBUG:
            for record in source.records:
                errors = record.get("errors") or []
                if any(e.get("kind") == "in_negotiation" for e in errors):
                    paste.in_negotiation.setdefault(record.get("peer") or "", record)
    for source in sources:
        kind = source.kind
        for record in paste.records(source):
            if not isinstance(record, dict):
                continue
            peer = record.get("peer")
            if not isinstance(peer, str) or not peer or " " in peer:
                continue
            if "isakmp_sa" in kind or "ikev2_sa" in kind:
                _sa_row(paste.tunnel(peer), record, kind)
            elif kind.endswith("show_crypto_ipsec_sa"):
                _ipsec(paste.tunnel(peer), record)
            elif kind in _NEGOTIATIONS:
                _negotiation(paste.tunnel(peer), record)
            elif kind == ASA_SHOW_VPN_SESSIONDB:
                _session(paste.tunnel(peer), record)
            elif kind == PEER_STATUS:
                _status(paste.tunnel(peer), record)
            else:
                continue
            local = record.get("local") or record.get("local_addr")
            if isinstance(local, str) and local:
                tunnel = paste.tunnels[peer]
                tunnel.local = tunnel.local or local
    for source in sources:
        if source.kind == TCPDUMP:
            for record in source.records:
                if record.get("packets"):
                    _capture(paste, record)
    for tunnel in paste.tunnels.values():
        _settle(tunnel)
    return paste


def _ipsec_sas(sources: list[Source]) -> list[IpsecSa]:
    """The paste's IPsec SAs, each SA once: snapshots of one SA (same device
    kind, peer, proxies and SPIs) grouped, cut-down outputs folded into the SA
    they show, and both ends of a tunnel paired."""
    kinds = [s for s in sources if s.kind in IPSEC_KINDS]
    absorbed = _same_counters(kinds)
    seen: dict = {}
    out: list[IpsecSa] = []
    for source in kinds:
        for rec in source.records:
            if id(rec) in absorbed["skip"]:
                continue
            key = _sa_key(source.kind, rec)
            if key[1] and (rec.get("local_ident") or rec.get("outbound_spi")):
                sa = seen.get(key)
                if sa is not None:
                    sa.earlier.append(sa.record)
                    sa.record = rec
                    continue
                sa = seen[key] = IpsecSa(kind=source.kind, record=rec)
            else:  # too little printed to tell it from another SA
                sa = IpsecSa(kind=source.kind, record=rec)
            out.append(sa)
    for sa in out:
        sa.absorbed = absorbed["into"].get(id(sa.record), [])
    _pair_ends(out)
    return out


def _sa_key(kind: str, rec: dict):
    """What makes two records the same SA seen twice: the device kind, the peer,
    the proxy pair and the current SPIs (a rekey starts the counters again)."""
    return (
        kind,
        (rec.get("peer") or "").lower(),
        rec.get("local_ident"),
        rec.get("remote_ident"),
        rec.get("outbound_spi"),
        rec.get("inbound_spi"),
    )


def _same_counters(sources: list[Source]) -> dict:
    """Records of a cut-down output (`| i caps`) that print counters and no
    peer, matched to the one record of the paste that names its peer and has the
    same non-zero encaps and decaps: the same SA seen through another filter.
    {"skip": ids of those records, "into": id of the named record -> them}."""
    named: dict = {}
    unnamed: list = []
    for source in sources:
        for rec in source.records:
            if rec.get("encaps") is None or rec.get("decaps") is None:
                continue
            if not (rec["encaps"] or rec["decaps"]):
                continue
            counters = (source.kind, rec["encaps"], rec["decaps"])
            if rec.get("peer"):
                named.setdefault(counters, []).append(rec)
            else:
                unnamed.append((counters, rec))
    out: dict = {"skip": set(), "into": {}}
    for counters, rec in unnamed:
        match = named.get(counters, [])
        if len(match) == 1:
            out["skip"].add(id(rec))
            out["into"].setdefault(id(match[0]), []).append(rec)
    return out


def sa_ends(rec: dict) -> tuple[str, str] | None:
    """(this end, the peer) of an IPsec SA record, lower-cased."""
    local = rec.get("local_endpoint") or rec.get("local_addr")
    peer = rec.get("peer") or rec.get("remote_endpoint")
    if not local or not peer:
        return None
    return local.lower(), peer.lower()


def _pair_ends(sas: list[IpsecSa]) -> None:
    """Both ends of one tunnel pasted together: the far end's SA names this one
    as its peer (or is named by it; a NAT device in front of it may change its
    address) and carries the same flow reversed. Only a single such SA counts."""
    by_flow: dict[tuple, list[dict]] = {}
    for sa in sas:
        rec = sa.record
        by_flow.setdefault(
            (rec.get("local_ident"), rec.get("remote_ident")), []
        ).append(rec)
    for sa in sas:
        rec = sa.record
        ends = sa_ends(rec)
        if ends is None:
            continue
        mirror = []
        for other in by_flow.get((rec.get("remote_ident"), rec.get("local_ident")), []):
            theirs = sa_ends(other) if other is not rec else None
            if theirs is None or theirs == ends:
                continue
            if theirs[1] == ends[0] or theirs[0] == ends[1]:
                mirror.append(other)
        if len(mirror) == 1:
            sa.far_end = mirror[0]


def waiting_for_sa(rec: dict) -> bool:
    """An SA entry with no SA (outbound SPI zero, nothing encrypted or decrypted)
    whose send errors count packets that matched it: traffic is waiting for phase 2."""
    no_sa = rec.get("outbound_spi") in ("00000000", "0") or (
        # The SPI line cut off, the SA lists under it shown empty.
        rec.get("outbound_spi") is None
        and "inbound_sas" in rec
        and not rec["inbound_sas"]
        and not rec.get("outbound_sas")
    )
    return (
        no_sa
        and not rec.get("encaps")
        and not rec.get("decaps")
        and (rec.get("send_errors") or 0) > 0
        and not rec.get("recv_errors")
    )


def ident_network(ident: str | None):
    """The network of a proxy ident ("192.168.11.0/255.255.255.0/0/0"), or None."""
    parts = (ident or "").rsplit("/", 3)
    return network(parts[0], parts[1]) if len(parts) == 4 else None


def _networks(rec: dict):
    """The local and remote networks of an IPsec SA entry's proxies, or None."""
    out = []
    for key in ("local_ident", "remote_ident"):
        net = ident_network(rec.get(key))
        if net is None:
            return None
        out.append(net)
    return out


def _established(rec: dict) -> bool:
    """An entry that holds an SA: its SAs listed, an SPI, or traffic counted."""
    return bool(
        rec.get("inbound_sas")
        or rec.get("outbound_sas")
        or rec.get("encaps")
        or rec.get("decaps")
        or (rec.get("outbound_spi") or "0").strip("0") not in ("", "x")
    )


def narrowed_to(entry: dict, records) -> dict | None:
    """The SA an SA-less crypto map entry was narrowed to, if the same output holds
    one: IKEv2 lets the responder accept part of the networks proposed (RFC 7296,
    2.9), and the initiator's entry for the wider networks then stays without an
    SA (outbound SPI 0) beside the SA for the narrower ones. Only an entry with no
    SA at all, and an SA on the same peer and crypto map whose local and remote
    networks both lie inside the entry's, count."""
    if entry.get("outbound_spi") not in ("00000000", "0") or _established(entry):
        return None
    wide = _networks(entry)
    if wide is None:
        return None
    for rec in records:
        if (
            rec is entry
            or rec.get("peer") != entry.get("peer")
            or rec.get("crypto_map") != entry.get("crypto_map")
            or not _established(rec)
        ):
            continue
        narrow = _networks(rec)
        if (
            narrow is not None
            and narrow != wide
            and all(n.version == w.version for n, w in zip(narrow, wide, strict=True))
            and all(n.subnet_of(w) for n, w in zip(narrow, wide, strict=True))
        ):
            return rec
    return None


def _event(tunnel: Tunnel, actor: str, event: str, label: str, line, time) -> None:
    """One step of the negotiation: ``actor`` ("local" or "peer") ``event`` --
    sent, resent, received (by local, from the peer), refused, up -- with what
    it carried in ``label``, the paste's line and the time printed on it."""
    if not isinstance(line, int):
        return
    tunnel.events.append(
        {
            "actor": actor,
            "event": event,
            "label": label,
            "line": line,
            # "*Mar  1 00:12:41.287" as "Mar 1 00:12:41.287".
            "time": " ".join(time.lstrip("*.").split())
            if isinstance(time, str)
            else None,
            "_seq": len(tunnel.events),
        }
    )


def _message_label(message: dict, version) -> str:
    payloads = [p for p in message.get("payloads") or [] if p not in _PLAIN_PAYLOADS]
    payloads = list(dict.fromkeys(payloads))
    msgid = message.get("msgid")
    if version == "ikev1" and msgid not in (None, "0", "0x0", "00000000"):
        # Phase 2 (quick mode) and informational exchanges carry a message ID.
        what = "quick mode" if "SA" in payloads else "informational"
        return f"{what}: {' + '.join(payloads)}" if payloads else what
    if payloads:
        return " + ".join(payloads[:5])
    state = message.get("state")
    return state if isinstance(state, str) else "IKE message"


def _negotiation_events(tunnel: Tunnel, record: dict) -> None:
    version = record.get("version")
    for message in record.get("messages") or []:
        direction = message.get("direction")
        if direction not in ("sent", "resent", "received"):
            continue
        _event(
            tunnel,
            "peer" if direction == "received" else "local",
            direction,
            _message_label(message, version),
            message.get("line"),
            message.get("time"),
        )
    said = None
    for error in record.get("errors") or []:
        kind = error.get("kind")
        label = _REFUSALS.get(kind, "negotiation failed")
        text = error.get("text") or ""
        # "received NO_PROPOSAL_CHOSEN notify", "processing NOTIFY
        # PROPOSAL_NOT_CHOSEN": the refusal is the peer's.
        notify = "notify" in text.lower()
        actor = (
            "peer"
            if notify and ("eceived" in text or "processing NOTIFY" in text)
            else "local"
        )
        if error.get("resolved_at"):
            label += " (overcome later)"
        event = "gave-up" if kind == "no_response" else "refused"
        if (actor, event, label) == said:
            # The same refusal printed again a line or two on (the device's
            # message and its syslog): one event.
            continue
        said = (actor, event, label)
        _event(tunnel, actor, event, label, error.get("line"), error.get("time"))
    # Where each phase first completed; IOS goes on printing QM_IDLE on every
    # later packet, which is the same SA, not a new completion.
    p1 = record.get("p1_done_lines") or []
    p2 = record.get("p2_done_lines") or []
    if p1 and (not p2 or p1[0] != p2[0]):
        _event(tunnel, "local", "up", "phase 1 up", p1[0], None)
    if p2:
        _event(tunnel, "local", "up", "phase 2 up", p2[0], None)


def _capture(paste: Paste, flow: dict) -> None:
    """An IKE flow of a capture: the negotiation as seen on the wire. The side
    the paste already knows as a peer is the peer; otherwise the side that sent
    first is taken as this end."""
    a, b = flow.get("a"), flow.get("b")
    if not isinstance(a, str) or not isinstance(b, str):
        return
    locals_ = {t.local for t in paste.tunnels.values() if t.local}
    if a in paste.tunnels or (b in locals_ and a not in locals_):
        local, peer = b, a
    else:
        local, peer = a, b
    tunnel = paste.tunnel(peer)
    tunnel.local = tunnel.local or local
    if flow.get("ike_version") and tunnel.ike_version is None:
        tunnel.ike_version = flow["ike_version"]
    if isinstance(flow.get("lines"), list) and flow["lines"]:
        _lines(tunnel, flow)
    previous = None
    for packet in flow["packets"]:
        actor = "local" if packet.get("from") == local else "peer"
        what = packet.get("what") or "IKE"
        # The same packet again from the same side is a retransmission.
        event = "resent" if previous == (actor, what) else "sent"
        if actor == "peer":
            event = "resent" if event == "resent" else "received"
        _event(tunnel, actor, event, what, packet.get("line"), packet.get("time"))
        previous = (actor, what)


def _stopped(tunnel: Tunnel, events: list[dict]) -> dict:
    """Where the negotiation ended, in words, and the line it ended on. A
    refusal that names its reason outranks the generic "failed" a device prints
    as it tears the attempt down."""
    refusals = [
        e
        for e in events
        if e["event"] in ("refused", "gave-up") and "overcome" not in e["label"]
    ]
    named = [e for e in refusals if e["label"] != _REFUSALS["other"]]
    ups = [e for e in events if e["event"] == "up"]
    after_up = ups[-1]["line"] if ups else 0
    if named:
        # A refusal a later completion overcame is labelled so: what is left
        # stands, whatever came after it.
        return _stop(named[-1], False)
    if ups and tunnel.phase1 == "up" and tunnel.phase2 != "down":
        phase = "phase 2" if any("phase 2" in e["label"] for e in ups) else "phase 1"
        return {
            "text": f"Completed: {phase} up (line {ups[-1]['line']})",
            "line": ups[-1]["line"],
            "healthy": True,
        }
    wire = [e for e in events if e["event"] in ("sent", "resent", "received")]
    if wire:
        last, run = wire[-1], 0
        for event in reversed(wire):
            if event["actor"] != last["actor"]:
                break
            run += 1
        if run > 1:
            who = "this end" if last["actor"] == "local" else "the peer"
            return {
                "text": f"Stopped at line {last['line']}: no answer; {who} sent "
                f"the same message {run} times",
                "line": last["line"],
                "healthy": False,
            }
    if refusals and refusals[-1]["line"] > after_up:
        return _stop(refusals[-1], False)
    last = events[-1]
    state = f" at {tunnel.phase1_state}" if tunnel.phase1_state else ""
    return {
        "text": f"The paste ends here{state} (line {last['line']})",
        "line": last["line"],
        "healthy": tunnel.phase1 == "up",
    }


def _stop(event: dict, healthy: bool) -> dict:
    who = "the peer" if event["actor"] == "peer" else "this end"
    if event["event"] == "gave-up":
        said = f"{who} gave up, no answer"
    else:
        said = f"{event['label']} ({who})"
    return {
        "text": f"Stopped at line {event['line']}: {said}",
        "line": event["line"],
        "healthy": healthy,
    }


def _lines(tunnel: Tunnel, record: dict) -> None:
    span = record.get("lines")
    if isinstance(span, list) and span and isinstance(span[0], int):
        if len(tunnel.lines) < 200:
            tunnel.lines.append(span[0])


def _sa_row(tunnel: Tunnel, record: dict, kind: str) -> None:
    _lines(tunnel, record)
    version = record.get("ike_version")
    tunnel.ike_version = version or (2 if "ikev2" in kind else 1)
    state = record.get("state")
    if not isinstance(state, str) or not state:
        return
    tunnel.phase1_state = state
    if state in _UP_STATES:
        tunnel.phase1 = "up"
    elif state in _DOWN_STATES:
        tunnel.phase1 = "down" if tunnel.phase1 != "up" else tunnel.phase1
    elif tunnel.phase1 != "up":
        tunnel.phase1 = "stuck"


def _ipsec(tunnel: Tunnel, record: dict) -> None:
    _lines(tunnel, record)
    encaps, decaps = record.get("encaps"), record.get("decaps")
    if not isinstance(encaps, int) or not isinstance(decaps, int):
        return
    spi = record.get("outbound_spi") or record.get("inbound_spi")
    key = str(spi) if spi and str(spi) not in ("0", "0x0", "0x00000000") else None
    if key is None:
        key = f"{record.get('local_ident')}>{record.get('remote_ident')}"
    # The same SA shown again later is a later snapshot: its counters replace
    # the earlier ones (counters only grow, so the larger is the later).
    old = tunnel.counters.get(key)
    if old is None or (encaps, decaps) >= old:
        tunnel.counters[key] = (encaps, decaps)
    if spi and str(spi) not in ("0", "0x0", "0x00000000"):
        tunnel.phase2 = "up"


def _session(tunnel: Tunnel, record: dict) -> None:
    _lines(tunnel, record)
    tx, rx = record.get("bytes_tx"), record.get("bytes_rx")
    if isinstance(tx, int) and isinstance(rx, int):
        tunnel.phase1 = "up"
        tunnel.phase2 = "up"
        tunnel.counters.setdefault(f"session:{record.get('index')}", (tx, rx))


def _status(tunnel: Tunnel, record: dict) -> None:
    """The far end's own table: the phase it lists and its state."""
    _lines(tunnel, record)
    state = {"up": "up", "down": "down", "negotiating": "stuck"}.get(
        record.get("state")
    )
    if record.get("phase") == 1 and state:
        tunnel.phase1 = state if tunnel.phase1 != "up" else tunnel.phase1
    elif record.get("phase") == 2 and state:
        tunnel.phase2 = "down" if state == "stuck" else state
        if state == "up" and tunnel.phase1 == "unknown":
            tunnel.phase1 = "up"


def _negotiation(tunnel: Tunnel, record: dict) -> None:
    _lines(tunnel, record)
    _negotiation_events(tunnel, record)
    version = record.get("version")
    if version in ("ikev1", "ikev2"):
        tunnel.ike_version = tunnel.ike_version or int(version[-1])
    open_errors = [e for e in record.get("errors") or [] if not e.get("resolved_at")]
    kinds = {e.get("kind") for e in open_errors}
    phase2_failed = "phase2" in kinds
    phase1_failed = bool(kinds - {"phase2", "invalid_spi", "other"})
    if record.get("phase1_complete") and not phase1_failed:
        tunnel.phase1 = "up"
    elif phase1_failed and tunnel.phase1 != "up":
        tunnel.phase1 = "down"
    elif tunnel.phase1 == "unknown" and record.get("messages"):
        # Messages exchanged, no completion and no refusal: still negotiating.
        tunnel.phase1 = "stuck"
    if record.get("phase2_complete") and not phase2_failed:
        tunnel.phase2 = "up"
    elif phase2_failed:
        tunnel.phase2 = "down"
    state = record.get("last_state")
    if isinstance(state, str) and state and tunnel.phase1_state is None:
        tunnel.phase1_state = state


def _settle(tunnel: Tunnel) -> None:
    if tunnel.counters:
        encaps = sum(e for e, _ in tunnel.counters.values())
        decaps = sum(d for _, d in tunnel.counters.values())
        tunnel.traffic = (
            "both"
            if encaps and decaps
            else "outbound-only"
            if encaps
            else "inbound-only"
            if decaps
            else "none"
        )
        if tunnel.phase2 == "unknown":
            tunnel.phase2 = "up"
    if tunnel.phase2 == "up" and tunnel.phase1 == "unknown":
        # IPsec SAs exist only after phase 1 completed.
        tunnel.phase1 = "up"


def judge(paste: Paste, findings: list[Finding]) -> list[Tunnel]:
    """Each tunnel's verdict: the most severe finding about its peer explains it;
    with none above info, the sentence says what the paste shows."""
    by_peer: dict[str, list[Finding]] = {}
    for finding in findings:
        for peer in _peers_named(finding, paste):
            by_peer.setdefault(peer, []).append(finding)
    out = []
    for peer, tunnel in paste.tunnels.items():
        about = by_peer.get(peer, [])
        worst = max(
            about,
            key=lambda f: (
                SEVERITIES.index(f.severity),
                -(f.lines[0] if f.lines else 0),
            ),
            default=None,
        )
        if worst is not None and worst.severity != "info":
            tunnel.verdict = worst.title
            tunnel.finding = worst.code
            tunnel.lines = sorted(set(tunnel.lines + worst.lines[:10]))
        else:
            tunnel.verdict = _healthy_sentence(tunnel)
            tunnel.finding = None
        out.append(tunnel)
    return out


def _peers_named(finding: Finding, paste: Paste) -> list[str]:
    subject = finding.subject or ""
    named = [p for p in paste.tunnels if subject == f"peer {p}"]
    if named:
        return named
    words = set(subject.replace(",", " ").split())
    # "flow 192.0.2.1:500 <-> 198.51.100.2:500" names its hosts with their ports.
    words |= {w.rsplit(":", 1)[0] for w in words if w.count(":") == 1}
    return [p for p in paste.tunnels if p in words]


def _healthy_sentence(tunnel: Tunnel) -> str:
    peer = tunnel.peer
    if tunnel.phase1 == "up" and tunnel.traffic == "both":
        return f"The tunnel to {peer} is up and carries traffic both ways."
    if tunnel.phase1 == "up" and tunnel.traffic == "none":
        return f"The tunnel to {peer} is up; no traffic has crossed it yet."
    if tunnel.phase1 == "up" and tunnel.phase2 == "up":
        return f"Phase 1 and phase 2 with {peer} are up."
    if tunnel.phase1 == "up":
        return f"Phase 1 with {peer} is up."
    if tunnel.phase1 == "stuck":
        state = f" at {tunnel.phase1_state}" if tunnel.phase1_state else ""
        return f"Phase 1 with {peer} is still negotiating{state}."
    if tunnel.phase1 == "down":
        return f"Phase 1 with {peer} is down."
    return f"The paste names {peer}; it does not show the tunnel's state."
