"""Candidates: applying (idempotent per job and e-mail) and invite tokens."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import NamedTuple

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from screening.db import db, utcnow
from screening.models.candidate import Candidate, InviteToken, StageChange
from screening.models.job import Job
from screening.services import webhooks
from screening.services.orgs import ServiceError

TOKEN_TTL = timedelta(days=30)


def hash_token(token: str) -> str:
    """Invite tokens are stored as their SHA-256 hex digest only."""
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(candidate: Candidate, ttl: timedelta = TOKEN_TTL) -> str:
    """Create a new invite token for ``candidate``; the plain token is returned once."""
    token = secrets.token_urlsafe(32)
    db.session.add(InviteToken(candidate_id=candidate.id, token_hash=hash_token(token),
                               expires_at=utcnow() + ttl))
    return token


def applicant_link(public_base_url: str, token: str) -> str:
    """The applicant's personal link for ``token``: their hub, ``<base>/a/<token>``."""
    return f"{public_base_url}/a/{token}"


TOKEN_TOUCH_EVERY = timedelta(minutes=5)
"""``last_used_at`` is refreshed at most this often, so autosaves do not each write the token."""


class TokenOwner(NamedTuple):
    """Who an invite token belongs to, and until when (UTC) it is valid."""

    candidate: Candidate
    job: Job
    expires_at: datetime


def applicant_for_token(token: str) -> TokenOwner | None:
    """The candidate an unexpired token belongs to and their job (one query), or None."""
    row = db.session.execute(
        select(InviteToken, Candidate, Job)
        .join(Candidate, Candidate.id == InviteToken.candidate_id)
        .join(Job, Job.id == Candidate.job_id)
        .where(InviteToken.token_hash == hash_token(token))
    ).first()
    now = utcnow()
    if row is None or row.InviteToken.expires_at < now:
        return None
    used = row.InviteToken.last_used_at
    if used is None or now - used > TOKEN_TOUCH_EVERY:
        row.InviteToken.last_used_at = now
    return TokenOwner(row.Candidate, row.Job, row.InviteToken.expires_at)


def candidate_for_token(token: str) -> Candidate | None:
    """The candidate an unexpired token belongs to, or None."""
    found = applicant_for_token(token)
    return found.candidate if found else None


def apply(job: Job, *, email: str, name: str, source: str = "apply_link") -> tuple[Candidate, bool]:
    """The candidate for (job, e-mail), created if new. Returns (candidate, created).

    Applying twice resumes the first application; concurrent duplicates resolve to one row.
    """
    email = email.strip().lower()
    name = name.strip()
    if "@" not in email or len(email) > 320:
        raise ServiceError("Please enter a valid e-mail address.")
    if not name:
        raise ServiceError("Please enter your name.")
    if job.status != "open":
        raise ServiceError("This job is no longer accepting applications.")
    existing = db.session.scalar(
        select(Candidate).where(Candidate.job_id == job.id, func.lower(Candidate.email) == email)
    )
    if existing is not None:
        return existing, False
    candidate = Candidate(org_id=job.org_id, job_id=job.id, email=email, name=name, source=source)
    try:
        with db.session.begin_nested():
            db.session.add(candidate)
            db.session.flush()
    except IntegrityError:
        found = db.session.scalar(
            select(Candidate).where(Candidate.job_id == job.id, Candidate.email == email)
        )
        if found is None:
            raise
        return found, False
    db.session.add(StageChange(candidate_id=candidate.id, from_stage=None, to_stage="applied"))
    webhooks.emit(db.session, candidate.org_id, "candidate.applied",
                  {"candidate_id": candidate.id, "job_id": job.id, "source": source,
                   "stage": candidate.stage},
                  ordering_key=f"candidate:{candidate.id}")
    return candidate, True
