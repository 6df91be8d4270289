"""analyze(text) -> Report: the one entry point for the task, the CLI, the API and tests.

The paste is cleaned line by line (analyzer.text) and split into sections at
echoed commands (analyzer.sections); each section is handed to the parsers that
own its command, or to every parser when there is no command or the owners found
nothing, and what the owners left is read by content. The rules then read all
sources together, and the paste model judges each tunnel. A parser or rule that
fails costs a finding, never the diagnosis.
"""

from __future__ import annotations

import traceback

from analyzer import parsers, paste, rules
from analyzer.report import Finding, Report, Section, Source
from analyzer.sections import (
    MAX_LINE,
    command_matches,
    is_terminal_noise,
    match_bare_command,
    match_prompt,
    normalise_command,
    owners,
    sections,
)
from analyzer.text import (
    BREAK,
    clean_line,
    decode_html,
    explode,
    rejoin_wrapped,
    split_lines,
    unwrap,
)

# What the rest of the project imported from here before cleaning and sectioning
# had modules of their own.
__all__ = [
    "BREAK",
    "ENGINE_VERSION",
    "MAX_LINE",
    "analyze",
    "clean_line",
    "command_matches",
    "decode_html",
    "explode",
    "is_terminal_noise",
    "match_bare_command",
    "match_prompt",
    "normalise_command",
    "not_ours",
    "rejoin_wrapped",
    "sections",
    "split_lines",
    "unwrap",
]

ENGINE_VERSION = "2"


# Raised into the analysis from outside it (the worker's time limit, the machine
# running out of memory): they stop the whole diagnosis, never just one check.
# The engine imports no task queue: a time limit is known by where its class
# lives (Celery raises billiard's SoftTimeLimitExceeded).
_OUTSIDE_MODULES = ("billiard.", "celery.")


def not_ours(exc: BaseException) -> bool:
    """True for an exception the analysis must let through."""
    if isinstance(exc, MemoryError):
        return True
    return any(
        (getattr(kind, "__module__", "") or "").startswith(_OUTSIDE_MODULES)
        for kind in type(exc).__mro__[:-1]
        if kind.__name__.endswith(
            ("TimeLimitExceeded", "Terminated", "WorkerLostError")
        )
    )


def _run_parser(
    module, section: Section, problems: list[Finding], owner: bool = False
) -> list[Source]:
    """The module's sources for the section, each told the prompt it was typed at
    and, when the module owns the echoed command, that command."""
    try:
        found = list(module.parse(section))
        for source in found:
            if source.prompt is None:
                source.prompt = section.prompt
            if owner and source.command is None:
                source.command = section.command
        return found
    except Exception as exc:  # a parser bug must cost a finding, never the diagnosis
        if not_ours(exc):
            raise
        first = section.numbers[0] if section.numbers else 0
        last = section.numbers[-1] if section.numbers else 0
        problems.append(
            Finding(
                code="engine.parser_error",
                severity="info",
                title=f"Part of the paste could not be read ({module.__name__.rsplit('.', 1)[-1]})",
                detail=(
                    f"Lines {first}-{last} looked like output this parser reads, but it "
                    f"stopped with {type(exc).__name__}. The rest of the paste was analyzed."
                ),
                lines=[first] if first else [],
            )
        )
        traceback.print_exc()
        return []


def _unclaimed(section: Section, found: list[Source]) -> Section | None:
    """The section's lines no source accounts for, as a section with no command;
    None when only blank lines are left."""
    claimed: set[int] = set()
    for source in found:
        # A line the source could not read inside its span (a console log
        # message printed in the middle of a show command) is left to the
        # other parsers too.
        claimed |= source.claimed_lines() - set(source.unparsed)
    keep = [i for i, number in enumerate(section.numbers) if number not in claimed]
    if not any(section.lines[i].strip() for i in keep):
        return None
    return Section(
        lines=[section.lines[i] for i in keep],
        numbers=[section.numbers[i] for i in keep],
    )


def analyze(text: str) -> Report:
    raw_lines = split_lines(text)
    cleaned = rejoin_wrapped(
        raw_lines, unwrap(decode_html([clean_line(line) for line in raw_lines]))
    )
    parts, prompt_lines = sections(*explode(cleaned))
    sources: list[Source] = []
    problems: list[Finding] = []
    for section in parts:
        if not section.lines:
            continue
        found: list[Source] = []
        for module in owners(section.command):
            found.extend(_run_parser(module, section, problems, owner=True))
        if not found:
            for module in parsers.REGISTRY:
                found.extend(_run_parser(module, section, problems))
        else:
            # What the command's parsers left (another output pasted after theirs
            # with no prompt in between) is read by content.
            rest = _unclaimed(section, found)
            if rest is not None:
                for module in parsers.REGISTRY:
                    found.extend(_run_parser(module, rest, problems))
        sources.extend(found)
    sources.sort(key=lambda s: (s.first_line, s.kind))

    understood: set[int] = set(prompt_lines)
    inner_unparsed: set[int] = set()
    for source in sources:
        understood |= source.claimed_lines()
        inner_unparsed.update(source.unparsed)
    unparsed = {
        n
        for n, line in enumerate(cleaned, start=1)
        if line.strip() and n not in understood
    }
    unparsed |= inner_unparsed - {
        n for s in sources for n in s.claimed_lines() if n not in s.unparsed
    }

    report = Report(
        sources=sources,
        findings=[],
        unparsed_lines=len(unparsed),
        line_count=len(raw_lines),
        unparsed=sorted(unparsed),
    )
    try:
        report.paste = paste.build(sources)
    except Exception as exc:
        # A fault in the model must not lose the rest of the analysis.
        if not_ours(exc):
            raise
        traceback.print_exc()
        report.paste = paste.Paste()
    findings: list[Finding] = list(problems)
    for module in rules.REGISTRY:
        try:
            findings.extend(module.check(report))
        except Exception as exc:
            if not_ours(exc):
                raise
            findings.append(
                Finding(
                    code="engine.rule_error",
                    severity="info",
                    title="One check could not run",
                    detail=f"The {module.__name__.rsplit('.', 1)[-1]} checks stopped with "
                    f"{type(exc).__name__}; the other findings stand.",
                )
            )
            traceback.print_exc()
    order = {"critical": 0, "error": 1, "warning": 2, "info": 3}
    findings.sort(
        key=lambda f: (order[f.severity], f.lines[0] if f.lines else 0, f.code)
    )
    report.findings = findings
    try:
        report.tunnels = paste.judge(report.paste, findings)
    except Exception as exc:
        # The verdicts summarise the findings; a fault here must not lose them.
        if not_ours(exc):
            raise
        traceback.print_exc()
        report.tunnels = []
    return report
