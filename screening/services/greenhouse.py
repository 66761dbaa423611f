"""Greenhouse Assessment Partner API: tests, sending a test, status, the "test completed" PATCH.

Contract (https://developers.greenhouse.io/assessment.html): Greenhouse calls the partner with
HTTP Basic, the organization's API key as the username and an empty password.

* ``list_tests`` → ``[{partner_test_id, partner_test_name}]``: one test per open job of the
  organization; ``partner_test_id`` is the job id as a string. A ``description`` is added (the
  sections and their time limits); Greenhouse reads the two contract keys.
* ``send_test`` ``{partner_test_id, candidate: {first_name, last_name, email, phone_number?,
  resume_url?, greenhouse_profile_url?}, url?}`` → ``{partner_interview_id}``: applies the
  candidate to the job (source ``greenhouse``; idempotent per job and e-mail) and issues an
  invite token. Sending again for the same candidate returns the same ``partner_interview_id``
  (and takes the newest ``url``).
* ``test_status?partner_interview_id=`` → ``{partner_status, partner_profile_url,
  partner_score, metadata}``: ``partner_status`` is ``complete`` once every enabled section is
  scored (``Scorecard.complete``), else ``incomplete``; ``partner_score`` is the composite
  (0–100, 0.1 steps) when complete, else ``null``; ``metadata`` is flat (string/number values).
* PATCH to the ``url`` given in ``send_test`` when the test is complete ("PATCH - Mark Test as
  Completed"): Greenhouse then calls ``test_status``. Greenhouse authenticates it with the same
  org API key it uses to call us (the documented example header is the same), so the key
  presented at ``send_test`` is kept **encrypted** (Fernet, key derived from the app secret)
  on the interview; keys stay stored hashed everywhere else. A revoked key is never sent. The
  body is the ``test_status`` JSON (the contract needs none; it does no harm).

Functions take the session and never commit (the caller owns the transaction).
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from screening.config import Settings
from screening.db import utcnow
from screening.integrations.webhooks.http import DeliveryResult, post
from screening.integrations.webhooks.url_guard import HostResolutionError, UnsafeURL, check_url
from screening.models.api_key import ApiKey
from screening.models.greenhouse import GreenhouseInterview
from screening.models.job import SECTIONS, Job
from screening.models.score import Scorecard, SectionScore
from screening.queues import enqueue
from screening.services import candidates as candidate_service
from screening.services.orgs import ServiceError

SOURCE = "greenhouse"
COMPLETE = "complete"
INCOMPLETE = "incomplete"
PATCH_JOB = "greenhouse_patch"
PATCH_QUEUE = "webhooks"
PATCH_TIMEOUT_S = 15.0
USER_AGENT = "Screening-Greenhouse/1.0"
MAX_NAME = 100
MAX_URL = 2048
SECTION_LABELS = {"typing": "Typing", "grammar": "Grammar and writing", "math": "Math",
                  "voice": "Voice", "tenkey": "Ten-key"}
_RETRYABLE_KINDS = frozenset({"dns", "connect", "timeout", "protocol", "tls"})


class GreenhouseError(ServiceError):
    """A request Greenhouse sent that cannot be served: ``status`` 404 (unknown test or
    interview, or another organization's) or 422 (invalid fields, listed in ``errors``)."""

    def __init__(self, message: str, status: int = 422,
                 errors: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.errors = errors or {}


# --------------------------------------------------------------------------- key sealing


def _fernet(secret_key: str) -> Any:
    from cryptography.fernet import Fernet  # runtime dependency of this feature

    digest = hashlib.sha256(b"screening.greenhouse.patch-key\0" + secret_key.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def seal_key(plain: str, secret_key: str) -> str:
    """Encrypt an API key for storage (Fernet: AES-128-CBC + HMAC-SHA256, random IV)."""
    token: bytes = _fernet(secret_key).encrypt(plain.encode())
    return token.decode("ascii")


def unseal_key(sealed: str, secret_key: str) -> str | None:
    """The plain key, or ``None`` if it cannot be decrypted (secret key changed, tampering)."""
    from cryptography.fernet import InvalidToken

    try:
        plain: bytes = _fernet(secret_key).decrypt(sealed.encode("ascii"))
    except (InvalidToken, ValueError):
        return None
    return plain.decode()


# --------------------------------------------------------------------------- list_tests


def _sections(job: Job) -> list[tuple[str, dict[str, Any]]]:
    """Enabled sections in the product's order (JSONB does not keep key order)."""
    sections = job.profile.get("sections", {})
    order = {key: i for i, key in enumerate(SECTIONS)}
    return sorted(((k, v) for k, v in sections.items() if isinstance(v, dict) and v.get("enabled")),
                  key=lambda item: (order.get(item[0], len(order)), item[0]))


def list_tests(session: Session, org_id: int) -> list[dict[str, str]]:
    """The organization's open jobs as partner tests, oldest first."""
    jobs = session.scalars(
        select(Job).where(Job.org_id == org_id, Job.status == "open").order_by(Job.id)
    )
    tests = []
    for job in jobs:
        sections = _sections(job)
        names = ", ".join(SECTION_LABELS.get(k, k) for k, _ in sections)
        minutes = round(sum(float(v.get("time_limit_s", 0)) for _, v in sections) / 60)
        name = f"{job.title} ({names})" if names else job.title
        description = (f"{len(sections)} sections: {names}; about {minutes} minutes in total."
                       if sections else "No sections enabled.")
        tests.append({"partner_test_id": str(job.id), "partner_test_name": name[:255],
                      "description": description})
    return tests


# --------------------------------------------------------------------------- send_test


@dataclass
class SendTestRequest:
    """A validated ``send_test`` body."""

    partner_test_id: str
    first_name: str
    last_name: str
    email: str
    phone_number: str | None = None
    greenhouse_profile_url: str | None = None
    url: str | None = None
    errors: dict[str, str] = field(default_factory=dict)


def _text(value: Any, name: str, errors: dict[str, str], *, required: bool,
          limit: int) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            errors[name] = "is required"
        return None
    if isinstance(value, int) and not isinstance(value, bool) and name.endswith("_id"):
        value = str(value)
    if not isinstance(value, str):
        errors[name] = "must be a string"
        return None
    text: str = value.strip()
    if len(text) > limit:
        errors[name] = f"must be at most {limit} characters"
        return None
    return text


def parse_send_test(body: Any) -> SendTestRequest:
    """Validate a ``send_test`` JSON body; raise :class:`GreenhouseError` (422) listing every
    invalid field as ``{"candidate.email": "is required", ...}``."""
    if not isinstance(body, Mapping):
        raise GreenhouseError("The body must be a JSON object.")
    errors: dict[str, str] = {}
    test_id = _text(body.get("partner_test_id"), "partner_test_id", errors, required=True,
                    limit=40)
    candidate = body.get("candidate")
    if not isinstance(candidate, Mapping):
        errors["candidate"] = "must be an object with first_name, last_name and email"
        candidate = {}
    first = _text(candidate.get("first_name"), "candidate.first_name", errors, required=True,
                  limit=MAX_NAME)
    last = _text(candidate.get("last_name"), "candidate.last_name", errors, required=True,
                 limit=MAX_NAME)
    email = _text(candidate.get("email"), "candidate.email", errors, required=True, limit=320)
    if email is not None and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email):
        errors["candidate.email"] = "is not a valid e-mail address"
    phone = _text(candidate.get("phone_number"), "candidate.phone_number", errors,
                  required=False, limit=40)
    profile = _text(candidate.get("greenhouse_profile_url"), "candidate.greenhouse_profile_url",
                    errors, required=False, limit=MAX_URL)
    url = _text(body.get("url"), "url", errors, required=False, limit=MAX_URL)
    if errors:
        fields = ", ".join(f"{k} {v}" for k, v in sorted(errors.items()))
        raise GreenhouseError(f"Invalid send_test request: {fields}.", 422, errors)
    assert test_id and first and last and email
    return SendTestRequest(test_id, first, last, email, phone, profile, url)


def _check_callback(url: str, settings: Settings) -> None:
    try:
        check_url(url, allow_http=settings.embedded or settings.webhook_allow_loopback,
                  allow_loopback=settings.webhook_allow_loopback)
    except HostResolutionError:
        return  # may be temporary; checked again before every PATCH
    except UnsafeURL as exc:
        raise GreenhouseError(f"The callback url was refused: {exc.reason}.", 422,
                              {"url": exc.reason}) from exc


def org_job(session: Session, org_id: int, partner_test_id: str) -> Job:
    """The organization's job for ``partner_test_id``; :class:`GreenhouseError` 404 otherwise
    (another organization's job is not found either)."""
    job = None
    if partner_test_id.isdigit() and len(partner_test_id) <= 12:
        job = session.scalar(select(Job).where(Job.id == int(partner_test_id),
                                               Job.org_id == org_id))
    if job is None:
        raise GreenhouseError(f"No test {partner_test_id!r} in your organization.", 404)
    return job


@dataclass(frozen=True)
class SendTestResult:
    """``interview``; ``created`` False when the candidate already had one; ``invite_token``:
    the applicant's personal link token (``/a/<token>``), shown only here."""

    interview: GreenhouseInterview
    created: bool
    invite_token: str


def send_test(session: Session, key: ApiKey, presented_key: str, body: Any, *,
              settings: Settings) -> SendTestResult:
    """Apply the candidate Greenhouse sent to the test's job and record the interview.

    Idempotent per candidate (job + e-mail): the same ``partner_interview_id`` comes back, the
    callback ``url`` and the key for the PATCH are updated to the latest request."""
    req = parse_send_test(body)
    job = org_job(session, key.org_id, req.partner_test_id)
    if req.url:
        _check_callback(req.url, settings)
    name = f"{req.first_name} {req.last_name}"[:200]
    candidate, _ = candidate_service.apply(job, email=req.email, name=name, source=SOURCE)
    if req.phone_number and not candidate.phone:
        candidate.phone = req.phone_number
    interview = session.scalar(
        select(GreenhouseInterview).where(GreenhouseInterview.candidate_id == candidate.id)
    )
    created = interview is None
    if interview is None:
        interview = GreenhouseInterview(
            partner_interview_id=secrets.token_urlsafe(18), org_id=job.org_id,
            candidate_id=candidate.id, job_id=job.id, status=INCOMPLETE,
        )
        try:
            with session.begin_nested():
                session.add(interview)
                session.flush()
        except IntegrityError:
            found = session.scalar(select(GreenhouseInterview).where(
                GreenhouseInterview.candidate_id == candidate.id))
            if found is None:
                raise
            interview, created = found, False
    if req.url and req.url != interview.callback_url:
        interview.callback_url = req.url
        interview.patched_state = None  # a new callback gets the result again
    interview.api_key_id = key.id
    interview.sealed_key = seal_key(presented_key, settings.secret_key)
    if req.greenhouse_profile_url:
        interview.greenhouse_profile_url = req.greenhouse_profile_url
    token = candidate_service.issue_token(candidate)
    session.flush()
    if not created:
        notify_scorecard_ready(session, candidate.id)  # already complete: PATCH the new url
    return SendTestResult(interview, created, token)


# --------------------------------------------------------------------------- test_status


def find_interview(session: Session, org_id: int,
                   partner_interview_id: str) -> GreenhouseInterview:
    """The organization's interview; :class:`GreenhouseError` 404 otherwise."""
    interview = None
    if 0 < len(partner_interview_id) <= 64:
        interview = session.scalar(select(GreenhouseInterview).where(
            GreenhouseInterview.partner_interview_id == partner_interview_id,
            GreenhouseInterview.org_id == org_id))
    if interview is None:
        raise GreenhouseError(f"No interview {partner_interview_id!r} in your organization.",
                              404)
    return interview


def _number(value: float) -> float | int:
    rounded = round(float(value), 1)
    return int(rounded) if rounded == int(rounded) else rounded


def status_body(session: Session, interview: GreenhouseInterview, *,
                public_base_url: str) -> dict[str, Any]:
    """The ``test_status`` response for ``interview`` (see the module docstring)."""
    card = session.scalar(select(Scorecard).where(Scorecard.candidate_id ==
                                                  interview.candidate_id))
    job = session.get(Job, interview.job_id)
    complete = card is not None and card.complete
    enabled = [k for k, _ in _sections(job)] if job is not None else []
    scores = {s.section: s.score for s in session.scalars(
        select(SectionScore).where(SectionScore.candidate_id == interview.candidate_id))}
    metadata: dict[str, str | int | float] = {}
    if job is not None:
        metadata["Job"] = job.title
    scored = [k for k in enabled if scores.get(k) is not None]
    metadata["Sections scored"] = f"{len(scored)} of {len(enabled)}"
    for key in scored:
        score = scores[key]
        assert score is not None
        metadata[f"{SECTION_LABELS.get(key, key)} score"] = _number(score)
    if complete and card is not None:
        if card.recommendation:
            metadata["Recommendation"] = card.recommendation
        if card.percentile is not None:
            metadata["Percentile"] = _number(card.percentile)
        metadata["Flagged for review"] = "yes" if card.flagged else "no"
    return {
        "partner_status": COMPLETE if complete else INCOMPLETE,
        "partner_profile_url": f"{public_base_url}/recruiter/candidates/{interview.candidate_id}",
        "partner_score": (_number(card.composite)
                          if complete and card is not None and card.composite is not None
                          else None),
        "metadata": metadata,
    }


def _fingerprint(card: Scorecard) -> str:
    """What a PATCH reports: completion, score and recommendation (not the percentile, which
    moves whenever another candidate is scored)."""
    raw = json.dumps([card.complete, card.composite, card.recommendation])
    return hashlib.sha256(raw.encode()).hexdigest()


# --------------------------------------------------------------------------- PATCH callback


def notify_scorecard_ready(session: Session, candidate_id: int) -> bool:
    """Called when a candidate's scorecard is (re)computed: mark the interview complete and
    enqueue the ``greenhouse_patch`` job (queue ``webhooks``) when Greenhouse gave a callback
    url and this result was not PATCHed yet. Returns True when a PATCH was enqueued; a no-op
    for candidates that did not come from Greenhouse."""
    interview = session.scalar(
        select(GreenhouseInterview).where(GreenhouseInterview.candidate_id == candidate_id)
    )
    if interview is None:
        return False
    card = session.scalar(select(Scorecard).where(Scorecard.candidate_id == candidate_id))
    if card is None or not card.complete:
        interview.status = INCOMPLETE
        return False
    interview.status = COMPLETE
    if not interview.callback_url or interview.patched_state == _fingerprint(card):
        return False
    enqueue(session, PATCH_JOB, key=f"{PATCH_JOB}:{interview.id}", queue=PATCH_QUEUE,
            interview_id=interview.id)
    return True


@dataclass(frozen=True)
class PatchOutcome:
    """One PATCH attempt: ``sent`` False when nothing was sent (nothing to report, no url,
    revoked or unreadable key); ``retryable`` for network errors, 429 and 5xx."""

    sent: bool
    status_code: int | None = None
    error: str | None = None
    retryable: bool = False


def _skip(interview: GreenhouseInterview | None, reason: str) -> PatchOutcome:
    if interview is not None:
        interview.last_patch_error = reason[:500]
    return PatchOutcome(sent=False, error=reason)


def send_patch(session: Session, interview_id: int, *, settings: Settings) -> PatchOutcome:
    """PATCH Greenhouse's callback url once with the current ``test_status`` body.

    Never twice for the same result (``patched_state``). Records ``last_patch_status``,
    ``last_patch_error`` and, on a 2xx, ``patched_at`` / ``patched_state`` in ``session``.
    Goes through the SSRF-safe delivery client (checked address, no redirects)."""
    interview = session.get(GreenhouseInterview, interview_id)
    if interview is None or not interview.callback_url:
        return _skip(interview, "no callback url")
    card = session.scalar(select(Scorecard).where(Scorecard.candidate_id ==
                                                  interview.candidate_id))
    if card is None or not card.complete:
        return PatchOutcome(sent=False, error="the test is not complete")
    state = _fingerprint(card)
    if interview.patched_state == state:
        return PatchOutcome(sent=False, error="already reported")
    key = session.get(ApiKey, interview.api_key_id) if interview.api_key_id else None
    if key is None or key.revoked_at is not None:
        return _skip(interview, "the API key Greenhouse used was revoked; PATCH not sent")
    plain = unseal_key(interview.sealed_key, settings.secret_key) if interview.sealed_key else None
    if plain is None:
        return _skip(interview, "the stored API key cannot be decrypted (secret key changed?)")
    body = json.dumps(status_body(session, interview, public_base_url=settings.public_base_url),
                      separators=(",", ":")).encode()
    credentials = base64.b64encode(f"{plain}:".encode()).decode("ascii")
    result: DeliveryResult = post(
        interview.callback_url, body,
        {"Authorization": f"Basic {credentials}", "Content-Type": "application/json",
         "Accept": "application/json", "User-Agent": USER_AGENT},
        method="PATCH", timeout=PATCH_TIMEOUT_S,
        allow_http=settings.embedded or settings.webhook_allow_loopback,
        allow_loopback=settings.webhook_allow_loopback,
    )
    interview.last_patch_status = result.status_code
    interview.last_patch_error = (result.error or None) and result.error[:500]
    if result.ok:
        interview.patched_state = state
        interview.patched_at = utcnow()
        return PatchOutcome(sent=True, status_code=result.status_code)
    code = result.status_code
    retryable = (code is None and result.error_kind in _RETRYABLE_KINDS) or (
        code is not None and (code == 429 or code >= 500))
    error = result.error or f"Greenhouse answered {code}"
    interview.last_patch_error = error[:500]
    return PatchOutcome(sent=True, status_code=code, error=error, retryable=retryable)


# --------------------------------------------------------------------------- response_error


def record_response_error(session: Session, org_id: int, body: Any) -> GreenhouseInterview | None:
    """Keep what Greenhouse reports about a malformed response of ours (``api_call``,
    ``errors``) on the interview it names, if it is the organization's. Returns it or None."""
    if not isinstance(body, Mapping):
        raise GreenhouseError("The body must be a JSON object.")
    interview_id = body.get("partner_interview_id")
    if not isinstance(interview_id, str | int) or isinstance(interview_id, bool):
        return None
    try:
        interview = find_interview(session, org_id, str(interview_id))
    except GreenhouseError:
        return None
    interview.last_response_error = json.dumps(
        {"api_call": body.get("api_call"), "errors": body.get("errors"), "at":
         utcnow().isoformat()})[:4000]
    return interview

