"""The cookie session, and the endpoints served without it.

Endpoints authenticated by something other than the login cookie — the invite token in the URL
of the test pages' JSON calls — do not need Flask's signed cookie session, yet an applicant's
browser sends it with every autosave (the test pages' forms keep a CSRF token in it), and
verifying it costs about a tenth of a save. Views registered with :func:`without_session` get
Flask's ``NullSession`` instead: the cookie is neither verified nor written back, and their
responses carry no ``Vary: Cookie``. Such a view cannot use the login, flashed messages or CSRF
tokens, so only token-authenticated JSON endpoints (already exempt from CSRF) are registered.

Flask opens the session before it matches the URL, so :class:`SessionInterface` matches it
itself — only for requests that carry a session cookie (without one there is nothing to skip).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, Flask, Request
from flask.blueprints import BlueprintSetupState
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from werkzeug.exceptions import HTTPException

SESSIONLESS = "screening.sessionless_endpoints"
"""``app.extensions`` key: the endpoint names served without the cookie session."""


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed cookie session, skipped for the endpoints in ``app.extensions``."""

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        sessionless: set[str] = app.extensions.get(SESSIONLESS, set())
        if sessionless and self.get_cookie_name(app) in request.cookies:
            adapter = app.create_url_adapter(request)
            try:
                rule, _args = adapter.match(return_rule=True) if adapter else (None, None)
            except HTTPException:  # 404/405/redirects: Flask reports them after opening
                rule = None
            if rule is not None and rule.endpoint in sessionless:
                return None  # Flask then uses make_null_session()
        return super().open_session(app, request)


def init_app(app: Flask) -> None:
    app.session_interface = SessionInterface()
    app.extensions.setdefault(SESSIONLESS, set())


def without_session(bp: Blueprint, *views: Callable[..., Any]) -> None:
    """Serve ``views`` of ``bp`` without the cookie session once ``bp`` is registered."""

    def _register(state: BlueprintSetupState) -> None:
        names: set[str] = state.app.extensions.setdefault(SESSIONLESS, set())
        names.update(f"{state.name}.{view.__name__}" for view in views)

    bp.record_once(_register)
