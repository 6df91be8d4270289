"""IKE negotiations rebuilt per peer from debug output and IKE syslog sequences.

Reads, in any mix:

- ASA IKE syslogs (713xxx, 715xxx, 602303/602304, 750xxx/751xxx), in any syslog
  layout the syslog parser understands, including 713236's
  ``IKE_DECODE SENDING|RESENDING|RECEIVED Message (msgid=0) with payloads : HDR + ...``;
- ASA `debug crypto isakmp` / `debug crypto ikev1 127` text:
  ``[IKEv1]: IP = x, ...``, ``[IKEv1 DEBUG]Group = g, IP = x, ...`` (with or without
  the console timestamp in front);
- ASA/FTD `debug crypto ikev2 protocol|platform`: ``IKEv2-PROTO-4: (229): Received
  Packet [From x:500/...]``, ``IKEv2-PLAT-4: Received PFKEY Invalid SPI for SPI ..``,
  behind a console stamp or a 711001 tag, the ``(229): ...`` lines under a packet,
  lines run together; a line that gives no SA number is the IKE SA its initiator
  SPI names (``InitSPI=0x..``, ``I_SPI=..``), or the one above;
- IOS `debug crypto isakmp` / `debug crypto ipsec`:
  ``ISAKMP:(0): sending packet to x my_port 500 peer_port 500 (I) MM_NO_STATE``,
  ``ISAKMP (0:1001): received packet from x dport 500 sport 500 Global (I) MM_SA_SETUP``,
  ``ISAKMP:(1001):Old State = IKE_I_MM1  New State = IKE_I_MM2``, retransmissions,
  ``IPSEC(validate_proposal_request): ...`` and the %CRYPTO messages. An
  ``IPSEC(...)`` (IOS-XE ``IPSEC:(SESSION ID = n) (...)``) line that names no peer
  belongs to the one its key engine message names (``(key eng. msg.) INBOUND|OUTBOUND
  local= <this device>, remote= <peer>``, ``(identity) local= .., remote= ..``),
  as do the peerless IPSEC lines above it when no line before named one; without
  a key engine message it goes to the peer of its IOS-XE session, else of the
  lines above. So `debug crypto ipsec` pasted alone gives its records too.

One record per peer (kind ``ike_debug``)::

    {"peer": "233.22.22.233", "platform": "asa", "version": "ikev1",
     "role": "initiator", "sent": 2, "resent": 1, "received": 3,
     "messages": [{"direction": "sent", "msgid": "0", "payloads": ["SA", "VENDOR"],
                   "length": 148, "line": 7}, ...],
     "notifies": [{"type": "INVALID_COOKIE", "encrypted": false, "line": 30}],
     "states": [{"from": "IKE_I_MM1", "to": "IKE_I_MM2", "line": 12}],
     "last_state": "MM_WAIT_MSG4", "state_inferred": true,
     "errors": [{"kind": "invalid_cookie", "text": "...", "line": 30}],
     "phase1_complete": false, "phase2_complete": false,
     "key_exchange_sent": true, "lines": [2, 33]}

``errors[].kind`` is one of ``invalid_cookie``, ``proposal`` (phase 1 policy),
``psk`` (authentication: pre-shared key or method), ``phase2`` (transform set,
crypto ACL/proxy identities, crypto map), ``no_response`` (the device gave up
retransmitting), ``invalid_spi`` (ESP arriving on an SA the device does not
have), ``malformed`` and ``other``. What the device's words say beyond the kind is
named on the error (``describe_error``): ``cause`` (``no_key``, ``auth_method``,
``attribute``, ``crypto_acl``, ``pfs``, ``transform_set``, ``certificate``,
``profile``, ``phase1_failed``), ``direction`` of a refusal notify, the peer's
``declared_id``, and ``names_network``, ``quotes``, ``names_policy``; the rules
read those, and quote ``text``. ``proxies`` ({"local", "remote"}: address/mask)
holds the proxy identities a phase 2 proposal carried, when the debug prints them;
``complete_lines`` the lines that report phase 1 or 2 complete. An IOS line
installing a new IPsec SA (``IPSEC(create_sa): sa created``, ``IPSEC(update_current_
outbound_sa)``) is a phase 2 that completed. IKEv2 messages carry the ``exchange``
they belong to when the debug names it; an ``invalid_spi`` error carries the ESP
``spi`` it names, and when it came during a CREATE_CHILD_SA exchange, ``exchange``,
``exchange_line``, ``rekey_initiator`` (True when this device asked for it, None
when the debug does not say) and, when the debug shows the new inbound SPI and it
is the refused one, ``new_spi`` (``spi_reversed`` when it is so with its bytes the
other way round). On the ASA,
whose debug does not print the main-mode state, ``last_state`` is worked out from the
messages exchanged (``state_inferred``); on IOS it is the ISAKMP SA state the packet
lines print (MM_NO_STATE ... QM_IDLE), and ``states`` lists the IKE state machine's
transitions (IKE_I_MM1 -> IKE_I_MM2 ...).
"""

from __future__ import annotations

import re
from array import array

from analyzer.parsers import syslog
from analyzer.parsers.common import IP, IPV4
from analyzer.registry import IKE_DEBUG
from analyzer.report import Lines, Section, Source

COMMANDS = (
    "debug crypto isakmp",
    "debug crypto ikev1",
    "debug crypto ikev2",
    "debug crypto ipsec",
    "show logging",
)


_DECODE = re.compile(
    r"IKE_DECODE (?P<dir>SENDING|RESENDING|RECEIVED) Message \(msgid=(?P<msgid>[0-9a-fA-Fx]{1,10})\)"
)
_LENGTH = re.compile(r"total length ?: ?(?P<len>\d{1,6})")
_PAYLOAD = re.compile(r"([A-Z][A-Z0-9_\-]{0,20}) \(\d{1,3}\)")
_ASA_PEER = re.compile(
    rf"(?:Group = (?P<group>[^,]{{1,64}}), )?(?:Username = [^,]{{1,64}}, )?IP = (?P<peer>{IP})"
)
_IKEV2_PEER = re.compile(rf"Remote:(?P<peer>{IPV4})")
# 402114: "Received an ESP packet (SPI= 0x.., sequence number= 0x..) from a.b.c.d"
_ESP_FROM = re.compile(
    rf"ESP packet \(SPI= ?0x[0-9A-Fa-f]{{1,8}}[^)]{{0,60}}\) from (?P<peer>{IPV4})"
)
# ASA 9.x `debug crypto ikev2 protocol|platform`: "IKEv2-PROTO-2: (16): Received
# Packet [From a:500/To b:500/VRF i0:f0]", the number in brackets the IKE SA's.
_ASA_V2_PROTO = re.compile(
    r"IKEv2-(?:PROTO|PLAT)-\d{1,2}: ?(?:\((?P<sid>\d{1,10})\):? ?)?"
)
# The console or buffer stamp an ASA may put in front of its `debug crypto ikev2`
# lines ("Jul 25 22:35:53 IKEv2-PLAT-5: ...", "Jul 25 2022 22:35:53.123 UTC:",
# "2022-07-25T22:35:53Z"), which the syslog reader does not take without a tag.
_STAMP = (
    r"[*.]?(?:(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) {1,2}\d{1,2}"
    r"(?: \d{4})? \d{1,2}:\d{2}:\d{2}(?:\.\d{1,6})?(?: [A-Z]{2,5})?"
    r"|\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:\.\d{1,6})?(?:Z|[+-]\d{2}:?\d{2})?)"
)
_LEAD_STAMP = re.compile(rf"{_STAMP}:? ")
# An ASA IKEv2 debug line run into the end of the one before it ("... Exchange
# RESPONSEJul 25 22:35:53 IKEv2-PROTO-5: (229): ..."): where each one begins.
_RUN_IN = re.compile(rf"(?:{_STAMP}:? ?)?IKEv2-P(?:ROTO|LAT)-\d{{1,2}}:")
# The ASA 9.x debug goes on under a packet line with the IKE SA's number in front:
# "(229): Initiator SPI : 48A0D49E589D838C - Responder SPI : ...".
_SID_LINE = re.compile(r"\((?P<sid>\d{1,10})\): ?")
# The IKE SA's initiator SPI, which names the SA on lines that give no number:
# "RECV PKT [CREATE_CHILD_SA] ... InitSPI=0x48a0d49e589d838c", "Initiator SPI :
# 48A0D49E589D838C - Responder SPI", "SM Trace-> SA: I_SPI=48A0D49E589D838C".
_V2_SPI = re.compile(
    r"(?:InitSPI=0x|Initiator SPI : ?|I_SPI=)(?P<spi>[0-9A-Fa-f]{16})\b"
)
# The exchange a packet belongs to: "IKEv2 CREATE_CHILD_SA Exchange RESPONSE",
# "Exchange type: CREATE_CHILD_SA, flags: RESPONDER MSG-RESPONSE", "RECV PKT
# [CREATE_CHILD_SA]", "SENT PKT [IKE_AUTH]".
_V2_EXCHANGE = re.compile(
    r"IKEv2 (?P<name>[A-Z_]{4,20}) Exchange (?P<kind>REQUEST|RESPONSE)"
    r"|Exchange type: (?P<typed>[A-Z_]{4,20}), flags: (?P<flags>[A-Z_ -]{0,60})"
    r"|(?:RECV|SENT) PKT \[(?P<plat>[A-Z_]{4,20})\]"
)
# An ESP SPI a line names: "spi=0x33C701EA(868680170)", "for SPI 0x8D5E4089",
# "(SPI= 0x99F9DC8A, sequence number= ...)".
_ESP_SPI = re.compile(r"(?:\bspi ?[=:]? ?|for SPI )(0x[0-9A-Fa-f]{1,8})\b", re.I)
_DEBUG_MARK = re.compile(r"\[(?P<tag>IKEv[12])(?: DEBUG)?\]:? ?")
# IOS: "ISAKMP:(1001):", "ISAKMP (0:1001):", "ISAKMP: ", "ISAKMP:(0:0:N/A:0):"
_IOS_PREFIX = re.compile(r"ISAKMP ?(?::? ?\((?P<ids>[0-9A-Za-z:/]{1,24})\))?: ?")
_IOS_SEND = re.compile(
    rf"sending packet to (?P<peer>{IP}) my_port \d{{1,5}} peer_port (?P<port>\d{{1,5}}) "
    r"\((?P<role>[IR])\) (?P<state>[A-Z_0-9]{2,30})"
)
_IOS_RECV = re.compile(
    rf"received packet from (?P<peer>{IP}) dport \d{{1,5}} sport (?P<port>\d{{1,5}})"
    r"(?: \S{1,40})? \((?P<role>[IRN])\) (?P<state>[A-Z_0-9]{2,30})"
)
_IOS_RETRANS = re.compile(
    r"retransmitting phase (?P<phase>[12]) (?P<state>[A-Z_0-9]{2,30})"
)
_IOS_STATE = re.compile(
    r"Old State = (?P<old>[A-Z_0-9]{2,30}) +New State = (?P<new>[A-Z_0-9]{2,30})"
)
_IOS_ADDR = re.compile(
    rf"(?:[Pp]eer(?: at)?|remote|to|from|with|for|matching|peer =|srcaddr)[ =]{{1,2}}(?P<peer>{IPV4})"
)
# An IOS-XE IKEv2 line broken by the terminal: it ends on its prefix or on a word
# that a sentence never ends with.
_OPEN_END = re.compile(r"(?:\):|\b(?:to|for|by|the|of|on|with|based|Failed)) ?$")
# IKEv2 on the ASA names the tunnel-group it matched the peer's ID to.
_ASA_V2_GROUP = re.compile(
    r"(?:tunnel group for ID|mapped to tunnel group|tg_name set to):? (\S{1,64})"
)
_V2_POLICIES = re.compile(r"(Received|Expected) Policies")
# An IKEv2 proposal as ASA and IOS-XE print it: "Proposal 1:  AES-CBC-256 SHA1
# SHA96 DH_GROUP_1024_MODP/Group 2" (encryption, PRF, integrity, DH group), or
# labelled: "ENCRYPTION: AES-CBC-128 PRF: SHA512 INTEGRITY: SHA512 DH GROUP: ...".
_V2_PROPOSAL = re.compile(r"Proposal \d{1,3}: ?(?P<body>.{1,300})")
_V2_LABELLED = re.compile(
    r"(ENCRYPTION|PRF|INTEGRITY|DH GROUP): ?(\S{1,60})", re.IGNORECASE
)
_V2_GROUP = re.compile(r"Group ?(\d{1,3})\b")
_IOS_INSERT = re.compile(rf"\bpeer {IPV4}/(?P<peer>{IPV4})/\d")
# IOS `debug crypto ipsec`: the key engine message or the identity an IPSEC(...)
# line prints under it, "(key eng. msg.) OUTBOUND local= 15.1.1.1:500, remote=
# 25.2.2.2:500," (12.x without the ports, "(key eng. msg)" in some transcripts),
# "(identity) local= 203.0.113.200:0, remote= 203.0.113.100:0,". ``remote=`` is
# the peer whichever way the message goes; ``local=`` is this device.
_KEY_ENGINE = re.compile(
    r"\((?:key eng\. ?msg\.?|identity)\)(?: (?:IN|OUT)BOUND)? local= ?[^,]{1,60}, "
    rf"remote= ?(?P<peer>{IPV4})(?![\d.])"
)
# The lines IOS prints under an IPSEC(...) line, indented or not: the key engine
# message, the SA, the proxies and the transform.
_UNDER_IPSEC = re.compile(
    r"\s*(?:\((?:key eng|identity|sa)\b|(?:local|remote)_proxy=|protocol=|lifedur="
    r"|spi=|sa_[a-z_()/]{2,20}=)"
)
# IOS-XE names the crypto session on its IPSEC lines: "IPSEC:(SESSION ID = 1)
# (key_engine) request timer fired" (one transcript writes "SESSION_ID").
_IPSEC_SESSION = re.compile(r"IPSEC:\(SESSION[ _]ID ?= ?(\d{1,10})")
# How many lines under an IPSEC(...) line are looked through for its key engine
# message: the SA of a `create_sa` line comes first, its identity five lines down.
_UNDER_MAX = 12
_IOS_V2_SA = re.compile(r"SA ID = (\d{1,10})")
_IOS_V2_PACKET = re.compile(
    rf"(?P<dir>Sending|Received) Packet \[(?:To|From) (?P<peer>{IP}):\d{{1,5}}"
)
# The proxy identities (crypto ACL lines) a phase 2 proposal carried.
_IOS_PROXY = re.compile(
    rf"(?P<side>local|remote)_proxy= ?(?P<addr>{IPV4})/(?P<mask>{IPV4})/(?P<proto>\d{{1,3}})/(?P<port>\d{{1,5}})"
)
_ASA_PROXY_DATA = re.compile(
    rf"Received (?P<side>local|remote) IP Proxy Subnet data in ID Payload: +Address (?P<addr>{IPV4}), Mask (?P<mask>{IPV4})"
)
_ASA_PROXY_HOST = re.compile(
    rf"Received (?P<side>local|remote) Proxy Host data in ID Payload: +Address (?P<addr>{IPV4})"
)
_ASA_REJECT = re.compile(
    rf"remote proxy (?P<raddr>{IPV4})/(?P<rmask>{IPV4})/\d{{1,3}}/\d{{1,5}} local proxy (?P<laddr>{IPV4})/(?P<lmask>{IPV4})"
)
# "Crypto ISAKMP debugging is on": the router's answer to the debug command.
_DEBUG_ON = re.compile(
    r"^\s*(?:Crypto )?(?:ISAKMP|IPSEC|IKEv2|Engine)\b.{0,30} debugging is on\s*$", re.I
)
_IOS_NOTIFY = re.compile(r"processing NOTIFY (?P<type>[A-Z_]{3,40})")
_ASA_NOTIFY = re.compile(r"Notify message: (?P<type>[A-Za-z _\-]{3,60}?) \(\d{1,5}\)")
_IOS_PAYLOAD = re.compile(
    r"processing (?P<what>SA|KE|NONCE|ID|HASH|vendor id|NAT-D|DELETE) payload"
)

_UNNAMED = "v2:?"  # the key of IKEv2 lines that name no SA and no peer
# (kind, substring) in the order they are tried; the first that a line contains wins.
_ERRORS: tuple[tuple[str, str], ...] = (
    ("invalid_cookie", "INVALID_COOKIE"),
    # IOS-XE IKEv2 "SA is already in negotiation, hence not negotiating again":
    # an SA left in negotiation (a leaked or stale one) blocks every new attempt.
    ("in_negotiation", "already in negotiation, hence not negotiating"),
    ("invalid_spi", "RECVD_PKT_INV_SPI"),
    ("invalid_spi", "has invalid spi for"),
    ("invalid_spi", "with an invalid SPI"),
    # ASA/FTD IKEv2: the data path reports ESP on an SPI it has no SA for, and
    # IKE tells the peer ("Received PFKEY Invalid SPI for SPI 0x8D5E4089, error
    # FALSE", "(229): Sending INVALID_SPI notify").
    ("invalid_spi", "PFKEY Invalid SPI"),
    ("invalid_spi", "Sending INVALID_SPI notify"),
    ("phase2", "QM FSM error"),
    ("phase2", "proxy identities not supported"),
    ("phase2", "IPSec policy invalidated proposal"),
    ("phase2", "rypto map policy not found"),
    ("phase2", "Crypto Map Policy not found"),
    ("phase2", "no matching crypto map entry"),
    ("phase2", "All IPSec SA proposals found unacceptable"),
    ("phase2", "phase 2 SA policy not acceptable"),
    # IOS: "IPSEC(ipsec_process_proposal): transform proposal not supported for
    # identity: {esp-aes }": no transform set of the crypto map entry for these
    # proxies matches what the peer proposed.
    ("phase2", "proposal not supported for id"),
    ("phase2", "transform proposals not supported"),
    ("phase2", "INVALID_ID_INFO"),
    ("phase2", "INVALID_SELECTORS"),
    ("phase2", "TS_UNACCEPTABLE"),
    ("phase2", "Rejecting IPSec tunnel"),
    ("phase2", "Reason: Phase 2 Mismatch"),
    ("psk", "mismatched pre-shared key"),
    ("psk", "pre-shared key mismatch"),
    ("psk", "PSK mismatch"),
    ("psk", "Received encrypted packet with no matching SA"),
    ("psk", "Received encrypted Oakley Main Mode packet with invalid payloads"),
    ("psk", "Preshared authentication offered but does not match"),
    ("psk", "No pre-shared key with"),
    ("psk", "IKMP_NOT_ENCRYPTED"),
    ("psk", "AUTHENTICATION_FAILED"),
    ("psk", "Failed to authenticate"),
    # ASA 9.x IKEv2: "Verification of peer's authentication data FAILED",
    # "Auth exchange failed".
    ("psk", "authentication data FAILED"),
    # Identities and certificates: the peer's ID matches no profile or
    # tunnel-group, its certificate does not verify.
    ("identity", "Peer ID check failed"),
    ("identity", "Profile could not be found"),
    ("identity", "IKEv2 profile not found"),
    ("identity", "No suitable trustpoints found"),
    ("identity", "Verify cert failed"),
    ("identity", "Unsupported cert encoding"),
    ("identity", "Peer requested HTTP URL but never sent"),
    ("psk", "Verify auth failed"),
    ("psk", "Auth exchange failed"),
    ("proposal", "All SA proposals found unacceptable"),
    ("proposal", "All IKE SA proposals found unacceptable"),
    ("proposal", "atts are not acceptable"),
    # IOS 12.x wording: "ISAKMP (0:0): atts not acceptable. Next payload is 0".
    ("proposal", "atts not acceptable"),
    ("proposal", "phase 1 SA policy not acceptable"),
    ("proposal", "Mismatched attribute types"),
    ("proposal", "offered does not match policy"),
    ("proposal", "NO_PROPOSAL_CHOSEN"),
    ("proposal", "PROPOSAL_NOT_CHOSEN"),
    ("proposal", "o proposal chosen"),
    ("proposal", "Failed to find a matching policy"),
    ("proposal", "IKE Initiator unable to find policy"),
    ("malformed", "IKMP_BAD_MESSAGE"),
    ("no_crypto_map", "No crypto map bound to interface"),
    ("malformed", "failed its sanity check"),
    ("psk", "Error processing payload: Payload ID: "),
    ("no_response", "Death by retransmission"),
    ("no_response", "EV_TIMEOUT"),
    ("no_response", "Maximum number of retransmissions reached"),
    ("no_response", "lost contact with remote peer"),
    ("other", "IKMP_MODE_FAILURE"),
    ("other", "Information Exchange processing failed"),
    ("other", "Negotiation aborted"),
    ("other", "Removing peer from peer table failed"),
)
# What a refusal of each kind blames, in the order looked for: the first cause
# whose words the device's text holds is the error's ``cause``. Certificates are
# also known by "cert" in any case.
_CAUSES: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {
    "psk": (
        ("no_key", ("No pre-shared key", "no shared key found")),
        ("auth_method", ("Preshared authentication offered",)),
    ),
    # 713257 names the attribute and both values: "Mismatched attribute types
    # for class Group Description: Rcv'd: Group 2 Cfg'd: Group 14".
    "proposal": (("attribute", ("Rcv'd",)),),
    "phase2": (
        (
            "crypto_acl",
            (
                "proxy identities not supported",
                "no matching crypto map",
                "ACL does not match",
                "INVALID_ID_INFO",
                "TS_UNACCEPTABLE",
                "INVALID_SELECTORS",
                "rypto map policy not found",
                "Crypto Map Policy not found",
                "INVALID-ID-INFO",
                "POLICY_LOOKUP_FAILURE",
                "proxy-id",
                "proxy id",
                "raffic selector",
                "no matching CHILD_SA config",
                "get sainfo",
                "no connection is known for",
            ),
        ),
        ("pfs", ("PFS", "pfs", "Perfect Forward", "DIFFIE_HELLMAN_GROUP")),
        (
            "transform_set",
            (
                "transform proposal",
                "transform set",
                "transform-set",
                "proposal not supported for id",
            ),
        ),
    ),
    "identity": (
        ("certificate", ("rustpoint",)),
        ("profile", ("Profile", "profile")),
    ),
    # "Processing of Main mode failed with peer at 192.0.2.1": phase 1 failed,
    # and the line does not say why.
    "other": (("phase1_failed", ("failed with peer",)),),
}
# The identity a peer declares: "peer declares '10.0.1.2'", "IDir '192.0.2.10'".
_DECLARED_ID = re.compile(r"(?:peer declares|IDir|IDi) '([0-9.]{7,15})'")
_NAMES_NETWORK = re.compile(r"\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}/\d")
_PHASE1_DONE = (
    "PHASE 1 COMPLETED",
    "IKE_P1_COMPLETE",
    "SA has been authenticated",
    "Crypto tunnel is UP",
)
_PHASE2_DONE = (
    "PHASE 2 COMPLETED",
    "Security negotiation complete",
    "has been created",
    "IKE_QM_PHASE2_COMPLETE",
    "SA UP",
    # IOS `debug crypto ipsec` installing a new IPsec SA, in the 12.x/15.x form
    # ("IPSEC(create_sa): sa created,", "IPSEC(update_current_outbound_sa): updated
    # peer 192.0.2.1 current outbound sa to SPI 5D3A1C9E", "IPSEC(key_engine_enable_
    # outbound): rec'd enable notify from ISAKMP") and the IOS-XE one that names the
    # session ("IPSEC:(SESSION ID = 1) (create_sa) sa created,").
    "(create_sa)",
    "(update_current_outbound_sa)",
    "(key_engine_enable_outbound)",
    # IOS IKEv2 handing the child SA to IPsec: "[IPsec -> IKEv2] Creation of IPsec
    # SA into IPsec database PASSED".
    "IPsec SA into IPsec database PASSED",
    # ASA and IOS IKEv2 state machine: the IPsec SAs were loaded ("SM Trace-> ...
    # CurState: CHILD_I_PROC Event: EV_OK_RECD_LOAD_IPSEC").
    "EV_OK_RECD_LOAD_IPSEC",
)
_ESTABLISHED = {
    "MM_ACTIVE",
    "AM_ACTIVE",
    "QM_IDLE",
    "IKE_P1_COMPLETE",
    "IKE_QM_PHASE2_COMPLETE",
}

# Phase 1 error kinds that only make sense while phase 1 is still being negotiated;
# after it completed, a proposal refusal is about the IPsec transform sets.
_MAX_MESSAGES = 200


def is_ike_line(line: str) -> bool:
    """Whether ``line`` holds something this parser reads: every IKE line
    contains one of these (spelled out rather than looped over: this runs on
    every line of a paste). Each of them holds an upper-case I, an R or "Ph",
    which most lines that are not about IKE lack: one quick look first."""
    if not ("I" in line or "R" in line or "Ph" in line):
        return False
    return (
        "IP = " in line
        or "ISAKMP" in line
        or "IPSEC(" in line
        or "IPSEC:(" in line
        or "CRYPTO-" in line
        or "IKEv" in line
        or "Remote:" in line
        or "IKE " in line
        or "CRYPTO_PKI" in line
        or "invalid SPI" in line
        or "Phase 1 failure" in line
    )


def parse(section: Section) -> list[Source]:
    reader = Reader()
    # The syslog parser has often just read this same section: reuse its reading
    # of each line instead of reading it again.
    known = section.readings.get("syslog")
    numbers = section.numbers
    for index, line in enumerate(section.lines):
        reader.line(
            line, numbers[index], known[index] if known is not None else syslog.UNREAD
        )
    return reader.sources()


class Reader:
    """The IKE negotiations of one section, read a line at a time as it streams
    past; `sources` at the end."""

    def __init__(self):
        self.peers: dict[str, dict] = {}
        self.order: list[str] = []
        # The lines read, as runs (firsts[i]..lasts[i]): a debug or log read for
        # hours claims hundreds of thousands.
        self.firsts = array("q")
        self.lasts = array("q")
        self.single: set[int] = set()
        self.conn_peer: dict[str, str] = {}
        # An IKEv2 SA known by its initiator SPI alone ("v2spi:48a0d49e589d838c")
        # -> the SA number a later line gives it ("v2:229").
        self.spi_conn: dict[str, str] = {}
        self.last_peer: str | None = None
        self.last_v2 = False
        # The IOS record whose line came last: the indented lines IOS prints
        # under an IPSEC(...) or NOTIFY line belong to it.
        self.continues: dict | None = None
        self.last_number = 0
        # An IOS `debug crypto ipsec` line that names no peer, held with the lines
        # under it until its key engine message names one (`_under_held`).
        self.held: dict | None = None
        # Held lines no peer was found for yet (a paste that starts with them):
        # the first key engine message names their peer too.
        self.orphans: list[dict] = []
        # IOS-XE crypto session ("IPSEC:(SESSION ID = 1)") -> its peer.
        self.session_peer: dict[str, str] = {}

    def line(self, line: str, number: int, reading=syslog.UNREAD, ike=None) -> None:
        """Read one line (``number`` in the paste). ``reading`` is the syslog
        parser's record of it when known (syslog.UNREAD when not); ``ike`` whether
        it is an IKE line (`is_ike_line`), when the caller already knows."""
        if self.held is not None and self._under_held(line, number, ike):
            return
        if not line:
            self.continues = None
            return
        if "IKEv2-P" in line and _run_in(line, self, number):
            return
        if ike is None:
            ike = is_ike_line(line)
        if (
            not ike
            and line[:1] == "("
            and self.last_v2
            and number - self.last_number <= 40
            and _SID_LINE.match(line)
        ):
            # "(229): Initiator SPI : ...": the ASA goes on about IKE SA 229.
            ike = True
        continues = self.continues
        if not ike:
            if (
                continues is not None
                and continues.get("_open")
                and not line[:1].isspace()
            ):
                # IOS-XE broke the line after its "(SESSION ID = n,SA ID = n):"
                # prefix (or mid-sentence): the text goes on here.
                _apply(continues, line.strip(), number, continues["platform"])
                self._claim(number)
                continues["lines"][1] = number
                continues["_open"] = False
                return
            if (
                continues is not None
                and "not supported" in line
                and line[:1].isspace()
                and continues["platform"] == "ios"
            ):
                # "IPSEC(ipsec_process_proposal): proposal part #1," and the
                # refusal on the line under it: "  transform proposals not
                # supported".
                _apply(continues, line.strip(), number, "ios")
                self._claim(number)
                continues["lines"][1] = number
                return
            if continues is not None and (
                (line[:1].isspace() and "=" in line)
                or (
                    continues["version"] == "ikev2"
                    and (
                        line[:1].isspace()
                        or line.startswith(
                            ("Initiator SPI", "Payload contents", "Proposal ")
                        )
                    )
                )
            ):
                # IOS prints a packet's details or a proposal's key-engine
                # message on the lines under it.
                _proxies(continues, line)
                if line.startswith("Proposal ") and "_policies" in continues:
                    _policy(continues, line)
                if "NOTIFY(" in line and continues["version"] == "ikev2":
                    # " VID IDr AUTH NOTIFY(NO_PROPOSAL_CHOSEN)": the payloads of
                    # the packet above, a refusal among them.
                    _apply(continues, line.strip(), number, continues["platform"])
                self._claim(number)
                continues["lines"][1] = number
            elif "debugging is on" in line and _DEBUG_ON.match(line):
                self._claim(number)
            else:
                self.continues = None
            return
        if (
            continues is not None
            and continues["version"] == "ikev2"
            and line.startswith("IKEv2 ")
            and " Exchange " in line
        ):
            # "IKEv2 IKE_SA_INIT Exchange REQUEST" under an IOS packet line.
            self._claim(number)
            continues["lines"][1] = number
            # IKE_AUTH carries the first child SA: a refusal in it is phase 2.
            _exchange(continues, line.strip(), number)
            return
        self.continues = None
        if reading is syslog.UNREAD:
            reading = syslog.read_line(line)
        read = _read_record(reading, line)
        if read is None:
            if "debugging is on" in line and _DEBUG_ON.match(line):
                self._claim(number)
            return
        text, platform, version = read
        peers = self.peers
        last_peer = self.last_peer
        if version == "pki":
            if last_peer is None or number - self.last_number > 40:
                return
            version = peers[last_peer]["version"]
            platform = peers[last_peer]["platform"]
            peer, conn = last_peer, None
        else:
            peer, conn = _peer_of(text, platform, version)
        if version == "ikev2" and platform == "asa" and "SPI" in text:
            m = _V2_SPI.search(text)
            if m is not None:
                spi = "v2spi:" + m.group("spi").lower()
                if conn is None:
                    # "IKEv2-PLAT-5: RECV PKT [...] InitSPI=0x..": no SA number,
                    # but the SPI names the IKE SA the lines after it go on about.
                    conn = spi
                else:
                    self.spi_conn.setdefault(spi, conn)
        if peer is None and conn is not None:
            peer = self.conn_peer.get(self.spi_conn.get(conn, conn))
        if (
            peer is None
            and platform == "ios"
            and version == "ikev1"
            and text.startswith("IPSEC")
        ):
            # "IPSEC(validate_proposal_request): proposal part #1,": the key
            # engine message under it names the peer ("remote="), which need not
            # be the one the lines above were about (two routers' debugs in one
            # paste, `debug crypto ipsec` on its own). Held until it says.
            m = _IPSEC_SESSION.match(text)
            self.held = {
                "text": text,
                "number": number,
                "reading": reading,
                "version": version,
                "session": m.group(1) if m else None,
                "under": [],
                # What the engine looks at to hand this reader the lines under it.
                "platform": platform,
                "lines": [number, number],
            }
            self.continues = self.held
            return
        if (
            peer is None
            and platform == "ios"
            and last_peer is not None
            and not text.startswith("%")
        ):
            # Debug lines carry on about the peer named above; a %CRYPTO message
            # stands alone and names its own peer or none.
            peer = last_peer
        if (
            peer is None
            and platform == "asa"
            and last_peer is not None
            and number - self.last_number <= 3
            and _said(text)[3] is not None
        ):
            # 713257 "Phase 1 failure: Mismatched attribute types ..." names no
            # peer; the ASA prints it among the lines of the peer it is about.
            peer = last_peer
        if (
            peer is None
            and conn is None
            and version == "ikev2"
            and last_peer is not None
            and self.last_v2
            and number - self.last_number <= 40
        ):
            # "IKEv2-PLAT-1: Peer ID check failed", "IKEv2:%Profile could not be
            # found": lines that name no SA go on about the negotiation above.
            peer = last_peer
        if peer is None and version == "ikev2" and conn is not None:
            # A paste that starts mid-negotiation: the lines name the IKE SA but
            # not yet the peer. Kept under the SA, and joined to the peer's record
            # if a later line names it.
            peer = conn
        if peer is None and version == "ikev2" and "already in negotiation" in text:
            # It names no SA and no peer: kept unnamed, for the session or SA
            # rows of the same paste to name.
            peer = _UNNAMED
        if peer is None:
            return
        self.orphans.clear()
        self._into(peer, conn, text, number, reading, platform, version)

    def _into(
        self,
        peer: str,
        conn: str | None,
        text: str,
        number: int,
        reading,
        platform: str,
        version: str,
    ) -> dict | None:
        """Fold the line into ``peer``'s record; the record when the line said
        something."""
        peers = self.peers
        self.last_number = number
        if platform == "ios" and text.startswith("IPSEC:("):
            m = _IPSEC_SESSION.match(text)
            if m is not None:
                self.session_peer[m.group(1)] = peer
        if conn is not None and conn not in ("0", "0:0"):
            self.conn_peer[conn] = peer
        if platform != "ios" or not text.startswith("%"):
            # A %CRYPTO message stands alone: the debug lines after it that name
            # no peer go on about the negotiation before it, not about its peer.
            self.last_peer = peer
        self.last_v2 = version == "ikev2"
        record = peers.get(peer)
        if record is None:
            record = new_record(peer, platform, version)
            if peer == conn:
                record["peer"] = ""
                record["ike_sa"] = conn.removeprefix("v2:").removeprefix("v2spi:")
            elif peer == _UNNAMED:
                record["peer"] = ""
            peers[peer] = record
            self.order.append(peer)
        # The device's stamp on the line, for the messages and errors read from it.
        record["_time"] = reading.get("timestamp") if reading else None
        if _apply(record, text, number, platform):
            self._claim(number)
            record["lines"][1] = number
            if record["lines"][0] is None:
                record["lines"][0] = number
            if platform == "ios" or text.startswith("IKEv2:("):
                self.continues = record
                record["_open"] = version == "ikev2" and (
                    text.endswith(("):", "):-", ","))
                    or _OPEN_END.search(text) is not None
                )
            return record
        return None

    def _under_held(self, line: str, number: int, ike: bool | None) -> bool:
        """Whether ``line`` is one of those under the held IPSEC(...) line (taken
        here: kept, or the key engine message that names the peer of them all).
        When it is not, the held line goes to the peer the lines above named."""
        held = self.held
        if not line or line.isspace():
            # A paste with a blank line after each line (a forum's double
            # spacing) goes on below it; two blank lines end the held line.
            held["blank"] = held.get("blank", 0) + 1
            if held["blank"] == 1:
                return True
        elif (
            not (is_ike_line(line) if ike is None else ike)
            and len(held["under"]) < _UNDER_MAX
            and ((line[:1].isspace() and "=" in line) or _UNDER_IPSEC.match(line))
        ):
            held["blank"] = 0
            held["under"].append((line, number))
            m = _KEY_ENGINE.search(line) if "remote=" in line else None
            if m is not None:
                self._release(m.group("peer"))
            return True
        self._release()
        return False

    def _release(self, peer: str | None = None) -> None:
        """Give the held IPSEC(...) line and the lines under it to ``peer``: the
        one its key engine message named, else the one its IOS-XE session was
        named with, else the one the lines above were about (none: dropped)."""
        held, self.held = self.held, None
        self.continues = None
        if held is None:
            return
        orphans: list[dict] = []
        if peer is not None:
            orphans, self.orphans = self.orphans, []
        if peer is None and held["session"] is not None:
            peer = self.session_peer.get(held["session"])
        if peer is None:
            peer = self.last_peer
        if peer is None:
            if len(self.orphans) < _UNDER_MAX:
                self.orphans.append(held)
            return
        self.orphans.clear()
        for one in (*orphans, held):
            record = self._into(
                peer,
                None,
                one["text"],
                one["number"],
                one["reading"],
                one["platform"],
                one["version"],
            )
            if record is None:
                continue
            for line, number in one["under"]:
                _proxies(record, line)
                self._claim(number)
                record["lines"][1] = number

    def sources(self) -> list[Source]:
        self._release()
        peers, order, conn_peer = self.peers, self.order, self.conn_peer
        for key, conn in self.spi_conn.items():
            # The SA known by its SPI first, then by its number (and its peer).
            target = conn_peer.get(conn, conn)
            if key in peers and target in peers and target != key:
                _join(peers[target], peers.pop(key))
                order.remove(key)
        for key in list(order):
            named = conn_peer.get(key)
            if peers[key]["peer"] == "" and named in peers and named != key:
                _join(peers[named], peers.pop(key))
                order.remove(key)
        records = []
        for peer in order:
            record = peers[peer]
            if record["lines"][0] is None:
                continue
            _finish(record)
            records.append(record)
        if not records:
            return []
        claimed = Lines(self.firsts, self.lasts, self.single)
        return [
            Source(
                kind=IKE_DEBUG,
                first_line=claimed.first(),
                last_line=claimed.last(),
                records=records,
                claimed=claimed,
            )
        ]

    def _claim(self, number: int) -> None:
        lasts = self.lasts
        if lasts:
            last = lasts[-1]
            if number == last + 1:
                lasts[-1] = number
                return
            if self.firsts[-1] <= number <= last:
                return
            if number < last:
                self.single.add(number)
                return
        self.firsts.append(number)
        lasts.append(number)


def _run_in(line: str, reader: Reader, number: int) -> bool:
    """Read each ASA IKEv2 debug line that ``line`` holds run together, when it
    holds more than one ("(229): IKEv2 CREATE_CHILD_SA Exchange RESPONSEJul 25
    22:35:53 IKEv2-PROTO-5: (229): Next payload: ..."). False when it holds one."""
    # Glued to what comes before it: "%ASA-7-711001: IKEv2-PROTO-4: ..." is one
    # message behind its syslog tag, not two.
    starts = [
        m.start()
        for m in _RUN_IN.finditer(line)
        if m.start() > 0
        and not line[m.start() - 1].isspace()
        and line[m.start() - 1] != ":"
    ]
    if not starts:
        return False
    for first, last in zip([0, *starts], [*starts, len(line)], strict=True):
        piece = line[first:last].rstrip()
        if piece:
            reader.line(piece, number)
    return True


def _read(line: str) -> tuple[str, str, str] | None:
    """(message text, platform, IKE version) of an IKE line, or None."""
    return _read_record(syslog.read_line(line), line)


def _read_record(record: dict | None, line: str) -> tuple[str, str, str] | None:
    """What `_read` says of ``line``, given the syslog parser's reading of it."""
    if record is not None:
        text = record.get("text") or ""
        if text.startswith("IKEv2-P"):
            # "%ASA-7-711001: IKEv2-PROTO-4: (229): ...", or the IKEv2 debug behind
            # a stamp the syslog reader took ("Jul 25 22:35:53: IKEv2-PLAT-4:").
            found = _asa_v2(text)
            if found is not None:
                return found
        if record.get("platform") == "asa":
            if record.get("debug") == "IKEv2" or (
                record.get("message_id") or ""
            ).startswith("75"):
                return text, "asa", "ikev2"
            return text, "asa", "ikev1"
        if record.get("facility") == "ISAKMP" and (
            record.get("message_id") or ""
        ).startswith("ISAKMP-"):
            # IOS-XE 16/17: "ISAKMP-ERROR: (0):No pre-shared key with ...",
            # "ISAKMP-PAK: (1003):received packet from ...": the same debug as
            # "ISAKMP: (0):...", read the same way.
            return f"ISAKMP:{text}", "ios", "ikev1"
        if record.get("facility") == "CRYPTO":
            # The mnemonic says as much as the text (IKMP_MODE_FAILURE,
            # RECVD_PKT_INV_SPI): keep it with the text the checks read.
            return f"%{record.get('message_id')}: {text}", "ios", "ikev1"
        if text.startswith("IKEv2:"):
            return text, "ios", "ikev2"
        if text.startswith(("IKEv2-ERROR:", "IKEv2-INTERNAL:", "IKEv2-PAK:")):
            # IOS-XE's error and packet debugs: "IKEv2-ERROR:(SESSION ID = 71,SA
            # ID = 1):: Auth exchange failed".
            return "IKEv2:" + text.split(":", 1)[1], "ios", "ikev2"
        if text.startswith(("ISAKMP", "IPSEC(", "IPSEC:(", "IKEv2")):
            return text, "ios", "ikev1"
        if text.startswith("CRYPTO_PKI"):
            return text, "ios", "pki"
        return None
    stripped = line.strip()
    if stripped[:1].isdigit() or stripped[:1] in "*.JFMASOND":
        m = _LEAD_STAMP.match(stripped)
        if m:
            # A console stamp the syslog reader did not take ("Jul 25 22:35:53
            # IKEv2-PLAT-5: ..."): the line is read without it.
            stripped = stripped[m.end() :]
    m = _DEBUG_MARK.match(stripped)
    if m:
        version = "ikev2" if m.group("tag") == "IKEv2" else "ikev1"
        return stripped[m.end() :].strip(), "asa", version
    if stripped.startswith(("IP = ", "Group = ")):
        return stripped, "asa", "ikev1"
    if stripped.startswith(("ISAKMP", "IPSEC(", "IPSEC:(")):
        return stripped, "ios", "ikev1"
    if stripped.startswith("IKEv2:"):
        # "IKEv2:(SESSION ID = 3,SA ID = 1):...", and the lines that name no SA:
        # "IKEv2:% Getting preshared key ...", "IKEv2:SA is already in negotiation".
        return stripped, "ios", "ikev2"
    if stripped.startswith(("IKEv2-ERROR:(", "IKEv2-INTERNAL:(", "IKEv2-PAK:(")):
        return "IKEv2:" + stripped.split(":", 1)[1], "ios", "ikev2"
    if stripped.startswith("CRYPTO_PKI"):
        # The certificate checks of the negotiation printed above.
        return stripped, "ios", "pki"
    return _asa_v2(stripped)


def _asa_v2(text: str) -> tuple[str, str, str] | None:
    """An ASA `debug crypto ikev2` line ("IKEv2-PROTO-4: (229): Received Packet
    ...", "IKEv2-PLAT-4: Received PFKEY Invalid SPI ..."), and what the ASA 9.x
    prints under a packet line with the IKE SA's number ("(229): Initiator SPI :
    ..."): written the way IOS names the SA, so one reading serves both."""
    m = _ASA_V2_PROTO.match(text) if text.startswith("IKEv2-P") else None
    if m is None and text.startswith("("):
        m = _SID_LINE.match(text)
    if m is None:
        return None
    sid = m.group("sid") or "0"
    return f"IKEv2:(SA ID = {sid}):{text[m.end() :]}", "asa", "ikev2"


def _peer_of(text: str, platform: str, version: str) -> tuple[str | None, str | None]:
    if platform == "asa":
        # An ASA line names its peer in its text alone: read once per text.
        known = _ASA_PEERS[version == "ikev2"]
        found = known.get(text)
        if found is None:
            found = _asa_peer_of(text, version)
            if len(known) > _SAID_MAX:
                known.clear()
            known[text] = found
        return found
    return _ios_peer_of(text, version)


_ASA_PEERS: tuple[dict, dict] = ({}, {})


def _asa_peer_of(text: str, version: str) -> tuple[str | None, str | None]:
    m = _ASA_PEER.search(text)
    if m:
        return m.group("peer"), None
    m = _IKEV2_PEER.search(text)
    if m:
        return m.group("peer"), None
    if "ESP packet" in text:
        m = _ESP_FROM.search(text)
        if m:
            return m.group("peer"), None
    if version == "ikev2" and text.startswith("IKEv2:("):
        m = _IOS_V2_SA.search(text, 0, 60)
        conn = f"v2:{m.group(1)}" if m and m.group(1) != "0" else None
        m = _IOS_V2_PACKET.search(text)
        return (m.group("peer") if m else None), conn
    return None, None


def _ios_peer_of(text: str, version: str) -> tuple[str | None, str | None]:
    conn = None
    if version == "ikev2":
        # IOS IKEv2: "IKEv2:(SESSION ID = 0,SA ID = 1):Sending Packet [To a:500/..."
        m = _IOS_V2_SA.search(text, 0, 60)
        conn = f"v2:{m.group(1)}" if m else None
        m = _IOS_V2_PACKET.search(text)
        return (m.group("peer") if m else None), conn
    m = _IOS_PREFIX.match(text)
    if m and m.group("ids"):
        ids = m.group("ids").split(":")
        conn = ids[1] if len(ids) > 1 else ids[0]
    if "remote=" in text:
        # A key engine message run into its IPSEC(...) line: "IPSEC(sa_request):
        # , (key eng. msg.) OUTBOUND local= 15.1.1.1:500, remote= 25.2.2.2:500,".
        m = _KEY_ENGINE.search(text)
        if m:
            return m.group("peer"), conn
    if "peer " in text and "/" in text:
        # "Trying to insert a peer 122.122.122.122/77.77.77.77/500/", "Trying to
        # find existing peer 61.128.1.1/103.1.1.1/4501/": local, then remote.
        m = _IOS_INSERT.search(text)
        if m:
            return m.group("peer"), conn
    m = _IOS_ADDR.search(text)
    if m:
        return m.group("peer"), conn
    return None, conn


def new_record(peer: str, platform: str, version: str | None) -> dict:
    """An empty negotiation record (the other end's log reader starts from it too)."""
    return {
        "peer": peer,
        "platform": platform,
        "version": version,
        "role": None,
        "sent": 0,
        "resent": 0,
        "received": 0,
        "messages": [],
        "notifies": [],
        "states": [],
        "last_state": None,
        "state_inferred": False,
        "errors": [],
        "phase1_complete": False,
        "phase2_complete": False,
        "key_exchange_sent": False,
        "complete_lines": [],
        "p1_done_lines": [],
        "p2_done_lines": [],
        "accepted_lines": [],
        "lines": [None, None],
    }


# What a line's text says, whoever's record it goes into: worked out once per
# distinct text (a log repeats the same message for the same peer many times)
# and applied to the record by `_apply`. Emptied when it grows past its bound.
_SAID: dict[str, tuple] = {}
_SAID_ASA: dict[str, tuple] = {}
_SAID_MAX = 50_000
_DIRECTIONS = {"SENDING": "sent", "RESENDING": "resent", "RECEIVED": "received"}


def _said(text: str) -> tuple:
    """(received/expected policies found: (side, rest) or None, "Proposal " in the
    text, INVALID_COOKIE: its encrypted flag or None, the first of _ERRORS it holds
    or None, phase 1 done, phase 2 done, a policy accepted, "_proxy=" in it)."""
    found = _SAID.get(text)
    if found is not None:
        return found
    policies = None
    if "Policies" in text:
        m = _V2_POLICIES.search(text)
        if m:
            policies = (m.group(1).lower(), text[m.end() :])
    cookie = None
    if "INVALID_COOKIE" in text:
        cookie = not ("un-encrypted" in text or "unencrypted" in text)
    error = next(((kind, needle) for kind, needle in _ERRORS if needle in text), None)
    found = (
        policies,
        "Proposal " in text,
        cookie,
        error,
        any(done in text for done in _PHASE1_DONE),
        any(done in text for done in _PHASE2_DONE),
        "atts are acceptable" in text or "phase 1 SA policy acceptable" in text,
        "_proxy=" in text,
    )
    if len(_SAID) > _SAID_MAX:
        _SAID.clear()
    _SAID[text] = found
    return found


def _said_asa(text: str) -> tuple:
    """What an ASA line's text says: (its group, the tunnel-group IKEv2 matched,
    the packet it traces: (direction, msgid, payloads, length) or None, "IKE
    Initiator" in it, "IKE Responder" in it, the notify type, the proxies:
    ("both", local, remote), ("one", side, proxy) or None)."""
    found = _SAID_ASA.get(text)
    if found is not None:
        return found
    m = _ASA_PEER.search(text)
    group = m.group("group") if m else None
    v2_group = None
    if "tunnel group" in text or "tg_name" in text:
        m = _ASA_V2_GROUP.search(text)
        if m:
            v2_group = m.group(1)
    trace = None
    m = _DECODE.search(text)
    if m:
        rest = text[m.end() :]
        cut = rest.find("total length")
        length = _LENGTH.search(rest, max(cut, 0)) if cut != -1 else None
        payloads = _PAYLOAD.findall(rest if cut == -1 else rest[:cut])
        trace = (
            _DIRECTIONS[m.group("dir")],
            m.group("msgid"),
            tuple(p for p in payloads if p != "NONE"),
            length.group("len") if length else None,
        )
    m = _ASA_NOTIFY.search(text)
    notify = m.group("type") if m else None
    proxies = None
    if "Proxy" in text or "proxy" in text:
        proxies = _asa_proxies(text)
    found = (
        group,
        v2_group,
        trace,
        "IKE Initiator" in text,
        "IKE Responder" in text,
        notify,
        proxies,
    )
    if len(_SAID_ASA) > _SAID_MAX:
        _SAID_ASA.clear()
    _SAID_ASA[text] = found
    return found


def forget() -> None:
    """Drop what was read once per distinct text (see syslog.forget)."""
    for known in (_SAID, _SAID_ASA, *_ASA_PEERS):
        known.clear()


def _apply(record: dict, text: str, number: int, platform: str) -> bool:
    """Fold one line into the peer's record. True when the line said something."""
    said = False
    traced = False
    (
        policies,
        proposal,
        cookie,
        error,
        phase1_done,
        phase2_done,
        accepted,
        proxy_fields,
    ) = _said(text)
    # Lines in the order read: a flattened paste gives one line number to many.
    record["_seq"] = record.get("_seq", 0) + 1
    if "Policies" in text:
        if policies is not None:
            # "Received Policies:" / "Expected Policies:", the proposals on the
            # lines under it (IOS-XE may print the first on the same line).
            side, rest = policies
            record["_policies"] = side
            record.setdefault("policies", {"received": [], "expected": [], "lines": []})
            mark(record["policies"], "lines", number)
            at = rest.find("Proposal ")
            if at != -1:
                _policy(record, rest[at:])
    elif "_policies" in record and not proposal:
        record.pop("_policies")
    if platform == "asa":
        group, v2_group, trace, initiator, responder, notify, proxies = _said_asa(text)
        if group and "group" not in record:
            record["group"] = group
        if v2_group is not None:
            record["group"] = v2_group
        if trace is not None:
            direction, msgid, payloads, length = trace
            _message(record, direction, msgid, list(payloads), length, number)
            if direction == "received" and "NOTIFY" in payloads:
                record["notifies"].append(
                    {"type": None, "encrypted": None, "line": number}
                )
            said = traced = True
        if initiator and record["role"] is None:
            record["role"] = "initiator"
            said = True
        elif responder and record["role"] is None:
            record["role"] = "responder"
            said = True
        if notify is not None:
            record["notifies"].append(
                {"type": notify, "encrypted": None, "line": number}
            )
            said = True
        if proxies is not None:
            if proxies[0] == "both":
                record["proxies"] = {"local": proxies[1], "remote": proxies[2]}
            else:
                record.setdefault("proxies", {})[proxies[1]] = proxies[2]
        if record["version"] == "ikev2" and text.startswith("IKEv2:("):
            said = _apply_ios_v2(record, text, number) or said
    else:
        said = _apply_ios(record, text, number) or said
    if cookie is not None:
        record["notifies"].append(
            {"type": "INVALID_COOKIE", "encrypted": cookie, "line": number}
        )
    # A packet trace (IKE_DECODE ... with payloads) lists payloads, never an error.
    if error is not None and not traced:
        kind, needle = error
        if (
            needle.startswith("Error processing payload")
            and not record["key_exchange_sent"]
        ):
            kind = "malformed"
        if (
            kind == "malformed"
            and record["key_exchange_sent"]
            and not record["phase1_complete"]
        ):
            # A message the peer cannot decrypt right after the key exchange is
            # how a pre-shared key mismatch looks from the other side.
            kind = "psk"
        if kind == "proposal" and (
            record["phase1_complete"]
            or record.get("_exchange") in ("IKE_AUTH", "CREATE_CHILD_SA")
        ):
            kind = "phase2"
        record["errors"].append(
            {
                "kind": kind,
                "text": text[:300],
                "line": number,
                "time": record.get("_time"),
                "_seq": record["_seq"],
            }
        )
        child = record.get("_child")
        if (
            kind == "invalid_spi"
            and child is not None
            and number - child["line"] <= _CHILD_WINDOW
        ):
            # Reported while a CREATE_CHILD_SA was being completed: who asked
            # for it may only be said by a line below, hence the exchange itself.
            record["errors"][-1]["_child"] = child
        said = True
    if traced:
        return True
    if phase1_done:
        _phase_done(record, 1, number)
        said = True
    if phase2_done:
        _phase_done(record, 2, number)
        said = True
    if accepted:
        # IOS checks the peer's offers against its policies in priority order and
        # says "atts are not acceptable" for each one that does not match, until
        # one does: the earlier refusals are how the search looks, not a failure.
        mark(record, "accepted_lines", number)
        _order(record, "_accepted", number)
        said = True
    if platform == "ios" and proxy_fields:
        _proxies(record, text)
    return said or platform == "asa"


def _policy(record: dict, text: str) -> None:
    """One proposal of a "Received Policies" or "Expected Policies" list."""
    side = record.get("_policies")
    m = _V2_PROPOSAL.search(text)
    if side is None or m is None:
        return
    found = record["policies"][side]
    if len(found) >= 20:
        return
    body = m.group("body")
    group = _V2_GROUP.search(body)
    labelled = {k.upper(): v for k, v in _V2_LABELLED.findall(body)}
    if labelled:
        proposal = {
            "encryption": labelled.get("ENCRYPTION"),
            "prf": labelled.get("PRF"),
            "integrity": labelled.get("INTEGRITY"),
        }
    else:
        words = [w for w in body.split() if not w.startswith(("DH_GROUP", "Group"))]
        words = [w for w in words if not w.isdecimal()]
        proposal = dict(
            zip(("encryption", "prf", "integrity"), words[:3], strict=False)
        )
    proposal["dh_group"] = group.group(1) if group else None
    found.append(proposal)


def _join(into: dict, other: dict) -> None:
    """Fold the record of an IKE SA whose peer was not yet named into the peer's."""
    for key in ("messages", "notifies", "states", "errors"):
        into[key] = sorted(other[key] + into[key], key=lambda item: item["line"])
    for key in ("_accepted", "_p1", "_p2"):
        # The SA's lines before its peer was named came first.
        into[key] = other.get(key, []) + into.get(key, [])
    for key in ("sent", "resent", "received"):
        into[key] += other[key]
    for key in ("complete_lines", "p1_done_lines", "p2_done_lines", "accepted_lines"):
        into[key] = sorted(set(other[key] + into[key]))[:10]
    for key in ("phase1_complete", "phase2_complete", "key_exchange_sent"):
        into[key] = into[key] or other[key]
    if other.get("policies") and not into.get("policies"):
        into["policies"] = other["policies"]
    into["role"] = into["role"] or other["role"]
    firsts = [n for n in (into["lines"][0], other["lines"][0]) if n is not None]
    lasts = [n for n in (into["lines"][1], other["lines"][1]) if n is not None]
    into["lines"] = [min(firsts, default=None), max(lasts, default=None)]


def _complete_line(record: dict, number: int) -> None:
    mark(record, "complete_lines", number)


def mark(record: dict, key: str, number: int) -> None:
    """Add line ``number`` to the list ``record[key]``, bounded to ten."""
    lines = record[key]
    if lines and lines[-1] == number:
        return
    if len(lines) >= 10:
        # The first completions and the latest one are the ones a verdict needs:
        # whether a failure was later overcome depends on the last.
        lines[-1] = number
        return
    lines.append(number)


def _order(record: dict, key: str, number: int) -> None:
    """(order read, line) of a completion, for judging the errors before it."""
    marks = record.setdefault(key, [])
    mark = (record.get("_seq", 0), number)
    if len(marks) >= 20:
        marks[-1] = mark
    else:
        marks.append(mark)


def _phase_done(record: dict, phase: int, number: int) -> None:
    record["phase1_complete"] = True
    mark(record, "p1_done_lines", number)
    _order(record, "_p1", number)
    if phase == 2:
        record.pop("_child", None)
        record["phase2_complete"] = True
        mark(record, "p2_done_lines", number)
        _order(record, "_p2", number)
    _complete_line(record, number)


def _proxies(record: dict, text: str) -> None:
    """IOS `local_proxy= 10.2.2.0/255.255.255.0/0/0` lines of a proposal. Any IP
    protocol is 0 in IOS 12.x and 256 from 15.x on ("/256/0"): either is the
    network alone."""
    for m in _IOS_PROXY.finditer(text):
        proxy = f"{m.group('addr')}/{m.group('mask')}"
        if m.group("proto") not in ("0", "256") or m.group("port") != "0":
            proxy += f"/{m.group('proto')}/{m.group('port')}"
        record.setdefault("proxies", {})[m.group("side")] = proxy


def _asa_proxies(text: str) -> tuple | None:
    """The proxies the ASA's `Received remote IP Proxy Subnet data ...` and
    `Rejecting IPSec tunnel: no matching crypto map entry for remote proxy ...
    local proxy ...` give: ("both", local, remote), ("one", side, proxy) or None."""
    m = _ASA_REJECT.search(text)
    if m:
        return (
            "both",
            f"{m.group('laddr')}/{m.group('lmask')}",
            f"{m.group('raddr')}/{m.group('rmask')}",
        )
    m = _ASA_PROXY_DATA.search(text)
    if m:
        return ("one", m.group("side"), f"{m.group('addr')}/{m.group('mask')}")
    m = _ASA_PROXY_HOST.search(text)
    if m:
        return ("one", m.group("side"), f"{m.group('addr')}/255.255.255.255")
    return None


def _apply_ios(record: dict, text: str, number: int) -> bool:
    if record["version"] == "ikev2":
        return _apply_ios_v2(record, text, number)
    m = _IOS_SEND.search(text)
    if m:
        # IOS announces a retransmission, then prints the send itself.
        direction = "resent" if record.pop("_retransmitting", False) else "sent"
        _message(record, direction, None, [], None, number)
        record["messages"][-1]["state"] = m.group("state")
        _ios_state(record, m.group("state"), number)
        record["role"] = record["role"] or _role(m.group("role"))
        if m.group("state") in ("MM_SA_SETUP", "MM_KEY_EXCH"):
            # Sending from MM_SA_SETUP is message 3 (initiator) or 4 (responder):
            # the key exchange.
            record["key_exchange_sent"] = True
        return True
    m = _IOS_RECV.search(text)
    if m:
        _message(record, "received", None, [], None, number)
        record["messages"][-1]["state"] = m.group("state")
        _ios_state(record, m.group("state"), number)
        record["role"] = record["role"] or _role(m.group("role"))
        return True
    m = _IOS_RETRANS.search(text)
    if m:
        record["_retransmitting"] = True
        _ios_state(record, m.group("state"), number)
        return True
    m = _IOS_STATE.search(text)
    if m:
        record["states"].append(
            {"from": m.group("old"), "to": m.group("new"), "line": number}
        )
        if m.group("new") in ("IKE_I_MM3", "IKE_R_MM4", "IKE_I_MM4", "IKE_R_MM3"):
            record["key_exchange_sent"] = True
        if m.group("new") in _ESTABLISHED:
            _phase_done(
                record, 2 if m.group("new") == "IKE_QM_PHASE2_COMPLETE" else 1, number
            )
        return True
    m = _IOS_NOTIFY.search(text)
    if m:
        record["notifies"].append(
            {"type": m.group("type"), "encrypted": None, "line": number}
        )
        return True
    m = _IOS_PAYLOAD.search(text)
    if m:
        if record["messages"] and record["messages"][-1]["direction"] == "received":
            record["messages"][-1]["payloads"].append(m.group("what").upper())
        return True
    return text.startswith(("ISAKMP", "IPSEC(", "IPSEC:(")) or "CRYPTO" in text


def _apply_ios_v2(record: dict, text: str, number: int) -> bool:
    m = _IOS_V2_PACKET.search(text)
    if m:
        if m.group("dir") == "Sending":
            resent = record.pop("_retransmitting", False)
            _message(record, "resent" if resent else "sent", None, [], None, number)
            if record["role"] is None and record["received"] == 0:
                record["role"] = "initiator"
                record["_role_guess"] = number
        else:
            _message(record, "received", None, [], None, number)
            if record["role"] is None and record["sent"] == 0:
                record["role"] = "responder"
                record["_role_guess"] = number
        return True
    if "Retransmitting packet" in text:
        record["_retransmitting"] = True
        return True
    if "Exchange" in text or " PKT [" in text:
        _exchange(record, text, number)
    child = record.get("_child")
    if child is not None and "SPI 0x" in text:
        m = _INBOUND_SPI.search(text)
        if m is not None:
            # The inbound SPI of the SA the exchange creates ("Received PFKEY
            # update SA for SPI 0xFEFD3E1E, error FALSE"), to compare with the one
            # the device then calls invalid.
            child.setdefault("inbound", []).append(_spi(m.group(1)))
    if "SM Trace" in text:
        # "SM Trace-> SA: I_SPI=.. R_SPI=.. (I) MsgID = 00000001 CurState: ...":
        # the IKE SA's role, as the device states it.
        m = _SM_ROLE.search(text)
        if m is not None:
            record["role"] = _role(m.group(1))
            record.pop("_role_guess", None)
    return text.startswith("IKEv2")


def _exchange(record: dict, text: str, number: int) -> None:
    """The exchange the packet just sent or received belongs to, when ``text``
    names it. A CREATE_CHILD_SA opens ``_child``: who asked for it (``initiated``,
    True when this device sent the request or received the response, None until a
    line says) and where; any other exchange closes it."""
    m = _V2_EXCHANGE.search(text)
    if m is None:
        return
    name = m.group("name") or m.group("typed") or m.group("plat")
    response = None
    if m.group("kind"):
        response = m.group("kind") == "RESPONSE"
    elif m.group("typed"):
        response = "MSG-RESPONSE" in m.group("flags")
    last = record["messages"][-1] if record["messages"] else None
    initiated = None
    if response is not None and last is not None and number - last["line"] <= 3:
        last["exchange"] = name
        initiated = (last["direction"] == "received") == response
        if name in ("IKE_SA_INIT", "IKE_AUTH"):
            # Only the side that opened the IKE SA asks in these two.
            record["role"] = "initiator" if initiated else "responder"
            record.pop("_role_guess", None)
        elif record.get("_role_guess") == last["line"]:
            # The first packet of a paste that starts mid-session says nothing of
            # who opened the IKE SA.
            record["role"] = None
            record.pop("_role_guess")
    record["_exchange"] = name
    if name != "CREATE_CHILD_SA":
        record.pop("_child", None)
        return
    child = record.get("_child")
    if child is None or number - child["line"] > _CHILD_WINDOW:
        child = record["_child"] = {"line": number, "initiated": None}
    if initiated is not None:
        child["initiated"] = initiated


_INBOUND_SPI = re.compile(
    r"(?:PFKEY update SA for|inbound permit rule,|host IBSA update,) SPI "
    r"(0x[0-9A-Fa-f]{1,8})\b"
)


def _spi(text: str) -> str:
    """An SPI written one way: "0x8d5e4089" -> "0x8D5E4089"."""
    return "0x" + text[2:].upper().rjust(8, "0")


def _reversed_spi(spi: str) -> str:
    """The SPI with its four bytes in the other order: 0xFEFD3E1E -> 0x1E3EFDFE."""
    digits = spi[2:]
    return "0x" + "".join(digits[i : i + 2] for i in (6, 4, 2, 0))


_SM_ROLE = re.compile(r"R_SPI=[0-9A-Fa-f]{16} \(([IR])\)")
# How many lines after a CREATE_CHILD_SA packet an invalid SPI still falls within
# that exchange (the ASA's debug at level 127 prints some 30 lines per packet).
_CHILD_WINDOW = 60


def _role(letter: str) -> str | None:
    return {"I": "initiator", "R": "responder"}.get(letter)


def _ios_state(record: dict, state: str, number: int) -> None:
    if state != record["last_state"]:
        record["last_state"] = state
    if state in _ESTABLISHED:
        _phase_done(record, 1, number)


def _message(record, direction, msgid, payloads, length, number) -> None:
    record[direction] += 1
    if direction in ("sent", "resent") and "KE" in payloads:
        record["key_exchange_sent"] = True
    if len(record["messages"]) >= _MAX_MESSAGES:
        # A debug left running for hours: the first and the latest messages are the
        # ones that explain it.
        del record["messages"][_MAX_MESSAGES // 2]
    record["messages"].append(
        {
            "direction": direction,
            "msgid": msgid,
            "payloads": payloads,
            "length": int(length) if length else None,
            "line": number,
            "time": record.get("_time"),
        }
    )
    if (
        record["role"] is None
        and record["sent"] + record["resent"] + record["received"] == 1
    ):
        if msgid in (None, "0") and payloads[:1] == ["SA"]:
            record["role"] = "initiator" if direction == "sent" else "responder"


# Errors that belong to phase 1: a later phase 1 completion overcame them.
_PHASE1_KINDS = frozenset(
    {
        "no_crypto_map",
        "proposal",
        "psk",
        "identity",
        "malformed",
        "no_response",
        "invalid_cookie",
        "other",
    }
)
# IOS's verdict on one of its policies against one offer, not on the negotiation.
_POLICY_TRIED = (
    "atts are not acceptable",
    "atts not acceptable",
    "offered does not match policy",
)


def _resolve(record: dict) -> None:
    """Judge each error by how the negotiation went on: an error that a later
    completion of the same phase overcame carries ``resolved_at``, the line of
    that completion. A negotiation is judged by how it ended."""
    accepted = record.pop("_accepted", [])
    p1, p2 = record.pop("_p1", []), record.pop("_p2", [])
    for error in record["errors"]:
        seq, kind = error.pop("_seq", 0), error["kind"]
        later = None
        if kind == "proposal" and any(t in error["text"] for t in _POLICY_TRIED):
            later = next((n for s, n in accepted if s > seq), None)
        if later is None and kind in _PHASE1_KINDS:
            later = next((n for s, n in p1 if s > seq), None)
        elif later is None and error.get("exchange") == "CREATE_CHILD_SA":
            # An invalid SPI in the middle of a CREATE_CHILD_SA is about the SA
            # that exchange creates: its own completion does not overcome it.
            pass
        elif later is None and kind in ("phase2", "invalid_spi"):
            # ESP on an SA this device no longer has stops mattering once a new
            # phase 2 with the peer completes (after a `clear crypto sa`).
            later = next((n for s, n in p2 if s > seq), None)
        if later is not None:
            error["resolved_at"] = later


def describe_error(error: dict) -> None:
    """Name what the device's words in ``error["text"]`` say beyond the error's
    kind, as fields the rules read (they never read the text itself):

    - ``cause``: what the refusal blames (``_CAUSES``), for the kinds that name one;
    - ``direction``: ``"received"`` for a refusal notify the peer sent
      ("processing NOTIFY", "Received NOTIFY"), ``"sent"`` for this device's own;
    - ``declared_id``: the IPv4 identity the peer declared;
    - ``names_network``: True when the words give a network or address with a
      prefix or mask (the selectors or proxies of a refusal);
    - ``quotes``: True when they carry a quote mark, as lines quoting an identity,
      a key's address or the values received and configured (Rcv'd/Cfg'd) do;
    - ``names_policy``: True when they speak of a policy or of what is (not)
      acceptable: one policy tried against an offer.

    Absent fields say nothing was found. Called once the text is final."""
    text = error["text"]
    for cause, words in _CAUSES.get(error["kind"], ()):
        if any(w in text for w in words) or (
            cause == "certificate" and "cert" in text.lower()
        ):
            error["cause"] = cause
            break
    if "processing NOTIFY" in text or "eceived NOTIFY" in text:
        error["direction"] = "received"
    elif "ending NOTIFY" in text:
        error["direction"] = "sent"
    m = _DECLARED_ID.search(text)
    if m:
        error["declared_id"] = m.group(1)
    if error["kind"] == "invalid_spi":
        m = _ESP_SPI.search(text)
        if m:
            error["spi"] = _spi(m.group(1))
    if _NAMES_NETWORK.search(text):
        error["names_network"] = True
    if "'" in text:
        error["quotes"] = True
    if "acceptable" in text or "policy" in text:
        error["names_policy"] = True


def _finish(record: dict) -> None:
    """Settle the errors against the completions that followed them, and work
    out the ASA main-mode state from the messages when the debug did not print
    one."""
    record.pop("_retransmitting", None)
    record.pop("_time", None)
    record.pop("_policies", None)
    record.pop("_open", None)
    record.pop("_exchange", None)
    record.pop("_child", None)
    record.pop("_role_guess", None)
    for error in record["errors"]:
        child = error.pop("_child", None)
        if child is not None:
            error["exchange"] = "CREATE_CHILD_SA"
            error["exchange_line"] = child["line"]
            error["rekey_initiator"] = child["initiated"]
            m = _ESP_SPI.search(error["text"])
            inbound = child.get("inbound", ())
            if m is not None and inbound:
                spi = _spi(m.group(1))
                # The device refusing the SPI it has just created, as it is or
                # with its bytes the other way round.
                if spi in inbound:
                    error["new_spi"] = spi
                elif _reversed_spi(spi) in inbound:
                    error["new_spi"] = _reversed_spi(spi)
                    error["spi_reversed"] = True
    _resolve(record)
    record.pop("_seq", None)
    for error in record["errors"]:
        describe_error(error)
    if record["platform"] != "asa" or record["version"] != "ikev1":
        return
    if record["phase1_complete"]:
        record["last_state"] = "MM_ACTIVE"
        record["state_inferred"] = True
        return
    phase1 = [m for m in record["messages"] if m["msgid"] in ("0", None)]
    sent = sum(1 for m in phase1 if m["direction"] == "sent")
    received = sum(
        1
        for m in phase1
        if m["direction"] == "received" and "NOTIFY" not in m["payloads"]
    )
    if not phase1:
        return
    if record["role"] == "responder":
        if received:
            record["last_state"] = f"MM_WAIT_MSG{min(2 * received + 1, 5)}"
            record["state_inferred"] = True
    elif sent:
        record["last_state"] = f"MM_WAIT_MSG{min(2 * sent, 6)}"
        record["state_inferred"] = True
        record["role"] = record["role"] or "initiator"
