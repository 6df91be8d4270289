"""The other end's tunnel status tables: which peers are up, which are down, and why.

Engineers paste the far end's view beside the Cisco one: Juniper SRX `show security
ike security-associations`, `show security ipsec security-associations` and `show
security ipsec inactive-tunnels` (with its "Tunnel Down Reason"), strongSwan `ipsec
statusall` / `swanctl --list-sas`, VyOS `show vpn ike sa` / `show vpn ipsec sa`,
ScreenOS `get sa`, Yamaha RTX `show ipsec sa gateway N [detail]`, FortiGate `diagnose vpn ike gateway
list` and `get vpn ipsec tunnel summary`. One record per peer and phase::

    {"peer": "128.168.104.229", "platform": "juniper", "phase": 1,
     "state": "down", "printed": "DOWN", "reason": "No response from peer. ...",
     "lines": [5, 5]}

``state`` is ``up``, ``down`` or ``negotiating``; ``printed`` is the device's word;
``no_answer`` (True) says the reason is the peer never answering ("No response from
peer", a timeout).
A FortiGate tunnel whose address the paste hides (``addr: ->``, a summary row
without one) is known by its name: ``peer`` is empty and ``tunnel`` names it.
Tables are recognised by their header (a State column beside a Remote Address,
Gateway or Peer column, or the daemons' own layouts), never by a lone line. The one
exception is the far end's own word that it declared a peer dead after its dead
peer detection went unanswered (AWS's tunnel log: "AWS tunnel DPD timed out after 3
retransmits", "Peer is not responsive - Declaring peer dead"): a record in state
``down`` with ``dpd`` set and the message as its ``reason``.
"""

from __future__ import annotations

import re

from analyzer.parsers.common import IPV4
from analyzer.registry import PEER_STATUS
from analyzer.report import Section, Source

KIND = PEER_STATUS
COMMANDS = ()

# A down reason that says the peer never answered.
_NO_ANSWER = ("No response", "no response", "timed out", "Timed out", "timeout")

_ADDR = re.compile(rf"(?<![\w.]){IPV4}(?![\w.])")
# Junos and VyOS table headers (the columns vary between releases).
_IKE_HEADER = re.compile(
    r"^\s*Index\s+.*\bState\b.*\b(?:Remote Address|Gateway)\b|"
    r"^\s*Index\s+.*\b(?:Remote Address)\b.*\bState\b"
)
_IPSEC_HEADER = re.compile(r"^\s*ID\s+.*\bGateway\b")
_INACTIVE_HEADER = re.compile(r"^\s*ID\s+Port\s+Gateway\s+.*Tunnel Down Reason")
# Palo Alto `show vpn ike-sa` / `show vpn ipsec-sa`: a listed SA is established.
_PANOS_HEADER = re.compile(
    r"^\s*(?:GwID/client IP|Gateway Name)\s+.*Peer-Address|^\s*GwID/client IP\s+"
)
# FortiGate `diagnose vpn ike gateway list`: the tunnel's name, then its addresses
# (hidden in some posts: "addr: ->").
_FORTI_NAME = re.compile(r"^name: (?P<name>\S{1,64})\s*$")
_FORTI_ADDR = re.compile(
    rf"^\s*addr: (?:{IPV4}:\d{{1,5}} -> (?P<peer>{IPV4}):\d{{1,5}}|\S{{0,40}} ?-> ?\S{{0,40}}\s*$)"
)
# `get vpn ipsec tunnel summary`: "'name' [a.b.c.d:0] selectors(total,up): 1/0 ...".
_FORTI_SUMMARY = re.compile(
    rf"^\s*'(?P<name>[^'\s]{{1,64}})'\s+(?:(?P<peer>{IPV4}):\d{{1,5}}\s+)?"
    r"selectors\(total,up\):\s*(?P<total>\d{1,5})/(?P<up>\d{1,5})"
)
# A far end that gave up on a peer whose DPD probes went unanswered.
_DPD_DEAD = re.compile(
    r"\bDPD timed out after\b|\bPeer is not responsive\s*-\s*Declaring peer dead",
    re.IGNORECASE,
)
_DPD_PEER = re.compile(rf"\bcgw: (?P<peer>{IPV4})")
_FORTI_IPSEC = re.compile(r"^\s*IPsec SA: created \d+/\d+\s+established (?P<up>\d+)/")
# ScreenOS `get sa`: one row per direction of an IPsec SA, "Sta" A(ctive) or
# I(nactive), then the VPN monitor's U(p) / D(own) or "-".
_SCREENOS_HEADER = re.compile(r"^\s*HEX ID\s+Gateway\s+Port\s+Algorithm\s+SPI\b")
_SCREENOS_ROW = re.compile(
    rf"^\s*[0-9a-fA-F]{{8}}[<>]\s+(?P<peer>{IPV4})\s+\d{{1,5}}\s+\S+\s+"
    r"(?P<spi>[0-9a-fA-F]{8})\s+.*?\s(?P<sta>[AI])/(?P<mon>[-UDI])\s"
)
# Yamaha RTX `show ipsec sa gateway N`: "# of sa" counts IKE, send and receive SAs;
# its detail lists each SA with its remote ID and protocol.
_YAMAHA_HEADER = re.compile(r"^\s*sgw\s+flags\s+local-id\s+remote-id\s+# of sa")
_YAMAHA_ROW = re.compile(
    rf"^\s*\d{{1,4}}\s+.*?\s(?P<peer>{IPV4})\s+i:(?P<ike>\d+) s:(?P<send>\d+) "
    r"r:(?P<recv>\d+)"
)
_YAMAHA_SA = re.compile(r"^\s*SA\[\d{1,5}\] Duration: \d+s")
_YAMAHA_REMOTE = re.compile(rf"^\s*Remote ID: (?P<peer>{IPV4})\s*$")
_YAMAHA_PROTOCOL = re.compile(r"^\s*Protocol: (?P<proto>IKE|ESP|AH)\b")
_VYOS_HEADER = re.compile(r"^\s*Connection\s+State\s+.*Remote address", re.IGNORECASE)
# strongSwan: "myvpn[1]: ESTABLISHED 10 minutes ago, a[..]...b[..]",
# "to-asa: #3, ESTABLISHED, IKEv2, ...", "myvpn{1}:  INSTALLED, TUNNEL, ...".
_CHARON_IKE = re.compile(
    r"^\s*(?P<name>[\w.-]{1,64})(?:\[\d{1,9}\]|: #\d{1,9}),?:? ?"
    r"(?P<state>ESTABLISHED|CONNECTING|REKEYING|DELETING|PASSIVE)\b"
)
_CHARON_CHILD = re.compile(
    r"^\s*(?P<name>[\w.-]{1,64})(?:\{\d{1,9}\}|: #\d{1,9}, reqid \d{1,9}),?:? ?\s*"
    r"(?P<state>INSTALLED|REKEYED|ROUTED|INSTALLING|CREATED)\b"
)
_CHARON_PEER = re.compile(
    rf"\.\.\.(?P<peer>{IPV4})\[|^\s*remote\s+'[^']{{0,80}}' @ (?P<remote>{IPV4})\["
)
_STATES = {
    "UP": "up",
    "up": "up",
    "ESTABLISHED": "up",
    "INSTALLED": "up",
    "REKEYED": "up",
    "DOWN": "down",
    "down": "down",
    "CONNECTING": "negotiating",
    "INSTALLING": "negotiating",
    "REKEYING": "up",
}


def parse(section: Section) -> list[Source]:
    records: list[dict] = []
    claimed: set[int] = set()
    table: str | None = None
    charon: dict[str, dict] = {}  # connection name -> its IKE record
    forti: dict = {}
    forti_name: tuple[str, int] | None = None  # the last "name:" line and its index
    yamaha: dict = {}
    for index, line in enumerate(section.lines):
        number = section.numbers[index]
        stripped = line.strip()
        if not stripped:
            continue
        if ("DPD" in line or "dead" in line) and _DPD_DEAD.search(line):
            m = _DPD_PEER.search(line)
            record = _record(
                records,
                m.group("peer") if m else "",
                "aws"
                if "AWS" in line or "cgw" in line or "not responsive" in line
                else "other",
                1,
                "DOWN",
                number,
            )
            record.update(dpd=True, reason=stripped[:200], tunnel=record["peer"] or "")
            claimed.add(number)
            continue
        if _INACTIVE_HEADER.match(line):
            table = "inactive"
            claimed.add(number)
            continue
        if _IKE_HEADER.match(line):
            table = "ike"
            claimed.add(number)
            continue
        if _IPSEC_HEADER.match(line):
            table = "ipsec"
            claimed.add(number)
            continue
        if _VYOS_HEADER.match(line):
            table = "vyos"
            claimed.add(number)
            continue
        if _SCREENOS_HEADER.match(line):
            table = "screenos"
            claimed.add(number)
            continue
        if _YAMAHA_HEADER.match(line):
            table = "yamaha"
            claimed.add(number)
            continue
        if _YAMAHA_SA.match(line):
            table = "yamaha-sa"
            yamaha = {"peer": "", "number": number}
            claimed.add(number)
            continue
        if table == "screenos":
            m = _SCREENOS_ROW.match(line)
            if m is None:
                table = None
                continue
            if m.group("sta") == "I" or m.group("mon") == "D":
                word = "DOWN"
            elif set(m.group("spi")) == {"0"}:
                word = "CONNECTING"
            else:
                word = "UP"
            _record(records, m.group("peer"), "screenos", 2, word, number)
            claimed.add(number)
            continue
        if table == "yamaha":
            m = _YAMAHA_ROW.match(line)
            if m is not None:
                _record(records, m.group("peer"), "yamaha", 1, "UP", number)
                up = int(m.group("send")) > 0 and int(m.group("recv")) > 0
                word = "UP" if up else "CONNECTING"
                _record(records, m.group("peer"), "yamaha", 2, word, number)
                claimed.add(number)
            elif set(stripped) <= set("-= "):
                claimed.add(number)
            else:
                table = None
            continue
        if table == "yamaha-sa":
            m = _YAMAHA_REMOTE.match(line)
            if m:
                yamaha["peer"] = m.group("peer")
            m = _YAMAHA_PROTOCOL.match(line)
            if m and yamaha["peer"]:
                phase = 1 if m.group("proto") == "IKE" else 2
                _record(records, yamaha["peer"], "yamaha", phase, "UP", number)
            if set(stripped) <= set("-"):
                table = None
            claimed.add(number)
            continue
        if _PANOS_HEADER.match(line) and "Peer-Address" in line:
            table = "panos2" if "SPI(in)" in line else "panos1"
            claimed.add(number)
            continue
        m = _FORTI_SUMMARY.match(line)
        if m:
            up = int(m.group("up")) > 0 or int(m.group("total")) == 0
            record = _record(
                records,
                m.group("peer") or "",
                "fortigate",
                2,
                "UP" if up else "DOWN",
                number,
            )
            record["tunnel"] = m.group("name")
            record["selectors"] = f"{m.group('total')}/{m.group('up')}"
            claimed.add(number)
            continue
        m = _FORTI_NAME.match(line)
        if m:
            forti_name = (m.group("name"), index)
            continue
        m = _FORTI_ADDR.match(line)
        if m:
            forti = _record(
                records, m.group("peer") or "", "fortigate", 1, "CONNECTING", number
            )
            if forti_name is not None and index - forti_name[1] <= 6:
                forti["tunnel"] = forti_name[0]
                claimed.add(section.numbers[forti_name[1]])
            forti_name = None
            table = "forti"
            claimed.add(number)
            continue
        if table == "forti":
            if stripped.startswith("status: established"):
                forti.update(state="up", printed="established")
                forti["lines"][1] = number
            elif stripped.startswith("status: connecting") and forti["state"] != "up":
                forti["printed"] = "connecting"
                forti["lines"][1] = number
            m = _FORTI_IPSEC.match(line)
            if m and int(m.group("up")) > 0:
                record = _record(records, forti["peer"], "fortigate", 2, "UP", number)
                if forti.get("tunnel"):
                    record["tunnel"] = forti["tunnel"]
            claimed.add(number)
            if not line[:1].isspace() and ":" not in stripped:
                table = None
            continue
        m = _CHARON_IKE.match(line)
        if m:
            record = _record(records, "", "strongswan", 1, m.group("state"), number)
            charon[m.group("name")] = record
            _charon_peer(record, line)
            claimed.add(number)
            table = "charon"
            continue
        m = _CHARON_CHILD.match(line)
        if m:
            parent = charon.get(m.group("name"))
            if parent is None and charon:
                # A child SA is named after its child config, the IKE SA after
                # its connection: the last IKE SA listed is its own.
                parent = list(charon.values())[-1]
            record = _record(
                records,
                parent["peer"] if parent else "",
                "strongswan",
                2,
                m.group("state"),
                number,
            )
            record["_parent"] = parent
            claimed.add(number)
            continue
        if table == "charon":
            if _CHARON_PEER.search(line) and charon:
                _charon_peer(list(charon.values())[-1], line)
                claimed.add(number)
            elif line[:1].isspace():
                claimed.add(number)
            continue
        if table in ("ike", "ipsec", "inactive", "vyos", "panos1", "panos2"):
            if set(stripped) <= set("-= "):
                claimed.add(number)
                continue
            found = _ADDR.search(line)
            if found is None:
                if stripped.startswith(("Total ", "node", "{", "ID ")):
                    claimed.add(number)
                    continue
                table = None
                continue
            peer = found.group(0)
            claimed.add(number)
            if table == "ike":
                word = next((w for w in line.split() if w in _STATES), None)
                if word:
                    _record(records, peer, "juniper", 1, word, number)
            elif table == "ipsec":
                _record(records, peer, "juniper", 2, "UP", number)
            elif table == "inactive":
                reason = line[found.end() :].strip()
                reason = re.sub(r"^\d+\s+", "", reason)
                record = _record(records, peer, "juniper", 2, "DOWN", number)
                record["reason"] = reason[:200]
                if any(w in record["reason"] for w in _NO_ANSWER):
                    record["no_answer"] = True
            elif table in ("panos1", "panos2"):
                _record(
                    records,
                    peer,
                    "paloalto",
                    1 if table == "panos1" else 2,
                    "UP",
                    number,
                )
            else:
                word = next((w for w in line.split() if w in _STATES), None)
                if word:
                    _record(records, peer, "vyos", 2, word, number)
            continue
    for record in records:
        parent = record.pop("_parent", None)
        if parent is not None and not record["peer"]:
            record["peer"] = parent["peer"]
    records = [r for r in records if r["peer"] or r.get("tunnel") or r.get("dpd")]
    if not records:
        return []
    return [
        Source(
            kind=KIND,
            first_line=min(claimed),
            last_line=max(claimed),
            records=records,
            claimed=claimed,
        )
    ]


def _record(records, peer, platform, phase, word, number) -> dict:
    record = {
        "peer": peer,
        "platform": platform,
        "phase": phase,
        "state": _STATES.get(word, "negotiating"),
        "printed": word,
        "lines": [number, number],
    }
    records.append(record)
    return record


def _charon_peer(record: dict, line: str) -> None:
    m = _CHARON_PEER.search(line)
    if m:
        record["peer"] = record["peer"] or m.group("peer") or m.group("remote")
