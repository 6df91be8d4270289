"""The rules, one module per family of problems.

Each module is pure Python (no Django) and provides ``check(report) -> list[Finding]``,
reading ``report.sources`` (all outputs found in the paste, so checks can cross
outputs: packet-tracer with the asp table with the IPsec SAs). Every finding names
its article section from analyzer.links, whose every entry exists in kb/content
(a test walks them all).
"""

from analyzer.rules import (
    asa_config,
    asp_drop,
    boot,
    general,
    ike,
    ike_debug,
    ios_config,
    ipsec,
    mail,
    peer_status,
    psk,
    syslog,
    tcpdump,
    vpn_path,
)

REGISTRY = (
    ike,
    ipsec,
    vpn_path,
    asp_drop,
    syslog,
    ike_debug,
    peer_status,
    tcpdump,
    mail,
    boot,
    asa_config,
    ios_config,
    psk,
    general,
)
