"""The parsers, one module per kind of output.

Each module is pure Python (no Django) and provides:

- ``COMMANDS``: the full commands whose output it reads ("show crypto isakmp sa").
  The engine routes a section whose echoed command matches (abbreviations included)
  to the modules owning the longest matching command.
- ``parse(section) -> list[Source]``: read what it recognises in the section and
  return one Source per output found (an empty list when nothing is its own). It
  must return on any text, without raising, in time linear in the input.
"""

from analyzer.parsers import (
    asa_config,
    asp_drop,
    asp_vpn_context,
    cli_errors,
    crypto_session,
    ike_debug,
    ikev2_sa,
    ios_config,
    ipsec_sa,
    isakmp_sa,
    mail_log,
    packet_tracer,
    peer_log,
    peer_status,
    rommon,
    show_version,
    smtp_test,
    syslog,
    tcpdump,
    vpn_sessiondb,
)

REGISTRY = (
    isakmp_sa,
    ikev2_sa,
    ipsec_sa,
    packet_tracer,
    asp_vpn_context,
    asp_drop,
    vpn_sessiondb,
    crypto_session,
    syslog,
    ike_debug,
    peer_log,
    peer_status,
    tcpdump,
    mail_log,
    smtp_test,
    rommon,
    show_version,
    asa_config,
    ios_config,
    cli_errors,
)
