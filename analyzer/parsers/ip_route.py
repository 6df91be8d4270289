"""`show ip route` (IOS, IOS-XE) and `show route` (ASA): the routing table.

One record per table shown:

- ``gateway``: the gateway of last resort's address, None when the device says it
  "is not set";
- ``routes``: one entry per route line, in paste order: ``code`` as printed ("S",
  "S*", "O E2", "O*E2", "C", "L", "V"), ``prefix`` ("10.1.0.0/24"; a line without its
  own length takes it from the "10.0.0.0/24 is subnetted" line above it, as IOS
  prints it), ``via`` (the next hop, or None for a connected route) and ``line``;
  an extra path of the same prefix ("[1/0] via 192.168.0.1" on a line of its own)
  adds nothing to what the table covers and is not kept;
- ``unread``: how many route lines give no destination the table can be searched
  by: an ASA ``names`` entry ("S  Server1 255.255.255.255 ...") instead of an
  address, or a mask that is not one ("255.255.255.64"): what those cover is not
  known;
- ``complete``: the whole table was printed: the command was the bare command (no
  address, VRF, protocol, interface or ``|`` filter) or, found without a prompt,
  its code legend came first. (A pager prompt is gone before any parser runs:
  a table the user quit at "--More--" cannot be told from a whole one);
- ``platform``: "asa" when the routes are written with masks, else "ios".

``lines`` and ``at`` (``gateway``: the "Gateway of last resort" line) as everywhere.
"""

from __future__ import annotations

import re

from analyzer.addresses import mask_to_prefix
from analyzer.registry import ASA_SHOW_ROUTE, IOS_SHOW_IP_ROUTE
from analyzer.report import Source

COMMANDS = ("show ip route", "show route")

_IPV4 = r"\d{1,3}(?:\.\d{1,3}){3}"
_GATEWAY = re.compile(
    rf"^Gateway of last resort is (?:(not set)|({_IPV4}) to network {_IPV4})"
)
# "10.0.0.0/8 is variably subnetted, 5 subnets, 3 masks", "1.0.0.0/32 is
# subnetted, 1 subnets": the classful parent line, no code in front.
_PARENT = re.compile(rf"^({_IPV4})/(\d{{1,2}}) is (variably )?subnetted")
# A route line: a code of one or two letters (a "*" for a candidate default, a
# second word for the route's type: "O E2", "D EX", "i L2", "O*E2", a flag such as
# "+" or "%"), then the destination -- an address with or without its length, an
# address and a mask (ASA), or a name (ASA) and a mask -- and what follows.
_ROUTE = re.compile(
    r"^(?P<code>[A-Za-z]{1,2}\*?(?:\s?(?:E1|E2|N1|N2|IA|EX|L1|L2|ia|su))?)"
    r"(?:\s+[+%&p])?\s+"
    rf"(?P<dest>{_IPV4}|[A-Za-z][\w.-]*)"
    rf"(?:/(?P<length>\d{{1,2}})|\s+(?P<mask>{_IPV4}))?"
    # What follows may be on the next line: an ASA wraps a long route after
    # its mask ("V   10.10.1.4 255.255.255.255" / "connected by VPN ...").
    r"(?:\s+(?P<rest>\[|is directly connected|is a summary|connected by VPN|via )|$)"
)
_VIA = re.compile(rf"\bvia ({_IPV4})")
_LEGEND = "Codes:"


def parse(section) -> list[Source]:
    found: list[Source] = []
    table: dict | None = None
    legend: int | None = None
    first = last = 0
    parent_length: int | None = None
    for index, raw in enumerate(section.lines):
        line = raw.strip()
        if not line:
            continue
        number = section.numbers[index]
        if line.startswith(_LEGEND):
            legend = number
            continue
        if line.startswith("Gateway of last resort"):
            m = _GATEWAY.match(line)
            if m is None:
                continue
            if table is not None:
                found.append(_source(table, first, last, section))
            table = {
                "platform": "ios",
                "gateway": m.group(2),
                "routes": [],
                "unread": 0,
                "complete": _whole(section.command, legend is not None),
                "at": {"gateway": number},
            }
            parent_length = None
            first = legend if legend is not None else number
            last = number
            legend = None
            continue
        if table is None:
            continue
        m = _PARENT.match(line)
        if m is not None:
            parent_length = None if m.group(3) else int(m.group(2))
            last = number
            continue
        m = _ROUTE.match(line)
        if m is None:
            continue
        last = number
        dest = m.group("dest")
        if not dest[0].isdigit():
            table["unread"] += 1
            table["platform"] = "asa"
            continue
        if m.group("mask"):
            table["platform"] = "asa"
            length = mask_to_prefix(m.group("mask"))
        elif m.group("length"):
            length = int(m.group("length"))
        else:
            length = parent_length
        if length is None or not 0 <= length <= 32:
            table["unread"] += 1
            continue
        via = _VIA.search(line)
        table["routes"].append(
            {
                "code": " ".join(m.group("code").split()),
                "prefix": f"{dest}/{length}",
                "via": via.group(1) if via else None,
                "line": number,
            }
        )
    if table is not None:
        found.append(_source(table, first, last, section))
    return found


def _whole(command: str | None, legend: bool) -> bool:
    """Whether the table printed is the whole table (see the module docstring)."""
    if command is None:
        return legend
    return "|" not in command and len(command.split()) == len(_full(command).split())


def _full(command: str) -> str:
    """The command typed, as the full command it abbreviates: "show ip route"
    (IOS, "sh ip ro") or "show route" (ASA, "sh route")."""
    words = command.split()
    return "show ip route" if words[1:2] and "ip".startswith(words[1]) else "show route"


def _source(table: dict, first: int, last: int, section) -> Source:
    table["lines"] = [first, last]
    asa = table["platform"] == "asa" or (
        section.command is not None and _full(section.command) == "show route"
    )
    table["platform"] = "asa" if asa else "ios"
    kind = ASA_SHOW_ROUTE if asa else IOS_SHOW_IP_ROUTE
    return Source(kind=kind, first_line=first, last_line=last, records=[table])
