"""Findings for IKEv1 and IKEv2 SA states: one per peer and state, from the state table."""

from analyzer import isakmp
from analyzer.engine import analyze
from tests.conftest import FIXTURES

# The anchors the isakmp-states article carries for IKEv2 and unlisted states.
IKEV2_ANCHORS = {"ikev2-ready", "ikev2-in-neg", "ikev2-delete", "ikev2-states"}


def raw(name: str) -> str:
    return (FIXTURES / name).read_bytes().decode("utf-8")


def ike_findings(name: str):
    report = analyze(raw(name))
    return [f for f in report.findings if f.code.startswith(("isakmp.", "ikev2."))]


def by_code(findings, code: str):
    found = [f for f in findings if f.code == code]
    assert len(found) == 1, [f.code for f in findings]
    return found[0]


def test_it_explains_an_initiator_stuck_at_mm_wait_msg4():
    """An ASA initiator at MM_WAIT_MSG4 links to #mm_wait_msg4 with the table's words."""
    findings = ike_findings("ike/asa82_show_crypto_isakmp_sa.txt")
    finding = by_code(findings, "isakmp.mm_wait_msg4")
    state = isakmp.lookup("MM_WAIT_MSG4")
    assert (finding.article, finding.anchor) == ("isakmp-states", "mm_wait_msg4")
    assert finding.severity == state.severity == "warning"
    assert finding.subject == "peer 203.0.113.5"
    assert finding.lines == [7, 8, 9]
    assert "initiator" in finding.detail and state.meaning in finding.detail
    assert state.checks[0] in finding.detail
    assert "show run tunnel-group 203.0.113.5" in finding.next_commands
    assert not any("{peer}" in c for c in finding.next_commands)


def test_it_marks_established_states_as_info():
    """MM_ACTIVE, AM_ACTIVE and QM_IDLE are healthy: info, never above."""
    cases = {
        "ike/asa82_show_crypto_isakmp_sa.txt": "isakmp.mm_active",
        "ike/asa80_show_crypto_isakmp_sa_detail.txt": "isakmp.am_active",
        "ike/ios124_show_crypto_isakmp_sa.txt": "isakmp.qm_idle",
    }
    for name, code in cases.items():
        finding = by_code(ike_findings(name), code)
        assert finding.severity == "info"
        assert finding.anchor == code.split(".", 1)[1]


def test_it_gives_every_sa_state_a_finding_naming_its_peer():
    """Each (peer, state) seen gets one finding whose subject names that peer."""
    findings = ike_findings("ike/asa80_show_crypto_isakmp_sa_detail.txt")
    assert [(f.code, f.subject) for f in sorted(findings, key=lambda f: f.lines)] == [
        ("isakmp.mm_wait_msg2", "peer 192.0.2.77"),
        ("isakmp.mm_wait_msg5", "peer 198.51.100.9"),
        ("isakmp.am_active", "peer 203.0.113.40"),
    ]
    msg2 = by_code(findings, "isakmp.mm_wait_msg2")
    assert "capture cap-ike interface outside match udp host 192.0.2.77 eq 500" in (
        msg2.next_commands
    )
    assert "responder" in by_code(findings, "isakmp.mm_wait_msg5").detail


def test_it_groups_sas_of_one_peer_in_one_state():
    """Two MM_NO_STATE rows for one peer make one finding over both lines."""
    finding = by_code(
        ike_findings("ike/ios124_show_crypto_isakmp_sa.txt"), "isakmp.mm_no_state"
    )
    assert finding.lines == [3, 4]
    assert finding.subject == "peer 192.0.2.10"
    assert "(2 SAs)" in finding.title
    assert "deleted" in finding.detail
    assert finding.severity == isakmp.lookup("MM_NO_STATE").severity


def test_it_says_when_the_ios_peer_was_guessed():
    """A lone IOS row names dst as the peer and says the output could not tell."""
    finding = by_code(
        ike_findings("ike/ios122_show_crypto_isakmp_sa.txt"), "isakmp.mm_key_exch"
    )
    assert finding.subject == "peer 10.0.0.2"
    assert "dst" in finding.detail


def test_it_points_unlisted_ikev1_states_at_other_states():
    """A state missing from the table is info and links to #other-states."""
    findings = ike_findings("ike/ios15_show_crypto_isakmp_sa_dest_sa.txt")
    other = by_code(findings, "isakmp.other_state")
    assert (other.severity, other.anchor, other.lines) == ("info", "other-states", [4])
    assert "IKE_DEST_SA" in other.title and other.subject == "peer 203.0.113.14"
    assert by_code(findings, "isakmp.qm_idle").lines == [5]


def test_it_explains_ikev2_states_with_their_anchors():
    """READY is info; IN-NEG and DELETE are warnings; each links to its section."""
    findings = ike_findings("ike/iosxe16_show_crypto_ikev2_sa.txt")
    ready = by_code(findings, "ikev2.ready")
    in_neg = by_code(findings, "ikev2.in_neg")
    delete = by_code(findings, "ikev2.delete")
    assert (ready.severity, ready.anchor, ready.subject) == (
        "info",
        "ikev2-ready",
        "peer 198.51.100.10",
    )
    assert (in_neg.severity, in_neg.anchor, in_neg.lines) == (
        "warning",
        "ikev2-in-neg",
        [10, 11, 12],
    )
    assert (delete.severity, delete.anchor) == ("warning", "ikev2-delete")
    assert "show crypto ikev2 sa remote 203.0.113.20 detail" in in_neg.next_commands
    assert {f.article for f in findings} == {"isakmp-states"}


def test_it_uses_the_asa_role_for_ikev2():
    """On the ASA the Role column shapes the IN-NEG explanation."""
    findings = ike_findings("ike/asa92_show_crypto_isakmp_sa_ikev1_ikev2.txt")
    in_neg = by_code(findings, "ikev2.in_neg")
    assert "responder" in in_neg.detail and in_neg.subject == "peer 192.0.2.33"
    assert "debug crypto ikev2 protocol 127" in in_neg.next_commands
    assert by_code(findings, "isakmp.mm_wait_msg3").subject == "peer 192.0.2.150"


def test_it_points_unlisted_ikev2_states_at_the_ikev2_section():
    """An IKEv2 status outside READY/IN-NEG/DELETE is info under #ikev2-states."""
    finding = by_code(
        ike_findings("ike/iosxe17_show_crypto_ikev2_sa_unknown.txt"),
        "ikev2.other_state",
    )
    assert (finding.severity, finding.anchor) == ("info", "ikev2-states")


def test_it_only_links_to_anchors_the_article_has():
    """Every anchor emitted over all fixtures is a state of the table or an IKEv2 one."""
    table = {s.anchor for s in isakmp.STATES} | {"other-states"}
    for path in sorted((FIXTURES / "ike").iterdir()):
        for finding in ike_findings(f"ike/{path.name}"):
            assert finding.article == "isakmp-states"
            assert finding.anchor in table | IKEV2_ANCHORS, finding.anchor
            assert finding.lines and finding.subject.startswith("peer ")


def test_it_names_pix_6_commands_without_crypto():
    """PIX 6 has `show isakmp sa detail`, not `show crypto isakmp sa detail`."""
    findings = ike_findings("ike/pix63_show_isakmp_sa.txt")
    stuck = by_code(findings, "isakmp.mm_key_exch")
    assert stuck.subject == "peer 203.0.113.66" and stuck.lines == [6]
    assert "show isakmp sa detail" in stuck.next_commands
    assert not any(c.startswith("show crypto isakmp") for c in stuck.next_commands)
    idle = by_code(findings, "isakmp.qm_idle")
    assert idle.next_commands == ["show crypto ipsec sa peer 198.51.100.5"]


def test_an_ios_row_takes_its_peer_from_the_debug_of_the_same_router():
    """courseiva's scenario: the row 'dst 10.1.1.1 src 203.0.113.2' gives no role,
    but the debug below it has this router receive the peer's offer from
    203.0.113.2 (as responder): 203.0.113.2 is the peer, 10.1.1.1 this router."""
    text = (
        "show crypto isakmp sa\nIPv4 Crypto ISAKMP SA\n"
        "dst src state conn-id slot status\n"
        "10.1.1.1 203.0.113.2 MM_NO_STATE 1001 0 ACTIVE\n"
        "debug crypto isakmp\n"
        "ISAKMP (0:0): received packet from 203.0.113.2 dport 500 sport 500 Global "
        "(R) MM_NO_STATE\n"
        "ISAKMP (0:0): atts not acceptable. Next payload is 0\n"
    )
    subjects = {f.code: f.subject for f in analyze(text).findings}
    assert subjects["isakmp.mm_no_state"] == "peer 203.0.113.2"
    assert subjects["ike_debug.proposal_mismatch"] == "peer 203.0.113.2"


def test_tunnel_manager_states_name_their_remote_access_step():
    """The ASA's states after phase 1 for XAUTH and mode-config, as printed in
    the field corpus (AM_TM_INIT_XAUTH_V6C); the common states are not one."""
    assert isakmp.remote_access_step("AM_TM_INIT_XAUTH_V6C") == "XAUTH"
    assert isakmp.remote_access_step("AM_TM_INIT_MODECFG_V6H") == "MODECFG"
    assert isakmp.remote_access_step("MM_TM_WAIT_MODECFG_REPLY") == "MODECFG"
    for name in ("MM_ACTIVE", "MM_WAIT_MSG4", "AM_ACTIVE", "TM_INIT_XAUTH"):
        assert isakmp.remote_access_step(name) is None, name
