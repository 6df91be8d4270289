"""A diagnosis's life: its title, rename, visibility change, delete, expiry."""

from datetime import timedelta
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from analyzer.models import Diagnosis
from analyzer.tasks import analyze_diagnosis, expire_diagnoses
from tests.accounts.conftest import PASTE, client_for

pytestmark = pytest.mark.django_db


def analyzed(diagnosis):
    analyze_diagnosis(diagnosis.id)
    diagnosis.refresh_from_db()
    return diagnosis


def test_it_names_an_untitled_diagnosis_after_its_top_finding_and_peer(diagnoses):
    """The example of the issue: a paste stuck at MM_WAIT_MSG4 with one peer."""
    diagnosis = analyzed(diagnoses["team"])
    assert diagnosis.title == "MM_WAIT_MSG4 with 203.0.113.50"


def test_it_keeps_a_given_title(diagnoses):
    diagnosis = diagnoses["team"]
    Diagnosis.objects.filter(id=diagnosis.id).update(title="HQ to branch 12")
    assert analyzed(diagnosis).title == "HQ to branch 12"


def test_it_never_names_a_diagnosis_by_its_id(diagnoses):
    """Before the analysis, an untitled diagnosis is named by when it came."""
    diagnosis = diagnoses["team"]
    assert diagnosis.id not in str(diagnosis)
    assert str(diagnosis).startswith("Paste of ")


def test_it_lets_the_owner_rename_redacting_the_title(people, diagnoses):
    diagnosis = analyzed(diagnoses["team"])
    owner = client_for(people, "owner")
    response = owner.post(
        f"/d/{diagnosis.id}/rename",
        {"title": "ikev1 pre-shared-key N0tF0rY0u"},
    )
    assert response.status_code == 302
    diagnosis.refresh_from_db()
    assert diagnosis.title == "ikev1 pre-shared-key <removed:psk-1>"
    owner.post(f"/d/{diagnosis.id}/rename", {"title": "  "})
    diagnosis.refresh_from_db()
    assert diagnosis.title == "MM_WAIT_MSG4 with 203.0.113.50"


@pytest.mark.parametrize(
    ("who", "status"),
    [("anonymous", 404), ("outsider", 404), ("member", 403), ("admin", 302)],
)
def test_it_lets_only_owner_and_team_admin_rename(people, diagnoses, who, status):
    diagnosis = diagnoses["team"]
    response = client_for(people, who).post(
        f"/d/{diagnosis.id}/rename", {"title": "Renamed"}
    )
    assert response.status_code == status
    diagnosis.refresh_from_db()
    assert (diagnosis.title == "Renamed") == (status == 302)


def test_it_changes_who_may_read_it(people, diagnoses):
    diagnosis = diagnoses["team"]
    member = client_for(people, "member")
    assert member.get(f"/d/{diagnosis.id}/").status_code == 200
    response = client_for(people, "admin").post(
        f"/d/{diagnosis.id}/visibility", {"visibility": "private"}
    )
    assert response.status_code == 302
    assert member.get(f"/d/{diagnosis.id}/").status_code == 404
    assert client_for(people, "owner").get(f"/d/{diagnosis.id}/").status_code == 200


def test_it_refuses_team_visibility_without_a_team(people):
    diagnosis = Diagnosis.objects.create(input_text=PASTE, owner=people["owner"])
    response = client_for(people, "owner").post(
        f"/d/{diagnosis.id}/visibility", {"visibility": "team"}
    )
    assert response.status_code == 400
    diagnosis.refresh_from_db()
    assert diagnosis.visibility == "link"


def test_it_shows_the_tools_to_those_who_may_use_them(people, diagnoses):
    diagnosis = diagnoses["team"]
    url = f"/d/{diagnosis.id}/"
    owner_page = client_for(people, "owner").get(url).content.decode()
    assert f'action="/d/{diagnosis.id}/rename"' in owner_page
    assert f'href="/d/{diagnosis.id}/delete"' in owner_page
    assert "Readable by the team's members only" in owner_page
    member_page = client_for(people, "member").get(url).content.decode()
    assert "/rename" not in member_page and "/delete" not in member_page


@pytest.mark.parametrize(
    ("who", "status"),
    [("anonymous", 404), ("outsider", 404), ("member", 403)],
)
def test_it_keeps_a_diagnosis_others_try_to_delete(people, diagnoses, who, status):
    diagnosis = diagnoses["team"]
    client = client_for(people, who)
    assert client.get(f"/d/{diagnosis.id}/delete").status_code == status
    assert client.post(f"/d/{diagnosis.id}/delete").status_code == status
    assert Diagnosis.objects.filter(id=diagnosis.id).exists()


@pytest.mark.parametrize("who", ["owner", "admin"])
def test_it_deletes_after_confirmation(people, diagnoses, who):
    """A confirmation page first; then the row and its paste are gone, and the
    permalink answers 404."""
    diagnosis = diagnoses["team"]
    client = client_for(people, who)
    page = client.get(f"/d/{diagnosis.id}/delete")
    assert page.status_code == 200 and "cannot be undone" in page.content.decode()
    assert Diagnosis.objects.filter(id=diagnosis.id).exists()
    response = client.post(f"/d/{diagnosis.id}/delete")
    assert response.status_code == 302 and response["Location"] == "/teams/netops/"
    assert not Diagnosis.objects.filter(id=diagnosis.id).exists()
    assert client.get(f"/d/{diagnosis.id}/").status_code == 404


def test_it_shows_the_expiry_on_the_page(people):
    expires = timezone.now() + timedelta(days=7)
    diagnosis = Diagnosis.objects.create(input_text=PASTE, expires=expires)
    html = client_for(people, "anonymous").get(f"/d/{diagnosis.id}/").content.decode()
    assert f'Expires <time datetime="{expires.isoformat()}">' in html


def test_it_deletes_expired_diagnoses_on_schedule(diagnoses):
    """The beat task removes what has expired, whatever its status, and nothing
    else; the worker's beat schedule runs it."""
    kept = {d.id for k, d in diagnoses.items() if k != "expired"}
    assert expire_diagnoses() == 1
    assert set(Diagnosis.objects.values_list("id", flat=True)) == kept
    entry = settings.CELERY_BEAT_SCHEDULE["expire-diagnoses"]
    assert entry["task"] == "analyzer.tasks.expire_diagnoses"
    from tshoot.celery import app

    app.loader.import_default_modules()
    assert entry["task"] in app.tasks


def test_it_deletes_expired_diagnoses_from_cron_too(diagnoses):
    out = StringIO()
    call_command("cleanup_diagnoses", "--dry-run", stdout=out)
    assert "1 diagnosis expired would be deleted" in out.getvalue()
    assert Diagnosis.objects.count() == 4
    call_command("cleanup_diagnoses", stdout=out)
    assert "1 diagnosis expired deleted" in out.getvalue()
    assert not Diagnosis.objects.filter(id=diagnoses["expired"].id).exists()


def test_it_keeps_each_uploaded_files_name_and_lines(people):
    """Several files make one paste; the diagnosis keeps which lines came from
    which file, shows it on the page and in the API, names redacted like the
    paste."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.conftest import FIXTURES

    config = (FIXTURES / "web" / "asa_config_with_secrets.txt").read_text()
    response = client_for(people, "member").post(
        "/analyze/",
        {
            "files": [
                SimpleUploadedFile("fw-hq isakmp.txt", PASTE.encode()),
                SimpleUploadedFile("pre-shared-key Hunter22.cfg", config.encode()),
            ]
        },
    )
    assert response.status_code == 303
    diagnosis = Diagnosis.objects.get()
    first, second = diagnosis.files
    lines = diagnosis.input_text.splitlines()
    # Each file's part starts with the line naming it, then its 17 lines.
    assert first == {"name": "fw-hq isakmp.txt", "first_line": 1, "last_line": 18}
    assert lines[0] == "==> fw-hq isakmp.txt <=="
    assert lines[first["last_line"] - 1] == PASTE.splitlines()[-1]
    assert "Hunter22" not in second["name"]
    heading = lines[second["first_line"] - 1]  # redacted with the paste
    assert (
        heading.startswith("==> pre-shared-key <removed") and "Hunter22" not in heading
    )
    assert lines[second["first_line"]] == config.splitlines()[0]
    html = client_for(people, "member").get(f"/d/{diagnosis.id}/").content.decode()
    assert '<a href="#L1">fw-hq isakmp.txt</a> (lines 1–18)' in html
    body = client_for(people, "member").get(f"/api/v1/diagnoses/{diagnosis.id}").json()
    assert body["files"] == diagnosis.files


def test_it_keeps_no_file_list_for_a_paste_alone(people):
    client_for(people, "member").post("/analyze/", {"text": PASTE})
    assert Diagnosis.objects.get().files == []
