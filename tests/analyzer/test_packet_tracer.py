"""packet-tracer parser: one record per run, phases, Result block, VPN user_data."""

import string

from hypothesis import given, settings
from hypothesis import strategies as st

from analyzer.engine import analyze
from analyzer.parsers import packet_tracer
from analyzer.report import Section
from tests.conftest import fixture_text

KIND = packet_tracer.KIND


def runs_of(name):
    report = analyze(fixture_text(f"packet_tracer/{name}"))
    sources = report.sources_of(KIND)
    return [r for s in sources for r in s.records], report


def test_it_reads_the_seed_encrypt_phase_typed_in_capitals():
    """The seed's `PACKET-TRACER INPUT INSIDE ICMP ... 10.10.15.15. DETAILED` with
    only phase 12 pasted gives the flow, the VPN encrypt phase and its user_data."""
    runs, _ = runs_of("seed_vpn_encrypt.txt")
    assert len(runs) == 1
    run = runs[0]
    assert run["input_interface"] == "inside"
    assert run["protocol"] == "icmp"
    assert (run["src"], run["dst"]) == ("10.100.10.100", "10.10.15.15")
    assert (run["icmp_type"], run["icmp_code"]) == (8, 0)
    assert run["detailed"] is True
    assert run["truncated"] is True
    assert run["action"] is None
    [phase] = run["phases"]
    assert (phase["number"], phase["type"], phase["subtype"], phase["result"]) == (
        12,
        "VPN",
        "encrypt",
        "ALLOW",
    )
    [rule] = phase["rules"]
    assert rule["direction"] == "out"
    assert rule["domain"] == "encrypt"
    assert rule["deny"] == "false"
    assert rule["user_data"] == "0x922fac"
    assert rule["src"] == "10.100.0.0" and rule["src_mask"] == "255.255.0.0"
    assert rule["dst"] == "10.10.15.0" and rule["dst_mask"] == "255.255.255.0"
    assert run["user_data"] == ["0x922fac"]
    assert run["vpn_phases"] == [
        {
            "number": 12,
            "subtype": "encrypt",
            "result": "ALLOW",
            "user_data": "0x922fac",
            "lines": [3, 13],
            "at": {"phase": 3, "result": 6, "user_data": 11},
        }
    ]


def test_it_leaves_the_writers_prose_unclaimed():
    """The sentence the seed's author wrote under the output is not read as part
    of the phase: it is counted as an unparsed line."""
    runs, report = runs_of("seed_vpn_encrypt.txt")
    assert runs[0]["lines"] == [2, 13]
    assert not any("Take note" in line for line in runs[0]["phases"][0]["info"])
    assert report.unparsed_lines == 1


def test_it_reads_an_8x_trace_through_nat_exemption_and_vpn():
    """ASA 8.2 detailed output: every phase in order, the config lines, the
    encrypt and ipsec-tunnel-flow phases and the Result block."""
    [run], report = runs_of("asa82_vpn_encrypt_allow.txt")
    assert [p["number"] for p in run["phases"]] == list(range(1, 14))
    assert [p["type"] for p in run["phases"]] == [
        "CAPTURE",
        "ACCESS-LIST",
        "ROUTE-LOOKUP",
        "ACCESS-LIST",
        "IP-OPTIONS",
        "INSPECT",
        "NAT-EXEMPT",
        "NAT",
        "NAT",
        "VPN",
        "VPN",
        "NAT-EXEMPT",
        "FLOW-CREATION",
    ]
    assert run["phases"][6]["config"][0] == (
        "match ip inside 10.100.0.0 255.255.0.0 outside 10.10.15.0 255.255.255.0"
    )
    assert [(v["subtype"], v["user_data"]) for v in run["vpn_phases"]] == [
        ("encrypt", "0x922fac"),
        ("ipsec-tunnel-flow", "0x0"),
    ]
    assert run["action"] == "allow"
    assert run["truncated"] is False
    assert (run["input_status"], run["output_interface"]) == ("up", "outside")
    assert run["phases"][-1]["info"] == [
        "New flow created with id 73459215, packet dispatched to next module"
    ]
    assert report.unparsed_lines == 0


def test_it_reads_an_acl_drop():
    """An 8.4 drop at the ACCESS-LIST phase: action, drop reason and code, and the
    deny rule that matched."""
    [run], _ = runs_of("asa84_acl_drop.txt")
    assert (run["protocol"], run["src_port"], run["dst_port"]) == ("tcp", 41822, 3389)
    last = run["phases"][-1]
    assert (last["number"], last["type"], last["result"]) == (4, "ACCESS-LIST", "DROP")
    assert last["config"] == ["Implicit Rule"]
    assert last["rules"][0]["deny"] == "true"
    assert run["action"] == "drop"
    assert run["drop_reason"] == "(acl-drop) Flow is denied by configured rule"
    assert run["drop_code"] == "acl-drop"
    assert run["drop_location"] is None
    assert run["at"]["drop_reason"] == 63


def test_it_reads_9x_timings_and_the_drop_location():
    """9.x: Elapsed time per phase, Time Taken, `(vrfid:0)` after interface names,
    Drop-location split off the Drop-reason line, no output interface."""
    [run], _ = runs_of("asa9_no_route_drop.txt")
    assert [p["elapsed_ns"] for p in run["phases"]] == [3345, 6690]
    assert run["time_taken_ns"] == 10035
    assert run["input_interface"] == "inside"
    assert run["output_interface"] is None
    assert run["drop_reason"] == "(no-route) No route to host"
    assert run["drop_code"] == "no-route"
    assert run["drop_location"] == "frame 0x0000556b1a3f2c81 flow (NA)/NA"
    assert run["phases"][1]["subtype"] == "No ECMP load balancing"


def test_it_reads_a_vpn_encrypt_phase_that_drops():
    """A VPN encrypt phase with Result DROP is listed among the VPN phases."""
    [run], _ = runs_of("asa9_vpn_encrypt_drop.txt")
    assert run["vpn_phases"][0]["result"] == "DROP"
    assert run["vpn_phases"][0]["user_data"] == "0x0"
    assert run["action"] == "drop"
    assert run["phases"][2]["info"] == []


def test_it_reads_9x_rules_with_tags_and_ids():
    """`src ip/id=..., tag=any` rule lines keep each side's fields apart."""
    [run], _ = runs_of("asa9_vpn_encrypt_allow.txt")
    encrypt = next(p for p in run["phases"] if p["subtype"] == "encrypt")
    rule = encrypt["rules"][0]
    assert rule["src"] == "10.20.30.0" and rule["src_field"] == "ip/id"
    assert rule["dst"] == "172.31.5.0" and rule["dst_mask"] == "255.255.255.0"
    assert rule["dst_tag"] == "any"
    assert rule["user_data"] == "0x13c4c"
    assert rule["lookup"] == "forward"
    flow = next(p for p in run["phases"] if p["subtype"] == "ipsec-tunnel-flow")
    assert flow["rules"][0]["lookup"] == "reverse"
    assert run["time_taken_ns"] == 160560


def test_it_reads_commands_typed_in_any_case():
    """`Packet-Tracer Input inside tcp ... Detailed` is the same command."""
    [run], _ = runs_of("asa9_allow_no_vpn.txt")
    assert run["command"].startswith("packet-tracer input inside tcp")
    assert (run["src"], run["dst"], run["dst_port"]) == (
        "10.20.30.40",
        "172.31.7.20",
        22,
    )
    assert run["vpn_phases"] == []
    assert run["action"] == "allow"


def test_it_reads_the_xml_variant():
    """`packet-tracer ... xml`: phases and the result element."""
    [run], report = runs_of("asa9_xml_drop.txt")
    assert [(p["number"], p["type"], p["result"]) for p in run["phases"]] == [
        (1, "ACCESS-LIST", "ALLOW"),
        (2, "ROUTE-LOOKUP", "ALLOW"),
        (3, "ACCESS-LIST", "DROP"),
    ]
    assert run["phases"][0]["config"] == ["Implicit Rule"]
    assert run["phases"][1]["info"] == [
        "found next-hop 172.16.20.25 using egress ifc  dmz"
    ]
    assert run["action"] == "drop"
    assert run["drop_code"] == "acl-drop"
    assert run["output_interface"] == "dmz"
    assert report.unparsed_lines == 0


def test_it_splits_two_runs_pasted_without_prompts():
    """CRLF, pager prompts, no echoed command: two runs, the second cut off."""
    runs, report = runs_of("messy_two_runs_crlf.txt")
    assert len(runs) == 2
    first, second = runs
    assert first["action"] == "drop" and first["truncated"] is False
    assert first["command"] is None and first["input_interface"] == "outside"
    assert [p["number"] for p in second["phases"]] == [1, 2, 3, 4, 5, 6, 7]
    assert second["truncated"] is True
    assert second["action"] is None
    assert report.unparsed_lines == 0


def test_it_parses_the_command_line():
    """Every protocol's argument order, options and trailing keywords."""
    parse = packet_tracer.parse_command
    assert parse(
        "packet-tracer input outside udp 198.51.100.7 4500 203.0.113.2 4500"
    ) == {
        "command": "packet-tracer input outside udp 198.51.100.7 4500 203.0.113.2 4500",
        "detailed": False,
        "xml": False,
        "input_interface": "outside",
        "protocol": "udp",
        "src": "198.51.100.7",
        "src_port": 4500,
        "dst": "203.0.113.2",
        "dst_port": 4500,
    }
    icmp = parse(
        "packet-tracer input inside icmp 10.1.1.1 8 0 1234 10.2.2.2 detailed xml"
    )
    assert (icmp["icmp_ident"], icmp["dst"], icmp["xml"]) == (1234, "10.2.2.2", True)
    raw = parse("packet-tracer input inside rawip 10.1.1.1 50 10.2.2.2")
    assert (raw["ip_protocol"], raw["dst"]) == (50, "10.2.2.2")
    tagged = parse(
        "packet-tracer input inside vlan-id 20 tcp 10.1.1.1 1025 10.2.2.2 https"
    )
    assert (tagged["src"], tagged["dst_port"]) == ("10.1.1.1", "https")
    assert parse("show crypto ipsec sa") == {}


def _field_runs(name):
    report = analyze(fixture_text(f"field/show/{name}"))
    return [r for s in report.sources_of(KIND) for r in s.records], report


def test_it_reads_the_fmc_gui_trace_with_its_fields_in_any_order():
    """The trace copied from the FMC GUI: "Phase 5" without a colon, Result, Type
    and Config lines in any order, the rule's fields on one line, the config lines
    run together, and a Result block in words."""
    runs, report = _field_runs(
        "fmc-gui-packet-tracer-acp-default-deny-fields-out-of-order.txt"
    )
    [run] = runs
    assert [p["number"] for p in run["phases"]] == [1, 2, 3, 4, 5]
    assert [p["type"] for p in run["phases"]] == [
        "CAPTURE",
        "ACCESS-LIST",
        "INPUT-ROUTE-LOOKUP",
        "OBJECT_GROUP_SEARCH",
        "ACCESS-LIST",
    ]
    drop = run["phases"][4]
    assert (drop["subtype"], drop["result"], drop["elapsed_ns"]) == ("log", "DROP", 151)
    assert drop["config"] == [
        "access-group CSM_FW_ACL_ global",
        "access-list CSM_FW_ACL_ advanced deny ip any any rule-id 268434432",
        "access-list CSM_FW_ACL_ remark rule-id 268434432: ACCESS POLICY: "
        "Policy_FTD-LAN-B - Default",
        "access-list CSM_FW_ACL_ remark rule-id 268434432: L4 RULE: DEFAULT ACTION RULE",
    ]
    [rule] = drop["rules"]
    assert (rule["domain"], rule["deny"], rule["hits"]) == ("permit", "true", "7633")
    assert rule["user_data"] == "0x149a930d6c80"
    assert run["phases"][1]["config"] == ["Implicit Rule"]
    assert run["phases"][2]["subtype"] == "Resolve Egress Interface"
    # The Result block, its keys in words and out of order.
    assert (run["action"], run["drop_code"]) == ("drop", "acl-drop")
    assert run["drop_location"] == "frame 0x00005611d409b518 flow (NA)/NA"
    assert (run["input_interface"], run["output_interface"]) == ("inside", "outside")
    assert (run["input_line_status"], run["output_status"]) == ("up", "up")
    assert run["time_taken_ns"] == 61928
    assert run["truncated"] is False
    # The form above the trace names the flow.
    assert (run["protocol"], run["src"], run["dst"]) == (
        "icmp",
        "198.18.6.6",
        "8.8.8.8",
    )
    assert (run["icmp_type"], run["icmp_code"]) == (8, 0)
    [finding] = [f for f in report.findings if f.code == "vpn_path.tracer_drop"]
    assert (finding.article, finding.anchor) == ("packet-tracer-drops", "acl-drop")
    assert "CSM_FW_ACL_" in finding.detail


def test_a_phase_heading_in_notes_is_not_a_trace():
    """ "Phase 1" and "Phase 2" as headings of someone's IKE notes are not GUI
    phases: no Type line follows them."""
    lines = [
        "Phase 1",
        "The peers agree on encryption, hash and DH group.",
        "Phase 2",
        "Result",
        "Quick mode negotiates the IPsec SAs.",
    ]
    section = Section(lines=lines, numbers=list(range(1, len(lines) + 1)))
    assert packet_tracer.parse(section) == []


def test_it_finds_nothing_in_other_output():
    """An asp table or a session list is not packet-tracer output."""
    for name in ("asp/asa8_vpn_context_detail.txt", "sessiondb/asa9_l2l.txt"):
        lines = fixture_text(name).splitlines()
        section = Section(lines=lines, numbers=list(range(1, len(lines) + 1)))
        assert packet_tracer.parse(section) == []


_WORDS = st.sampled_from(
    [
        "Phase: 1",
        "Phase: 3",
        "Type: VPN",
        "Subtype: encrypt",
        "Result: ALLOW",
        "Result: DROP",
        "Result:",
        "Config:",
        "Additional Information:",
        " out id=0x1, priority=70, domain=encrypt, deny=false",
        "  hits=1, user_data=0x922fac, cs_id=0x0, reverse",
        "Action: drop",
        "Drop-reason: (acl-drop) Flow is denied by configured rule",
        "input-interface: inside",
        "<Phase>",
        "<id>2</id>",
        "<result>",
        "</extra>",
        "Phase 2",
        "Result",
        "Drop Reason: (acl-drop) Flow is denied by configured rule",
        "Additional Information:  Forward Flow based lookup yields rule: in  id=0x1",
        "Config: access-group X globalaccess-list X advanced deny ip any any",
        "Source IP value: 10.1.1.1",
        "…",
        "",
    ]
)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(_WORDS, st.text(string.printable, max_size=40)), max_size=40))
def test_it_never_raises_on_shuffled_output(lines):
    """Any mix of packet-tracer lines and noise parses without an exception, and
    every record's lines stay inside the section."""
    section = Section(lines=lines, numbers=list(range(1, len(lines) + 1)))
    for source in packet_tracer.parse(section):
        for run in source.records:
            assert 1 <= run["lines"][0] <= run["lines"][1] <= len(lines)


def test_a_phase_names_its_access_lists_and_the_translation_it_prints():
    """The ACCESS-LIST phase's config lines name the access-group; the NAT phase's
    "Dynamic translate 10.20.30.40/50311 to 203.0.113.2/50311" is a field."""
    (run,), _ = runs_of("no_vpn_phase_with_config.txt")
    phases = {p["number"]: p for p in run["phases"]}
    assert (phases[3]["type"], phases[3]["acls"]) == (
        "ACCESS-LIST",
        ["inside_access_in"],
    )
    assert phases[4]["translations"] == [
        {
            "from": "10.20.30.40/50311",
            "to": "203.0.113.2/50311",
            "from_addr": "10.20.30.40",
            "to_addr": "203.0.113.2",
        }
    ]
    assert "acls" not in phases[4] and "translations" not in phases[3]
