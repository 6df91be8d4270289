"""IOS / IOS-XE configuration: `show running-config`, `show run | section crypto`,
`more nvram:startup-config`, or a fragment pasted with no prompt.

Kind ``ios.running_config``. One record per configuration object, by ``type``:

- ``hostname`` (name), ``version`` (version)
- ``interface`` (interface, ip, mask, crypto_map, nat_side, shutdown, description,
  vrf from `ip vrf forwarding`, tunnel_vrf from `tunnel vrf`, tunnel_protection:
  the IPsec profile of `tunnel protection ipsec profile`)
- ``keyring`` (name, vrf): `crypto keyring NAME [vrf FVRF]`
- ``isakmp_policy`` (priority, authentication, encryption, hash, group, lifetime)
- ``isakmp_key`` (address, mask, keyring, psk_label) from `crypto isakmp key` and
  keyrings
- ``isakmp_profile`` (name, keyring, match_addresses [..])
- ``transform_set`` (name, encryption [..], integrity [..], mode)
- ``crypto_map_entry`` / ``dynamic_map_entry`` (map, seq, peers [..],
  transform_sets [..], match_address, pfs, isakmp_profile, ikev2_profile,
  dynamic_map, interface)
- ``ikev2_proposal`` (name, encryption, integrity, group), ``ikev2_policy``
  (name, proposals [..]), ``ikev2_keyring_peer`` (keyring, peer, address, mask,
  psk, local_psk_label, remote_psk_label), ``ikev2_profile`` (name, keyring,
  match_addresses [..])
- ``access_list_entry`` (acl, action, protocol, source, destination) with address
  specs {"any": True}, {"host": ip}, {"network": ip, "wildcard": w}, {"group": n}
- ``nat_rule`` (side, mode "list" | "route-map" | "static", acl, route_map,
  interface, pool, overload, real, mapped)
- ``route_map_entry`` (name, action, seq, match_acls [..])
- ``route`` (network, mask, gateway)

The same module reads IOS `show crypto map` (kind ``ios.show_crypto_map``), the
running state of the same objects: one record per entry with ``map``, ``seq``,
``mode`` ("ipsec-isakmp", "ipsec-manual"), ``family`` ("ipv4"/"ipv6"), ``peers``
[..], ``current_peer``, ``ikev2_profile``, ``isakmp_profile``, ``acl``,
``sa_kilobytes``, ``sa_seconds`` (ints), ``pfs`` (bool), ``dh_group``,
``transform_sets`` {name: [transforms]}, ``interfaces`` [..] and ``incomplete``
(the device's own "incomplete state" warning).

And IOS `show ip access-lists` / `show access-lists` (kind ``ios.show_access_lists``):
one ``access_list_entry`` record per numbered entry, with the fields of a
configuration's (``acl``, ``acl_type`` "extended" | "standard", ``action``,
``protocol``, ``source``, ``destination``) plus ``seq`` and ``matches`` (ints, the
latter None when the device printed no count). IOS prints each address as it keeps
it: the bits a wildcard frees are cleared.

A key is present whatever its text reads (the device may print it encrypted,
redaction replaces it with a marker). ``psk_label`` is the label of that marker
(`psk-1` for `<removed:psk-1>`), the same for the same key within one paste.
"""

from __future__ import annotations

import re

from analyzer.parsers.common import config_platform
from analyzer.parsers.config_reader import ConfigReader, is_ipv4, skip_ports
from analyzer.redact import label_in
from analyzer.registry import (
    IOS_RUNNING_CONFIG,
    IOS_SHOW_ACCESS_LISTS,
    IOS_SHOW_CRYPTO_MAP,
)
from analyzer.report import Source

COMMANDS = (
    "show running-config",
    "show startup-config",
    "show configuration",
    "write terminal",
    "more system:running-config",
    "more nvram:startup-config",
    "show crypto map",
    "show ip access-lists",
    "show access-lists",
)

_KNOWN_TOP = frozenset(
    """
    aaa alias archive banner boot boot-start-marker boot-end-marker bridge cdp class-map
    clock control-plane controller crypto dial-peer dot11 end enable event
    file hostname interface ip ipv6 key license line logging login mac memory
    mgcp mls multilink no ntp object-group parameter-map policy-map port-channel
    redundancy route-map router service snmp snmp-server spanning-tree
    subscriber tacacs-server radius-server template track transceiver username
    version vlan vpdn vrf voice-card zone zone-pair access-list platform
    call-home diagnostic netconf restconf security errdisable udld system
    """.split()
)


class _Reader(ConfigReader):
    SKIP_AFTER_HANDLED = True

    def __init__(self, section):
        super().__init__(section)
        self.entries: dict[tuple, dict] = {}
        self.keyring_peer: dict | None = None

    def boundary(self, line, stripped):
        if stripped.startswith("!") and line[0] in " \t" and self.block is not None:
            # A comment inside a block (" ! Incomplete" under a crypto map entry
            # that lacks its ACL or peer): the block goes on after it.
            return True
        if stripped.startswith("!") or stripped in ("end", "Building configuration..."):
            self.block = None
            return True
        if stripped.startswith(
            ("Current configuration :", "Last configuration change")
        ):
            return True
        if stripped.startswith("NVRAM config last updated"):
            return True
        return None

    def child(self, words, number, indent):
        kind, record = self.block
        handler = _CHILD.get(kind)
        if handler is not None:
            handler(self, record, words, number, indent)
        return True

    # --- top level --------------------------------------------------------------

    def t_hostname(self, words, number):
        if len(words) > 1:
            self.add("hostname", number, name=words[1])

    def t_version(self, words, number):
        if len(words) > 1:
            self.add("version", number, version=words[1])

    def t_interface(self, words, number):
        if len(words) < 2:
            return
        record = self.add(
            "interface",
            number,
            interface=words[1],
            ip=None,
            mask=None,
            crypto_map=None,
            nat_side=None,
            shutdown=False,
            description=None,
            vrf=None,
            tunnel_vrf=None,
            tunnel_protection=None,
            at={},
        )
        self.block = ("interface", record)

    def c_interface(self, record, words, number, _indent):
        self.touch(record, number)
        if words[:2] == ["ip", "address"] and len(words) >= 4 and is_ipv4(words[2]):
            if "secondary" not in words:
                record["ip"], record["mask"] = words[2], words[3]
                record["at"]["ip"] = number
        elif words[:2] == ["crypto", "map"] and len(words) > 2:
            record["crypto_map"] = words[2]
            record["at"]["crypto_map"] = number
        elif words[:2] == ["ip", "nat"] and len(words) > 2:
            record["nat_side"] = words[2]
        elif words[-3:-1] == ["vrf", "forwarding"] or words[:2] == [
            "vrf",
            "forwarding",
        ]:
            # "ip vrf forwarding X" (IOS), "vrf forwarding X" (IOS-XE).
            if words[-1] != "forwarding":
                record["vrf"] = words[-1]
                record["at"]["vrf"] = number
        elif words[:2] == ["tunnel", "vrf"] and len(words) > 2:
            record["tunnel_vrf"] = words[2]
            record["at"]["tunnel_vrf"] = number
        elif words[:3] == ["tunnel", "protection", "ipsec"] and len(words) > 4:
            record["tunnel_protection"] = words[4]
        elif words[0] == "shutdown":
            record["shutdown"] = True
        elif words[0] == "description":
            record["description"] = " ".join(words[1:])

    def t_crypto(self, words, number):
        if len(words) < 3:
            return
        kind = words[1]
        if kind == "isakmp":
            self.crypto_isakmp(words, number)
        elif kind == "keyring":
            # "crypto keyring NAME [vrf FVRF]": its keys are for the peers
            # reached in that VRF (the global table without one).
            vrf = words[4] if words[3:4] == ["vrf"] and len(words) > 4 else None
            self.add("keyring", number, name=words[2], vrf=vrf)
            self.block = ("keyring", words[2])
        elif kind == "ipsec" and words[2] == "transform-set" and len(words) > 3:
            transforms = words[4:]
            encryption, integrity = _split_transforms(transforms)
            record = self.add(
                "transform_set",
                number,
                name=words[3],
                encryption=encryption,
                integrity=integrity,
                mode=None,
            )
            self.block = ("transform_set", record)
        elif kind in ("map", "dynamic-map") and len(words) > 3:
            self.crypto_map(words, number, dynamic=kind == "dynamic-map")
        elif kind == "ikev2":
            self.crypto_ikev2(words, number)

    def crypto_isakmp(self, words, number):
        if words[2] == "policy" and len(words) > 3:
            record = self.add(
                "isakmp_policy",
                number,
                priority=words[3],
                authentication="rsa-sig",
                encryption="des",
                hash="sha",
                group="1",
                lifetime="86400",
            )
            self.block = ("isakmp_policy", record)
        elif words[2] == "key" and "address" in words:
            self.key_line(words[2:], number, keyring=None)
        elif words[2] == "profile" and len(words) > 3:
            record = self.add(
                "isakmp_profile",
                number,
                name=words[3],
                keyring=None,
                match_addresses=[],
            )
            self.block = ("isakmp_profile", record)

    def key_line(self, words, number, keyring):
        # "key [0|6] SECRET address A [mask] [no-xauth]" and, in a keyring,
        # "pre-shared-key address A [mask] key SECRET"
        at = words.index("address")
        if at + 1 >= len(words):
            return
        address = words[at + 1]
        mask = None
        if at + 2 < len(words) and is_ipv4(words[at + 2]):
            mask = words[at + 2]
        self.add(
            "isakmp_key",
            number,
            address=address,
            mask=mask,
            keyring=keyring,
            psk_label=label_in(words),
        )

    def c_keyring(self, name, words, number, _indent):
        if words[0] == "pre-shared-key" and "address" in words:
            self.key_line(words, number, keyring=name)

    def c_isakmp_policy(self, record, words, number, _indent):
        self.touch(record, number)
        if len(words) < 2:
            return
        head = words[0]
        if head in ("encr", "encryption"):
            record["encryption"] = " ".join(words[1:])
        elif head == "hash":
            record["hash"] = words[1]
        elif head == "authentication":
            record["authentication"] = words[1]
        elif head == "group":
            record["group"] = words[1]
        elif head == "lifetime":
            record["lifetime"] = words[1]

    def c_isakmp_profile(self, record, words, number, _indent):
        self.touch(record, number)
        if words[0] == "keyring" and len(words) > 1:
            record["keyring"] = words[1]
        elif words[:3] == ["match", "identity", "address"] and len(words) > 3:
            record["match_addresses"].append(words[3])

    def c_transform_set(self, record, words, number, _indent):
        self.touch(record, number)
        if words[0] == "mode" and len(words) > 1:
            record["mode"] = words[1]

    def crypto_map(self, words, number, dynamic):
        name = words[2]
        if not words[3].isdecimal():
            return  # "crypto map M local-address X", "crypto map M isakmp-profile"
        seq = words[3]
        key = (dynamic, name, seq)
        entry = self.entries.get(key)
        if entry is None:
            entry = self.add(
                "dynamic_map_entry" if dynamic else "crypto_map_entry",
                number,
                map=name,
                seq=seq,
                peers=[],
                transform_sets=[],
                match_address=None,
                pfs=None,
                isakmp_profile=None,
                ikev2_profile=None,
                dynamic_map=None,
                interface=None,
                at={},
            )
            self.entries[key] = entry
        if len(words) > 6 and words[5] == "dynamic":
            entry["dynamic_map"] = words[6]
        self.block = ("map_entry", entry)

    def c_map_entry(self, entry, words, number, _indent):
        self.touch(entry, number)
        at = entry["at"]
        if words[:2] == ["match", "address"] and len(words) > 2:
            entry["match_address"] = words[2]
            at["match_address"] = number
        elif words[0] != "set" or len(words) < 3:
            return
        elif words[1] == "peer":
            entry["peers"].append(words[2])
            at.setdefault("peer", number)
        elif words[1] == "transform-set":
            entry["transform_sets"] = words[2:]
            at["transform_set"] = number
        elif words[1] == "pfs":
            entry["pfs"] = words[2]
        elif words[1] == "isakmp-profile":
            entry["isakmp_profile"] = words[2]
        elif words[1] == "ikev2-profile":
            entry["ikev2_profile"] = words[2]

    def crypto_ikev2(self, words, number):
        if len(words) < 4:
            return
        kind, name = words[2], words[3]
        if kind == "proposal":
            record = self.add(
                "ikev2_proposal",
                number,
                name=name,
                encryption=None,
                integrity=None,
                group=None,
            )
            self.block = ("ikev2_proposal", record)
        elif kind == "policy":
            record = self.add("ikev2_policy", number, name=name, proposals=[])
            self.block = ("ikev2_policy", record)
        elif kind == "keyring":
            self.block = ("ikev2_keyring", name)
        elif kind == "profile":
            record = self.add(
                "ikev2_profile",
                number,
                name=name,
                keyring=None,
                match_addresses=[],
            )
            self.block = ("ikev2_profile", record)

    def c_ikev2_proposal(self, record, words, number, _indent):
        self.touch(record, number)
        if words[0] in ("encryption", "integrity", "group") and len(words) > 1:
            record[words[0]] = " ".join(words[1:])

    def c_ikev2_policy(self, record, words, number, _indent):
        self.touch(record, number)
        if words[0] == "proposal" and len(words) > 1:
            record["proposals"].extend(words[1:])

    def c_ikev2_keyring(self, name, words, number, indent):
        if words[0] == "peer" and len(words) > 1:
            self.keyring_peer = self.add(
                "ikev2_keyring_peer",
                number,
                keyring=name,
                peer=words[1],
                address=None,
                mask=None,
                psk=False,
                local_psk_label=None,
                remote_psk_label=None,
            )
            return
        peer = self.keyring_peer
        if peer is None or peer["keyring"] != name:
            return
        self.touch(peer, number)
        if words[0] == "address" and len(words) > 1:
            peer["address"] = words[1]
            peer["mask"] = words[2] if len(words) > 2 and is_ipv4(words[2]) else None
        elif words[0] == "pre-shared-key" and len(words) > 1:
            peer["psk"] = True
            # The label redaction left: both ends' keys compared, neither stored.
            if words[1] != "remote":
                peer["local_psk_label"] = label_in(words[1:])
            if words[1] != "local":
                peer["remote_psk_label"] = label_in(words[1:])

    def c_ikev2_profile(self, record, words, number, _indent):
        self.touch(record, number)
        if words[:2] == ["keyring", "local"] and len(words) > 2:
            record["keyring"] = words[2]
        elif words[0] == "keyring" and len(words) > 1:
            record["keyring"] = words[-1]
        elif words[:4] == ["match", "identity", "remote", "address"] and len(words) > 4:
            record["match_addresses"].append(words[4])

    def t_ip(self, words, number):
        if len(words) < 3:
            return
        if words[1] == "access-list" and len(words) > 3:
            self.block = ("acl", (words[3], words[2]))
        elif words[1] == "nat":
            self.nat(words, number)
        elif words[1] == "route" and len(words) >= 5 and is_ipv4(words[2]):
            self.add("route", number, network=words[2], mask=words[3], gateway=words[4])

    def c_acl(self, acl, words, number, _indent):
        name, acl_type = acl
        if words and words[0].isdecimal():
            words = words[1:]
        self.ace(name, acl_type, words, number)

    def t_access_list(self, words, number):
        # access-list 101 permit ip 10.1.1.0 0.0.0.255 any
        if len(words) < 4:
            return
        name = words[1]
        kind = "standard"
        if name.isdecimal() and (100 <= int(name) <= 199 or 2000 <= int(name) <= 2699):
            kind = "extended"
        self.ace(name, kind, words[2:], number)

    def ace(self, name, acl_type, words, number):
        if not words or words[0] not in ("permit", "deny"):
            return
        action, rest = words[0], words[1:]
        if acl_type == "standard":
            source, _ = _address(rest, 0)
            destination = {"any": True}
            protocol = "ip"
        else:
            protocol = rest[0] if rest else None
            pos = 1
            if protocol == "object-group" and len(rest) > 1:
                protocol, pos = rest[1], 2
            source, pos = _address(rest, pos)
            pos = skip_ports(rest, pos)
            destination, pos = _address(rest, pos)
        self.add(
            "access_list_entry",
            number,
            acl=name,
            acl_type=acl_type,
            action=action,
            protocol=protocol,
            source=source,
            destination=destination,
        )

    def nat(self, words, number):
        # ip nat inside source list ACL interface Fa4 overload
        # ip nat inside source route-map RM interface Dialer0 overload
        # ip nat inside source static [tcp|udp] REAL [port] MAPPED [port]
        if len(words) < 5 or words[3] != "source":
            return
        side = words[2]
        mode = words[4]
        rest = words[5:]
        record = {
            "side": side,
            "mode": mode,
            "acl": None,
            "route_map": None,
            "interface": None,
            "pool": None,
            "overload": "overload" in rest,
            "real": None,
            "mapped": None,
        }
        if mode == "list" and rest:
            record["acl"] = rest[0]
        elif mode == "route-map" and rest:
            record["route_map"] = rest[0]
        elif mode == "static":
            args = [w for w in rest if is_ipv4(w)]
            if len(args) >= 2:
                record["real"], record["mapped"] = args[0], args[1]
        else:
            return
        if "interface" in rest and rest.index("interface") + 1 < len(rest):
            record["interface"] = rest[rest.index("interface") + 1]
        if "pool" in rest and rest.index("pool") + 1 < len(rest):
            record["pool"] = rest[rest.index("pool") + 1]
        self.add("nat_rule", number, **record)

    def t_route_map(self, words, number):
        # route-map NAME [permit|deny] [seq]
        if len(words) < 2:
            return
        action = words[2] if len(words) > 2 else "permit"
        seq = words[3] if len(words) > 3 else "10"
        record = self.add(
            "route_map_entry",
            number,
            name=words[1],
            action=action,
            seq=seq,
            match_acls=[],
        )
        self.block = ("route_map", record)

    def c_route_map(self, record, words, number, _indent):
        self.touch(record, number)
        if words[:3] == ["match", "ip", "address"]:
            record["match_acls"].extend(w for w in words[3:] if w != "prefix-list")


def _split_transforms(words):
    # "esp-aes 256 esp-sha-hmac": the key length belongs to the cipher before it.
    encryption, integrity = [], []
    for word in words:
        if word.isdecimal() and encryption:
            encryption[-1] = f"{encryption[-1]} {word}"
        elif "hmac" in word or word in ("esp-none",):
            integrity.append(word)
        else:
            encryption.append(word)
    return encryption, integrity


def _address(words, pos):
    if pos >= len(words):
        return None, pos
    word = words[pos]
    if word == "any":
        return {"any": True}, pos + 1
    if word == "host" and pos + 1 < len(words):
        return {"host": words[pos + 1]}, pos + 2
    if word in ("object-group", "addrgroup") and pos + 1 < len(words):
        return {"group": words[pos + 1]}, pos + 2
    if is_ipv4(word) and pos + 1 < len(words) and is_ipv4(words[pos + 1]):
        return {"network": word, "wildcard": words[pos + 1]}, pos + 2
    if is_ipv4(word):
        return {"host": word}, pos + 1
    return None, pos + 1


_TOP = {
    "hostname": _Reader.t_hostname,
    "version": _Reader.t_version,
    "interface": _Reader.t_interface,
    "crypto": _Reader.t_crypto,
    "ip": _Reader.t_ip,
    "access-list": _Reader.t_access_list,
    "route-map": _Reader.t_route_map,
}

_CHILD = {
    "interface": _Reader.c_interface,
    "keyring": _Reader.c_keyring,
    "isakmp_policy": _Reader.c_isakmp_policy,
    "isakmp_profile": _Reader.c_isakmp_profile,
    "transform_set": _Reader.c_transform_set,
    "map_entry": _Reader.c_map_entry,
    "ikev2_proposal": _Reader.c_ikev2_proposal,
    "ikev2_policy": _Reader.c_ikev2_policy,
    "ikev2_keyring": _Reader.c_ikev2_keyring,
    "ikev2_profile": _Reader.c_ikev2_profile,
    "acl": _Reader.c_acl,
    "route_map": _Reader.c_route_map,
}

_Reader.TOP = _TOP
_Reader.KNOWN_TOP = _KNOWN_TOP


_MAP_HEAD = re.compile(
    r'^Crypto Map (?:(IPv[46]) )?"([^"]{1,64})" (\d{1,5}) ([\w-]{1,20})'
)
_LIFETIME = re.compile(r"(\d{1,12}) kilobytes/(\d{1,9}) seconds")
_TRANSFORM = re.compile(r"^([^:\s]{1,64}):\s*\{\s*([^}]{0,200}?)\s*\}")


def parse_show_crypto_map(section) -> list[Source]:
    records: list[dict] = []
    claimed: set[int] = set()
    entry: dict | None = None
    where = None
    for index, raw in enumerate(section.lines):
        line = raw.strip()
        number = section.numbers[index]
        head = _MAP_HEAD.match(line)
        if head:
            family, name, seq, mode = head.groups()
            entry = {
                "type": "crypto_map_entry",
                "map": name,
                "seq": seq,
                "mode": mode,
                "family": (family or "IPv4").lower(),
                "peers": [],
                "current_peer": None,
                "ikev2_profile": None,
                "isakmp_profile": None,
                "acl": None,
                "sa_kilobytes": None,
                "sa_seconds": None,
                "pfs": None,
                "dh_group": None,
                "transform_sets": {},
                "interfaces": [],
                "incomplete": False,
                "lines": [number, number],
                "at": {"entry": number},
            }
            records.append(entry)
            claimed.add(number)
            where = None
            continue
        if entry is None:
            if line.startswith("Crypto Map:") or line.startswith('Crypto Map "'):
                claimed.add(number)
            continue
        if not line:
            continue
        claimed.add(number)
        entry["lines"][1] = number
        if line.startswith("WARNING: This crypto map is in an incomplete state"):
            entry["incomplete"] = True
            entry["at"]["incomplete"] = number
        elif line.startswith("Peer = "):
            entry["peers"].append(line[7:].strip())
            entry["at"].setdefault("peer", number)
        elif line.startswith("Current peer:"):
            entry["current_peer"] = line.split(":", 1)[1].strip()
        elif line.startswith("IKEv2 Profile:"):
            entry["ikev2_profile"] = line.split(":", 1)[1].strip()
        elif line.startswith("ISAKMP Profile:"):
            entry["isakmp_profile"] = line.split(":", 1)[1].strip()
        elif line.startswith("Extended IP access list "):
            entry["acl"] = line[len("Extended IP access list ") :].strip()
        elif line.startswith("Security association lifetime:"):
            m = _LIFETIME.search(line)
            if m:
                entry["sa_kilobytes"], entry["sa_seconds"] = (
                    int(m.group(1)),
                    int(m.group(2)),
                )
        elif line.startswith("PFS (Y/N):"):
            entry["pfs"] = line.endswith("Y")
        elif line.startswith("DH group:"):
            entry["dh_group"] = line.split(":", 1)[1].strip()
        elif line.startswith("Transform sets={"):
            where = "transforms"
        elif line.startswith("}"):
            where = None
        elif line.startswith("Interfaces using crypto map"):
            where = "interfaces"
            entry["at"]["interfaces"] = number
            rest = line.split(":", 1)[1].strip() if ":" in line else ""
            if rest:
                entry["interfaces"].append(rest)
        elif where == "transforms":
            m = _TRANSFORM.match(line)
            if m:
                entry["transform_sets"][m.group(1)] = m.group(2).split()
        elif where == "interfaces" and " " not in line:
            entry["interfaces"].append(line)
    if not records:
        return []
    first, last = min(claimed), max(claimed)
    source = Source(
        kind=IOS_SHOW_CRYPTO_MAP, first_line=first, last_line=last, records=records
    )
    source.claimed = claimed
    return [source]


# `show ip access-lists`: "Extended IP access list 110", then its numbered entries,
# indented or not: "    10 permit ip 10.1.1.0 0.0.0.255 any (12 matches)".
_ACL_HEAD = re.compile(r"^(Extended|Standard) IP access list (\S{1,64})\s*$")
_ACL_ENTRY = re.compile(
    r"^\s{0,8}(\d{1,10}) (permit|deny) +(.{1,400}?)(?: \((\d{1,20}) matches\))?\s*$"
)


def _after_ports(words: list[str], pos: int) -> int:
    """Past a port part as `show ip access-lists` prints it, where `eq` may be
    followed by several ports (`eq www whois domain`): up to the next address."""
    if pos < len(words) and words[pos] in ("eq", "neq", "lt", "gt"):
        pos += 1
        while pos < len(words) and not (
            words[pos] in ("any", "host", "object-group") or is_ipv4(words[pos])
        ):
            pos += 1
        return pos
    return skip_ports(words, pos)


def _shown_entry(acl: str, acl_type: str, match, number: int) -> dict:
    seq, action, rest, matches = match.groups()
    # A standard entry prints a network as "192.168.1.0, wildcard bits 0.0.0.255".
    words = rest.replace(", wildcard bits ", " ").split()
    standard = acl_type == "standard" and bool(words)
    if standard and not (words[0] in ("any", "host") or is_ipv4(words[0])):
        standard = False  # an entry with a protocol, read as an extended one
    if standard:
        source, _ = _address(words, 0)
        destination, protocol = {"any": True}, "ip"
    else:
        protocol = words[0] if words else None
        pos = 1
        if protocol == "object-group" and len(words) > 1:
            protocol, pos = words[1], 2
        source, pos = _address(words, pos)
        destination, _ = _address(words, _after_ports(words, pos))
    return {
        "type": "access_list_entry",
        "acl": acl,
        "acl_type": acl_type,
        "seq": int(seq),
        "action": action,
        "protocol": protocol,
        "source": source,
        "destination": destination,
        "matches": int(matches) if matches else None,
        "lines": [number, number],
        "at": {"entry": number},
    }


def parse_show_access_lists(section) -> list:
    """IOS `show ip access-lists` / `show access-lists`: each list's entries."""
    records, claimed = [], set()
    acl = None
    for index, line in enumerate(section.lines):
        number = section.numbers[index]
        if "IP access list" in line:
            head = _ACL_HEAD.match(line.strip())
            if head:
                acl = (head.group(2), head.group(1).lower())
                claimed.add(number)
                continue
        if acl is None:
            continue
        entry = _ACL_ENTRY.match(line) if "permit" in line or "deny" in line else None
        if entry is None:
            if line.strip():
                acl = None  # the list ended: what follows is another output
            continue
        records.append(_shown_entry(acl[0], acl[1], entry, number))
        claimed.add(number)
    if not records:
        return []
    source = Source(
        kind=IOS_SHOW_ACCESS_LISTS,
        first_line=min(claimed),
        last_line=max(claimed),
        records=records,
    )
    source.claimed = claimed
    return [source]


def parse(section):
    if any(_MAP_HEAD.match(line.strip()) for line in section.lines[:2000]):
        return parse_show_crypto_map(section)
    shown = parse_show_access_lists(section)
    platform, _asa, _ios = config_platform(section.lines)
    if platform != "ios":
        return shown
    reader = _Reader(section)
    reader.read_all()
    if not reader.records:
        return shown
    interfaces = {
        r["crypto_map"]: r["interface"]
        for r in reader.records
        if r["type"] == "interface" and r["crypto_map"]
    }
    for record in reader.records:
        if record["type"] == "crypto_map_entry":
            record["interface"] = interfaces.get(record["map"])
    return [*shown, reader.source(IOS_RUNNING_CONFIG)]
