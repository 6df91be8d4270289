"""tcpdump text output read into two-way flows."""

from analyzer.engine import analyze
from analyzer.parsers import tcpdump
from analyzer.report import Section
from tests.conftest import CORPUS, FIXTURES


def flows_of(path) -> list[dict]:
    found = analyze(path.read_bytes().decode("utf-8")).sources_of("tcpdump")
    assert len(found) == 1
    return found[0].records


def counts(flow: dict) -> tuple:
    return (
        flow["protocol"],
        flow["a"],
        flow["a_port"],
        flow["b"],
        flow["b_port"],
        flow["a_to_b"],
        flow["b_to_a"],
    )


def test_it_reads_a_one_way_ike_capture_with_n():
    """`tcpdump -n`: four main-mode messages out, none back, banner lines claimed."""
    report = analyze((FIXTURES / "tcpdump/ike_one_way_n.txt").read_text())
    (flow,) = report.sources_of("tcpdump")[0].records
    assert counts(flow) == ("ike", "192.0.2.1", 500, "198.51.100.2", 500, 4, 0)
    assert flow["ike"] == ["phase 1 I ident"] and flow["ike_version"] == 1
    assert (flow["first_line"], flow["last_line"]) == (4, 7)
    assert report.unparsed_lines == 0


def test_it_reads_names_esp_and_tcp_flags_in_the_default_layout():
    """Resolved names and service names, ESP without ports, new-style TCP flags."""
    ike, esp, smtp1, smtp2 = flows_of(
        FIXTURES / "tcpdump/esp_one_way_and_smtp_resets_default.txt"
    )
    assert counts(ike) == (
        "ike",
        "vpn-hq.example.com",
        500,
        "branch7.example.net",
        500,
        2,
        1,
    )
    assert counts(esp) == (
        "esp",
        "vpn-hq.example.com",
        None,
        "branch7.example.net",
        None,
        4,
        0,
    )
    assert esp["spis"] == ["0x5c1e2a90"] and esp["esp_a_to_b"] == 4
    assert counts(smtp1) == (
        "smtp",
        "mta.sender.example.org",
        35314,
        "mx1.example.com",
        25,
        3,
        2,
    )
    assert (smtp1["resets"], smtp1["resets_from"]) == (1, ["mta.sender.example.org"])
    assert (smtp2["resets"], smtp2["resets_from"]) == (1, ["mx1.example.com"])


def test_it_reads_the_two_line_verbose_layout():
    """`-vv`: the IP header line, then the addresses, then the decode, all one packet."""
    ike, esp = flows_of(FIXTURES / "tcpdump/ike_two_way_v.txt")
    assert counts(ike) == ("ike", "192.0.2.1", 500, "203.0.113.9", 500, 1, 1)
    assert ike["ike"] == ["phase 1 I ident", "phase 1 R ident"]
    assert counts(esp) == ("esp", "192.0.2.1", None, "203.0.113.9", None, 1, 1)
    assert esp["spis"] == ["0xc0ffee01", "0x7a11b0c2"]
    assert (esp["first_line"], esp["last_line"]) == (16, 19)


def test_it_reads_tcpdumps_own_nat_t_decode():
    """tcpdump's isakmp4 test: main mode on 500, then NAT-T on 4500 with IKE, ESP in
    UDP one way only, and keepalives; ARP lines are not flows."""
    ike, natt = flows_of(CORPUS / "tcpdump/tcpdump_isakmp4_ikev1_mainmode_natt.txt")
    assert counts(ike) == ("ike", "192.1.2.254", 500, "192.1.2.23", 500, 2, 2)
    assert counts(natt) == ("nat-t", "192.1.2.254", 4500, "192.1.2.23", 4500, 17, 6)
    assert (natt["esp_a_to_b"], natt["esp_b_to_a"], natt["keepalives"]) == (8, 0, 4)
    assert natt["spis"] == ["0xf4dc0ae5"]
    assert "phase 2/others R inf" in natt["ike"]


def test_it_reads_tcpdumps_own_verbose_main_mode_decode():
    """tcpdump's isakmp5-v test: numbered packets, -tttt stamps, two-line packets."""
    (flow,) = flows_of(CORPUS / "tcpdump/tcpdump_isakmp5-v_ikev1_mainmode_verbose.txt")
    assert counts(flow) == ("ike", "10.0.0.1", 500, "10.0.0.2", 500, 5, 4)
    assert (flow["first_line"], flow["last_line"]) == (1, 44)


def test_it_reads_tcpdumps_own_ikev2_decode():
    """tcpdump's ikev2four test: 21 packets, IKEv2 exchanges named with their role."""
    (flow,) = flows_of(CORPUS / "tcpdump/tcpdump_ikev2four.txt")
    assert counts(flow) == ("ike", "192.168.1.2", 500, "192.168.1.1", 500, 11, 10)
    assert flow["ike_version"] == 2
    assert flow["ike"][:2] == ["ikev2_init[I]", "ikev2_init[R]"]


def test_it_reads_ipv6_ethernet_headers_and_old_style_flags():
    """-e MAC prefixes, IPv6 endpoints, -tt epoch stamps and the old `R 0:0(0)`
    flag notation."""
    lines = [
        "1709287200.000001 00:50:56:aa:bb:cc > 00:50:56:dd:ee:ff, ethertype IPv6 (0x86dd), length 190: 2001:db8::1.500 > 2001:db8::2.500: isakmp: phase 1 I ident",
        "1709287200.000002 00:50:56:dd:ee:ff > 00:50:56:aa:bb:cc, ethertype IPv6 (0x86dd), length 150: 2001:db8::2.500 > 2001:db8::1.500: isakmp: phase 1 R ident",
        "12:00:01.000000 IP 192.0.2.25.25 > 198.51.100.7.40000: R 0:0(0) ack 1 win 0",
    ]
    (source,) = tcpdump.parse(Section(lines=lines, numbers=[1, 2, 3]))
    v6, smtp = source.records
    assert counts(v6) == ("ike", "2001:db8::1", 500, "2001:db8::2", 500, 1, 1)
    assert smtp["protocol"] == "smtp" and smtp["resets"] == 1
    assert smtp["resets_from"] == ["192.0.2.25"]


def test_it_finds_no_flow_in_syslog():
    """Syslog lines with `->` and addresses are not packets."""
    text = (FIXTURES / "syslog/asa_show_logging_buffer.txt").read_text()
    assert analyze(text).sources_of("tcpdump") == []


def test_it_reads_every_timestamp_form_and_any_interface_columns():
    """`-t` (no stamp), `-ttt`/`-ttttt` deltas, `-tttt` dates, `-tt` epoch, and the
    interface and direction columns of `-i any` all lead to the same flow."""
    lines = [
        "IP 192.0.2.1.4500 > 198.51.100.2.4500: UDP-encap: ESP(spi=0x0badf00d,seq=0x1), length 132",
        " 00:00:00.000412 IP 198.51.100.2.4500 > 192.0.2.1.4500: UDP-encap: ESP(spi=0x1234abcd,seq=0x1), length 132",
        "2024-03-01 10:00:00.000900 IP 192.0.2.1.4500 > 198.51.100.2.4500: isakmp-nat-keep-alive",
        "1709287200.001000 IP 198.51.100.2.4500 > 192.0.2.1.4500: NONESP-encap: isakmp: phase 2/others R inf[E]",
        "10:00:01.000000 eth0  Out IP 192.0.2.1.4500 > 198.51.100.2.4500: UDP-encap: ESP(spi=0x0badf00d,seq=0x2), length 132",
        "10:00:21.000000 IP 192.0.2.1.4500 > 198.51.100.2.4500: NAT-keepalive",
    ]
    (source,) = tcpdump.parse(Section(lines=lines, numbers=[1, 2, 3, 4, 5, 6]))
    (flow,) = source.records
    assert counts(flow) == ("nat-t", "192.0.2.1", 4500, "198.51.100.2", 4500, 4, 2)
    assert (flow["esp_a_to_b"], flow["esp_b_to_a"], flow["keepalives"]) == (2, 1, 2)
    assert flow["spis"] == ["0x0badf00d", "0x1234abcd"]
