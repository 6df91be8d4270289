"""Every corpus file of `show logging` (ntc-templates ASA and IOS, genie IOS and
IOS-XE) and tcpdump's own IKE decodes read with the values their suites expect.

The suites name fields their own way; the mapping from tshoot's records to theirs
lives here, not in the parser.
"""

import ast
import re
from pathlib import Path

import pytest
import yaml

from analyzer.parsers import syslog, tcpdump
from analyzer.report import Section
from tests.conftest import CORPUS

NTC_ASA = sorted((CORPUS / "ntc/cisco_asa/show_logging").glob("*.raw"))
NTC_IOS = sorted((CORPUS / "ntc/cisco_ios/show_logging").glob("*.raw"))
GENIE = sorted((CORPUS / "genie").glob("*/ShowLogging/*_output.txt"))
TCPDUMP = sorted((CORPUS / "tcpdump").glob("*.txt"))

_STAMP = re.compile(
    r"^\*?(?:(?P<month>[A-Z][a-z]{2}) +(?P<day>\d{1,2}) (?:(?P<year>\d{4}) )?)?"
    r"(?P<time>[\d:.]+)(?: (?P<tz>[A-Z]{3,4}))?$"
)


def lines_of(path: Path) -> list[str]:
    text = path.read_bytes().decode("utf-8").replace("\r\n", "\n")
    lines = [line.rstrip() for line in text.split("\n")]
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def parse_logging(path: Path) -> tuple[dict | None, list[dict], list[str]]:
    lines = lines_of(path)
    section = Section(
        lines=lines, numbers=list(range(1, len(lines) + 1)), command="show logging"
    )
    status, messages = None, []
    for source in syslog.parse(section):
        if source.kind == "syslog.status":
            status = source.records[0]
        else:
            messages = source.records
    return status, messages, lines


def stamp(record: dict) -> dict:
    m = _STAMP.match(record.get("timestamp") or "")
    parts = m.groupdict() if m else {}
    return {
        key: (parts.get(key) or "") for key in ("month", "day", "year", "time", "tz")
    }


def ntc_expected(path: Path) -> list[dict]:
    return yaml.safe_load(path.with_suffix(".yml").read_text())["parsed_sample"]


def ntc_asa(record: dict) -> dict:
    when = stamp(record)
    return {
        "day": when["day"],
        "facility": record["facility"],
        "hostname": record.get("host") or "",
        "message": [record["text"], *record.get("more", [])],
        "mnemonic": record["message_id"],
        "month": when["month"],
        "severity": str(record["severity"]),
        "time": when["time"],
        "year": when["year"],
    }


def ntc_ios(record: dict) -> dict:
    when = stamp(record)
    severity = record.get("severity")
    prefix = (
        f"{record['facility']}-{severity}-"
        if severity is not None
        else f"{record['facility']}-"
    )
    return {
        "number": record.get("seq") or "",
        "month": when["month"],
        "day": when["day"],
        "time": when["time"],
        "timezone": when["tz"],
        "facility": record["facility"],
        "severity": "" if severity is None else str(severity),
        "mnemonic": record["message_id"][len(prefix) :],
        "message": [record["text"], *record.get("more", [])],
    }


@pytest.mark.parametrize("path", NTC_ASA, ids=lambda p: p.name)
def test_it_reads_ntc_asa_show_logging(path):
    """ntc-templates cisco_asa show_logging: every message with the template's values."""
    _, messages, _ = parse_logging(path)
    got = [ntc_asa(r) for r in messages if r.get("facility")]
    assert got == ntc_expected(path)


@pytest.mark.parametrize("path", NTC_IOS, ids=lambda p: p.name)
def test_it_reads_ntc_ios_show_logging(path):
    """ntc-templates cisco_ios show_logging: messages with sequence numbers, time
    zones, untagged FAC-MNEMONIC lines and wrapped continuation lines."""
    _, messages, _ = parse_logging(path)
    got = [ntc_ios(r) for r in messages if r.get("facility")]
    assert got == ntc_expected(path)


def genie_destination(dest: dict) -> dict:
    keep = ("status", "level", "messages_logged", "xml", "filtering")
    return {key: dest[key] for key in keep if key in dest}


def genie_persistent(dest: dict) -> dict:
    out = {"status": dest["status"]}
    for key in (
        "url",
        "disk_space_bytes",
        "file_size_bytes",
        "batch_size_bytes",
        "threshold_percent",
    ):
        if key in dest:
            out[key] = dest[key]
    names = {
        "alert": "threshold_alert",
        "immediate": "immediate_write",
        "protected": "protected",
        "notify": "notify",
    }
    for option in dest.get("options", []):
        out[names[option]] = "enabled"
    return out


def genie_host(host: dict) -> dict:
    keys = (
        "protocol",
        "port",
        "audit",
        "vrf",
        "link",
        "message_lines_logged",
        "message_lines_rate_limited",
        "message_lines_dropped_by_md",
        "xml",
        "sequence_number",
        "filtering",
        "authentication",
        "encryption",
    )
    return {key: host[key] for key in keys if key in host}


def genie_view(status: dict | None, messages: list[dict], lines: list[str]) -> dict:
    out: dict = {}
    if status is not None:
        if "syslog" in status:
            out["syslog_logging"] = {status["syslog"]: {"counters": status["counters"]}}
        logging: dict = {}
        for name, dest in status.get("destinations", {}).items():
            if name in ("console", "monitor", "buffer", "file"):
                logging[name] = genie_destination(dest)
            elif name == "exception":
                logging[name] = dest
            elif name == "persistent":
                logging[name] = genie_persistent(dest)
            elif name == "trap":
                if dest["status"] == "disabled":
                    logging["trap"] = {"status": "disabled"}
                else:
                    logging["trap"] = {
                        "level": dest["level"],
                        "message_lines_logged": dest["message_lines_logged"],
                    }
        if "count_and_timestamp" in status:
            logging["count_and_time_stamp_logging_messages"] = status[
                "count_and_timestamp"
            ]
        sources = list(status.get("source_interfaces") or [])
        # genie reads two-word lines it has no other pattern for as source
        # interfaces: the command echoed without a prompt, a host's TLS profile.
        if lines and lines[0].strip() == "show logging":
            sources.insert(0, {"interface": "show", "vrf": "logging"})
        for host in status.get("hosts", []):
            if "tls_profile" in host:
                sources.append(
                    {"interface": "tls-profile:", "vrf": host["tls_profile"]}
                )
        if sources:
            logging["trap"]["logging_source_interface"] = {
                s["interface"]: ({"vrf": s["vrf"]} if "vrf" in s else {})
                for s in sources
            }
        hosts = status.get("hosts") or []
        if hosts:
            logging["trap"]["logging_to"] = {h["address"]: genie_host(h) for h in hosts}
            if sources:
                # genie files the last source-interface line under the last host.
                last = sources[-1]
                name = last["interface"] + (f":{last['vrf']}" if "vrf" in last else "")
                logging["trap"]["logging_to"][hosts[-1]["address"]][
                    "logging_source_interface"
                ] = {"logging_configuration": name}
        if logging:
            out["logging"] = logging
        if "buffer_bytes" in status:
            out["log_buffer_bytes"] = status["buffer_bytes"]
        if status.get("tls_profiles"):
            out["tls_profiles"] = status["tls_profiles"]
    # genie files the message discriminator tables and the monitor's terminal
    # sessions under "logs", ahead of the buffer's lines.
    logs = []
    if status is not None:
        for kind, rows in status.get("discriminators", {}).items():
            if rows:
                logs.append(f"{kind.capitalize()} Message Discriminator:")
                logs.extend(rows)
        for dest in status.get("destinations", {}).values():
            logs.extend(
                f"Logging to: {session}" for session in dest.get("sessions", [])
            )
    logs.extend(lines[r["lines"][0] - 1].strip() for r in messages)
    if logs:
        out["logs"] = logs
    return out


def genie_expected(path: Path) -> dict:
    source = path.with_name(
        path.name.replace("_output.txt", "_expected.py")
    ).read_text()
    return ast.literal_eval(source.split("=", 1)[1].strip())


@pytest.mark.parametrize("path", GENIE, ids=lambda p: f"{p.parts[-3]}-{p.name}")
def test_it_reads_genie_show_logging(path):
    """genie ShowLogging (IOS and IOS-XE): the status block, remote hosts, source
    interfaces, TLS profiles, buffer size and every line of the buffer."""
    status, messages, lines = parse_logging(path)
    assert genie_view(status, messages, lines) == genie_expected(path)


# tcpdump's own decodes carry no expected values; these are the packets each file
# holds, counted by hand from the file: (protocol, a, b, a_to_b, b_to_a).
TCPDUMP_FLOWS = {
    "tcpdump_ikev2four.txt": [("ike", "192.168.1.2", "192.168.1.1", 11, 10)],
    "tcpdump_isakmp4_ikev1_mainmode_natt.txt": [
        ("ike", "192.1.2.254", "192.1.2.23", 2, 2),
        ("nat-t", "192.1.2.254", "192.1.2.23", 17, 6),
    ],
    "tcpdump_isakmp5-v_ikev1_mainmode_verbose.txt": [
        ("ike", "10.0.0.1", "10.0.0.2", 5, 4)
    ],
}


@pytest.mark.parametrize("path", TCPDUMP, ids=lambda p: p.name)
def test_it_reads_tcpdumps_own_ike_decodes(path):
    """Every packet of tcpdump's IKEv1, NAT-T and IKEv2 test decodes lands in a flow,
    and every line of the file is accounted for."""
    lines = lines_of(path)
    section = Section(
        lines=lines, numbers=list(range(1, len(lines) + 1)), command="tcpdump"
    )
    (source,) = tcpdump.parse(section)
    got = [
        (f["protocol"], f["a"], f["b"], f["a_to_b"], f["b_to_a"])
        for f in source.records
    ]
    assert got == TCPDUMP_FLOWS[path.name]
    assert source.claimed_lines() == set(range(1, len(lines) + 1)) - {
        n for n, line in enumerate(lines, 1) if not line.strip()
    }


def test_it_has_every_corpus_file_of_these_commands():
    """The corpus holds the files the tests above walk (a moved corpus fails here,
    not silently)."""
    assert (len(NTC_ASA), len(NTC_IOS), len(GENIE), len(TCPDUMP)) == (4, 5, 26, 3)
