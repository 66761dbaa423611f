"""Candidates and what belongs to them alone: invite tokens, consents, stage history, notes,
voluntary EEO self-identification (kept apart from scores)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from screening.db import Base, utcnow

STAGES = ("applied", "assessing", "scored", "interview", "offer", "hired", "rejected", "withdrawn")


class Candidate(Base):
    """One applicant for one job; unique per (job, e-mail) so applying twice resumes."""

    __tablename__ = "candidates"
    __table_args__ = (
        UniqueConstraint("job_id", "email"),
        Index("ix_candidates_org_job_stage", "org_id", "job_id", "stage"),
        Index("ix_candidates_org_state", "org_id", "state"),
        Index("ix_candidates_org_applied", "org_id", "applied_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id"))
    email: Mapped[str] = mapped_column(String(320))
    name: Mapped[str] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(40))
    state: Mapped[str | None] = mapped_column(String(2))
    stage: Mapped[str] = mapped_column(String(20), default="applied")
    source: Mapped[str] = mapped_column(String(40), default="apply_link")
    accommodation_factor: Mapped[float] = mapped_column(default=1.0)
    accommodation_requested: Mapped[bool] = mapped_column(default=False)
    eligibility: Mapped[dict[str, Any] | None]
    knocked_out: Mapped[bool] = mapped_column(default=False)
    knockout_reasons: Mapped[dict[str, Any] | None]
    applied_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class InviteToken(Base):
    """An applicant's key: only the SHA-256 of the token is stored; it expires."""

    __tablename__ = "invite_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidates.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]


class Consent(Base):
    """A consent given: which document (``kind``), the exact text version (SHA-256), when, where."""

    __tablename__ = "consents"
    __table_args__ = (UniqueConstraint("candidate_id", "kind", "text_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidates.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    text_version: Mapped[str] = mapped_column(String(64))
    accepted_at: Mapped[datetime] = mapped_column(default=utcnow)
    ip: Mapped[str | None] = mapped_column(String(45))
    user_agent: Mapped[str | None] = mapped_column(String(400))


class StageChange(Base):
    """Who moved a candidate from one stage to another, and when (``user_id`` None = system)."""

    __tablename__ = "stage_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidates.id"), index=True)
    from_stage: Mapped[str | None] = mapped_column(String(20))
    to_stage: Mapped[str] = mapped_column(String(20))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(default=utcnow)


class Note(Base):
    """A recruiter's note on a candidate."""

    __tablename__ = "notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidates.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class EeoSelfId(Base):
    """Voluntary EEO self-identification, stored apart from scores and never shown with them."""

    __tablename__ = "eeo_self_ids"

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidates.id"), unique=True)
    answers: Mapped[dict[str, Any]]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
