"""Background jobs of the recruiter workspace (registered with :func:`screening.jobs.job`)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from screening.jobs import job


@job("recompute_job_scorecards")
def recompute_job_scorecards(session: Session, job_id: int) -> None:
    """Recompute every scorecard of a job under its (changed) profile and re-rank the job."""
    from screening.services.profiles import recompute_job

    recompute_job(session, job_id)
