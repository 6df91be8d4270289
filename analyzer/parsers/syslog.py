"""ASA/PIX/FTD and IOS syslog messages, in every layout they get pasted in.

Reads `show logging` (the status block and the buffer), syslog-server files
(`<166>Mar 12 10:10:10 fw01 %ASA-6-302013: ...`, with or without the server's own
receive timestamp in front), EMBLEM (`<166>123: fw01: Mar 12 ...: %ASA-...`), RFC 5424
timestamps (`2024-03-01T10:00:00.123+01:00`), bare messages (`%ASA-4-106023: ...`),
IOS buffers with sequence numbers and uptime stamps (`000123: *Mar  1 00:01:02.123:`)
the ASA's timestamped debug lines (`Jun 10 17:36:13 [IKEv1]: IP = ...`, also when
printed right after the prompt), rows of a log search exported as CSV
(`"2024-03-01T10:00:03.000+0000","fw01","... %ASA-4-106023: ..."`), and the few ASA
messages a guide quotes by their text alone, read as those messages with ``bare``
True (713061's `Rejecting IPSec tunnel: no matching crypto map entry ...`). FTD connection
events (430002/430003) give ``src``, ``dst``, ports, ``protocol``, interfaces,
``acl`` (the access control rule), ``rule_action`` and ``action``.

Two kinds of Source:

``syslog``: one record per message::

    {"timestamp": "Jun 10 2010 17:36:05", "host": "fw01", "platform": "asa",
     "facility": "ASA", "severity": 5, "message_id": "713041",
     "text": "IP = 233.22.22.233, IKE Initiator: New Phase 1, ...",
     "peer": "233.22.22.233", "lines": [12, 12]}

  ``message_id`` is the six digits for ASA/PIX/FTD ("713041") and the whole tag as
  printed for IOS, severity included ("LINK-5-CHANGED"), because that is what
  engineers search for. ``timestamp`` is the device's stamp as printed (the one
  nearest the message); a syslog server's receive stamp in front of it goes to
  ``received``. Catalogued messages (analyzer/syslog_catalog.py) carry the fields
  their text holds: ``peer``, ``group``, ``username``, ``protocol``,
  ``src_interface``, ``src``, ``src_port``, ``dst_interface``, ``dst``, ``dst_port``,
  ``acl``, ``action``, ``spi``, ``local``; 402116 also ``inner_src``, ``inner_dst``,
  ``local_proxy``, ``remote_proxy``, and ESMTP and inspection messages the
  ``matched_class`` that acted, and ``esmtp_drop`` (True) when ESMTP inspection
  dropped or cut the connection. A line the device printed without a tag
  (IOS debug output, `CEF-HWIDB:` style, `[IKEv1]` debug) has ``message_id`` None,
  or the untagged ``FACILITY-MNEMONIC`` when it has one. Inside a log buffer, lines
  that are not messages are the previous message's continuation (``more``), or, before
  the first message, what is left of a message the buffer wrapped over
  (``fragment``: True).

``syslog.status``: the status block of `show logging` (ASA and IOS): whether syslog
is on, each destination's level and counters, remote hosts, source interfaces, TLS
profiles and the buffer size.
"""

from __future__ import annotations

import csv
import re

from analyzer import syslog_catalog
from analyzer.parsers.common import IP, IPV4
from analyzer.registry import SYSLOG, SYSLOG_STATUS
from analyzer.report import Lines, Section, Source

COMMANDS = ("show logging",)

# The tag is never far into a line; looking further only costs time on junk.
_TAG_WINDOW = 320

_ASA_TAG = re.compile(
    r"%?\b(?P<fac>ASA|PIX|FTD|FWSM)(?:-[a-z]{2,12})?-(?P<sev>[0-7])-(?P<id>\d{6}):? ?"
)
_IOS_TAG = re.compile(
    r"%(?P<fac>[A-Z][A-Z0-9_]{0,40})-(?P<sev>[0-7])-(?P<mn>[A-Z0-9][A-Z0-9_]{0,60}): ?"
)
_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"
_DAY = r"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)"
_TS = re.compile(
    r"[*.]?(?:"
    # Mar 12 10:10:10 / Jun 10 2010 17:36:05 / Fri Sep 06 14:32:18 2013 / *Mar  1 00:01:02.123 UTC
    rf"(?:{_DAY} )?{_MONTH} {{1,2}}\d{{1,2}}(?: \d{{4}})? \d{{1,2}}:\d{{2}}:\d{{2}}(?:\.\d{{1,6}})?"
    r"(?: \d{4})?(?: [A-Z]{3,4}(?=:))?"
    # 2024-03-01T10:00:00Z, 2024-03-01T10:00:00.123+01:00, 2024-03-01 10:00:00
    r"|\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:?\d{2})?"
    # 1d02h / 2w3d / 01:02:03.456 / 7:04 (a stamp cut by the buffer's wrap)
    r"|\d{1,3}[wdhy]\d{1,2}[dhm]"
    r"|\d{1,2}:\d{2}(?::\d{2})?(?:\.\d{1,6})?"
    r")"
)
_PRI = re.compile(r"<\d{1,3}>")
_SEVERITY = {str(n): n for n in range(8)}
# ASDM's log viewer copied as text: "6  Mar 12 2024  10:10:10  302013  ...".
_ASDM = re.compile(
    rf"(?P<sev>[0-7]) {{2,}}(?P<date>{_MONTH} \d{{1,2}} \d{{4}}) {{2,}}"
    r"(?P<time>\d{1,2}:\d{2}:\d{2}) {2,}(?P<id>\d{6}) {2,}"
)
_ASDM_COLUMN = re.compile(r"[0-9A-Fa-f.:]{1,45}")
# The layouts nearly every line uses, read in one match: `show logging` with or
# without device ID, a syslog server's "stamp host", IOS "seq: stamp:".
_COMMON = (
    rf"(?:(?P<seq>\d{{1,10}}): )?(?P<ts>[*.]?{_MONTH} {{1,2}}\d{{1,2}}(?: \d{{4}})? "
    r"\d{1,2}:\d{2}:\d{2}(?:\.\d{1,6})?(?: [A-Z]{3,4})?)"
    r"(?:: ?| (?P<host>[A-Za-z0-9][\w.\-]{0,62})(?: ?: ?| ))?"
)
_COMMON_PREFIX = re.compile(_COMMON)
_SEQ = re.compile(r"\d{1,10}:(?=\s|$)")
# An untagged IOS line that still names its facility: "CEF-HWIDB: text".
_BARE_IOS = re.compile(r"(?P<fac>[A-Z][A-Z0-9_]{0,30})-(?P<mn>[A-Z][A-Z0-9_]{0,40}): ")
_DEBUG_MARK = re.compile(r"\[(?P<tag>IKEv[12])(?: DEBUG| DECODE)?\]:? ?")
# The end of a device prompt ("fw01/act# ", "ciscoasa(config)# ") in front of text.
_PROMPT_END = re.compile(r"(?<=[\w)])[#>] {1,4}(?=[*.A-Z0-9])")


def _chars(leave_out: str) -> str:
    return (
        "["
        + "".join(
            re.escape(chr(c)) for c in range(0x20, 0x7F) if chr(c) not in leave_out
        )
        + "]"
    )


_BODY = _chars("&<\\")
_LAST = _chars(" &<\\:*")
_DEBUG_BODY = _chars("&<\\%")
_DEBUG_LAST = _chars(" &<\\%:*")

# A plain message: one whole line that read_line reads as a message and that
# nothing else in the engine would touch (no cleaning step, prompt or line split),
# so the engine hands it to this parser and the IKE one as it is and the other
# parsers never see it (see analyzer.engine._stream). Plain means: a tagged ASA or
# IOS message behind the common prefix (or none), or the ASA's timestamped
# `[IKEv1]` debug; printable ASCII without & < \ (what HTML decoding and
# line-break escapes look for), no trailing blank, and not ending in ':' or '*' (a
# password prompt). The tag must be the line's first '%' and IOS's pattern is not
# tried where the ASA's matches, as in read_line. `plain` reads one line so, by
# hand where it can; the engine still checks pager words, "conn-id" and lines
# long enough to hold a flattened debug itself.
PLAIN = re.compile(
    rf"^(?P<line>(?:{_COMMON})?"
    r"%(?:(?P<fac>ASA|PIX|FTD|FWSM)(?:-[a-z]{2,12})?-(?P<sev>[0-7])-(?P<id>\d{6})"
    r"|(?!(?:ASA|PIX|FTD|FWSM)(?:-[a-z]{2,12})?-[0-7]-\d{6})"
    r"(?P<ifac>[A-Z][A-Z0-9_]{0,40})-(?P<isev>[0-7])-(?P<mn>[A-Z0-9][A-Z0-9_]{0,60})): "
    rf"(?P<text>{_BODY}*{_LAST})"
    rf"|(?P<dts>{_MONTH} {{1,2}}\d{{1,2}}(?: \d{{4}})? \d{{1,2}}:\d{{2}}:\d{{2}}(?:\.\d{{1,6}})?)"
    r" \[(?P<dbg>IKEv[12])(?: DEBUG| DECODE)?\]:? ?"
    rf"(?P<dtext>{_DEBUG_BODY}*{_DEBUG_LAST}))"
    r"\r?$\n?",
    re.MULTILINE | re.ASCII,
)


def plain(line: str) -> tuple | None:
    """What read_line reads of ``line`` when it is a plain message (see PLAIN),
    without the record: (message ID, host, timestamp, IOS facility or None for
    the ASA, text, debug tag or None, and for an ASA message (sequence number,
    facility, severity) to build its record from); None when it is not one.

    The ASA's usual tag ("%ASA-6-302013: " behind a prefix seen before) is read
    by hand, the prefix parsed once per distinct prefix; anything else by PLAIN."""
    at = line.find("%")
    if (
        at != -1
        and line[at + 1 : at + 5] in _HAND_READ
        and line[at + 13 : at + 15] == ": "
        and line[at + 6] == "-"
        and line[at + 5] in "01234567"
        and line[at + 7 : at + 13].isdigit()
    ):
        # The tag is the first '%', as PLAIN's prefix holds none.
        if (
            len(line) <= at + 15
            or not line.isascii()
            or not line.isprintable()
            or "&" in line
            or "<" in line
            or "\\" in line
            or line[-1] in " :*"
        ):
            return None
        prefix = line[:at]
        parsed = _PREFIXES.get(prefix)
        if parsed is None:
            parsed = _prefix(prefix)
        if parsed is False:
            return None
        seq, stamp, host = parsed
        message_id = line[at + 7 : at + 13]
        facility = line[at + 1 : at + 4]
        return (
            _share(message_id, message_id),
            host,
            stamp,
            None,
            line[at + 15 :].lstrip(),
            None,
            (seq, _share(facility, facility), _SEVERITY[line[at + 5]]),
        )
    if at == -1 and " [IKEv" not in line:
        # Without a tag only the debug can be plain.
        return None
    m = PLAIN.match(line)
    if m is None or m.end("line") != len(line):
        return None
    message_id = m.group("id")
    if message_id is not None:
        host, stamp = m.group("host", "ts")
        return (
            _share(message_id, message_id),
            _share(host, host) if host else None,
            _share(stamp, stamp) if stamp else None,
            None,
            m.group("text").lstrip(),
            None,
            None,
        )
    facility = m.group("ifac")
    if facility is not None:
        message_id = f"{facility}-{m.group('isev')}-{m.group('mn')}"
        host, stamp = m.group("host", "ts")
        return (
            _share(message_id, message_id),
            _share(host, host) if host else None,
            _share(stamp, stamp) if stamp else None,
            facility,
            m.group("text").lstrip(),
            None,
            None,
        )
    window = line[:_TAG_WINDOW]
    if "ASA-" in window or "PIX-" in window or "FTD-" in window:
        # read_line takes an ASA tag it finds further on.
        return None
    return (
        None,
        None,
        m.group("dts"),
        None,
        m.group("dtext").lstrip(),
        m.group("dbg"),
        None,
    )


_HAND_READ = frozenset(("ASA-", "PIX-", "FTD-"))
# Prefixes in front of a tag, read once each: (sequence number, stamp, host), or
# False when the prefix is not the common one. Emptied past its bound.
_PREFIXES: dict[str, tuple | bool] = {}
_PREFIXES_MAX = 100_000


def _prefix(prefix: str) -> tuple | bool:
    if not prefix:
        parsed = (None, None, None)
    else:
        m = _COMMON_PREFIX.fullmatch(prefix)
        if m is None:
            parsed = False
        else:
            seq, stamp, host = m.group("seq", "ts", "host")
            parsed = (seq, _share(stamp, stamp), _share(host, host) if host else None)
    if len(_PREFIXES) > _PREFIXES_MAX:
        _PREFIXES.clear()
    _PREFIXES[prefix] = parsed
    return parsed


# A plain ASA message's line up to and with its tag ("Mar 12 2024 10:00:00 fw01 :
# %ASA-6-302013: "), read once: (message ID, host, stamp, sequence number,
# facility, severity, the peer's reader or None, whether the ID is cited), or
# False when no plain message starts that way. Emptied past its bound.
_KEYS: dict[str, tuple | bool] = {}


def _key(key: str) -> tuple | bool:
    found = plain(key + "x")
    if found is None or found[6] is None:
        parsed = False
    else:
        message_id, host, stamp, _, _, _, (seq, facility, severity) = found
        parsed = (
            message_id,
            host,
            stamp,
            seq,
            facility,
            severity,
            peer_reader(message_id),
            message_id in CITED_IDS,
        )
    if len(_KEYS) > _PREFIXES_MAX:
        _KEYS.clear()
    _KEYS[key] = parsed
    return parsed


def _reading(entry: tuple, line: str, at: int, text: str | None) -> tuple:
    """A hand-read message's reading (as `plain` gives it) from its key's entry."""
    if text is None:
        text = line[at + 15 :].lstrip()
    message_id, host, stamp, seq, facility, severity = entry[:6]
    if message_id is None:
        return (None, None, stamp, None, text, entry[8], None)
    return (message_id, host, stamp, None, text, None, (seq, facility, severity))


# The same for the ASA's debug, up to and with its tag ("Jun 10 17:36:05
# [IKEv1]"): (None, None, stamp, None, None, None, the peer's reader, False, the
# tag), or False.
_DEBUG_KEYS: dict[str, tuple | bool] = {}


def _debug_key(key: str) -> tuple | bool:
    found = plain(key + ": x")
    if found is None or found[5] is None:
        parsed = False
    else:
        parsed = (
            None,
            None,
            found[2],
            None,
            None,
            None,
            peer_reader(None),
            False,
            found[5],
        )
    if len(_DEBUG_KEYS) > _PREFIXES_MAX:
        _DEBUG_KEYS.clear()
    _DEBUG_KEYS[key] = parsed
    return parsed


# The peer named in a message's text, by text: an IKE message is logged again and
# again for the same peer. Emptied past its bound.
_PEERS_READ: dict = {}
_UNSEEN = object()


def _peer_read(read, text: str) -> str | None:
    peer = read(text)
    if len(_PEERS_READ) > _PREFIXES_MAX:
        _PEERS_READ.clear()
    _PEERS_READ[text] = peer
    return peer


def plain_record(line: str, reading: tuple) -> dict:
    """The record read_line gives a plain message, from its reading (`plain`)."""
    asa = reading[6]
    if asa is None:
        return read_line(line)
    seq, facility, severity = asa
    message_id, host, stamp = reading[0], reading[1], reading[2]
    record = {"timestamp": stamp, "host": host}
    if seq:
        record["seq"] = seq
    record["platform"] = "asa"
    record["facility"] = facility
    record["severity"] = severity
    record["message_id"] = message_id
    record["text"] = reading[4]
    return _with_asa_fields(record)


def plain_peer(message_id: str | None, facility: str | None, text: str) -> str | None:
    """The ``peer`` read_line gives a plain message (its ID, the IOS facility or
    None for the ASA, its text), without building the record."""
    if facility is None:
        read = peer_reader(message_id)
        return read(text) if read is not None else None
    if facility == "CRYPTO":
        m = _IOS_PEER.search(text)
        return m.group("peer") if m else None
    return None


def peer_reader(message_id: str | None):
    """What reads the peer out of an ASA message's text, as _asa_fields does for
    its catalog entry (or as read_line does for one without fields); None when
    the message names none. One per message ID."""
    found = _PEER_READERS.get(message_id, False)
    if found is not False:
        return found
    entry = syslog_catalog.ASA.get(message_id) if message_id else None
    kind = entry.fields if entry is not None else ""
    found = _PEER_BY_KIND.get(kind)
    _PEER_READERS[message_id] = found
    return found


def _peer_named(text: str) -> str | None:
    if "IP = " not in text:
        return None
    return _peer_any(text)


def _peer_any(text: str) -> str | None:
    m = _PEER.search(text)
    return _share(m.group("peer"), m.group("peer")) if m else None


def _peer_ikev2(text: str) -> str | None:
    m = _IKEV2.search(text)
    return m.group("peer") if m else None


def _peer_sa(text: str) -> str | None:
    m = _SA.search(text)
    return m.group("peer") if m else None


def _peer_spi(text: str) -> str | None:
    m = _SPI_FROM.search(text)
    return m.group("peer") if m else None


def _peer_proxies(text: str) -> str | None:
    m = _SPI_FROM.search(text) or _INNER.search(text)
    return m.group("peer") if m else None


_PEER_READERS: dict = {}
_PEER_BY_KIND = {
    "": _peer_named,
    "peer": _peer_any,
    "ikev2": _peer_ikev2,
    "sa": _peer_sa,
    "spi": _peer_spi,
    "proxies": _peer_proxies,
}


# FTD connection events: "SrcIP: 10.1.1.1, DstPort: 500, ...".
_FTD_FIELD = re.compile(r"(?:^|, )(?P<k>[A-Za-z]{2,40}): (?P<v>[^,]{0,120})")
_FTD_KEYS = {
    "SrcIP": "src",
    "DstIP": "dst",
    "SrcPort": "src_port",
    "DstPort": "dst_port",
    "Protocol": "protocol",
    "IngressInterface": "src_interface",
    "EgressInterface": "dst_interface",
    "AccessControlRuleAction": "rule_action",
    "AccessControlRuleName": "acl",
    "ACPolicy": "policy",
}

# --- fields of catalogued messages ------------------------------------------------
_PEER = re.compile(
    r"(?:Group = (?P<group>[^,]{1,64}), )?(?:Username = (?P<user>[^,]{1,64}), )?"
    rf"IP = (?P<peer>{IP})"
)
_IKEV2 = re.compile(
    rf"Local:(?P<local>{IPV4})(?::\d{{1,5}})? Remote:(?P<peer>{IPV4})(?::\d{{1,5}})?"
    r"(?: Username:(?P<user>\S{1,64}))?"
)
_IFACE = r"[A-Za-z0-9_.\-]{1,48}"
_SRC = re.compile(
    rf"\b(?:from|for|src|faddr) (?:(?P<if>{_IFACE}):)?(?P<addr>{IPV4})(?:/(?P<port>\d{{1,5}}))?"
)
_DST = re.compile(
    rf"\b(?:to|dst|laddr) (?:(?P<if>{_IFACE}):)?(?P<addr>{IPV4})(?:/(?P<port>\d{{1,5}}))?"
)
_ON_IF = re.compile(rf"\bon interface (?P<if>{_IFACE})")
_ACL_NAME = re.compile(
    r'access-group "(?P<acl>[^"]{1,64})"|access-list (?P<acl2>\S{1,64})'
)
_ACL_HIT = re.compile(
    r"access-list (?P<acl>\S{1,64}) (?P<action>permitted|denied|est-allowed) (?P<proto>\w{1,12}) "
    rf"(?P<sif>{_IFACE})/(?P<src>{IP})\((?P<sport>\d{{1,5}})\) -> "
    rf"(?P<dif>{_IFACE})/(?P<dst>{IP})\((?P<dport>\d{{1,5}})\)"
)
_PROTO = re.compile(
    r"\b(?P<p>TCP|UDP|ICMP6?|ICMPv6|GRE|ESP|AH|tcp|udp|icmp6?|esp|gre|ah)\b|\bprotocol (?P<n>\d{1,3})\b"
)
_SA = re.compile(
    r"An? (?P<dir>inbound|outbound) (?P<type>[\w\- ]{1,40}) SA \(SPI= ?(?P<spi>0x[0-9A-Fa-f]{1,8})\) "
    rf"between (?P<local>{IP}) and (?P<peer>{IP})"
)
_SPI_FROM = re.compile(
    r"\(SPI= ?(?P<spi>0x[0-9A-Fa-f]{1,8})[^)]{0,60}\) from (?P<peer>" + IPV4 + r")"
)
# 402116: the packet that came out of the tunnel and the proxies of the SA it
# does not match. The message guide prints "its remote proxy as"; ASA 8.0 to 9.x
# print "its remote_proxy as" (and may so print the local one). The message ends
# at its period, or at a quote or Markdown backtick the paste put after it.
_INNER = re.compile(
    r"from (?P<peer>[0-9a-fA-F.:]{3,45})[ .(].{0,200}?destination as (?P<dst>[0-9a-fA-F.:]{3,45}), "
    r"its source as (?P<src>[0-9a-fA-F.:]{3,45}).{0,120}?local[ _]proxy as (?P<local>[^ ]{3,80}) "
    r"and its remote[ _]proxy as (?P<remote>[^ ]{3,80}?)\.?[`'\")\]]{0,3}$"
)
_IOS_PEER = re.compile(
    rf"(?:srcaddr=|peer at |[Pp]eer |from |remote= ?)(?P<peer>{IPV4})"
)
_IOS_ACL = re.compile(
    r"list (?P<acl>\S{1,64}) (?P<action>denied|permitted) (?P<proto>\w{1,12}) "
    rf"(?P<src>{IPV4})(?:\((?P<sport>\d{{1,5}})\))? -> (?P<dst>{IPV4})(?:\((?P<dport>\d{{1,5}})\))?"
)
_PROTO_NUMBERS = {
    "50": "esp",
    "51": "ah",
    "17": "udp",
    "6": "tcp",
    "1": "icmp",
    "47": "gre",
}
_FAMILY_PROTOCOL = {"esmtp": "tcp"}
# The spellings messages use, read without lower-casing each time.
_PROTOCOLS = {
    **{w: w.lower() for w in ("TCP", "UDP", "ICMP", "ICMP6", "GRE", "ESP", "AH")},
    **{w: w for w in ("tcp", "udp", "icmp", "icmp6", "gre", "esp", "ah")},
    "ICMPv6": "icmpv6",
    **_PROTO_NUMBERS,
}
_SIDE_IF = {"src": "src_interface", "dst": "dst_interface"}
_SIDE_PORT = {"src": "src_port", "dst": "dst_port"}

# --- status block -----------------------------------------------------------------
_STATUS_START = re.compile(r"^\s*Syslog logging: ")
_DEST = re.compile(
    r"^\s*(?P<name>[A-Za-z][A-Za-z -]{1,40}?) [Ll]ogging:\s*(?P<rest>.*)$"
)
_LOGGING_TO = re.compile(
    rf"^\s*Logging to (?:(?P<if>{_IFACE}) )?(?P<host>{IP})\s*(?:\((?P<vrf>[^)\s]{{1,40}})\)\s*)?(?P<rest>.*)$"
)
_BUFFER = re.compile(r"^\s*Log Buffer \((?P<bytes>\d{1,12}) bytes\):")
_HEADER_WORDS = (
    "No Active Message",
    "No Inactive Message",
    "No active filter",
    "Active Message",
    "Inactive Message",
    "ESM:",
    "Exception Logging",
    "Count and timestamp",
    "Logging Source-Interface",
    "Logging to",
    "TLS Profiles",
    "Facility:",
    "Device ID:",
    "Global TCP syslog",
    "Rate-limit",
)
_KV_NUM = re.compile(
    r"(?P<n>\d{1,15}) (?P<what>messages dropped|messages rate-limited|flushes|overruns|"
    r"messages logged|message lines logged|message lines rate-limited|"
    r"message lines dropped-by-MD|bytes)"
)
_KV_WORD = re.compile(
    r"\b(?P<k>xml|filtering|level|audit|link|sequence number|facility|url|authentication|encryption)"
    r"\s+(?P<v>[\w:/.\-]{1,40})"
)


# One copy of each short value that repeats across messages (stamps, hosts,
# interfaces, addresses, IDs): a log of a million lines repeats a few thousand of
# them, and a record holds several. Emptied when it grows past its bound.
_SHARED: dict[str, str] = {}
_SHARED_MAX = 200_000
_share = _SHARED.setdefault

# What parse read from each line of its section ([record, None or UNREAD per
# line]), kept on the section for the IKE parser that reads the same section next.
UNREAD = object()

# A source keeps every message as a record while it holds at most this many; past
# that, it keeps the messages some rule reads one by one (`cited`) and the first
# message of each kind (`kind`: for the checks that ask whether a log holds any,
# such as IOS crypto messages naming a router that runs IPsec), and counts the
# rest in its summary as they stream past. A million-line log then costs its
# counts, not a dict per line; a paste under the site's 2 MiB limit (10,000-20,000
# messages of a busy ASA's 100-200 character lines) keeps every record.
KEEP_EVERY_RECORD = 50_000

# The messages a rule reads one at a time: rules/syslog.py's ESMTP drops
# (108003/108004/507003, which rules/asa_config.py also reads as mail broken in
# transit), IKE or ESP denied by an access list (the access-list IDs and IOS's
# IPACCESSLOG) and traffic outside the SA (402116).
ESMTP_IDS = frozenset({"108003", "108004", "507003"})
ACL_IDS = frozenset(
    {"106001", "106006", "106023", "106100", "710003", "430002", "430003"}
)
CITED_IDS = ESMTP_IDS | ACL_IDS | {"402116"}


def cited(message_id: str | None) -> bool:
    """True when a rule may read a message with this ID by itself (not only
    count it), so its record is kept however long the log."""
    return message_id is not None and (
        message_id in CITED_IDS or "IPACCESSLOG" in message_id
    )


def kind(record: dict) -> tuple:
    """What a message is, for keeping the first of each: (platform, facility,
    message ID, debug tag)."""
    return (
        record.get("platform"),
        record.get("facility"),
        record.get("message_id"),
        record.get("debug"),
    )


def _plain_kind(reading: tuple) -> tuple | None:
    """`kind` of a plain message from what `plain` read of it; None when that
    does not say (an ASA tag read by PLAIN: its facility is the record's)."""
    message_id, _, _, ios, _, debug, asa = reading
    if asa is not None:
        return ("asa", asa[1], message_id, None)
    if ios is not None:
        return ("ios", ios, message_id, None)
    if debug is not None:
        return ("asa", None, None, debug)
    return None


def parse(section: Section) -> list[Source]:
    reader = Reader(section.command)
    read: list = [UNREAD] * len(section.lines)
    numbers = section.numbers
    for index, line in enumerate(section.lines):
        if line and not line.isspace():
            read[index] = reader.line(line, numbers[index])
    section.readings["syslog"] = read
    return reader.sources()


class Reader:
    """The syslog of one section, read a line at a time as it streams past.

    `line` reads any line; `message` takes one plain message (see PLAIN) with
    what `plain` read of it, and `run` a run of them, building a record only for
    a message that is kept. `sources` gives the section's ``syslog.status`` and
    ``syslog`` sources at the end. Every message is counted in the ``syslog``
    source's ``summary`` (see `summary`), whether or not it is kept as a record.
    """

    def __init__(self, command: str | None):
        if len(_SHARED) > _SHARED_MAX:
            _SHARED.clear()
        self.in_buffer = (
            bool(command) and command.startswith("sh") and (" log" in command)
        )
        # Records kept, and plain messages not read yet (see `_read_plain`).
        self.records: list = []
        self.claimed: set[int] = set()
        # Runs of plain message lines [first, last], claimed by `message` and
        # `run`.
        self.runs: list[list[int]] = []
        self.status: dict | None = None
        self.status_lines: set[int] = set()
        self.status_state: dict = {}
        self.in_header = False
        self.seen_message = False
        # The last message: its record, or the message while it has none.
        self.last: dict | tuple | None = None
        self.last_kept = False
        self.keep_every = True
        # The kinds of message seen (`kind`), once past the bound.
        self.kinds: set[tuple] = set()
        self.messages = 0
        self.ids: dict[str, list[int]] = {}
        self.hosts: dict[str, int] = {}
        self.peers: dict[str, dict[str, int]] = {}
        # Messages taken by `run`, counted by their line up to the tag: key ->
        # [count, the key's entry], added to ``ids`` and ``hosts`` at the end.
        self.counts: dict[str, list] = {}
        self.summed: dict | None = None

    def line(self, line: str, number: int):
        """Read one non-blank line; returns its record, None when it is not a
        message, or UNREAD when it was read as something else."""
        if self.in_header:
            if _header_line(line, self.status, self.status_state):
                self.status_lines.add(number)
                if "Log Buffer (" in line and _BUFFER.match(line):
                    self.in_header = False
                    self.in_buffer = True
                return UNREAD
            self.in_header = False
            self.in_buffer = True
        elif "Syslog logging:" in line and _STATUS_START.match(line):
            self.status = {"lines": [number, number]}
            self.status_state = {}
            _header_line(line, self.status, self.status_state)
            self.status_lines.add(number)
            self.in_header = True
            return UNREAD
        elif "Log Buffer" in line and _BUFFER.match(line):
            self.status = self.status or {"lines": [number, number]}
            _header_line(line, self.status, self.status_state)
            self.status_lines.add(number)
            self.in_buffer = True
            return UNREAD
        if (
            not self.messages
            and not self.records
            and self.status is None
            and _is_echo(line)
        ):
            return UNREAD
        if line.startswith("Severity") and "Syslog ID" in line:
            # The column headings of an ASDM log viewer copy.
            self.claimed.add(number)
            return UNREAD
        if line.startswith('"Severity"') and "Syslog ID" in line:
            # The same headings atop ASDM's log saved as CSV.
            self.claimed.add(number)
            return UNREAD
        record = read_line(line)
        if record is not None:
            record["lines"] = [number, number]
            self.claimed.add(number)
            self._count(
                record.get("message_id"), record.get("host"), record.get("peer"), number
            )
            self.last = record
            self.last_kept = self._keep(record.get("message_id"), record)
            if self.last_kept:
                self.records.append(record)
            return record
        if not self.in_buffer or not line.strip():
            return None
        if self.seen_message and self.last is not None:
            # A message the device wrapped over several lines (IOS banners, the
            # crypto replay error's second line): keep it with its message.
            last = self.last
            if isinstance(last, tuple):
                last = _read_plain(last)
                if self.last_kept:
                    self.records[-1] = last
                self.last = last
            last.setdefault("more", []).append(line)
            last["lines"][1] = number
            self.claimed.add(number)
        else:
            self.records.append(
                {"fragment": True, "text": line.strip(), "lines": [number, number]}
            )
            self.claimed.add(number)
        return None

    def message(self, line: str, number: int, reading: tuple) -> None:
        """A plain message with its reading (`plain`): counted and claimed, and
        read into a record only when it is kept; while every message is, only at
        the end (`sources`), as the log may grow past the bound first."""
        runs = self.runs
        if runs and runs[-1][1] == number - 1:
            runs[-1][1] = number
        else:
            runs.append([number, number])
        message_id, host = reading[0], reading[1]
        self._count(
            message_id, host, plain_peer(message_id, reading[3], reading[4]), number
        )
        if self.keep_every and self.messages <= KEEP_EVERY_RECORD:
            # Not read yet: a log this long may turn out to keep only a few.
            self.last = (line, number)
            self.records.append(self.last)
            self.last_kept = True
            return
        found = _plain_kind(reading)
        record = None
        if found is None:
            record = plain_record(line, reading)
            found = kind(record)
        if self._keep(message_id, found):
            if record is None:
                record = plain_record(line, reading)
            record["lines"] = [number, number]
            self.records.append(record)
            self.last = record
            self.last_kept = True
        else:
            self.last = (line, number)
            self.last_kept = False

    def run(
        self,
        lines: list[str],
        start: int,
        stop: int,
        number: int,
        clean: bool,
        ike,
        gates: list,
    ) -> int:
        """Take the plain messages of ``lines[start:stop]`` in a row (the first
        paste line ``number``) that `plain` reads by hand, the ASA's usual tag
        and its timestamped debug: counted, claimed, and kept as records as
        `message` does, without a call per line. ``clean`` says that no line
        holds a control character, non-ASCII text or any of ``&<\\``. Each line
        ``ike(line)`` says is an IKE line goes to ``gates`` as (index, reading).
        Returns the index of the first line not taken."""
        counts = self.counts
        records = self.records
        peers = self.peers
        keep_every = self.keep_every
        base = self.messages
        first = number - start
        i = start
        kept = False
        while i < stop:
            line = lines[i]
            at = line.find("%")
            if at == -1:
                # The ASA's debug: "Jun 10 17:36:05 [IKEv1]: IP = ...".
                at = line.find("]") + 1
                if not at or "ASA-" in line or "PIX-" in line or "FTD-" in line:
                    break
                key = line[:at]
                count = counts.get(key)
                entry = _DEBUG_KEYS.get(key) if count is None else count[1]
                if entry is None:
                    entry = _debug_key(key)
                if entry is False:
                    break
                rest = line[at:]
                text = (rest[1:] if rest[:1] == ":" else rest).lstrip()
                if not text:
                    break
            else:
                key = line[: at + 15]
                count = counts.get(key)
                entry = _KEYS.get(key) if count is None else count[1]
                if entry is None:
                    entry = _key(key)
                if entry is False or len(line) <= at + 15:
                    break
                text = None
            if line[-1] in " :*":
                break
            if not clean and (
                not line.isascii()
                or not line.isprintable()
                or "&" in line
                or "<" in line
                or "\\" in line
            ):
                break
            if count is None:
                # The first of this ID and prefix in the source: the order IDs
                # and hosts first appear in is the summary's.
                message_id, host = entry[0], entry[1]
                if message_id is not None and message_id not in self.ids:
                    self.ids[message_id] = [0, first + i]
                if host and host not in self.hosts:
                    self.hosts[host] = 0
                counts[key] = [1, entry]
            else:
                count[0] += 1
            read_peer = entry[6]
            if read_peer is not None and (
                read_peer is not _peer_named or "IP = " in line
            ):
                if text is None:
                    text = line[at + 15 :].lstrip()
                peer = _PEERS_READ.get(text, _UNSEEN)
                if peer is _UNSEEN:
                    peer = _peer_read(read_peer, text)
                if peer:
                    by_id = peers.get(peer)
                    if by_id is None:
                        by_id = peers[peer] = {}
                    message_id = entry[0] or ""
                    by_id[message_id] = by_id.get(message_id, 0) + 1
            if keep_every:
                if base + i - start < KEEP_EVERY_RECORD:
                    records.append((line, first + i, entry, at, text))
                    kept = True
                else:
                    # Past the bound: from here on only what a rule reads.
                    self.records = records = self._cited_only()
                    keep_every = False
            if not keep_every:
                if entry[7] or (count is None and _new_kind(self.kinds, entry)):
                    record = plain_record(line, _reading(entry, line, at, text))
                    record["lines"] = [first + i, first + i]
                    records.append(record)
                    kept = True
                else:
                    kept = False
            if ike(line):
                gates.append((i, _reading(entry, line, at, text)))
            i += 1
        if i > start:
            taken = i - start
            self.messages = base + taken
            self.keep_every = keep_every
            self.seen_message = True
            runs = self.runs
            if runs and runs[-1][1] == number - 1:
                runs[-1][1] = number + taken - 1
            else:
                runs.append([number, number + taken - 1])
            # The last message, for a line that continues it.
            self.last = records[-1] if kept else (lines[i - 1], first + i - 1)
            self.last_kept = kept
        return i

    def _count(self, message_id, host, peer, number: int) -> None:
        self.messages += 1
        self.seen_message = True
        if message_id:
            seen = self.ids.get(message_id)
            if seen is None:
                self.ids[message_id] = [1, number]
            else:
                seen[0] += 1
        if host:
            self.hosts[host] = self.hosts.get(host, 0) + 1
        if peer:
            by_id = self.peers.get(peer)
            if by_id is None:
                by_id = self.peers[peer] = {}
            key = message_id or ""
            by_id[key] = by_id.get(key, 0) + 1

    def _keep(self, message_id, of) -> bool:
        """Whether to keep a message with this ID, of this `kind` (or whose record
        this is)."""
        if self.keep_every:
            if self.messages <= KEEP_EVERY_RECORD:
                return True
            # Past the bound: from here on only what a rule reads.
            self.keep_every = False
            self.records = self._cited_only()
        if cited(message_id):
            self.kinds.add(of if isinstance(of, tuple) else kind(of))
            return True
        of = of if isinstance(of, tuple) else kind(of)
        if of in self.kinds:
            return False
        self.kinds.add(of)
        return True

    def _cited_only(self) -> list:
        """The records so far that stay past the bound: those cited and the first
        of each kind (the kinds seen kept for what follows)."""
        kept = []
        kinds = self.kinds
        for r in self.records:
            if isinstance(r, tuple):
                reading = _pending_reading(r)
                of = _plain_kind(reading)
                record = None
                if of is None:
                    record = _read_plain(r, reading)
                    of = kind(record)
                if cited(reading[0]) or of not in kinds:
                    kinds.add(of)
                    kept.append(record or _read_plain(r, reading))
            elif r.get("fragment"):
                kept.append(r)
            else:
                of = kind(r)
                if cited(r.get("message_id")) or of not in kinds:
                    kinds.add(of)
                    kept.append(r)
        return kept

    def sources(self) -> list[Source]:
        self.records = [
            _read_plain(r) if isinstance(r, tuple) else r for r in self.records
        ]
        sources: list[Source] = []
        status, status_lines = self.status, self.status_lines
        if status is not None and status_lines:
            status["lines"] = [min(status_lines), max(status_lines)]
            self.status_state.pop("current", None)
            sources.append(
                Source(
                    kind=SYSLOG_STATUS,
                    first_line=min(status_lines),
                    last_line=max(status_lines),
                    records=[status],
                    claimed=status_lines,
                )
            )
        if not self.messages and (status is None or not self.records):
            # Under a "show log..." command but not one line is a message this
            # parser knows (a Juniper `show log kmd`, a Linux log): nothing was
            # read, and the lines stay unparsed rather than pass for a device's
            # buffer.
            return sources
        if self.runs:
            claimed = Lines.of_runs(self.runs, self.claimed)
            first, last = claimed.first(), claimed.last()
        else:
            claimed = self.claimed
            first, last = min(claimed), max(claimed)
        sources.append(
            Source(
                kind=SYSLOG,
                first_line=first,
                last_line=last,
                records=self.records,
                claimed=claimed,
                summary=self.summary(),
            )
        )
        return sources

    def summary(self) -> dict:
        """What the source's messages add up to, kept as records or not."""
        if self.summed is None:
            for count, entry in self.counts.values():
                if entry[0] is not None:
                    self.ids[entry[0]][0] += count
                if entry[1]:
                    self.hosts[entry[1]] += count
            kept = sum(
                1 for r in self.records if isinstance(r, tuple) or not r.get("fragment")
            )
            self.summed = {
                "messages": self.messages,
                "summarised": kept < self.messages,
                "message_ids": self.ids,
                "hosts": self.hosts,
                "peers": self.peers,
            }
        return self.summed


def forget() -> None:
    """Drop what was read once per distinct prefix, tag and text (the engine does
    at the end of each analysis, so a long log's leave the process with it)."""
    for known in (_KEYS, _DEBUG_KEYS, _PREFIXES, _PEERS_READ):
        known.clear()


def _read_plain(pending: tuple, reading: tuple | None = None) -> dict:
    """The record of a plain message kept unread until now: (line, number), or
    (line, number, its key's entry, where its tag is, its text or None) from
    `Reader.run`."""
    line, number = pending[0], pending[1]
    record = plain_record(line, reading or _pending_reading(pending))
    record["lines"] = [number, number]
    return record


def _pending_reading(pending: tuple) -> tuple:
    if len(pending) == 2:
        return plain(pending[0])
    line, _, entry, at, text = pending
    return _reading(entry, line, at, text)


def _new_kind(kinds: set, entry: tuple) -> bool:
    """Whether the `kind` of a message read by hand (its key's entry) is new to
    the source: then it is added."""
    if entry[0] is None:
        of = ("asa", None, None, entry[8])
    else:
        of = ("asa", entry[4], entry[0], None)
    if of in kinds:
        return False
    kinds.add(of)
    return True


def summary(source: Source) -> dict:
    """The counts of a ``syslog`` source's messages (see `Reader.summary`): the
    source's own, or worked out from its records when it has none."""
    if source.summary is not None:
        return source.summary
    reader = Reader(None)
    for record in source.records:
        if not record.get("fragment"):
            reader._count(
                record.get("message_id"),
                record.get("host"),
                record.get("peer"),
                record["lines"][0],
            )
    reader.records = list(source.records)
    return reader.summary()


def _is_echo(line: str) -> bool:
    """The command itself, pasted without its prompt: `show logging | i 713`."""
    words = line.split("|", 1)[0].split()
    return (
        len(words) >= 2
        and "show".startswith(words[0].lower())
        and len(words[0]) >= 2
        and "logging".startswith(words[1].lower())
        and len(words[1]) >= 3
    )


def leading_stamp(line: str) -> str | None:
    """The time stamp a line starts with (after a priority or sequence number),
    as printed, or None: for logs this parser does not read as messages."""
    pos = _skip_space(line, 0)
    m = _PRI.match(line, pos)
    if m:
        pos = m.end()
    m = _SEQ.match(line, pos)
    if m:
        pos = _skip_space(line, m.end())
    m = _TS.match(line, pos)
    if m is None or len(m.group()) < 5:
        return None
    return m.group().lstrip("*.")


def read_line(line: str) -> dict | None:
    """One syslog message read from ``line``, or None when the line is not one."""
    if line[2:5] == '","' and line[:1] == '"' and line[1:2] in "01234567":
        record = _asdm_csv_row(line)
        if record is not None:
            return record
    if line[:1] == '"' and '","' in line:
        return _csv_row(line)
    if line[1:3] == "  " and line[:1] in "01234567":
        record = _asdm_row(line)
        if record is not None:
            return record
    if line[1:2] in _ASDM_SEPARATORS and line[:1] in "01234567":
        record = _asdm_separated_row(line, line[1])
        if record is not None:
            return record
    window = line[:_TAG_WINDOW]
    percent = window.find("%")
    while percent != -1:
        record = _tagged(line, percent)
        if record is not None:
            return record
        percent = window.find("%", percent + 1)
    if "ASA-" in window or "PIX-" in window or "FTD-" in window:
        m = _ASA_TAG.search(window)
        if m and (m.start() == 0 or window[m.start() - 1] in " :"):
            return _asa_record(line, m)
    if line[:1] in _BARE_FIRST:
        record = _bare_body(line)
        if record is not None:
            return record
    return _untagged(line)


# ASA messages quoted by their text alone, without stamp or tag, that no other
# message's text starts with, each with the shape its whole text must have:
# documentation and forum posts quote 713061 so, the Group and IP left out, in
# the wording ASA 8.x-9.x print ("Rejecting IPSec tunnel: no matching crypto map
# entry for remote proxy ... local proxy ... on interface outside") and in the
# message guide's ("Tunnel rejected: Crypto Map Policy not found for Src:...,
# Dst: ...!").
_BARE_BODIES = (
    (
        "713061",
        re.compile(
            r"Rejecting IPSec tunnel: no matching crypto map entry for remote proxy "
            r"[0-9A-Fa-f.:]{2,45}/[0-9A-Fa-f.:]{1,45}/\d{1,3}/\d{1,5} local proxy "
            r"[0-9A-Fa-f.:]{2,45}/[0-9A-Fa-f.:]{1,45}/\d{1,3}/\d{1,5} on interface "
            r"[\w.\-/]{1,48}\.?$"
        ),
    ),
    (
        "713061",
        re.compile(
            r"Tunnel rejected: Crypto Map Policy not found for Src: ?"
            r"[0-9A-Fa-f.:]{2,45}, Dst: ?[0-9A-Fa-f.:]{2,45} ?!?$"
        ),
    ),
)
_BARE_FIRST = frozenset(pattern.pattern[0] for _, pattern in _BARE_BODIES)


def _bare_body(line: str) -> dict | None:
    """The message a line holding only a known ASA message's text is (see
    _BARE_BODIES), with ``bare`` True: no stamp, host or peer to give."""
    for message_id, pattern in _BARE_BODIES:
        if pattern.match(line):
            entry = syslog_catalog.ASA[message_id]
            return {
                "timestamp": None,
                "host": None,
                "platform": "asa",
                "facility": "ASA",
                "severity": entry.severity,
                "message_id": message_id,
                "text": line.strip(),
                "bare": True,
            }
    return None


def _asdm_row(line: str) -> dict | None:
    """A row copied from ASDM's log viewer: severity, date, time, syslog ID, source
    and destination address and port, description, in tab-separated columns (tabs
    become spaces when the paste is cleaned; empty columns leave wider gaps)."""
    m = _ASDM.match(line)
    if m is None:
        return None
    pos = m.end()
    for _ in range(4):
        # The address and port columns, any of which may be empty.
        end = line.find("  ", pos)
        if end == -1 or not _ASDM_COLUMN.fullmatch(line, pos, end):
            break
        pos = _skip_space(line, end)
    text = line[pos:].strip()
    if not text:
        return None
    severity, date, time, message_id = m.group("sev", "date", "time", "id")
    stamp = f"{date} {time}"
    return _asdm_record(severity, stamp, message_id, text)


# ASDM's log export and the rows it copies with their columns kept apart: "7|Oct
# 14 2016|22:46:14|713035|||||Group = ..." (a pipe between columns, the address and
# port columns empty when the message has none) or the same with commas; a CSV
# save quotes each field ("6","Oct 14 2016","10:11:12","713035",...).
_ASDM_SEPARATORS = ("|", ",")
_ASDM_DATE = re.compile(rf"{_MONTH} {{1,2}}\d{{1,2}},? \d{{4}}")
_ASDM_TIME = re.compile(r"\d{1,2}:\d{2}:\d{2}")
# An address or port column, masked addresses ("13.X.X.X") included.
_ASDM_FIELD = re.compile(r"[0-9A-Fa-fxX*.:]{1,45}")


def _asdm_separated_row(line: str, separator: str) -> dict | None:
    """A row of ASDM's log export with its columns separated by ``separator``:
    severity, date, time, syslog ID, then up to four address and port columns
    (any of them empty), then the message text, which may itself hold the
    separator."""
    fields = line.split(separator, 8)
    if len(fields) < 5:
        return None
    return _asdm_fields(fields[:4], fields[4:], separator)


def _asdm_csv_row(line: str) -> dict | None:
    """A row of ASDM's log saved as CSV: each field quoted, in the order of the
    viewer's columns."""
    try:
        fields = next(csv.reader([line]))
    except (csv.Error, StopIteration):
        return None
    if len(fields) < 5:
        return None
    return _asdm_fields(fields[:4], fields[4:], None)


def _asdm_fields(head: list, rest: list, separator: str | None) -> dict | None:
    """The record of an ASDM row from its first four fields (severity, date,
    time, syslog ID) and the rest (address and port columns, then the text)."""
    severity, date, time, message_id = (field.strip() for field in head)
    if (
        severity not in _SEVERITY
        or len(message_id) != 6
        or not message_id.isdigit()
        or not _ASDM_DATE.fullmatch(date)
        or not _ASDM_TIME.fullmatch(time)
    ):
        return None
    columns = 0
    while (
        columns < 4
        and columns < len(rest) - 1
        and (not rest[columns].strip() or _ASDM_FIELD.fullmatch(rest[columns].strip()))
    ):
        columns += 1
    parts = rest[columns:]
    text = (separator.join(parts) if separator else ",".join(parts)).strip()
    if not text:
        return None
    stamp = f"{date.replace(',', '')} {time}"
    return _asdm_record(severity, stamp, message_id, text)


def _csv_row(line: str) -> dict | None:
    """A row of a log search exported as CSV (`"_time","host","_raw"` with the
    message quoted, its own quotes doubled): the message read from the field that
    holds it, the export's time kept as ``received``."""
    try:
        fields = next(csv.reader([line]))
    except (csv.Error, StopIteration):
        return None
    for field in reversed(fields):
        if "%" not in field[:_TAG_WINDOW] and "[IKEv" not in field[:_TAG_WINDOW]:
            continue
        record = read_line(field)
        if record is None:
            continue
        stamp = fields[0].strip()
        if stamp and stamp != field and _TS.match(stamp):
            record.setdefault("received", stamp)
        return record
    return None


def _tagged(line: str, at: int) -> dict | None:
    m = _ASA_TAG.match(line, at)
    if m:
        return _asa_record(line, m)
    m = _IOS_TAG.match(line, at)
    if m is None:
        return None
    prefix = _read_prefix(line[: m.start()])
    if prefix is None:
        return None
    message_id = f"{m.group('fac')}-{m.group('sev')}-{m.group('mn')}"
    record = {
        **prefix,
        "platform": "ios",
        "facility": m.group("fac"),
        "severity": int(m.group("sev")),
        "message_id": message_id,
        "text": line[m.end() :].strip(),
    }
    _ios_fields(record)
    return record


def _asa_record(line: str, m: re.Match) -> dict | None:
    prefix = _read_prefix(line[: m.start()])
    if prefix is None:
        return None
    record = prefix
    record["platform"] = "asa"
    record["facility"] = _share(m.group("fac"), m.group("fac"))
    record["severity"] = _SEVERITY[m.group("sev")]
    message_id = m.group("id")
    record["message_id"] = _share(message_id, message_id)
    record["text"] = line[m.end() :].strip()
    entry = syslog_catalog.ASA.get(message_id)
    if entry is not None and entry.fields:
        _asa_fields(record, entry)
    elif "IP = " in record["text"]:
        _peer_fields(record)
    return record


def _untagged(line: str) -> dict | None:
    """A line the device stamped but did not tag: IOS debug output, ASA
    `[IKEv1]` debug, `Rollback:` and `CEF-HWIDB:` style messages."""
    stripped = line.lstrip()
    if not stripped:
        return None
    first = stripped[0]
    if not (first.isdecimal() or first in "*.ADFJMNOSTW") and "# " not in line[:80]:
        return None
    pos = len(line) - len(stripped)
    seq = None
    m = _SEQ.match(line, pos)
    if m:
        seq = m.group()[:-1]
        pos = _skip_space(line, m.end())
    m = _TS.match(line, pos)
    if not m:
        # Debug output printed right after the prompt it interrupted:
        # "ciscoasa(config)# Jun 10 17:36:05 [IKEv1]: IP = ...".
        sign = _PROMPT_END.search(line, pos, pos + 80)
        if sign is None:
            return None
        pos = sign.end()
        m = _TS.match(line, pos)
        if not m:
            return None
    timestamp = m.group()
    end = m.end()
    if line.startswith(": ", end):
        text = line[end + 2 :].strip()
    elif line.startswith(" [IKEv", end):
        text = line[end + 1 :].strip()
    else:
        return None
    if not text or timestamp[-1] == ":" or len(timestamp) < 4:
        return None
    record: dict = {"timestamp": timestamp}
    if seq is not None:
        record["seq"] = seq
    debug = _DEBUG_MARK.match(text)
    if debug:
        record["platform"] = "asa"
        record["debug"] = debug.group("tag")
        record["message_id"] = None
        record["text"] = text[debug.end() :].strip()
        _peer_fields(record)
        return record
    bare = _BARE_IOS.match(text)
    record["platform"] = "ios"
    if bare:
        record["facility"] = bare.group("fac")
        record["message_id"] = f"{bare.group('fac')}-{bare.group('mn')}"
        record["text"] = text[bare.end() :].strip()
    else:
        record["message_id"] = None
        record["text"] = text
    return record


def _skip_space(line: str, pos: int) -> int:
    n = len(line)
    while pos < n and line[pos] == " ":
        pos += 1
    return pos


def _read_prefix(prefix: str) -> dict | None:
    """Timestamp(s), host, sequence number and priority in front of a tag."""
    if len(prefix) > _TAG_WINDOW:
        return None
    if not prefix:
        return {"timestamp": None, "host": None}
    m = _COMMON_PREFIX.fullmatch(prefix)
    if m:
        seq, ts, host = m.group("seq", "ts", "host")
        out = {
            "timestamp": _share(ts, ts),
            "host": _share(host, host) if host else None,
        }
        if seq:
            out["seq"] = seq
        return out
    out = {"timestamp": None, "host": None}
    stamps: list[str] = []
    hosts: list[str] = []
    i = 0
    n = len(prefix)
    while i < n:
        c = prefix[i]
        if c in " :-":
            i += 1
            continue
        if c == "<":
            m = _PRI.match(prefix, i)
            if m:
                out["pri"] = int(m.group()[1:-1])
                i = m.end()
                # RFC 5424 puts a version number right after the priority.
                if prefix.startswith("1 ", i):
                    i += 2
                continue
        if c.isdecimal():
            m = _SEQ.match(prefix, i)
            if m:
                out["seq"] = m.group()[:-1]
                i = m.end()
                continue
        m = _TS.match(prefix, i)
        if m and (m.end() == n or prefix[m.end()] in " :"):
            stamps.append(m.group())
            i = m.end()
            continue
        j = prefix.find(" ", i)
        if j == -1:
            j = n
        token = prefix[i:j].rstrip(":")
        if token:
            hosts.append(token)
        i = j
    if stamps:
        out["timestamp"] = stamps[-1]
        if len(stamps) > 1:
            out["received"] = stamps[0]
    if len(hosts) == 1:
        out["host"] = hosts[0]
    elif len(hosts) == 2:
        # A syslog server's line: the sender's address, then the device's own id.
        out["sender"], out["host"] = hosts
    elif hosts:
        # Something else in front of the tag (a wrapped line, a pasted note):
        # keep it as printed rather than guess a host out of it.
        out["prefix"] = prefix.strip()
    return out


def _peer_fields(record: dict) -> None:
    m = _PEER.search(record["text"])
    if m:
        peer = m.group("peer")
        record["peer"] = _share(peer, peer)
        if m.group("group"):
            record["group"] = m.group("group")
        if m.group("user"):
            record["username"] = m.group("user")


def _asa_fields(record: dict, entry) -> None:
    text = record["text"]
    kind = entry.fields
    if kind == "peer":
        _peer_fields(record)
    elif kind == "ikev2":
        m = _IKEV2.search(text)
        if m:
            record["local"] = m.group("local")
            record["peer"] = m.group("peer")
            if m.group("user"):
                record["username"] = m.group("user")
    elif kind == "sa":
        m = _SA.search(text)
        if m:
            record["direction"] = m.group("dir")
            record["tunnel_type"] = m.group("type").strip()
            record["spi"] = m.group("spi")
            record["local"] = m.group("local")
            record["peer"] = m.group("peer")
    elif kind in ("spi", "proxies"):
        m = _SPI_FROM.search(text)
        if m:
            record["spi"] = m.group("spi")
            record["peer"] = m.group("peer")
        m = _INNER.search(text) if kind == "proxies" else None
        if m:
            record.setdefault("peer", m.group("peer"))
            record["inner_src"] = m.group("src")
            record["inner_dst"] = m.group("dst")
            record["local_proxy"] = m.group("local")
            record["remote_proxy"] = m.group("remote")
    elif kind == "acl":
        m = _ACL_HIT.search(text)
        if m:
            acl, action, sif, src, dif, dst = m.group(
                "acl", "action", "sif", "src", "dif", "dst"
            )
            record["acl"] = _share(acl, acl)
            record["action"] = _share(action, action)
            record["protocol"] = _protocol(m.group("proto"))
            record["src_interface"] = _share(sif, sif)
            record["src"] = _share(src, src)
            record["src_port"] = int(m.group("sport"))
            record["dst_interface"] = _share(dif, dif)
            record["dst"] = _share(dst, dst)
            record["dst_port"] = int(m.group("dport"))
    elif kind == "conn":
        _conn_fields(record, entry)
        _esmtp_drop(record)
    elif kind == "ftd":
        _ftd_fields(record)


def _ftd_fields(record: dict) -> None:
    for m in _FTD_FIELD.finditer(record["text"]):
        key = _FTD_KEYS.get(m.group("k"))
        if key is None:
            continue
        value = m.group("v").strip()
        if key.endswith("_port"):
            if value.isdecimal():
                record[key] = int(value)
        elif key == "protocol":
            record[key] = _protocol(value)
        elif value:
            record[key] = value
    action = record.get("rule_action", "").lower()
    if action:
        # Block, Block with reset and Interactive Block stop the flow; Allow, Trust
        # and Monitor let it through.
        record["action"] = "denied" if "block" in action else "permitted"


def _conn_fields(record: dict, entry) -> None:
    text = record["text"]
    src = _SRC.search(text)
    dst = _DST.search(text, src.end()) if src else _DST.search(text)
    for side, m in (("src", src), ("dst", dst)):
        if m is None:
            continue
        iface, addr, port = m.group("if", "addr", "port")
        if iface:
            record[_SIDE_IF[side]] = _share(iface, iface)
        record[side] = _share(addr, addr)
        if port:
            record[_SIDE_PORT[side]] = int(port)
    if "on interface" in text:
        on_if = _ON_IF.search(text)
        if on_if:
            record.setdefault("src_interface", on_if.group("if"))
    m = _PROTO.search(text, 0, 80)
    if m:
        record["protocol"] = _protocol(m.group("p") or m.group("n"))
    elif entry.family in _FAMILY_PROTOCOL:
        record["protocol"] = _FAMILY_PROTOCOL[entry.family]
    if entry.family in ("esmtp", "inspection") and "matched " in text:
        # 108004 "...; matched Class 25: match body length 100": the policy-map
        # class that acted.
        matched = text.split("matched ", 1)[1].strip()
        record["matched_class"] = _share(matched, matched)
    if entry.family == "acl":
        m = _ACL_NAME.search(text)
        if m:
            acl = m.group("acl") or m.group("acl2")
            record["acl"] = _share(acl, acl)
        record["action"] = (
            "denied"
            if entry.severity <= 4 or "enied" in text or "Deny" in text
            else "permitted"
        )


def _esmtp_drop(record: dict) -> None:
    """``esmtp_drop``: True on a connection ESMTP inspection dropped or cut: 108003
    or 108004 naming ESMTP, or 507003 (an inspection engine ending a flow) saying
    the inspector disconnected; any of the three on port 25."""
    message_id = record.get("message_id")
    if message_id not in ESMTP_IDS:
        return
    text = record["text"]
    if record.get("dst_port") == 25 or record.get("src_port") == 25:
        record["esmtp_drop"] = True
    elif message_id == "507003":
        if "inspector disconnected" in text:
            record["esmtp_drop"] = True
    elif "ESMTP" in text:
        record["esmtp_drop"] = True


def _protocol(word: str) -> str:
    name = _PROTOCOLS.get(word)
    if name is None:
        word = word.lower()
        name = _PROTO_NUMBERS.get(word, word)
    return name


def _ios_fields(record: dict) -> None:
    text = record["text"]
    if record["facility"] == "CRYPTO":
        m = _IOS_PEER.search(text)
        if m:
            record["peer"] = m.group("peer")
    elif record["facility"] == "SEC" and "IPACCESSLOG" in record["message_id"]:
        m = _IOS_ACL.search(text)
        if m:
            record["acl"] = m.group("acl")
            record["action"] = m.group("action")
            record["protocol"] = _protocol(m.group("proto"))
            record["src"] = m.group("src")
            record["dst"] = m.group("dst")
            if m.group("sport"):
                record["src_port"] = int(m.group("sport"))
            if m.group("dport"):
                record["dst_port"] = int(m.group("dport"))


# --- the status block ---------------------------------------------------------------


def _header_line(line: str, status: dict | None, state: dict) -> bool:
    """Read one line of the `show logging` status block into ``status``; False when
    the line is not part of the block (the buffer has begun)."""
    if status is None:
        return False
    stripped = line.strip()
    if not stripped:
        return True
    m = _BUFFER.match(line) if stripped.startswith("Log Buffer (") else None
    if m:
        status["buffer_bytes"] = int(m.group("bytes"))
        return True
    if (
        stripped.startswith(_STATUS_PREFIXES)
        or stripped.endswith("Message Discriminator:")
    ) and _status_line(line, stripped, status, state):
        return True
    m = _DEST.match(line) if "ogging:" in stripped else None
    if m:
        name = m.group("name").strip().lower().replace(" ", "_").replace("-", "_")
        dest = _destination(m.group("rest"))
        status.setdefault("destinations", {})[name] = dest
        state["current"] = ("dest", dest)
        return True
    current = state.get("current")
    indented = line[:1].isspace()
    if current is not None and current[0] == "discriminator":
        if not stripped.startswith(_HEADER_WORDS):
            current[1].append(stripped)
            return True
    if current is not None and indented:
        what, target = current
        if what == "dest":
            target.update(_words(stripped))
            return True
        if what == "host":
            _host_details(target, stripped)
            return True
        if what == "source":
            parts = stripped.split()
            if len(parts) <= 2 and not stripped.endswith(":"):
                entry = {"interface": parts[0]}
                if len(parts) == 2:
                    entry["vrf"] = parts[1]
                status["source_interfaces"].append(entry)
                return True
        if what == "tls":
            _tls_line(status["tls_profiles"], stripped, state)
            return True
    if stripped.startswith(_HEADER_WORDS):
        return True
    # ASA's "Global TCP syslog stats::" counters and similar indented detail.
    return indented and ":" in stripped and len(stripped) < 120 and "%" not in stripped


# How the lines `_status_line` reads start (after their indent).
_STATUS_PREFIXES = (
    "Syslog logging:",
    "Logging to",
    "Logging Source-Interface",
    "TLS Profiles",
    "Facility:",
    "Device ID:",
    "Exception Logging:",
    "Count and timestamp logging messages:",
)


def _status_line(line: str, stripped: str, status: dict, state: dict) -> bool:
    """Read one of the status block's lines that start with one of
    _STATUS_PREFIXES or end a message discriminator's heading; False when it
    is none of them after all."""
    if stripped.startswith("Syslog logging:"):
        rest = stripped[len("Syslog logging:") :].strip()
        status["syslog"] = rest.split(" ", 1)[0].strip(",")
        counters = _numbers(rest)
        counters.update(_words(rest))
        if counters:
            status["counters"] = counters
        return True
    if stripped.startswith("Logging to:"):
        # A terminal session receiving the monitor log: "Logging to: vty2(1297)".
        current = state.get("current")
        if current is not None and current[0] == "dest":
            current[1].setdefault("sessions", []).append(stripped[11:].strip())
        return True
    if stripped.endswith("Message Discriminator:"):
        kind = "inactive" if stripped.startswith("Inactive") else "active"
        rows = status.setdefault("discriminators", {}).setdefault(kind, [])
        state["current"] = ("discriminator", rows)
        return True
    m = _LOGGING_TO.match(line) if stripped.startswith("Logging to ") else None
    if m:
        host = {"address": m.group("host")}
        if m.group("if"):
            host["interface"] = m.group("if")
        if m.group("vrf"):
            host["vrf"] = m.group("vrf")
        _host_details(host, m.group("rest"))
        status.setdefault("hosts", []).append(host)
        state["current"] = ("host", host)
        return True
    if stripped.startswith("Logging Source-Interface"):
        status.setdefault("source_interfaces", [])
        state["current"] = ("source", None)
        return True
    if stripped.startswith("TLS Profiles"):
        status.setdefault("tls_profiles", {})
        state["current"] = ("tls", None)
        return True
    if stripped.startswith("Facility:"):
        status["facility"] = stripped.split(":", 1)[1].strip()
        return True
    if stripped.startswith("Device ID:"):
        status["device_id"] = stripped.split(":", 1)[1].strip()
        return True
    if stripped.startswith("Exception Logging:"):
        rest = stripped.split(":", 1)[1].strip()
        size = re.search(r"size \((\d{1,12}) bytes\)", rest)
        dest = {"status": "disabled"} if rest.lower().startswith("disabled") else {}
        if size:
            dest["size_bytes"] = int(size.group(1))
        status.setdefault("destinations", {})["exception"] = dest
        state["current"] = None
        return True
    if stripped.startswith("Count and timestamp logging messages:"):
        status["count_and_timestamp"] = stripped.split(":", 1)[1].strip()
        return True
    return False


def _numbers(text: str) -> dict:
    out = {}
    if not (
        "messag" in text or "flushes" in text or "overruns" in text or "bytes" in text
    ):
        # None of _KV_NUM's words.
        return out
    for m in _KV_NUM.finditer(text):
        key = m.group("what").replace(" ", "_").replace("-", "_").lower()
        out[key] = int(m.group("n"))
    return out


def _words(text: str) -> dict:
    out = {}
    for m in _KV_WORD.finditer(text):
        out[m.group("k").replace(" ", "_")] = m.group("v").rstrip(",")
    return out


def _destination(rest: str) -> dict:
    rest = rest.strip()
    low = rest.lower()
    dest: dict = {}
    if low.startswith("disabled"):
        dest["status"] = "disabled"
    elif low.startswith(("enabled", "level", "class")):
        dest["status"] = "enabled"
    else:
        dest["value"] = rest
    dest.update(_numbers(rest))
    dest.update(_words(rest))
    if "url" in dest:
        for key, pattern in (
            ("disk_space_bytes", r"disk space (\d{1,15}) bytes"),
            ("file_size_bytes", r"file size (\d{1,15}) bytes"),
            ("batch_size_bytes", r"batch size (\d{1,15}) bytes"),
            ("threshold_percent", r"threshold capacity (\d{1,3})"),
        ):
            m = re.search(pattern, rest)
            if m:
                dest[key] = int(m.group(1))
        dest.pop("bytes", None)
        options = [
            word
            for word in ("alert", "immediate", "protected", "notify")
            if re.search(rf"\b{word}\b", rest)
        ]
        if options:
            dest["options"] = options
    return dest


_HOST_PORT = re.compile(r"\((?P<proto>udp|tcp|tls) port (?P<port>\d{1,5})")
_HOST_SENT = re.compile(r"\b(?P<proto>UDP|TCP) TX:\s*(?P<tx>\d{1,15})")
_HOST_TLS = re.compile(r"tls-profile:\s*(\S{1,64})")
_HOST_COUNTS = (
    ("errors", re.compile(r"errors:\s*(\d{1,15})")),
    ("dropped", re.compile(r"dropped:\s*(\d{1,15})")),
)


def _host_details(host: dict, text: str) -> None:
    m = _HOST_PORT.search(text)
    if m:
        host["protocol"] = m.group("proto")
        host["port"] = int(m.group("port"))
    m = _HOST_SENT.search(text)
    if m:
        host["protocol"] = m.group("proto").lower()
        host["sent"] = int(m.group("tx"))
    m = _HOST_TLS.search(text)
    if m:
        host["tls_profile"] = m.group(1)
    for key, pattern in _HOST_COUNTS:
        m = pattern.search(text)
        if m:
            host[key] = int(m.group(1))
    host.update(_numbers(text))
    host.update(_words(text))


def _tls_line(profiles: dict, stripped: str, state: dict) -> None:
    key, _, value = stripped.partition(":")
    key = key.strip().lower()
    value = value.strip()
    if key == "profile name":
        profiles[value] = {}
        state["tls_profile"] = value
        return
    profile = profiles.get(state.get("tls_profile", ""))
    if profile is None:
        return
    if key == "ciphersuites":
        profile["ciphersuites"] = value.split()
    elif key:
        profile[key.replace(" ", "_")] = value


def _asdm_record(severity: str, stamp: str, message_id: str, text: str) -> dict:
    """The record of an ASDM row (copied or exported): the ASA message it shows,
    as its `%ASA-n-nnnnnn:` line would give it."""
    record = {
        "timestamp": _share(stamp, stamp),
        "host": None,
        "platform": "asa",
        "facility": "ASA",
        "severity": _SEVERITY[severity],
        "message_id": _share(message_id, message_id),
        "text": text,
    }
    return _with_asa_fields(record)


def _with_asa_fields(record: dict) -> dict:
    """An ASA message's record with the fields its catalogue entry names, or the
    peer of its "IP = " text when the entry names none."""
    entry = syslog_catalog.ASA.get(record["message_id"])
    if entry is not None and entry.fields:
        _asa_fields(record, entry)
    elif "IP = " in record["text"]:
        _peer_fields(record)
    return record
