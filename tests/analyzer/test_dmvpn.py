"""`show dmvpn` (IOS, IOS-XE): the NHRP peers of each DMVPN tunnel and their
states, and the one state that says phase 2 is failing: IPSEC, where IKE with the
peer is up and the IPsec SAs never come."""

from analyzer.engine import analyze
from analyzer.parsers import dmvpn
from analyzer.report import Section

LEGEND = """\
Legend: Attrb --> S - Static, D - Dynamic, I - Incomplete
        N - NATed, L - Local, X - No Socket
        T1 - Route Installed, T2 - Nexthop-override
        C - CTS Capable, I2 - Temporary
        # Ent --> Number of NHRP entries with same NBMA peer
        NHS Status: E --> Expecting Replies, R --> Responding, W --> Waiting
        UpDn Time --> Up or Down Time for a Tunnel
==========================================================================
"""

SPOKE = (
    "BRANCH7#show dmvpn\n"
    + LEGEND
    + """
Interface: Tunnel10, IPv4 NHRP Details
Type:Spoke, NHRP Peers:2,

 # Ent  Peer NBMA Addr Peer Tunnel Add State  UpDn Tm Attrb
 ----- --------------- --------------- ----- -------- -----
     2 192.0.2.77           10.99.0.1 IPSEC 00:03:41     S
                            10.99.0.9 IPSEC 00:03:41     D
     1 198.51.100.200       10.99.0.2    UP 1d02h     S
"""
)

DETAIL = (
    "HUB1#sh dmvpn detail\n"
    + LEGEND
    + """
Interface Tunnel1 is up/up, Addr. is 10.20.0.1, VRF ""
   Tunnel Src./Dest. addr: 192.0.2.1/MGRE, Tunnel VRF ""
   Protocol/Transport: "multi-GRE/IP", Protect "PROF"
   Interface State Control: Disabled
   nhrp event-publisher : Disabled
Type:Hub, Total NBMA Peers (v4/v6): 3

# Ent  Peer NBMA Addr Peer Tunnel Add State  UpDn Tm Attrb    Target Network
----- --------------- --------------- ----- -------- ----- -----------------
    1 203.0.113.40        10.20.0.5   NHRP 00:00:30    D   10.20.0.5/32
    1 203.0.113.41        10.20.0.6    IKE 00:02:10    D   10.20.0.6/32
    1 UNKNOWN             10.20.0.7  IPSEC    never    I   10.20.0.7/32
"""
)


def parse(text: str):
    lines = text.splitlines()
    return dmvpn.parse(Section(lines=lines, numbers=list(range(1, len(lines) + 1))))


def alarms(text: str) -> list:
    return [
        f
        for f in analyze(text).findings
        if f.severity in ("warning", "error", "critical")
    ]


def test_it_reads_each_peer_row_and_the_entries_under_it():
    (source,) = parse(SPOKE)
    assert source.kind == dmvpn.KIND == "ios.show_dmvpn"
    rows = [
        (r["interface"], r["role"], r["nbma"], r["tunnel_address"], r["state"])
        for r in source.records
    ]
    assert rows == [
        ("Tunnel10", "spoke", "192.0.2.77", "10.99.0.1", "IPSEC"),
        ("Tunnel10", "spoke", "192.0.2.77", "10.99.0.9", "IPSEC"),
        ("Tunnel10", "spoke", "198.51.100.200", "10.99.0.2", "UP"),
    ]
    assert [r["entries"] for r in source.records] == [2, None, 1]
    assert source.records[2]["updn"] == "1d02h"
    assert source.records[0]["at"] == {"state": 16}


def test_it_reads_the_detail_output_with_its_target_networks():
    (source,) = parse(DETAIL)
    assert [(r["nbma"], r["state"], r["target"]) for r in source.records] == [
        ("203.0.113.40", "NHRP", "10.20.0.5/32"),
        ("203.0.113.41", "IKE", "10.20.0.6/32"),
        ("UNKNOWN", "IPSEC", "10.20.0.7/32"),
    ]
    assert {r["interface"] for r in source.records} == {"Tunnel1"}
    assert {r["role"] for r in source.records} == {"hub"}
    assert analyze(DETAIL).unparsed_lines == 0


def test_an_empty_table_and_other_text_give_nothing():
    assert parse(LEGEND) == []
    assert (
        parse("R1#show ip interface brief\nTunnel0  10.0.0.1 YES NVRAM up up\n") == []
    )


def test_a_peer_held_in_state_ipsec_is_a_phase_2_failure_with_that_peer():
    """IKE is up with 192.0.2.77 and no IPsec SA came: one warning for the peer
    (both its entries), pointing at what has to match in phase 2."""
    (finding,) = alarms(SPOKE)
    assert finding.code == "ipsec.dmvpn_waiting_for_ipsec"
    assert (finding.article, finding.anchor) == (
        "ipsec-phase2-errors",
        "what-must-match",
    )
    assert finding.subject == "peer 192.0.2.77"
    assert finding.lines == [16, 17]
    assert "show crypto ipsec sa peer 192.0.2.77" in finding.next_commands
    assert "PFS" in finding.detail and "transform set" in finding.detail


def test_states_on_the_way_up_or_a_moment_in_ipsec_say_nothing():
    """NHRP, IKE and UP rows, a row in IPSEC for a few seconds (the entry passes
    through it while coming up) and one in IPSEC whose peer's SA counts traffic in
    the same paste are no warning."""
    assert alarms(DETAIL.replace("IPSEC    never", " NHRP    never")) == []
    brief = SPOKE.replace("IPSEC 00:03:41", "IPSEC 00:00:03")
    assert alarms(brief) == []
    passing = (
        SPOKE
        + """
BRANCH7#show crypto ipsec sa peer 192.0.2.77

interface: Tunnel10
    Crypto map tag: Tunnel10-head-0, local addr 198.51.100.9

   protected vrf: (none)
   local  ident (addr/mask/prot/port): (198.51.100.9/255.255.255.255/47/0)
   remote ident (addr/mask/prot/port): (192.0.2.77/255.255.255.255/47/0)
   current_peer 192.0.2.77 port 500
     PERMIT, flags={origin_is_acl,}
    #pkts encaps: 120, #pkts encrypt: 120, #pkts digest: 120
    #pkts decaps: 118, #pkts decrypt: 118, #pkts verify: 118
"""
    )
    assert [f.code for f in alarms(passing)] == []
