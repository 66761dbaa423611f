"""Recruiter workspace: jobs, ranked candidates, candidate detail, stage changes."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from werkzeug.wrappers import Response

from screening.db import db
from screening.models.candidate import STAGES, Candidate, StageChange
from screening.models.job import Job
from screening.models.score import Scorecard, SectionScore
from screening.services.audit import record
from screening.services.candidates_stage import change_stage
from screening.web.scoping import (
    current_org_id,
    get_candidate_or_404,
    get_job_or_404,
    org_jobs,
    require_editor,
)

bp = Blueprint("recruiter", __name__, url_prefix="/recruiter")


@bp.before_request
@login_required
def _require_login() -> None:
    """Every recruiter page needs a logged-in user (login_required on the whole blueprint)."""


@bp.get("/")
def dashboard() -> str:
    jobs = db.session.scalars(org_jobs().order_by(Job.created_at.desc())).all()
    return render_template("recruiter/dashboard.html", jobs=jobs)


@bp.get("/jobs/<int:job_id>")
def job_detail(job_id: int) -> str:
    job = get_job_or_404(job_id)
    rows = db.session.execute(
        select(Candidate, Scorecard)
        .outerjoin(Scorecard, Scorecard.candidate_id == Candidate.id)
        .where(Candidate.org_id == current_org_id(), Candidate.job_id == job.id)
        .order_by(Scorecard.composite.desc().nulls_last(), Candidate.applied_at.desc())
        .limit(200)
    ).all()
    return render_template("recruiter/job.html", job=job, rows=rows)


@bp.get("/candidates/<int:candidate_id>")
def candidate_detail(candidate_id: int) -> str:
    candidate = get_candidate_or_404(candidate_id)
    job = db.session.get(Job, candidate.job_id)
    sections = db.session.scalars(
        select(SectionScore).where(SectionScore.candidate_id == candidate.id)
    ).all()
    scorecard = db.session.scalar(select(Scorecard).where(Scorecard.candidate_id == candidate.id))
    history = db.session.scalars(
        select(StageChange).where(StageChange.candidate_id == candidate.id).order_by(StageChange.at)
    ).all()
    record("candidate.viewed", org_id=current_org_id(), user_id=current_user.id,
           subject_type="candidate", subject_id=candidate.id)
    db.session.commit()
    return render_template("recruiter/candidate.html", candidate=candidate, job=job,
                           sections=sections, scorecard=scorecard, history=history, stages=STAGES)


@bp.post("/candidates/<int:candidate_id>/stage")
def candidate_stage(candidate_id: int) -> Response:
    candidate = get_candidate_or_404(candidate_id)
    require_editor()
    stage = request.form.get("stage", "")
    if stage not in STAGES:
        abort(400, description=f"Unknown stage {stage!r}; choose one of {', '.join(STAGES)}.")
    change_stage(candidate, stage, user_id=current_user.id)
    db.session.commit()
    flash(f"{candidate.name} moved to {stage}.")
    return redirect(url_for("recruiter.candidate_detail", candidate_id=candidate.id))
