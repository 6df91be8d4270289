"""The diagnosis page's team parts (who may read it, notes, marks, sharing) as
one tag, so the page's own view and template need to know nothing of them."""

from django import template
from django.utils import timezone

from accounts.forms import NoteForm, ShareForm
from accounts.models import FindingMark
from analyzer.models import finding_titles

register = template.Library()

MARKABLE = 200  # findings offered in the mark form; a big report has thousands


@register.inclusion_tag("accounts/_diagnosis_tools.html", takes_context=True)
def diagnosis_tools(context, diagnosis):
    request = context["request"]
    shared = context.get("shared", False)
    user = request.user
    # The titles the page stored when the analysis ended, else the report's.
    titles = context.get("finding_titles")
    if titles is None:
        titles = finding_titles(diagnosis.report or {})
    marks = list(diagnosis.marks.select_related("by"))
    for mark in marks:
        found = titles[mark.finding - 1] if 0 < mark.finding <= len(titles) else ""
        mark.title = found or mark.code
    can_manage = not shared and diagnosis.can_manage(user)
    return {
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "diagnosis": diagnosis,
        "shared": shared,
        "can_manage": can_manage,
        "can_annotate": not shared and diagnosis.can_annotate(user),
        "notes": diagnosis.notes.select_related("author"),
        "marks": marks,
        "markable": [
            {"index": n, "title": title} for n, title in enumerate(titles[:MARKABLE], 1)
        ],
        "mark_choices": FindingMark.Mark.choices,
        "note_form": NoteForm(),
        "share_form": ShareForm(),
        "share_links": diagnosis.share_links.all() if can_manage else [],
        "now": timezone.now(),
    }
