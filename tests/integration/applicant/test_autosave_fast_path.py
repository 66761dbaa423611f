"""The autosave hot path (:mod:`screening.services.autosave`): one statement once the attempt is
known, and never a different answer from the full path."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, select

from screening.db import db, utcnow
from screening.models.attempt import Attempt, Response
from screening.models.score import SectionScore
from screening.services import autosave
from tests.integration.applicant.helpers import (
    attempt_of,
    candidate_of,
    put_answer,
    ready_applicant,
    start,
)


@contextmanager
def _statements(app: Flask) -> Iterator[list[str]]:
    """The SQL statements the app's engine runs inside the block."""
    seen: list[str] = []
    engine = app.extensions["screening.db"].engine

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def _kept(app: Flask) -> autosave.OpenAttempts:
    kept: autosave.OpenAttempts = app.extensions["screening.open_attempts"]
    return kept


def _started(app: Flask, client: FlaskClient) -> tuple[str, Attempt]:
    token = ready_applicant(app, client)
    assert start(client, token, "math").status_code == 302
    return token, attempt_of(app, candidate_of(app).id, "math")


def test_saves_after_the_first_take_one_statement(app: Flask, client: FlaskClient) -> None:
    token, attempt = _started(app, client)
    with _statements(app) as first:
        assert put_answer(client, token, "math", "m1", 12.5, 1).get_json()["saved"] is True
    assert len(first) >= 3  # token + candidate + job, attempt lock, upsert
    assert len(_kept(app)) == 1
    with _statements(app) as second:
        response = put_answer(client, token, "math", "m2", 7, 1)
    assert response.status_code == 200
    body = response.get_json()
    assert body["saved"] is True and body["seq"] == 1 and 590 <= body["remaining_s"] <= 600
    assert len(second) == 1 and second[0].lstrip().upper().startswith("WITH")
    with app.app_context():
        row = db.session.scalar(select(Response).where(Response.attempt_id == attempt.id,
                                                       Response.item_id == "m2"))
        assert row is not None and row.value == {"v": 7.0} and row.client_seq == 1


def test_the_fast_path_answers_like_the_full_path(app: Flask, client: FlaskClient) -> None:
    """Stale seqs, bad answers and unknown items on a known attempt get the full path's
    answers, and nothing stored changes."""
    token, attempt = _started(app, client)
    assert put_answer(client, token, "math", "m1", 3, 5).get_json()["saved"] is True
    stale = put_answer(client, token, "math", "m1", 4, 5)
    assert stale.status_code == 200 and stale.get_json()["saved"] is False
    bad = put_answer(client, token, "math", "m1", "three", 6)
    assert bad.status_code == 422 and bad.get_json()["error"] == "invalid_answer"
    unknown = put_answer(client, token, "math", "zz9", 1, 7)
    assert unknown.status_code == 422
    other = client.put(f"/a/{token}/sections/typing/answers/m1", json={"value": 1, "seq": 8})
    assert other.status_code == 409 and other.get_json()["error"] == "not_started"
    with app.app_context():
        rows = db.session.scalars(select(Response).where(Response.attempt_id == attempt.id))
        assert [(r.item_id, r.value, r.client_seq) for r in rows] == [("m1", {"v": 3.0}, 5)]


def test_a_submitted_attempt_refuses_saves_it_had_accepted(app: Flask,
                                                          client: FlaskClient) -> None:
    token, attempt = _started(app, client)
    assert put_answer(client, token, "math", "m1", 3, 1).get_json()["saved"] is True
    assert len(_kept(app)) == 1
    submitted = client.post(f"/a/{token}/sections/math/submit", json={})
    assert submitted.status_code == 200
    late = put_answer(client, token, "math", "m1", 4, 2)
    assert late.status_code == 409 and late.get_json()["error"] == "attempt_closed"
    assert "already submitted" in late.get_json()["message"]
    assert len(_kept(app)) == 0
    with app.app_context():
        row = db.session.scalar(select(Response).where(Response.attempt_id == attempt.id))
        assert row is not None and row.value == {"v": 3.0} and row.client_seq == 1


def test_an_entry_past_its_token_expiry_is_not_used(app: Flask, client: FlaskClient) -> None:
    token, attempt = _started(app, client)
    kept = autosave.OpenAttempts()
    with app.app_context():
        row = db.session.get(Attempt, attempt.id)
        assert row is not None
        kept.remember(token, utcnow() - timedelta(seconds=1), row)
        engine = db.engine
    assert autosave.save_fast(engine, kept, token, "math", "m1", 1, 1) is None
    kept.remember(token, utcnow() + timedelta(days=1), row)
    assert autosave.save_fast(engine, kept, token, "math", "m1", 1, 1) == row.deadline_at


def test_every_acknowledged_save_is_scored_when_submit_races_saves(pg_app: Flask) -> None:
    """Saves on known attempts hold the attempt row FOR SHARE: a submit waits for saves in
    flight, and saves after it are refused, so what was acknowledged is what gets scored."""
    client = pg_app.test_client()
    token, attempt = _started(pg_app, client)
    assert put_answer(client, token, "math", "m1", 1, 1).status_code == 200  # known now
    item_ids = [p["id"] for p in attempt.answer_key["problems"]]
    acknowledged: dict[str, float] = {}
    lock = threading.Lock()
    go = threading.Event()

    def keep_saving(item_id: str) -> int:
        own = pg_app.test_client()
        go.wait(timeout=30)
        for n in range(2, 100_000):
            value = n % 1440  # a number every unit accepts (clock: minutes after midnight)
            response = put_answer(own, token, "math", item_id, value, n)
            if response.status_code == 409:
                return n
            assert response.status_code == 200 and response.get_json()["saved"] is True
            with lock:
                acknowledged[item_id] = float(value)
        raise AssertionError("the attempt was never closed")

    with ThreadPoolExecutor(max_workers=len(item_ids)) as pool:
        futures = [pool.submit(keep_saving, item_id) for item_id in item_ids]
        go.set()
        threading.Event().wait(0.5)
        assert client.post(f"/a/{token}/sections/math/submit", json={}).status_code == 200
        for future in futures:
            assert future.result(timeout=60) > 2  # every item saved at least once, then 409

    with pg_app.app_context():
        score = db.session.scalar(select(SectionScore).where(
            SectionScore.candidate_id == attempt.candidate_id, SectionScore.section == "math"))
        assert score is not None and score.metrics is not None
        given = {item["id"]: item["given"] for item in score.metrics["items"]}
    assert given == acknowledged
