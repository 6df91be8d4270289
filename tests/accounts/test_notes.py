"""Notes and finding marks: written by the team's members, read by whoever may
read the diagnosis, redacted and sanitized before they are stored."""

import pytest

from accounts.models import FindingMark, Note
from analyzer.tasks import analyze_diagnosis
from tests.accounts.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("who", "kind", "status"),
    [
        ("anonymous", "team", 404),
        ("outsider", "team", 404),
        ("member", "team", 302),
        ("admin", "team", 302),
        ("owner", "team", 302),
        # A link diagnosis is read by anyone; only its team writes on it.
        ("anonymous", "link", 403),
        ("outsider", "link", 403),
        ("member", "link", 302),
        ("member", "private", 404),
        ("owner", "private", 302),
        ("owner", "expired", 404),
    ],
)
def test_it_lets_only_the_team_write_notes(people, diagnoses, who, kind, status):
    diagnosis = diagnoses[kind]
    client = client_for(people, who)
    response = client.post(f"/d/{diagnosis.id}/notes", {"body": "Checked the PSK."})
    assert response.status_code == status
    assert Note.objects.filter(diagnosis=diagnosis).exists() == (status == 302)


def test_it_shows_notes_to_link_readers_outside_the_team(people, diagnoses):
    diagnosis = diagnoses["link"]
    client_for(people, "member").post(
        f"/d/{diagnosis.id}/notes", {"body": "Peer says *MM_WAIT_MSG4* is theirs."}
    )
    html = client_for(people, "outsider").get(f"/d/{diagnosis.id}/").content.decode()
    assert "<em>MM_WAIT_MSG4</em> is theirs." in html
    assert f'action="/d/{diagnosis.id}/notes"' not in html  # no form for them


def test_it_redacts_and_sanitizes_a_note(people, diagnoses):
    """A key in a note is removed before it is stored; script, handlers,
    javascript: links and headings (whose ids could shadow the page's anchors)
    do not survive the sanitizer."""
    diagnosis = diagnoses["team"]
    body = (
        "Try this:\n\n"
        "    tunnel-group 203.0.113.50 ipsec-attributes\n"
        "     ikev1 pre-shared-key Sup3rS3cretK3y\n\n"
        "<script>alert(1)</script> <img src=x onerror=alert(2)>\n\n"
        "[click](javascript:alert(3)) [tac](https://example.com/case)\n\n"
        "# finding-1 {#finding-1}\n"
    )
    client_for(people, "member").post(f"/d/{diagnosis.id}/notes", {"body": body})
    note = Note.objects.get()
    assert "Sup3rS3cretK3y" not in note.body and "Sup3rS3cretK3y" not in note.html
    assert "<removed:psk-1>" in note.body
    for gone in ("<script", "onerror", "javascript:", "<img", "<h1", 'id="finding-1"'):
        assert gone not in note.html
    assert 'href="https://example.com/case"' in note.html
    assert 'rel="noopener noreferrer nofollow"' in note.html
    page = client_for(people, "owner").get(f"/d/{diagnosis.id}/").content.decode()
    assert "Sup3rS3cretK3y" not in page and "<script>alert(1)" not in page


def test_it_refuses_an_empty_or_huge_note(people, diagnoses):
    client = client_for(people, "member")
    url = f"/d/{diagnoses['team'].id}/notes"
    assert client.post(url, {"body": "   "}).status_code == 400
    assert client.post(url, {"body": "x" * 10_001}).status_code == 400
    assert not Note.objects.exists()


def test_it_marks_a_finding_and_shows_it_on_the_page_and_the_list(people, diagnoses):
    diagnosis = diagnoses["team"]
    analyze_diagnosis(diagnosis.id)
    diagnosis.refresh_from_db()
    findings = diagnosis.report["findings"]
    number = 1 + next(
        n for n, f in enumerate(findings) if f["code"] == "isakmp.mm_wait_msg4"
    )
    client = client_for(people, "member")
    url = f"/d/{diagnosis.id}/marks"
    assert (
        client.post(url, {"finding": number, "mark": "root_cause"}).status_code == 302
    )
    mark = FindingMark.objects.get()
    assert (mark.finding, mark.code, mark.by) == (
        number,
        "isakmp.mm_wait_msg4",
        people["member"],
    )
    client.post(f"/d/{diagnosis.id}/notes", {"body": "Their end drops UDP 500."})
    page = client.get(f"/d/{diagnosis.id}/").content.decode()
    assert f'<strong>Root cause:</strong> <a href="#finding-{number}">' in page
    listing = client.get("/teams/netops/").content.decode()
    assert "Root cause: isakmp.mm_wait_msg4" in listing and "1 note</a>" in listing
    # Marked again: one mark per finding; no mark clears it.
    client.post(url, {"finding": number, "mark": "not_relevant"})
    assert FindingMark.objects.get().mark == "not_relevant"
    client.post(url, {"finding": number, "mark": ""})
    assert not FindingMark.objects.exists()
    assert client.post(url, {"finding": 999, "mark": "root_cause"}).status_code == 400
    outsider = client_for(people, "outsider")
    assert outsider.post(url, {"finding": 1, "mark": "root_cause"}).status_code == 404
