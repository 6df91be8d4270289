"""Every kind of output the analyzer reads: its parser, the rule families that judge
it, the label engineers know it by, and where its real examples and tests live.

Adding an output kind means a parser module, one entry here (its name constant,
its ``OutputKind``, and the module's place in ``PARSER_ORDER``, a new rule family's in
``RULE_ORDER``: the engine runs them in those orders), its rule family, its fixtures
and its tests; code names a kind only by its constant;
`tests/analyzer/test_registry.py` fails when one is missing.
The page's "What was read" table and the list of supported outputs use the labels,
never the internal kind names. Pure Python.
"""

from __future__ import annotations

from dataclasses import dataclass

# Each kind's name, the JSON contract's ``kind`` field (never rename one): a
# parser stamps its sources with one, a rule asks for them by it
# (``report.sources_of(ASA_SHOW_CRYPTO_IPSEC_SA)``).
ASA_SHOW_CRYPTO_ISAKMP_SA = "asa.show_crypto_isakmp_sa"
IOS_SHOW_CRYPTO_ISAKMP_SA = "ios.show_crypto_isakmp_sa"
PIX_SHOW_ISAKMP_SA = "pix.show_isakmp_sa"
ASA_SHOW_CRYPTO_IKEV2_SA = "asa.show_crypto_ikev2_sa"
IOS_SHOW_CRYPTO_IKEV2_SA = "ios.show_crypto_ikev2_sa"
ASA_SHOW_CRYPTO_IPSEC_SA = "asa.show_crypto_ipsec_sa"
IOS_SHOW_CRYPTO_IPSEC_SA = "ios.show_crypto_ipsec_sa"
ASA_SHOW_IPSEC_STATS = "asa.show_ipsec_stats"
ASA_PACKET_TRACER = "asa.packet_tracer"
ASA_SHOW_ASP_TABLE_VPN_CONTEXT = "asa.show_asp_table_vpn_context"
ASA_SHOW_ASP_DROP = "asa.show_asp_drop"
ASA_SHOW_VPN_SESSIONDB = "asa.show_vpn_sessiondb"
ASA_SHOW_VPN_SESSIONDB_SUMMARY = "asa.show_vpn_sessiondb_summary"
IOS_SHOW_CRYPTO_SESSION = "ios.show_crypto_session"
IOS_SHOW_DMVPN = "ios.show_dmvpn"
SYSLOG = "syslog"
SYSLOG_STATUS = "syslog.status"
IKE_DEBUG = "ike_debug"
PEER_IKE_LOG = "peer.ike_log"
PEER_STATUS = "peer.status"
TCPDUMP = "tcpdump"
IRONPORT_MAIL_LOG = "ironport.mail_log"
SMTP_TEST = "smtp.test"
IOS_BOOT = "ios.boot"
ASA_SHOW_VERSION = "asa.show_version"
IOS_SHOW_VERSION = "ios.show_version"
ASA_RUNNING_CONFIG = "asa.running_config"
IOS_RUNNING_CONFIG = "ios.running_config"
IOS_SHOW_CRYPTO_MAP = "ios.show_crypto_map"
IOS_SHOW_ACCESS_LISTS = "ios.show_access_lists"
IOS_SHOW_IP_ROUTE = "ios.show_ip_route"
ASA_SHOW_ROUTE = "asa.show_route"
CLI_ERROR = "cli.error"


@dataclass(frozen=True)
class OutputKind:
    kind: str
    label: str  # as an engineer says it: "ASA show crypto isakmp sa"
    parser: str  # module under analyzer.parsers
    # Every module under analyzer.rules that reads it: those whose findings on a
    # real example change when the kind's outputs are taken out of the paste.
    rules: tuple[str, ...]
    fixtures: str  # folder under tests/fixtures holding real examples of the kind
    tests: str  # the test module under tests/analyzer that names and reads it


KINDS: tuple[OutputKind, ...] = (
    OutputKind(
        ASA_SHOW_CRYPTO_ISAKMP_SA,
        "ASA show crypto isakmp sa",
        "isakmp_sa",
        ("ike",),
        "ike",
        "test_isakmp_sa",
    ),
    OutputKind(
        IOS_SHOW_CRYPTO_ISAKMP_SA,
        "IOS show crypto isakmp sa",
        "isakmp_sa",
        ("ike",),
        "ike",
        "test_isakmp_sa",
    ),
    OutputKind(
        PIX_SHOW_ISAKMP_SA,
        "PIX show isakmp sa",
        "isakmp_sa",
        ("ike",),
        "ike",
        "test_isakmp_sa",
    ),
    OutputKind(
        ASA_SHOW_CRYPTO_IKEV2_SA,
        "ASA show crypto ikev2 sa",
        "ikev2_sa",
        ("ike",),
        "ike",
        "test_ikev2_sa",
    ),
    OutputKind(
        IOS_SHOW_CRYPTO_IKEV2_SA,
        "IOS show crypto ikev2 sa",
        "ikev2_sa",
        ("ike", "ipsec"),
        "ike",
        "test_ikev2_sa",
    ),
    OutputKind(
        ASA_SHOW_CRYPTO_IPSEC_SA,
        "ASA show crypto ipsec sa",
        "ipsec_sa",
        ("ipsec", "ike", "vpn_path"),
        "ipsec",
        "test_ipsec_sa",
    ),
    OutputKind(
        IOS_SHOW_CRYPTO_IPSEC_SA,
        "IOS show crypto ipsec sa",
        "ipsec_sa",
        ("ipsec", "ike"),
        "ipsec",
        "test_ipsec_sa",
    ),
    OutputKind(
        ASA_PACKET_TRACER,
        "ASA packet-tracer",
        "packet_tracer",
        ("vpn_path",),
        "packet_tracer",
        "test_packet_tracer",
    ),
    OutputKind(
        ASA_SHOW_ASP_TABLE_VPN_CONTEXT,
        "ASA show asp table vpn-context",
        "asp_vpn_context",
        ("vpn_path",),
        "asp",
        "test_asp_vpn_context",
    ),
    OutputKind(
        ASA_SHOW_ASP_DROP,
        "ASA show asp drop",
        "asp_drop",
        ("asp_drop",),
        "asp_drop",
        "test_asp_drop",
    ),
    OutputKind(
        ASA_SHOW_VPN_SESSIONDB,
        "ASA show vpn-sessiondb",
        "vpn_sessiondb",
        ("vpn_path",),
        "sessiondb",
        "test_vpn_sessiondb",
    ),
    OutputKind(
        ASA_SHOW_VPN_SESSIONDB_SUMMARY,
        "ASA show vpn-sessiondb summary",
        "vpn_sessiondb",
        ("vpn_path",),
        "sessiondb",
        "test_vpn_sessiondb",
    ),
    OutputKind(
        IOS_SHOW_CRYPTO_SESSION,
        "IOS show crypto session",
        "crypto_session",
        ("ipsec", "ike_debug"),
        "crypto_session",
        "test_corpus_crypto_session",
    ),
    OutputKind(
        ASA_SHOW_IPSEC_STATS,
        "ASA show ipsec stats",
        "ipsec_stats",
        ("ipsec",),
        "field",
        "test_ipsec_stats",
    ),
    OutputKind(
        IOS_SHOW_DMVPN,
        "IOS show dmvpn",
        "dmvpn",
        ("ipsec",),
        "field",
        "test_dmvpn",
    ),
    OutputKind(
        SYSLOG,
        "syslog messages (ASA, IOS)",
        "syslog",
        ("syslog", "asa_config", "ios_config"),
        "syslog",
        "test_syslog",
    ),
    OutputKind(
        SYSLOG_STATUS,
        "syslog status lines",
        "syslog",
        (),
        "syslog",
        "test_syslog",
    ),
    OutputKind(
        IKE_DEBUG,
        "IKE debug and IKE syslog (debug crypto isakmp / ikev1 / ikev2)",
        "ike_debug",
        ("ike_debug", "ike", "ipsec"),
        "ike_debug",
        "test_ike_debug",
    ),
    OutputKind(
        PEER_IKE_LOG,
        "the other end's IKE log (strongSwan, libreswan, FortiGate, Juniper, Palo Alto, "
        "AWS, HP-UX)",
        "peer_log",
        ("ike_debug", "peer_status"),
        "field/other-end",
        "test_peer_log",
    ),
    OutputKind(
        PEER_STATUS,
        "the other end's tunnel status (Juniper, strongSwan, VyOS, ScreenOS, Yamaha)",
        "peer_status",
        ("peer_status",),
        "field/healthy",
        "test_peer_status",
    ),
    OutputKind(
        TCPDUMP,
        "tcpdump",
        "tcpdump",
        ("tcpdump",),
        "tcpdump",
        "test_tcpdump",
    ),
    OutputKind(
        IRONPORT_MAIL_LOG,
        "IronPort / ESA mail log",
        "mail_log",
        ("mail",),
        "mail",
        "test_mail_log",
    ),
    OutputKind(
        SMTP_TEST,
        "SMTP test result",
        "smtp_test",
        ("mail",),
        "mail",
        "test_smtp_test",
    ),
    OutputKind(
        IOS_BOOT,
        "ROMMON / boot output",
        "rommon",
        ("boot",),
        "boot",
        "test_rommon",
    ),
    OutputKind(
        ASA_SHOW_VERSION,
        "ASA show version",
        "show_version",
        ("asa_config",),
        "qa_logs",
        "test_show_version",
    ),
    OutputKind(
        IOS_SHOW_VERSION,
        "IOS show version",
        "show_version",
        ("boot",),
        "qa_logs",
        "test_show_version",
    ),
    OutputKind(
        ASA_RUNNING_CONFIG,
        "ASA show running-config",
        "asa_config",
        ("asa_config", "vpn_path", "psk"),
        "config",
        "test_asa_config",
    ),
    OutputKind(
        IOS_RUNNING_CONFIG,
        "IOS show running-config",
        "ios_config",
        ("ios_config", "psk"),
        "config",
        "test_ios_config",
    ),
    OutputKind(
        IOS_SHOW_CRYPTO_MAP,
        "IOS show crypto map",
        "ios_config",
        ("ios_config", "routing"),
        "config",
        "test_ios_config",
    ),
    OutputKind(
        IOS_SHOW_ACCESS_LISTS,
        "IOS show ip access-lists",
        "ios_config",
        ("ios_config",),
        "corpus/ntc/cisco_ios/show_access-list",
        "test_ios_config",
    ),
    OutputKind(
        IOS_SHOW_IP_ROUTE,
        "IOS show ip route",
        "ip_route",
        ("routing",),
        "corpus/ntc/cisco_ios/show_ip_route",
        "test_ip_route",
    ),
    OutputKind(
        ASA_SHOW_ROUTE,
        "ASA show route",
        "ip_route",
        ("routing",),
        "corpus/ntc/cisco_asa/show_route",
        "test_ip_route",
    ),
    OutputKind(
        CLI_ERROR,
        "a command the device refused (% Invalid input)",
        "cli_errors",
        ("general",),
        "cli_errors",
        "test_cli_errors",
    ),
)

BY_KIND = {k.kind: k for k in KINDS}

# The order the parsers are handed a section with no command of theirs (a module
# under analyzer.parsers, each once). The syslog parser comes before the IKE debug
# parser, which reuses its reading of each line instead of reading it again.
PARSER_ORDER: tuple[str, ...] = (
    "isakmp_sa",
    "ikev2_sa",
    "ipsec_sa",
    "ipsec_stats",
    "packet_tracer",
    "asp_vpn_context",
    "asp_drop",
    "vpn_sessiondb",
    "crypto_session",
    "dmvpn",
    "syslog",
    "ike_debug",
    "peer_log",
    "peer_status",
    "tcpdump",
    "mail_log",
    "smtp_test",
    "rommon",
    "show_version",
    "ip_route",
    "asa_config",
    "ios_config",
    "cli_errors",
)

# The order the rule families run (a module under analyzer.rules, each once).
# Findings are sorted by severity and first line, and among equals keep this
# order, so it is part of what a report says; general, which speaks of the paste
# as a whole, comes last.
RULE_ORDER: tuple[str, ...] = (
    "ike",
    "ipsec",
    "vpn_path",
    "asp_drop",
    "syslog",
    "ike_debug",
    "peer_status",
    "tcpdump",
    "mail",
    "boot",
    "asa_config",
    "ios_config",
    "psk",
    "routing",
    "general",
)


def label(kind: str) -> str:
    """The name engineers use for ``kind``; the kind itself if it is unknown."""
    found = BY_KIND.get(kind)
    return found.label if found else kind


def supported() -> list[str]:
    """The outputs the analyzer reads, each named once, in the order above."""
    seen: list[str] = []
    for k in KINDS:
        if k.kind in (SYSLOG_STATUS, ASA_SHOW_VPN_SESSIONDB_SUMMARY):
            continue
        if k.label not in seen:
            seen.append(k.label)
    return seen
