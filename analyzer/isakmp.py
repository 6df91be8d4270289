"""IKEv1 (ISAKMP) phase 1 negotiation states: the one table the project has.

The analyzer's rules read it to explain a state, the knowledge base draws the state
graph from it, and the `isakmp-states` article's table is rendered from it. Facts
from Cisco's ASA and IOS documentation of `show crypto isakmp sa`.

Main mode is six messages: 1-2 agree the policy (encryption, hash, DH group,
authentication, lifetime), 3-4 exchange Diffie-Hellman public values and nonces,
5-6 exchange identities and the authentication hash (encrypted). Aggressive mode
packs the same into three messages with the identities in the clear.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field


@dataclass(frozen=True)
class IsakmpState:
    name: str
    platforms: tuple[str, ...]  # "asa" (ASA/PIX 7+), "ios" (IOS, IOS-XE, PIX 6)
    mode: str  # "main", "aggressive" or "quick" (phase 1 done)
    role: str  # "initiator", "responder" or "either"
    step: int  # position along the negotiation, for ordering and the graph
    severity: str  # when an SA is seen sitting in this state
    summary: str  # one line: where the negotiation is
    meaning: str  # what it means when a tunnel is stuck here
    checks: tuple[str, ...] = ()  # what to check next, in order
    commands: tuple[str, ...] = ()
    established: bool = False
    # States this one moves to when the expected message arrives (or is sent).
    next: tuple[str, ...] = field(default=())

    @property
    def anchor(self) -> str:
        return self.name.lower()


_PHASE1_COMMANDS_ASA = (
    "show crypto isakmp sa detail",
    "show run crypto ikev1",
    "show run tunnel-group",
    "debug crypto ikev1 127",
)
_PHASE1_COMMANDS_IOS = (
    "show crypto isakmp sa detail",
    "show crypto isakmp policy",
    "show running-config | section crypto",
    "debug crypto isakmp",
)

STATES: tuple[IsakmpState, ...] = (
    # --- ASA / PIX 7+ main mode -------------------------------------------------
    IsakmpState(
        "MM_WAIT_MSG2",
        ("asa",),
        "main",
        "initiator",
        1,
        "warning",
        "Initiator sent message 1 (its IKE policies) and waits for the responder's reply.",
        "Nothing has come back from the peer. The peer is unreachable, down, does not "
        "have ISAKMP enabled on the interface facing us, has no crypto map entry for this "
        "address, or something in the path drops UDP 500.",
        (
            "Ping the peer address from the outside interface and check the route to it.",
            "Check that the peer has ISAKMP/IKEv1 enabled on its outside interface.",
            "Check that UDP 500 (and 4500 with NAT-T) is allowed on the path and on the peer.",
            "Capture UDP 500 on the outside interface to see if anything comes back.",
        ),
        (
            "show route {peer}",
            "capture cap-ike interface outside match udp host {peer} eq 500",
            "show capture cap-ike",
            "debug crypto ikev1 127",
        ),
        next=("MM_WAIT_MSG4",),
    ),
    IsakmpState(
        "MM_WAIT_MSG3",
        ("asa",),
        "main",
        "responder",
        2,
        "warning",
        "Responder accepted a policy, sent message 2 and waits for the initiator's key exchange.",
        "Our reply with the chosen policy did not produce message 3. The initiator may "
        "not receive our packets (return route, NAT or a firewall in the path), or the "
        "two ends disagree about vendor capabilities or software version.",
        (
            "Check the route back to the initiator and any firewall between the peers.",
            "Compare the IKE policies on both ends (encryption, hash, group, lifetime).",
            "Look at the initiator's side: it should be at MM_WAIT_MSG2 or MM_WAIT_MSG4.",
        ),
        (
            "show crypto isakmp sa detail",
            "show run crypto ikev1",
            "debug crypto ikev1 127",
        ),
        next=("MM_WAIT_MSG5",),
    ),
    IsakmpState(
        "MM_WAIT_MSG4",
        ("asa",),
        "main",
        "initiator",
        3,
        "warning",
        "Initiator sent its Diffie-Hellman key and nonce (message 3) and waits for the responder's.",
        "The peer answered the policy exchange but not the key exchange. Most often the "
        "responder has no tunnel-group or pre-shared key for our address (it checks for one "
        "before answering), or a device in the path mangles the larger packets, or NAT-T "
        "is negotiated on one end only.",
        (
            "Ask the peer's admin to confirm a tunnel-group (ASA) or an ISAKMP key/keyring "
            "(IOS) for exactly our public address.",
            "Check for NAT between the peers and that UDP 4500 passes when NAT-T is in use.",
            "Check fragmentation along the path (the key exchange packets are the largest so far).",
        ),
        (
            "show run tunnel-group {peer}",
            "show crypto isakmp sa detail",
            "debug crypto ikev1 127",
        ),
        next=("MM_WAIT_MSG6",),
    ),
    IsakmpState(
        "MM_WAIT_MSG5",
        ("asa",),
        "main",
        "responder",
        4,
        "warning",
        "Responder sent its key exchange (message 4) and waits for the initiator's identity and hash.",
        "Keys were exchanged but the initiator's authentication (message 5) did not arrive "
        "or could not be decrypted. A pre-shared key mismatch shows up here on the "
        "responder; so does NAT-T enabled on one side only.",
        (
            "Compare the pre-shared keys on both ends character by character.",
            "Check NAT-T settings on both ends (crypto isakmp nat-traversal).",
        ),
        (
            "show run tunnel-group {peer}",
            "more system:running-config | include pre-shared-key",
            "debug crypto ikev1 127",
        ),
        next=("MM_ACTIVE",),
    ),
    IsakmpState(
        "MM_WAIT_MSG6",
        ("asa",),
        "main",
        "initiator",
        5,
        "warning",
        "Initiator sent its identity and hash (message 5) and waits for the responder's.",
        "The responder did not accept our authentication. Usually the pre-shared keys "
        "differ. If the SA reaches MM_WAIT_MSG6 and is then torn down and starts over, "
        "phase 1 completed and phase 2 (transform set, crypto ACL) failed instead.",
        (
            "Compare the pre-shared keys on both ends.",
            "If the SA keeps resetting after this state, compare phase 2: transform sets, "
            "crypto ACLs (mirror images), PFS group.",
            "Check NAT-T settings on both ends.",
        ),
        (
            "show run tunnel-group {peer}",
            "show crypto ipsec sa peer {peer}",
            "debug crypto ikev1 127",
        ),
        next=("MM_ACTIVE",),
    ),
    IsakmpState(
        "MM_ACTIVE",
        ("asa",),
        "main",
        "either",
        6,
        "info",
        "Main mode completed: phase 1 is up.",
        "Phase 1 is established and authenticated. If traffic still fails, look at phase "
        "2 (`show crypto ipsec sa`).",
        (),
        ("show crypto ipsec sa peer {peer}",),
        established=True,
    ),
    IsakmpState(
        "AM_WAIT_MSG2",
        ("asa",),
        "aggressive",
        "initiator",
        1,
        "warning",
        "Aggressive-mode initiator sent message 1 (policy, key, identity) and waits for the reply.",
        "The peer did not answer. It may be unreachable, not configured for aggressive "
        "mode, or have no tunnel-group matching the identity we sent.",
        (
            "Check reachability and UDP 500 to the peer.",
            "Check the peer allows aggressive mode and has a tunnel-group for our identity.",
        ),
        ("debug crypto ikev1 127",),
        next=("AM_ACTIVE",),
    ),
    IsakmpState(
        "AM_WAIT_MSG3",
        ("asa",),
        "aggressive",
        "responder",
        2,
        "warning",
        "Aggressive-mode responder answered (message 2) and waits for the initiator's hash.",
        "The initiator did not confirm. Usually a pre-shared key mismatch, or our answer "
        "did not reach the initiator.",
        ("Compare the pre-shared keys.", "Check the return path to the initiator."),
        ("debug crypto ikev1 127",),
        next=("AM_ACTIVE",),
    ),
    IsakmpState(
        "AM_ACTIVE",
        ("asa",),
        "aggressive",
        "either",
        3,
        "info",
        "Aggressive mode completed: phase 1 is up.",
        "Phase 1 is established and authenticated through aggressive mode.",
        (),
        ("show crypto ipsec sa peer {peer}",),
        established=True,
    ),
    # --- IOS, IOS-XE and PIX 6 -------------------------------------------------
    IsakmpState(
        "MM_NO_STATE",
        ("ios",),
        "main",
        "either",
        1,
        "warning",
        "The ISAKMP SA exists but nothing has been agreed yet.",
        "Seen briefly at the start of every negotiation. An SA that stays here (often "
        "with status ACTIVE (deleted) or a rising conn-id) means the peer is not "
        "answering, or no proposal matched.",
        (
            "Check reachability of the peer and UDP 500 on the path.",
            "Compare ISAKMP policies on both ends.",
        ),
        _PHASE1_COMMANDS_IOS,
        next=("MM_SA_SETUP",),
    ),
    IsakmpState(
        "MM_SA_SETUP",
        ("ios",),
        "main",
        "either",
        2,
        "warning",
        "The peers agreed on the ISAKMP policy.",
        "Policies matched. An SA stuck here means the Diffie-Hellman exchange did not "
        "complete: the peer lacks a key for our address, or packets are lost or mangled "
        "on the path (fragmentation, NAT).",
        (
            "Check that the peer has a pre-shared key for our address.",
            "Check NAT and fragmentation between the peers.",
        ),
        _PHASE1_COMMANDS_IOS,
        next=("MM_KEY_EXCH",),
    ),
    IsakmpState(
        "MM_KEY_EXCH",
        ("ios",),
        "main",
        "either",
        3,
        "warning",
        "Diffie-Hellman public keys were exchanged and a shared secret generated; not yet authenticated.",
        "Authentication failed or did not happen. Usually the pre-shared keys differ.",
        ("Compare the pre-shared keys on both ends.", "Check NAT-T on both ends."),
        _PHASE1_COMMANDS_IOS,
        next=("MM_KEY_AUTH",),
    ),
    IsakmpState(
        "MM_KEY_AUTH",
        ("ios",),
        "main",
        "either",
        4,
        "info",
        "The ISAKMP SA is authenticated.",
        "Authentication succeeded; the initiator moves on to quick mode (QM_IDLE) at once.",
        (),
        ("show crypto ipsec sa peer {peer}",),
        next=("QM_IDLE",),
    ),
    IsakmpState(
        "AG_NO_STATE",
        ("ios",),
        "aggressive",
        "either",
        1,
        "warning",
        "Aggressive-mode ISAKMP SA created; nothing agreed yet.",
        "An SA that stays here means the peer did not answer the first aggressive-mode message.",
        ("Check reachability and UDP 500.", "Check the peer accepts aggressive mode."),
        _PHASE1_COMMANDS_IOS,
        next=("AG_INIT_EXCH",),
    ),
    IsakmpState(
        "AG_INIT_EXCH",
        ("ios",),
        "aggressive",
        "either",
        2,
        "warning",
        "The first aggressive-mode exchange is done; the SA is not authenticated yet.",
        "The final authentication message did not complete: usually a pre-shared key mismatch.",
        ("Compare the pre-shared keys.",),
        _PHASE1_COMMANDS_IOS,
        next=("AG_AUTH",),
    ),
    IsakmpState(
        "AG_AUTH",
        ("ios",),
        "aggressive",
        "either",
        3,
        "info",
        "The aggressive-mode ISAKMP SA is authenticated.",
        "Authentication succeeded; the initiator moves on to quick mode (QM_IDLE) at once.",
        (),
        ("show crypto ipsec sa peer {peer}",),
        next=("QM_IDLE",),
    ),
    IsakmpState(
        "QM_IDLE",
        ("ios",),
        "quick",
        "either",
        5,
        "info",
        "Phase 1 is complete and idle, ready for quick-mode (phase 2) exchanges.",
        "The ISAKMP SA is authenticated and stays up for phase 2 negotiations and rekeys. "
        "If traffic fails, look at the IPsec SAs.",
        (),
        ("show crypto ipsec sa peer {peer}",),
        established=True,
    ),
)

BY_NAME: dict[str, IsakmpState] = {s.name: s for s in STATES}


def lookup(name: str) -> IsakmpState | None:
    """The state called ``name`` (any case, surrounding spaces ignored)."""
    return BY_NAME.get(name.strip().upper())


# ASA tunnel-manager states of the remote-access extensions after phase 1
# (AM_TM_INIT_XAUTH, MM_TM_WAIT_MODECFG_REPLY ...).
_EXTENSION = re.compile(r"^(?:AM|MM)_TM_\w*(?:XAUTH|MODECFG)")


def remote_access_step(name: str) -> str | None:
    """ "XAUTH" or "MODECFG" when ``name`` is an ASA tunnel-manager state of that
    remote-access extension (phase 1 is authenticated, the step is under way),
    else None."""
    if not _EXTENSION.match(name):
        return None
    return "XAUTH" if "XAUTH" in name else "MODECFG"


# Main mode on the wire: (message number, sender, what it carries).
MAIN_MODE_MESSAGES = (
    (
        1,
        "initiator",
        "SA proposals: encryption, hash, DH group, authentication, lifetime",
    ),
    (2, "responder", "the accepted proposal"),
    (3, "initiator", "Diffie-Hellman public value and nonce"),
    (4, "responder", "Diffie-Hellman public value and nonce"),
    (5, "initiator", "identity and authentication hash (encrypted)"),
    (6, "responder", "identity and authentication hash (encrypted)"),
)
AGGRESSIVE_MODE_MESSAGES = (
    (1, "initiator", "proposals, DH public value, nonce and identity"),
    (2, "responder", "accepted proposal, DH public value, nonce, identity and hash"),
    (3, "initiator", "authentication hash"),
)
