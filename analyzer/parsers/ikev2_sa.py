"""`show crypto ikev2 sa [detail]` on the ASA (9.x) and on IOS / IOS-XE.

Kinds: ``asa.show_crypto_ikev2_sa`` (``Session-id:..., Status:UP-ACTIVE`` lines, a
``Role`` column, ``Child sa:`` selectors) and ``ios.show_crypto_ikev2_sa``
(``IPv4 Crypto IKEv2 SA`` headings, ``fvrf/ivrf`` column; IPv6 tables print Local
and Remote on lines of their own).

One record per IKEv2 SA (tunnel row):

- ``tunnel_id`` (int), ``local`` / ``remote`` (addresses without the port) and
  ``local_port`` / ``remote_port``, ``peer`` (= the remote address), ``fvrf``,
  ``ivrf``, ``af`` ("IPv4"/"IPv6" under IOS headings).
- ``state``: the Status column as printed (READY, IN-NEG, DELETE, ...).
- ``role``: "initiator" or "responder", from the ASA's Role column or IOS's
  "Initiator of SA : Yes/No"; absent when the output does not say.
- ASA session context: ``session_id``, ``session_status``, ``ike_count``,
  ``child_count``.
- ``Encr:`` line: ``encryption``, ``keysize``, ``prf``, ``hash``, ``dh_group``,
  ``auth_sign``, ``auth_verify``, ``qr`` (True when listed); ``lifetime`` and
  ``active_time`` (seconds); detail lines under their label in snake case
  (``ce_id``, ``local_spi``, ``remote_spi``, ``status_description``, ``local_id``,
  ``remote_id``, ``local_req_msg_id`` ..., ``dpd_interval``, ``dpd_retry``,
  ``fragmentation``, ``nat_t``, ``dynamic_route_update``,
  ``extended_authentication``, ``cts_sgt``, ``pushed_ip``, ``remote_subnets``,
  ``peer_type``, ``pqc``).
- ``child_sas``: ``[{"local_selector", "remote_selector", "esp_spi_in",
  "esp_spi_out", ...}]`` with SPIs normalised as in ipsec_sa (upper-case hex, 8
  digits, no 0x).
"""

from __future__ import annotations

import re
from functools import lru_cache

from analyzer.parsers import common
from analyzer.parsers.common import (
    addr_port,
    owned,
    read_blocks,
    source_from,
    spi_hex,
    to_int,
)
from analyzer.registry import ASA_SHOW_CRYPTO_IKEV2_SA, IOS_SHOW_CRYPTO_IKEV2_SA

# Device labels repeat on every SA: name each once.
snake = lru_cache(maxsize=2048)(common.snake)
COMMANDS = ("show crypto ikev2 sa",)

_HEADING = re.compile(r"^(IPv[46]) Crypto IKEv2\s+SA\b", re.IGNORECASE)
_SESSION = re.compile(
    r"^Session-id:\s*(\d+),\s*Status:\s*([\w-]+),\s*IKE count:\s*(\d+),"
    r"\s*CHILD count:\s*(\d+)",
    re.IGNORECASE,
)
_LOCAL_REMOTE = re.compile(r"^Local\s+(.{1,60}?)\s+Remote\s+(.{1,60})$")
_DPD = re.compile(r"^DPD configured for (\d+) seconds?, retry (\d+)", re.IGNORECASE)
_LIFE = re.compile(r"^Life/Active Time:\s*(\d+)/(\d+)\s*sec", re.IGNORECASE)
_STATUS_WORD = re.compile(r"^[A-Z][A-Z-]{2,20}$")
# "Label is value." / "Label value." sentences of the detail output.
_SENTENCES = (
    ("nat-t is ", "nat_t"),
    ("cisco trust security sgt is ", "cts_sgt"),
    ("fragmentation ", "fragmentation"),
    ("ikev2 fragmentation ", "fragmentation"),
    ("extended authentication ", "extended_authentication"),
)
_NUMERIC = {
    "keysize",
    "dh_group",
    "ce_id",
    "session_id",
    "local_req_msg_id",
    "remote_req_msg_id",
    "local_next_msg_id",
    "remote_next_msg_id",
    "local_req_queued",
    "remote_req_queued",
    "local_window",
    "remote_window",
}
_RENAME = {"dh_grp": "dh_group", "encr": "encryption", "mess": "msg"}


def _field(label: str) -> str:
    name = snake(label).replace("_mess_", "_msg_")
    return _RENAME.get(name, name)


def _comma_pairs(text: str) -> list[tuple[str, str]]:
    """("encryption", "AES-CBC") ... from "Encr: AES-CBC, keysize: 256, ..., QR"."""
    out = []
    for part in text.split(","):
        key, colon, value = part.partition(":")
        if colon:
            out.append((_field(key), value.strip()))
        elif part.strip():
            out.append((snake(part), "flag"))
    return out


# "Label: value" lines read even when the paste lost their indent.
_FLUSH_LABELS = frozenset(
    (
        "ce_id",
        "session_id",
        "local_id",
        "remote_id",
        "local_eap_id",
        "remote_eap_id",
        "status_description",
        "peer_type",
        "local_sys_id",
        "remote_sys_id",
    )
)


class _Reader:
    def __init__(self, section, own: bool = False):
        self.section = section
        self.own = own
        self.blocks: list[dict] = []
        self.block: dict | None = None
        self.reset()

    def reset(self):
        self.columns: list[str] | None = None
        self.af: str | None = None
        self.session: dict = {}
        self.session_line: int | None = None
        self.record: dict | None = None
        self.child: dict | None = None
        self.subnets = False

    # -- the read_blocks protocol ---------------------------------------------
    def starts(self, text: str) -> bool:
        low = text.lower()
        return (
            (self.own and not self.blocks)
            or low.startswith(("ikev2 sas:", "tunnel-id ", "there are no ikev2 sas"))
            or bool(_HEADING.match(text))
            or bool(_SESSION.match(text))
        )

    def open(self):
        self.block = {"records": [], "text": []}
        self.blocks.append(self.block)
        self.reset()

    def read(self, index: int, text: str):
        understood = self._read(index, text)
        if understood:
            self.block["text"].append(text)
        return understood

    # -- helpers ----------------------------------------------------------------
    def lineno(self, index: int) -> int:
        return self.section.numbers[index]

    def put(self, index: int, field: str, value, target: dict | None = None):
        rec = self.record
        if value is None or rec is None:
            return
        (target if target is not None else rec)[field] = value
        if target is None:
            rec["at"][field] = self.lineno(index)
        rec["lines"][1] = max(rec["lines"][1], self.lineno(index))

    def new_record(self, index: int, tunnel_id: int) -> dict:
        rec = {"tunnel_id": tunnel_id}
        if self.af:
            rec["af"] = self.af
        rec.update(self.session)
        rec["lines"] = [self.lineno(index), self.lineno(index)]
        rec["at"] = {"tunnel_id": self.lineno(index)}
        if self.session and self.session_line is not None:
            # The session line above the table says how many child SAs it has.
            rec["at"]["child_count"] = self.session_line
        self.block["records"].append(rec)
        self.record = rec
        self.child = None
        self.subnets = False
        return rec

    def set_address(self, index: int, side: str, value: str):
        addr, port = addr_port(value)
        self.put(index, side, addr)
        if port is not None:
            self.put(index, f"{side}_port", port)
        if side == "remote":
            self.put(index, "peer", addr)

    # -- one line ---------------------------------------------------------------
    def _read(self, index: int, text: str):
        low = text.lower()
        m = _HEADING.match(text)
        if m:
            self.af = "IPv4" if m.group(1).lower() == "ipv4" else "IPv6"
            self.record = None
            return True
        if low.startswith(("ikev2 sas:", "there are no ikev2 sas")):
            self.block["said_none"] = low.startswith("there")
            return True
        m = _SESSION.match(text)
        if m:
            self.session = {
                "session_id": int(m.group(1)),
                "session_status": m.group(2),
                "ike_count": int(m.group(3)),
                "child_count": int(m.group(4)),
            }
            self.session_line = self.lineno(index)
            self.record = None
            return True
        if low.startswith("tunnel-id"):
            self.columns = [snake(c) for c in text.split()]
            self.record = None
            return True
        words = text.split()
        if words[0].isdecimal() and self._row(index, words):
            return True
        rec = self.record
        if rec is None:
            return False
        if words[0] in ("Local", "Remote") and len(words) == 2 and "/" in words[1]:
            self.set_address(index, words[0].lower(), words[1])
            return True
        if low.startswith("child sa:"):
            self.child = {}
            rec.setdefault("child_sas", []).append(self.child)
            self.subnets = False
            rest = text.split(":", 1)[1].strip()
            if rest.lower().startswith("local selector"):
                self.put(index, "local_selector", _selector(rest), self.child)
            return True
        if self.child is not None:
            return self._child_line(index, text, low)
        return self._detail_line(index, text, low)

    def _row(self, index: int, words: list[str]) -> bool:
        columns = self.columns or []
        if not columns:
            # No header pasted: accept "id addr/port addr/port ... STATUS" only.
            if sum("/" in w for w in words) < 2 or not _STATUS_WORD.match(words[-1]):
                return False
            columns = ["tunnel_id", "local", "remote", "fvrf_ivrf", "status", "role"]
            if len(words) == 4:
                columns = ["tunnel_id", "local", "remote", "status"]
        self.child = None
        self.new_record(index, int(words[0]))
        for column, value in zip(columns[1:], words[1:], strict=False):
            if column in ("local", "remote"):
                self.set_address(index, column, value)
            elif column == "fvrf_ivrf":
                fvrf, _, ivrf = value.partition("/")
                self.put(index, "fvrf", fvrf)
                self.put(index, "ivrf", ivrf)
            elif column == "status":
                self.put(index, "state", value)
            elif column == "role":
                self.put(index, "role", value.lower())
        return True

    def _detail_line(self, index: int, text: str, low: str):
        rec = self.record
        if self.subnets:
            if low.startswith("peer type"):
                self.subnets = False
            elif text[0].isdecimal() or ":" in text.split()[0]:
                rec.setdefault("remote_subnets", []).append(" ".join(text.split()))
                rec["lines"][1] = self.lineno(index)
                return True
            else:
                self.subnets = False
        if low.startswith("encr:"):
            for key, value in _comma_pairs(text):
                if value == "flag":
                    self.put(index, key, True)
                elif key in _NUMERIC:
                    self.put(index, key, to_int(value))
                else:
                    self.put(index, key, value)
            return True
        m = _LIFE.match(text)
        if m:
            self.put(index, "lifetime", int(m.group(1)))
            self.put(index, "active_time", int(m.group(2)))
            return True
        m = _DPD.match(text)
        if m:
            self.put(index, "dpd_interval", int(m.group(1)))
            self.put(index, "dpd_retry", int(m.group(2)))
            return True
        if low.startswith("initiator of sa"):
            yes = low.rsplit(":", 1)[-1].strip().startswith("y")
            self.put(index, "initiator", yes)
            self.put(index, "role", "initiator" if yes else "responder")
            return True
        if low.startswith("remote subnets:"):
            self.subnets = True
            rec.setdefault("remote_subnets", [])
            rec["lines"][1] = self.lineno(index)
            return True
        for prefix, field in _SENTENCES:
            if low.startswith(prefix):
                value = text[len(prefix) :].strip().rstrip(".").strip()
                self.put(index, field, value)
                return True
        if low.startswith("dynamic route update:"):
            self.put(index, "dynamic_route_update", text.split(":", 1)[1].strip())
            return True
        if low.startswith("pushed ip address:"):
            self.put(index, "pushed_ip", text.split(":", 1)[1].strip())
            return True
        if low.startswith("quantum"):
            self.put(index, "quantum", text)
            return True
        m = _LOCAL_REMOTE.match(text)
        if m:
            # "Local spi: X    Remote spi: Y", "Local req msg id:  0   Remote ..."
            for label, value in (("Local", m.group(1)), ("Remote", m.group(2))):
                key, _, val = value.partition(":")
                self._labelled(index, f"{label} {key}", val)
            return True
        parts = [p.partition(":") for p in text.split(",")]
        raw = self.section.lines[index]
        if not raw[:1].isspace() and not all(
            _field(key) in _FLUSH_LABELS for key, _, _ in parts
        ):
            # The device indents every detail line: "Priya Shah 10:16 AM" from a
            # chat pasted between outputs is not a field of the SA.
            return False
        if all(colon and 0 < len(key.strip()) <= 40 for key, colon, _ in parts):
            # "CE id: 0, Session-id: 5206" or one "Label: value"
            for key, _, value in parts:
                self._labelled(index, key, value)
            return True
        return False

    def _labelled(self, index: int, label: str, value: str):
        field = _field(label)
        value = value.strip()
        if field in _NUMERIC:
            self.put(index, field, to_int(value))
        elif field in ("local_spi", "remote_spi"):
            self.put(index, field, value.upper())
        elif field == "pqc_key_exchange":
            self.put(index, "pqc", value)
        else:
            self.put(index, field, value)

    def _child_line(self, index: int, text: str, low: str):
        child = self.child
        if low.startswith("remote selector"):
            self.put(index, "remote_selector", _selector(text), child)
            return True
        if low.startswith("local selector"):
            self.put(index, "local_selector", _selector(text), child)
            return True
        key, colon, value = text.partition(":")
        if not colon:
            return False
        field = snake(key)
        if field.endswith("_spi_in_out") or field == "cpi_in_out":
            spi_in, _, spi_out = value.strip().partition("/")
            name = field[: -len("_in_out")]
            self.put(index, f"{name}_in", spi_hex(spi_in), child)
            self.put(index, f"{name}_out", spi_hex(spi_out), child)
            return True
        for key2, value2 in _comma_pairs(text):
            if value2 != "flag":
                self.put(index, key2, value2, child)
        return True


def _selector(text: str) -> str:
    """ "10.0.0.0/0 - 10.0.0.255/65535" from "local selector  10.0.0.0/0 - ..."."""
    words = text.split()
    return " ".join(words[2:])


def _kind(block: dict) -> str:
    text = "\n".join(block["text"]).lower()
    asa = any(
        m in text for m in ("ikev2 sas:", "session-id:", "child sa:", "no ikev2 sas")
    ) or any(r.get("role") and "session_id" in r for r in block["records"])
    ios = any(m in text for m in ("crypto ikev2", "fvrf/ivrf", "ce id:"))
    return ASA_SHOW_CRYPTO_IKEV2_SA if asa and not ios else IOS_SHOW_CRYPTO_IKEV2_SA


def finish(block: dict) -> list[dict]:
    """The block's records with their fields first and line data last."""
    out = []
    for rec in block["records"]:
        at, lines = rec.pop("at"), rec.pop("lines")
        out.append(dict(rec, lines=lines, at=at))
    return out


def reader(section):
    """A reader other parsers can feed lines to (ASA's `show crypto isakmp sa`
    ends with the IKEv2 SAs in this same layout)."""
    return _Reader(section)


def parse(section):
    own = owned(section, COMMANDS)
    rd = _Reader(section, own)
    # Past a few unknown lines, what follows is someone else's output.
    blocks = read_blocks(section, rd, False, slack=6 if own else 3)
    sources = []
    for block, found in zip(blocks, rd.blocks, strict=True):
        if not block["indexes"]:
            continue
        if (
            not own
            and not found["records"]
            and len(found["text"]) < 2
            and not found.get("said_none")
        ):
            continue  # a lone "Tunnel-id" word is not an output
        sources.append(
            source_from(
                _kind(found),
                section,
                block["indexes"],
                finish(found),
                block["unparsed"],
            )
        )
    return sources
