"""ASA / PIX 7+ `show ipsec stats` (`show crypto ipsec stats`): the device's IPsec
counters summed over every SA it has had since they were last cleared.

Kind ``asa.show_ipsec_stats``. One record per output:

- ``active_tunnels``, ``previous_tunnels``;
- ``inbound`` and ``outbound``: the counters of each direction by their labels in
  snake case ("Dropped packets" -> ``dropped_packets``, "Authentication failures" ->
  ``authentication_failures``), as ints;
- ``protocol_failures``, ``missing_sa_failures``, ``system_capacity_failures``
  and any other counter printed after the two directions, as ints;
- ``lines`` and ``at`` (each counter's line, keyed ``inbound.packets``,
  ``outbound.dropped_packets``, ``missing_sa_failures``...) as everywhere.

The output is read indented (ASA 8 and later) or flush left as PIX 7 and some
pages print it: "Inbound" and "Outbound" alone on their line open a direction,
and the counters that belong to no direction are known by their names.
"""

from __future__ import annotations

import re

from analyzer.parsers.common import owned, snake, source_up_to_last_filled, to_int
from analyzer.registry import ASA_SHOW_IPSEC_STATS
from analyzer.report import Source

COMMANDS = ("show ipsec stats", "show crypto ipsec stats")
KIND = ASA_SHOW_IPSEC_STATS

_TITLE = "ipsec global statistics"
_COUNTER = re.compile(
    r"^(?P<label>[A-Za-z][A-Za-z ()/-]{1,60}?)\s*:\s*(?P<value>\d{1,20})$"
)
# Printed after the Outbound block, flush left on every release.
_GLOBAL = {
    "active_tunnels",
    "previous_tunnels",
    "protocol_failures",
    "missing_sa_failures",
    "system_capacity_failures",
}
_MAX_MISSES = 2


def parse(section) -> list[Source]:
    own = owned(section, COMMANDS)
    found: list[Source] = []
    record: dict | None = None
    claimed: set[int] = set()
    direction: str | None = None
    misses = 0

    def close() -> None:
        nonlocal record, claimed
        if record is not None and (record["inbound"] or record["outbound"]):
            source = source_up_to_last_filled(KIND, section, claimed, [record], set())
            if source is not None:
                found.append(source)
        record, claimed = None, set()

    for raw, number in zip(section.lines, section.numbers, strict=False):
        line = raw.strip()
        low = line.lower()
        if low == _TITLE or (own and record is None and line):
            if low == _TITLE or _COUNTER.match(line) or low in ("inbound", "outbound"):
                close()
                record = _new(number)
                direction, misses = None, 0
                if low == _TITLE:
                    claimed.add(number)
                    continue
        if record is None:
            continue
        if not line:
            continue
        if set(line) <= set("-="):
            claimed.add(number)
            continue
        if low in ("inbound", "outbound"):
            direction = low
            claimed.add(number)
            record["lines"][1] = number
            misses = 0
            continue
        m = _COUNTER.match(line)
        if m is None:
            misses += 1
            if misses > _MAX_MISSES:
                close()
            continue
        misses = 0
        key = snake(m.group("label"))
        value = to_int(m.group("value"))
        if key in _GLOBAL or direction is None:
            record[key] = value
            record["at"][key] = number
        else:
            record[direction][key] = value
            record["at"][f"{direction}.{key}"] = number
        claimed.add(number)
        record["lines"][1] = number
    close()
    return found


def _new(number: int) -> dict:
    return {"inbound": {}, "outbound": {}, "lines": [number, number], "at": {}}
