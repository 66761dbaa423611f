"""Shared fixtures: apps on SQLite and on the real PostgreSQL, a real Redis, factories.

The PostgreSQL and Redis servers are started by ``scripts/services.sh`` (``make test`` does it)
and found through ``SCREENING_TEST_DATABASE_URL`` / ``SCREENING_TEST_REDIS_URL``. If they are
missing the tests FAIL with a message saying how to start them; they are never skipped.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from screening import create_app
from screening.config import load_settings
from screening.db import Base, db
from screening.queues import ThreadDispatcher
from tests import factories

ROOT = Path(__file__).resolve().parent.parent


def _required_env(name: str) -> str:
    import os

    value = os.environ.get(name)
    if not value:
        pytest.fail(
            f"{name} is not set: start the test services with `scripts/services.sh start` and "
            f"export the variables of `scripts/services.sh env` (make test does both)",
            pytrace=False,
        )
    return value


@pytest.fixture(scope="session")
def pg_url() -> str:
    url = _required_env("SCREENING_TEST_DATABASE_URL")
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:  # pragma: no cover - environment problem
        pytest.fail(f"PostgreSQL at {make_url(url)!r} is not reachable: {exc}", pytrace=False)
    finally:
        engine.dispose()
    return url


@pytest.fixture(scope="session")
def redis_url() -> str:
    from redis import Redis

    url = _required_env("SCREENING_TEST_REDIS_URL")
    try:
        Redis.from_url(url).ping()
    except Exception as exc:  # pragma: no cover - environment problem
        pytest.fail(f"Redis at {url} is not reachable: {exc}", pytrace=False)
    return url


@pytest.fixture(scope="session")
def pg_schema(pg_url: str) -> str:
    """A PostgreSQL database with every table, created once per test session."""
    import screening.models  # noqa: F401

    engine = create_engine(pg_url)
    Base.metadata.drop_all(engine)
    with engine.begin() as conn:
        conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
    Base.metadata.create_all(engine)
    engine.dispose()
    return pg_url


def _truncate_pg(url: str) -> None:
    engine = create_engine(url)
    names = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    engine.dispose()


def build_app(
    tmp_path: Path, database_url: str, *, redis_url: str | None = None, **overrides: Any
) -> Flask:
    env = {"SCREENING_INSTANCE_DIR": str(tmp_path / "instance"),
           "SCREENING_SECRET_KEY": "test-secret-key-0123456789"}
    settings = replace(
        load_settings(env),
        database_url=database_url,
        redis_url=redis_url,
        secure_cookies=False,
        **{"periodic_seconds": 0, **overrides},
    )
    app = create_app(settings)
    app.config.update(TESTING=True, SERVER_NAME="localhost")
    return app


def close_app(app: Flask) -> None:
    """Stop an app's background work, then its database pool (in that order: a job thread
    still running would keep a connection the disposed pool no longer owns)."""
    dispatcher = app.extensions["screening.dispatcher"]
    if isinstance(dispatcher, ThreadDispatcher):
        dispatcher.shutdown()
    app.extensions["screening.db"].dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest) -> str:
    """Runs a database test once on SQLite and once on PostgreSQL."""
    return str(request.param)


@pytest.fixture
def app(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Flask]:
    if backend == "postgresql":
        url = request.getfixturevalue("pg_schema")
    else:
        url = f"sqlite:///{tmp_path / 'test.db'}"
    application = build_app(tmp_path, url)
    if backend == "sqlite":
        import screening.models  # noqa: F401

        Base.metadata.create_all(application.extensions["screening.db"].engine)
    yield application
    close_app(application)
    if backend == "postgresql":
        _truncate_pg(url)


@pytest.fixture
def pg_app(tmp_path: Path, pg_schema: str) -> Iterator[Flask]:
    """An app on PostgreSQL only (for tests that need its concurrency)."""
    application = build_app(tmp_path, pg_schema)
    yield application
    close_app(application)
    _truncate_pg(pg_schema)


@pytest.fixture
def rq_app(tmp_path: Path, pg_schema: str, redis_url: str) -> Iterator[Flask]:
    """An app in production mode: PostgreSQL plus RQ on the real Redis (flushed first)."""
    from redis import Redis

    Redis.from_url(redis_url).flushdb()
    application = build_app(tmp_path, pg_schema, redis_url=redis_url)
    yield application
    application.extensions["screening.db"].dispose()
    Redis.from_url(redis_url).flushdb()
    _truncate_pg(pg_schema)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def ctx(app: Flask) -> Iterator[None]:
    with app.app_context():
        yield
        db.session.rollback()


CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_token(html: str) -> str:
    match = CSRF_RE.search(html)
    assert match, "no CSRF token in page"
    return match.group(1)


def login(client: FlaskClient, email: str, password: str = factories.PASSWORD) -> Any:
    page = client.get("/login")
    return client.post(
        "/login",
        data={"email": email, "password": password, "csrf_token": csrf_token(page.text)},
    )


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[Any]:
    """A headless Debian Chromium driven by Selenium (see tests/browser.py)."""
    from tests.browser import chrome

    with chrome(tmp_path / "chrome") as driver:
        yield driver


@pytest.fixture
def live(tmp_path: Path) -> Iterator[tuple[Flask, str]]:
    """The embedded app (SQLite, in-process jobs) on a real HTTP server; (app, base URL)."""
    import screening.models  # noqa: F401
    from tests.browser import LiveServer

    application = build_app(tmp_path, f"sqlite:///{tmp_path / 'live.db'}")
    Base.metadata.create_all(application.extensions["screening.db"].engine)
    with LiveServer(application) as site:
        yield application, site.url
    close_app(application)
