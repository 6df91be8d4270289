"""The API's team side: a team's list, DELETE, and submitting into a team with a
token, visibility and expiry, as the OpenAPI document describes them."""

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import ApiToken
from analyzer.api import OPENAPI
from analyzer.models import Diagnosis
from tests.accounts.conftest import PASTE, client_for

pytestmark = pytest.mark.django_db

COLLECTION = "/api/v1/diagnoses"


def bearer(user) -> dict:
    _, token = ApiToken.issue(user, "test")
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_it_lists_a_teams_diagnoses_for_a_member(people, diagnoses):
    """Newest first, only what the member may read (not expired, not another's
    private one), each row as DiagnosisSummary says."""
    Diagnosis.objects.filter(id=diagnoses["link"].id).update(
        created=timezone.now() + timedelta(seconds=5)
    )
    response = Client().get(COLLECTION, {"team": "netops"}, **bearer(people["member"]))
    assert response.status_code == 200
    body = response.json()
    ids = [row["id"] for row in body["results"]]
    assert ids == [diagnoses["link"].id, diagnoses["team"].id]
    assert body["next"] is None
    schema = OPENAPI["components"]["schemas"]["DiagnosisSummary"]
    for row in body["results"]:
        assert set(schema["required"]) <= set(row) <= set(schema["properties"])
        assert row["owner"] == "owner"
    owners = Client().get(COLLECTION, {"team": "netops"}, **bearer(people["owner"]))
    assert diagnoses["private"].id in [r["id"] for r in owners.json()["results"]]


def test_it_pages_the_list_with_next(people):
    made = [
        Diagnosis.objects.create(
            input_text=PASTE,
            team=people["team"],
            visibility="team",
            created=timezone.now() - timedelta(minutes=n),
        )
        for n in range(5)
    ]
    auth = bearer(people["member"])
    url, seen = f"{COLLECTION}?team=netops&limit=2", []
    while url:
        body = Client().get(url, **auth).json()
        assert len(body["results"]) <= 2
        seen += [row["id"] for row in body["results"]]
        url = body["next"]
    assert seen == [d.id for d in made]


def test_it_filters_the_list_like_the_page(people, diagnoses):
    Diagnosis.objects.filter(id=diagnoses["team"].id).update(status="failed")
    body = (
        Client()
        .get(
            COLLECTION,
            {"team": "netops", "status": "failed"},
            **bearer(people["member"]),
        )
        .json()
    )
    assert [row["id"] for row in body["results"]] == [diagnoses["team"].id]


@pytest.mark.parametrize(
    ("who", "query", "status"),
    [
        ("anonymous", {"team": "netops"}, 401),
        ("outsider", {"team": "netops"}, 404),
        ("outsider", {"team": "nope"}, 404),
        ("member", {}, 400),
        ("member", {"team": "netops", "limit": "1000"}, 400),
        ("member", {"team": "netops", "status": "lost"}, 400),
        ("member", {"team": "netops", "before": "junk"}, 400),
    ],
)
def test_it_refuses_a_list_it_cannot_give(people, who, query, status):
    client = client_for(people, who)
    response = client.get(COLLECTION, query)
    assert response.status_code == status
    assert "error" in response.json()


@pytest.mark.parametrize(
    ("who", "kind", "status"),
    [
        ("anonymous", "team", 404),
        ("outsider", "team", 404),
        ("member", "team", 403),
        ("admin", "team", 204),
        ("owner", "team", 204),
        ("anonymous", "link", 403),
        ("admin", "private", 404),
        ("owner", "private", 204),
        ("owner", "expired", 404),
    ],
)
def test_it_deletes_for_the_owner_or_a_team_admin(people, diagnoses, who, kind, status):
    """204 and the row is gone for its owner or a team admin; a reader who may not
    is told 403; anyone who may not read it gets the unknown id's 404."""
    diagnosis = diagnoses[kind]
    auth = {} if who == "anonymous" else bearer(people[who])
    response = Client().delete(f"{COLLECTION}/{diagnosis.id}", **auth)
    assert response.status_code == status
    assert Diagnosis.objects.filter(id=diagnosis.id).exists() == (status != 204)
    if status == 404:
        unknown = Client().delete(f"{COLLECTION}/{'x' * 32}", **auth)
        assert response.json() == unknown.json()


def test_it_wants_the_csrf_token_to_delete_with_a_session(people, diagnoses):
    client = Client(enforce_csrf_checks=True)
    client.force_login(people["owner"])
    response = client.delete(f"{COLLECTION}/{diagnoses['team'].id}")
    assert response.status_code == 403
    assert Diagnosis.objects.filter(id=diagnoses["team"].id).exists()


def test_it_tells_the_team_visibility_and_expiry_of_a_diagnosis(people, diagnoses):
    body = (
        Client()
        .get(f"{COLLECTION}/{diagnoses['team'].id}", **bearer(people["member"]))
        .json()
    )
    assert (body["team"], body["owner"], body["visibility"], body["expires"]) == (
        "netops",
        "owner",
        "team",
        None,
    )


def test_it_submits_a_plain_body_into_a_team_with_query_parameters(people):
    response = Client().post(
        f"{COLLECTION}?team=netops&visibility=private&expires_in=7d&title=HQ",
        PASTE,
        content_type="text/plain",
        **bearer(people["member"]),
    )
    assert response.status_code == 202
    diagnosis = Diagnosis.objects.get(id=response.json()["id"])
    assert (diagnosis.team, diagnosis.visibility, diagnosis.title) == (
        people["team"],
        "private",
        "HQ",
    )
    left = diagnosis.expires - timezone.now()
    assert timedelta(days=6, hours=23) < left <= timedelta(days=7)


def test_it_submits_a_multipart_upload_into_a_team(people):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = Client().post(
        COLLECTION,
        {
            "files": [SimpleUploadedFile("isakmp.txt", PASTE.encode())],
            "team": "netops",
            "expires_in": "team",
        },
        **bearer(people["member"]),
    )
    assert response.status_code == 202
    diagnosis = Diagnosis.objects.get(id=response.json()["id"])
    assert (diagnosis.team, diagnosis.visibility) == (people["team"], "team")
    # The team's retention is 30 days unless set.
    assert timedelta(days=29) < diagnosis.expires - timezone.now()


def test_it_describes_every_field_it_takes_in_the_schema():
    post = OPENAPI["paths"]["/api/v1/diagnoses"]["post"]["requestBody"]["content"]
    for content_type in ("application/json", "multipart/form-data"):
        assert {"team", "visibility", "expires_in"} <= set(
            post[content_type]["schema"]["properties"]
        )
    schemas = OPENAPI["components"]["schemas"]
    assert schemas["Visibility"]["enum"] == ["team", "link", "private"]
    from accounts.models import EXPIRY_CHOICES, Visibility

    assert schemas["Visibility"]["enum"] == Visibility.values
    assert schemas["ExpiresIn"]["enum"] == [c[0] for c in EXPIRY_CHOICES]
    assert "bearerToken" in OPENAPI["components"]["securitySchemes"]
    submitted = json.dumps(OPENAPI["paths"]["/api/v1/diagnoses"]["get"])
    for name in ("team", "status", "severity", "peer", "q", "before", "limit"):
        assert f'"name": "{name}"' in submitted
