"""Both ends' pre-shared keys compared through the labels redaction leaves.

Each fixture is an ASA and an IOS router of one tunnel pasted together, keys in
clear (or type 7) as `more system:running-config` and `show running-config` print
them; the paste is redacted first, as every stored paste is.
"""

from analyzer.engine import analyze
from analyzer.redact import MARKED, redact
from tests.conftest import FIXTURES

REDACT = FIXTURES / "redact"


def psk_findings(name: str, redacted: bool = True):
    text = (REDACT / name).read_text(encoding="utf-8")
    report = analyze(redact(text) if redacted else text)
    return [f for f in report.findings if f.code.startswith("psk.")]


def test_differing_ikev1_keys_get_the_finding():
    (finding,) = psk_findings("both-ends-ikev1-keys-differ.txt")
    assert finding.code == "psk.keys_differ"
    assert finding.severity == "error"
    assert finding.title == "The pre-shared keys for this tunnel differ"
    assert (finding.article, finding.anchor) == ("phase1-errors", "pre-shared-key")
    # The ASA's `ikev1 pre-shared-key` and the router's `crypto isakmp key`.
    assert finding.lines == [33, 47]
    assert "fw-hq and br-rtr20, IKEv1" in finding.detail
    assert MARKED.findall(finding.detail) == ["<removed:psk-1>", "<removed:psk-2>"]


def test_equal_keys_do_not_get_it_even_when_one_end_writes_type_7():
    """The router holds the ASA's key as type 7: decoded before labelling, the two
    labels are one, and the paste says the keys match."""
    findings = psk_findings("both-ends-ikev1-keys-match.txt")
    assert [f.code for f in findings] == ["psk.keys_match"]
    assert findings[0].severity == "info"


def test_ikev2_compares_what_each_end_sends_with_what_the_other_expects():
    """The branch sends the key the ASA expects; the ASA sends one the branch does
    not expect: one direction differs, and the finding names it."""
    (finding,) = psk_findings("both-ends-ikev2-asymmetric-keys.txt")
    assert finding.code == "psk.keys_differ"
    assert "IKEv2" in finding.detail
    assert "fw-hq sends <removed:psk-2>, 198.51.100.30 expects <removed:psk-3>" in (
        finding.detail
    )
    assert "198.51.100.30 sends" not in finding.detail  # that direction agrees


def test_without_labels_nothing_is_claimed():
    """Keys in clear (an unredacted paste) or masked carry no label: no finding."""
    assert psk_findings("both-ends-ikev1-keys-differ.txt", redacted=False) == []
    text = (REDACT / "both-ends-ikev1-keys-differ.txt").read_text(encoding="utf-8")
    masked = text.replace("Hq-To-Branch-2026!", "*****").replace(
        "Hq-To-Branch-2025!", "*****"
    )
    assert [f for f in analyze(redact(masked)).findings if f.code[:4] == "psk."] == []


def test_one_config_alone_says_nothing():
    text = (REDACT / "both-ends-ikev1-keys-differ.txt").read_text(encoding="utf-8")
    asa_only = text.split("br-rtr20#show running-config")[0]
    assert [f for f in analyze(redact(asa_only)).findings if f.code[:4] == "psk."] == []


def test_the_findings_name_no_key():
    """Neither key, clear or type 7, reaches a finding."""
    for name in (
        "both-ends-ikev1-keys-differ.txt",
        "both-ends-ikev1-keys-match.txt",
        "both-ends-ikev2-asymmetric-keys.txt",
    ):
        secrets = (REDACT / name).with_suffix(".secrets").read_text().split()
        for finding in psk_findings(name):
            for secret in secrets:
                assert secret not in finding.detail and secret not in finding.title


def test_a_catch_all_key_on_one_end_is_compared_but_two_are_not():
    """A hub's `address 0.0.0.0 0.0.0.0` key applies to the ASA, so the ends are
    compared; two routers each holding only a catch-all key say nothing about a
    tunnel between them."""
    text = (REDACT / "both-ends-ikev1-keys-differ.txt").read_text(encoding="utf-8")
    hub = text.replace("address 203.0.113.10\n!", "address 0.0.0.0 0.0.0.0\n!")
    codes = [f.code for f in analyze(redact(hub)).findings if f.code[:4] == "psk."]
    assert codes == ["psk.keys_differ"]

    router = text.split("br-rtr20#show running-config")[1]
    other = (
        router.replace("br-rtr20", "br-rtr40")
        .replace("198.51.100.20", "198.51.100.40")
        .replace("10.20.0.", "10.40.0.")
        .replace("Hq-To-Branch-2025!", "Other-Key-40")
    )
    both = "br-rtr20#show running-config" + router + "br-rtr40#show running-config"
    both += other
    both = both.replace("address 203.0.113.10\n!", "address 0.0.0.0 0.0.0.0\n!")
    assert [f for f in analyze(redact(both)).findings if f.code[:4] == "psk."] == []
