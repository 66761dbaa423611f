"""Greenhouse Assessment Partner interviews: one test instance sent to a candidate by Greenhouse."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from screening.db import Base, utcnow


class GreenhouseInterview(Base):
    """A ``send_test`` from Greenhouse: the candidate it created or resumed, and the callback.

    ``partner_interview_id``: random URL-safe string given to Greenhouse (never a row id).
    ``callback_url``: the ``url`` Greenhouse sent for the PATCH "test completed" call (None =
    Greenhouse polls ``test_status``). ``sealed_key``: the API key Greenhouse authenticated with,
    encrypted with the app secret (Greenhouse expects that key back as the PATCH's Basic
    username; keys are otherwise only stored hashed). ``status``: ``incomplete`` or
    ``complete`` (the ``partner_status`` last computed). ``patched_state``: fingerprint of the
    test status last PATCHed successfully (a new score gives a new PATCH);
    ``last_patch_status``: HTTP status of the last PATCH attempt (None = no response).
    """

    __tablename__ = "greenhouse_interviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_interview_id: Mapped[str] = mapped_column(String(64), unique=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidates.id"), unique=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id"))
    api_key_id: Mapped[int | None] = mapped_column(ForeignKey("api_keys.id"))
    callback_url: Mapped[str | None] = mapped_column(String(2048))
    sealed_key: Mapped[str | None] = mapped_column(Text)
    greenhouse_profile_url: Mapped[str | None] = mapped_column(String(2048))
    status: Mapped[str] = mapped_column(String(20), default="incomplete")
    patched_state: Mapped[str | None] = mapped_column(String(64))
    last_patch_status: Mapped[int | None]
    last_patch_error: Mapped[str | None] = mapped_column(String(500))
    last_response_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    patched_at: Mapped[datetime | None]
