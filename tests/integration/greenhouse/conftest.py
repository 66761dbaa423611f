"""Fixtures for the Greenhouse Assessment Partner tests: organizations with keys, a production-mode
app (PostgreSQL + RQ on the real Redis) that may call loopback URLs, and a Greenhouse-shaped
callback server on 127.0.0.1 that records the PATCH requests it gets."""

from __future__ import annotations

import base64
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from flask import Flask

from screening.db import db
from screening.services import api_keys
from tests import factories
from tests.conftest import _truncate_pg, build_app
from tests.http_recorder import Answer, HttpServer, Recorded


def basic(key: str, password: str = "") -> dict[str, str]:
    """The header Greenhouse sends: Basic base64("<key>:")."""
    token = base64.b64encode(f"{key}:{password}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


@dataclass
class Org:
    """An organization with two open jobs, one closed job and keys ``read``/``write``."""

    org_id: int
    job_ids: list[int]
    closed_job_id: int
    read_key: str
    write_key: str
    write_key_id: int

    @property
    def read(self) -> dict[str, str]:
        return basic(self.read_key)

    @property
    def write(self) -> dict[str, str]:
        return basic(self.write_key)


def make_org(name: str) -> Org:
    org = factories.org(name)
    jobs = [factories.job(org, f"{name} inbound agent"), factories.job(org, f"{name} chat agent")]
    closed = factories.job(org, f"{name} closed opening")
    closed.status = "closed"
    _, read_key = api_keys.create_key(db.session, org.id, "greenhouse-read", ["read"])
    write_row, write_key = api_keys.create_key(db.session, org.id, "greenhouse", ["write"])
    db.session.commit()
    return Org(org_id=org.id, job_ids=[j.id for j in jobs], closed_job_id=closed.id,
               read_key=read_key, write_key=write_key, write_key_id=write_row.id)


@pytest.fixture
def orgs(app: Flask) -> tuple[Org, Org]:
    with app.app_context():
        return make_org("Acme"), make_org("Globex")


@pytest.fixture
def gh_app(tmp_path: Path, pg_schema: str, redis_url: str) -> Iterator[Flask]:
    """Production mode (PostgreSQL + RQ on the real Redis) with loopback callbacks allowed."""
    from redis import Redis

    Redis.from_url(redis_url).flushdb()
    application = build_app(tmp_path, pg_schema, redis_url=redis_url,
                            webhook_allow_loopback=True,
                            public_base_url="https://screening.example.com")
    yield application
    application.extensions["screening.db"].dispose()
    Redis.from_url(redis_url).flushdb()
    _truncate_pg(pg_schema)


@dataclass
class Greenhouse:
    """A real HTTP server on 127.0.0.1 shaped like Greenhouse's take-home-test callback:
    ``PATCH /integrations/testing_partners/take_home_tests/<id>``. ``script`` holds the statuses
    of the next answers (then 200); every request is recorded."""

    base: str
    script: list[int] = field(default_factory=list)
    requests: list[Recorded] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def url(self, test_id: int = 12345) -> str:
        return f"{self.base}/integrations/testing_partners/take_home_tests/{test_id}"

    def next_status(self) -> int:
        with self.lock:
            return self.script.pop(0) if self.script else 200


@pytest.fixture
def greenhouse() -> Iterator[Greenhouse]:
    holder: dict[str, Greenhouse] = {}

    def answer(req: Recorded) -> Answer:
        gh = holder["gh"]
        with gh.lock:
            gh.requests.append(req)
        return Answer(gh.next_status())

    server = HttpServer(answer)
    holder["gh"] = Greenhouse(base=f"http://127.0.0.1:{server.port}")
    yield holder["gh"]
    server.close()
