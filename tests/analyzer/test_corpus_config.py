"""Every corpus file of the configuration sections tshoot reads parses into the
records the corpus expects.

The corpus holds ntc-templates' TextFSM field names; the mapping from tshoot's
records to them lives here, one function per command. genie's IOS-XE
`show crypto map` outputs are checked the same way against its nested layout. Fields the ntc templates
capture but tshoot does not read (remote-access and WebVPN attributes of a
tunnel-group) are left out of the comparison.
"""

import ast
from pathlib import Path

import pytest
import yaml

from analyzer.engine import analyze
from tests.conftest import CORPUS

NTC_ASA = CORPUS / "ntc" / "cisco_asa"
GENIE_CRYPTO_MAP = CORPUS / "genie" / "iosxe" / "ShowCryptoMap"


def _text(value):
    return "" if value is None else str(value)


def isakmp_policy(record):
    return {
        "ike_version": record["ike_version"],
        "policy_id": record["priority"],
        "auth_method": _text(record["authentication"]),
        "encryption": _text(record["encryption"]),
        "auth_algorithm": _text(record["hash"]),
        "dh_group": f"group {record['group']}" if record["group"] else "",
        "lifetime": _text(record["lifetime"]),
    }


def crypto_map(record):
    return {
        "matched_address": _text(record["match_address"]),
        "map": record["map"],
        "seq": record["seq"],
        "pfs": _text(record["pfs"]),
        "peer": " ".join(record["peers"]),
        "ike": _text(record["ike_version"]),
        "transform": " ".join(record["transform_sets"]),
        "sa": _text(record["sa_seconds"]),
    }


def all_crypto_map(record):
    tfc = {None: "", False: "no", True: "yes"}[record["tfc_packets"]]
    return {
        "connection_type": _text(record["connection_type"]),
        "ikev1_phase1_mode": _text(record["phase1_mode"]),
        "ikev1_transform_set": " ".join(record["transform_sets"])
        if record["ike_version"] == "ikev1"
        else "",
        "ikev2_mode": _text(record["ikev2_mode"]),
        "interface": _text(record["interface"]),
        "isakmp_dynamic": _text(record["dynamic_map"]),
        "map": record["map"],
        "matched_address": _text(record["match_address"]),
        "peer": " ".join(record["peers"]),
        "pfs": _text(record["pfs"]),
        "sa_kb": _text(record["sa_kilobytes"]),
        "sa_sec": _text(record["sa_seconds"]),
        "seq": record["seq"],
        "tfc_packets": tfc,
    }


def transform_set(record):
    # The template lists IKEv2 algorithms in its own order; the set is what counts.
    return {
        "ike_version": record["ike_version"],
        "name": record["name"],
        "encryption": sorted(record["encryption"]),
        "auth": sorted(record["integrity"]),
    }


def expected_transform_set(row):
    return {**row, "encryption": sorted(row["encryption"]), "auth": sorted(row["auth"])}


TUNNEL_GROUP_FIELDS = (
    "name",
    "type",
    "ikev1_psk",
    "group_policy",
    "peer_id_validate",
    "ikev2_local_auth_cert",
)


def tunnel_group(record):
    return {
        "name": record["name"],
        "type": _text(record["tunnel_type"]),
        "ikev1_psk": record["ikev1_psk"],
        "group_policy": _text(record["default_group_policy"]),
        "peer_id_validate": _text(record["peer_id_validate"]),
        "ikev2_local_auth_cert": _text(record["ikev2_local_cert"]),
    }


def expected_tunnel_group(row):
    picked = {key: row[key] for key in TUNNEL_GROUP_FIELDS}
    # The device prints "*****" for a configured key; tshoot records presence.
    picked["ikev1_psk"] = bool(row["ikev1_psk"])
    return picked


def access_group(record):
    return {"access_list": record["acl"], "interface": _text(record["interface"])}


# command folder -> (echoed command, record type, mapping, expected-row mapping,
# which records of that type the template reports)
COMMANDS = {
    "show_running-config_crypto_ikev1": (
        "show running-config crypto ikev1",
        "isakmp_policy",
        isakmp_policy,
        None,
        None,
    ),
    "show_running-config_crypto_map": (
        "show running-config crypto map",
        "crypto_map_entry",
        crypto_map,
        None,
        # The template skips `ipsec-isakmp dynamic` entries.
        lambda r: not r["dynamic_map"],
    ),
    "show_running-config_all_crypto_map": (
        "show running-config all crypto map",
        "crypto_map_entry",
        all_crypto_map,
        None,
        None,
    ),
    "show_running-config_ipsec": (
        "show running-config ipsec",
        "transform_set",
        transform_set,
        expected_transform_set,
        None,
    ),
    "show_running-config_tunnel-group": (
        "show running-config tunnel-group",
        "tunnel_group",
        tunnel_group,
        expected_tunnel_group,
        None,
    ),
    "show_running-config_access-group": (
        "show running-config access-group",
        "access_group",
        access_group,
        None,
        None,
    ),
}


def corpus_files():
    for folder in sorted(COMMANDS):
        for raw in sorted((NTC_ASA / folder).glob("*.raw")):
            yield pytest.param(folder, raw, id=f"{folder}/{raw.stem}")


def parsed(text, record_type, keep):
    report = analyze(text)
    records = [
        r
        for s in report.sources_of("asa.running_config")
        for r in s.records
        if r["type"] == record_type
    ]
    return [r for r in records if keep is None or keep(r)], report


@pytest.mark.parametrize("folder, raw", list(corpus_files()))
@pytest.mark.parametrize("with_prompt", [True, False], ids=["echoed", "bare"])
def test_it_reads_every_corpus_file_as_expected(folder, raw, with_prompt):
    """Records equal the corpus' expected values, whether the paste starts with
    the echoed command or is the bare output found by content."""
    command, record_type, mapping, expected_mapping, keep = COMMANDS[folder]
    text = raw.read_text(encoding="utf-8")
    if with_prompt:
        text = f"ciscoasa# {command}\n{text}"
    expected_rows = yaml.safe_load(Path(raw.with_suffix(".yml")).read_text())[
        "parsed_sample"
    ]
    if expected_mapping:
        expected_rows = [expected_mapping(row) for row in expected_rows]
    records, report = parsed(text, record_type, keep)
    assert [mapping(r) for r in records] == expected_rows
    assert report.unparsed_lines == 0


def test_the_corpus_covers_every_command_listed():
    """Each command mapped here has corpus files to check (a renamed folder must
    not silently skip its test)."""
    for folder in COMMANDS:
        assert list((NTC_ASA / folder).glob("*.raw")), folder


def genie_crypto_map(records):
    """tshoot's `show crypto map` entries in genie's nested layout, for the keys
    tshoot reads (genie also keeps dual-stack and mixed-mode flags)."""
    out: dict = {}
    for r in records:
        entry = {
            "sequence_number": int(r["seq"]),
            "ipsec": r["mode"],
            "peer": r["peers"],
            "transform_sets": r["transform_sets"],
            "interfaces_crypto_map": {"crypto_map_tag": r["map"]},
        }
        if r["interfaces"]:
            entry["interfaces_crypto_map"]["interfaces"] = r["interfaces"]
        if r["acl"]:
            entry["extended_ip_access_list"] = r["acl"]
        if r["ikev2_profile"]:
            entry["ikev2_profile"] = r["ikev2_profile"]
        if r["current_peer"]:
            entry["current_peer"] = r["current_peer"]
        if r["sa_seconds"] is not None:
            entry["security_association_lifetime"] = {
                "kilobytes": r["sa_kilobytes"],
                "seconds": r["sa_seconds"],
            }
        if r["pfs"] is not None:
            entry["pfs"] = r["pfs"]
        tags = out.setdefault(r["family"], {"crypto_map_tag": {}})["crypto_map_tag"]
        # genie lower-cases some tags and not others: compare tags case-blind.
        tags[r["map"].lower()] = entry
    return out


GENIE_KEYS = (
    "sequence_number",
    "ipsec",
    "peer",
    "transform_sets",
    "interfaces_crypto_map",
    "extended_ip_access_list",
    "ikev2_profile",
    "current_peer",
    "security_association_lifetime",
    "pfs",
)


def expected_genie(expected):
    out = {}
    for family, body in expected.items():
        tags = {}
        for tag, entry in body["crypto_map_tag"].items():
            tags[tag.lower()] = {k: v for k, v in entry.items() if k in GENIE_KEYS}
        out[family] = {"crypto_map_tag": tags}
    return out


@pytest.mark.parametrize(
    "output",
    sorted(GENIE_CRYPTO_MAP.glob("*_output.txt")),
    ids=lambda p: p.stem,
)
def test_it_reads_every_genie_show_crypto_map(output):
    """IOS-XE `show crypto map` outputs read into genie's expected values."""
    expected_file = output.with_name(output.name.replace("_output.txt", "_expected.py"))
    # The corpus stores `expected_output = {...}`: a literal, read without running it.
    expected = ast.literal_eval(expected_file.read_text().split("=", 1)[1].strip())
    report = analyze(output.read_text(encoding="utf-8"))
    records = [r for s in report.sources_of("ios.show_crypto_map") for r in s.records]
    got = genie_crypto_map(records)
    want = expected_genie(expected)
    assert _case_blind(got) == _case_blind(want)
    assert report.unparsed_lines == 0


def _case_blind(tree):
    for family in tree.values():
        for entry in family["crypto_map_tag"].values():
            ic = entry["interfaces_crypto_map"]
            ic["crypto_map_tag"] = ic["crypto_map_tag"].lower()
    return tree
