"""Eligibility answers of a candidate: parse, check the job's knockout rules, store the outcome.

Answers are given once: a second submission is refused (the first decision stands, so an
applicant cannot try answers until one passes). A recruiter can still see what was answered in
``candidate.eligibility``.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy.orm import Session

from screening.db import utcnow
from screening.models.candidate import Candidate
from screening.models.job import Job
from screening.scoring.eligibility import (
    EligibilityInputError,
    KnockoutFailure,
    evaluate,
    parse_answers,
)
from screening.services.orgs import ServiceError

__all__ = ["AlreadyAnswered", "EligibilityInputError", "is_answered", "knockout_rules",
           "submit_eligibility"]


class AlreadyAnswered(ServiceError):
    """The candidate has already answered the eligibility questions."""


def knockout_rules(job: Job) -> dict[str, object]:
    """The job's knockout rules (empty when the profile has none)."""
    return dict(job.profile.get("knockouts") or {})


def is_answered(candidate: Candidate) -> bool:
    """True once the eligibility questions were answered (eligible or not)."""
    return bool(candidate.eligibility and candidate.eligibility.get("answers"))


def submit_eligibility(session: Session, candidate: Candidate, job: Job,
                       form: Mapping[str, str]) -> list[KnockoutFailure]:
    """Parse and check ``form`` for ``candidate``; store answers and outcome. Commits.

    Sets ``candidate.eligibility = {"answers", "rules", "answered_at"}``, ``candidate.state``,
    ``candidate.knocked_out`` and ``candidate.knockout_reasons = {"reasons": [...],
    "rules": [...]}``. Returns the failed rules (empty = eligible). Raises
    :class:`EligibilityInputError` (nothing stored) or :class:`AlreadyAnswered`.
    """
    session.refresh(candidate, with_for_update=True)  # one decision, even for a double post
    if is_answered(candidate):
        raise AlreadyAnswered("You have already answered these questions.")
    rules = knockout_rules(job)
    answers = parse_answers(form, rules)
    failures = evaluate(rules, answers)
    candidate.eligibility = {
        "answers": answers.to_dict(),
        "rules": rules,
        "answered_at": utcnow().isoformat(),
    }
    candidate.state = answers.state
    candidate.knocked_out = bool(failures)
    candidate.knockout_reasons = (
        {"reasons": [f.reason for f in failures], "rules": [f.rule for f in failures]}
        if failures else None
    )
    session.commit()
    return failures
