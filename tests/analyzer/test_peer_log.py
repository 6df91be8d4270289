"""The other end's IKE log read line by line (the field corpus judges whole pastes)."""

from analyzer.engine import analyze
from analyzer.parsers import peer_log
from analyzer.report import Section
from tests.conftest import FIXTURES


def records(name: str) -> list[dict]:
    text = (FIXTURES / "field" / "other-end" / name).read_text(encoding="utf-8")
    lines = text.splitlines()
    (source,) = peer_log.parse(
        Section(lines=lines, numbers=list(range(1, len(lines) + 1)))
    )
    assert source.kind == peer_log.KIND
    return source.records


def test_a_fortigate_debug_names_the_peer_the_gateway_and_the_pfs_group():
    """`ike 0: comes 192.0.2.10:500->...` then `ike 0:VPN-Customer: ...` lines are
    one negotiation with 192.0.2.10 on gateway VPN-Customer; the refusal comes
    after an ESP proposal with PFS group 2, so it is a phase 2 refusal."""
    (record,) = records("fortigate-asa-phase2-peer-sa-proposal-not-match.txt")
    assert (record["platform"], record["peer"], record["connection"]) == (
        "fortigate",
        "192.0.2.10",
        "VPN-Customer",
    )
    assert record["pfs"] == "2"
    assert {e["kind"] for e in record["errors"]} == {"phase2"}
    assert [e["line"] for e in record["errors"]] == [10, 11]


def test_a_libreswan_child_sa_refusal_is_phase_2_with_the_address_it_came_from():
    name_wrapped = "libreswan-create-child-sa-no-local-proposal-matches.txt"
    (record,) = records(name_wrapped)
    assert (record["platform"], record["peer"], record["version"]) == (
        "libreswan",
        "192.1.2.45",
        "ikev2",
    )
    assert {e["kind"] for e in record["errors"]} == {"phase2"}
    assert record["lines"] == [1, 5]
    # Whole, the proposal list the terminal wrapped at 200 columns is put back
    # together and nothing is left unread.
    text = (FIXTURES / "field" / "other-end" / name_wrapped).read_text()
    report = analyze(text)
    assert [s.kind for s in report.sources] == [peer_log.KIND]
    assert report.unparsed_lines == 0


def test_lines_of_no_ike_log_give_nothing():
    lines = ["interface GigabitEthernet0/0", " ip address 192.0.2.1 255.255.255.0"]
    assert peer_log.parse(Section(lines=lines, numbers=[1, 2])) == []
