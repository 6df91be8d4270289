import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

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
