"""Recorded voice answers and their transcription results."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from screening.db import Base, utcnow


class VoiceSample(Base):
    """One take of one prompt. The original bytes live in storage under ``sha256``.

    ``status``: queued → running → transcribed | failed. ``words``: list of
    ``{word, start, end, probability}`` (seconds, 0–1). ``metrics``: speech and audio metrics.
    """

    __tablename__ = "voice_samples"
    __table_args__ = (UniqueConstraint("attempt_id", "prompt_id", "take"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempts.id"))
    prompt_id: Mapped[str] = mapped_column(String(80))
    take: Mapped[int] = mapped_column(default=1)
    sha256: Mapped[str] = mapped_column(String(64))
    container: Mapped[str] = mapped_column(String(40))
    size_bytes: Mapped[int]
    duration_s: Mapped[float | None]
    status: Mapped[str] = mapped_column(String(20), default="queued")
    transcript: Mapped[str | None] = mapped_column(Text)
    words: Mapped[dict[str, Any] | None]
    engine: Mapped[str | None] = mapped_column(String(40))
    model: Mapped[str | None] = mapped_column(String(300))
    metrics: Mapped[dict[str, Any] | None]
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    transcribed_at: Mapped[datetime | None]
