"""The ``bgcheck_submit`` job on a real RQ worker (PostgreSQL + Redis): enqueued only after
commit, orders from the Checkr stand-in exactly once, and waits (RetryLater) while the
provider is unreachable."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from rq import SimpleWorker
from sqlalchemy import select

from screening.background_checks.checkr_stub import ServerThread, StubState, create_app
from screening.db import db
from screening.jobs import run_task, set_worker_app
from screening.models.background_check import BackgroundCheck
from screening.models.candidate import Candidate
from screening.models.task import Task
from screening.queues import RQDispatcher
from screening.services import background_checks as service
from tests.integration.background_checks.conftest import make_world, sign_both

API_KEY = "ck_test_rq_33b0"


@pytest.fixture
def stub() -> Iterator[tuple[str, StubState]]:
    stub_app = create_app(API_KEY)
    with ServerThread(stub_app) as server:
        yield server.url, stub_app.extensions["checkr_stub"]


def _order(app: Flask, base_url: str) -> tuple[int, RQDispatcher]:
    world = make_world(app)
    app.config.update(BGCHECK_PROVIDER="checkr", BGCHECK_CHECKR_API_KEY=API_KEY,
                      BGCHECK_CHECKR_BASE_URL=base_url, BGCHECK_CHECKR_TIMEOUT_S=2)
    set_worker_app(app)
    dispatcher = app.extensions["screening.dispatcher"]
    assert isinstance(dispatcher, RQDispatcher)
    with app.app_context():
        sign_both(world.candidate_id)
        candidate = db.session.get(Candidate, world.candidate_id)
        check = service.order_check(db.session, candidate, "employment_verification",
                                    "company", 0, user_id=None)
        db.session.flush()
        assert dispatcher.queue("default").count == 0  # nothing before the commit
        db.session.commit()
        assert dispatcher.queue("default").job_ids == [f"bgcheck-submit-{check.id}"]
        return check.id, dispatcher


def test_submit_job_orders_once_on_rq(rq_app: Flask, stub: tuple[str, StubState]) -> None:
    url, state = stub
    check_id, dispatcher = _order(rq_app, url)
    with rq_app.app_context():
        worker = SimpleWorker([dispatcher.queue("default")], connection=dispatcher.connection)
        assert worker.work(burst=True)
        check = db.session.get(BackgroundCheck, check_id)
        assert (check.status, check.provider) == ("invited", "checkr")
        assert list(state.invitations) == [check.provider_ref]
        assert state.invitations[check.provider_ref]["package"] == "employment_verification"
        # Delivered again (a retry, a duplicate): nothing is ordered twice.
        dispatcher.dispatch(f"bgcheck:submit:{check_id}", "default")
        assert worker.work(burst=True)
        assert run_task(f"bgcheck:submit:{check_id}") == "done"
        db.session.expire_all()
        task = db.session.scalar(select(Task).where(Task.key == f"bgcheck:submit:{check_id}"))
        assert (task.status, task.run_count) == ("done", 1)
        assert len(state.invitations) == 1 and len(state.candidates) == 1


def test_submit_job_waits_while_provider_is_down(rq_app: Flask) -> None:
    with ServerThread(create_app(API_KEY)) as server:
        closed_url = server.url  # closed again on exit: nothing listens there now
    check_id, dispatcher = _order(rq_app, closed_url)
    with rq_app.app_context():
        worker = SimpleWorker([dispatcher.queue("default")], connection=dispatcher.connection)
        worker.work(burst=True)
        db.session.expire_all()
        task = db.session.scalar(select(Task).where(Task.key == f"bgcheck:submit:{check_id}"))
        assert task.status == "queued" and task.error.startswith("retry later: cannot reach")
        check = db.session.get(BackgroundCheck, check_id)
        assert (check.status, check.provider_ref) == ("not_started", None)
