"""A Greenhouse round trip in production mode (PostgreSQL + RQ workers on the real Redis):
send_test → the applicant's sections are scored → the scorecard job completes the scorecard →
the ``greenhouse_patch`` job PATCHes a Greenhouse-shaped server on 127.0.0.1 with the org's key
→ test_status returns the score. Also retries (5xx), no retry on 4xx, no PATCH twice, revoked
keys."""

from __future__ import annotations

import json
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from rq import SimpleWorker
from sqlalchemy import select

from screening.db import db, utcnow
from screening.jobs import run_task, set_worker_app
from screening.models.greenhouse import GreenhouseInterview
from screening.models.score import Scorecard, SectionScore
from screening.models.task import Task
from screening.queues import RQDispatcher, enqueue
from screening.services import api_keys
from tests.integration.greenhouse.conftest import Greenhouse, Org, basic, make_org

# default profile weights: typing 25, grammar 30, math 15, voice 30 → composite 72.5 (review)
SCORES = {"typing": 80.0, "grammar": 70.0, "math": 90.0, "voice": 60.0}
COMPOSITE = 72.5


def _setup(app: Flask) -> Org:
    set_worker_app(app)
    with app.app_context():
        return make_org("Acme")


def _send(client: FlaskClient, org: Org, url: str) -> str:
    response = client.post("/greenhouse/send_test", headers=org.write, json={
        "partner_test_id": str(org.job_ids[0]),
        "candidate": {"first_name": "Harry", "last_name": "Potter",
                      "email": "hpotter@hogwarts.edu",
                      "greenhouse_profile_url": "https://app.greenhouse.io/people/1"},
        "url": url,
    })
    assert response.status_code == 200, response.text
    pid: str = response.json["partner_interview_id"]
    return pid


def _interview(app: Flask, pid: str) -> GreenhouseInterview:
    with app.app_context():
        row = db.session.scalar(select(GreenhouseInterview).where(
            GreenhouseInterview.partner_interview_id == pid))
        assert row is not None
        return row


def _work(app: Flask, queue: str) -> None:
    dispatcher = app.extensions["screening.dispatcher"]
    assert isinstance(dispatcher, RQDispatcher)
    SimpleWorker([dispatcher.queue(queue)], connection=dispatcher.connection).work(burst=True)


def _queued(app: Flask, queue: str) -> list[str]:
    dispatcher = app.extensions["screening.dispatcher"]
    ids: list[str] = dispatcher.queue(queue).job_ids
    return ids


def _complete(app: Flask, candidate_id: int, scores: dict[str, float] = SCORES) -> None:
    """The applicant finished every enabled section: store the section scores and queue the
    scorecard job, as the attempt services do."""
    with app.app_context():
        for section, score in scores.items():
            row = db.session.scalar(select(SectionScore).where(
                SectionScore.candidate_id == candidate_id, SectionScore.section == section))
            if row is None:
                row = SectionScore(candidate_id=candidate_id, section=section)
                db.session.add(row)
            row.status, row.score, row.computed_at = "scored", score, utcnow()
        enqueue(db.session, "recompute_scorecard", key=f"scorecard:{candidate_id}",
                candidate_id=candidate_id)
        db.session.commit()
    _work(app, "default")


def _status(client: FlaskClient, org: Org, pid: str) -> dict[str, Any]:
    response = client.get(f"/greenhouse/test_status?partner_interview_id={pid}",
                          headers=org.read)
    assert response.status_code == 200
    body: dict[str, Any] = response.json
    return body


def test_greenhouse_round_trip(gh_app: Flask, greenhouse: Greenhouse) -> None:
    org = _setup(gh_app)
    client = gh_app.test_client()
    pid = _send(client, org, greenhouse.url())
    interview = _interview(gh_app, pid)
    assert _status(client, org, pid)["partner_status"] == "incomplete"

    _complete(gh_app, interview.candidate_id)
    assert _queued(gh_app, "webhooks") == [f"greenhouse_patch-{interview.id}"]
    assert greenhouse.requests == []  # nothing before the worker runs the PATCH job
    _work(gh_app, "webhooks")

    (patch,) = greenhouse.requests
    assert patch.method == "PATCH"
    assert patch.path == "/integrations/testing_partners/take_home_tests/12345"
    assert patch.headers["Authorization"] == basic(org.write_key)["Authorization"]
    assert patch.headers["Content-Type"] == "application/json"
    sent = json.loads(patch.body)
    status = _status(client, org, pid)
    assert sent == status
    assert status["partner_status"] == "complete"
    assert status["partner_score"] == COMPOSITE
    assert status["partner_profile_url"] == (
        f"https://screening.example.com/recruiter/candidates/{interview.candidate_id}")
    metadata = status["metadata"]
    assert metadata["Recommendation"] == "review"
    assert metadata["Typing score"] == 80 and metadata["Grammar and writing score"] == 70
    assert metadata["Math score"] == 90 and metadata["Voice score"] == 60
    assert metadata["Sections scored"] == "4 of 4"
    assert metadata["Flagged for review"] == "no"
    assert all(isinstance(v, str | int | float) and not isinstance(v, bool)
               for v in metadata.values())

    after = _interview(gh_app, pid)
    assert (after.status, after.last_patch_status) == ("complete", 200)
    assert after.patched_at is not None and after.last_patch_error is None

    # the same result computed again is not PATCHed twice; a changed score is
    _complete(gh_app, interview.candidate_id)
    assert _queued(gh_app, "webhooks") == []
    assert len(greenhouse.requests) == 1
    _complete(gh_app, interview.candidate_id, {**SCORES, "math": 30.0})
    _work(gh_app, "webhooks")
    assert len(greenhouse.requests) == 2
    assert json.loads(greenhouse.requests[1].body)["partner_score"] == 63.5
    with gh_app.app_context():
        card = db.session.scalar(select(Scorecard).where(
            Scorecard.candidate_id == interview.candidate_id))
        assert card is not None and card.composite == 63.5


def test_server_errors_are_retried_and_client_errors_are_not(gh_app: Flask,
                                                             greenhouse: Greenhouse) -> None:
    org = _setup(gh_app)
    client = gh_app.test_client()
    pid = _send(client, org, greenhouse.url())
    interview = _interview(gh_app, pid)
    key = f"greenhouse_patch:{interview.id}"
    greenhouse.script = [503]
    _complete(gh_app, interview.candidate_id)
    _work(gh_app, "webhooks")
    assert [r.method for r in greenhouse.requests] == ["PATCH"]
    with gh_app.app_context():
        row = _interview(gh_app, pid)
        assert row.last_patch_status == 503 and row.patched_at is None
        task = db.session.scalar(select(Task).where(Task.key == key))
        assert task is not None and task.status == "queued"
        assert task.error is not None and "retry later" in task.error
        # the retry (RQ's scheduler would run it after the backoff): succeeds this time
        assert run_task(key) == "done"
    assert len(greenhouse.requests) == 2
    row = _interview(gh_app, pid)
    assert row.last_patch_status == 200 and row.patched_at is not None


def test_client_error_is_recorded_and_not_retried(gh_app: Flask, greenhouse: Greenhouse) -> None:
    org = _setup(gh_app)
    client = gh_app.test_client()
    pid = _send(client, org, greenhouse.url())
    interview = _interview(gh_app, pid)
    greenhouse.script = [404]
    _complete(gh_app, interview.candidate_id)
    _work(gh_app, "webhooks")
    assert len(greenhouse.requests) == 1
    row = _interview(gh_app, pid)
    assert row.last_patch_status == 404 and row.patched_at is None
    assert row.last_patch_error is not None and "404" in row.last_patch_error
    with gh_app.app_context():
        task = db.session.scalar(select(Task).where(
            Task.key == f"greenhouse_patch:{interview.id}"))
        assert task is not None and task.status == "done"
    assert _queued(gh_app, "webhooks") == []


def test_no_patch_with_a_revoked_key_or_without_a_callback(gh_app: Flask,
                                                           greenhouse: Greenhouse) -> None:
    org = _setup(gh_app)
    client = gh_app.test_client()
    pid = _send(client, org, greenhouse.url())
    interview = _interview(gh_app, pid)
    with gh_app.app_context():
        api_keys.revoke(db.session, org.org_id, org.write_key_id)
        db.session.commit()
    _complete(gh_app, interview.candidate_id)
    _work(gh_app, "webhooks")
    assert greenhouse.requests == []
    row = _interview(gh_app, pid)
    assert row.status == "complete" and row.last_patch_status is None
    assert row.last_patch_error is not None and "revoked" in row.last_patch_error

    # a test sent without a url (Greenhouse polls test_status): nothing is queued
    with gh_app.app_context():
        _, key = api_keys.create_key(db.session, org.org_id, "gh2", ["write"])
        db.session.commit()
    response = client.post("/greenhouse/send_test", headers=basic(key), json={
        "partner_test_id": str(org.job_ids[1]),
        "candidate": {"first_name": "Ron", "last_name": "Weasley", "email": "ron@hogwarts.edu"},
    })
    assert response.status_code == 200
    polled = _interview(gh_app, response.json["partner_interview_id"])
    assert polled.callback_url is None
    _complete(gh_app, polled.candidate_id)
    assert _queued(gh_app, "webhooks") == []
    status = client.get("/greenhouse/test_status?partner_interview_id="
                        f"{polled.partner_interview_id}", headers=basic(key)).json
    assert status["partner_status"] == "complete" and status["partner_score"] == COMPOSITE


def test_embedded_mode_patches_from_the_background_thread(tmp_path, greenhouse: Greenhouse) -> None:
    """No Redis: the in-process runner computes the scorecard and sends the PATCH; SQLite."""
    import time

    import screening.models  # noqa: F401
    from screening.db import Base
    from screening.queues import ThreadDispatcher
    from tests.conftest import build_app

    app = build_app(tmp_path, f"sqlite:///{tmp_path / 'embedded.db'}",
                    webhook_allow_loopback=True)
    Base.metadata.create_all(app.extensions["screening.db"].engine)
    try:
        org = _setup(app)
        client = app.test_client()
        pid = _send(client, org, greenhouse.url())
        interview = _interview(app, pid)
        with app.app_context():
            for section, score in SCORES.items():
                db.session.add(SectionScore(candidate_id=interview.candidate_id,
                                            section=section, status="scored", score=score,
                                            computed_at=utcnow()))
            enqueue(db.session, "recompute_scorecard", key=f"scorecard:{interview.candidate_id}",
                    candidate_id=interview.candidate_id)
            db.session.commit()
        deadline = time.monotonic() + 20
        while _interview(app, pid).last_patch_status is None:
            assert time.monotonic() < deadline, "the embedded runner did not send the PATCH"
            time.sleep(0.05)
        (patch,) = greenhouse.requests
        assert patch.method == "PATCH"
        assert patch.headers["Authorization"] == basic(org.write_key)["Authorization"]
        assert json.loads(patch.body)["partner_score"] == COMPOSITE
        assert _status(client, org, pid)["partner_status"] == "complete"
    finally:
        dispatcher = app.extensions["screening.dispatcher"]
        assert isinstance(dispatcher, ThreadDispatcher)
        dispatcher.shutdown()
        app.extensions["screening.db"].dispose()
