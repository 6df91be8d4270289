"""`manage.py analyze [--json] FILE|- [FILE ...]`: the engine with no server."""

import json
import sys
import textwrap

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from analyzer.engine import analyze
from analyzer.redact import redact_with_count
from analyzer.textinput import InputError, combine_with_spans, human_size


class Command(BaseCommand):
    help = (
        "Analyze device output (show commands, debugs, syslog, configs) and print "
        "the findings. FILE may be '-' for standard input. Secrets are removed before "
        "the analysis, so nothing printed contains them. Several files are analyzed "
        "as one paste, joined in the order given with one blank line after each, so "
        "line numbers in the report point into that joined text. Exits 0 whenever "
        "the input was read, whatever was found; 1 when it could not be read "
        "(missing file, empty, not text, too large)."
    )
    # Tests hand the command a stand-in for standard input.
    stealth_options = ("stdin",)
    # The engine needs no database or app checks; it runs from a bare checkout.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument(
            "files", nargs="+", metavar="FILE", help="a text file, or - for stdin"
        )
        parser.add_argument(
            "--json",
            action="store_true",
            help="print one JSON object: sources, findings, unparsed_lines",
        )
        parser.add_argument(
            "--max-bytes",
            type=int,
            default=None,
            help="refuse input larger than this many bytes in total "
            "(default: ANALYZER_MAX_INPUT_BYTES)",
        )

    def handle(self, *args, **options):
        limit = options["max_bytes"] or settings.ANALYZER_MAX_INPUT_BYTES
        if limit <= 0:
            raise CommandError("--max-bytes must be a positive number of bytes.")
        if options["files"].count("-") > 1:
            raise CommandError("Standard input (-) can be read only once.")
        stdin = options.get("stdin") or sys.stdin.buffer
        files = [
            (_label(name), self._read(name, stdin, limit)) for name in options["files"]
        ]
        try:
            text, spans = combine_with_spans(files, limit)
        except InputError as exc:
            raise CommandError(exc.message) from exc
        text, removed = redact_with_count(text)
        report = analyze(text)
        if options["json"]:
            self.stdout.write(
                json.dumps(
                    report.to_dict(), indent=2, ensure_ascii=False, default=_plain
                )
            )
        else:
            self.stdout.write(format_report(report, spans, removed))

    def _read(self, name: str, stdin, limit: int) -> bytes:
        try:
            if name == "-":
                data = stdin.read(limit + 1)
            else:
                with open(name, "rb") as handle:
                    data = handle.read(limit + 1)
        except OSError as exc:
            raise CommandError(
                f"Cannot read {_label(name)}: {exc.strerror or exc}"
            ) from exc
        # Text streams (a StringIO in tests, a terminal) hand back str.
        data = data.encode("utf-8") if isinstance(data, str) else data
        if len(data) > limit:
            # Only limit + 1 bytes were read, so the size is not known: say "over".
            raise CommandError(
                f"{_label(name)} is larger than the {human_size(limit)} limit "
                "(--max-bytes raises it)."
            )
        return data


def _plain(value):
    """JSON for what a parser may leave in a record: sets, tuples, odd types."""
    if isinstance(value, (set, frozenset)):
        return sorted(value, key=str)
    return str(value)


def _label(name: str) -> str:
    return "standard input" if name == "-" else name


def format_lines(lines: list[int]) -> str:
    """``[3, 4, 5, 9]`` -> ``"3-5, 9"``."""
    runs: list[list[int]] = []
    for n in sorted(set(lines)):
        if runs and n == runs[-1][1] + 1:
            runs[-1][1] = n
        else:
            runs.append([n, n])
    return ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in runs)


def article_url(slug: str, anchor: str) -> str:
    return f"/kb/{slug}/" + (f"#{anchor}" if anchor else "")


def format_report(report, spans, removed: int) -> str:
    out: list[str] = []
    names = ", ".join(name for name, _, _ in spans)
    out.append(f"Input: {names} ({report.line_count} lines)")
    if len(spans) > 1:
        for name, first, last in spans:
            out.append(f"  {name}: lines {first}-{last}")
    if removed:
        noun = "secret" if removed == 1 else "secrets"
        out.append(f"Removed {removed} {noun} before the analysis.")
    out.append("")
    if report.sources:
        out.append("Recognised output:")
        for source in report.sources:
            count = len(source.records)
            noun = "record" if count == 1 else "records"
            out.append(
                f"  {source.kind}  lines {source.first_line}-{source.last_line}"
                f"  ({count} {noun})"
            )
    else:
        out.append("Recognised output: none")
    out.append(f"Lines not understood: {report.unparsed_lines}")
    out.append("")
    if not report.findings:
        out.append("No findings.")
        return "\n".join(out)
    noun = "finding" if len(report.findings) == 1 else "findings"
    out.append(f"{len(report.findings)} {noun}:")
    for finding in report.findings:
        out.append("")
        head = f"[{finding.severity.upper()}] {finding.title}"
        if finding.subject:
            head += f" ({finding.subject})"
        out.append(head)
        if finding.lines:
            out.append(f"  Lines: {format_lines(finding.lines)}")
        for paragraph in finding.detail.splitlines():
            if paragraph.strip():
                out.append(
                    textwrap.fill(
                        paragraph.strip(),
                        88,
                        initial_indent="  ",
                        subsequent_indent="  ",
                    )
                )
        if finding.next_commands:
            out.append("  Next:")
            out.extend(f"    {command}" for command in finding.next_commands)
        if finding.article:
            out.append(f"  Read: {article_url(finding.article, finding.anchor)}")
    return "\n".join(out)
