"""Background job functions. RQ (or the embedded thread runner) calls :func:`run_task`.

A job takes ids, loads its rows, calls a service and lets :func:`run_task` commit the results
together with the task's ``done`` mark, so a retry or a duplicate delivery never writes twice:

1. claim: ``UPDATE tasks SET status='running' WHERE key=? AND status='queued'`` (or a running
   task past its deadline); zero rows means another runner has it or it is done → return.
2. run the job function with a fresh session; it adds its writes without committing.
3. commit the writes and ``status='done'``, ``run_count+1`` in one transaction.

On an exception the task goes back to ``queued`` (or ``failed`` after the queue's last retry) and
the exception propagates so RQ's ``Retry`` (or the thread runner) tries again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from flask import Flask, current_app, has_app_context
from sqlalchemy import CursorResult, or_, select, update
from sqlalchemy.orm import Session

from screening.db import db, utcnow
from screening.models.task import Task
from screening.queues import QUEUES

log = logging.getLogger(__name__)

JobFunction = Callable[..., None]


class RetryLater(Exception):  # noqa: N818 - a signal, not an error
    """Raised by a job whose dependency is down (e.g. LanguageTool): the task goes back to
    ``queued`` and is dispatched again after ``delay_s`` seconds, without counting against the
    queue's retry budget, for as long as it takes. Nothing the job wrote is kept."""

    def __init__(self, reason: str, delay_s: float) -> None:
        super().__init__(reason)
        self.delay_s = delay_s


def backoff_s(attempt: int, *, base: float = 15.0, cap: float = 600.0) -> float:
    """Exponential backoff for :class:`RetryLater`: 15 s, 30 s, 60 s, ... capped at 10 min."""
    return float(min(cap, base * 2 ** max(0, attempt - 1)))
JOBS: dict[str, JobFunction] = {}

_worker_app: Flask | None = None


def job(name: str) -> Callable[[JobFunction], JobFunction]:
    """Register ``fn(session, **args)`` as job ``name`` (the ``func`` stored on a task)."""

    def register(fn: JobFunction) -> JobFunction:
        JOBS[name] = fn
        return fn

    return register


def set_worker_app(app: Flask) -> None:
    """Give worker processes the app whose context each job runs in."""
    global _worker_app
    _worker_app = app


def _app() -> Flask:
    if has_app_context():
        return current_app._get_current_object()  # type: ignore[attr-defined,no-any-return]
    if _worker_app is None:
        from screening import create_app

        set_worker_app(create_app())
    assert _worker_app is not None
    return _worker_app


class JobLogAdapter(logging.LoggerAdapter[logging.Logger]):
    """Prefixes every log line of a job with its task key (the RQ job id)."""

    def process(self, msg: Any, kwargs: Any) -> tuple[Any, Any]:
        return f"[{self.extra['task'] if self.extra else '?'}] {msg}", kwargs


def run_task(key: str) -> str:
    """Run the task ``key`` at most once to completion; returns its final status."""
    with _app().app_context():
        return _run_task(key)


def _run_task(key: str) -> str:
    jlog = JobLogAdapter(log, {"task": key})
    now = utcnow()
    with db.new_session() as claim:
        result: CursorResult[Any] = claim.execute(  # type: ignore[assignment]
            update(Task)
            .where(Task.key == key)
            .where(
                or_(
                    Task.status == "queued",
                    (Task.status == "running") & (Task.deadline_at < now),
                )
            )
            .values(status="running", started_at=now, attempts=Task.attempts + 1)
        )
        claimed = result.rowcount
        claim.commit()
        task = claim.scalar(select(Task).where(Task.key == key))
    if task is None:
        jlog.warning("no such task")
        return "missing"
    if not claimed:
        jlog.info("already %s; nothing to do", task.status)
        return task.status
    fn = JOBS.get(task.func)
    if fn is None:
        _finish(key, "failed", f"unknown job function {task.func!r}")
        return "failed"
    session = db.session
    try:
        jlog.info("running %s(%s)", task.func, task.args)
        fn(session, **task.args)
        session.execute(
            update(Task)
            .where(Task.key == key)
            .values(status="done", finished_at=utcnow(), run_count=Task.run_count + 1, error=None)
        )
        session.commit()
        jlog.info("done")
        return "done"
    except RetryLater as exc:
        session.rollback()
        spec = QUEUES[task.queue]
        with db.new_session() as s:
            s.execute(update(Task).where(Task.key == key).values(
                status="queued", error=f"retry later: {exc}",
                deadline_at=utcnow() + timedelta(seconds=exc.delay_s + spec.deadline)))
            s.commit()
        _app().extensions["screening.dispatcher"].dispatch(key, task.queue, exc.delay_s)
        jlog.info("dependency unavailable (%s); retrying in %.0f s", exc, exc.delay_s)
        return "retry"
    except Exception as exc:
        session.rollback()
        retries = len(QUEUES[task.queue].retry_intervals)
        final = task.attempts > retries
        _finish(key, "failed" if final else "queued", f"{type(exc).__name__}: {exc}")
        jlog.warning("failed (try %d): %s", task.attempts, exc)
        raise
    finally:
        session.close()


def _finish(key: str, status: str, error: str | None) -> None:
    with db.new_session() as s:
        s.execute(update(Task).where(Task.key == key).values(status=status, error=error))
        s.commit()


def reconcile(now_offset_s: float = 0) -> list[str]:
    """Re-dispatch tasks left ``queued`` or ``running`` past their deadline (lost in Redis, a
    killed worker, a restarted web process). Returns the keys dispatched again."""
    app = _app()
    with app.app_context():
        now = utcnow() + timedelta(seconds=now_offset_s)
        session = db.session
        stale = session.scalars(
            select(Task)
            .where(Task.status.in_(("queued", "running")))
            .where(Task.deadline_at < now)
            .order_by(Task.id)
            .limit(500)
        ).all()
        keys = []
        for task in stale:
            task.status = "queued"
            task.deadline_at = now + timedelta(seconds=QUEUES[task.queue].deadline)
            keys.append((task.key, task.queue))
        session.commit()
        dispatcher = app.extensions["screening.dispatcher"]
        for key, queue in keys:
            dispatcher.dispatch(key, queue)
        if keys:
            log.info("reconciler re-dispatched %d task(s)", len(keys))
        return [k for k, _ in keys]


def periodic() -> dict[str, int]:
    """The minute tick (RQ: a scheduled job of the workers; embedded: a timer thread):
    re-dispatch lost tasks, submit attempts past their deadline, send webhooks that are due."""
    from screening.services.attempts import expire_overdue
    from screening.services.webhooks import deliver_due

    app = _app()
    redispatched = reconcile()
    with app.app_context():
        session = db.session
        expired = expire_overdue(session)
        session.commit()
        delivered = deliver_due(session)
    if expired or delivered:
        log.info("periodic: %d attempt(s) expired, %d webhook(s) attempted", expired,
                 len(delivered))
    return {"redispatched": len(redispatched), "expired": expired, "webhooks": len(delivered)}


# --- job functions -----------------------------------------------------------------------------


@job("recompute_scorecard")
def recompute_scorecard(session: Session, candidate_id: int) -> None:
    """Recompute one candidate's scorecard and the job's ranks from stored section scores."""
    from screening.services.scorecards import recompute

    recompute(session, candidate_id)


@job("check_grammar")
def check_grammar(session: Session, check_id: int) -> None:
    """Run LanguageTool on a writing reply or voice transcript; retried while it is down."""
    from screening.grammar import GrammarUnavailable
    from screening.services.grammar_checks import run_check

    try:
        run_check(session, check_id)
    except GrammarUnavailable as exc:
        task = session.scalar(select(Task).where(Task.key == f"grammar:{check_id}"))
        raise RetryLater(str(exc), backoff_s(task.attempts if task else 1)) from exc


# Feature modules register their job functions with @job when imported.
from screening.jobs import (  # noqa: E402,F401
    background_checks,
    greenhouse,
    recruiter,
    voice,
    webhooks,
)
