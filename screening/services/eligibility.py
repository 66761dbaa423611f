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
    connection_flags,
    evaluate,
    parse_answers,
    parse_measurement,
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

    Sets ``candidate.eligibility = {"answers", "rules", "answered_at", "measured"}``,
    ``candidate.state``, ``candidate.knocked_out`` and
    ``candidate.knockout_reasons = {"reasons": [...], "rules": [...]}``. Returns the failed
    rules (empty = eligible). Raises :class:`EligibilityInputError` (nothing stored) or
    :class:`AlreadyAnswered`.

    ``measured`` = ``{"download_mbps", "latency_ms", "flags": [{"code", "message"}]}`` from the
    page's hidden fields ``measured_mbps`` / ``measured_latency_ms`` (None when not measured).
    It is information for the recruiter only: the ``min_download_mbps`` knockout uses the
    self-reported speed, because a measurement against our server is not the applicant's home
    line (see :func:`screening.scoring.eligibility.connection_flags`).
    """
    session.refresh(candidate, with_for_update=True)  # one decision, even for a double post
    if is_answered(candidate):
        raise AlreadyAnswered("You have already answered these questions.")
    rules = knockout_rules(job)
    answers = parse_answers(form, rules)
    failures = evaluate(rules, answers)
    measured = parse_measurement(form)
    candidate.eligibility = {
        "answers": answers.to_dict(),
        "rules": rules,
        "answered_at": utcnow().isoformat(),
        "measured": {
            "download_mbps": measured.download_mbps,
            "latency_ms": measured.latency_ms,
            "flags": [{"code": f.rule, "message": f.reason}
                      for f in connection_flags(rules, answers, measured)],
        },
    }
    candidate.state = answers.state
    candidate.knocked_out = bool(failures)
    candidate.knockout_reasons = (
        {"reasons": [f.reason for f in failures], "rules": [f.rule for f in failures]}
        if failures else None
    )
    session.commit()
    return failures
