"""Fixtures for the API and outbound-webhook tests: seeded organizations with keys, an app in
production mode (PostgreSQL + real Redis) that may call loopback receivers, and a real HTTP
receiver on 127.0.0.1 whose answers are scripted."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

import screening.web.recruiter.api_keys  # noqa: F401  (routes on the recruiter blueprint)
from screening.db import db
from screening.services import api_keys
from tests import factories
from tests.conftest import _truncate_pg, build_app
from tests.http_recorder import Answer, HttpServer, Recorded


@dataclass
class Tenant:
    """An organization with one job, two candidates and keys: ``read`` and ``write``."""

    org_id: int
    job_id: int
    candidate_ids: list[int]
    read_key: str
    write_key: str
    read_key_id: int

    def headers(self, key: str | None = None) -> dict[str, str]:
        return {"Authorization": f"Bearer {key or self.read_key}"}


def make_tenant(name: str) -> Tenant:
    org = factories.org(name)
    job = factories.job(org, "Inbound agent")
    candidates = [factories.candidate(job, name=f"{name} applicant {i}") for i in range(2)]
    read_row, read_key = api_keys.create_key(db.session, org.id, "reader", ["read"])
    _, write_key = api_keys.create_key(db.session, org.id, "writer", ["read", "write"])
    db.session.commit()
    return Tenant(org_id=org.id, job_id=job.id, candidate_ids=[c.id for c in candidates],
                  read_key=read_key, write_key=write_key, read_key_id=read_row.id)


@pytest.fixture
def tenants(app: Flask) -> Iterator[tuple[Tenant, Tenant]]:
    """Two organizations (``a`` and ``b``). No app context is kept: each request of the test
    gets its own, with a fresh session, as in production."""
    with app.app_context():
        pair = make_tenant("Acme"), make_tenant("Globex")
    yield pair


@pytest.fixture
def api(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def hook_app(tmp_path: Path, pg_schema: str, redis_url: str) -> Iterator[Flask]:
    """Production mode (PostgreSQL + RQ on the real Redis) with loopback receivers allowed."""
    from redis import Redis

    Redis.from_url(redis_url).flushdb()
    application = build_app(tmp_path, pg_schema, redis_url=redis_url,
                            webhook_allow_loopback=True)
    yield application
    application.extensions["screening.db"].dispose()
    Redis.from_url(redis_url).flushdb()
    _truncate_pg(pg_schema)


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes
    answered: int


@dataclass
class Receiver:
    """A real HTTP server on 127.0.0.1. ``script`` holds the status codes of the next answers
    (then ``default``); every request is recorded with the status it got."""

    url: str
    script: list[int] = field(default_factory=list)
    default: int = 200
    received: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def next_status(self) -> int:
        with self.lock:
            return self.script.pop(0) if self.script else self.default


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    holder: dict[str, Receiver] = {}

    def answer(req: Recorded) -> Answer:
        rec = holder["receiver"]
        status = rec.next_status()
        with rec.lock:
            rec.received.append(Received(req.headers, req.body, status))
        return Answer(status, {"Content-Type": "text/plain"}, b"ok")

    server = HttpServer(answer)
    holder["receiver"] = Receiver(url=f"http://127.0.0.1:{server.port}/hooks")
    yield holder["receiver"]
    server.close()
