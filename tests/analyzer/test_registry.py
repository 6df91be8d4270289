"""Every output kind is registered whole: parser, rule family, label, fixtures, tests.

Each claim of a registry entry is checked against what the code does on the real
examples in tests/fixtures, not only against file names: the parser produces the
kind, every rule family listed reads it (its findings change when the kind's
outputs are taken out of the paste) and no family reads it unlisted, the kind's
fixture folder holds a real example of it, and its test module names it.
"""

import ast
from functools import cache
from pathlib import Path

import pytest

from analyzer import parsers, registry, rules
from analyzer.engine import analyze
from analyzer.paste import build as build_paste
from analyzer.redact import redact
from analyzer.report import Report
from tests.conftest import FIXTURES

TESTS = Path(__file__).parent
RULE_MODULES = {m.__name__.rsplit(".", 1)[-1]: m for m in rules.REGISTRY}
PARSER_MODULES = {m.__name__.rsplit(".", 1)[-1]: m for m in parsers.REGISTRY}
# Kinds the analyzer reads and shows under "What was read" that no rule judges yet.
# strict: the day a rule reads one, this test says so and the entry must go.
NOT_JUDGED_YET = {
    "syslog.status": "no rule reads show logging's status block (levels, buffer) yet",
    "asa.show_route": (
        "rules/routing.py reads it as it reads IOS's table, but no real ASA paste "
        "here shows a whole `show route` beside a crypto peer it has no route to "
        "(ntc's sample names destinations, which proves nothing)"
    ),
}


def _marks(kind: str):
    reason = NOT_JUDGED_YET.get(kind)
    return [pytest.mark.xfail(strict=True, reason=reason)] if reason else []


KINDS = [pytest.param(k, id=k.kind) for k in registry.KINDS]
KINDS_JUDGED = [
    pytest.param(k, id=k.kind, marks=_marks(k.kind)) for k in registry.KINDS
]


@cache
def real_examples() -> dict[Path, Report]:
    """Each fixture analyzed as a stored paste is: redacted first (the rule that
    compares both ends' keys reads the labels redaction leaves)."""
    reports = {}
    for path in sorted(FIXTURES.rglob("*")):
        if not path.is_file() or path.stat().st_size > 200_000:
            continue
        text = path.read_bytes().decode("utf-8", errors="replace")
        reports[path] = analyze(redact(text))
    return reports


def _judged(module, report: Report) -> list[dict]:
    # "Nothing in this paste was recognised" depends on every kind at once: it
    # says nothing about which kinds the family reads.
    return [
        f.to_dict() for f in module.check(report) if f.code != "general.not_understood"
    ]


@cache
def families_reading() -> dict[str, dict[str, Path]]:
    """kind -> {rule family: the first real example on which the family's findings
    change when that kind's outputs are taken out of the paste}."""
    reading: dict[str, dict[str, Path]] = {}
    for path, report in real_examples().items():
        for kind in {s.kind for s in report.sources}:
            sources = [s for s in report.sources if s.kind != kind]
            without = Report(
                sources=sources,
                findings=[],
                unparsed_lines=report.unparsed_lines,
                line_count=report.line_count,
                paste=build_paste(sources),
            )
            found = reading.setdefault(kind, {})
            for name, module in RULE_MODULES.items():
                if name in found:
                    continue
                if _judged(module, report) != _judged(module, without):
                    found[name] = path
    return reading


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_has_its_parser_label_fixtures_and_tests(kind):
    assert kind.parser in PARSER_MODULES, kind
    assert set(kind.rules) <= set(RULE_MODULES), kind
    folder = FIXTURES / kind.fixtures
    assert folder.is_dir() and any(folder.iterdir()), kind
    test = TESTS / f"{kind.tests}.py"
    assert test.is_file(), kind
    assert kind.label and "_" not in kind.label.split(" (")[0], kind


@pytest.mark.parametrize("kind", KINDS_JUDGED)
def test_every_kind_is_judged_by_the_families_listed(kind):
    """Each listed rule family reads the kind on a real example, and there is one."""
    reading = families_reading().get(kind.kind, {})
    assert kind.rules, f"{kind.kind}: no rule family reads it"
    missing = [name for name in kind.rules if name not in reading]
    assert not missing, f"{kind.kind}: listed {missing} never read it on a real example"


@pytest.mark.parametrize("kind", KINDS)
def test_no_family_reads_a_kind_unlisted(kind):
    reading = families_reading().get(kind.kind, {})
    unlisted = {n: str(p) for n, p in reading.items() if n not in kind.rules}
    assert not unlisted, f"{kind.kind} is read by families not listed: {unlisted}"


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_has_a_real_example_in_its_own_fixture_folder(kind):
    """tests/fixtures/<entry's fixtures>/ holds at least one output of the kind."""
    folder = FIXTURES / kind.fixtures
    assert any(
        path.is_relative_to(folder) and report.sources_of(kind.kind)
        for path, report in real_examples().items()
    ), f"nothing under {folder.relative_to(FIXTURES)} is read as {kind.kind}"


def named_kinds(source: str) -> set[str]:
    """The kinds a test module names: as a string, or as a parser module's
    constant (``packet_tracer.KIND``, ``vpn_sessiondb.SUMMARY_KIND``)."""
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            names.add(node.value)
        elif (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in PARSER_MODULES
        ):
            value = getattr(PARSER_MODULES[node.value.id], node.attr, None)
            if isinstance(value, str):
                names.add(value)
    return names & set(registry.BY_KIND)


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_is_exercised_by_its_test_module(kind):
    """The test module the entry names reads that kind, not only its parser."""
    source = (TESTS / f"{kind.tests}.py").read_text(encoding="utf-8")
    assert kind.kind in named_kinds(source), f"{kind.tests} never names {kind.kind}"


def test_the_checks_tell_a_kind_named_from_one_not_named():
    source = (
        "from analyzer.parsers import vpn_sessiondb\n"
        "a = vpn_sessiondb.SUMMARY_KIND\n"
        'b = report.sources_of("tcpdump")\n'
    )
    assert named_kinds(source) == {"asa.show_vpn_sessiondb_summary", "tcpdump"}
    # A family that reads a kind is told from one that does not.
    reading = families_reading()
    assert "ipsec" in reading["asa.show_crypto_ipsec_sa"]
    assert "mail" not in reading["asa.show_crypto_ipsec_sa"]


def test_every_parser_is_registered_under_a_kind():
    registered = {k.parser for k in registry.KINDS}
    for module in parsers.REGISTRY:
        assert module.__name__.rsplit(".", 1)[-1] in registered, module.__name__


def test_every_rule_family_reads_a_registered_kind():
    listed = {name for k in registry.KINDS for name in k.rules}
    assert set(RULE_MODULES) <= listed, sorted(set(RULE_MODULES) - listed)


def test_every_kind_the_fixtures_produce_is_registered():
    seen = set()
    # Device outputs: pastes (.txt) and the parser suites' raw outputs (.raw).
    for path in sorted(p for ext in ("*.txt", "*.raw") for p in FIXTURES.rglob(ext)):
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


def test_the_run_orders_name_every_parser_and_rule_family_once():
    """The engine runs parsers and rule families in the registry's orders: a
    module left out of them would never run."""
    assert len(set(registry.PARSER_ORDER)) == len(registry.PARSER_ORDER)
    assert set(registry.PARSER_ORDER) == {k.parser for k in registry.KINDS}
    assert len(set(registry.RULE_ORDER)) == len(registry.RULE_ORDER)
    assert set(registry.RULE_ORDER) == {n for k in registry.KINDS for n in k.rules}
    rule_files = {p.stem for p in Path(rules.__file__).parent.glob("*.py")}
    assert rule_files - {"__init__"} == set(registry.RULE_ORDER)
    for path in Path(parsers.__file__).parent.glob("*.py"):
        if "\ndef parse(" in path.read_text(encoding="utf-8"):
            assert path.stem in registry.PARSER_ORDER, path.name
    assert [m.__name__ for m in parsers.REGISTRY] == [
        f"analyzer.parsers.{name}" for name in registry.PARSER_ORDER
    ]
    assert [m.__name__ for m in rules.REGISTRY] == [
        f"analyzer.rules.{name}" for name in registry.RULE_ORDER
    ]


ANALYZER = Path(registry.__file__).parent


def _constants() -> dict[str, str]:
    return {
        name: value
        for name, value in vars(registry).items()
        if name.isupper() and isinstance(value, str)
    }


def test_every_kind_has_one_constant_and_every_constant_a_kind():
    constants = _constants()
    assert sorted(constants.values()) == sorted(k.kind for k in registry.KINDS)
    for name, value in constants.items():
        assert name == value.upper().replace(".", "_"), name


def test_no_module_spells_a_kind_out():
    """Code names a kind by its constant in analyzer.registry; a retyped
    "asa.show_..." string is how a rule ends up asking for a kind no parser makes.
    (The undotted kinds, such as "syslog", are also command and parser names, so
    only dotted ones count.)"""
    dotted = {k.kind for k in registry.KINDS if "." in k.kind}
    spelt = []
    for path in sorted(ANALYZER.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text())
        # The registry's own definitions: NAME = "kind" at module level.
        defined = {
            id(node.value)
            for node in tree.body
            if path.name == "registry.py"
            and isinstance(node, ast.Assign)
            and isinstance(node.value, ast.Constant)
        }
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Constant)
                and node.value in dotted
                and id(node) not in defined
            ):
                spelt.append(f"{path.relative_to(ANALYZER)}:{node.lineno} {node.value}")
    assert not spelt
