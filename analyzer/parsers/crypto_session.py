"""IOS / IOS-XE `show crypto session [detail] [remote X]`: one record per session
(peer), with its IKE SAs and IPsec flows.

Kind ``ios.show_crypto_session``. Record fields (absent when not printed):
``interface``, ``profile``, ``uptime``, ``status`` ("UP-ACTIVE", "UP-IDLE",
"UP-NO-IKE", "DOWN-NEGOTIATING", "DOWN"), ``peer``, ``peer_port``, ``fvrf``,
``ivrf``, ``phase1_id``, ``session_id``; ``ike_sas``: ``[{"version": "IKEv1" |
"IKEv2" | "IKE", "local", "remote", "state", "conn_id", "lifetime",
"capabilities", "line"}]``; ``flows``: ``[{"flow", "active_sas", "origin",
"decaps", "in_drop", "encaps", "out_drop", "lines", "at"}]`` (counters as ints,
from the detail output's "#pkts dec'ed N drop N" lines). ``lines`` and ``at`` as
everywhere.
"""

from __future__ import annotations

from analyzer.parsers.common import addr_port, owned, to_int
from analyzer.report import Source

COMMANDS = ("show crypto session",)
KIND = "ios.show_crypto_session"

_LEGEND = ("code:", "k - keepalives", "x - ike", "r - ike", "s - sip", "d - dead")
_CONTEXT = ("interface:", "profile:", "uptime:")


def _words_after(text: str) -> list[str]:
    return text.split(":", 1)[1].split() if ":" in text else []


class _Reader:
    def __init__(self, own: bool):
        self.started = own
        self.context: dict = {}
        self.records: list[dict] = []
        self.record: dict | None = None
        self.flow: dict | None = None
        self.claimed: set[int] = set()

    def new_record(self, lineno: int) -> dict:
        rec = {k: v for k, v in self.context.items() if k != "_at"}
        rec["ike_sas"], rec["flows"] = [], []
        rec["lines"] = [lineno, lineno]
        rec["at"] = dict(self.context.get("_at", {}))
        self.records.append(rec)
        self.record, self.flow = rec, None
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
        if low.startswith("crypto session current status"):
            self.started = True
            return True
        if not self.started:
            return False
        if low.startswith(_LEGEND):
            return True
        if low.startswith(_CONTEXT):
            key = low.split(":", 1)[0]
            if key == "interface":
                self.context = {"_at": {}}
                self.record = None
            self.context[key] = text.split(":", 1)[1].strip()
            self.context["_at"][key] = lineno
            return True
        if low.startswith("session status:"):
            self.new_record(lineno)
            self.put("status", text.split(":", 1)[1].strip().upper(), lineno)
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
            self.put(key, to_int(value) if key == "session_id" else value, lineno)
            return True
        if low.startswith(("ikev1 sa:", "ikev2 sa:", "ike sa:")):
            words = text.split()
            sa = {"version": words[0], "line": lineno}
            for key, value in zip(words, words[1:], strict=False):
                if key in ("local", "remote"):
                    sa[key] = addr_port(value)[0]
            if words[-1] not in ("local", "remote") and not words[-1][0].isdigit():
                sa["state"] = words[-1]
            self.record["ike_sas"].append(sa)
            self.put("ike_state", sa.get("state"), lineno)
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
        if low.startswith("ipsec flow:"):
            self.flow = {
                "flow": text.split(":", 1)[1].strip(),
                "lines": [lineno, lineno],
                "at": {"flow": lineno},
            }
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
            self.flow["lines"][1] = self.record["lines"][1] = lineno
            return True
        return False


def parse(section) -> list[Source]:
    own = owned(section, COMMANDS)
    reader = _Reader(own)
    claimed: set[int] = set()
    unparsed: set[int] = set()
    misses = 0
    for raw, lineno in zip(section.lines, section.numbers, strict=False):
        if not raw.strip():
            if reader.started:
                claimed.add(lineno)
            continue
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
    # Trailing blank lines belong to whatever follows.
    filled = {
        n for raw, n in zip(section.lines, section.numbers, strict=False) if raw.strip()
    }
    if not claimed & filled:
        return []
    last = max(claimed & filled)
    claimed = {n for n in claimed if n <= last}
    return [
        Source(
            kind=KIND,
            first_line=min(claimed),
            last_line=last,
            records=reader.records,
            unparsed=sorted(unparsed),
            claimed=claimed,
        )
    ]
