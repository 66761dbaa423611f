"""Flask app of the Checkr stand-in. TEST USE ONLY — see the package docstring."""

from __future__ import annotations

import hmac
import json
import secrets
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import Flask, Response, jsonify, request

from screening.background_checks import rules
from screening.background_checks.checkr_signature import SIGNATURE_HEADER, compute_signature

CANDIDATE_FIELDS = (
    "first_name",
    "middle_name",
    "no_middle_name",
    "last_name",
    "email",
    "phone",
    "zipcode",
    "dob",
    "ssn",
    "driver_license_number",
    "driver_license_state",
    "custom_id",
)
INVITATION_TTL = timedelta(days=7)
USER_AGENT = "Checkr-Webhook/1.0 (screening checkr_stub)"

# Webhook events sent when a report moves to a status (Checkr docs, "Webhooks" and
# "Complete an existing Report": completion sends report.updated then report.completed).
_EVENTS_BY_MOVE: Mapping[tuple[str | None, str], tuple[str, ...]] = {
    ("suspended", "pending"): ("report.resumed",),
    ("complete", "pending"): ("report.upgraded",),
}
_EVENTS_BY_STATUS: Mapping[str, tuple[str, ...]] = {
    "pending": ("report.updated",),
    "suspended": ("report.suspended",),
    "paused": ("report.updated",),
    "complete": ("report.updated", "report.completed"),
    "canceled": ("report.canceled",),
    "dispute": ("report.disputed",),
}


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _new_id() -> str:
    """Checkr ids are 24 lowercase hex characters."""
    return secrets.token_hex(12)


@dataclass
class Delivery:
    """One webhook POST the stub made: event id and type, HTTP status or the error."""

    event_id: str
    event_type: str
    url: str
    status_code: int | None
    error: str | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "event_id": self.event_id,
            "type": self.event_type,
            "url": self.url,
            "status_code": self.status_code,
            "error": self.error,
        }


@dataclass
class StubState:
    """In-memory data of the stub (one account, identified by ``api_key``)."""

    api_key: str
    webhook_url: str | None = None
    clock: Callable[[], datetime] = _now
    candidates: dict[str, dict[str, Any]] = field(default_factory=dict)
    invitations: dict[str, dict[str, Any]] = field(default_factory=dict)
    reports: dict[str, dict[str, Any]] = field(default_factory=dict)
    deliveries: list[Delivery] = field(default_factory=list)
    lock: threading.RLock = field(default_factory=threading.RLock)


class ApiError(Exception):
    """Answered as ``{"error": message}`` with ``status`` (Checkr's error body shape)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def _params() -> dict[str, Any]:
    """Request parameters: Checkr accepts JSON bodies and form-encoded bodies alike."""
    if request.is_json:
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            raise ApiError(400, "Request body must be a JSON object")
        return body
    return {key: request.form.get(key) for key in request.form}


def _require(params: Mapping[str, Any], *names: str) -> None:
    for name in names:
        value = params.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            raise ApiError(400, f"{name} is required")


def _redact_ssn(ssn: str | None) -> str | None:
    if not ssn:
        return None
    digits = "".join(ch for ch in ssn if ch.isdigit())
    return f"XXX-XX-{digits[-4:]}" if len(digits) >= 4 else "XXX-XX-XXXX"


def _candidate_view(candidate: dict[str, Any]) -> dict[str, Any]:
    view = dict(candidate)
    view["ssn"] = _redact_ssn(candidate.get("ssn"))
    return view


def create_app(
    api_key: str,
    webhook_url: str | None = None,
    *,
    clock: Callable[[], datetime] = _now,
    webhook_timeout: float = 5.0,
) -> Flask:
    """Build the stub app for one account.

    ``api_key``: the secret key clients send as the HTTP Basic username (empty password) and
    the key webhooks are signed with. ``webhook_url``: where events are POSTed (http/https);
    ``None`` sends none. ``clock``: returns the current UTC time (tests may pin it).
    """
    if not api_key:
        raise ValueError("the stub needs a non-empty API key")
    if webhook_url is not None:
        scheme = urllib.parse.urlsplit(webhook_url).scheme
        if scheme not in ("http", "https"):
            raise ValueError(f"webhook_url must be http(s), got {webhook_url!r}")

    app = Flask(__name__)
    state = StubState(api_key=api_key, webhook_url=webhook_url, clock=clock)
    app.extensions["checkr_stub"] = state

    @app.errorhandler(ApiError)
    def _api_error(error: ApiError) -> tuple[Response, int]:
        return jsonify({"error": error.message}), error.status

    @app.errorhandler(404)
    def _not_found(_error: Exception) -> tuple[Response, int]:
        return jsonify({"error": "Not found"}), 404

    @app.errorhandler(405)
    def _not_allowed(_error: Exception) -> tuple[Response, int]:
        return jsonify({"error": "Method not allowed"}), 405

    @app.before_request
    def _authenticate() -> tuple[Response, int, dict[str, str]] | None:
        auth = request.authorization
        username = auth.username if auth is not None and auth.type == "basic" else None
        if username is None or not hmac.compare_digest(
            username.encode("utf-8"), state.api_key.encode("utf-8")
        ):
            return (
                jsonify({"error": "Bad authentication error"}),
                401,
                {"WWW-Authenticate": 'Basic realm="Checkr API"'},
            )
        return None

    def deliver(event_type: str, obj: dict[str, Any]) -> None:
        """POST a signed event to the webhook URL (synchronously; failures are recorded)."""
        if state.webhook_url is None:
            return
        event_id = _new_id()
        event: dict[str, Any] = {
            "id": event_id,
            "object": "event",
            "type": event_type,
            "created_at": _iso(state.clock()),
            "webhook_url": state.webhook_url,
            "data": {"object": obj},
        }
        body = json.dumps(event, separators=(",", ":")).encode("utf-8")
        outbound = urllib.request.Request(  # noqa: S310 - scheme checked in create_app
            state.webhook_url,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json",
                "User-Agent": USER_AGENT,
                SIGNATURE_HEADER: compute_signature(body, state.api_key),
            },
        )
        status: int | None = None
        error: str | None = None
        try:
            with urllib.request.urlopen(outbound, timeout=webhook_timeout) as reply:  # noqa: S310
                status = reply.status
        except urllib.error.HTTPError as exc:
            status = exc.code
            exc.close()
        except (urllib.error.URLError, OSError) as exc:
            error = str(exc)
        with state.lock:
            state.deliveries.append(
                Delivery(event_id, event_type, state.webhook_url, status, error)
            )

    def deliver_all(events: list[tuple[str, dict[str, Any]]]) -> None:
        """Deliver events in order, outside the state lock (a receiver may call back)."""
        for event_type, obj in events:
            deliver(event_type, obj)

    def get_or_404(table: dict[str, dict[str, Any]], kind: str, key: str) -> dict[str, Any]:
        found = table.get(key)
        if found is None:
            raise ApiError(404, f"{kind} not found")
        return found

    def new_report(candidate: dict[str, Any], package: str, source: str) -> dict[str, Any]:
        report_id = _new_id()
        now = state.clock()
        report: dict[str, Any] = {
            "id": report_id,
            "object": "report",
            "uri": f"/v1/reports/{report_id}",
            "status": "pending",
            "result": None,
            "adjudication": None,
            "assessment": None,
            "created_at": _iso(now),
            "completed_at": None,
            "revised_at": None,
            "upgraded_at": None,
            "turnaround_time": None,
            "estimated_completion_time": _iso(now + timedelta(days=3)),
            "package": package,
            "source": source,
            "candidate_id": candidate["id"],
            "includes_canceled": False,
            "archived": False,
            "tags": [],
            "work_locations": [],
        }
        state.reports[report_id] = report
        candidate["report_ids"].append(report_id)
        return report

    # ------------------------------------------------------------------ Checkr API

    @app.post("/v1/candidates")
    def create_candidate() -> tuple[Response, int]:
        params = _params()
        _require(params, "email")
        if "@" not in str(params["email"]):
            raise ApiError(400, "email is invalid")
        with state.lock:
            candidate_id = _new_id()
            candidate: dict[str, Any] = {
                "id": candidate_id,
                "object": "candidate",
                "uri": f"/v1/candidates/{candidate_id}",
                "created_at": _iso(state.clock()),
                "report_ids": [],
                "geo_ids": [],
                "adjudication": None,
                "copy_requested": False,
                "metadata": params.get("metadata") or {},
            }
            for name in CANDIDATE_FIELDS:
                candidate[name] = params.get(name)
            state.candidates[candidate_id] = candidate
            return jsonify(_candidate_view(candidate)), 201

    @app.get("/v1/candidates/<candidate_id>")
    def get_candidate(candidate_id: str) -> Response:
        with state.lock:
            return jsonify(_candidate_view(get_or_404(state.candidates, "Candidate", candidate_id)))

    @app.post("/v1/invitations")
    def create_invitation() -> tuple[Response, int]:
        params = _params()
        _require(params, "candidate_id", "package")
        with state.lock:
            candidate = get_or_404(state.candidates, "Candidate", str(params["candidate_id"]))
            invitation_id = _new_id()
            now = state.clock()
            invitation: dict[str, Any] = {
                "id": invitation_id,
                "object": "invitation",
                "uri": f"/v1/invitations/{invitation_id}",
                "invitation_url": f"{request.host_url}apply/{invitation_id}",
                "status": "pending",
                "created_at": _iso(now),
                "expires_at": _iso(now + INVITATION_TTL),
                "completed_at": None,
                "deleted_at": None,
                "package": params["package"],
                "candidate_id": candidate["id"],
                "report_id": None,
                "archived": False,
                "tags": params.get("tags") or [],
                "work_locations": params.get("work_locations") or [],
            }
            state.invitations[invitation_id] = invitation
            events = [("invitation.created", dict(invitation))]
            response = jsonify(invitation)
        deliver_all(events)
        return response, 201

    @app.get("/v1/invitations/<invitation_id>")
    def get_invitation(invitation_id: str) -> Response:
        with state.lock:
            return jsonify(get_or_404(state.invitations, "Invitation", invitation_id))

    @app.post("/v1/reports")
    def create_report() -> tuple[Response, int]:
        params = _params()
        _require(params, "candidate_id", "package")
        with state.lock:
            candidate = get_or_404(state.candidates, "Candidate", str(params["candidate_id"]))
            for name in ("first_name", "last_name", "dob"):
                if not candidate.get(name):
                    raise ApiError(400, f"Candidate {name} is required to order a report")
            if not candidate.get("middle_name") and not candidate.get("no_middle_name"):
                raise ApiError(
                    400, "Candidate middle_name or no_middle_name is required to order a report"
                )
            report = new_report(candidate, str(params["package"]), "api")
            events = [("report.created", dict(report))]
            response = jsonify(report)
        deliver_all(events)
        return response, 201

    @app.get("/v1/reports/<report_id>")
    def get_report(report_id: str) -> Response:
        with state.lock:
            return jsonify(get_or_404(state.reports, "Report", report_id))

    # ------------------------------------------------- stub controls (not Checkr's API)
    # They play the parts Checkr's own systems and the candidate would: completing the hosted
    # apply flow, letting an invitation expire, moving a report along its lifecycle.

    @app.post("/_stub/invitations/<invitation_id>/complete")
    def complete_invitation(invitation_id: str) -> tuple[Response, int]:
        with state.lock:
            invitation = get_or_404(state.invitations, "Invitation", invitation_id)
            if invitation["status"] != "pending":
                raise ApiError(400, f"Invitation is {invitation['status']}, not pending")
            candidate = state.candidates[invitation["candidate_id"]]
            report = new_report(candidate, str(invitation["package"]), "form")
            invitation.update(
                status="completed", completed_at=_iso(state.clock()), report_id=report["id"]
            )
            events = [("invitation.completed", dict(invitation)), ("report.created", dict(report))]
            response = jsonify(report)
        deliver_all(events)
        return response, 201

    @app.post("/_stub/invitations/<invitation_id>/expire")
    def expire_invitation(invitation_id: str) -> Response:
        with state.lock:
            invitation = get_or_404(state.invitations, "Invitation", invitation_id)
            if invitation["status"] != "pending":
                raise ApiError(400, f"Invitation is {invitation['status']}, not pending")
            invitation["status"] = "expired"
            events = [("invitation.expired", dict(invitation))]
            response = jsonify(invitation)
        deliver_all(events)
        return response

    @app.post("/_stub/reports/<report_id>/status")
    def move_report(report_id: str) -> Response:
        params = _params()
        _require(params, "status")
        new_status = str(params["status"])
        result = params.get("result")
        with state.lock:
            report = get_or_404(state.reports, "Report", report_id)
            old_status = str(report["status"])
            if new_status not in rules.CHECKR_REPORT_STATUS:
                raise ApiError(400, f"unknown report status {new_status!r}")
            try:
                rules.transition(old_status, new_status, result)
            except rules.InvalidTransition as exc:
                raise ApiError(400, str(exc)) from None
            now = state.clock()
            report["status"] = new_status
            if new_status == "complete":
                report["result"] = result
                if report["completed_at"] is None:
                    created = datetime.strptime(report["created_at"], "%Y-%m-%dT%H:%M:%SZ")
                    report["completed_at"] = _iso(now)
                    report["turnaround_time"] = int(
                        (now - created.replace(tzinfo=UTC)).total_seconds()
                    )
                else:
                    report["revised_at"] = _iso(now)
            elif old_status == "complete" and new_status == "pending":
                report.update(result=None, upgraded_at=_iso(now))
            types = _EVENTS_BY_MOVE.get((old_status, new_status)) or _EVENTS_BY_STATUS[new_status]
            events = [(event_type, dict(report)) for event_type in types]
            response = jsonify(report)
        deliver_all(events)
        return response

    @app.get("/_stub/deliveries")
    def list_deliveries() -> Response:
        with state.lock:
            return jsonify({"data": [d.to_dict() for d in state.deliveries]})

    return app
