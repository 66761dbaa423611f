"""REST API v1: bearer keys (401/403), tenant scoping (404), data returned, the OpenAPI document.

Runs on SQLite and on PostgreSQL (the ``app`` fixture)."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from screening.db import db
from screening.models.api_key import ApiKey
from screening.models.audit import AuditEvent
from screening.models.candidate import Candidate, InviteToken
from screening.models.org import Organization
from screening.models.score import SectionScore
from screening.services import api_keys
from screening.services import candidates as candidate_service
from screening.services.scorecards import recompute
from tests import factories
from tests.conftest import login
from tests.integration.api.conftest import Tenant


def test_missing_malformed_and_unknown_keys_get_401_json(api: FlaskClient, tenants):
    a, _ = tenants
    tampered = a.read_key[:-1] + ("B" if a.read_key.endswith("A") else "A")
    for headers in ({}, {"Authorization": "Basic abc"}, {"Authorization": "Bearer "},
                    {"Authorization": "Bearer sk_00000000_" + "x" * 43},
                    {"Authorization": f"Bearer {tampered}"},
                    {"Authorization": f"bearer {a.read_key}x"}):
        response = api.get("/api/v1/jobs", headers=headers)
        assert response.status_code == 401, headers
        assert response.is_json and response.json["code"] == 401
        assert response.json["message"]
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert api.get("/api/v1/jobs", headers=a.headers()).status_code == 200


def test_revoked_key_is_refused_on_the_very_next_request(app: Flask, api: FlaskClient, tenants):
    a, _ = tenants
    assert api.get("/api/v1/jobs", headers=a.headers()).status_code == 200
    with app.app_context():
        api_keys.revoke(db.session, a.org_id, a.read_key_id)
        db.session.commit()
    response = api.get("/api/v1/jobs", headers=a.headers())
    assert response.status_code == 401
    assert "revoked" in response.json["message"]


def test_key_is_stored_hashed_and_last_use_recorded(app: Flask, api: FlaskClient, tenants):
    a, _ = tenants
    assert a.read_key.startswith("sk_")
    with app.app_context():
        row = db.session.get(ApiKey, a.read_key_id)
        assert row.key_hash == api_keys.hash_key(a.read_key) and a.read_key not in row.key_hash
        assert a.read_key.split("_")[1] == row.prefix
        assert row.last_used_at is None
    api.get("/api/v1/jobs", headers=a.headers())
    with app.app_context():
        assert db.session.get(ApiKey, a.read_key_id).last_used_at is not None


def test_revoking_another_orgs_key_is_refused(app: Flask, tenants):
    a, b = tenants
    with app.app_context():
        try:
            api_keys.revoke(db.session, b.org_id, a.read_key_id)
        except ValueError as exc:
            assert "no such" in str(exc)
        else:
            raise AssertionError("revoked a key of another organization")


def test_cookie_session_alone_is_not_accepted(app: Flask, api: FlaskClient, tenants):
    a, _ = tenants
    with app.app_context():
        user = factories.user(db.session.get(Organization, a.org_id), role="admin")
        email = user.email
    assert login(api, email).status_code == 302
    assert api.get(f"/recruiter/jobs/{a.job_id}").status_code == 200  # the session works
    response = api.get("/api/v1/jobs")
    assert response.status_code == 401
    ok = api.get("/api/v1/jobs", headers=a.headers())
    assert ok.status_code == 200 and "Set-Cookie" not in ok.headers
    response = api.post("/api/v1/candidates", json={"job_id": a.job_id,
                                                    "email": "x@example.com", "name": "X"})
    assert response.status_code == 401


def test_write_needs_write_scope(api: FlaskClient, tenants):
    a, _ = tenants
    body = {"job_id": a.job_id, "email": "new@example.com", "name": "New Person"}
    response = api.post("/api/v1/candidates", json=body, headers=a.headers())
    assert response.status_code == 403
    assert "write" in response.json["message"]
    assert api.post("/api/v1/candidates", json=body,
                    headers=a.headers(a.write_key)).status_code == 201


def test_foreign_ids_are_404(api: FlaskClient, tenants):
    a, b = tenants
    h = a.headers(a.write_key)
    assert api.get(f"/api/v1/jobs/{b.job_id}", headers=h).status_code == 404
    assert api.get(f"/api/v1/candidates/{b.candidate_ids[0]}", headers=h).status_code == 404
    assert api.get(f"/api/v1/scorecards?job_id={b.job_id}", headers=h).status_code == 404
    response = api.post("/api/v1/candidates", headers=h,
                        json={"job_id": b.job_id, "email": "p@example.com", "name": "P"})
    assert response.status_code == 404 and response.json["message"]
    listed = api.get(f"/api/v1/candidates?job_id={b.job_id}", headers=h).json
    assert listed["items"] == [] and listed["total"] == 0
    # and the same ids are found by their own organization
    assert api.get(f"/api/v1/jobs/{b.job_id}", headers=b.headers()).status_code == 200
    assert api.get("/api/v1/jobs/99999999999", headers=h).status_code == 404


def test_jobs_list_and_detail(api: FlaskClient, tenants):
    a, _ = tenants
    page = api.get("/api/v1/jobs", headers=a.headers()).json
    assert page["total"] == 1 and [j["id"] for j in page["items"]] == [a.job_id]
    job = api.get(f"/api/v1/jobs/{a.job_id}", headers=a.headers()).json
    assert job["title"] == "Inbound agent" and job["status"] == "open"
    assert job["sections"] == ["typing", "grammar", "math", "voice"]


def test_candidates_paginated_and_filtered(app: Flask, api: FlaskClient, tenants):
    a, _ = tenants
    with app.app_context():
        job = factories.job(db.session.get(Organization, a.org_id), "Second job")
        extra = [factories.candidate(job).id for _ in range(3)]
        db.session.get(Candidate, extra[0]).stage = "interview"
        db.session.commit()
    h = a.headers()
    everyone = api.get("/api/v1/candidates?per_page=2", headers=h).json
    assert everyone["total"] == 5 and len(everyone["items"]) == 2 and everyone["per_page"] == 2
    ids = [c["id"] for c in everyone["items"]]
    page3 = api.get("/api/v1/candidates?per_page=2&page=3", headers=h).json
    assert len(page3["items"]) == 1
    assert ids == sorted(a.candidate_ids + extra, reverse=True)[:2]
    by_job = api.get(f"/api/v1/candidates?job_id={a.job_id}", headers=h).json
    assert sorted(c["id"] for c in by_job["items"]) == sorted(a.candidate_ids)
    staged = api.get("/api/v1/candidates?stage=interview", headers=h).json
    assert [c["id"] for c in staged["items"]] == [extra[0]]


def test_invalid_arguments_are_422_with_field_errors(api: FlaskClient, tenants):
    a, _ = tenants
    h = a.headers(a.write_key)
    response = api.get("/api/v1/candidates?stage=bogus&per_page=0", headers=h)
    assert response.status_code == 422
    assert set(response.json["errors"]["query"]) == {"stage", "per_page"}
    response = api.post("/api/v1/candidates", headers=h,
                        json={"job_id": a.job_id, "email": "not-an-email", "name": ""})
    assert response.status_code == 422
    assert set(response.json["errors"]["json"]) == {"email", "name"}
    assert api.get("/api/v1/scorecards", headers=h).status_code == 422  # job_id required


def test_create_candidate_is_idempotent_and_returns_working_link(app: Flask, api: FlaskClient,
                                                                 tenants):
    a, _ = tenants
    h = a.headers(a.write_key)
    body = {"job_id": a.job_id, "email": "Invitee@Example.com", "name": "In Vitee"}
    first = api.post("/api/v1/candidates", json=body, headers=h)
    assert first.status_code == 201 and first.json["created"] is True
    assert first.json["email"] == "invitee@example.com" and first.json["source"] == "api"
    base = app.config["SCREENING"].public_base_url
    assert first.json["apply_url"].startswith(f"{base}/a/")
    again = api.post("/api/v1/candidates", json=body, headers=h)
    assert again.status_code == 200 and again.json["created"] is False
    assert again.json["id"] == first.json["id"]
    token = first.json["apply_url"].rsplit("/", 1)[1]
    with app.app_context():
        assert candidate_service.candidate_for_token(token).id == first.json["id"]
        assert db.session.scalar(select(InviteToken).where(
            InviteToken.token_hash == candidate_service.hash_token(token))) is not None
        count = len(db.session.scalars(select(Candidate).where(
            Candidate.email == "invitee@example.com")).all())
        assert count == 1
        actions = db.session.scalars(select(AuditEvent.action).where(
            AuditEvent.subject_id == first.json["id"])).all()
        assert actions == ["candidate.invited"]
    # the link opens the applicant journey (hub or its first step); a made-up token does not
    assert api.get(f"/a/{token}").status_code in (200, 302)
    assert api.get(f"/a/{token[:-4]}AAAA").status_code == 404


def test_candidate_detail_and_ranked_scorecards(app: Flask, api: FlaskClient, tenants):
    a, _ = tenants
    c1, c2 = a.candidate_ids
    with app.app_context():
        for cid, scores in ((c1, (60, 60, 60, 60)), (c2, (90, 90, 90, 90))):
            for section, score in zip(("typing", "grammar", "math", "voice"), scores,
                                      strict=True):
                db.session.add(SectionScore(candidate_id=cid, section=section, score=score,
                                            status="scored", metrics={"raw": score}))
            db.session.flush()
            recompute(db.session, cid)
        db.session.commit()
    h = a.headers()
    detail = api.get(f"/api/v1/candidates/{c2}", headers=h).json
    assert detail["id"] == c2
    assert sorted(s["section"] for s in detail["section_scores"]) == [
        "grammar", "math", "typing", "voice"]
    assert all(s["score"] == 90 for s in detail["section_scores"])
    assert detail["scorecard"]["composite"] == 90 and detail["scorecard"]["rank"] == 1
    assert detail["scorecard"]["recommendation"] == "advance"
    bare = api.get(f"/api/v1/candidates/{c1}", headers=h).json
    assert bare["scorecard"]["rank"] == 2
    ranked = api.get(f"/api/v1/scorecards?job_id={a.job_id}", headers=h).json
    assert [r["candidate_id"] for r in ranked["items"]] == [c2, c1]
    assert [r["rank"] for r in ranked["items"]] == [1, 2] and ranked["total"] == 2
    one = api.get(f"/api/v1/scorecards?job_id={a.job_id}&per_page=1&page=2", headers=h).json
    assert [r["candidate_id"] for r in one["items"]] == [c1]


def test_candidate_without_scores_has_null_scorecard(api: FlaskClient, tenants: tuple[Tenant,
                                                                                     Tenant]):
    a, _ = tenants
    detail = api.get(f"/api/v1/candidates/{a.candidate_ids[0]}", headers=a.headers()).json
    assert detail["section_scores"] == [] and detail["scorecard"] is None


def test_openapi_document_is_valid_and_complete(api: FlaskClient):
    from openapi_spec_validator import validate

    response = api.get("/api/v1/openapi.json")
    assert response.status_code == 200
    spec = response.json
    validate(spec)
    assert spec["openapi"].startswith("3.")
    assert {"/api/v1/jobs", "/api/v1/jobs/{job_id}", "/api/v1/candidates",
            "/api/v1/candidates/{candidate_id}", "/api/v1/scorecards"} <= set(spec["paths"])
    assert set(spec["paths"]["/api/v1/candidates"]) == {"get", "post"}
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    post = spec["paths"]["/api/v1/candidates"]["post"]["responses"]
    assert {"201", "200", "401", "403", "404", "422"} <= set(post)
    create = spec["components"]["schemas"]["CandidateCreate"]
    assert set(create["required"]) == {"job_id", "email", "name"}


def test_api_post_needs_no_csrf_but_pages_still_do(app: Flask, api: FlaskClient, tenants):
    a, _ = tenants
    app.config["WTF_CSRF_ENABLED"] = True
    ok = api.post("/api/v1/candidates", headers=a.headers(a.write_key),
                  json={"job_id": a.job_id, "email": "csrf@example.com", "name": "C"})
    assert ok.status_code == 201
    page = api.post("/login", data={"email": "a@example.com", "password": "x" * 12})
    assert page.status_code == 400  # CSRF still enforced on the pages
