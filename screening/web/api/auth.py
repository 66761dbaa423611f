"""Bearer-key authentication and tenant scoping of API v1 (never cookies, never current_user).

Each request must carry ``Authorization: Bearer sk_…``; the key's organization scopes every query
(a row of another organization is answered 404). The key is kept on ``flask.g`` for the request.
"""

from __future__ import annotations

from flask import abort, g, request
from sqlalchemy import Select, select

from screening.db import db
from screening.models.api_key import ApiKey
from screening.models.candidate import Candidate
from screening.models.job import Job
from screening.services import api_keys
from screening.web.api.schemas import MAX_ID


def authenticate_request() -> None:
    """``before_request`` of every API blueprint: 401 unless a valid, unrevoked key is sent."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if not header:
        abort(401, description="Missing API key: send 'Authorization: Bearer <key>'.")
    if scheme.lower() != "bearer" or not token.strip():
        abort(401, description="Malformed Authorization header: use 'Bearer <key>'.")
    key = api_keys.authenticate(db.session, token.strip())
    if key is None:
        db.session.rollback()
        abort(401, description="Invalid or revoked API key.")
    db.session.commit()  # last_used_at (when due); ends the read transaction either way
    g.api_key = key


def current_key() -> ApiKey:
    key: ApiKey = g.api_key
    return key


def org_id() -> int:
    return current_key().org_id


def require_scope(scope: str) -> None:
    """403 unless the request's key has ``scope``."""
    if scope not in api_keys.key_scopes(current_key()):
        abort(403, description=f"This API key lacks the '{scope}' scope.")


def org_jobs() -> Select[tuple[Job]]:
    return select(Job).where(Job.org_id == org_id())


def org_candidates() -> Select[tuple[Candidate]]:
    return select(Candidate).where(Candidate.org_id == org_id())


def job_or_404(job_id: int) -> Job:
    job = None if job_id > MAX_ID else db.session.scalar(org_jobs().where(Job.id == job_id))
    if job is None:
        abort(404, description=f"No job {job_id} in your organization.")
    return job


def candidate_or_404(candidate_id: int) -> Candidate:
    candidate = None
    if candidate_id <= MAX_ID:
        candidate = db.session.scalar(org_candidates().where(Candidate.id == candidate_id))
    if candidate is None:
        abort(404, description=f"No candidate {candidate_id} in your organization.")
    return candidate
