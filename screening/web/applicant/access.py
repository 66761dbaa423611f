"""Who the applicant is (from the invite token), what they may do next, and section states."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

from flask import abort
from sqlalchemy.orm import Session

from screening.assessments import get_type
from screening.db import utcnow
from screening.models.attempt import Attempt
from screening.models.candidate import Candidate
from screening.models.job import SECTIONS, Job
from screening.services import attempts as attempt_service
from screening.services import candidates as candidate_service
from screening.services import consents as consent_service
from screening.services import eligibility as eligibility_service
from screening.web.applicant.consent_texts import documents

WEB_SECTIONS = ("typing", "grammar", "math", "tenkey")
"""Sections taken on the pages of this package (voice has its own recorder page)."""

INVALID_LINK = ("This link is not valid or has expired. Ask the recruiter for a new "
                "invitation.")
KNOCKED_OUT = ("Thank you for your interest. Based on your answers this job's requirements "
               "are not met, so the tests are not available for this application.")
STEPS_FIRST = "Please answer the questions and review the consents on your page first."


@dataclass(frozen=True)
class Applicant:
    """The candidate behind a token and their job."""

    token: str
    candidate: Candidate
    job: Job
    token_expires_at: datetime


@dataclass(frozen=True)
class SectionState:
    """A section as the hub shows it: ``state`` is not_started | in_progress | submitted;
    ``time_limit_s`` is the started attempt's own limit, else the limit a start would get now
    (profile limit × the candidate's current accommodation factor)."""

    section: str
    title: str
    time_limit_s: int
    state: str
    on_web: bool
    remaining_s: int | None


def load(token: str) -> Applicant:
    """The applicant of ``token``; 404 for unknown or expired tokens."""
    found = candidate_service.applicant_for_token(token)
    if found is None:
        abort(404, description=INVALID_LINK)
    return Applicant(token, found.candidate, found.job, found.expires_at)


def next_step(session: Session, applicant: Applicant) -> str | None:
    """``eligibility`` or ``consents`` while one is missing, ``knocked_out``, or None (tests)."""
    if not eligibility_service.is_answered(applicant.candidate):
        return "eligibility"
    if applicant.candidate.knocked_out:
        return "knocked_out"
    if consent_service.missing_consents(session, applicant.candidate, documents()):
        return "consents"
    return None


def require_may_continue(applicant: Applicant) -> None:
    """403 for knocked-out or not yet eligible applicants, without the consents query: for
    requests on an attempt that exists, since an attempt is only started once every consent
    was given (the autosave path, called on every keystroke pause)."""
    if not eligibility_service.is_answered(applicant.candidate):
        abort(403, description=STEPS_FIRST)
    if applicant.candidate.knocked_out:
        abort(403, description=KNOCKED_OUT)


def require_tests_allowed(session: Session, applicant: Applicant) -> None:
    """403 unless the applicant may take tests (eligible and every consent given)."""
    step = next_step(session, applicant)
    if step == "knocked_out":
        abort(403, description=KNOCKED_OUT)
    if step is not None:
        abort(403, description=STEPS_FIRST)


def enabled_sections(job: Job) -> list[str]:
    """The job's enabled sections in the standard order."""
    sections = job.profile.get("sections", {})
    return [s for s in SECTIONS if sections.get(s, {}).get("enabled")]


def require_web_section(job: Job, section: str) -> None:
    """404 unless ``section`` is enabled for ``job`` and taken on these pages."""
    if section not in WEB_SECTIONS or section not in enabled_sections(job):
        abort(404, description="This test is not part of your application.")


def seconds_until(deadline: datetime) -> int:
    """Whole seconds from now until ``deadline`` (0 when past)."""
    return max(0, math.ceil((deadline - utcnow()).total_seconds()))


def remaining_seconds(attempt: Attempt) -> int:
    """Whole seconds until the attempt's deadline (0 when past)."""
    return seconds_until(attempt.deadline_at)


def attempt_state(attempt: Attempt | None) -> str:
    if attempt is None:
        return "not_started"
    return "in_progress" if attempt.status == "in_progress" else "submitted"


def section_states(session: Session, applicant: Applicant) -> list[SectionState]:
    """Every enabled section with its state; overdue attempts are submitted on the way."""
    states = []
    for section in enabled_sections(applicant.job):
        cfg = applicant.job.profile["sections"][section]
        attempt = attempt_service.get_attempt(session, applicant.candidate, section)
        try:
            title = get_type(section).title
        except LookupError:
            title = section.capitalize()
        if attempt is not None:  # started: the limit it started with (extra time included)
            limit_s = int((attempt.deadline_at - attempt.started_at).total_seconds())
        else:  # not started: the limit it would get now
            limit_s = int(float(cfg.get("time_limit_s", 600))
                          * float(applicant.candidate.accommodation_factor or 1.0))
        states.append(SectionState(
            section=section,
            title=title,
            time_limit_s=limit_s,
            state=attempt_state(attempt),
            on_web=section in WEB_SECTIONS,
            remaining_s=remaining_seconds(attempt) if attempt is not None
            and attempt.status == "in_progress" else None,
        ))
    return states


def saved_answers(session: Session, attempt: Attempt) -> dict[str, dict[str, object]]:
    """item id -> {"value": stored normalized value, "seq": client sequence number}."""
    from sqlalchemy import select

    from screening.models.attempt import Response

    rows = session.scalars(select(Response).where(Response.attempt_id == attempt.id))
    return {r.item_id: {"value": r.value.get("v"), "seq": r.client_seq} for r in rows}
