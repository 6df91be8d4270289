"""IOS / IOS-XE `show crypto session [detail] [remote X]`: one record per session
(peer), with its IKE SAs and IPsec flows.

Kind ``ios.show_crypto_session``. Record fields (absent when not printed):
``interface``, ``profile``, ``uptime``, ``username``, ``group``,
``assigned_address`` (Easy VPN / remote-access sessions), ``status`` ("UP-ACTIVE",
"UP-IDLE", "UP-NO-IKE", "DOWN-NEGOTIATING", "DOWN"), ``peer``, ``peer_port``,
``fvrf``, ``ivrf``, ``desc``, ``phase1_id``, ``session_id``, ``system_ip`` and
``system_interface`` (SD-WAN peers), ``ike_state``; ``ike_sas``: ``[{"version":
"IKEv1" | "IKEv2" | "IKE", "local", "local_port", "remote", "remote_port",
"state", "session_id", "conn_id", "lifetime", "capabilities", "line"}]``;
``flows``: ``[{"flow", "action", "protocol", "src", "src_mask", "src_port",
"dst", "dst_mask", "dst_port", "active_sas", "origin", "decaps", "in_drop",
"in_life_kb", "in_life_secs", "encaps", "out_drop", "out_life_kb",
"out_life_secs", "volume_rekey_disabled", "lines", "at"}]`` (counters as ints,
from the detail output's "#pkts dec'ed N drop N life (KB/Sec) K/S" lines; a mask
is dotted or a prefix length as printed, None after ``host``). Values such as
"(none)" are kept as printed. ``lines`` and ``at`` as everywhere.

`show dmvpn detail` ends with the same sessions in another layout ("Crypto
Session Details:", then per session "Interface:", "Session: [0x..]", "Crypto
Session Status: UP-ACTIVE", "fvrf: (none),   IPSEC FLOW: permit 47 host A host
B", the Active SAs and dec'ed/enc'ed lines, "Outbound SPI : 0x.., transform :
esp-aes"): read into the same records, with ``peer`` the far end of the GRE
flow (it prints no "Peer:" line), and the flow's ``transform`` that of its
outbound SA.
"""

from __future__ import annotations

from analyzer.parsers.common import (
    addr_port,
    owned,
    source_up_to_last_filled,
    to_int,
)
from analyzer.registry import IOS_SHOW_CRYPTO_SESSION
from analyzer.report import Source

COMMANDS = ("show crypto session",)
KIND = IOS_SHOW_CRYPTO_SESSION

_LEGEND = ("code:", "k - keepalives", "x - ike", "r - ike", "s - sip", "d - dead")
_CONTEXT = {
    "interface": "interface",
    "profile": "profile",
    "uptime": "uptime",
    "username": "username",
    "group": "group",
    "assigned address": "assigned_address",
}
_STATES = ("active", "inactive", "ready", "deleted", "negotiating", "down", "up")


def _endpoint(
    words: list[str], i: int
) -> tuple[str | None, str | None, str | None, int]:
    """(address, mask, port, next index) of one side of a flow starting at
    ``words[i]``: ``host A``, ``A/mask``, ``A/len`` or ``any``, then ``port N``."""
    if i >= len(words):
        return None, None, None, i
    if words[i].lower() == "host" and i + 1 < len(words):
        address, mask, i = words[i + 1], None, i + 2
    elif words[i].lower() == "any":
        address, mask, i = "any", None, i + 1
    else:
        address, slash, mask = words[i].rpartition("/")
        if not slash:
            address, mask = words[i], None
        i += 1
    port = None
    if i + 1 < len(words) and words[i].lower() == "port":
        port, i = words[i + 1], i + 2
    return address, mask, port, i


def flow_parts(flow: str) -> dict:
    """The pieces of "permit ip 10.1.0.0/255.255.0.0 host 10.2.0.5": action,
    protocol, and each side's address, mask and port."""
    words = flow.split()
    if len(words) < 2 or len(flow) > 300:
        return {}
    src, src_mask, src_port, i = _endpoint(words, 2)
    dst, dst_mask, dst_port, _ = _endpoint(words, i)
    return {
        "action": words[0].lower(),
        "protocol": words[1],
        "src": src,
        "src_mask": src_mask,
        "src_port": src_port,
        "dst": dst,
        "dst_mask": dst_mask,
        "dst_port": dst_port,
    }


def _words_after(text: str) -> list[str]:
    return text.split(":", 1)[1].split() if ":" in text else []


class _Reader:
    def __init__(self, own: bool):
        self.started = own
        self.context: dict = {}
        self.records: list[dict] = []
        self.record: dict | None = None
        self.flow: dict | None = None
        self.session_id: int | None = None
        self.claimed: set[int] = set()
        # show dmvpn detail opens a session with "Session: [0x..]" and may print
        # its IKE SA before its status: the record the handle opened.
        self.handle: dict | None = None

    def _read_sa(self, sa: dict, words: list[str], lineno: int):
        """``local A/500 remote B/500 Active``, or the part of it on this line."""
        for key, value in zip(words, words[1:], strict=False):
            if key.lower() in ("local", "remote"):
                sa[key.lower()], sa[f"{key.lower()}_port"] = addr_port(value)
        last = words[-1] if words else ""
        if last.lower() in _STATES or last.lower().startswith(_STATES):
            sa["state"] = last
            if str(self.record.get("ike_state", "")).lower() != "active":
                # A session with an Active SA beside an Inactive one is up.
                self.put("ike_state", last, lineno)
        self.record["lines"][1] = max(self.record["lines"][1], lineno)

    def new_record(self, lineno: int) -> dict:
        rec = {k: v for k, v in self.context.items() if k != "_at"}
        rec["ike_sas"], rec["flows"] = [], []
        rec["lines"] = [lineno, lineno]
        rec["at"] = dict(self.context.get("_at", {}))
        self.records.append(rec)
        self.record, self.flow, self.session_id = rec, None, None
        return rec

    def put(self, field: str, value, lineno: int):
        if value is None:
            return
        rec = self.record if self.record is not None else self.new_record(lineno)
        rec[field] = value
        rec["at"][field] = lineno
        rec["lines"][1] = max(rec["lines"][1], lineno)

    def feed(self, raw: str, lineno: int) -> bool:
        text = raw.strip()
        low = text.lower()
        if low.startswith(("crypto session current status", "crypto session details")):
            self.started = True
            return True
        if not self.started:
            return False
        if low.startswith(_LEGEND):
            return True
        label = low.split(":", 1)[0] if ":" in low else ""
        if label in _CONTEXT:
            key = _CONTEXT[label]
            value = text.split(":", 1)[1].strip()
            if key == "interface":
                self.context = {"_at": {}}
                self.record = None
            elif self.record is not None and "peer" not in self.record:
                # Printed between "Session status" and "Peer": this session's.
                self.put(key, value, lineno)
            self.context[key] = value
            # A "Profile:" line pasted without the "Interface:" line above it.
            self.context.setdefault("_at", {})[key] = lineno
            return True
        if low.startswith(("session status:", "crypto session status:")):
            if self.handle is None or self.handle is not self.record:
                self.new_record(lineno)
            self.handle = None
            self.put("status", text.split(":", 1)[1].strip().upper(), lineno)
            return True
        if low.startswith("session: [") and low.endswith("]"):
            # show dmvpn detail: the session's handle, above its IKE SA and status
            self.handle = self.new_record(lineno)
            return True
        if low.startswith("peer:"):
            if self.record is None or "peer" in self.record:
                self.new_record(lineno)
            words = _words_after(text)
            if words:
                self.put("peer", words[0], lineno)
            for key, value in zip(words, words[1:], strict=False):
                if key == "port":
                    self.put("peer_port", to_int(value), lineno)
                elif key in ("fvrf:", "ivrf:"):
                    self.put(key[:-1], value, lineno)
            return True
        if self.record is None:
            return False
        if low.startswith(("phase1_id:", "desc:", "session id:")):
            key = {
                "phase1_id": "phase1_id",
                "desc": "desc",
                "session id": "session_id",
            }[low.split(":", 1)[0]]
            value = text.split(":", 1)[1].strip()
            if key == "session_id":
                self.session_id = to_int(value)
                self.put(key, to_int(value), lineno)
            else:
                self.put(key, value, lineno)
            return True
        if low.startswith("system ip:"):
            words = text.split()
            self.put("system_ip", words[2] if len(words) > 2 else None, lineno)
            for key, value in zip(words, words[1:], strict=False):
                if key.lower() == "interface:":
                    self.put("system_interface", value, lineno)
            return True
        if low.startswith(("ikev1 sa:", "ikev2 sa:", "ike sa:")):
            sa = {"version": text.split()[0], "line": lineno}
            if self.session_id is not None:
                sa["session_id"] = self.session_id
            self.record["ike_sas"].append(sa)
            self._read_sa(sa, text.split(":", 1)[1].split(), lineno)
            return True
        if (
            low.startswith("remote ")
            and self.record["ike_sas"]
            and "remote" not in self.record["ike_sas"][-1]
        ):
            # A long (IPv6) local address pushes the rest of the SA line down.
            self._read_sa(self.record["ike_sas"][-1], text.split(), lineno)
            return True
        if low.startswith("capabilities:") and self.record["ike_sas"]:
            sa = self.record["ike_sas"][-1]
            for word in text.split():
                key, _, value = word.partition(":")
                if key.lower() == "capabilities":
                    sa["capabilities"] = value
                elif key.lower() == "connid":
                    sa["conn_id"] = to_int(value)
                elif key.lower() == "lifetime":
                    sa["lifetime"] = text.rsplit("lifetime:", 1)[1].strip()
            self.record["lines"][1] = lineno
            return True
        if low.startswith("fvrf:"):
            # show dmvpn detail: "fvrf: (none),   IPSEC FLOW: permit 47 host A host
            # B" or "fvrf: (none),   Phase1_id: 198.51.100.9"
            head, _, rest = text.partition(",")
            self.put("fvrf", head.split(":", 1)[1].strip(), lineno)
            rest = rest.strip()
            if rest.lower().startswith("phase1_id:"):
                self.put("phase1_id", rest.split(":", 1)[1].strip(), lineno)
            if not rest.lower().startswith("ipsec flow:"):
                return True
            text, low = rest, rest.lower()
        if low.startswith("ipsec flow:"):
            flow = text.split(":", 1)[1].strip()
            self.flow = {"flow": flow, **flow_parts(flow)}
            self.flow["lines"], self.flow["at"] = [lineno, lineno], {"flow": lineno}
            self.record["flows"].append(self.flow)
            self.record["lines"][1] = lineno
            return True
        if self.flow is not None and low.startswith("active sas:"):
            for part in text.split(","):
                key, _, value = part.partition(":")
                key = key.strip().lower()
                if key == "active sas":
                    self.flow["active_sas"] = to_int(value)
                elif key == "origin":
                    self.flow["origin"] = value.strip()
            self.flow["lines"][1] = self.record["lines"][1] = lineno
            return True
        if self.flow is not None and low.startswith(("inbound:", "outbound:")):
            words = text.split()
            inbound = low.startswith("inbound")
            counter, drop = ("decaps", "in_drop") if inbound else ("encaps", "out_drop")
            for key, value in zip(words, words[1:], strict=False):
                if key in ("dec'ed", "enc'ed"):
                    self.flow[counter] = to_int(value)
                    self.flow["at"][counter] = lineno
                elif key == "drop":
                    self.flow[drop] = to_int(value)
                    self.flow["at"][drop] = lineno
            if "(kb/sec)" in low:
                # "life (KB/Sec) 4605665/2949", or "KB Vol Rekey Disabled/3060"
                # when only the time limit rekeys the SA.
                life = text[low.index("(kb/sec)") + 8 :].strip()
                kb, _, secs = life.rpartition("/")
                side = "in" if inbound else "out"
                self.flow[f"{side}_life_kb"] = to_int(kb)
                self.flow[f"{side}_life_secs"] = to_int(secs)
                if "rekey disabled" in kb.lower():
                    self.flow["volume_rekey_disabled"] = True
            self.flow["lines"][1] = self.record["lines"][1] = lineno
            return True
        if self.flow is not None and low.startswith("outbound spi"):
            # show dmvpn detail: "Outbound SPI : 0xBEB18ED0, transform : esp-des"
            _, _, transform = text.partition("transform")
            transform = transform.lstrip(" :").strip()
            if transform:
                self.flow["transform"] = transform
            self.flow["lines"][1] = self.record["lines"][1] = lineno
            return True
        if low.startswith(("socket state:", "pending dmvpn sessions")):
            return True
        return False


def _gre_peer(record: dict) -> None:
    """A session printed without a "Peer:" line (show dmvpn detail) protects the
    GRE flow between this router and the peer: its far end is the peer."""
    if "peer" in record:
        return
    for flow in record.get("flows", []):
        if flow.get("protocol") == "47" and flow.get("dst") not in (None, "any"):
            record["peer"] = flow["dst"]
            record["at"]["peer"] = flow["at"]["flow"]
            return


def _session_starts(lines: list[str]) -> set[int]:
    """Indexes where a session begins in output pasted without its heading
    ("Crypto session current status"): the context lines ("Interface:",
    "Profile:"...) right above a "Session status:" line, or that line itself."""
    starts: set[int] = set()
    for index, raw in enumerate(lines):
        if not raw.lstrip()[:15].lower().startswith("session status:"):
            continue
        first = index
        while first > 0 and first > index - len(_CONTEXT):
            above = lines[first - 1].strip().lower()
            if ":" not in above or above.split(":", 1)[0] not in _CONTEXT:
                break
            first -= 1
        starts.add(first)
    return starts


def parse(section) -> list[Source]:
    own = owned(section, COMMANDS)
    reader = _Reader(own)
    claimed: set[int] = set()
    unparsed: set[int] = set()
    misses = 0
    starts = _session_starts(section.lines)
    for index, (raw, lineno) in enumerate(
        zip(section.lines, section.numbers, strict=False)
    ):
        if not raw.strip():
            if reader.started:
                claimed.add(lineno)
            continue
        if index in starts:
            reader.started = True
        if reader.feed(raw, lineno):
            claimed.add(lineno)
            misses = 0
        elif reader.started:
            misses += 1
            if own:
                claimed.add(lineno)
                unparsed.add(lineno)
            elif misses > 3:
                reader.started = False
    if not reader.records and not own:
        return []
    if not claimed:
        return []
    for record in reader.records:
        _gre_peer(record)
    source = source_up_to_last_filled(KIND, section, claimed, reader.records, unparsed)
    return [source] if source else []
