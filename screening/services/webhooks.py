"""Outbound webhooks: endpoints, the event outbox, delivery attempts, retries and redelivery.

Flow: :func:`emit` stores a :class:`WebhookMessage` (id ``msg_…``, the ``webhook-id`` header) and
one :class:`WebhookDelivery` per enabled endpoint subscribed to the event, and enqueues one
delivery task per delivery (``webhook:<delivery id>``, queue ``webhooks``) that is dispatched
after the caller commits. The job :func:`attempt_delivery` makes one signed POST and records a
:class:`WebhookAttempt` (the delivery log), then:

- 2xx: ``succeeded``; the next delivery waiting behind it (same endpoint, same ordering key)
  is woken at once;
- 410 Gone: the delivery ``failed`` and the endpoint is disabled (``disabled_reason``);
- anything else (other status, network error, refused address): the next try is scheduled
  with :func:`screening.integrations.webhooks.retry.decide` (Standard Webhooks ladder, about
  three days, ``Retry-After`` honoured): ``next_attempt_at`` is stored and a task keyed
  ``webhook:<delivery id>:<attempt number>`` is enqueued with that delay. After the last try
  the delivery is ``failed``; an endpoint failing for five days straight is disabled.

Ordering: a delivery whose endpoint still has an earlier *pending* delivery of a message with
the same ``ordering_key`` (e.g. ``candidate:12``) is not sent; it waits until the earlier one
succeeds or is given up, so a receiver sees one candidate's events in order.

Time is injectable: every function takes ``now`` (aware UTC) for scheduling decisions, and
:func:`deliver_due` sends whatever is due at ``now``. The signature timestamp is always the real
clock (receivers check it against theirs).

Functions take the session and do not commit, except :func:`deliver_due`, which commits after
each delivery (each HTTP attempt is logged durably on its own).
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from screening import queues
from screening.config import Settings
from screening.db import utcnow
from screening.integrations.webhooks import (
    Outcome,
    UnsafeURL,
    build_headers,
    check_url,
    decide,
    generate_secret,
    new_message_id,
    post,
)
from screening.integrations.webhooks.retry import persistently_failing
from screening.models.audit import AuditEvent
from screening.models.webhook import (
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookMessage,
)
from screening.services.orgs import ServiceError

EVENT_TYPES = (
    "candidate.applied",
    "attempt.submitted",
    "scorecard.ready",
    "candidate.stage_changed",
    "background_check.updated",
)
"""Event types an endpoint may subscribe to (``emit`` accepts others, e.g. for new features,
but endpoints subscribe by this list or to everything)."""

DELIVER_JOB = "deliver_webhook"
QUEUE = "webhooks"
ROTATION_GRACE = timedelta(hours=24)
DUE_TOLERANCE = timedelta(seconds=1)
"""A scheduled task may fire this much before ``next_attempt_at`` and still send."""
MAX_TEXT = 2000


# --------------------------------------------------------------------------- settings / policy


def _settings(settings: Settings | None) -> Settings:
    if settings is not None:
        return settings
    current: Settings = current_app.config["SCREENING"]
    return current


@dataclass(frozen=True)
class UrlPolicy:
    """``check_url`` switches: https only in production; ``http`` in embedded mode; loopback
    (and plain http, for local receivers) only when ``webhook_allow_loopback`` (tests, dev)."""

    allow_http: bool
    allow_loopback: bool


def url_policy(settings: Settings) -> UrlPolicy:
    """The :class:`UrlPolicy` of these settings."""
    return UrlPolicy(
        allow_http=settings.embedded or settings.webhook_allow_loopback,
        allow_loopback=settings.webhook_allow_loopback,
    )


# --------------------------------------------------------------------------- endpoints


def _event_types_value(event_types: Iterable[str] | None) -> dict[str, Any] | None:
    if event_types is None:
        return None
    chosen = sorted({t.strip() for t in event_types if t.strip()})
    unknown = [name for name in chosen if name not in EVENT_TYPES]
    if unknown:
        raise ServiceError(
            f"unknown event type(s): {', '.join(n[:60] for n in unknown)}; "
            f"choose from {', '.join(EVENT_TYPES)} (or none for all)"
        )
    return {"types": chosen} if chosen else None


def subscribed(endpoint: WebhookEndpoint, event_type: str) -> bool:
    """True when the endpoint wants ``event_type`` (no list stored = every event)."""
    types = (endpoint.event_types or {}).get("types") or []
    return not types or event_type in types


def register_endpoint(
    session: Session,
    org_id: int,
    url: str,
    *,
    event_types: Iterable[str] | None = None,
    description: str = "",
    settings: Settings | None = None,
) -> WebhookEndpoint:
    """Add an endpoint with a fresh ``whsec_`` secret, after checking the URL with
    :func:`check_url` (raises :class:`ServiceError` with the reason when it is refused)."""
    url = url.strip()
    try:
        policy = url_policy(_settings(settings))
        check_url(url, allow_http=policy.allow_http, allow_loopback=policy.allow_loopback)
    except UnsafeURL as exc:
        raise ServiceError(f"webhook URL refused: {exc.reason}") from None
    endpoint = WebhookEndpoint(
        org_id=org_id,
        url=url,
        description=description.strip()[:200],
        secret=generate_secret(),
        event_types=_event_types_value(event_types),
        enabled=True,
    )
    session.add(endpoint)
    session.flush()
    return endpoint


def get_endpoint(session: Session, org_id: int, endpoint_id: int) -> WebhookEndpoint:
    """The organization's endpoint or :class:`ServiceError` ("no such endpoint")."""
    endpoint = session.get(WebhookEndpoint, endpoint_id)
    if endpoint is None or endpoint.org_id != org_id:
        raise ServiceError("no such webhook endpoint")
    return endpoint


def rotate_secret(
    session: Session,
    endpoint: WebhookEndpoint,
    *,
    grace: timedelta = ROTATION_GRACE,
    now: datetime | None = None,
) -> str:
    """Give the endpoint a new secret; the old one keeps signing too for ``grace``.
    Returns the new secret."""
    now = now or utcnow()
    endpoint.previous_secret = endpoint.secret
    endpoint.previous_secret_expires_at = now + grace
    endpoint.secret = generate_secret()
    return endpoint.secret


def disabled_endpoints(session: Session, org_id: int) -> list[WebhookEndpoint]:
    """The organization's endpoints that are switched off, with their reason (for admins)."""
    return list(session.scalars(
        select(WebhookEndpoint)
        .where(WebhookEndpoint.org_id == org_id, WebhookEndpoint.enabled.is_(False))
        .order_by(WebhookEndpoint.id)
    ))


def set_enabled(endpoint: WebhookEndpoint, enabled: bool, reason: str | None = None) -> None:
    """Enable (clears the reason) or disable an endpoint."""
    endpoint.enabled = enabled
    endpoint.disabled_reason = None if enabled else (reason or "disabled by a user")[:400]


def active_secrets(endpoint: WebhookEndpoint, now: datetime) -> list[str]:
    """Secrets to sign with, newest first: the current one, plus the previous one while its
    rotation grace period lasts."""
    found = [endpoint.secret]
    expires = endpoint.previous_secret_expires_at
    if endpoint.previous_secret and (expires is None or expires > now):
        found.append(endpoint.previous_secret)
    return found


# --------------------------------------------------------------------------- emit


def message_body(message: WebhookMessage) -> bytes:
    """The exact bytes POSTed for ``message`` (the same for every attempt):
    ``{"type", "timestamp" (ISO 8601 UTC of the event), "data"}``, compact, keys sorted."""
    envelope = {
        "type": message.event_type,
        "timestamp": message.created_at.isoformat().replace("+00:00", "Z"),
        "data": message.payload,
    }
    return json.dumps(envelope, sort_keys=True, separators=(",", ":")).encode("utf-8")


def _task_key(delivery: WebhookDelivery, attempt_number: int) -> str:
    base = f"webhook:{delivery.id}"
    return base if attempt_number <= 1 else f"{base}:{attempt_number}"


def _schedule(
    session: Session, delivery: WebhookDelivery, when: datetime, now: datetime
) -> None:
    delivery.next_attempt_at = when
    delay = max((when - now).total_seconds(), 0.0)
    queues.enqueue(
        session,
        DELIVER_JOB,
        key=_task_key(delivery, delivery.attempt_count + 1),
        queue=QUEUE,
        delay_s=delay,
        delivery_id=delivery.id,
    )


def emit(
    session: Session,
    org_id: int,
    event_type: str,
    payload: Mapping[str, Any],
    ordering_key: str | None = None,
    *,
    now: datetime | None = None,
) -> WebhookMessage:
    """Store an event and one delivery per subscribed enabled endpoint of ``org_id``; their
    tasks are dispatched after the caller commits. ``payload`` must be JSON."""
    if not event_type or len(event_type) > 60:
        raise ValueError("event_type must be 1-60 characters")
    now = now or utcnow()
    message = WebhookMessage(
        id=new_message_id(),
        org_id=org_id,
        event_type=event_type,
        ordering_key=ordering_key,
        payload=json.loads(json.dumps(dict(payload))),
        created_at=now,
    )
    session.add(message)
    session.flush()
    endpoints = session.scalars(
        select(WebhookEndpoint)
        .where(WebhookEndpoint.org_id == org_id, WebhookEndpoint.enabled.is_(True))
        .order_by(WebhookEndpoint.id)
    ).all()
    for endpoint in endpoints:
        if not subscribed(endpoint, event_type):
            continue
        delivery = WebhookDelivery(
            endpoint_id=endpoint.id, message_id=message.id, status="pending",
            next_attempt_at=now, created_at=now,
        )
        session.add(delivery)
        session.flush()
        _schedule(session, delivery, now, now)
    return message


# --------------------------------------------------------------------------- delivery


def _blocking_delivery(
    session: Session, delivery: WebhookDelivery, message: WebhookMessage
) -> WebhookDelivery | None:
    """An earlier pending delivery to the same endpoint with the same ordering key."""
    if message.ordering_key is None:
        return None
    return session.scalar(
        select(WebhookDelivery)
        .join(WebhookMessage, WebhookMessage.id == WebhookDelivery.message_id)
        .where(
            WebhookDelivery.endpoint_id == delivery.endpoint_id,
            WebhookDelivery.status == "pending",
            WebhookDelivery.id < delivery.id,
            WebhookMessage.ordering_key == message.ordering_key,
        )
        .order_by(WebhookDelivery.id)
        .limit(1)
    )


def _wake_next(
    session: Session, delivery: WebhookDelivery, message: WebhookMessage, now: datetime
) -> None:
    """After ``delivery`` is settled, schedule the next one waiting behind it right away."""
    if message.ordering_key is None:
        return
    waiting = session.scalar(
        select(WebhookDelivery)
        .join(WebhookMessage, WebhookMessage.id == WebhookDelivery.message_id)
        .where(
            WebhookDelivery.endpoint_id == delivery.endpoint_id,
            WebhookDelivery.status == "pending",
            WebhookDelivery.id > delivery.id,
            WebhookMessage.ordering_key == message.ordering_key,
        )
        .order_by(WebhookDelivery.id)
        .limit(1)
    )
    if waiting is not None:
        _schedule(session, waiting, now, now)


def _clean(text: str | None) -> str | None:
    if text is None:
        return None
    return text.replace("\x00", "")[:MAX_TEXT]


def _failing_since(session: Session, endpoint_id: int) -> datetime | None:
    """Time of the first failed attempt after the endpoint's last success (None: not failing)."""
    last_success = session.scalar(
        select(func.max(WebhookAttempt.at))
        .join(WebhookDelivery, WebhookDelivery.id == WebhookAttempt.delivery_id)
        .where(
            WebhookDelivery.endpoint_id == endpoint_id,
            WebhookAttempt.status_code >= 200,
            WebhookAttempt.status_code <= 299,
        )
    )
    query = (
        select(func.min(WebhookAttempt.at))
        .join(WebhookDelivery, WebhookDelivery.id == WebhookAttempt.delivery_id)
        .where(WebhookDelivery.endpoint_id == endpoint_id)
    )
    if last_success is not None:
        query = query.where(WebhookAttempt.at > last_success)
    result: datetime | None = session.scalar(query)
    return result


def _disable_endpoint(session: Session, endpoint: WebhookEndpoint, reason: str) -> None:
    """Disable an endpoint the receiver gave up on (410, or failing for days), skip its pending
    deliveries and tell the organization's admins: an audit event, and a notice on the
    recruiter dashboard for admins until the endpoint is enabled again."""
    set_enabled(endpoint, False, reason)
    session.add(AuditEvent(org_id=endpoint.org_id, action="webhook_endpoint.disabled",
                           subject_type="webhook_endpoint", subject_id=endpoint.id,
                           detail={"url": endpoint.url, "reason": reason[:400]}))
    pending = session.scalars(
        select(WebhookDelivery).where(
            WebhookDelivery.endpoint_id == endpoint.id, WebhookDelivery.status == "pending"
        )
    ).all()
    for other in pending:
        other.status = "skipped"
        other.next_attempt_at = None
        other.last_error = f"endpoint disabled: {reason}"[:MAX_TEXT]


def attempt_delivery(
    session: Session,
    delivery_id: int,
    *,
    now: datetime | None = None,
    settings: Settings | None = None,
) -> str:
    """Make the delivery's next attempt if it is due; return what happened.

    Returns ``succeeded``, ``retry_scheduled``, ``failed`` (given up, or 410), ``skipped``
    (endpoint disabled), ``waiting`` (an earlier message of the same ordering key is still
    pending), ``not_due``, ``missing``, or the delivery's settled status when it is no longer
    pending. ``now`` (aware UTC) drives scheduling; adds writes, does not commit.
    """
    now = now or utcnow()
    policy = url_policy(_settings(settings))
    delivery = session.get(
        WebhookDelivery, delivery_id, with_for_update={"skip_locked": True}, populate_existing=True
    )
    if delivery is None:
        return "missing"
    if delivery.status != "pending":
        return delivery.status
    if delivery.next_attempt_at is not None and delivery.next_attempt_at > now + DUE_TOLERANCE:
        return "not_due"
    endpoint = session.get(WebhookEndpoint, delivery.endpoint_id)
    message = session.get(WebhookMessage, delivery.message_id)
    assert endpoint is not None and message is not None
    if not endpoint.enabled:
        delivery.status = "skipped"
        delivery.next_attempt_at = None
        delivery.last_error = f"endpoint disabled: {endpoint.disabled_reason or 'by a user'}"
        return "skipped"
    blocker = _blocking_delivery(session, delivery, message)
    if blocker is not None:
        # Woken by _wake_next when the blocker settles; until then wait at its time.
        delivery.next_attempt_at = max(blocker.next_attempt_at or now, now)
        return "waiting"

    body = message_body(message)
    headers = build_headers(message.id, int(time.time()), body, active_secrets(endpoint, now))
    result = post(endpoint.url, body, headers, allow_http=policy.allow_http,
                  allow_loopback=policy.allow_loopback)
    attempt_number = delivery.attempt_count + 1
    delivery.attempt_count = attempt_number
    delivery.last_status_code = result.status_code
    delivery.last_error = _clean(result.error)
    session.add(
        WebhookAttempt(
            delivery_id=delivery.id,
            at=now,
            status_code=result.status_code,
            duration_ms=result.duration_ms,
            error=_clean(result.error),
            response_snippet=_clean(result.response_body_snippet),
        )
    )
    session.flush()
    decision = decide(attempt_number, result.status_code, result.retry_after, now=now)
    if decision.outcome is Outcome.SUCCESS:
        delivery.status = "succeeded"
        delivery.next_attempt_at = None
        _wake_next(session, delivery, message, now)
        return "succeeded"
    if decision.outcome is Outcome.DISABLE_ENDPOINT:
        delivery.status = "failed"
        delivery.next_attempt_at = None
        _disable_endpoint(
            session, endpoint, f"the receiver answered 410 Gone on {now.isoformat()}"
        )
        return "failed"
    if persistently_failing(_failing_since(session, endpoint.id), now):
        delivery.status = "failed"
        delivery.next_attempt_at = None
        _disable_endpoint(
            session, endpoint, f"every delivery attempt failed for 5 days (until {now.isoformat()})"
        )
        return "failed"
    if decision.give_up or decision.delay is None:
        delivery.status = "failed"
        delivery.next_attempt_at = None
        _wake_next(session, delivery, message, now)
        return "failed"
    _schedule(session, delivery, now + decision.delay, now)
    return "retry_scheduled"


def deliver_due(
    session: Session,
    *,
    now: datetime | None = None,
    settings: Settings | None = None,
    limit: int = 500,
) -> dict[int, str]:
    """Attempt every pending delivery due at ``now``, oldest first, each at most once per call
    (a delivery woken during the call is attempted in it too). Commits after each delivery.
    Returns ``{delivery id: result of attempt_delivery}``."""
    now = now or utcnow()
    done: dict[int, str] = {}
    while len(done) < limit:
        query = (
            select(WebhookDelivery.id)
            .where(
                WebhookDelivery.status == "pending",
                WebhookDelivery.next_attempt_at <= now + DUE_TOLERANCE,
            )
            .order_by(WebhookDelivery.id)
            .limit(1)
        )
        if done:
            query = query.where(WebhookDelivery.id.not_in(list(done)))
        delivery_id = session.scalar(query)
        if delivery_id is None:
            break
        done[delivery_id] = attempt_delivery(session, delivery_id, now=now, settings=settings)
        session.commit()
    return done


def redeliver(
    session: Session, org_id: int, delivery_id: int, *, now: datetime | None = None
) -> WebhookDelivery:
    """Send a delivery again now (same message id; a new timestamp and signature).

    Refused (:class:`ServiceError`) for another organization's delivery or a disabled endpoint.
    """
    now = now or utcnow()
    delivery = session.get(WebhookDelivery, delivery_id)
    endpoint = None if delivery is None else session.get(WebhookEndpoint, delivery.endpoint_id)
    if delivery is None or endpoint is None or endpoint.org_id != org_id:
        raise ServiceError("no such webhook delivery")
    if not endpoint.enabled:
        raise ServiceError("the endpoint is disabled; enable it before redelivering")
    delivery.status = "pending"
    _schedule(session, delivery, now, now)
    return delivery


def delivery_log(session: Session, delivery_id: int) -> list[WebhookAttempt]:
    """A delivery's attempts, oldest first."""
    return list(
        session.scalars(
            select(WebhookAttempt)
            .where(WebhookAttempt.delivery_id == delivery_id)
            .order_by(WebhookAttempt.id)
        )
    )
