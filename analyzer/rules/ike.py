"""Phase 1 SAs: what each IKEv1 / IKEv2 state says about the tunnel to a peer.

IKEv1 states are explained from analyzer.isakmp (the one state table the project
has); IKEv2 states, which have no main/aggressive steps to draw, are described in
the short table below. One finding per peer and state; a healthy state is info.
"""

from __future__ import annotations

from dataclasses import dataclass

from analyzer import isakmp, links
from analyzer.paste import device_name, narrowed_to, waiting_for_sa
from analyzer.registry import (
    ASA_SHOW_CRYPTO_IKEV2_SA,
    ASA_SHOW_CRYPTO_ISAKMP_SA,
    IOS_SHOW_CRYPTO_IKEV2_SA,
    IOS_SHOW_CRYPTO_ISAKMP_SA,
    PIX_SHOW_ISAKMP_SA,
)
from analyzer.report import Finding

ISAKMP_KINDS = (
    ASA_SHOW_CRYPTO_ISAKMP_SA,
    IOS_SHOW_CRYPTO_ISAKMP_SA,
    PIX_SHOW_ISAKMP_SA,
)
IKEV2_KINDS = (ASA_SHOW_CRYPTO_IKEV2_SA, IOS_SHOW_CRYPTO_IKEV2_SA)


@dataclass(frozen=True)
class Ikev2State:
    severity: str
    summary: str
    meaning: str
    # What the state means for each end, when the output says which end this is.
    initiator: str = ""
    responder: str = ""


IKEV2_STATES = {
    "READY": Ikev2State(
        "info",
        "The IKEv2 SA is authenticated and up.",
        "Phase 1 is done; child SAs carry the traffic. If traffic still fails, look "
        "at the IPsec SAs for this peer.",
    ),
    "IN-NEG": Ikev2State(
        "warning",
        "The IKEv2 SA is still negotiating.",
        "Seen for a moment on every new SA. One that stays here did not complete "
        "IKE_SA_INIT or IKE_AUTH: compare proposals (encryption, integrity/PRF, DH "
        "group), the pre-shared keys or certificates, and the identities each end "
        "expects.",
        initiator="This device started it: the peer has not answered, or answered "
        "with an error. Check reachability and UDP 500/4500 to the peer before the "
        "proposals.",
        responder="The peer started it and this device answered: the peer did not "
        "complete authentication, or this device's answers do not reach it.",
    ),
    "DELETE": Ikev2State(
        "warning",
        "The IKEv2 SA is being deleted.",
        "A delete was sent or received: after a dead peer detection failure, an "
        "authentication or child SA failure, or a manual clear. An SA that keeps "
        "coming back in this state means negotiations fail over and over.",
    ),
}


def _range(rec: dict) -> list[int]:
    first, last = (rec.get("lines") or [0, 0])[:2]
    return list(range(first, last + 1)) if first else []


def _groups(records: list[dict], version: int):
    """(state, peer, records) in order of first appearance."""
    order: dict[tuple[str, str], list[dict]] = {}
    for rec in records:
        state = (rec.get("state") or "").strip().upper()
        if not state:
            continue
        peer = rec.get("peer") or "unknown"
        order.setdefault((state, peer), []).append(rec)
    return [(state, peer, recs) for (state, peer), recs in order.items()]


def _lines(recs: list[dict]) -> list[int]:
    return sorted({n for rec in recs for n in _range(rec)})


def _roles(recs: list[dict]) -> set[str]:
    return {r["role"] for r in recs if r.get("role") in ("initiator", "responder")}


def _count(recs: list[dict]) -> str:
    return f" ({len(recs)} SAs)" if len(recs) > 1 else ""


# PIX 6 names the IOS-style commands of the state table without "crypto".
_PIX_COMMANDS = {
    "show crypto isakmp sa detail": "show isakmp sa detail",
    "show crypto isakmp policy": "show isakmp policy",
    "show running-config | section crypto": "show running-config | include isakmp|crypto",
}


# ASA before 8.4 (and PIX 7) name IKEv1 "isakmp" in every command.
_PRE_84 = (
    ("debug crypto ikev1", "debug crypto isakmp"),
    ("show run crypto ikev1", "show run crypto isakmp"),
    ("show running-config crypto ikev1", "show running-config crypto isakmp"),
    ("show crypto ikev1 sa", "show crypto isakmp sa"),
)


def _command(cmd: str, peer: str, platform: str, recs: list[dict]) -> str:
    if platform == "pix":
        cmd = _PIX_COMMANDS.get(cmd, cmd)
    elif platform == "asa" and any(r.get("ikev1_keyword") is False for r in recs):
        for new, old in _PRE_84:
            if cmd.startswith(new):
                cmd = old + cmd[len(new) :]
    return cmd.replace("{peer}", peer)


def _ikev1(state_name: str, peer: str, recs: list[dict], platform: str) -> Finding:
    state = isakmp.lookup(state_name)
    subject = f"peer {peer}"
    roles = _roles(recs)
    notes: list[str] = []
    if any(r.get("peer_guessed") for r in recs):
        notes.append(
            "IOS lists an SA by dst and src (src started it); with a single row the "
            "output does not say which end is this router, so the peer shown is the "
            "dst."
        )
    if any(r.get("deleted") for r in recs):
        notes.append(
            "The SA is marked deleted: it is on its way out, and a new attempt "
            "usually follows with a higher conn-id."
        )
    if state is None:
        debug = "debug crypto ikev1 127" if platform == "asa" else "debug crypto isakmp"
        debug = _command(debug, peer, platform, recs)
        extension = isakmp.remote_access_step(state_name)
        if extension:
            # The ASA's tunnel manager states: phase 1 is authenticated and the
            # remote-access extension (XAUTH user authentication or mode-config
            # address assignment) is under way. Shown in a troubleshooting paste,
            # it is the step that does not finish.
            what = (
                "XAUTH (user authentication)"
                if extension == "XAUTH"
                else ("mode-config (address and policy push)")
            )
            explanation = (
                f"{state_name}: phase 1 with the peer is authenticated and {what} "
                "is under way. An SA that stays here (on one end or both) has a "
                "step that never completes: the XAUTH credentials or the group's "
                "address pool and policy, or, when both ends wait, messages lost on "
                "the path (large mode-config replies fragment; an ISP dropping IP "
                "fragments or UDP 500/4500 shows exactly this)."
            )
        else:
            explanation = (
                f"{state_name} is not one of the common IKEv1 states: usually a "
                "transient step or a platform-specific name. It matters only if "
                "the SA stays in it; then the debug shows which message is missing."
            )
        return Finding(
            code="isakmp.other_state",
            severity="warning" if extension else "info",
            title=f"{state_name} with peer {peer}{_count(recs)}",
            detail=" ".join([explanation] + notes),
            link=links.ISAKMP_OTHER_STATES,
            lines=_lines(recs),
            next_commands=["show crypto isakmp sa detail", debug],
            subject=subject,
        )
    parts = [state.summary]
    if roles:
        role = " and ".join(sorted(roles))
        parts.append(f"This device is the {role} of this SA.")
        if state.role != "either" and state.role not in roles:
            parts.append(
                f"The table has this state on the {state.role}'s side, so the "
                "role shown is unusual; read the state from the other end's view."
            )
    elif state.role != "either":
        parts.append(f"This state is seen on the {state.role}.")
    parts.append(state.meaning)
    if state.checks and state.severity != "info":
        parts.append("Next: " + " ".join(state.checks))
    parts += notes
    return Finding(
        code=f"isakmp.{state.anchor}",
        severity=state.severity,
        title=f"{state.name} with peer {peer}{_count(recs)}",
        detail=" ".join(parts),
        link=links.isakmp_state(state),
        lines=_lines(recs),
        next_commands=[_command(c, peer, platform, recs) for c in state.commands],
        subject=subject,
    )


def _ikev2_commands(peer: str, platform: str, state: str) -> list[str]:
    if platform == "asa":
        cmds = [
            "show crypto ikev2 sa detail",
            f"show running-config tunnel-group {peer}",
        ]
        if state != "READY":
            cmds += [
                "show running-config crypto ikev2",
                "debug crypto ikev2 protocol 127",
            ]
        else:
            cmds = [f"show crypto ipsec sa peer {peer}"] + cmds[:1]
        return cmds
    cmds = [f"show crypto ikev2 sa remote {peer} detail"]
    if state != "READY":
        cmds += ["show crypto ikev2 profile", "show crypto ikev2 proposal"]
        cmds.append("debug crypto ikev2")
    else:
        cmds.insert(0, f"show crypto ipsec sa peer {peer}")
    return cmds


# The lines of an IKEv2 SA that say how far it got; the rest of a detailed
# block (windows, message ids, DPD) is context, not evidence.
_IKEV2_EVIDENCE = ("state", "role", "initiator", "status_description", "session_status")


def _ikev2_lines(recs: list[dict], state_name: str) -> list[int]:
    out: set[int] = set()
    for rec in recs:
        at = rec.get("at") or {}
        fields = _IKEV2_EVIDENCE
        if state_name != "READY":
            fields += ("remote_spi", "encryption", "active_time")
        picked = {at[f] for f in fields if f in at}
        out |= picked or set(_range(rec))
    return sorted(out)


def _ikev2_notes(recs: list[dict], state_name: str) -> list[str]:
    """What the detailed output adds: the device's own words on the SA, and a
    remote SPI still zero (the peer never answered IKE_SA_INIT)."""
    notes: list[str] = []
    said = sorted(
        {r["status_description"] for r in recs if r.get("status_description")}
    )
    if said and state_name != "READY":
        notes.append("The device says: " + "; ".join(f'"{d}"' for d in said) + ".")
    if state_name == "IN-NEG" and any(
        (r.get("remote_spi") or "x").strip("0") == "" for r in recs
    ):
        notes.append(
            "The remote SPI is still zero: no IKE_SA_INIT response has come back "
            "from the peer, so the problem is reaching it (route, UDP 500, a "
            "firewall on the path, the peer's IKEv2 not enabled on that "
            "interface) rather than keys or proposals."
        )
    return notes


def _ikev2(state_name: str, peer: str, recs: list[dict], platform: str) -> Finding:
    info = IKEV2_STATES.get(state_name)
    code_name = state_name.lower().replace("-", "_")
    roles = _roles(recs)
    if info is None:
        return Finding(
            code="ikev2.other_state",
            severity="info",
            title=f"IKEv2 SA with peer {peer} in {state_name}{_count(recs)}",
            detail=f"{state_name} is not one of the usual IKEv2 SA states (READY, "
            "IN-NEG, DELETE). It matters only if the SA stays in it.",
            link=links.IKEV2_STATES,
            lines=_lines(recs),
            next_commands=_ikev2_commands(peer, platform, state_name),
            subject=f"peer {peer}",
        )
    parts = [info.summary]
    if roles:
        parts.append(f"This device is the {' and '.join(sorted(roles))} of this SA.")
    parts.append(info.meaning)
    for role in sorted(roles):
        if getattr(info, role):
            parts.append(getattr(info, role))
    parts += _ikev2_notes(recs, state_name)
    return Finding(
        code=f"ikev2.{code_name}",
        severity=info.severity,
        title=f"IKEv2 SA with peer {peer} is {state_name}{_count(recs)}",
        detail=" ".join(parts),
        link=links.ikev2_state(state_name),
        lines=_ikev2_lines(recs, state_name),
        next_commands=_ikev2_commands(peer, platform, state_name),
        subject=f"peer {peer}",
    )


_UP_STATES = {"MM_ACTIVE", "AM_ACTIVE", "QM_IDLE", "READY"}


def _beside_an_up_sa(finding: Finding, state: str, up: dict[str, list[int]], peer: str):
    """A negotiating or dying SA next to an established one with the same peer is
    a rekey or a leftover, not a broken tunnel: no more than info."""
    if state in _UP_STATES or peer not in up or finding.severity == "info":
        return finding
    finding.severity = "info"
    finding.detail += (
        f" Phase 1 with {peer} is also established in this output (line "
        f"{up[peer][0]}): this SA is a rekey in progress or an old SA being deleted "
        "(the ASA reports 1 Active and 1 Rekey SA during a rekey). It matters only "
        "if it stays while the established SA goes away."
    )
    return finding


def _filtered_on(ipsec, peer: str) -> bool:
    words = (ipsec.command or "").split("|", 1)[0].split()
    return "peer" in words and peer.lower() in words


def _lists_peer(ipsec, peer: str) -> bool | None:
    """Whether an IPsec SA output would show an SA with ``peer`` if there were
    one: True when it is unfiltered or filtered on that peer, False when it was
    cut to another peer or with "| include", None when it cannot be told."""
    command = ipsec.command
    if command is None:
        # Found by content: only a full listing (ASA and IOS print the
        # interface line above each crypto map) shows every peer.
        return True if any(r.get("interface") for r in ipsec.records) else None
    if "|" in command:
        return False
    words = command.split()
    args = words[4:] if len(words) > 4 else []
    args = [a for a in args if not "detail".startswith(a) or len(a) < 3]
    if not args:
        return True
    if len(args) == 2 and "peer".startswith(args[0]) and len(args[0]) >= 2:
        return args[1] == peer
    return False


def _no_phase2(report, source, groups) -> list[Finding]:
    """Phase 1 up with a peer while the IPsec SAs of the same device pasted
    beside it hold none for that peer (or, for IKEv2 on the ASA, the SA itself
    counts no child SA): phase 2 is what fails."""
    out: list[Finding] = []
    platform = source.kind.split(".", 1)[0]
    near = report.paste.ipsec_beside(source)
    for state, peer, recs in groups:
        if state not in _UP_STATES:
            continue
        lines = sorted(
            {
                (r.get("at") or {}).get("state") or _range(r)[0]
                for r in recs
                if _range(r)
            }
        )
        evidence: list[str] = []
        zero_child = [
            r for r in recs if r.get("child_count") == 0 and r.get("state") == "READY"
        ]
        if zero_child:
            at = zero_child[0].get("at") or {}
            if "child_count" in at:
                lines = sorted(set(lines) | {at["child_count"]})
            evidence.append("the IKEv2 SA itself counts no child SA (CHILD count: 0)")
        # An output whose own address is the peer's, or typed at another
        # device's prompt, was taken on the other end: it says nothing of this one.
        mine = [
            s
            for s in near
            if device_name(s.prompt) in ("", device_name(source.prompt))
            and not any(
                peer.lower()
                in (
                    (r.get("local_addr") or "").lower(),
                    (r.get("local_endpoint") or "").lower(),
                )
                for r in s.records
            )
        ]
        waiting = [
            r
            for s in mine
            for r in s.records
            if r.get("peer") in (None, "", peer)
            and waiting_for_sa(r)
            # An IKEv2 crypto map entry whose networks the peer narrowed: the SA
            # for the narrower networks beside it is the tunnel.
            and not (state == "READY" and narrowed_to(r, s.records))
        ]
        if waiting:
            rec = waiting[0]
            at = (rec.get("at") or {}).get("send_errors")
            if at:
                lines = sorted(set(lines) | {at})
            evidence.append(
                f"the IPsec output counts {rec['send_errors']} packets that matched "
                "the crypto map and found no SA (outbound SPI 0): traffic is "
                "waiting and phase 2 does not come up"
            )
        listing = [s for s in mine if _lists_peer(s, peer)]
        shown = {
            (v or "").lower()
            for s in mine
            for r in s.records
            for v in (r.get("peer"), r.get("remote_endpoint"))
        }
        # A full listing that merely lacks the peer may have been cut short in
        # the paste; "There are no ipsec sas", or an output filtered on the
        # peer, says it outright.
        certain = bool(zero_child) or bool(waiting)
        if listing and peer.lower() not in shown:
            where = listing[0]
            lines = sorted(set(lines) | {where.first_line})
            evidence.append(
                f"the `show crypto ipsec sa` output at line {where.first_line} holds "
                f"no IPsec SA with {peer}"
            )
            certain = certain or any(
                not s.records or _filtered_on(s, peer) for s in listing
            )
        if not evidence:
            continue
        v2 = state == "READY"
        ios = platform != "asa"
        if not ios and not certain:
            severity = "info"
            tail = (
                " Unless the IPsec output was cut short in the paste: then run "
                f"`show crypto ipsec sa peer {peer}` to be sure."
            )
        elif ios and not zero_child and not waiting:
            severity = "info"
            tail = (
                " On IOS this is also what a tunnel with no traffic looks like: "
                "IPsec SAs that expire unused are not renewed until traffic "
                "matches the crypto ACL again. If traffic should be flowing, "
                "phase 2 is failing."
            )
        else:
            severity = "warning"
            tail = (
                " The ASA removes an idle tunnel whole, so phase 1 up without "
                "an IPsec SA is a phase 2 failure, or no traffic matching the "
                "crypto ACL has arrived yet."
                if not ios
                else ""
            )
        if v2:
            what = (
                "The IKE_AUTH exchange (or a later CREATE_CHILD_SA) did not give a "
                "child SA: compare the IPsec proposals (encryption, integrity), PFS "
                "and the traffic selectors (crypto ACL) on both ends; a "
                "TS_UNACCEPTABLE or NO_PROPOSAL_CHOSEN in the debug says which."
            )
            cmds = (
                [f"show crypto ipsec sa peer {peer}", "debug crypto ikev2 protocol 127"]
                if platform == "asa"
                else [f"show crypto ipsec sa peer {peer}", "debug crypto ikev2"]
            )
        else:
            what = (
                "Quick mode did not give an IPsec SA: compare the transform sets, "
                "PFS and the crypto ACLs (mirror images of each other) on both ends."
            )
            cmds = (
                [
                    f"show crypto ipsec sa peer {peer}",
                    "show running-config crypto map",
                    "debug crypto ipsec 127",
                ]
                if platform == "asa"
                else [
                    f"show crypto ipsec sa peer {peer}",
                    "show crypto map",
                    "debug crypto ipsec",
                ]
            )
        out.append(
            Finding(
                code="ike.no_ipsec_sa",
                severity=severity,
                title=f"Phase 1 with {peer} is up, but there is no IPsec SA",
                detail=f"Phase 1 with {peer} is {state}, yet "
                + " and ".join(evidence)
                + ". "
                + what
                + tail,
                link=links.PHASE2_WHAT_MUST_MATCH,
                lines=lines,
                next_commands=cmds,
                subject=f"peer {peer}",
            )
        )
    return out


def check(report):
    findings: list[Finding] = []
    for source in report.sources_of(*ISAKMP_KINDS):
        platform = source.kind.split(".", 1)[0]
        records = report.paste.records(source)
        groups = _groups(records, 1)
        up = {peer: _lines(recs) for state, peer, recs in groups if state in _UP_STATES}
        for state, peer, recs in groups:
            finding = _ikev1(state, peer, recs, platform)
            findings.append(_beside_an_up_sa(finding, state, up, peer))
        findings.extend(_no_phase2(report, source, groups))
    for source in report.sources_of(*IKEV2_KINDS):
        platform = source.kind.split(".", 1)[0]
        groups = _groups(source.records, 2)
        up = {peer: _lines(recs) for state, peer, recs in groups if state in _UP_STATES}
        for state, peer, recs in groups:
            finding = _ikev2(state, peer, recs, platform)
            findings.append(_beside_an_up_sa(finding, state, up, peer))
        findings.extend(_no_phase2(report, source, groups))
    return findings
