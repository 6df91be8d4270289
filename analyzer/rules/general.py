"""What the engine says about the paste as a whole."""

from analyzer import parsers, registry
from analyzer.registry import CLI_ERROR
from analyzer.report import Finding

SUPPORTED = tuple(registry.supported())


def check(report):
    findings = [_refused(record) for record in _records(report, CLI_ERROR)]
    if any(source.kind != CLI_ERROR for source in report.sources):
        return findings
    return findings + [
        Finding(
            code="general.not_understood",
            severity="info",
            title="Nothing in this paste was recognised",
            detail=(
                f"None of the {len(parsers.REGISTRY)} parsers recognised this text. "
                "Paste the output exactly as the device printed it (prompts and echoed "
                "commands help). Supported outputs: " + "; ".join(SUPPORTED) + "."
            ),
            lines=[],
        )
    ]


def _records(report, kind):
    for source in report.sources:
        if source.kind == kind:
            yield from source.records


def _refused(record) -> Finding:
    command = record.get("command")
    what = f"`{command}`" if command else "a command"
    return Finding(
        code="general.command_refused",
        severity="info",
        title=f"The device refused {what}",
        detail=(
            f'The device answered "{record["message"]}", so the output of {what} '
            "is not in the paste. The caret marks the first word it did not accept; "
            "abbreviations must be unique and the command must exist on this "
            "platform and software release (ASA and IOS spell many commands "
            "differently). Run it again and paste the output."
        ),
        lines=list(range(record["lines"][0], record["lines"][1] + 1)),
        next_commands=_retry(command, record["reason"]) if command else [],
        subject=f"command {command}" if command else "a typed command",
    )


def _close(typed: str, word: str) -> bool:
    """``typed`` abbreviates ``word`` or is it with a typo or two."""
    if word.startswith(typed):
        return True
    if len(typed) < 4 or abs(len(typed) - len(word)) > 2:
        return False
    previous = list(range(len(word) + 1))
    for i, a in enumerate(typed, 1):
        current = [i]
        for j, b in enumerate(word, 1):
            current.append(
                min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a != b))
            )
        previous = current
    return previous[-1] <= 2


def _retry(command: str, reason: str) -> list[str]:
    """What to type instead: the supported command the typed one was meant to be,
    or the typed words and ``?`` so the device lists what may follow."""
    if reason in ("incomplete", "ambiguous"):
        return [f"{command} ?"]
    typed = command.split("|", 1)[0].split()
    best = ""
    for module in parsers.REGISTRY:
        for full in getattr(module, "COMMANDS", ()):
            words = full.split()
            if len(words) <= len(typed) and len(words) > len(best.split()):
                if all(_close(t, w) for t, w in zip(typed, words, strict=False)):
                    best = full
    return [best] if best else [f"{typed[0]} ?"]
