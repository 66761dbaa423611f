"""Property-based conformance of API v1 to its own OpenAPI document (schemathesis, WSGI).

For every operation, generated requests (with a valid write key of a seeded organization) must
get no 5xx, a documented status code and content type, and a body matching the response schema.
Runs on PostgreSQL, the stricter backend (integer range, NUL bytes)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, given, settings

from screening.db import db
from screening.models.score import SectionScore
from screening.services.scorecards import recompute
from tests.conftest import _truncate_pg, build_app, close_app
from tests.integration.api.conftest import Tenant, make_tenant


@pytest.fixture
def seeded(tmp_path: Path, pg_schema: str) -> Iterator[tuple[Flask, Tenant]]:
    app = build_app(tmp_path, pg_schema)
    with app.app_context():
        tenant = make_tenant("Seeded")
        make_tenant("Other")
        for cid, score in zip(tenant.candidate_ids, (70.0, 85.0), strict=True):
            db.session.add(SectionScore(candidate_id=cid, section="typing", score=score,
                                        status="scored", metrics={"wpm": score}))
            db.session.flush()
            recompute(db.session, cid)
        db.session.commit()
    yield app, tenant
    close_app(app)
    _truncate_pg(pg_schema)


def test_api_conforms_to_its_openapi_document(seeded: tuple[Flask, Tenant]) -> None:
    app, tenant = seeded
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    headers = {"Authorization": f"Bearer {tenant.write_key}"}
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 6
    statuses: set[int] = set()

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=40, deadline=None, database=None, derandomize=True,
                  suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
        def check(case: Any) -> None:
            response = case.call_and_validate(headers=headers)
            statuses.add(response.status_code)

        check()
    # The generated requests did reach the data, not only the error paths.
    assert {200, 404} <= statuses
