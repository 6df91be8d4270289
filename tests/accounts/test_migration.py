import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.conftest import FIXTURES

BEFORE = [("analyzer", "0004_client")]
AFTER = [("analyzer", "0005_owner_team_visibility")]


@pytest.mark.django_db(transaction=True)
def test_it_keeps_every_existing_diagnosis_readable_by_its_link():
    """Diagnoses made before teams existed become ``link`` with no owner, team or
    expiry: every permalink already handed out keeps working."""
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps.get_model("analyzer", "Diagnosis")
    old.objects.create(id="before-teams", input_text="x\n", status="done")
    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps.get_model("analyzer", "Diagnosis")
    row = new.objects.get(id="before-teams")
    assert (row.visibility, row.owner_id, row.team_id, row.expires) == (
        "link",
        None,
        None,
        None,
    )
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_it_gives_diagnoses_analyzed_before_lists_their_summary():
    """A done diagnosis from before gets its title, top finding, verdict and
    peer rows, so the lists, the peer filter and chat previews show it."""
    from analyzer import engine

    before = [("analyzer", "0007_search_trigrams")]
    after = [("analyzer", "0009_backfill_summaries")]
    paste = (FIXTURES / "web" / "asa_isakmp_sa_mm_wait_msg4.txt").read_text()
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps.get_model("analyzer", "Diagnosis")
    old.objects.create(
        id="analyzed-before",
        input_text=paste,
        status="done",
        report=engine.analyze(paste).to_dict(),
    )
    executor = MigrationExecutor(connection)
    executor.migrate(after)
    state = executor.loader.project_state(after).apps
    row = state.get_model("analyzer", "Diagnosis").objects.get(id="analyzed-before")
    assert row.title == "MM_WAIT_MSG4 with 203.0.113.50"
    assert (row.top_severity, row.top_code) == ("warning", "isakmp.mm_wait_msg4")
    assert row.verdict == "MM_WAIT_MSG4 with peer 203.0.113.50"
    peers = state.get_model("analyzer", "DiagnosisPeer").objects.filter(
        diagnosis_id="analyzed-before"
    )
    assert sorted(p.address for p in peers) == ["198.51.100.7", "203.0.113.50"]
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
