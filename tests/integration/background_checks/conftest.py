"""Fixtures for background-check tests: two organizations with an editor, a viewer and
candidates, and helpers to sign the FCRA documents and make checks in a given status."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from flask import Flask

from screening.db import db, utcnow
from screening.models.background_check import BackgroundCheck
from screening.models.candidate import Candidate
from screening.services import background_checks as service
from screening.services import candidates as candidate_service
from tests import factories


@dataclass(frozen=True)
class World:
    """Ids and e-mails of the rows the tests use (rows themselves die with their session)."""

    editor_email: str
    viewer_email: str
    candidate_id: int
    ca_candidate_id: int
    foreign_candidate_id: int
    token: str


@pytest.fixture
def world(app: Flask) -> World:
    return make_world(app)


def make_world(app: Flask) -> World:
    """Two organizations; the first has an editor, a viewer, a Texas and a California
    applicant (the Texan holds an invite token)."""
    with app.app_context():
        org, other = factories.org(), factories.org()
        editor = factories.user(org, role="recruiter")
        viewer = factories.user(org, role="viewer")
        job = factories.job(org)
        cand = factories.candidate(job, name="Ana Lima", state="TX")
        ca_cand = factories.candidate(job, name="Bo Chen", state="CA")
        foreign = factories.candidate(factories.job(other), state="TX")
        token = candidate_service.issue_token(cand)
        db.session.commit()
        return World(editor.email, viewer.email, cand.id, ca_cand.id, foreign.id, token)


def sign_both(candidate_id: int) -> None:
    """The applicant signs the disclosure, then the authorization (inside an app context)."""
    candidate = db.session.get(Candidate, candidate_id)
    assert candidate is not None
    for kind in (service.DISCLOSURE, service.AUTHORIZATION):
        service.sign_document(db.session, candidate, kind, ip="127.0.0.1", user_agent="pytest")


def make_check(candidate_id: int, status: str, result: str | None = None,
               check_type: str = "criminal", provider: str = "manual") -> BackgroundCheck:
    """A check row put straight into ``status`` (for testing what may follow it). Commits."""
    check = BackgroundCheck(candidate_id=candidate_id, check_type=check_type, provider=provider,
                            status=status, result=result, ordered_at=utcnow())
    db.session.add(check)
    db.session.commit()
    return check
