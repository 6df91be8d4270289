"""The other end's IKE logs, rebuilt per peer like a Cisco debug.

A tunnel to a Cisco device often has another vendor at the far end, and the
engineer pastes that end's log beside (or instead of) the Cisco output. This reads
the lines those logs print about a negotiation -- what was refused, what was
established, what went unanswered -- from:

- strongSwan (charon): ``received NO_PROPOSAL_CHOSEN notify error``, ``received
  TS_UNACCEPTABLE notify, no CHILD_SA built``, ``giving up after 5 retransmits``,
  ``IKE_SA x[3] established between a[..]...b[..]``;
- libreswan and Openswan (pluto): ``"conn" #4: no local proposal matches remote
  proposals 1:ESP:...``, ``responding to CREATE_CHILD_SA message (ID 2) from
  192.1.2.45:4500 with encrypted notification TS_UNACCEPTABLE``, ``STATE_MAIN_I4:
  ISAKMP SA established``;
- FortiGate ``diagnose debug application ike -1``: ``ike 0:VPN: peer SA proposal
  not match local policy``, ``probable pre-shared secret mismatch``;
- Juniper SRX kmd: ``IKE negotiation failed with error: No proposal chosen``,
  ``KMD_PM_SA_ESTABLISHED``;
- Palo Alto system and ikemgr logs: ``IKE phase-1 negotiation is failed ... Due to
  timeout``, ``no suitable proposal found in peer's SA payload``, ``Couldn't find
  configuration for IKE phase-1 request for peer IP``;
- FortiGate event log entries: ``log_id=0101023003 ... subtype=ipsec ...
  msg="Negotiate SA Error: probable pre-shared secret mismatch"``;
- AWS Site-to-Site VPN tunnel logs: ``AWS tunnel detected a pre-shared key
  mismatch with cgw: ...``, ``AWS: Traffic Selector: TS_UNACCEPTABLE: received
  from responder``, ``No Proposal Match Found by AWS``;
- HP-UX IPSec's audit file: ``Msg: 240 From: IKMPD Lvl: ERROR ...`` with its
  ``Event: local ... - remote ...:retransmission count exceeded the limit``.
- F5 BIG-IP's tmm IKEv2 log (/var/log/ipsec.log): ``info tmm[20647]: 017c0000
  [0.0] [IKE] v2 192.0.2.1%0-198.51.100.1%0 [0x..-0x..][R] [PROTO_ERR]: message
  lacks KE payload`` (this end's address, then the peer's, each with its route
  domain);
- racoon.log in its own layout, without a program tag: ``2018-03-20 09:38:16:
  DEBUG: check and compare ids : value mismatch (IPv4_address)``.
- MikroTik RouterOS's IPsec log (``/log print``, its racoon-derived IKEv1):
  ``ipsec,error 192.0.2.15 parsing packet failed, possible cause: wrong
  password``, ``phase1 negotiation failed due to time up 203.0.113.1[500]<=>
  192.0.2.15[500]``, ``no suitable proposal found`` then ``192.0.2.15 failed to
  pre-process ph2 packet`` (the reason, then the phase it failed in).

Each record has the fields of an ``ike_debug`` record (``peer``, ``version``,
``errors`` with the same kinds and the same fields naming what their words say,
``phase1_complete``, ``p1_done_lines`` ...) plus
an error kind of its own, ``version``: the ends run different IKE versions,
because the log refuses the other major version (``cause`` "major_version":
``unsupported IKE version``, ``INVALID_MAJOR_VERSION``) or because one
negotiation shows IKEv2's first exchange failing beside an error only IKEv1
prints (``cause`` "both_versions", with ``ikev2_text`` and ``ikev2_line``).
A ``psk`` error that is only the peer's AUTHENTICATION_FAILED notify has
``cause`` "peer_refused", one naming a message that did not decrypt
"undecryptable". Besides, each record has
``platform`` naming the vendor and ``connection`` the name the log gives the tunnel,
so the same checks judge both ends. The address is the peer of the device that
wrote the log; a line naming only the connection joins the record of that
connection.
"""

from __future__ import annotations

import re

from analyzer.parsers import ike_debug, syslog
from analyzer.parsers.common import IPV4
from analyzer.registry import PEER_IKE_LOG
from analyzer.report import Section, Source

KIND = PEER_IKE_LOG
COMMANDS = ()

# Which vendor wrote a line, from what only that vendor prints.
_CHARON = re.compile(r"\bcharon(?:-systemd)?(?:\[\d{1,7}\])?: |^\s*\d{2}\[[A-Z]{3}\] ")
_PLUTO = re.compile(r'\bpluto\[\d{1,7}\]: |"[^"\s]{1,80}"(?:\[\d{1,5}\])? #\d{1,9}: ')
# A pluto line quoted with only its state number ("#6:  IKE SA authentication
# request rejected: AUTHENTICATION_FAILED"), known by pluto's own words.
_PLUTO_STATE = re.compile(
    r"^\s*#\d{1,9}: {1,4}(?=.{0,120}?(?:STATE_|v2[IR]\d|\bv[12] parent SA|IKE SA|"
    r"IPsec SA|proposals for|Main Mode|Quick Mode|Child SA))"
)
# racoon (ipsec-tools), the IKEv1 daemon of older pfSense, NetBSD and Android.
_RACOON = re.compile(r"\bracoon(?:\[\d{1,7}\])?: (?:\[[^\]]{1,40}\] )?[A-Z]{4,7}: ")
# charon's messages quoted without its prefix: the logger tag alone
# ("[IKE] sending retransmit 1 of request"), or charon's own phrases at the
# start of a line ("could not decrypt payloads", "received INVALID_ID_INFORMATION
# error notify", a proposal "ESP:AES_CBC_256/HMAC_SHA1_96/MODP_1024/NO_EXT_SEQ").
_CHARON_BARE = re.compile(
    r"^\s*\[(?:IKE|CFG|ENC|NET|KNL|CHD|MGR|LIB|JOB|DMN|ASN|ESP|APP)\] \S"
    r"|^\s*(?:invalid \S{2,20} payload length, decryption failed\?|"
    r"could not decrypt payloads|message parsing failed|"
    r"received [A-Z][A-Z0-9_]{4,40} (?:error notify|notify error|notify)(?:ed)?\b|"
    r"received unsupported IKE version|"
    r"parsed [A-Z][A-Z0-9_]{2,30} (?:request|response) \S{1,12} \[|"
    r"generating [A-Z][A-Z0-9_]{2,30} (?:request|response) \S{1,12} \[|"
    r"no matching proposal found, sending|no proposal found$|"
    r"DH group [A-Z][A-Z0-9_]{2,30} (?:un|in)acceptable, requesting|"
    r"peer didn't accept DH group|"
    r"(?:ESP|AH|IKE):[A-Z][A-Z0-9_]{2,30}(?:/[A-Z][A-Z0-9_]{1,30})+,? ?$)"
)
# "ike 0:VPN:" and, from FortiOS 7, with the VDOM: "ike V=root:0:VPN:"; a post
# shortening the VDOM number to "..." ("ike ...:to-fgt1:") still quotes FortiOS.
_FORTI = re.compile(
    r"\bike (?:V=[^:\s]{1,32}:)?(?:\d{1,4}|\.{3}):(?P<name>[^:\s]{1,64})?:?"
)
_KMD = re.compile(r"\bkmd\[\d{1,7}\]: |\bKMD_[A-Z0-9_]{3,40}\b")
_PANOS = re.compile(
    r"IKE(?:v2)? (?:phase[- ][12]|IKE SA|child SA) negotiation|\bike-nego-|ikemgr|"
    r"\bike-generic-event\b|IKE protocol notification message"
)

# FortiGate's event log ("log_id=0101023003 type=event subtype=ipsec ..."), whose
# VPN entries name the tunnel in vpn_tunnel= and say what happened in msg=.
_FORTI_LOG = re.compile(
    r'\blog_?id="?01010\d{5}"?(?=.{0,400}?\bsubtype="?(?:ipsec|vpn)\b)', re.IGNORECASE
)
_CONN_FORTI_LOG = re.compile(r'\bvpn_?tunnel="?(?P<name>[^"\s]{1,64})"?')
# What the entry says happened: its msg= field, the words an error quotes
# (the fields before it are the log's header).
_FORTI_LOG_MSG = re.compile(r'\bmsg="(?P<msg>[^"]{1,300})"')
# AWS Site-to-Site VPN tunnel logs (CloudWatch): "AWS tunnel ...", "AWS: ...".
_AWS = re.compile(r"\bAWS(?: tunnel\b|: [A-Z])|\bNo Proposal Match Found\b")
# MikroTik RouterOS (its IKEv1 is racoon's): a line as `/log print` shows it, the
# time and the "ipsec,error" topics optional, the peer's address before some
# messages, then one of its own phrases ("possible couse" is how some versions
# spell it).
_MIKROTIK = re.compile(
    rf"^\s*(?:(?:[a-z]{{3}}/\d{{2}}/\d{{4}} )?\d{{2}}:\d{{2}}:\d{{2}} )?"
    r"(?:ipsec(?:,[a-z]{3,8}){0,3} )?"
    rf"(?:{IPV4} )?"
    r"(?:parsing packet failed, possible c(?:au|ou)se: wrong password|"
    r"failed to pre-process ph[12] packet|failed to get valid proposal|"
    r"no suitable proposal found|phase[12] negotiation failed due to time up|"
    r"peer's ID does not match certificate)"
    # the topics, also behind a syslog header when the router logs remotely
    r"|(?:^|\s)ipsec,(?:error|info|debug|packet|account)(?:,[a-z]{3,8}){0,2}\s",
    re.IGNORECASE,
)
# RouterOS: the peer's ID is not the identity in the certificate it sent (the
# certificate itself may verify: an identity mismatch, not a failed check).
_ID_NOT_IN_CERT = re.compile(r"peer's ID does not match certificate", re.IGNORECASE)
# "... failed to pre-process ph2 packet": racoon's and RouterOS's line after the
# reason a phase failed (a proposal, a sainfo), naming the phase it failed in.
_PREPROCESS = re.compile(r"failed to pre-process ph([12]) packet", re.IGNORECASE)
# A responder asking the initiator to redo the key exchange with another
# Diffie-Hellman group (IKEv2 INVALID_KE_PAYLOAD), in each daemon's words:
# charon "DH group MODP_2048 unacceptable, requesting MODP_4096" ("inacceptable"
# in older releases) and, as initiator, "peer didn't accept DH group MODP_2048,
# it requested MODP_4096"; pluto "initiator guessed wrong keying material group
# (MODP2048); responding with INVALID_KE_PAYLOAD requesting MODP1024".
_DH_RETRY = re.compile(
    r"DH group (?P<offered>[A-Z][A-Z0-9_]{2,30}) (?:un|in)acceptable, requesting "
    r"(?P<requested>[A-Z][A-Z0-9_]{2,30})|"
    r"didn't accept DH group (?P<offered2>[A-Z][A-Z0-9_]{2,30}), it requested "
    r"(?P<requested2>[A-Z][A-Z0-9_]{2,30})|"
    r"guessed wrong keying material group \((?P<offered3>[A-Z][A-Z0-9_]{2,30})\);"
    r" responding with INVALID_KE_PAYLOAD requesting (?P<requested3>[A-Z][A-Z0-9_]{2,30})"
)
# HP-UX IPSec's audit file: a header naming the IKE daemon, then "Event: ...".
_IKMPD = re.compile(r"\bMsg: \d{1,5} From: IKMPD\b")
# F5 BIG-IP: tmm (one per core: tmm, tmm1 ...) logs its own IKEv2 with an "[IKE]"
# tag after its message code and thread ("017c0000  [0.0] [IKE] ").
_F5 = re.compile(r"\btmm\d{0,3}(?:\[\d{1,7}\])?: .{0,40}?\[IKE\] ")
# "[IKE] v2 192.0.2.1%0-198.51.100.1%0 [": the version, this end's address and the
# peer's, each with its route domain (IPv6 addresses too).
_F5_ENDS = re.compile(
    r"\[IKE\] v(?P<version>[12]) (?P<local>[0-9A-Fa-f.:xX*]{2,45})(?:%\d{1,5})?-"
    r"(?P<peer>[0-9A-Fa-f.:xX*]{2,45})(?:%\d{1,5})?(?=[ \[]|$)"
)
# racoon.log as racoon writes it itself (F5's IKEv1, ipsec-tools on Linux and
# BSD): "2018-03-20 09:38:16: DEBUG: ...", one of racoon's log levels after the
# stamp.
_RACOON_LOG = re.compile(
    r"^\s*\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}: "
    r"(?:ERROR|WARNING|NOTIFY|INFO|DEBUG2?): "
)

_CONN_PLUTO = re.compile(r'"(?P<name>[^"\s]{1,80})"(?:\[\d{1,5}\])? #\d{1,9}: ')
_CONN_CHARON = re.compile(
    r"\b(?:IKE_SA|CHILD_SA) (?P<name>[\w.-]{1,64})[\[{]\d{1,9}[\]}]"
    r"|<(?P<tag>[\w.-]{1,64})\|\d{1,9}>"
)
_CONN_KMD = re.compile(r"(?:VPN|vpn name): (?P<name>[\w.-]{1,64})")
_CONN_PANOS = re.compile(r"^\S+ \S+ +\w+ +ike +(?P<name>[\w.-]{1,64}) ")

# The peer's address, in each vendor's phrasing (the first group that matches).
_PEERS = (
    re.compile(rf"received packet: from (?P<peer>{IPV4})\["),
    re.compile(
        rf"responding to (?:Main|Aggressive) Mode from (?:unknown peer )?(?P<peer>{IPV4})"
    ),
    re.compile(rf"sending packet: from {IPV4}\[\d{{1,5}}\] to (?P<peer>{IPV4})\["),
    re.compile(rf"established between {IPV4}\[[^\]]{{0,80}}\]\.\.\.(?P<peer>{IPV4})\["),
    re.compile(
        rf"initiating (?:Main Mode |Aggressive Mode )?IKE_SA \S+ to (?P<peer>{IPV4})"
    ),
    re.compile(rf"no IKE config found for {IPV4}\.\.\.(?P<peer>{IPV4})"),
    re.compile(rf"(?:packet|message \(ID \d{{1,9}}\)) from (?P<peer>{IPV4}):\d{{1,5}}"),
    re.compile(rf"notification \S+ to (?P<peer>{IPV4}):\d{{1,5}}"),
    re.compile(rf"comes (?P<peer>{IPV4}):\d{{1,5}} ?->"),
    re.compile(rf"RECV (?P<peer>{IPV4}):\d{{1,5}} ?->"),
    re.compile(
        rf"sent IKE msg \([^)]{{0,40}}\): {IPV4}:\d{{1,5}} ?-> ?(?P<peer>{IPV4})"
    ),
    re.compile(rf"Remote(?: gateway)?: (?P<peer>{IPV4})"),
    re.compile(rf"dst_ip=(?P<peer>{IPV4})"),
    re.compile(rf"p1_remote=ipv4\((?P<peer>{IPV4})\)"),
    re.compile(rf"VPN \S+ from (?P<peer>{IPV4}) is"),
    re.compile(
        rf"(?:Failed|Initiated|Established) SA: {IPV4}\[\d{{1,5}}\]-(?P<peer>{IPV4})\["
    ),
    re.compile(rf"\bremote[_ ]?(?:ip|gw|gateway|addr)[=:] ?(?P<peer>{IPV4})", re.I),
    re.compile(rf"\bcgw: (?P<peer>{IPV4})"),
    re.compile(rf"unsupported IKE version \S{{1,8}} from (?P<peer>{IPV4})"),
    re.compile(rf"\bremote (?P<peer>{IPV4})/\d{{1,5}}"),
    # racoon and RouterOS: "<local>[500]<=><peer>[500]", and RouterOS naming the
    # peer before what failed ("192.0.2.15 parsing packet failed")
    re.compile(rf"{IPV4}\[\d{{1,5}}\]<=>(?P<peer>{IPV4})\["),
    re.compile(rf"ISAKMP-SA established {IPV4}\[\d{{1,5}}\]-(?P<peer>{IPV4})\["),
    re.compile(
        rf"(?:^|\s)(?P<peer>{IPV4}) (?=parsing packet failed|failed to pre-process|"
        r"failed to get valid proposal|peer's ID does not match)"
    ),
    _F5_ENDS,
)

# What a line says, tried in order: (pattern, event, phase). The event is an error
# kind of the ike_debug record ("proposal", "psk", "phase2", "no_response", ...) or
# "p1_done" / "p2_done"; the phase is 1, 2 or None (from the line's context).
_EVENTS: tuple[tuple[re.Pattern, str, int | None], ...] = tuple(
    (re.compile(pattern, re.IGNORECASE), event, phase)
    for pattern, event, phase in (
        # the IKE version itself refused: the peer speaks a major version this end
        # does not (charon "received unsupported IKE version 1.0 from ...,
        # sending INVALID_MAJOR_VERSION", pluto "responding to IKE_SA_INIT ...
        # with unencrypted notification INVALID_MAJOR_VERSION")
        (
            r"unsupported IKE version|INVALID[_-]MAJOR[_-]VERSION",
            "version",
            1,
        ),
        # the exchange mode: aggressive mode refused where main mode is set (or
        # the reverse)
        (
            r"Aggressive Mode (?:PSK )?(?:is )?(?:disabled|not (?:allowed|accepted|"
            r"supported))|aggressive mode (?:is )?(?:disabled|not allowed)|"
            r"INVALID_EXCHANGE_TYPE|exchange type mismatch|"
            r"(?:main|aggressive) mode (?:mismatch|expected)",
            "mode",
            1,
        ),
        # the peer's phase 1 is gone while this end still has (or needs) it
        (
            r"there is no ISAKMP-SA|no phase1 found|no ISAKMP-SA found|"
            r"phase1 (?:is )?not (?:yet )?established",
            "stale",
            1,
        ),
        # identities: the peer's ID matches no connection
        (
            r"Peer ID '.{0,80}' mismatched|we require (?:IKEv2 )?peer to have ID|"
            r"no suitable connection for peer|peer ID .{0,60}mismatch|"
            # Palo Alto: no IKE gateway is configured for the address asking
            r"find configuration for IKE phase-1 request for peer|"
            r"IDr payload .{0,40}mismatch|IDi?r? '.{0,80}' does not match|"
            r"\bIDi?r? \S{1,80} does not match to|no (?:matching )?peer config found",
            "identity",
            1,
        ),
        # traffic selectors and proxy identities: always phase 2
        (
            r"TS_UNACCEPTABLE|traffic selectors? .{0,120}?(?:un|in)acceptable|"
            r"no matching CHILD_SA config|INVALID[_-]ID[_-]INFO|proxy[ -]?id mismatch|"
            r"P2_POLICY_LOOKUP_FAILURE|no acceptable traffic selectors|"
            r"failed to get sainfo|no policy found|"
            r"cannot respond to IPsec SA request",
            "phase2",
            2,
        ),
        # authentication
        (
            r"AUTHENTICATION_FAILED|authentication failed|MAC mismatched|"
            r"pre-shared (?:secret|key) mismatch|probable pre-shared|"
            r"Signature check .{0,60}failed|no shared key found|"
            r"failed to authenticate|Phase-1 Authentication failed|"
            r"decryption failed|could not decrypt payloads|"
            r"decryption was unsuccessful due to invalid Pre-shared Key|"
            # RouterOS: the encrypted main mode message did not parse
            r"possible c(?:au|ou)se: wrong password",
            "psk",
            1,
        ),
        # no answer
        (
            r"giving up after \d+ retransmi|peer not responding|"
            r"max(?:imum)? number of retransmissions|Retransmission limit has been reached|"
            r"negotiation timeout|Due to (?:negotiation )?timeout|"
            r"No response \(or no acceptable response\)|"
            r"retransmission count exceeded|negotiation failed due to time up|"
            r"deleting un-established Phase 1",
            "no_response",
            None,
        ),
        # proposals: the phase comes from the words around them
        (
            r"NO_PROPOSAL_CHOSEN|NO[_-]PROPOSAL[_-]CHOSEN|No proposal chosen|"
            r"no (?:local )?proposal matches|no matching proposal found|"
            r"proposal not match|no SA proposal chosen|no suitable proposal|"
            r"Failed to match (?:the )?(?:peer )?proposal|"
            r"NO_PROP\b|unacceptable (?:transform|proposal)|no proposal found|"
            r"no proposal match found|"
            r"no acceptable [A-Z_]{2,40} found",
            "proposal",
            None,
        ),
        # established
        (
            r"CHILD_SA \S+ established|IPsec SA established|established (?:child|IPsec) SA|"
            r"KMD_PM_SA_ESTABLISHED|phase-2 negotiation is succeeded|"
            r"child SA negotiation is succeeded|STATE_QUICK_[IR]2|"
            r"added IPsec SA|IPsec SA connect",
            "p2_done",
            2,
        ),
        (
            r"IKE_SA \S+ established between|ISAKMP SA established|"
            r"established IKE SA|IKE SA established|STATE_MAIN_[IR]4|"
            r"phase-1 negotiation is succeeded|IKE SA negotiation is succeeded|"
            r"ISAKMP SA .{0,40}established|IKE SA .{0,40}established",
            "p1_done",
            1,
        ),
    )
)
# Words that put a refusal in phase 2 (the child SA) or in phase 1.
_PHASE2_WORDS = re.compile(
    r"CHILD_SA|CREATE_CHILD|IKE_AUTH|\bESP\b|:ESP:|phase-2|Phase 2|Phase-2|"
    r"quick mode|QUICK|IPsec SA|protocol = ESP|p2|"
    # an IKEv1 NO_PROPOSAL_CHOSEN protected by a HASH payload is sent under an
    # established phase 1: it refuses a quick mode
    r"\[ HASH N\(NO_PROP\)",
)
_PHASE1_WORDS = re.compile(
    r"IKE_SA_INIT|SA_INIT|Main Mode|Aggressive Mode|ID_PROT|STATE_MAIN|phase-1|Phase 1|"
    r"Phase-1|first IKE message|IKE SA negotiation|protocol = IKE"
)
_IKEV2 = re.compile(
    r"IKEv2|TS_UNACCEPTABLE|mismatched on\s+first found connection|shared keys? for .{0,160}MAC mismatched|SA_INIT|"
    # AWS prints these two only for IKEv2 tunnels (its IKEv1 key message differs)
    r"pre-shared key mismatch with cgw|un-established Phase 1 IKE_SA|"
    r"IKE Version: 2|IKE_SA_INIT|IKE_AUTH|CREATE_CHILD_SA|v2N_|PARENT_[IR]|"
    # charon's IKEv2 tasks print a refusal as "received X notify error" (its
    # IKEv1 code as "received X error notify")
    r"\breceived [A-Z][A-Z0-9_]{4,40} notify error\b|"
    r"\bv2[IR]\d\b|\bv2 parent SA|"
    # only IKEv2 asks the initiator for another DH group (INVALID_KE_PAYLOAD)
    r"INVALID_KE_PAYLOAD|(?:un|in)acceptable, requesting|didn't accept DH group"
)
_IKEV1 = re.compile(
    r"IKEv1|IKE Version: 1|Main Mode|Aggressive Mode|ID_PROT|STATE_MAIN|"
    r"STATE_QUICK|Quick Mode|main mode|aggressive mode|QUICK_MODE|_V1\b|"
    r"INFORMATIONAL_V1"
)
# Words on an error line that only IKEv1 prints, by vendor: charon reports an
# IKEv1 informational's notify as "received X error notify" (and an IKEv2 one as
# "received X notify error"); pluto's IKEv1 code says "set ikev1 error <14>" and
# "received and ignored notification payload". With _IKEV1's words for every
# vendor, and beside an IKEv2 first exchange that failed (_V2_FIRST), they tell a
# negotiation run in both versions with one peer: an IKE version mismatch.
_V1_ERROR = {
    "strongswan": re.compile(r"\berror notify"),
    "libreswan": re.compile(
        r"\bset ikev1 error\b|received and ignored notification payload|"
        r"ignoring informational payload",
        re.IGNORECASE,
    ),
}
_V2_FIRST = re.compile(
    r"IKE_SA_INIT|\bSA_INIT\b|first IKEv2 message|\bSTATE_(?:V2_)?PARENT_I1\b|"
    r"\bv2I1\b"
)
# A refusal of this end's authentication that only says the peer refused it:
# "received AUTHENTICATION_FAILED error notify", "IKE SA authentication request
# rejected by peer: AUTHENTICATION_FAILED". A line that says more (this end's
# own failed check: "computed hash does not match", "MAC mismatched") is not
# only the peer's word.
_PEER_REFUSED = re.compile(
    r"received AUTHENTICATION_FAILED(?: (?:error notify|notify error)\w*)?|"
    r"authentication request rejected(?: by peer)?: AUTHENTICATION_FAILED"
)
_PSK_EVENT = next(p for p, kind, _ in _EVENTS if kind == "psk")
# Lines that say nothing alone but explain a refusal near them.
_CONTEXT_WORDS = re.compile(
    r"proposals:|child config for|traffic selectors|behind NAT|proposal id|"
    r"peer configs matching|\b(?:ESP|AH|IKE):[A-Z]"
)
# "looking for pre-shared key peer configs matching 192.0.2.74...192.0.2.90[someid]":
# the identity the peer declared, which "no peer config found" then refuses.
_LOOKUP_ID = re.compile(
    r"peer configs matching \S{1,80}\.\.\.\S{1,80}?\[(?P<id>[^\]]{1,80})\]"
)
_PROPOSALS = re.compile(r"\b(received|configured) proposals: ?(\S.*)")
_SELECTORS = re.compile(rf"{IPV4}/\d{{1,2}}(?:\|/\d+)? === {IPV4}/\d{{1,2}}(?:\|/\d+)?")
_PFS = re.compile(
    r"PFS DH group = (?P<group>\d{1,3})|DH=(?P<dh>MODP\d{3,4}|ECP\d{3})|"
    r"\b(?:ESP|AH):[A-Z0-9_/]{0,120}?/(?P<esp>MODP_\d{3,4}|ECP_\d{3}|CURVE_\d{3,5})/"
)
_RESENT = re.compile(r"\bretransmit(?:ting)? \d+ of request|sending retransmit", re.I)
_SENT = re.compile(
    r"sending packet: from|generating \S+ request|sent IKE msg|"
    r"\bsent (?:v2[IR]\d|[MQA][IR]\d|IKE_SA_INIT|IKE_AUTH|CREATE_CHILD_SA) ?(?:request)?",
    re.I,
)
_RECEIVED = re.compile(
    r"received packet: from|parsed \S+ (?:response|request)|\bRECV\b"
)


# What comes before the message on a log line: time stamp, host, daemon, thread,
# connection ("Jun 23 08:07:26 vpn charon[2440]: 13[IKE] <PEER|3> ").
_PREFIX = re.compile(
    r"^.{0,80}?(?:charon(?:-systemd)?(?:\[\d{1,7}\])?: (?:\d{2}\[[A-Z]{3}\] )?"
    r"(?:<[^>]{1,80}> )?|pluto\[\d{1,7}\]: |kmd\[\d{1,7}\]: |"
    r"racoon(?:\[\d{1,7}\])?: |"
    # RouterOS: its topics ("10:02:11 ipsec,error ")
    r"ipsec(?:,(?:error|info|debug|packet|account|critical|warning)){1,3} )"
)
_WRAP = 150  # characters: a log line this long may have been wrapped


def parse(section: Section) -> list[Source]:
    records: dict[tuple[str, str], dict] = {}
    order: list[tuple[str, str]] = []
    by_conn: dict[tuple[str, str], tuple[str, str]] = {}
    context: dict[str, str] = {}  # vendor -> the last phase words it printed
    claimed: set[int] = set()
    last: dict | None = None
    wrapped_at = -1  # the index of a line that continues a wrapped one
    ikmpd_at = -9  # the index of the last HP-UX audit header
    for index, line in enumerate(section.lines):
        if not line or (len(line) < 12 and index != wrapped_at):
            continue
        vendor = _vendor(line)
        if vendor == "hpux":
            ikmpd_at = index
        elif (
            vendor is None
            and index - ikmpd_at <= 2
            and line.lstrip().startswith("Event:")
        ):
            # HP-UX prints what happened on the line under its header.
            vendor = "hpux"
        number = section.numbers[index]
        if vendor is None:
            if (
                last is not None
                and index == wrapped_at
                and (
                    line[:1].isspace()
                    or last["platform"] in ("libreswan", "strongswan")
                )
            ):
                # pluto's and charon's long proposal lists, wrapped by the
                # terminal onto the lines under them.
                claimed.add(number)
                if len(line) >= _WRAP:
                    wrapped_at = index + 1
            continue
        wrapped_at = index + 1 if len(line) >= _WRAP else -1
        phase_words = _PHASE2_WORDS.search(line) or _PHASE1_WORDS.search(line)
        if phase_words:
            context[vendor] = phase_words.group(0)
        event = _event(line)
        peer = _peer(line)
        conn = _connection(line, vendor)
        if (
            event is None
            and peer is None
            and not phase_words
            and _PFS.search(line) is None
            and not _CONTEXT_WORDS.search(line)
            and not _IKEV2.search(line)
            and not _SENT.search(line)
            and not _RESENT.search(line)
            and vendor not in ("racoon", "hpux", "mikrotik")
        ):
            continue
        key = _key(vendor, peer, conn, by_conn, last)
        if key is None:
            continue
        record = records.get(key)
        if record is None:
            record = _new(vendor, peer or "", conn)
            record["_key"] = key
            records[key] = record
            order.append(key)
        if conn:
            by_conn[(vendor, conn)] = key
        if peer and not record["peer"]:
            record["peer"] = peer
        last = record
        claimed.add(number)
        record["lines"] = [record["lines"][0] or number, number]
        _apply(record, line, number, event, context.get(vendor, ""))
        if vendor in ("f5", "racoon", "libreswan"):
            _layout_fields(record, line, number, vendor)
    out = [records[k] for k in order if records[k]["lines"][0] is not None]
    out = _join_unnamed(out)
    for record in out:
        _finish(record)
    if not out:
        return []
    return [
        Source(
            kind=KIND,
            first_line=min(claimed),
            last_line=max(claimed),
            records=out,
            claimed=claimed,
        )
    ]


def _vendor(line: str) -> str | None:
    if "racoon" in line and _RACOON.search(line):
        return "racoon"
    if ": " in line[19:22] and _RACOON_LOG.match(line):
        return "racoon"
    if "tmm" in line and "[IKE]" in line and _F5.search(line):
        return "f5"
    if "charon" in line or "[IKE]" in line or "[NET]" in line or "[CFG]" in line:
        if _CHARON.search(line):
            return "strongswan"
    if "pluto" in line or '" #' in line or '"#' in line:
        if _PLUTO.search(line):
            return "libreswan"
    if "ike " in line and _FORTI.search(line):
        return "fortigate"
    if ("kmd" in line or "KMD_" in line) and _KMD.search(line):
        return "juniper"
    if ("IKE" in line or "ike" in line) and _PANOS.search(line):
        return "paloalto"
    if "subtype" in line and _FORTI_LOG.search(line):
        return "fortigate"
    if "AWS" in line or "No Proposal Match" in line:
        if _AWS.search(line):
            return "aws"
    if "IKMPD" in line and _IKMPD.search(line):
        return "hpux"
    if "ipsec," in line or "fail" in line or "suitable proposal" in line:
        if _MIKROTIK.search(line):
            return "mikrotik"
    # charon's answer to an identity no connection accepts, quoted in a cloud
    # gateway's log built on strongSwan.
    if "no peer config found" in line:
        return "strongswan"
    # strongSwan's and libreswan's own phrases, when a post quotes the message
    # without its prefix.
    if "CHILD_SA" in line and ("notify" in line or "keeping IKE_SA" in line):
        return "strongswan"
    if "responding to " in line and (
        " message (ID " in line or "encrypted notification " in line
    ):
        return "libreswan"
    # "dropping unexpected IKE_SA_INIT message containing NO_PROPOSAL_CHOSEN
    # notification; message payloads: N; missing payloads: SA,KE,Ni"
    if "message payloads: " in line and "missing payloads: " in line:
        return "libreswan"
    if "Peer ID '" in line and "mismatched" in line:
        return "libreswan"
    if (
        "ISAKMP_v2_" in line
        or "v2N_" in line
        or "STATE_MAIN_" in line
        or "STATE_PARENT" in line
        or "STATE_V2_" in line
    ):
        return "libreswan"
    if line.lstrip().startswith("#") and _PLUTO_STATE.match(line):
        return "libreswan"
    if _CHARON_BARE.match(line):
        return "strongswan"
    return None


def _event(line: str) -> tuple[str, int | None] | None:
    for pattern, event, phase in _EVENTS:
        if pattern.search(line):
            return event, phase
    return _more_event(line)


# What the lines of F5's, racoon's and pluto's own wordings say that none of
# _EVENTS covers, tried after them: (pattern, event, phase) as there.
_MORE_EVENTS: tuple[tuple[re.Pattern, str, int | None], ...] = (
    # F5 (racoon2's iked): a CREATE_CHILD_SA with no KE payload while this end's
    # IPsec policy asks for PFS
    (re.compile(r"\bmessage lacks KE payload"), "phase2", 2),
    # racoon comparing the peer's phase 2 IDs with a sainfo's (or with the IDs
    # it proposed, as initiator): the selectors differ
    (
        re.compile(
            r"check and compare ids : (?:value|id type) mismatch|"
            r"mismatched ID was returned"
        ),
        "phase2",
        2,
    ),
    # racoon's own words for an SA it set up
    (re.compile(r"\bIPsec-SA established"), "p2_done", 2),
    (re.compile(r"\bISAKMP-SA established"), "p1_done", 1),
    # pluto: the peer's first message matches no loaded connection (its address,
    # the IKE version or the authentication it allows), whatever the proposals
    (
        re.compile(
            r"initial (?:parent SA|Main Mode|Aggressive Mode) message received .{0,120}?"
            r"but no (?:suitable connection found|connection has been authorized) "
            r"with (?:IKEv[12] )?policy",
            re.IGNORECASE,
        ),
        "no_connection",
        1,
    ),
    # racoon and RouterOS: phase 2 failed (the reason, when the log gives one,
    # is on the line before: see _reason_then_phase)
    (re.compile(r"failed to pre-process ph2 packet", re.IGNORECASE), "phase2", 2),
    # RouterOS: no phase 2 proposal of the peer's is acceptable
    (re.compile(r"failed to get valid proposal", re.IGNORECASE), "proposal", None),
    # RouterOS: the identity the peer sent is not the one its certificate names
    (_ID_NOT_IN_CERT, "identity", 1),
    # FortiGate will not start a tunnel no firewall policy uses ("ignoring
    # request to establish IPsec SA, no policy configured")
    (
        re.compile(r"ignoring request to establish IPsec SA, no policy configured"),
        "no_policy",
        None,
    ),
    # a responder asking for another Diffie-Hellman group (see _DH_RETRY)
    (_DH_RETRY, "dh_retry", None),
    # pluto: a connection that could not be loaded (its certificate is not in
    # the NSS database it reads)
    (
        re.compile(
            r"certificate (?:with nickname )?'[^']{0,120}' (?:was )?not found in "
            r"(?:the )?NSS (?:DB|database)|failed to add connection",
            re.IGNORECASE,
        ),
        "no_connection",
        1,
    ),
)


def _more_event(line: str) -> tuple[str, int | None] | None:
    for pattern, event, phase in _MORE_EVENTS:
        if pattern.search(line):
            return event, phase
    return None


def _layout_fields(record: dict, line: str, number: int, vendor: str) -> None:
    """What the layouts read by _MORE_EVENTS's vendors add once a line is
    applied: F5's IKE version and the PFS its KE refusal is about, a selector
    mismatch racoon overcame by selecting a sainfo after all, and pluto's
    NO_PROPOSAL_CHOSEN that answers a message no connection matched."""
    errors = record["errors"]
    error = errors[-1] if errors and errors[-1]["line"] == number else None
    if vendor == "f5":
        m = _F5_ENDS.search(line)
        if m and record["version"] is None:
            record["version"] = "ikev2" if m.group("version") == "2" else "ikev1"
        if error is not None and "lacks KE payload" in line:
            error["text"] += (
                " (the peer's child SA carries no Diffie-Hellman exchange while "
                "this end's IPsec policy asks for PFS)"
            )
    elif vendor == "racoon":
        if (
            error is not None
            and error["kind"] == "phase2"
            and ("compare ids" in line or "mismatched ID" in line)
        ):
            # The proxy identities the peer sent are not the ones this end has.
            error["cause"] = "crypto_acl"
            error["text"] += " (the peer's proxy identities match no sainfo here)"
        if "selected sainfo" in line or "best sainfo match" in line:
            for earlier in errors:
                if (
                    earlier["kind"] == "phase2"
                    and "compare ids" in earlier["text"]
                    and not earlier.get("resolved_at")
                ):
                    # One sainfo of several did not match, a later one did.
                    earlier["resolved_at"] = number
    elif vendor == "libreswan" and error is not None:
        if "NSS" in line and "certificate" in line:
            error["cause"] = "certificate"
        elif error["kind"] == "proposal" and any(
            e["kind"] == "no_connection" for e in errors[:-1]
        ):
            # pluto answers a message it found no connection for with
            # NO_PROPOSAL_CHOSEN: that refusal is the missing connection's.
            error["kind"] = "no_connection"


def _peer(line: str) -> str | None:
    for pattern in _PEERS:
        m = pattern.search(line)
        if m:
            return m.group("peer")
    return None


def _connection(line: str, vendor: str) -> str | None:
    pattern = {
        "libreswan": _CONN_PLUTO,
        "strongswan": _CONN_CHARON,
        "juniper": _CONN_KMD,
        "paloalto": _CONN_PANOS,
    }.get(vendor)
    if vendor == "fortigate":
        m = _FORTI.search(line)
        if m and m.group("name"):
            return m.group("name")
        m = _CONN_FORTI_LOG.search(line)
        return m.group("name") if m else None
    if pattern is None:
        return None
    m = pattern.search(line)
    if m is None:
        return None
    return m.groupdict().get("name") or m.groupdict().get("tag")


def _key(vendor, peer, conn, by_conn, last):
    if conn and (vendor, conn) in by_conn:
        return by_conn[(vendor, conn)]
    if peer:
        return (vendor, peer)
    if conn:
        if last is not None and last["platform"] == vendor and not last["connection"]:
            # "ike 0: comes 192.0.2.10:500->..." then "ike 0:VPN-Customer: ...":
            # the connection the packet just received was matched to.
            last["connection"] = conn
            return last["_key"]
        return (vendor, "conn:" + conn)
    if last is not None and last["platform"] == vendor:
        # A line that names neither peer nor connection goes on about the last one.
        return last["_key"]
    return (vendor, "")


def _new(vendor: str, peer: str, conn: str | None) -> dict:
    record = ike_debug.new_record(peer, vendor, None)
    record.update(connection=conn, _done=[], _proposals={})
    return record


def _apply(record: dict, line: str, number: int, event, context: str) -> None:
    # An IKEv1 word anywhere settles it (strongSwan names IKE_SA and CHILD_SA
    # in both versions); otherwise the first IKEv2 word does.
    if record["version"] != "ikev1":
        if _IKEV1.search(line):
            record["version"] = "ikev1"
        elif record["version"] is None and _IKEV2.search(line):
            record["version"] = "ikev2"
    if "proposals:" in line:
        m = _PROPOSALS.search(line)
        if m:
            record["_proposals"][m.group(1).lower()] = m.group(2)[:200]
    if "child config for" in line or "traffic selectors" in line:
        m = _SELECTORS.search(line)
        if m:
            record["_selectors"] = " ".join(m.group(0).split())[:160]
    if "behind NAT" in line:
        record["behind_nat"] = True
    m = _LOOKUP_ID.search(line)
    if m:
        record["_declared"] = m.group("id")
    m = _PFS.search(line)
    if m:
        record["pfs"] = m.group("group") or m.group("dh") or m.group("esp")
    if "responding to Main Mode" in line or "responding to Aggressive Mode" in line:
        # pluto answering a first IKE message: one received, the answer follows.
        record["_starts"] = record.get("_starts", 0) + 1
        _message(record, "received", number, line)
    elif "STATE_MAIN_R1: sent MR1" in line:
        _message(record, "sent", number, line)
        record["last_state"] = "MM_WAIT_MSG3"
    elif _RESENT.search(line):
        _message(record, "resent", number, line)
    elif _RECEIVED.search(line):
        _message(record, "received", number, line)
    elif _SENT.search(line) and event is None:
        _message(record, "sent", number, line)
    if event is None:
        return
    kind, phase = event
    if kind in ("p1_done", "p2_done"):
        record["phase1_complete"] = True
        ike_debug.mark(record, "p1_done_lines", number)
        ike_debug.mark(record, "complete_lines", number)
        if kind == "p2_done":
            record["phase2_complete"] = True
            ike_debug.mark(record, "p2_done_lines", number)
        record["_done"].append((kind, number))
        return
    if kind == "proposal":
        if phase is None:
            if _PHASE2_WORDS.search(line):
                phase = 2
            elif _PHASE1_WORDS.search(line):
                phase = 1
            elif _PHASE2_WORDS.search(context):
                phase = 2
            else:
                phase = 2 if record["phase1_complete"] else 1
        if phase == 2:
            kind = "phase2"
    if (
        kind == "phase2"
        and "INVALID_ID" in line
        and any(e["kind"] == "identity" for e in record["errors"])
    ):
        # The notify that follows a peer ID no connection accepts is about that
        # identity, not about proxy identities.
        kind = "identity"
    text = " ".join(_PREFIX.sub("", line, count=1).split())[:300]
    m = _FORTI_LOG_MSG.search(line) if record["platform"] == "fortigate" else None
    if m and _FORTI_LOG.search(line):
        conn = record.get("connection")
        text = m.group("msg") + (f" (tunnel {conn})" if conn else "")
    declared = record.get("_declared")
    if kind == "identity" and declared and declared not in text:
        text += f" (the peer identifies itself as '{declared}')"
    if (
        kind == "phase2"
        and record.get("pfs")
        and "PFS" not in text
        and "DH=" not in text
    ):
        text += f" (the proposal asked for PFS, DH group {record['pfs']})"
    if len(record["errors"]) < 50:
        error = {"kind": kind, "text": text, "line": number}
        vendor = _V1_ERROR.get(record["platform"])
        if _IKEV1.search(line) or (vendor is not None and vendor.search(line)):
            error["_v1"] = True
        elif kind in ("proposal", "no_response") and _V2_FIRST.search(line):
            error["_v2_first"] = True
        if (
            kind == "psk"
            and _PEER_REFUSED.search(line)
            and not _PSK_EVENT.search(_PEER_REFUSED.sub("", line))
        ):
            error["_refused"] = True
        elif kind == "psk" and "decrypt" in line.lower():
            # "could not decrypt payloads", "payload decryption was
            # unsuccessful": an encrypted message that did not decrypt
            error["_undecryptable"] = True
        record["errors"].append(error)


def _message(record: dict, direction: str, number: int, line: str) -> None:
    record[direction] += 1
    if len(record["messages"]) < 200:
        record["messages"].append(
            {
                "direction": direction,
                "msgid": None,
                "payloads": [],
                "length": None,
                "line": number,
                "time": syslog.leading_stamp(line),
            }
        )


def _join_unnamed(records: list[dict]) -> list[dict]:
    """Lines of one vendor that named neither peer nor connection, in a log whose
    only named negotiation is with one peer, are that negotiation's: a debug
    pasted from its first lines names the address a few lines on."""
    kept = []
    for vendor in dict.fromkeys(r["platform"] for r in records):
        mine = [r for r in records if r["platform"] == vendor]
        unnamed = [r for r in mine if not r["peer"] and not r["connection"]]
        named = [r for r in mine if r["peer"]]
        if unnamed and len(named) == 1 and len({r["peer"] for r in named}) == 1:
            into = named[0]
            for other in unnamed:
                for key in ("errors", "messages"):
                    into[key] = sorted(
                        other[key] + into[key], key=lambda item: item["line"]
                    )
                for key in ("sent", "resent", "received"):
                    into[key] += other[key]
                into["_done"] = other["_done"] + into["_done"]
                into["_proposals"] = {**other["_proposals"], **into["_proposals"]}
                for key in ("_selectors", "_declared", "behind_nat", "pfs"):
                    if other.get(key) and not into.get(key):
                        into[key] = other[key]
                into["version"] = (
                    "ikev1"
                    if "ikev1" in (into["version"], other["version"])
                    else into["version"] or other["version"]
                )
                into["lines"] = [
                    min(into["lines"][0], other["lines"][0]),
                    max(into["lines"][1], other["lines"][1]),
                ]
            mine = [r for r in mine if r not in unnamed]
        kept.extend(mine)
    return [r for r in records if r in kept]


def _finish(record: dict) -> None:
    """Judge each refusal by how the negotiation went on, as for a Cisco debug: one
    that a later completion of its phase overcame carries ``resolved_at``."""
    starts = record.pop("_starts", 0)
    if starts >= 2 and not record["phase1_complete"] and not record["errors"]:
        # The peer opens main mode again and again and never sends its second
        # message: this end's answer does not reach it, or its reply does not
        # arrive here.
        record["errors"].append(
            {
                "kind": "no_response",
                "text": f"{starts} main mode starts from the peer, none went past "
                "this end's first answer (MR1)",
                "line": record["lines"][1],
            }
        )
    _versions(record)
    _reason_then_phase(record)
    done = record.pop("_done")
    for error in record["errors"]:
        wanted = ("p2_done",) if error["kind"] == "phase2" else ("p1_done", "p2_done")
        # By line, not by each record's own count: lines that named no peer
        # were joined to this record from another (_join_unnamed).
        later = next((n for k, n in done if n > error["line"] and k in wanted), None)
        if later is not None:
            error["resolved_at"] = later
    record.pop("_key", None)
    record.pop("_declared", None)
    # What the refusing side said it received and has configured, and the
    # selectors it looked for: named in the refusal the finding quotes.
    proposals = record.pop("_proposals", {})
    selectors = record.pop("_selectors", None)
    for error in record["errors"]:
        if error["kind"] in ("proposal", "phase2") and proposals:
            parts = [f"{k} {v}" for k, v in sorted(proposals.items(), reverse=True)]
            error["text"] += " (" + "; ".join(parts) + ")"
        if error["kind"] == "phase2" and selectors:
            error["text"] += f" (selectors {selectors})"
        refused = error.pop("_refused", False)
        undecryptable = error.pop("_undecryptable", False)
        ike_debug.describe_error(error)
        if error["kind"] == "identity" and _ID_NOT_IN_CERT.search(error["text"]):
            # names a certificate, but no check of it failed
            error.pop("cause", None)
        if refused and "cause" not in error:
            # the peer's notify says only that it refused: not which of the key,
            # the identity or (IKEv1) the exchange mode
            error["cause"] = "peer_refused"
        elif undecryptable and "cause" not in error:
            error["cause"] = "undecryptable"
        if error["kind"] == "version" and "cause" not in error:
            error["cause"] = "major_version"
        if error["kind"] == "dh_retry":
            m = _DH_RETRY.search(error["text"])
            if m:
                groups = [g for g in m.groups() if g]
                error["offered"], error["requested"] = groups[0], groups[1]
    record["version"] = record["version"] or "ikev1"


def _reason_then_phase(record: dict) -> None:
    """racoon and RouterOS log why a phase failed ("no suitable proposal found",
    "failed to get sainfo"), then "failed to pre-process ph2 packet": the second
    line names the phase of the first and adds nothing else. The reason takes
    that phase and the two lines are one refusal; a "ph2" line with no reason
    before it stays a phase 2 refusal of its own."""
    if record["platform"] not in ("mikrotik", "racoon"):
        return
    kept: list[dict] = []
    for error in record["errors"]:
        m = _PREPROCESS.search(error["text"])
        before = kept[-1] if kept else None
        if (
            m
            and before is not None
            and 0 <= error["line"] - before["line"] <= 2
            and before["kind"] in ("proposal", "phase2")
            and not _PREPROCESS.search(before["text"])
        ):
            if m.group(1) == "2":
                before["kind"] = "phase2"
            before["text"] = f"{before['text']}; {error['text']}"[:300]
            continue
        kept.append(error)
    record["errors"] = kept


def _versions(record: dict) -> None:
    """An IKEv2 first exchange that failed (IKE_SA_INIT refused with a bare
    NO_PROPOSAL_CHOSEN, or never answered) beside an error only IKEv1 prints,
    in one negotiation that never completed phase 1: the two ends run different
    IKE versions. Added as a ``version`` error (``cause`` "both_versions") on
    the IKEv1 line, naming the IKEv2 one (``ikev2_text``, ``ikev2_line``)."""
    v1 = [e for e in record["errors"] if e.pop("_v1", False)]
    v2 = [e for e in record["errors"] if e.pop("_v2_first", False)]
    if not v1 or not v2 or record["phase1_complete"]:
        return
    if any(e["kind"] == "version" for e in record["errors"]):
        return  # the log says so itself
    first = v1[0]
    record["errors"].append(
        {
            "kind": "version",
            "cause": "both_versions",
            "text": first["text"],
            "line": first["line"],
            "ikev2_text": v2[0]["text"],
            "ikev2_line": v2[0]["line"],
        }
    )
