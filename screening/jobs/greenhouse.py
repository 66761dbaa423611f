"""Greenhouse job functions (registered with :func:`screening.jobs.job`; imported by jobs.py).

``greenhouse_patch``: one PATCH "test completed" to Greenhouse's callback url. Network errors,
429 and 5xx are retried with :func:`screening.jobs.backoff_s` (15 s doubling to 10 min) via
:class:`screening.jobs.RetryLater`, for at most :data:`MAX_PATCH_ATTEMPTS` attempts (about
four hours); other answers (3xx, 4xx) are recorded and not retried.
"""

from __future__ import annotations

import logging

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from screening.jobs import RetryLater, backoff_s, job
from screening.models.task import Task

log = logging.getLogger(__name__)

MAX_PATCH_ATTEMPTS = 30


@job("greenhouse_patch")
def greenhouse_patch(session: Session, interview_id: int) -> None:
    """PATCH Greenhouse for one interview; the attempt's outcome is kept even when retried."""
    from screening.services.greenhouse import PATCH_JOB, send_patch

    outcome = send_patch(session, interview_id, settings=current_app.config["SCREENING"])
    if not outcome.retryable:
        return
    task = session.scalar(select(Task).where(Task.key == f"{PATCH_JOB}:{interview_id}"))
    attempts = task.attempts if task else 1
    if attempts >= MAX_PATCH_ATTEMPTS:
        log.warning("greenhouse PATCH for interview %s given up after %d attempts: %s",
                    interview_id, attempts, outcome.error)
        return
    session.commit()  # keep last_patch_status / last_patch_error of this attempt
    raise RetryLater(f"greenhouse PATCH failed: {outcome.error}", backoff_s(attempts))
