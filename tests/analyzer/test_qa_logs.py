"""Whole-paste checks on realistic logs, debugs, captures, configs and boot output:
what each paste is read as, what is found in it, which lines are the evidence and
where the finding links. Expected values come from reading the pastes."""

from analyzer.engine import analyze
from tests.conftest import FIXTURES

QA = FIXTURES / "qa_logs"


def run(name: str):
    return analyze((QA / name).read_bytes().decode("utf-8"))


def codes(report) -> list[str]:
    return [f.code for f in report.findings]


def only(report, code: str):
    (finding,) = [f for f in report.findings if f.code == code]
    return finding


def records(report, kind: str) -> list[dict]:
    return [r for s in report.sources if s.kind == kind for r in s.records]


def messages(report) -> list[dict]:
    return [r for r in records(report, "syslog") if not r.get("fragment")]


# --- ASA show logging / syslog files ------------------------------------------------


def test_it_blames_the_acl_for_ike_and_esp_denied_from_the_peer_the_asa_dials():
    """An 8.4 buffer: the ASA starts phase 1 with 192.0.2.50 (713041) while the
    outside ACL denies the peer's UDP 500 and ESP (`Deny protocol 50`). Two errors
    name the peer and the ACL; the healthy DNS and HTTPS connections are only
    counted."""
    report = run("asa84_show_logging_vpn_denied.txt")
    status = records(report, "syslog.status")[0]
    assert status["destinations"]["buffer"]["level"] == "debugging"
    assert status["hosts"][0] == {"address": "10.10.0.50", "interface": "inside"}
    assert len(messages(report)) == 11
    denied = [f for f in report.findings if f.code == "syslog.vpn_traffic_denied"]
    assert [(f.subject, f.lines) for f in denied] == [
        ("peer 192.0.2.50", [20, 22]),
        ("peer 192.0.2.50", [21]),
    ]
    esp = denied[1]
    assert esp.title.startswith("ESP (IP protocol 50) from peer 192.0.2.50")
    assert "outside_access_in" in esp.title
    # ESP has no ports: the trace is a raw IP packet of protocol 50.
    assert (
        "packet-tracer input outside rawip 192.0.2.50 50 203.0.113.10 detailed"
        in esp.next_commands
    )
    assert (esp.article, esp.anchor) == ("phase1-errors", "access-list-denies")
    assert {
        f.severity for f in report.findings if f.code != "syslog.vpn_traffic_denied"
    } == {"info"}
    assert report.unparsed_lines == 0


def test_it_reports_a_tunnel_that_came_up_as_info_with_its_completion_lines():
    """PHASE 1 COMPLETED, the SAs created (602303) and PHASE 2 COMPLETED, then both
    SAs deleted 8 hours later at their lifetime: nothing to blame; the info finding
    points at the lines that show the tunnel completing."""
    report = run("asa92_show_logging_tunnel_up.txt")
    assert [f.severity for f in report.findings] == ["info", "info"]
    done = only(report, "ike_debug.negotiation_complete")
    assert done.subject == "peer 198.51.100.77"
    assert done.lines == [6, 8, 11]
    assert "no IKE packets are traced" in done.detail
    created = [m for m in messages(report) if m["message_id"] == "602303"]
    assert [(m["direction"], m["spi"]) for m in created] == [
        ("outbound", "0x3C7A0EE2"),
        ("inbound", "0x9B1D44F0"),
    ]


def test_it_reads_an_ikev2_policy_mismatch_with_ikev2_commands():
    """750003 "Failed to find a matching policy" from 192.0.2.140 is an IKEv2
    proposal mismatch: the commands are the IKEv2 ones, not ikev1. The other peer's
    SA UP (750006) is info."""
    report = run("asa99_show_logging_ikev2.txt")
    mismatch = only(report, "ike_debug.proposal_mismatch")
    assert mismatch.subject == "peer 192.0.2.140"
    assert mismatch.lines == [3, 5]
    assert mismatch.next_commands[0] == "show run crypto ikev2"
    assert "ikev1" not in " ".join(mismatch.next_commands)
    assert "IKE_SA_INIT" in mismatch.detail
    up = only(report, "ike_debug.negotiation_complete")
    assert (up.subject, up.anchor, up.lines) == (
        "peer 198.51.100.200",
        "ikev2-ready",
        [7],
    )


def test_it_reports_esmtp_drops_for_the_dmz_mail_server():
    """Two mail connections classified and dropped (108004) and cut (507003): one
    warning for DMZ:10.0.25.101/25 naming both senders."""
    report = run("asa_esmtp_drops_buffer.txt")
    drops = only(report, "syslog.esmtp_inspection_drops")
    assert drops.subject == "mail flow to DMZ:10.0.25.101/25"
    assert drops.lines == [3, 4, 6, 7]
    assert "75.75.75.10" in drops.detail and "75.75.75.12" in drops.detail
    assert (drops.article, drops.anchor) == ("ironport-esmtp-inspection", "syslogs")


def test_it_reads_an_rsyslog_file_of_a_peer_that_never_answers():
    """A syslog server's file with host names: four 713236 sends to 192.0.2.61 and
    no reply, the MM_WAIT_MSG2 timeout history. The peer does not answer; the
    cleanup messages after it are not taken for a key mismatch."""
    report = run("rsyslog_hostname_file.txt")
    assert {m["host"] for m in messages(report)} == {"fw01"}
    assert codes(report) == ["ike_debug.peer_not_answering", "syslog.summary"]
    finding = only(report, "ike_debug.peer_not_answering")
    assert (finding.subject, finding.anchor) == ("peer 192.0.2.61", "mm_wait_msg2")
    (peer,) = records(report, "ike_debug")
    assert (peer["sent"], peer["resent"], peer["received"]) == (1, 3, 0)
    assert report.unparsed_lines == 0


def test_it_tells_device_denies_from_acl_denies_in_a_server_file():
    """Server receive stamps in front of the ASA's own: 106023 denies of NAT-T by
    the outside ACL, and 710003 (UDP 500 to the ASA itself refused), which points at
    IKE not being enabled on the interface."""
    report = run("rsyslog_by_ip_with_server_stamp.txt")
    first = messages(report)[0]
    assert first["received"] == "2024-03-12T10:20:01.118402+00:00"
    assert first["timestamp"] == "Mar 12 2024 10:20:01"
    assert first["host"] == "10.1.1.1"
    denied = [f for f in report.findings if f.code == "syslog.vpn_traffic_denied"]
    assert [(f.lines, f.anchor) for f in denied] == [
        ([1, 2], "access-list-denies"),
        ([5], "isakmp-enabled"),
    ]
    assert "710003" in denied[1].detail
    assert "show running-config crypto ikev1" in denied[1].next_commands


def test_it_reads_rfc5424_lines_and_a_csv_export_of_the_same_denies():
    """RFC 5424 lines (`<164>1 2024-... fw01 - - - -`) and rows of a CSV export whose
    quotes are doubled are the same messages: the denies of UDP 500 from
    192.0.2.200 are one finding over both layouts, with the ACL name read from the
    export too. Only the CSV header is left unread."""
    report = run("rfc5424_and_splunk_export.txt")
    assert [m["lines"][0] for m in messages(report)] == [1, 2, 3, 5, 6]
    exported = messages(report)[3]
    assert exported["acl"] == "OUTSIDE_IN"
    assert exported["received"] == "2024-03-01T10:00:03.000+0000"
    udp = [
        f
        for f in report.findings
        if f.code == "syslog.vpn_traffic_denied" and f.title.startswith("UDP 500")
    ]
    assert [f.lines for f in udp] == [[2, 5]]
    assert report.unparsed_lines == 1


def test_it_reads_emblem_lines_and_ftd_connection_events():
    """EMBLEM (`<166>5121: fw02: Apr 02 ...`) and FTD 430002/430003 events: the FTD
    rule `Block-IKE` blocking IKE from 10.2.0.44 is a deny named after the rule; the
    allowed web connection is not blamed."""
    report = run("emblem_and_ftd_events.txt")
    ftd = [m for m in messages(report) if m["message_id"] in ("430002", "430003")]
    assert [(m["src"], m["dst_port"], m["action"], m["acl"]) for m in ftd] == [
        ("10.2.0.44", 500, "denied", "Block-IKE"),
        ("10.2.0.45", 443, "permitted", "Allow-Web"),
    ]
    assert messages(report)[0]["seq"] == "5121"
    denied = [f for f in report.findings if f.code == "syslog.vpn_traffic_denied"]
    assert [f.subject for f in denied] == [
        "UDP 500 192.0.2.17 -> 203.0.113.25",
        "UDP 500 10.2.0.44 -> 192.0.2.99",
    ]
    assert denied[1].title == "UDP 500 denied by access control rule Block-IKE"
    assert denied[1].lines == [3]


def test_it_reads_a_crlf_buffer_with_a_pager_prompt_in_the_middle():
    """CRLF endings and `<--- More --->` with the next line pushed right: the three
    VPN denies from 192.0.2.44 (UDP 500, UDP 4500, ESP) are all found."""
    report = run("asa_show_logging_crlf_pager.txt")
    denied = [f for f in report.findings if f.code == "syslog.vpn_traffic_denied"]
    assert [f.lines for f in denied] == [[8], [10], [11]]
    assert report.unparsed_lines == 0


def test_it_reads_syslog_quoted_in_an_email_and_counts_the_prose():
    """`> ` quoting in front of each line does not hide the messages; the four lines
    of prose around them are counted as unread."""
    report = run("email_quoted_syslog_debug.txt")
    assert [m["lines"][0] for m in messages(report)] == [5, 6, 7, 8]
    denied = only(report, "syslog.vpn_traffic_denied")
    assert (denied.subject, denied.lines) == ("peer 192.0.2.61", [6, 7])
    assert report.unparsed_lines == 4


# --- IOS logging --------------------------------------------------------------------


def test_it_reads_an_ios_buffer_with_sequence_numbers_and_both_stamp_marks():
    """`000203: .Mar  1 ...` (clock not in sync) and `*Mar` stamps, the status block
    with its trap host. The invalid SPI from 192.0.2.90 is a warning linked to the
    stale-SA explanation; the ACL log deny of UDP 500 is an error."""
    report = run("ios_show_logging_seq_crypto.txt")
    status = records(report, "syslog.status")[0]
    assert status["hosts"][0]["address"] == "10.1.1.50"
    assert [m["seq"] for m in messages(report)] == [
        "000201",
        "000202",
        "000203",
        "000204",
        "000205",
        "000206",
        "000207",
    ]
    assert messages(report)[2]["timestamp"] == ".Mar  1 00:02:10.559"
    spi = only(report, "ike_debug.invalid_spi")
    assert (spi.subject, spi.lines, spi.severity) == (
        "peer 192.0.2.90",
        [39],
        "warning",
    )
    # The stale SAs the invalid SPIs come from, not the ASA's ASP table.
    assert (spi.article, spi.anchor) == ("dead-peer-detection-and-rekey", "stale-sas")
    deny = only(report, "syslog.vpn_traffic_denied")
    assert deny.lines == [40]
    # IOS: no packet-tracer.
    assert deny.next_commands[0] == "show access-lists OUTSIDE-IN"
    assert report.unparsed_lines == 0


def test_it_reports_main_mode_failures_logged_without_a_debug():
    """Two IKMP_MODE_FAILURE messages for 192.0.2.33 and nothing else about it: a
    phase 1 failure pointing at the checklist. The tunnel to 198.51.100.1 that came
    up (SESSION_STATUS UP, `Peer` capitalised) is its own peer, reported as up, and
    does not make 192.0.2.33 look healthy."""
    report = run("ios_show_logging_timestamps_no_seq.txt")
    failed = only(report, "ike_debug.phase1_failed")
    assert (failed.subject, failed.lines) == ("peer 192.0.2.33", [3, 4])
    assert (failed.article, failed.anchor) == ("phase1-errors", "checklist")
    assert messages(report)[3]["timestamp"] == "Jan 15 09:47:31.557 UTC"
    up = only(report, "ike_debug.negotiation_complete")
    assert (up.subject, up.severity, up.lines) == ("peer 198.51.100.1", "info", [6])


# --- IOS debug ----------------------------------------------------------------------


def test_it_reads_an_ios_124_initiator_dying_by_retransmission():
    """MM_NO_STATE sent four times, "Death by retransmission P1": the peer does not
    answer; the state is MM_NO_STATE as IOS prints it."""
    report = run("ios124_debug_isakmp_no_answer.txt")
    (peer,) = records(report, "ike_debug")
    assert peer["peer"] == "198.51.100.14"
    assert (peer["sent"], peer["resent"], peer["received"]) == (1, 3, 0)
    assert peer["last_state"] == "MM_NO_STATE"
    finding = only(report, "ike_debug.peer_not_answering")
    assert finding.anchor == "mm_no_state"
    assert 28 in finding.lines  # deleting SA reason "Death by retransmission P1"
    assert "show ip route 198.51.100.14" in finding.next_commands


def test_it_reads_an_ios_15_responder_refusing_every_policy():
    """Hash offered does not match priority 10, encryption does not match the
    default policy, no offers accepted: a proposal mismatch with 192.0.2.33."""
    report = run("ios15_debug_proposal_mismatch.txt")
    finding = only(report, "ike_debug.proposal_mismatch")
    assert finding.subject == "peer 192.0.2.33"
    assert {21, 22, 31, 32, 34} <= set(finding.lines)
    assert "show crypto isakmp policy" in finding.next_commands
    (peer,) = records(report, "ike_debug")
    assert peer["role"] == "responder"


def test_it_reads_a_psk_mismatch_in_a_debug_with_sequence_numbers():
    """`000418: ... reserved not zero on ID payload!` and IKMP_BAD_MESSAGE right after
    MM_KEY_EXCH: the keys differ."""
    report = run("ios15_debug_psk_mismatch_seq.txt")
    finding = only(report, "ike_debug.psk_mismatch")
    assert finding.subject == "peer 192.0.2.33"
    assert (finding.article, finding.anchor) == (
        "ike-debug-invalid-cookie",
        "psk-mismatch",
    )
    (peer,) = records(report, "ike_debug")
    assert peer["key_exchange_sent"] is True


def test_it_names_the_proxy_identities_ios_refused():
    """`IPSEC(validate_transform_proposal): proxy identities not supported` after a
    proposal for 10.2.2.0/24 <-> 10.9.9.0/24: a phase 2 mismatch whose detail names
    both networks; the indented key-engine lines and the tab-indented NOTIFY line
    belong to the debug, and the router's two "debugging is on" answers belong to
    the commands above them: nothing is left unread."""
    report = run("ios124_debug_proxy_not_supported.txt")
    (peer,) = records(report, "ike_debug")
    assert peer["proxies"] == {
        "local": "10.2.2.0/255.255.255.0",
        "remote": "10.9.9.0/255.255.255.0",
    }
    finding = only(report, "ike_debug.phase2_mismatch")
    assert finding.lines[:4] == [6, 26, 27, 28]
    assert "local 10.2.2.0/255.255.255.0 and remote 10.9.9.0/255.255.255.0" in (
        finding.detail
    )
    assert "mirror" in finding.detail
    assert report.unparsed_lines == 0


# --- ASA debug ----------------------------------------------------------------------


def test_it_reads_an_asa_82_debug_that_starts_on_the_prompt_line():
    """The first debug line printed after `ciscoasa(config)# ` is part of the debug:
    the initiator role and the send are read, and the peer that never answers is at
    MM_WAIT_MSG2."""
    report = run("asa82_debug_crypto_isakmp_mm_wait_msg2.txt")
    (peer,) = records(report, "ike_debug")
    assert peer["lines"][0] == 2
    assert peer["role"] == "initiator"
    assert peer["last_state"] == "MM_WAIT_MSG2"
    finding = only(report, "ike_debug.peer_not_answering")
    assert (finding.subject, finding.anchor) == ("peer 233.22.22.233", "mm_wait_msg2")
    assert report.unparsed_lines == 0


def test_it_names_the_proxies_an_asa_rejected_in_quick_mode():
    """`Rejecting IPSec tunnel: no matching crypto map entry for remote proxy
    10.150.0.0/255.255.255.0 local proxy 10.1.0.0/255.255.0.0`: the finding names
    them; `[IKEv1 DECODE]` lines are read as debug too."""
    report = run("asa96_debug_ikev1_phase2_no_crypto_map.txt")
    (peer,) = records(report, "ike_debug")
    assert peer["proxies"] == {
        "local": "10.1.0.0/255.255.0.0",
        "remote": "10.150.0.0/255.255.255.0",
    }
    assert peer["group"] == "198.51.100.150"
    finding = only(report, "ike_debug.phase2_mismatch")
    assert 15 in finding.lines
    assert "10.150.0.0/255.255.255.0" in finding.detail
    assert report.unparsed_lines == 0


# --- tcpdump ------------------------------------------------------------------------


def test_it_reads_a_linux_any_capture_of_ike_with_no_answer():
    """`tcpdump -ni any`: four main-mode first messages from 203.0.113.50 and none
    back."""
    report = run("tcpdump_any_ike_one_way.txt")
    (flow,) = records(report, "tcpdump")
    assert (flow["a"], flow["b"], flow["a_to_b"], flow["b_to_a"]) == (
        "203.0.113.50",
        "198.51.100.200",
        4,
        0,
    )
    finding = only(report, "tcpdump.ike_one_way")
    assert finding.lines == [4, 7]
    assert report.unparsed_lines == 0


def test_it_reads_nat_t_esp_both_ways_as_healthy():
    """UDP-encapsulated ESP in both directions with one SPI each way, a NAT keepalive
    and an informational exchange: info only."""
    report = run("tcpdump_natt_esp_two_way.txt")
    (flow,) = records(report, "tcpdump")
    assert flow["spis"] == ["0xc1a2b3d4", "0x5e6f7081"]
    assert (flow["esp_a_to_b"], flow["esp_b_to_a"], flow["keepalives"]) == (2, 2, 1)
    assert [f.severity for f in report.findings] == ["info"]


def test_it_reads_vv_two_line_packets_and_the_resets_from_the_mail_server():
    """`-vv` prints each packet on two lines: two SMTP sessions, both reset by
    209.165.200.226."""
    report = run("tcpdump_vv_smtp_resets.txt")
    flows = records(report, "tcpdump")
    assert [(f["a_port"], f["resets"]) for f in flows] == [(41877, 1), (41880, 1)]
    finding = only(report, "tcpdump.smtp_resets")
    assert finding.subject == "SMTP to 209.165.200.226:25"


# --- configurations -----------------------------------------------------------------


def test_it_flags_statics_outside_the_subnet_on_842_but_not_the_one_inside():
    """8.4(2): 203.0.113.22 and 203.0.113.70 are outside 198.51.100.0/29 and no
    command can make the ASA answer ARP for them; 198.51.100.4 is inside the subnet
    and not flagged."""
    report = run("asa842_object_nat_nonconnected.txt")
    nonconnected = [
        f for f in report.findings if f.code == "asa.static_nat_nonconnected"
    ]
    assert [f.subject for f in nonconnected] == [
        "static NAT 192.168.5.22 -> 203.0.113.22",
        "static NAT 192.168.5.33 -> 203.0.113.70",
    ]
    assert {f.anchor for f in nonconnected} == {"8-3-to-8-4-4"}
    assert all("198.51.100.4" not in f.subject for f in report.findings)


def test_it_keeps_a_static_outside_the_subnet_at_info_when_arp_is_permitted():
    """9.16 with `arp permit-nonconnected`: the twice-NAT static to 203.0.113.10 is
    info; the identity NAT for the VPN is not a static to flag."""
    report = run("asa916_twice_nat_arp_permit.txt")
    (static,) = [f for f in report.findings if f.code == "asa.static_nat_nonconnected"]
    assert static.severity == "info"
    assert static.subject == "static NAT 10.20.1.10 -> 203.0.113.10"
    assert 10 in static.lines  # the arp permit-nonconnected line
    assert {f.severity for f in report.findings} == {"info"}


def test_it_finds_the_crypto_map_peer_with_no_tunnel_group():
    """`sh run crypto` then `sh run tunnel-group`: 203.0.113.99 (entry 30) has no
    tunnel-group; the two peers that have one are not blamed."""
    report = run("asa98_crypto_map_missing_tunnel_group.txt")
    finding = only(report, "asa.peer_without_tunnel_group")
    assert (finding.subject, finding.lines, finding.severity) == (
        "peer 203.0.113.99",
        [13],
        "error",
    )
    assert [f.code for f in report.findings if f.severity != "info"] == [
        "asa.peer_without_tunnel_group"
    ]


def test_it_finds_the_nat_acl_catching_the_vpn_traffic_on_ios_15():
    """`ip nat inside source list NAT-ACL ... overload` with NAT-ACL permitting any:
    the crypto ACL's 10.50.0.0/24 -> 10.1.0.0/16 is translated before encryption."""
    report = run("ios15_config_keyring_nat.txt")
    finding = only(report, "ios.crypto_acl_nat")
    assert finding.subject == "crypto map CMAP 10"
    assert finding.lines == [45, 49, 51]
    assert "ios.peer_without_key" not in codes(report)  # the keyring holds the key


def test_it_reads_policy_map_nat_and_interfaces_pasted_as_separate_commands():
    """`show run nat`, `show run interface`, `show run policy-map` and the log, one
    command each: the policy-map alone is read as ASA configuration, so inspect
    esmtp is connected to the 108004 drop, and 8.4(7) gets the
    `arp permit-nonconnected` advice."""
    report = run("mixed_version_config_syslog_prompts.txt")
    inspect = only(report, "asa.inspect_esmtp")
    assert (inspect.severity, inspect.lines) == ("warning", [24, 28])
    static = only(report, "asa.static_nat_nonconnected")
    assert (static.anchor, static.severity) == ("8-4-5-and-later", "warning")
    assert static.lines == [2, 8, 14]
    assert "syslog.esmtp_inspection_drops" in codes(report)
    assert report.unparsed_lines == 0


# --- show version, boot -------------------------------------------------------------


def test_it_reads_the_asa_5505_and_5516_versions():
    """8.2(5) on an ASA5505 and 9.16(3)19 on an ASA5516 with their config registers;
    neither is blamed for anything."""
    old = run("show_version_asa5505_825.txt")
    (record,) = records(old, "asa.show_version")
    assert (record["version"], record["hardware"], record["config_register"]) == (
        "8.2(5)",
        "ASA5505",
        "0x1",
    )
    new = run("show_version_asa5516x_9x.txt")
    (record,) = records(new, "asa.show_version")
    assert (record["version_tuple"], record["hardware"]) == ([9, 16, 3, 19], "ASA5516")
    assert old.findings == [] and new.findings == []


def test_it_reads_an_isr4331_without_blaming_it():
    """IOS-XE 16.9.5 on an ISR4331 with register 0x2102: read, not flagged."""
    report = run("show_version_isr4331.txt")
    (record,) = records(report, "ios.show_version")
    assert (record["platform"], record["version"], record["hardware"]) == (
        "iosxe",
        "16.09.05",
        "ISR4331/K9",
    )
    assert record["config_register"] == "0x2102"
    assert report.findings == []


def test_it_warns_about_a_running_router_left_at_register_0x2142():
    """An 1811's `show version` with register 0x2142: the next reload ignores the
    startup configuration."""
    report = run("show_version_1811_124.txt")
    finding = only(report, "boot.confreg_ignores_config")
    assert (finding.severity, finding.lines, finding.subject) == (
        "warning",
        [23],
        "router R1811",
    )
    assert "config-register 0x2102" in finding.next_commands
    assert (finding.article, finding.anchor) == (
        "password-recovery-disabled",
        "procedure",
    )


def test_it_reads_a_2901_boot_with_password_recovery_disabled_and_reset_refused():
    """ROMMON says PASSWORD RECOVERY FUNCTIONALITY IS DISABLED, IOS offers the
    factory reset and the answer is n: info, the configuration survives."""
    report = run("rommon_2901_password_recovery_disabled.txt")
    (record,) = records(report, "ios.boot")
    assert record["platform"] == "CISCO2901/K9"
    assert record["factory_reset_answer"] == "n"
    assert record["ios_version"] == "15.4(3)M3"
    finding = only(report, "boot.password_recovery_disabled")
    assert (finding.severity, finding.lines) == ("info", [11])
    assert report.unparsed_lines == 0


# --- mail ---------------------------------------------------------------------------


def test_it_reads_an_ironport_grep_with_receiving_aborted():
    """`grep` output on an ESA: MID 310551 from orders@partner.example aborted while
    receiving."""
    report = run("ironport_mail_logs_aborted_cli.txt")
    finding = only(report, "mail.receiving_aborted")
    assert (finding.subject, finding.lines) == ("MID 310551", [9])
    assert "orders@partner.example" in finding.detail


def test_it_reads_an_smtp_test_page_with_every_hidden_extension():
    """A copied result page: the banner is asterisks and the ASA hid two EHLO
    extensions (XXXXXXXA, XXXXXXXB); the page's headings are not left unread."""
    report = run("mxtoolbox_web_copy_banner.txt")
    (record,) = records(report, "smtp.test")
    assert record["masked"] is True
    assert record["masked_extensions"] == ["XXXXXXXA", "XXXXXXXB"]
    assert record["extensions"] == ["SIZE", "PIPELINING"]
    assert record["tls_offered"] is False
    finding = only(report, "mail.masked_banner")
    assert finding.subject == "SMTP server 203.0.113.25"
    assert report.unparsed_lines == 0


def test_it_reads_ike_failures_the_asa_logs_without_a_debug():
    """713257 names no peer but follows 192.0.2.44's packet: a proposal mismatch that
    quotes the DH groups; 113019 "Reason: Phase 2 Mismatch" is a phase 2 error for
    198.51.100.9; 402114 (ESP with an invalid SPI) a stale SA; 402116 a packet
    outside the SA's proxies. The ESP permitted by 106100 and the IKE connection
    built are not blamed."""
    report = run("asa_syslog_phase2_mismatch_invalid_spi.txt")
    proposal = only(report, "ike_debug.proposal_mismatch")
    assert (proposal.subject, proposal.lines) == ("peer 192.0.2.44", [3, 4])
    assert "Rcv'd: Group 2 Cfg'd: Group 14" in proposal.detail
    phase2 = only(report, "ike_debug.phase2_mismatch")
    assert (phase2.subject, phase2.lines) == ("peer 198.51.100.9", [6])
    spi = only(report, "ike_debug.invalid_spi")
    assert (spi.subject, spi.lines) == ("peer 198.51.100.9", [9])
    assert "invalid-spi-recovery" not in spi.detail  # an IOS command, not ASA
    # 402116: 10.9.9.9 came out of the tunnel, outside the remote proxy 10.8.0.0/16.
    outside = only(report, "syslog.ipsec_outside_policy")
    assert (outside.subject, outside.lines) == ("peer 198.51.100.9", [8])
    assert "from 10.9.9.9 to 10.1.1.1" in outside.detail
    assert "remote 10.8.0.0/255.255.0.0/ip/0" in outside.detail
    assert "syslog.vpn_traffic_denied" not in codes(report)


def test_it_reports_ikev2_auth_retransmitted_after_the_peer_answered_init():
    """`-tttt -e` lines: IKE_SA_INIT answered, then IKE_AUTH sent three times with no
    reply. Not a healthy two-way flow: a stalled negotiation, linked to the IKEv2
    negotiating state. The echoed command after a bare `#` is understood."""
    report = run("tcpdump_tttt_e_ikev2_auth_unanswered.txt")
    (flow,) = records(report, "tcpdump")
    assert (flow["a_to_b"], flow["b_to_a"], flow["ike_version"]) == (4, 1, 2)
    assert (flow["last_sender"], flow["last_run"], flow["last_run_line"]) == (
        "192.0.2.10",
        3,
        6,
    )
    finding = only(report, "tcpdump.ike_stalled")
    assert finding.title == "198.51.100.9 stopped answering IKE from 192.0.2.10"
    assert (finding.article, finding.anchor) == ("isakmp-states", "ikev2-in-neg")
    assert "tcpdump.vpn_two_way" not in codes(report)
    assert report.unparsed_lines == 0


def test_it_reads_past_the_incomplete_comment_and_flags_the_entry():
    """`sh run | s crypto|...` on a 12.4 router: entry 20 carries IOS's own
    ` ! Incomplete` comment, then its peer and transform set, and no match address.
    The comment does not end the entry; the missing ACL is an error for entry 20
    only, and the NAT ACL that denies the VPN traffic first is not blamed."""
    report = run("ios124_section_crypto_incomplete_entry.txt")
    entries = [
        r
        for r in records(report, "ios.running_config")
        if r["type"] == "crypto_map_entry"
    ]
    assert [
        (e["seq"], e["peers"], e["transform_sets"], e["match_address"]) for e in entries
    ] == [
        ("10", ["198.51.100.20"], ["TS"], "101"),
        ("20", ["198.51.100.30"], ["TS"], None),
    ]
    finding = only(report, "ios.crypto_map_incomplete")
    assert (finding.subject, finding.lines) == ("crypto map VPN 20", [15])
    assert "match address" in finding.detail
    assert "ios.crypto_acl_nat" not in codes(report)
    assert "ios.peer_without_key" not in codes(report)  # the wildcard key covers both


def test_it_reads_ios_lines_relayed_by_a_syslog_server():
    """A server's stamp and the sender's address in front of IOS's own counter,
    hostname and uptime stamp (`10.1.1.2 1245: R1: *Mar  1 ...:`): the sender, the
    device and the sequence number each land in their field. ASA lines with a
    fully qualified host name keep it."""
    report = run("syslog_server_ios_and_asa_fqdn.txt")
    first, second, third, _ = messages(report)
    assert (first["sender"], first["host"], first["seq"]) == ("10.1.1.2", "R1", "1245")
    assert first["timestamp"] == "*Mar  1 00:01:02.123"
    assert first["received"] == "Mar 12 10:10:10"
    assert (second["host"], second["seq"]) == ("r1.example.net", "001246")
    assert third["host"] == "fw01.example.com"
    assert only(report, "ike_debug.invalid_spi").subject == "peer 192.0.2.90"


def test_it_reads_rows_copied_from_the_asdm_log_viewer():
    """ASDM's log viewer copies tab-separated columns with the address and port
    columns before the description, some empty: each row is a message with its
    stamp, ID and fields, and the denies of UDP 500 and ESP from the peer the ASA
    is dialling are found as in a buffer."""
    report = run("asdm_log_viewer_copy.txt")
    rows = messages(report)
    assert [(m["message_id"], m["timestamp"], m["severity"]) for m in rows] == [
        ("106023", "Mar 12 2024 10:14:10", 4),
        ("106023", "Mar 12 2024 10:14:11", 4),
        ("713041", "Mar 12 2024 10:14:02", 5),
        ("302013", "Mar 12 2024 10:14:01", 6),
    ]
    assert rows[2]["text"].startswith("IP = 192.0.2.61, IKE Initiator")
    assert rows[1]["protocol"] == "esp"
    denied = [f for f in report.findings if f.code == "syslog.vpn_traffic_denied"]
    assert [(f.subject, f.lines) for f in denied] == [
        ("peer 192.0.2.61", [2]),
        ("peer 192.0.2.61", [3]),
    ]
    assert report.unparsed_lines == 0


def test_it_reads_a_manual_telnet_session_to_port_25():
    """`telnet mail.example.com 25` by hand: the server address comes from the
    "Trying" line, the banner is asterisks and STARTTLS is hidden as XXXXXXXA;
    telnet's own chatter is understood."""
    report = run("telnet_smtp_masked_banner.txt")
    (record,) = records(report, "smtp.test")
    assert (record["server"], record["masked"], record["ehlo_host"]) == (
        "203.0.113.25",
        True,
        "mail.example.com",
    )
    assert record["masked_extensions"] == ["XXXXXXXA"]
    finding = only(report, "mail.masked_banner")
    assert finding.subject == "SMTP server 203.0.113.25"
    assert (
        report.unparsed_lines == 0
    )  # the shell prompt is a prompt: telnet is a command


def test_it_does_not_take_one_way_nat_keepalives_for_a_stalled_negotiation():
    """A DPD exchange answered, then NAT-T keepalives from one side only, as they
    always are: healthy, info only."""
    report = run("tcpdump_natt_keepalives_one_way.txt")
    (flow,) = records(report, "tcpdump")
    assert (flow["keepalives"], flow["last_run"]) == (4, 1)
    assert [f.code for f in report.findings] == ["tcpdump.vpn_two_way"]
    assert report.findings[0].severity == "info"


def test_it_reads_an_ios_xe_ikev2_debug_of_a_peer_that_never_answers():
    """`debug crypto ikev2` on IOS-XE: IKE_SA_INIT sent, retransmitted twice,
    "Maximum number of retransmissions reached". One IKEv2 record for the peer with
    the packet detail lines under each send; the peer does not answer, linked to the
    IKEv2 article's checklist (is anything coming back?) with IKEv2 commands."""
    report = run("iosxe_debug_ikev2_no_answer.txt")
    (peer,) = records(report, "ike_debug")
    assert (peer["peer"], peer["version"], peer["role"]) == (
        "198.51.100.1",
        "ikev2",
        "initiator",
    )
    assert (peer["sent"], peer["resent"], peer["received"]) == (1, 2, 0)
    finding = only(report, "ike_debug.peer_not_answering")
    assert (finding.article, finding.anchor, finding.lines) == (
        "ikev2-troubleshooting",
        "checklist",
        [4, 11, 18, 24],
    )
    assert "show crypto ikev2 sa" in finding.next_commands
    # Only the router's "IKEv2 default debugging is on", alone between prompts.
    assert (
        report.unparsed_lines == 0
    )  # "IKEv2 default debugging is on" answers the command
