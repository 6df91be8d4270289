"""Router boot output and ROMMON sessions (IOS platforms).

Kind ``ios.boot``, one record per boot sequence:

- ``bootstrap_version``: from "System Bootstrap, Version 12.3(8r)YH13, …"
- ``platform``: "C1800" from "C1800 platform with … memory"
- ``password_recovery_disabled``: True when the ROM monitor or IOS says so
  ("PASSWORD RECOVERY FUNCTIONALITY IS DISABLED", "PASSWORD RECOVERY IS DISABLED.")
- ``break_window``: seconds of the "[ 5 Second window begins here to send BREAK ]"
  notice (IOS with `no service password-recovery` prints it), else None
- ``break_received``: True when the boot shows a break was caught
- ``factory_reset_offered`` / ``factory_reset_answer`` ("y"/"n") /
  ``factory_reset_done``: the "reset the router to factory default" dialogue
- ``ios_version``: from the "Cisco IOS Software, … Version 15.0(1)M3" banner
- ``rommon_commands``: commands typed at "rommon N >" prompts
- ``confreg``: configuration register values set or reported ("0x2142")
- ``at``: field -> line number of the evidence

Boot logs often arrive glued together (lost line breaks), so markers are looked
for anywhere in a line, not only at its start.
"""

from __future__ import annotations

import re

from analyzer.registry import IOS_BOOT
from analyzer.report import Source

COMMANDS = ()

_BOOTSTRAP = re.compile(r"System Bootstrap, Version ([^,\s]{1,40})")
_PLATFORM = re.compile(r"\b(\S{1,20}) platform with \d{1,10} Kbytes")
_BREAK_WINDOW = re.compile(
    r"\[\s*(\d{1,3}) Second window begins here to send BREAK\s*\]"
)
_IOS_BANNER = re.compile(r"Cisco IOS Software,? .{0,120}?Version ([^,\s]{1,40})")
_ROMMON = re.compile(r"^rommon (\d{1,4}) ?> ?(.{0,200})$")
_CONFREG = re.compile(
    r"\b(?:confreg|[Cc]onfiguration register is)\s+(0x[0-9A-Fa-f]{1,4})"
)
_SYSLOG = re.compile(
    r"(?:^|\s|\*)\w{3} {1,2}\d{1,2} [\d:.]{5,15}: %|: %[A-Z0-9_]{2,30}-\d-"
)

_TAIL = 60
_BANNER_FOLLOWERS = ("Technical Support:", "Copyright (c)", "Compiled ")

# Pieces of text that only a boot or ROMMON session prints.
_MARKERS = (
    "System Bootstrap, Version",
    "PASSWORD RECOVERY",
    "Second window begins here to send BREAK",
    "program load complete, entry point",
    "Self decompressing the image",
    "Readonly ROMMON initialized",
    "reset the router to factory default",
    "Reset router configuration to factory default",
    'monitor: command "boot" aborted',
    "System received an abort due to Break Key",
    "Initializing ATA monitor library",
    "Restricted Rights Legend",
    "Press RETURN to get started",
    "You must reset or power cycle for new config to take effect",
)


_MARKER = re.compile("|".join(re.escape(marker) for marker in _MARKERS))


def _is_boot_line(line: str) -> bool:
    if line.startswith("rommon ") and _ROMMON.match(line):
        return True
    # One scan of the line for all the markers, rather than one per marker.
    return _MARKER.search(line) is not None


def parse(section):
    lines = section.lines
    hits = [i for i, line in enumerate(lines) if line and _is_boot_line(line[:600])]
    if not hits:
        return []
    first_index, last_index = hits[0], hits[-1]
    record = {
        "bootstrap_version": None,
        "platform": None,
        "password_recovery_disabled": False,
        "break_window": None,
        "break_received": False,
        "factory_reset_offered": False,
        "factory_reset_answer": None,
        "factory_reset_done": False,
        "ios_version": None,
        "rommon_commands": [],
        "confreg": [],
        "at": {},
    }
    at = record["at"]
    claimed: set[int] = set()
    awaiting_answer = False
    # What follows the last marker (legal notices, the hardware inventory, SETUP
    # lines) is still the boot until the first syslog message; after that only
    # the IOS banner, which a restart prints again, is read.
    state = "boot"
    for index in range(first_index, len(lines)):
        line = lines[index][:600]
        if not line:
            continue
        number = section.numbers[index]
        if state == "boot" and index > last_index + _TAIL:
            state = "after"
        if _SYSLOG.search(line):
            if index > last_index:
                state = "after"
            continue  # the syslog reader owns these
        if state == "after" and not (
            _IOS_BANNER.search(line) or line.startswith(_BANNER_FOLLOWERS)
        ):
            continue
        claimed.add(number)
        m = _BOOTSTRAP.search(line)
        if m and record["bootstrap_version"] is None:
            record["bootstrap_version"] = m.group(1)
            at["bootstrap_version"] = number
        m = _PLATFORM.search(line)
        if m and record["platform"] is None:
            record["platform"] = m.group(1)
        if "PASSWORD RECOVERY" in line and "DISABLED" in line:
            record["password_recovery_disabled"] = True
            at.setdefault("password_recovery_disabled", number)
        m = _BREAK_WINDOW.search(line)
        if m:
            record["break_window"] = int(m.group(1))
            at["break_window"] = number
        if "abort due to Break Key" in line or 'command "boot" aborted' in line:
            record["break_received"] = True
            at["break_received"] = number
        if "reset the router to factory default" in line:
            record["factory_reset_offered"] = True
            at["factory_reset_offered"] = number
            awaiting_answer = True
        if awaiting_answer and "[y/n]" in line:
            answer = line.rsplit("?", 1)[-1].strip().lower()[:1]
            if answer in ("y", "n"):
                record["factory_reset_answer"] = answer
                at["factory_reset_answer"] = number
            awaiting_answer = False
        if "Reset router configuration to factory default" in line:
            record["factory_reset_done"] = True
            at["factory_reset_done"] = number
        m = _IOS_BANNER.search(line)
        if m and record["ios_version"] is None:
            record["ios_version"] = m.group(1)
            at["ios_version"] = number
        m = _ROMMON.match(line)
        if m and m.group(2).strip():
            record["rommon_commands"].append(m.group(2).strip())
            at.setdefault("rommon", number)
        m = _CONFREG.search(line)
        if m:
            record["confreg"].append(m.group(1).lower())
            at.setdefault("confreg", number)
    if not claimed:
        return []
    first, last = min(claimed), max(claimed)
    record["lines"] = [first, last]
    source = Source(kind=IOS_BOOT, first_line=first, last_line=last, records=[record])
    source.claimed = claimed
    return [source]
