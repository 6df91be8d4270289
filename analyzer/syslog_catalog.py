"""The syslog message catalog: what an ASA/PIX/FTD message ID or an IOS mnemonic means.

Pure data. The syslog parser reads ``fields`` to know how to pick addresses out of
a message's text; the syslog rules read ``family`` to summarise a paste; the
`asa-syslog-messages` article describes the families. Facts from Cisco's public
syslog message guides for ASA 8.x-9.x and IOS.

``severity`` is the level the device prints by default (0 emergencies ... 7
debugging). ``fields`` names the shape of the message text:

- ``peer``: IKEv1 style, ``Group = g, IP = a.b.c.d, ...``
- ``ikev2``: ``Local:a.b.c.d:500 Remote:e.f.g.h:500 Username:u ...``
- ``conn``: ``from|for|src if:addr/port ... to|dst if:addr/port`` (connections,
  denies, inspection, NAT)
- ``acl``: ``access-list NAME denied proto if/addr(port) -> if/addr(port)``
- ``sa``: ``... SA (SPI= 0x..) between a and b (user= u) ...`` (IPsec SAs)
- ``spi``: ``... (SPI= 0x.., sequence number= 0x..) from a (user= u) to b``
- ``proxies``: ``spi``, then the decapsulated packet and the SA's proxies ("its
  destination as d, its source as s ... local proxy as l and its remote proxy as r")
- ``ftd``: FTD connection events, ``Key: value, Key: value`` (``SrcIP: a``,
  ``AccessControlRuleAction: Block`` ...)
- ``""``: nothing worth extracting
"""

from __future__ import annotations

from typing import NamedTuple


class Message(NamedTuple):
    severity: int
    family: str
    meaning: str
    fields: str = ""


# Families, in the order a summary lists them, with a one-line description.
FAMILIES: dict[str, str] = {
    "ike": "IKEv1 negotiation (phase 1 and quick mode)",
    "ike-debug": "IKEv1 debug detail (payloads built and processed)",
    "ikev2": "IKEv2 negotiation",
    "ikev2-diag": "IKEv2 failures and session details",
    "ipsec": "IPsec security associations and data-plane errors",
    "esmtp": "ESMTP inspection",
    "inspection": "Application inspection engines",
    "acl": "Packets denied or logged by an access list",
    "connection": "Connections built and torn down",
    "nat": "Address translation",
    "icmp": "ICMP handling",
    "threat": "Threat detection and TCP normalisation",
    "aaa": "Authentication and management access",
    "config": "Commands and configuration changes",
    "anyconnect": "AnyConnect / WebVPN remote access",
    "failover": "Failover and system",
    "interface": "Interfaces and line protocol (IOS)",
    "system": "System events (IOS)",
}

ASA: dict[str, Message] = {
    # --- IKEv1 ------------------------------------------------------------------
    "713041": Message(
        5, "ike", "IKE initiator starts a new phase 1 or phase 2 negotiation", "peer"
    ),
    "713042": Message(
        3,
        "ike",
        "IKE initiator found no policy (no crypto map) for the traffic",
        "peer",
    ),
    "713048": Message(
        3,
        "ike",
        "Error processing a received payload (bad PSK or corrupted packet)",
        "peer",
    ),
    "713049": Message(
        5, "ike", "Security negotiation complete: the IPsec SA is up", "peer"
    ),
    "713050": Message(
        5, "ike", "Connection to the peer terminated, with the reason", "peer"
    ),
    "713052": Message(6, "ike", "User authenticated", "peer"),
    "713061": Message(
        3,
        "ike",
        "IPsec tunnel rejected: no crypto map entry matches the peer's proxy identities",
        "peer",
    ),
    "713068": Message(
        5, "ike", "Received a non-routine notify message from the peer", "peer"
    ),
    "713119": Message(5, "ike", "Phase 1 completed", "peer"),
    "713120": Message(5, "ike", "Phase 2 completed", "peer"),
    "713123": Message(
        5,
        "ike",
        "Keepalive (DPD) lost contact with the peer; connection deleted",
        "peer",
    ),
    "713128": Message(
        6, "ike", "Connection attempt redirected to another cluster member", "peer"
    ),
    "713130": Message(
        5, "ike", "Received an unsupported transaction-mode attribute", "peer"
    ),
    "713167": Message(3, "ike", "Remote peer failed user authentication", "peer"),
    "713172": Message(
        6, "ike", "Automatic NAT detection status (who is behind NAT)", "peer"
    ),
    "713194": Message(5, "ike", "Sending an IKE or IPsec delete with reason", "peer"),
    "713198": Message(3, "ike", "User authorization failed", "peer"),
    "713201": Message(
        5, "ike", "Duplicate packet detected; retransmitting the last packet", "peer"
    ),
    "713204": Message(
        7, "ike", "Adding a static route for an L2L peer on a dynamic map", "peer"
    ),
    "713219": Message(6, "ike", "Key-acquire queued until phase 1 completes", "peer"),
    "713220": Message(6, "ike", "De-queuing key-acquire messages left pending", "peer"),
    "713221": Message(7, "ike", "Static crypto map check: checking an entry", "peer"),
    "713222": Message(
        7, "ike", "Static crypto map check: ACL does not match the proxy IDs", "peer"
    ),
    "713225": Message(7, "ike", "Static crypto map check: successful match", "peer"),
    "713228": Message(6, "ike", "Private address assigned to a remote user", "peer"),
    "713236": Message(
        7,
        "ike",
        "IKE packet sent, resent or received (IKE_DECODE) with its payloads",
        "peer",
    ),
    "713257": Message(
        5,
        "ike",
        "Phase 1 failure: mismatched proposal attribute (group, cipher, hash...)",
        "peer",
    ),
    "713259": Message(5, "ike", "Session torn down, with the reason", "peer"),
    "713900": Message(1, "ike", "IKE event (alert level)", "peer"),
    "713901": Message(2, "ike", "IKE event (critical level)", "peer"),
    "713902": Message(
        3,
        "ike",
        "IKE error event (QM FSM error, proposal rejected, peer table...)",
        "peer",
    ),
    "713903": Message(
        4, "ike", "IKE warning event (information exchange failed...)", "peer"
    ),
    "713904": Message(
        5,
        "ike",
        "IKE notice event (unencrypted INVALID_COOKIE, no matching SA...)",
        "peer",
    ),
    "713905": Message(6, "ike", "IKE informational event", "peer"),
    "713906": Message(
        7, "ike", "IKE debug event (proposal acceptable, hashes...)", "peer"
    ),
    # --- IKEv1 debug detail -----------------------------------------------------
    "715001": Message(7, "ike-debug", "IKE debug statement", "peer"),
    "715027": Message(7, "ike-debug", "IPsec SA proposal acceptable", "peer"),
    "715028": Message(
        7,
        "ike-debug",
        "IKE SA proposal acceptable; matches a global IKE policy",
        "peer",
    ),
    "715036": Message(7, "ike-debug", "Sending a keepalive (DPD R-U-THERE)", "peer"),
    "715046": Message(7, "ike-debug", "Constructing a payload", "peer"),
    "715047": Message(7, "ike-debug", "Processing a received payload", "peer"),
    "715048": Message(7, "ike-debug", "Sending a vendor ID", "peer"),
    "715049": Message(7, "ike-debug", "Received a vendor ID", "peer"),
    "715053": Message(7, "ike-debug", "MODE_CFG attribute received", "peer"),
    "715055": Message(7, "ike-debug", "Sending a vendor ID (Altiga/Cisco)", "peer"),
    "715064": Message(7, "ike-debug", "Peer's IKE fragmentation capability", "peer"),
    "715075": Message(
        7, "ike-debug", "Received a keepalive (DPD R-U-THERE-ACK)", "peer"
    ),
    "715076": Message(7, "ike-debug", "Computing a hash for ISAKMP", "peer"),
    "715077": Message(
        7, "ike-debug", "Key acquire or key delete from the data path", "peer"
    ),
    "715080": Message(7, "ike-debug", "Starting the phase 1 rekey timer", "peer"),
    "715038": Message(7, "ike-debug", "Constructing the IOS vendor ID payload", "peer"),
    # --- IKEv2 ------------------------------------------------------------------
    "750001": Message(
        5, "ikev2", "Request to establish an IPsec tunnel (traffic selectors)", "ikev2"
    ),
    "750002": Message(5, "ikev2", "Received an IKE_SA_INIT request", "ikev2"),
    "750003": Message(
        4, "ikev2", "Negotiation aborted due to an error (reason follows)", "ikev2"
    ),
    "750004": Message(
        5, "ikev2", "Sending a cookie challenge to throttle a possible DoS", "ikev2"
    ),
    "750005": Message(5, "ikev2", "IPsec rekey collision detected", "ikev2"),
    "750006": Message(5, "ikev2", "IKEv2 SA up", "ikev2"),
    "750007": Message(5, "ikev2", "IKEv2 SA down (reason follows)", "ikev2"),
    "750008": Message(5, "ikev2", "SA rejected: system resources low", "ikev2"),
    "750009": Message(
        5, "ikev2", "SA request rejected: call admission limit reached", "ikev2"
    ),
    "750011": Message(
        3,
        "ikev2",
        "Tunnel rejected: IKE cipher weaker than the proposed IPsec cipher",
        "ikev2",
    ),
    "750013": Message(5, "ikev2", "IKEv2 SA peer moved (new address)", "ikev2"),
    "750014": Message(
        4,
        "ikev2",
        "Session aborted: initial contact received for the same identity",
        "ikev2",
    ),
    "750015": Message(
        4, "ikev2", "Deleting an IPsec SA: invalid SPI notification received", "ikev2"
    ),
    "751001": Message(
        3, "ikev2-diag", "Failed to complete the Diffie-Hellman operation", "ikev2"
    ),
    "751002": Message(
        3,
        "ikev2-diag",
        "No pre-shared key or trustpoint for self in the tunnel group",
        "ikev2",
    ),
    "751004": Message(
        3, "ikev2-diag", "No remote authentication method in the tunnel group", "ikev2"
    ),
    "751006": Message(3, "ikev2-diag", "Certificate authentication failed", "ikev2"),
    "751009": Message(
        3, "ikev2-diag", "Unable to find a tunnel group for the peer", "ikev2"
    ),
    "751011": Message(3, "ikev2-diag", "User authentication failed", "ikev2"),
    "751022": Message(
        3,
        "ikev2-diag",
        "Tunnel rejected: no crypto map policy for the peer's traffic selectors",
        "ikev2",
    ),
    "751025": Message(5, "ikev2-diag", "Address assigned to the session", "ikev2"),
    "751026": Message(6, "ikev2-diag", "IKEv2 client OS reported", "ikev2"),
    "751027": Message(
        4, "ikev2-diag", "Peer sent an INVALID_SELECTORS notification", "ikev2"
    ),
    # --- Tunnel manager: the crypto map entry that should start a tunnel -------
    "752003": Message(
        5,
        "ike",
        "Tunnel manager hands a key request (KEY_ACQUIRE) to IKEv2 for a crypto map entry",
    ),
    "752004": Message(
        5,
        "ike",
        "Tunnel manager hands a key request (KEY_ACQUIRE) to IKEv1 for a crypto map entry",
    ),
    "752006": Message(
        3,
        "ike",
        "Tunnel manager could not hand a key request to IKE: the crypto map entry "
        "or its tunnel-group is probably incomplete",
    ),
    "752007": Message(
        3,
        "ike",
        "Tunnel manager could not hand a key request to IKE: the entry is already "
        "being negotiated",
    ),
    "752012": Message(
        4, "ike", "IKEv1 could not bring up the tunnel for a crypto map entry"
    ),
    "752015": Message(
        3,
        "ike",
        "Tunnel manager gave up on a LAN-to-LAN tunnel: every IKE version the crypto "
        "map entry allows failed",
    ),
    # --- IPsec ------------------------------------------------------------------
    "602303": Message(6, "ipsec", "IPsec SA created", "sa"),
    "602304": Message(6, "ipsec", "IPsec SA deleted", "sa"),
    "602101": Message(
        6,
        "ipsec",
        "Packet larger than the path MTU (ICMP fragmentation needed sent)",
        "",
    ),
    "602103": Message(
        6, "ipsec", "PMTU of an IPsec SA updated from an ICMP unreachable", ""
    ),
    "402101": Message(4, "ipsec", "Received an IPsec packet with an invalid SPI", ""),
    "402114": Message(4, "ipsec", "Received an ESP packet with an invalid SPI", "spi"),
    "402116": Message(
        4,
        "ipsec",
        "Decrypted packet does not match the SA's negotiated proxy identities",
        "proxies",
    ),
    "402117": Message(
        4, "ipsec", "Received a non-IPsec packet where IPsec was expected", ""
    ),
    "402119": Message(4, "ipsec", "ESP packet failed anti-replay checking", "spi"),
    "402120": Message(4, "ipsec", "ESP packet failed authentication", "spi"),
    "402123": Message(4, "ipsec", "Crypto accelerator error processing a packet", ""),
    # --- ESMTP and inspection ---------------------------------------------------
    "108003": Message(
        2,
        "esmtp",
        "ESMTP connection terminated: malicious pattern in the mail address",
        "conn",
    ),
    "108004": Message(
        4,
        "esmtp",
        "ESMTP classification action taken (connection dropped, header masked...)",
        "conn",
    ),
    "108005": Message(6, "esmtp", "ESMTP classification action logged", "conn"),
    "108006": Message(7, "esmtp", "ESMTP message size violation", "conn"),
    "108007": Message(6, "esmtp", "STARTTLS began on an ESMTP session", "conn"),
    "507001": Message(
        5,
        "inspection",
        "TCP proxy reassembly limit exceeded; connection terminated",
        "conn",
    ),
    "507003": Message(
        4,
        "inspection",
        "Flow terminated by an inspection engine (reason follows)",
        "conn",
    ),
    "434002": Message(
        4, "inspection", "FirePOWER module asked to drop a packet", "conn"
    ),
    "434004": Message(
        5,
        "inspection",
        "FirePOWER module asked to bypass further redirection of a flow",
        "conn",
    ),
    "500004": Message(
        4,
        "inspection",
        "Invalid transport field for the protocol; packet dropped",
        "conn",
    ),
    # --- Access lists -----------------------------------------------------------
    "106001": Message(
        2, "acl", "Inbound TCP connection denied by the security policy", "conn"
    ),
    "106006": Message(
        2, "acl", "Inbound UDP packet denied by the security policy", "conn"
    ),
    "106007": Message(
        2, "acl", "Inbound UDP denied: DNS response without a query", "conn"
    ),
    "106014": Message(3, "acl", "Inbound ICMP denied", "conn"),
    "106015": Message(6, "acl", "TCP packet denied: no connection (not a SYN)", "conn"),
    "106021": Message(
        1, "acl", "Packet denied by the reverse-path check (spoofing)", "conn"
    ),
    "106023": Message(4, "acl", "Packet denied by an access-group", "conn"),
    "106100": Message(
        6,
        "acl",
        "Access-list entry with the log keyword hit (permitted or denied)",
        "acl",
    ),
    "710001": Message(7, "acl", "TCP access to the device requested", "conn"),
    "710002": Message(7, "acl", "TCP or UDP access to the device permitted", "conn"),
    "710003": Message(
        3,
        "acl",
        "Access to the device denied by the control-plane or management ACL",
        "conn",
    ),
    "710005": Message(
        7,
        "acl",
        "TCP or UDP request to the device discarded (no service listening)",
        "conn",
    ),
    # --- FTD connection events (Firepower Threat Defense, logged from the LINA) --
    "430001": Message(
        4, "acl", "Intrusion event: a packet matched an intrusion rule", "ftd"
    ),
    "430002": Message(
        6,
        "acl",
        "Connection event at the start: the access control rule's action",
        "ftd",
    ),
    "430003": Message(
        6,
        "acl",
        "Connection event at the end: the rule's action and the counters",
        "ftd",
    ),
    # --- Connections and NAT ----------------------------------------------------
    "302013": Message(6, "connection", "TCP connection built", "conn"),
    "302014": Message(
        6, "connection", "TCP connection torn down (duration, bytes, reason)", "conn"
    ),
    "302015": Message(6, "connection", "UDP connection built", "conn"),
    "302016": Message(6, "connection", "UDP connection torn down", "conn"),
    "302020": Message(6, "connection", "ICMP connection built", "conn"),
    "302021": Message(6, "connection", "ICMP connection torn down", "conn"),
    "305006": Message(3, "nat", "Translation creation failed", "conn"),
    "305011": Message(6, "nat", "Dynamic translation built", "conn"),
    "305012": Message(6, "nat", "Dynamic translation torn down", "conn"),
    "305013": Message(5, "nat", "Asymmetric NAT rules matched; packet dropped", "conn"),
    "609001": Message(7, "connection", "Local-host built", ""),
    "609002": Message(7, "connection", "Local-host torn down", ""),
    # --- ICMP and threat detection ----------------------------------------------
    "313001": Message(3, "icmp", "ICMP to the device's interface denied", ""),
    "313004": Message(4, "icmp", "ICMP reply denied: no matching session", ""),
    "313005": Message(4, "icmp", "ICMP error message with no matching connection", ""),
    "733100": Message(4, "threat", "Threat detection: drop rate exceeded", ""),
    "419001": Message(
        4,
        "threat",
        "TCP packet dropped (MSS exceeded or similar normaliser check)",
        "conn",
    ),
    "419002": Message(
        4,
        "threat",
        "Duplicate TCP SYN with a different initial sequence number",
        "conn",
    ),
    # --- AAA and management -----------------------------------------------------
    "111008": Message(5, "config", "User executed a command", ""),
    "111009": Message(7, "config", "User executed a show command", ""),
    "111010": Message(5, "config", "User made a configuration change", ""),
    "113004": Message(6, "aaa", "AAA user authentication successful", ""),
    "113005": Message(6, "aaa", "AAA user authentication rejected", ""),
    "113015": Message(
        6, "aaa", "AAA authentication rejected by the local database", ""
    ),
    "113019": Message(
        4, "aaa", "VPN session disconnected (duration, bytes, reason)", "peer"
    ),
    "113039": Message(6, "aaa", "AnyConnect parent session started", ""),
    "605004": Message(6, "aaa", "Management login denied", ""),
    "605005": Message(6, "aaa", "Management login permitted", ""),
    # --- AnyConnect / WebVPN ----------------------------------------------------
    "716001": Message(6, "anyconnect", "WebVPN session started", ""),
    "716002": Message(6, "anyconnect", "WebVPN session terminated", ""),
    "722022": Message(
        6, "anyconnect", "SVC (AnyConnect) TCP or UDP connection established", ""
    ),
    "722023": Message(6, "anyconnect", "SVC (AnyConnect) connection terminated", ""),
    "722028": Message(5, "anyconnect", "Stale SVC connection closed", ""),
    "722033": Message(
        5, "anyconnect", "First SVC connection established for the session", ""
    ),
    "722034": Message(5, "anyconnect", "New SVC connection, no existing one", ""),
    "722037": Message(
        5, "anyconnect", "SVC closing the connection (reason follows)", ""
    ),
    "722041": Message(
        4, "anyconnect", "No IPv6 address available for the SVC connection", ""
    ),
    "722051": Message(
        6, "anyconnect", "Address assigned to the AnyConnect session", ""
    ),
    # --- Failover and system ----------------------------------------------------
    "104001": Message(1, "failover", "Unit switching to active", ""),
    "104002": Message(1, "failover", "Unit switching to standby", ""),
    "105005": Message(1, "failover", "Lost failover communications with the mate", ""),
    "199002": Message(6, "failover", "Startup completed", ""),
    "201008": Message(
        3,
        "failover",
        "New connections disallowed (logging host unreachable with TCP syslog)",
        "",
    ),
    "321001": Message(5, "failover", "Resource limit reached", ""),
}

# IOS keys are the message as printed without the leading %: FACILITY-SEVERITY-MNEMONIC.
IOS: dict[str, Message] = {
    "CRYPTO-4-RECVD_PKT_INV_SPI": Message(
        4,
        "ipsec",
        "Received an IPsec packet with an SPI no SA has (the peer holds a stale SA)",
    ),
    "CRYPTO-4-RECVD_PKT_NOT_IPSEC": Message(
        4,
        "ipsec",
        "Received a clear packet that the crypto map says should be encrypted",
    ),
    "CRYPTO-4-PKT_REPLAY_ERR": Message(
        4, "ipsec", "Decrypted packet failed the anti-replay check"
    ),
    "CRYPTO-4-RECVD_PKT_MAC_ERR": Message(
        4, "ipsec", "ESP packet failed its integrity check"
    ),
    "CRYPTO-6-ISAKMP_ON_OFF": Message(
        6, "ike", "ISAKMP turned on or off (a crypto map was applied or removed)"
    ),
    "CRYPTO-6-GDOI_ON_OFF": Message(6, "ike", "GDOI turned on or off"),
    "CRYPTO-4-IKMP_NO_SA": Message(4, "ike", "IKE message from a peer with no SA"),
    "CRYPTO-6-IKMP_MODE_FAILURE": Message(
        6, "ike", "Processing of an IKE mode (main, quick...) failed"
    ),
    "CRYPTO-4-IKMP_BAD_MESSAGE": Message(
        4,
        "ike",
        "IKE message failed its sanity check or is malformed (often a pre-shared key mismatch)",
    ),
    "CRYPTO-6-IKMP_NOT_ENCRYPTED": Message(
        6, "ike", "IKE packet that should be encrypted arrived in the clear"
    ),
    "CRYPTO-5-IKMP_INVAL_CERT": Message(
        5, "ike", "Certificate received from the peer is invalid"
    ),
    "CRYPTO-5-SESSION_STATUS": Message(5, "ike", "Crypto tunnel going up or down"),
    "CRYPTO-5-IKEV2_SESSION_STATUS": Message(
        5, "ikev2", "IKEv2 session going up or down"
    ),
    "CRYPTO-4-IKE_DENY_SA_REQ": Message(4, "ike", "IKE SA request denied"),
    "CRYPTO-3-IKMP_QUERY_KEY": Message(3, "ike", "Querying the key pair failed"),
    "LINK-3-UPDOWN": Message(3, "interface", "Interface changed state"),
    "LINK-5-CHANGED": Message(
        5, "interface", "Interface administratively changed state"
    ),
    "LINEPROTO-5-UPDOWN": Message(5, "interface", "Line protocol changed state"),
    "SYS-5-CONFIG_I": Message(5, "config", "Configured from the console or a vty"),
    "SYS-5-RESTART": Message(5, "system", "System restarted"),
    "SNMP-5-COLDSTART": Message(5, "system", "SNMP agent cold start"),
    "SEC-6-IPACCESSLOGP": Message(
        6, "acl", "Access-list entry with the log keyword hit (TCP/UDP)"
    ),
    "SEC-6-IPACCESSLOGDP": Message(
        6, "acl", "Access-list entry with the log keyword hit (ICMP)"
    ),
    "SEC-6-IPACCESSLOGNP": Message(
        6, "acl", "Access-list entry with the log keyword hit (other protocol)"
    ),
}


def lookup(message_id: str | None) -> Message | None:
    """The catalog entry for an ASA ID ("713904") or an IOS message ("LINK-3-UPDOWN")."""
    if not message_id:
        return None
    if message_id.isdecimal():
        return ASA.get(message_id)
    return IOS.get(message_id)
