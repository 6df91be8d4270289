"""The configuration of one device, as the rules read it: ASA and IOS alike.

A paste often holds a configuration in pieces (`show run crypto`, `show run
tunnel-group`, `show run nat` pasted apart, or the same section twice). Every
configuration source of one platform is read as one device: the parsers' records,
deduplicated, indexed by type, with each access list in order. What differs by
platform is how an ACL line names its addresses: the ASA by netmask, `name`s,
objects and object-groups; IOS by wildcard. Both resolve to address ranges
(:mod:`analyzer.addresses`) that the rules compare. Pure Python.
"""

from __future__ import annotations

from analyzer.addresses import (
    MAX_IP,
    ipv4_to_int,
    mask_range,
    mask_to_prefix,
    net_range,
)
from analyzer.parsers.common import distinct_records


class DeviceConfig:
    """The records of every configuration source of one platform in a paste."""

    def __init__(self, sources):
        self.records = distinct_records(sources)
        self.by_type: dict[str, list[dict]] = {}
        for record in self.records:
            self.by_type.setdefault(record["type"], []).append(record)
        self.acls: dict[str, list[dict]] = {}
        for ace in self.of("access_list_entry"):
            self.acls.setdefault(ace["acl"], []).append(ace)

    def of(self, kind: str) -> list[dict]:
        return self.by_type.get(kind, [])

    def acl(self, name: str | None) -> list[dict]:
        """The lines of an access list, in order."""
        return self.acls.get(name, [])

    def crypto_acl_entries(self) -> list[tuple[dict, dict]]:
        """(crypto map entry, permit line of its crypto ACL) for every static or
        dynamic map entry that names an ACL the paste holds."""
        out = []
        for entry in self.records:
            if entry["type"] not in ("crypto_map_entry", "dynamic_map_entry"):
                continue
            for ace in self.acl(entry.get("match_address")):
                if ace.get("action") == "permit":
                    out.append((entry, ace))
        return out


class AsaConfig(DeviceConfig):
    """An ASA (or PIX) configuration: ACL words name addresses, `name`s, network
    objects and object-groups."""

    def __init__(self, sources):
        super().__init__(sources)
        self.names = {r["name"]: r["address"] for r in self.of("name")}
        self.objects = {r["name"]: r for r in self.of("object")}
        # `object network X` appears twice in `show run` (definition, then NAT):
        # the definition is the one with an address.
        for r in self.of("object"):
            known = self.objects.get(r["name"])
            if known is not r and _has_address(r):
                self.objects[r["name"]] = r
        self.groups = {r["name"]: r for r in self.of("object_group")}
        self.tunnel_groups = {r["name"]: r for r in self.of("tunnel_group")}
        self.nat_order: list[dict] | None = None
        self._operands: dict[tuple, list | None] = {}

    @property
    def is_full(self) -> bool:
        """True when the paste holds a whole configuration, not one section."""
        return bool(self.of("hostname") or self.of("version")) and bool(
            self.of("interface")
        )

    def address(self, word: str | None) -> str | None:
        """A plain address for an address, a `names` entry or a host object."""
        if word is None:
            return None
        if ipv4_to_int(word) is not None:
            return word
        if word in self.names:
            return self.names[word]
        obj = self.objects.get(word)
        if obj is not None and obj.get("host"):
            return self.address(obj["host"])
        return None

    def operand_ranges(self, word, netmask=None, depth=0):
        """Address ranges [(low, high)] a NAT operand or ACL word stands for, or
        None when it cannot be told from the paste."""
        if word is None or depth > 8:
            return None
        key = (word, netmask)
        if depth == 0:
            if key not in self._operands:
                self._operands[key] = self._operand_ranges(word, netmask, depth)
            return self._operands[key]
        return self._operand_ranges(word, netmask, depth)

    def _operand_ranges(self, word, netmask, depth):
        if word in ("any", "any4"):
            return [(0, MAX_IP)]
        ip = ipv4_to_int(self.names.get(word, word))
        if ip is not None:
            return [net_range(ip, netmask or "255.255.255.255")]
        obj = self.objects.get(word)
        if obj is not None:
            return self.object_ranges(obj)
        group = self.groups.get(word)
        if group is not None:
            return self.spec_ranges({"group": word}, depth + 1)
        return None

    def object_ranges(self, obj):
        if obj.get("host"):
            ip = ipv4_to_int(self.names.get(obj["host"], obj["host"]))
            return [(ip, ip)] if ip is not None else None
        if obj.get("network"):
            ip = ipv4_to_int(obj["network"])
            if ip is None or mask_to_prefix(obj["mask"]) is None:
                return None
            return [net_range(ip, obj["mask"])]
        if obj.get("range_start"):
            low, high = ipv4_to_int(obj["range_start"]), ipv4_to_int(obj["range_end"])
            if low is None or high is None:
                return None
            return [(low, high)]
        return None

    def spec_ranges(self, spec, depth=0):
        """Ranges of an ACL address spec ({"host": ..}, {"group": ..}, ...)."""
        if not spec or depth > 8:
            return None
        if spec.get("any"):
            return [(0, MAX_IP)]
        if "host" in spec:
            return self.operand_ranges(spec["host"], depth=depth + 1)
        if "network" in spec:
            ip = ipv4_to_int(self.names.get(spec["network"], spec["network"]))
            if ip is None or mask_to_prefix(spec.get("mask")) is None:
                return None
            return [net_range(ip, spec["mask"])]
        if "object" in spec:
            obj = self.objects.get(spec["object"])
            return self.object_ranges(obj) if obj else None
        if "group" in spec:
            group = self.groups.get(spec["group"])
            if group is None:
                return None
            out = []
            for member in group["members"]:
                part = self.spec_ranges(member, depth + 1)
                if part is None:
                    return None
                out.extend(part)
            return out
        if "range" in spec:
            return None
        return None

    def interface(self, nameif: str | None) -> dict | None:
        for record in self.of("interface"):
            if record["nameif"] == nameif:
                return record
        return None

    def spec_networks(self, spec: dict | None, depth: int = 0) -> list[tuple[str, str]]:
        """(address, netmask) of each network an ACL address spec stands for,
        objects, `name`s and groups resolved; "any", ranges and what the paste
        does not define give nothing."""
        if not spec or depth > 8:
            return []
        if spec.get("host"):
            host = self.address(spec["host"]) or spec["host"]
            return [(host, "255.255.255.255")]
        if spec.get("network") and spec.get("mask"):
            return [(self.names.get(spec["network"], spec["network"]), spec["mask"])]
        if spec.get("object"):
            obj = self.objects.get(spec["object"])
            if obj:
                return self.spec_networks(
                    {
                        "host": obj.get("host"),
                        "network": obj.get("network"),
                        "mask": obj.get("mask"),
                    },
                    depth + 1,
                )
        if spec.get("group"):
            group = self.groups.get(spec["group"])
            out = []
            for member in group["members"] if group else []:
                out += self.spec_networks(member, depth + 1)
            return out
        return []


def _has_address(obj: dict) -> bool:
    return bool(obj.get("host") or obj.get("network") or obj.get("range_start"))


class IosConfig(DeviceConfig):
    """An IOS / IOS-XE configuration: ACL lines name hosts and wildcards."""

    def __init__(self, sources):
        super().__init__(sources)
        self._ranges: dict[int, tuple] = {}

    def ranges(self, ace):
        """(source range, destination range) of an ACL line, read once."""
        if id(ace) not in self._ranges:
            self._ranges[id(ace)] = (
                _spec_range(ace["source"]),
                _spec_range(ace["destination"]),
            )
        return self._ranges[id(ace)]


def _spec_range(spec):
    if not spec:
        return None
    if spec.get("any"):
        return (0, MAX_IP)
    if "host" in spec:
        ip = ipv4_to_int(spec["host"])
        return (ip, ip) if ip is not None else None
    if "network" in spec:
        return mask_range(spec["network"], spec["wildcard"], wildcard=True)
    return None
