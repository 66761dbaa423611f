"""Concurrent starts of one section on PostgreSQL: exactly one attempt is created."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from flask import Flask
from sqlalchemy import func, select

from screening.db import db
from screening.models.attempt import Attempt
from screening.models.candidate import Candidate, StageChange
from screening.services import attempts as attempt_service
from tests import factories

THREADS = 20


def test_twenty_concurrent_starts_create_one_attempt(pg_app: Flask) -> None:
    with pg_app.app_context():
        candidate_id = factories.candidate(factories.job(factories.org())).id
    barrier = threading.Barrier(THREADS)

    def start_once() -> int:
        with pg_app.app_context():  # own app context, own session, own connection
            candidate = db.session.get(Candidate, candidate_id)
            assert candidate is not None
            barrier.wait(timeout=30)
            attempt = attempt_service.start_attempt(db.session, candidate, "math")
            return attempt.id

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        ids = list(pool.map(lambda _: start_once(), range(THREADS)))

    assert len(ids) == THREADS
    assert len(set(ids)) == 1
    with pg_app.app_context():
        count = db.session.scalar(select(func.count()).select_from(Attempt)
                                  .where(Attempt.candidate_id == candidate_id))
        assert count == 1
        candidate = db.session.get(Candidate, candidate_id)
        assert candidate is not None and candidate.stage == "assessing"
        moves = db.session.scalar(select(func.count()).select_from(StageChange).where(
            StageChange.candidate_id == candidate_id, StageChange.to_stage == "assessing"))
        assert moves == 1


def test_concurrent_submits_score_once(pg_app: Flask) -> None:
    """Double-clicked or retried submits: the attempt row lock lets exactly one score it."""
    from screening.models.score import SectionScore

    with pg_app.app_context():
        candidate = factories.candidate(factories.job(factories.org()))
        attempt_id = attempt_service.start_attempt(db.session, candidate, "math").id
        candidate_id = candidate.id
    workers = 8
    barrier = threading.Barrier(workers)

    def submit_once() -> int:
        with pg_app.app_context():
            attempt = db.session.get(Attempt, attempt_id)
            assert attempt is not None
            barrier.wait(timeout=30)
            score = attempt_service.submit_attempt(db.session, attempt)
            db.session.commit()
            return score.id

    with ThreadPoolExecutor(max_workers=workers) as pool:
        ids = list(pool.map(lambda _: submit_once(), range(workers)))

    assert len(set(ids)) == 1
    with pg_app.app_context():
        count = db.session.scalar(select(func.count()).select_from(SectionScore)
                                  .where(SectionScore.candidate_id == candidate_id))
        assert count == 1
        attempt = db.session.get(Attempt, attempt_id)
        assert attempt is not None and attempt.status == "scored"
