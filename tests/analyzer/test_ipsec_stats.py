"""ASA / PIX `show ipsec stats`: the global IPsec counters, and the one that says
SAs are missing on a large scale: Missing SA failures."""

from analyzer.engine import analyze
from analyzer.parsers import ipsec_stats
from analyzer.report import Section

# ASA 9.x: the counters of each direction indented under it.
ASA = """\
ciscoasa# show crypto ipsec stats

IPsec Global Statistics
-----------------------
Active tunnels: 12
Previous tunnels: 3410
Inbound
    Bytes: 48213377
    Decompressed bytes: 48213377
    Packets: 310448
    Dropped packets: 0
    Replay failures: 0
    Authentications: 310448
    Authentication failures: 0
    Decryptions: 310448
    Decryption failures: 0
    TFC Packets: 0
    Decapsulated fragments needing reassembly: 0
Outbound
    Bytes: 61022180
    Uncompressed bytes: 61022180
    Packets: 298120
    Dropped packets: {dropped}
    Authentications: 298120
    Authentication failures: 0
    Encryptions: 298120
    Encryption failures: 0
    Fragmentation successes: 4
        Pre-fragmentation successes: 4
        Post-fragmentation successes: 0
    PMTUs sent: 0
Protocol failures: 0
Missing SA failures: {missing}
System capacity failures: 0
"""


def parse(text: str):
    lines = text.splitlines()
    return ipsec_stats.parse(
        Section(lines=lines, numbers=list(range(1, len(lines) + 1)))
    )


def alarms(text: str) -> list:
    return [
        f
        for f in analyze(text).findings
        if f.severity in ("warning", "error", "critical")
    ]


def test_it_reads_both_directions_and_the_global_counters():
    (source,) = parse(ASA.format(dropped=7, missing=9))
    assert source.kind == ipsec_stats.KIND == "asa.show_ipsec_stats"
    (rec,) = source.records
    assert (rec["active_tunnels"], rec["previous_tunnels"]) == (12, 3410)
    assert rec["inbound"]["packets"] == 310448
    assert rec["outbound"]["dropped_packets"] == 7
    assert rec["outbound"]["pre_fragmentation_successes"] == 4
    assert rec["missing_sa_failures"] == 9
    assert rec["at"]["missing_sa_failures"] == 33
    assert analyze(ASA.format(dropped=7, missing=9)).unparsed_lines == 0


def test_a_few_missing_sa_failures_are_the_first_packets_of_tunnels_coming_up():
    assert alarms(ASA.format(dropped=40, missing=40)) == []
    # Many, but a small share of what was sent.
    assert alarms(ASA.format(dropped=1500, missing=1500)) == []


def test_many_missing_sa_failures_point_at_sas_gone_on_one_side():
    (finding,) = alarms(ASA.format(dropped=52000, missing=52011))
    assert finding.code == "ipsec.missing_sa_failures"
    assert (finding.article, finding.anchor) == (
        "dead-peer-detection-and-rekey",
        "stale-sas",
    )
    assert finding.lines == [23, 33]
    assert "52011" in finding.title and "52000" in finding.detail


def test_other_text_gives_nothing():
    assert parse("Inbound\nPackets: 5\n") == []
    assert parse("R1#show ip interface brief\n") == []
