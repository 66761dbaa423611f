"""The organization's audit log (admins only): who viewed, exported or changed what."""

from __future__ import annotations

from flask import abort, render_template, request
from flask_login import current_user
from sqlalchemy import func, select

from screening.db import db
from screening.models.audit import AuditEvent
from screening.models.org import User
from screening.web.recruiter import bp
from screening.web.scoping import current_org_id

PER_PAGE = 50


@bp.get("/audit")
def audit_log() -> str:
    if current_user.role != "admin":
        abort(403, description="Only admins can read the audit log.")
    raw = request.args.get("page", "1")
    if not raw.isdigit() or int(raw) < 1:
        abort(400, description=f"page must be a whole number from 1, got {raw!r}")
    number = int(raw)
    org_id = current_org_id()
    total = int(db.session.scalar(
        select(func.count(AuditEvent.id)).where(AuditEvent.org_id == org_id)) or 0)
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.org_id == org_id)
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(PER_PAGE).offset((number - 1) * PER_PAGE)
    ).all()
    user_ids = {e.user_id for e in events if e.user_id is not None}
    users = {u.id: u for u in db.session.scalars(
        select(User).where(User.org_id == org_id, User.id.in_(user_ids or {-1})))}
    pages = max(1, -(-total // PER_PAGE))
    return render_template("recruiter/audit.html", events=events, users=users, page=number,
                           pages=pages, total=total)
