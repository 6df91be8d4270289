from django import forms
from django.db.models import Q
from django.utils.dateparse import parse_datetime

from accounts.models import (
    EXPIRY_CHOICES,
    ApiToken,
    FindingMark,
    PlacementError,
    Team,
    Visibility,
    last_team,
    placement,
    teams_of,
)
from analyzer.models import SEVERITY_ORDER, Diagnosis, DiagnosisPeer


class TokenForm(forms.ModelForm):
    class Meta:
        model = ApiToken
        fields = ["name"]
        widgets = {
            "name": forms.TextInput(attrs={"placeholder": "e.g. monitoring script"})
        }
        labels = {"name": "Name"}


class SubmitOptionsForm(forms.Form):
    """Where a signed-in user's paste goes: the team, who may read it, how long
    it is kept. Blank choices take the team's defaults."""

    team = forms.ModelChoiceField(
        queryset=Team.objects.none(),
        required=False,
        empty_label="No team: only you, or whoever you give the link",
    )
    visibility = forms.ChoiceField(
        choices=[("", "The team's default")] + Visibility.choices,
        required=False,
        label="Who may read it",
    )
    expires_in = forms.ChoiceField(
        choices=[("", "The team's retention (or the site's)")]
        + [c for c in EXPIRY_CHOICES if c[0] != "team"],
        required=False,
        label="Keep it for",
    )

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["team"].queryset = teams_of(user)
        if not self.is_bound:
            self.fields["team"].initial = last_team(user)

    def clean(self):
        data = super().clean()
        try:
            data["placement"] = placement(
                self.user,
                team=data.get("team"),
                visibility=data.get("visibility", ""),
                expiry=data.get("expires_in", ""),
            )
        except PlacementError as exc:
            raise forms.ValidationError(str(exc)) from exc
        return data


class RenameForm(forms.Form):
    title = forms.CharField(
        max_length=200, required=False, help_text="Blank: named after the top finding."
    )


class VisibilityForm(forms.Form):
    visibility = forms.ChoiceField(choices=Visibility.choices, label="Who may read it")

    def __init__(self, diagnosis, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.diagnosis = diagnosis
        if diagnosis.team_id is None:
            self.fields["visibility"].choices = [
                c for c in Visibility.choices if c[0] != Visibility.TEAM
            ]

    def clean_visibility(self):
        visibility = self.cleaned_data["visibility"]
        if visibility == Visibility.TEAM and self.diagnosis.team_id is None:
            raise forms.ValidationError("It is in no team; choose link or private.")
        return visibility


class TeamFilterForm(forms.Form):
    """The team page's filters and search (GET); every field may be blank."""

    status = forms.ChoiceField(
        choices=[("", "Any status"), *Diagnosis.Status.choices], required=False
    )
    severity = forms.ChoiceField(
        choices=[("", "Any severity"), *[(s, s.capitalize()) for s in SEVERITY_ORDER]],
        required=False,
        label="Top finding",
    )
    peer = forms.CharField(
        max_length=45,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "203.0.113.50"}),
    )
    q = forms.CharField(
        max_length=100,
        required=False,
        label="Search",
        widget=forms.TextInput(
            attrs={"placeholder": "title, peer or finding code", "type": "search"}
        ),
    )
    before = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean_before(self):
        return parse_cursor(self.cleaned_data["before"])


def cursor(diagnosis) -> str:
    """Where the next page starts: the last row's time and id (ids break ties)."""
    return f"{diagnosis.created.isoformat()}~{diagnosis.id}"


def parse_cursor(value: str):
    if not value:
        return None
    created, _, diagnosis_id = value.partition("~")
    moment = parse_datetime(created)
    if moment is None or not diagnosis_id:
        raise forms.ValidationError("Not a page of this list.")
    return moment, diagnosis_id


# What a row of a list shows (the team's page, the API); the report and the
# paste are never loaded.
LIST_FIELDS = (
    "id",
    "title",
    "status",
    "created",
    "expires",
    "visibility",
    "top_severity",
    "top_code",
    "verdict",
    "peers",
    "owner__username",
)


def filter_diagnoses(diagnoses, data: dict):
    """The rows a team page or the API lists for these (clean) filters, newest
    first, from the ``before`` cursor on."""
    if data.get("status"):
        diagnoses = diagnoses.filter(status=data["status"])
    if data.get("severity"):
        diagnoses = diagnoses.filter(top_severity=data["severity"])
    if data.get("peer"):
        diagnoses = diagnoses.filter(
            id__in=DiagnosisPeer.objects.filter(address=data["peer"]).values(
                "diagnosis_id"
            )
        )
    if data.get("q"):
        q = data["q"]
        diagnoses = diagnoses.filter(
            Q(title__icontains=q) | Q(peers__icontains=q) | Q(codes__icontains=q)
        )
    if data.get("before"):
        created, diagnosis_id = data["before"]
        # One range on the index (created <= the cursor) less the rows at the
        # cursor's own time already shown; an OR of the two would not use it.
        diagnoses = diagnoses.filter(created__lte=created).exclude(
            created=created, id__gte=diagnosis_id
        )
    return diagnoses.order_by("-created", "-id")


NOTE_MAX = 10_000


class NoteForm(forms.Form):
    body = forms.CharField(
        max_length=NOTE_MAX,
        label="Add a note",
        strip=True,
        widget=forms.Textarea(
            attrs={
                "rows": 4,
                "placeholder": "Markdown: `code`, *emphasis*, lists, links",
            }
        ),
    )


class MarkForm(forms.Form):
    finding = forms.IntegerField(min_value=1)
    mark = forms.ChoiceField(
        choices=[("", "No mark"), *FindingMark.Mark.choices], required=False
    )


SHARE_DAYS = [(1, "1 day"), (7, "1 week"), (30, "30 days")]


class ShareForm(forms.Form):
    label = forms.CharField(
        max_length=100,
        required=False,
        label="For whom",
        widget=forms.TextInput(attrs={"placeholder": "e.g. Cisco TAC case 6912345"}),
    )
    days = forms.TypedChoiceField(
        choices=SHARE_DAYS, coerce=int, initial=7, label="Works for"
    )


class TeamForm(forms.ModelForm):
    # /teams/join/<token>/ is an invitation, not a team.
    RESERVED = {"join"}

    class Meta:
        model = Team
        fields = ["name", "slug", "default_visibility", "retention_days"]
        labels = {
            "slug": "Short name (in its address)",
            "retention_days": "Keep diagnoses for (days; 0: until deleted)",
        }

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        if slug in self.RESERVED:
            raise forms.ValidationError("This short name is taken; choose another.")
        return slug
