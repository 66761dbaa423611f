"""RQ worker process: one app, models loaded once, jobs run with the scheduler enabled."""

from __future__ import annotations

import logging
from datetime import timedelta

from flask import Flask

from screening.jobs import set_worker_app
from screening.queues import RQDispatcher

log = logging.getLogger(__name__)

RECONCILE_EVERY = timedelta(seconds=60)


def schedule_reconciler(dispatcher: RQDispatcher) -> None:
    """Keep one scheduled ``reconcile`` job (fixed id, so many workers still make one)."""
    dispatcher.queue("default").enqueue_in(
        RECONCILE_EVERY, "screening.workers.reconcile_and_reschedule", job_id="reconcile",
        job_timeout=120, result_ttl=0,
    )


def reconcile_and_reschedule() -> None:
    """The minute tick run by a worker (:func:`screening.jobs.periodic`); schedules its next
    run first, under a fixed job id, so many workers still keep one."""
    from flask import current_app

    from screening.jobs import _app, periodic

    app = _app()
    with app.app_context():
        dispatcher = current_app.extensions["screening.dispatcher"]
        if isinstance(dispatcher, RQDispatcher):
            schedule_reconciler(dispatcher)
        periodic()


def run_worker(app: Flask, queues: list[str], *, burst: bool = False) -> bool:
    """Run an RQ ``Worker`` on ``queues`` until stopped (or until empty with ``burst``)."""
    from rq import Worker

    dispatcher = app.extensions["screening.dispatcher"]
    assert isinstance(dispatcher, RQDispatcher)
    set_worker_app(app)
    schedule_reconciler(dispatcher)
    worker = Worker([dispatcher.queue(q) for q in queues], connection=dispatcher.connection)
    log.info("worker listening on %s", ", ".join(queues))
    return bool(worker.work(burst=burst, with_scheduler=True))
