"""The hub links to the background-check documents once they are relevant."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from screening.db import db
from screening.models.background_check import BackgroundCheck
from screening.models.candidate import Candidate
from tests.integration.applicant.helpers import ready_applicant

LINK = "Background check documents and status"


def test_link_appears_at_interview_stage_or_with_a_check(app: Flask, client: FlaskClient) -> None:
    token = ready_applicant(app, client)
    assert LINK not in client.get(f"/a/{token}").text
    with app.app_context():
        candidate = db.session.query(Candidate).one()
        candidate.stage = "interview"
        db.session.commit()
    page = client.get(f"/a/{token}")
    assert LINK in page.text
    assert client.get(f"/a/{token}/background-check").status_code == 200
    with app.app_context():
        candidate = db.session.query(Candidate).one()
        candidate.stage = "scored"
        db.session.add(BackgroundCheck(candidate_id=candidate.id, check_type="criminal"))
        db.session.commit()
    assert LINK in client.get(f"/a/{token}").text
