"""Jobs (openings) and their assessment profile."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from screening.db import Base, utcnow

SECTIONS = ("typing", "grammar", "math", "voice", "tenkey")


def default_profile() -> dict[str, Any]:
    """The assessment profile a new job starts with.

    ``sections``: per section ``enabled``, ``time_limit_s`` (seconds), ``weight`` (percent of the
    composite; enabled weights sum to 100) and ``threshold`` (section pass mark, 0–100; for typing
    also ``min_wpm``). ``knockouts``: eligibility rules. ``cutoffs``: composite needed for
    ``advance`` and ``review``.
    """
    return {
        "version": 1,
        "sections": {
            "typing": {"enabled": True, "time_limit_s": 120, "weight": 25, "threshold": 50,
                       "min_wpm": 35},
            "grammar": {"enabled": True, "time_limit_s": 900, "weight": 30, "threshold": 60},
            "math": {"enabled": True, "time_limit_s": 600, "weight": 15, "threshold": 60},
            "voice": {"enabled": True, "time_limit_s": 900, "weight": 30, "threshold": 60,
                      "retakes": 2},
            "tenkey": {"enabled": False, "time_limit_s": 120, "weight": 0, "threshold": 50},
        },
        "knockouts": {
            "allowed_states": [],
            "min_age": 18,
            "requires_evening": False,
            "requires_weekend": False,
            "min_weekly_hours": 0,
            "requires_headset": True,
            "min_download_mbps": 10,
        },
        "cutoffs": {"advance": 75, "review": 55},
    }


class Job(Base):
    """An opening of an organization; ``slug`` makes the public apply link ``/apply/<slug>``."""

    __tablename__ = "jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    pay_model: Mapped[str] = mapped_column(String(20), default="hourly")
    pay_text: Mapped[str] = mapped_column(String(200), default="")
    language: Mapped[str] = mapped_column(String(10), default="en-US")
    status: Mapped[str] = mapped_column(String(20), default="open")
    profile: Mapped[dict[str, Any]] = mapped_column(default=default_profile)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
