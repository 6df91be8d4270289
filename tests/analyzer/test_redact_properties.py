"""Properties of redaction over every supported form and wrapper.

A random secret goes into each form the redactor knows (``{0}``; a second one into
``{1}`` where the form holds two); the form is wrapped the way pastes carry config
lines. Whatever the secret, it must not survive, every other word must, and the
count is the number of values removed. Labels: the same value gets the same label
within one redactor, type 7 and its clear text agree, and a hash claims nothing.
"""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analyzer.redact import MARKED, MARKER, Redactor, redact_with_count

FORMS = [
    # IOS / IOS-XE
    "enable secret {0}",
    "enable password 0 {0}",
    "username bob privilege 15 password 0 {0}",
    "username bob secret {0}",
    " password 7 {0}",
    "crypto isakmp key {0} address 203.0.113.10",
    "crypto isakmp key 0 {0} hostname peer.example.net",
    "  pre-shared-key address 198.51.100.9 key {0}",
    "  pre-shared-key local {0}",
    "  pre-shared-key remote hex {0}",
    " key-string 7 {0}",
    "tacacs-server host 10.1.5.10 key {0}",
    "radius-server host 10.1.5.20 key 0 {0}",
    " server-private 10.1.5.10 key 7 {0}",
    "snmp-server community {0} RO",
    "snmp-server host 10.1.5.30 version 2c {0} udp-port 1162",
    "snmp-server user u g v3 auth sha {0} priv aes 128 {1}",
    "ntp authentication-key 1 md5 {0} 7",
    " ip ospf authentication-key {0}",
    " ip ospf message-digest-key 1 md5 {0}",
    " standby 1 authentication md5 key-string {0} timeout 30",
    " standby 2 authentication text {0}",
    " vrrp 3 authentication text {0}",
    " ipv6 ospf authentication ipsec spi 500 sha1 {0}",
    " ipv6 ospf encryption ipsec spi 1001 esp aes-cbc 128 {0} sha1 {1}",
    " ospfv3 1 authentication ipsec spi 256 md5 0 {0}",
    "   authentication mode hmac-sha-256 {0}",
    "mpls ldp neighbor 10.255.0.2 password 0 {0}",
    "ip msdp password peer 10.255.0.3 0 {0}",
    "ip http client password 0 {0}",
    "cts sxp default password 0 {0}",
    " l2tp tunnel password 0 {0}",
    " set session-key inbound esp 300 cipher {0} authenticator {1}",
    " set session-key outbound ah 303 {0}",
    " credentials username 1001 password 0 {0} realm voip.example.net",
    " authentication username 1002 password 0 {0} realm voip.example.net",
    " security wpa psk set-key ascii 0 {0}",
    " path ftp://backup:{0}@192.0.2.80/cfg",
    "copy running-config scp://netadmin:{0}@192.0.2.80/r1.cfg",
    "neighbor 192.0.2.1 password 0 {0}",
    "ip ftp password 0 {0}",
    # ASA
    " ikev1 pre-shared-key {0}",
    " ikev2 remote-authentication pre-shared-key {0}",
    " ikev2 local-authentication pre-shared-key {0}",
    "isakmp key {0} address 203.0.113.9 netmask 255.255.255.255",
    " authentication key eigrp 100 {0} key-id 1",
    "failover key {0}",
    "aaa-server TAC (inside) host 10.1.5.10 {0} timeout 5",
    # NX-OS
    "username admin password 0 {0} role network-admin",
    "radius-server host 10.1.5.20 key 0 {0} authentication accounting",
    "snmp-server user admin network-admin auth md5 {0} priv {1} localizedkey",
    "  ip ospf authentication-key 3 {0}",
    "  ip ospf message-digest-key 1 md5 3 {0}",
    # IOS XR
    "snmp-server user ops G v3 auth sha encrypted {0} priv aes 128 encrypted {1}",
    " key-string password {0}",
    # Juniper
    'set system tacplus-server 10.1.5.30 secret "{0}"',
    'set security ike policy P pre-shared-key ascii-text "{0}"',
    '        pre-shared-key ascii-text "{0}"; ## SECRET-DATA',
    '        authentication-key "{0}"; ## SECRET-DATA',
    # FortiGate
    "        set psksecret ENC {0}",
    "        set password ENC {0}",
    # strongSwan, libreswan
    '203.0.113.2 198.51.100.7 : PSK "{0}"',
    "        secret = {0}",
    '203.0.113.2 52.95.1.10: PSK "{0}"',
    # AWS, Azure
    "      <pre_shared_key>{0}</pre_shared_key>",
    '    "SharedKey": "{0}",',
    # MikroTik
    "add peer=hq secret={0}",
    "add name=vpnuser password={0} profile=default-encryption",
    # Unknown grammar, named keyword: scrubbed to the end of the line
    "cable shared-secret {0}",
]

WRAPPERS = {
    "bare": lambda line: line,
    "prompt": lambda line: "R1(config)#" + line.lstrip(),
    "crlf": lambda line: line + "\r",
    "pager": lambda line: "<--- More --->" + " " * 14 + "\r" + " " * 14 + "\r" + line,
    "mail-quote": lambda line: "> " + line,
    "session-log": lambda line: "[10:01:02] " + line,
    "ansible": lambda line: '            "' + line.replace('"', '\\"') + '",',
    "python-list": lambda line: "['" + line + "', 'end']",
}
# Contexts that do not occur: a device prompt before a line of a strongSwan file, an
# XML or a JSON document.
NOT_WRAPPED = {"prompt": ("secret = ", ": PSK", "<pre_shared_key>", '"SharedKey"')}

VOCABULARY = {
    "encrypted",
    "clear",
    "hex",
    "ascii",
    "md5",
    "sha",
    "text",
    "timeout",
    "role",
    "priv",
    "auth",
    "realm",
    "privilege",
    "authentication",
    "accounting",
    "localizedkey",
    "engineid",
    "key-id",
    "pbkdf2",
    "hash",
    "level",
    "address",
    "hostname",
    "enc",
}
SECRETS = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._+-]{5,40}", fullmatch=True).filter(
    lambda s: s.lower() not in VOCABULARY and not s.isdecimal()
)


def plain(text: str) -> str:
    return MARKED.sub(MARKER, text)


def applicable(form: str, wrapper: str) -> bool:
    return not any(marker in form for marker in NOT_WRAPPED.get(wrapper, ()))


@pytest.mark.parametrize("form", FORMS)
@settings(max_examples=25, deadline=None)
@given(first=SECRETS, second=SECRETS, wrapper=st.sampled_from(sorted(WRAPPERS)))
def test_no_secret_survives_and_every_other_word_does(form, first, second, wrapper):
    if not applicable(form, wrapper) or first in form or second in form:
        return
    if first in second or second in first:
        second = first  # one value twice: still two removals
    wrap = WRAPPERS[wrapper]
    text = wrap(form.format(first, second))
    redacted, count = redact_with_count(text)
    assert first not in redacted and second not in redacted
    assert plain(redacted) == wrap(form.format(MARKER, MARKER))
    assert count == form.count("{")
    assert redact_with_count(redacted) == (redacted, 0)


def test_the_same_value_gets_the_same_label():
    with Redactor() as redactor:
        text = redactor.redact(
            "crypto isakmp key AlphaKey1 address 203.0.113.1\n"
            "crypto isakmp key BravoKey2 address 203.0.113.2\n"
            "crypto isakmp key AlphaKey1 address 203.0.113.3\n"
            "enable secret AlphaKey1"
        )
    assert MARKED.findall(text) == [
        "<removed:psk-1>",
        "<removed:psk-2>",
        "<removed:psk-1>",
        "<removed:secret-1>",
    ]


def test_labels_agree_across_the_texts_of_one_redactor():
    """A diagnosis redacts its title and its paste with one redactor."""
    with Redactor() as redactor:
        title = redactor.redact("crypto isakmp key TitleKey9 address 203.0.113.1")
        paste = redactor.redact(
            "crypto isakmp key OtherKey8 address 203.0.113.2\n"
            "crypto isakmp key TitleKey9 address 203.0.113.1"
        )
    assert MARKED.findall(title) == ["<removed:psk-1>"]
    assert MARKED.findall(paste) == ["<removed:psk-2>", "<removed:psk-1>"]


def test_type_7_and_its_clear_text_get_one_label():
    """`7 0822455D0A16` is `cisco` written with the type 7 XOR."""
    with Redactor() as redactor:
        text = redactor.redact(
            "crypto isakmp key cisco address 203.0.113.1\n"
            "  pre-shared-key address 198.51.100.9 key 7 0822455D0A16\n"
            "  pre-shared-key remote hex 636973636f"
        )
    assert MARKED.findall(text) == ["<removed:psk-1>"] * 3


def test_hashes_and_type_6_make_no_equality_claim():
    with Redactor() as redactor:
        text = redactor.redact(
            "crypto isakmp key 6 QeBcTRcN_[MKPHPZ^VTgRO address 203.0.113.1\n"
            "crypto isakmp key 6 QeBcTRcN_[MKPHPZ^VTgRO address 203.0.113.2\n"
            "enable secret 9 $9$nhEmQVczB7dqsO$X.HsgL6x1il0RxkOSSvyQYwucySCt7qFm4v7pq"
        )
    # Bare kinds, no number: the rule names the enable secret's kind.
    assert MARKED.findall(text) == [
        "<removed:psk>",
        "<removed:psk>",
        "<removed:secret>",
    ]
    with Redactor() as redactor:  # a hash in prose has no rule: the hash net's kind
        assert redactor.redact("was $1$salt$abcdefgh") == "was <removed:hash>"


def test_a_new_redactor_numbers_afresh_and_a_closed_one_holds_nothing():
    first = Redactor()
    first.redact("crypto isakmp key Zulu1 address 1.1.1.1\n")
    first.close()
    assert first.__dict__ == {"_key": b"", "_numbers": {}}
    with pytest.raises(RuntimeError):
        first.redact("enable secret X")
    with Redactor() as second:
        text = second.redact("crypto isakmp key Yankee2 address 1.1.1.1")
    assert MARKED.findall(text) == ["<removed:psk-1>"]


def test_hash_formats_go_wherever_they_stand():
    """Prose and JSON too: an unmistakable hash is never kept."""
    text = (
        'my password is $1$salt$abcdefghijklmnopqrs\n{"hash": "$6$RMxgK5AL$tHuKCyfN"}\n'
        "the sha512 form $sha512$5000$c2FsdA==$aGFzaA== was pasted"
    )
    redacted, count = redact_with_count(text)
    assert "$1$salt" not in redacted and "$6$RMx" not in redacted
    assert "$sha512$" not in redacted
    assert count == 3
    assert redacted.count("\n") == 2


def test_an_unknown_command_naming_a_secret_keyword_is_scrubbed_to_its_end():
    """No rule knows these commands; each names a secret keyword in a line shaped
    like configuration, so the rest of the line goes (a trailing keyword stays)."""
    lines = {
        "cable shared-secret Docsis Shared 1": "cable shared-secret <removed>",
        " vendor-server 10.1.1.1 password 0 VendorPw2": (
            " vendor-server 10.1.1.1 password 0 <removed>"
        ),
        "foo psk FooPsk3 timeout 30": "foo psk <removed> timeout 30",
        ' bar key-string "Bar Key 4"': ' bar key-string "<removed>"',
    }
    for line, want in lines.items():
        redacted, count = redact_with_count(line)
        assert (MARKED.sub(MARKER, redacted), count) == (want, 1), line


def test_prose_and_show_output_naming_the_keywords_stay():
    """Sentences, log messages and show output that mention the keywords without a
    value in configuration shape are not touched."""
    text = "\n".join(
        [
            "%ASA-3-713167: Group = 198.51.100.20, IP = 198.51.100.20, Remote peer has "
            "failed user authentication - check configured username and password",
            "%ASA-6-113005: AAA user authentication Rejected : reason = Invalid "
            "password : server = 10.1.5.20 : user = bob : user IP = 198.51.100.77",
            "PASSWORD RECOVERY IS DISABLED.",
            "password recovery is disabled on this router",
            "   Auth sign: PSK, Auth verify: PSK",
            "29609 100.0.10.2  100.13.220.2  ACTIVE aes  sha  psk  16 00:01:47 D",
            "netadmin@198.51.100.2's password: ",
            "Password:",
            "Enter the secret: ",
        ]
    )
    assert redact_with_count(text) == (text, 0)
