"""The Alembic migrations build exactly the schema the models describe, on both databases."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text

import screening.models  # noqa: F401
from screening.db import Base
from screening.migrate import upgrade


def _diff(url: str) -> list[object]:
    engine = create_engine(url)
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, Base.metadata)
    engine.dispose()
    return list(diff)


def test_sqlite_migrations_match_models(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'migrated.db'}"
    upgrade(url)
    assert _diff(url) == []
    engine = create_engine(url)
    tables = set(inspect(engine).get_table_names())
    engine.dispose()
    assert set(Base.metadata.tables) <= tables


def test_postgresql_migrations_match_models(pg_url: str) -> None:
    engine = create_engine(pg_url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS migration_check CASCADE"))
        conn.execute(text("CREATE SCHEMA migration_check"))
    engine.dispose()
    url = pg_url + "?options=-csearch_path%3Dmigration_check"
    try:
        upgrade(url)
        assert _diff(url) == []
        engine = create_engine(url)
        tables = set(inspect(engine).get_table_names(schema="migration_check"))
        engine.dispose()
        assert set(Base.metadata.tables) <= tables
    finally:
        engine = create_engine(pg_url)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA migration_check CASCADE"))
        engine.dispose()


def test_a_model_change_without_migration_is_detected(tmp_path: Path) -> None:
    """The comparison itself can fail: a column missing from the database shows up."""
    url = f"sqlite:///{tmp_path / 'migrated.db'}"
    upgrade(url)
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("ALTER TABLE notes DROP COLUMN body"))
    engine.dispose()
    diff = _diff(url)
    assert any("body" in repr(d) for d in diff)
