"""Job assessment profiles: validate an edit, save it, recompute the job's scorecards.

A profile (see :func:`screening.models.job.default_profile`) holds per section ``enabled``,
``time_limit_s`` (seconds), ``weight`` (percent; the enabled sections' weights sum to 100) and
``threshold`` (0–100); knockout rules; and the recommendation cut-offs (0 <= review <= advance
<= 100). An invalid edit is refused as a whole (:class:`ProfileError` with one message per
field) and nothing is saved.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from screening.db import utcnow
from screening.models.attempt import Attempt, IntegrityEvent
from screening.models.candidate import Candidate
from screening.models.job import SECTIONS, Job
from screening.models.score import Scorecard, SectionScore
from screening.queues import enqueue
from screening.scoring.eligibility import US_STATES
from screening.services.orgs import ServiceError
from screening.services.scorecards import JobRules, rerank_job, store_card

TIME_LIMIT_RANGE_S = (30, 7200)
WEIGHT_TOLERANCE = 0.01


class ProfileError(ServiceError):
    """An invalid profile edit; ``errors`` maps a form field to a plain-language message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = errors


def _number(form: Mapping[str, str], name: str, label: str, errors: dict[str, str], *,
            lo: float, hi: float, integer: bool = False) -> float | None:
    raw = (form.get(name) or "").strip()
    if raw == "":
        errors[name] = f"{label} is required."
        return None
    try:
        value = float(raw)
    except ValueError:
        errors[name] = f"{label} must be a number, got {raw!r}."
        return None
    if not math.isfinite(value) or not lo <= value <= hi or (integer and value != int(value)):
        kind = "a whole number" if integer else "a number"
        errors[name] = f"{label} must be {kind} from {lo:g} to {hi:g}, got {raw!r}."
        return None
    return value


def _flag(form: Mapping[str, str], name: str) -> bool:
    return (form.get(name) or "") in ("on", "1", "true", "yes")


def parse_profile(current: Mapping[str, Any], form: Mapping[str, str]) -> dict[str, Any]:
    """The profile ``form`` asks for, starting from ``current`` (keys the form does not edit,
    e.g. voice ``retakes``, are kept). Raises :class:`ProfileError` listing every bad field."""
    profile = copy.deepcopy(dict(current))
    errors: dict[str, str] = {}
    sections: dict[str, Any] = profile.setdefault("sections", {})
    enabled_weights: dict[str, float] = {}
    for key in SECTIONS:
        section = sections.setdefault(key, {})
        label = key.capitalize()
        enabled = _flag(form, f"{key}_enabled")
        section["enabled"] = enabled
        limit = _number(form, f"{key}_time_limit_s", f"{label} time limit (seconds)", errors,
                        lo=TIME_LIMIT_RANGE_S[0], hi=TIME_LIMIT_RANGE_S[1], integer=True)
        weight = _number(form, f"{key}_weight", f"{label} weight", errors, lo=0, hi=100)
        threshold = _number(form, f"{key}_threshold", f"{label} pass threshold", errors,
                            lo=0, hi=100)
        if limit is not None:
            section["time_limit_s"] = int(limit)
        if weight is not None:
            section["weight"] = int(weight) if weight == int(weight) else weight
            if enabled:
                enabled_weights[key] = weight
        if threshold is not None:
            section["threshold"] = int(threshold) if threshold == int(threshold) else threshold
        if key == "typing":
            min_wpm = _number(form, "typing_min_wpm", "Typing minimum words per minute", errors,
                              lo=0, hi=200, integer=True)
            if min_wpm is not None:
                section["min_wpm"] = int(min_wpm)
    weight_fields = [f"{k}_weight" for k in SECTIONS]
    if not any(f in errors for f in weight_fields):
        total = math.fsum(enabled_weights.values())
        if not enabled_weights or max(enabled_weights.values()) <= 0:
            errors["weights"] = "Enable at least one section with a weight above 0."
        elif abs(total - 100) > WEIGHT_TOLERANCE:
            parts = ", ".join(f"{k} {w:g}" for k, w in enabled_weights.items())
            errors["weights"] = (f"The weights of the enabled sections must add up to 100; "
                                 f"they add up to {total:g} ({parts}).")

    knockouts: dict[str, Any] = profile.setdefault("knockouts", {})
    states_raw = (form.get("allowed_states") or "").replace(",", " ").upper().split()
    unknown = [s for s in states_raw if s not in US_STATES]
    if unknown:
        errors["allowed_states"] = (f"Unknown US state code(s): {', '.join(unknown)}. Use "
                                    "two-letter codes such as CA, TX, FL.")
    else:
        knockouts["allowed_states"] = sorted(set(states_raw))
    for name, label, lo, hi in (("min_age", "Minimum age", 0, 99),
                                ("min_weekly_hours", "Minimum weekly hours", 0, 80),
                                ("min_download_mbps", "Minimum download speed (Mbps)", 0, 10000)):
        value = _number(form, name, label, errors, lo=lo, hi=hi, integer=True)
        if value is not None:
            knockouts[name] = int(value)
    for name in ("requires_evening", "requires_weekend", "requires_headset"):
        knockouts[name] = _flag(form, name)

    advance = _number(form, "cutoff_advance", "Advance cut-off", errors, lo=0, hi=100)
    review = _number(form, "cutoff_review", "Review cut-off", errors, lo=0, hi=100)
    if advance is not None and review is not None:
        if review > advance:
            errors["cutoffs"] = (f"The review cut-off ({review:g}) must not be above the advance "
                                 f"cut-off ({advance:g}).")
        else:
            profile["cutoffs"] = {"advance": advance, "review": review}
    if errors:
        raise ProfileError(errors)
    return profile


def recompute_key(job_id: int) -> str:
    """Task key of a job's scorecard recomputation."""
    return f"job-scorecards:{job_id}"


def save_profile(session: Session, job: Job, form: Mapping[str, str]) -> Job:
    """Validate and store the edit, then queue ``recompute_job_scorecards`` (dispatched after
    the caller commits). Raises :class:`ProfileError` with nothing changed."""
    job.profile = parse_profile(job.profile, form)
    job.updated_at = utcnow()
    enqueue(session, "recompute_job_scorecards", key=recompute_key(job.id), job_id=job.id)
    return job


def recompute_job(session: Session, job_id: int, batch: int = 500) -> int:
    """Rebuild every scorecard of a job under its current profile, then re-rank once.

    Same rules as :func:`screening.services.scorecards.recompute`, done for the whole job with
    one section-score and one integrity query per ``batch`` candidates and a single re-rank
    (calling ``recompute`` per candidate would re-rank the job once per candidate: O(n²)).
    Covers candidates with a section score or a scorecard. Adds writes without committing;
    returns the number of scorecards written.
    """
    job = session.get(Job, job_id)
    if job is None:
        return 0
    rules = JobRules.of(job)
    scored = select(SectionScore.candidate_id)
    carded = select(Scorecard.candidate_id)
    candidates = session.scalars(
        select(Candidate)
        .where(Candidate.job_id == job_id,
               Candidate.id.in_(scored) | Candidate.id.in_(carded))
        .order_by(Candidate.id)
    ).all()
    written = 0
    for start in range(0, len(candidates), batch):
        chunk = candidates[start:start + batch]
        ids = [c.id for c in chunk]
        scores: dict[int, dict[str, float | None]] = {i: {} for i in ids}
        for s in session.execute(select(SectionScore.candidate_id, SectionScore.section,
                                        SectionScore.score)
                                 .where(SectionScore.candidate_id.in_(ids))):
            scores[s.candidate_id][s.section] = s.score
        flags: dict[int, set[str]] = {i: set() for i in ids}
        for f in session.execute(select(Attempt.candidate_id, IntegrityEvent.kind)
                                 .join(Attempt, Attempt.id == IntegrityEvent.attempt_id)
                                 .where(Attempt.candidate_id.in_(ids))):
            flags[f.candidate_id].add(f.kind)
        cards = {row.candidate_id: row for row in session.scalars(
            select(Scorecard).where(Scorecard.candidate_id.in_(ids)))}
        for candidate in chunk:
            card = rules.card(candidate, scores[candidate.id], flags[candidate.id])
            store_card(session, cards.get(candidate.id), candidate, card)
            written += 1
        session.flush()
    rerank_job(session, job_id)
    return written
