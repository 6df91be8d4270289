"""People and diagnoses for the access tests: one team with an owner, a member and
an admin, an outsider in another team, and a diagnosis of each visibility."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from accounts.models import Membership, Team
from analyzer.models import Diagnosis
from tests.conftest import FIXTURES

PASTE = (FIXTURES / "web" / "asa_isakmp_sa_mm_wait_msg4.txt").read_text()


@pytest.fixture
def people(db):
    team = Team.objects.create(name="Network operations", slug="netops")
    other = Team.objects.create(name="Mail", slug="mail")
    users = {
        name: User.objects.create_user(name, f"{name}@example.com")
        for name in ("owner", "member", "admin", "outsider")
    }
    Membership.objects.create(team=team, user=users["owner"])
    Membership.objects.create(team=team, user=users["member"])
    Membership.objects.create(team=team, user=users["admin"], role="admin")
    Membership.objects.create(team=other, user=users["outsider"], role="admin")
    return {"team": team, "other": other, **users}


def client_for(people, who: str) -> Client:
    client = Client()
    if who != "anonymous":
        client.force_login(people[who])
    return client


@pytest.fixture
def diagnoses(people):
    def make(visibility, **fields):
        return Diagnosis.objects.create(
            input_text=PASTE,
            owner=people["owner"],
            team=people["team"],
            visibility=visibility,
            **fields,
        )

    return {
        "team": make("team"),
        "link": make("link"),
        "private": make("private"),
        # Of the widest visibility, so that only the expiry can refuse it.
        "expired": make("link", expires=timezone.now() - timedelta(seconds=1)),
    }
