"""Webhook job functions (registered with :func:`screening.jobs.job`; imported by jobs.py).

Thin: load by id, call :mod:`screening.services.webhooks`. The job runner commits.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from screening.jobs import job


@job("deliver_webhook")
def deliver_webhook(session: Session, delivery_id: int) -> None:
    """One attempt of one webhook delivery, if it is due (see ``attempt_delivery``)."""
    from screening.services.webhooks import attempt_delivery

    attempt_delivery(session, delivery_id)


@job("deliver_due_webhooks")
def deliver_due_webhooks(session: Session) -> None:
    """Sweep: attempt every delivery due now (catches deliveries whose task was lost)."""
    from screening.services.webhooks import deliver_due

    deliver_due(session)
