"""ASA/FTD `debug crypto ikev2` as pasted: console stamps, the "(n):" lines under a
packet, lines run together, the IKE SA named by its SPI; and the rekey this device
starts whose new SPI it then calls invalid."""

from analyzer.engine import analyze
from analyzer.parsers import ike_debug
from analyzer.report import Section

PEER = "192.0.2.10"
# The ASA asks for a new child SA (rekey) and the peer answers.
REQUEST = """\
IKEv2-PLAT-4: (13): SENT PKT [CREATE_CHILD_SA] [198.51.100.1]:500->[192.0.2.10]:500 InitSPI=0x6c3b1fa27d0e9a41 RespSPI=0x2f8e0c5d91a4b736 MID=00000002
IKEv2-PROTO-4: (13): Sending Packet [To 192.0.2.10:500/From 198.51.100.1:500/VRF i0:f0]
(13): Initiator SPI : 6C3B1FA27D0E9A41 - Responder SPI : 2F8E0C5D91A4B736 Message id: 2
(13): IKEv2 CREATE_CHILD_SA Exchange REQUEST
(13): Next payload: ENCR, version: 2.0 (13): Exchange type: CREATE_CHILD_SA, flags: INITIATOR (13): Message id: 2, length: 288(13):
Payload contents:
"""
RESPONSE = """\
IKEv2-PLAT-5: RECV PKT [CREATE_CHILD_SA] [192.0.2.10]:500->[198.51.100.1]:500 InitSPI=0x6c3b1fa27d0e9a41 RespSPI=0x2f8e0c5d91a4b736 MID=00000002
IKEv2-PROTO-4: (13): Received Packet [From 192.0.2.10:500/To 198.51.100.1:500/VRF i0:f0]
(13): Initiator SPI : 6C3B1FA27D0E9A41 - Responder SPI : 2F8E0C5D91A4B736 Message id: 2
(13): IKEv2 CREATE_CHILD_SA Exchange RESPONSE
"""
REFUSED = """\
IKEv2-PLAT-4: Received PFKEY Invalid SPI for SPI 0x1E3EFDFE, error FALSE
IKEv2-PROTO-7: (13): SM Trace-> SA: I_SPI=6C3B1FA27D0E9A41 R_SPI=2F8E0C5D91A4B736 (I) MsgID = 00000002 CurState: READY Event: EV_SEND_INVALID_SPI
IKEv2-PROTO-4: (13): Sending INVALID_SPI notify
"""
LOADED = """\
IKEv2-PLAT-4: Received PFKEY update SA for SPI 0xFEFD3E1E, error FALSE
IKEv2-PLAT-4: Success on pfkey update
IKEv2-PROTO-7: (13): SM Trace-> SA: I_SPI=6C3B1FA27D0E9A41 R_SPI=2F8E0C5D91A4B736 (I) MsgID = 00000002 CurState: CHILD_I_PROC Event: EV_OK_RECD_LOAD_IPSEC
"""


def records(text: str) -> dict[str, dict]:
    lines = text.splitlines()
    sources = ike_debug.parse(
        Section(lines=lines, numbers=list(range(1, len(lines) + 1)))
    )
    return {r["peer"] or r.get("ike_sa"): r for s in sources for r in s.records}


def stamped(text: str, stamp: str) -> str:
    """Each IKEv2-P line with ``stamp`` in front, as a console or buffer gives it."""
    return "\n".join(
        f"{stamp}{line}" if line.startswith("IKEv2-P") else line
        for line in text.splitlines()
    )


def findings(text: str, prefix: str = "ike_debug.") -> list:
    return [f for f in analyze(text).findings if f.code.startswith(prefix)]


def test_stamped_lines_are_read_in_every_stamp_form():
    """The ASA's console stamp with or without a year, fraction, zone or colon, an
    ISO stamp, and the 711001 syslog that carries the debug: one negotiation."""
    for stamp in (
        "Jul 25 22:35:53 ",
        "Jul 25 22:35:53: ",
        "Jul  5 2022 22:35:53.123 UTC: ",
        "2022-07-25T22:35:53Z ",
        "%ASA-7-711001: ",
        "Jul 25 22:35:53 asa01 : %ASA-7-711001: ",
        "%FTD-5-711001: ",
    ):
        record = records(stamped(REQUEST + RESPONSE, stamp))[PEER]
        assert (record["platform"], record["version"]) == ("asa", "ikev2"), stamp
        assert (record["sent"], record["received"]) == (1, 1), stamp
        assert record["lines"] == [1, 10], stamp


def test_the_lines_under_a_packet_and_the_spi_lines_belong_to_its_sa():
    """'(13): ...' lines go on about IKE SA 13; the platform line with no SA number
    is the same SA by its initiator SPI; each packet's exchange is read."""
    (record,) = records(REQUEST + RESPONSE).values()
    assert record["peer"] == PEER
    assert [
        (m["direction"], m["line"], m.get("exchange")) for m in record["messages"]
    ] == [
        ("sent", 2, "CREATE_CHILD_SA"),
        ("received", 8, "CREATE_CHILD_SA"),
    ]
    assert record["lines"] == [1, 10]


def test_a_paste_that_starts_with_the_platform_line_joins_the_sa_below():
    """Nothing names SA 13 or the peer on the first two lines: the initiator SPI
    ties them to the SA the packet lines name."""
    (record,) = records(RESPONSE + REFUSED).values()
    assert record["peer"] == PEER
    assert record["lines"][0] == 1
    assert [e["line"] for e in record["errors"]] == [5, 7]


def test_lines_run_together_are_read_one_by_one():
    """A stamp and prefix glued to the end of the line before it start a line of
    their own; a syslog tag in front of the debug does not."""
    text = (
        "Jul 25 22:35:53 IKEv2-PROTO-4: (13): Received Packet [From 192.0.2.10:500/To "
        "198.51.100.1:500/VRF i0:f0]\n"
        "(13): IKEv2 CREATE_CHILD_SA Exchange RESPONSEJul 25 22:35:53 IKEv2-PROTO-4: "
        "(13): Sending INVALID_SPI notify\n"
        "Jul 25 22:35:53 IKEv2-PROTO-7: Construct Notify Payload: INVALID_SPIJul 25 "
        "22:35:53 IKEv2-PROTO-4: (13): Sending Packet [To 192.0.2.10:500/From "
        "198.51.100.1:500/VRF i0:f0]\n"
    )
    record = records(text)[PEER]
    assert [(m["direction"], m["line"]) for m in record["messages"]] == [
        ("received", 1),
        ("sent", 3),
    ]
    assert record["messages"][0]["exchange"] == "CREATE_CHILD_SA"
    assert [(e["kind"], e["line"]) for e in record["errors"]] == [("invalid_spi", 2)]
    assert record["errors"][0]["rekey_initiator"] is True


def test_a_masked_peer_is_kept_as_pasted():
    text = RESPONSE.replace(PEER, "x.x.x.x")
    assert "x.x.x.x" in records(text)


def test_the_role_is_what_the_state_machine_says_not_the_first_packet():
    """A paste that starts with a response received mid-session: the device is not
    the responder for that; the SM trace '(I)' says it opened the IKE SA."""
    assert records(RESPONSE)[PEER]["role"] is None
    assert records(RESPONSE + REFUSED)[PEER]["role"] == "initiator"


def test_ike_auth_says_who_opened_the_ike_sa():
    """Only the IKE SA's initiator sends the IKE_AUTH request: a paste that starts
    with one received is the responder's, and so is one that starts with the
    IKE_AUTH response it sends (the first packet sent is not the initiator's)."""
    received = (
        "IKEv2-PROTO-2: (24): Received Packet [From 192.0.2.50:500/To "
        "198.51.100.2:500/VRF i0:f0]\n"
        "Initiator SPI : 1122334455667788 - Responder SPI : 99AABBCCDDEEFF00 "
        "Message id: 1\n"
        "IKEv2 IKE_AUTH Exchange REQUEST \n"
    )
    assert records(received)["192.0.2.50"]["role"] == "responder"
    sent = received.replace("Received Packet [From", "Sending Packet [To")
    sent = sent.replace("/To 198", "/From 198")
    assert records(sent)["192.0.2.50"]["role"] == "initiator"
    answer = sent.replace("Exchange REQUEST", "Exchange RESPONSE")
    assert records(answer)["192.0.2.50"]["role"] == "responder"


def test_an_invalid_spi_in_its_own_rekey_is_that_finding_not_a_stale_sa():
    """The ASA asked for the new SA, and while the answer is processed it calls
    an SPI invalid and tells the peer: the rekey finding, linked to the rekey
    section, with the exchange and both lines; not the stale-SA warning."""
    (finding,) = findings(REQUEST + RESPONSE + REFUSED)
    assert (finding.code, finding.severity) == (
        "ike_debug.rekey_invalid_spi",
        "warning",
    )
    assert (finding.article, finding.anchor) == (
        "dead-peer-detection-and-rekey",
        "rekey",
    )
    assert finding.subject == f"peer {PEER}"
    assert finding.lines == [4, 11, 13]
    assert "0x1E3EFDFE" in finding.detail
    assert "longer IPsec SA lifetime" in finding.detail
    assert "in all likelihood" in finding.detail
    assert "CSCwc54984" in finding.detail


def test_the_refused_spi_is_named_when_the_debug_shows_the_new_one():
    """The FTD refuses 0x1E3EFDFE and installs 0xFEFD3E1E: the same SPI with its
    bytes the other way round (CSCvx23833). Read through the 711001 syslog."""
    text = stamped(REQUEST + RESPONSE + REFUSED + LOADED, "%FTD-5-711001: ")
    (finding,) = findings(text)
    assert finding.code == "ike_debug.rekey_invalid_spi"
    assert "is the new inbound SPI 0xFEFD3E1E" in finding.detail
    assert "bytes in the other order" in finding.detail
    assert "in all likelihood" not in finding.detail
    (record,) = records(text).values()
    # The rekey completed, but the SPI it created was refused: not resolved.
    assert record["phase2_complete"] is True
    assert all("resolved_at" not in e for e in record["errors"])


def test_a_healthy_rekey_is_no_warning():
    text = REQUEST + RESPONSE + LOADED
    report = analyze(text)
    assert [f for f in report.findings if f.severity != "info"] == []
    assert records(text)[PEER]["phase2_complete"] is True


def test_a_rekey_the_peer_asked_for_is_the_plain_invalid_spi():
    """The peer sent the CREATE_CHILD_SA request: nothing says this device answers
    with its own new SPI refused, so it is the stale-SA warning."""
    text = RESPONSE.replace("RESPONSE", "REQUEST") + REFUSED.replace("(I)", "(R)")
    codes = [f.code for f in findings(text)]
    assert codes == ["ike_debug.invalid_spi"]


def test_an_invalid_spi_after_the_rekey_exchange_is_the_plain_invalid_spi():
    """Once another exchange started (the INFORMATIONAL that deletes the old SA),
    an invalid SPI is no longer about the new SA."""
    informational = (
        "IKEv2-PROTO-4: (13): Sending Packet [To 192.0.2.10:500/From "
        "198.51.100.1:500/VRF i0:f0]\n"
        "(13): IKEv2 INFORMATIONAL Exchange REQUEST\n"
    )
    text = REQUEST + RESPONSE + informational + REFUSED
    assert [f.code for f in findings(text)] == ["ike_debug.invalid_spi"]


def test_an_invalid_spi_long_after_the_exchange_is_the_plain_invalid_spi():
    filler = "IKEv2-PLAT-4: (13): PSH added CTM sa hdl 452272917\n" * 70
    text = REQUEST + RESPONSE + filler + REFUSED
    assert [f.code for f in findings(text)] == ["ike_debug.invalid_spi"]


def test_an_ios_router_refusing_esp_in_its_own_ikev2_rekey():
    """IOS IKEv2 prints the exchange under its packet line; the %CRYPTO invalid SPI
    from the same peer falls within the rekey the router asked for. IOS commands,
    and no ASA defect named."""
    text = """\
*Nov 11 19:30:34.801: IKEv2:(SESSION ID = 1,SA ID = 1):Sending Packet [To 203.0.113.2:500/From 198.51.100.1:500/VRF i0:f0]
Initiator SPI : 6C3B1FA27D0E9A41 - Responder SPI : 2F8E0C5D91A4B736 Message id: 4
IKEv2 CREATE_CHILD_SA Exchange REQUEST
*Nov 11 19:30:34.811: IKEv2:(SESSION ID = 1,SA ID = 1):Received Packet [From 203.0.113.2:500/To 198.51.100.1:500/VRF i0:f0]
Initiator SPI : 6C3B1FA27D0E9A41 - Responder SPI : 2F8E0C5D91A4B736 Message id: 4
IKEv2 CREATE_CHILD_SA Exchange RESPONSE
*Nov 11 19:30:34.812: %CRYPTO-4-RECVD_PKT_INV_SPI: decaps: rec'd IPSEC packet has invalid spi for destaddr=198.51.100.1, prot=50, spi=0xA1B2C3D4(2712847316), srcaddr=203.0.113.2, input interface=GigabitEthernet1
"""
    (finding,) = findings(text)
    assert finding.code == "ike_debug.rekey_invalid_spi"
    assert finding.lines == [3, 7]
    assert "CSCwc54984" not in finding.detail
    assert finding.next_commands[0].startswith("show crypto ipsec sa peer 203.0.113.2")
