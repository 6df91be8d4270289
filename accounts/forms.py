from django import forms

from accounts.models import (
    EXPIRY_CHOICES,
    ApiToken,
    PlacementError,
    Team,
    Visibility,
    last_team,
    placement,
    teams_of,
)


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
