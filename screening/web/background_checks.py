"""Background-check pages and the inbound provider webhook (blueprint ``background_checks``).

Recruiter (logged in, admins and recruiters only — a viewer gets 403, a foreign id 404):

* ``GET  /recruiter/candidates/<id>/background-checks``: status, history and the action forms;
* ``POST /recruiter/candidates/<id>/background-checks``: order (``check_type``, ``payer``,
  ``fee`` in dollars);
* ``POST .../background-checks/<check id>/outcome``: record a manual provider's outcome;
* ``POST .../background-checks/<check id>/payment``: paid | waived | refunded;
* ``POST .../background-checks/<check id>/pre-adverse-notice`` and ``.../final-adverse-action``.

A refused step re-renders the panel with the reason: 409 (FCRA order, status model, manual
outcome of a provider-run check), 422 (applicant-paid where the state forbids it), 503 (the
provider is not configured), 400 (bad input).

Applicant (invite token): ``/a/<token>/background-check`` (status, fee notice when the
applicant pays), ``.../disclosure`` and ``.../authorization`` (two stand-alone documents,
each signed on its own page).

Provider: ``POST /webhooks/checkr`` (CSRF-exempt; authenticated by ``X-Checkr-Signature``).
Every accepted event — applied, replayed, for an unknown report, or of an unused type — gets
the same ``200 {"received": true}``, so the answer tells nothing about which ids exist.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required
from sqlalchemy import select
from werkzeug.wrappers import Response

from screening.background_checks.checkr_signature import SIGNATURE_HEADER
from screening.background_checks.providers import records_manually
from screening.background_checks.rules import (
    CheckStatus,
    CheckType,
    InvalidTransition,
    OutOfOrder,
    Payer,
    PaymentRefused,
    allowed_next,
)
from screening.db import db
from screening.models.background_check import BackgroundCheck
from screening.models.candidate import Candidate
from screening.models.job import Job
from screening.models.org import User
from screening.services import background_checks as service
from screening.services.audit import record
from screening.services.candidates import candidate_for_token
from screening.web.csrf import exempt_from_csrf
from screening.web.scoping import get_candidate_or_404, require_editor

bp = Blueprint("background_checks", __name__)

INVALID_LINK = "This link is not valid or has expired. Ask the recruiter for a new invitation."


def _status_code(exc: Exception) -> int:
    if isinstance(exc, PaymentRefused):
        return 422
    if isinstance(exc, service.ProviderNotConfigured):
        return 503
    if isinstance(exc, OutOfOrder | InvalidTransition | service.ManualOutcomeRefused):
        return 409
    return 400


REFUSALS = (OutOfOrder, InvalidTransition, PaymentRefused, service.BackgroundCheckError)


# --------------------------------------------------------------------------- recruiter


def _check_or_404(candidate: Candidate, check_id: int) -> BackgroundCheck:
    check = db.session.scalar(
        select(BackgroundCheck).where(BackgroundCheck.id == check_id,
                                      BackgroundCheck.candidate_id == candidate.id)
    )
    if check is None:
        abort(404)
    return check


def _panel(candidate: Candidate, *, error: str | None = None, status: int = 200,
           form: dict[str, str] | None = None) -> ResponseReturnValue:
    session = db.session
    checks = service.checks_for_candidate(session, candidate)
    histories = {c.id: service.history(session, c) for c in checks}
    user_ids = {e.user_id for events in histories.values() for e in events if e.user_id}
    users = {u.id: u.name for u in session.scalars(select(User).where(User.id.in_(user_ids)))}
    signed = service.signed_documents(session, candidate)
    earliest = {c.id: service.final_action_earliest(session, c) for c in checks}
    manual = {c.id: records_manually(c.provider) for c in checks}
    html = render_template(
        "background_checks/panel.html",
        candidate=candidate, job=session.get(Job, candidate.job_id), checks=checks,
        histories=histories, users=users, signed=signed, earliest=earliest, manual=manual,
        allowed_next={c.id: sorted(s.value for s in allowed_next(c.status)) for c in checks},
        check_types=[t.value for t in CheckType], payers=[p.value for p in Payer],
        provider=service.default_provider_name(), error=error, form=form or {},
    )
    return html, status


def _load_for_editor(candidate_id: int) -> Candidate:
    candidate = get_candidate_or_404(candidate_id)
    require_editor()
    return candidate


def _done(candidate: Candidate, message: str) -> Response:
    db.session.commit()
    flash(message)
    return redirect(url_for("background_checks.panel", candidate_id=candidate.id))


def _refused(candidate: Candidate, exc: Exception,
             form: dict[str, str] | None = None) -> ResponseReturnValue:
    db.session.rollback()
    return _panel(candidate, error=str(exc), status=_status_code(exc), form=form)


@bp.get("/recruiter/candidates/<int:candidate_id>/background-checks")
@login_required
def panel(candidate_id: int) -> ResponseReturnValue:
    candidate = _load_for_editor(candidate_id)
    record("background_checks.viewed", org_id=candidate.org_id, user_id=current_user.id,
           subject_type="candidate", subject_id=candidate.id)
    db.session.commit()
    return _panel(candidate)


@bp.post("/recruiter/candidates/<int:candidate_id>/background-checks")
@login_required
def order(candidate_id: int) -> ResponseReturnValue:
    candidate = _load_for_editor(candidate_id)
    form = {k: request.form.get(k, "") for k in ("check_type", "payer", "fee")}
    try:
        fee_cents = service.parse_fee_cents(form["fee"])
        check = service.order_check(db.session, candidate, form["check_type"],
                                    form["payer"] or "company", fee_cents,
                                    user_id=current_user.id)
    except REFUSALS as exc:
        return _refused(candidate, exc, form)
    return _done(candidate, f"{check.check_type.replace('_', ' ').capitalize()} check ordered "
                            f"({check.provider}).")


@bp.post("/recruiter/candidates/<int:candidate_id>/background-checks/<int:check_id>/outcome")
@login_required
def outcome(candidate_id: int, check_id: int) -> ResponseReturnValue:
    candidate = _load_for_editor(candidate_id)
    check = _check_or_404(candidate, check_id)
    status = request.form.get("status", "")
    result = request.form.get("result") or None
    try:
        service.record_manual_outcome(db.session, check, status,
                                      result if status == CheckStatus.COMPLETE else None,
                                      user_id=current_user.id)
    except REFUSALS as exc:
        return _refused(candidate, exc)
    return _done(candidate, f"Check status is now {check.status}"
                            + (f" ({check.result})." if check.result else "."))


@bp.post("/recruiter/candidates/<int:candidate_id>/background-checks/<int:check_id>/payment")
@login_required
def payment(candidate_id: int, check_id: int) -> ResponseReturnValue:
    candidate = _load_for_editor(candidate_id)
    check = _check_or_404(candidate, check_id)
    try:
        service.record_payment(db.session, check, request.form.get("payment_state", ""),
                               user_id=current_user.id)
    except REFUSALS as exc:
        return _refused(candidate, exc)
    return _done(candidate, f"Payment is now {check.payment_state}.")


@bp.post("/recruiter/candidates/<int:candidate_id>/background-checks/<int:check_id>"
         "/pre-adverse-notice")
@login_required
def pre_adverse_notice(candidate_id: int, check_id: int) -> ResponseReturnValue:
    candidate = _load_for_editor(candidate_id)
    check = _check_or_404(candidate, check_id)
    try:
        event = service.send_pre_adverse_notice(
            db.session, check,
            report_copy_included=request.form.get("report_copy") == "yes",
            summary_of_rights_included=request.form.get("summary_of_rights") == "yes",
            user_id=current_user.id,
        )
    except REFUSALS as exc:
        return _refused(candidate, exc)
    earliest = (event.detail or {}).get("final_action_earliest")
    return _done(candidate, f"Pre-adverse action notice recorded; the final adverse action is "
                            f"possible from {earliest}.")


@bp.post("/recruiter/candidates/<int:candidate_id>/background-checks/<int:check_id>"
         "/final-adverse-action")
@login_required
def final_adverse_action(candidate_id: int, check_id: int) -> ResponseReturnValue:
    candidate = _load_for_editor(candidate_id)
    check = _check_or_404(candidate, check_id)
    try:
        service.take_final_adverse_action(db.session, check, user_id=current_user.id)
    except REFUSALS as exc:
        return _refused(candidate, exc)
    return _done(candidate, "Final adverse action recorded.")


# --------------------------------------------------------------------------- applicant


def _applicant(token: str) -> Candidate:
    candidate = candidate_for_token(token)
    if candidate is None:
        abort(404, description=INVALID_LINK)
    return candidate


@bp.get("/a/<token>/background-check")
def applicant_status(token: str) -> ResponseReturnValue:
    candidate = _applicant(token)
    signed = service.signed_documents(db.session, candidate)
    checks = service.checks_for_candidate(db.session, candidate)
    db.session.commit()  # keeps the token's last_used_at
    return render_template("background_checks/applicant_status.html", token=token,
                           candidate=candidate, signed=signed, checks=checks,
                           disclosure=service.fcra_document(service.DISCLOSURE),
                           authorization=service.fcra_document(service.AUTHORIZATION))


def _document_page(token: str, kind: str) -> ResponseReturnValue:
    candidate = _applicant(token)
    document = service.fcra_document(kind)
    signed = service.signed_documents(db.session, candidate)
    error = None
    status = 200
    if request.method == "POST":
        if request.form.get("agree") != "yes":
            error = "Tick the box to sign this document, or close the page if you do not agree."
            status = 400
        else:
            try:
                service.sign_document(db.session, candidate, kind, ip=request.remote_addr,
                                      user_agent=request.user_agent.string)
            except OutOfOrder as exc:
                db.session.rollback()
                error, status = str(exc), 409
            else:
                nxt = ("background_checks.authorization" if kind == service.DISCLOSURE
                       else "background_checks.applicant_status")
                return redirect(url_for(nxt, token=token))
    elif kind == service.AUTHORIZATION and service.DISCLOSURE not in signed:
        return redirect(url_for("background_checks.disclosure", token=token))
    current = signed.get(kind)
    db.session.commit()
    return render_template("background_checks/applicant_document.html", token=token,
                           document=document, kind=kind, error=error,
                           signed=current is not None and current.text_version == document.version,
                           ), status


@bp.route("/a/<token>/background-check/disclosure", methods=["GET", "POST"])
def disclosure(token: str) -> ResponseReturnValue:
    return _document_page(token, service.DISCLOSURE)


@bp.route("/a/<token>/background-check/authorization", methods=["GET", "POST"])
def authorization(token: str) -> ResponseReturnValue:
    return _document_page(token, service.AUTHORIZATION)


@bp.after_request
def _private_headers(response: Response) -> Response:
    if request.path.startswith("/a/"):
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers.setdefault("Cache-Control", "no-store")
    return response


# --------------------------------------------------------------------------- provider webhooks


@bp.post("/webhooks/checkr")
def checkr_webhook() -> ResponseReturnValue:
    try:
        service.handle_checkr_webhook(db.session, request.get_data(cache=False),
                                      request.headers.get(SIGNATURE_HEADER))
    except service.WebhookRejected as exc:
        db.session.rollback()
        return jsonify(error=str(exc)), exc.status_code
    return jsonify(received=True), 200


exempt_from_csrf(bp, checkr_webhook)
