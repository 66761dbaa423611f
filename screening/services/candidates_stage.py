"""Moving candidates through the pipeline stages, recorded with who and when."""

from __future__ import annotations

from screening.db import db
from screening.models.candidate import STAGES, Candidate, StageChange
from screening.services import webhooks
from screening.services.orgs import ServiceError


def change_stage(candidate: Candidate, stage: str, *, user_id: int | None) -> bool:
    """Set ``candidate.stage``; returns False when it already was ``stage`` (nothing recorded)."""
    if stage not in STAGES:
        raise ServiceError(f"unknown stage {stage!r}")
    if candidate.stage == stage:
        return False
    db.session.add(StageChange(candidate_id=candidate.id, from_stage=candidate.stage,
                               to_stage=stage, user_id=user_id))
    previous = candidate.stage
    candidate.stage = stage
    webhooks.emit(db.session, candidate.org_id, "candidate.stage_changed",
                  {"candidate_id": candidate.id, "job_id": candidate.job_id, "from": previous,
                   "to": stage}, ordering_key=f"candidate:{candidate.id}")
    return True
