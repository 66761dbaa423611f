"""Applicant pages: the public apply link and the invite-token hub (no passwords)."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from sqlalchemy import select
from werkzeug.wrappers import Response

from screening.db import db
from screening.models.job import Job
from screening.services import candidates as candidate_service
from screening.services.orgs import ServiceError

bp = Blueprint("applicant", __name__)


def _open_job(slug: str) -> Job:
    job = db.session.scalar(select(Job).where(Job.slug == slug))
    if job is None:
        abort(404, description="We could not find that job. Check the link you were given.")
    return job


@bp.route("/apply/<slug>", methods=["GET", "POST"])
def apply(slug: str) -> Response | str | tuple[str, int]:
    job = _open_job(slug)
    error = None
    if request.method == "POST":
        try:
            candidate, _created = candidate_service.apply(
                job, email=request.form.get("email", ""), name=request.form.get("name", "")
            )
            token = candidate_service.issue_token(candidate)
            db.session.commit()
            return redirect(url_for("applicant.hub", token=token))
        except ServiceError as exc:
            db.session.rollback()
            error = str(exc)
            return render_template("applicant/apply.html", job=job, error=error), 422
    return render_template("applicant/apply.html", job=job, error=error)


@bp.get("/a/<token>")
def hub(token: str) -> str:
    candidate = candidate_service.candidate_for_token(token)
    if candidate is None:
        abort(404, description="This link is not valid or has expired. Ask the recruiter for a "
                               "new invitation.")
    job = db.session.get(Job, candidate.job_id)
    db.session.commit()
    return render_template("applicant/hub.html", candidate=candidate, job=job, token=token)
