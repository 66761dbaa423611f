"""JSON endpoints of a test page: autosave an answer, report an integrity signal, submit.

Authenticated by the invite token in the URL, so exempt from CSRF tokens (see the package
docstring); they only accept ``Content-Type: application/json`` (415 otherwise), except
``submit``, which also takes the page's form post when it carries a valid CSRF token.

Errors are JSON ``{"error": code, "message": text}``: 400 malformed body, 403 not allowed to take
tests, 404 unknown link or section, 409 attempt not started / already submitted / time is up,
422 an answer or signal that cannot be accepted.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import current_app, flash, jsonify, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_wtf.csrf import CSRFError, validate_csrf
from werkzeug.exceptions import HTTPException
from wtforms.validators import ValidationError

from screening.assessments.base import AnswerError
from screening.db import db
from screening.models.attempt import Attempt
from screening.services import attempts as attempt_service
from screening.services.autosave import OpenAttempts, save_fast
from screening.services.orgs import ServiceError
from screening.web.applicant import bp
from screening.web.applicant.access import (
    Applicant,
    load,
    require_may_continue,
    require_tests_allowed,
    require_web_section,
    seconds_until,
)

CLIENT_SIGNALS = ("paste", "copy", "blur", "hidden")
"""Integrity signals a test page may report."""

MAX_SEQ = 2**31 - 1
JSON_ENDPOINTS = {"applicant.save_answer", "applicant.integrity"}


def _error(status: int, error: str, message: str) -> ResponseReturnValue:
    return jsonify(error=error, message=message), status


@bp.errorhandler(HTTPException)
def _applicant_http_error(exc: HTTPException) -> ResponseReturnValue:
    code = exc.code or 500
    message = exc.description or exc.name
    if isinstance(exc, CSRFError):
        message = ("The form expired or was sent from another site. Reload the page and try "
                   "again.")
    if request.endpoint in JSON_ENDPOINTS or request.is_json:
        return _error(code, exc.name.lower().replace(" ", "_"), message)
    return render_template("error.html", code=code, message=message), code


def _require_json() -> dict[str, Any] | ResponseReturnValue:
    if request.mimetype != "application/json":
        return _error(415, "unsupported_media_type", "Send the body as application/json.")
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return _error(400, "bad_request", "The body must be a JSON object.")
    return body


def _open_attempt(token: str, section: str) -> tuple[Applicant, Attempt | None]:
    applicant = load(token)
    require_tests_allowed(db.session, applicant)
    require_web_section(applicant.job, section)
    attempt = attempt_service.get_attempt(db.session, applicant.candidate, section)
    db.session.commit()  # keeps an automatic submission of an overdue attempt
    return applicant, attempt


@bp.put("/a/<token>/sections/<section>/answers/<item_id>")
def save_answer(token: str, section: str, item_id: str) -> ResponseReturnValue:
    """Body ``{"value": any JSON, "seq": int >= 0}``; 200 ``{saved, seq, remaining_s}``.

    ``saved`` is false when an equal or newer ``seq`` was stored before (idempotent retries).
    """
    body = _require_json()
    if not isinstance(body, dict):
        return body
    seq = body.get("seq")
    if isinstance(seq, bool) or not isinstance(seq, int) or not 0 <= seq <= MAX_SEQ:
        return _error(400, "bad_request", "seq must be a whole number from 0 to 2147483647.")
    if "value" not in body:
        return _error(400, "bad_request", "The body needs a value.")
    kept: OpenAttempts = current_app.extensions["screening.open_attempts"]
    deadline = save_fast(db.engine, kept, token, section, item_id, body["value"], seq)
    if deadline is not None:
        return jsonify(saved=True, seq=seq, remaining_s=seconds_until(deadline))
    applicant = load(token)
    require_may_continue(applicant)  # consents were checked when the attempt was started
    require_web_section(applicant.job, section)
    try:
        saved, attempt = attempt_service.save_answer_for(
            db.session, applicant.candidate, section, item_id, body["value"], seq)
    except attempt_service.AttemptNotStarted as exc:
        return _error(409, "not_started", str(exc))
    except attempt_service.AttemptClosed as exc:
        db.session.commit()
        return _error(409, "attempt_closed", str(exc))
    except AnswerError as exc:
        db.session.rollback()
        return _error(422, "invalid_answer", str(exc))
    kept.remember(token, applicant.token_expires_at, attempt)
    return jsonify(saved=saved, seq=seq, remaining_s=seconds_until(attempt.deadline_at))


@bp.post("/a/<token>/sections/<section>/integrity")
def integrity(token: str, section: str) -> ResponseReturnValue:
    """Body ``{"kind": "paste" | "copy" | "blur" | "hidden"}``; 204 when recorded."""
    body = _require_json()
    if not isinstance(body, dict):
        return body
    kind = body.get("kind")
    if kind not in CLIENT_SIGNALS:
        return _error(422, "invalid_signal", f"kind must be one of {', '.join(CLIENT_SIGNALS)}.")
    _applicant, attempt = _open_attempt(token, section)
    if attempt is None or attempt.status != "in_progress":
        return _error(409, "attempt_closed", "This test is not in progress.")
    try:
        attempt_service.record_integrity(db.session, attempt, str(kind))
    except ServiceError as exc:  # pragma: no cover - kind checked above
        db.session.rollback()
        return _error(422, "invalid_signal", str(exc))
    return "", 204


@bp.post("/a/<token>/sections/<section>/submit")
def submit(token: str, section: str) -> ResponseReturnValue:
    """Submit the attempt. JSON → 200 ``{"status": "submitted", "hub_url"}``; the page's form
    post (with its CSRF token) → redirect to the hub. Submitting twice is harmless."""
    as_json = request.is_json
    if not as_json:
        try:
            validate_csrf(request.form.get("csrf_token"))
        except ValidationError:
            raise CSRFError("The CSRF token is missing or invalid.") from None
    applicant, attempt = _open_attempt(token, section)
    if attempt is None:
        if as_json:
            return _error(409, "not_started", "This test was not started.")
        return redirect(url_for("applicant.section_page", token=token, section=section))
    attempt_service.submit_attempt(db.session, attempt)
    db.session.commit()
    hub_url = url_for("applicant.hub", token=token)
    if as_json:
        return jsonify(status="submitted", hub_url=hub_url)
    flash("Your answers were submitted. Thank you!")
    return redirect(hub_url)


CSRF_EXEMPT: tuple[Callable[..., ResponseReturnValue], ...] = (save_answer, integrity, submit)
SESSIONLESS: tuple[Callable[..., ResponseReturnValue], ...] = (save_answer, integrity)
"""Served without the cookie session: they never use it (``submit`` checks a form's CSRF
token, which lives in the session)."""
