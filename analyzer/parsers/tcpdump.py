"""tcpdump's text output, read into flows.

Takes every layout tcpdump prints: the default with names resolved
(`gw.example.com.isakmp > peer.example.net.isakmp: isakmp: phase 1 I ident`), `-n`
and `-nn`, `-v`/`-vv` (an `IP (tos 0x0, ttl 64, ...)` line, then the addresses on
the next, indented line, then the decode), `-e` (MAC addresses first), the `-t`,
`-tt`, `-ttt`, `-tttt` and `-ttttt` timestamps, `--number`, `-i any` direction
columns, IPv6, ESP (`ESP(spi=0x12345678,seq=0x1)`), NAT-T (`UDP-encap: ESP(...)`,
`NONESP-encap: isakmp: ...`, `isakmp-nat-keep-alive`, older `NAT-keepalive`) and TCP
flags new style
(`Flags [R.]`) and old (`R 0:0(0) ack 1 win 0`).

One record per flow (kind ``tcpdump``), both directions together::

    {"protocol": "ike", "a": "192.0.2.1", "a_port": 500, "b": "198.51.100.2",
     "b_port": 500, "a_to_b": 3, "b_to_a": 0, "resets": 0, "resets_from": [],
     "ike": ["phase 1 I ident"], "ike_version": 1, "spis": [], "keepalives": 0,
     "esp_a_to_b": 0, "esp_b_to_a": 0, "first_line": 4, "last_line": 9,
     "lines": [4, 9]}

``esp_a_to_b``/``esp_b_to_a`` count ESP packets each way (plain ESP, or ESP inside
UDP 4500 in a ``nat-t`` flow); ``resets_from`` names who sent TCP resets.
``last_sender``, ``last_run`` and ``last_run_line`` describe the run of IKE packets
from one side that ends the capture (retransmissions nobody answered).

``a`` is the side that sent the flow's first packet. ``protocol`` is ``ike`` (UDP
500), ``nat-t`` (UDP 4500: IKE and ESP inside UDP, keepalives), ``esp`` (IP
protocol 50), ``smtp`` (TCP 25) or ``other``. Hosts stay as printed (a name when
tcpdump resolved one); ports are numbers when tcpdump printed a service name it
always uses for them (isakmp, ipsec-nat-t, smtp...).
"""

from __future__ import annotations

import re

from analyzer.registry import TCPDUMP
from analyzer.report import Section, Source

COMMANDS = ("tcpdump",)

_PREFIX = re.compile(
    r"\s{0,12}(?:(?P<num>\d{1,9})\s{1,4})?"
    r"(?P<ts>\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{1,9}"
    r"|\d{1,2}:\d{2}:\d{2}\.\d{1,9}|\d{9,11}\.\d{1,9}|\d{1,6}\.\d{6})?\s{0,4}"
    r"(?:(?P<ifname>[A-Za-z][\w.\-]{0,15}) {1,2}(?:In|Out|P|M|B) {1,2})?"
)
_MAC = re.compile(
    r"(?:[0-9a-f]{2}:){5}[0-9a-f]{2} > (?:[0-9a-f]{2}:){5}[0-9a-f]{2}, "
    r"(?:ethertype (?P<ether>\S{1,12}) \(0x[0-9a-f]{4}\)|802\.3)?,? ?length \d{1,6}: ?"
)
_HEADER_PROTO = re.compile(r"proto (?P<proto>[A-Za-z0-9\-]{1,12}) \((?P<num>\d{1,3})\)")
_OLD_FLAGS = re.compile(
    r"(?P<flags>[SFPRUWE.]{1,6}) \d{1,10}:\d{1,10}\(\d{1,6}\)|(?P<ack>\.) ack "
)
_NEW_FLAGS = re.compile(r"Flags \[(?P<flags>[SFPRUWE.]{1,8})\]")
_SPI = re.compile(r"ESP\(spi=(?P<spi>0x[0-9a-fA-F]{1,8})")
_IKE_V1 = re.compile(
    r"isakmp(?: 1\.0)?[^:]{0,120}: (?P<what>phase [12](?:/others)? [IR] [\w\-]{2,30})"
)
_IKE_V2 = re.compile(r"(?:parent_sa|child_sa) {1,2}(?P<what>[\w\-]{2,30}\[[IR]\])")
_BANNER = (
    "tcpdump: ",
    "^C",
    "listening on ",
    "packets captured",
    "packets received by filter",
    "packets dropped by kernel",
    "packet captured",
    "packet received by filter",
    "packet dropped by kernel",
)

# Service names tcpdump prints in place of a port number.
_SERVICES = {
    "isakmp": 500,
    "ipsec-nat-t": 4500,
    "smtp": 25,
    "submission": 587,
    "domain": 53,
    "http": 80,
    "https": 443,
    "ssh": 22,
    "telnet": 23,
    "ntp": 123,
    "snmp": 161,
    "snmp-trap": 162,
    "syslog": 514,
    "bootps": 67,
    "bootpc": 68,
    "tftp": 69,
    "imap": 143,
    "pop3": 110,
    "ldap": 389,
    "ldaps": 636,
    "radius": 1812,
    "tacacs": 49,
    "bgp": 179,
    "netbios-ns": 137,
    "microsoft-ds": 445,
    "l2tp": 1701,
    "pptp": 1723,
}
_LEADS = ("IP", "ARP", "tcpdump", "listening", "^C", "(")
_DOMAIN_ENDINGS = {"local", "lan", "corp", "internal", "home", "localdomain", "arpa"}
_MAX_EXCHANGES = 20
_MAX_PACKETS = 60


def parse(section: Section) -> list[Source]:
    flows: dict[tuple, dict] = {}
    order: list[tuple] = []
    claimed: set[int] = set()
    pending_proto: str | None = None
    pending_line: int | None = None
    pending_time: str | None = None
    in_packet = False
    for index, line in enumerate(section.lines):
        number = section.numbers[index]
        stripped = line.strip()
        if not stripped:
            continue
        if stripped[0] in "#$ts" and stripped.lstrip("#$ ").startswith(
            ("tcpdump ", "sudo tcpdump ")
        ):
            # The command itself, copied with a bare "#" or "$" prompt.
            claimed.add(number)
            continue
        if (
            " > " not in line
            and not stripped[0].isdecimal()
            and not stripped.startswith(_LEADS)
        ):
            # Packets carry "a > b"; what else tcpdump prints starts with a
            # stamp, a count or one of these words.
            if not (in_packet and line[:1].isspace()):
                in_packet = False
                pending_line = pending_proto = None
                continue
        if (
            in_packet
            and line[:1].isspace()
            and " > " not in line
            and not _starts_packet(line)
        ):
            # The -v decode of the packet above: "(sa: doi=ipsec ...", "(vid: len=16)".
            claimed.add(number)
            continue
        in_packet = False
        if pending_line is not None and line[:1].isspace() and " > " in line:
            packet = _address_line(stripped)
            if packet is not None:
                if pending_proto and packet["proto"] is None:
                    packet["proto"] = pending_proto
                packet["time"] = pending_time
                _add(flows, order, packet, pending_line, number)
                claimed.update((pending_line, number))
                in_packet = True
            pending_line = pending_proto = None
            continue
        pending_line = pending_proto = None
        if any(word in stripped for word in _BANNER) and len(stripped) < 200:
            if stripped.startswith(_BANNER[:3]) or stripped[:1].isdecimal():
                claimed.add(number)
                continue
        m = _PREFIX.match(line)
        rest = line[m.end() :] if m else line
        if m is None or not (
            m.group("ts") or m.group("num") or line[:2] in ("IP", "AR")
        ):
            if not rest.startswith(("IP ", "IP6 ")):
                continue
        mac = _MAC.match(rest)
        if mac:
            rest = rest[mac.end() :]
            if rest.startswith("("):
                rest = "IP " + rest
            elif mac.group("ether") in ("IPv4", "IPv6"):
                rest = ("IP6 " if mac.group("ether") == "IPv6" else "IP ") + rest
        if rest.startswith("ARP,") or rest.startswith("ARP "):
            claimed.add(number)
            in_packet = True
            continue
        if rest.startswith("IP6 "):
            rest = rest[4:]
        elif rest.startswith("IP "):
            rest = rest[3:]
        elif not (m and m.group("ts")):
            continue
        if rest.startswith("("):
            close = rest.find(")", rest.find("length"))
            header = rest[: close + 1] if close != -1 else rest
            proto = _HEADER_PROTO.search(header)
            after = rest[close + 1 :].strip() if close != -1 else ""
            if after and " > " in after:
                packet = _address_line(after)
                if packet is not None:
                    if packet["proto"] is None and proto:
                        packet["proto"] = proto.group("proto").lower()
                    packet["time"] = m.group("ts") if m else None
                    _add(flows, order, packet, number, number)
                    claimed.add(number)
                    in_packet = True
                continue
            pending_proto = proto.group("proto").lower() if proto else None
            pending_line = number
            pending_time = m.group("ts") if m else None
            claimed.add(number)
            continue
        packet = _address_line(rest)
        if packet is None:
            continue
        packet["time"] = m.group("ts") if m else None
        _add(flows, order, packet, number, number)
        claimed.add(number)
        in_packet = True
    if not flows:
        return []
    records = [flows[key] for key in order]
    return [
        Source(
            kind=TCPDUMP,
            first_line=min(claimed),
            last_line=max(claimed),
            records=records,
            claimed=claimed,
        )
    ]


def _starts_packet(line: str) -> bool:
    m = _PREFIX.match(line)
    return bool(m and m.group("ts"))


def _address_line(text: str) -> dict | None:
    """Endpoints and what the packet carries, from `src > dst: decode`."""
    arrow = text.find(" > ")
    if arrow <= 0 or arrow > 300:
        return None
    src_token = text[:arrow].rsplit(" ", 1)[-1]
    tail = text[arrow + 3 :]
    colon = tail.find(": ")
    if colon == -1:
        if tail.endswith(":"):
            dst_token, decode = tail[:-1], ""
        else:
            return None
    else:
        dst_token, decode = tail[:colon], tail[colon + 2 :]
    if not src_token or not dst_token or " " in dst_token:
        return None
    src, sport = _endpoint(src_token)
    dst, dport = _endpoint(dst_token)
    if src is None or dst is None:
        return None
    return {
        "src": src,
        "sport": sport,
        "dst": dst,
        "dport": dport,
        "decode": decode[:400],
        "proto": None,
    }


def _endpoint(token: str) -> tuple[str | None, int | None]:
    """("192.0.2.1", 500) from "192.0.2.1.500", ("gw.example.com", 500) from
    "gw.example.com.isakmp"; the port is None when the packet has none (ESP)."""
    token = token.rstrip(",")
    if not token or len(token) > 260:
        return None, None
    head, dot, last = token.rpartition(".")
    if ":" in token:
        if dot and last.isdecimal() and len(last) <= 5:
            return head, int(last)
        if dot and last in _SERVICES:
            return head, _SERVICES[last]
        return token, None
    parts = token.split(".")
    if all(part.isdecimal() for part in parts):
        if len(parts) == 5 and len(last) <= 5:
            return head, int(last)
        if len(parts) == 4:
            return token, None
        return None, None
    if not dot:
        return token, None
    if last.isdecimal() and len(last) <= 5:
        return head, int(last)
    if last in _SERVICES:
        return head, _SERVICES[last]
    if last.isalpha() and (len(last) <= 3 or last in _DOMAIN_ENDINGS):
        return token, None  # a host name without a port
    return head, None  # a service name this table does not know


def _keepalive(decode: str) -> bool:
    # "isakmp-nat-keep-alive" today, "NAT-keepalive" in older releases.
    return "nat-keep-alive" in decode or "NAT-keepalive" in decode


def _classify(packet: dict) -> str:
    decode = packet["decode"]
    ports = (packet["sport"], packet["dport"])
    if "UDP-encap" in decode or "NONESP-encap" in decode or _keepalive(decode):
        return "nat-t"
    if 4500 in ports:
        return "nat-t"
    if 500 in ports or decode.startswith("isakmp"):
        return "ike"
    if decode.startswith("ESP(") or packet["proto"] == "esp":
        return "esp"
    if 25 in ports:
        return "smtp"
    return "other"


def _add(flows: dict, order: list, packet: dict, first: int, last: int) -> None:
    kind = _classify(packet)
    src = (packet["src"], packet["sport"] if kind != "esp" else None)
    dst = (packet["dst"], packet["dport"] if kind != "esp" else None)
    key = (kind, *sorted((src, dst), key=lambda e: (e[0], e[1] or 0)))
    flow = flows.get(key)
    if flow is None:
        flow = {
            "protocol": kind,
            "a": src[0],
            "a_port": src[1],
            "b": dst[0],
            "b_port": dst[1],
            "a_to_b": 0,
            "b_to_a": 0,
            "resets": 0,
            "resets_from": [],
            "ike": [],
            "ike_version": None,
            "spis": [],
            "keepalives": 0,
            "last_sender": None,
            "last_run": 0,
            "last_run_line": None,
            "esp_a_to_b": 0,
            "esp_b_to_a": 0,
            "first_line": first,
            "last_line": last,
            "lines": [first, last],
        }
        flows[key] = flow
        order.append(key)
    forward = (packet["src"], src[1]) == (flow["a"], flow["a_port"])
    flow["a_to_b" if forward else "b_to_a"] += 1
    flow["last_line"] = last
    flow["lines"][1] = last
    decode = packet["decode"]
    flags = _NEW_FLAGS.search(decode, 0, 40) or _OLD_FLAGS.match(decode)
    if flags and flags.group("flags") and "R" in flags.group("flags"):
        flow["resets"] += 1
        if packet["src"] not in flow["resets_from"]:
            flow["resets_from"].append(packet["src"])
    keepalive = _keepalive(decode)
    if keepalive:
        flow["keepalives"] += 1
    spi = _SPI.search(decode)
    if spi:
        flow["esp_a_to_b" if forward else "esp_b_to_a"] += 1
        if spi.group("spi") not in flow["spis"] and len(flow["spis"]) < 16:
            flow["spis"].append(spi.group("spi"))
    if "isakmp" in decode:
        v2 = _IKE_V2.search(decode)
        v1 = None if v2 else _IKE_V1.search(decode)
        if v2 or "isakmp 2.0" in decode:
            flow["ike_version"] = 2
        elif v1 or "isakmp 1.0" in decode:
            flow["ike_version"] = flow["ike_version"] or 1
        # The run of IKE packets from one side at the end of the capture: a run of
        # retransmissions with no answer is where the negotiation stalled.
        if keepalive:
            # NAT keepalives go one way by design: not a message left unanswered.
            pass
        elif flow["last_sender"] == packet["src"]:
            flow["last_run"] += 1
        else:
            flow["last_sender"] = packet["src"]
            flow["last_run"] = 1
            flow["last_run_line"] = first
        what = (v2 or v1).group("what") if (v2 or v1) else None
        if what and what not in flow["ike"] and len(flow["ike"]) < _MAX_EXCHANGES:
            flow["ike"].append(what)
        if not keepalive:
            _packet(flow, packet, what, first)


def _packet(flow: dict, packet: dict, what: str | None, line: int) -> None:
    """One IKE packet of the flow, for the negotiation's timeline: the first
    ones and the latest (a capture left running repeats itself)."""
    packets = flow.setdefault("packets", [])
    if len(packets) >= _MAX_PACKETS:
        del packets[_MAX_PACKETS // 2]
    packets.append(
        {"from": packet["src"], "what": what, "time": packet.get("time"), "line": line}
    )
