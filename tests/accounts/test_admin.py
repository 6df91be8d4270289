import pytest
from django.contrib.admin.utils import quote
from django.contrib.auth.models import User
from django.urls import reverse

from tests.accounts.conftest import PASTE

pytestmark = pytest.mark.django_db


def test_it_registers_teams_tokens_and_the_new_diagnosis_fields(client, people):
    """Teams (with their members), tokens and a diagnosis's owner, team,
    visibility and expiry can be seen and edited in the admin."""
    from analyzer.models import Diagnosis

    client.force_login(User.objects.create_superuser("root", "root@example.com"))
    team = people["team"]
    assert client.get("/admin/accounts/team/").status_code == 200
    page = client.get(f"/admin/accounts/team/{team.pk}/change/")
    assert page.status_code == 200
    assert b"owner" in page.content  # the members inline lists the owner
    assert client.get("/admin/accounts/apitoken/").status_code == 200
    diagnosis = Diagnosis.objects.create(input_text=PASTE, team=team, visibility="team")
    # The admin quotes a key in its URLs ("_" is its escape: an id holding
    # "_2F" would otherwise read as "/"), as its own links do.
    page = client.get(
        reverse("admin:analyzer_diagnosis_change", args=[quote(diagnosis.pk)])
    )
    for field in (b'name="visibility"', b'name="team"', b'name="expires_0"'):
        assert field in page.content


def test_it_registers_invites_shares_notes_and_marks(client, people):
    client.force_login(User.objects.create_superuser("root", "root@example.com"))
    for model in ("invite", "sharelink", "note", "findingmark"):
        assert client.get(f"/admin/accounts/{model}/").status_code == 200, model
