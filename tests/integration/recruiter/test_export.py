"""CSV export: same filters as the list, formula-injection guard, isolation, audit event."""

from __future__ import annotations

import csv
import io

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from screening.db import db
from screening.models.audit import AuditEvent
from screening.services.exports import safe_cell
from tests import factories
from tests.conftest import login
from tests.integration.recruiter.conftest import scored_candidate


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_export_content_filters_guard_and_isolation(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        org, other = factories.org(), factories.org()
        user = factories.user(org)
        job, foreign = factories.job(org, "Inbound"), factories.job(other, "Other")
        good = scored_candidate(job, "Grace Hopper", email="grace@example.com", composite=88.5,
                                sections={"typing": 72.5, "grammar": None}, state="NY",
                                recommendation="advance", checks={"criminal": "complete"})
        evil = scored_candidate(job, "=HYPERLINK(\"http://x\")", email="evil@example.com",
                                composite=40.0, state="TX", recommendation="reject")
        plus = scored_candidate(job, "+1 Caller", email="plus@example.com", state="TX")
        scored_candidate(foreign, "Foreign Person", email="foreign@example.com", composite=99.0)
        ids = (user.email, user.id, org.id, good.id, evil.id, plus.id)
    email, user_id, org_id, good_id, evil_id, plus_id = ids
    login(client, email)

    response = client.get("/recruiter/candidates.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = _rows(response.text)
    assert [int(r["candidate_id"]) for r in rows] == [good_id, evil_id, plus_id]
    assert "Foreign Person" not in response.text and "foreign@example.com" not in response.text
    grace = rows[0]
    assert grace["name"] == "Grace Hopper" and grace["composite"] == "88.5"
    assert grace["typing"] == "72.5" and grace["grammar"] == "" and grace["voice"] == ""
    assert grace["recommendation"] == "advance" and grace["background_checks"] == \
        "criminal: complete"
    assert rows[1]["name"] == "'=HYPERLINK(\"http://x\")"
    assert rows[2]["name"] == "'+1 Caller"
    assert rows[2]["composite"] == ""  # not scored: empty, never 0

    filtered = _rows(client.get("/recruiter/candidates.csv?state=TX&sort=applied&dir=asc").text)
    assert [int(r["candidate_id"]) for r in filtered] == [evil_id, plus_id]

    with app.app_context():
        events = db.session.scalars(select(AuditEvent).where(
            AuditEvent.action == "candidates.exported").order_by(AuditEvent.id)).all()
        assert [(e.org_id, e.user_id) for e in events] == [(org_id, user_id)] * 2
        assert events[0].detail == {"filters": {"sort": "composite", "direction": "desc"},
                                    "count": 3}
        assert events[1].detail["filters"]["state"] == "TX"
        assert events[1].detail["count"] == 2


def test_safe_cell_guards_every_formula_prefix() -> None:
    for text in ("=1+1", "+SUM(A1)", "-2+3", "@cmd", "\tx", "\rx"):
        assert safe_cell(text) == "'" + text
    assert safe_cell("Ann") == "Ann"
    assert safe_cell(-3.5) == -3.5  # numbers stay numbers
    assert safe_cell(None) == ""
    assert safe_cell(True) == "yes"
