"""Every parser in the registry, and the engine, return on any text.

Property tests feed arbitrary text and text stitched from fragments of real outputs
(fixtures, corpus, the archive); the adversarial tests feed 1 MiB built to hit the
patterns parsers use. Nothing here times anything: bench/hostile.py does that.
"""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analyzer import engine, parsers
from analyzer.report import Section
from bench.hostile import MIB, hostile_inputs, sections_of
from tests.conftest import FIXTURES, SEED_OUTPUTS


def _real_lines() -> list[str]:
    paths = [
        p
        # The corpus lives under the fixtures folder.
        for p in sorted(FIXTURES.rglob("*"))
        if p.is_file()
    ]
    paths.append(SEED_OUTPUTS)
    lines: list[str] = []
    for path in paths:
        if path.suffix in (".txt", ".raw", ".cfg", ".log", ""):
            text = path.read_bytes().decode("utf-8", errors="replace")
            lines.extend(line for line in text.splitlines()[:300] if line.strip())
    return lines


REAL = _real_lines()
COMMANDS = [None] + sorted(
    {c for m in parsers.REGISTRY for c in getattr(m, "COMMANDS", ())}
)

fragment = st.one_of(
    st.sampled_from(REAL),
    st.builds(
        lambda line, start, length: line[start : start + length],
        st.sampled_from(REAL),
        st.integers(0, 60),
        st.integers(0, 120),
    ),
    st.text(max_size=60),
)
stitched = st.lists(fragment, max_size=60).map("\n".join)
SETTINGS = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def parse_everywhere(text: str, command: str | None) -> None:
    lines = text.split("\n")
    direct = Section(
        lines=lines, numbers=list(range(1, len(lines) + 1)), command=command
    )
    for part in [direct, *sections_of(text)]:
        for module in parsers.REGISTRY:
            result = module.parse(part)
            assert isinstance(result, list), module.__name__


def assert_clean(report) -> None:
    broken = [
        f
        for f in report.findings
        if f.code in ("engine.parser_error", "engine.rule_error")
    ]
    assert broken == [], [(f.title, f.detail) for f in broken]


@SETTINGS
@given(text=st.text(max_size=3000), command=st.sampled_from(COMMANDS))
def test_it_parses_arbitrary_text_with_every_parser(text, command):
    """Any text, under any command or none, goes through every parser unharmed."""
    parse_everywhere(text, command)


@SETTINGS
@given(text=stitched, command=st.sampled_from(COMMANDS))
def test_it_parses_fragments_of_real_output_with_every_parser(text, command):
    """Real lines cut, shuffled and mixed with noise go through every parser."""
    parse_everywhere(text, command)


@SETTINGS
@given(text=st.one_of(stitched, st.text(max_size=3000)))
def test_it_analyzes_arbitrary_pastes_without_a_parser_or_rule_error(text):
    """engine.analyze returns a report, and no parser or rule stopped on the way."""
    report = engine.analyze(text)
    assert report.line_count == len(engine.split_lines(text))
    assert_clean(report)


WORST = (
    "spaces",
    "digits",
    "dots",
    "'%ASA-' repeated",
    "'%ASA-' lines",
    "'IP = ' repeated",
    "'IP = ' lines",
    "'#pkts' repeated",
    "'#pkts' lines",
    "'ISAKMP:(' lines",
    "' > ' lines",
    "one long line",
    "many short lines",
)


@pytest.fixture(scope="module")
def hostile():
    return hostile_inputs(MIB)


@pytest.mark.parametrize("name", WORST)
def test_it_returns_on_a_mebibyte_of_hostile_input(hostile, name):
    """Each parser gets the engine's sections of 1 MiB of the worst text for its
    patterns and returns a list."""
    parts = sections_of(hostile[name])
    for module in parsers.REGISTRY:
        for part in parts:
            assert isinstance(module.parse(part), list), module.__name__


@pytest.mark.parametrize(
    "name", ["'%ASA-4-106023: ' lines", "'IP = ' lines", "' > ' lines"]
)
def test_it_analyzes_a_mebibyte_of_repeated_tags(hostile, name):
    """The whole engine, rules included, on 1 MiB of repeated syslog, IKE and
    tcpdump key phrases."""
    assert_clean(engine.analyze(hostile[name]))
