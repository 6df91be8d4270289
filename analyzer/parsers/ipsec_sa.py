"""`show crypto ipsec sa [peer X] [detail]` and `show ipsec sa` (ASA, PIX 7+, IOS,
IOS-XE): one record per proxy pair (local ident / remote ident) of a crypto map
entry or tunnel interface.

Kinds: ``asa.show_crypto_ipsec_sa`` and ``ios.show_crypto_ipsec_sa``, told apart by
what only one of them prints (``seq num``, ``media mtu``, ``in use settings ={L2L``
on the ASA; ``protected vrf``, ``PERMIT, flags=``, ``plaintext mtu`` on IOS).

Record fields (absent when the device did not print them):

- context: ``interface``, ``crypto_map``, ``seq`` (int), ``local_addr``, ``acl``
  (ASA's "access-list ..." line) and ``acl_name`` (the ACL it names),
  ``protected_vrf``, ``action`` and ``flags`` (IOS).
- ``local_ident`` / ``remote_ident``: the proxy identity as the device prints it
  without the parentheses, ``"addr/mask/prot/port"``, e.g.
  ``"192.168.11.0/255.255.255.0/0/0"`` (IPv6: ``"2001:db8::/64/0/0"``).
- ``peer`` (``current_peer``, falling back on the remote crypto endpoint),
  ``peer_port``, ``username`` (ASA remote access), ``dynamic_peer_ip``,
  ``dynamic_peer_ipv6``, ``local_endpoint`` / ``remote_endpoint`` (+
  ``_port`` when NAT-T shows one).
- counters, as ints: ``encaps encrypt digest decaps decrypt verify compressed
  decompressed not_compressed comp_failed decomp_failed not_decompressed
  pre_frag_successes pre_frag_failures fragments_created pmtus_sent pmtus_rcvd
  frags_needing_reassembly send_errors recv_errors`` and every other ``#label: n``
  counter under the label in snake case without "pkts" (``no_sa_send``,
  ``invalid_sa_rcv``, ``verify_failed``, ``replay_failed_rcv``, ``tfc_rcvd`` ...).
- ``device``: ``"pix6"`` on PIX 6 output (ASA-like, peer written ``a.b.c.d:500``).
- ``path_mtu``, ``ipsec_overhead``, ``media_mtu``, ``plaintext_mtu``, ``ip_mtu``,
  ``ip_mtu_idb``, ``pfs``, ``dh_group``.
- ``outbound_spi`` / ``inbound_spi``: the *current* SPIs as upper-case hex without
  ``0x``, zero-padded to 8 digits (``"E5C56C30"``), the form the ASA's asp table
  uses; ``"00000000"`` means no SA. IOS prints no current inbound SPI, so it is
  absent there. ``outbound_spi_dec`` when the device printed the decimal.
- ``inbound_sas`` / ``outbound_sas``: lists of ``{"protocol": "esp"|"ah"|"pcp",
  "spi", "spi_dec", "transform", "settings" (list), "slot", "conn_id", "crypto_map",
  "flow_id", "lifetime_kb", "lifetime_sec", "iv_size", "replay_detection",
  "replay_window", "status", "state", "lines", "at"}``; ``transform`` is that of
  the first SA.
"""

from __future__ import annotations

import re
from functools import lru_cache

from analyzer.parsers import common
from analyzer.parsers.common import (
    owned,
    read_blocks,
    source_from,
    spi_hex,
    to_int,
)
from analyzer.registry import ASA_SHOW_CRYPTO_IPSEC_SA, IOS_SHOW_CRYPTO_IPSEC_SA

# Device labels repeat on every SA: name each once.
snake = lru_cache(maxsize=2048)(common.snake)
COMMANDS = ("show crypto ipsec sa", "show ipsec sa")

# Counter labels that differ between platforms for the same thing.
_COUNTER_ALIASES = {
    "compr_failed": "comp_failed",
    "decompress_failed": "decomp_failed",
    "decapsulated_frgs_needing_reassembly": "frags_needing_reassembly",
    "decapsulated_frags_needing_reassembly": "frags_needing_reassembly",
    "internal_err_rcv": "internal_err_recv",
    "invalid_prot_rcv": "invalid_prot_recv",
    "invalid_identity_rcv": "invalid_identity_recv",
}

# Where a paste lost its line breaks ("local addr: 11.11.11.11local ident"), the
# next field starts right after a non-space character: split there.
_GLUED = re.compile(
    # The one-character lookahead turns most positions down before the list.
    r"(?<=[^\s,(#])(?=[lrc#CiopstIAa])(?=local\s{1,3}ident \(|remote ident \(|current_peer|#pkts |"
    r"#pre-frag|#PMTUs|#send errors|#TFC|#Valid ICMP|local crypto endpt|"
    r"current outbound spi|current inbound spi|(?:in|out)bound (?:esp|ah|pcp) sas:|"
    r"Crypto map tag:|interface: |access-list |path mtu \d|spi: 0x|transform: |"
    r"in use settings|sa timing:|IV size:|replay detection|Anti replay bitmap)"
)
# What a field that _GLUED splits at must start with: at a seam, one of these
# follows a character other than a space, comma, parenthesis or "#" ("#" itself
# starts the counters). The regex costs time at every position of every line, so
# the section is first asked, with a few counts over all of it, which of them
# ever stand anywhere but at a line's start or after such a character; on a
# section where none does, no line has a seam and the regex never runs.
_SEAM_STARTS = (
    "current",
    "local crypto endpt",
    "inbound ",
    "outbound ",
    "Crypto map tag:",
    "interface: ",
    "access-list ",
    "path mtu ",
    "spi: 0x",
    "transform: ",
    "in use settings",
    "sa timing:",
    "IV size:",
    "replay detection",
    "Anti replay bitmap",
    "remote ident (",
)
# What may stand before a field start that is no seam, the usual first.
_NOT_A_SEAM = ("\n", " ", ",", "(", "#", "\t")
# "local\s{1,3}ident (" is found by its "ident (", which a line of idents opens
# with after "local" and one to three spaces or after "remote ".
_IDENT_OPENINGS = ("\nlocal ", "\nlocal  ", "\nlocal   ", "\nremote ")


def _unexplained(text: str, needle: str, before: tuple[str, ...]) -> bool:
    """Whether ``needle`` occurs in ``text`` more often than after one of
    ``before`` (the commonest first: most needles stop after one count)."""
    left = text.count(needle)
    for lead in before:
        if left <= 0:
            break
        left -= text.count(lead + needle)
    return left > 0


def _seam_suspects(lines) -> tuple[tuple[str, ...], bool, bool] | None:
    """What a seam in these lines could start with: the field starts found where
    a seam could be, whether a "#" is, whether an "ident (" is; None when no
    line can have a seam. Sound, not exact: a suspect only means looking."""
    text = "\n" + "\n".join(line.strip() for line in lines)
    starts = tuple(a for a in _SEAM_STARTS if _unexplained(text, a, _NOT_A_SEAM))
    hashes = _unexplained(text, "#", _NOT_A_SEAM)
    ident = _unexplained(text, "ident (", _IDENT_OPENINGS)
    if not (starts or hashes or ident):
        return None
    return starts, hashes, ident


def _may_be_glued(text: str, suspects) -> bool:
    """False only when _GLUED cannot split ``text``, one of the lines that gave
    ``suspects``."""
    if suspects is None:
        return False
    starts, hashes, ident = suspects
    rest = text[1:]
    if starts and any(map(rest.__contains__, starts)):
        return True
    if (
        hashes
        and "#" in rest
        and rest.count("#")
        > (text.count(" #") + text.count(",#") + text.count("(#") + text.count("##"))
    ):
        return True
    if not ident:
        return False
    # The "ident (" of a field past the first character is at least 7 in; the
    # one a line opens with does not count.
    at = text.find("ident (", 7)
    if at != -1 and at <= 8:
        head = text[:at]
        if head == "remote " or (head[:5] == "local" and head[5:].isspace()):
            at = text.find("ident (", at + 1)
    return at != -1


_IDENT = re.compile(
    r"^(local|remote)\s{1,3}ident\s*\((?:[^)]{0,40})\):\s*\((.{1,120})\)"
)
_SA_LIST = re.compile(r"^(inbound|outbound) (esp|ah|pcp) sas:")
_SPI = re.compile(r"^spi:\s*(0[x\u00d7][0-9A-Fa-f]{1,8})\s*(?:\(\s*(\d{1,12})\s*\))?")
_CURRENT_SPI = re.compile(
    r"^current (inbound|outbound) spi\s*:\s*(?:0[x\u00d7])?([0-9A-Fa-f]{1,8})\b"
    r"(?:\s*\(\s*(\d{1,12})\s*\))?"
)
_LIFETIME = re.compile(r"\((?:kB|k|KB)/sec\):\s*\(\s*(\d+)\s*/\s*(\d+)\s*\)")
_LIFETIME_SEC = re.compile(r"\(sec\):\s*(\d+)")
_LIFETIME_WORDS = re.compile(r"(\d+)\s*(hours?|mins?|secs?|days?)")
_HEXWORDS = re.compile(r"^(?:0[x\u00d7][0-9A-Fa-f]{1,8}\s*){1,8}$")
_NO_SAS = ("there are no ipsec sa", "no sas found")


@lru_cache(maxsize=2048)
def _counter_name(label: str) -> str:
    name = snake(label.rstrip().rstrip(":"))
    if name.startswith("pkts_"):
        name = name[5:]
    return _COUNTER_ALIASES.get(name, name)


def _counters(text: str) -> list[tuple[str, int]]:
    """("encaps", 61) pairs from "#pkts encaps: 61, #pkts encrypt: 61"."""
    out: list[tuple[str, int]] = []
    # Split at "#" and "," alike: the same pieces as splitting at one then the
    # other, in one pass.
    for part in text.replace("#", ",").split(","):
        part = part.strip()
        if not part:  # what lies between ", " and "#"
            continue
        label, _, number = part.rpartition(" ")
        if not number.isdecimal():  # "encaps:61" with no space
            end = len(part)
            while end and part[end - 1].isdecimal():
                end -= 1
            label, number = part[:end], part[end:]
        # No number, no label, or no counter is that long.
        if not number or not label or len(number) > 20:
            continue
        name = _counter_name(label)
        if name:
            out.append((name, int(number)))
    return out


def _pairs(text: str) -> list[tuple[str, str]]:
    """("conn_id", "3") pairs from "slot: 0, conn_id: 3, crypto-map: def" and
    IOS's "sibling_flags 80000000" (no colon: the last word is the value)."""
    out = []
    for part in text.split(", "):
        part = part.strip().strip(",").strip()
        if not part:
            continue
        if ":" in part:
            key, _, value = part.partition(":")
        else:
            key, _, value = part.rpartition(" ")
        out.append((snake(key), value.strip()))
    return out


def _platform_hints(text: str) -> tuple[int, int]:
    low = text.lower()
    asa = sum(
        marker in low
        for marker in (
            "seq num:",
            "media mtu",
            "ipsec overhead",
            "={l2l",
            "={ra,",
            "local addr:",
            "current_peer:",
            "sa state:",
            "slot: 0, conn_id",
            "there are no ipsec sas",
            "#pre-frag",
        )
    )
    ios = sum(
        marker in low
        for marker in (
            "protected vrf",
            "permit, flags=",
            "plaintext mtu",
            "ip mtu idb",
            "conn id:",
            "flow_id",
            "status: active",
            "pfs (y/n)",
            "#send errors ",
        )
    )
    if not asa and not ios:
        # What "| include" leaves (idents, peers, counters) still differs a
        # little: IOS's two-space "local  ident", "compr. failed" and
        # "not decompressed" (PIX 6 has them too, but also the markers above).
        ios = sum(
            marker in low
            for marker in ("compr. failed", "#pkts not decompressed", "local  ident")
        )
        # IOS writes the peer "current_peer 203.0.113.2 port 500", the ASA
        # "current_peer: 203.0.113.2" (PIX 6 "current_peer: 203.0.113.2:500").
        ios += _IOS_PEER.search(low) is not None
    return asa, ios


_IOS_PEER = re.compile(r"current_peer [0-9a-f.:]{2,45} port \d{1,5}")


class _Reader:
    """Walks the section once, building records and the blocks they came from."""

    def __init__(self, section):
        self.section = section
        self.own = owned(section, COMMANDS)
        self.suspects = _seam_suspects(section.lines)
        self.blocks: list[dict] = []
        self.block: dict | None = None
        self.context: dict = {}
        self.record: dict | None = None
        self.sa_list: tuple[str, str] | None = None
        self.sa: dict | None = None

    # -- the read_blocks protocol ----------------------------------------------
    def starts(self, text: str) -> bool:
        # Under its own echoed command the output may open on any line.
        return (self.own and not self.blocks) or _starts_block(text, self.suspects)

    def open(self):
        self.block = {"records": [], "text": []}
        self.blocks.append(self.block)
        self.context = {}
        self.record = None
        self.sa_list = None
        self.sa = None

    def read(self, index: int, text: str):
        if text[0] in "TtNn" and text.lower().startswith(_NO_SAS):
            self.block["text"].append(text)
            return True
        # Too short to hold two fields run together, or holding nothing a second
        # field could start with: no need to look for a seam.
        if (
            self.suspects is None
            or len(text) < 24
            or not _may_be_glued(text, self.suspects)
        ):
            result = self._read_piece(index, text)
        else:
            pieces = _GLUED.split(text)
            if len(pieces) == 1:
                result = self._read_piece(index, text)
            else:
                understood = [
                    self._read_piece(index, p.strip()) for p in pieces if p.strip()
                ]
                result = (
                    (True if all(understood) else "partial")
                    if any(understood)
                    else False
                )
        if result and len(self.block["text"]) < 400:  # enough to tell the platform
            self.block["text"].append(text)
        return result

    # -- records -------------------------------------------------------------
    def new_record(self, index: int) -> dict:
        rec = {k: v for k, v in self.context.items() if not k.startswith("_")}
        rec["at"] = dict(self.context.get("_at", {}))
        rec["lines"] = [self.lineno(index), self.lineno(index)]
        self.block["records"].append(rec)
        self.record = rec
        self.sa_list = None
        self.sa = None
        return rec

    def lineno(self, index: int) -> int:
        return self.section.numbers[index]

    def current(self, index: int, starts_on: tuple[str, ...] = ()) -> dict:
        rec = self.record
        if rec is None:
            return self.new_record(index)
        for key in starts_on:
            if key in rec:
                return self.new_record(index)
        return rec

    def put(self, rec: dict, index: int, field: str, value) -> None:
        if value is None:
            return
        here = self.section.numbers[index]
        rec[field] = value
        rec["at"][field] = here
        lines = rec["lines"]
        if here > lines[1]:
            lines[1] = here

    # -- one fragment of one line ----------------------------------------------
    def _read_piece(self, index: int, text: str) -> bool:
        """Apply one fragment; False when it is not part of this output.

        The line's first character picks the few kinds of line it can be, in
        the order they were always tried, instead of testing every kind."""
        low = text.lower()
        first = low[0]
        # The most frequent lines first: counters, then the lines of one SA.
        if first == "#":
            return self._counter_line(index, text)
        if (
            self.sa is not None
            and first in _SA_FIRST
            and self._sa_line(index, text, low)
        ):
            here = self.section.numbers[index]
            self.sa["lines"][1] = here
            lines = self.record["lines"]
            if here > lines[1]:
                lines[1] = here
            return True
        read = _BY_FIRST.get(first)
        return read(self, index, text, low) if read is not None else False

    def _p_line(self, index: int, text: str, low: str) -> bool:
        if low.startswith("peer address:"):
            # ASA's "show crypto ipsec sa peer X" heads its output with the filter.
            return True
        if low.startswith("protected vrf:"):
            rec = self.current(
                index, ("protected_vrf", "local_ident", "encaps", "decaps")
            )
            self.put(rec, index, "protected_vrf", text.split(":", 1)[1].strip())
            return True
        if low.startswith("permit, flags="):
            return self._flags_line(index, text)
        if low.startswith(("path mtu", "plaintext mtu")):
            rec = self.current(index)
            for part in text.split(","):
                part = part.strip()
                word, _, value = part.rpartition(" ")
                field = snake(word)
                if field == "ip_mtu_idb":
                    self.put(rec, index, field, value)
                elif field == "ipv6_mtu_idb":
                    self.put(rec, index, "ip_mtu_idb", value)
                elif field in ("path_mtu", "media_mtu", "plaintext_mtu", "ip_mtu"):
                    self.put(rec, index, field, to_int(value))
                elif field == "ipv6_mtu":
                    self.put(rec, index, "ip_mtu", to_int(value))
                elif field == "ipsec_overhead":  # "82(52)": the total comes first
                    self.put(rec, index, field, to_int(value.split("(")[0]))
            return True
        if low.startswith("pmtu time remaining"):
            return self._pmtu_line(index, text)
        if low.startswith("pfs (y/n)"):
            rec = self.current(index)
            for key, value in _pairs(text):
                if key == "pfs_y_n":
                    self.put(rec, index, "pfs", value)
                elif key == "pqc_key_exchange":
                    self.put(rec, index, "pqc", value)
                else:
                    self.put(rec, index, key, value)
            return True
        return False

    def _i_line(self, index: int, text: str, low: str) -> bool:
        if low.startswith("interface:"):
            self.context = {"interface": text.split(":", 1)[1].strip(), "_at": {}}
            self.context["_at"]["interface"] = self.lineno(index)
            self.record, self.sa = None, None
            return True
        if low.startswith("icmp error validation"):
            return self._pmtu_line(index, text)
        return self._sa_list_line(index, low)

    def _c_line(self, index: int, text: str, low: str) -> bool:
        if low.startswith("crypto map tag:"):
            keep = {k: self.context[k] for k in ("interface",) if k in self.context}
            at = {k: v for k, v in self.context.get("_at", {}).items() if k in keep}
            self.context = dict(keep, _at=at)
            for key, value in _pairs(text):
                if key == "crypto_map_tag":
                    self.context["crypto_map"] = value
                elif key == "seq_num":
                    self.context["seq"] = to_int(value)
                elif key == "local_addr":  # "local addr: X" (ASA), "local addr X" (IOS)
                    self.context["local_addr"] = value
            for key in ("crypto_map", "seq", "local_addr"):
                if key in self.context:
                    at[key] = self.lineno(index)
            self.record, self.sa = None, None
            return True
        if low.startswith("current_peer"):
            # ASA remote access: "current_peer: 198.51.100.200, username: jdoe"
            head, _, user = text[len("current_peer") :].partition(",")
            rest = head.lstrip(" :").split()
            rec = self.current(index, ("peer_shown",))
            if rest:
                peer, port = rest[0], None
                if (
                    peer.count(".") == 3 and peer.count(":") == 1
                ):  # IOS 12.2 and PIX 6 "a.b.c.d:500"
                    peer, _, port = peer.partition(":")
                    rec["_old_peer_port"] = True
                elif len(rest) >= 3 and rest[1] == "port":
                    port = rest[2]
                self.put(rec, index, "peer", peer)
                self.put(rec, index, "peer_port", to_int(port))
                rec["peer_shown"] = True
            key, _, value = user.partition(":")
            if key.strip().lower() == "username" and value.strip():
                self.put(rec, index, "username", value.strip())
            return True
        m = _CURRENT_SPI.match(text)
        if m:
            rec = self.current(index)
            self.put(rec, index, f"{m.group(1)}_spi", spi_hex(m.group(2)))
            if m.group(3):
                self.put(rec, index, f"{m.group(1)}_spi_dec", int(m.group(3)))
            return True
        return False

    def _a_line(self, index: int, text: str, low: str) -> bool:
        if low.startswith("access-list "):
            rec = self.current(index, ("acl", "local_ident", "encaps", "decaps"))
            self.put(rec, index, "acl", text.strip())
            words = text.split()
            if words[0] == "access-list" and len(words) > 1:
                rec["acl_name"] = words[1]
            return True
        return False

    def _lr_line(self, index: int, text: str, low: str) -> bool:
        m = _IDENT.match(text)
        if m:
            side, value = m.group(1), " ".join(m.group(2).split())
            if side == "local":
                rec = self.current(index, ("local_ident", "encaps", "decaps"))
            else:
                rec = self.current(index, ("remote_ident", "encaps", "decaps"))
            self.put(rec, index, f"{side}_ident", value)
            return True
        if low.startswith(("local crypto endpt", "remote crypto endpt")):
            # IPv6 endpoints are too long for one line: IOS puts the remote one
            # on a line of its own.
            rec = self.current(index)
            for key, value in _pairs(text):
                side = "local" if key.startswith("local") else "remote"
                addr, _, port = value.partition("/")
                self.put(rec, index, f"{side}_endpoint", addr.strip())
                if port.strip().isdecimal():
                    self.put(rec, index, f"{side}_endpoint_port", int(port))
            return True
        return False

    def _d_line(self, index: int, text: str, low: str) -> bool:
        if low.startswith("dynamic allocated peer ip"):
            rec = self.current(index)
            field = "dynamic_peer_ipv6" if "(ipv6)" in low else "dynamic_peer_ip"
            self.put(rec, index, field, text.split(":", 1)[-1].strip())
            return True
        if low.startswith("deny, flags="):
            return self._flags_line(index, text)
        return False

    def _o_line(self, index: int, text: str, low: str) -> bool:
        return self._sa_list_line(index, low)

    def _s_line(self, index: int, text: str, low: str) -> bool:
        m = _SPI.match(text)
        if m and self.record is not None:
            rec = self.record
            direction, protocol = self.sa_list or ("inbound", "esp")
            if self.sa_list is None and spi_hex(m.group(1)) == rec.get("outbound_spi"):
                # "| include spi" drops the list headings: the current SPIs say
                # which way an SA goes.
                direction = "outbound"
            self.sa = {
                "protocol": protocol,
                "spi": spi_hex(m.group(1)),
                "lines": [self.lineno(index), self.lineno(index)],
                "at": {"spi": self.lineno(index)},
            }
            if m.group(2):
                self.sa["spi_dec"] = int(m.group(2))
            rec.setdefault("inbound_sas", [])
            rec.setdefault("outbound_sas", [])
            rec[f"{direction}_sas"].append(self.sa)
            rec["lines"][1] = max(rec["lines"][1], self.lineno(index))
            return True
        return False

    def _0_line(self, index: int, text: str, low: str) -> bool:
        if _HEXWORDS.match(text) and self.record is not None:
            # The anti-replay bitmap's words, under "Anti replay bitmap:".
            if self.sa is not None:
                self.sa["lines"][1] = self.lineno(index)
            self.record["lines"][1] = max(self.record["lines"][1], self.lineno(index))
            return True
        return False

    def _flags_line(self, index: int, text: str) -> bool:
        rec = self.current(index)
        action, _, flags = text.partition(",")
        self.put(rec, index, "action", action.strip())
        flags = flags.split("=", 1)[-1].strip().strip("{}")
        self.put(
            rec, index, "flags", [f.strip() for f in flags.split(",") if f.strip()]
        )
        return True

    def _pmtu_line(self, index: int, text: str) -> bool:
        rec = self.current(index)
        for key, value in _pairs(text):
            if key == "pmtu_time_remaining_sec":
                self.put(rec, index, "pmtu_time_remaining", to_int(value))
            else:
                self.put(rec, index, key, value)
        return True

    def _sa_list_line(self, index: int, low: str) -> bool:
        m = _SA_LIST.match(low)
        if m:
            rec = self.current(index)
            self.sa_list = (m.group(1), m.group(2))
            self.sa = None
            rec.setdefault("inbound_sas", [])
            rec.setdefault("outbound_sas", [])
            rec["lines"][1] = max(rec["lines"][1], self.lineno(index))
            return True
        return False

    def _counter_line(self, index: int, text: str) -> bool:
        pairs = _counters(text)
        if not pairs:
            return False
        rec = self.record
        # Only counters pasted: a second "#pkts encaps" line is a second SA.
        if rec is None or (
            "encaps" in rec and any(name == "encaps" for name, _ in pairs)
        ):
            rec = self.new_record(index)
        here = self.section.numbers[index]
        at = rec["at"]
        for name, value in pairs:
            rec[name] = value
            at[name] = here
        lines = rec["lines"]
        if here > lines[1]:
            lines[1] = here
        return True

    def _sa_line(self, index: int, text: str, low: str) -> bool:
        sa = self.sa
        here = self.lineno(index)
        if low.startswith("transform:"):
            value = text.split(":", 1)[1].strip().rstrip(",").strip()
            sa["transform"] = " ".join(value.split())
            sa["at"]["transform"] = here
            if "transform" not in self.record:
                self.put(self.record, index, "transform", sa["transform"])
            return True
        if low.startswith("in use settings"):
            value = text.split("=", 1)[-1].strip().strip("{}")
            sa["settings"] = [v.strip() for v in value.split(",") if v.strip()]
            return True
        if low.startswith(("slot:", "conn id:", "conn_id:")):
            for key, value in _pairs(text):
                if key in ("slot", "conn_id"):
                    sa[key] = to_int(value)
                elif key == "crypto_map":
                    sa["crypto_map"] = value
                elif key in ("flow_id", "sibling_flags"):
                    sa[key] = value
                elif key == "initiator":
                    sa["initiator"] = value.lower() == "true"
            return True
        if low.startswith("sa timing:"):
            m = _LIFETIME.search(text)
            if m:
                sa["lifetime_kb"], sa["lifetime_sec"] = int(m.group(1)), int(m.group(2))
            elif m := _LIFETIME_SEC.search(text):
                sa["lifetime_sec"] = int(m.group(1))
            else:
                seconds = 0
                scale = {"d": 86400, "h": 3600, "m": 60, "s": 1}
                for amount, unit in _LIFETIME_WORDS.findall(low):
                    seconds += int(amount) * scale[unit[0]]
                if seconds:
                    sa["lifetime_sec"] = seconds
            return True
        if low.startswith("kilobyte volume rekey"):
            sa["kb_rekey"] = low.rsplit(" ", 1)[-1]
            return True
        if low.startswith("iv size:"):
            sa["iv_size"] = to_int(low.split(":", 1)[1].split()[0])
            return True
        if low.startswith("replay detection support:"):
            words = text.split(":", 1)[1].split()
            if words:
                sa["replay_detection"] = words[0]
            if "window size:" in low:
                sa["replay_window"] = to_int(low.rsplit(":", 1)[1])
            return True
        if low.startswith("status:"):
            sa["status"] = text.split(":", 1)[1].strip()
            return True
        if low.startswith("sa state:"):
            sa["state"] = text.split(":", 1)[1].strip()
            return True
        if low.startswith("anti replay bitmap"):
            return True
        return False


# The kinds of line each first character (lower-cased) can open, in the order
# the reader has always tried them; the lines of one SA start with one of these.
_BY_FIRST = {
    "p": _Reader._p_line,
    "i": _Reader._i_line,
    "c": _Reader._c_line,
    "a": _Reader._a_line,
    "l": _Reader._lr_line,
    "r": _Reader._lr_line,
    "d": _Reader._d_line,
    "o": _Reader._o_line,
    "s": _Reader._s_line,
    "0": _Reader._0_line,
}
_SA_FIRST = frozenset("ticskra")


def _starts_block(text: str, suspects) -> bool:
    low = (_GLUED.split(text)[0] if _may_be_glued(text, suspects) else text).lower()
    return (
        low.startswith(
            (
                "interface:",
                "crypto map tag:",
                "#pkts encaps",
                "current_peer",
                "peer address:",
            )
        )
        or low.startswith(("local ident (", "local  ident (", "protected vrf:"))
        or low.startswith(_NO_SAS)
    )


def parse(section):
    reader = _Reader(section)
    # Under its command the output may hold a few lines this parser does not
    # know; past them, whatever follows was pasted after it and is left to the
    # other parsers.
    blocks = read_blocks(section, reader, False, slack=6 if reader.own else 3)
    sources = []
    for block, found in zip(blocks, reader.blocks, strict=True):
        if not block["indexes"]:
            continue
        said_none = any(t.lower().startswith(_NO_SAS) for t in found["text"])
        if not (reader.own or found["records"] or said_none):
            continue  # a stray "interface: x" line in someone else's output
        asa, ios = _platform_hints("\n".join(found["text"]))
        kind = IOS_SHOW_CRYPTO_IPSEC_SA if ios > asa else ASA_SHOW_CRYPTO_IPSEC_SA
        records = []
        for rec in found["records"]:
            rec.pop("peer_shown", None)
            if rec.pop("_old_peer_port", False) and kind.startswith("asa."):
                # ASA-like output with the peer written "a.b.c.d:500" is PIX 6,
                # which has none of the ASA's packet-tracer or capture syntax.
                rec["device"] = "pix6"
            if "peer" not in rec and "remote_endpoint" in rec:
                rec["peer"] = rec["remote_endpoint"]
                rec["at"]["peer"] = rec["at"]["remote_endpoint"]
            # Fields first, then where they came from.
            at, lines = rec.pop("at"), rec.pop("lines")
            records.append(dict(rec, lines=lines, at=at))
        source = source_from(
            kind, section, block["indexes"], records, block["unparsed"]
        )
        if reader.own:
            source.command = section.command
        sources.append(source)
    return sources
