"""Every corpus output of the IKE and IPsec SA commands, read by tshoot's parsers,
against the values the ntc-templates and genieparser test suites expect.

The suites name fields their own way and flatten or nest differently; the mapping
lives here, one function per suite and command, and each returns
``(field, expected, ours)`` triples already brought to one form:

- integers compared as integers ("86400" and 86400);
- SPIs compared as numbers ("0x1E8246FC", "1E8246FC" and tshoot's "1E8246FC");
- "in use settings" compared as the list of its comma-separated items;
- ``state``, ``role`` and ``status``: tshoot upper-cases IKEv1 states (the state
  table's names) and lower-cases roles; genie's IKEv2 detail parser lower-cases
  every value. Those fields are compared case-insensitively;
- an expected "" (ntc's "not printed") must be absent in tshoot's record.

A handful of expected values are defects of the suite's own parser (genie keeps the
last word of "remaining key lifetime 1 hours, 10 mins"); they are listed in
``SUITE_DEFECTS`` with the reason, and the test checks that they are still wrong so
the list cannot hide a real mismatch.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

import pytest
import yaml

from analyzer.engine import analyze
from tests.conftest import CORPUS

# (suite path, field) -> why the expected value is not what the device printed.
SUITE_DEFECTS = {
    (
        "genie/iosxe/ShowCryptoIpsecSaPeer",
        "remaining_key_lifetime",
    ): "genie keeps only 'mins' of 'remaining key lifetime 1 hours, 10 mins'",
    (
        "genie/iosxe/ShowCryptoIpsecSaPeerDetail",
        "remaining_key_lifetime",
    ): "genie keeps only 'mins' of 'remaining key lifetime 1 hours, 10 mins'",
}

CASE_FREE = {"state", "role", "status"}


@dataclass
class Tally:
    records_expected: int = 0
    records_matched: int = 0
    fields: int = 0
    fields_matched: int = 0
    mismatches: list = field(default_factory=list)
    defects_seen: set = field(default_factory=set)


# -- value forms -------------------------------------------------------------------


def _int(value):
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return value


def _hex(value):
    if value in (None, ""):
        return None
    text = str(value).strip().lower()
    text = text[2:] if text.startswith("0x") else text
    return int(text, 16)


def _settings(value):
    if value is None:
        return None
    if isinstance(value, list):
        return [v.strip() for v in value if v.strip()]
    return [v.strip() for v in str(value).split(",") if v.strip()]


def _blank(value):
    return None if value == "" else value


def _ident_parts(ident):
    if not ident:
        return [None] * 4
    return ident.rsplit("/", 3)


def _spi_pair(text):
    """("397C36EE" as int, 964441838) from genie's "0x397C36EE(964441838)"."""
    hex_part, _, dec = text.partition("(")
    return _hex(hex_part), int(dec.rstrip(")")) if dec else None


# -- loading -------------------------------------------------------------------------


def genie_expected(path):
    tree = ast.parse(path.read_text())
    for node in tree.body:
        if isinstance(node, ast.Assign) and node.targets[0].id == "expected_output":
            return ast.literal_eval(node.value)
    raise AssertionError(f"no expected_output in {path}")


def cases(suite: str):
    folder = CORPUS / suite
    if suite.startswith("ntc/"):
        for raw in sorted(folder.glob("*.raw")):
            yield (
                raw,
                yaml.safe_load(raw.with_suffix(".yml").read_text())["parsed_sample"],
            )
    else:
        for out in sorted(folder.glob("*_output.txt")):
            expected = out.with_name(out.name.replace("_output.txt", "_expected.py"))
            yield out, genie_expected(expected)


def records_of(text: str, *kinds: str) -> list[dict]:
    report = analyze(text)
    assert not [f for f in report.findings if f.code.startswith("engine.")], (
        "parser error"
    )
    return [r for s in report.sources if s.kind in kinds for r in s.records]


# -- ntc ---------------------------------------------------------------------------


def ntc_asa_ipsec(text, expected):
    ours = records_of(text, "asa.show_crypto_ipsec_sa")
    for exp, rec in _zip(expected, ours):
        if exp is None or rec is None:
            yield _unpaired(exp, rec)
            continue
        yield BEGIN, exp, rec
        local, remote = (
            _ident_parts(rec.get("local_ident")),
            _ident_parts(rec.get("remote_ident")),
        )
        yield from [
            ("interface", exp["interface"], rec.get("interface")),
            ("crypto_map", exp["crypto_map_tag"], rec.get("crypto_map")),
            ("seq", _blank(_int(exp["sequence_number"])), rec.get("seq")),
            (
                "local_addr",
                exp["local_address"] or exp["local_address_name"],
                rec.get("local_addr"),
            ),
            ("peer", exp["current_peer"] or exp["current_peer_name"], rec.get("peer")),
            (
                "dynamic_peer_ip",
                _blank(exp["dynamic_peer"] or exp["dynamic_peer_name"]),
                rec.get("dynamic_peer_ip"),
            ),
            (
                "local_endpoint",
                exp["local_crypto_endpoint"] or exp["local_crypto_endpoint_name"],
                rec.get("local_endpoint"),
            ),
            (
                "remote_endpoint",
                exp["remote_crypto_endpoint"] or exp["remote_crypto_endpoint_name"],
                rec.get("remote_endpoint"),
            ),
            (
                "outbound_spi",
                _hex(exp["current_outbound_spi"]),
                _hex(rec.get("outbound_spi")),
            ),
            (
                "inbound_spi",
                _hex(exp["current_inbound_spi"]),
                _hex(rec.get("inbound_spi")),
            ),
        ]
        for i, part in enumerate(("addr", "mask", "protocol", "port")):
            yield (f"local_ident.{part}", exp[f"local_identity_{part}"], local[i])
            yield (f"remote_ident.{part}", exp[f"remote_identity_{part}"], remote[i])
        counters = {
            "packets_encapsulated": "encaps",
            "packets_encrypted": "encrypt",
            "packets_digested": "digest",
            "packets_decapsulated": "decaps",
            "packets_decrypted": "decrypt",
            "packets_verified": "verify",
            "packets_compressed": "compressed",
            "packets_decompressed": "decompressed",
            "packets_not_compressed": "not_compressed",
            "packets_compress_failed": "comp_failed",
            "packets_decompress_failed": "decomp_failed",
            "pre_fragment_success": "pre_frag_successes",
            "pre_fragment_failures": "pre_frag_failures",
            "fragments_created": "fragments_created",
            "pmtus_sent": "pmtus_sent",
            "pmtus_received": "pmtus_rcvd",
            "decap_frags_needing_reassembly": "frags_needing_reassembly",
            "send_errors": "send_errors",
            "receive_errors": "recv_errors",
            "path_mtu": "path_mtu",
            "ipsec_overhead": "ipsec_overhead",
            "media_mtu": "media_mtu",
        }
        for theirs, mine in counters.items():
            yield (mine, _blank(_int(exp[theirs])), rec.get(mine))
        for direction in ("inbound", "outbound"):
            sas = [
                sa for sa in rec.get(f"{direction}_sas", []) if sa["protocol"] == "esp"
            ]
            sa = sas[0] if sas else {}
            words = (sa.get("transform") or "").split()
            pick = f"{direction}_"
            yield from [
                (pick + "spi", _hex(exp[pick + "spi_hex"]), _hex(sa.get("spi"))),
                (
                    pick + "spi_dec",
                    _blank(_int(exp[pick + "spi_integer"])),
                    sa.get("spi_dec"),
                ),
                (
                    pick + "encryption",
                    exp[pick + "encryption"],
                    words[0] if words else None,
                ),
                (
                    pick + "authentication",
                    exp[pick + "authentication"],
                    words[1] if len(words) > 1 else None,
                ),
                (
                    pick + "settings",
                    _settings(exp[pick + "settings_in_use"]),
                    sa.get("settings"),
                ),
                (pick + "slot", _int(exp[pick + "slot"]), sa.get("slot")),
                (
                    pick + "conn_id",
                    _int(exp[pick + "connection_id"]),
                    sa.get("conn_id"),
                ),
                (pick + "crypto_map", exp[pick + "crypto_map"], sa.get("crypto_map")),
                (
                    pick + "lifetime_sec",
                    _int(exp[pick + "remaining_lifetime"]),
                    sa.get("lifetime_sec"),
                ),
                (
                    pick + "lifetime_kb",
                    _blank(_int(exp[pick + "remaining_lifetime_kilobytes"])),
                    sa.get("lifetime_kb"),
                ),
                (
                    pick + "iv_size",
                    _int(exp[pick + "iv_size"].split()[0]),
                    sa.get("iv_size"),
                ),
                (
                    pick + "replay_detection",
                    exp[pick + "replay_detection"],
                    sa.get("replay_detection"),
                ),
            ]


def ntc_asa_ikev1(text, expected):
    ours = records_of(text, "asa.show_crypto_isakmp_sa")
    roles = {"Resp": "responder", "Init": "initiator"}
    for exp, rec in _zip(expected, ours):
        if exp is None or rec is None:
            yield _unpaired(exp, rec)
            continue
        yield BEGIN, exp, rec
        yield from [
            ("index", _int(exp["sequence"]), rec.get("index")),
            ("peer", exp["peer"], rec.get("peer")),
            ("type", exp["type"], rec.get("type")),
            ("role", roles.get(exp["dir"], exp["dir"]), rec.get("role")),
            ("rekey", exp["rekey"], rec.get("rekey")),
            ("state", exp["state"], rec.get("state")),
            ("encryption", exp["encryption"], rec.get("encryption")),
            ("hash", exp["hash"], rec.get("hash")),
            ("auth", exp["authentication"], rec.get("auth")),
            ("lifetime", _int(exp["lifetime"]), rec.get("lifetime")),
        ]


_IOS_COUNTERS = {
    "pkts_encaps": "encaps",
    "pkts_encrypt": "encrypt",
    "pkts_digest": "digest",
    "pkts_decaps": "decaps",
    "pkts_decrypt": "decrypt",
    "pkts_verify": "verify",
    "pkts_compressed": "compressed",
    "pkts_decompressed": "decompressed",
    "pkts_not_compressed": "not_compressed",
    "pkts_compress_failed": "comp_failed",
    "pkts_compr_failed": "comp_failed",
    "pkts_not_decompressed": "not_decompressed",
    "pkts_decompress_failed": "decomp_failed",
    "pkts_no_sa": "no_sa_send",
    "pkts_no_sa_send": "no_sa_send",
    "pkts_invalid_sa": "invalid_sa_rcv",
    "pkts_invalid_sa_rcv": "invalid_sa_rcv",
    "pkts_encaps_failed": "encaps_failed_send",
    "pkts_decaps_failed": "decaps_failed_rcv",
    "pkts_invalid_prot": "invalid_prot_recv",
    "pkts_invalid_prot_recv": "invalid_prot_recv",
    "pkts_verify_failed": "verify_failed",
    "pkts_invalid_identity": "invalid_identity_recv",
    "pkts_invalid_identity_recv": "invalid_identity_recv",
    "pkts_invalid_len": "invalid_len_rcv",
    "pkts_replay_rollover_send": "replay_rollover_send",
    "pkts_replay_rollover_recv": "replay_rollover_rcv",
    "pkts_replay_rollover_rcv": "replay_rollover_rcv",
    "pkts_replay_failed": "replay_failed_rcv",
    "pkts_replay_failed_rcv": "replay_failed_rcv",
    "pkts_tagged": "tagged_send",
    "pkts_tagged_send": "tagged_send",
    "pkts_untagged": "untagged_rcv",
    "pkts_untagged_rcv": "untagged_rcv",
    "pkts_not_tagged": "not_tagged_send",
    "pkts_not_tagged_send": "not_tagged_send",
    "pkts_not_untagged": "not_untagged_rcv",
    "pkts_not_untagged_rcv": "not_untagged_rcv",
    "pkts_internal_err_send": "internal_err_send",
    "pkts_internal_err_recv": "internal_err_recv",
    "send_errors": "send_errors",
    "recv_errors": "recv_errors",
    "plaintext_mtu": "plaintext_mtu",
    "path_mtu": "path_mtu",
    "ip_mtu": "ip_mtu",
}


def ntc_ios_ipsec_detail(text, expected):
    ours = records_of(text, "ios.show_crypto_ipsec_sa")
    flat = [
        (rec, direction, sa)
        for rec in ours
        for direction in ("inbound", "outbound")
        for sa in rec.get(f"{direction}_sas", [])
    ]
    for exp, found in _zip(expected, flat):
        if exp is None or found is None:
            yield _unpaired(exp, found)
            continue
        yield BEGIN, exp, found
        rec, direction, sa = found
        local, remote = (
            _ident_parts(rec.get("local_ident")),
            _ident_parts(rec.get("remote_ident")),
        )
        yield from [
            ("interface", exp["interface"], rec.get("interface")),
            ("crypto_map", exp["crypto_map_tag"], rec.get("crypto_map")),
            ("local_addr", exp["local_addr"], rec.get("local_addr")),
            ("protected_vrf", exp["protected_vrf"], rec.get("protected_vrf")),
            ("peer", exp["current_peer"], rec.get("peer")),
            ("peer_port", _int(exp["port"]), rec.get("peer_port")),
            ("action", exp["action"], rec.get("action")),
            ("flags", _settings(exp["flags"]), rec.get("flags")),
            ("local_endpoint", exp["local_crypto_endpt"], rec.get("local_endpoint")),
            ("remote_endpoint", exp["remote_crypto_endpt"], rec.get("remote_endpoint")),
            ("ip_mtu_idb", exp["ip_mtu_idb"], rec.get("ip_mtu_idb")),
            (
                "outbound_spi",
                _hex(exp["current_outbound_spi_hex"]),
                _hex(rec.get("outbound_spi")),
            ),
            (
                "outbound_spi_dec",
                _int(exp["current_outbound_spi_dec"]),
                rec.get("outbound_spi_dec"),
            ),
            ("pfs", exp["pfs"], rec.get("pfs")),
            ("dh_group", exp["dh_group"], rec.get("dh_group")),
            ("sa.direction", exp["sa_orientation"], direction),
            ("sa.protocol", exp["sa_type"], sa.get("protocol")),
            ("sa.spi", _hex(exp["sa_spi_hex"]), _hex(sa.get("spi"))),
            ("sa.spi_dec", _int(exp["sa_spi_dec"]), sa.get("spi_dec")),
            ("sa.transform", exp["sa_transform"], sa.get("transform")),
            ("sa.settings", _settings(exp["sa_in_use_settings"]), sa.get("settings")),
            ("sa.conn_id", _int(exp["sa_conn_id"]), sa.get("conn_id")),
            ("sa.flow_id", exp["sa_flow_id"], sa.get("flow_id")),
            ("sa.sibling_flags", exp["sa_sibling_flags"], sa.get("sibling_flags")),
            ("sa.crypto_map", exp["sa_crypto_map"], sa.get("crypto_map")),
            ("sa.lifetime_kb", _int(exp["sa_lifetime_kbytes"]), sa.get("lifetime_kb")),
            ("sa.lifetime_sec", _int(exp["sa_lifetime_sec"]), sa.get("lifetime_sec")),
            ("sa.iv_size", _int(exp["sa_iv_size"]), sa.get("iv_size")),
            (
                "sa.replay_detection",
                exp["sa_replay_detection_support"],
                sa.get("replay_detection"),
            ),
            (
                "sa.replay_window",
                _int(exp["sa_replay_window_size"]),
                sa.get("replay_window"),
            ),
            ("sa.status", exp["sa_status"], sa.get("status")),
        ]
        for i, part in enumerate(("addr", "mask", "prot", "port")):
            yield (f"local_ident.{part}", exp[f"local_ident_{part}"], local[i])
            yield (f"remote_ident.{part}", exp[f"remote_ident_{part}"], remote[i])
        for theirs, mine in _IOS_COUNTERS.items():
            if theirs in exp:
                yield (mine, _int(exp[theirs]), rec.get(mine))


# -- genie -------------------------------------------------------------------------


def genie_isakmp(text, expected):
    ours = records_of(text, "ios.show_crypto_isakmp_sa")
    for af, rows in expected.get("isakmp_stats", {}).items():
        mine = [r for r in ours if r.get("af") == af]
        for exp, rec in _zip([rows[k] for k in sorted(rows)], mine):
            if exp is None or rec is None:
                yield _unpaired(exp, rec)
                continue
            yield BEGIN, exp, rec
            yield from [
                ("dst", exp["destination"], rec.get("dst")),
                ("src", exp["source"], rec.get("src")),
                ("state", exp["session_state"], rec.get("state")),
                ("conn_id", exp["conn_id"], rec.get("conn_id")),
                ("status", exp["status"], rec.get("status")),
                (
                    "deleted",
                    exp.get("current_status") == "deleted",
                    bool(rec.get("deleted")),
                ),
            ]
    yield from _extra(ours, expected.get("isakmp_stats", {}))


def genie_isakmp_detail(text, expected):
    ours = records_of(text, "ios.show_crypto_isakmp_sa")
    names = {
        "c_id": "conn_id",
        "local_ip": "local",
        "remote_ip": "peer",
        "ivrf": "ivrf",
        "status": "status",
        "encr_algo": "encryption",
        "hash_algo": "hash",
        "auth_type": "auth",
        "dh_group": "dh_group",
        "lifetime": "lifetime",
        "capabilities": "capabilities",
        "engine_id": "engine_id",
        "conn_id": "engine_conn_id",
    }
    for af, rows in expected.get("isakmp_stats", {}).items():
        mine = [r for r in ours if r.get("af") == af]
        for exp, rec in _zip([rows[k] for k in sorted(rows)], mine):
            if exp is None or rec is None:
                yield _unpaired(exp, rec)
                continue
            yield BEGIN, exp, rec
            # A key genie leaves out (no I-VRF, "????" engine) must be absent here too.
            for theirs, mine_name in names.items():
                yield (mine_name, exp.get(theirs), rec.get(mine_name))
    yield from _extra(ours, expected.get("isakmp_stats", {}))


_IKEV2 = {
    "tunnel_id": "tunnel_id",
    "fvrf": "fvrf",
    "ivrf": "ivrf",
    "status": "state",
    "encryption": "encryption",
    "keysize": "keysize",
    "prf": "prf",
    "hash": "hash",
    "dh_group": "dh_group",
    "dh_grp": "dh_group",
    "auth_sign": "auth_sign",
    "auth_verify": "auth_verify",
    "life_time": "lifetime",
    "active_time": "active_time",
    "ce_id": "ce_id",
    "session_id": "session_id",
    "local_spi": "local_spi",
    "remote_spi": "remote_spi",
    "pqc": "pqc",
    "status_description": "status_description",
    "local_id": "local_id",
    "remote_id": "remote_id",
    "local_reg_msg_id": "local_req_msg_id",
    "remote_req_msg_id": "remote_req_msg_id",
    "local_next_msg_id": "local_next_msg_id",
    "remote_next_msg_id": "remote_next_msg_id",
    "local_req_queued": "local_req_queued",
    "remote_req_queued": "remote_req_queued",
    "local_window": "local_window",
    "remote_window": "remote_window",
    "dpd_configured_time": "dpd_interval",
    "retry": "dpd_retry",
    "fragmentation": "fragmentation",
    "dynamic_route_update": "dynamic_route_update",
    "extended_authentication": "extended_authentication",
    "nat_t": "nat_t",
    "cisco_trust_security_sgt": "cts_sgt",
    "pushed_ip": "pushed_ip",
    "remote_subnets": "remote_subnets",
    "local_ip": "local",
    "local_port": "local_port",
    "remote_ip": "remote",
    "remote_port": "remote_port",
}


def _ikev2_pairs(exp, rec, lower=False):
    for theirs, mine in _IKEV2.items():
        if theirs in exp:
            ours = rec.get(mine)
            if mine == "remote_subnets" and ours is None:
                ours = []
            value = exp[theirs]
            if lower and isinstance(value, str) and isinstance(ours, str):
                value, ours = value.lower(), ours.lower()
            yield (mine, value, ours)
    for side in ("local", "remote"):
        if side in exp:
            addr, _, port = exp[side].partition("/")
            yield (side, addr, rec.get(side))
            if port:
                yield (f"{side}_port", int(port), rec.get(f"{side}_port"))
    if "initiator_of_sa" in exp:
        said = "yes" if rec.get("initiator") else "no" if "initiator" in rec else None
        yield ("initiator", exp["initiator_of_sa"], said)
    if "qr" in exp:
        yield ("qr", True, rec.get("qr"))


def genie_ikev2(text, expected):
    ours = records_of(text, "ios.show_crypto_ikev2_sa")
    for af in ("ipv4", "ipv6"):
        rows = expected.get(af, {})
        mine = {r["tunnel_id"]: r for r in ours if r.get("af", "").lower() == af}
        for key in sorted(rows):
            exp = rows[key]
            rec = mine.get(exp.get("tunnel_id", key))
            if exp is None or rec is None:
                yield _unpaired(exp, rec)
                continue
            yield BEGIN, exp, rec
            yield from _ikev2_pairs(exp, rec)
        for tid in set(mine) - {rows[k].get("tunnel_id", k) for k in rows}:
            yield _unpaired(None, tid)


def genie_ikev2_detail(text, expected):
    ours = {r["tunnel_id"]: r for r in records_of(text, "ios.show_crypto_ikev2_sa")}
    rows = expected.get("tunnel_id", {})
    for tid in sorted(rows):
        rec = ours.get(tid)
        if rec is None:
            yield _unpaired(rows[tid], None)
            continue
        yield BEGIN, rows[tid], rec
        yield ("tunnel_id", tid, rec["tunnel_id"])
        # genie's detail parser lower-cases every value.
        yield from _ikev2_pairs(rows[tid], rec, lower=True)
    for tid in set(ours) - set(rows):
        yield _unpaired(None, tid)


def genie_asa_ikev2(text, expected):
    ours = records_of(text, "asa.show_crypto_ikev2_sa")
    seen = 0
    for sid, session in sorted(expected.get("sessions", {}).items()):
        for key, exp in session.get("tunnels", {}).items():
            rec = next(
                (r for r in ours if r.get("tunnel_id") == exp["tunnel_id"]), None
            )
            if exp is None or rec is None:
                yield _unpaired(exp, rec)
                continue
            yield BEGIN, exp, rec
            seen += 1
            local, remote = key.split("-", 1)
            yield from [
                ("session_id", sid, rec.get("session_id")),
                ("child_count", session["child_sa_count"], rec.get("child_count")),
                ("ike_count", session["ike_count"], rec.get("ike_count")),
                ("session_status", session["status"], rec.get("session_status")),
                ("local", exp["local"], f"{rec.get('local')}/{rec.get('local_port')}"),
                (
                    "remote",
                    exp["remote"],
                    f"{rec.get('remote')}/{rec.get('remote_port')}",
                ),
                ("local", local, f"{rec.get('local')}/{rec.get('local_port')}"),
                ("remote", remote, f"{rec.get('remote')}/{rec.get('remote_port')}"),
                ("state", exp["status"], rec.get("state")),
                ("role", exp["role"], rec.get("role")),
                ("encryption", exp["encryption_algorithm"], rec.get("encryption")),
                ("hash", exp["hashing_algorithm"], rec.get("hash")),
                ("dh_group", exp["dh_group"], rec.get("dh_group")),
                ("auth_sign", exp["authentication_sign"], rec.get("auth_sign")),
                ("auth_verify", exp["authentication_verify"], rec.get("auth_verify")),
                ("lifetime", exp["lifetime_secs"], rec.get("lifetime")),
                ("active_time", exp["activetime_secs"], rec.get("active_time")),
            ]
            children = rec.get("child_sas", [])
            for i in sorted(exp.get("child_sa", {})):
                child = exp["child_sa"][i]
                mine = children[i] if i < len(children) else {}
                yield from [
                    (
                        "child.esp_spi_in",
                        _hex(child["esp_in"]),
                        _hex(mine.get("esp_spi_in")),
                    ),
                    (
                        "child.esp_spi_out",
                        _hex(child["esp_out"]),
                        _hex(mine.get("esp_spi_out")),
                    ),
                    (
                        "child.local_selector",
                        child["local_selector"],
                        mine.get("local_selector"),
                    ),
                    (
                        "child.remote_selector",
                        child["remote_selector"],
                        mine.get("remote_selector"),
                    ),
                ]
    for _ in range(len(ours) - seen):
        yield _unpaired(None, "?")


def genie_ipsec(text, expected):
    ours = records_of(text, "ios.show_crypto_ipsec_sa")
    for ifname, iface in expected.get("interface", {}).items():
        mine = [r for r in ours if r.get("interface") == ifname]
        idents = iface.get("ident", {})
        for exp, rec in _zip([idents[k] for k in sorted(idents)], mine):
            if exp is None or rec is None:
                yield _unpaired(exp, rec)
                continue
            yield BEGIN, exp, rec
            yield ("crypto_map", iface.get("crypto_map_tag"), rec.get("crypto_map"))
            yield ("local_addr", iface.get("local_addr"), rec.get("local_addr"))
            yield from _genie_ident(exp, rec)
    expected_count = sum(
        len(i.get("ident", {})) for i in expected.get("interface", {}).values()
    )
    for _ in range(len(ours) - expected_count):
        yield _unpaired(None, "?")


def _genie_ident(exp, rec):
    simple = {
        "action": "action",
        "dh_group": "dh_group",
        "ip_mtu_idb": "ip_mtu_idb",
        "local_crypto_endpt": "local_endpoint",
        "remote_crypto_endpt": "remote_endpoint",
        "peer_ip": "peer",
        "port": "peer_port",
        "pfs": "pfs",
        "protected_vrf": "protected_vrf",
        "pqc": "pqc",
    }
    for theirs, mine in simple.items():
        if theirs in exp:
            yield (mine, exp[theirs], rec.get(mine))
    for theirs, mine in _IOS_COUNTERS.items():
        if theirs in exp:
            yield (mine, exp[theirs], rec.get(mine))
    if "acl" in exp:
        yield ("flags", _settings(exp["acl"]), rec.get("flags"))
    if "current_outbound_spi" in exp:
        spi, dec = _spi_pair(exp["current_outbound_spi"])
        yield ("outbound_spi", spi, _hex(rec.get("outbound_spi")))
        yield ("outbound_spi_dec", dec, rec.get("outbound_spi_dec"))
    for side in ("local", "remote"):
        if f"{side}_ident" in exp:
            parts = _ident_parts(rec.get(f"{side}_ident"))
            for i, part in enumerate(("addr", "mask", "prot", "port")):
                yield (f"{side}_ident.{part}", exp[f"{side}_ident"][part], parts[i])
    for direction in ("inbound", "outbound"):
        for protocol in ("esp", "ah", "pcp"):
            key = f"{direction}_{protocol}_sas"
            if key not in exp:
                continue
            mine = [
                s for s in rec.get(f"{direction}_sas", []) if s["protocol"] == protocol
            ]
            theirs = exp[key].get("spi", {})
            yield (f"{key}.count", len(theirs), len(mine))
            for (spi_text, sa_exp), sa in zip(theirs.items(), mine, strict=False):
                yield from _genie_sa(key, spi_text, sa_exp, sa)


def _genie_sa(key, spi_text, exp, sa):
    spi, dec = _spi_pair(spi_text)
    yield (f"{key}.spi", spi, _hex(sa.get("spi")))
    yield (f"{key}.spi_dec", dec, sa.get("spi_dec"))
    for theirs, mine in {
        "conn_id": "conn_id",
        "crypto_map": "crypto_map",
        "transform": "transform",
        "replay_detection_support": "replay_detection",
        "sibling_flags": "sibling_flags",
        "status": "status",
        "kilobyte_volume_rekey": "kb_rekey",
    }.items():
        if theirs in exp:
            yield (f"{key}.{mine}", exp[theirs], sa.get(mine))
    if "flow_id" in exp:
        yield (
            f"{key}.flow_id",
            f"{exp['flow_id']}:{exp['flow_id_val']}",
            sa.get("flow_id"),
        )
    if "in_use_settings" in exp:
        yield (f"{key}.settings", _settings(exp["in_use_settings"]), sa.get("settings"))
    if "iv_size" in exp:
        yield (f"{key}.iv_size", _int(exp["iv_size"].split()[0]), sa.get("iv_size"))
    if "remaining_key_lifetime" in exp:
        value = exp["remaining_key_lifetime"]
        if value.startswith("("):
            kb, _, sec = value.strip("()").partition("/")
            yield (f"{key}.lifetime_kb", int(kb), sa.get("lifetime_kb"))
            yield (f"{key}.lifetime_sec", int(sec), sa.get("lifetime_sec"))
        else:
            yield ("remaining_key_lifetime", _int(value), sa.get("lifetime_sec"))


# -- the walk ------------------------------------------------------------------------


BEGIN, MISSING, EXTRA = "<record>", "<missing record>", "<extra record>"


def _unpaired(exp, rec):
    return (MISSING, exp, None) if rec is None else (EXTRA, None, rec)


def _zip(expected: list, ours: list):
    """(expected, ours) pairs in order; None on the side that has no record."""
    for i, exp in enumerate(expected):
        yield exp, ours[i] if i < len(ours) else None
    for extra in ours[len(expected) :]:
        yield None, extra


def _extra(ours, by_af):
    expected_count = sum(len(rows) for rows in by_af.values())
    for _ in range(len(ours) - expected_count):
        yield _unpaired(None, "?")


COMMANDS = {
    "ntc/cisco_asa/show_crypto_ipsec_sa": ntc_asa_ipsec,
    "ntc/cisco_asa/show_crypto_ikev1_sa_detail": ntc_asa_ikev1,
    "ntc/cisco_ios/show_crypto_ipsec_sa_detail": ntc_ios_ipsec_detail,
    "genie/iosxe/ShowCryptoIsakmpSa": genie_isakmp,
    "genie/iosxe/ShowCryptoIsakmpSaDetail": genie_isakmp_detail,
    "genie/iosxe/ShowCryptoIkev2Sa": genie_ikev2,
    "genie/iosxe/ShowCryptoIkev2SaDetail": genie_ikev2_detail,
    "genie/iosxe/ShowCryptoIpsecSa": genie_ipsec,
    "genie/iosxe/ShowCryptoIpsecSaDetail": genie_ipsec,
    "genie/iosxe/ShowCryptoIpsecSaPeer": genie_ipsec,
    "genie/iosxe/ShowCryptoIpsecSaPeerDetail": genie_ipsec,
    "genie/asa/ShowCryptoIkev2Sa": genie_asa_ikev2,
}


def _same(name, expected, ours):
    if name.split(".")[-1] in CASE_FREE and isinstance(expected, str):
        return isinstance(ours, str) and expected.lower() == ours.lower()
    return expected == ours


def tally(suite: str) -> Tally:
    result = Tally()
    mapping = COMMANDS[suite]
    for path, expected in cases(suite):
        text = path.read_text(encoding="utf-8")
        clean = None  # whether the record being read matches so far
        for name, exp, ours in [*mapping(text, expected), (BEGIN, None, None)]:
            if name in (BEGIN, MISSING, EXTRA):
                if clean:
                    result.records_matched += 1
                clean = None
                if name == BEGIN and exp is not None:
                    result.records_expected += 1
                    clean = True
                elif name == MISSING:
                    result.records_expected += 1
                    result.mismatches.append((path.name, "missing record", exp, None))
                elif name == EXTRA:
                    result.mismatches.append((path.name, "extra record", None, ours))
                continue
            if exp is None and ours is None:
                continue
            if (suite, name.split(".")[-1]) in SUITE_DEFECTS and not _same(
                name, exp, ours
            ):
                result.defects_seen.add((suite, name.split(".")[-1]))
                continue
            result.fields += 1
            if _same(name, exp, ours):
                result.fields_matched += 1
            else:
                clean = False
                result.mismatches.append((path.name, name, exp, ours))
    return result


@pytest.mark.parametrize("suite", sorted(COMMANDS))
def test_it_reads_every_corpus_file_as_the_suite_expects(suite):
    """Each output of the command parses, with every overlapping field equal."""
    files = list(cases(suite))
    assert files, f"no corpus files under {suite}"
    result = tally(suite)
    assert result.mismatches == [], result.mismatches[:20]
    assert result.fields_matched == result.fields > 0
    assert result.records_matched == result.records_expected
    for key in SUITE_DEFECTS:
        if key[0] == suite:
            assert key in result.defects_seen, f"{key} no longer differs: drop it"
