"""Real device outputs from the shared corpus read with the expected values.

The corpus holds other projects' field names (TextFSM's flat records, genie's
nested dicts); they are mapped onto this project's records here, never in the
parsers. Every file of each command must parse into exactly the expected values.
"""

import ast

import pytest
import yaml

from analyzer.engine import analyze
from analyzer.parsers import asp_vpn_context, vpn_sessiondb
from tests.conftest import CORPUS

NTC = CORPUS / "ntc" / "cisco_asa"
GENIE = CORPUS / "genie" / "asa"


def _text(value) -> str:
    return "" if value is None else str(value)


def _records(path, kind):
    report = analyze(path.read_text(encoding="utf-8", errors="replace"))
    return [r for s in report.sources_of(kind) for r in s.records]


def _files(folder, pattern):
    files = sorted(folder.glob(pattern))
    assert files, f"no corpus files in {folder}"
    return files


def _report_rate(command, matched, total):
    print(f"corpus {command}: {matched}/{total} files match the expected values")


# --- show asp table vpn-context detail ---------------------------------------------


def _asp_as_ntc(ctx: dict) -> dict:
    def hex_field(value):
        return f"0x{value}" if value else ""

    return {
        "vpn_ctx": hex_field(ctx["context"]),
        "peer_ip": _text(ctx["peer"]),
        "pointer": hex_field(ctx["pointer"]),
        "state": _text(ctx["state"]),
        "flags": _text(ctx["flags"]),
        "sa": hex_field(ctx["sa"]),
        "spi": hex_field(ctx["spi"]),
        "group": _text(ctx["group"]),
        "pkts": _text(ctx["packets"]),
        "bad_pkts": _text(ctx["bad_packets"]),
        "bad_spi": _text(ctx["bad_spi"]),
        "spoof": _text(ctx["spoof"]),
        "bad_crypto": _text(ctx["bad_crypto"]),
        "rekey_pkt": _text(ctx["rekey_packets"]),
        "rekey_call": _text(ctx["rekey_calls"]),
        "vpn_filter": _text(ctx["vpn_filter"]),
    }


def test_it_reads_every_ntc_asp_vpn_context_detail():
    """ntc cisco_asa show_asp_table_vpn-context_detail: every context, every field."""
    files = _files(NTC / "show_asp_table_vpn-context_detail", "*.raw")
    failures = []
    for raw in files:
        expected = yaml.safe_load(raw.with_suffix(".yml").read_text())["parsed_sample"]
        got = [_asp_as_ntc(c) for c in _records(raw, asp_vpn_context.KIND)]
        if got != expected:
            failures.append((raw.name, got, expected))
    _report_rate(
        "show asp table vpn-context detail", len(files) - len(failures), len(files)
    )
    assert not failures


# --- show vpn-sessiondb detail l2l -------------------------------------------------


def _login_parts(expected: dict) -> str:
    keys = ("login_time", "login_time_zone", "login_weekday", "login_month")
    return " ".join(
        [expected[k] for k in keys] + [expected["login_day"], expected["login_year"]]
    )


def _filter_name(session: dict) -> str:
    if session["filter_name"] is not None:
        return session["filter_name"]
    for block in session["subsessions"]:
        if block.get("filter_name") is not None:
            return block["filter_name"]
    return ""


def _with_unit(value, unit):
    return (_text(value), unit if value is not None else "")


def _session_rows_as_ntc(session: dict) -> list[dict]:
    blocks = session["subsessions"] or [{}]
    rows = []
    for block in blocks:
        session_id = (
            block.get("session_id") or (block.get("tunnel_id") or "").rpartition(".")[2]
        )
        row = {
            "session_type": _text(session["session_type"]),
            "connection": _text(session["connection"]),
            "index": _text(session["index"]),
            "ip_address": _text(session["ip_addr"]),
            "protocol": _text(session["protocol"]),
            "encryption": _text(session["encryption"]),
            "hashing": _text(session["hashing"]),
            "total_bytes_transmitted": _text(session["bytes_tx"]),
            "total_bytes_received": _text(session["bytes_rx"]),
            "login": _text(session["login_time"]),
            "duration": _text(session["duration"]),
            "filter_name": _filter_name(session),
            "total_ike_sessions": _text(session["ike_tunnels"]),
            "total_ipsec_sessions": _text(session["ipsec_tunnels"]),
            "connection_type": _text(block.get("type")),
            "session_id": session_id,
            "udp_src_port": _text(block.get("udp_src_port")),
            "udp_dst_port": _text(block.get("udp_dst_port")),
            "negotiaion_mode": _text(block.get("neg_mode")),
            "authentication_mode": _text(block.get("auth_mode")),
            "remote_authentication_mode": _text(block.get("remote_auth_mode")),
            "local_authentication_mode": _text(block.get("local_auth_mode")),
            "encryption_method": _text(block.get("encryption")),
            "hash_method": _text(block.get("hashing")),
            "dh_group": _text(block.get("dh_group")),
            "prf": _text(block.get("prf")),
            "ipv6_filter_name": _text(block.get("ipv6_filter")),
            "local_address_network": _text(block.get("local_network")),
            "local_address_mask": _text(block.get("local_mask")),
            "remote_address_network": _text(block.get("remote_network")),
            "remote_address_mask": _text(block.get("remote_mask")),
            "encapsulation": _text(block.get("encapsulation")),
            "pfs_group": _text(block.get("pfs_group")),
            "bytes_transmitted": _text(block.get("bytes_tx")),
            "bytes_received": _text(block.get("bytes_rx")),
            "packets_transmitted": _text(block.get("packets_tx")),
            "packets_received": _text(block.get("packets_rx")),
            "posture_token": _text(block.get("posture_token")),
            "redirect_url": _text(block.get("redirect_url")),
        }
        pairs = {
            ("rekey_interval", "rekey_interval_unit"): (
                block.get("rekey_interval_seconds"),
                "Seconds",
            ),
            ("rekey_time_left", "rekey_time_left_unit"): (
                block.get("rekey_left_seconds"),
                "Seconds",
            ),
            ("rekey_data_interval", "rekey_data_interval_unit"): (
                block.get("rekey_interval_kbytes"),
                "K-Bytes",
            ),
            ("rekey_data_remaining", "rekey_data_remaining_unit"): (
                block.get("rekey_left_kbytes"),
                "K-Bytes",
            ),
            ("idle_timeout_interval", "idle_timeout_interval_unit"): (
                block.get("idle_timeout_minutes"),
                "Minutes",
            ),
            ("idle_timeout_remaining", "idle_timeout_remaining_unit"): (
                block.get("idle_left_minutes"),
                "Minutes",
            ),
            ("reval_timeout", "reval_timout_unit"): (
                block.get("reval_interval_seconds"),
                "Seconds",
            ),
            ("reval_timeout_remaining", "reval_timeout_remaining_unit"): (
                block.get("reval_left_seconds"),
                "Seconds",
            ),
            ("status_query_interval", "status_query_interval_unit"): (
                block.get("sq_interval_seconds"),
                "Seconds",
            ),
            ("eap_over_udp_timer", "eap_over_udp_timer_unit"): (
                block.get("eou_age_seconds"),
                "Seconds",
            ),
            ("posture_holdtime_remaining", "posture_holdtime_remaining_unit"): (
                block.get("hold_left_seconds"),
                "Seconds",
            ),
        }
        for (value_key, unit_key), (value, unit) in pairs.items():
            row[value_key], row[unit_key] = _with_unit(value, unit)
        rows.append(row)
    return rows


def _ntc_row(expected: dict) -> dict:
    row = {k: v for k, v in expected.items() if not k.startswith("login_")}
    row["login"] = _login_parts(expected)
    return row


def test_it_reads_every_ntc_vpn_sessiondb_detail_l2l():
    """ntc cisco_asa show_vpn-sessiondb_detail_l2l: one TextFSM row per IKE, IPsec
    or NAC block of every session, every field."""
    files = _files(NTC / "show_vpn-sessiondb_detail_l2l", "*.raw")
    failures = []
    for raw in files:
        expected = yaml.safe_load(raw.with_suffix(".yml").read_text())["parsed_sample"]
        sessions = _records(raw, vpn_sessiondb.KIND)
        got = [row for s in sessions for row in _session_rows_as_ntc(s)]
        if got != [_ntc_row(e) for e in expected]:
            failures.append((raw.name, got, expected))
    _report_rate(
        "show vpn-sessiondb detail l2l", len(files) - len(failures), len(files)
    )
    assert not failures


# --- show vpn-sessiondb (summary) ---------------------------------------------------


def _summary_as_ntc(summary: dict) -> dict:
    sessions, tunnels = summary["sessions"], summary["tunnels"]
    return {
        "vpn_session_name": [r["name"] for r in sessions],
        "vpn_session_active": [_text(r["active"]) for r in sessions],
        "vpn_session_cumulative": [_text(r["cumulative"]) for r in sessions],
        "vpn_session_peak_concurrent": [_text(r["peak_concurrent"]) for r in sessions],
        "vpn_session_inactive": [str(r["inactive"]) for r in sessions],
        "total_active_and_inactive": _text(summary["total_active_and_inactive"]),
        "total_cumulative": _text(summary["total_cumulative"]),
        "device_total_vpn_capacity": _text(summary["device_total_vpn_capacity"]),
        "device_load_percent": _text(summary["device_load_percent"]),
        "tunnels_summary_name": [t["name"] for t in tunnels],
        "tunnels_summary_active": [_text(t["active"]) for t in tunnels],
        "tunnels_summary_cumulative": [_text(t["cumulative"]) for t in tunnels],
        "tunnels_summary_peak_concurrent": [
            _text(t["peak_concurrent"]) for t in tunnels
        ],
        "totals_active": _text(summary["totals_active"]),
        "totals_cumulative": _text(summary["totals_cumulative"]),
    }


def test_it_reads_every_ntc_vpn_sessiondb_summary():
    """ntc cisco_asa show_vpn-sessiondb: the summary tables, every value."""
    files = _files(NTC / "show_vpn-sessiondb", "*.raw")
    failures = []
    for raw in files:
        expected = yaml.safe_load(raw.with_suffix(".yml").read_text())["parsed_sample"]
        got = [_summary_as_ntc(s) for s in _records(raw, vpn_sessiondb.SUMMARY_KIND)]
        if got != expected:
            failures.append((raw.name, got, expected))
    _report_rate("show vpn-sessiondb", len(files) - len(failures), len(files))
    assert not failures


def _counts(row: dict) -> dict:
    out = {"active": row["active"], "cumulative": row["cumulative"]}
    if row.get("peak_concurrent") is not None:
        out["peak_concurrent"] = row["peak_concurrent"]
    if row.get("inactive") is not None:
        out["inactive"] = row["inactive"]
    return out


def _summary_as_genie(summary: dict) -> dict:
    sessions: dict = {}
    for row in summary["sessions"]:
        if row["parent"] is None:
            sessions[row["name"]] = _counts(row)
        else:
            parent = sessions[row["parent"]]
            parent.setdefault("type", {})[row["name"]] = _counts(row)
    out = {
        "VPN Session": {
            "session": sessions,
            "device_load": summary["device_load_percent"] / 100,
            "device_total_vpn_capacity": summary["device_total_vpn_capacity"],
            "total_active_and_inactive": summary["total_active_and_inactive"],
            "total_cumulative": summary["total_cumulative"],
        }
    }
    if summary["tunnels"]:
        out["Tunnels"] = {
            "session": {t["name"]: _counts(t) for t in summary["tunnels"]},
            "totals": {
                "active": summary["totals_active"],
                "cumulative": summary["totals_cumulative"],
            },
        }
    return {"summary": out}


def test_it_reads_every_genie_vpn_sessiondb_summary():
    """genie asa ShowVPNSessionDBSummary: the nested dict, every value."""
    files = _files(GENIE / "ShowVPNSessionDBSummary", "*_output.txt")
    failures = []
    for output in files:
        expected_file = output.with_name(
            output.name.replace("_output.txt", "_expected.py")
        )
        expected = ast.literal_eval(expected_file.read_text().split("=", 1)[1].strip())
        [summary] = _records(output, vpn_sessiondb.SUMMARY_KIND)
        got = _summary_as_genie(summary)
        if got != expected:
            failures.append((output.name, got, expected))
    _report_rate("show vpn-sessiondb (genie)", len(files) - len(failures), len(files))
    assert not failures


@pytest.mark.parametrize(
    "folder, pattern",
    [
        (NTC / "show_asp_table_vpn-context_detail", "*.raw"),
        (NTC / "show_vpn-sessiondb_detail_l2l", "*.raw"),
        (NTC / "show_vpn-sessiondb", "*.raw"),
        (GENIE / "ShowVPNSessionDBSummary", "*_output.txt"),
    ],
)
def test_it_accounts_for_every_corpus_line(folder, pattern):
    """No line of these outputs is left unread (an echoed command typed without a
    prompt is the only exception the corpus holds)."""
    for path in _files(folder, pattern):
        text = path.read_text(encoding="utf-8", errors="replace")
        echoed = sum(
            1 for line in text.splitlines() if line.strip() == "show vpn-sessiondb"
        )
        assert analyze(text).unparsed_lines == echoed, path.name
