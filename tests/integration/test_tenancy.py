"""Organization isolation: another organization's ids answer 404 on every recruiter URL."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from screening.db import db
from screening.models.candidate import Candidate
from tests import factories
from tests.conftest import csrf_token, login


def test_foreign_ids_are_404(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        org_a, org_b = factories.org(), factories.org()
        user_a = factories.user(org_a)
        job_a, job_b = factories.job(org_a), factories.job(org_b)
        cand_a, cand_b = factories.candidate(job_a), factories.candidate(job_b)
        ids = (user_a.email, job_a.id, job_b.id, cand_a.id, cand_b.id)
    email, job_a_id, job_b_id, cand_a_id, cand_b_id = ids
    login(client, email)

    # Own rows are visible ...
    assert client.get(f"/recruiter/jobs/{job_a_id}").status_code == 200
    assert client.get(f"/recruiter/candidates/{cand_a_id}").status_code == 200
    # ... the other organization's are 404, like ids that do not exist at all.
    assert client.get(f"/recruiter/jobs/{job_b_id}").status_code == 404
    assert client.get(f"/recruiter/candidates/{cand_b_id}").status_code == 404
    assert client.get("/recruiter/candidates/999999").status_code == 404
    token = csrf_token(client.get("/recruiter/").text)
    response = client.post(f"/recruiter/candidates/{cand_b_id}/stage",
                           data={"stage": "rejected", "csrf_token": token})
    assert response.status_code == 404
    with app.app_context():
        assert db.session.get(Candidate, cand_b_id).stage == "applied"
    # The foreign job's candidates never show up in lists either.
    dashboard = client.get("/recruiter/").text
    with app.app_context():
        from screening.models.job import Job

        assert db.session.get(Job, job_b_id).title not in dashboard


def test_viewer_cannot_change_stage(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        org = factories.org()
        viewer = factories.user(org, role="viewer")
        cand = factories.candidate(factories.job(org))
        email, cand_id = viewer.email, cand.id
    login(client, email)
    page = client.get(f"/recruiter/candidates/{cand_id}")
    assert "Change stage" not in page.text
    response = client.post(f"/recruiter/candidates/{cand_id}/stage",
                           data={"stage": "interview", "csrf_token": csrf_token(page.text)})
    assert response.status_code == 403
    with app.app_context():
        assert db.session.get(Candidate, cand_id).stage == "applied"


def test_recruiter_changes_stage_and_it_is_recorded(app: Flask, client: FlaskClient) -> None:
    from sqlalchemy import select

    from screening.models.candidate import StageChange

    with app.app_context():
        org = factories.org()
        user = factories.user(org)
        cand = factories.candidate(factories.job(org))
        email, cand_id, user_id = user.email, cand.id, user.id
    login(client, email)
    page = client.get(f"/recruiter/candidates/{cand_id}")
    response = client.post(f"/recruiter/candidates/{cand_id}/stage",
                           data={"stage": "interview", "csrf_token": csrf_token(page.text)})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Candidate, cand_id).stage == "interview"
        changes = db.session.scalars(
            select(StageChange).where(StageChange.candidate_id == cand_id).order_by(StageChange.id)
        ).all()
        assert [(c.from_stage, c.to_stage, c.user_id) for c in changes] == [
            (None, "applied", None), ("applied", "interview", user_id)]
