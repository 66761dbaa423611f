"""Greenhouse Assessment Partner endpoints under ``/greenhouse/`` (contract in
:mod:`screening.services.greenhouse`).

* ``GET /greenhouse/list_tests`` (scope ``read``) → ``[{partner_test_id, partner_test_name,
  description}]``
* ``POST /greenhouse/send_test`` (scope ``write``) → ``{partner_interview_id}``; 200 for a new
  interview and for the same candidate sent again
* ``GET /greenhouse/test_status?partner_interview_id=…`` (scope ``read``) →
  ``{partner_status, partner_profile_url, partner_score, metadata}``
* ``POST /greenhouse/response_error`` (scope ``read``) → ``{"status": 200}``

Authentication: HTTP Basic, the organization's API key as the username and an empty password
(what Greenhouse sends). 401 for a missing, malformed, unknown or revoked key and for a key
without the needed scope (the contract knows only 401 and 404). Another organization's test or
interview is 404. Errors are JSON ``{"error", "message"[, "errors"]}``: 400 body not JSON or
parameter missing, 422 invalid fields (``errors`` per field, e.g. ``candidate.email``).
No cookies are used, so the blueprint is exempt from CSRF tokens.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, jsonify, request
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from screening.db import db
from screening.models.api_key import ApiKey
from screening.services import api_keys
from screening.services import greenhouse as service
from screening.services.greenhouse import GreenhouseError
from screening.services.orgs import ServiceError
from screening.web.csrf import exempt_from_csrf

bp = Blueprint("greenhouse", __name__, url_prefix="/greenhouse")


exempt_from_csrf(bp)


@bp.after_request
def _no_store(response: Response) -> Response:
    response.headers.setdefault("Cache-Control", "no-store")
    return response


@bp.errorhandler(HTTPException)
def _json_http_error(exc: HTTPException) -> ResponseReturnValue:
    code = exc.code or 500
    payload: dict[str, Any] = {"error": exc.name.lower().replace(" ", "_"),
                               "message": exc.description or exc.name}
    errors = getattr(exc, "errors", None)
    if errors:
        payload["errors"] = errors
    headers = {"WWW-Authenticate": 'Basic realm="greenhouse"'} if code == 401 else {}
    return jsonify(payload), code, headers


def _abort(code: int, message: str, errors: dict[str, str] | None = None) -> None:
    db.session.rollback()
    try:
        abort(code, description=message)
    except HTTPException as exc:
        exc.errors = errors  # type: ignore[attr-defined]
        raise


def _authenticate(scope: str) -> tuple[ApiKey, str]:
    """The request's key (and the key as presented) if it is valid and has ``scope``."""
    auth = request.authorization
    if auth is None or auth.type != "basic":
        _abort(401, "Missing API key: send HTTP Basic with the API key as the username and an "
                    "empty password.")
    assert auth is not None
    presented = auth.username or ""
    if not presented or auth.password:
        _abort(401, "Send the API key as the Basic username with an empty password.")
    key = api_keys.authenticate(db.session, presented)
    if key is None:
        _abort(401, "Invalid or revoked API key.")
    assert key is not None
    if scope not in api_keys.key_scopes(key):
        _abort(401, f"This API key lacks the '{scope}' scope.")
    db.session.commit()  # last_used_at (when due)
    return key, presented


def _service_error(exc: ServiceError) -> None:
    if isinstance(exc, GreenhouseError):
        _abort(exc.status, str(exc), exc.errors or None)
    _abort(422, str(exc))


def _json_body() -> Any:
    body = request.get_json(silent=True)
    if body is None:
        _abort(400, "The body must be JSON (Content-Type: application/json).")
    return body


@bp.get("/list_tests")
def list_tests() -> ResponseReturnValue:
    key, _ = _authenticate("read")
    return jsonify(service.list_tests(db.session, key.org_id))


@bp.post("/send_test")
def send_test() -> ResponseReturnValue:
    key, presented = _authenticate("write")
    body = _json_body()
    try:
        result = service.send_test(db.session, key, presented, body,
                                   settings=current_app.config["SCREENING"])
    except ServiceError as exc:
        _service_error(exc)
    partner_interview_id = result.interview.partner_interview_id
    db.session.commit()
    return jsonify(partner_interview_id=partner_interview_id)


@bp.get("/test_status")
def test_status() -> ResponseReturnValue:
    key, _ = _authenticate("read")
    wanted = (request.args.get("partner_interview_id") or "").strip()
    if not wanted:
        _abort(400, "The query parameter partner_interview_id is required.")
    try:
        interview = service.find_interview(db.session, key.org_id, wanted)
    except ServiceError as exc:
        _service_error(exc)
    settings = current_app.config["SCREENING"]
    body = service.status_body(db.session, interview, public_base_url=settings.public_base_url)
    db.session.rollback()
    return jsonify(body)


@bp.post("/response_error")
def response_error() -> ResponseReturnValue:
    key, _ = _authenticate("read")
    body = _json_body()
    try:
        interview = service.record_response_error(db.session, key.org_id, body)
    except ServiceError as exc:
        _service_error(exc)
    current_app.logger.warning("Greenhouse reported a malformed response (org %s): %s",
                               key.org_id, body)
    if interview is not None:
        db.session.commit()
    return jsonify(status=200)
