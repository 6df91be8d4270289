"""Every output kind is registered whole: parser, rule family, label, fixtures, tests."""

from pathlib import Path

from analyzer import parsers, registry, rules
from analyzer.engine import analyze
from tests.conftest import FIXTURES

TESTS = Path(__file__).parent


def test_every_kind_has_its_parser_rules_fixtures_and_tests():
    parser_names = {m.__name__.rsplit(".", 1)[-1] for m in parsers.REGISTRY}
    rule_names = {m.__name__.rsplit(".", 1)[-1] for m in rules.REGISTRY}
    for kind in registry.KINDS:
        assert kind.parser in parser_names, kind
        assert kind.rules and set(kind.rules) <= rule_names, kind
        folder = FIXTURES / kind.fixtures
        assert folder.is_dir() and any(folder.iterdir()), kind
        test = TESTS / f"{kind.tests}.py"
        assert test.is_file(), kind
        assert kind.label and "_" not in kind.label.split(" (")[0], kind


def test_every_parser_is_registered_under_a_kind():
    registered = {k.parser for k in registry.KINDS}
    for module in parsers.REGISTRY:
        assert module.__name__.rsplit(".", 1)[-1] in registered, module.__name__


def test_every_kind_the_fixtures_produce_is_registered():
    seen = set()
    for path in sorted(FIXTURES.rglob("*.txt")):
        if path.stat().st_size > 200_000:
            continue
        text = path.read_bytes().decode("utf-8", errors="replace")
        seen.update(s.kind for s in analyze(text).sources)
    assert seen <= set(registry.BY_KIND), sorted(seen - set(registry.BY_KIND))
    # And every registered kind is produced by at least one real example.
    assert set(registry.BY_KIND) <= seen, sorted(set(registry.BY_KIND) - seen)


def test_the_supported_list_names_outputs_as_engineers_do():
    names = registry.supported()
    assert "ASA show crypto isakmp sa" in names
    assert all("." not in n.split(" ")[0] for n in names)
