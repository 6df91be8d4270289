"""Pastes as they arrive from the field, a second pass: other vendors' output
pasted by mistake, multi-context and failover prompts, terminal-logger headers,
chat and mail wrapped around the output, both ends of a tunnel in one paste, a
cut-down `| include`, thousands of SAs. What each must and must not conclude;
expected values were read off the pastes by hand."""

import pytest

from analyzer.engine import analyze
from tests.analyzer.report_helpers import ABOVE_INFO, alarms, one, only
from tests.conftest import FIXTURES


def run(name: str):
    return analyze((FIXTURES / "qa_field" / name).read_bytes().decode("utf-8"))


def kinds(report):
    return [s.kind for s in report.sources]


def codes(report):
    return sorted(f.code for f in report.findings)


# --- other vendors' output is not diagnosed as Cisco -----------------------------


@pytest.mark.parametrize(
    ("name", "lines"),
    [
        ("05_linux_ip_xfrm_state.txt", 32),
        ("41_checkpoint_vpn_tu_and_ike_log.txt", 13),
        ("42_azure_connection_json.txt", 15),
    ],
)
def test_it_reports_other_vendors_output_as_not_understood(name, lines):
    """Juniper, Palo Alto, FortiGate, strongSwan and Linux xfrm output (with
    their own IKE/ESP words, SPIs, byte counters and 'show log' commands) yields
    no source and no Cisco finding: only 'not understood', every line counted."""
    report = run(name)
    assert report.sources == []
    assert codes(report) == ["general.not_understood"]
    assert report.unparsed_lines == lines


# --- the other vendor's IKE log is judged like a Cisco debug ------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (
            "19_fortigate_get_vpn_ipsec_tunnel_summary.txt",
            [("ike_debug.peer_not_answering", "peer 198.51.100.9")],
        ),
        (
            "20_juniper_kmd_log_and_vpn_syslog.txt",
            [("ike_debug.proposal_mismatch", "peer 203.0.113.10")],
        ),
        (
            "21_strongswan_swanctl_and_charon_log.txt",
            [("ike_debug.peer_not_answering", "peer 198.51.100.9")],
        ),
        (
            "31_strongswan_charon_syslog_no_proposal.txt",
            [("ike_debug.peer_not_answering", "peer 192.0.2.77")],
        ),
        (
            "32_paloalto_system_log_vpn.txt",
            [
                ("ike_debug.peer_not_answering", "peer 203.0.113.10"),
                ("ike_debug.phase2_mismatch", "connection GW-to-DC"),
            ],
        ),
        (
            # RouterOS: its show outputs stay unread, its IPsec log is read; the
            # peer whose ID does not match its certificate then times out
            "40_mikrotik_ipsec_active_peers.txt",
            [("ike_debug.identity_mismatch", "peer 198.51.100.77")],
        ),
        (
            "33_juniper_syslog_kmd_on_server.txt",
            [
                ("ike_debug.phase2_mismatch", "peer 203.0.113.10"),
                ("ike_debug.psk_mismatch", "peer 203.0.113.10"),
            ],
        ),
    ],
)
def test_the_other_vendors_ike_log_gets_the_cisco_verdicts(name, expected):
    """FortiGate ike debug, Juniper kmd, strongSwan charon and Palo Alto system
    logs: timeouts, refused proposals, failed authentication and phase 2 policy
    lookups become the same findings a Cisco debug gives, with that vendor's
    commands. In the charon log the refusal by 203.0.113.10 is followed by its
    IKE_SA established, so it is history, not a finding."""
    report = run(name)
    assert "peer.ike_log" in [s.kind for s in report.sources]
    assert alarms(report) == expected
    for finding in report.findings:
        assert not any(c.startswith("show crypto") for c in finding.next_commands)


# --- prompts, headers and wrappers ----------------------------------------------


def test_it_reads_ipsec_detail_with_the_9x_counters_at_a_context_prompt():
    """`fw01/CUST-A#` prompt, `show crypto ipsec sa peer X detail` with every
    9.x counter: one healthy SA, counters as integers, nothing above info."""
    report = run("06_asa_multicontext_ipsec_detail_9x.txt")
    rec = only(report, "asa.show_crypto_ipsec_sa").records[0]
    assert (rec["peer"], rec["encaps"], rec["decaps"]) == (
        "203.0.113.10",
        18342,
        17990,
    )
    assert (rec["send_errors"], rec["recv_errors"]) == (0, 0)
    assert (rec["outbound_spi"], rec["inbound_spi"]) == ("9D8C7B6A", "C4E5F6A7")
    assert alarms(report) == []
    assert report.unparsed_lines == 0


def test_it_reads_ikev2_detail_with_a_child_sa_at_a_failover_prompt():
    """`vpnfw/pri/act#`: isakmp sa detail with no IKEv1 and one IKEv2 SA with
    its child, then the matching IPsec SA: a healthy tunnel, info only."""
    report = run("07_asa_failover_prompt_isakmp_detail_ikev2_child.txt")
    v2 = only(report, "asa.show_crypto_ikev2_sa").records[0]
    assert (v2["peer"], v2["state"], v2["role"], v2["child_count"]) == (
        "203.0.113.10",
        "READY",
        "initiator",
        1,
    )
    assert alarms(report) == []
    assert one(report, "ikev2.ready").severity == "info"
    assert report.unparsed_lines == 0


def test_it_does_not_invent_findings_from_summary_counters():
    """`show crypto ipsec sa summary` and `show crypto isakmp stats` hold only
    totals (Initiator Fails: 31, Auth Fails: 4): no finding is made from them."""
    report = run("08_asa_ipsec_sa_summary.txt")
    assert alarms(report) == []
    assert report.unparsed_lines == 35


def test_it_reads_a_putty_log_with_login_lines():
    """A PuTTY log header, login prompts and `Logoff` around the output: the two
    peers are read at their lines, and the terminal's and login's own lines are
    understood, not counted as unread output."""
    report = run("13_putty_log_header_asa.txt")
    source = only(report, "asa.show_crypto_isakmp_sa")
    assert [(r["peer"], r["state"]) for r in source.records] == [
        ("203.0.113.10", "MM_ACTIVE"),
        ("198.51.100.77", "MM_WAIT_MSG5"),
    ]
    assert alarms(report) == [("isakmp.mm_wait_msg5", "peer 198.51.100.77")]
    assert one(report, "isakmp.mm_wait_msg5").lines == [19, 20, 21]
    assert report.unparsed_lines == 0


def test_it_reads_a_securecrt_log_with_abbreviated_commands():
    """SecureCRT session header, `sh cry isa sa` and `sh cry ipsec sa`: the
    responder waiting at MM_WAIT_MSG3 is the one alarm."""
    report = run("14_securecrt_session_log.txt")
    assert alarms(report) == [("isakmp.mm_wait_msg3", "peer 198.51.100.2")]
    assert one(report, "isakmp.mm_wait_msg3").lines == [12, 13, 14]
    assert report.unparsed_lines == 3


def test_it_reads_both_asas_in_one_paste_with_mixed_line_ends_and_tabs():
    """HQ's part in CRLF, the branch's in LF with tab-indented fields: each
    ASA's peer is read at its own lines (initiator MSG4, responder MSG3)."""
    report = run("15_two_asas_mixed_crlf_tabs.txt")
    assert alarms(report) == [
        ("isakmp.mm_wait_msg3", "peer 198.51.100.2"),
        ("isakmp.mm_wait_msg4", "peer 192.0.2.50"),
    ]
    assert one(report, "isakmp.mm_wait_msg4").lines == [11, 12, 13]
    assert one(report, "isakmp.mm_wait_msg3").lines == [27, 28, 29]
    assert report.unparsed_lines == 1


# --- phase 1 up, phase 2 missing --------------------------------------------------


def test_it_says_phase_2_failed_when_an_ikev2_sa_has_no_child_in_a_chat_paste():
    """Teams paste: IKEv2 READY with CHILD count 0 and `There are no ipsec sas`
    for that peer is a phase 2 failure (warning, citing the session line, the
    SA row and the empty output), and chat lines are not read as SA fields."""
    report = run("16_teams_chat_paste.txt")
    v2 = only(report, "asa.show_crypto_ikev2_sa")
    assert (v2.first_line, v2.last_line) == (6, 13)
    assert not any(k.startswith(("priya", "dave")) for k in v2.records[0])
    finding = one(report, "ike.no_ipsec_sa")
    assert (finding.severity, finding.subject, finding.lines) == (
        "warning",
        "peer 40.112.10.5",
        [8, 11, 20],
    )
    assert (finding.article, finding.anchor) == (
        "ipsec-phase2-errors",
        "what-must-match",
    )
    assert "show crypto ipsec sa peer 40.112.10.5" in finding.next_commands
    assert "debug crypto ikev2 protocol 127" in finding.next_commands
    assert one(report, "ikev2.ready").severity == "info"
    assert report.unparsed_lines == 7


def test_it_blames_only_the_peer_whose_filtered_ipsec_output_is_empty():
    """Two MM_ACTIVE peers; ipsec sa filtered on each: the one with SAs is
    healthy, the one answered 'There are no ipsec sas' gets the warning."""
    report = run("28_asa_two_peers_ipsec_filtered_other_peer.txt")
    assert alarms(report) == [("ike.no_ipsec_sa", "peer 203.0.113.10")]
    assert one(report, "ike.no_ipsec_sa").lines == [11, 41]
    assert report.unparsed_lines == 0


def test_it_keeps_an_ios_peer_with_no_ipsec_sa_at_info():
    """IOS: two QM_IDLE peers, the full `show crypto ipsec sa` lists one. IOS
    keeps phase 1 when idle IPsec SAs expire, so the other is info only."""
    report = run("29_ios_qm_idle_full_ipsec_missing_one_peer.txt")
    assert alarms(report) == []
    finding = one(report, "ike.no_ipsec_sa")
    assert (finding.severity, finding.subject, finding.lines) == (
        "info",
        "peer 198.51.100.77",
        [5, 11],
    )
    assert "show crypto map" in finding.next_commands


def test_it_does_not_say_phase_2_failed_for_a_healthy_ikev2_child():
    """FTD `>` prompts: IKEv2 READY with CHILD count 1 and its IPsec SA present:
    no no_ipsec_sa; the SA's one-way counters are the alarm."""
    report = run("30_ftd_clish_prompt.txt")
    assert alarms(report) == [
        (
            "ipsec.decaps_no_encaps",
            "peer 203.0.113.10 (10.10.0.0/16 \u2192 10.20.0.0/16)",
        )
    ]
    assert one(report, "ipsec.decaps_no_encaps").lines == [11, 12]
    assert "ike.no_ipsec_sa" not in codes(report)
    assert one(report, "ikev2.ready").lines == [35]


# --- IOS / IOS-XE tables ------------------------------------------------------------


def test_it_reads_ios_isakmp_detail_and_the_table_of_the_same_router():
    """`show crypto isakmp sa detail` (C-id, I-VRF, Cap. columns) then the plain
    table: the peer stuck at MM_KEY_EXCH is the alarm, the QM_IDLE one info."""
    report = run("09_ios_isakmp_sa_detail_conn_id.txt")
    detail, table = [s for s in report.sources if s.kind == "ios.show_crypto_isakmp_sa"]
    assert [(r["conn_id"], r["peer"], r["dh_group"]) for r in detail.records] == [
        (1012, "203.0.113.10", 14),
        (1013, "198.51.100.77", 2),
    ]
    assert [(r["peer"], r["state"]) for r in table.records] == [
        ("203.0.113.10", "QM_IDLE"),
        ("198.51.100.77", "MM_KEY_EXCH"),
    ]
    assert alarms(report) == [("isakmp.mm_key_exch", "peer 198.51.100.77")]
    assert one(report, "isakmp.mm_key_exch").lines == [23]
    assert report.unparsed_lines == 0


def test_it_reads_ios_isakmp_detail_with_an_ivrf_per_row():
    """I-VRF names in the C-id table: each row keeps its VRF and peer, no alarm."""
    report = run("25_ios_isakmp_sa_ivrf_table_cap.txt")
    source = only(report, "ios.show_crypto_isakmp_sa")
    assert [(r["peer"], r["ivrf"], r["capabilities"]) for r in source.records] == [
        ("203.0.113.10", "CUST-A", "DN"),
        ("203.0.113.11", "CUST-B", "D"),
    ]
    assert alarms(report) == []
    assert report.unparsed_lines == 0


def test_it_reads_iosxe17_ikev2_detailed_with_a_peer_that_never_answered():
    """IOS-XE 17: one READY SA over NAT-T and one IN-NEG whose remote SPI is zero."""
    report = run("10_iosxe17_ikev2_sa_detailed.txt")
    source = only(report, "ios.show_crypto_ikev2_sa")
    assert [(r["peer"], r["state"], r["remote_port"]) for r in source.records] == [
        ("203.0.113.10", "READY", 4500),
        ("198.51.100.40", "IN-NEG", 500),
    ]
    finding = one(report, "ikev2.in_neg")
    assert (finding.severity, finding.subject) == ("warning", "peer 198.51.100.40")
    assert "remote SPI is still zero" in finding.detail
    assert alarms(report) == [("ikev2.in_neg", "peer 198.51.100.40")]


def test_it_reads_ios_xe_ikev2_table_followed_by_a_linux_ping():
    """A READY IKEv2 SA then a jump host's failed ping: the SA is info, the
    ping lines are counted, not read as device output."""
    report = run("27_ios_show_crypto_ikev2_sa_xe_plain_and_linux_ping.txt")
    assert kinds(report) == ["ios.show_crypto_ikev2_sa"]
    assert alarms(report) == []
    assert report.unparsed_lines == 3


# --- IPsec SA counters ---------------------------------------------------------------


def test_it_reads_a_cut_down_include_with_two_flows_to_one_peer():
    """`| i peer|caps|ident`: of two flows to one peer, only the second
    encrypts without receiving; it is blamed at its own counter lines."""
    report = run("18_ios_ipsec_include_cutdown.txt")
    assert len(only(report, "ios.show_crypto_ipsec_sa").records) == 2
    finding = one(report, "ipsec.encaps_no_decaps")
    assert finding.lines == [10, 11]
    assert "10.51.0.0/24" in finding.subject
    assert alarms(report) == [("ipsec.encaps_no_decaps", finding.subject)]


def test_it_reads_ios_ipsec_in_a_mail_with_signature_and_quoted_thread():
    """Mail: prose, the output, a signature and a quoted earlier message. The
    router decrypts and sends nothing back: one warning at the counters."""
    report = run("17_email_signature_quoted.txt")
    finding = one(report, "ipsec.decaps_no_encaps")
    assert (finding.severity, finding.lines) == ("warning", [15, 16])
    assert finding.subject.startswith("peer 198.51.100.2")
    assert len(report.findings) == 1
    assert report.unparsed_lines == 15


def test_it_finds_the_one_way_sa_among_1500():
    """1500 SAs in one output, one with decaps 0: exactly one alarm, at its
    counter lines, and every line understood."""
    report = run("23_asa_1500_sas_one_one_way.txt")
    assert len(only(report, "asa.show_crypto_ipsec_sa").records) == 1500
    assert alarms(report) == [
        (
            "ipsec.encaps_no_decaps",
            "peer 198.18.2.238 (10.0.0.0/16 \u2192 172.18.237.0/24)",
        )
    ]
    assert one(report, "ipsec.encaps_no_decaps").lines == [17698, 17699]
    assert report.unparsed_lines == 0


def test_it_reads_both_asas_of_a_slack_thread_behind_nat():
    """Slack lines between two ASAs' outputs; both encrypt and neither decrypts:
    one warning per end, each at its own counters, each naming the other end
    although the branch's own address is NATed."""
    report = run("24_slack_paste_brackets_two_asas.txt")
    sources = [s for s in report.sources if s.kind == "asa.show_crypto_ipsec_sa"]
    assert [s.records[0]["peer"] for s in sources] == ["192.0.2.50", "198.51.100.2"]
    found = [f for f in report.findings if f.code == "ipsec.encaps_no_decaps"]
    assert [(f.subject.split()[1], f.lines) for f in found] == [
        ("192.0.2.50", [10, 11]),
        ("198.51.100.2", [26, 27]),
    ]
    # The branch sits behind NAT (10.255.0.2 seen as 192.0.2.50): still the
    # far end of the same flow, so each finding says neither side receives.
    assert all("neither receives" in f.detail for f in found)
    assert "(10.255.0.2, line 26)" in found[0].detail
    assert "(198.51.100.2, line 10)" in found[1].detail
    assert report.unparsed_lines == 2


def test_it_reads_a_filtered_l2l_session_that_gets_nothing_back():
    """`show vpn-sessiondb detail l2l filter ipaddress X`: Bytes Rx 0 on the
    IPsec tunnel is the alarm; the session itself is up (info)."""
    report = run("11_asa_sessiondb_filter_ipaddress.txt")
    assert alarms(report) == [
        (
            "vpn_path.session_tx_no_rx",
            "peer 203.0.113.10 (10.10.0.0/16 \u2192 10.20.0.0/16)",
        )
    ]
    assert one(report, "vpn_path.session_tx_no_rx").lines == [37]
    assert report.unparsed_lines == 0


# --- logs and debugs --------------------------------------------------------------------


def test_it_reads_an_asa_ikev2_protocol_debug_between_chat_lines():
    """ASA 9.x `debug crypto ikev2 protocol 127` (IKEv2-PROTO-n: (sid): ...):
    the responder found no matching policy for 203.0.113.10's proposal."""
    report = run("26_asa_ikev2_debug_in_teams_with_author_lines.txt")
    rec = only(report, "ike_debug").records[0]
    assert (rec["peer"], rec["platform"], rec["version"], rec["role"]) == (
        "203.0.113.10",
        "asa",
        "ikev2",
        "responder",
    )
    assert (rec["received"], rec["sent"]) == (1, 1)
    finding = one(report, "ike_debug.proposal_mismatch")
    assert (finding.severity, finding.lines) == ("error", [6, 10, 11, 13, 15, 19])
    assert "DH group received group 2, expected group 14" in finding.detail
    assert finding.article == "ikev2-troubleshooting"
    assert "debug crypto ikev2 protocol 127" in finding.next_commands
    assert report.unparsed_lines == 4


def test_it_reads_show_logging_filtered_on_ike_message_ids():
    """`show logging | i 713|752|750`: the peer that never answers and then
    sends what the ASA cannot decrypt, and the IKEv2 peer that came up."""
    report = run("12_asa_show_logging_include_713_752.txt")
    assert alarms(report) == [("ike_debug.psk_mismatch", "peer 198.51.100.77")]
    assert one(report, "ike_debug.negotiation_complete").subject == (
        "peer 203.0.113.10"
    )
    assert report.unparsed_lines == 0


def test_it_reads_a_context_log_after_changeto():
    """`changeto context` then `show logging | include peer`: the SA built and
    torn down at once with Reason: Phase 2 Mismatch is the one alarm."""
    report = run("22_asa_context_prompt_changeto_logging.txt")
    assert alarms(report) == [("ike_debug.phase2_mismatch", "peer 203.0.113.10")]
    assert one(report, "ike_debug.phase2_mismatch").lines == [8]
    assert report.unparsed_lines == 0


def test_it_reads_the_asa_and_the_peers_srx_status_tables():
    """Our ASA's table, then the far end's Juniper output pasted under it: the
    ASA's two peers are read, and so are the SRX's IKE and IPsec tables, whose
    DOWN row for 198.51.100.20 is the one alarm; the SRX statistics stay unread."""
    report = run("34_asa_and_their_srx_side.txt")
    assert kinds(report) == ["asa.show_crypto_isakmp_sa", "peer.status", "peer.status"]
    assert alarms(report) == [("peer.tunnel_down", "peer 198.51.100.20")]
    assert report.unparsed_lines == 17


def test_the_other_vendors_status_tables_are_read():
    """A Junos IKE table with one UP and one DOWN row and its IPsec table, and a
    strongSwan statusall: read as the far end's view; only the DOWN row warns."""
    report = run("01_juniper_srx_ike_ipsec.txt")
    assert kinds(report) == ["peer.status", "peer.status"]
    assert alarms(report) == [("peer.tunnel_down", "peer 198.51.100.20")]
    report = run("04_strongswan_statusall.txt")
    assert kinds(report) == ["peer.status"]
    assert alarms(report) == []
    # Palo Alto show vpn ike-sa / ipsec-sa and FortiGate diagnose vpn ike gateway
    # list: the listed SAs are up, the tunnel's verdict says so.
    for name in ("02_paloalto_ike_ipsec.txt", "03_fortigate_vpn_tunnel_list.txt"):
        report = run(name)
        assert alarms(report) == []
        (tunnel,) = report.tunnels
        assert (tunnel.peer, tunnel.phase1, tunnel.phase2) == (
            "203.0.113.10",
            "up",
            "up",
        )


def test_it_reads_a_hub_with_3000_isakmp_rows():
    """3000 rows with the hub as dst on every one: each peer is the src, and
    only the four MM_NO_STATE rows are alarms, each at its own line."""
    report = run("35_ios_hub_3000_isakmp_rows.txt")
    source = only(report, "ios.show_crypto_isakmp_sa")
    assert len(source.records) == 3000
    assert {r["local"] for r in source.records} == {"192.0.2.1"}
    stuck = [f for f in report.findings if f.severity in ABOVE_INFO]
    assert [(f.subject, f.lines) for f in stuck] == [
        ("peer 198.18.0.6", [9]),
        ("peer 198.18.4.3", [1006]),
        ("peer 198.18.7.250", [2003]),
        ("peer 198.18.11.247", [3000]),
    ]
    assert report.unparsed_lines == 0


def test_it_does_not_read_the_other_ends_ipsec_output_as_this_ones():
    """HQ's phase 1 (peer 192.0.2.50) then the branch's ipsec SAs, whose own
    address is 192.0.2.50: the branch output is not taken as HQ having no SA."""
    report = run("36_hq_isakmp_then_branch_ipsec.txt")
    assert "ike.no_ipsec_sa" not in codes(report)
    assert alarms(report) == []


def test_it_tells_the_devices_apart_by_prompt():
    """asa-hq's phase 1, then asa-br's empty ipsec output and asa-br's phase 1:
    the empty output is the branch's, so only the branch's peer is blamed."""
    report = run("37_hq_isakmp_then_branch_no_ipsec.txt")
    assert alarms(report) == [("ike.no_ipsec_sa", "peer 198.51.100.2")]
    assert one(report, "ike.no_ipsec_sa").lines == [14, 25]
    assert report.unparsed_lines == 0


def test_it_reads_ios12_rows_with_a_slot_column_and_a_deleted_sa():
    """IOS 12 `conn-id slot status` table: a QM_IDLE peer and a responder-side
    peer with two MM_NO_STATE SAs, one of them (deleted): one warning for it."""
    report = run("38_ios12_isakmp_slot_column.txt")
    source = only(report, "ios.show_crypto_isakmp_sa")
    assert [(r["peer"], r["state"], r["slot"]) for r in source.records] == [
        ("203.0.113.10", "QM_IDLE", 0),
        ("198.51.100.77", "MM_NO_STATE", 0),
        ("198.51.100.77", "MM_NO_STATE", 0),
    ]
    assert alarms(report) == [("isakmp.mm_no_state", "peer 198.51.100.77")]
    assert one(report, "isakmp.mm_no_state").lines == [4, 5]


def test_it_names_anyconnect_sessions_by_their_public_ip_without_l2l_findings():
    """`show vpn-sessiondb anyconnect`: each user's session has the client's
    Public IP as its peer; no site-to-site finding is made of them."""
    report = run("39_asa_sessiondb_anyconnect.txt")
    source = only(report, "asa.show_vpn_sessiondb")
    assert [(r["username"], r["peer"]) for r in source.records] == [
        ("jsmith", "198.18.50.7"),
        ("akumar", "203.0.113.201"),
    ]
    assert report.findings == []
    assert report.unparsed_lines == 0


def test_it_keeps_a_peer_missing_from_a_full_listing_at_info():
    """ASA: two MM_ACTIVE peers and a full `show crypto ipsec sa` that lists only
    one. The listing may have been cut short in the paste, so the other peer's
    missing SA is info, with the command that settles it."""
    report = run("44_asa_full_ipsec_listing_lacks_one_peer.txt")
    assert alarms(report) == []
    finding = one(report, "ike.no_ipsec_sa")
    assert (finding.severity, finding.subject, finding.lines) == (
        "info",
        "peer 203.0.113.10",
        [11, 16],
    )
    assert "show crypto ipsec sa peer 203.0.113.10" in finding.detail


def test_it_reads_an_ios_flow_with_a_zero_spi_as_no_sa_not_as_one_way():
    """IOS QM_IDLE and the flow printed with outbound SPI 0x0 and no SAs:
    no traffic / no SA at info, never a one-way or phase 1 alarm."""
    report = run("43_ios_qm_idle_spi_zero.txt")
    assert alarms(report) == []
    finding = one(report, "ipsec.no_traffic")
    assert finding.lines == [18, 19]
    assert "SPI is zero" in finding.detail
    assert "ike.no_ipsec_sa" not in codes(report)


def test_it_does_not_blame_idle_timeouts_and_admin_resets():
    """113019/713050 disconnects for Idle Timeout and Administrator Reset are
    routine; only the session torn down for Phase 2 Mismatch is an alarm."""
    report = run("45_asa_logging_benign_disconnects.txt")
    assert alarms(report) == [("ike_debug.phase2_mismatch", "peer 198.51.100.99")]
    assert one(report, "ike_debug.phase2_mismatch").lines == [8]
    assert report.unparsed_lines == 0


def test_it_reads_an_isakmp_table_whose_spacing_a_chat_collapsed():
    """Teams collapsed every run of spaces and dropped the indents: the two
    peers and their states are still read at their lines."""
    report = run("46_teams_collapsed_spaces_isakmp.txt")
    source = only(report, "asa.show_crypto_isakmp_sa")
    assert [(r["peer"], r["state"], r["role"]) for r in source.records] == [
        ("203.0.113.10", "MM_WAIT_MSG2", "initiator"),
        ("192.0.2.50", "MM_ACTIVE", "responder"),
    ]
    assert alarms(report) == [("isakmp.mm_wait_msg2", "peer 203.0.113.10")]
    assert one(report, "isakmp.mm_wait_msg2").lines == [6, 7, 8]


def test_it_reads_ipsec_output_double_spaced_by_a_mail_client():
    """Outlook put a blank CRLF line after every line: the SA and its counters
    are read from their real line numbers, nothing is left unparsed."""
    report = run("47_outlook_double_spaced_ipsec.txt")
    rec = only(report, "asa.show_crypto_ipsec_sa").records[0]
    assert (rec["peer"], rec["encaps"], rec["decaps"]) == ("203.0.113.10", 18342, 17990)
    assert (rec["at"]["encaps"], rec["at"]["decaps"]) == (21, 23)
    assert alarms(report) == []
    assert report.unparsed_lines == 0


def test_it_reads_asa_ikev2_debug_of_a_silent_peer_and_an_auth_failure():
    """ASA IKEv2 debug with two SAs by id: (23) retransmits IKE_SA_INIT to a
    peer that never answers; (24) answers IKE_AUTH with AUTHENTICATION_FAILED.
    The commands given are IKEv2 ones, not `debug crypto ikev1`."""
    report = run("48_asa_ikev2_debug_no_answer_and_auth_fail.txt")
    assert alarms(report) == [
        ("ike_debug.peer_not_answering", "peer 203.0.113.10"),
        ("ike_debug.psk_mismatch", "peer 192.0.2.50"),
    ]
    silent = one(report, "ike_debug.peer_not_answering")
    assert silent.lines == [4, 10, 12, 13]
    assert "no IKEv2 enabled" in silent.detail
    auth = one(report, "ike_debug.psk_mismatch")
    assert auth.lines == [14, 17, 18, 22, 23]
    assert "IKE_AUTH" in auth.detail
    assert "debug crypto ikev2 protocol 127" in auth.next_commands
    assert not any("ikev1" in c for c in auth.next_commands)


def test_it_matches_counters_without_a_peer_to_the_sa_that_names_one():
    """`| i caps` (no peers) then `| i peer|caps`: the one-way SA is reported
    once, for 192.0.2.50, citing its counters in both outputs; no finding is
    made about an unknown peer."""
    report = run("49_asa_ipsec_include_caps_only.txt")
    assert alarms(report) == [("ipsec.encaps_no_decaps", "peer 192.0.2.50")]
    assert one(report, "ipsec.encaps_no_decaps").lines == [4, 5, 12, 13]
    assert report.unparsed_lines == 0


def test_it_does_not_settle_a_routers_peer_from_the_other_routers_ipsec():
    """R1's one-row table (dst 203.0.113.10, src 192.0.2.9) then R2's IPsec SAs
    (R2 is 203.0.113.10). R2's output must not be read as R1's: R1's peer stays
    203.0.113.10, not R1's own address."""
    report = run("51_r1_isakmp_one_row_then_r2_ipsec.txt")
    assert one(report, "isakmp.qm_idle").subject == "peer 203.0.113.10"
    assert alarms(report) == []


def test_it_reads_show_dmvpn_and_finds_nothing_in_up_nhrp_and_ike_states():
    """`show dmvpn` (NHRP peers with UP/NHRP/IKE states) is read whole, no state
    in it is taken for an ISAKMP state, and none of these three says a fault:
    only a peer held in state IPSEC does (tests/analyzer/test_dmvpn.py)."""
    report = run("50_ios_show_dmvpn.txt")
    assert [s.kind for s in report.sources] == ["ios.show_dmvpn"]
    assert codes(report) == []
    assert report.unparsed_lines == 0
