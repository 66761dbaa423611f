"""Builders for the recruiter-workspace tests: candidates with scores, checks and attempts.

Rows are written with the models directly (the applicant flow is tested elsewhere); every
builder commits. Call them inside ``app.app_context()``.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from screening.db import db, utcnow
from screening.models.background_check import BackgroundCheck
from screening.models.candidate import Candidate
from screening.models.job import Job
from screening.models.score import Scorecard, SectionScore
from tests import factories

BASE_TIME = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)


def scored_candidate(
    job: Job,
    name: str,
    *,
    email: str | None = None,
    composite: float | None = None,
    sections: dict[str, float | None] | None = None,
    stage: str | None = None,
    state: str | None = None,
    recommendation: str | None = None,
    flagged: bool = False,
    checks: dict[str, str] | None = None,
    applied_days: int = 0,
) -> Candidate:
    """A candidate of ``job`` applied ``applied_days`` after :data:`BASE_TIME` with an
    optional scorecard (``composite``), section scores (None = pending) and background
    checks (``{check_type: status}``)."""
    extra: dict[str, Any] = {"applied_at": BASE_TIME + timedelta(days=applied_days)}
    if email is not None:
        extra["email"] = email
    if state is not None:
        extra["state"] = state
    candidate = factories.candidate(job, name=name, **extra)
    if stage is not None:
        candidate.stage = stage
    for section, score in (sections or {}).items():
        db.session.add(SectionScore(candidate_id=candidate.id, section=section,
                                    status="scored" if score is not None else "pending",
                                    score=score, metrics={"example": 1},
                                    explanation=f"{section} explained",
                                    computed_at=utcnow()))
    if composite is not None or recommendation is not None or flagged:
        db.session.add(Scorecard(candidate_id=candidate.id, org_id=candidate.org_id,
                                 job_id=job.id, composite=composite,
                                 recommendation=recommendation, flagged=flagged,
                                 complete=True, explanation={"explanation": []}))
    for check_type, status in (checks or {}).items():
        db.session.add(BackgroundCheck(candidate_id=candidate.id, check_type=check_type,
                                       status=status))
    db.session.commit()
    return candidate
