"""The team's page: its diagnoses newest first, with filters, search and pages."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts import views
from analyzer.models import Diagnosis
from analyzer.tasks import analyze_diagnosis
from tests.accounts.conftest import PASTE, client_for
from tests.conftest import FIXTURES

pytestmark = pytest.mark.django_db

# One info finding (fragmentation) about peer 203.0.113.7.
FRAGMENTED = (FIXTURES / "ipsec" / "asa912_show_crypto_ipsec_sa_detail.txt").read_text()


def submitted(people, who="owner", text=PASTE, minutes_ago=0, **fields):
    fields.setdefault("visibility", "team")
    diagnosis = Diagnosis.objects.create(
        input_text=text,
        owner=people[who],
        team=people["team"],
        created=timezone.now() - timedelta(minutes=minutes_ago),
        **fields,
    )
    analyze_diagnosis(diagnosis.id)
    diagnosis.refresh_from_db()
    return diagnosis


def test_it_lists_the_teams_diagnoses_newest_first(people):
    older = submitted(people, minutes_ago=10, title="HQ to branch 12")
    newer = submitted(people, who="member")
    page = client_for(people, "member").get("/teams/netops/")
    html = page.content.decode()
    assert page.status_code == 200
    assert html.index(newer.get_absolute_url()) < html.index(older.get_absolute_url())
    # title, top finding's verdict, peers, status, who
    assert "HQ to branch 12" in html and "MM_WAIT_MSG4 with 203.0.113.50" in html
    assert "MM_WAIT_MSG4 with peer 203.0.113.50" in html
    assert "198.51.100.7 203.0.113.50" in html or "203.0.113.50 198.51.100.7" in html
    assert "<td>done</td>" in html and "<td>member</td>" in html


def test_the_team_page_has_one_members_section_in_its_body(people):
    """The page's title is the team's name; the members and their buttons are
    in the page once, not in its head."""
    html = client_for(people, "member").get("/teams/netops/").content.decode()
    head, body = html.split("</head>", 1)
    title = head.split("<title>")[1].split("</title>")[0]
    assert title.endswith("· tshoot") and "<" not in title
    assert html.count('class="members"') == 1 and 'class="members"' in body


def test_it_shows_the_team_page_to_members_only(people):
    """An outsider gets the 404 of a team that does not exist; anonymous visitors
    are asked to sign in."""
    assert client_for(people, "outsider").get("/teams/netops/").status_code == 404
    assert client_for(people, "outsider").get("/teams/nope/").status_code == 404
    response = client_for(people, "anonymous").get("/teams/netops/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_it_leaves_out_other_members_private_diagnoses(people):
    mine = submitted(people, visibility="private")
    theirs = submitted(people, who="member", visibility="private")
    html = client_for(people, "owner").get("/teams/netops/").content.decode()
    assert mine.get_absolute_url() in html and theirs.get_absolute_url() not in html
    html = client_for(people, "admin").get("/teams/netops/").content.decode()
    assert mine.get_absolute_url() not in html


def test_it_filters_by_status_severity_and_peer(people):
    stuck = submitted(people)  # MM_WAIT_MSG4 warning, two peers
    fragmented = submitted(people, text=FRAGMENTED)
    queued = Diagnosis.objects.create(
        input_text=PASTE, team=people["team"], visibility="team"
    )
    client = client_for(people, "member")

    def listed(**query):
        html = client.get("/teams/netops/", query).content.decode()
        return {
            d.id for d in (stuck, fragmented, queued) if d.get_absolute_url() in html
        }

    assert listed() == {stuck.id, fragmented.id, queued.id}
    assert listed(status="queued") == {queued.id}
    assert listed(status="done") == {stuck.id, fragmented.id}
    assert listed(severity="warning") == {stuck.id}
    assert listed(severity="info") == {fragmented.id}
    assert listed(severity="critical") == set()
    # Exact addresses: .7 is not .50's prefix match.
    assert listed(peer="203.0.113.50") == {stuck.id}
    assert listed(peer="203.0.113.7") == {fragmented.id}
    assert listed(peer="192.0.2.99") == set()
    assert listed(status="done", severity="info", peer="203.0.113.7") == {fragmented.id}


def test_it_searches_title_peer_and_finding_code(people):
    titled = submitted(people, title="Branch twelve outage")
    other = submitted(people, text=FRAGMENTED, title="Config review")
    assert other.top_code == "ipsec.fragmentation"
    client = client_for(people, "member")

    def found(q):
        html = client.get("/teams/netops/", {"q": q}).content.decode()
        return {d.id for d in (titled, other) if d.get_absolute_url() in html}

    assert found("twelve") == {titled.id}
    assert found("isakmp.mm_wait_msg4") == {titled.id}
    assert found("198.51.100.7") == {titled.id}
    assert found("ipsec.fragmentation") == {other.id}
    assert found("no such thing") == set()


def test_it_pages_through_a_long_list(people, monkeypatch):
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    made = [
        Diagnosis.objects.create(
            input_text=PASTE,
            team=people["team"],
            visibility="team",
            title=f"number {n}",
            created=timezone.now() - timedelta(minutes=n),
        )
        for n in range(5)
    ]
    client = client_for(people, "member")
    seen, url = [], "/teams/netops/?status=queued"
    while url:
        response = client.get(url)
        page = response.context["diagnoses"]
        assert len(page) <= 2
        seen += [d.id for d in page]
        url = response.context["older"]
        assert url is None or "status=queued" in url
    assert seen == [d.id for d in made]


def test_it_answers_400_to_a_page_cursor_it_did_not_make(people):
    response = client_for(people, "member").get("/teams/netops/", {"before": "junk"})
    assert response.status_code == 400


def test_it_reads_the_same_number_of_queries_for_any_number_of_rows(people):
    """No query per row: owners come in the same query, reports are not read."""
    client = client_for(people, "member")
    submitted(people)
    with CaptureQueriesContext(connection) as few:
        client.get("/teams/netops/")
    for _ in range(5):
        submitted(people, who="member")
    with CaptureQueriesContext(connection) as many:
        client.get("/teams/netops/")
    assert len(many) == len(few)
    listing = [q["sql"] for q in many if "analyzer_diagnosis" in q["sql"]]
    assert listing and all('"report"' not in sql for sql in listing)
