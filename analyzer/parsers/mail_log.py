"""IronPort / Cisco Secure Email (AsyncOS) mail logs.

Kind ``ironport.mail_log``. Lines are grouped into one record per message (MID)
or per connection (ICID incoming, DCID delivery) that has no message of its own:

- ``type``: "message", "incoming_connection" or "delivery_connection"
- ``mid``, ``icid``, ``dcid`` (strings), ``sender``, ``recipients`` [..],
  ``remote`` (the connecting or delivery address when logged)
- ``events``: event names in order ("message_start", "from", "to",
  "receiving_aborted", "message_aborted", "connection_lost", "close",
  "dropped", "delivery_failed", "tls_success", "tls_failed", "receiving_failed",
  "delivered", "finished", "bounced", "connection_start", "accepted",
  "rejected", "other")
- ``problem``: the most telling trouble event of the record, or None
- ``reason``: the text after "aborted:" / "failed:" when there is one
- ``at``: event name -> first line it was seen on

Reads the `tail mail_logs` / `grep` layout ("Mon Jan  1 00:00:00 2024 Info: …"),
the syslog-pushed one ("… mail_logs: Info: …") and bare message lines pasted from
the GUI ("Message 1006902 aborted: Receiving aborted").
"""

from __future__ import annotations

import re

from analyzer.registry import IRONPORT_MAIL_LOG
from analyzer.report import Source

COMMANDS = ("tail mail_logs", "grep mail_logs", "tail mail_log")

_ID = re.compile(r"\b(MID|ICID|DCID|RID) \[?(\d{1,12})\]?")
_MESSAGE_ABORTED = re.compile(r"\bMessage (\d{1,12}) aborted: ?(.{0,200})")
_LEVEL = re.compile(r"\b(Info|Warning|Critical|Debug|Trace):\s")
_DELIVERY_FAILED = re.compile(
    r"SMTP delivery connection \(DCID (\d{1,12})\) to (\S{1,80}) failed: ?(.{0,200})"
)
_ADDRESS = re.compile(r"\baddress (\S{1,60})")
_ANGLE = re.compile(r"<([^<>\s]{0,254})>")

_TROUBLE_ORDER = (
    "receiving_aborted",
    "message_aborted",
    "connection_lost",
    "receiving_failed",
    "delivery_failed",
    "tls_failed",
    "dropped",
    "bounced",
)


def _event(text: str) -> str:
    lower = text.lower()
    if "receiving aborted" in lower:
        return "receiving_aborted"
    if "aborted" in lower and "message" in lower:
        return "message_aborted"
    if "receiving failed" in lower:
        return "receiving_failed"
    if "smtp delivery connection" in lower and "failed" in lower:
        return "delivery_failed"
    if " lost" in lower and "icid" in lower:
        return "connection_lost"
    if "tls failed" in lower:
        return "tls_failed"
    if "tls success" in lower:
        return "tls_success"
    if "dropping" in lower or "dropped" in lower:
        return "dropped"
    if "bounced" in lower:
        return "bounced"
    if " accept sg " in lower:
        return "accepted"
    if " reject sg " in lower or " tcprefuse sg " in lower:
        return "rejected"
    if lower.startswith("start mid") or " start mid " in lower:
        return "message_start"
    if "new smtp icid" in lower or "new smtp dcid" in lower:
        return "connection_start"
    if "message done" in lower or "response '2" in lower:
        return "delivered"
    if "message finished" in lower:
        return "finished"
    if " from: " in lower:
        return "from"
    if " to: " in lower:
        return "to"
    if lower.endswith(" close") or " close " in lower:
        return "close"
    return "other"


def _looks_like_mail_log(line: str) -> bool:
    if len(line) < 8:
        return False
    if "MID " in line or "ICID " in line or "DCID " in line:
        return bool(_ID.search(line))
    return "aborted" in line and (
        "Receiving aborted" in line or bool(_MESSAGE_ABORTED.search(line))
    )


def parse(section):
    records: dict[tuple[str, str], dict] = {}
    order: list[dict] = []
    claimed: set[int] = set()
    for index, raw in enumerate(section.lines):
        line = raw.strip()
        if line == "Press Ctrl-C to stop." and section.command:
            claimed.add(section.numbers[index])
            continue
        if not _looks_like_mail_log(line):
            continue
        number = section.numbers[index]
        level = _LEVEL.search(line)
        text = line[level.end() :] if level else line
        ids = {kind: value for kind, value in _ID.findall(text)}
        aborted = _MESSAGE_ABORTED.search(text)
        failed = _DELIVERY_FAILED.search(text)
        if aborted:
            ids.setdefault("MID", aborted.group(1))
        if failed:
            ids.setdefault("DCID", failed.group(1))
        if not ids:
            # "Receiving aborted" with no id: still evidence, kept on its own.
            ids = {"line": str(number)}
        key = _key(ids)
        record = records.get(key)
        if record is None:
            record = {
                "type": {
                    "MID": "message",
                    "ICID": "incoming_connection",
                    "DCID": "delivery_connection",
                }.get(key[0], "message"),
                "mid": ids.get("MID"),
                "icid": ids.get("ICID"),
                "dcid": ids.get("DCID"),
                "sender": None,
                "recipients": [],
                "remote": None,
                "events": [],
                "reason": None,
                "level": level.group(1) if level else None,
                "at": {},
                "lines": [number, number],
            }
            records[key] = record
            order.append(record)
        for kind, field in (("ICID", "icid"), ("DCID", "dcid")):
            if ids.get(kind) and not record[field]:
                record[field] = ids[kind]
        event = _event(text)
        record["events"].append(event)
        record["at"].setdefault(event, number)
        record["lines"][1] = number
        if level and level.group(1) in ("Warning", "Critical"):
            record["level"] = level.group(1)
        if aborted and record["reason"] is None:
            record["reason"] = aborted.group(2).strip() or None
        elif failed:
            record["remote"] = failed.group(2)
            record["reason"] = failed.group(3).strip() or None
        elif event in ("from", "to"):
            address = _ANGLE.search(text)
            if address:
                if event == "from":
                    record["sender"] = address.group(1)
                else:
                    record["recipients"].append(address.group(1))
        elif event == "connection_start":
            address = _ADDRESS.search(text)
            if address:
                record["remote"] = address.group(1)
        claimed.add(number)
    if not order:
        return []
    for record in order:
        record["problem"] = next(
            (e for e in _TROUBLE_ORDER if e in record["events"]), None
        )
    first, last = min(claimed), max(claimed)
    source = Source(
        kind=IRONPORT_MAIL_LOG, first_line=first, last_line=last, records=order
    )
    source.claimed = claimed
    return [source]


def _key(ids: dict) -> tuple[str, str]:
    # A message is the unit when the line names one; a connection otherwise.
    for kind in ("MID", "ICID", "DCID", "line"):
        if kind in ids:
            return kind, ids[kind]
    return "line", "0"
