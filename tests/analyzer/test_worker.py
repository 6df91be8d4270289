"""Diagnoses analyzed by a real `celery worker` process, on the filesystem broker
and on Redis (Redis must be running: these tests fail, not skip, without it)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from analyzer import engine
from analyzer.models import Diagnosis
from analyzer.tasks import analyze_diagnosis
from tests.conftest import FIXTURES
from tests.worker_helpers import DONE_TIMEOUT, Broker, Worker, wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

# What the fixture's running-config holds: a pre-shared key and an SNMP community.
SECRETS = ("Br4nch12-Tunnel-Key!", "NmsRead0nly-77")
# A sweep that reacts within seconds, for the workers that run beat.
# The stale time must exceed the hard limit plus two heartbeats (settings refuse
# less), so the limits shrink with it.
FAST_SWEEP = {
    "ANALYZER_STALE_SECONDS": 6,
    "ANALYZER_SWEEP_SECONDS": 1,
    "ANALYZER_HEARTBEAT_SECONDS": 1,
    "ANALYZER_TASK_SOFT_LIMIT": 2,
    "ANALYZER_TASK_HARD_LIMIT": 3,
}


@pytest.fixture(params=["filesystem", "redis"])
def broker(request, tmp_path):
    with Broker(request.param, tmp_path) as broker:
        yield broker


def read(name: str) -> str:
    return (FIXTURES / "web" / name).read_text()


def finished(diagnosis_id: str):
    diagnosis = Diagnosis.objects.get(id=diagnosis_id)
    return diagnosis if diagnosis.status in ("done", "failed") else None


def test_it_analyzes_a_paste_and_keeps_its_secrets_out_of_everything(
    client, broker, tmp_path
):
    """A paste sent from the web form becomes a message carrying only the id; a
    worker analyzes it; the pasted secrets are in neither the message, the row,
    the page, the raw download nor the API answer."""
    paste = read("asa_config_with_secrets.txt")
    assert all(secret in paste for secret in SECRETS)
    response = client.post(reverse("analyzer-analyze"), {"text": paste, "title": "HQ"})
    assert response.status_code == 303
    diagnosis_id = response["Location"].rstrip("/").rsplit("/", 1)[-1]

    # No worker is running yet, so the message is still in the broker to read.
    messages = wait_for(broker.messages, 10, "the task message in the broker")
    assert len(messages) == 1
    message = messages[0]
    assert message["headers"]["task"] == "analyzer.tasks.analyze_diagnosis"
    assert diagnosis_id in message["body"]
    for secret in SECRETS:
        assert secret not in message["raw"]
        assert secret not in message["body"]
    assert "tunnel-group" not in message["body"]  # no part of the paste travels

    with Worker(broker, tmp_path) as worker:
        diagnosis = wait_for(
            lambda: finished(diagnosis_id), DONE_TIMEOUT, "the analysis", worker=worker
        )
        assert broker.messages() == []
    assert diagnosis.status == "done", diagnosis.error
    assert diagnosis.attempts == 1
    assert diagnosis.engine_version == engine.ENGINE_VERSION
    assert set(diagnosis.report) >= {"sources", "findings", "unparsed_lines"}
    assert "tunnel-group 203.0.113.50 ipsec-attributes" in diagnosis.input_text

    page = client.get(diagnosis.get_absolute_url()).content.decode()
    raw = client.get(reverse("analyzer-raw", args=[diagnosis_id])).content.decode()
    api = client.get(reverse("analyzer-api-diagnosis", args=[diagnosis_id])).content
    for secret in SECRETS:
        assert secret not in diagnosis.input_text
        assert secret not in page
        assert secret not in raw
        assert secret not in api.decode()
    assert 'http-equiv="refresh"' not in page


def test_it_finishes_a_diagnosis_whose_worker_was_killed_mid_task(
    client, broker, tmp_path
):
    """kill -9 of a worker's whole process group in the middle of an analysis
    leaves the diagnosis running; the sweep on a new worker re-queues it and the
    new worker brings it to done."""
    slow = Worker(broker, tmp_path, ANALYZER_TEST_DELAY_SECONDS=300).start()
    try:
        response = client.post(
            reverse("analyzer-api-diagnoses"),
            {"text": read("asa_isakmp_sa_mm_wait_msg4.txt")},
            content_type="application/json",
        )
        assert response.status_code == 202
        diagnosis_id = response.json()["id"]
        wait_for(
            lambda: Diagnosis.objects.get(id=diagnosis_id).status == "running",
            60,
            "the slow worker to claim the diagnosis",
            worker=slow,
        )
    finally:
        slow.kill()
    assert slow.process.returncode == -9
    assert Diagnosis.objects.get(id=diagnosis_id).status == "running"

    with Worker(broker, tmp_path, beat=True, **FAST_SWEEP) as worker:
        diagnosis = wait_for(
            lambda: finished(diagnosis_id), DONE_TIMEOUT, "the re-run", worker=worker
        )
    assert diagnosis.status == "done", diagnosis.error
    assert diagnosis.attempts == 2
    assert diagnosis.report is not None


def test_it_resends_a_queued_diagnosis_whose_message_was_lost(broker, tmp_path):
    """A diagnosis left queued with no message in the broker (the publish was
    lost) is sent again by the periodic sweep and analyzed."""
    diagnosis = Diagnosis.objects.create(
        input_text=read("asa_isakmp_sa_mm_wait_msg4.txt")
    )
    Diagnosis.objects.filter(id=diagnosis.id).update(
        queued=timezone.now() - timedelta(minutes=10)
    )
    assert broker.messages() == []

    with Worker(broker, tmp_path, beat=True, **FAST_SWEEP) as worker:
        done = wait_for(
            lambda: finished(diagnosis.id),
            DONE_TIMEOUT,
            "the re-sent task",
            worker=worker,
        )
    assert done.status == "done", done.error
    assert done.attempts == 1


@pytest.mark.parametrize("broker", ["filesystem"], indirect=True)
def test_it_fails_an_analysis_that_runs_past_the_soft_time_limit(broker, tmp_path):
    """A task still running at the soft time limit is stopped and the diagnosis
    marked failed with a message saying so, instead of staying running."""
    diagnosis = Diagnosis.objects.create(
        input_text=read("asa_isakmp_sa_mm_wait_msg4.txt")
    )
    # The limits travel in the message from the sender's settings; this process
    # has the default ones, so the short limit is given to this one message.
    analyze_diagnosis.apply_async(args=[diagnosis.id], soft_time_limit=1, time_limit=30)
    limits = {"ANALYZER_TASK_SOFT_LIMIT": 1, "ANALYZER_TEST_DELAY_SECONDS": 20}
    with Worker(broker, tmp_path, **limits) as worker:
        failed = wait_for(
            lambda: finished(diagnosis.id),
            DONE_TIMEOUT,
            "the time limit",
            worker=worker,
        )
    assert failed.status == "failed", worker.log()
    assert "longer than 1 seconds" in failed.error
    assert failed.attempts == 1
