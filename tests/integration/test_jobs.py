"""Background work: the RQ path on real Redis with a real worker, and the embedded thread runner.

The job used is ``recompute_scorecard``: it upserts a scorecard from stored section scores.
"Exactly once" is checked on the task row's ``run_count`` and on the scorecard rows.
"""

from __future__ import annotations

import time
from datetime import timedelta

from flask import Flask
from rq import SimpleWorker
from sqlalchemy import func, select

from screening.db import db, utcnow
from screening.jobs import reconcile, run_task, set_worker_app
from screening.models.score import Scorecard, SectionScore
from screening.models.task import Task
from screening.queues import RQDispatcher, enqueue
from tests import factories


def _candidate_with_scores(scores: dict[str, float]) -> int:
    org = factories.org()
    cand = factories.candidate(factories.job(org))
    for section, score in scores.items():
        db.session.add(SectionScore(candidate_id=cand.id, section=section, score=score,
                                    status="scored"))
    db.session.commit()
    return cand.id


def _scorecards(candidate_id: int) -> list[Scorecard]:
    db.session.expire_all()
    return list(db.session.scalars(select(Scorecard).where(Scorecard.candidate_id == candidate_id)))


def _task(key: str) -> Task:
    db.session.expire_all()
    task = db.session.scalar(select(Task).where(Task.key == key))
    assert task is not None
    return task


def test_rq_job_runs_on_real_worker_exactly_once(rq_app: Flask) -> None:
    set_worker_app(rq_app)
    with rq_app.app_context():
        cid = _candidate_with_scores({"typing": 80, "grammar": 60, "math": 70, "voice": 90})
        enqueue(db.session, "recompute_scorecard", key=f"scorecard:{cid}", candidate_id=cid)
        # Nothing is on the queue before the commit.
        dispatcher = rq_app.extensions["screening.dispatcher"]
        assert isinstance(dispatcher, RQDispatcher)
        assert dispatcher.queue("default").count == 0
        db.session.commit()
        assert dispatcher.queue("default").job_ids == [f"scorecard-{cid}"]

        worker = SimpleWorker([dispatcher.queue("default")], connection=dispatcher.connection)
        assert worker.work(burst=True)

        cards = _scorecards(cid)
        assert len(cards) == 1
        # 80·25 + 60·30 + 70·15 + 90·30 = 7550 → 75.5 over weights summing to 100
        assert cards[0].composite == 75.5
        assert cards[0].recommendation == "advance"
        assert cards[0].rank == 1
        first_computed = cards[0].computed_at
        task = _task(f"scorecard:{cid}")
        assert (task.status, task.run_count) == ("done", 1)

        # The same job delivered again (a retry, a duplicate) does nothing.
        dispatcher.dispatch(f"scorecard:{cid}", "default")
        assert worker.work(burst=True)
        assert run_task(f"scorecard:{cid}") == "done"
        task = _task(f"scorecard:{cid}")
        assert task.run_count == 1
        cards = _scorecards(cid)
        assert len(cards) == 1 and cards[0].computed_at == first_computed


def test_rq_job_failure_is_retried_then_succeeds(rq_app: Flask) -> None:
    """A job whose candidate's job profile is broken fails; fixed data lets the retry succeed."""
    set_worker_app(rq_app)
    with rq_app.app_context():
        cid = _candidate_with_scores({"typing": 50})
        from screening.models.candidate import Candidate
        from screening.models.job import Job

        job = db.session.get(Job, db.session.get(Candidate, cid).job_id)
        broken = dict(job.profile)
        broken["cutoffs"] = {"advance": 50, "review": 90}  # review above advance: invalid
        job.profile = broken
        enqueue(db.session, "recompute_scorecard", key=f"scorecard:{cid}", candidate_id=cid)
        db.session.commit()
        dispatcher = rq_app.extensions["screening.dispatcher"]
        SimpleWorker([dispatcher.queue("default")], connection=dispatcher.connection).work(
            burst=True)
        task = _task(f"scorecard:{cid}")
        assert task.status == "queued" and "review cut-off" in (task.error or "")
        assert _scorecards(cid) == []

        fixed = dict(job.profile)
        fixed["cutoffs"] = {"advance": 75, "review": 55}
        job.profile = fixed
        db.session.commit()
        assert run_task(f"scorecard:{cid}") == "done"
        assert len(_scorecards(cid)) == 1


def test_embedded_runner_runs_in_background_thread_exactly_once(app: Flask) -> None:
    with app.app_context():
        cid = _candidate_with_scores({"typing": 40, "grammar": 50})
        enqueue(db.session, "recompute_scorecard", key=f"scorecard:{cid}", candidate_id=cid)
        db.session.commit()
        deadline = time.monotonic() + 20
        while _task(f"scorecard:{cid}").status != "done":
            assert time.monotonic() < deadline, "embedded runner did not finish the task"
            time.sleep(0.05)
        # Delivered again through the embedded dispatcher: still one run, one row.
        app.extensions["screening.dispatcher"].dispatch(f"scorecard:{cid}", "default")
        app.extensions["screening.dispatcher"].pool.submit(lambda: None).result()
        time.sleep(0.2)
        assert run_task(f"scorecard:{cid}") == "done"
        task = _task(f"scorecard:{cid}")
        assert task.run_count == 1
        cards = _scorecards(cid)
        assert len(cards) == 1
        # (40·25 + 50·30) / 55 = 45.45 → 45.5 (renormalised over the available sections)
        assert cards[0].composite == 45.5
        assert cards[0].complete is False


def test_reconciler_redispatches_lost_tasks(rq_app: Flask) -> None:
    set_worker_app(rq_app)
    with rq_app.app_context():
        cid = _candidate_with_scores({"typing": 90})
        key = f"scorecard:{cid}"
        # A task recorded as running by a worker that died, its Redis job lost.
        db.session.add(Task(key=key, func="recompute_scorecard", args={"candidate_id": cid},
                            queue="default", status="running",
                            deadline_at=utcnow() - timedelta(minutes=1)))
        db.session.commit()
        dispatcher = rq_app.extensions["screening.dispatcher"]
        assert dispatcher.queue("default").count == 0
        assert reconcile() == [key]
        SimpleWorker([dispatcher.queue("default")], connection=dispatcher.connection).work(
            burst=True)
        assert _task(key).status == "done"
        assert len(_scorecards(cid)) == 1
        # Nothing left to reconcile.
        assert reconcile() == []


def test_rollback_dispatches_nothing(rq_app: Flask) -> None:
    with rq_app.app_context():
        cid = _candidate_with_scores({"typing": 90})
        enqueue(db.session, "recompute_scorecard", key=f"scorecard:{cid}", candidate_id=cid)
        db.session.rollback()
        assert rq_app.extensions["screening.dispatcher"].queue("default").count == 0
        assert db.session.scalar(select(func.count()).select_from(Task)) == 0


def test_embedded_ticker_submits_expired_attempts(tmp_path) -> None:
    """`make run`'s embedded mode runs the minute tick in-process (here every second): an
    attempt left past its deadline is submitted and scored without any request."""
    from screening.db import Base
    from screening.models.attempt import Attempt
    from screening.services.attempts import start_attempt
    from tests.conftest import build_app

    app = build_app(tmp_path, f"sqlite:///{tmp_path / 'tick.db'}", periodic_seconds=1)
    Base.metadata.create_all(app.extensions["screening.db"].engine)
    try:
        with app.app_context():
            cand = factories.candidate(factories.job(factories.org()))
            attempt = start_attempt(db.session, cand, "math")
            attempt.deadline_at = utcnow() - timedelta(minutes=5)
            db.session.commit()
            attempt_id = attempt.id
            deadline = time.monotonic() + 20
            while True:
                db.session.expire_all()
                row = db.session.get(Attempt, attempt_id)
                if row.status == "scored":
                    break
                assert time.monotonic() < deadline, "the ticker did not submit the attempt"
                time.sleep(0.2)
            assert row.auto_submitted is True
            assert db.session.scalar(select(SectionScore.score).where(
                SectionScore.candidate_id == cand.id, SectionScore.section == "math")) == 0
    finally:
        app.extensions["screening.dispatcher"].shutdown()
        app.extensions["screening.db"].dispose()
