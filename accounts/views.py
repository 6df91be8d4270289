from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import (
    require_http_methods,
    require_POST,
    require_safe,
)

from accounts.forms import (
    LIST_FIELDS,
    RenameForm,
    TeamFilterForm,
    TokenForm,
    VisibilityForm,
    cursor,
    filter_diagnoses,
)
from accounts.models import ApiToken, teams_of
from analyzer.models import Diagnosis


def _account_page(request, form=None, new_token=None, status=200):
    ctx = {
        "memberships": request.user.memberships.select_related("team").order_by(
            "team__name"
        ),
        "tokens": request.user.api_tokens.all(),
        "form": form or TokenForm(),
        "new_token": new_token,
    }
    response = render(request, "accounts/account.html", ctx, status=status)
    # The page may show a token once; no cache keeps a copy of it.
    add_never_cache_headers(response)
    return response


@require_safe
@login_required
def account(request):
    return _account_page(request)


@require_POST
@login_required
def create_token(request):
    form = TokenForm(request.POST)
    if not form.is_valid():
        return _account_page(request, form=form, status=400)
    token, secret = ApiToken.issue(request.user, form.cleaned_data["name"])
    # Shown in this answer only: a redirect would have to carry it somewhere.
    return _account_page(request, new_token={"row": token, "secret": secret})


@require_POST
@login_required
def revoke_token(request, token_id):
    token = get_object_or_404(ApiToken, id=token_id, user=request.user)
    token.delete()
    return redirect("accounts-home")


PAGE_SIZE = 50


@require_safe
@login_required
def team(request, slug):
    # Outsiders get the 404 an unknown team gets.
    team = get_object_or_404(teams_of(request.user), slug=slug)
    form = TeamFilterForm(request.GET)
    if not form.is_valid():
        return HttpResponseBadRequest("The filters could not be read.")
    rows = filter_diagnoses(
        Diagnosis.objects.visible_to(request.user).filter(team=team),
        form.cleaned_data,
    )
    rows = list(rows.select_related("owner").only(*LIST_FIELDS)[: PAGE_SIZE + 1])
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    ctx = {
        "team": team,
        "form": form,
        "diagnoses": rows,
        "filtered": any(
            form.cleaned_data.get(f) for f in ("status", "severity", "peer", "q")
        ),
        "older": _page_url(request, cursor(rows[-1])) if more else None,
        "newest": _page_url(request, None) if form.cleaned_data.get("before") else None,
        "role": team.role_of(request.user),
    }
    return render(request, "accounts/team.html", ctx)


def _page_url(request, before):
    query = request.GET.copy()
    query.pop("before", None)
    if before:
        query["before"] = before
    return f"{request.path}?{query.urlencode()}" if query else request.path


def _managed(request, diagnosis_id):
    """The diagnosis, for its owner or an admin of its team. A reader who may
    not change it is told so (403); anyone else gets the unknown id's 404."""
    diagnosis = get_object_or_404(
        Diagnosis.objects.visible_to(request.user), id=diagnosis_id
    )
    if not diagnosis.can_manage(request.user):
        raise PermissionDenied("Only its owner or an admin of its team may.")
    return diagnosis


@require_POST
def rename(request, diagnosis_id):
    diagnosis = _managed(request, diagnosis_id)
    form = RenameForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest("The title is at most 200 characters.")
    diagnosis.rename(form.cleaned_data["title"])
    return redirect(diagnosis)


@require_POST
def change_visibility(request, diagnosis_id):
    diagnosis = _managed(request, diagnosis_id)
    form = VisibilityForm(diagnosis, request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(" ".join(form.errors["visibility"]))
    Diagnosis.objects.filter(id=diagnosis.id).update(
        visibility=form.cleaned_data["visibility"]
    )
    return redirect(diagnosis)


@require_http_methods(["GET", "HEAD", "POST"])
def delete(request, diagnosis_id):
    diagnosis = _managed(request, diagnosis_id)
    if request.method != "POST":
        return render(request, "accounts/delete.html", {"diagnosis": diagnosis})
    team = diagnosis.team
    # The row holds the paste: deleting it removes both.
    diagnosis.delete()
    return redirect(team if team else "analyzer-analyze")
