"""`show vpn-sessiondb` parser: l2l sessions (plain and detail) and the summary."""

import string

from hypothesis import given, settings
from hypothesis import strategies as st

from analyzer.engine import analyze
from analyzer.parsers import vpn_sessiondb
from analyzer.report import Section
from tests.conftest import fixture_text


def records_of(name, kind=vpn_sessiondb.KIND):
    report = analyze(fixture_text(f"sessiondb/{name}"))
    return [r for s in report.sources_of(kind) for r in s.records], report


def test_it_reads_9x_l2l_sessions():
    """Three sessions; the peer is IP Addr even when Connection is a name."""
    sessions, report = records_of("asa9_l2l.txt")
    assert [(s["connection"], s["peer"], s["index"]) for s in sessions] == [
        ("198.51.100.7", "198.51.100.7", 1184),
        ("66.162.66.162", "66.162.66.162", 1201),
        ("PARTNER-L2L", "192.0.2.141", 1207),
    ]
    second = sessions[1]
    assert second["session_type"] == "LAN-to-LAN" and second["detailed"] is False
    assert second["protocol"] == "IKEv1 IPsec"
    assert second["encryption"] == "IKEv1: (1)AES256  IPsec: (1)AES256"
    assert second["hashing"] == "IKEv1: (1)SHA1  IPsec: (1)SHA1"
    assert (second["bytes_tx"], second["bytes_rx"]) == (4812632, 0)
    assert second["login_time"] == "09:41:17 UTC Fri Nov 27 2026"
    assert second["duration"] == "0h:38m:51s"
    assert second["at"]["bytes_rx"] == 19
    assert report.unparsed_lines == 0


def test_it_reads_the_8x_two_column_layout():
    """8.x prints Encryption and Hashing side by side, abbreviated command."""
    [session], _ = records_of("asa8_l2l.txt")
    assert (session["encryption"], session["hashing"]) == ("AES256", "SHA1")
    assert (session["bytes_tx"], session["bytes_rx"]) == (2293811, 2119044)
    assert session["protocol"] == "IKE IPsec"


def test_it_reads_the_detail_blocks():
    """`detail l2l filter ...`: group policy, tunnel group, counts, and one block
    per IKE and IPsec SA with ports, rekey timers and counters."""
    [session], _ = records_of("asa9_detail_l2l_filter.txt")
    assert session["detailed"] is True
    assert session["group_policy"] == "GroupPolicy_66.162.66.162"
    assert session["tunnel_group"] == "66.162.66.162"
    assert session["tunnels"] == {"IKEv1": 1, "IPsec": 1}
    assert (session["ike_tunnels"], session["ipsec_tunnels"]) == (1, 1)
    ike, ipsec = session["subsessions"]
    assert ike["type"] == "IKEv1"
    assert ike["tunnel_id"] == "1201.1"
    assert (ike["udp_src_port"], ike["udp_dst_port"]) == (500, 500)
    assert (ike["neg_mode"], ike["auth_mode"]) == ("Main", "preSharedKeys")
    assert (ike["rekey_interval_seconds"], ike["rekey_left_seconds"]) == (86400, 84069)
    assert ike["dh_group"] == "14"
    assert ike["filter_name"] == ""
    assert ipsec["type"] == "IPsec"
    assert (ipsec["local_network"], ipsec["local_mask"]) == (
        "10.100.0.0",
        "255.255.0.0",
    )
    assert (ipsec["remote_network"], ipsec["remote_mask"]) == (
        "10.10.15.0",
        "255.255.255.0",
    )
    assert (ipsec["encapsulation"], ipsec["pfs_group"]) == ("Tunnel", "14")
    assert (ipsec["rekey_interval_kbytes"], ipsec["rekey_left_kbytes"]) == (
        4608000,
        4603301,
    )
    assert (ipsec["idle_timeout_minutes"], ipsec["idle_left_minutes"]) == (30, 29)
    assert (ipsec["bytes_tx"], ipsec["bytes_rx"]) == (4812632, 0)
    assert (ipsec["packets_tx"], ipsec["packets_rx"]) == (38198, 0)
    assert ipsec["lines"] == [28, 38]


def test_it_reads_the_summary():
    """Rows under their parent by indentation, totals, capacity, load, tunnels."""
    [summary], _ = records_of("asa9_summary.txt", vpn_sessiondb.SUMMARY_KIND)
    rows = [
        (r["name"], r["parent"], r["active"], r["inactive"])
        for r in summary["sessions"]
    ]
    assert rows == [
        ("Site-to-Site VPN", None, 14, None),
        ("IKEv1 IPsec", "Site-to-Site VPN", 11, None),
        ("IKEv2 IPsec", "Site-to-Site VPN", 3, None),
        ("AnyConnect Client", None, 42, 3),
        ("SSL/TLS/DTLS", "AnyConnect Client", 42, 3),
    ]
    assert (summary["total_active_and_inactive"], summary["total_cumulative"]) == (
        59,
        21041,
    )
    assert (summary["device_total_vpn_capacity"], summary["device_load_percent"]) == (
        750,
        7,
    )
    assert [t["name"] for t in summary["tunnels"]][:3] == ["IKEv1", "IKEv2", "IPsec"]
    assert (summary["totals_active"], summary["totals_cumulative"]) == (148, 131142)


def test_it_splits_two_columns_only_at_labels():
    """Colons inside a value (`IKEv1: (1)AES256`) never start a second column."""
    split = vpn_sessiondb.split_pairs
    assert split(
        "Index        : 1184                   IP Addr      : 198.51.100.7"
    ) == [
        ("Index", "1184"),
        ("IP Addr", "198.51.100.7"),
    ]
    assert split("Encryption   : IKEv1: (1)3DES  IPsec: (2)3DES") == [
        ("Encryption", "IKEv1: (1)3DES  IPsec: (2)3DES")
    ]
    assert split(
        "  Rekey Int (T): 28800 Seconds          Rekey Left(T): 19174 Seconds"
    ) == [
        ("Rekey Int (T)", "28800 Seconds"),
        ("Rekey Left(T)", "19174 Seconds"),
    ]
    assert split("Hold Left (T): 0 Seconds              Posture Token:") == [
        ("Hold Left (T)", "0 Seconds"),
        ("Posture Token", ""),
    ]
    assert split("no colon here") == []


_LINES = st.sampled_from(
    [
        "Session Type: LAN-to-LAN Detailed",
        "Connection   : 198.51.100.7",
        "Index        : 1184                   IP Addr      : 198.51.100.7",
        "Bytes Tx     : 845213904              Bytes Rx     : 1203994772",
        "IKEv1 Tunnels: 1",
        "IKE Sessions: 1 IPSec Sessions: 2",
        "IPsec:",
        "  Rekey Int (T): 28800 Seconds          Rekey Left(T): 19174 Seconds",
        "VPN Session Summary",
        "Tunnels Summary",
        "Site-to-Site VPN             :     14 :       2211 :          17",
        "  IKEv1 IPsec                :     11 :       1950 :          13",
        "Total Active and Inactive    :     59             Total Cumulative :  21041",
        "Device Load                  :      7%",
        "Totals                       :    148 :     131142",
        "-" * 20,
        ":",
        "",
    ]
)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(_LINES, st.text(string.printable, max_size=40)), max_size=40))
def test_it_never_raises_on_shuffled_output(lines):
    """Any mix of vpn-sessiondb lines and noise parses without an exception."""
    for command in (None, "show vpn-sessiondb detail l2l"):
        section = Section(
            lines=lines, numbers=list(range(1, len(lines) + 1)), command=command
        )
        for source in vpn_sessiondb.parse(section):
            assert source.first_line >= 1 and source.last_line <= len(lines)
