"""Section attempts: start (one per section), autosave answers, submit, expire.

Timing is owned by the server: ``deadline_at = started_at + time limit × accommodation factor``.
Answers arriving after ``deadline_at + GRACE`` are refused with :class:`AttemptClosed` (HTTP 409);
an attempt past that point is submitted automatically — by the ``expire_attempts`` job and on the
next access, whichever comes first.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from sqlalchemy import Connection, bindparam, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from screening.assessments import get_type
from screening.assessments.base import AnswerError, SectionResult
from screening.db import JSONType, UTCDateTime, utcnow
from screening.models.attempt import Attempt, IntegrityEvent, Response
from screening.models.candidate import Candidate
from screening.models.job import Job
from screening.models.score import SectionScore
from screening.queues import enqueue
from screening.services import webhooks
from screening.services.candidates_stage import change_stage
from screening.services.orgs import ServiceError

GRACE = timedelta(seconds=10)
"""Network slack after the deadline during which the last autosave is still accepted."""


class AttemptClosed(ServiceError):
    """The attempt is submitted or past its deadline; maps to HTTP 409."""


class SectionUnavailable(ServiceError):
    """The section is not part of this job, or the candidate may not take tests."""


def section_settings(job: Job, section: str) -> dict[str, Any]:
    cfg = job.profile.get("sections", {}).get(section)
    if not cfg or not cfg.get("enabled"):
        raise SectionUnavailable(f"The {section} test is not part of this application.")
    return dict(cfg)


TIMED_TYPES_MAX_S = 600
"""Longest typing or ten-key run the assessment types accept (seconds)."""


def type_settings(section: str, cfg: dict[str, Any], factor: float) -> dict[str, Any]:
    """Settings for the assessment type from the job profile's section: the typing and ten-key
    runs last the section's time limit × the accommodation factor (at most 10 minutes), and the
    typing threshold is the profile's ``min_wpm``. Explicit ``settings`` in the profile win."""
    settings = dict(cfg.get("settings") or {})
    if section in ("typing", "tenkey") and cfg.get("time_limit_s"):
        seconds = round(float(cfg["time_limit_s"]) * factor)
        settings.setdefault("time_limit_s", min(TIMED_TYPES_MAX_S, seconds))
    if section == "typing" and cfg.get("min_wpm") is not None:
        settings.setdefault("threshold_wpm", float(cfg["min_wpm"]))
    return settings


def get_attempt(session: Session, candidate: Candidate, section: str) -> Attempt | None:
    """The candidate's attempt at ``section`` (expired ones are submitted on the way)."""
    attempt = session.scalar(
        select(Attempt).where(Attempt.candidate_id == candidate.id, Attempt.section == section)
    )
    if attempt is not None:
        close_if_overdue(session, attempt)
    return attempt


def start_attempt(session: Session, candidate: Candidate, section: str) -> Attempt:
    """Start ``section`` for ``candidate`` or return the attempt already started.

    Safe under concurrency: the (candidate, section) unique constraint decides; losers of the
    race get the winner's attempt. Commits.
    """
    if candidate.knocked_out:
        raise SectionUnavailable("This application did not meet the job's requirements.")
    existing = get_attempt(session, candidate, section)
    if existing is not None:
        session.commit()  # get_attempt may have auto-submitted an overdue attempt
        return existing
    job = session.get(Job, candidate.job_id)
    assert job is not None
    cfg = section_settings(job, section)
    seed = secrets.randbits(31)
    factor = float(candidate.accommodation_factor or 1.0)
    built = get_type(section).build(seed, type_settings(section, cfg, factor))
    now = utcnow()
    limit = float(cfg.get("time_limit_s", 600)) * factor
    attempt = Attempt(candidate_id=candidate.id, section=section, seed=seed,
                      items={"items": built.public_items}, answer_key=built.key,
                      started_at=now, deadline_at=now + timedelta(seconds=limit))
    try:
        session.add(attempt)
        session.flush()
        if candidate.stage == "applied":
            change_stage(candidate, "assessing", user_id=None)
        session.commit()
    except IntegrityError:
        session.rollback()
        winner = session.scalar(
            select(Attempt).where(Attempt.candidate_id == candidate.id,
                                  Attempt.section == section)
        )
        if winner is None:
            raise
        return winner
    return attempt


def _check_open(attempt: Attempt) -> None:
    late = utcnow() > attempt.deadline_at + GRACE
    if attempt.status != "in_progress" and not (attempt.auto_submitted and late):
        raise AttemptClosed("This test is already submitted; answers can no longer change.")
    if late:
        raise AttemptClosed("Time is up for this test; answers after the time limit are not "
                            "accepted. Your saved answers were submitted.")


class AttemptNotStarted(ServiceError):
    """No attempt of that section yet; maps to HTTP 409."""


def save_answer_for(session: Session, candidate: Candidate, section: str, item_id: str,
                    value: Any, client_seq: int) -> tuple[bool, Attempt]:
    """The autosave use case in one transaction: lock the candidate's attempt at ``section``,
    then :func:`save_answer`. Raises :class:`AttemptNotStarted`. Commits."""
    attempt = session.scalar(
        select(Attempt)
        .where(Attempt.candidate_id == candidate.id, Attempt.section == section)
        .with_for_update()
    )
    if attempt is None:
        session.rollback()
        raise AttemptNotStarted("Start this test before saving answers.")
    return save_answer(session, attempt, item_id, value, client_seq, locked=True), attempt


def save_answer(session: Session, attempt: Attempt, item_id: str, value: Any,
                client_seq: int, *, locked: bool = False) -> bool:
    """Autosave one answer (idempotent). Returns False when a newer save already exists.

    ``client_seq`` is the browser's increasing counter for this item: a retried or reordered PUT
    with a lower or equal number never overwrites a newer answer. ``locked``: the caller already
    holds the attempt's row lock in this transaction. Commits.
    """
    # Lock the attempt row: a save and a submit of the same attempt run one after the other, so
    # an answer acknowledged as saved is always part of the scored answers. Also re-reads the
    # status in case another request submitted the attempt meanwhile.
    if not locked:
        session.refresh(attempt, with_for_update=True)
    if close_if_overdue(session, attempt):
        session.commit()
    _check_open(attempt)
    atype = get_type(attempt.section)
    known = {str(item.get("id")) for item in attempt.items.get("items", [])}
    if item_id not in known:
        raise AnswerError(f"Unknown question {item_id!r} for this test.")
    normalized = atype.validate_answer(attempt.answer_key, item_id, value)
    written = upsert_response(session, attempt.id, item_id, {"v": normalized}, client_seq)
    session.commit()
    return written


UPSERT_ON_CONFLICT = (
    "ON CONFLICT (attempt_id, item_id) DO UPDATE SET value = excluded.value, "
    "client_seq = excluded.client_seq, updated_at = excluded.updated_at "
    "WHERE responses.client_seq < excluded.client_seq "
    "RETURNING id"
)
"""The conflict clause of every write to ``responses``: a lower or equal ``client_seq`` never
overwrites, and ``RETURNING`` yields a row only when something was written."""

UPSERT_RESPONSE = text(
    "INSERT INTO responses (attempt_id, item_id, value, client_seq, updated_at) "
    "VALUES (:attempt_id, :item_id, :value, :client_seq, :updated_at) " + UPSERT_ON_CONFLICT
).bindparams(bindparam("value", type_=JSONType), bindparam("updated_at", type_=UTCDateTime()))
"""The autosave upsert, written once as SQL both PostgreSQL and SQLite (3.35+) accept, so it is
compiled once per process (SQLAlchemy does not cache dialect ``insert().on_conflict_*``)."""


def upsert_response(session: Session | Connection, attempt_id: int, item_id: str,
                    value: dict[str, Any], client_seq: int) -> bool:
    """Store ``value`` unless an equal or newer ``client_seq`` is stored; True when written.
    Runs in the caller's transaction (a session's, or a Core connection's).

    RETURNING yields a row only when a row was inserted or updated (``rowcount`` is not
    reliable for upserts: psycopg reports -1)."""
    row = session.execute(UPSERT_RESPONSE, {
        "attempt_id": attempt_id, "item_id": item_id, "value": value,
        "client_seq": client_seq, "updated_at": utcnow()}).first()
    return row is not None


def answers_of(session: Session, attempt: Attempt) -> dict[str, Any]:
    rows = session.scalars(select(Response).where(Response.attempt_id == attempt.id))
    return {r.item_id: r.value.get("v") for r in rows}


def record_integrity(session: Session, attempt: Attempt, kind: str,
                     detail: dict[str, Any] | None = None) -> None:
    """Store an integrity signal (paste, copy, blur, hidden) at server time. Commits."""
    if kind not in {"paste", "copy", "blur", "hidden", "implausible_timing"}:
        raise ServiceError(f"unknown integrity signal {kind!r}")
    session.add(IntegrityEvent(attempt_id=attempt.id, kind=kind, detail=detail))
    session.commit()


def submit_attempt(session: Session, attempt: Attempt, *, auto: bool = False) -> SectionScore:
    """Submit and score ``attempt`` (once); queue the scorecard. Does not commit.

    The attempt row is locked first (``SELECT ... FOR UPDATE`` on PostgreSQL), so concurrent
    submits score once and the later one returns the stored score.
    """
    if attempt.id is not None and attempt not in session.new:
        session.refresh(attempt, with_for_update=True)
    if attempt.status != "in_progress":
        existing = session.scalar(select(SectionScore).where(
            SectionScore.candidate_id == attempt.candidate_id,
            SectionScore.section == attempt.section))
        if existing is None:
            raise AttemptClosed("This test is already submitted.")
        return existing
    atype = get_type(attempt.section)
    result = atype.score(attempt.answer_key, answers_of(session, attempt))
    attempt.status = "scored"
    attempt.submitted_at = utcnow()
    attempt.auto_submitted = auto
    candidate = session.get(Candidate, attempt.candidate_id)
    assert candidate is not None
    webhooks.emit(session, candidate.org_id, "attempt.submitted",
                  {"candidate_id": candidate.id, "attempt_id": attempt.id,
                   "section": attempt.section, "automatic": auto},
                  ordering_key=f"candidate:{candidate.id}")
    for flag in result.flags:
        session.add(IntegrityEvent(attempt_id=attempt.id, kind=flag.code,
                                   detail={"message": flag.message}))
    score = store_section_result(session, attempt.candidate_id, attempt.section, result)
    if attempt.section == "grammar" and attempt.answer_key.get("writing"):
        from screening.services.grammar_checks import request_check

        request_check(session, attempt.candidate_id, "writing", attempt.id)
    after_section_scored(session, attempt.candidate_id)
    return score


def store_section_result(session: Session, candidate_id: int, section: str,
                         result: SectionResult) -> SectionScore:
    """Upsert the candidate's ``section`` score from an assessment type's result. Flushes."""
    score = session.scalar(select(SectionScore).where(
        SectionScore.candidate_id == candidate_id, SectionScore.section == section))
    if score is None:
        score = SectionScore(candidate_id=candidate_id, section=section)
        session.add(score)
    score.status = "scored"
    score.score = result.score
    score.metrics = result.raw
    score.explanation = result.explanation
    score.flags = {"flags": [{"code": f.code, "message": f.message} for f in result.flags]}
    score.computed_at = utcnow()
    session.flush()
    return score


def after_section_scored(session: Session, candidate_id: int) -> None:
    """Queue the scorecard recomputation (runs after the caller commits)."""
    enqueue(session, "recompute_scorecard", key=f"scorecard:{candidate_id}",
            candidate_id=candidate_id)


def close_if_overdue(session: Session, attempt: Attempt) -> bool:
    """Submit ``attempt`` automatically when past deadline + grace. Does not commit."""
    if attempt.status == "in_progress" and utcnow() > attempt.deadline_at + GRACE:
        submit_attempt(session, attempt, auto=True)
        return True
    return False


def expire_overdue(session: Session) -> int:
    """Auto-submit every attempt past its deadline + grace; returns how many. Does not commit."""
    overdue = session.scalars(
        select(Attempt)
        .where(Attempt.status == "in_progress", Attempt.deadline_at < utcnow() - GRACE)
        .limit(500)
    ).all()
    for attempt in overdue:
        submit_attempt(session, attempt, auto=True)
    return len(overdue)
