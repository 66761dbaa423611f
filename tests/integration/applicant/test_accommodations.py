"""Accommodations: the applicant asks for extra time (distinct from an alternative process), a
recruiter grants ×1.25 / ×1.5 / ×2 (or back to ×1) from the scorecard page, it applies to
tests started afterwards, and it never shows in the ranked list or the CSV export."""

from __future__ import annotations

import re
from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.test import TestResponse

from screening.db import db
from screening.models.audit import AuditEvent
from screening.models.candidate import Candidate
from screening.models.org import Organization
from screening.services.exports import HEADER
from tests import factories
from tests.conftest import csrf_token, login
from tests.integration.applicant.helpers import apply as apply_link
from tests.integration.applicant.helpers import (
    attempt_of,
    candidate_of,
    job_of,
    make_job,
    ready_applicant,
    start,
)


def _events(app: Flask, action: str) -> list[AuditEvent]:
    with app.app_context():
        return list(db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))


def _recruiter(app: Flask, org_id: int, role: str = "recruiter") -> FlaskClient:
    """A logged-in client of a new user with ``role`` in organization ``org_id``."""
    with app.app_context():
        org = db.session.get(Organization, org_id)
        assert org is not None
        email = factories.user(org, role=role).email
    client = app.test_client()
    assert login(client, email).status_code == 302
    return client


def _org_of_candidate(app: Flask) -> int:
    return candidate_of(app).org_id


def _grant(client: FlaskClient, candidate_id: int, factor: str) -> TestResponse:
    page = client.get(f"/recruiter/candidates/{candidate_id}")
    assert page.status_code == 200
    return client.post(f"/recruiter/candidates/{candidate_id}/accommodation",
                       data={"factor": factor, "csrf_token": csrf_token(page.text)})


def test_applicant_asks_for_extra_time_apart_from_an_alternative(
        app: Flask, client: FlaskClient) -> None:
    token = ready_applicant(app, client)
    hub = client.get(f"/a/{token}")
    assert "Ask for extra time" in hub.text and "Ask for an alternative" in hub.text
    response = client.post(f"/a/{token}/extra-time", data={
        "note": "Dyslexia: reading takes me longer.", "csrf_token": csrf_token(hub.text)})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/a/{token}")
    candidate = candidate_of(app)
    assert candidate.accommodation_requested is True
    assert candidate.accommodation_factor == 1.0  # asking changes no time limit by itself
    [event] = _events(app, "candidate.accommodation_requested")
    assert event.subject_type == "candidate" and event.subject_id == candidate.id
    assert event.detail == {"kind": "extra_time", "note": "Dyslexia: reading takes me longer."}
    hub = client.get(f"/a/{token}")
    assert 'id="extra-time-requested"' in hub.text and 'id="extra-time-form"' not in hub.text
    # the alternative process is still a separate choice
    assert 'id="alternative-form"' in hub.text
    assert "You have asked for an alternative process" not in hub.text
    client.post(f"/a/{token}/extra-time", data={"csrf_token": csrf_token(hub.text)})
    assert len(_events(app, "candidate.accommodation_requested")) == 1  # asked once
    csrf = csrf_token(hub.text)
    client.post(f"/a/{token}/alternative", data={"csrf_token": csrf})
    assert len(_events(app, "candidate.alternative_requested")) == 1
    hub = client.get(f"/a/{token}")
    assert "You have asked for an alternative process" in hub.text
    assert 'id="alternative-form"' not in hub.text
    assert client.post("/a/not-a-token/extra-time", data={"csrf_token": csrf}).status_code == 404


def test_recruiter_grants_extra_time_for_tests_started_afterwards(
        app: Flask, client: FlaskClient) -> None:
    token = ready_applicant(app, client)
    hub = client.get(f"/a/{token}")
    client.post(f"/a/{token}/extra-time", data={"csrf_token": csrf_token(hub.text)})
    candidate = candidate_of(app)
    assert start(client, token, "typing").status_code == 302  # before the grant: ×1
    recruiter = _recruiter(app, candidate.org_id)

    page = recruiter.get(f"/recruiter/candidates/{candidate.id}")
    assert 'id="accommodation-request"' in page.text
    assert "<strong>extra time</strong>" in page.text
    assert "×1 (standard)" in page.text
    response = _grant(recruiter, candidate.id, "1.5")
    assert response.status_code == 302
    assert candidate_of(app).accommodation_factor == 1.5
    [event] = _events(app, "candidate.accommodation_granted")
    assert event.detail == {"factor": 1.5, "previous": 1.0}
    assert event.subject_id == candidate.id and event.user_id is not None
    page = recruiter.get(f"/recruiter/candidates/{candidate.id}")
    assert "Time limits: ×1.5" in page.text and "granted to" in page.text

    # the applicant sees longer limits for tests not started yet; the running one is unchanged
    hub = client.get(f"/a/{token}")
    assert "×1.5" in hub.text
    rows = dict(re.findall(r'data-section="(\w+)".*?<td>([^<]*)</td>', hub.text, re.S))
    assert rows["typing"] == "2 min"  # started before the grant: keeps its 120 s
    assert rows["grammar"] == "22 min 30 s"  # 900 s × 1.5 for a start from now on
    assert start(client, token, "grammar").status_code == 302
    typing = attempt_of(app, candidate.id, "typing")
    grammar = attempt_of(app, candidate.id, "grammar")
    assert typing.deadline_at - typing.started_at == timedelta(seconds=120)
    assert grammar.deadline_at - grammar.started_at == timedelta(seconds=900 * 1.5)

    # back to ×1; ×2 then applies to the next test; setting the same factor again is a no-op
    assert _grant(recruiter, candidate.id, "2").status_code == 302
    assert start(client, token, "math").status_code == 302
    math_attempt = attempt_of(app, candidate.id, "math")
    assert math_attempt.deadline_at - math_attempt.started_at == timedelta(seconds=1200)
    assert _grant(recruiter, candidate.id, "1").status_code == 302
    assert _grant(recruiter, candidate.id, "1").status_code == 302
    assert candidate_of(app).accommodation_factor == 1.0
    details = [e.detail for e in _events(app, "candidate.accommodation_granted")]
    assert details == [{"factor": 1.5, "previous": 1.0}, {"factor": 2.0, "previous": 1.5},
                       {"factor": 1.0, "previous": 2.0}]


def test_only_editors_of_the_same_organization_may_grant(app: Flask, client: FlaskClient) -> None:
    apply_link(client, make_job(app))
    candidate = candidate_of(app)
    admin = _recruiter(app, candidate.org_id, role="admin")
    for bad in ("3", "1.75", "0", "abc", "", "nan"):
        assert _grant(admin, candidate.id, bad).status_code == 400, bad
    assert _grant(admin, candidate.id, "1.25").status_code == 302
    assert candidate_of(app).accommodation_factor == 1.25

    viewer = _recruiter(app, candidate.org_id, role="viewer")
    page = viewer.get(f"/recruiter/candidates/{candidate.id}")
    assert page.status_code == 200 and "accommodation-select" not in page.text
    assert _grant(viewer, candidate.id, "2").status_code == 403

    with app.app_context():
        other_org_id = factories.org().id
    stranger = _recruiter(app, other_org_id, role="admin")
    stranger_page = stranger.get("/recruiter/candidates")
    response = stranger.post(f"/recruiter/candidates/{candidate.id}/accommodation",
                             data={"factor": "2", "csrf_token": csrf_token(stranger_page.text)})
    assert response.status_code == 404
    assert candidate_of(app).accommodation_factor == 1.25
    assert len(_events(app, "candidate.accommodation_granted")) == 1


def test_the_factor_is_not_in_the_ranked_list_or_the_export(
        app: Flask, client: FlaskClient) -> None:
    slug = make_job(app)
    apply_link(client, slug)
    candidate = candidate_of(app)
    recruiter = _recruiter(app, job_of(app, slug).org_id)
    before = recruiter.get("/recruiter/candidates.csv").get_data(as_text=True)
    assert _grant(recruiter, candidate.id, "1.5").status_code == 302
    recruiter.get(f"/recruiter/candidates/{candidate.id}")  # shows (and uses up) the flash
    with app.app_context():
        row = db.session.get(Candidate, candidate.id)
        assert row is not None and row.accommodation_factor == 1.5
    after = recruiter.get("/recruiter/candidates.csv").get_data(as_text=True)
    assert after == before  # the export of this candidate is exactly the same
    header = after.splitlines()[0].split(",")
    assert list(HEADER) == header
    assert not any("accommodation" in name or "extra" in name or "factor" in name
                   for name in header)
    assert "1.5" not in after.splitlines()[1]
    listing = recruiter.get("/recruiter/candidates").text
    assert f'data-candidate-id="{candidate.id}"' in listing
    assert "accommodation" not in listing.lower() and "×1.5" not in listing
    assert "extra time" not in listing.lower()
