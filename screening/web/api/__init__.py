"""REST API v1 under ``/api/v1`` (flask-smorest): bearer API keys, JSON errors, OpenAPI 3.

:func:`init_api` is called once from :func:`screening.web.register_blueprints`. It

- sets the flask-smorest configuration (only keys not already set): the OpenAPI document is
  served at ``/api/v1/openapi.json``, generated from the marshmallow schemas that validate the
  requests and serialize the responses;
- registers the blueprints with a ``before_request`` that authenticates the bearer key
  (401 otherwise) and a JSON error handler scoped to the API blueprints (flask-smorest's
  app-wide handler is not installed, so HTML error pages elsewhere stay as they are);
- exempts the API blueprints, and only them, from the global CSRFProtect: API calls carry no
  cookies-based session (Flask-Login's session is never consulted), so CSRF does not apply.
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask_smorest import Api

API_PREFIX = "/api/v1"

API_CONFIG: dict[str, Any] = {
    "API_TITLE": "Screening API",
    "API_VERSION": "v1",
    "OPENAPI_VERSION": "3.0.3",
    "OPENAPI_URL_PREFIX": API_PREFIX,
    "OPENAPI_JSON_PATH": "openapi.json",
    "API_SPEC_OPTIONS": {
        "info": {
            "description": (
                "Applicant screening API. Authenticate with `Authorization: Bearer <API key>`. "
                "Keys have the scopes `read` and `write`. Every id is scoped to the key's "
                "organization: another organization's id is answered 404."
            )
        },
        "security": [{"bearerAuth": []}],
        "servers": [{"url": "/"}],
    },
}


class ScreeningApi(Api):
    """flask-smorest ``Api`` whose error handler is installed on the API blueprints only."""

    def _register_error_handlers(self) -> None:
        """Do not replace the app's HTML error pages (see :mod:`screening.web.api.errors`)."""


def init_api(app: Flask) -> Api:
    """Configure flask-smorest and register API v1 on ``app``; returns the ``Api``."""
    from screening.web.api.schemas import ErrorSchema
    from screening.web.api.views import BLUEPRINTS

    for key, value in API_CONFIG.items():
        app.config.setdefault(key, value)
    api = ScreeningApi()
    api.ERROR_SCHEMA = ErrorSchema
    api.init_app(app)
    api.spec.components.security_scheme(
        "bearerAuth", {"type": "http", "scheme": "bearer", "description": "sk_… API key"}
    )
    csrf = app.extensions.get("csrf")
    for bp in BLUEPRINTS:
        if csrf is not None:
            csrf.exempt(bp)
        api.register_blueprint(bp)
    app.extensions["screening.api"] = api
    return api
