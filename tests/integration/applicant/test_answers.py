"""Autosave, deadlines and knockouts over HTTP."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select, update

from screening.db import db, utcnow
from screening.models.attempt import Attempt, Response
from screening.models.candidate import Candidate, Consent
from screening.models.score import SectionScore
from tests.conftest import csrf_token
from tests.integration.applicant.helpers import (
    answer_eligibility,
    apply,
    attempt_of,
    candidate_of,
    give_consents,
    make_job,
    put_answer,
    ready_applicant,
    start,
)


def _move_deadline(app: Flask, attempt_id: int, seconds_ago: float) -> None:
    """Put the attempt's deadline in the past (beyond the grace period) instead of sleeping."""
    with app.app_context():
        db.session.execute(update(Attempt).where(Attempt.id == attempt_id)
                           .values(deadline_at=utcnow() - timedelta(seconds=seconds_ago)))
        db.session.commit()


def _stored(app: Flask, attempt_id: int, item_id: str) -> Response:
    with app.app_context():
        row = db.session.scalar(select(Response).where(Response.attempt_id == attempt_id,
                                                       Response.item_id == item_id))
        assert row is not None
        return row


def test_lower_seq_never_overwrites_a_newer_answer(app: Flask, client: FlaskClient) -> None:
    token = ready_applicant(app, client)
    assert start(client, token, "math").status_code == 302
    attempt = attempt_of(app, candidate_of(app).id, "math")
    first = put_answer(client, token, "math", "m1", 12.5, 5)
    assert first.status_code == 200 and first.get_json()["saved"] is True
    assert 0 < first.get_json()["remaining_s"] <= 600
    stale = put_answer(client, token, "math", "m1", 99, 3)
    assert stale.status_code == 200 and stale.get_json()["saved"] is False
    retry = put_answer(client, token, "math", "m1", 77, 5)  # same seq again: no change
    assert retry.status_code == 200 and retry.get_json()["saved"] is False
    row = _stored(app, attempt.id, "m1")
    assert row.value == {"v": 12.5} and row.client_seq == 5
    newer = put_answer(client, token, "math", "m1", 13.75, 6)
    assert newer.get_json()["saved"] is True
    row = _stored(app, attempt.id, "m1")
    assert row.value == {"v": 13.75} and row.client_seq == 6
    with app.app_context():
        count = db.session.scalar(select(func.count()).select_from(Response)
                                  .where(Response.attempt_id == attempt.id))
        assert count == 1


def test_bad_requests_get_clear_errors(app: Flask, client: FlaskClient) -> None:
    token = ready_applicant(app, client)
    url = f"/a/{token}/sections/math/answers/m1"
    not_started = client.put(url, json={"value": "1", "seq": 1})
    assert not_started.status_code == 409 and not_started.get_json()["error"] == "not_started"
    assert start(client, token, "math").status_code == 302
    form = client.put(url, data="value=1&seq=1", content_type="application/x-www-form-urlencoded")
    assert form.status_code == 415
    assert client.put(url, data="{not json", content_type="application/json").status_code == 400
    assert client.put(url, json={"value": "1"}).status_code == 400
    assert client.put(url, json={"value": "1", "seq": -1}).status_code == 400
    assert client.put(url, json={"value": "1", "seq": True}).status_code == 400
    bad = client.put(url, json={"value": "twelve", "seq": 1})
    assert bad.status_code == 422 and bad.get_json()["error"] == "invalid_answer"
    assert "'twelve' is not a" in bad.get_json()["message"]  # a number or a time of day
    unknown = client.put(f"/a/{token}/sections/math/answers/zz9", json={"value": "1", "seq": 1})
    assert unknown.status_code == 422
    assert client.put(f"/a/{token}/sections/voice/answers/x", json={"value": 1, "seq": 1}
                      ).status_code == 404
    assert client.put("/a/not-a-token/sections/math/answers/m1", json={"value": 1, "seq": 1}
                      ).status_code == 404
    # the page's form post of submit needs its CSRF token (only JSON posts go without)
    no_token = client.post(f"/a/{token}/sections/math/submit", data={})
    assert no_token.status_code == 400 and "Reload the page" in no_token.text
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Response)) == 0
        assert db.session.scalar(select(Attempt.status)) == "in_progress"


def test_late_answer_is_refused_with_409(app: Flask, client: FlaskClient) -> None:
    token = ready_applicant(app, client)
    assert start(client, token, "math").status_code == 302
    attempt = attempt_of(app, candidate_of(app).id, "math")
    assert put_answer(client, token, "math", "m1", 1, 1).status_code == 200
    _move_deadline(app, attempt.id, seconds_ago=60)
    late = put_answer(client, token, "math", "m2", "2.00", 1)
    assert late.status_code == 409
    body = late.get_json()
    assert body["error"] == "attempt_closed" and "Time is up" in body["message"]
    with app.app_context():
        row = db.session.get(Attempt, attempt.id)
        assert row is not None and row.status == "scored" and row.auto_submitted
        assert db.session.scalar(select(func.count()).select_from(Response)
                                 .where(Response.item_id == "m2")) == 0
    # submitting, later autosaves and signals are all refused politely, nothing changes
    again = put_answer(client, token, "math", "m1", 3, 2)
    assert again.status_code == 409 and "Time is up" in again.get_json()["message"]
    assert client.post(f"/a/{token}/sections/math/integrity",
                       json={"kind": "blur"}).status_code == 409
    assert client.post(f"/a/{token}/sections/math/submit", json={}).status_code == 200
    assert _stored(app, attempt.id, "m1").value == {"v": 1.0}


def test_answer_within_grace_period_is_accepted(app: Flask, client: FlaskClient) -> None:
    token = ready_applicant(app, client)
    assert start(client, token, "math").status_code == 302
    attempt = attempt_of(app, candidate_of(app).id, "math")
    _move_deadline(app, attempt.id, seconds_ago=2)  # network slack: GRACE is 10 s
    response = put_answer(client, token, "math", "m1", 1, 1)
    assert response.status_code == 200 and response.get_json()["remaining_s"] == 0


def test_expired_attempt_is_submitted_on_next_access(app: Flask, client: FlaskClient) -> None:
    token = ready_applicant(app, client)
    assert start(client, token, "grammar").status_code == 302
    candidate_id = candidate_of(app).id
    attempt = attempt_of(app, candidate_id, "grammar")
    right = attempt.answer_key["choices"][0]
    assert put_answer(client, token, "grammar", right["id"], right["answer_index"], 1
                      ).status_code == 200
    _move_deadline(app, attempt.id, seconds_ago=120)
    with app.app_context():  # nothing happens by itself (no worker in this test) ...
        row = db.session.get(Attempt, attempt.id)
        assert row is not None and row.status == "in_progress"
    hub = client.get(f"/a/{token}")  # ... the next visit submits it
    assert hub.status_code == 200
    assert 'data-section="grammar" data-state="submitted"' in hub.text
    with app.app_context():
        row = db.session.get(Attempt, attempt.id)
        assert row is not None and row.status == "scored" and row.auto_submitted
        assert row.submitted_at is not None
        score = db.session.scalar(select(SectionScore).where(
            SectionScore.candidate_id == candidate_id, SectionScore.section == "grammar"))
        assert score is not None and score.status == "scored"
        assert score.metrics is not None and score.metrics["correct"] == 1
    page = client.get(f"/a/{token}/sections/grammar")
    assert page.status_code == 200 and "submitted for you" in page.text


def test_knocked_out_applicant_cannot_reach_the_tests(app: Flask, client: FlaskClient) -> None:
    slug = make_job(app, allowed_states=["TX", "FL"], min_weekly_hours=20)
    token = apply(client, slug)
    response = answer_eligibility(client, token, state="OH", weekly_hours="10")
    assert response.status_code == 302
    hub = client.get(f"/a/{token}")
    assert hub.status_code == 200
    assert "Thank you for applying" in hub.text
    assert "This job is open to residents of Florida and Texas; you told us you live in Ohio." \
        in hub.text
    assert "Open the" not in hub.text and "/sections/" not in hub.text
    with app.app_context():
        candidate = db.session.scalar(select(Candidate))
        assert candidate is not None and candidate.knocked_out and candidate.state == "OH"
        assert candidate.knockout_reasons is not None
        assert candidate.knockout_reasons["rules"] == ["allowed_states", "min_weekly_hours"]
        assert len(candidate.knockout_reasons["reasons"]) == 2
    page = client.get(f"/a/{token}/sections/math")
    assert page.status_code == 403 and "Thank you for applying" in page.text
    token_form = csrf_token(client.get(f"/apply/{slug}").text)
    assert client.post(f"/a/{token}/sections/math/start",
                       data={"csrf_token": token_form}).status_code == 403
    assert put_answer(client, token, "math", "m1", "1", 1).status_code == 403
    assert client.post(f"/a/{token}/sections/math/integrity",
                       json={"kind": "blur"}).status_code == 403
    assert client.post(f"/a/{token}/sections/math/submit", json={}).status_code == 403
    # consents are not offered and answering again does not change the decision
    assert client.get(f"/a/{token}/consents").status_code == 302
    refused = client.post(f"/a/{token}/consents", data={
        "voice_recording": "yes", "automated_assessment": "yes", "terms": "yes",
        "csrf_token": token_form})
    assert refused.status_code == 302 and refused.headers["Location"].endswith(f"/a/{token}")
    again = client.post(f"/a/{token}/eligibility",
                        data={"state": "TX", "weekly_hours": "40", "csrf_token": token_form})
    assert again.status_code == 302
    with app.app_context():
        candidate = db.session.scalar(select(Candidate))
        assert candidate is not None and candidate.knocked_out and candidate.state == "OH"
        assert db.session.scalar(select(func.count()).select_from(Attempt)) == 0
        assert db.session.scalar(select(func.count()).select_from(Consent)) == 0


def test_eligibility_form_errors_are_explained(app: Flask, client: FlaskClient) -> None:
    slug = make_job(app)
    token = apply(client, slug)
    response = answer_eligibility(client, token, state="", weekly_hours="lots")
    assert response.status_code == 422
    assert "Please choose the US state where you live." in response.text
    assert "Please enter a number for hours per week." in response.text
    with app.app_context():
        candidate = db.session.scalar(select(Candidate))
        assert candidate is not None and candidate.eligibility is None
    assert answer_eligibility(client, token).status_code == 302
    assert give_consents(client, token).status_code == 302
