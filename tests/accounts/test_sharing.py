"""Read-only share links for people outside the team, and what a chat preview
and a search engine see of a diagnosis."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import ShareLink
from analyzer.tasks import analyze_diagnosis
from tests.accounts.conftest import client_for

pytestmark = pytest.mark.django_db


def make_link(people, diagnosis, who="owner", days=7) -> str:
    response = client_for(people, who).post(
        f"/d/{diagnosis.id}/shares", {"label": "Cisco TAC", "days": days}
    )
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    return re.search(
        r'id="share-url">http://testserver(/s/[^<]+/)<', response.content.decode()
    )[1]


def finished(diagnosis):
    analyze_diagnosis(diagnosis.id)
    diagnosis.refresh_from_db()
    return diagnosis


@pytest.mark.parametrize("kind", ["team", "private", "link"])
def test_it_shows_a_shared_diagnosis_to_anyone_with_the_link_only(
    people, diagnoses, kind
):
    """The share link reads the diagnosis whatever its visibility; the permalink
    stays closed to the same outsider, and the diagnosis does not become link."""
    diagnosis = finished(diagnoses[kind])
    url = make_link(people, diagnosis)
    vendor = Client()
    page = vendor.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "MM_WAIT_MSG4" in html and "Shared with you by a read-only link" in html
    assert "/rename" not in html and "/notes" not in html and "/shares" not in html
    assert f"http://testserver{url}" in html  # the address to copy is the share's
    if kind != "link":
        assert vendor.get(f"/d/{diagnosis.id}/").status_code == 404
    diagnosis.refresh_from_db()
    assert diagnosis.visibility == kind
    assert ShareLink.objects.get().digest not in html


def test_it_stops_a_revoked_or_expired_link(people, diagnoses):
    diagnosis = finished(diagnoses["team"])
    url = make_link(people, diagnosis)
    assert Client().get(url).status_code == 200
    ShareLink.objects.update(expires=timezone.now() - timedelta(seconds=1))
    assert Client().get(url).status_code == 404
    url = make_link(people, diagnosis)
    link = ShareLink.objects.latest("created")
    response = client_for(people, "owner").post(
        f"/d/{diagnosis.id}/shares/{link.id}/revoke"
    )
    assert response.status_code == 302
    assert Client().get(url).status_code == 404
    assert Client().get("/s/shr_made-up/").status_code == 404


def test_it_stops_a_link_to_an_expired_diagnosis(people, diagnoses):
    diagnosis = finished(diagnoses["team"])
    url = make_link(people, diagnosis)
    type(diagnosis).objects.filter(id=diagnosis.id).update(
        expires=timezone.now() - timedelta(seconds=1)
    )
    assert Client().get(url).status_code == 404


@pytest.mark.parametrize(("who", "status"), [("member", 403), ("outsider", 404)])
def test_it_lets_only_owner_or_admin_make_links(people, diagnoses, who, status):
    diagnosis = finished(diagnoses["team"])
    response = client_for(people, who).post(f"/d/{diagnosis.id}/shares", {"days": 7})
    assert response.status_code == status
    assert not ShareLink.objects.exists()


def test_it_puts_noindex_on_every_diagnosis_page(people, diagnoses):
    diagnosis = finished(diagnoses["team"])
    for client, url in (
        (client_for(people, "member"), f"/d/{diagnosis.id}/"),
        (Client(), make_link(people, diagnosis)),
        (Client(), f"/d/{finished(diagnoses['link']).id}/"),
    ):
        response = client.get(url)
        assert (
            '<meta name="robots" content="noindex, nofollow">'
            in response.content.decode()
        )
        assert "noindex" in response["X-Robots-Tag"]


def test_it_gives_chat_previews_the_verdict_of_link_diagnoses_only(people, diagnoses):
    link = finished(diagnoses["link"])
    html = Client().get(f"/d/{link.id}/").content.decode()
    assert '<meta property="og:title" content="MM_WAIT_MSG4 with 203.0.113.50">' in html
    assert (
        '<meta property="og:description" content="MM_WAIT_MSG4 with peer 203.0.113.50">'
        in html
    )
    assert f'<meta property="og:url" content="http://testserver/d/{link.id}/">' in html
    for kind in ("team", "private"):
        diagnosis = finished(diagnoses[kind])
        html = client_for(people, "owner").get(f"/d/{diagnosis.id}/").content.decode()
        metas = re.findall(r'<meta property="og:[^>]+>', html)
        assert metas == [
            '<meta property="og:site_name" content="tshoot">',
            '<meta property="og:title" content="tshoot">',
        ]
    shared = (
        Client().get(make_link(people, finished(diagnoses["team"]))).content.decode()
    )
    assert "og:description" not in shared
