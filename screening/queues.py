"""The one way to start background work: record a :class:`Task`, commit, then dispatch.

Callers use :func:`enqueue` inside their transaction. The task row is written in that same
transaction and handed to a dispatcher only **after** the commit succeeds (never before: a worker
must always find the rows it is given). Two dispatchers:

* :class:`RQDispatcher` (Redis configured): RQ queues ``default``, ``audio`` and ``webhooks``,
  job id derived from the task key (``transcribe:12`` → ``transcribe-12``), explicit
  timeouts, ``Retry`` with intervals.
* :class:`ThreadDispatcher` (embedded mode): the same job runner in a background thread pool of
  the web process, with the same retry intervals, so a request never waits for a job.

Both run :func:`screening.jobs.run_task`, which claims the task row so a duplicate or retried
delivery never writes results twice.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any, Protocol

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from screening.db import utcnow
from screening.models.task import Task

if TYPE_CHECKING:
    from flask import Flask

log = logging.getLogger(__name__)

RUNNER = "screening.jobs.run_task"


@dataclass(frozen=True)
class QueueSpec:
    """Per-queue limits: ``timeout`` (s) a job may run, ``retry_intervals`` (s) between tries,
    ``deadline`` (s) after which a queued or running task counts as lost."""

    timeout: int
    retry_intervals: tuple[int, ...]
    deadline: int


QUEUES: dict[str, QueueSpec] = {
    "default": QueueSpec(timeout=120, retry_intervals=(5, 30, 120), deadline=600),
    "audio": QueueSpec(timeout=600, retry_intervals=(10, 60, 300), deadline=1800),
    "webhooks": QueueSpec(timeout=60, retry_intervals=(5, 30, 120), deadline=600),
}


class Dispatcher(Protocol):
    """Hands a committed task key to whatever runs jobs."""

    def dispatch(self, key: str, queue: str, delay_s: float = 0) -> None: ...


def enqueue(
    session: Session,
    func: str,
    *,
    key: str,
    queue: str = "default",
    delay_s: float = 0,
    **args: Any,
) -> Task:
    """Record work ``func(**args)`` under ``key`` in ``session``; dispatch it after commit.

    Idempotent per key: a task already queued or running is left alone; a finished or failed one
    is queued again (e.g. a profile change asks for a fresh scorecard). ``args`` must be JSON
    (ids, not objects).
    """
    if queue not in QUEUES:
        raise ValueError(f"unknown queue {queue!r}")
    spec = QUEUES[queue]
    task = session.scalar(select(Task).where(Task.key == key))
    now = utcnow()
    if task is None:
        task = Task(key=key, func=func, args=args, queue=queue, status="queued")
        session.add(task)
    elif task.status in ("queued", "running"):
        return task
    else:
        task.status = "queued"
        task.args = args
        task.error = None
        task.attempts = 0
    task.enqueued_at = now
    task.deadline_at = now + timedelta(seconds=spec.deadline + delay_s)
    session.info.setdefault("screening_dispatch", []).append((key, queue, delay_s))
    return task


@event.listens_for(Session, "after_commit")
def _dispatch_after_commit(session: Session) -> None:
    pending: list[tuple[str, str, float]] = session.info.pop("screening_dispatch", [])
    if not pending:
        return
    dispatcher: Dispatcher | None = session.info.get("screening_dispatcher")
    if dispatcher is None:
        from flask import current_app, has_app_context

        if not has_app_context():
            log.warning("no dispatcher for %d committed task(s); the reconciler will run them",
                        len(pending))
            return
        dispatcher = current_app.extensions["screening.dispatcher"]
    for key, queue, delay_s in pending:
        try:
            dispatcher.dispatch(key, queue, delay_s)
        except Exception:
            log.exception("dispatch of %s failed; the reconciler will enqueue it again", key)


@event.listens_for(Session, "after_rollback")
def _forget_after_rollback(session: Session) -> None:
    session.info.pop("screening_dispatch", None)


def rq_job_id(key: str) -> str:
    """RQ job ids allow only letters, digits, ``_`` and ``-``.

    ``transcribe:12`` → ``transcribe-12``.
    """
    return re.sub(r"[^A-Za-z0-9_-]", "-", key)


class RQDispatcher:
    """Puts task keys on RQ queues in Redis."""

    def __init__(self, redis_url: str) -> None:
        from redis import Redis

        self.redis_url = redis_url
        self.connection = Redis.from_url(redis_url)

    def queue(self, name: str) -> Any:
        from rq import Queue

        return Queue(name, connection=self.connection)

    def dispatch(self, key: str, queue: str, delay_s: float = 0) -> None:
        from rq import Retry

        spec = QUEUES[queue]
        options: dict[str, Any] = {
            "args": (key,),
            "job_id": rq_job_id(key),
            "timeout": spec.timeout,
            "failure_ttl": 7 * 24 * 3600,
            "result_ttl": 3600,
            "retry": Retry(max=len(spec.retry_intervals), interval=list(spec.retry_intervals)),
            "description": key,
        }
        q = self.queue(queue)
        if delay_s > 0:
            q.enqueue_in(timedelta(seconds=delay_s), RUNNER, **_enqueue_in_options(options))
        else:
            q.enqueue_call(RUNNER, **options)


def _enqueue_in_options(options: dict[str, Any]) -> dict[str, Any]:
    """``enqueue_in`` takes job arguments as ``*args`` and the timeout as ``job_timeout``."""
    opts = dict(options)
    args = opts.pop("args")
    opts["job_timeout"] = opts.pop("timeout")
    return {"args": args, **opts}


class ThreadDispatcher:
    """Embedded mode: runs tasks in a small thread pool of this process, with retries."""

    def __init__(self, app: Flask, workers: int = 2) -> None:
        self.app = app
        self.pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="screening-job")
        self._timers: set[threading.Timer] = set()
        self._lock = threading.Lock()
        self._stopped = False

    def dispatch(self, key: str, queue: str, delay_s: float = 0) -> None:
        if delay_s > 0:
            self._later(delay_s, lambda: self.dispatch(key, queue))
            return
        self._submit(key, queue, 0)

    def _submit(self, key: str, queue: str, attempt: int) -> None:
        try:
            self.pool.submit(self._run, key, queue, attempt)
        except RuntimeError:  # the pool was shut down (the process is stopping)
            if not self._stopped:
                raise
            log.warning("runner stopped; %s is left for the reconciler", key)

    def _later(self, delay_s: float, fn: Callable[[], object]) -> None:
        """Call ``fn`` after ``delay_s`` seconds (a daemon timer, forgotten once it fired)."""

        def fire() -> None:
            with self._lock:
                self._timers.discard(timer)
            if not self._stopped:
                fn()

        if self._stopped:
            return

        timer = threading.Timer(delay_s, fire)
        timer.daemon = True
        with self._lock:
            self._timers.add(timer)
        timer.start()

    def _run(self, key: str, queue: str, attempt: int) -> None:
        from screening.jobs import run_task

        try:
            with self.app.app_context():
                run_task(key)
        except Exception:
            intervals = QUEUES[queue].retry_intervals
            if attempt < len(intervals):
                log.warning("task %s failed (try %d); retrying in %ss", key, attempt + 1,
                            intervals[attempt])
                self._later(intervals[attempt], lambda: self._submit(key, queue, attempt + 1))
            else:
                log.exception("task %s failed after %d tries", key, attempt + 1)

    def start_ticker(self, interval_s: float) -> None:
        """Run :func:`screening.jobs.periodic` every ``interval_s`` seconds in this process."""

        def tick() -> None:
            from screening.jobs import periodic

            try:
                with self.app.app_context():
                    periodic()
            except Exception:
                log.exception("periodic tick failed")
            finally:
                if not self._stopped:
                    self._later(interval_s, tick)

        self._later(interval_s, tick)

    def shutdown(self) -> None:
        self._stopped = True
        with self._lock:
            for timer in self._timers:
                timer.cancel()
        self.pool.shutdown(wait=True)


def make_dispatcher(app: Flask) -> Dispatcher:
    """RQ when ``SCREENING_REDIS_URL`` is set, otherwise the in-process thread runner."""
    settings = app.config["SCREENING"]
    if settings.redis_url:
        return RQDispatcher(settings.redis_url)
    dispatcher = ThreadDispatcher(app)
    if settings.periodic_seconds > 0:
        dispatcher.start_ticker(settings.periodic_seconds)
    return dispatcher
