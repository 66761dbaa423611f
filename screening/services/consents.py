"""Consents: which exact text an applicant accepted, when, from where; alternative-process
requests.

A consent is tied to the SHA-256 of the exact text shown (``text_version``): when a text
changes, earlier consents no longer count for it and the applicant is asked again. The texts
themselves are passed in by the caller (the applicant web layer ships them as package data).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from screening.models.candidate import Candidate, Consent
from screening.services import audit

USER_AGENT_MAX = 400


def text_version(text: str) -> str:
    """SHA-256 hex digest of ``text`` encoded as UTF-8 (64 characters)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


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
    characters) so recruiters see it. Returns False when it was already requested. Commits.
    """
    if candidate.accommodation_requested:
        return False
    candidate.accommodation_requested = True
    audit.record("candidate.alternative_requested", org_id=candidate.org_id,
                 subject_type="candidate", subject_id=candidate.id,
                 detail={"note": reason.strip()[:1000]} if reason.strip() else None)
    session.commit()
    return True
