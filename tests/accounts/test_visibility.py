"""Who may read a diagnosis, on every path that shows one.

Real requests through the test client: each person in turn asks for each kind of
diagnosis on the page, the htmx status fragment, the raw download and the API.
Whoever may not read it must get exactly what an id that never existed gets."""

import re

import pytest

from tests.accounts.conftest import client_for

pytestmark = pytest.mark.django_db

PEOPLE = ("anonymous", "outsider", "member", "admin", "owner")
# Who reads each kind; everyone else gets the unknown id's answer.
READERS = {
    "team": {"member", "admin", "owner"},
    "link": set(PEOPLE),
    "private": {"owner"},
    "expired": set(),
}
PATHS = {
    "page": ("/d/{id}/", {}),
    "fragment": ("/d/{id}/", {"HTTP_HX_REQUEST": "true"}),
    "raw": ("/d/{id}/raw", {}),
    "api": ("/api/v1/diagnoses/{id}", {}),
}
UNKNOWN = "x" * 32


def answer(client, path: str, diagnosis_id: str):
    url, headers = PATHS[path]
    response = client.get(url.format(id=diagnosis_id), **headers)
    # The CSRF token is masked afresh in every response; nothing else may differ.
    body = re.sub(rb'"X-CSRFToken": "[^"]+"', b"", response.content)
    body = re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", body)
    return response.status_code, body, response.get("Content-Type")


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("kind", READERS)
@pytest.mark.parametrize("who", PEOPLE)
def test_it_shows_a_diagnosis_only_to_its_readers(people, diagnoses, who, kind, path):
    """A reader gets the diagnosis; anyone else gets what an unknown id gets."""
    client = client_for(people, who)
    diagnosis = diagnoses[kind]
    status, body, content_type = answer(client, path, diagnosis.id)
    if who in READERS[kind]:
        assert status == 200
        if path == "raw":
            assert body.decode() == diagnosis.input_text
        else:
            assert diagnosis.id.encode() in body
    else:
        # The sign-in link's ?next= echoes the address asked for, and only that.
        echoed = body.replace(diagnosis.id.encode(), UNKNOWN.encode())
        assert (status, echoed, content_type) == answer(client, path, UNKNOWN)
        assert status in (404, 286)
        assert b"203.0.113.50" not in body  # nothing of the paste


@pytest.mark.parametrize("who", PEOPLE)
def test_it_tells_an_outsider_nothing_through_a_conditional_request(
    people, diagnoses, who
):
    """The raw download's ETag is the id: a reader who may not see the paste and
    sends If-None-Match gets the 404, not a 304 that would confirm it exists."""
    client = client_for(people, who)
    for kind, diagnosis in diagnoses.items():
        response = client.get(
            f"/d/{diagnosis.id}/raw", HTTP_IF_NONE_MATCH=f'"{diagnosis.id}"'
        )
        expected = 304 if who in READERS[kind] else 404
        assert response.status_code == expected, (who, kind)


def test_it_lets_the_owner_read_a_team_diagnosis_after_leaving_the_team(
    people, diagnoses
):
    """The owner keeps their own diagnoses; the team's members lose nothing."""
    people["team"].memberships.filter(user=people["owner"]).delete()
    assert (
        client_for(people, "owner").get(f"/d/{diagnoses['team'].id}/").status_code
        == 200
    )
    assert (
        client_for(people, "member").get(f"/d/{diagnoses['team'].id}/").status_code
        == 200
    )


def test_it_stops_showing_a_team_diagnosis_to_someone_who_left(people, diagnoses):
    """Membership is read on every request: a member who leaves loses access."""
    client = client_for(people, "member")
    url = f"/d/{diagnoses['team'].id}/"
    assert client.get(url).status_code == 200
    people["team"].memberships.filter(user=people["member"]).delete()
    assert client.get(url).status_code == 404


# The other paths, as the same five people and the holder of a share link.
LISTERS = {
    # Who finds it in the team's list (page and API).
    "team": {"member", "admin", "owner"},
    "link": {"member", "admin", "owner"},
    "private": {"owner"},
    "expired": set(),
}
DELETERS = {"team": {"admin", "owner"}, "link": {"admin", "owner"}}
WRITERS = {"member", "admin", "owner"}  # notes, on what they can read


@pytest.mark.parametrize("kind", READERS)
@pytest.mark.parametrize("who", PEOPLE)
def test_it_lists_a_diagnosis_only_to_its_team_readers(people, diagnoses, who, kind):
    diagnosis = diagnoses[kind]
    client = client_for(people, who)
    page = client.get("/teams/netops/")
    api = client.get("/api/v1/diagnoses", {"team": "netops"})
    if who == "anonymous":
        assert page.status_code == 302 and api.status_code == 401
    elif who == "outsider":
        assert page.status_code == 404 and api.status_code == 404
    else:
        listed = {row["id"] for row in api.json()["results"]}
        assert (diagnosis.id in listed) == (who in LISTERS[kind])
        assert (diagnosis.get_absolute_url() in page.content.decode()) == (
            who in LISTERS[kind]
        )


@pytest.mark.parametrize("kind", READERS)
@pytest.mark.parametrize("who", PEOPLE)
def test_it_takes_notes_and_deletes_only_from_those_allowed(
    people, diagnoses, who, kind
):
    diagnosis = diagnoses[kind]
    client = client_for(people, who)
    note = client.post(f"/d/{diagnosis.id}/notes", {"body": "seen"})
    writes = who in WRITERS and who in READERS[kind]
    assert note.status_code == (302 if writes else 403 if who in READERS[kind] else 404)
    deleted = client.delete(f"/api/v1/diagnoses/{diagnosis.id}")
    if who in READERS[kind] and (who in DELETERS.get(kind, ()) or kind == "private"):
        assert deleted.status_code == 204
    else:
        assert deleted.status_code == (403 if who in READERS[kind] else 404)


@pytest.mark.parametrize("kind", READERS)
def test_it_shows_a_shared_diagnosis_through_its_link_and_nothing_else(
    people, diagnoses, kind
):
    """The holder of a share link reads that diagnosis on the link's page only:
    its permalink, fragment, raw download and API stay as for anyone outside;
    an expired diagnosis is gone behind the link too."""
    from django.test import Client

    from accounts.models import ShareLink

    diagnosis = diagnoses[kind]
    _, token = ShareLink.issue(diagnosis, people["owner"], days=7)
    holder = Client()
    shown = holder.get(f"/s/{token}/")
    assert shown.status_code == (404 if kind == "expired" else 200)
    for path in PATHS:
        status, _, _ = answer(holder, path, diagnosis.id)
        readable = "anonymous" in READERS[kind]
        assert (status == 200) == readable, path
    assert holder.post(f"/d/{diagnosis.id}/notes", {"body": "x"}).status_code in (
        403,
        404,
    )
