"""`show crypto isakmp sa [detail]`, `show crypto ikev1 sa [detail]` and
`show isakmp sa [detail]`: IKEv1 phase 1 SAs on ASA, PIX and IOS.

Kinds and the layouts each reads:

- ``asa.show_crypto_isakmp_sa``: numbered blocks ("1   IKE Peer: 203.0.113.5" then
  ``Type : L2L  Role : initiator`` / ``Rekey : no  State : MM_ACTIVE`` and, with
  ``detail``, Encrypt/Hash/Auth/Lifetime) under "Active SA: n" counts, with or
  without the 8.4+/9.x "IKEv1 SAs:" heading; and the 7.x/8.0 table
  ``IKE Peer Type Dir Rky State [Encrypt Hash Auth Lifetime]``.
- ``ios.show_crypto_isakmp_sa``: the ``dst src state conn-id [slot] [status]``
  table under "IPv4/IPv6 Crypto ISAKMP SA" headings (with or without an f_vrf/i_vrf
  column) and the detail table ``C-id Local Remote I-VRF Status Encr Hash Auth DH
  Lifetime Cap.`` with its "Engine-id:Conn-id = SW:1" lines.
- ``pix.show_isakmp_sa``: PIX 6 "Total : 1  Embryonic : 0" and ``dst src state
  pending created``.

Records: ``peer``, ``state`` (upper case, the name the state table uses),
``ike_version`` (1), and what the layout shows: ``role`` ("initiator" /
"responder" on the ASA, from Role or Dir), ``type``, ``rekey``, ``index``,
``encryption``, ``hash``, ``auth``, ``lifetime``, ``lifetime_remaining`` (ASA);
``dst``, ``src``, ``local``, ``conn_id``, ``slot``, ``status``, ``deleted``,
``fvrf``, ``ivrf``, ``af``, ``dh_group``, ``capabilities``, ``engine_id``,
``engine_conn_id`` (IOS); ``pending``, ``created`` (PIX).

IOS lists an SA by dst and src, where src is the end that started the negotiation,
so the table alone does not say which end is this router: ``role`` is left out.
When one address is on every row of a table (a hub with several peers) it is taken
as the local end and the other address of each row as the peer; otherwise the dst
is taken as the peer (the router initiated) and ``peer_guessed`` is True.

In ASA 8.4+/9.x output the IKEv2 part ("IKEv2 SAs:") is returned as a second
source of kind ``asa.show_crypto_ikev2_sa``, with the records the ikev2_sa parser
makes, so rules see one shape of IKEv2 record whichever command showed it.
"""

from __future__ import annotations

import re
from functools import lru_cache

from analyzer.parsers import common, ikev2_sa
from analyzer.parsers.common import IPV4, owned, read_blocks, source_from, to_int
from analyzer.registry import (
    ASA_SHOW_CRYPTO_IKEV2_SA,
    ASA_SHOW_CRYPTO_ISAKMP_SA,
    IOS_SHOW_CRYPTO_ISAKMP_SA,
    PIX_SHOW_ISAKMP_SA,
)

# Device labels repeat on every SA: name each once.
snake = lru_cache(maxsize=2048)(common.snake)
COMMANDS = ("show crypto isakmp sa", "show crypto ikev1 sa", "show isakmp sa")

_STATE = re.compile(r"^[A-Za-z]{2,4}_[A-Za-z0-9_]{2,30}$")
_HMS = re.compile(r"^\d{1,4}:\d\d:\d\d$")
# Address characters, masked octets included ("185.x.y.113", "10.*.*.1").
_ADDR_CHARS = frozenset("0123456789abcdefABCDEF.:xXyYzZ*")
_MASKED_V4 = re.compile(IPV4)
# The peer as printed, or a placeholder a poster typed over it
# ("{Public IP address of London ASA}", "<peer IP>").
_ASA_PEER = re.compile(r"^(\d{1,6})\s+IKE Peer:\s*(\{[^}]{1,80}\}|<[^>]{1,80}>|\S+)")
_KEY_VALUE = re.compile(r"([A-Za-z][A-Za-z ]{0,30}?)\s*:\s*(\S+)")
_NONE_SAID = (
    "there are no ikev1 sas",
    "there are no isakmp sas",
    "there are no ike sas",
)
_ASA_KEYS = {
    "type",
    "role",
    "rekey",
    "state",
    "encrypt",
    "hash",
    "auth",
    "lifetime",
    "lifetime_remaining",
}
_LEGEND = (
    "codes:",
    "k - keepalives",
    "t - ctcp",
    "psk - preshared",
    "renc - rsa",
    "c - ike configuration",
)


def _is_addr(token: str) -> bool:
    if not set(token) <= _ADDR_CHARS or _HMS.match(token):
        return False
    if token.count(".") == 3:
        return _MASKED_V4.fullmatch(token) is not None
    return token.count(":") >= 2 and not set(token) & set("xXyYzZ*")


def _status(words: list[str]) -> tuple[str | None, bool]:
    text = " ".join(words)
    if not text:
        return None, False
    word, _, note = text.partition("(")
    return word.strip() or None, "deleted" in note.lower()


class _Reader:
    def __init__(self, section, own: bool):
        self.section = section
        self.own = own
        self.blocks: list[dict] = []
        self.block: dict | None = None

    # -- the read_blocks protocol ---------------------------------------------
    def starts(self, text: str) -> bool:
        low = text.lower()
        return (
            (self.own and not self.blocks)
            or low.startswith(
                (
                    "ikev1 sas:",
                    "active sa:",
                    "total ike sa:",
                    "ike peer",
                    "total :",
                    "total     :",
                    "embryonic",
                    "c-id ",
                    "f_vrf/i_vrf",
                    "conn-id ",
                )
            )
            or low.startswith(_NONE_SAID)
            or (low.startswith("dst ") and "src" in low and "state" in low)
            or ("crypto isakmp sa" in low and low.startswith(("ipv4", "ipv6")))
            or bool(_ASA_PEER.match(text))
        )

    def open(self):
        self.block = {
            "records": [],
            "platform": None,
            "ikev2": None,
            "ikev2_indexes": [],
            # The "IKEv1 SAs:" / "IKEv2 SAs:" split of ASA 8.4 and later.
            "split": False,
            # The "Active SA: n" counts that head the ASA's output.
            "counts": False,
        }
        self.blocks.append(self.block)
        self.mode = None  # "asa_block", "asa_table", "ios", "ios_detail", "pix"
        self.columns: list[str] = []
        self.af: str | None = None
        self.record: dict | None = None
        self.v2 = None
        self.stacked: dict | None = None

    def read(self, index: int, text: str):
        low = text.lower()
        if low.startswith(("ikev2 sas:", "there are no ikev2 sas")):
            self.block["split"] = True
        if low.startswith(("ikev2 sas:", "there are no ikev2 sas")) and self.own:
            self.v2 = ikev2_sa.reader(self.section)
            self.v2.open()
            self.block["ikev2"] = self.v2.block
        elif low.startswith("ikev1 sas:"):
            self.v2 = None
        if self.v2 is not None:
            self.block["ikev2_indexes"].append(index)
            return self.v2.read(index, text)
        return self._read(index, text, low)

    # -- helpers ----------------------------------------------------------------
    def lineno(self, index: int) -> int:
        return self.section.numbers[index]

    def platform(self, name: str):
        if self.block["platform"] is None:
            self.block["platform"] = name

    def new_record(self, index: int, fields: dict) -> dict:
        here = self.lineno(index)
        rec = {"ike_version": 1}
        rec.update({k: v for k, v in fields.items() if v is not None})
        rec["lines"] = [here, here]
        rec["at"] = {k: here for k in rec if k not in ("lines", "ike_version")}
        self.block["records"].append(rec)
        self.record = rec
        return rec

    def put(self, index: int, field: str, value):
        if value is None or self.record is None:
            return
        self.record[field] = value
        self.record["at"][field] = self.lineno(index)
        self.record["lines"][1] = max(self.record["lines"][1], self.lineno(index))

    # -- one line ---------------------------------------------------------------
    def _read(self, index: int, text: str, low: str):
        if low.startswith(_NONE_SAID):
            self.platform("asa")
            return True
        if low.startswith("ikev1 sas:"):
            self.block["split"] = True
        if low.startswith("active sa:"):
            self.block["counts"] = True
        if low.startswith(("ikev1 sas:", "active sa:", "rekey sa:", "total ike sa:")):
            self.platform("asa")
            self.mode = "asa_block"
            return True
        if low.startswith(_LEGEND) or low.startswith(("d - dead peer", "n - nat")):
            return True
        if "crypto isakmp sa" in low and low.startswith(("ipv4", "ipv6")):
            self.platform("ios")
            self.af = "IPv4" if low.startswith("ipv4") else "IPv6"
            self.mode = self.mode if self.mode in ("ios", "ios_detail") else "ios"
            return True
        if low.startswith(("total :", "total     :", "embryonic")) or (
            low.startswith("total") and "embryonic" in low
        ):
            self.platform("pix")
            self.mode = "pix"
            return True
        if low.startswith("ike peer") and "type" in low and ":" not in low:
            self.platform("asa")
            self.mode = "asa_table"
            self.columns = [snake(c) for c in text.split()[2:]]
            return True
        if low.startswith(("dst ", "f_vrf/i_vrf")) and "src" in low:
            self.columns = [snake(c) for c in text.split()]
            if "pending" in low:
                self.platform("pix")
                self.mode = "pix"
            else:
                self.platform("ios")
                self.mode = "ios"
            return True
        if low.startswith(("c-id ", "conn-id ")) and "local" in low:
            self.platform("ios")
            self.mode = "ios_detail"
            self.columns = [snake(c) for c in text.split()]
            return True
        if low.startswith(("engine-id:conn-id", "engine-id")) and self.record:
            value = text.split("=", 1)[-1].strip()
            engine, colon, conn = value.partition(":")
            if colon and conn.strip().isdecimal():
                self.put(index, "engine_id", engine.strip())
                self.put(index, "engine_conn_id", int(conn))
            else:
                self.record["lines"][1] = self.lineno(index)
            return True
        if self.mode == "ios" and low.startswith(("dst:", "src:", "state:")):
            return self._ios_stacked(index, text, low)
        m = _ASA_PEER.match(text)
        if m:
            self.platform("asa")
            self.mode = "asa_block"
            peer = m.group(2).split("/")[0] if "." in m.group(2) else m.group(2)
            self.new_record(index, {"index": int(m.group(1)), "peer": peer})
            return True
        if low.startswith("ikev2 sas:"):
            # Left to the IKEv2 parser when no echoed command says whose it is.
            self.mode, self.record = None, None
            return False
        if self.mode == "asa_block" and self.record is not None and ":" in text:
            return self._asa_pairs(index, text)
        words = text.split()
        if self.mode == "asa_table" and words[0].isdecimal() and len(words) >= 3:
            return self._asa_table_row(index, words)
        if self.mode == "ios_detail" or (
            self.mode in (None, "ios") and any(_HMS.match(w) for w in words)
        ):
            if self._ios_detail_row(index, words):
                return True
        if self._table_row(index, words):
            return True
        return False

    def _ios_stacked(self, index: int, text: str, low: str) -> bool:
        """IOS prints an IPv6 SA on three lines, the addresses being too long for
        the table: " dst: 2001:DB8::2" / " src: 2001:DB8::1" / " state: QM_IDLE
        conn-id: 1001 [slot: 0] status: ACTIVE"."""
        key, _, value = text.partition(":")
        key = key.strip().lower()
        if key in ("dst", "src"):
            addr = value.split()[0] if value.split() else ""
            if not _is_addr(addr):
                return False
            if key == "dst":
                self.stacked = {"dst": (addr, index)}
            elif self.stacked is not None:
                self.stacked["src"] = (addr, index)
            else:
                return False
            return True
        pending, self.stacked = self.stacked, None
        words = value.split()
        if (
            not pending
            or "src" not in pending
            or not words
            or not _STATE.match(words[0])
        ):
            return False
        fields = {
            "dst": pending["dst"][0],
            "src": pending["src"][0],
            "state": words[0].upper(),
            "af": self.af,
        }
        rest = " ".join(words[1:]).replace(":", ": ").split()
        for label, value in zip(rest, rest[1:], strict=False):
            label = label.lower()
            if label in ("conn-id:", "slot:"):
                fields[label[:-1].replace("-", "_")] = to_int(value)
            elif label == "status:":
                fields["status"] = value
        rec = self.new_record(index, fields)
        first = self.lineno(pending["dst"][1])
        rec["lines"][0] = first
        rec["at"]["dst"] = first
        rec["at"]["src"] = self.lineno(pending["src"][1])
        if "(deleted)" in low:
            rec["deleted"] = True
        return True

    def _asa_pairs(self, index: int, text: str) -> bool:
        pairs = _KEY_VALUE.findall(text)
        if not pairs or snake(pairs[0][0]) not in _ASA_KEYS:
            return False
        for key, value in pairs:
            field = snake(key)
            if field == "role":
                self.put(index, "role", value.lower())
            elif field == "state":
                self.put(index, "state", value.upper())
            elif field in ("type", "rekey", "hash", "auth"):
                self.put(index, field, value)
            elif field == "encrypt":
                self.put(index, "encryption", value)
            elif field == "lifetime":
                self.put(index, "lifetime", to_int(value))
            elif field == "lifetime_remaining":
                self.put(index, "lifetime_remaining", to_int(value))
            elif field:
                self.put(index, field, value)
        return True

    def _asa_table_row(self, index: int, words: list[str]) -> bool:
        if "state" not in self.columns:
            return False
        state = self.columns.index("state") + 2
        if state >= len(words) or not _STATE.match(words[state]):
            return False
        self.new_record(index, {"index": int(words[0]), "peer": words[1]})
        for column, value in zip(self.columns, words[2:], strict=False):
            if column == "dir":
                low = value.lower()
                role = "responder" if low.startswith("resp") else None
                role = "initiator" if low.startswith("init") else role
                self.put(index, "role", role)
            elif column == "rky":
                self.put(index, "rekey", value)
            elif column == "state":
                self.put(index, "state", value.upper())
            elif column == "encrypt":
                self.put(index, "encryption", value)
            elif column == "lifetime":
                self.put(index, "lifetime", to_int(value))
            else:
                self.put(index, column, value)
        return True

    def _table_row(self, index: int, words: list[str]) -> bool:
        """dst src state conn-id [slot] [status] (IOS) or dst src state pending
        created (PIX), an optional f_vrf/i_vrf first."""
        addrs = [i for i, w in enumerate(words[:4]) if _is_addr(w)]
        if len(addrs) < 2 or addrs[1] != addrs[0] + 1:
            return False
        first = addrs[0]
        rest = words[first + 2 :]
        if not rest or not _STATE.match(rest[0]):
            return False
        fields = {
            "dst": words[first],
            "src": words[first + 1],
            "state": rest[0].upper(),
            "af": self.af,
        }
        if first:
            fvrf, _, ivrf = " ".join(words[:first]).partition("/")
            fields["fvrf"] = fvrf.strip() or None
            fields["ivrf"] = ivrf.strip() or None
        numbers = []
        tail = rest[1:]
        while tail and tail[0].isdecimal() and len(numbers) < 2:
            numbers.append(int(tail.pop(0)))
        if self.mode == "pix" or self.block["platform"] == "pix":
            names = ("pending", "created")
            self.platform("pix")
        else:
            names = ("conn_id", "slot")
            self.platform("ios")
        fields.update(zip(names, numbers, strict=False))
        status, deleted = _status(tail)
        fields["status"] = status
        rec = self.new_record(index, fields)
        if deleted:
            rec["deleted"] = True
        return True

    def _ios_detail_row(self, index: int, words: list[str]) -> bool:
        """C-id Local Remote [I-VRF] [Status] Encr Hash Auth DH Lifetime [Cap.]"""
        life = next((i for i, w in enumerate(words) if _HMS.match(w)), None)
        addrs = [i for i, w in enumerate(words) if _is_addr(w)]
        if life is None or len(addrs) < 2 or life < addrs[1] + 5:
            return False
        local, remote = addrs[0], addrs[1]
        conn = words[local - 1] if local and words[local - 1].isdecimal() else None
        middle = words[remote + 1 : life - 4]
        has_status = "status" in self.columns or not self.columns
        status = middle[-1] if has_status and middle else None
        ivrf = middle[:-1] if status else middle
        fields = {
            "conn_id": to_int(conn),
            "local": words[local],
            "peer": words[remote],
            "af": self.af,
            "status": status,
            "ivrf": " ".join(ivrf) or None,
            "encryption": words[life - 4],
            "hash": words[life - 3],
            "auth": words[life - 2],
            "dh_group": to_int(words[life - 1]),
            "lifetime": words[life],
            "capabilities": " ".join(words[life + 1 :]) or None,
        }
        if local > 1:
            fvrf, _, ivrf2 = " ".join(words[: local - 1]).partition("/")
            fields["fvrf"] = fvrf.strip() or None
            if ivrf2.strip() and not fields["ivrf"]:
                fields["ivrf"] = ivrf2.strip()
        self.platform("ios")
        self.new_record(index, fields)
        return True


def _settle_peers(records: list[dict]) -> None:
    """Pick peer and local for the dst/src rows of one IOS/PIX table."""
    by_af: dict = {}
    for rec in records:
        if "dst" in rec:
            by_af.setdefault(rec.get("af"), []).append(rec)
    for rows in by_af.values():
        common = {rows[0]["dst"], rows[0]["src"]}
        for rec in rows[1:]:
            common &= {rec["dst"], rec["src"]}
        local = next(iter(common)) if len(rows) > 1 and len(common) == 1 else None
        guess = None
        if local is None and len(rows) > 1 and len(common) == 2:
            # Every row is the same pair of addresses, some written one way
            # round and some the other (the router initiated some SAs and
            # answered others): one device has one address on the pair, so
            # all rows name the same peer. The address written as src more
            # often is taken as local; still a guess, but the same for every
            # row.
            srcs = [rec["src"] for rec in rows]
            a, b = sorted(common)
            if srcs.count(a) != srcs.count(b):
                guess = a if srcs.count(a) > srcs.count(b) else b
        for rec in rows:
            at = rec["at"].get("dst")
            if local is not None:
                rec["local"] = local
                rec["peer"] = rec["src"] if rec["dst"] == local else rec["dst"]
            elif guess is not None:
                rec["local"] = guess
                rec["peer"] = rec["src"] if rec["dst"] == guess else rec["dst"]
                rec["peer_guessed"] = True
            else:
                rec["local"], rec["peer"] = rec["src"], rec["dst"]
                rec["peer_guessed"] = True
            rec["at"]["peer"] = at
            rec["at"]["local"] = at


def _finish(records: list[dict]) -> list[dict]:
    out = []
    for rec in records:
        at, lines = rec.pop("at"), rec.pop("lines")
        out.append(dict(rec, lines=lines, at=at))
    return out


def parse(section):
    own = owned(section, COMMANDS)
    reader = _Reader(section, own)
    # Past a few unknown lines, what follows is someone else's output.
    blocks = read_blocks(section, reader, False, slack=6 if own else 3)
    sources = []
    for block, found in zip(blocks, reader.blocks, strict=True):
        v2_indexes = set(found["ikev2_indexes"])
        if v2_indexes:
            # Blank lines inside the IKEv2 part belong to it.
            first_v2 = min(v2_indexes)
            v2_indexes |= {
                i
                for i in block["indexes"]
                if i > first_v2 and not section.lines[i].strip()
            }
        indexes = [i for i in block["indexes"] if i not in v2_indexes]
        unparsed = [i for i in block["unparsed"] if i not in v2_indexes]
        if indexes and (own or found["records"] or found["platform"]):
            _settle_peers(found["records"])
            if found["platform"] == "asa":
                # ASA 7.x-8.3 and PIX 7 have no "ikev1" keyword in their commands:
                # their output opens on the SA counts with no IKEv1/IKEv2 split.
                # Filtered or partial output says nothing either way.
                typed = section.command or ""
                legacy = found["counts"] and not found["split"]
                keyword = not legacy or " ikev" in typed
                for rec in found["records"]:
                    rec["ikev1_keyword"] = keyword
            kind = {
                "ios": IOS_SHOW_CRYPTO_ISAKMP_SA,
                "pix": PIX_SHOW_ISAKMP_SA,
            }.get(found["platform"], ASA_SHOW_CRYPTO_ISAKMP_SA)
            sources.append(
                source_from(kind, section, indexes, _finish(found["records"]), unparsed)
            )
        if v2_indexes and found["ikev2"] is not None:
            v2_unparsed = [i for i in block["unparsed"] if i in v2_indexes]
            sources.append(
                source_from(
                    ASA_SHOW_CRYPTO_IKEV2_SA,
                    section,
                    sorted(v2_indexes),
                    ikev2_sa.finish(found["ikev2"]),
                    v2_unparsed,
                )
            )
    return sources
