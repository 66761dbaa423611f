"""Background checks (Checkr status model) and their event history."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from screening.db import Base, utcnow


class BackgroundCheck(Base):
    """One check of one type for one candidate.

    ``status`` follows Checkr: not_started, invited, pending, suspended, paused, complete
    (``result`` clear | consider), canceled, dispute. ``payer``: company | applicant;
    ``fee_cents`` in US cents; ``payment_state``: pending | paid | waived | refunded.
    """

    __tablename__ = "background_checks"
    __table_args__ = (UniqueConstraint("candidate_id", "check_type"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidates.id"))
    check_type: Mapped[str] = mapped_column(String(40))
    provider: Mapped[str] = mapped_column(String(40), default="manual")
    provider_ref: Mapped[str | None] = mapped_column(String(120), index=True)
    status: Mapped[str] = mapped_column(String(20), default="not_started", index=True)
    result: Mapped[str | None] = mapped_column(String(20))
    payer: Mapped[str] = mapped_column(String(20), default="company")
    fee_cents: Mapped[int] = mapped_column(default=0)
    payment_state: Mapped[str | None] = mapped_column(String(20))
    ordered_at: Mapped[datetime | None]
    completed_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class BackgroundCheckEvent(Base):
    """A status change or FCRA step with its source (recruiter, provider_webhook, system).

    ``provider_event_id`` is unique so a replayed provider webhook is processed once.
    """

    __tablename__ = "background_check_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    check_id: Mapped[int] = mapped_column(ForeignKey("background_checks.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40), default="status")
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str | None] = mapped_column(String(20))
    source: Mapped[str] = mapped_column(String(20))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    provider_event_id: Mapped[str | None] = mapped_column(String(120), unique=True)
    detail: Mapped[dict[str, Any] | None]
    at: Mapped[datetime] = mapped_column(default=utcnow)
