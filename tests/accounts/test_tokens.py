"""Personal API tokens: made and revoked on the account page, stored hashed,
shown once, and accepted as ``Authorization: Bearer`` on the API."""

import hashlib
import json
import re

import pytest
from django.test import Client

from accounts.models import ApiToken
from tests.accounts.conftest import PASTE, client_for

pytestmark = pytest.mark.django_db


def make_token(client, name="ci") -> str:
    response = client.post("/accounts/tokens/", {"name": name})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    return re.search(r'id="new-token">(tsh_[\w-]+)<', response.content.decode())[1]


def test_it_shows_a_new_token_once_and_keeps_only_its_hash(people):
    client = client_for(people, "member")
    token = make_token(client, "monitoring")
    row = ApiToken.objects.get()
    assert row.name == "monitoring" and row.user == people["member"]
    assert row.digest == hashlib.sha256(token.encode()).hexdigest()
    assert token not in json.dumps(list(ApiToken.objects.values()), default=str)
    page = client.get("/accounts/").content.decode()
    assert "monitoring" in page and row.hint in page and token not in page


def test_it_refuses_a_token_without_a_name(people):
    response = client_for(people, "member").post("/accounts/tokens/", {"name": ""})
    assert response.status_code == 400
    assert not ApiToken.objects.exists()


def test_it_reads_a_team_diagnosis_with_a_members_token(people, diagnoses):
    token = make_token(client_for(people, "member"))
    api = Client()
    url = f"/api/v1/diagnoses/{diagnoses['team'].id}"
    assert api.get(url).status_code == 404
    response = api.get(url, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200 and response.json()["id"] == diagnoses["team"].id
    assert ApiToken.objects.get().last_used is not None


def test_it_answers_401_to_a_revoked_or_wrong_token(people, diagnoses):
    member = client_for(people, "member")
    token = make_token(member)
    url = f"/api/v1/diagnoses/{diagnoses['link'].id}"
    response = member.post(f"/accounts/tokens/{ApiToken.objects.get().id}/revoke")
    assert response.status_code == 302
    assert not ApiToken.objects.exists()
    for header in (f"Bearer {token}", "Bearer tsh_made-up", "Basic YTpi"):
        response = Client().get(url, HTTP_AUTHORIZATION=header)
        assert response.status_code == 401, header
        assert response["WWW-Authenticate"].startswith("Bearer")
        assert "error" in response.json()


def test_it_lets_only_the_owner_revoke_a_token(people):
    make_token(client_for(people, "member"))
    token = ApiToken.objects.get()
    response = client_for(people, "outsider").post(
        f"/accounts/tokens/{token.id}/revoke"
    )
    assert response.status_code == 404
    assert ApiToken.objects.filter(id=token.id).exists()


def test_it_submits_into_a_team_with_a_token(people):
    """A script with a member's token submits into the team; the diagnosis is
    the member's, with the team's default visibility."""
    token = make_token(client_for(people, "member"))
    response = Client(enforce_csrf_checks=True).post(
        "/api/v1/diagnoses",
        json.dumps({"text": PASTE, "team": "netops"}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 202
    from analyzer.models import Diagnosis

    diagnosis = Diagnosis.objects.get(id=response.json()["id"])
    assert (diagnosis.owner, diagnosis.team, diagnosis.visibility) == (
        people["member"],
        people["team"],
        "team",
    )


def test_it_wants_the_csrf_token_when_the_api_is_called_with_a_session(people):
    """A browser session changing something through the API needs the CSRF token,
    as a form would: another site cannot submit or delete as the user."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(people["member"])
    response = client.post(
        "/api/v1/diagnoses",
        json.dumps({"text": PASTE}),
        content_type="application/json",
    )
    assert response.status_code == 403
    assert "error" in response.json()
    # Anonymous API calls stay free of it (nothing of a session to protect).
    response = Client(enforce_csrf_checks=True).post(
        "/api/v1/diagnoses",
        json.dumps({"text": PASTE}),
        content_type="application/json",
    )
    assert response.status_code == 202
