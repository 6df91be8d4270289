"""The ASA VPN data path: packet-tracer, the asp vpn-context table, vpn-sessiondb.

Crosses outputs the way an engineer does at the console:

- packet-tracer: where a flow is dropped (phase, type, reason); whether it goes
  through a VPN encrypt phase, and if so which asp context (``user_data``) to look
  up; a flow to a tunnel's remote network that never reaches a VPN phase;
- `show asp table vpn-context detail`: error counters, contexts that are not UP,
  and the SPI cross-check against `show crypto ipsec sa` (the context must carry
  the SA's current SPI, and both must count the same traffic);
- `show vpn-sessiondb`: each tunnel up with its byte counters, and tunnels that
  send but never receive.

A context and SA that agree and count traffic are reported as healthy (info).
"""

from __future__ import annotations

from analyzer import links
from analyzer.addresses import in_subnet, ipv4_to_int, mask_to_prefix, net_range
from analyzer.configs import AsaConfig
from analyzer.registry import (
    ASA_PACKET_TRACER,
    ASA_RUNNING_CONFIG,
    ASA_SHOW_ASP_TABLE_VPN_CONTEXT,
    ASA_SHOW_VPN_SESSIONDB,
    ASA_SHOW_VPN_SESSIONDB_SUMMARY,
)
from analyzer.report import Finding, plural
from analyzer.rules.ipsec import ident_text

TRACER = ASA_PACKET_TRACER
ASP = ASA_SHOW_ASP_TABLE_VPN_CONTEXT
SESSIONS = ASA_SHOW_VPN_SESSIONDB
SUMMARY = ASA_SHOW_VPN_SESSIONDB_SUMMARY
CONFIG = ASA_RUNNING_CONFIG

# Every article section a finding of this module can point at.
LINKS = (
    links.TRACER_ACL_DROP,
    links.TRACER_NO_ROUTE,
    links.TRACER_NAT_DROPS,
    links.TRACER_SECURITY_CHECKS,
    links.TRACER_INTERFACE_DOWN,
    links.TRACER_VPN_DROPS,
    links.TRACER_OTHER_DROPS,
    links.PHASE1_ACCESS_LIST_DENIES,
    links.ASP_USER_DATA,
    links.ASP_VPN_CONTEXT,
    links.ASP_SPI_CHECK,
    links.ASP_SPI_MISMATCH,
    links.ASP_NO_VPN_PHASE,
    links.ASP_COUNTERS,
    links.SESSIONDB_L2L_SESSIONS,
    links.SESSIONDB_SUMMARY,
    links.ENCAPS_NO_DECAPS,
    links.DECAPS_NO_ENCAPS,
    links.SA_NO_TRAFFIC,
)

_ERROR_COUNTERS = (
    ("bad_spi", "Bad SPI"),
    ("spoof", "Spoof"),
    ("bad_crypto", "Bad Crypto"),
    ("bad_packets", "Bad Pkts"),
)
_IKE_PORTS = (500, 4500)


def check(report) -> list[Finding]:
    runs = _records(report, TRACER)
    contexts = _records(report, ASP)
    sas = [
        r
        for s in report.sources
        if s.kind.endswith("show_crypto_ipsec_sa") and not s.kind.startswith("ios.")
        for r in s.records
    ]
    sessions = _records(report, SESSIONS)
    networks = _vpn_networks(report, sas)
    peers = _vpn_peers(report, sas, sessions)

    findings: list[Finding] = []
    for run in runs:
        findings += _check_run(run, contexts, networks, peers)
    findings += _check_contexts(contexts, sas)
    for session in sessions:
        findings += _check_session(session)
    for summary in _records(report, SUMMARY):
        findings += _check_summary(summary)
    return findings


def _records(report, kind: str) -> list[dict]:
    return [r for s in report.sources if s.kind == kind for r in s.records]


def _hex_int(text: str | None) -> int | None:
    if not text:
        return None
    digits = text.strip().lower().replace("\u00d7", "x")
    if digits.startswith("0x"):
        digits = digits[2:]
    try:
        return int(digits, 16)
    except ValueError:
        return None


def begin_token(value: str | None) -> str | None:
    """What to put after `| begin` for a user_data or context: upper-case hex with
    no 0x and no leading zeros (0x922fac -> 922FAC), as the asp table prints the
    context zero-padded and `begin` matches a substring."""
    number = _hex_int(value)
    if not number:
        return None
    return f"{number:X}"


# --- what the rest of the paste says about the tunnels ------------------------------


def _ident_network(ident) -> tuple[str, str] | None:
    """(address, mask) of an ident "10.10.15.0/255.255.255.0/0/0"."""
    if not ident:
        return None
    if isinstance(ident, dict):
        addr, mask = ident.get("addr") or ident.get("network"), ident.get("mask")
        return (addr, mask) if addr and mask else None
    parts = str(ident).strip("() ").split("/")
    if len(parts) >= 2 and ipv4_to_int(parts[0]) is not None:
        return parts[0], parts[1]
    return None


def _vpn_networks(report, sas: list[dict]) -> list[dict]:
    """Traffic the paste says belongs in a tunnel: one entry per proxy pair with
    the remote (and, when known, local) network, where it was read and the peer."""
    out: list[dict] = []
    for sa in sas:
        remote = _ident_network(sa.get("remote_ident"))
        if remote is None or mask_to_prefix(remote[1]) == 0:
            continue
        out.append(
            {
                "remote": remote,
                "local": _ident_network(sa.get("local_ident")),
                "peer": sa.get("peer"),
                "source": "show crypto ipsec sa",
                "name": sa.get("acl_name"),
                "lines": [sa.get("at", {}).get("remote_ident", sa["lines"][0])],
            }
        )
    sources = report.sources_of(CONFIG)
    if not sources:
        return out
    config = AsaConfig(sources)
    for entry, ace in config.crypto_acl_entries():
        locals_ = config.spec_networks(ace.get("source"))
        for remote in config.spec_networks(ace.get("destination")):
            if mask_to_prefix(remote[1]) == 0:
                continue
            out.append(
                {
                    "remote": remote,
                    "local": locals_[0] if len(locals_) == 1 else None,
                    "locals": locals_,
                    "peer": (entry.get("peers") or [None])[0],
                    "source": f"crypto map {entry.get('map')} {entry.get('seq')}",
                    "name": entry.get("match_address"),
                    "lines": [ace["lines"][0]],
                }
            )
    return out


def _vpn_peers(report, sas: list[dict], sessions: list[dict]) -> set[str]:
    peers = {sa.get("peer") for sa in sas}
    peers |= {s.get("peer") for s in sessions}
    for source in report.sources:
        if source.kind.endswith(("isakmp_sa", "ikev2_sa")):
            peers |= {r.get("peer") for r in source.records}
    for entry in _records(report, CONFIG):
        peers |= set(entry.get("peers") or [])
    peers.discard(None)
    return peers


# --- packet-tracer ----------------------------------------------------------------


def _flow(run: dict) -> str:
    def end(iface, addr, port):
        text = f"{iface}:" if iface else ""
        text += addr or "?"
        return f"{text}/{port}" if port not in (None, "") else text

    proto = run.get("protocol")
    src = end(run.get("input_interface"), run.get("src"), run.get("src_port"))
    dst = end(run.get("output_interface"), run.get("dst"), run.get("dst_port"))
    return f"flow {src} -> {dst}" + (f" ({proto})" if proto else "")


def _phase_name(phase: dict) -> str:
    name = f"phase {phase['number']} {phase.get('type') or '?'}"
    return name + (f" ({phase['subtype']})" if phase.get("subtype") else "")


def _tracer_command(run: dict) -> str | None:
    """The packet-tracer to run again, rebuilt from the flow so that typing slips
    ("10.10.15.15.") and the xml keyword are gone; as typed when it cannot be."""
    iface, proto = run.get("input_interface"), run.get("protocol")
    src, dst = run.get("src"), run.get("dst")
    if iface and proto and src and dst:
        head = f"packet-tracer input {iface} {proto} {src}"
        if proto in ("tcp", "udp", "sctp") and run.get("dst_port") is not None:
            sport = run.get("src_port") if run.get("src_port") is not None else 1025
            return f"{head} {sport} {dst} {run['dst_port']} detailed"
        if proto in ("icmp", "icmp6"):
            kind, code = run.get("icmp_type", 8), run.get("icmp_code", 0)
            return f"{head} {kind} {code} {dst} detailed"
        if proto == "rawip" and run.get("ip_protocol") is not None:
            return f"{head} {run['ip_protocol']} {dst} detailed"
    if run.get("command"):
        return run["command"].split("|", 1)[0].strip()
    return None


def _towards_vpn_peer(run: dict, peers: set[str]) -> bool:
    if run.get("dst") in peers:
        return True
    proto = run.get("protocol")
    if proto in ("udp",) and (
        run.get("dst_port") in _IKE_PORTS or run.get("src_port") in _IKE_PORTS
    ):
        return True
    return proto == "esp" or (proto == "rawip" and run.get("ip_protocol") == 50)


def _check_run(run: dict, contexts: list[dict], networks: list[dict], peers: set[str]):
    out: list[Finding] = []
    subject = _flow(run)
    again = _tracer_command(run)
    dropped = next((p for p in run["phases"] if p.get("result") == "DROP"), None)
    if run.get("action") == "drop" or dropped is not None:
        out.append(_drop_finding(run, dropped, subject, again, peers))

    for vpn in run.get("vpn_phases", []):
        token = begin_token(vpn.get("user_data"))
        if vpn.get("subtype", "").lower() != "encrypt" or token is None:
            continue
        out.append(_user_data_finding(run, vpn, token, contexts, subject))

    if (
        not run.get("vpn_phases")
        and not run.get("truncated")
        and run.get("action") == "allow"
    ):
        out.append(_no_vpn_phase_finding(run, networks, subject, again))
    return out


def _drop_finding(run, phase, subject, again, peers) -> Finding:
    code = (run.get("drop_code") or "").lower()
    kind = (phase or {}).get("type", "").upper()
    reason = run.get("drop_reason") or "no drop reason printed"
    where = _phase_name(phase) if phase else "an unnamed phase"
    lines = []
    if phase:
        lines += [phase["at"].get("result", phase["lines"][0]), phase["lines"][0]]
    lines += [run["at"][k] for k in ("action", "drop_reason") if k in run.get("at", {})]
    commands = [again] if again else []
    severity = "error"
    link = links.TRACER_OTHER_DROPS
    dst = run.get("dst")
    if kind == "VPN" or code.startswith(("vpn", "ipsec")):
        severity = "warning"
        link = links.TRACER_VPN_DROPS
        meaning = (
            "The flow matched a crypto map, so the ASA tried to encrypt it, but no "
            "IPsec SA was there to use. The first packet-tracer towards a tunnel that "
            "is down shows exactly this while it starts the negotiation: run it again "
            "after a few seconds. If it still drops, phase 1 or phase 2 does not come "
            "up; read the IKE state and the debug."
        )
        commands += [
            "show crypto isakmp sa",
            "show crypto ipsec sa",
            "show vpn-sessiondb l2l",
        ]
    elif code == "acl-drop" or kind == "ACCESS-LIST":
        acls = (phase or {}).get("acls", [])
        meaning = (
            "An access-list denies the flow"
            + (
                f" ({', '.join(acls)})"
                if acls
                else " (the implicit deny at the end, or a deny line)"
            )
            + ". Packet-tracer's config lines show the access-group and the line that matched."
        )
        commands += [f"show access-list {name}" for name in acls] or [
            "show running-config access-group"
        ]
        if _towards_vpn_peer(run, peers):
            link = links.PHASE1_ACCESS_LIST_DENIES
            meaning += (
                " This traffic is IKE/ESP to a VPN peer: while it is denied, phase 1 "
                "cannot start (or phase 2 traffic cannot pass) through this firewall."
            )
        else:
            link = links.TRACER_ACL_DROP
    elif code in ("no-route", "no-adjacency") or kind == "ROUTE-LOOKUP":
        link = links.TRACER_NO_ROUTE
        meaning = (
            "The ASA has no route (or no next-hop it can resolve) towards the "
            "destination, so the packet never reaches the crypto map or the egress "
            "interface."
        )
        if dst:
            commands += [f"show route {dst}"]
        commands += ["show arp"] if code == "no-adjacency" else []
    elif code.startswith("nat") or kind in ("NAT", "UN-NAT", "NAT-EXEMPT"):
        link = links.TRACER_NAT_DROPS
        meaning = (
            "NAT refused the packet: no translation fits it, a reverse-path check "
            "on the NAT rule failed, or the pool is exhausted."
        )
        commands += ["show nat detail", "show xlate"]
    elif code in ("sp-security-failed", "rpf-violated") or kind in ("IP-OPTIONS",):
        link = links.TRACER_SECURITY_CHECKS
        meaning = (
            "A slow-path security check failed: reverse-path verification, traffic "
            "between interfaces of the same security level, or a packet the ASA "
            "considers spoofed."
        )
        commands += ["show running-config same-security-traffic", "show asp drop"]
    elif "down" in (
        run.get("input_status"),
        run.get("output_status"),
        run.get("input_line_status"),
        run.get("output_line_status"),
    ):
        link = links.TRACER_INTERFACE_DOWN
        meaning = "An interface the flow uses is down, so packet-tracer cannot send it."
        commands += ["show interface ip brief"]
    else:
        meaning = "Packet-tracer names the phase and the drop reason; the ASP drop counters give the same reason in live traffic."
        commands += ["show asp drop"]
    location = (
        f" Drop-location: {run['drop_location']}." if run.get("drop_location") else ""
    )
    return Finding(
        code="vpn_path.tracer_drop",
        severity=severity,
        title=f"packet-tracer drops the flow at {where}: {reason}",
        detail=f"{meaning} Drop reason: {reason}.{location}",
        link=link,
        lines=lines,
        next_commands=_unique(commands),
        subject=subject,
    )


def _user_data_finding(run, vpn, token, contexts, subject) -> Finding:
    wanted = _hex_int(vpn["user_data"])
    found = [c for c in contexts if _hex_int(c.get("context")) == wanted]
    lines = [
        vpn["at"].get("user_data", vpn["lines"][0]),
        vpn["at"].get("result", vpn["lines"][0]),
    ]
    command = f"show asp table vpn-context detail | begin {token}"
    commands = [command]
    if found:
        ctx = found[0]
        lines += [ctx["at"].get("context", ctx["lines"][0])]
        detail = (
            f"The encrypt rule's user_data {vpn['user_data']} is VPN context "
            f"0x{ctx['context']} in the asp table of this paste: flags {ctx.get('flags')}, "
            f"state {ctx.get('state')}, SPI {ctx.get('spi')}, Pkts {ctx.get('packets')}. "
            "Compare that SPI with the current outbound SPI in show crypto ipsec sa."
        )
        commands.append("show crypto ipsec sa")
    else:
        detail = (
            f"Phase {vpn['number']} (VPN encrypt) matched a crypto map rule whose "
            f"user_data {vpn['user_data']} names the asp VPN context that encrypts "
            f"this flow. Look it up with `{command}` (the hex in upper case, no 0x) "
            "and compare its SPI with the current outbound SPI in show crypto ipsec sa."
        )
        commands.append("show crypto ipsec sa")
    return Finding(
        code="vpn_path.tracer_user_data",
        severity="info",
        title=f"The flow is encrypted by VPN context {token}",
        detail=detail,
        link=links.ASP_USER_DATA,
        lines=lines,
        next_commands=commands,
        subject=subject,
    )


def _source_translation(run: dict):
    """(phase, "10.0.0.1/1025 to 203.0.113.2/1025") for a NAT phase that changes
    the source address of the flow, else None."""
    for phase in run.get("phases", []):
        if phase.get("type") != "NAT":
            continue
        for moved in phase.get("translations", []):
            before, after = moved["from_addr"], moved["to_addr"]
            if before != after and before == run.get("src"):
                return phase, f"{moved['from']} to {moved['to']}"
    return None


def _no_vpn_phase_finding(run, networks, subject, again) -> Finding:
    dst, src = run.get("dst"), run.get("src")
    matches = [n for n in networks if in_subnet(dst, *n["remote"])]
    lines = [run["at"].get("action", run["lines"][1])]
    commands = [again] if again else []
    if not matches:
        return Finding(
            code="vpn_path.tracer_clear_text",
            severity="info",
            title="packet-tracer allows the flow without a VPN phase",
            detail=(
                "The flow is allowed and leaves unencrypted: no VPN encrypt phase. "
                "That is right for traffic that should not cross a tunnel. If it "
                "should, it does not match any crypto map entry: check the crypto "
                "ACL, NAT exemption, and the route to the destination."
            ),
            link=links.ASP_NO_VPN_PHASE,
            lines=lines,
            next_commands=_unique(commands + ["show running-config crypto map"]),
            subject=subject,
        )
    tunnel = matches[0]
    remote = f"{tunnel['remote'][0]}/{mask_to_prefix(tunnel['remote'][1])}"
    local_ok = tunnel.get("local") is None or in_subnet(src, *tunnel["local"])
    detail = (
        f"{dst} lies in {remote}, the remote network of a tunnel "
        f"({tunnel['source']}"
        + (f", {tunnel['name']}" if tunnel.get("name") else "")
        + (f", peer {tunnel['peer']}" if tunnel.get("peer") else "")
        + "), yet packet-tracer allows the flow with no VPN encrypt phase: it is "
        "not matching the crypto map and leaves in clear text. "
    )
    translated = _source_translation(run)
    if translated is not None:
        phase, text = translated
        detail += (
            f"The NAT phase (phase {phase['number']}) translates the source "
            f"({text}) before the crypto ACL is compared: add a NAT exemption "
            "(identity NAT) for this pair above the rule that translates it."
        )
        lines.append(phase["lines"][0])
    elif local_ok:
        detail += (
            "Usual causes: NAT translates the source before the crypto ACL is "
            "compared (no exemption), the route sends it out of an interface without "
            "the crypto map, or the crypto map entry is incomplete."
        )
    else:
        local = f"{tunnel['local'][0]}/{mask_to_prefix(tunnel['local'][1])}"
        detail += (
            f"The source {src} is outside the tunnel's local network {local}, so the "
            "crypto ACL cannot match: trace from an address inside it, or add the "
            "pair to the crypto ACLs on both peers."
        )
    commands += ["show running-config crypto map"]
    if tunnel.get("name"):
        commands.append(f"show access-list {tunnel['name']}")
    commands += ["show nat detail", f"show route {dst}"]
    return Finding(
        code="vpn_path.tracer_no_vpn_phase",
        severity="warning",
        title=f"Traffic to {dst} is not matching the crypto map",
        detail=detail,
        link=links.ASP_NO_VPN_PHASE,
        lines=lines + tunnel["lines"],
        next_commands=_unique(commands),
        subject=subject,
    )


# --- asp table and SPI cross-check -------------------------------------------------


def _context_subject(ctx: dict) -> str:
    parts = [
        ctx.get("direction") or ctx.get("flags") or "?",
        f"SPI {ctx.get('spi') or '?'}",
    ]
    if ctx.get("peer"):
        parts.append(f"peer {ctx['peer']}")
    return f"VPN context {ctx.get('context') or '?'} ({', '.join(parts)})"


def _context_command(ctx: dict) -> str:
    token = begin_token(ctx.get("context"))
    return "show asp table vpn-context detail" + (f" | begin {token}" if token else "")


def _sa_spi(sa: dict, direction: str) -> str | None:
    return sa.get("outbound_spi" if direction == "encrypt" else "inbound_spi")


class _SaIndex:
    """The SAs a context's peer belongs to: the SA's peer or remote endpoint is
    that address, or its remote proxy network (not "any") holds it. Looked up by
    address and by each proxy prefix length, in the SAs' order."""

    def __init__(self, sas: list[dict]):
        self.by_peer: dict[str, list[int]] = {}
        self.by_network: dict[tuple[int, int], list[int]] = {}
        self.sas = sas
        for n, sa in enumerate(sas):
            for peer in {sa.get("peer"), sa.get("remote_endpoint")} - {None}:
                self.by_peer.setdefault(peer, []).append(n)
            remote = _ident_network(sa.get("remote_ident"))
            prefix = mask_to_prefix(remote[1]) if remote else None
            net = ipv4_to_int(remote[0]) if remote else None
            if prefix and net is not None:
                low = net_range(net, str(prefix))[0]
                self.by_network.setdefault((prefix, low), []).append(n)
        self.prefixes = sorted({prefix for prefix, _ in self.by_network})

    def __call__(self, ctx: dict) -> list[dict]:
        peer = ctx.get("peer")
        if not peer:
            return []
        found = set(self.by_peer.get(peer, ()))
        ip = ipv4_to_int(peer)
        if ip is not None:
            for prefix in self.prefixes:
                low = net_range(ip, str(prefix))[0]
                found.update(self.by_network.get((prefix, low), ()))
        return [self.sas[n] for n in sorted(found)]


def _listed_spis(sa: dict, direction: str) -> set[int]:
    key = "outbound_sas" if direction == "encrypt" else "inbound_sas"
    return {_hex_int(s.get("spi")) for s in sa.get(key, []) if s.get("spi")}


def _check_contexts(contexts: list[dict], sas: list[dict]) -> list[Finding]:
    out: list[Finding] = []
    # Each SA by its current SPI in each direction (the first one listed), and
    # by the peer and remote networks it stands for: a paste may hold thousands.
    by_spi: dict[tuple[str, int], dict] = {}
    for sa in sas:
        for direction in ("encrypt", "decrypt"):
            spi = _hex_int(_sa_spi(sa, direction))
            if spi is not None:
                by_spi.setdefault((direction, spi), sa)
    exact: dict[int, dict] = {}  # id(ctx) -> sa
    for ctx in contexts:
        spi, direction = _hex_int(ctx.get("spi")), ctx.get("direction")
        if spi is not None and direction is not None:
            sa = by_spi.get((direction, spi))
            if sa is not None:
                exact[id(ctx)] = sa
    claimed = {
        (id(sa), ctx.get("direction"))
        for ctx in contexts
        for sa in [exact.get(id(ctx))]
        if sa
    }
    related_to = _SaIndex(sas)
    working = {
        (c.get("peer"), c.get("direction"))
        for c in contexts
        if c.get("spi") not in (None, "00000000")
    }

    for ctx in contexts:
        out += _context_health(ctx, working)
        direction = ctx.get("direction")
        counter = "encaps" if direction == "encrypt" else "decaps"
        sa = exact.get(id(ctx))
        if sa is not None:
            out.append(_pair_finding(ctx, sa, counter))
            continue
        related = related_to(ctx) if direction else []
        spi = _hex_int(ctx.get("spi"))
        # An SA whose current SPI no context carries is the one this context
        # should have been; when every SA has its context, this one is a leftover
        # (during a rekey the old SA is still listed for a while).
        open_sas = [s for s in related if (id(s), direction) not in claimed]
        open_sas.sort(key=lambda s: spi not in _listed_spis(s, direction))
        if open_sas:
            out.append(_mismatch_finding(ctx, open_sas[0], counter))
        elif related:
            out.append(
                Finding(
                    code="vpn_path.asp_stale_context",
                    severity="info",
                    title=f"Context {ctx.get('context')} carries an SPI no current SA uses",
                    detail=(
                        f"SPI {ctx.get('spi')} is not the current SPI of any SA "
                        f"towards {ctx.get('peer')}, and every SA there already has a "
                        "context of its own: a leftover from an earlier SA (after a "
                        "rekey) that the ASA removes when it expires."
                    ),
                    link=links.ASP_SPI_MISMATCH,
                    lines=_ctx_lines(ctx, "spi"),
                    next_commands=[
                        _context_command(ctx),
                        f"show crypto ipsec sa peer {related[0].get('peer')}",
                    ],
                    subject=_context_subject(ctx),
                )
            )
        elif (
            direction == "encrypt"
            and ctx.get("packets") == 0
            and ctx.get("spi") != "00000000"
        ):
            out.append(
                Finding(
                    code="vpn_path.asp_encrypt_idle",
                    severity="info",
                    title=f"Encrypt context {ctx.get('context')} has encrypted no packet",
                    detail=(
                        "Pkts is 0 in this ENCR context: nothing has been encrypted "
                        "with it yet. Send traffic that matches the tunnel and run the "
                        "command twice; add show crypto ipsec sa to the paste to "
                        "compare the SPI and counters."
                    ),
                    link=links.ASP_COUNTERS,
                    lines=_ctx_lines(ctx, "packets"),
                    next_commands=[_context_command(ctx), "show crypto ipsec sa"],
                    subject=_context_subject(ctx),
                )
            )
    return out


def _ctx_lines(ctx: dict, *fields: str) -> list[int]:
    at = ctx.get("at", {})
    found = [at[f] for f in fields if f in at]
    return found or [ctx["lines"][0]]


def _sa_lines(sa: dict, *fields: str) -> list[int]:
    at = sa.get("at", {})
    found = [at[f] for f in fields if f in at]
    return found or list(sa.get("lines", [])[:1])


def _context_health(ctx: dict, working: set = frozenset()) -> list[Finding]:
    out: list[Finding] = []
    subject = _context_subject(ctx)
    bad = [(field, label) for field, label in _ERROR_COUNTERS if ctx.get(field)]
    if bad:
        listed = ", ".join(f"{label} {ctx[field]}" for field, label in bad)
        out.append(
            Finding(
                code="vpn_path.asp_error_counters",
                severity="warning",
                title=f"Errors counted in VPN context {ctx.get('context')}",
                detail=(
                    f"{listed}. Bad SPI counts packets that arrived with an SPI this "
                    "context does not expect (often the peer still using an old SA "
                    "after a rekey); Spoof counts decrypted packets whose addresses "
                    "are outside the tunnel's proxy networks; Bad Crypto and Bad Pkts "
                    "count packets that failed decryption, integrity or processing."
                ),
                link=links.ASP_COUNTERS,
                lines=_ctx_lines(ctx, *(field for field, _ in bad)),
                next_commands=[
                    _context_command(ctx),
                    "show asp drop",
                    "show crypto ipsec sa detail",
                ],
                subject=subject,
            )
        )
    if ctx.get("spi") == "00000000" and ctx.get("direction"):
        verb = "encrypt" if ctx["direction"] == "encrypt" else "decrypt"
        # Another context for the same traffic with a real SPI does the work.
        covered = (ctx.get("peer"), ctx.get("direction")) in working
        out.append(
            Finding(
                code="vpn_path.asp_no_sa",
                severity="info" if covered else "warning",
                title=f"VPN context {ctx.get('context')} has no SA (SPI 0)",
                detail=(
                    f"The context exists for traffic to {ctx.get('peer')} but carries "
                    f"SPI 0: no IPsec SA is bound to it, so it cannot {verb} "
                    "anything. The phase 2 SA for this traffic is not up (never "
                    "negotiated, or deleted and not renegotiated); the first "
                    "matching packet should start a negotiation. Check the IKE and "
                    "IPsec SAs towards the peer."
                ),
                link=links.ASP_SPI_CHECK,
                lines=_ctx_lines(ctx, "spi"),
                next_commands=[
                    _context_command(ctx),
                    "show crypto ipsec sa",
                    "show crypto isakmp sa",
                ],
                subject=subject,
            )
        )
    state = (ctx.get("state") or "").upper()
    if state and not state.startswith("UP"):
        out.append(
            Finding(
                code="vpn_path.asp_context_down",
                severity="warning",
                title=f"VPN context {ctx.get('context')} is {state}",
                detail=(
                    f"The context's state is {state}, not UP: the data plane will not "
                    "encrypt or decrypt with it. It is normal for a moment after an SA "
                    "is deleted; a context that stays down while traffic needs the "
                    "tunnel means the SA behind it is gone or being renegotiated."
                ),
                link=links.ASP_VPN_CONTEXT,
                lines=_ctx_lines(ctx, "state"),
                next_commands=[
                    _context_command(ctx),
                    "show crypto ipsec sa",
                    "show crypto isakmp sa",
                ],
                subject=subject,
            )
        )
    return out


def _pair_finding(ctx: dict, sa: dict, counter: str) -> Finding:
    spi_field = "outbound_spi" if counter == "encaps" else "inbound_spi"
    sa_spi = sa.get(spi_field)
    packets, counted = ctx.get("packets"), sa.get(counter)
    lines = _ctx_lines(ctx, "spi", "packets") + _sa_lines(sa, spi_field, counter)
    commands = [_context_command(ctx), f"show crypto ipsec sa peer {sa.get('peer')}"]
    subject = _context_subject(ctx)
    if packets == 0 and counted:
        return Finding(
            code="vpn_path.asp_idle_sa_counts",
            severity="warning",
            title=f"Context SPI {ctx.get('spi')} counts no packet while the SA counts {counted}",
            detail=(
                f"The {ctx.get('flags')} context with SPI {ctx.get('spi')} has Pkts 0, "
                f"but the SA with {_spi_label(spi_field)} {sa_spi} (peer "
                f"{sa.get('peer')}) shows {counter} {counted}. The traffic the SA "
                "counts is handled by another context: look for a second context for "
                "this peer and for an overlapping crypto map entry."
            ),
            link=links.ASP_COUNTERS,
            lines=lines,
            next_commands=commands + ["show asp table vpn-context detail"],
            subject=subject,
        )
    healthy = bool(packets) and bool(counted)
    return Finding(
        code="vpn_path.spi_match",
        severity="info",
        title=(
            f"Context SPI {ctx.get('spi')} matches the SA's {_spi_label(spi_field)}"
            + (" and both count traffic" if healthy else "")
        ),
        detail=(
            f"The {ctx.get('flags')} context carries SPI {ctx.get('spi')}, the "
            f"{_spi_label(spi_field)} {sa_spi} of the SA with {sa.get('peer')}: "
            "the data plane uses the SA the control plane negotiated. "
            + (
                f"Pkts {packets} in the context, {counter} {counted} in the SA."
                if healthy
                else "Neither has counted traffic yet; send some and run both commands again."
            )
        ),
        link=links.ASP_SPI_CHECK,
        lines=lines,
        next_commands=commands,
        subject=subject,
    )


def _mismatch_finding(ctx: dict, sa: dict, counter: str) -> Finding:
    spi_field = "outbound_spi" if counter == "encaps" else "inbound_spi"
    sa_spi = sa.get(spi_field)
    packets, counted = ctx.get("packets"), sa.get(counter)
    detail = (
        f"The {ctx.get('flags')} context for {ctx.get('peer')} carries SPI "
        f"{ctx.get('spi')}, but the SA with {sa.get('peer')} has current "
        f"{_spi_label(spi_field)} {sa_spi}. The data plane and the control "
        "plane disagree: an overlapping crypto map entry catches the flow, or the "
        "context is left over from an SA that was rekeyed or torn down."
    )
    if packets == 0 and counted:
        detail += (
            f" The context counts no packet while the SA counts {counter} {counted}."
        )
    elif packets is not None and counted is not None:
        detail += f" Context Pkts {packets}, SA {counter} {counted}."
    return Finding(
        code="vpn_path.spi_mismatch",
        severity="warning",
        title=f"Context SPI {ctx.get('spi')} is not the SA's current {_spi_label(spi_field)} {sa_spi}",
        detail=detail,
        link=links.ASP_SPI_MISMATCH,
        lines=_ctx_lines(ctx, "spi", "packets") + _sa_lines(sa, spi_field, counter),
        next_commands=[
            _context_command(ctx),
            f"show crypto ipsec sa peer {sa.get('peer')}",
            "show running-config crypto map",
            "show asp drop",
        ],
        subject=_context_subject(ctx),
    )


# --- vpn-sessiondb -----------------------------------------------------------------


def _session_subject(session: dict) -> str:
    peer = session.get("peer") or "?"
    name = session.get("connection")
    return f"peer {peer}" + (f" (connection {name})" if name and name != peer else "")


def _check_session(session: dict) -> list[Finding]:
    if session.get("session_type") and "lan" not in session["session_type"].lower():
        return []
    out: list[Finding] = []
    peer = session.get("peer") or "?"
    subject = _session_subject(session)
    tx, rx = session.get("bytes_tx"), session.get("bytes_rx")
    at = session.get("at", {})
    lines = [at[k] for k in ("connection", "bytes_tx", "bytes_rx") if k in at] or [
        session["lines"][0]
    ]
    commands = [
        f"show vpn-sessiondb detail l2l filter ipaddress {peer}",
        f"show crypto ipsec sa peer {peer}",
    ]
    out.append(
        Finding(
            code="vpn_path.session_up",
            severity="info",
            title=f"L2L session with {peer} is up",
            detail=(
                f"Protocol {session.get('protocol') or '?'}, up for "
                f"{session.get('duration') or '?'}, bytes Tx {tx if tx is not None else '?'} "
                f"/ Rx {rx if rx is not None else '?'}."
            ),
            link=links.SESSIONDB_L2L_SESSIONS,
            lines=lines,
            next_commands=commands,
            subject=subject,
        )
    )
    blocks = [
        b
        for b in session.get("subsessions", [])
        if b.get("type", "").upper().startswith("IPSEC")
    ]
    units = (
        [(b, _block_subject(session, b)) for b in blocks]
        if blocks
        else [(session, subject)]
    )
    for unit, unit_subject in units:
        out += _traffic_direction(unit, unit_subject, peer, commands)
    return out


def _block_subject(session: dict, block: dict) -> str:
    local, remote = block.get("local_addr"), block.get("remote_addr")
    # The same words as the IPsec SA findings use for the proxy pair.
    pair = (
        f" ({ident_text(local)} \u2192 {ident_text(remote)})"
        if local and remote
        else ""
    )
    return _session_subject(session) + pair


def _traffic_direction(
    unit: dict, subject: str, peer: str, commands: list[str]
) -> list[Finding]:
    tx, rx = unit.get("bytes_tx"), unit.get("bytes_rx")
    if tx is None or rx is None:
        return []
    at = unit.get("at", {})
    lines = [at[k] for k in ("bytes_tx", "bytes_rx") if k in at] or [unit["lines"][0]]
    if tx > 0 and rx == 0:
        return [
            Finding(
                code="vpn_path.session_tx_no_rx",
                severity="warning",
                title=f"Traffic to {peer} is sent into the tunnel, nothing comes back",
                detail=(
                    f"Bytes Tx {tx}, Bytes Rx 0: this side encrypts and sends, the "
                    "peer returns nothing through the tunnel. Check the far end's "
                    "route and crypto ACL for the return traffic, its NAT exemption, "
                    "and whether ESP reaches it."
                ),
                link=links.ENCAPS_NO_DECAPS,
                lines=lines,
                next_commands=commands,
                subject=subject,
            )
        ]
    if rx > 0 and tx == 0:
        return [
            Finding(
                code="vpn_path.session_rx_no_tx",
                severity="warning",
                title=f"Traffic from {peer} arrives, nothing is sent back",
                detail=(
                    f"Bytes Rx {rx}, Bytes Tx 0: the peer sends through the tunnel but "
                    "replies never match it on the way out (route, NAT or crypto ACL "
                    "on this side)."
                ),
                link=links.DECAPS_NO_ENCAPS,
                lines=lines,
                next_commands=commands,
                subject=subject,
            )
        ]
    if tx == 0 and rx == 0:
        return [
            Finding(
                code="vpn_path.session_no_traffic",
                severity="info",
                title=f"No traffic through the tunnel with {peer} yet",
                detail="Bytes Tx and Rx are 0: the tunnel is up but nothing has used it.",
                link=links.SA_NO_TRAFFIC,
                lines=lines,
                next_commands=commands,
                subject=subject,
            )
        ]
    return []


def _check_summary(summary: dict) -> list[Finding]:
    rows = {
        r["name"].lower(): r
        for r in summary.get("sessions", [])
        if r.get("parent") is None
    }
    l2l = rows.get("site-to-site vpn") or rows.get("lan-to-lan")
    parts = []
    if l2l is not None:
        parts.append(
            f"{plural(l2l['active'], 'site-to-site session')} active (peak {l2l.get('peak_concurrent')})"
        )
    if summary.get("total_active_and_inactive") is not None:
        parts.append(f"{summary['total_active_and_inactive']} sessions in total")
    if summary.get("device_load_percent") is not None:
        parts.append(f"device load {summary['device_load_percent']}%")
    if not parts:
        return []
    lines = [l2l["line"]] if l2l else [summary["lines"][0]]
    return [
        Finding(
            code="vpn_path.sessiondb_summary",
            severity="info",
            title="VPN sessions on this ASA",
            detail="; ".join(parts) + ".",
            link=links.SESSIONDB_SUMMARY,
            lines=lines,
            next_commands=["show vpn-sessiondb l2l"],
            subject="this ASA's VPN sessions",
        )
    ]


def _spi_label(field: str) -> str:
    return "outbound SPI" if field == "outbound_spi" else "inbound SPI"


def _unique(items: list[str]) -> list[str]:
    seen: list[str] = []
    for item in items:
        if item and item not in seen:
            seen.append(item)
    return seen
