"""Job views: the job page with its charts, the statistics JSON and the profile editor."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from screening.db import db
from screening.models.candidate import Candidate
from screening.models.job import SECTIONS, Job
from screening.models.score import Scorecard
from screening.services import ranking_queries
from screening.services.audit import record
from screening.services.profiles import ProfileError, save_profile
from screening.web.recruiter import bp
from screening.web.scoping import current_org_id, get_job_or_404


def _stats(job: Job) -> dict[str, Any]:
    org_id = current_org_id()
    return {
        "histogram": ranking_queries.score_histogram(db.session, org_id, job.id),
        "funnel": ranking_queries.stage_funnel(db.session, org_id, job.id),
    }


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
    return render_template("recruiter/job.html", job=job, rows=rows, stats=_stats(job))


@bp.get("/jobs/<int:job_id>/stats")
def job_stats(job_id: int) -> Response:
    """``{histogram: [{label, low, high, count}], funnel: [{stage, count}]}`` of one job."""
    job = get_job_or_404(job_id)
    return jsonify(_stats(job))


def _require_profile_editor() -> None:
    if not current_user.can_edit:
        abort(403, description="Only admins and recruiters can change a job's profile.")


@bp.route("/jobs/<int:job_id>/profile", methods=["GET", "POST"])
def job_profile(job_id: int) -> ResponseReturnValue:
    job = get_job_or_404(job_id)
    _require_profile_editor()
    errors: dict[str, str] = {}
    form: dict[str, str] | None = None
    if request.method == "POST":
        form = {k: v for k, v in request.form.items() if k != "csrf_token"}
        try:
            save_profile(db.session, job, form)
        except ProfileError as exc:
            db.session.rollback()
            errors = exc.errors
        else:
            record("job.profile_updated", org_id=current_org_id(), user_id=current_user.id,
                   subject_type="job", subject_id=job.id)
            db.session.commit()
            flash("Profile saved. Scorecards of this job are being recomputed.")
            return redirect(url_for("recruiter.job_profile", job_id=job.id))
    html = render_template("recruiter/profile.html", job=job, sections=SECTIONS,
                           values=form if form is not None else _form_values(job.profile),
                           errors=errors)
    return html, (400 if errors else 200)


def _form_values(profile: dict[str, Any]) -> dict[str, str]:
    """The profile as the form's field values (checkboxes: ``on`` or absent)."""
    values: dict[str, str] = {}
    for key in SECTIONS:
        section = profile.get("sections", {}).get(key, {})
        if section.get("enabled"):
            values[f"{key}_enabled"] = "on"
        for field in ("time_limit_s", "weight", "threshold"):
            if section.get(field) is not None:
                values[f"{key}_{field}"] = f"{section[field]:g}"
    typing = profile.get("sections", {}).get("typing", {})
    if typing.get("min_wpm") is not None:
        values["typing_min_wpm"] = str(typing["min_wpm"])
    ko = profile.get("knockouts", {})
    values["allowed_states"] = ", ".join(ko.get("allowed_states", []))
    for name in ("min_age", "min_weekly_hours", "min_download_mbps"):
        values[name] = str(ko.get(name, 0))
    for name in ("requires_evening", "requires_weekend", "requires_headset"):
        if ko.get(name):
            values[name] = "on"
    cutoffs = profile.get("cutoffs", {})
    values["cutoff_advance"] = f"{cutoffs.get('advance', 75):g}"
    values["cutoff_review"] = f"{cutoffs.get('review', 55):g}"
    return values
