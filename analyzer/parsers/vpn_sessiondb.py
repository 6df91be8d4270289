"""ASA `show vpn-sessiondb ...`: the per-session listings and the summary.

Sessions (`show vpn-sessiondb l2l`, `show vpn-sessiondb detail l2l [filter ...]`,
and the remote-access listings that share the layout) give one record per
session: Connection (the tunnel group, or Username), the peer's IP Addr, Index,
Protocol, Encryption, Hashing, Bytes Tx/Rx, Login Time, Duration, group policy
and tunnel group when printed, the tunnel counts (`IKEv1 Tunnels: 1`, or 8.x
`IKE Sessions: 1 IPSec Sessions: 2`), and with `detail` one sub-record per
IKE/IKEv1/IKEv2/IPsec/IPsecOverNatT/NAC block (Tunnel or Session ID, UDP ports,
rekey intervals and time left, bytes and packets, local and remote networks).

The summary (`show vpn-sessiondb` alone) is one record: the VPN Session Summary
rows (sub-rows such as `SSL/TLS/DTLS` under their parent by indentation), the
totals, device capacity and load, and the Tunnels Summary rows.

Lines are `Label : value` in one or two columns; a value may itself hold colons
(`IKEv1: (1)AES256  IPsec: (1)AES128`), so the right-hand column is only split off
where a label is padded before its colon, ends in `(T)`/`(D)`, or is a label the
ASA prints in that column.
"""

from __future__ import annotations

import re

from analyzer.parsers.common import owned, to_int
from analyzer.registry import ASA_SHOW_VPN_SESSIONDB, ASA_SHOW_VPN_SESSIONDB_SUMMARY
from analyzer.report import Source

KIND = ASA_SHOW_VPN_SESSIONDB
SUMMARY_KIND = ASA_SHOW_VPN_SESSIONDB_SUMMARY
COMMANDS = ("show vpn-sessiondb",)

_IPV4 = re.compile(r"^(?:\d{1,3}\.){3}\d{1,3}$")
_SPACES = re.compile(r" {2,}")
_COUNT = re.compile(r"([A-Za-z][\w\-/]{0,30}) (?:Tunnels|Sessions)\s*:\s*(\d+)")
_BLOCK = re.compile(r"^([A-Za-z][\w\-]{1,30}):$")
_LEADING_INT = re.compile(r"^\s*(\d+)")

# Labels the ASA prints in the right-hand column even without padding.
_RIGHT_LABELS = {
    "ipaddr",
    "publicip",
    "hashing",
    "encryption",
    "bytesrx",
    "pktsrx",
    "udpdstport",
    "authmode",
    "tunnelgroup",
    "pfsgroup",
    "d/hgroup",
    "license",
    "rekeyleft(t)",
    "rekeyleft(d)",
    "idletoleft",
    "revalleft(t)",
    "eouage(t)",
    "posturetoken",
    "vlan",
}

_INT = "int"
_TEXT = "text"
# label without spaces, lower case -> (field, how to read it)
_SESSION_FIELDS = {
    "connection": ("connection", _TEXT),
    "username": ("username", _TEXT),
    "index": ("index", _INT),
    "ipaddr": ("ip_addr", _TEXT),
    "publicip": ("public_ip", _TEXT),
    "protocol": ("protocol", _TEXT),
    "license": ("license", _TEXT),
    "encryption": ("encryption", _TEXT),
    "hashing": ("hashing", _TEXT),
    "bytestx": ("bytes_tx", _INT),
    "bytesrx": ("bytes_rx", _INT),
    "pktstx": ("packets_tx", _INT),
    "pktsrx": ("packets_rx", _INT),
    "grouppolicy": ("group_policy", _TEXT),
    "tunnelgroup": ("tunnel_group", _TEXT),
    "logintime": ("login_time", _TEXT),
    "duration": ("duration", _TEXT),
    "inactivity": ("inactivity", _TEXT),
    "filtername": ("filter_name", _TEXT),
    "ipv6filter": ("ipv6_filter", _TEXT),
    "vlanmapping": ("vlan_mapping", _TEXT),
    "vlan": ("vlan", _TEXT),
}
_BLOCK_FIELDS = {
    "tunnelid": ("tunnel_id", _TEXT),
    "sessionid": ("session_id", _TEXT),
    "udpsrcport": ("udp_src_port", _INT),
    "udpdstport": ("udp_dst_port", _INT),
    "ikenegmode": ("neg_mode", _TEXT),
    "authmode": ("auth_mode", _TEXT),
    "remauthmode": ("remote_auth_mode", _TEXT),
    "locauthmode": ("local_auth_mode", _TEXT),
    "encryption": ("encryption", _TEXT),
    "hashing": ("hashing", _TEXT),
    "rekeyint(t)": ("rekey_interval_seconds", _INT),
    "rekeyleft(t)": ("rekey_left_seconds", _INT),
    "rekeyint(d)": ("rekey_interval_kbytes", _INT),
    "rekeyleft(d)": ("rekey_left_kbytes", _INT),
    "d/hgroup": ("dh_group", _TEXT),
    "prf": ("prf", _TEXT),
    "filtername": ("filter_name", _TEXT),
    "ipv6filter": ("ipv6_filter", _TEXT),
    "localaddr": ("local_addr", _TEXT),
    "remoteaddr": ("remote_addr", _TEXT),
    "encapsulation": ("encapsulation", _TEXT),
    "pfsgroup": ("pfs_group", _TEXT),
    "idletimeout": ("idle_timeout_minutes", _INT),
    "idletoleft": ("idle_left_minutes", _INT),
    "bytestx": ("bytes_tx", _INT),
    "bytesrx": ("bytes_rx", _INT),
    "pktstx": ("packets_tx", _INT),
    "pktsrx": ("packets_rx", _INT),
    "revalint(t)": ("reval_interval_seconds", _INT),
    "revalleft(t)": ("reval_left_seconds", _INT),
    "sqint(t)": ("sq_interval_seconds", _INT),
    "eouage(t)": ("eou_age_seconds", _INT),
    "holdleft(t)": ("hold_left_seconds", _INT),
    "posturetoken": ("posture_token", _TEXT),
    "redirecturl": ("redirect_url", _TEXT),
}


def _key(label: str) -> str:
    return label.lower().replace(" ", "")


def split_pairs(line: str) -> list[tuple[str, str]]:
    """`Index  : 1   IP Addr : 10.0.0.1` -> [("Index", "1"), ("IP Addr", "10.0.0.1")]."""
    label, colon, rest = line.partition(":")
    if not colon:
        return []
    pairs = [(label.strip(), rest)]
    for gap in _SPACES.finditer(rest):
        tail = rest[gap.end() : gap.end() + 32]
        right, colon, _ = tail.partition(":")
        if not colon or not right.strip():
            continue
        name = right.strip()
        key = _key(name)
        padded = right.endswith(" ") or name.endswith(")")
        if not (padded or key in _RIGHT_LABELS):
            continue
        if not all(ch.isalnum() or ch in " /()-." for ch in name):
            continue
        pairs = [
            (label.strip(), rest[: gap.start()]),
            (name, rest[gap.end() + len(right) + 1 :]),
        ]
        break
    return [(name, value.strip()) for name, value in pairs]


def _read(kind: str, value: str):
    if kind == _INT:
        match = _LEADING_INT.match(value.replace(",", ""))
        return int(match.group(1)) if match else None
    return value


def _peer(session: dict) -> str | None:
    # Remote access sessions name the client's address "Public IP".
    candidates = (
        session.get("ip_addr"),
        session.get("connection"),
        session.get("public_ip"),
    )
    for candidate in candidates:
        if candidate and (_IPV4.match(candidate) or candidate.count(":") >= 2):
            return candidate
    return session.get("ip_addr") or session.get("connection") or None


def _split_addr(value: str) -> dict:
    """`10.0.0.0/255.255.255.0/0/0` -> network, mask, protocol, port."""
    parts = [p.strip() for p in value.split("/")]
    out: dict = {}
    if parts and parts[0]:
        out["network"] = parts[0]
    if len(parts) > 1:
        out["mask"] = parts[1]
    if len(parts) > 2:
        out["protocol"] = to_int(parts[2])
    if len(parts) > 3:
        out["port"] = to_int(parts[3])
    return out


def parse(section) -> list[Source]:
    reader = _Reader(owned(section, COMMANDS))
    for raw, lineno in zip(section.lines, section.numbers, strict=False):
        reader.feed(raw, lineno)
    reader.finish()
    out: list[Source] = []
    if reader.sessions:
        out.append(_source(KIND, reader.sessions, reader.session_lines))
    if reader.summaries:
        out.append(_source(SUMMARY_KIND, reader.summaries, reader.summary_lines))
    return out


def _source(kind: str, records: list[dict], claimed: set[int]) -> Source:
    return Source(
        kind=kind,
        first_line=min(claimed),
        last_line=max(claimed),
        records=records,
        claimed=set(claimed),
    )


class _Reader:
    def __init__(self, ours: bool):
        self.ours = ours
        self.session_type: str | None = None
        self.detailed = False
        self.sessions: list[dict] = []
        self.summaries: list[dict] = []
        self.session_lines: set[int] = set()
        self.summary_lines: set[int] = set()
        self.session: dict | None = None
        self.block: dict | None = None
        self.summary: dict | None = None
        self.table: str | None = None  # "sessions" | "tunnels" inside a summary
        self.base_indent: int | None = None
        self.parent: str | None = None
        self.rule_line: int | None = None

    def finish(self):
        self.session = None
        self.block = None

    # -- dispatch -----------------------------------------------------------
    def feed(self, raw: str, lineno: int):
        line = raw.strip()
        if not line:
            if self.session is not None:
                self.session_lines.add(lineno)
            elif self.summary is not None:
                self.summary_lines.add(lineno)
            return
        lowered = line.lower()
        if lowered in ("vpn session summary", "tunnels summary"):
            self.start_summary_table(lowered, lineno)
            if self.rule_line is not None:
                self.summary_take(self.rule_line)
            return
        # The row of dashes printed above a summary's title or "Session Type:".
        dashes = self.rule_line
        self.rule_line = lineno if set(line) == {"-"} and self.summary is None else None
        if self.summary is not None and self.feed_summary(raw, line, lineno):
            return
        if lowered.startswith("session type:"):
            kind = line.split(":", 1)[1].strip()
            self.detailed = kind.lower().endswith("detailed")
            self.session_type = (
                kind[: -len("detailed")].strip() if self.detailed else kind
            )
            self.session = None
            self.block = None
            self.session_lines.add(lineno)
            if dashes is not None:
                self.session_lines.add(dashes)
            return
        self.feed_session(line, lineno)

    # -- sessions -----------------------------------------------------------
    def new_session(self, lineno: int) -> dict:
        session = {
            "session_type": self.session_type,
            "detailed": self.detailed,
            "connection": None,
            "peer": None,
            "index": None,
            "ip_addr": None,
            "protocol": None,
            "encryption": None,
            "hashing": None,
            "bytes_tx": None,
            "bytes_rx": None,
            "login_time": None,
            "duration": None,
            "group_policy": None,
            "tunnel_group": None,
            "filter_name": None,
            "tunnels": {},
            "ike_tunnels": None,
            "ipsec_tunnels": None,
            "subsessions": [],
            "lines": [lineno, lineno],
            "at": {},
        }
        self.sessions.append(session)
        self.session = session
        self.block = None
        return session

    def take(self, lineno: int):
        self.session_lines.add(lineno)
        self.session["lines"][1] = lineno
        if self.block is not None:
            self.block["lines"][1] = lineno

    def feed_session(self, line: str, lineno: int):
        counts = (
            _COUNT.findall(line) if ("Tunnels" in line or "Sessions" in line) else []
        )
        if counts and self.session is not None:
            for name, number in counts:
                self.session["tunnels"][name] = int(number)
            tunnels = self.session["tunnels"]
            self.session["ike_tunnels"] = sum(
                n for k, n in tunnels.items() if k.upper().startswith("IKE")
            )
            self.session["ipsec_tunnels"] = sum(
                n for k, n in tunnels.items() if k.upper().startswith("IPSEC")
            )
            self.block = None
            self.take(lineno)
            return
        block = _BLOCK.match(line)
        if block and self.session is not None:
            self.block = {"type": block.group(1), "lines": [lineno, lineno], "at": {}}
            self.session["subsessions"].append(self.block)
            self.take(lineno)
            return
        pairs = split_pairs(line)
        if not pairs:
            return
        first = _key(pairs[0][0])
        if first in ("connection", "username"):
            if not (self.ours or self.session_type is not None):
                return
            self.new_session(lineno)
        if self.session is None:
            return
        target = self.block if self.block is not None else self.session
        table = _BLOCK_FIELDS if self.block is not None else _SESSION_FIELDS
        understood = False
        for label, value in pairs:
            spec = table.get(_key(label))
            if spec is None:
                target.setdefault("extra", {})[label] = value
                continue
            field, kind = spec
            target[field] = _read(kind, value)
            target["at"][field] = lineno
            understood = True
            if field in ("local_addr", "remote_addr") and value:
                side = field.split("_")[0]
                for part, part_value in _split_addr(value).items():
                    target[f"{side}_{part}"] = part_value
        if understood or target.get("extra"):
            if self.block is None:
                self.session["peer"] = _peer(self.session)
            self.take(lineno)

    # -- summary ------------------------------------------------------------
    def start_summary_table(self, lowered: str, lineno: int):
        self.session = None
        self.block = None
        if self.summary is None or (
            lowered == "vpn session summary" and self.summary["sessions"]
        ):
            self.summary = {
                "sessions": [],
                "total_active_and_inactive": None,
                "total_cumulative": None,
                "device_total_vpn_capacity": None,
                "device_load_percent": None,
                "tunnels": [],
                "totals_active": None,
                "totals_cumulative": None,
                "lines": [lineno, lineno],
                "at": {},
            }
            self.summaries.append(self.summary)
        self.table = "sessions" if lowered == "vpn session summary" else "tunnels"
        self.base_indent = None
        self.parent = None
        self.summary_take(lineno)

    def summary_take(self, lineno: int):
        self.summary_lines.add(lineno)
        first, last = self.summary["lines"]
        self.summary["lines"] = [min(first, lineno), max(last, lineno)]

    def feed_summary(self, raw: str, line: str, lineno: int) -> bool:
        summary = self.summary
        if set(line) <= {"-", "="}:
            self.summary_take(lineno)
            return True
        parts = [p.strip() for p in line.split(":")]
        name = parts[0]
        lowered = name.lower()
        if lowered == "active" or (
            lowered.startswith("active") and "cumulative" in line.lower()
        ):
            self.summary_take(lineno)
            return True
        if lowered.startswith("total active and inactive"):
            summary["total_active_and_inactive"] = (
                to_int(parts[1].split()[0]) if len(parts) > 1 and parts[1] else None
            )
            if len(parts) > 2:
                summary["total_cumulative"] = to_int(parts[2])
            summary["at"]["total_active_and_inactive"] = lineno
            self.summary_take(lineno)
            return True
        if lowered == "device total vpn capacity" and len(parts) > 1:
            summary["device_total_vpn_capacity"] = to_int(parts[1])
            self.summary_take(lineno)
            return True
        if lowered == "device load" and len(parts) > 1:
            summary["device_load_percent"] = to_int(parts[1].rstrip("%").strip())
            self.summary_take(lineno)
            return True
        if lowered == "totals" and len(parts) > 1:
            summary["totals_active"] = to_int(parts[1])
            if len(parts) > 2:
                summary["totals_cumulative"] = to_int(parts[2])
            self.summary_take(lineno)
            return True
        numbers = [to_int(p) for p in parts[1:]]
        if len(parts) < 3 or not name or any(n is None for n in numbers):
            self.summary = None
            return False
        indent = len(raw) - len(raw.lstrip())
        if self.base_indent is None:
            self.base_indent = indent
        if self.table == "sessions":
            row = {
                "name": name,
                "parent": None,
                "active": numbers[0],
                "cumulative": numbers[1] if len(numbers) > 1 else None,
                "peak_concurrent": numbers[2] if len(numbers) > 2 else None,
                "inactive": numbers[3] if len(numbers) > 3 else None,
                "line": lineno,
            }
            if indent > self.base_indent and self.parent is not None:
                row["parent"] = self.parent
            else:
                self.parent = name
            summary["sessions"].append(row)
        else:
            summary["tunnels"].append(
                {
                    "name": name,
                    "active": numbers[0],
                    "cumulative": numbers[1] if len(numbers) > 1 else None,
                    "peak_concurrent": numbers[2] if len(numbers) > 2 else None,
                    "line": lineno,
                }
            )
        self.summary_take(lineno)
        return True
