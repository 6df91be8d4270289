"""Realistic VPN pastes as engineers send them (prompts, abbreviations, pager
debris, CRLF, mail quoting, terminal time stamps, wrapped lines, several devices,
truncation, dozens of peers, IPv6, IKEv2): what the analyzer must read from each
and what it must conclude. Expected values were read off the pastes by hand."""

from analyzer.engine import analyze
from tests.analyzer.report_helpers import alarms, one, only
from tests.conftest import FIXTURES


def run(name: str):
    return analyze((FIXTURES / "qa_vpn" / name).read_bytes().decode("utf-8"))


def states(source):
    return [(r["peer"], r["state"], r.get("role")) for r in source.records]


# --- phase 1 ---------------------------------------------------------------------


def test_it_reads_an_asa84_table_typed_abbreviated_at_a_failover_prompt():
    """`sh cry isa sa` at fw01/pri/act#: three peers, two stuck initiators."""
    report = run("01_asa84_isakmp_prompt_abbrev.txt")
    source = only(report, "asa.show_crypto_isakmp_sa")
    assert states(source) == [
        ("203.0.113.5", "MM_ACTIVE", "initiator"),
        ("198.51.100.77", "MM_WAIT_MSG2", "initiator"),
        ("192.0.2.200", "MM_WAIT_MSG4", "initiator"),
    ]
    msg2 = one(report, "isakmp.mm_wait_msg2")
    assert (msg2.severity, msg2.subject, msg2.lines) == (
        "warning",
        "peer 198.51.100.77",
        [12, 13, 14],
    )
    assert (msg2.article, msg2.anchor) == ("isakmp-states", "mm_wait_msg2")
    assert "show route 198.51.100.77" in msg2.next_commands
    assert one(report, "isakmp.mm_wait_msg4").lines == [15, 16, 17]
    assert one(report, "isakmp.mm_active").severity == "info"
    assert report.unparsed_lines == 0


def test_it_reads_ikev1_detail_typed_from_config_mode():
    """`sh crypto ikev1 sa det` at ciscoasa(config)#: the detail lines belong to
    the first SA; the responder at MM_WAIT_MSG5 is the one warning."""
    report = run("02_asa9_ikev1_det_config_prompt.txt")
    source = only(report, "asa.show_crypto_isakmp_sa")
    first, second = source.records
    assert (first["encryption"], first["lifetime"], first["lifetime_remaining"]) == (
        "aes-256",
        86400,
        71234,
    )
    assert (second["peer"], second["state"], second["role"]) == (
        "198.51.100.9",
        "MM_WAIT_MSG5",
        "responder",
    )
    assert alarms(report) == [("isakmp.mm_wait_msg5", "peer 198.51.100.9")]
    assert one(report, "isakmp.mm_active").lines == [9, 10, 11, 12, 13, 14]


def test_it_reads_an_ios_table_with_crlf_and_finds_the_local_end():
    """IOS 15 with CRLF: 198.51.100.1 is on every row, so it is this router and
    the other address of each row is the peer, whichever end started."""
    report = run("03_ios15_isakmp_crlf.txt")
    source = only(report, "ios.show_crypto_isakmp_sa")
    assert states(source) == [
        ("203.0.113.20", "QM_IDLE", None),
        ("203.0.113.30", "MM_NO_STATE", None),
        ("203.0.113.40", "MM_KEY_EXCH", None),
    ]
    assert source.records[1]["deleted"] is True
    assert [r["conn_id"] for r in source.records] == [1001, 1002, 1003]
    assert alarms(report) == [
        ("isakmp.mm_key_exch", "peer 203.0.113.40"),
        ("isakmp.mm_no_state", "peer 203.0.113.30"),
    ]
    no_state = one(report, "isakmp.mm_no_state")
    assert no_state.lines == [5] and "deleted" in no_state.detail
    assert one(report, "isakmp.qm_idle").severity == "info"
    assert report.unparsed_lines == 0


def test_it_reads_pix6_show_isakmp_sa_and_names_pix_commands():
    """PIX 6.3: dst/src/state/pending/created; commands without 'crypto'."""
    report = run("04_pix63_show_isakmp_sa.txt")
    source = only(report, "pix.show_isakmp_sa")
    assert [(r["peer"], r["state"], r["created"]) for r in source.records] == [
        ("203.0.113.5", "QM_IDLE", 1),
        ("198.51.100.3", "MM_KEY_EXCH", 0),
    ]
    key_exch = one(report, "isakmp.mm_key_exch")
    assert (key_exch.subject, key_exch.lines) == ("peer 198.51.100.3", [6])
    assert "show isakmp sa detail" in key_exch.next_commands
    assert not any(c.startswith("show crypto isakmp") for c in key_exch.next_commands)


def test_it_gives_pix7_and_old_asa_commands_without_the_ikev1_keyword():
    """PIX 7 and ASA 8.0 print no IKEv1/IKEv2 split and know no 'ikev1' keyword:
    the debug to run is 'debug crypto isakmp'."""
    report = run("05_pix7_show_isakmp_sa.txt")
    msg6 = one(report, "isakmp.mm_wait_msg6")
    assert (msg6.subject, msg6.lines, msg6.severity) == (
        "peer 203.0.113.66",
        [7, 8, 9],
        "warning",
    )
    assert "debug crypto isakmp 127" in msg6.next_commands
    assert not any("ikev1" in c for c in msg6.next_commands)
    newer = one(run("01_asa84_isakmp_prompt_abbrev.txt"), "isakmp.mm_wait_msg2")
    assert "debug crypto ikev1 127" in newer.next_commands


def test_it_reads_the_asa80_one_line_table():
    """ASA 8.0 `IKE Peer Type Dir Rky State`: Init/Resp become roles."""
    report = run("06_asa80_table.txt")
    source = only(report, "asa.show_crypto_isakmp_sa")
    assert states(source) == [
        ("203.0.113.5", "MM_ACTIVE", "initiator"),
        ("198.51.100.8", "MM_WAIT_MSG3", "responder"),
    ]
    msg3 = one(report, "isakmp.mm_wait_msg3")
    assert (msg3.lines, msg3.subject) == ([9], "peer 198.51.100.8")
    assert "show run crypto isakmp" in msg3.next_commands


def test_it_reads_thirty_peers_and_blames_only_the_stuck_ones():
    """A hub with 30 IKEv1 peers and three pairs of IPsec SAs: only the two
    negotiating peers and the one-way SA are warnings."""
    report = run("16_asa_many_peers.txt")
    source = only(report, "asa.show_crypto_isakmp_sa")
    assert len(source.records) == 30
    assert source.records[6]["peer"] == "203.0.113.16"
    assert source.records[24]["state"] == "AM_ACTIVE"
    assert len(only(report, "asa.show_crypto_ipsec_sa").records) == 3
    assert alarms(report) == [
        (
            "ipsec.encaps_no_decaps",
            "peer 203.0.113.11 (10.0.0.0/24 \u2192 172.20.11.0/24)",
        ),
        ("isakmp.mm_wait_msg2", "peer 203.0.113.16"),
        ("isakmp.mm_wait_msg3", "peer 203.0.113.28"),
    ]
    assert one(report, "isakmp.mm_wait_msg2").lines == [27, 28, 29]
    assert one(report, "ipsec.encaps_no_decaps").lines == [157, 158]
    assert report.unparsed_lines == 0


def test_it_reads_ios_ipv6_sas_printed_on_three_lines():
    """IOS prints each IPv6 ISAKMP SA as dst/src/state lines and the IPv6 remote
    crypto endpoint on a line of its own: all of it is read."""
    report = run("17_ios15_ipv6_isakmp_ipsec.txt")
    source = only(report, "ios.show_crypto_isakmp_sa")
    assert [
        (r["peer"], r["local"], r["state"], r["conn_id"], r["af"])
        for r in source.records
    ] == [
        ("2001:DB8:0:2::2", "2001:DB8:0:1::1", "QM_IDLE", 1001, "IPv6"),
        ("2001:DB8:0:3::3", "2001:DB8:0:1::1", "MM_NO_STATE", 1002, "IPv6"),
    ]
    ipsec = only(report, "ios.show_crypto_ipsec_sa").records[0]
    assert (
        ipsec["peer"],
        ipsec["remote_endpoint"],
        ipsec["encaps"],
        ipsec["decaps"],
    ) == (
        "2001:DB8:0:2::2",
        "2001:DB8:0:2::2",
        1840,
        1838,
    )
    no_state = one(report, "isakmp.mm_no_state")
    assert (no_state.subject, no_state.lines) == ("peer 2001:DB8:0:3::3", [11, 12, 13])
    assert alarms(report) == [("isakmp.mm_no_state", "peer 2001:DB8:0:3::3")]
    assert report.unparsed_lines == 0


def test_it_reads_iosxe_ikev2_detail_and_says_the_peer_never_answered():
    """IOS-XE `show crypto ikev2 sa detailed`: READY is info; the IN-NEG SA whose
    remote SPI is zero points at its state, status and SPI lines."""
    report = run("18_iosxe17_ikev2_sa_detailed.txt")
    source = only(report, "ios.show_crypto_ikev2_sa")
    assert states(source) == [
        ("203.0.113.9", "READY", "initiator"),
        ("192.0.2.77", "IN-NEG", "initiator"),
    ]
    in_neg = one(report, "ikev2.in_neg")
    assert (in_neg.severity, in_neg.subject, in_neg.anchor) == (
        "warning",
        "peer 192.0.2.77",
        "ikev2-in-neg",
    )
    assert {26, 30, 31} <= set(in_neg.lines) and 38 not in in_neg.lines
    assert "remote SPI is still zero" in in_neg.detail
    assert "show crypto ikev2 sa remote 192.0.2.77 detail" in in_neg.next_commands
    assert one(report, "ikev2.ready").severity == "info"


def test_it_reads_asa_ikev2_detail_with_two_child_sas():
    """ASA 9.x IKEv2 detail: one session with two children, one responder still
    negotiating."""
    report = run("19_asa99_ikev2_detail_two_children.txt")
    source = only(report, "asa.show_crypto_ikev2_sa")
    ready, neg = source.records
    assert (ready["peer"], ready["state"], ready["role"], ready["child_count"]) == (
        "203.0.113.9",
        "READY",
        "initiator",
        2,
    )
    assert (neg["peer"], neg["state"], neg["role"]) == (
        "198.51.100.40",
        "IN-NEG",
        "responder",
    )
    assert alarms(report) == [("ikev2.in_neg", "peer 198.51.100.40")]
    assert one(report, "ikev2.in_neg").lines[0] == 40
    assert report.unparsed_lines == 0


def test_it_splits_ikev1_and_ikev2_of_one_asa_command():
    """`sh cry isa sa` on 9.x lists both versions: two sources, three peers."""
    report = run("20_asa9_isakmp_ikev1_and_ikev2.txt")
    v1 = only(report, "asa.show_crypto_isakmp_sa")
    v2 = only(report, "asa.show_crypto_ikev2_sa")
    assert states(v1) == [
        ("203.0.113.5", "MM_ACTIVE", "initiator"),
        ("198.51.100.23", "MM_WAIT_MSG3", "responder"),
    ]
    assert states(v2) == [("203.0.113.90", "READY", "responder")]
    assert alarms(report) == [("isakmp.mm_wait_msg3", "peer 198.51.100.23")]
    assert one(report, "ikev2.ready").lines == [21]


def test_it_reads_an_asa82_paste_with_crlf_and_a_pager_redraw():
    """ASA 8.2 with `<--- More --->` redrawn by CR in a CRLF paste: the second SA
    is not lost, and the old box gets 'crypto isakmp' commands."""
    report = run("28_asa82_crlf_more_msg2_no_ipsec.txt")
    source = only(report, "asa.show_crypto_isakmp_sa")
    assert states(source) == [
        ("203.0.113.5", "MM_ACTIVE", "initiator"),
        ("198.51.100.150", "MM_WAIT_MSG2", "initiator"),
    ]
    msg2 = one(report, "isakmp.mm_wait_msg2")
    assert msg2.lines == [10, 11, 12]  # line 10 is what the redraw left on screen
    assert "debug crypto isakmp 127" in msg2.next_commands
    assert only(report, "asa.show_crypto_ipsec_sa").records == []
    assert report.unparsed_lines == 0


# --- phase 2 ---------------------------------------------------------------------


def test_it_leaves_a_healthy_asa_tunnel_at_info():
    """MM_ACTIVE and an SA counting both ways: nothing above info; the
    'peer address:' heading of `show crypto ipsec sa peer` is understood."""
    report = run("07_asa9_healthy_isakmp_ipsec.txt")
    rec = only(report, "asa.show_crypto_ipsec_sa").records[0]
    assert (rec["peer"], rec["encaps"], rec["decaps"]) == ("203.0.113.5", 15230, 14988)
    assert (rec["outbound_spi"], rec["inbound_spi"]) == ("4F5D6E7A", "9E3A1B2C")
    assert alarms(report) == []
    assert report.unparsed_lines == 0


def test_it_leaves_a_healthy_ios_router_with_two_proxy_pairs_at_info():
    """Two QM_IDLE peers and two pairs to the same peer, all counting: no alarm."""
    report = run("25_ios_healthy_two_pairs.txt")
    records = only(report, "ios.show_crypto_ipsec_sa").records
    assert [(r["remote_ident"], r["encaps"], r["decaps"]) for r in records] == [
        ("10.0.0.0/255.255.255.0/0/0", 50211, 49876),
        ("10.0.1.0/255.255.255.0/0/0", 1201, 1199),
    ]
    assert alarms(report) == []
    assert {f.subject for f in report.findings} == {
        "peer 203.0.113.1",
        "peer 192.0.2.66",
    }


def test_it_reads_encaps_without_decaps_through_asa_pager_redraws():
    """`<--- More --->` overwritten by CR in the middle of the counters."""
    report = run("08_asa_encaps_no_decaps_more.txt")
    rec = only(report, "asa.show_crypto_ipsec_sa").records[0]
    assert (rec["encaps"], rec["decaps"], rec["outbound_spi"], rec["inbound_spi"]) == (
        4312,
        0,
        "C0FFEE01",
        "1A2B3C4D",
    )
    finding = one(report, "ipsec.encaps_no_decaps")
    assert (finding.severity, finding.lines, finding.anchor) == (
        "warning",
        [11, 12],
        "encaps-no-decaps",
    )
    assert finding.subject == "peer 198.51.100.77 (10.1.1.0/24 \u2192 10.3.3.0/24)"
    assert "show crypto ipsec sa peer 198.51.100.77" in finding.next_commands
    assert report.unparsed_lines == 0


def test_it_reads_decaps_without_encaps_through_ios_more_backspaces():
    """IOS `--More--` erased with backspaces in front of the next line."""
    report = run("09_ios124_decaps_no_encaps_more_bs.txt")
    rec = only(report, "ios.show_crypto_ipsec_sa").records[0]
    assert (rec["peer"], rec["encaps"], rec["decaps"], rec["compressed"]) == (
        "203.0.113.20",
        0,
        877,
        0,
    )
    assert rec["inbound_sas"][0]["status"] == "ACTIVE(ACTIVE)"
    finding = one(report, "ipsec.decaps_no_encaps")
    assert (finding.severity, finding.lines, finding.anchor) == (
        "warning",
        [11, 12],
        "decaps-no-encaps",
    )
    assert report.unparsed_lines == 0


def test_it_reads_output_quoted_in_a_mail():
    """Every line of the output behind '> ': read as if pasted directly; the
    mail's own prose is counted as not understood."""
    report = run("10_email_quoted_both_zero.txt")
    rec = only(report, "asa.show_crypto_ipsec_sa").records[0]
    assert (rec["peer"], rec["encaps"], rec["decaps"], rec["local_endpoint"]) == (
        "192.0.2.50",
        0,
        0,
        "198.51.100.10",
    )
    finding = one(report, "ipsec.no_traffic")
    assert (finding.severity, finding.lines) == ("info", [15, 16])
    assert report.unparsed_lines == 4  # greeting, one sentence, sign-off, name


def test_it_reads_ios_verify_failures_from_the_detail_counters():
    """`sh cry ipsec sa det`: 312 verify failures is a warning on that line."""
    report = run("11_ios15_verify_failed_detail.txt")
    rec = only(report, "ios.show_crypto_ipsec_sa").records[0]
    assert (rec["verify_failed"], rec["decaps"]) == (312, 4801)
    finding = one(report, "ipsec.verify_failures")
    assert (finding.severity, finding.lines, finding.anchor) == (
        "warning",
        [18],
        "verify-failures",
    )
    assert alarms(report) == [
        (
            "ipsec.verify_failures",
            "peer 203.0.113.44 (192.168.5.0/24 \u2192 192.168.6.0/24)",
        )
    ]


def test_it_flags_send_errors_on_a_tunnel_that_otherwise_works():
    """ASA `sh cry ipsec sa pe X`: 1532 send errors, both directions counting."""
    report = run("12_asa_send_errors.txt")
    rec = only(report, "asa.show_crypto_ipsec_sa").records[0]
    assert (rec["send_errors"], rec["recv_errors"]) == (1532, 0)
    finding = one(report, "ipsec.send_recv_errors")
    assert (finding.severity, finding.lines, finding.anchor) == (
        "warning",
        [20],
        "send-recv-errors",
    )
    assert "show crypto ipsec sa peer 192.0.2.99 detail" in finding.next_commands
    assert report.unparsed_lines == 0


def test_it_reads_a_paste_with_terminal_logging_time_stamps():
    """Each line behind '[2024-03-01 10:00:nn] ': prompts, ISAKMP and IPsec SA
    read; the router's own IPsec SA says it is the src of the one ISAKMP row."""
    report = run("13_ios_timestamps_both_zero.txt")
    isakmp = only(report, "ios.show_crypto_isakmp_sa").records[0]
    assert (isakmp["dst"], isakmp["src"], isakmp["state"]) == (
        "203.0.113.20",
        "198.51.100.2",
        "QM_IDLE",
    )
    rec = only(report, "ios.show_crypto_ipsec_sa").records[0]
    assert (rec["peer"], rec["encaps"], rec["decaps"]) == ("203.0.113.20", 0, 0)
    qm = one(report, "isakmp.qm_idle")
    assert qm.subject == "peer 203.0.113.20" and "dst and src" not in qm.detail
    assert one(report, "ipsec.no_traffic").lines == [16, 17]
    assert report.unparsed_lines == 0


def test_it_reads_both_ends_of_a_tunnel_in_one_paste():
    """The router encrypts and never decrypts; the ASA decrypts the same 3200
    packets and never encrypts: each end's finding names its own peer."""
    report = run("14_multi_device_ios_and_asa.txt")
    assert [s.kind for s in report.sources] == [
        "ios.show_crypto_isakmp_sa",
        "ios.show_crypto_ipsec_sa",
        "asa.show_crypto_isakmp_sa",
        "asa.show_crypto_ikev2_sa",
        "asa.show_crypto_ipsec_sa",
    ]
    router = one(report, "ipsec.encaps_no_decaps")
    assert router.subject == "peer 192.0.2.1 (192.168.1.0/24 \u2192 10.1.1.0/24)"
    assert router.lines == [18, 19]
    asa = one(report, "ipsec.decaps_no_encaps")
    assert asa.subject == "peer 198.51.100.1 (10.1.1.0/24 \u2192 192.168.1.0/24)"
    assert asa.lines == [84, 85]
    assert one(report, "isakmp.qm_idle").subject == "peer 192.0.2.1"
    # Read together, the two ends put the fault on the ASA's return path.
    assert "other end (192.0.2.1, line 84) decrypts 3200" in router.detail
    assert "the fault is here" in asa.detail
    assert report.unparsed_lines == 1  # "--- and on the ASA ---"


def test_it_keeps_what_a_truncated_paste_shows():
    """The paste ends in the middle of the second SA's counters: the first SA is
    whole and healthy, the second keeps what was printed."""
    report = run("15_asa_truncated_mid_sa.txt")
    first, second = only(report, "asa.show_crypto_ipsec_sa").records
    assert (first["encaps"], first["decaps"], first["inbound_spi"]) == (
        900,
        870,
        "9E3A1B2C",
    )
    assert (second["peer"], second["encaps"], second["decaps"]) == (
        "198.51.100.77",
        55,
        0,
    )
    assert "outbound_spi" not in second
    assert alarms(report) == [
        (
            "ipsec.encaps_no_decaps",
            "peer 198.51.100.77 (10.1.1.0/24 \u2192 10.3.3.0/24)",
        )
    ]


def test_it_rejoins_lines_a_terminal_wrapped_at_80_columns():
    """Counters cut at column 80 ('#pkts digest: 1234567' + '890') are read whole:
    no false verify failure on a healthy SA, nothing left unparsed."""
    report = run("24_asa_wrapped_80_columns.txt")
    rec = only(report, "asa.show_crypto_ipsec_sa").records[0]
    assert (rec["local_addr"], rec["digest"], rec["verify"], rec["decaps"]) == (
        "192.0.2.1",
        1234567890,
        1234000111,
        1234000111,
    )
    assert rec["acl"].endswith("10.200.0.0 255.255.255.0")
    assert alarms(report) == []
    assert report.unparsed_lines == 0


def test_it_reads_ipsec_output_filtered_with_include():
    """`| i peer|pkts enc|pkts dec|spi`: two peers, the SA lines filed by the
    current SPIs, the one-way peer flagged."""
    report = run("29_asa_ipsec_include_filter.txt")
    first, second = only(report, "asa.show_crypto_ipsec_sa").records
    assert (first["peer"], first["encaps"], first["decaps"]) == (
        "203.0.113.5",
        20113,
        19876,
    )
    assert [sa["spi"] for sa in first["inbound_sas"]] == ["9E3A1B2C"]
    assert [sa["spi"] for sa in first["outbound_sas"]] == ["4F5D6E7A"]
    assert (second["peer"], second["encaps"], second["decaps"]) == (
        "198.51.100.77",
        312,
        0,
    )
    assert alarms(report) == [("ipsec.encaps_no_decaps", "peer 198.51.100.77")]
    assert one(report, "ipsec.encaps_no_decaps").lines == [10, 11]
    assert report.unparsed_lines == 0


def test_it_reads_tab_indented_ikev2_nat_t_output():
    """Tabs instead of spaces, NAT-T on 4500, IKEv2 settings; an idle SA is info."""
    report = run("30_asa_tabs_natt_ikev2_idle.txt")
    rec = only(report, "asa.show_crypto_ipsec_sa").records[0]
    assert (rec["remote_endpoint"], rec["remote_endpoint_port"]) == (
        "203.0.113.5",
        4500,
    )
    assert "NAT-T-Encaps" in rec["inbound_sas"][0]["settings"]
    finding = one(report, "ipsec.no_traffic")
    assert (finding.severity, finding.lines) == ("info", [11, 12])
    assert "show crypto isakmp sa | begin 203.0.113.5" in finding.next_commands
    assert (
        "packet-tracer input inside icmp 10.1.1.1 8 0 10.2.2.1 detailed"
        in finding.next_commands
    )
    assert report.unparsed_lines == 0


def test_it_reads_a_rekey_with_two_inbound_sas():
    """IOS-XE mid-rekey: two inbound ESP SAs, one outbound; counters healthy."""
    report = run("32_iosxe_rekey_two_inbound_sas.txt")
    rec = only(report, "ios.show_crypto_ipsec_sa").records[0]
    assert [sa["spi"] for sa in rec["inbound_sas"]] == ["6B6B0001", "6B6B0002"]
    assert [sa["spi"] for sa in rec["outbound_sas"]] == ["7A7A0002"]
    assert rec["outbound_spi"] == "7A7A0002"
    assert alarms(report) == []
    assert report.unparsed_lines == 0


# --- data path -------------------------------------------------------------------


def test_it_explains_a_packet_tracer_acl_drop():
    """`packet-tracer in inside tcp ... det`: the implicit deny at phase 3."""
    report = run("21_asa9_packet_tracer_acl_drop.txt")
    rec = only(report, "asa.packet_tracer").records[0]
    assert (rec["src"], rec["dst"], rec["dst_port"], rec["protocol"]) == (
        "10.1.1.1",
        "10.2.2.2",
        80,
        "tcp",
    )
    drop = one(report, "vpn_path.tracer_drop")
    assert (drop.severity, drop.article, drop.anchor) == (
        "error",
        "packet-tracer-drops",
        "acl-drop",
    )
    assert drop.subject == "flow inside:10.1.1.1/1234 -> outside:10.2.2.2/80 (tcp)"
    assert {24, 27} <= set(drop.lines)
    assert report.unparsed_lines == 0


def test_it_follows_user_data_to_a_context_and_sa_that_agree():
    """packet-tracer's user_data 0x1b2c4 -> context 0x0001B2C4 -> SPI 4F5D6E7A,
    the SA's current outbound SPI: all info."""
    report = run("22_asa_tracer_asp_ipsec_consistent.txt")
    contexts = only(report, "asa.show_asp_table_vpn_context").records
    assert [(c["context"], c["spi"], c["direction"]) for c in contexts] == [
        ("0001B2C4", "4F5D6E7A", "encrypt"),
        ("0001C0A8", "9E3A1B2C", "decrypt"),
    ]
    assert alarms(report) == []
    user_data = one(report, "vpn_path.tracer_user_data")
    assert user_data.lines == [42, 47, 71]
    assert "show asp table vpn-context detail | begin 1B2C4" in user_data.next_commands
    matches = [f for f in report.findings if f.code == "vpn_path.spi_match"]
    assert [f.lines for f in matches] == [[78, 80, 118, 132], [96, 98, 119, 133]]
    assert report.unparsed_lines == 0


def test_it_flags_a_context_spi_that_is_not_the_sa_spi():
    """Same paste with the encrypt context on SPI D00DFEED: the one warning."""
    report = run("23_asa_tracer_asp_ipsec_spi_mismatch.txt")
    mismatch = one(report, "vpn_path.spi_mismatch")
    assert (mismatch.severity, mismatch.anchor, mismatch.lines) == (
        "warning",
        "spi-mismatch",
        [78, 80, 118, 132],
    )
    assert "D00DFEED" in mismatch.title and "4F5D6E7A" in mismatch.title
    assert "show crypto ipsec sa peer 203.0.113.5" in mismatch.next_commands
    assert alarms(report) == [
        (
            "vpn_path.spi_mismatch",
            "VPN context 0001B2C4 (encrypt, SPI D00DFEED, peer 10.2.2.0)",
        )
    ]


def test_it_explains_a_vpn_encrypt_drop():
    """Phase VPN encrypt DROP with user_data 0x0: no SA to use yet."""
    report = run("31_asa_tracer_vpn_encrypt_drop.txt")
    drop = one(report, "vpn_path.tracer_drop")
    assert (drop.severity, drop.anchor) == ("warning", "vpn-drops")
    assert {20, 23} <= set(drop.lines)
    assert "show crypto isakmp sa" in drop.next_commands


def test_it_reads_asp_contexts_pasted_without_a_command():
    """Bare `show asp table vpn-context detail` output: Bad SPI 3411 on the
    decrypt context is a warning on its line; the encrypt context is quiet."""
    report = run("27_asa_asp_bad_spi_no_prompt.txt")
    contexts = only(report, "asa.show_asp_table_vpn_context").records
    assert [(c["context"], c["bad_spi"], c["packets"]) for c in contexts] == [
        ("0742E9B4", 3411, 0),
        ("0742F0C0", 0, 5120),
    ]
    errors = one(report, "vpn_path.asp_error_counters")
    assert (errors.severity, errors.lines, errors.anchor) == (
        "warning",
        [12],
        "counters",
    )
    assert alarms(report) == [
        (
            "vpn_path.asp_error_counters",
            "VPN context 0742E9B4 (decrypt, SPI 7B9D6D88, peer 172.16.40.0)",
        )
    ]


def test_it_reads_l2l_sessions_and_the_one_that_gets_nothing_back():
    """`sh vpn-sessiondb l2l`: two sessions; Bytes Rx 0 on 203.0.113.5 is a
    warning, the other is up; the dashed rule is part of the output."""
    report = run("26_asa9_vpn_sessiondb_l2l.txt")
    sessions = only(report, "asa.show_vpn_sessiondb").records
    assert [(s["peer"], s["bytes_tx"], s["bytes_rx"]) for s in sessions] == [
        ("203.0.113.5", 1245032, 0),
        ("198.51.100.23", 50331, 61203),
    ]
    assert alarms(report) == [("vpn_path.session_tx_no_rx", "peer 203.0.113.5")]
    assert one(report, "vpn_path.session_tx_no_rx").lines == [11]
    assert report.unparsed_lines == 0


def test_every_finding_of_every_paste_is_complete():
    """Each finding names a subject, evidence lines inside the paste, next
    commands with no placeholder left, and an article section."""
    for path in sorted((FIXTURES / "qa_vpn").glob("*.txt")):
        text = path.read_bytes().decode("utf-8")
        report = analyze(text)
        for f in report.findings:
            assert f.subject and f.lines and f.article and f.anchor, (path.name, f.code)
            assert all(1 <= n <= report.line_count for n in f.lines), (
                path.name,
                f.code,
            )
            assert f.next_commands, (path.name, f.code)
            assert not any("{" in c for c in f.next_commands), (path.name, f.code)


def test_it_reads_a_console_log_message_printed_inside_show_output():
    """A %CRYPTO-4-RECVD_PKT_INV_SPI line printed by the console in the middle
    of `show crypto ipsec sa` is still read as a log message, and the SA
    around it is whole."""
    report = run("33_ios_console_log_inside_output.txt")
    rec = only(report, "ios.show_crypto_ipsec_sa").records[0]
    assert (rec["encaps"], rec["decaps"], rec["send_errors"]) == (1500, 0, 0)
    assert 17 in only(report, "syslog").claimed_lines()
    assert one(report, "ipsec.encaps_no_decaps").lines == [11, 12]
    assert any(17 in f.lines and "spi" in f.code for f in report.findings)
    assert report.unparsed_lines == 0


def test_it_judges_the_last_of_two_outputs_of_the_same_sa():
    """`sh cry ipsec sa pe X`, a failed ping, the same command again: one
    finding on the newer counters, pointing at both outputs and saying that
    encaps rose by the five pings while decaps stayed at zero."""
    report = run("34_asa_two_snapshots_after_ping.txt")
    assert [len(s.records) for s in report.sources] == [1, 1]
    finding = one(report, "ipsec.encaps_no_decaps")
    assert finding.lines == [12, 13, 65, 66]
    assert "encaps went from 120 to 125" in finding.detail
    assert "decaps stayed at 0" in finding.detail
    assert report.unparsed_lines == 4  # the ping's own four lines


def test_it_reads_ios_ikev2_ipv4_and_ipv6_tables():
    """IOS 15 `show crypto ikev2 sa`: an IPv4 READY and an IPv6 DELETE row."""
    report = run("35_ios15_ikev2_ipv6_and_v4.txt")
    source = only(report, "ios.show_crypto_ikev2_sa")
    assert [(r["peer"], r["state"], r["local"]) for r in source.records] == [
        ("203.0.113.70", "READY", "198.51.100.7"),
        ("2001:DB8:70::70", "DELETE", "2001:DB8:7::7"),
    ]
    delete = one(report, "ikev2.delete")
    assert (delete.severity, delete.anchor, delete.lines[0]) == (
        "warning",
        "ikev2-delete",
        12,
    )
    assert "show crypto ikev2 sa remote 2001:DB8:70::70 detail" in delete.next_commands
    assert alarms(report) == [("ikev2.delete", "peer 2001:DB8:70::70")]
    assert report.unparsed_lines == 0


def test_it_reads_isakmp_output_filtered_with_include():
    """`| i Peer|State` on a multi-context ASA and `| i _` on IOS from config
    mode with `do`: peers and states survive the filter, and filtered ASA output
    (no layout to date it) keeps the current 'ikev1' commands."""
    report = run("36_filtered_isakmp_asa_and_ios.txt")
    asa = only(report, "asa.show_crypto_isakmp_sa")
    assert [(r["peer"], r["state"]) for r in asa.records] == [
        ("203.0.113.5", "MM_ACTIVE"),
        ("198.51.100.77", "MM_WAIT_MSG4"),
    ]
    ios = only(report, "ios.show_crypto_isakmp_sa")
    assert [(r["peer"], r["local"], r["state"]) for r in ios.records] == [
        ("203.0.113.30", "198.51.100.1", "MM_NO_STATE"),
        ("203.0.113.44", "198.51.100.1", "QM_IDLE"),
    ]
    msg4 = one(report, "isakmp.mm_wait_msg4")
    assert msg4.lines == [4, 5]
    assert "debug crypto ikev1 127" in msg4.next_commands
    assert one(report, "isakmp.mm_no_state").lines == [8]
    assert report.unparsed_lines == 0


def test_it_warns_when_the_traced_flow_lands_on_a_context_with_no_sa():
    """ASA 9.16 packet-tracer (vrfid suffixes, elapsed times) allows the flow
    through VPN encrypt with user_data 0x33cb74; that context's SPI is 0, so no
    SA can encrypt it: a warning on the SPI line, not a note about idle counters."""
    report = run("37_asa916_tracer_vrfid_elapsed_vpn.txt")
    run_ = only(report, "asa.packet_tracer").records[0]
    assert (run_["src"], run_["dst"], run_["dst_port"]) == (
        "10.10.10.10",
        "172.31.5.5",
        443,
    )
    ctx = only(report, "asa.show_asp_table_vpn_context").records[0]
    assert (ctx["context"], ctx["spi"], ctx["direction"]) == (
        "0033CB74",
        "00000000",
        "encrypt",
    )
    no_sa = one(report, "vpn_path.asp_no_sa")
    assert (no_sa.severity, no_sa.lines, no_sa.anchor) == ("warning", [71], "spi-check")
    assert "show asp table vpn-context detail | begin 33CB74" in no_sa.next_commands
    assert not [f for f in report.findings if f.code == "vpn_path.asp_encrypt_idle"]
    assert one(report, "vpn_path.tracer_user_data").lines == [32, 38, 64]
    assert report.unparsed_lines == 0


def test_it_reads_output_whose_spaces_became_non_breaking():
    """The tracer/asp/SA paste copied back out of a web ticket, every space a
    U+00A0: read exactly as the plain paste is."""
    plain = run("22_asa_tracer_asp_ipsec_consistent.txt")
    copied = run("38_nbsp_copied_from_web_ticket.txt")
    assert (
        "\u00a0"
        in (FIXTURES / "qa_vpn" / "38_nbsp_copied_from_web_ticket.txt").read_text()
    )
    assert [s.to_dict() for s in copied.sources] == [s.to_dict() for s in plain.sources]
    assert [(f.code, f.lines, f.subject) for f in copied.findings] == [
        (f.code, f.lines, f.subject) for f in plain.findings
    ]
    assert copied.unparsed_lines == 0


def test_it_reads_output_indented_as_a_code_block_in_a_forum_post():
    """Prose at the margin around output indented four spaces: the prompts are
    recognised, the SA read, and only the two sentences are left over."""
    report = run("39_forum_post_markdown_indented.txt")
    rec = only(report, "asa.show_crypto_ipsec_sa").records[0]
    assert (rec["peer"], rec["encaps"], rec["decaps"], rec["interface"]) == (
        "198.51.100.77",
        4312,
        0,
        "outside",
    )
    assert one(report, "ipsec.encaps_no_decaps").lines == [13, 14]
    assert report.unparsed_lines == 2


def test_it_gives_pix6_commands_for_pix6_ipsec_output():
    """PIX 6.3 `show crypto ipsec sa` (peer written 203.0.113.5:500, 'digest 10'
    without a colon): the SA is read whole, and the next commands are ones a
    PIX 6 has (no packet-tracer, no 'capture ... match', no 'sa peer')."""
    report = run("40_pix63_show_crypto_ipsec_sa.txt")
    rec = only(report, "asa.show_crypto_ipsec_sa").records[0]
    assert (rec["peer"], rec["peer_port"], rec["digest"], rec["outbound_spi"]) == (
        "203.0.113.5",
        500,
        10,
        "3C2A1B9F",
    )
    assert rec["device"] == "pix6"
    finding = one(report, "ipsec.encaps_no_decaps")
    assert finding.lines == [11, 12]
    assert finding.next_commands == [
        "show crypto ipsec sa",
        "show crypto map",
        "show isakmp sa",
        "debug crypto ipsec",
    ]
    assert report.unparsed_lines == 0


def test_it_names_a_detailed_session_pair_like_the_sa_findings_do():
    """`sh vpn-sessiondb det l2l filter ipaddress X`: Bytes Rx 0 in the IPsec
    block is a warning on that line, its subject written as the SA findings
    write a proxy pair."""
    report = run("41_asa9_sessiondb_detail_l2l.txt")
    session = only(report, "asa.show_vpn_sessiondb").records[0]
    assert (session["peer"], session["bytes_tx"], session["bytes_rx"]) == (
        "203.0.113.5",
        1245032,
        0,
    )
    silent = one(report, "vpn_path.session_tx_no_rx")
    assert silent.subject == "peer 203.0.113.5 (10.1.1.0/24 \u2192 10.3.3.0/24)"
    assert (silent.severity, silent.lines) == ("warning", [34])
    assert report.unparsed_lines == 0


def test_it_takes_a_command_written_without_a_prompt_as_the_section_heading():
    """A mail with 'show crypto isakmp sa' and 'show crypto ipsec sa peer X' on
    lines of their own above each output: both commands are understood, the
    outputs are read, and only the mail's own four lines are left over."""
    report = run("42_mail_bare_commands_no_prompts.txt")
    assert states(only(report, "asa.show_crypto_isakmp_sa")) == [
        ("203.0.113.5", "MM_ACTIVE", "responder")
    ]
    rec = only(report, "asa.show_crypto_ipsec_sa").records[0]
    assert (rec["encaps"], rec["decaps"]) == (0, 2210)
    finding = one(report, "ipsec.decaps_no_encaps")
    assert (finding.severity, finding.lines) == ("warning", [31, 32])
    assert report.unparsed_lines == 4


def test_it_captures_udp_4500_for_a_one_way_sa_behind_nat():
    """Encaps without decaps on an SA with NAT-T (endpoints on 4500,
    NAT-T-Encaps): the capture to run matches UDP 4500, not ESP."""
    report = run("43_asa_natt_encaps_no_decaps.txt")
    finding = one(report, "ipsec.encaps_no_decaps")
    assert finding.lines == [11, 12]
    assert (
        "capture cap-esp interface outside match udp host 192.0.2.1 "
        "host 203.0.113.5 eq 4500" in finding.next_commands
    )
    assert not any("match esp" in c for c in finding.next_commands)
    assert "UDP 4500" in finding.detail
    plain = one(run("08_asa_encaps_no_decaps_more.txt"), "ipsec.encaps_no_decaps")
    assert any("match esp" in c for c in plain.next_commands)


def test_it_reads_ios_show_crypto_session_detail():
    """`sh crypto session detail` with three sessions: the one-way flow and the
    DOWN-NEGOTIATING peer are warnings on their lines; the busy IKEv2 tunnel is
    not blamed."""
    report = run("44_ios_show_crypto_session_detail.txt")
    sessions = only(report, "ios.show_crypto_session").records
    assert [(s["peer"], s["status"], s["interface"]) for s in sessions] == [
        ("203.0.113.20", "UP-ACTIVE", "GigabitEthernet0/1"),
        ("192.0.2.77", "DOWN-NEGOTIATING", "GigabitEthernet0/1"),
        ("203.0.113.90", "UP-ACTIVE", "Tunnel11"),
    ]
    first = sessions[0]["flows"][0]
    assert (first["encaps"], first["decaps"], first["active_sas"]) == (1500, 0, 2)
    assert sessions[2]["ike_sas"][0]["version"] == "IKEv2"
    assert sessions[2]["peer_port"] == 4500
    assert alarms(report) == [
        (
            "ipsec.encaps_no_decaps",
            "peer 203.0.113.20 (192.168.1.0/24 \u2192 192.168.2.0/24)",
        ),
        ("ipsec.session_down", "peer 192.0.2.77"),
    ]
    one_way = one(report, "ipsec.encaps_no_decaps")
    assert one_way.lines == [21, 22]
    down = one(report, "ipsec.session_down")
    assert (down.lines, down.article, down.anchor) == (
        [25, 30],
        "phase1-errors",
        "checklist",
    )
    assert "ping 192.0.2.77 source GigabitEthernet0/1" in down.next_commands
    assert "12 outbound packets dropped" in down.detail
    assert report.unparsed_lines == 0


def test_it_reads_the_short_crypto_session_and_notes_an_idle_session():
    """`show crypto session` without detail: two sessions read; UP-IDLE (phase 1
    only) is an info on its status line, and nothing is blamed."""
    report = run("45_ios_show_crypto_session_up_idle.txt")
    sessions = only(report, "ios.show_crypto_session").records
    assert [
        (s["peer"], s["status"], s["flows"][0]["active_sas"]) for s in sessions
    ] == [
        ("203.0.113.20", "UP-ACTIVE", 2),
        ("192.0.2.9", "UP-IDLE", 0),
    ]
    idle = one(report, "ipsec.session_idle")
    assert (idle.severity, idle.lines, idle.anchor) == ("info", [12], "no-traffic")
    assert alarms(report) == []
    assert report.unparsed_lines == 0


def test_it_does_not_blame_a_rekey_or_a_deleted_leftover_next_to_an_up_sa():
    """IOS: a deleted MM_NO_STATE beside QM_IDLE for 203.0.113.20 is a leftover
    (info), while 203.0.113.30 with only MM_NO_STATE stays a warning. ASA: the
    Rekey SA at MM_WAIT_MSG4 beside MM_ACTIVE for 192.0.2.50 is a rekey (info)."""
    report = run("46_rekey_leftovers_same_peer.txt")
    assert alarms(report) == [("isakmp.mm_no_state", "peer 203.0.113.30")]
    leftover = one(report, "isakmp.mm_no_state", "peer 203.0.113.20")
    assert (leftover.severity, leftover.lines) == ("info", [5])
    assert "line 4" in leftover.detail
    rekey = one(report, "isakmp.mm_wait_msg4")
    assert (rekey.severity, rekey.subject, rekey.lines) == (
        "info",
        "peer 192.0.2.50",
        [22, 23, 24],
    )
    assert states(only(report, "asa.show_crypto_isakmp_sa"))[1] == (
        "192.0.2.50",
        "MM_WAIT_MSG4",
        "initiator",
    )


def test_it_keeps_the_contexts_of_a_multi_context_asa_apart():
    """`changeto context` between two outputs and commands typed in config mode
    are prompts: each context's SA is its own, so CUST-B's MM_ACTIVE with the
    same peer address does not excuse CUST-A's MM_WAIT_MSG2."""
    report = run("47_asa_multicontext_changeto.txt")
    v1 = [s for s in report.sources if s.kind == "asa.show_crypto_isakmp_sa"]
    assert [states(s) for s in v1] == [
        [("203.0.113.5", "MM_WAIT_MSG2", "initiator")],
        [("203.0.113.5", "MM_ACTIVE", "responder")],
    ]
    msg2 = one(report, "isakmp.mm_wait_msg2")
    assert (msg2.severity, msg2.lines) == ("warning", [10, 11, 12])
    assert report.unparsed_lines == 0


def test_it_blames_the_path_when_both_ends_send_and_neither_receives():
    """Router and ASA each encrypt (812 and 640) and decrypt nothing: each
    finding says the other end does the same, so ESP is lost between them."""
    report = run("48_both_ends_send_neither_receives.txt")
    router = one(report, "ipsec.encaps_no_decaps", "peer 192.0.2.1")
    asa = one(report, "ipsec.encaps_no_decaps", "peer 198.51.100.1")
    assert (router.lines, asa.lines) == ([11, 12], [61, 62])
    assert "other end (192.0.2.1, line 61) also encrypts (640)" in router.detail
    assert "other end (198.51.100.1, line 11) also encrypts (812)" in asa.detail
    assert "lost on the path" in router.detail
    assert report.unparsed_lines == 0


def test_it_reads_an_asa_remote_access_sa_with_its_username():
    """`current_peer: X, username: jdoe` and both dynamic peer ip lines: the
    peer is the address alone (commands stay runnable), the user and the pool
    address are kept apart, and the one-way SA is flagged."""
    report = run("49_asa_ra_client_decaps_no_encaps.txt")
    rec = only(report, "asa.show_crypto_ipsec_sa").records[0]
    assert (
        rec["peer"],
        rec["username"],
        rec["dynamic_peer_ip"],
        rec["dynamic_peer_ipv6"],
    ) == (
        "198.51.100.200",
        "jdoe",
        "10.10.10.5",
        "0.0.0.0",
    )
    finding = one(report, "ipsec.decaps_no_encaps")
    assert finding.subject == "peer 198.51.100.200 (0.0.0.0/0 \u2192 10.10.10.5/32)"
    assert finding.lines == [12, 13]
    assert "show crypto ipsec sa peer 198.51.100.200" in finding.next_commands
    assert report.unparsed_lines == 0


def test_it_tells_filtered_ios_ipsec_output_from_the_asa():
    """IOS `sh cry ipsec sa | i ident|peer|pkts`: none of the usual platform
    lines survive the filter, yet the two-space 'local  ident' and IOS counter
    names make it IOS, so the commands are IOS commands."""
    report = run("50_ios_ipsec_include_idents.txt")
    records = only(report, "ios.show_crypto_ipsec_sa").records
    assert [(r["peer"], r["encaps"], r["decaps"]) for r in records] == [
        ("203.0.113.20", 77, 0),
        ("203.0.113.30", 10, 10),
    ]
    finding = one(report, "ipsec.encaps_no_decaps")
    assert (finding.lines, finding.subject) == (
        [5, 6],
        "peer 203.0.113.20 (192.168.1.0/24 \u2192 192.168.2.0/24)",
    )
    assert "show crypto session remote 203.0.113.20 detail" in finding.next_commands
    assert not any(
        c.startswith(("capture", "packet-tracer")) for c in finding.next_commands
    )
    assert report.unparsed_lines == 0


def test_it_settles_each_routers_one_row_table_with_its_own_ipsec_sas():
    """R1 and R2 print the same row (dst 198.51.100.2, src 198.51.100.1): each
    router's own IPsec SAs, pasted after its table, say which end it is, so the
    peer is the other router on each side."""
    report = run("51_two_ios_routers_one_row_each.txt")
    first, second = [f for f in report.findings if f.code == "isakmp.qm_idle"]
    assert (first.subject, first.lines) == ("peer 198.51.100.2", [4])
    assert (second.subject, second.lines) == ("peer 198.51.100.1", [59])
    assert "dst and src" not in first.detail + second.detail
    assert alarms(report) == []
