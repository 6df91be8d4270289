"""`show dmvpn detail` ends with the crypto sessions in a layout of its own
("Crypto Session Details:", "Crypto Session Status:", "fvrf: ...,   IPSEC
FLOW: ..."): read as the crypto sessions they are, each with its peer taken
from the GRE flow, and judged by the same session checks."""

from analyzer.engine import analyze
from analyzer.registry import IOS_SHOW_CRYPTO_SESSION

_DMVPN_DETAIL = """\
HUB#show dmvpn detail
Legend: Attrb --> S - Static, D - Dynamic, I - Incomplete
==========================================================================

Interface Tunnel10 is up/up, Addr. is 10.10.10.1, VRF ""
   Tunnel Src./Dest. addr: 203.0.113.1/MGRE, Tunnel VRF ""
   Protocol/Transport: "multi-GRE/IP", Protect "DMVPN-PROF"
Type:Hub, Total NBMA Peers (v4/v6): 2

# Ent  Peer NBMA Addr Peer Tunnel Add State  UpDn Tm Attrb    Target Network
----- --------------- --------------- ----- -------- ----- -----------------
    1 198.51.100.9        10.10.10.9    UP 01:02:03    D   10.10.10.9/32
    1 198.51.100.20      10.10.10.20  NHRP 00:00:41    D   10.10.10.20/32


Crypto Session Details:
--------------------------------------------------------------------------------

Interface: Tunnel10
Session: [0x0B4F2A10]
  IKEv2 SA: local 203.0.113.1/500 remote 198.51.100.9/500 Active
          Capabilities:(none) connid:3 lifetime:23:10:11
  Crypto Session Status: UP-ACTIVE
  fvrf: (none),   IPSEC FLOW: permit 47 host 203.0.113.1 host 198.51.100.9
        Active SAs: 2, origin: crypto map
        Inbound:  #pkts dec'ed 1210 drop 0 life (KB/Sec) 4607829/2210
        Outbound: #pkts enc'ed 1198 drop 0 life (KB/Sec) 4607830/2210
   Outbound SPI : 0x2C1AB3F1, transform : esp-256-aes esp-sha256-hmac
    Socket State: Open

Interface: Tunnel10
Session: [0x0B4F2B08]
  Crypto Session Status: DOWN-NEGOTIATING
  fvrf: (none),   IPSEC FLOW: permit 47 host 203.0.113.1 host 198.51.100.20
        Active SAs: 0, origin: crypto map
        Outbound: #pkts enc'ed 0 drop 14 life (KB/Sec) 0/0
    Socket State: Closed

Pending DMVPN Sessions:
"""


def _sessions(text: str) -> list[dict]:
    report = analyze(text)
    return [r for s in report.sources_of(IOS_SHOW_CRYPTO_SESSION) for r in s.records]


def test_each_session_of_show_dmvpn_detail_is_read_with_the_gre_peer():
    up, down = _sessions(_DMVPN_DETAIL)
    assert (up["status"], up["peer"], up["fvrf"]) == (
        "UP-ACTIVE",
        "198.51.100.9",
        "(none)",
    )
    (flow,) = up["flows"]
    assert (flow["decaps"], flow["encaps"], flow["active_sas"]) == (1210, 1198, 2)
    assert flow["transform"] == "esp-256-aes esp-sha256-hmac"
    assert [sa["state"] for sa in up["ike_sas"]] == ["Active"]
    assert (down["status"], down["peer"]) == ("DOWN-NEGOTIATING", "198.51.100.20")


def test_a_dmvpn_session_that_is_down_is_reported_for_its_peer():
    alarms = [
        (f.code, f.subject)
        for f in analyze(_DMVPN_DETAIL).findings
        if f.severity in ("warning", "error", "critical")
    ]
    assert ("ipsec.session_down", "peer 198.51.100.20") in alarms
    assert not [a for a in alarms if "198.51.100.9" in (a[1] or "")]


def test_a_session_printed_with_its_peer_line_keeps_that_peer():
    """`show crypto session detail` names the peer; the GRE flow's far end is
    only a stand-in when no "Peer:" line was printed."""
    text = (
        "Crypto session current status\n\n"
        "Interface: Tunnel0\n"
        "Session status: UP-ACTIVE\n"
        "Peer: 192.0.2.77 port 4500\n"
        "  IKEv1 SA: local 203.0.113.1/4500 remote 192.0.2.77/4500 Active\n"
        "  IPSEC FLOW: permit 47 host 203.0.113.1 host 198.51.100.50\n"
        "        Active SAs: 2, origin: crypto map\n"
    )
    (session,) = _sessions(text)
    assert session["peer"] == "192.0.2.77"


def test_the_phase1_id_form_of_the_fvrf_line_and_a_flow_on_its_own_line():
    text = (
        "Crypto Session Details:\n"
        "------------------------------------------------------------\n\n"
        "Interface: Tunnel0\n"
        "Session: [0x10A2C3D0]\n"
        "  Session ID: 7\n"
        "  IKEv2 SA: local 203.0.113.1/4500 remote 198.51.100.30/4500 Active\n"
        "  Crypto Session Status: UP-ACTIVE\n"
        "  fvrf: INET,   Phase1_id: 198.51.100.30\n"
        "  IPSEC FLOW: permit 47 host 203.0.113.1 host 198.51.100.30\n"
        "        Active SAs: 2, origin: crypto map\n"
        "        Inbound:  #pkts dec'ed 0 drop 0 life (KB/Sec) 4608000/3500\n"
        "        Outbound: #pkts enc'ed 88 drop 0 life (KB/Sec) 4607990/3500\n"
    )
    (session,) = _sessions(text)
    assert (session["fvrf"], session["phase1_id"], session["session_id"]) == (
        "INET",
        "198.51.100.30",
        7,
    )
    assert session["peer"] == "198.51.100.30"
    codes = [f.code for f in analyze(text).findings if f.severity == "warning"]
    assert "ipsec.encaps_no_decaps" in codes
