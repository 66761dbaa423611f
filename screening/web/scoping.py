"""Tenant scoping: every lookup of tenant data goes through the current user's organization.

A row of another organization is answered exactly like a missing row (404), so ids leak nothing.
"""

from __future__ import annotations

from typing import Any, TypeVar

from flask import abort
from flask_login import current_user
from sqlalchemy import Select, select

from screening.db import db
from screening.models.candidate import Candidate
from screening.models.job import Job

T = TypeVar("T")


def current_org_id() -> int:
    org_id: int = current_user.org_id
    return org_id


def org_jobs() -> Select[tuple[Job]]:
    return select(Job).where(Job.org_id == current_org_id())


def org_candidates() -> Select[tuple[Candidate]]:
    return select(Candidate).where(Candidate.org_id == current_org_id())


def get_job_or_404(job_id: int) -> Job:
    job = db.session.scalar(org_jobs().where(Job.id == job_id))
    if job is None:
        abort(404)
    return job


def get_candidate_or_404(candidate_id: int) -> Candidate:
    candidate = db.session.scalar(org_candidates().where(Candidate.id == candidate_id))
    if candidate is None:
        abort(404)
    return candidate


def require_editor() -> None:
    """Viewers may read but not change anything: 403 for them."""
    if not current_user.can_edit:
        abort(403, description="Your role (viewer) can look but not change candidates.")


def owned(row: Any) -> Any:
    """``row`` if it belongs to the current organization, else 404."""
    if row is None or getattr(row, "org_id", None) != current_org_id():
        abort(404)
    return row
