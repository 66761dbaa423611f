"""Database foundations: the declarative base, engine and session handling, column helpers.

Models import :class:`Base` from here and nothing from Flask. Sessions follow the "SQLAlchemy in
Flask" pattern of the Flask docs: one ``scoped_session`` per app, scoped to the app context and
removed at teardown, so views, services and jobs share ``db.session`` inside one context.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import Flask, current_app, g
from sqlalchemy import JSON, DateTime, Engine, MetaData, TypeDecorator, create_engine, event
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Session, registry, scoped_session, sessionmaker
from werkzeug.local import LocalProxy

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """The current time as an aware UTC datetime."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Timestamps stored as UTC and always returned timezone-aware.

    PostgreSQL keeps ``timestamptz``; SQLite has no time zones, so values are stored as naive UTC
    and made aware again on load. Naive datetimes are refused on write to catch local-time bugs.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column; use screening.db.utcnow()")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


JSONType = JSON().with_variant(JSONB(), "postgresql")
"""JSON column type: JSONB on PostgreSQL (indexable), JSON text elsewhere."""


class Base(DeclarativeBase):
    """Declarative base for every model; constraint names follow :data:`NAMING_CONVENTION`."""

    registry = registry(
        metadata=MetaData(naming_convention=NAMING_CONVENTION),
        type_annotation_map={datetime: UTCDateTime(), dict[str, Any]: JSONType},
    )


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def make_engine(url: str) -> Engine:
    """Create the engine for ``url``; SQLite gets foreign keys, WAL and a busy timeout."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)


def _context_scope() -> int:
    """One session per app context (request, CLI command or job)."""
    try:
        return id(g._get_current_object())
    except RuntimeError:
        return 0


class Database:
    """Engine plus an app-context scoped session, attached to the app by :meth:`init_app`."""

    def __init__(self) -> None:
        self._engine: Engine | None = None
        self._factory: sessionmaker[Session] | None = None
        self._scoped: scoped_session[Session] | None = None

    def init_app(self, app: Flask) -> None:
        self._engine = make_engine(app.config["SQLALCHEMY_DATABASE_URI"])
        self._factory = sessionmaker(bind=self._engine, expire_on_commit=False)
        self._scoped = scoped_session(self._factory, scopefunc=_context_scope)
        app.extensions["screening.db"] = self

        @app.teardown_appcontext
        def _remove_session(_exc: BaseException | None) -> None:
            if self._scoped is not None:
                self._scoped.remove()

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            raise RuntimeError("database not initialised: call create_app() first")
        return self._engine

    @property
    def session(self) -> Session:
        """The session of the current app context."""
        if self._scoped is None:
            raise RuntimeError("database not initialised: call create_app() first")
        return self._scoped()

    def new_session(self) -> Session:
        """A separate session (own transaction), e.g. for a job's claim step or an audit write."""
        if self._factory is None:
            raise RuntimeError("database not initialised: call create_app() first")
        return self._factory()

    def dispose(self) -> None:
        if self._scoped is not None:
            self._scoped.remove()
        if self._engine is not None:
            self._engine.dispose()


def _current_database() -> Database:
    database: Database = current_app.extensions["screening.db"]
    return database


db: Database = LocalProxy(_current_database)  # type: ignore[assignment]
"""The current app's :class:`Database`; ``db.session`` is the app context's session."""
