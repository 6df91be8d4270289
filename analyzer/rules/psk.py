"""Both ends' pre-shared keys compared without either key.

Redaction replaces each key with a label that is the same for the same value within
one paste (``<removed:psk-1>``) and is derived under a key thrown away after
redaction, so nothing stored tells the keys apart from any other value. When the
configurations of both ends of a tunnel are in one paste (an ASA and an IOS router,
two routers, two ASAs), each end's key for the other end is found: an IKEv1 key for
the peer's address, or the IKEv2 local and remote keys of its keyring peer or
tunnel group. Different labels mean different keys, which is the phase 1 failure
engineers otherwise find only in the debugs (`MM_WAIT_MSG5`/`MSG6`,
`AUTHENTICATION_FAILED`). A key the paste shows encrypted (type 6, `*****`) or
hashed has no numbered label and is not compared.

The ends are paired by address: the key one end holds for an address is matched to
the other end when that address is on one of its interfaces, the most specific key
winning as on the device. A peer behind NAT (its key is for the public address) is
therefore not paired, and nothing is said.
"""

from __future__ import annotations

from dataclasses import dataclass

from analyzer import links
from analyzer.addresses import MAX_IP, ipv4_to_int, mask_range
from analyzer.registry import ASA_RUNNING_CONFIG, IOS_RUNNING_CONFIG
from analyzer.report import Finding

KINDS = (ASA_RUNNING_CONFIG, IOS_RUNNING_CONFIG)


@dataclass
class _Key:
    peer: str
    low: int
    high: int
    version: str  # "1" or "2"
    local: str | None  # the key this end sends (IKEv2 local = IKEv1 key)
    remote: str | None  # the key this end expects from the peer
    lines: list[int]


@dataclass
class _Device:
    name: str
    addresses: set[int]
    keys: list[_Key]


def check(report) -> list[Finding]:
    devices = _devices(report)
    findings: list[Finding] = []
    for i, a in enumerate(devices):
        for b in devices[i + 1 :]:
            if a.addresses & b.addresses:
                continue  # one device pasted twice
            for version in ("1", "2"):
                ka = _key_for(a, b.addresses, version)
                kb = _key_for(b, a.addresses, version)
                # Two catch-all keys (0.0.0.0 0.0.0.0) say nothing about a tunnel
                # between these two devices.
                if ka and kb and not (_catch_all(ka) and _catch_all(kb)):
                    finding = _compare(a, ka, b, kb, version)
                    if finding:
                        findings.append(finding)
    return findings


def _devices(report) -> list[_Device]:
    by_name: dict[tuple, _Device] = {}
    for index, source in enumerate(report.sources_of(*KINDS)):
        records = source.records
        names = [r["name"] for r in records if r["type"] == "hostname" and r["name"]]
        key = (source.kind, names[0]) if names else (source.kind, index)
        device = by_name.setdefault(
            key, _Device(name=names[0] if names else "", addresses=set(), keys=[])
        )
        for record in records:
            if record["type"] == "interface":
                ip = ipv4_to_int(record.get("ip"))
                if ip is not None:
                    device.addresses.add(ip)
            device.keys.extend(_keys(record))
    return [d for d in by_name.values() if d.addresses and d.keys]


def _line(record) -> list[int]:
    """The key's line, or the lines of the keyring peer that holds it."""
    at = record.get("at") or {}
    if at.get("psk"):
        return [at["psk"]]
    return sorted(set(record.get("lines") or []))


def _keys(record) -> list[_Key]:
    kind = record["type"]
    if kind == "isakmp_key":  # IOS crypto isakmp key / keyring, PIX isakmp key
        span = mask_range(
            record["address"], record.get("mask") or record.get("netmask")
        )
        label = record.get("psk_label")
        if span is None or label is None:
            return []
        return [_Key(record["address"], *span, "1", label, label, _line(record))]
    if kind == "ikev2_keyring_peer":
        span = mask_range(record.get("address"), record.get("mask"))
        local, remote = record.get("local_psk_label"), record.get("remote_psk_label")
        if span is None or not (local or remote):
            return []
        return [_Key(record["address"], *span, "2", local, remote, _line(record))]
    if kind == "tunnel_group":
        span = mask_range(record["name"], None)  # an L2L group is named by the peer
        if span is None:
            return []
        keys = []
        if record.get("ikev1_psk_label"):
            label = record["ikev1_psk_label"]
            keys.append(_Key(record["name"], *span, "1", label, label, _line(record)))
        local = record.get("ikev2_local_psk_label")
        remote = record.get("ikev2_remote_psk_label")
        if local or remote:
            keys.append(_Key(record["name"], *span, "2", local, remote, _line(record)))
        return keys
    return []


def _catch_all(key: _Key) -> bool:
    return key.low == 0 and key.high == MAX_IP


def _key_for(device: _Device, addresses: set[int], version: str) -> _Key | None:
    """The most specific key ``device`` holds for one of ``addresses``."""
    best = None
    for key in device.keys:
        if key.version != version:
            continue
        if any(key.low <= ip <= key.high for ip in addresses):
            if best is None or key.high - key.low < best.high - best.low:
                best = key
    return best


def _compare(a, ka, b, kb, version) -> Finding | None:
    # IKEv1 has one key; IKEv2 checks what each end sends against what the other
    # expects, in both directions.
    name_a, name_b = _name(a, kb), _name(b, ka)
    pairs = [
        (name_a, ka.local, name_b, kb.remote),
        (name_b, kb.local, name_a, ka.remote),
    ]
    pairs = [p for p in pairs if p[1] and p[3]]
    if not pairs:
        return None
    ends = f"{name_a} and {name_b}"
    subject = f"peer {ka.peer}"
    lines = ka.lines + kb.lines
    differ = [p for p in pairs if p[1] != p[3]]
    if differ:
        if version == "1":
            shown = f"<removed:{ka.local}> against <removed:{kb.local}>"
        else:
            shown = "; ".join(
                f"{sender} sends <removed:{sent}>, {receiver} expects "
                f"<removed:{expected}>"
                for sender, sent, receiver, expected in differ
            )
        return Finding(
            code="psk.keys_differ",
            severity="error",
            title="The pre-shared keys for this tunnel differ",
            detail=(
                f"The configurations of both ends are in the paste ({ends}, IKEv"
                f"{version}) and the key each holds for the other is a different "
                f"value ({shown}). Redaction labels the same value alike within one "
                "paste and never kept either key, so this compares the keys without "
                "revealing them. A key mismatch fails phase 1 after the Diffie-Hellman "
                "exchange: the responder stays at MM_WAIT_MSG5 and the initiator at "
                "MM_WAIT_MSG6 (IKEv2: AUTHENTICATION_FAILED). Retype the key on both "
                "ends."
            ),
            link=links.PHASE1_PRE_SHARED_KEY,
            lines=lines,
            next_commands=["show crypto isakmp key", "more system:running-config"],
            subject=subject,
        )
    return Finding(
        code="psk.keys_match",
        severity="info",
        title="The pre-shared keys for this tunnel match",
        detail=(
            f"The configurations of both ends are in the paste ({ends}, IKEv{version})"
            " and the key each holds for the other is the same value. A phase 1 "
            "failure between them has another cause."
        ),
        link=links.PHASE1_PRE_SHARED_KEY,
        lines=lines,
        subject=subject,
    )


def _name(device: _Device, key_for_it: _Key) -> str:
    return device.name or key_for_it.peer
