"""Section scores, grammar checks and the per-candidate scorecard."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from screening.db import Base, utcnow


class SectionScore(Base):
    """A section's score 0–100 (None while pending) with the raw metrics behind it."""

    __tablename__ = "section_scores"
    __table_args__ = (
        UniqueConstraint("candidate_id", "section"),
        # the recruiter list sorted by one section's score (ranking_queries)
        Index("ix_section_scores_section_score", "section", "score"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidates.id"))
    section: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), default="pending")
    score: Mapped[float | None]
    metrics: Mapped[dict[str, Any] | None]
    explanation: Mapped[str | None] = mapped_column(Text)
    flags: Mapped[dict[str, Any] | None]
    computed_at: Mapped[datetime | None]


class GrammarCheck(Base):
    """LanguageTool result for a writing reply or a voice transcript (``source`` + ``source_id``).

    ``status``: pending (LanguageTool not reached yet) → done. ``matches``: list of
    ``{offset, length, rule_id, category, message, replacements}`` for highlighting.
    """

    __tablename__ = "grammar_checks"
    __table_args__ = (UniqueConstraint("source", "source_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidates.id"), index=True)
    source: Mapped[str] = mapped_column(String(20))
    source_id: Mapped[int]
    status: Mapped[str] = mapped_column(String(20), default="pending")
    words: Mapped[int | None]
    errors_per_100_words: Mapped[float | None]
    score: Mapped[float | None]
    matches: Mapped[dict[str, Any] | None]
    checked_at: Mapped[datetime | None]


class Scorecard(Base):
    """The candidate's composite, rank, percentile and recommendation with explanations."""

    __tablename__ = "scorecards"
    __table_args__ = (
        Index("ix_scorecards_job_composite", "job_id", "composite"),
        Index("ix_scorecards_org_recommendation", "org_id", "recommendation"),
        # the organization-wide ranked list (ranking_queries), sorted by composite
        Index("ix_scorecards_org_composite", "org_id", "composite"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidates.id"), unique=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id"))
    composite: Mapped[float | None]
    percentile: Mapped[float | None]
    rank: Mapped[int | None]
    recommendation: Mapped[str | None] = mapped_column(String(10))
    complete: Mapped[bool] = mapped_column(default=False)
    flagged: Mapped[bool] = mapped_column(default=False)
    explanation: Mapped[dict[str, Any] | None]
    computed_at: Mapped[datetime] = mapped_column(default=utcnow)
