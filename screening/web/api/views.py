"""API v1 resources: jobs, candidates (list, detail, invite) and ranked scorecards.

Views are thin: arguments are validated by the schemas (422 with per-field ``errors``), queries go
through :mod:`screening.web.api.auth` scoping, writes through services.
"""

from __future__ import annotations

from collections.abc import Callable
from http import HTTPStatus
from typing import Any, TypeVar

from flask import abort, current_app
from flask_smorest import Blueprint
from marshmallow import Schema, fields
from sqlalchemy import Select, func, select
from werkzeug.exceptions import HTTPException

from screening.db import db
from screening.models.candidate import Candidate
from screening.models.job import Job
from screening.models.score import Scorecard, SectionScore
from screening.services import audit
from screening.services import candidates as candidate_service
from screening.services.orgs import ServiceError
from screening.web.api import auth
from screening.web.api.errors import handle_api_error
from screening.web.api.schemas import (
    CandidateCreateSchema,
    CandidateDetailSchema,
    CandidateInviteSchema,
    CandidateListArgs,
    CandidatePageSchema,
    CandidateSchema,
    JobPageSchema,
    JobSchema,
    PageArgs,
    ScorecardListArgs,
    ScorecardPageSchema,
    ScorecardSchema,
)

jobs_bp = Blueprint("api_jobs", __name__, url_prefix="/api/v1/jobs",
                    description="The organization's jobs (openings).")
candidates_bp = Blueprint("api_candidates", __name__, url_prefix="/api/v1/candidates",
                          description="Candidates: list, detail with scores, invite.")
scorecards_bp = Blueprint("api_scorecards", __name__, url_prefix="/api/v1/scorecards",
                          description="Ranked scorecards of a job.")

BLUEPRINTS = (jobs_bp, candidates_bp, scorecards_bp)
F = TypeVar("F", bound=Callable[..., Any])

for _bp in BLUEPRINTS:
    _bp.before_request(auth.authenticate_request)
    _bp.register_error_handler(HTTPException, handle_api_error)


def _errors(bp: Blueprint, *codes: int) -> Callable[[F], F]:
    """Document the error responses an operation can give (besides 422 for bad arguments)."""

    def decorate(fn: F) -> F:
        for code in codes:
            fn = bp.alt_response(code, response=HTTPStatus(code).name)(fn)
        return fn

    return decorate


def _attrs(row: Any, schema: type[Schema]) -> dict[str, Any]:
    """The row's attributes named by ``schema``'s plain fields (Method fields excluded)."""
    return {name: getattr(row, name) for name, field in schema().fields.items()
            if not isinstance(field, fields.Method)}


def _page(query: Select[Any], args: dict[str, Any]) -> dict[str, Any]:
    page, per_page = args["page"], args["per_page"]
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    items = db.session.execute(query.limit(per_page).offset((page - 1) * per_page)).all()
    rows = [row[0] if len(row) == 1 else row for row in items]
    return {"items": rows, "page": page, "per_page": per_page, "total": total or 0}


# --------------------------------------------------------------------------- jobs


@jobs_bp.get("")
@jobs_bp.arguments(PageArgs, location="query")
@jobs_bp.response(200, JobPageSchema)
@_errors(jobs_bp, 401)
def list_jobs(args: dict[str, Any]) -> dict[str, Any]:
    """List jobs, newest first."""
    return _page(auth.org_jobs().order_by(Job.id.desc()), args)


@jobs_bp.get("/<int:job_id>")
@jobs_bp.response(200, JobSchema)
@_errors(jobs_bp, 401, 404)
def get_job(job_id: int) -> Job:
    """One job."""
    return auth.job_or_404(job_id)


# --------------------------------------------------------------------------- candidates


@candidates_bp.get("")
@candidates_bp.arguments(CandidateListArgs, location="query")
@candidates_bp.response(200, CandidatePageSchema)
@_errors(candidates_bp, 401)
def list_candidates(args: dict[str, Any]) -> dict[str, Any]:
    """List candidates, newest first; filter by ``job_id`` and ``stage``."""
    query = auth.org_candidates()
    if args.get("job_id") is not None:
        query = query.where(Candidate.job_id == args["job_id"])
    if args.get("stage") is not None:
        query = query.where(Candidate.stage == args["stage"])
    return _page(query.order_by(Candidate.id.desc()), args)


@candidates_bp.get("/<int:candidate_id>")
@candidates_bp.response(200, CandidateDetailSchema)
@_errors(candidates_bp, 401, 404)
def get_candidate(candidate_id: int) -> dict[str, Any]:
    """One candidate with section scores and scorecard (``null`` until computed)."""
    candidate = auth.candidate_or_404(candidate_id)
    sections = db.session.scalars(
        select(SectionScore).where(SectionScore.candidate_id == candidate.id)
        .order_by(SectionScore.section)
    ).all()
    card = db.session.scalar(select(Scorecard).where(Scorecard.candidate_id == candidate.id))
    audit.record("candidate.viewed", org_id=candidate.org_id, api_key_id=auth.current_key().id,
                 subject_type="candidate", subject_id=candidate.id)
    db.session.commit()
    data = _attrs(candidate, CandidateSchema)
    data.update(section_scores=list(sections), scorecard=card)
    return data


@candidates_bp.post("")
@candidates_bp.arguments(CandidateCreateSchema)
@candidates_bp.response(201, CandidateInviteSchema,
                        description="Created (200 with created=false if it already existed)")
@candidates_bp.alt_response(200, schema=CandidateInviteSchema,
                            description="The candidate already existed for this job and e-mail")
@_errors(candidates_bp, 401, 403, 404)
def create_candidate(body: dict[str, Any]) -> tuple[dict[str, Any], int]:
    """Invite a candidate to a job (needs the ``write`` scope); idempotent per (job, e-mail).

    Returns the candidate and ``apply_url``, the candidate's personal link (a new token each
    call; earlier links stay valid until they expire)."""
    auth.require_scope("write")
    job = auth.job_or_404(body["job_id"])
    try:
        candidate, created = candidate_service.apply(
            job, email=body["email"], name=body["name"], source="api"
        )
    except ServiceError as exc:
        db.session.rollback()
        abort(422, description=str(exc))
    token = candidate_service.issue_token(candidate)
    key = auth.current_key()
    if created:
        audit.record("candidate.invited", org_id=job.org_id, api_key_id=key.id,
                     subject_type="candidate", subject_id=candidate.id)
    db.session.commit()
    base = current_app.config["SCREENING"].public_base_url
    result = _attrs(candidate, CandidateSchema)
    result.update(apply_url=candidate_service.applicant_link(base, token), created=created)
    return result, 201 if created else 200


# --------------------------------------------------------------------------- scorecards


@scorecards_bp.get("")
@scorecards_bp.arguments(ScorecardListArgs, location="query")
@scorecards_bp.response(200, ScorecardPageSchema)
@_errors(scorecards_bp, 401, 404)
def list_scorecards(args: dict[str, Any]) -> dict[str, Any]:
    """A job's scorecards, best first (rank ascending; unranked last)."""
    job = auth.job_or_404(args["job_id"])
    query = (
        select(Scorecard, Candidate)
        .join(Candidate, Candidate.id == Scorecard.candidate_id)
        .where(Scorecard.job_id == job.id, Scorecard.org_id == job.org_id)
        .order_by(Scorecard.rank.asc().nulls_last(), Scorecard.id)
    )
    page = _page(query, args)
    items = []
    for card, cand in page["items"]:
        item = _attrs(card, ScorecardSchema)
        item.update(candidate_name=cand.name, candidate_email=cand.email, stage=cand.stage)
        items.append(item)
    page["items"] = items
    return page

