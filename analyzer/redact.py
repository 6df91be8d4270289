"""Secrets out of pasted text before anything is stored, queued or analyzed.

A paste of a running-config carries enable secrets, user passwords, IKE pre-shared
keys, TACACS+/RADIUS keys and SNMP communities. ``redact`` replaces each secret
VALUE with a labelled marker (``<removed:psk-1>``) and leaves the rest of the line as
the device printed it: the keyword, the type digit, the address or hostname after the
key, the indentation and the line count, so the analysis and the line numbers of
findings are unchanged.

Matching works on words, not on one regular expression per form: each line is split
once into whitespace-separated words, the command's first words pick a rule, and
the rule names the word positions that hold the secret. That keeps the cost linear in
the size of the paste whatever it contains, and makes false positives in show output
and syslog unlikely, because a rule only fires on a line shaped like configuration
(the command at the start of the line, after indentation, a device prompt, pager
debris, mail quoting or a time stamp, or inside a quoted string of a JSON or Python
list), or on a command quoted by a configuration-change syslog message.

Honest by construction: the span a rule names is trimmed of CLI modifiers (type
digits, ``hex``, ``ascii-text``, ``encrypted``, ``md5``, ``aes 128`` ...) and cut before
trailing keywords (``timeout``, ``localizedkey``, ``role`` ...), so a keyword is never
what goes, and the count is the number of values actually replaced. Three safety
nets follow the rules: unmistakable hash formats (``$1$``, ``$5$``, ``$6$``, ``$8$``,
``$9$``, ``$sha512$``) go wherever they stand, credentials inside URLs go, and a line
whose grammar is unknown but that names a secret keyword (``password``, ``secret``,
``pre-shared-key`` ...) in configuration shape is scrubbed from there to its end.

Labels: within one ``Redactor`` (one diagnosis) the same value gets the same label,
numbered per kind in order of appearance. The number comes from an HMAC under a
random key made for that redactor and dropped when it is closed, so nothing stored
lets anyone recover or test a key (a plain hash of a low-entropy PSK would). Cisco
type 7 is decoded and ``hex`` keys read as bytes before the HMAC, so ``7 0822...`` and
its clear text get the same label; hashes and type 5/6/8/9 values make no equality
claim and get the bare kind (``<removed:psk>``).

Values the device already masked (``*****``) and values already redacted stay as
they are, so redacting twice changes nothing.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

# Every removal starts with this; a labelled one reads `<removed:psk-1>`.
MARKER = "<removed>"
MARKED = re.compile(r"<removed(?::[a-z]{1,12}(?:-[0-9]{1,7})?)?>")

# Type digits that may precede a secret: 0 clear text, 5/8/9 hashes, 6 AES, 7 Vigenère.
_TYPES = frozenset({"0", "5", "6", "7", "8", "9"})
# Words that end a clear-text password which may contain spaces.
_USER_TAILS = frozenset(
    {"encrypted", "pbkdf2", "nt-encrypted", "privilege", "mschap", "view"}
)
_ENABLE_TAILS = frozenset({"encrypted", "pbkdf2", "level"})
_ISAKMP_TAILS = frozenset({"address", "hostname"})
_COMMUNITY_TAILS = frozenset({"view", "ro", "rw", "ipv6"})
_REST = "to the end of the line"  # a sentinel for _value's ``tails``

# Words that look at most this far into one line: configuration is never longer, and
# it bounds the work on a hostile line of a megabyte of `key key key`.
_MAX_WORDS = 256

_ANSI = re.compile(r"\x1b\[[0-9;?]{0,32}[A-Za-z]")
_CONTROLS = {c: " " for c in (*range(0, 9), *range(10, 32), 127)}
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")
_PIECE = re.compile(r"[^\r]+")


def _alternation(words) -> str:
    """A regex matching any of ``words``, written as a trie: Python's engine then
    tests one branch per position instead of every word."""
    tree: dict = {}
    for word in words:
        node = tree
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def walk(node) -> str:
        ends = "" in node
        branches = [re.escape(c) + walk(node[c]) for c in sorted(node) if c]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if ends else body

    return walk(tree)


# A line holds a secret only if it has one of these (or sits in a key table).
_HOT = re.compile(
    _alternation(
        [
            *"""
            pass secret key pw psk snmp community aaa-server authentication command
            executed cmd= # > ] syscon chap cipher $ :// eap xauth ntlm shared -aq==
            """.split(),
            "ipsec spi",
        ]
    )
)
# The nets (hashes, URLs, key=value, the keyword scrub) fire only on these: one
# pattern on a short line, substring tests (faster per character) on a long one.
_NET_WORDS = tuple(
    "$ :// secret password passphrase psk eap xauth ntlm shared key-string -aq==".split()
)
_NET_HOT = re.compile(_alternation(_NET_WORDS))
_WORD = re.compile(r"\S+")

# What may stand between a keyword and its value and is never the value itself.
_TYPE_DIGITS = frozenset(str(n) for n in range(11))
_MODIFIERS = frozenset(
    """
    hex hexadecimal ascii ascii-text encrypted clear cleartext unencrypted text
    md5 sha sha1 sha-1 sha256 sha-256 sha384 sha512 des des56 3des aes aes128 aes192
    aes256 aes-128 aes-192 aes-256 aes-cbc enc hmac-sha-256 hmac-sha-1 hmac-md5
    """.split()
)
_AES = frozenset({"aes", "aes-cbc"})
_AES_BITS = frozenset({"128", "192", "256"})
# Words that follow a value and are never part of it.
_TRAILING = frozenset(
    """
    localizedkey engineid role timeout key-id authentication accounting privilege
    encrypted pbkdf2 nt-encrypted mschap auth-port acct-port retransmit realm
    priv hash authenticate level-1 level-2
    """.split()
)
_HASHED_TAILS = frozenset({"encrypted", "pbkdf2", "nt-encrypted", "localizedkey"})
_ENCRYPTED_WORDS = frozenset({"encrypted", "enc"})
_PSK_WORDS = frozenset(
    {"pre-shared-key", "pre-share", "psksecret", "psk", "wpa-psk", "pre_shared_key"}
)
# Hash formats no one mistakes: removed wherever they stand, prose and JSON too.
# PAN-OS writes its encrypted secrets `-AQ==...`, as unmistakable.
_HASH_ANYWHERE = re.compile(
    r"\$(?:1|5|6|8|9|sha512)\$[A-Za-z0-9./+=$_-]{4,600}|-AQ==[A-Za-z0-9+/=]{8,600}"
)
_HASHED = re.compile(r"\$(?:1|5|6|8|9|sha512)\$\S*|-AQ==\S*")
_URL_CREDENTIAL = re.compile(
    r"\b[a-z][a-z0-9+.-]{0,15}://[^\s/:@\"'<>]{1,64}:([^\s/@\"'<>]{1,128})@",
    re.IGNORECASE,
)
_KEY_VALUES = (
    # MikroTik `secret=X`, `wpa2-pre-shared-key="X"`.
    (
        re.compile(
            r"(?<![\w-])(?P<name>secret|password|passphrase|psk|wpa2?-pre-shared-key"
            r"|pre-shared-key)=(?P<value>\"[^\"]{0,500}\"|[^\s\"]{1,500})"
        ),
        ("=",),
    ),
    # strongSwan ipsec.secrets and libreswan: `ID ID : PSK "X"`.
    (
        re.compile(
            r"^[ \t]*(?:[^\s\"]{1,200}[ \t]+){0,8}?[^\s\"]{0,200}[ \t]*:[ \t]*"
            r"(?P<name>PSK|EAP|XAUTH|NTLM)[ \t]+(?P<value>\"[^\"]{0,500}\"|\S{1,500})"
            r"[ \t]*$"
        ),
        ("PSK", "EAP", "XAUTH", "NTLM"),
    ),
    # swanctl.conf `secret = X`.
    (
        re.compile(r"^[ \t]*(?P<name>secret)[ \t]*=[ \t]*(?P<value>\S(?:.{0,500}\S)?)"),
        ("=",),
    ),
    # AWS configuration downloads: `<pre_shared_key>X</pre_shared_key>`.
    (
        re.compile(
            r"<(?P<name>pre_shared_key|psk|password|secret|shared_secret)>"
            r"(?P<value>[^<]{1,500})</"
        ),
        ("</",),
    ),
    # Azure and other JSON: `"PreSharedKey": "X"`, `"sharedKey": "X"`.
    (
        re.compile(
            r"\"(?P<name>PreSharedKey|preSharedKey|SharedKey|sharedKey|pre_shared_key"
            r"|psk|password|secret|passphrase)\"[ \t]*:[ \t]*"
            r"(?P<value>\"(?:[^\"\\\n]|\\.){1,500}\")"
        ),
        ('":', '" :'),
    ),
)
_JSON_VALUE = re.compile(r"\"value\"[ \t]*:[ \t]*\"((?:[^\"\\\n]|\\.){1,500})\"")
# The last net: a secret keyword in a line shaped like configuration.
_SCRUB = re.compile(
    r"(?<![\w-])(secret|password|psk|shared-secret|key-string|pre-shared-key)(?![\w-])"
)
_CONFIG_SHAPE = re.compile(
    r"[ \t]*(?:\S{0,100}[#>] ?)?(?:[a-z][\w.:/-]{0,100}[ \t]+(?:[\w.:/\"-]{1,100}[ \t]+){0,7})?"
)
_SCRUB_STOP = frozenset(
    """
    recovery encryption logging policy prompt change expired required management reset
    is was for of the and or to none default
    """.split()
)
# Wrappers in front of a configuration line: mail quoting, a session log's time.
_WRAPPER = re.compile(
    r"(?:> ?)+|[ \t]*\[(?:\d{4}-\d\d-\d\d[ T])?\d{1,2}:\d\d:\d\d(?:[.,]\d{1,6})?\][ \t]*"
    r"|\([^()\n]{1,60}\) ?> ?"  # the WLC prompt: (Cisco Controller) >
)
# An escape pair or a quote: quotes pair up left to right, each kind on its own, in
# one pass (a pattern for "a quoted string" would rescan from every quote).
_QUOTE_TOKEN = re.compile(r"\\.|[\"']")
_PAGER = re.compile(
    r"[ \t]*(?:<-+ {0,8}More {0,8}-+>|-- {0,8}More {0,8}--(?: {0,8}\(\d{1,3}%\))?)",
    re.IGNORECASE,
)
# What may stand before a configuration line: pager debris or a wrapper.
_DEBRIS = re.compile(f"(?i:{_PAGER.pattern})|{_WRAPPER.pattern}")
_PROMPT_NAME = re.compile(r"[a-z0-9_][\w.\-/:@~()+]{0,100}")
_PROMPT_MODE = re.compile(r"\((config[^()]{0,40})\)$")
# Configuration-change syslogs that quote the command typed (IOS config logger, ASA
# 111008/111010): the command inside is redacted like a configuration line.
_QUOTED_COMMANDS = (
    ("logged command:", None),
    (" executed the '", "' command"),
    (" executed '", "'"),
    # TACACS+ accounting records: "... priv-lvl=15 cmd=enable secret 5 X <cr>".
    ("cmd=", None),
)
# Keywords an engineer abbreviates at a prompt (`ena sec`, `cry isa key`, `snmp comm`);
# a typed word that starts exactly one of them is read as that keyword.
_KEYWORDS = (
    "address",
    "auth",
    "authentication",
    "authentication-key",
    "community",
    "crypto",
    "enable",
    "host",
    "hostname",
    "ikev1",
    "ikev2",
    "informs",
    "isakmp",
    "key",
    "key-string",
    "ldap-login-password",
    "level",
    "local",
    "local-authentication",
    "message-digest-key",
    "neighbor",
    "ntp",
    "password",
    "pre-share",
    "pre-shared-key",
    "priv",
    "privilege",
    "radius-server",
    "remote",
    "remote-authentication",
    "secret",
    "server",
    "server-key",
    "snmp-server",
    "tacacs-server",
    "traps",
    "user",
    "username",
    "version",
)
_KEYWORD_SET = frozenset(_KEYWORDS)
# Every prefix of three or more letters that starts exactly one keyword.
_PREFIXES: dict[str, list[str]] = {}
for _keyword in _KEYWORDS:
    for _end in range(3, len(_keyword)):
        _PREFIXES.setdefault(_keyword[:_end], []).append(_keyword)
_ABBREVIATIONS = {p: ks[0] for p, ks in _PREFIXES.items() if len(ks) == 1}


_NO_TABLE, _TABLE_HEADER, _TABLE_ROWS = 0, 1, 2


@dataclass
class _State:
    # What the last top-level configuration line opened: "line" (line con/vty),
    # "keyed" (TACACS+/RADIUS/AAA server or an Easy VPN group, where `key X` is a
    # secret), "keychain" (where `key 1` is a key id), "other", or None.
    block: str | None = None
    # Where in the table `show crypto isakmp key` prints (keys in clear text).
    psk_table: int = 0
    # Whether a rule knew the current line (its value may have been masked already).
    known: bool = False
    # Whether the current line holds a word that may introduce a secret.
    hot: bool = False
    # After `"id": ".../sharedkey"` (az network vpn-connection shared-key show) the
    # JSON `"value"` of the next line is the key.
    shared_key_value: bool = False


def label_in(words) -> str | None:
    """The label of the first labelled removal among ``words`` (`psk-1` for
    `<removed:psk-1>`), None when there is none or it claims no equality."""
    for word in words:
        m = _LABELLED.search(word)
        if m:
            return m.group(1)
    return None


_LABELLED = re.compile(r"<removed:([a-z]{1,12}-[0-9]{1,7})>")


def redact(text: str) -> str:
    """``text`` with every recognised secret value replaced by a labelled marker."""
    return redact_with_count(text)[0]


def redact_with_count(text: str) -> tuple[str, int]:
    """The redacted text and how many secret values were replaced."""
    with Redactor() as redactor:
        return redactor.redact_with_count(text)


class Redactor:
    """Redaction for one diagnosis: labels agree across every text it redacts
    (title and paste), and its HMAC key lives only until ``close``."""

    def __init__(self):
        self._key = secrets.token_bytes(32)
        self._numbers: dict[str, dict[bytes, int]] = {}

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self) -> None:
        """Forget the key and the digests: labels can no longer be matched."""
        self._key = b""
        self._numbers = {}

    def redact(self, text: str) -> str:
        return self.redact_with_count(text)[0]

    def redact_with_count(self, text: str) -> tuple[str, int]:
        if not self._key:
            raise RuntimeError("this redactor is closed")
        # Lines end as the engine counts them: at LF, or at CR in a paste with no LF.
        sep = "\r" if "\n" not in text and "\r" in text else "\n"
        state = _State()
        out: list[str] = []
        count = 0
        for line in text.split(sep):
            spans = _line_spans(line, state)
            if not spans:
                out.append(line)
                continue
            parts: list[str] = []
            pos = 0
            for a, b, kind, scheme in sorted(spans):
                if a < pos or a >= b:
                    continue
                parts.append(line[pos:a])
                parts.append(self._marker(kind, scheme, line[a:b]))
                pos = b
                count += 1
            parts.append(line[pos:])
            out.append("".join(parts))
        return sep.join(out), count

    def _marker(self, kind: str, scheme: str, value: str) -> str:
        data = _comparable(scheme, value)
        if data is None:
            return f"<removed:{kind}>"
        digest = hmac.digest(self._key, data, hashlib.sha256)
        numbers = self._numbers.setdefault(kind, {})
        number = numbers.setdefault(digest, len(numbers) + 1)
        return f"<removed:{kind}-{number}>"


# Cisco type 7 is a fixed XOR, not encryption: decoding it lets `7 0822...` and the
# clear text it stands for get the same label.
_XLAT = b"dsfd;kfoA,.iyewrkldJKDHSUBsgvca69834ncxv9873254k;fg87"
_HEX = frozenset("0123456789abcdefABCDEF")


def _type7(value: str) -> bytes | None:
    if len(value) < 4 or len(value) % 2 or not value[:2].isdecimal():
        return None
    if not all(c in _HEX for c in value[2:]):
        return None
    seed = int(value[:2])
    out = bytearray()
    for i in range(2, len(value), 2):
        out.append(int(value[i : i + 2], 16) ^ _XLAT[(seed + i // 2 - 1) % len(_XLAT)])
    return bytes(out)


def _comparable(scheme: str, value: str) -> bytes | None:
    """The bytes a value stands for, or None when equality cannot be claimed."""
    if _HASHED.fullmatch(value):
        return None
    if scheme == "clear":
        if value[:2] == "0x" and len(value) > 2 and all(c in _HEX for c in value[2:]):
            return bytes.fromhex(value[2:]) if len(value) % 2 == 0 else None
        if value[:2] == "0s" and len(value) > 2:  # strongSwan base64
            try:
                return base64.b64decode(value[2:], validate=True)
            except ValueError:
                return None
        return value.encode("utf-8", "surrogatepass")
    if scheme == "7":
        return _type7(value)
    if scheme == "hex":
        try:
            return bytes.fromhex(value)
        except ValueError:
            return None
    return None


def _view(piece: str) -> str:
    """The piece with escape codes and control bytes as spaces, offsets unchanged."""
    if "\x1b" in piece:
        piece = _ANSI.sub(lambda m: " " * len(m.group()), piece)
    if not piece.isprintable() and _CONTROL.search(piece):
        piece = piece.translate(_CONTROLS)
    return piece


def _words(view: str, start: int, end: int) -> tuple[list[tuple[int, int]], bool]:
    """Word offsets in view[start:end], at most _MAX_WORDS; True when cut short."""
    spans: list[tuple[int, int]] = []
    for m in _WORD.finditer(view, start, end):
        if len(spans) == _MAX_WORDS:
            return spans, True
        spans.append(m.span())
    return spans, False


# IKE debugs that print the key they use: "IKEv2-PLAT-4: (215): Pre-shared key:
# X", "ISAKMP: (0): Pre-shared key: X", "PSK retrieved for peer 203.0.113.5: X",
# "ISAKMP:(0):psk for 10.1.1.1 : X", "... secret = X". The value runs to the end of
# the line (a key may hold spaces).
_DEBUG_KEY = re.compile(
    r"(?:pre-?shared[ -]key|preshared key|shared secret|\bpsk"
    r"(?: retrieved| found)?(?: for(?: peer)? [\w.:\[\]-]{1,64}?)?|\bsecret|\bkey string)"
    r" ?[:=] ?(?P<value>\S.*?)\s*$",
    re.IGNORECASE,
)
_DEBUG_MARKS = ("IKE", "ISAKMP", "PSK", "psk", "Pre-shared", "pre-shared", "Preshared")


def _debug_key_spans(line: str) -> list[tuple[int, int, str, str]]:
    # A line redacted already is not read again (redacting twice changes nothing).
    if not any(mark in line for mark in _DEBUG_MARKS) or MARKED.search(line):
        return []
    m = _DEBUG_KEY.search(line)
    if m is None or MARKED.search(m.group("value")) or _masked_value(m.group("value")):
        return []
    return [(m.start("value"), m.end("value"), "psk", "clear")]


def _line_spans(line: str, state: _State) -> list[tuple[int, int, str, str]]:
    """Character spans ``(start, end, kind, scheme)`` of the secrets in one line."""
    if not state.shared_key_value:
        spans = _spans_of(line, state)
    else:
        spans = _shared_key_spans(line, state)
    if state.hot and not spans and len(line) < 2048:
        return _debug_key_spans(line)
    return spans


def _shared_key_spans(line: str, state: _State) -> list[tuple[int, int, str, str]]:
    # The line right after `"id": ".../sharedkey"` holds the key as `"value"`.
    state.shared_key_value = False
    value = []
    if '"value"' in line and not MARKED.search(line):
        m = _JSON_VALUE.search(line)
        if m and not _masked_value(m.group(1)):
            value = [(m.start(1), m.end(1), "psk", "clear")]
    spans = _spans_of(line, state)
    if not value:
        return spans
    out, end = [], -1
    for span in sorted(value + spans):
        if span[0] >= end:
            out.append(span)
            end = span[1]
    return out


def _spans_of(line: str, state: _State) -> list[tuple[int, int, str, str]]:
    if not line or line.isspace():
        if state.psk_table == _TABLE_ROWS:
            state.psk_table = _NO_TABLE  # a blank line after the rows ends the table
        return []
    state.known = False
    low = line.lower()
    state.hot = _HOT.search(low) is not None
    cr = "\r" in line
    if not state.hot and not state.psk_table and not cr and "\x1b" not in line:
        if line[0] not in " \t":  # nothing here can hold a secret; a header may
            _update_block(state, low[:200].split(None, 4))
        return []
    if state.hot and '/sharedkey"' in low:  # "shared" made the line hot
        state.shared_key_value = True
    # A pager overwrites itself with CR: every piece is checked, the last one that
    # says something is the line the terminal showed and sets the context.
    if cr:
        pieces = [m.span() for m in _PIECE.finditer(line) if not m.group().isspace()]
    else:
        pieces = [(0, len(line))]
    spans: list[tuple[int, int, str, str]] = []
    for index, (start, end) in enumerate(pieces):
        last = index == len(pieces) - 1
        spans.extend(_piece_spans(line, start, end, state, last, len(pieces) == 1))
    if not spans and not state.known and ('"' in line or "'" in line):
        spans = _wrapped_spans(line, state)
    if not state.hot:
        return spans
    if spans or state.known:  # a rule read the line: only the anywhere-nets
        if "$" not in line and "://" not in line and "-AQ==" not in line:
            return spans
    elif not (
        _NET_HOT.search(low) if len(low) < 512 else any(w in low for w in _NET_WORDS)
    ):
        return spans
    return _nets(line, spans, state.known)


def _piece_spans(
    line: str, start: int, end: int, state: _State, last: bool, whole: bool = False
) -> list[tuple[int, int, str, str]]:
    view = _view(line[start:end])
    pos = 0
    debris = False
    for _ in range(3):
        m = _DEBRIS.match(view, pos)
        if not m or m.end() == pos:
            break
        pos = m.end()
        debris = True
    indented = view[pos : pos + 1] in (" ", "\t") if debris else view[0] in " \t"
    if not whole and not state.psk_table and not _HOT.search(view.lower()):
        # Nothing here can hold a secret; only a block header matters.
        if last and not indented and not debris:
            _update_block(state, view[pos : pos + 200].lower().split(None, 4))
        return []
    # Words first (cheap); their offsets only for a line that holds a secret.
    words = view[pos:].lower().split(None, _MAX_WORDS)
    if not words:
        return []
    if len(words) > _MAX_WORDS:
        words.pop()
    trim = 0  # characters of the first word that were a prompt

    mode = None
    prompted = False
    if not indented:
        first = words[0]
        marks = [k for k in (first.find("#"), first.find(">")) if k > 0]
        if marks:
            k = min(marks)
            if _PROMPT_NAME.fullmatch(first[:k]):
                prompted = True
                m = _PROMPT_MODE.search(first[:k])
                mode = m.group(1) if m else None
                trim = k + 1
                if k + 1 < len(first):
                    words[0] = first[k + 1 :]
                else:
                    words.pop(0)
                    trim = -1
    if prompted:
        state.psk_table = _NO_TABLE
    if not words:
        return []

    if prompted:
        block = _mode_block(mode)
    else:
        if last and not indented and not debris:
            _update_block(state, words)
        block = state.block

    if last:
        if _is_psk_table_header(words):
            state.psk_table = _TABLE_HEADER
            return []
        if state.psk_table:
            # A row: keyring, then an address or a host name (dot-less too), then
            # the key; a line of another shape ends the table.
            if len(words) >= 3 and _is_psk_row(words):
                state.psk_table = _TABLE_ROWS
                offsets, cut = _offsets(view, pos, trim, words)
                return _to_chars(
                    line, start, view, offsets, words, cut, [(2, None)], kind="psk"
                )
            state.psk_table = _NO_TABLE

    if prompted:
        words = _expand_abbreviations(words)
    found = _rules(words, block, indented or prompted, embedded=False)
    if found:
        state.known = True
        offsets, cut = _offsets(view, pos, trim, words)
        if len(offsets) != len(words):  # a space str.split and \S read apart
            return []
        return _to_chars(line, start, view, offsets, words, cut, found)
    return _quoted_command_spans(line, start, view, state)


def _offsets(view: str, pos: int, trim: int, words: list[str]):
    """The offsets of ``words`` in ``view``: the prompt trimmed off the first."""
    offsets, cut = _words(view, pos, len(view))
    if trim < 0:
        offsets.pop(0)
    elif trim and offsets:
        a, b = offsets[0]
        offsets[0] = (a + trim, b)
    return offsets, cut


def _is_psk_row(words: list[str]) -> bool:
    # The prompt of the next command, a syslog or a show header is not a row.
    return not any(c in words[0] for c in "#%:*") and not words[0].startswith("show")


def _wrapped_spans(line: str, state: _State) -> list[tuple[int, int, str, str]]:
    """Config lines inside quoted strings: Ansible ``stdout_lines``, a Python list,
    JSON ``"stdout"`` with ``\\n`` between lines."""
    out: list[tuple[int, int, str, str]] = []
    # Inside the string an escaped quote is a quote: `\\"` reads as ` "`, offsets
    # unchanged, so the quoted values of the inner line are found as they stand.
    shadow = line.replace('\\"', ' "') if '\\"' in line else line
    for begin, finish in _quoted_segments(line):
        if finish - begin < 4:
            continue
        inner = _State(block=state.block)
        pos = begin
        while pos < finish:
            k = line.find("\\n", pos, finish)
            stop = finish if k < 0 else k
            piece = line[pos:stop]
            if piece.startswith("\\r"):
                pos += 2
                piece = piece[2:]
            if piece.endswith("\\r"):
                stop -= 2
            if stop > pos and not piece.isspace():
                inner.known = False
                found = _piece_spans(shadow, pos, stop, inner, True)
                if not found:
                    # The nets read the string's text unescaped (JSON quoted in
                    # JSON: `\\"SharedKey\\": \\"X\\"`), mapped back to the line.
                    segment, where = _unescaped(line, pos, stop)
                    inner.hot = _HOT.search(segment.lower()) is not None
                    if inner.hot:
                        found = [
                            (where[a], where[b - 1] + 1, kind, scheme)
                            for a, b, kind, scheme in _nets(segment, [], inner.known)
                            if b > a
                        ]
                for a, b, kind, scheme in found:
                    if b - a > 1 and line[b - 1 : b + 1] == '\\"':
                        b -= 1  # the escape of the closing quote stays
                    out.append((a, b, kind, scheme))
            pos = stop + 2 if k >= 0 else finish
    return out


def _body(line: str) -> tuple[int, int]:
    """Where the text a terminal showed starts (after the last CR overwrite, pager
    debris, mail quoting or a time stamp) and ends (before a CRLF's CR)."""
    hi = len(line.rstrip("\r"))
    lo = line.rfind("\r", 0, hi) + 1
    for _ in range(3):
        m = _PAGER.match(line, lo, hi) or _WRAPPER.match(line, lo, hi)
        if not m or m.end() == lo:
            break
        lo = m.end()
    return lo, hi


_ESCAPED = re.compile(r"\\([\"'\\/])")


def _unescaped(line: str, begin: int, end: int) -> tuple[str, list[int]]:
    """line[begin:end] with `\\"`, `\\'`, `\\\\` and `\\/` unescaped, and where each of
    its characters stands in ``line``."""
    parts: list[str] = []
    where: list[int] = []
    pos = begin
    for m in _ESCAPED.finditer(line, begin, end):
        parts.append(line[pos : m.start()])
        where.extend(range(pos, m.start()))
        parts.append(m.group(1))
        where.append(m.start() + 1)
        pos = m.end()
    parts.append(line[pos:end])
    where.extend(range(pos, end))
    return "".join(parts), where


def _quoted_segments(line: str):
    """``(begin, end)`` inside each pair of unescaped quotes of one kind."""
    opened: dict[str, int] = {}
    for m in _QUOTE_TOKEN.finditer(line):
        quote = m.group()
        if len(quote) == 2:
            continue
        begin = opened.pop(quote, None)
        if begin is None:
            opened[quote] = m.end()
        else:
            yield begin, m.start()


def _nets(line: str, spans: list, known: bool) -> list[tuple[int, int, str, str]]:
    """The safety nets: hash formats, URL credentials, key=value and JSON/XML keys
    anywhere, and the keyword scrub of a line whose grammar is unknown."""
    extra = []
    if "$" in line or "-AQ==" in line:
        for m in _HASH_ANYWHERE.finditer(line):
            extra.append((m.start(), m.end(), "hash", "none"))
    if "://" in line:
        for m in _URL_CREDENTIAL.finditer(line):
            if not _masked_value(m.group(1)):
                extra.append((m.start(1), m.end(1), "secret", "clear"))
    lo, hi = _body(line)
    body = line[lo:hi] if lo or hi < len(line) else line
    # A line redacted already (a marker in it) is not read again: the patterns
    # count words, and a marker may stand for several.
    if ("=" in body or ":" in body or "<" in body) and not MARKED.search(body):
        for m in _key_values(body):
            value = m.group("value")
            a, b = m.span("value")
            a, b = a + lo, b + lo
            if value[:1] in "\"'" and len(value) >= 2 and value[-1] == value[0]:
                a, b, value = a + 1, b - 1, value[1:-1]
            if value and not _masked_value(value):
                kind = _kv_kind(m.group("name"))
                extra.append((a, b, kind, "clear"))
    if not spans and not known:
        extra += [(a + lo, b + lo, k, c) for a, b, k, c in _keyword_scrub(body)]
    if not extra:
        return spans
    # At one start the longer span wins: a rule's whole value over a hash in it.
    merged = sorted(spans + extra, key=lambda span: (span[0], -span[1]))
    out = []
    end = -1
    for span in merged:
        if span[0] >= end:
            out.append(span)
            end = span[1]
    return out


def _update_block(state: _State, words: list[str]) -> None:
    """A flush-left line opens a block, closes one, or (a sub-command whose
    indentation the paste lost) stays in the current one."""
    if not words:
        return
    kind = _classify(words)
    if kind is not None:
        state.block = kind
    elif words[0] not in _SUB_WORDS or any(w.endswith(":") for w in words[:3]):
        state.block = None


def _quoted_command_spans(line: str, start: int, view: str, state: _State) -> list:
    for opener, closer in _QUOTED_COMMANDS:
        k = view.find(opener)
        if k < 0:
            continue
        begin = k + len(opener)
        finish = len(view)
        if closer is not None:
            finish = view.rfind(closer)
            if finish < begin:
                continue
        offsets, cut = _words(view, begin, finish)
        if offsets and view[offsets[-1][0] : offsets[-1][1]] == "<cr>":
            offsets.pop()  # the end-of-command mark of accounting records
            finish = offsets[-1][1] if offsets else begin
        if not offsets:
            continue
        words = _expand_abbreviations([view[a:b].lower() for a, b in offsets])
        found = _rules(words, None, False, embedded=True)
        if found:
            state.known = True
            return _to_chars(line, start, view, offsets, words, cut, found, finish)
    return []


def _expand_abbreviations(words: list[str]) -> list[str]:
    """Typed words with unambiguous keyword abbreviations written out."""
    out = list(words)
    for i, word in enumerate(out[:12]):
        if len(word) < 3 or word in _KEYWORD_SET:
            continue
        full = _ABBREVIATIONS.get(word)
        if full is not None:
            out[i] = full
    if out and out[0] == "user":  # `user bob pass X` is the username command
        out[0] = "username"
    return out


def _to_chars(line, start, view, offsets, words, cut, found, finish=None, kind=None):
    """Word-index spans -> character spans ``(a, b, kind, scheme)`` of ``line``,
    trimmed of modifiers and trailing keywords, skipping masked values."""
    if finish is None:
        finish = len(view.rstrip())
    if kind is None:
        kind = _kind(words)
    out = []
    for i, j in found:
        i, j = _honest(words, i, j)
        if i is None:
            continue
        a = start + offsets[i][0]
        if j is None:
            b = start + (finish if cut else offsets[-1][1])
        else:
            b = start + offsets[j - 1][1]
        a, b = _unquote(line, a, b, start + len(view))
        if kind == "community" and words[1:3] == ["mib", "community-map"]:
            colon = line.find(":", a, b)  # community-map NAME:INDEX
            b = colon if colon > a else b
        value = line[a:b]
        if not value.strip(" \t\"'\\"):
            continue  # nothing but quotes: no value
        if _is_masked(value.split(None, 1)[0]) or _masked_value(value):
            continue  # masked, or redacted already (a marker where the value starts)
        out.append((a, b, kind, _scheme(words, i, j)))
    return out


def _unquote(line: str, a: int, b: int, limit: int) -> tuple[int, int]:
    """A value in quotes (`"X"`, `'X'`, or `\\"X\\"` inside JSON) is what stands
    between them, spaces and all; the quotes stay."""
    quote = line[a]
    if quote == "\\" and line[a + 1 : a + 2] in ('"', "'"):
        quote = line[a : a + 2]
    elif quote not in "\"'":
        return a, b
    close = line.find(quote, a + len(quote), limit)
    if close < 0:
        return a, b
    return a + len(quote), close


def _honest(words, i, j):
    """The span ``(i, j)`` without leading modifiers or trailing keywords, or
    ``(None, None)`` when nothing but keywords is left."""
    n = len(words)
    while i + 1 < n:
        w = words[i]
        if w in _AES and words[i + 1] in _AES_BITS and i + 2 < n:
            i += 2
        elif (w in _MODIFIERS or w in _TYPE_DIGITS) and (
            words[i + 1] not in _TRAILING or words[i + 1] in _MODIFIERS
        ):
            i += 1
        else:
            break
    if i >= n or words[i] in _MODIFIERS or words[i] in _TRAILING:
        return None, None
    end = n if j is None else max(j, i + 1)
    for k in range(i + 1, end):
        if words[k] in _TRAILING:
            return i, k
    return i, j if j is None else end


def _scheme(words, i, j):
    """How the value at word ``i`` is written: "clear", "7", "hex" or "none"."""
    before = words[i - 1] if i > 0 else ""
    after = words[j] if j is not None and j < len(words) else ""
    if after in _HASHED_TAILS or "localizedkey" in words[i:]:
        return "none"
    if before == "7":
        return "7"
    if before in ("hex", "hexadecimal"):
        return "hex"
    if before in _TYPE_DIGITS and before != "0" or before in _ENCRYPTED_WORDS:
        return "none"
    return "clear"


def _kind(words) -> str:
    first = words[0] if words else ""
    if first in ("snmp-server", "community", "snmp", "rf-switch") and (
        "user" not in words[1:2]
    ):
        return "community"
    if first == "set" and words[1:2] == ["community"]:
        return "community"
    if first in ("crypto", "isakmp") and "key" in words[1:4]:
        return "psk"
    if any(w in _PSK_WORDS for w in words[:8]):
        return "psk"
    return "secret"


def _masked_value(value: str) -> bool:
    return all(_is_masked(word) for word in value.split())


def _is_masked(word: str) -> bool:
    if word and "*" not in word and "<" not in word:
        return False  # the common case, decided without a copy
    word = word.strip("\"';,\\")
    return not word.strip("*") or MARKED.fullmatch(word) is not None


def _key_values(line: str):
    for pattern, hints in _KEY_VALUES:
        if any(hint in line for hint in hints):
            yield from pattern.finditer(line)


def _kv_kind(name: str) -> str:
    name = name.lower()
    if "psk" in name or "shared" in name or name == "secret":
        return "psk"
    return "secret"


def _keyword_scrub(line: str) -> list[tuple[int, int, str, str]]:
    """From a secret keyword to the end of a configuration-shaped line whose
    grammar no rule knows: `foo bar password X`, `cable shared-secret X`."""
    m = _SCRUB.search(line)
    if not m or line[m.end() : m.end() + 1] not in (" ", "\t"):
        return []
    if not _CONFIG_SHAPE.fullmatch(line, 0, m.start()):
        return []
    offsets, cut = _words(line, m.end(), len(line))
    if not offsets or cut:
        return []
    words = [line[a:b].lower() for a, b in offsets]
    i, j = _honest(words, 0, None)
    if i is None:
        return []
    first = words[i]
    if first in _SCRUB_STOP or first[0] in "-=:(<" or first.endswith(":"):
        return []
    if any(_is_masked(w) for w in words) or MARKED.search(line):
        return []  # redacted already, in part or whole
    end = offsets[-1][1] if j is None else offsets[j - 1][1]
    a, b = _unquote(line, offsets[i][0], end, len(line))
    if _masked_value(line[a:b]):
        return []
    kind = (
        "psk" if m.group(1) in ("psk", "pre-shared-key", "shared-secret") else "secret"
    )
    before = words[i - 1] if i else ""
    scheme = "7" if before == "7" else "none" if before not in ("", "0") else "clear"
    return [(a, b, kind, scheme)]


# Lines that may sit flush left under a block when indentation was lost in the paste;
# they keep the block the previous header opened.
_SUB_WORDS = frozenset(
    {
        "password",
        "secret",
        "key",
        "server-key",
        "pac",
        "key-string",
        "ldap-login-password",
        "radius-common-pw",
        "pre-shared-key",
        "ikev1",
        "ikev2",
        "authentication",
        "login",
        "transport",
        "exec-timeout",
        "address",
        "timeout",
        "client",
        "server-private",
    }
)


def _classify(words: list[str]) -> str | None:
    """The block a top-level configuration line opens, None if it opens none."""
    first = words[0]
    n = len(words)
    if first == "line" and n >= 2:
        return "line"
    if first == "key" and n >= 2 and words[1] == "chain":
        return "keychain"
    if first in ("tacacs", "radius") and n >= 2 and words[1] == "server":
        return "keyed"
    if first in ("tacacs-server", "radius-server") and n >= 2 and words[1] == "host":
        return "keyed"  # IOS XR puts the key on the lines below the host
    if first == "aaa-server":
        return "keyed"
    if first == "aaa" and n >= 2 and words[1] in ("server", "group"):
        return "keyed"
    if first == "crypto" and words[1:4] == ["isakmp", "client", "configuration"]:
        return "keyed"
    if first in _SUB_WORDS or first == "no":
        return None
    return "other"


def _mode_block(mode: str | None) -> str | None:
    """The block a configuration prompt's mode stands for: `R1(config-line)#`."""
    if not mode or mode == "config":
        return None
    if mode == "config-line":
        return "line"
    if mode.startswith("config-keychain"):
        return "keychain"
    if mode.startswith(
        ("config-server-", "config-aaa-server", "config-sg-", "config-locsvr")
    ) or mode in ("config-isakmp-group", "config-radius-server"):
        return "keyed"
    return "other"


def _is_psk_table_header(words: list[str]) -> bool:
    return (
        len(words) >= 3
        and words[0] == "keyring"
        and "preshared" in words
        and words[-1] == "key"
    )


def _value(words, i, types=_TYPES, tails=None):
    """The span of a secret starting at word ``i``: an optional type digit, then the
    value. ``tails=None``: one word. ``tails=_REST``: to the end of the line. A set:
    up to the first of those words (a clear-text password may hold spaces)."""
    n = len(words)
    if i >= n:
        return None
    if (
        words[i] in types
        and i + 1 < n
        and (tails is None or tails is _REST or words[i + 1] not in tails)
    ):
        i += 1
    if tails is None:
        return (i, i + 1)
    if tails is _REST:
        return (i, None)
    j = i + 1
    while j < n and words[j] not in tails:
        j += 1
    return (i, None if j == n else j)


def _after(words, word, start=1):
    """Index of the first ``word`` at or after ``start``, or -1."""
    for i in range(start, len(words)):
        if words[i] == word:
            return i
    return -1


def _psk(words, i):
    """`pre-shared-key` followed by its IKEv1 keyring, IKEv2 keyring or ASA form."""
    n = len(words)
    if i >= n:
        return None
    if words[i] in ("address", "hostname"):
        k = _after(words, "key", i + 1)
        return _value(words, k + 1, tails=_REST) if k > 0 else None
    if words[i] in ("local", "remote"):
        i += 1
    return _value(words, i, tails=_REST)  # a key may hold spaces


def _rules(words: list[str], block: str | None, nested: bool, embedded: bool):
    """Word-index spans ``(first, end or None)`` of the secrets in one command."""
    shift = 1 if words[0] == "no" and len(words) > 1 else 0
    w = words[shift:] if shift else words
    spans = [s for s in _command_rules(w, block, nested, embedded) if s is not None]
    if shift:
        spans = [(a + shift, None if b is None else b + shift) for a, b in spans]
    return spans


def _command_rules(w, block, nested, embedded):
    n = len(w)
    first = w[0]
    second = w[1] if n > 1 else ""

    if first == "enable":
        i = 2
        if second == "algorithm-type" and n > 3:
            second, i = w[3], 4
        if second in ("password", "secret"):
            if i + 2 < n and w[i] == "level":
                i += 2
            return [_value(w, i, tails=_ENABLE_TAILS)]
        return []

    if first == "username":
        for i in range(2, n):
            if w[i] in ("password", "secret"):
                return [_value(w, i + 1, tails=_USER_TAILS)]
        return []

    if first == "passwd":
        return [_value(w, 1, tails=frozenset({"encrypted"}))]

    if first == "password":
        if second in ("encryption", "logging"):  # `password encryption aes`
            return []
        if n == 3 and (second in _TYPES or second.isdecimal()):
            return [(2, 3)]
        if n > 2 and second in ("encrypted", "clear"):  # IOS XR
            return [_value(w, 2, tails=_REST)]
        if n >= 2 and (nested or embedded):
            return [_value(w, 1, tails=_REST)]
        if n == 2 and block == "line":  # flush left under `line vty 0 4`
            return [(1, 2)]
        return []

    if first == "secret":
        if n == 3 and (second in _TYPES or second.isdecimal()):  # XR has type 10
            return [(2, 3)]
        if n == 2 and (nested or embedded):
            return [(1, 2)]
        return []

    if first == "key":
        if second in ("hexadecimal", "ascii-text") and n > 2:
            return [(2, None)]  # Juniper authentication keys
        if second == "config-key" and n > 3 and w[2] == "password-encrypt":
            return [_value(w, 3, tails=_REST)]
        if n >= 5 and second.isdecimal() and w[2] == "--" and w[3] == "text":
            return [(4, None)]  # `show key chain`: key 1 -- text "the key"
        if block == "keychain" or second == "chain":
            return []
        if n == 3 and second in _TYPES:
            return [(2, 3)]
        if n >= 2 and (block == "keyed" and (nested or n <= 3) or embedded):
            return [_value(w, 1, tails=_REST)]
        return []

    if first == "server-key":
        return [_value(w, 1, tails=_REST)]

    if first in ("client", "server-private"):
        k = _after(w, "server-key" if first == "client" else "key")
        return [_value(w, k + 1, tails=_REST)] if k > 0 else []

    if first in ("tacacs-server", "radius-server"):
        k = _after(w, "key")
        return [_value(w, k + 1, tails=_REST)] if k > 0 else []

    if first == "pac" and second == "key":
        return [_value(w, 2, tails=_REST)]

    if first == "aaa-server":
        h = _after(w, "host")
        if h < 0 or h + 2 >= n:
            return []
        i = h + 2
        if w[i] == "key":
            i += 1
        if i >= n or w[i] == "timeout":
            return []
        return [(i, i + 1)]

    if first in ("ldap-login-password", "radius-common-pw"):
        return [_value(w, 1, tails=_REST)]

    if first == "snmp-server":
        if second == "mib" and n > 3 and w[2] == "community-map":
            return [(3, 4)]
        return _snmp(w)

    if first == "crypto":
        if second == "isakmp" and n > 3 and w[2] == "key":
            return [_value(w, 3, tails=_ISAKMP_TAILS)]
        return []

    if first == "isakmp" and second == "key":  # PIX and ASA 7
        return [_value(w, 2, tails=_ISAKMP_TAILS)]

    if first == "pre-shared-key":
        return [_psk(w, 1)]

    if first == "ikev1" and second == "pre-shared-key":
        return [_psk(w, 2)]

    if (
        first == "ikev2"
        and second in ("local-authentication", "remote-authentication")
        and n > 3
        and w[2] == "pre-shared-key"
    ):
        return [_value(w, 3, tails=_REST)]

    if first == "authentication":
        if n > 4 and second in ("local", "remote") and w[2:4] == ["pre-share", "key"]:
            return [_value(w, 4, tails=_REST)]
        if n > 4 and second == "key" and w[2] == "eigrp":  # ASA: AS, key, key-id
            return [(4, None)]
        if n > 3 and second == "mode" and w[2].startswith("hmac-sha"):  # named EIGRP
            return [(3, None)]
        if second == "username":  # sip-ua: authentication username U password X
            k = _after(w, "password", 2)
            return [(k + 1, None)] if k > 0 else []
        return []

    if first == "credentials" and second == "username":  # sip-ua
        k = _after(w, "password", 2)
        return [(k + 1, None)] if k > 0 else []

    if first == "l2tp" and second == "tunnel":
        k = _after(w, "password", 2)
        return [(k + 1, None)] if k > 0 else []

    if first == "mpls" and second == "ldp":
        k = _after(w, "password", 2)
        return [(k + 1, None)] if k > 0 else []

    if first == "cts" and second == "sxp":
        k = _after(w, "password", 2)
        if k < 0 or k + 1 >= n or w[k + 1] in ("default", "none"):
            return []
        return [(k + 1, None)]

    if first == "set" and second == "session-key" and n > 4:  # manual keying
        return _session_keys(w)

    if first == "set":
        return _set_line(w)

    if first in ("syscon", "key-hash"):
        if first == "syscon" and second == "address":
            return [(3, 4)] if n > 3 else []
        if first == "syscon" and second == "password":
            return [(2, None)] if n > 2 else []
        return [(2, 3)] if first == "key-hash" and n > 2 else []

    if first == "rf-switch" and second == "snmp-community":
        return [(2, 3)] if n > 2 else []

    if first == "digest" and second == "secret":
        return [(2, None)] if n > 2 else []

    if first in _JUNIPER_SECRET_WORDS and n > 1:  # a Juniper hierarchy line
        return [(1, None)]

    if first == "community" and n == 3 and second != "name:" and w[2] == "{":
        return [(1, 2)]  # Juniper `snmp { community NAME {`

    if first == "security" or (first == "config" and second == "wlan"):
        k = _after(w, "set-key")  # WLC WPA PSK: set-key ascii [0] X
        return [(k + 1, k + 2)] if k > 0 and k + 1 < n else []

    if first in ("ipv6", "ospfv3", "area") and "spi" in w[:6]:
        return _ipsec_keys(w)

    if first == "key-string":
        i = 2 if n > 2 and second in ("password", "clear") else 1  # IOS XR
        return [_value(w, i, tails=_REST)]

    if first in ("standby", "vrrp", "glbp"):
        k = _after(w, "key-string")
        if k > 0:
            return [_value(w, k + 1, tails=_REST)]
        a = _after(w, "authentication")
        if a < 0 or a + 1 >= n or w[a + 1] == "md5":
            return []
        if w[a + 1] == "text":
            return [_value(w, a + 2, tails=_REST)]
        return [_value(w, a + 1, tails=_REST)]

    if first == "ntp":
        if second == "authentication-key" and n > 4:
            return [(4, 5)]
        return []

    if first in ("ip", "ipv6", "ospf", "area"):
        return _routing(w)

    if first == "neighbor":
        if n > 3 and w[2] == "password":
            return [_value(w, 3, tails=_REST)]
        return []

    if first == "wpa-psk":
        if second in ("ascii", "hex"):
            return [_value(w, 2, tails=_REST)]
        return []

    if first == "ppp" and second == "chap" and n > 3 and w[2] == "hostname":
        return [(3, 4)]  # the CHAP user name: netconan, and TAC, treat it as one

    if first in ("ppp", "vpdn"):
        k = _after(w, "password")
        return [_value(w, k + 1, tails=_REST)] if k > 0 else []

    if first == "failover":
        if second == "key":
            i = 3 if n > 3 and w[2] == "hex" else 2
            return [_value(w, i, tails=_REST)]
        if second == "ipsec" and n > 3 and w[2] == "pre-shared-key":
            return [_value(w, 3, tails=_REST)]
        return []

    if first == "isis" and second == "password":
        return [_value(w, 2, tails=_REST)]

    if first in ("area-password", "domain-password"):
        return [_value(w, 1, tails=_REST)]  # cut before `authenticate snp`

    if first == "community" and second in ("name:", "securityname:"):
        return [(2, None)] if n > 2 else []  # `show snmp community`

    return []


def _snmp(w):
    n = len(w)
    second = w[1] if n > 1 else ""
    if second == "community":
        return [_community(w, 2)]
    if second == "host" and n > 3:
        c = _after(w, "community", 3)
        if c > 0:  # ASA: snmp-server host IF ADDR [poll|trap] community [0|8] X
            return [_community(w, c + 1)]
        if _looks_like_address(w[3]) and not _looks_like_address(w[2]):
            return []  # ASA host using the global community
        i = 3
        while i < n:
            if w[i] == "vrf":
                i += 2
            elif w[i] in ("informs", "traps"):
                i += 1
            elif w[i] == "version":
                if i + 1 < n and w[i + 1] == "3":
                    i += 2
                    if i < n and w[i] in ("auth", "noauth", "priv"):
                        i += 1
                else:
                    i += 2
            else:
                break
        return [(i, i + 1)] if i < n else []
    if second == "user":
        spans = []
        # auth [md5|sha] [encrypted] X, priv [des|3des|aes 128] [encrypted] Y: the
        # algorithm and the encoding are modifiers, skipped by _honest.
        a = _after(w, "auth", 3)
        if 0 < a and a + 1 < n:
            spans.append((a + 1, a + 2))
        p = _after(w, "priv", 3)
        if 0 < p and p + 1 < n:
            spans.append((p + 1, p + 2))
        return spans
    return []


def _community(w, i):
    """The community string at ``i``, after an optional ASA type digit (0 or 8)."""
    n = len(w)
    if i >= n:
        return None
    if w[i] in ("0", "8") and i + 1 < n and w[i + 1] not in _COMMUNITY_TAILS:
        i += 1
    return (i, i + 1)


def _routing(w):
    """OSPF message-digest and authentication keys, NHRP and FTP passwords."""
    n = len(w)
    k = _after(w, "message-digest-key")
    if k > 0:
        # message-digest-key ID md5 [type] KEY
        return [_value(w, k + 3)] if k + 3 < n else []
    k = _after(w, "authentication-key")
    if k > 0:
        return [_value(w, k + 1)]
    if n > 3 and w[1] == "nhrp" and w[2] == "authentication":
        return [(3, 4)]
    if n > 3 and w[1] == "ftp" and w[2] == "password":
        return [_value(w, 3, tails=_REST)]
    if n > 5 and w[1] == "msdp" and w[2] == "password" and w[3] == "peer":
        return [(5, None)]  # ip msdp password peer A [0|7] X
    if n > 4 and w[1] == "http" and w[2] == "client" and w[3] == "password":
        return [(4, None)]
    if "spi" in w[:6]:
        return _ipsec_keys(w)
    return []


def _looks_like_address(word: str) -> bool:
    if word.count(".") == 3:
        return all(part.isdecimal() for part in word.split("."))
    return ":" in word and all(c in "0123456789abcdef:./" for c in word)


# Juniper statements whose argument is a secret, in a hierarchy or a `set` line.
_JUNIPER_SECRET_WORDS = frozenset(
    {
        "secret",
        "authentication-key",
        "encrypted-password",
        "simple-password",
        "hello-authentication-key",
        "md5-authentication-key",
    }
)
# FortiGate `set` options holding a secret (`set psksecret ENC ...`).
_FORTI_SECRET_WORDS = frozenset(
    {
        "psksecret",
        "psksecret-remote",
        "ppk-secret",
        "password",
        "passwd",
        "secret",
        "authpasswd",
        "key",
        "passphrase",
        "sae-password",
    }
)


def _set_line(w):
    """A `set` line: FortiGate (`set psksecret ENC X`) or Juniper set form
    (`set system tacplus-server A secret "X"`); route-map `set` has no secret."""
    n = len(w)
    if n < 3:
        return []
    second = w[1]
    if second == "community":
        return _set_community(w)
    if second in _FORTI_SECRET_WORDS:
        return [(2, 3 if second == "key" else None)]
    for k in range(2, n - 1):
        word = w[k]
        if word in _JUNIPER_SECRET_WORDS or word == "authentication-key":
            return [(k + 1, None)]
        if word == "pre-shared-key":  # PAN-OS: ... pre-shared-key key X
            return [(k + 2 if w[k + 1] == "key" and k + 2 < n else k + 1, None)]
        if word == "key" and w[k - 1] == "keys":  # license keys key "X"
            return [(k + 1, None)]
        if word in ("community", "trap-group") and k == 2 and w[1].startswith("snmp"):
            return [(3, 4)]
    return []


# What a route-map or routing policy sets as a BGP community: a number, ASN:NN, a
# well-known name, a policy parameter ($name), or a parenthesised list of those.
_BGP_COMMUNITY = re.compile(
    r"\(?(?:\d+(?::\d+)?|(?:\$\w+|\d+|peeras):(?:\$\w+|\d+)|\$\w+|internet|local-as"
    r"|no-advertise|no-export|no-export-subconfed|gshut|graceful-shutdown|none"
    r"|accept-own|llgr-stale|no-llgr|blackhole|additive)\)?",
    re.IGNORECASE,
)


def _set_community(w):
    """`set community X`: a route-map's BGP community values stay; anything else
    (`set community NAME`, an SNMP community in a generic set form) is a community
    string, unless `additive` marks it as a route-map's named value list."""
    value = w[2]
    if value.startswith("(") or _BGP_COMMUNITY.fullmatch(value):
        return []
    if len(w) > 3 and w[3].lower() == "additive":
        return []
    return [(2, 3)]


def _session_keys(w):
    """`set session-key inbound|outbound ah SPI X` and
    `... esp SPI [cipher X] [authenticator Y]`."""
    n = len(w)
    spans = []
    if w[3] == "ah" and n > 5:
        spans.append((5, 6))
    for k in range(5, n - 1):
        if w[k] in ("cipher", "authenticator"):
            spans.append((k + 1, k + 2))
    return spans


_IPSEC_ALGORITHMS = frozenset({"md5", "sha1", "3des", "des"})


def _ipsec_keys(w):
    """OSPFv3 IPsec keys: `... spi N md5|sha1 [0|7] KEY` and
    `... spi N esp aes-cbc 128|3des|des [0|7] KEY sha1|md5 [0|7] KEY`."""
    n = len(w)
    spans = []
    k = _after(w, "spi") + 2
    while 1 < k < n - 1:
        if w[k] == "aes-cbc" and w[k + 1] in _AES_BITS:
            spans.append((k + 2, k + 3) if k + 2 < n else None)
            k += 3
        elif w[k] in _IPSEC_ALGORITHMS:
            spans.append((k + 1, k + 2))
            k += 2
        else:
            k += 1
    return [s for s in spans if s is not None]
