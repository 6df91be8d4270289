"""Every article section a finding may cite, named once.

Rules take their links from here (``Finding(..., link=links.PHASE2_WHAT_MUST_MATCH)``)
instead of spelling slugs and heading ids, so renaming a section is one edit here and
`tests/test_article_links.py` checks every name below against kb/content. The
per-state sections come from functions fed by the state tables. Pure Python.
"""

from __future__ import annotations

from typing import NamedTuple

from analyzer import isakmp


class Link(NamedTuple):
    """A section of a knowledge base article: ``/kb/<article>/#<anchor>``."""

    article: str  # the article's slug
    anchor: str = ""  # the heading id; empty for the article's top


# --- IKEv1 and IKEv2 states --------------------------------------------------------

_STATES = "isakmp-states"
ISAKMP_OTHER_STATES = Link(_STATES, "other-states")
IKEV2_STATES = Link(_STATES, "ikev2-states")
MAIN_VS_AGGRESSIVE = Link(_STATES, "main-vs-aggressive")


def isakmp_state(state: isakmp.IsakmpState | str) -> Link:
    """The section of the `isakmp-states` article explaining one IKEv1 state
    (a state of analyzer.isakmp.STATES, or its name)."""
    if isinstance(state, str):
        found = isakmp.lookup(state)
        if found is None:
            raise ValueError(f"no ISAKMP state {state!r} in the state table")
        state = found
    return Link(_STATES, state.anchor)


def ikev2_state(name: str) -> Link:
    """The section of the `isakmp-states` article explaining an IKEv2 SA state
    as the devices print it (READY, IN-NEG, DELETE)."""
    return Link(_STATES, "ikev2-" + name.lower().replace("_", "-"))


# --- phase 1 -----------------------------------------------------------------------

_PHASE1 = "phase1-errors"
PHASE1_CHECKLIST = Link(_PHASE1, "checklist")
PHASE1_PRE_SHARED_KEY = Link(_PHASE1, "pre-shared-key")
PHASE1_ISAKMP_ENABLED = Link(_PHASE1, "isakmp-enabled")
PHASE1_ACCESS_LIST_DENIES = Link(_PHASE1, "access-list-denies")
PHASE1_PROPOSAL_MISMATCH = Link(_PHASE1, "proposal-mismatch")
PHASE1_IKE_VERSION = Link(_PHASE1, "ike-version")
PHASE1_ROUTE_TO_PEER = Link(_PHASE1, "route-to-peer")

MM_WAIT_MSG4_WHAT_IT_MEANS = Link("mm-wait-msg4", "what-it-means")

_DEBUG = "ike-debug-invalid-cookie"
DEBUG_PEER_NOT_ANSWERING = Link(_DEBUG, "peer-not-answering")
DEBUG_INVALID_COOKIE = Link(_DEBUG, "invalid-cookie")
DEBUG_PSK_MISMATCH = Link(_DEBUG, "psk-mismatch")

_IKEV2 = "ikev2-troubleshooting"
IKEV2_NO_PROPOSAL_CHOSEN = Link(_IKEV2, "no-proposal-chosen")
IKEV2_AUTHENTICATION_FAILED = Link(_IKEV2, "authentication-failed")
IKEV2_TS_UNACCEPTABLE = Link(_IKEV2, "ts-unacceptable")
IKEV2_CHECKLIST = Link(_IKEV2, "checklist")

NAT_TRAVERSAL_FAILURES = Link("nat-traversal", "failures")

_INTEROP = "vpn-interop-other-vendors"
OTHER_VENDORS_MAPPING = Link(_INTEROP, "mapping")
OTHER_VENDORS_STRONGSWAN = Link(_INTEROP, "strongswan")
OTHER_VENDORS_LIBRESWAN = Link(_INTEROP, "libreswan")
OTHER_VENDORS_FORTIGATE = Link(_INTEROP, "fortigate")
OTHER_VENDORS_JUNIPER = Link(_INTEROP, "juniper")
OTHER_VENDORS_PALO_ALTO = Link(_INTEROP, "palo-alto")
OTHER_VENDORS_CLOUD_GATEWAYS = Link(_INTEROP, "cloud-gateways")

# --- phase 2 and traffic -----------------------------------------------------------

_PHASE2 = "ipsec-phase2-errors"
PHASE2_WHAT_MUST_MATCH = Link(_PHASE2, "what-must-match")
PHASE2_CRYPTO_ACL_MIRROR = Link(_PHASE2, "crypto-acl-mirror")
PHASE2_PFS_MISMATCH = Link(_PHASE2, "pfs-mismatch")
PHASE2_TRANSFORM_SET = Link(_PHASE2, "transform-set")

_TRAFFIC = "vpn-encaps-no-decaps"
ENCAPS_NO_DECAPS = Link(_TRAFFIC, "encaps-no-decaps")
DECAPS_NO_ENCAPS = Link(_TRAFFIC, "decaps-no-encaps")
SA_NO_TRAFFIC = Link(_TRAFFIC, "no-traffic")
SA_SEND_RECV_ERRORS = Link(_TRAFFIC, "send-recv-errors")
SA_VERIFY_FAILURES = Link(_TRAFFIC, "verify-failures")
SA_FRAGMENTATION = Link(_TRAFFIC, "fragmentation")

DPD = Link("dead-peer-detection-and-rekey", "dpd")
STALE_SAS = Link("dead-peer-detection-and-rekey", "stale-sas")
REKEY = Link("dead-peer-detection-and-rekey", "rekey")

# --- ASA: packet-tracer, the ASP table, sessions, drops ----------------------------

_ASP = "asa-vpn-asp-table"
ASP_USER_DATA = Link(_ASP, "user-data")
ASP_VPN_CONTEXT = Link(_ASP, "asp-table")
ASP_SPI_CHECK = Link(_ASP, "spi-check")
ASP_SPI_MISMATCH = Link(_ASP, "spi-mismatch")
ASP_NO_VPN_PHASE = Link(_ASP, "no-vpn-phase")
ASP_COUNTERS = Link(_ASP, "counters")

_TRACER = "packet-tracer-drops"
TRACER_ACL_DROP = Link(_TRACER, "acl-drop")
TRACER_NO_ROUTE = Link(_TRACER, "no-route")
TRACER_NAT_DROPS = Link(_TRACER, "nat-drops")
TRACER_SECURITY_CHECKS = Link(_TRACER, "security-checks")
TRACER_INTERFACE_DOWN = Link(_TRACER, "interface-down")
TRACER_VPN_DROPS = Link(_TRACER, "vpn-drops")
TRACER_OTHER_DROPS = Link(_TRACER, "other-drops")

_SESSIONDB = "asa-vpn-sessiondb"
SESSIONDB_L2L_SESSIONS = Link(_SESSIONDB, "l2l-sessions")
SESSIONDB_SUMMARY = Link(_SESSIONDB, "summary")

_ASP_DROP = "asa-show-asp-drop"
ASP_DROP_VPN_CODES = Link(_ASP_DROP, "vpn-codes")
ASP_DROP_FIREWALL_CODES = Link(_ASP_DROP, "firewall-codes")
ASP_DROP_CLEAR_AND_COMPARE = Link(_ASP_DROP, "clear-and-compare")

_SYSLOG = "asa-syslog-messages"
SYSLOG_FAMILIES = Link(_SYSLOG, "families")
SYSLOG_UNCATALOGUED = Link(_SYSLOG, "uncatalogued")

# --- configurations ----------------------------------------------------------------

_CONFIG = "asa-vpn-config-checks"
CONFIG_CRYPTO_MAP_UNAPPLIED = Link(_CONFIG, "crypto-map-unapplied")
CONFIG_PEER_WITHOUT_TUNNEL_GROUP = Link(_CONFIG, "peer-without-tunnel-group")
CONFIG_TUNNEL_GROUP_WITHOUT_KEY = Link(_CONFIG, "tunnel-group-without-key")
CONFIG_POLICIES_AND_TRANSFORM_SETS = Link(_CONFIG, "policies-and-transform-sets")
CONFIG_CRYPTO_ACL_NAT = Link(_CONFIG, "crypto-acl-nat")
CONFIG_INCOMPLETE_ENTRY = Link(_CONFIG, "incomplete-entry")

# Static NAT outside the interface subnet: one section per ASA release range.
_ARP = "arp-permit-nonconnected"
ARP_BY_VERSION = Link(_ARP, "by-version")
ARP_PRE_8_3 = Link(_ARP, "pre-8-3")
ARP_8_3_TO_8_4_4 = Link(_ARP, "8-3-to-8-4-4")
ARP_8_4_5_AND_LATER = Link(_ARP, "8-4-5-and-later")

# --- mail, captures, boot ----------------------------------------------------------

_ESMTP = "ironport-esmtp-inspection"
ESMTP_SYMPTOMS = Link(_ESMTP, "symptoms")
ESMTP_RECEIVING_ABORTED = Link(_ESMTP, "receiving-aborted")
ESMTP_MASKED_BANNER = Link(_ESMTP, "masked-banner")
ESMTP_SYSLOGS = Link(_ESMTP, "syslogs")
ESMTP_INSPECT = Link(_ESMTP, "inspect-esmtp")

_TCPDUMP = "tcpdump-recipes"
TCPDUMP_IKE_AND_ESP = Link(_TCPDUMP, "ike-and-esp")
TCPDUMP_READING_OUTPUT = Link(_TCPDUMP, "reading-output")

_RECOVERY = "password-recovery-disabled"
RECOVERY_BREAK_WINDOW = Link(_RECOVERY, "break-window")
RECOVERY_PROCEDURE = Link(_RECOVERY, "procedure")


def named() -> dict[str, Link]:
    """Every named section above, by its constant's name."""
    return {
        name: value
        for name, value in globals().items()
        if isinstance(value, Link) and not name.startswith("_")
    }
