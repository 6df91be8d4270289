from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import (
    require_http_methods,
    require_POST,
    require_safe,
)

from accounts.forms import (
    LIST_FIELDS,
    NOTE_MAX,
    MarkForm,
    NoteForm,
    RenameForm,
    ShareForm,
    TeamFilterForm,
    TeamForm,
    TokenForm,
    VisibilityForm,
    cursor,
    filter_diagnoses,
)
from accounts.models import (
    ApiToken,
    FindingMark,
    Invite,
    Membership,
    Note,
    ShareLink,
    teams_of,
)
from analyzer.models import Diagnosis
from analyzer.views import diagnosis_page


class LoginView(auth_views.LoginView):
    """Django's sign-in, offering the single sign-on provider when there is one."""

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            sso=settings.OIDC_ENABLED, sso_name=settings.OIDC_PROVIDER_NAME, **kwargs
        )


def _account_page(request, form=None, new_token=None, team_form=None, status=200):
    ctx = {
        "team_form": team_form or TeamForm(),
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
    _annotate_rows(rows)
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
        "members": team.memberships.select_related("user").order_by("user__username"),
    }
    return render(request, "accounts/team.html", ctx)


def _annotate_rows(rows) -> None:
    """Each row's note count and root-cause marks: two queries for the page."""
    ids = [row.id for row in rows]
    counts = dict(
        Note.objects.filter(diagnosis_id__in=ids)
        .values("diagnosis_id")
        .annotate(n=Count("id"))
        .values_list("diagnosis_id", "n")
    )
    causes: dict[str, list] = {}
    for mark in FindingMark.objects.filter(
        diagnosis_id__in=ids, mark=FindingMark.Mark.ROOT_CAUSE
    ):
        causes.setdefault(mark.diagnosis_id, []).append(mark)
    for row in rows:
        row.note_count = counts.get(row.id, 0)
        row.root_causes = causes.get(row.id, [])


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


def _annotated(request, diagnosis_id):
    """The diagnosis, for a member of its team; a reader outside it is told 403,
    anyone else gets the unknown id's 404."""
    diagnosis = get_object_or_404(
        Diagnosis.objects.visible_to(request.user), id=diagnosis_id
    )
    if not diagnosis.can_annotate(request.user):
        raise PermissionDenied("Only the members of its team may.")
    return diagnosis


@require_POST
def add_note(request, diagnosis_id):
    diagnosis = _annotated(request, diagnosis_id)
    form = NoteForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(
            f"A note needs some text, at most {NOTE_MAX} characters."
        )
    note = Note.write(diagnosis, request.user, form.cleaned_data["body"])
    return redirect(f"{diagnosis.get_absolute_url()}#note-{note.id}")


@require_POST
def mark_finding(request, diagnosis_id):
    diagnosis = _annotated(request, diagnosis_id)
    form = MarkForm(request.POST)
    findings = (diagnosis.report or {}).get("findings") or []
    if not form.is_valid() or form.cleaned_data["finding"] > len(findings):
        return HttpResponseBadRequest("No such finding in this diagnosis.")
    number, mark = form.cleaned_data["finding"], form.cleaned_data["mark"]
    if mark:
        FindingMark.objects.update_or_create(
            diagnosis=diagnosis,
            finding=number,
            defaults={
                "mark": mark,
                "code": (findings[number - 1].get("code") or "")[:100],
                "by": request.user,
            },
        )
    else:
        FindingMark.objects.filter(diagnosis=diagnosis, finding=number).delete()
    return redirect(f"{diagnosis.get_absolute_url()}#notes")


@require_POST
def share(request, diagnosis_id):
    diagnosis = _managed(request, diagnosis_id)
    form = ShareForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(
            "Choose how long the link works: 1, 7 or 30 days."
        )
    if diagnosis.pending:
        return HttpResponseBadRequest("A link can be made once the analysis finished.")
    link, token = ShareLink.issue(
        diagnosis, request.user, form.cleaned_data["days"], form.cleaned_data["label"]
    )
    url = request.build_absolute_uri(reverse("accounts-shared", args=[token]))
    response = render(
        request,
        "accounts/share_made.html",
        {"diagnosis": diagnosis, "link": link, "url": url},
    )
    # Shown in this answer only; no cache keeps it.
    add_never_cache_headers(response)
    return response


@require_POST
def revoke_share(request, diagnosis_id, link_id):
    diagnosis = _managed(request, diagnosis_id)
    get_object_or_404(ShareLink, id=link_id, diagnosis=diagnosis).delete()
    return redirect(diagnosis)


@require_safe
def shared(request, token):
    """A diagnosis through a share link: read-only, for anyone holding it, until
    the link or the diagnosis expires or the link is revoked."""
    diagnosis = ShareLink.diagnosis_for(token)
    if diagnosis is None:
        raise Http404("No diagnosis is shared by this link.")
    return diagnosis_page(request, diagnosis, shared=True)


# Teams: made by any signed-in user, who becomes its first admin; members join by
# a single-use invite, leave, or are removed by an admin.


def _team_for(request, slug, admin=False):
    team = get_object_or_404(teams_of(request.user), slug=slug)
    if admin and team.role_of(request.user) != Membership.Role.ADMIN:
        raise PermissionDenied("Only the team's admins may.")
    return team


@require_POST
@login_required
def create_team(request):
    form = TeamForm(request.POST)
    if not form.is_valid():
        return _account_page(request, team_form=form, status=400)
    with transaction.atomic():
        team = form.save()
        Membership.objects.create(
            team=team, user=request.user, role=Membership.Role.ADMIN
        )
    return redirect(team)


@require_POST
@login_required
def invite(request, slug):
    team = _team_for(request, slug, admin=True)
    invitation, token = Invite.issue(team, request.user)
    url = request.build_absolute_uri(reverse("accounts-join", args=[token]))
    response = render(
        request,
        "accounts/invite_made.html",
        {"team": team, "invite": invitation, "url": url},
    )
    add_never_cache_headers(response)
    return response


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def join(request, token):
    invitation = Invite.open(token)
    if invitation is None:
        return render(request, "accounts/invite_gone.html", status=404)
    team = invitation.team
    if team.role_of(request.user):
        # Already in: the invite stays for whoever it was meant for.
        return redirect(team)
    if request.method != "POST":
        return render(request, "accounts/join.html", {"team": team})
    if not invitation.accept(request.user):
        return render(request, "accounts/invite_gone.html", status=404)
    return redirect(team)


@require_POST
@login_required
def leave(request, slug):
    team = _team_for(request, slug)
    membership = team.memberships.get(user=request.user)
    admins = team.memberships.filter(role=Membership.Role.ADMIN)
    if (
        membership.role == Membership.Role.ADMIN
        and admins.count() == 1
        and team.memberships.count() > 1
    ):
        return HttpResponseBadRequest(
            "You are the team's only admin: make another member admin first."
        )
    membership.delete()
    return redirect("accounts-home")


@require_POST
@login_required
def remove_member(request, slug, user_id):
    team = _team_for(request, slug, admin=True)
    membership = get_object_or_404(team.memberships, user_id=user_id)
    if membership.user_id == request.user.pk:
        return HttpResponseBadRequest("To leave the team, use Leave.")
    membership.delete()
    return redirect(team)


@require_POST
@login_required
def make_admin(request, slug, user_id):
    team = _team_for(request, slug, admin=True)
    team.memberships.filter(user_id=user_id).update(role=Membership.Role.ADMIN)
    return redirect(team)
