"""Submitting signed in: the team, who may read it and how long it is kept;
anonymous submissions stay `link`, and ALLOW_ANONYMOUS off needs an account."""

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from analyzer.models import Diagnosis
from tests.accounts.conftest import PASTE, client_for

pytestmark = pytest.mark.django_db


def submit(client, **fields):
    return client.post("/analyze/", {"text": PASTE, **fields})


def test_it_submits_anonymously_as_link(people):
    response = submit(Client())
    assert response.status_code == 303
    diagnosis = Diagnosis.objects.get()
    assert (diagnosis.owner, diagnosis.team, diagnosis.visibility) == (
        None,
        None,
        "link",
    )
    assert diagnosis.expires is None


def test_it_offers_a_signed_in_user_their_teams_only(people):
    html = client_for(people, "owner").get("/analyze/").content.decode()
    assert "Network operations" in html and "Mail" not in html
    assert 'name="visibility"' in html and 'name="expires_in"' in html
    assert 'name="team"' not in Client().get("/analyze/").content.decode()


def test_it_takes_the_teams_default_visibility_and_retention(people):
    team = people["team"]
    team.default_visibility, team.retention_days = "private", 7
    team.save()
    before = timezone.now()
    submit(client_for(people, "member"), team=team.pk)
    diagnosis = Diagnosis.objects.get()
    assert (diagnosis.owner, diagnosis.team, diagnosis.visibility) == (
        people["member"],
        team,
        "private",
    )
    assert before + timedelta(days=7) <= diagnosis.expires
    assert diagnosis.expires <= timezone.now() + timedelta(days=7)


def test_it_remembers_the_team_submitted_into_last(people):
    from accounts.models import Membership, Team

    second = Team.objects.create(name="Branch offices", slug="branches")
    Membership.objects.create(team=second, user=people["member"])
    client = client_for(people, "member")
    submit(client, team=second.pk)
    html = client.get("/analyze/").content.decode()
    assert f'<option value="{second.pk}" selected>' in html
    submit(client, team=people["team"].pk)
    html = client.get("/analyze/").content.decode()
    assert f'<option value="{people["team"].pk}" selected>' in html


def test_it_keeps_the_chosen_visibility_and_expiry(people):
    submit(
        client_for(people, "member"),
        team=people["team"].pk,
        visibility="link",
        expires_in="1d",
    )
    diagnosis = Diagnosis.objects.get()
    assert diagnosis.visibility == "link"
    assert timedelta(hours=23) < diagnosis.expires - timezone.now() <= timedelta(days=1)


def test_it_refuses_another_teams_or_an_impossible_choice(people):
    """A team the user is not in, or `team` visibility with no team: the form
    again with a message, nothing stored."""
    client = client_for(people, "member")
    response = submit(client, team=people["other"].pk)
    assert response.status_code == 400
    response = submit(client, visibility="team")
    assert response.status_code == 400
    assert "needs a team" in response.content.decode()
    assert not Diagnosis.objects.exists()


def test_it_needs_an_account_to_submit_when_anonymous_is_off(people, settings):
    settings.ALLOW_ANONYMOUS = False
    response = submit(Client())
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/analyze/")
    response = Client().post(
        "/api/v1/diagnoses",
        json.dumps({"text": PASTE}),
        content_type="application/json",
    )
    assert response.status_code == 401 and "token" in response.json()["error"]
    assert not Diagnosis.objects.exists()
    assert submit(client_for(people, "member")).status_code == 303
    # Reading a link diagnosis never needs one.
    diagnosis = Diagnosis.objects.get()
    assert Client().get(f"/d/{diagnosis.id}/").status_code == 200


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"team": "mail"}, 'no team "mail"'),
        ({"team": "nope"}, 'no team "nope"'),
        ({"visibility": "public"}, "visibility must be one of"),
        ({"expires_in": "1y"}, "expires_in must be one of"),
        ({"team": 3}, '"team" must be a string'),
    ],
)
def test_it_answers_400_to_a_placement_the_api_cannot_take(people, body, message):
    client = client_for(people, "member")
    response = client.post(
        "/api/v1/diagnoses",
        json.dumps({"text": PASTE, **body}),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert message in response.json()["error"]


def test_it_refuses_a_team_to_an_anonymous_api_call(people):
    response = Client().post(
        "/api/v1/diagnoses",
        json.dumps({"text": PASTE, "visibility": "private"}),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "Sign in" in response.json()["error"]
