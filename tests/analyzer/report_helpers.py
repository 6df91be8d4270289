"""Lookups the paste-level tests share: one source of a kind, one finding of a
code, the findings above info."""

ABOVE_INFO = ("warning", "error", "critical")


def only(report, kind: str):
    """The one source of ``kind`` in the report (fails listing the kinds found)."""
    found = [s for s in report.sources if s.kind == kind]
    assert len(found) == 1, [s.kind for s in report.sources]
    return found[0]


def one(report, code: str, subject: str | None = None):
    """The one finding of ``code`` (whose subject starts with ``subject``)."""
    found = [
        f
        for f in report.findings
        if f.code == code and (subject is None or f.subject.startswith(subject))
    ]
    assert len(found) == 1, [(f.code, f.subject) for f in report.findings]
    return found[0]


def alarms(report):
    """(code, subject) of every finding above info, sorted."""
    return sorted(
        (f.code, f.subject) for f in report.findings if f.severity in ABOVE_INFO
    )
