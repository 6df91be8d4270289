"""SMTP test results as an online SMTP diagnostic (MXToolbox and alike) prints them:
the result table and the session transcript.

Kind ``smtp.test``, one record per test:

- ``tested``: the host named in the "smtp:<host>" heading
- ``server``: the address from "Connecting to …"
- ``banner``: the text after the 220 greeting; ``masked``: True when it is only
  asterisks (what an ASA with ESMTP inspection sends instead of the real one)
- ``banner_host``: the first word of an unmasked banner
- ``ehlo_host``: the name the server gave in its EHLO reply
- ``extensions``: the EHLO keywords; ``masked_extensions``: those replaced with
  X's (the ASA hides STARTTLS as "XXXXXXXA")
- ``tls_offered``: True/False from STARTTLS in the EHLO reply or the TLS check,
  None when neither is in the paste
- ``reverse_dns_match``: False when the reverse DNS check reports a mismatch
- ``checks``: [{"name", "status", "message", "line"}], status one of "ok",
  "warning", "failed", "error" or None when the paste lost it
"""

from __future__ import annotations

import re

from analyzer.registry import SMTP_TEST
from analyzer.report import Source

COMMANDS = ()

_TIMING = re.compile(r"\s*\[\d{1,7}\s?ms\]\s*$")
_CONNECTING = re.compile(r"^Connecting to (\S{1,100})")
# A manual session (`telnet host 25`): "Trying 203.0.113.25..." names the server.
_TRYING = re.compile(r"^Trying (\S{1,100}?)\.{3}$")
_TELNET_LINES = (
    "Connected to ",
    "Escape character is ",
    "Connection closed by foreign host",
    "Connection to ",
)
_REPLY = re.compile(r"^(\d{3})([ -])(.{0,400})$")
_CHECK_NAMES = (
    "SMTP Reverse DNS Mismatch",
    "SMTP Valid Hostname",
    "SMTP TLS",
    "SMTP Connection Time",
    "SMTP Open Relay",
    "SMTP Transaction Time",
    "SMTP Banner Check",
    "SMTP Blacklist",
    "SMTP Reverse DNS",
    "SMTP Server Disconnected",
    "SMTP Connection",
)
_STATUS_WORDS = {
    "ok": "ok",
    "passed": "ok",
    "pass": "ok",
    "warning": "warning",
    "warn": "warning",
    "failed": "failed",
    "fail": "failed",
    "error": "error",
    "timeout": "error",
}
_ICONS = {
    "\u2713": "ok",  # check mark
    "\u2714": "ok",
    "\u2705": "ok",
    "\u274c": "failed",  # cross mark
    "\u2717": "failed",
    "\u2716": "failed",
    "\u26a0": "warning",  # warning sign
}
_DASHES = "-\u2013\u2014"


def _strip_icons(text: str) -> tuple[str, str | None]:
    status = None
    text = text.strip()
    while text and (text[0] in _ICONS or text[0] in "\ufe0f "):
        status = _ICONS.get(text[0], status)
        text = text[1:]
    return text.strip(), status


def _read_check(line: str):
    text, icon_status = _strip_icons(line)
    status = icon_status
    lead = text.split(None, 1)
    # A "Status" column before the name: "Warning  SMTP TLS  Does not support TLS"
    if lead and lead[0].lower() in _STATUS_WORDS and len(lead) > 1:
        status = _STATUS_WORDS[lead[0].lower()]
        text = lead[1].strip()
    name = next((n for n in _CHECK_NAMES if text.startswith(n)), None)
    if name is None:
        return None
    rest = text[len(name) :]
    if rest and rest[0] not in " \t" + _DASHES:
        return None
    rest = rest.strip(" \t" + _DASHES)
    first = rest.split(None, 1)
    if first:
        word = first[0].strip(_DASHES + ":,.").lower()
        if word in _STATUS_WORDS:
            status = _STATUS_WORDS[word]
            rest = first[1].strip(" \t" + _DASHES) if len(first) > 1 else ""
    rest = rest.replace("More Info", "").strip()
    if status is None:
        # The status column is often an image that does not survive copying; the
        # message still says which way the check went.
        lower = rest.lower()
        if lower.startswith("ok") or lower.startswith("good"):
            status = "ok"
        elif any(w in lower for w in ("does not", "not support", "mismatch", "failed")):
            status = "warning"
    return {"name": name, "status": status, "message": rest or None}


# Every line this parser reads begins with a reply code, a status icon, or one of
# these words (lower-cased): check names, status words, client commands, headings.
_FIRST = frozenset("0123456789\ufe0f") | frozenset(_ICONS)
_STARTS = (
    "connecting",
    "smtp",
    "test",
    "session",
    "ehlo",
    "helo",
    "mail from",
    "rcpt to",
    "quit",
    "rset",
    "starttls",
    "data",
    "lookupserver",
    "mxtoolbox",
    "mxrep",
    "ok",
    "pass",
    "warn",
    "fail",
    "error",
    "timeout",
    "trying",
    "connected to",
    "escape char",
    "connection ",
)
# Headings and page debris of the copied result page.
_PAGE_LINES = ("SMTP Diagnostics", "Session Transcript", "MxRep:", "Test\tResult")


def parse(section):
    record: dict | None = None
    claimed: set[int] = set()
    stage = None
    first_chars = _FIRST
    headings: list[int] = []
    for index, raw in enumerate(section.lines):
        line = raw.strip()
        if (
            not line
            or len(line) > 600
            or (
                line[0] not in first_chars and not line[:14].lower().startswith(_STARTS)
            )
        ):
            continue
        number = section.numbers[index]
        if record is None:
            record = _new()
        connecting = _CONNECTING.match(line) or _TRYING.match(line)
        if connecting:
            record["server"] = connecting.group(1)
            claimed.add(number)
            stage = "banner"
            continue
        if stage is not None and line.startswith(_TELNET_LINES):
            claimed.add(number)
            continue
        check = _read_check(line)
        if check is not None:
            check["line"] = number
            record["checks"].append(check)
            claimed.add(number)
            continue
        text = _TIMING.sub("", line)
        reply = _REPLY.match(text)
        if reply and (stage is not None or reply.group(1) == "220"):
            code, more, body = reply.groups()
            claimed.add(number)
            if code == "220" and record["banner"] is None:
                record["banner"] = body.strip()
                record["at"]["banner"] = number
                stage = "banner"
            elif code == "250" and stage == "ehlo":
                _read_ehlo(record, body.strip(), number)
                if more == " ":
                    stage = "after"
            continue
        upper = text.upper()
        if stage is not None and upper.startswith(("EHLO ", "HELO ")):
            stage = "ehlo"
            claimed.add(number)
            continue
        if stage is not None and upper.startswith(
            ("MAIL FROM", "RCPT TO", "QUIT", "RSET", "STARTTLS", "DATA")
        ):
            stage = "after"
            claimed.add(number)
            continue
        if stage is not None and (
            upper.startswith("LOOKUPSERVER") or upper.startswith("MXTOOLBOX")
        ):
            claimed.add(number)
            continue
        if line.startswith("smtp:") and " " not in line and record["tested"] is None:
            record["tested"] = line[5:]
            claimed.add(number)
        elif line.split() in (["Test", "Result"], ["Session", "Transcript"]):
            claimed.add(number)
        elif line.startswith(_PAGE_LINES):
            headings.append(number)
    if record is None or not claimed:
        return []
    if not record["checks"] and not (
        record["banner"] is not None and (record["server"] or record["ehlo_host"])
    ):
        return []
    _conclude(record)
    claimed.update(headings)
    first, last = min(claimed), max(claimed)
    record["lines"] = [first, last]
    source = Source(kind=SMTP_TEST, first_line=first, last_line=last, records=[record])
    source.claimed = claimed
    return [source]


def _new() -> dict:
    return {
        "tested": None,
        "server": None,
        "banner": None,
        "masked": False,
        "banner_host": None,
        "ehlo_host": None,
        "extensions": [],
        "masked_extensions": [],
        "tls_offered": None,
        "reverse_dns_match": None,
        "checks": [],
        "at": {},
    }


def _read_ehlo(record: dict, body: str, number: int) -> None:
    if record["ehlo_host"] is None and not record["extensions"]:
        record["ehlo_host"] = body.split()[0] if body.split() else None
        return
    keyword = body.split()[0] if body.split() else ""
    if not keyword:
        return
    upper = keyword.upper()
    # The ASA blanks each extension it hides to X's and one letter: XXXXXXXA
    # (STARTTLS as a rule), XXXXXXXB, XXXXXXXC...
    if upper.startswith("XXX") and set(upper[:-1]) == {"X"} and upper[-1].isalpha():
        record["masked_extensions"].append(keyword)
        record["at"].setdefault("masked_extensions", number)
    elif keyword.upper() != "OK":
        record["extensions"].append(keyword.upper())


def _conclude(record: dict) -> None:
    banner = record["banner"]
    if banner is not None:
        first = banner.split()[0] if banner.split() else ""
        record["masked"] = bool(first) and set(first) == {"*"}
        if not record["masked"] and first and first[0].isalnum():
            record["banner_host"] = first
    if record["extensions"] or record["masked_extensions"]:
        record["tls_offered"] = "STARTTLS" in record["extensions"]
    for check in record["checks"]:
        if check["name"] == "SMTP TLS" and check["status"] in ("warning", "failed"):
            record["tls_offered"] = False
        elif check["name"] == "SMTP TLS" and check["status"] == "ok":
            record["tls_offered"] = record["tls_offered"] is not False
        if check["name"] == "SMTP Reverse DNS Mismatch":
            record["reverse_dns_match"] = check["status"] == "ok"
        elif check["name"] == "SMTP Banner Check" and check["status"] == "ok":
            record["reverse_dns_match"] = True
