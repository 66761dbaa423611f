"""Audit trail writes (added to the caller's transaction)."""

from __future__ import annotations

from typing import Any

from flask import has_request_context, request

from screening.db import db
from screening.models.audit import AuditEvent


def record(
    action: str,
    *,
    org_id: int,
    user_id: int | None = None,
    api_key_id: int | None = None,
    subject_type: str | None = None,
    subject_id: int | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Add an audit event (who did ``action`` to which subject) to the current session."""
    event = AuditEvent(
        org_id=org_id,
        user_id=user_id,
        api_key_id=api_key_id,
        action=action,
        subject_type=subject_type,
        subject_id=subject_id,
        ip=request.remote_addr if has_request_context() else None,
        detail=detail,
    )
    db.session.add(event)
    return event
