"""IOS / IOS-XE `show dmvpn [detail]`: the NHRP peers of each DMVPN tunnel
interface, with the state of each.

Kind ``ios.show_dmvpn``. One record per peer row:

- ``interface``: the tunnel interface the row is listed under ("Tunnel0"), None
  when the paste starts below its "Interface:" line;
- ``role``: "hub" or "spoke" from the interface's "Type:" line, else None;
- ``nbma``: the peer's NBMA (outside) address as printed ("203.0.113.2", or
  "UNKNOWN" for an entry not resolved yet); a second entry of the same peer, on a
  line of its own without the address, repeats the one above;
- ``tunnel_address``: the peer's address inside the tunnel;
- ``state``: as printed, upper-cased: "UP", "NHRP" (the crypto is up, NHRP has not
  resolved or registered), "IPSEC" (IKE is up, the IPsec SAs are not), "IKE" (IKE
  is being negotiated), "DOWN"...;
- ``updn``: the up or down time as printed ("00:01:10", "1w2d", "never");
- ``attributes``: the Attrb column ("S", "D", "DT1"), "" when empty;
- ``target``: the Target Network column of `show dmvpn detail`, else None;
- ``entries``: the "# Ent" count (None on a continuation line);
- ``lines`` and ``at`` as everywhere (``at`` has ``state``).

An interface with no peer row (a hub none has registered with) gives no record:
the table printed empty says no more than its header.
"""

from __future__ import annotations

import re

from analyzer.parsers.common import owned, source_up_to_last_filled, to_int
from analyzer.registry import IOS_SHOW_DMVPN
from analyzer.report import Source

COMMANDS = ("show dmvpn",)
KIND = IOS_SHOW_DMVPN

_IPV4 = r"\d{1,3}(?:\.\d{1,3}){3}"
_ADDR = rf"(?:{_IPV4}|[0-9A-Fa-f:]{{2,39}}:[0-9A-Fa-f:]*)"
_STATE = r"[A-Za-z][A-Za-z0-9-]{1,11}"
_TIME = r"(?:\d[\dhmswdy:.]{1,11}|never)"
# "     1 203.0.113.2          172.16.0.1 IPSEC 00:01:10     S", with the detail
# output's Target Network after the attributes ("D   192.168.250.2/32").
_ROW = re.compile(
    rf"^\s*(?P<ent>\d{{1,4}})\s+(?P<nbma>{_ADDR}|UNKNOWN)\s+(?P<tunnel>{_ADDR})"
    rf"\s+(?P<state>{_STATE})\s+(?P<updn>{_TIME})"
    r"(?:\s+(?P<attrb>[A-Z][A-Z0-9]{0,7}))?"
    r"(?:\s+(?P<target>[0-9A-Fa-f.:]{2,45}/\d{1,3}))?\s*$"
)
# A further entry of the peer above: "        10.1.0.4    UP 00:00:06     D".
_MORE = re.compile(
    rf"^\s+(?P<tunnel>{_ADDR})\s+(?P<state>{_STATE})\s+(?P<updn>{_TIME})"
    r"(?:\s+(?P<attrb>[A-Z][A-Z0-9]{0,7}))?"
    r"(?:\s+(?P<target>[0-9A-Fa-f.:]{2,45}/\d{1,3}))?\s*$"
)
_HEADER = re.compile(r"^#\s*Ent\s+Peer NBMA Addr", re.IGNORECASE)
_INTERFACE = re.compile(r"^Interface:?\s+(?P<name>[A-Za-z][\w/.:-]{0,40})[, ]")
_TYPE = re.compile(r"^Type\s*:\s*(?P<role>Hub|Spoke)\b", re.IGNORECASE)
# The legend and the interface's heading lines: claimed, nothing taken from them.
_CONTEXT = (
    "legend: attrb",
    "n - nated",
    "t1 - route installed",
    "c - cts capable",
    "# ent -->",
    "nhs status:",
    "updn time -->",
    "tunnel src./dest. addr",
    "protocol/transport:",
    "interface state control:",
    "nhrp event-publisher",
)


def parse(section) -> list[Source]:
    """One Source per output: each legend (or, the legend cut off, the first
    table heading) begins one."""
    own = owned(section, COMMANDS)
    groups: list[tuple[list[dict], set[int]]] = [([], set())]
    records, claimed = groups[-1]
    interface: str | None = None
    role: str | None = None
    in_table = False
    seen = own
    last: dict | None = None
    for raw, number in zip(section.lines, section.numbers, strict=False):
        line = raw.strip()
        low = line.lower()
        if not line:
            in_table, last = False, None
            continue
        if low.startswith(_CONTEXT[0]):
            seen = True
            if claimed:
                groups.append(([], set()))
                records, claimed = groups[-1]
            interface = role = last = None
            in_table = False
            claimed.add(number)
            continue
        header = _HEADER.match(line) is not None
        if not seen and not header:
            continue
        seen = True
        if header:
            in_table = True
            claimed.add(number)
            last = None
            continue
        m = _INTERFACE.match(line)
        if m and ("nhrp" in low or " is " in low):
            interface, role, in_table, last = m.group("name"), None, False, None
            claimed.add(number)
            continue
        m = _TYPE.match(line)
        if m:
            role = m.group("role").lower()
            claimed.add(number)
            continue
        if low.startswith(_CONTEXT[1:]) or set(line) <= set("=- "):
            claimed.add(number)
            continue
        if not in_table:
            continue
        m = _ROW.match(raw)
        if m:
            last = _record(m, interface, role, number, m.group("nbma"))
            last["entries"] = to_int(m.group("ent"))
            records.append(last)
            claimed.add(number)
            continue
        m = _MORE.match(raw)
        if m and last is not None:
            more = _record(m, interface, role, number, last["nbma"])
            more["entries"] = None
            records.append(more)
            claimed.add(number)
            continue
        in_table = False
        last = None
    found = []
    for records, claimed in groups:
        if not records:
            continue
        source = source_up_to_last_filled(KIND, section, claimed, records, set())
        if source is not None:
            found.append(source)
    return found


def _record(m, interface, role, number, nbma) -> dict:
    return {
        "interface": interface,
        "role": role,
        "nbma": nbma,
        "tunnel_address": m.group("tunnel"),
        "state": m.group("state").upper(),
        "updn": m.group("updn"),
        "attributes": m.group("attrb") or "",
        "target": m.group("target"),
        "lines": [number, number],
        "at": {"state": number},
    }
