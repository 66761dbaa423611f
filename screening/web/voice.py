"""Voice recording uploads behind the applicant's invite token (JSON only).

* ``POST /a/<token>/voice/<prompt_id>`` — the recording as the raw request body, or as the
  multipart field ``audio``. 202 ``{sample_id, take, status: "queued", takes_left,
  status_url}``.
* ``GET /a/<token>/voice/samples/<sample_id>`` — progress of one recording: ``{sample_id,
  prompt_id, take, status: queued|running|transcribed|failed, duration_s[, message]}``.
* ``GET /a/<token>/voice`` — the prompts with takes left and their latest recording (for the
  recorder page); ``POST /a/<token>/voice/submit`` — submit the voice test.

The token in the URL is the credential, so the blueprint is exempt from CSRF tokens (a
cross-site page cannot know the token). Errors are JSON ``{"error": code, "message": text}``:
404 unknown link, question or recording; 403 tests not allowed yet (eligibility, consents);
409 test not started, already submitted, time up, or no recordings left; 413 too large (the
limit in MB in the message); 415 not a recording we can read; 422 too long, silent or empty
(the message says to check the microphone).
"""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge
from werkzeug.wrappers import Response

from screening.config import Settings
from screening.db import db
from screening.models.attempt import Attempt
from screening.models.voice import VoiceSample
from screening.services import attempts as attempt_service
from screening.services import voice as voice_service
from screening.services.attempts import AttemptClosed
from screening.services.orgs import ServiceError
from screening.speech.audio import AudioError, EmptyAudio, TooLarge
from screening.web.applicant.access import (
    Applicant,
    load,
    remaining_seconds,
    require_tests_allowed,
)
from screening.web.csrf import exempt_from_csrf

bp = Blueprint("voice", __name__)

MICROPHONE_HINT = "Check your microphone is connected, not muted and selected in your browser."


exempt_from_csrf(bp)


@bp.after_request
def _private_headers(response: Response) -> Response:
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers.setdefault("Cache-Control", "no-store")
    return response


@bp.errorhandler(HTTPException)
def _json_http_error(exc: HTTPException) -> ResponseReturnValue:
    code = exc.code or 500
    return _error(code, exc.name.lower().replace(" ", "_"), exc.description or exc.name)


def _error(status: int, error: str, message: str) -> ResponseReturnValue:
    return jsonify(error=error, message=message), status


def _sentence(text: str) -> str:
    text = text.strip()
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."


def _mb(limit: int) -> str:
    """``limit`` bytes in MB with at most two decimals (``10 MB``, ``0.5 MB``)."""
    return f"{limit / (1024 * 1024):.2f}".rstrip("0").rstrip(".") + " MB"


def _settings() -> Settings:
    settings: Settings = current_app.config["SCREENING"]
    return settings


def _voice_attempt(token: str) -> tuple[Applicant, Attempt | None]:
    applicant = load(token)
    require_tests_allowed(db.session, applicant)
    attempt = attempt_service.get_attempt(db.session, applicant.candidate, "voice")
    db.session.commit()  # keeps an automatic submission of an overdue attempt
    return applicant, attempt


def _read_upload() -> bytes | ResponseReturnValue:
    if request.mimetype == "multipart/form-data":
        upload = request.files.get("audio")
        if upload is None:
            return _error(400, "bad_request",
                          "Send the recording in the form field 'audio' or as the request body.")
        data: bytes = upload.read()
        return data
    return request.get_data(cache=False)


@bp.get("/a/<token>/voice/record")
def recorder(token: str) -> ResponseReturnValue:
    """The recorder page (HTML): an intro with a start button, the microphone check and one
    recorder per prompt, or a "done" note once submitted."""
    applicant = load(token)
    require_tests_allowed(db.session, applicant)
    attempt = attempt_service.get_attempt(db.session, applicant.candidate, "voice")
    db.session.commit()  # an overdue attempt was just submitted
    context = {"token": token, "job": applicant.job, "candidate": applicant.candidate}
    if attempt is None:
        cfg = attempt_service.section_settings(applicant.job, "voice")
        limit = float(cfg.get("time_limit_s", 900)) * float(
            applicant.candidate.accommodation_factor or 1.0)
        return render_template("voice/intro.html", time_limit_s=int(limit), **context)
    if attempt.status != "in_progress":
        return render_template("voice/done.html", **context)
    return render_template("voice/recorder.html", prompts=_prompt_states(attempt),
                           remaining_s=remaining_seconds(attempt), **context)


@bp.post("/a/<token>/voice/start")
def start(token: str) -> ResponseReturnValue:
    """Start the voice test (its time limit runs from now) and go to the recorder."""
    applicant = load(token)
    require_tests_allowed(db.session, applicant)
    try:
        attempt_service.start_attempt(db.session, applicant.candidate, "voice")
    except attempt_service.SectionUnavailable as exc:
        db.session.rollback()
        return _error(404, "not_found", str(exc))
    return redirect(url_for("voice.recorder", token=token))


@bp.get("/a/<token>/voice")
def state(token: str) -> ResponseReturnValue:
    """The voice test for a recorder page: ``{status: in_progress|submitted, remaining_s,
    prompts: [{id, kind, title, text, max_seconds[, min_seconds], takes_left, latest:
    {sample_id, take, status} | null}]}``. 409 when the test was not started."""
    _applicant, attempt = _voice_attempt(token)
    if attempt is None:
        return _error(409, "not_started", "Start the voice test before recording.")
    status = "in_progress" if attempt.status == "in_progress" else "submitted"
    return jsonify(status=status, remaining_s=remaining_seconds(attempt),
                   prompts=_prompt_states(attempt))


def _prompt_states(attempt: Attempt) -> list[dict[str, object]]:
    """Each public prompt with the takes left and its latest recording's progress (or None)."""
    latest = voice_service.latest_takes(db.session, attempt)
    prompts = []
    for item in attempt.items.get("items", []):
        sample = latest.get(item["id"])
        prompts.append({
            **item,
            "takes_left": voice_service.takes_left(db.session, attempt, item["id"]),
            "latest": None if sample is None else voice_service.sample_progress(db.session,
                                                                                sample),
        })
    return prompts


@bp.post("/a/<token>/voice/submit")
def submit(token: str) -> ResponseReturnValue:
    """Submit the voice test: 200 ``{status: "submitted", pending: [prompt ids still being
    transcribed]}``. Submitting twice is harmless; 409 when the test was not started."""
    _applicant, attempt = _voice_attempt(token)
    if attempt is None:
        return _error(409, "not_started", "This test was not started.")
    voice_service.submit_voice_attempt(db.session, attempt)
    db.session.commit()
    return jsonify(status="submitted",
                   pending=voice_service.pending_prompts(db.session, attempt))


@bp.post("/a/<token>/voice/<prompt_id>")
def upload(token: str, prompt_id: str) -> ResponseReturnValue:
    """Accept one recording of ``prompt_id``; see the module docstring for answers."""
    settings = _settings()
    too_large = _error(413, TooLarge.code,
                       f"The recording is larger than the {_mb(settings.max_upload_bytes)} limit. "
                       "Record a shorter answer and try again.")
    _applicant, attempt = _voice_attempt(token)
    if attempt is None:
        return _error(409, "not_started", "Start the voice test before recording.")
    try:
        body = _read_upload()
    except RequestEntityTooLarge:
        return too_large
    if not isinstance(body, bytes):
        return body
    try:
        sample = voice_service.submit_voice_sample(db.session, attempt, prompt_id, body, settings)
    except voice_service.UnknownPrompt as exc:
        db.session.rollback()
        return _error(404, "unknown_prompt", str(exc))
    except AttemptClosed as exc:
        db.session.rollback()
        return _error(409, "closed", str(exc))
    except voice_service.NoTakesLeft as exc:
        db.session.rollback()
        return _error(409, "no_takes_left", str(exc))
    except TooLarge:
        db.session.rollback()
        return too_large
    except AudioError as exc:
        db.session.rollback()
        message = _sentence(exc.message)
        if isinstance(exc, EmptyAudio):
            message = f"{message} {MICROPHONE_HINT}"
        return _error(exc.http_status, exc.code, message)
    except ServiceError as exc:
        db.session.rollback()
        return _error(422, "invalid_recording", str(exc))
    left = voice_service.takes_left(db.session, attempt, prompt_id)
    status_url = url_for("voice.sample_status", token=token, sample_id=sample.id)
    return jsonify(sample_id=sample.id, take=sample.take, status=sample.status,
                   takes_left=left, status_url=status_url), 202


@bp.get("/a/<token>/voice/samples/<int:sample_id>")
def sample_status(token: str, sample_id: int) -> ResponseReturnValue:
    """Progress of one of the applicant's recordings."""
    applicant = load(token)
    sample = db.session.get(VoiceSample, sample_id)
    attempt = None if sample is None else db.session.get(Attempt, sample.attempt_id)
    if sample is None or attempt is None or attempt.candidate_id != applicant.candidate.id:
        return _error(404, "not_found", "We could not find that recording.")
    body = voice_service.sample_progress(db.session, sample)
    db.session.commit()
    return jsonify(body)
