"""Candidate views: ranked list, CSV export, bulk stage change, scorecard page, notes,
recordings, scoring progress and new applicant links."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from flask import (
    Response as FlaskResponse,
)
from flask import (
    abort,
    current_app,
    flash,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    send_file,
    stream_with_context,
    url_for,
)
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from screening.db import db
from screening.models.attempt import Attempt
from screening.models.candidate import STAGES, Candidate, Note
from screening.models.job import Job
from screening.models.voice import VoiceSample
from screening.services import candidates as candidate_service
from screening.services import consents as consent_service
from screening.services import exports, ranking_queries
from screening.services.audit import record
from screening.services.candidates_stage import change_stage
from screening.services.ranking_queries import CandidateFilters, FilterError
from screening.speech.audio import CONTENT_TYPES
from screening.web.recruiter import bp
from screening.web.recruiter import candidate_view as view
from screening.web.scoping import (
    current_org_id,
    get_candidate_or_404,
    org_candidates,
    org_jobs,
    require_editor,
)

NOTE_MAX_CHARS = 5000


def _filters() -> CandidateFilters:
    try:
        filters = CandidateFilters.from_args(request.args)
    except FilterError as exc:
        abort(400, description=str(exc))
    if filters.job_id is not None and db.session.scalar(
            org_jobs().where(Job.id == filters.job_id)) is None:
        abort(404, description="No such job.")
    return filters


def _page_number() -> int:
    raw = request.args.get("page", "1")
    if not raw.isdigit() or int(raw) < 1:
        abort(400, description=f"page must be a whole number from 1, got {raw!r}")
    return int(raw)


@bp.get("/candidates")
def candidate_list() -> str:
    filters = _filters()
    result = ranking_queries.page(db.session, current_org_id(), filters, _page_number())
    jobs = db.session.scalars(org_jobs().order_by(Job.title)).all()
    return render_template(
        "recruiter/candidates.html", page=result, filters=filters, args=filters.to_args(),
        jobs=jobs, stages=STAGES,
        sections=ranking_queries.SCORE_SECTIONS, sorts=ranking_queries.SORTS,
        recommendations=ranking_queries.RECOMMENDATIONS,
        check_statuses=ranking_queries.CHECK_STATUSES,
    )


@bp.get("/candidates.csv")
def candidate_export() -> FlaskResponse:
    filters = _filters()
    org_id = current_org_id()
    total = ranking_queries.count(db.session, org_id, filters)
    record("candidates.exported", org_id=org_id, user_id=current_user.id,
           detail={"filters": filters.describe(), "count": total})
    db.session.commit()

    def generate() -> Iterator[str]:
        try:
            yield from exports.stream_csv(ranking_queries.iter_rows(db.session, org_id, filters))
        finally:
            db.session.close()  # end the read transaction (and server-side cursor) promptly

    response = FlaskResponse(stream_with_context(generate()), mimetype="text/csv")
    response.headers["Content-Disposition"] = 'attachment; filename="candidates.csv"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/candidates/stage")
def candidate_bulk_stage() -> Response:
    """Move the checked candidates (form field ``candidate_id``, repeated) to ``stage``."""
    raw_ids = request.form.getlist("candidate_id")
    if not all(i.isdigit() for i in raw_ids):
        abort(400, description="candidate ids must be whole numbers")
    ids = {int(i) for i in raw_ids}
    found = list(db.session.scalars(
        org_candidates().where(Candidate.id.in_(ids)).order_by(Candidate.id))) if ids else []
    if len(found) != len(ids):
        abort(404)
    require_editor()
    stage = request.form.get("stage", "")
    if stage not in STAGES:
        abort(400, description=f"Unknown stage {stage!r}; choose one of {', '.join(STAGES)}.")
    back = request.form.get("next", "")
    if not back.startswith("/recruiter/candidates"):
        back = url_for("recruiter.candidate_list")
    if not ids:
        flash("Tick at least one candidate first; no stage was changed.")
        return redirect(back)
    changed = sum(change_stage(c, stage, user_id=current_user.id) for c in found)
    db.session.commit()
    flash(f"{changed} candidate(s) moved to {stage}"
          + (f"; {len(found) - changed} already were there." if changed < len(found) else "."))
    return redirect(back)


@bp.get("/candidates/<int:candidate_id>")
def candidate_detail(candidate_id: int) -> str:
    candidate = get_candidate_or_404(candidate_id)
    data = view.load(db.session, candidate)
    record("candidate.viewed", org_id=current_org_id(), user_id=current_user.id,
           subject_type="candidate", subject_id=candidate.id)
    db.session.commit()
    return render_template("recruiter/candidate.html", p=data, candidate=candidate, job=data.job,
                           scorecard=data.scorecard, stages=STAGES,
                           low_probability=view.LOW_PROBABILITY,
                           check_panel="background_checks.panel" in current_app.view_functions)


@bp.get("/candidates/<int:candidate_id>/progress")
def candidate_progress(candidate_id: int) -> Response:
    """Pending scoring work of the candidate, for the page's 3-second poll."""
    candidate = get_candidate_or_404(candidate_id)
    response = jsonify(view.progress(db.session, candidate.id).to_dict())
    response.headers["Cache-Control"] = "no-store"
    return response


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


@bp.post("/candidates/<int:candidate_id>/link")
def candidate_link(candidate_id: int) -> Response:
    """A new personal link for the applicant, shown once on the page that answers the post (for
    an applicant who lost theirs: the apply page does not hand links out). Earlier links keep
    working until they expire. Editors only; audited as ``candidate.link_issued``."""
    candidate = get_candidate_or_404(candidate_id)
    require_editor()
    token = candidate_service.issue_token(candidate)
    record("candidate.link_issued", org_id=current_org_id(), user_id=current_user.id,
           subject_type="candidate", subject_id=candidate.id)
    db.session.commit()
    base = current_app.config["SCREENING"].public_base_url
    response = make_response(render_template("recruiter/candidate_link.html",
                                             candidate=candidate,
                                             url=candidate_service.applicant_link(base, token)))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/candidates/<int:candidate_id>/notes")
def candidate_note(candidate_id: int) -> Response:
    candidate = get_candidate_or_404(candidate_id)
    require_editor()
    body = (request.form.get("body") or "").strip()
    if not body:
        abort(400, description="The note is empty; write something before saving.")
    if len(body) > NOTE_MAX_CHARS:
        abort(400, description=f"Notes are limited to {NOTE_MAX_CHARS} characters "
                               f"(this one has {len(body)}).")
    db.session.add(Note(candidate_id=candidate.id, user_id=current_user.id, body=body))
    db.session.commit()
    flash("Note saved.")
    return redirect(url_for("recruiter.candidate_detail", candidate_id=candidate.id) + "#notes")


@bp.get("/candidates/<int:candidate_id>/voice/<int:sample_id>/audio")
def candidate_audio(candidate_id: int, sample_id: int) -> Response:
    """The stored recording, with HTTP range support; a playback from the start is audited."""
    candidate = get_candidate_or_404(candidate_id)
    sample = db.session.scalar(
        select(VoiceSample).join(Attempt, Attempt.id == VoiceSample.attempt_id)
        .where(VoiceSample.id == sample_id, Attempt.candidate_id == candidate.id))
    if sample is None:
        abort(404)
    storage: Path = current_app.config["SCREENING"].storage_dir
    path = storage / sample.sha256[:2] / sample.sha256
    if not path.is_file():
        abort(404, description="The recording is no longer stored (deleted by the retention "
                               "policy or lost).")
    range_header = request.headers.get("Range", "")
    if not range_header or range_header.replace(" ", "").startswith("bytes=0-"):
        record("candidate.audio_played", org_id=current_org_id(), user_id=current_user.id,
               subject_type="candidate", subject_id=candidate.id,
               detail={"voice_sample_id": sample.id})
        db.session.commit()
    mimetype = CONTENT_TYPES.get(sample.container, "application/octet-stream")
    response = send_file(path, mimetype=mimetype, conditional=True, etag=sample.sha256,
                         max_age=0)
    response.headers["Cache-Control"] = "private, no-cache"
    return response


@bp.post("/candidates/<int:candidate_id>/accommodation")
def candidate_accommodation(candidate_id: int) -> Response:
    """Grant extra time: form field ``factor`` = 1, 1.25, 1.5 or 2 (1 = none). Editors only
    (viewers 403; another organization's candidate 404). Applies to tests started afterwards;
    audited as ``candidate.accommodation_granted``."""
    candidate = get_candidate_or_404(candidate_id)
    require_editor()
    raw = request.form.get("factor", "")
    try:
        factor = float(raw)
        changed = consent_service.grant_extra_time(db.session, candidate, factor,
                                                   user_id=current_user.id)
    except ValueError:  # not a number, or not an allowed factor (ServiceError)
        abort(400, description=f"Extra time must be ×1, ×1.25, ×1.5 or ×2; got {raw!r}.")
    db.session.commit()
    if not changed:
        flash(f"{candidate.name} already has extra time ×{factor:g}.")
    elif factor == 1.0:
        flash(f"Extra time removed for {candidate.name}; tests started from now on use the "
              "standard time limits.")
    else:
        flash(f"Extra time ×{factor:g} granted to {candidate.name}; it applies to the tests "
              "they start from now on (tests already started keep their time).")
    return redirect(url_for("recruiter.candidate_detail", candidate_id=candidate.id)
                    + "#accommodations")
