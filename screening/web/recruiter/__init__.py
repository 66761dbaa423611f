"""Recruiter workspace: jobs, the ranked candidate list, scorecards, stages, exports, audit.

Views are split by subject: :mod:`.candidates` (list, export, bulk stage, scorecard page,
notes, audio, progress), :mod:`.jobs` (job page, statistics, profile editor) and
:mod:`.audit_log` (admins' audit log). Every query goes through the current user's
organization (:mod:`screening.web.scoping`): another organization's id answers 404.
"""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user, login_required

from screening.db import db
from screening.models.job import Job
from screening.services import webhooks
from screening.web.scoping import current_org_id, org_jobs

bp = Blueprint("recruiter", __name__, url_prefix="/recruiter")


@bp.before_request
@login_required
def _require_login() -> None:
    """Every recruiter page needs a logged-in user (login_required on the whole blueprint)."""


@bp.get("/")
def dashboard() -> str:
    job_rows = db.session.scalars(org_jobs().order_by(Job.created_at.desc())).all()
    disabled = (webhooks.disabled_endpoints(db.session, current_org_id())
                if current_user.role == "admin" else [])
    return render_template("recruiter/dashboard.html", jobs=job_rows,
                           disabled_endpoints=disabled)


# the view modules register their routes on ``bp`` when imported
from screening.web.recruiter import api_keys as api_keys  # noqa: E402
from screening.web.recruiter import audit_log as audit_log  # noqa: E402
from screening.web.recruiter import candidates as candidates  # noqa: E402
from screening.web.recruiter import jobs as jobs  # noqa: E402
