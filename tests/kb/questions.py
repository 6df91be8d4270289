"""What the held-out question tables share: their rows as test parameters, with a
strict xfail for each row the table lists as missed (or, for a question without
an answer, as answered with noise), and the checks each row makes."""

import pytest

from kb.search import search


def answer_rows(questions, misses: dict[str, str]) -> list:
    """``(query, slug, within)`` rows, a miss marked with its reason."""
    rows = []
    for query, slug, within in questions:
        marks = ()
        if query in misses:
            marks = pytest.mark.xfail(strict=True, reason=misses[query])
        rows.append(pytest.param(query, slug, within, marks=marks, id=query[:60]))
    return rows


def no_answer_rows(no_answer, noise: dict[str, str]) -> list:
    """Questions no article answers, one answered with noise marked with why."""
    rows = []
    for query in no_answer:
        marks = ()
        if query in noise:
            marks = pytest.mark.xfail(strict=True, reason=noise[query])
        rows.append(pytest.param(query, marks=marks, id=query[:60]))
    return rows


def assert_answers(query: str, slug: str, within: int) -> None:
    """The article the source concluded with comes within ``within``."""
    ranked = [r.slug for r in search(query)]
    assert slug in ranked[:within], ranked[:5]


def assert_no_answer(query: str) -> None:
    """A question no article answers gets no results rather than noise."""
    assert [r.slug for r in search(query)] == []


def assert_marks_name_rows(questions, no_answer, misses, noise) -> None:
    """A reason for a miss names a row that exists."""
    assert set(misses) <= {q for q, _slug, _within in questions}
    assert set(noise) <= set(no_answer)
