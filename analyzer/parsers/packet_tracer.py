"""ASA `packet-tracer input IFACE PROTO SRC ... [detailed] [xml]`.

One record per packet-tracer run: the flow it was asked about (from the echoed
command when there is one), every phase (number, type, subtype, result, config
lines, additional information and the ASP rules it names, with what those lines
say: ``acls``, the access-lists its config lines name, and ``translations``,
``{"from", "to", "from_addr", "to_addr"}`` of each `Dynamic|Static translate A to
B` line, both absent when there are none), the Result block
(interfaces and their status, Action, Drop-reason, 9.x Drop-location and time
taken) and, pulled out for the rules, the VPN phases and the ``user_data`` values
that lead to `show asp table vpn-context`.

Layouts read: ASA 8.x (`src ip=`, no timings), 9.x (`src ip/id=`, `Elapsed time`,
`Time Taken`, `Drop-location`, `(vrfid:0)` after interface names), the `xml`
variant, commands typed in any case, phases left out of a paste ("…"), truncated
output, phases without a Subtype line, and the trace copied from the FMC (and FDM)
GUI: `Phase 1` headers without a colon, each phase's `Key: value` lines in any
order with Config and Additional Information on their key's line (the rule's
fields run together, a tab between them, the config lines with no break at all),
a `Result` block in words (`Drop Reason`, `Output Interface`), and the form's
fields (`Source IP value`, `Protocol`) above it naming the flow.
"""

from __future__ import annotations

import html
import re

from analyzer.parsers.common import to_int
from analyzer.registry import ASA_PACKET_TRACER
from analyzer.report import Source

KIND = ASA_PACKET_TRACER
COMMANDS = ("packet-tracer",)

_PHASE = re.compile(r"^phase\s*:\s*(\d{1,4})\s*$", re.IGNORECASE)
# The FMC GUI's trace: "Phase 1" and, after the phases, "Result", each alone.
_BARE_PHASE = re.compile(r"^phase\s+(\d{1,4})$", re.IGNORECASE)
# A phase's Additional Information on one line: the lookup words, then the rule
# fields, the tabs between them turned into runs of spaces.
_INFO_BREAK = re.compile(
    r"\s{3,}|\s*((?:forward|reverse) flow based lookup yields rule:)\s*", re.IGNORECASE
)
# The config lines of a GUI phase, run together: a new command starts where one of
# these words follows the last, with or without a space ("... globalaccess-list
# CSM_FW_ACL_ ...", "rule-id 268434432 access-list ...").
_CONFIG_START = re.compile(
    r"(?<=.)(?=(?:access-list|access-group|object network|object-group|nat \(|"
    r"class-map|policy-map|service-policy|route-map) \S)"
)
# The GUI form above the trace, naming the flow.
_FORM_FIELDS = {
    "source ip value": "src",
    "destination ip value": "dst",
    "protocol": "protocol",
    "source port": "src_port",
    "destination port": "dst_port",
    "icmp type": "icmp_type",
    "icmp code": "icmp_code",
}
_KEY = re.compile(r"^([A-Za-z][A-Za-z \-]{0,30}?)\s*:\s?(.*)$")
_IPV4 = re.compile(r"^(?:\d{1,3}\.){3}\d{1,3}$")
_NS = re.compile(r"(\d+)\s*ns\b", re.IGNORECASE)
_DROP_CODE = re.compile(r"^\(([^()]{1,60})\)\s*(.*)$")
_XML_PAIR = re.compile(r"<([A-Za-z][\w\-]{0,40})>([^<]{0,2000})</\1>")
_XML_OPEN = re.compile(r"^<([A-Za-z][\w\-]{0,40})>$")
_XML_BLOCKS = {"phase", "result", "config", "extra"}
_RULE_START = re.compile(r"^(in|out)\s+id=", re.IGNORECASE)
_TRUNCATION = {"…", "...", "....", "(...)", "[...]", "<snip>", "[snip]", "snip"}
# Typographic characters a device never prints; a line with them is someone's note.
_PROSE_CHARS = set("“”‘’—–")

_RESULT_KEYS = {
    "input-interface": "input_interface_result",
    "input-status": "input_status",
    "input-line-status": "input_line_status",
    "output-interface": "output_interface",
    "output-status": "output_status",
    "output-line-status": "output_line_status",
    "action": "action",
    "drop-reason": "drop_reason",
    "drop-location": "drop_location",
    "time taken": "time_taken",
    "time-taken": "time_taken",
    "drop-detail": "drop_location",
}
_FLAGS = {
    "detailed",
    "detail",
    "xml",
    "persist",
    "bypass-checks",
    "decrypted",
    "transmit",
}
_PORT_PROTOCOLS = {"tcp", "udp", "sctp"}


def parse(section) -> list[Source]:
    reader = _Reader(section)
    for index, line in enumerate(section.lines):
        reader.feed(index, line)
    reader.close_run()
    if not reader.runs:
        return []
    claimed = reader.claimed
    return [
        Source(
            kind=KIND,
            first_line=min(claimed),
            last_line=max(claimed),
            records=reader.runs,
            unparsed=sorted(reader.unread),
            claimed=claimed,
        )
    ]


def parse_command(command: str | None) -> dict:
    """The flow a `packet-tracer input ...` command asks about; empty when the
    command is not one."""
    if not command:
        return {}
    words = command.split("|", 1)[0].split()
    if len(words) < 2 or not (
        len(words[0]) >= 4 and "packet-tracer".startswith(words[0].lower())
    ):
        return {}
    flow: dict = {"command": command}
    args = words[1:]
    if args and "input".startswith(args[0].lower()) and len(args[0]) >= 2:
        args = args[1:]
    flags = [a.lower() for a in args if a.lower() in _FLAGS]
    args = [a for a in args if a.lower() not in _FLAGS]
    flow["detailed"] = any(f in ("detailed", "detail") for f in flags)
    flow["xml"] = "xml" in flags
    if not args:
        return flow
    flow["input_interface"] = args.pop(0)
    while len(args) >= 2 and args[0].lower() in ("vlan-id", "inline-tag", "sgt"):
        args = args[2:]
    if not args:
        return flow
    protocol = args.pop(0).lower()
    flow["protocol"] = protocol
    src, args = _take_address(args)
    flow["src"] = src
    if protocol in ("icmp", "icmp6"):
        if len(args) >= 1:
            flow["icmp_type"] = _int_or_text(args.pop(0))
        if len(args) >= 1:
            flow["icmp_code"] = _int_or_text(args.pop(0))
        # An identifier may sit between the code and the destination.
        if len(args) >= 2 and args[0].isdecimal():
            flow["icmp_ident"] = int(args.pop(0))
        flow["dst"], args = _take_address(args)
    elif protocol in _PORT_PROTOCOLS:
        if args:
            flow["src_port"] = _int_or_text(args.pop(0))
        flow["dst"], args = _take_address(args)
        if args:
            flow["dst_port"] = _int_or_text(args.pop(0))
    elif protocol == "rawip":
        if args:
            flow["ip_protocol"] = _int_or_text(args.pop(0))
        flow["dst"], args = _take_address(args)
    else:
        flow["dst"], args = _take_address(args)
    return {k: v for k, v in flow.items() if v is not None}


def _take_address(args: list[str]) -> tuple[str | None, list[str]]:
    if not args:
        return None, args
    word = args[0].lower()
    if word in ("user", "fqdn") and len(args) >= 2:
        return args[1], args[2:]
    if word == "security-group" and len(args) >= 3:
        return args[2], args[3:]
    # "10.10.15.15." as typed in a hurry: the address is what it was meant to be.
    return args[0].rstrip(".,;"), args[1:]


def _int_or_text(word: str):
    return int(word) if word.isdecimal() else word


def _is_prose(text: str) -> bool:
    if any(ch in _PROSE_CHARS for ch in text):
        return True
    words = text.split()
    return (
        len(words) > 12
        and text[-1] in ".:!?"
        and "=" not in text
        and not any(_IPV4.match(w.strip(",.;:()")) for w in words)
    )


def _rule_fields(text: str) -> dict:
    """`hits=2198, user_data=0x922fac, cs_id=0xd8c45e10, reverse, flags=0x0` as a
    dict; bare words (`reverse`, `use_real_addr`) map to True."""
    fields: dict = {}
    side = ""
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        if part.lower().startswith(("in ", "out ")) and "=" in part:
            direction, _, rest = part.partition(" ")
            fields["direction"] = direction.lower()
            part = rest.strip()
        key, eq, value = part.partition("=")
        key = key.strip()
        if not eq:
            if key and " " not in key:
                fields[key] = True
            continue
        # "src ip=10.0.0.0, mask=..., port=0": what follows belongs to that side.
        if " " in key:
            first, _, rest = key.partition(" ")
            if first in ("src", "dst"):
                side = first
                fields[side] = value.strip()
                fields[f"{side}_field"] = rest
                continue
            key = key.replace(" ", "_")
        fields[f"{side}_{key}" if side else key] = value.strip()
    return fields


class _Reader:
    def __init__(self, section):
        self.section = section
        self.flow = parse_command(section.command)
        self.runs: list[dict] = []
        self.claimed: set[int] = set()
        self.unread: set[int] = set()
        self.run: dict | None = None
        self.phase: dict | None = None
        self.part: str | None = None  # "config" | "info" | "result" | "closed"
        self.rule: dict | None = None
        self.lookup: str | None = None
        self.pending_truncation: int | None = None
        self.xml_result = False
        # The GUI form's fields seen before the first phase, and their lines.
        self.form: dict = {}
        self.form_lines: list[int] = []

    # -- runs and phases --------------------------------------------------
    def open_run(self, number: int) -> dict:
        self.close_run()
        flow = self.flow if not self.runs else {}
        if not flow and self.form:
            flow = self.form
            self.claimed.update(self.form_lines)
            number = min([number, *self.form_lines])
        self.form, self.form_lines = {}, []
        self.run = {
            "command": flow.get("command"),
            "input_interface": flow.get("input_interface"),
            "protocol": flow.get("protocol"),
            "src": flow.get("src"),
            "src_port": flow.get("src_port"),
            "dst": flow.get("dst"),
            "dst_port": flow.get("dst_port"),
            "phases": [],
            "action": None,
            "drop_reason": None,
            "drop_code": None,
            "drop_location": None,
            "time_taken_ns": None,
            "input_status": None,
            "input_line_status": None,
            "output_interface": None,
            "output_status": None,
            "output_line_status": None,
            "vpn_phases": [],
            "user_data": [],
            "truncated": False,
            "lines": [number, number],
            "at": {},
        }
        for key in ("icmp_type", "icmp_code", "icmp_ident", "ip_protocol"):
            if key in flow:
                self.run[key] = flow[key]
        if flow.get("detailed") is not None:
            self.run["detailed"] = flow["detailed"]
        if self.pending_truncation is not None:
            self.run["truncated"] = True
            self.run["lines"][0] = self.pending_truncation
            self.pending_truncation = None
        return self.run

    def close_run(self):
        self.close_phase()
        run = self.run
        if run is None:
            return
        self.run = None
        if not run["phases"] and run["action"] is None:
            # Only "Phase N" headers that no phase field followed: a heading in
            # someone's notes, not a trace.
            return
        numbers = [p["number"] for p in run["phases"]]
        if numbers and numbers[0] != 1:
            run["truncated"] = True
        if numbers and any(
            b != a + 1 for a, b in zip(numbers, numbers[1:], strict=False)
        ):
            run["truncated"] = True
        if run["action"] is None:
            run["truncated"] = True
        if run["input_interface"] is None and run.get("input_interface_result"):
            run["input_interface"] = run["input_interface_result"]
        run.pop("input_interface_result", None)
        for phase in run["phases"]:
            _phase_facts(phase)
            for rule in phase["rules"]:
                value = rule.get("user_data")
                if value and value not in run["user_data"]:
                    run["user_data"].append(value)
            if phase["type"].upper() == "VPN" or any(
                r.get("domain") in ("encrypt", "ipsec-tunnel-flow")
                for r in phase["rules"]
            ):
                user_data = [
                    r["user_data"] for r in phase["rules"] if r.get("user_data")
                ]
                run["vpn_phases"].append(
                    {
                        "number": phase["number"],
                        "subtype": phase["subtype"],
                        "result": phase["result"],
                        "user_data": user_data[0] if user_data else None,
                        "lines": phase["lines"],
                        "at": dict(phase["at"]),
                    }
                )
        self.runs.append(run)

    def open_phase(self, number: int, lineno: int, bare: bool = False):
        if self.run is None or (
            self.part == "result"
            or self.run["action"] is not None
            or (self.run["phases"] and number <= self.run["phases"][-1]["number"])
        ):
            self.open_run(lineno)
        self.close_phase()
        self.phase = {
            "number": number,
            "type": "",
            "subtype": "",
            "result": None,
            "elapsed_ns": None,
            "config": [],
            "info": [],
            "rules": [],
            "lines": [lineno, lineno],
            "at": {"phase": lineno},
        }
        if bare:
            self.phase["bare"] = True
        self.part = None
        self.rule = None
        self.lookup = None

    def close_phase(self):
        phase = self.phase
        if phase is not None and self.run is not None:
            if phase.pop("bare", False) and not phase["type"]:
                # A "Phase N" line that no Type followed is not a GUI phase.
                self.claimed.discard(phase["at"]["phase"])
            else:
                self.run["phases"].append(phase)
        self.phase = None
        self.rule = None

    def take(self, lineno: int):
        self.claimed.add(lineno)
        if self.run is not None:
            self.run["lines"][1] = max(self.run["lines"][1], lineno)
        if self.phase is not None:
            self.phase["lines"][1] = lineno

    # -- lines --------------------------------------------------------------
    def feed(self, index: int, raw: str):
        lineno = self.section.numbers[index]
        line = raw.strip()
        if not line:
            if self.run is not None and self.part != "closed":
                self.claimed.add(lineno)
            return
        if line in _TRUNCATION:
            self.claimed.add(lineno)
            if self.run is not None:
                self.run["truncated"] = True
            else:
                self.pending_truncation = lineno
            return
        if line.startswith("<"):
            if self.feed_xml(line, lineno):
                return
        elif line.endswith(("</config>", "</extra>")) and self.phase is not None:
            # XML text that runs into its closing tag.
            text = line.rsplit("<", 1)[0].strip()
            if text:
                self.feed_body(text, lineno)
            self.part = None
            self.take(lineno)
            return
        match = _PHASE.match(line)
        if match:
            self.open_phase(int(match.group(1)), lineno)
            self.take(lineno)
            return
        match = _BARE_PHASE.match(line)
        if match:
            self.open_phase(int(match.group(1)), lineno, bare=True)
            self.take(lineno)
            return
        if (
            line.lower() == "result"
            and self.phase is not None
            and self.phase.get("bare")
        ):
            self.close_phase()
            self.part = "result"
            self.take(lineno)
            return
        key_match = _KEY.match(line)
        key = key_match.group(1).strip().lower() if key_match else ""
        value = key_match.group(2).strip() if key_match else ""
        if self.run is None and key in _FORM_FIELDS and value:
            self.feed_form(key, value, lineno)
            return
        if self.phase is not None and self.phase.get("bare"):
            if self.feed_field(key, value, lineno):
                return
            self.unread.add(lineno)
            return
        if self.run is None:
            # Output whose beginning was cut off: the Result block still says
            # which way the packet went.
            if key in ("input-interface", "drop-reason") or (
                key == "action" and self.flow
            ):
                self.open_run(lineno)
                self.part = "result"
            else:
                return
        if key == "result" and not value:
            self.close_phase()
            self.part = "result"
            self.take(lineno)
            return
        if self.part == "result":
            if self.feed_result(key, value, lineno):
                return
            self.unread.add(lineno)
            self.part = "closed"
            return
        if self.phase is None or self.part == "closed":
            return
        if key == "type" and self.part is None:
            self.phase["type"] = value.upper()
        elif key == "subtype" and self.part is None:
            self.phase["subtype"] = value
        elif key == "result" and self.part is None:
            self.phase["result"] = value.upper() or None
            self.phase["at"]["result"] = lineno
        elif key == "elapsed time":
            self.phase["elapsed_ns"] = _ns(value)
        elif key == "config" and not value:
            self.part = "config"
        elif key == "additional information" and not value:
            self.part = "info"
        elif self.part in ("config", "info"):
            if _is_prose(line):
                self.unread.add(lineno)
                self.part = "closed"
                return
            self.feed_body(line, lineno)
        else:
            self.unread.add(lineno)
            return
        self.take(lineno)

    def feed_body(self, line: str, lineno: int):
        phase = self.phase
        if self.part == "config":
            phase["config"].append(line)
            return
        lowered = line.lower()
        if "flow based lookup yields rule" in lowered:
            self.lookup = "reverse" if lowered.startswith("reverse") else "forward"
            phase["info"].append(line)
            return
        if _RULE_START.match(line):
            self.rule = _rule_fields(line)
            self.rule["lookup"] = self.lookup
            self.rule["lines"] = [lineno, lineno]
            phase["rules"].append(self.rule)
            phase["info"].append(line)
            return
        if self.rule is not None and "=" in line:
            fields = _rule_fields(line)
            for key, value in fields.items():
                self.rule.setdefault(key, value)
            self.rule["lines"][1] = lineno
            if "user_data" in fields:
                phase["at"].setdefault("user_data", lineno)
            phase["info"].append(line)
            return
        self.rule = None
        phase["info"].append(line)

    def feed_form(self, key: str, value: str, lineno: int):
        """`Source IP value: 198.18.6.6`, `Protocol: ICMP`, `ICMP Type: 8 (Echo
        Request)`: the flow the GUI trace was run for."""
        field = _FORM_FIELDS[key]
        word = value.split()[0]
        if field in ("src", "dst") and not _IPV4.match(word):
            return
        if field == "protocol":
            word = word.lower()
        elif field in ("src_port", "dst_port", "icmp_type", "icmp_code"):
            word = _int_or_text(word)
        self.form[field] = word
        self.form_lines.append(lineno)

    def feed_field(self, key: str, value: str, lineno: int) -> bool:
        """A line of a GUI phase: any field in any order, Config and Additional
        Information with their text on the same line."""
        phase = self.phase
        if key == "type":
            phase["type"] = value.upper()
        elif key == "subtype":
            phase["subtype"] = value
        elif key == "result":
            phase["result"] = value.upper() or None
            phase["at"]["result"] = lineno
        elif key == "elapsed time":
            phase["elapsed_ns"] = _ns(value)
        elif key == "id":
            pass
        elif key == "config":
            phase["config"].extend(
                piece.strip() for piece in _CONFIG_START.split(value) if piece.strip()
            )
        elif key == "additional information":
            self.part, self.rule, self.lookup = "info", None, None
            for piece in _INFO_BREAK.split(value):
                if piece and piece.strip():
                    self.feed_body(piece.strip(), lineno)
            self.part = None
        else:
            return False
        self.take(lineno)
        return True

    def feed_result(self, key: str, value: str, lineno: int) -> bool:
        run = self.run
        field = _RESULT_KEYS.get(key) or _RESULT_KEYS.get(key.replace(" ", "-"))
        if field is None:
            return False
        if field == "drop_location":
            # The GUI's "Drop Detail: Drop-location: frame 0x... flow (NA)/NA".
            value = re.sub(r"^drop-location:\s*", "", value, flags=re.IGNORECASE)
        if field in ("input_interface_result", "output_interface"):
            value = value.split("(", 1)[0].strip()
        if field == "action":
            value = value.lower()
        if field == "drop_reason":
            reason, sep, location = value.partition(", Drop-location:")
            if not sep:
                reason, sep, location = value.partition(", drop-location:")
            value = reason.strip()
            code = _DROP_CODE.match(value)
            run["drop_code"] = code.group(1).strip() if code else None
            if sep:
                run["drop_location"] = location.strip()
        if field == "time_taken":
            run["time_taken_ns"] = _ns(value)
        else:
            run[field] = value or None
        run["at"][field.removesuffix("_result")] = lineno
        self.take(lineno)
        return True

    def open_xml_result(self, lineno: int):
        self.close_phase()
        self.xml_result = True
        if self.run is None:
            self.open_run(lineno)
        self.part = "result"

    def feed_xml(self, line: str, lineno: int) -> bool:
        pairs = _XML_PAIR.findall(line)
        opened = _XML_OPEN.match(line)
        if not pairs and not (opened and opened.group(1).lower() in _XML_BLOCKS):
            if not line.lower().startswith(
                ("</config>", "</extra>", "</result>", "</phase>")
            ):
                return False
        if opened:
            tag = opened.group(1).lower()
            if tag == "phase":
                self.xml_result = False
                self.claimed.add(lineno)
            elif tag == "result":
                self.open_xml_result(lineno)
            elif tag in ("config", "extra") and self.phase is not None:
                # The element's text follows on lines of its own.
                self.part = "config" if tag == "config" else "info"
        elif line.lower() in ("</config>", "</extra>") and self.phase is not None:
            self.part = None
        elif line.lower() == "</result>" and self.xml_result:
            self.xml_result = False
            self.part = "closed"
        elif line.lower().startswith("<result><"):
            self.open_xml_result(lineno)
        for tag, raw_value in pairs:
            tag = tag.lower()
            value = html.unescape(raw_value).strip()
            if tag == "id" and value.isdecimal():
                self.open_phase(int(value), lineno)
                self.part = None
            elif self.xml_result and tag in _RESULT_KEYS:
                self.feed_result(tag, value, lineno)
            elif self.phase is not None and tag == "type":
                self.phase["type"] = value.upper()
            elif self.phase is not None and tag == "subtype":
                self.phase["subtype"] = value
            elif self.phase is not None and tag == "result":
                self.phase["result"] = value.upper() or None
                self.phase["at"]["result"] = lineno
            elif self.phase is not None and tag == "config":
                self.phase["config"].extend(v for v in value.splitlines() if v.strip())
            elif self.phase is not None and tag == "extra":
                self.part = "info"
                for piece in value.splitlines():
                    if piece.strip():
                        self.feed_body(piece.strip(), lineno)
                self.part = None
            elif self.phase is not None and tag in ("elapsed-time", "elapsed_time"):
                self.phase["elapsed_ns"] = _ns(value) or to_int(value)
        if self.run is None:
            return False
        self.take(lineno)
        return True


def _phase_facts(phase: dict) -> None:
    """What a phase's config and information lines say, as fields: the
    access-lists named by its `access-group`/`access-list` lines, and the
    translations its information prints ("Dynamic translate 10.0.0.1/1025 to
    203.0.113.2/1025")."""
    acls: list[str] = []
    for line in phase["config"]:
        words = line.split()
        if (
            len(words) >= 2
            and words[0] in ("access-group", "access-list")
            and words[1] not in acls
        ):
            acls.append(words[1])
    if acls:
        phase["acls"] = acls
    translations = []
    for line in phase["info"]:
        words = line.split()
        if len(words) == 5 and words[1] == "translate" and words[3] == "to":
            translations.append(
                {
                    "from": words[2],
                    "to": words[4],
                    "from_addr": words[2].split("/")[0],
                    "to_addr": words[4].split("/")[0],
                }
            )
    if translations:
        phase["translations"] = translations


def _ns(value: str) -> int | None:
    match = _NS.search(value)
    if match:
        return int(match.group(1))
    return to_int(value)
