"""Error pages and JSON errors with a clear message for every status we send."""

from __future__ import annotations

from flask import Flask, render_template, request
from flask.typing import ResponseReturnValue
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(exc: CSRFError) -> ResponseReturnValue:
        message = "The form expired or was sent from another site. Reload the page and try again."
        if _wants_json():
            return {"error": "csrf", "message": message}, 400
        return render_template("error.html", code=400, message=message), 400

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> ResponseReturnValue:
        code = exc.code or 500
        message = exc.description or exc.name
        if _wants_json():
            return {"error": exc.name.lower().replace(" ", "_"), "message": message}, code
        return render_template("error.html", code=code, message=message), code
