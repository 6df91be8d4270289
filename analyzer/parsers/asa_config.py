"""ASA / PIX configuration: `show running-config [section]`, `write terminal`,
`more system:running-config`, or a fragment pasted with no prompt at all.

Kind ``asa.running_config``. One record per configuration object, told apart by
its ``type``:

- ``hostname`` (name), ``version`` (version, version_tuple, platform)
- ``interface`` (interface, nameif, security_level, ip, mask, standby, shutdown)
- ``name`` (address, name) from the `names` table
- ``object`` (object_type, name, host, network, mask, range_start, range_end, fqdn)
- ``object_group`` (group_type, name, members: [{host|network+mask|range|object|group}])
- ``access_list_entry`` (acl, acl_type, action, protocol, source, destination)
  where source/destination are address specs: {"any": True}, {"host": ip},
  {"network": ip, "mask": m}, {"object": name}, {"group": name}, {"interface": n}
- ``access_group`` (acl, direction, interface)
- ``static_nat`` (generation "pre-8.3" | "object" | "twice", real_interface,
  mapped_interface, real, mapped, netmask, identity, no_proxy_arp, route_lookup,
  destination_real, destination_mapped, section, order, object, acl)
- ``dynamic_nat`` (generation, real_interface, mapped_interface, real, mapped,
  nat_id, section, order, acl, destination_real, destination_mapped)
- ``nat_exempt`` (real_interface, acl) for `nat (inside) 0 access-list X`
- ``global`` (nat_id, interface, mapped)
- ``arp_permit_nonconnected``
- ``route`` (interface, network, mask, gateway, distance)
- ``isakmp_policy`` (ike_version, priority, authentication, encryption, hash,
  group, lifetime, prf)
- ``transform_set`` (ike_version, name, encryption [..], integrity [..], mode)
- ``crypto_map_entry`` / ``dynamic_map_entry`` (map, seq, match_address,
  peers [..], transform_sets [..], ike_version, pfs, sa_seconds, sa_kilobytes,
  dynamic_map, connection_type, phase1_mode, ikev2_mode, tfc_packets, interface)
- ``crypto_map_interface`` (map, interface)
- ``ike_enable`` (ike_version, interface)
- ``tunnel_group`` (name, tunnel_type, ikev1_psk, ikev2_local_psk,
  ikev2_remote_psk, ikev1_psk_label, ikev2_local_psk_label, ikev2_remote_psk_label
  (the redaction label of each key, see ios_config), trust_point (IKEv1),
  ikev2_local_cert, ikev2_remote_cert, default_group_policy, peer_id_validate)
- ``isakmp_key`` (address, netmask, psk_label) from PIX 6 `isakmp key ... address`
- ``class_map`` (name, match), ``inspect`` (policy_map, class_map, protocol,
  argument, legacy), ``service_policy`` (policy_map, scope, interface)

A pre-shared key counts as present whatever it reads: the device prints
`*****`, and redaction replaces a real key with a marker before parsing.
"""

from __future__ import annotations

import re

from analyzer.parsers.common import config_platform
from analyzer.parsers.config_reader import ConfigReader, is_ipv4, skip_ports
from analyzer.parsers.show_version import parse_version, version_token
from analyzer.redact import label_in
from analyzer.registry import ASA_RUNNING_CONFIG

COMMANDS = (
    "show running-config",
    "show startup-config",
    "show configuration",
    "write terminal",
    "more system:running-config",
)

_NAT_IFCS = re.compile(r"^\(([^,()\s]{1,64}),([^,()\s]{1,64})\)$")
_ONE_IFC = re.compile(r"^\(([^,()\s]{1,64})\)$")
_PROTOCOL_WORDS = frozenset(
    {"ip", "tcp", "udp", "icmp", "icmp6", "esp", "ah", "gre", "sctp", "ipinip", "pim"}
)


class _Reader(ConfigReader):
    """Walks the lines once, keeping the block that indented lines belong to."""

    def __init__(self, section):
        super().__init__(section)
        self.interfaces: dict[str, dict] = {}
        self.tunnel_groups: dict[str, dict] = {}
        self.crypto_entries: dict[tuple[str, str, str], dict] = {}
        self.map_interfaces: dict[str, str] = {}
        self.service_groups: set[str] = set()
        self.policy_map: str | None = None
        self.class_map: str | None = None
        self.nat_order = 0

    # --- the walk -------------------------------------------------------------

    def boundary(self, line, stripped):
        if stripped.startswith(("!", ":")) or stripped.startswith("Cryptochecksum:"):
            self.block = None
            return True
        return None

    def top(self, words, number):
        if words[0] == "no" and len(words) > 1:
            return self.read_negated(words[1:], number)
        return super().top(words, number)

    def child(self, words, number, indent):
        return self.read_child(words, number)

    # --- top-level lines ------------------------------------------------------

    def t_hostname(self, words, number):
        if len(words) > 1:
            self.add("hostname", number, name=words[1])

    def t_version(self, words, number):
        # "ASA Version 9.8(4)20 <context>", "PIX Version 6.3(5)", "FWSM Version 3.2(4)"
        if len(words) > 2 and words[1] == "Version":
            version = version_token(words[2])
            platform = words[0].lower()
            self.add(
                "version",
                number,
                platform=platform,
                version=version,
                version_tuple=list(parse_version(version) or ()) or None,
            )

    def t_interface(self, words, number):
        if len(words) < 2:
            return
        name = words[1]
        record = self.interfaces.get(name)
        if record is None:
            record = self.add(
                "interface",
                number,
                interface=name,
                nameif=None,
                security_level=None,
                ip=None,
                mask=None,
                standby=None,
                shutdown=False,
                description=None,
            )
            self.interfaces[name] = record
        self.block = ("interface", record)

    def c_interface(self, record, words, number):
        self.touch(record, number)
        if words[0] == "nameif" and len(words) > 1:
            record["nameif"] = words[1]
        elif words[0] == "security-level" and len(words) > 1 and words[1].isdecimal():
            record["security_level"] = int(words[1])
        elif words[:2] == ["ip", "address"] and len(words) >= 4 and is_ipv4(words[2]):
            record["ip"], record["mask"] = words[2], words[3]
            record["at"] = {"ip": number}
            if len(words) >= 6 and words[4] == "standby":
                record["standby"] = words[5]
        elif words[0] == "shutdown":
            record["shutdown"] = True
        elif words[0] == "description":
            record["description"] = " ".join(words[1:])
        return True

    def t_nameif(self, words, number):
        # PIX 6: "nameif ethernet0 outside security0"
        if len(words) < 3:
            return
        record = self.add(
            "interface",
            number,
            interface=words[1],
            nameif=words[2],
            security_level=None,
            ip=None,
            mask=None,
            standby=None,
            shutdown=False,
            description=None,
        )
        if (
            len(words) > 3
            and words[3].startswith("security")
            and words[3][8:].isdecimal()
        ):
            record["security_level"] = int(words[3][8:])
        self.interfaces[words[1]] = record

    def t_ip(self, words, number):
        # PIX 6: "ip address outside 203.0.113.2 255.255.255.0"
        if len(words) >= 5 and words[1] == "address" and is_ipv4(words[3]):
            for record in self.interfaces.values():
                if record["nameif"] == words[2]:
                    record["ip"], record["mask"] = words[3], words[4]
                    record["at"] = {"ip": number}
                    self.touch(record, number)
                    return
            self.add(
                "interface",
                number,
                interface=words[2],
                nameif=words[2],
                security_level=None,
                ip=words[3],
                mask=words[4],
                standby=None,
                shutdown=False,
                description=None,
            )

    def t_name(self, words, number):
        if len(words) >= 3 and is_ipv4(words[1]):
            self.add("name", number, address=words[1], name=words[2])

    def t_object(self, words, number):
        if len(words) < 3:
            return
        record = self.add(
            "object",
            number,
            object_type=words[1],
            name=words[2],
            host=None,
            network=None,
            mask=None,
            range_start=None,
            range_end=None,
            fqdn=None,
        )
        self.block = ("object", record)

    def c_object(self, record, words, number):
        if words[0] == "nat" and len(words) > 1:
            self.read_object_nat(record, words, number)
            return True
        self.touch(record, number)
        if words[0] == "host" and len(words) > 1:
            record["host"] = words[1]
        elif words[0] == "subnet" and len(words) > 2:
            record["network"], record["mask"] = words[1], words[2]
        elif words[0] == "subnet" and len(words) == 2 and "/" in words[1]:
            record["network"], _, record["mask"] = words[1].partition("/")
        elif words[0] == "range" and len(words) > 2:
            record["range_start"], record["range_end"] = words[1], words[2]
        elif words[0] == "fqdn" and len(words) > 1:
            record["fqdn"] = words[-1]
        elif words[0] == "service" and len(words) > 1:
            record["service"] = " ".join(words[1:])
        return True

    def t_object_group(self, words, number):
        if len(words) < 3:
            return
        record = self.add(
            "object_group", number, group_type=words[1], name=words[2], members=[]
        )
        if words[1] in ("service", "protocol", "icmp-type"):
            self.service_groups.add(words[2])
        self.block = ("object_group", record)

    def c_object_group(self, record, words, number):
        self.touch(record, number)
        head = words[0]
        members = record["members"]
        if head == "network-object" and len(words) > 1:
            if words[1] == "host" and len(words) > 2:
                members.append({"host": words[2]})
            elif words[1] == "object" and len(words) > 2:
                members.append({"object": words[2]})
            elif len(words) > 2:
                members.append({"network": words[1], "mask": words[2]})
            elif "/" in words[1]:
                net, _, mask = words[1].partition("/")
                members.append({"network": net, "mask": mask})
            else:
                members.append({"host": words[1]})
        elif head == "group-object" and len(words) > 1:
            members.append({"group": words[1]})
        elif head in ("port-object", "service-object", "protocol-object"):
            members.append({head.split("-")[0]: " ".join(words[1:])})
        return True

    def t_access_list(self, words, number):
        if len(words) < 3:
            return
        acl = words[1]
        rest = words[2:]
        if rest[0] == "line" and len(rest) > 2:
            rest = rest[2:]
        acl_type = "extended"
        if rest[0] in ("extended", "standard", "webtype", "ethertype", "remark"):
            acl_type = rest[0]
            if acl_type == "remark":
                return
            rest = rest[1:]
        if not rest or rest[0] not in ("permit", "deny"):
            return
        action = rest[0]
        rest = rest[1:]
        entry = {
            "acl": acl,
            "acl_type": acl_type,
            "action": action,
            "protocol": None,
            "source": None,
            "destination": None,
            "inactive": "inactive" in rest,
        }
        if acl_type == "standard":
            entry["protocol"] = "ip"
            entry["source"] = {"any": True}
            entry["destination"], _ = _address(rest, 0)
        elif acl_type == "extended":
            pos = 0
            if rest and rest[0] in ("object", "object-group") and len(rest) > 1:
                entry["protocol"] = rest[1]
                pos = 2
            elif rest:
                entry["protocol"] = rest[0]
                pos = 1
            entry["source"], pos = _address(rest, pos)
            pos = skip_ports(rest, pos, self.service_groups)
            entry["destination"], pos = _address(rest, pos)
        if entry["source"] is None or entry["destination"] is None:
            return  # cut short: nothing a check could rely on
        self.add("access_list_entry", number, **entry)

    def t_access_group(self, words, number):
        # "access-group OUTSIDE_acl in interface outside", "access-group X global"
        if len(words) >= 3:
            interface = (
                words[4] if len(words) >= 5 and words[3] == "interface" else None
            )
            self.add(
                "access_group",
                number,
                acl=words[1],
                direction=words[2],
                interface=interface,
            )

    def t_static(self, words, number):
        # static (real_ifc,mapped_ifc) [tcp|udp] mapped [mport] real [rport]
        #        [netmask m] | mapped access-list ACL
        if len(words) < 3:
            return
        m = _NAT_IFCS.match(words[1])
        if not m:
            return
        rest = words[2:]
        protocol = mapped_port = real_port = None
        if rest[0] in ("tcp", "udp"):
            protocol = rest[0]
            rest = rest[1:]
        if len(rest) < 2:
            return
        mapped = rest[0]
        rest = rest[1:]
        if protocol and rest:
            mapped_port, rest = rest[0], rest[1:]
        acl = None
        real = None
        if rest and rest[0] == "access-list" and len(rest) > 1:
            acl = rest[1]
            rest = rest[2:]
        elif rest:
            real, rest = rest[0], rest[1:]
            if protocol and rest:
                real_port, rest = rest[0], rest[1:]
        netmask = None
        if "netmask" in rest:
            at = rest.index("netmask")
            if at + 1 < len(rest):
                netmask = rest[at + 1]
        self.nat_order += 1
        self.add(
            "static_nat",
            number,
            generation="pre-8.3",
            real_interface=m.group(1),
            mapped_interface=m.group(2),
            real=real,
            mapped=mapped,
            netmask=netmask,
            protocol=protocol,
            real_port=real_port,
            mapped_port=mapped_port,
            acl=acl,
            identity=real is not None and real == mapped,
            no_proxy_arp="no-proxy-arp" in rest,
            route_lookup="route-lookup" in rest,
            destination_real=None,
            destination_mapped=None,
            object=None,
            section=None,
            order=self.nat_order,
        )

    def t_global(self, words, number):
        # global (outside) 1 interface | 22.22.22.10-22.22.22.20 [netmask m]
        if len(words) >= 4:
            m = _ONE_IFC.match(words[1])
            if m:
                self.add(
                    "global",
                    number,
                    nat_id=words[2],
                    interface=m.group(1),
                    mapped=words[3],
                )

    def t_nat(self, words, number):
        if len(words) < 3:
            return
        two = _NAT_IFCS.match(words[1])
        if two:
            self.read_twice_nat(two.group(1), two.group(2), words[2:], number)
            return
        one = _ONE_IFC.match(words[1])
        if not one:
            return
        # Pre-8.3: nat (inside) 0 access-list NONAT | nat (inside) 1 net mask
        ifc = one.group(1)
        nat_id = words[2]
        rest = words[3:]
        acl = rest[1] if len(rest) > 1 and rest[0] == "access-list" else None
        self.nat_order += 1
        if nat_id == "0" and acl:
            self.add(
                "nat_exempt", number, real_interface=ifc, acl=acl, order=self.nat_order
            )
            return
        real = None
        if acl is None and len(rest) >= 2:
            real = {"network": rest[0], "mask": rest[1]}
        elif acl is None and rest:
            real = {"host": rest[0]}
        if nat_id == "0":
            # nat 0 with an address: identity NAT, no translation either.
            self.add(
                "nat_exempt",
                number,
                real_interface=ifc,
                acl=None,
                real=real,
                order=self.nat_order,
            )
            return
        self.add(
            "dynamic_nat",
            number,
            generation="pre-8.3",
            real_interface=ifc,
            mapped_interface=None,
            real=real,
            mapped=None,
            nat_id=nat_id,
            acl=acl,
            destination_real=None,
            destination_mapped=None,
            object=None,
            section=None,
            order=self.nat_order,
        )

    def read_twice_nat(self, real_ifc, mapped_ifc, rest, number):
        section = 1
        if rest and rest[0] == "after-auto":
            section = 3
            rest = rest[1:]
        if rest and rest[0] == "line" and len(rest) > 1:
            rest = rest[2:]
        if len(rest) < 3 or rest[0] != "source":
            return
        mode = rest[1]
        real = rest[2]
        pos = 3
        mapped = None
        if pos < len(rest) and (
            rest[pos] == "interface" or rest[pos] not in _NAT_OPTIONS
        ):
            mapped = rest[pos]
            pos += 1
            if mapped == "pat-pool" and pos < len(rest):
                mapped = "pat-pool " + rest[pos]
                pos += 1
        dest_mapped = dest_real = None
        if pos + 3 < len(rest) + 0 and rest[pos] == "destination":
            dest_mapped, dest_real = rest[pos + 2], rest[pos + 3]
        tail = rest[pos:]
        self.nat_order += 1
        common = {
            "generation": "twice",
            "real_interface": real_ifc,
            "mapped_interface": mapped_ifc,
            "real": real,
            "mapped": mapped,
            "destination_real": dest_real,
            "destination_mapped": dest_mapped,
            "object": None,
            "section": section,
            "order": self.nat_order,
            "inactive": "inactive" in tail,
        }
        if mode == "static" and mapped is not None:
            self.add(
                "static_nat",
                number,
                netmask=None,
                protocol=None,
                real_port=None,
                mapped_port=None,
                acl=None,
                identity=mapped == real,
                no_proxy_arp="no-proxy-arp" in tail,
                route_lookup="route-lookup" in tail,
                **common,
            )
        else:
            self.add("dynamic_nat", number, nat_id=None, acl=None, **common)

    def read_object_nat(self, obj, words, number):
        # " nat (inside,outside) static 22.22.22.22 [service tcp 25 25] [no-proxy-arp]"
        if len(words) < 3:
            return
        m = _NAT_IFCS.match(words[1])
        if not m:
            return
        mode = words[2]
        rest = words[3:]
        mapped = (
            rest[0]
            if rest and (rest[0] == "interface" or rest[0] not in _NAT_OPTIONS)
            else None
        )
        if mapped == "pat-pool" and len(rest) > 1:
            mapped = "pat-pool " + rest[1]
        self.nat_order += 1
        common = {
            "generation": "object",
            "real_interface": m.group(1),
            "mapped_interface": m.group(2),
            "real": obj["name"],
            "mapped": mapped,
            "destination_real": None,
            "destination_mapped": None,
            "object": obj["name"],
            "section": 2,
            "order": self.nat_order,
        }
        if mode == "static" and mapped is not None:
            self.add(
                "static_nat",
                number,
                netmask=None,
                protocol=rest[rest.index("service") + 1]
                if "service" in rest[:-1]
                else None,
                real_port=None,
                mapped_port=None,
                acl=None,
                identity=mapped == obj["name"],
                no_proxy_arp="no-proxy-arp" in rest,
                route_lookup="route-lookup" in rest,
                **common,
            )
        elif mode == "dynamic":
            self.add("dynamic_nat", number, nat_id=None, acl=None, **common)

    def t_arp(self, words, number):
        if words[1:2] == ["permit-nonconnected"]:
            self.add("arp_permit_nonconnected", number)

    def t_route(self, words, number):
        # route outside 0.0.0.0 0.0.0.0 203.0.113.1 [1] [track n]
        if len(words) >= 5:
            distance = (
                int(words[5]) if len(words) > 5 and words[5].isdecimal() else None
            )
            self.add(
                "route",
                number,
                interface=words[1],
                network=words[2],
                mask=words[3],
                gateway=words[4],
                distance=distance,
            )

    def t_crypto(self, words, number):
        if len(words) < 3:
            return
        second = words[1]
        if second in ("ikev1", "ikev2", "isakmp"):
            version = "2" if second == "ikev2" else "1"
            if words[2] == "policy" and len(words) > 3:
                record = self.add(
                    "isakmp_policy",
                    number,
                    ike_version=version,
                    priority=words[3],
                    authentication=None,
                    encryption=None,
                    hash=None,
                    group=None,
                    lifetime=None,
                    prf=None,
                )
                self.block = ("isakmp_policy", record)
            elif words[2] == "enable" and len(words) > 3:
                self.add("ike_enable", number, ike_version=version, interface=words[3])
        elif second == "ipsec":
            self.read_ipsec(words, number)
        elif second == "map":
            self.read_crypto_map(words, number, dynamic=False)
        elif second == "dynamic-map":
            self.read_crypto_map(words, number, dynamic=True)

    def c_isakmp_policy(self, record, words, number):
        self.touch(record, number)
        if len(words) < 2:
            return True
        value = " ".join(words[1:])
        key = {
            "authentication": "authentication",
            "encryption": "encryption",
            "hash": "hash",
            "integrity": "hash",
            "group": "group",
            "lifetime": "lifetime",
            "prf": "prf",
        }.get(words[0])
        if key == "lifetime" and words[1] == "seconds" and len(words) > 2:
            value = words[2]
        if key:
            record[key] = value
        return True

    def t_isakmp(self, words, number):
        # PIX 6: "isakmp enable outside", "isakmp policy 10 encryption 3des",
        # "isakmp key ******** address 203.0.113.9 netmask 255.255.255.255"
        if len(words) >= 3 and words[1] == "enable":
            self.add("ike_enable", number, ike_version="1", interface=words[2])
        elif len(words) >= 5 and words[1] == "policy":
            key = self.policy_key(words[2], number)
            self.c_isakmp_policy(key, words[3:], number)
        elif len(words) >= 5 and words[1] == "key" and "address" in words:
            at = words.index("address")
            if at + 1 < len(words):
                netmask = None
                if len(words) > at + 3 and words[at + 2] == "netmask":
                    netmask = words[at + 3]
                self.add(
                    "isakmp_key",
                    number,
                    address=words[at + 1],
                    netmask=netmask,
                    psk_label=label_in(words[2:at]),
                )

    def policy_key(self, priority, number):
        for record in self.records:
            if record["type"] == "isakmp_policy" and record["priority"] == priority:
                return record
        return self.add(
            "isakmp_policy",
            number,
            ike_version="1",
            priority=priority,
            authentication=None,
            encryption=None,
            hash=None,
            group=None,
            lifetime=None,
            prf=None,
        )

    def read_ipsec(self, words, number):
        # crypto ipsec transform-set NAME t1 t2 | crypto ipsec ikev1 transform-set ...
        # crypto ipsec ikev2 ipsec-proposal NAME (block)
        rest = words[2:]
        version = "1"
        if rest and rest[0] in ("ikev1", "ikev2"):
            version = rest[0][-1]
            rest = rest[1:]
        if len(rest) >= 2 and rest[0] == "transform-set":
            name = rest[1]
            transforms = rest[2:]
            if transforms[:1] == ["mode"]:
                for record in self.records:
                    if record["type"] == "transform_set" and record["name"] == name:
                        record["mode"] = transforms[1] if len(transforms) > 1 else None
                        self.touch(record, number)
                        return
                return
            encryption = [t for t in transforms if not _is_integrity(t)]
            integrity = [t for t in transforms if _is_integrity(t)]
            self.add(
                "transform_set",
                number,
                ike_version=version,
                name=name,
                encryption=encryption,
                integrity=integrity,
                mode=None,
            )
        elif len(rest) >= 2 and rest[0] == "ipsec-proposal":
            record = self.add(
                "transform_set",
                number,
                ike_version="2",
                name=rest[1],
                encryption=[],
                integrity=[],
                mode=None,
            )
            self.block = ("proposal", record)

    def c_proposal(self, record, words, number):
        self.touch(record, number)
        if (
            len(words) >= 3
            and words[0] == "protocol"
            and words[2]
            in (
                "encryption",
                "integrity",
            )
        ):
            record[words[2]] = words[3:]
        return True

    def read_crypto_map(self, words, number, dynamic):
        # crypto map NAME SEQ <attribute...> | crypto map NAME interface IFC
        if len(words) < 4:
            return
        name = words[2]
        if words[3] == "interface" and len(words) > 4 and not dynamic:
            self.map_interfaces[name] = words[4]
            self.add("crypto_map_interface", number, map=name, interface=words[4])
            for (kind, mname, _), entry in self.crypto_entries.items():
                if kind == "map" and mname == name:
                    entry["interface"] = words[4]
            return
        if not words[3].isdecimal():
            return
        entry = self.map_entry(name, words[3], number, dynamic)
        self.read_map_attribute(entry, words[4:], number, negated=False)

    def map_entry(self, name, seq, number, dynamic):
        key = ("dynamic" if dynamic else "map", name, seq)
        entry = self.crypto_entries.get(key)
        if entry is None:
            entry = self.add(
                "dynamic_map_entry" if dynamic else "crypto_map_entry",
                number,
                map=name,
                seq=seq,
                match_address=None,
                peers=[],
                transform_sets=[],
                ike_version=None,
                pfs=None,
                sa_seconds=None,
                sa_kilobytes=None,
                dynamic_map=None,
                connection_type=None,
                phase1_mode=None,
                ikev2_mode=None,
                tfc_packets=None,
                interface=None if dynamic else self.map_interfaces.get(name),
                at={},
            )
            self.crypto_entries[key] = entry
        else:
            self.touch(entry, number)
        return entry

    def read_map_attribute(self, entry, rest, number, negated):
        if not rest:
            return
        at = entry["at"]
        if rest[0] == "match" and len(rest) > 2 and rest[1] == "address":
            entry["match_address"] = rest[2]
            at["match_address"] = number
        elif rest[0] == "ipsec-isakmp":
            if len(rest) > 2 and rest[1] == "dynamic":
                entry["dynamic_map"] = rest[2]
        elif rest[0] != "set" or len(rest) < 2:
            return
        else:
            attr = rest[1]
            args = rest[2:]
            if attr == "peer":
                entry["peers"] = args
                at["peer"] = number
            elif attr == "transform-set":
                entry["transform_sets"] = args
                entry["ike_version"] = entry["ike_version"] or "ikev1"
                at["transform_set"] = number
            elif attr in ("ikev1", "ikev2") and args:
                if args[0] == "transform-set" or args[0] == "ipsec-proposal":
                    entry["transform_sets"] = args[1:]
                    entry["ike_version"] = attr
                    at["transform_set"] = number
                elif attr == "ikev1" and args[0] == "phase1-mode" and len(args) > 1:
                    entry["phase1_mode"] = args[1]
                elif attr == "ikev2" and args[0] == "mode" and len(args) > 1:
                    entry["ikev2_mode"] = args[1]
            elif attr == "pfs":
                entry["pfs"] = args[0] if args else "group2"
            elif attr == "connection-type" and args:
                entry["connection_type"] = args[0]
            elif attr == "tfc-packets":
                entry["tfc_packets"] = not negated
            elif attr == "security-association" and args[:1] == ["lifetime"]:
                for unit, value in zip(args[1::2], args[2::2], strict=False):
                    if unit == "seconds":
                        entry["sa_seconds"] = value
                    elif unit == "kilobytes":
                        entry["sa_kilobytes"] = value

    def read_negated(self, words, number):
        # "no crypto map M 10 set tfc-packets" (show run all), "no fixup protocol smtp 25"
        if words[:2] == ["crypto", "map"] and len(words) > 4 and words[3].isdecimal():
            key = ("map", words[2], words[3])
            entry = self.crypto_entries.get(key)
            if entry is not None:
                self.touch(entry, number)
                self.read_map_attribute(entry, words[4:], number, negated=True)
        return True

    def t_tunnel_group(self, words, number):
        # tunnel-group NAME type ipsec-l2l | tunnel-group NAME ipsec-attributes
        if len(words) < 3:
            return
        name = words[1]
        record = self.tunnel_groups.get(name)
        if record is None:
            record = self.add(
                "tunnel_group",
                number,
                name=name,
                tunnel_type=None,
                ikev1_psk=False,
                ikev2_local_psk=False,
                ikev2_remote_psk=False,
                ikev1_psk_label=None,
                ikev2_local_psk_label=None,
                ikev2_remote_psk_label=None,
                trust_point=None,
                ikev2_local_cert=None,
                ikev2_remote_cert=False,
                default_group_policy=None,
                peer_id_validate=None,
                at={"name": number},
            )
            self.tunnel_groups[name] = record
        else:
            self.touch(record, number)
        if words[2] == "type" and len(words) > 3:
            record["tunnel_type"] = words[3]
            record["at"]["type"] = number
        elif words[2].endswith("-attributes"):
            self.block = ("tunnel_group", record)

    def c_tunnel_group(self, record, words, number):
        self.touch(record, number)
        at = record["at"]
        head = words[0]
        # Any value after the keyword is a key: "*****" as the device shows it, a
        # redaction marker, or the key itself in a config file.
        if head == "pre-shared-key" and len(words) > 1:
            record["ikev1_psk"] = True
            record["ikev1_psk_label"] = label_in(words[1:])
            at["psk"] = number
        elif head == "ikev1" and len(words) > 2 and words[1] == "pre-shared-key":
            record["ikev1_psk"] = True
            record["ikev1_psk_label"] = label_in(words[2:])
            at["psk"] = number
        elif head == "ikev2" and len(words) > 2 and words[1] == "remote-authentication":
            if words[2] == "pre-shared-key" and len(words) > 3:
                record["ikev2_remote_psk"] = True
                record["ikev2_remote_psk_label"] = label_in(words[3:])
                at["psk"] = number
            elif words[2] == "certificate":
                record["ikev2_remote_cert"] = True
        elif head == "ikev2" and len(words) > 2 and words[1] == "local-authentication":
            if words[2] == "pre-shared-key" and len(words) > 3:
                record["ikev2_local_psk"] = True
                record["ikev2_local_psk_label"] = label_in(words[3:])
                at["psk"] = number
            elif words[2] == "certificate" and len(words) > 3:
                record["ikev2_local_cert"] = words[3]
        elif head in ("trust-point", "ikev1") and len(words) > 1:
            if head == "trust-point":
                record["trust_point"] = words[1]
            elif words[1] == "trust-point" and len(words) > 2:
                record["trust_point"] = words[2]
        elif head == "default-group-policy" and len(words) > 1:
            record["default_group_policy"] = words[1]
        elif head == "peer-id-validate" and len(words) > 1:
            record["peer_id_validate"] = words[1]
        return True

    def t_class_map(self, words, number):
        if len(words) >= 2:
            name = words[-1]
            record = self.add("class_map", number, name=name, match=None)
            self.block = ("class_map", record)

    def c_class_map(self, record, words, number):
        self.touch(record, number)
        if words[0] == "match":
            record["match"] = " ".join(words[1:])
        return True

    def t_policy_map(self, words, number):
        if len(words) >= 2 and words[1] != "type":
            self.policy_map = words[1]
            self.class_map = None
            self.block = ("policy_map", None)
        elif len(words) >= 4:
            # "policy-map type inspect esmtp _default_esmtp_map": parameters only.
            self.policy_map = None
            self.block = ("skip", None)

    def c_policy_map(self, _record, words, number):
        if words[0] == "class" and len(words) > 1:
            self.class_map = words[1]
        elif words[0] == "inspect" and len(words) > 1:
            self.add(
                "inspect",
                number,
                policy_map=self.policy_map,
                class_map=self.class_map,
                protocol=words[1],
                argument=" ".join(words[2:]) or None,
                legacy=False,
            )
        return True

    def t_service_policy(self, words, number):
        # service-policy global_policy global | service-policy P interface outside
        if len(words) >= 3:
            interface = words[3] if words[2] == "interface" and len(words) > 3 else None
            scope = "interface" if interface else words[2]
            self.add(
                "service_policy",
                number,
                policy_map=words[1],
                scope=scope,
                interface=interface,
            )

    def t_fixup(self, words, number):
        # PIX 6 / early ASA: "fixup protocol smtp 25" is the ESMTP inspection.
        if len(words) >= 3 and words[1] == "protocol":
            self.add(
                "inspect",
                number,
                policy_map=None,
                class_map=None,
                protocol=words[2],
                argument=" ".join(words[3:]) or None,
                legacy=True,
            )

    def read_child(self, words, number):
        kind, record = self.block
        handler = _CHILD.get(kind)
        if handler is None:
            return True
        return handler(self, record, words, number)


_NAT_OPTIONS = frozenset(
    {
        "destination",
        "service",
        "dns",
        "unidirectional",
        "no-proxy-arp",
        "route-lookup",
        "inactive",
        "description",
        "net-to-net",
        "extended",
        "flat",
        "include-reserve",
        "round-robin",
        "interface",
        "block-allocation",
    }
)


def _is_integrity(transform: str) -> bool:
    return "hmac" in transform or transform in ("esp-none", "ah-md5-hmac")


def _address(words: list[str], pos: int) -> tuple[dict | None, int]:
    """Read one ACL address spec at ``words[pos]``; return it and the next index."""
    if pos >= len(words):
        return None, pos
    word = words[pos]
    if word in ("any", "any4", "any6"):
        return {"any": True}, pos + 1
    if word in ("host", "object", "object-group", "interface") and pos + 1 >= len(
        words
    ):
        return None, pos + 1
    if word == "host" and pos + 1 < len(words):
        return {"host": words[pos + 1]}, pos + 2
    if word == "object" and pos + 1 < len(words):
        return {"object": words[pos + 1]}, pos + 2
    if word == "object-group" and pos + 1 < len(words):
        return {"group": words[pos + 1]}, pos + 2
    if word == "interface" and pos + 1 < len(words):
        return {"interface": words[pos + 1]}, pos + 2
    if "/" in word:
        net, _, mask = word.partition("/")
        return {"network": net, "mask": mask}, pos + 1
    if pos + 1 < len(words) and is_ipv4(words[pos + 1]):
        return {"network": word, "mask": words[pos + 1]}, pos + 2
    # A `names` entry in place of a host address.
    return {"host": word}, pos + 1


_TOP = {
    "hostname": _Reader.t_hostname,
    "ASA": _Reader.t_version,
    "PIX": _Reader.t_version,
    "FWSM": _Reader.t_version,
    "interface": _Reader.t_interface,
    "nameif": _Reader.t_nameif,
    "ip": _Reader.t_ip,
    "name": _Reader.t_name,
    "object": _Reader.t_object,
    "object-group": _Reader.t_object_group,
    "access-list": _Reader.t_access_list,
    "access-group": _Reader.t_access_group,
    "static": _Reader.t_static,
    "global": _Reader.t_global,
    "nat": _Reader.t_nat,
    "arp": _Reader.t_arp,
    "route": _Reader.t_route,
    "crypto": _Reader.t_crypto,
    "isakmp": _Reader.t_isakmp,
    "tunnel-group": _Reader.t_tunnel_group,
    "class-map": _Reader.t_class_map,
    "policy-map": _Reader.t_policy_map,
    "service-policy": _Reader.t_service_policy,
    "fixup": _Reader.t_fixup,
}

_CHILD = {
    "interface": _Reader.c_interface,
    "object": _Reader.c_object,
    "object_group": _Reader.c_object_group,
    "isakmp_policy": _Reader.c_isakmp_policy,
    "proposal": _Reader.c_proposal,
    "tunnel_group": _Reader.c_tunnel_group,
    "class_map": _Reader.c_class_map,
    "policy_map": _Reader.c_policy_map,
}

_Reader.TOP = _TOP

# First words of configuration lines this parser understands as configuration
# without reading anything from them.
_KNOWN_TOP = frozenset(
    """
    aaa aaa-server access-list asdm arp auth-prompt banner boot call-home clock
    command-alias configure console context crashinfo cryptochecksum ddns dhcp-client
    dhcpd dhcprelay dns dns-guard domain-name dynamic-access-policy-record enable
    end established failover filter firewall fragment ftp group-delimiter
    group-policy hpm http icmp imagename interface ip ipsec ipv6 jumbo-frame
    management-access mac-address mac-address-table monitor-interface mtu names
    no ntp object pager passwd prefix-list privilege prompt quit redundancy router
    same-security-traffic service smtp-server snmp-map snmp-server ssh ssl
    sysopt telnet terminal tftp-server threat-detection timeout tls-proxy
    user-identity username vpn vpn-addr-assign vpn-sessiondb webvpn xlate
    license neighbor resource scansafe flow-export multicast-routing
    """.split()
)
_Reader.KNOWN_TOP = _KNOWN_TOP


def _packet_tracer_config_lines(section) -> set[int]:
    """Indexes of the `Config:` excerpts packet-tracer prints: configuration lines
    that belong to that output, not to a pasted configuration."""
    skip: set[int] = set()
    inside = False
    if not any(line.startswith("Phase: ") for line in section.lines):
        return skip
    for index, line in enumerate(section.lines):
        if line.startswith("Config:"):
            inside = True
            continue
        if line.startswith(("Additional Information:", "Phase: ", "Result:")):
            inside = False
        if inside:
            skip.add(index)
    return skip


# The ASA's default inspection policy: a `show run policy-map` pasted on its own
# carries nothing else that says ASA.
_ASA_POLICY_MARKS = ("policy-map global_policy", "class inspection_default")


def _asa_policy_only(lines) -> bool:
    return any(line.strip().startswith(_ASA_POLICY_MARKS) for line in lines[:400])


def parse(section):
    platform, _asa, _ios = config_platform(section.lines)
    if platform is None and _asa_policy_only(section.lines):
        platform = "asa"
    if platform != "asa":
        return []
    by_command = bool(section.command)
    skip = set() if by_command else _packet_tracer_config_lines(section)
    reader = _Reader(section)
    reader.read_all(skip)
    source = reader.source(ASA_RUNNING_CONFIG)
    return [source] if source else []
