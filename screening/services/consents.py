"""Consents: which exact text an applicant accepted, when, from where; accommodation requests
(an alternative process, extra time) and the extra time a recruiter grants.

A consent is tied to the SHA-256 of the exact text shown (``text_version``): when a text
changes, earlier consents no longer count for it and the applicant is asked again. The texts
themselves are passed in by the caller (the applicant web layer ships them as package data).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from screening.models.audit import AuditEvent
from screening.models.candidate import Candidate, Consent
from screening.services import audit
from screening.services.orgs import ServiceError

USER_AGENT_MAX = 400


def text_version(text: str) -> str:
    """SHA-256 hex digest of ``text`` encoded as UTF-8 (64 characters)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class SignedText:
    """A document applicants read and accept: ``kind``, the exact ``text`` (first line = title,
    then paragraphs separated by blank lines) and its SHA-256 ``version``."""

    kind: str
    text: str

    @property
    def version(self) -> str:
        return text_version(self.text)

    @property
    def title(self) -> str:
        return self.text.split("\n", 1)[0].strip()

    @property
    def paragraphs(self) -> list[str]:
        body = self.text.split("\n", 1)[1] if "\n" in self.text else ""
        return [p.strip() for p in body.split("\n\n") if p.strip()]


def missing_consents(session: Session, candidate: Candidate,
                     documents: Mapping[str, str]) -> list[str]:
    """Kinds of ``documents`` (kind -> exact text) the candidate has not accepted in this
    version, in the order given."""
    given = {
        (kind, version)
        for kind, version in session.execute(
            select(Consent.kind, Consent.text_version).where(Consent.candidate_id == candidate.id)
        )
    }
    return [kind for kind, text in documents.items() if (kind, text_version(text)) not in given]


def give_consents(session: Session, candidate: Candidate, documents: Mapping[str, str], *,
                  ip: str | None, user_agent: str | None) -> list[Consent]:
    """Record acceptance of every document in ``documents`` (kind -> exact text shown).

    Idempotent: a version already accepted is not recorded again. Returns the new rows.
    Commits.
    """
    missing = set(missing_consents(session, candidate, documents))
    rows = [
        Consent(candidate_id=candidate.id, kind=kind, text_version=text_version(text),
                ip=(ip or None) and ip[:45],
                user_agent=(user_agent or None) and user_agent[:USER_AGENT_MAX])
        for kind, text in documents.items()
        if kind in missing
    ]
    try:
        session.add_all(rows)
        session.commit()
    except IntegrityError:  # a concurrent double post recorded the same versions first
        session.rollback()
        return []
    return rows


def request_alternative(session: Session, candidate: Candidate, *, reason: str = "") -> bool:
    """Record that the applicant asks for an alternative to the automated assessment.

    Sets ``candidate.accommodation_requested`` and writes an audit event
    ``candidate.alternative_requested`` (with the applicant's optional note, at most 1000
    characters) so recruiters see it. Returns False when an alternative was already requested
    (asking for extra time first does not prevent it). Commits.
    """
    if "alternative" in accommodation_requests(session, candidate):
        return False
    candidate.accommodation_requested = True
    audit.record("candidate.alternative_requested", org_id=candidate.org_id,
                 subject_type="candidate", subject_id=candidate.id,
                 detail={"note": reason.strip()[:1000]} if reason.strip() else None)
    session.commit()
    return True


EXTRA_TIME_FACTORS = (1.0, 1.25, 1.5, 2.0)
"""Time-limit multipliers a recruiter may grant (1.0 = no extra time)."""

REQUEST_KINDS = ("alternative", "extra_time")


def accommodation_requests(session: Session, candidate: Candidate) -> set[str]:
    """What the applicant asked for: a subset of :data:`REQUEST_KINDS`, read from the audit log
    (``candidate.alternative_requested`` and ``candidate.accommodation_requested`` events)."""
    rows = session.execute(
        select(AuditEvent.action, AuditEvent.detail).where(
            AuditEvent.org_id == candidate.org_id,
            AuditEvent.subject_type == "candidate",
            AuditEvent.subject_id == candidate.id,
            AuditEvent.action.in_(("candidate.alternative_requested",
                                   "candidate.accommodation_requested")),
        )
    )
    kinds: set[str] = set()
    for action, detail in rows:
        if action == "candidate.alternative_requested":
            kinds.add("alternative")
        elif isinstance(detail, dict) and detail.get("kind") in REQUEST_KINDS:
            kinds.add(str(detail["kind"]))
    return kinds


def request_extra_time(session: Session, candidate: Candidate, *, note: str = "") -> bool:
    """Record that the applicant asks for extra time on the timed tests.

    Sets ``candidate.accommodation_requested`` and writes an audit event
    ``candidate.accommodation_requested`` with detail ``{"kind": "extra_time"}`` (plus
    ``"note"``, at most 1000 characters, when given). The time limits change only when a
    recruiter grants a factor (:func:`grant_extra_time`). Returns False when extra time was
    already requested. Commits.
    """
    if "extra_time" in accommodation_requests(session, candidate):
        return False
    candidate.accommodation_requested = True
    detail: dict[str, str] = {"kind": "extra_time"}
    if note.strip():
        detail["note"] = note.strip()[:1000]
    audit.record("candidate.accommodation_requested", org_id=candidate.org_id,
                 subject_type="candidate", subject_id=candidate.id, detail=detail)
    session.commit()
    return True


def grant_extra_time(session: Session, candidate: Candidate, factor: float, *,
                     user_id: int | None) -> bool:
    """Set the candidate's time-limit multiplier to ``factor`` (one of
    :data:`EXTRA_TIME_FACTORS`; 1.0 takes extra time back).

    Applies to attempts started afterwards: a running or submitted attempt keeps the deadline
    it started with. Writes the audit event ``candidate.accommodation_granted`` with detail
    ``{"factor", "previous"}``. The factor is kept out of the ranked list and the CSV export
    (it is an accommodation, not a result). Returns False when nothing changed. Does not commit.
    Raises :class:`ServiceError` for any other factor.
    """
    if factor not in EXTRA_TIME_FACTORS:
        allowed = ", ".join(f"{f:g}" for f in EXTRA_TIME_FACTORS)
        raise ServiceError(f"Extra time must be one of ×{allowed}; got {factor!r}.")
    previous = float(candidate.accommodation_factor or 1.0)
    if previous == factor:
        return False
    candidate.accommodation_factor = factor
    audit.record("candidate.accommodation_granted", org_id=candidate.org_id, user_id=user_id,
                 subject_type="candidate", subject_id=candidate.id,
                 detail={"factor": factor, "previous": previous})
    return True
