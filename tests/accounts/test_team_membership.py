"""Making a team, inviting by a single-use link that expires, leaving, and an
admin removing members."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from accounts.models import Invite, Membership, Team
from tests.accounts.conftest import client_for

pytestmark = pytest.mark.django_db


def invite_url(people, who="admin") -> str:
    response = client_for(people, who).post("/teams/netops/invites")
    assert response.status_code == 200
    return re.search(
        r'id="invite-url">http://testserver(/teams/join/[^<]+/)<',
        response.content.decode(),
    )[1]


def newcomer(name="newcomer"):
    from django.test import Client

    client = Client()
    client.force_login(User.objects.create_user(name))
    return client


def test_it_makes_a_team_with_its_maker_as_admin(people):
    client = client_for(people, "outsider")
    response = client.post(
        "/teams/",
        {
            "name": "Firewall team",
            "slug": "fw",
            "default_visibility": "team",
            "retention_days": 14,
        },
    )
    assert response.status_code == 302 and response["Location"] == "/teams/fw/"
    team = Team.objects.get(slug="fw")
    assert team.role_of(people["outsider"]) == "admin"
    taken = client.post(
        "/teams/",
        {
            "name": "Again",
            "slug": "fw",
            "default_visibility": "team",
            "retention_days": 1,
        },
    )
    assert taken.status_code == 400


def test_it_adds_whoever_follows_an_invite_once(people):
    url = invite_url(people)
    assert Invite.objects.get().digest not in url
    first = newcomer("first")
    page = first.get(url)
    assert (
        page.status_code == 200 and "Join Network operations?" in page.content.decode()
    )
    assert first.post(url)["Location"] == "/teams/netops/"
    assert Membership.objects.filter(
        team__slug="netops", user__username="first"
    ).exists()
    second = newcomer("second")
    assert second.get(url).status_code == 404
    assert second.post(url).status_code == 404
    assert not Membership.objects.filter(user__username="second").exists()


def test_it_refuses_an_expired_invite(people):
    url = invite_url(people)
    Invite.objects.update(expires=timezone.now() - timedelta(seconds=1))
    client = newcomer()
    assert client.post(url).status_code == 404
    assert not Membership.objects.filter(user__username="newcomer").exists()


def test_it_asks_an_anonymous_visitor_to_sign_in_first(people):
    from django.test import Client

    url = invite_url(people)
    response = Client().get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert Invite.objects.get().used is None


@pytest.mark.parametrize(("who", "status"), [("member", 403), ("outsider", 404)])
def test_it_lets_only_admins_invite(people, who, status):
    assert client_for(people, who).post("/teams/netops/invites").status_code == status
    assert not Invite.objects.exists()


def test_it_lets_a_member_leave(people):
    client = client_for(people, "member")
    assert client.post("/teams/netops/leave").status_code == 302
    assert people["team"].role_of(people["member"]) is None
    assert client.get("/teams/netops/").status_code == 404


def test_it_keeps_the_last_admin_until_another_is_named(people):
    response = client_for(people, "admin").post("/teams/netops/leave")
    assert response.status_code == 400
    assert people["team"].role_of(people["admin"]) == "admin"


def test_it_lets_an_admin_remove_a_member(people):
    member = people["member"]
    response = client_for(people, "member").post(
        f"/teams/netops/members/{people['owner'].pk}/remove"
    )
    assert response.status_code == 403
    response = client_for(people, "admin").post(
        f"/teams/netops/members/{member.pk}/remove"
    )
    assert response.status_code == 302
    assert people["team"].role_of(member) is None
    html = client_for(people, "admin").get("/teams/netops/").content.decode()
    assert "member</li>" not in html


def test_it_lets_an_admin_name_another_admin_who_can_then_take_over(people):
    member = people["member"]
    assert (
        client_for(people, "member")
        .post(f"/teams/netops/members/{member.pk}/admin")
        .status_code
        == 403
    )
    client_for(people, "admin").post(f"/teams/netops/members/{member.pk}/admin")
    assert people["team"].role_of(member) == "admin"
    # With a second admin, the first may leave.
    assert client_for(people, "admin").post("/teams/netops/leave").status_code == 302


def test_it_keeps_join_for_invitations(people):
    response = client_for(people, "member").post(
        "/teams/",
        {
            "name": "Joiners",
            "slug": "join",
            "default_visibility": "team",
            "retention_days": 1,
        },
    )
    assert response.status_code == 400
    assert not Team.objects.filter(slug="join").exists()
