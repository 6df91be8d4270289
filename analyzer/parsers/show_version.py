"""`show version` on ASA/PIX/FWSM, IOS and IOS-XE.

One record per output: ``platform`` ("asa", "pix", "fwsm", "ios" or "iosxe"),
``version`` as printed ("8.4(4)1", "15.0(1)M3", "17.03.04a"), ``version_tuple``
(major, minor, maintenance, interim) for comparisons, ``hardware``, ``hostname``,
``uptime``, ``image``, ``rom``, ``config_register``, ``fxos`` (Firepower chassis
software, when the ASA runs on one) and ``license`` (the platform licence line).

The version helpers here (``parse_version``, ``version_at_least``) are what the
rules use wherever a behaviour depends on the release.
"""

from __future__ import annotations

import re

from analyzer.registry import ASA_SHOW_VERSION, IOS_SHOW_VERSION
from analyzer.report import Source

COMMANDS = ("show version",)

# "8.4(4)1", "9.8(4)20", "9.1(5.12)", "15.0(1)M3", "12.3(8r)YH13", "12.4(24)T8"
_PAREN_VERSION = re.compile(
    r"(\d{1,3})\.(\d{1,3})\((\d{1,4})(?:\.(\d{1,4}))?[a-z]?\)([A-Za-z]{0,6})(\d{0,4})"
)
# "17.03.04a", "16.9.5", "03.16.05.S", "9.16.3.19"
_DOTTED_VERSION = re.compile(r"(\d{1,3})\.(\d{1,3})\.(\d{1,4})(?:\.(\d{1,4}))?")

_ASA_HEADS = (
    ("Cisco Adaptive Security Appliance Software Version ", "asa"),
    ("Cisco PIX Security Appliance Software Version ", "pix"),
    ("Cisco PIX Firewall Version ", "pix"),
    ("FWSM Firewall Version ", "fwsm"),
)


def parse_version(text: str | None) -> tuple[int, int, int, int] | None:
    """(major, minor, maintenance, interim) from a Cisco version string, or None.

    ASA interim builds print as "8.4(4)1" or "9.1(5.12)"; IOS rebuilds as the
    digits after the train letters ("15.0(1)M3" -> 3); IOS-XE is dotted
    ("17.03.04a" -> (17, 3, 4, 0)).
    """
    if not text:
        return None
    text = text.strip()[:40]
    m = _PAREN_VERSION.match(text)
    if m:
        interim = m.group(4) or m.group(6) or "0"
        return (int(m.group(1)), int(m.group(2)), int(m.group(3)), int(interim))
    m = _DOTTED_VERSION.match(text)
    if m:
        return (
            int(m.group(1)),
            int(m.group(2)),
            int(m.group(3)),
            int(m.group(4) or 0),
        )
    m = re.match(r"(\d{1,3})\.(\d{1,3})", text)
    if m:
        return (int(m.group(1)), int(m.group(2)), 0, 0)
    return None


def version_at_least(version, minimum) -> bool:
    """True when ``version`` (a string or tuple) is ``minimum`` or later.
    ``minimum`` may be shorter ("8.3" as (8, 3)); missing parts count as 0."""
    if isinstance(version, str):
        version = parse_version(version)
    if version is None:
        return False
    if isinstance(minimum, str):
        minimum = parse_version(minimum)
    padded = tuple(minimum) + (0,) * (4 - len(minimum))
    return tuple(version) >= padded


def version_token(text: str) -> str:
    """The version word at the start of ``text`` ("8.4(4)1, RELEASE" -> "8.4(4)1")."""
    return text.strip().split(",")[0].split()[0] if text.strip() else ""


def _ios_version(line: str) -> str | None:
    at = line.find("Version ")
    if at < 0:
        return None
    word = version_token(line[at + 8 :])
    return word or None


def parse(section):
    lines = section.lines
    found: list[Source] = []
    record: dict | None = None
    first = last = 0
    for index, raw in enumerate(lines):
        line = raw.strip()
        if not line:
            continue
        number = section.numbers[index]
        head = _head(line)
        if head is not None:
            platform, version = head
            if (
                record is not None
                and record["platform"] in ("ios", "iosxe")
                and platform in ("ios", "iosxe")
                and number - last <= 3
            ):
                # IOS-XE prints "Cisco IOS XE Software, Version 17.03.04a" and then
                # the IOS banner of the same image: one device, keep reading.
                if platform == "iosxe":
                    record["platform"] = "iosxe"
                last = number
                continue
            if record is not None and _complete(record, section.command):
                found.append(_source(record, first, last))
            record = {
                "platform": platform,
                "version": version,
                "version_tuple": list(parse_version(version) or ()) or None,
                "hardware": None,
                "hostname": None,
                "uptime": None,
                "image": None,
                "rom": None,
                "config_register": None,
                "fxos": None,
                "license": None,
                "at": {"version": number},
            }
            first = last = number
            continue
        if record is None:
            continue
        if _read_detail(record, line, number):
            last = number
    if record is not None and _complete(record, section.command):
        found.append(_source(record, first, last))
    return found


def _head(line: str) -> tuple[str, str] | None:
    if not line.startswith(("Cisco ", "IOS (tm)", "FWSM ")):
        return None
    for prefix, platform in _ASA_HEADS:
        if line.startswith(prefix):
            return platform, version_token(line[len(prefix) :])
    if line.startswith("Cisco IOS XE Software") or line.startswith(
        "Cisco IOS-XE software"
    ):
        version = _ios_version(line)
        return ("iosxe", version) if version else None
    if (
        line.startswith("Cisco IOS Software")
        or line.startswith("IOS (tm)")
        or line.startswith("Cisco Internetwork Operating System Software")
    ):
        version = _ios_version(line)
        if version is None:
            return None
        platform = "iosxe" if "IOS-XE Software" in line or "IOSXE" in line else "ios"
        return platform, version
    return None


def _read_detail(record: dict, line: str, number: int) -> bool:
    at = record["at"]
    if line.startswith("Hardware:"):
        record["hardware"] = line.split(":", 1)[1].split(",")[0].strip()
        at["hardware"] = number
        return True
    if line.startswith("Firepower Extensible Operating System Version "):
        record["fxos"] = version_token(
            line[len("Firepower Extensible Operating System Version ") :]
        )
        return True
    if line.startswith("System image file is "):
        record["image"] = line[len("System image file is ") :].strip().strip('"')
        return True
    if line.startswith("ROM: ") or line.startswith("BOOTLDR: "):
        rom = line.split(":", 1)[1].strip()
        record["rom"] = _ios_version(rom) or rom
        return True
    if line.startswith("Configuration register is "):
        # "Configuration register is 0x2102 (will be 0x2142 at next reload)"
        words = line.split()
        record["config_register"] = words[3] if len(words) > 3 else None
        at["config_register"] = number
        if "(will be " in line and len(words) > 6:
            record["config_register_next"] = words[6]
        return True
    if " uptime is " in line:
        host, _, uptime = line.partition(" uptime is ")
        record["hostname"] = host.strip() or None
        record["uptime"] = uptime.strip()
        at["uptime"] = number
        return True
    # ASA: "fw01 up 2 days 3 hours" (and "failover cluster up ..." after it).
    words = line.split()
    if (
        record["platform"] in ("asa", "pix", "fwsm")
        and len(words) >= 3
        and words[1] == "up"
        and words[2][:1].isdecimal()
    ):
        if record["hostname"] is None and words[0] != "failover":
            record["hostname"] = words[0]
            record["uptime"] = " ".join(words[2:])
            at["uptime"] = number
        return True
    if line.startswith("This platform has ") and "license" in line.lower():
        record["license"] = line[len("This platform has ") :].rstrip(".")
        return True
    if record["platform"] in ("ios", "iosxe") and record["hardware"] is None:
        m = re.match(r"[Cc]isco (\S+) \(([^)]{1,40})\) processor", line)
        if m:
            record["hardware"] = m.group(1)
            at["hardware"] = number
            return True
    return bool(
        line.startswith(
            (
                "Compiled ",
                "Device Manager Version",
                "Config file at boot",
                "Technical Support:",
                "Copyright (c)",
                "Serial Number:",
                "Running Activation Key",
                "Running Permanent Activation Key",
                "Licensed features",
                "Configuration last modified",
                "Processor board ID",
                "System returned to ROM",
                "Last reload reason",
                "Encryption hardware device",
            )
        )
    )


def _complete(record: dict, command: str | None) -> bool:
    """A banner seen in passing (a boot log prints the IOS banner too) is not
    `show version` output unless the command said so or the uptime line is there."""
    return bool(command) or record["uptime"] is not None or record["image"] is not None


def _source(record: dict, first: int, last: int) -> Source:
    kind = (
        ASA_SHOW_VERSION
        if record["platform"] in ("asa", "pix", "fwsm")
        else IOS_SHOW_VERSION
    )
    record["lines"] = [first, last]
    return Source(kind=kind, first_line=first, last_line=last, records=[record])
