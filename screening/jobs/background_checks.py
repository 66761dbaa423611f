"""Background-check jobs (registered on import by :mod:`screening.jobs`).

``bgcheck_submit(check_id)``: order a check from its HTTP provider (task key
``bgcheck:submit:<check id>``, queue ``default``). Thin: the work is
:func:`screening.services.background_checks.submit_to_provider`; while the provider is
unreachable the task is retried with backoff (:class:`screening.jobs.RetryLater`), a refusal
by the provider is recorded on the check and not retried.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from screening.background_checks.providers import ProviderUnavailable
from screening.jobs import RetryLater, backoff_s, job
from screening.models.task import Task
from screening.services import background_checks as service


@job(service.SUBMIT_JOB)
def bgcheck_submit(session: Session, check_id: int) -> None:
    """Order background check ``check_id`` from its provider (idempotent: a check already past
    ordering is left alone)."""
    try:
        service.submit_to_provider(session, check_id)
    except ProviderUnavailable as exc:
        task = session.scalar(select(Task).where(Task.key == f"bgcheck:submit:{check_id}"))
        raise RetryLater(str(exc), backoff_s(task.attempts if task else 1)) from exc
