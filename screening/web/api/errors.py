"""JSON errors of API v1, installed on the API blueprints only."""

from __future__ import annotations

from typing import Any

from flask.typing import ResponseReturnValue
from werkzeug.exceptions import HTTPException


def handle_api_error(error: HTTPException) -> ResponseReturnValue:
    """JSON for every error raised in an API view or its auth check.

    ``{"code", "status", "error", "message", "errors"?}``; webargs validation failures carry
    per-field ``errors``; 401 adds ``WWW-Authenticate: Bearer``."""
    code = error.code or 500
    payload: dict[str, Any] = {
        "code": code,
        "status": error.name,
        "error": error.name.lower().replace(" ", "_"),
        "message": error.description or error.name,
    }
    headers: dict[str, str] = {}
    data = getattr(error, "data", None)
    if isinstance(data, dict):
        errors = data.get("errors") or data.get("messages")
        if errors:
            payload["errors"] = errors
            if code == 422:
                payload["message"] = "The request is invalid; see 'errors' for each field."
        headers.update(data.get("headers") or {})
    if code == 401:
        headers["WWW-Authenticate"] = 'Bearer realm="api"'
    return payload, code, headers
