"""The database record of background work (the source of truth; Redis only carries it)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from screening.db import Base, utcnow

TASK_STATUSES = ("queued", "running", "done", "failed")


class Task(Base):
    """One unit of work, keyed deterministically (``transcribe:12``) so it exists once.

    ``status``: queued → running → done | failed. ``run_count`` counts completed runs (stays 1
    however often the job is retried after success). ``deadline_at``: when a queued or running
    task is considered lost and the reconciler enqueues it again.
    """

    __tablename__ = "tasks"
    __table_args__ = (Index("ix_tasks_status_deadline", "status", "deadline_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(120), unique=True)
    func: Mapped[str] = mapped_column(String(80))
    args: Mapped[dict[str, Any]]
    queue: Mapped[str] = mapped_column(String(20), default="default")
    status: Mapped[str] = mapped_column(String(20), default="queued")
    attempts: Mapped[int] = mapped_column(default=0)
    run_count: Mapped[int] = mapped_column(default=0)
    error: Mapped[str | None] = mapped_column(Text)
    enqueued_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    deadline_at: Mapped[datetime | None]
