"""Background checks: FCRA documents, ordering, status changes, adverse action, provider webhooks.

The pure rules live in :mod:`screening.background_checks.rules`; this module applies them to the
stored rows and keeps the history. Every change is a :class:`BackgroundCheckEvent` with its
``source`` (``recruiter`` | ``provider_webhook`` | ``system``) and time; status changes also
emit a ``background_check.updated`` event through :func:`screening.services.webhooks.emit`.

Transactions: functions add to the given session and do **not** commit (the view or the job
commits), except :func:`sign_document` and :func:`handle_checkr_webhook`, which commit because
their idempotency relies on unique constraints.

Settings read from the Flask config (all optional):

* ``BGCHECK_PROVIDER``: provider for new orders, ``manual`` (default) or ``checkr``;
* ``BGCHECK_CHECKR_API_KEY`` / ``BGCHECK_CHECKR_BASE_URL`` / ``BGCHECK_CHECKR_TIMEOUT_S`` /
  ``BGCHECK_CHECKR_PACKAGES``: see :mod:`screening.background_checks.providers`; the API key
  also verifies inbound webhook signatures;
* ``BGCHECK_WAITING_BUSINESS_DAYS``: days between the pre-adverse notice and the final adverse
  action, default 5;
* ``BGCHECK_HOLIDAYS``: ISO dates (``YYYY-MM-DD``) not counted as business days, default none;
* ``BGCHECK_TIMEZONE``: IANA zone of the employer's calendar for "today", default ``UTC``;
* ``BGCHECK_WEBHOOK_MAX_AGE_S``: provider events whose ``created_at`` is older than this are
  refused (400), default 259200 (3 days). A chosen bound, not a Checkr rule: long enough to
  accept the vendor's retries after an outage of our endpoint, short enough that an old
  captured body cannot be replayed forever. Events dated more than 5 minutes in the future are
  refused too. Replays inside the window are caught by the unique event id (Checkr signs no
  timestamp, so the id is the real replay guard).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from functools import cache
from importlib import resources
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from screening import queues
from screening.background_checks import rules
from screening.background_checks.checkr_signature import verify_signature
from screening.background_checks.providers import (
    OrderRequest,
    Provider,
    ProviderRejected,
    provider_from_config,
    records_manually,
)
from screening.background_checks.rules import (
    CheckResult,
    CheckStatus,
    CheckType,
    FcraSteps,
    InvalidTransition,
    OutOfOrder,
    Payer,
    PaymentRefused,
    PreAdverseNotice,
    SignedDocument,
)
from screening.db import utcnow
from screening.models.background_check import BackgroundCheck, BackgroundCheckEvent
from screening.models.candidate import Candidate, Consent
from screening.services.consents import SignedText

log = logging.getLogger(__name__)

SUBMIT_JOB = "bgcheck_submit"
EVENT_TYPE = "background_check.updated"
SOURCES = ("recruiter", "provider_webhook", "system")
DISCLOSURE = "fcra_disclosure"
AUTHORIZATION = "fcra_authorization"
DOCUMENT_KINDS = (DISCLOSURE, AUTHORIZATION)
FUTURE_TOLERANCE = timedelta(minutes=5)
DEFAULT_WEBHOOK_MAX_AGE_S = 3 * 24 * 3600
MAX_FEE_CENTS = 100_000_00

__all__ = [
    "AUTHORIZATION",
    "DISCLOSURE",
    "BackgroundCheckError",
    "FcraDocument",
    "InvalidInput",
    "InvalidTransition",
    "ManualOutcomeRefused",
    "OutOfOrder",
    "ProviderNotConfigured",
    "PaymentRefused",
    "WebhookRejected",
]


class BackgroundCheckError(Exception):
    """Base of this module's own refusals; the message is safe to show."""


class InvalidInput(BackgroundCheckError, ValueError):
    """Malformed input (unknown check type, bad fee): HTTP 400."""


class ManualOutcomeRefused(BackgroundCheckError):
    """A recruiter tried to set the status of a check its provider reports itself: HTTP 409."""


class ProviderNotConfigured(BackgroundCheckError):
    """The provider named for an order is unknown or lacks settings (e.g. no Checkr API key):
    HTTP 503, an operator must fix the configuration."""


class WebhookRejected(BackgroundCheckError):
    """An inbound provider webhook refused: ``status_code`` 401 (signature), 400 (malformed or
    stale) or 404 (webhooks not configured)."""

    def __init__(self, message: str, status_code: int) -> None:
        super().__init__(message)
        self.status_code = status_code


# --------------------------------------------------------------------------- settings


def _config() -> Mapping[str, Any]:
    config: Mapping[str, Any] = current_app.config
    return config


def waiting_business_days() -> int:
    """``BGCHECK_WAITING_BUSINESS_DAYS`` (default 5, at least 1)."""
    return int(_config().get("BGCHECK_WAITING_BUSINESS_DAYS") or
               rules.DEFAULT_WAITING_BUSINESS_DAYS)


def holidays() -> list[date]:
    """``BGCHECK_HOLIDAYS`` as dates (ISO strings or dates)."""
    raw = _config().get("BGCHECK_HOLIDAYS") or ()
    return [d if isinstance(d, date) else date.fromisoformat(str(d)) for d in raw]


def local_today(now: datetime | None = None) -> date:
    """The employer's calendar date at ``now`` (aware; default the current time) in
    ``BGCHECK_TIMEZONE`` (default UTC)."""
    zone = ZoneInfo(str(_config().get("BGCHECK_TIMEZONE") or "UTC"))
    return (now or utcnow()).astimezone(zone).date()


def provider_for(name: str) -> Provider:
    """The configured provider called ``name`` (the one a check was ordered through);
    :class:`ProviderNotConfigured` when it is unknown or its settings are missing."""
    try:
        return provider_from_config(name, _config())
    except ValueError as exc:
        raise ProviderNotConfigured(f"background-check provider not configured: {exc}") from None


def default_provider_name() -> str:
    """``BGCHECK_PROVIDER``, default ``manual``."""
    return str(_config().get("BGCHECK_PROVIDER") or "manual")


# --------------------------------------------------------------------------- FCRA documents


class FcraDocument(SignedText):
    """One FCRA document as shown; ``kind`` is ``fcra_disclosure`` | ``fcra_authorization``."""


@cache
def fcra_document(kind: str) -> FcraDocument:
    """The document of ``kind`` read from the package data file ``data/<kind>.txt``."""
    if kind not in DOCUMENT_KINDS:
        raise InvalidInput(f"unknown FCRA document {kind!r}")
    text = (
        resources.files("screening.background_checks")
        .joinpath(f"data/{kind}.txt")
        .read_text(encoding="utf-8")
    )
    return FcraDocument(kind, text)


def signed_documents(session: Session, candidate: Candidate) -> dict[str, Consent]:
    """The latest signed consent of each FCRA kind (any text version) by kind."""
    rows = session.scalars(
        select(Consent)
        .where(Consent.candidate_id == candidate.id, Consent.kind.in_(DOCUMENT_KINDS))
        .order_by(Consent.accepted_at, Consent.id)
    ).all()
    return {row.kind: row for row in rows}


def sign_document(
    session: Session,
    candidate: Candidate,
    kind: str,
    *,
    ip: str | None,
    user_agent: str | None,
    now: datetime | None = None,
) -> Consent:
    """Record the applicant's signature of the current text of ``kind``. Commits.

    The authorization can only be signed after the disclosure (:class:`OutOfOrder`).
    Idempotent: signing the same text version again returns the existing row.
    """
    document = fcra_document(kind)
    existing = session.scalar(
        select(Consent).where(Consent.candidate_id == candidate.id, Consent.kind == kind,
                              Consent.text_version == document.version)
    )
    if existing is not None:
        return existing
    if kind == AUTHORIZATION and DISCLOSURE not in signed_documents(session, candidate):
        raise OutOfOrder("please read and sign the disclosure before the authorization")
    row = Consent(
        candidate_id=candidate.id, kind=kind, text_version=document.version,
        accepted_at=now or utcnow(), ip=(ip or None) and ip[:45],
        user_agent=(user_agent or None) and user_agent[:400],
    )
    session.add(row)
    try:
        session.commit()
    except IntegrityError:  # a concurrent double post signed the same version first
        session.rollback()
        found = session.scalar(
            select(Consent).where(Consent.candidate_id == candidate.id, Consent.kind == kind,
                                  Consent.text_version == document.version)
        )
        if found is None:
            raise
        return found
    return row


# --------------------------------------------------------------------------- reading


def checks_for_candidate(session: Session, candidate: Candidate) -> list[BackgroundCheck]:
    """The candidate's checks, oldest first."""
    return list(session.scalars(
        select(BackgroundCheck).where(BackgroundCheck.candidate_id == candidate.id)
        .order_by(BackgroundCheck.id)
    ).all())


def history(session: Session, check: BackgroundCheck) -> list[BackgroundCheckEvent]:
    """Every event of ``check``, oldest first."""
    return list(session.scalars(
        select(BackgroundCheckEvent).where(BackgroundCheckEvent.check_id == check.id)
        .order_by(BackgroundCheckEvent.at, BackgroundCheckEvent.id)
    ).all())


def _latest_event(
    session: Session, check: BackgroundCheck, kind: str
) -> BackgroundCheckEvent | None:
    return session.scalar(
        select(BackgroundCheckEvent)
        .where(BackgroundCheckEvent.check_id == check.id, BackgroundCheckEvent.kind == kind)
        .order_by(BackgroundCheckEvent.at.desc(), BackgroundCheckEvent.id.desc())
        .limit(1)
    )


def fcra_steps(session: Session, check: BackgroundCheck | None,
               candidate: Candidate) -> FcraSteps:
    """The FCRA record of ``check`` (None: a check not created yet) as the rules take it."""
    signed = signed_documents(session, candidate)

    def doc(kind: str, rule_kind: str) -> SignedDocument | None:
        row = signed.get(kind)
        if row is None:
            return None
        return SignedDocument(rule_kind, row.text_version, row.accepted_at)

    notice = None
    final_on = None
    if check is not None:
        event = _latest_event(session, check, "pre_adverse_notice")
        if event is not None and event.detail:
            notice = PreAdverseNotice(
                sent_on=date.fromisoformat(event.detail["sent_on"]),
                report_copy_included=bool(event.detail.get("report_copy_included")),
                summary_of_rights_included=bool(event.detail.get("summary_of_rights_included")),
            )
        final = _latest_event(session, check, "final_adverse_action")
        if final is not None and final.detail:
            final_on = date.fromisoformat(final.detail["taken_on"])
    return FcraSteps(
        disclosure=doc(DISCLOSURE, "disclosure"),
        authorization=doc(AUTHORIZATION, "authorization"),
        status=CheckStatus(check.status) if check is not None else CheckStatus.NOT_STARTED,
        result=CheckResult(check.result) if check is not None and check.result else None,
        pre_adverse_notice=notice,
        final_adverse_action_on=final_on,
    )


def final_action_earliest(session: Session, check: BackgroundCheck) -> date | None:
    """First date the final adverse action is possible (None while no notice was sent)."""
    event = _latest_event(session, check, "pre_adverse_notice")
    if event is None or not event.detail:
        return None
    return rules.final_adverse_action_earliest(
        date.fromisoformat(event.detail["sent_on"]), waiting_business_days(), holidays()
    )


# --------------------------------------------------------------------------- writing


def _candidate_of(session: Session, check: BackgroundCheck) -> Candidate:
    candidate = session.get(Candidate, check.candidate_id)
    if candidate is None:  # pragma: no cover - foreign key
        raise LookupError(f"background check {check.id} has no candidate")
    return candidate


def _add_event(
    session: Session,
    check: BackgroundCheck,
    kind: str,
    *,
    source: str,
    user_id: int | None = None,
    from_status: str | None = None,
    to_status: str | None = None,
    provider_event_id: str | None = None,
    detail: Mapping[str, Any] | None = None,
    now: datetime | None = None,
) -> BackgroundCheckEvent:
    if source not in SOURCES:
        raise ValueError(f"unknown event source {source!r} (known: {', '.join(SOURCES)})")
    event = BackgroundCheckEvent(
        check_id=check.id, kind=kind, from_status=from_status, to_status=to_status,
        source=source, user_id=user_id, provider_event_id=provider_event_id,
        detail=json.loads(json.dumps(dict(detail))) if detail else None, at=now or utcnow(),
    )
    session.add(event)
    return event


def _emit_updated(session: Session, check: BackgroundCheck, candidate: Candidate,
                  previous: str, source: str, now: datetime) -> None:
    from screening.services import webhooks

    webhooks.emit(
        session, candidate.org_id, EVENT_TYPE,
        {
            "check_id": check.id,
            "candidate_id": candidate.id,
            "check_type": check.check_type,
            "status": check.status,
            "result": check.result,
            "previous_status": previous,
            "source": source,
            "at": now.isoformat(),
        },
        ordering_key=f"candidate:{candidate.id}",
        now=now,
    )


def record_status(
    session: Session,
    check: BackgroundCheck,
    new_status: str | CheckStatus,
    result: str | CheckResult | None = None,
    *,
    source: str,
    user_id: int | None = None,
    provider_event_id: str | None = None,
    detail: Mapping[str, Any] | None = None,
    now: datetime | None = None,
) -> BackgroundCheckEvent:
    """Move ``check`` to ``new_status`` (``result`` exactly when complete), record the event
    and emit ``background_check.updated``. :class:`InvalidTransition` when the model forbids
    the move (nothing is changed then)."""
    rules.transition(check.status, new_status, result)
    now = now or utcnow()
    previous = check.status
    check.status = CheckStatus(new_status).value
    check.result = CheckResult(result).value if result is not None else None
    if check.status == CheckStatus.COMPLETE:
        check.completed_at = now
    event = _add_event(
        session, check, "status", source=source, user_id=user_id, from_status=previous,
        to_status=check.status, provider_event_id=provider_event_id,
        detail={**(detail or {}), **({"result": check.result} if check.result else {})},
        now=now,
    )
    _emit_updated(session, check, _candidate_of(session, check), previous, source, now)
    return event


def parse_fee_cents(raw: str | int | None) -> int:
    """A fee given in US dollars (``"29.99"``, ``"30"``) or as int cents -> cents; ``""`` and
    None are 0. :class:`InvalidInput` for anything else or over $100,000."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return 0
    if isinstance(raw, int) and not isinstance(raw, bool):
        cents = raw
    else:
        try:
            amount = Decimal(str(raw).strip().lstrip("$"))
        except InvalidOperation:
            raise InvalidInput(f"the fee must be an amount in dollars, got {raw!r}") from None
        if not amount.is_finite() or amount != amount.quantize(Decimal("0.01")):
            raise InvalidInput(f"the fee must be dollars and cents, got {raw!r}")
        cents = int(amount * 100)
    if cents < 0 or cents > MAX_FEE_CENTS:
        raise InvalidInput("the fee must be between $0 and $100,000")
    return cents


def order_check(
    session: Session,
    candidate: Candidate,
    check_type: str,
    payer: str,
    fee_cents: int,
    *,
    user_id: int | None,
    provider_name: str | None = None,
    now: datetime | None = None,
) -> BackgroundCheck:
    """Order a check of ``check_type`` (criminal | credit | employment_verification) paid by
    ``payer`` (company | applicant), ``fee_cents`` US cents >= 0.

    Refuses with :class:`OutOfOrder` unless the applicant signed the FCRA disclosure and then
    the authorization (two documents) and the check is not ordered yet (or its invitation
    expired); with :class:`PaymentRefused` when the applicant would pay in a state that forbids
    it (or an unknown state). The manual provider moves the check to ``pending`` at once; an
    HTTP provider is called by the job ``bgcheck_submit`` after the caller commits.
    """
    try:
        kind = CheckType(check_type)
    except ValueError:
        known = ", ".join(t.value for t in CheckType)
        raise InvalidInput(f"unknown check type {check_type!r} (known: {known})") from None
    try:
        rules.check_payment_terms(payer, fee_cents, candidate.state)
    except ValueError as exc:  # PaymentRefused, or a state code that is not a US state
        if isinstance(exc, PaymentRefused):
            raise
        raise PaymentRefused(f"applicant-paid check refused: {exc}") from None
    now = now or utcnow()
    check = session.scalar(
        select(BackgroundCheck)
        .where(BackgroundCheck.candidate_id == candidate.id, BackgroundCheck.check_type == kind)
        .with_for_update()
    )
    rules.ensure_can_order(fcra_steps(session, check, candidate))
    name = provider_name or default_provider_name()
    provider = provider_for(name)
    if check is None:
        check = BackgroundCheck(candidate_id=candidate.id, check_type=kind.value,
                                status=CheckStatus.NOT_STARTED.value, created_at=now)
        session.add(check)
    check.provider = name
    check.payer = Payer(payer).value
    check.fee_cents = fee_cents
    check.payment_state = "pending" if fee_cents > 0 and check.payer == "applicant" else None
    check.ordered_at = now
    session.flush()
    _add_event(session, check, "ordered", source="recruiter", user_id=user_id,
               from_status=check.status, to_status=check.status, now=now,
               detail={"provider": name, "payer": check.payer, "fee_cents": fee_cents})
    if provider.synchronous:
        result = provider.order(_order_request(check, candidate))
        check.provider_ref = result.provider_ref
        record_status(session, check, result.status, source="system", detail=result.detail,
                      now=now)
    else:
        queues.enqueue(session, SUBMIT_JOB, key=f"bgcheck:submit:{check.id}", check_id=check.id)
    return check


def _order_request(check: BackgroundCheck, candidate: Candidate) -> OrderRequest:
    first, _, last = candidate.name.strip().partition(" ")
    return OrderRequest(
        check_id=check.id, check_type=CheckType(check.check_type), email=candidate.email,
        first_name=first or candidate.name, last_name=last.strip() or first,
        work_state=candidate.state,
    )


def submit_to_provider(session: Session, check_id: int) -> str:
    """Job body: order a check from its (HTTP) provider. Returns what happened: ``submitted``,
    ``skipped`` (missing, or already past ordering — a retry) or ``rejected`` (the provider
    refused or is not configured; recorded as a ``provider_error`` event, and the check stays
    ``not_started`` so it can be ordered again). Network trouble raises
    :class:`~screening.background_checks.providers.ProviderUnavailable` for the job to retry.
    Does not commit."""
    check = session.get(BackgroundCheck, check_id)
    if check is None:
        return "skipped"
    if check.status not in (CheckStatus.NOT_STARTED, CheckStatus.EXPIRED):
        return "skipped"
    candidate = _candidate_of(session, check)
    try:
        result = provider_for(check.provider).order(_order_request(check, candidate))
    except (ProviderRejected, ProviderNotConfigured) as exc:
        _add_event(session, check, "provider_error", source="system",
                   from_status=check.status, to_status=check.status, detail={"error": str(exc)})
        return "rejected"
    check.provider_ref = result.provider_ref
    record_status(session, check, result.status, source="system", detail=result.detail)
    return "submitted"


def record_manual_outcome(
    session: Session,
    check: BackgroundCheck,
    status: str,
    result: str | None,
    *,
    user_id: int,
    now: datetime | None = None,
) -> BackgroundCheckEvent:
    """A recruiter records the status (and result when complete) of a manual-provider check.

    :class:`ManualOutcomeRefused` for checks whose provider reports by webhook;
    :class:`InvalidTransition` when the status model forbids the move."""
    if not records_manually(check.provider):
        raise ManualOutcomeRefused(
            f"this check is run by {check.provider}; its status arrives from the provider"
        )
    return record_status(session, check, status, result or None, source="recruiter",
                         user_id=user_id, now=now)


def record_payment(session: Session, check: BackgroundCheck, new_state: str, *,
                   user_id: int, now: datetime | None = None) -> BackgroundCheckEvent:
    """Move the payment state (pending -> paid | waived, paid -> refunded);
    :class:`InvalidTransition` otherwise (also when there is nothing to pay)."""
    if check.payment_state is None:
        raise InvalidTransition("this check has no fee to pay")
    rules.payment_transition(check.payment_state, new_state)
    previous = check.payment_state
    check.payment_state = new_state
    return _add_event(session, check, "payment", source="recruiter", user_id=user_id,
                      detail={"from": previous, "to": new_state}, now=now)


def send_pre_adverse_notice(
    session: Session,
    check: BackgroundCheck,
    *,
    report_copy_included: bool,
    summary_of_rights_included: bool,
    user_id: int,
    today: date | None = None,
    now: datetime | None = None,
) -> BackgroundCheckEvent:
    """Record the pre-adverse action notice (event ``pre_adverse_notice``; ``today`` = the
    employer's date it is sent, default :func:`local_today`). :class:`OutOfOrder` unless the
    check is complete/consider, no notice was sent and the notice has the report copy and the
    Summary of Rights."""
    candidate = _candidate_of(session, check)
    rules.ensure_can_send_pre_adverse_notice(
        fcra_steps(session, check, candidate),
        report_copy_included=report_copy_included,
        summary_of_rights_included=summary_of_rights_included,
    )
    sent_on = today or local_today(now)
    earliest = rules.final_adverse_action_earliest(sent_on, waiting_business_days(), holidays())
    return _add_event(
        session, check, "pre_adverse_notice", source="recruiter", user_id=user_id,
        from_status=check.status, to_status=check.status, now=now,
        detail={"sent_on": sent_on.isoformat(), "report_copy_included": True,
                "summary_of_rights_included": True,
                "waiting_business_days": waiting_business_days(),
                "final_action_earliest": earliest.isoformat()},
    )


def take_final_adverse_action(
    session: Session,
    check: BackgroundCheck,
    *,
    user_id: int,
    today: date | None = None,
    now: datetime | None = None,
) -> BackgroundCheckEvent:
    """Record the final adverse action (event ``final_adverse_action``). :class:`OutOfOrder`
    before the notice's waiting period is over, during a dispute, or when already taken."""
    candidate = _candidate_of(session, check)
    taken_on = today or local_today(now)
    rules.ensure_can_take_final_adverse_action(
        fcra_steps(session, check, candidate), taken_on,
        waiting_business_days=waiting_business_days(), holidays=holidays(),
    )
    return _add_event(
        session, check, "final_adverse_action", source="recruiter", user_id=user_id,
        from_status=check.status, to_status=check.status, now=now,
        detail={"taken_on": taken_on.isoformat()},
    )


# --------------------------------------------------------------------------- provider webhooks


def _parse_time(value: Any) -> datetime:
    if not isinstance(value, str):
        raise WebhookRejected("event created_at is missing", 400)
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise WebhookRejected("event created_at is not an ISO 8601 time", 400) from None
    if moment.tzinfo is None:
        raise WebhookRejected("event created_at has no time zone", 400)
    return moment


def handle_checkr_webhook(
    session: Session,
    body: bytes,
    signature: str | None,
    *,
    api_key: str | None = None,
    now: datetime | None = None,
) -> str:
    """Verify and apply one Checkr webhook. Commits.

    Returns ``processed`` (the check changed or the event was recorded), ``duplicate`` (this
    event id was processed before), ``unknown`` (no check has this invitation/report id) or
    ``ignored`` (an event type we do not use). Raises :class:`WebhookRejected`: 401 for a
    missing or forged ``X-Checkr-Signature``, 400 for a malformed or stale event (older than
    ``BGCHECK_WEBHOOK_MAX_AGE_S`` or dated in the future), 404 when no API key is configured.
    A status move the model refuses (e.g. events out of order) is recorded as a
    ``provider_ignored`` event and answered like a processed one.
    """
    key = api_key if api_key is not None else _config().get("BGCHECK_CHECKR_API_KEY")
    if not key:
        raise WebhookRejected("Checkr webhooks are not configured", 404)
    if not verify_signature(body, signature, str(key)):
        raise WebhookRejected("invalid signature", 401)
    try:
        event = json.loads(body)
    except ValueError:
        raise WebhookRejected("the body is not JSON", 400) from None
    if not isinstance(event, dict):
        raise WebhookRejected("the body is not a JSON object", 400)
    event_id, event_type = event.get("id"), event.get("type")
    data = event.get("data")
    obj = data.get("object") if isinstance(data, dict) else None
    if not isinstance(event_id, str) or not event_id or len(event_id) > 120:
        raise WebhookRejected("event id is missing", 400)
    if not isinstance(event_type, str) or not isinstance(obj, dict):
        raise WebhookRejected("event type or data.object is missing", 400)
    now = now or utcnow()
    created = _parse_time(event.get("created_at"))
    max_age = timedelta(seconds=int(_config().get("BGCHECK_WEBHOOK_MAX_AGE_S")
                                    or DEFAULT_WEBHOOK_MAX_AGE_S))
    if created < now - max_age:
        raise WebhookRejected("the event is too old", 400)
    if created > now + FUTURE_TOLERANCE:
        raise WebhookRejected("the event is dated in the future", 400)

    if session.scalar(select(BackgroundCheckEvent.id)
                      .where(BackgroundCheckEvent.provider_event_id == event_id)) is not None:
        return "duplicate"
    family = event_type.split(".", 1)[0]
    if family not in ("invitation", "report") or not isinstance(obj.get("id"), str):
        return "ignored"
    check = session.scalar(
        select(BackgroundCheck)
        .where(BackgroundCheck.provider == "checkr", BackgroundCheck.provider_ref == obj["id"])
        .with_for_update()
    )
    if check is None:
        return "unknown"
    # Checked again under the row lock: a concurrent delivery of this event may have won.
    if session.scalar(select(BackgroundCheckEvent.id)
                      .where(BackgroundCheckEvent.provider_event_id == event_id)) is not None:
        session.rollback()
        return "duplicate"
    try:
        outcome = _apply_checkr_event(session, check, event_id, event_type, family, obj, now)
        session.commit()
    except IntegrityError:  # the same event processed concurrently (unique provider_event_id)
        session.rollback()
        return "duplicate"
    return outcome


def _apply_checkr_event(session: Session, check: BackgroundCheck, event_id: str,
                        event_type: str, family: str, obj: Mapping[str, Any],
                        now: datetime) -> str:
    detail: dict[str, Any] = {"type": event_type, "object_id": obj["id"]}
    try:
        if family == "invitation":
            status = rules.status_from_checkr_invitation(str(obj.get("status")))
            result = None
            report_id = obj.get("report_id")
            if event_type == "invitation.completed" and isinstance(report_id, str):
                check.provider_ref = report_id  # the report's webhooks follow from now on
                detail["report_id"] = report_id
        else:
            status = rules.status_from_checkr_report(str(obj.get("status")))
            result = obj.get("result") if status == CheckStatus.COMPLETE else None
        if status == check.status and (result or None) == check.result:
            _add_event(session, check, "provider_event", source="provider_webhook",
                       from_status=check.status, to_status=check.status,
                       provider_event_id=event_id, detail=detail, now=now)
        else:
            record_status(session, check, status, result, source="provider_webhook",
                          provider_event_id=event_id, detail=detail, now=now)
    except InvalidTransition as exc:
        log.warning("Checkr event %s (%s) not applied to check %s: %s",
                    event_id, event_type, check.id, exc)
        _add_event(session, check, "provider_ignored", source="provider_webhook",
                   from_status=check.status, to_status=check.status,
                   provider_event_id=event_id, detail={**detail, "error": str(exc)}, now=now)
    return "processed"
