"""Section attempts, saved answers and integrity events."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from screening.db import Base, utcnow

ATTEMPT_STATUSES = ("in_progress", "submitted", "scored", "expired")


class Attempt(Base):
    """One candidate's attempt at one section (one per section).

    ``seed`` draws the items; ``items`` is what the browser may see, ``answer_key`` never leaves
    the server. ``deadline_at`` = ``started_at`` + time limit × accommodation factor.
    """

    __tablename__ = "attempts"
    __table_args__ = (
        UniqueConstraint("candidate_id", "section"),
        Index("ix_attempts_status_deadline", "status", "deadline_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidates.id"))
    section: Mapped[str] = mapped_column(String(20))
    seed: Mapped[int]
    status: Mapped[str] = mapped_column(String(20), default="in_progress")
    items: Mapped[dict[str, Any]]
    answer_key: Mapped[dict[str, Any]]
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    deadline_at: Mapped[datetime]
    submitted_at: Mapped[datetime | None]
    auto_submitted: Mapped[bool] = mapped_column(default=False)


class Response(Base):
    """The latest saved answer to one item; ``client_seq`` makes autosave PUTs idempotent."""

    __tablename__ = "responses"
    __table_args__ = (UniqueConstraint("attempt_id", "item_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempts.id"))
    item_id: Mapped[str] = mapped_column(String(80))
    value: Mapped[dict[str, Any]]
    client_seq: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class IntegrityEvent(Base):
    """A review signal (paste, copy, tab hidden, implausible timing) at server time."""

    __tablename__ = "integrity_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempts.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    detail: Mapped[dict[str, Any] | None]
