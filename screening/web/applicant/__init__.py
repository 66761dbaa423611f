"""Applicant pages: the public apply link and everything behind the invite token (no passwords).

Journey: ``/apply/<slug>`` → ``/a/<token>`` (hub) → eligibility questions → consents → one page
per test section. The token in the URL is the applicant's credential, so:

* every response carries ``Referrer-Policy: no-referrer`` and ``Cache-Control: no-store``;
* the JSON endpoints (autosave, integrity signals, submit) are exempt from CSRF tokens — a
  cross-site page cannot know the token — but only accept ``Content-Type: application/json``
  (which a cross-site form cannot send);
* autosave and integrity signals are served without the cookie session
  (:mod:`screening.web.sessions`): they never read it, and skipping its verification makes
  the busiest endpoint cheaper.

Modules: :mod:`.access` (token, gates, section states), :mod:`.pages` (HTML views),
:mod:`.api` (JSON views), :mod:`.speedtest` (connection test of the eligibility page),
:mod:`.consent_texts` (the consent documents).
"""

from __future__ import annotations

from flask import Blueprint
from werkzeug.wrappers import Response

from screening.web.csrf import exempt_from_csrf
from screening.web.sessions import without_session

bp = Blueprint("applicant", __name__)


@bp.after_request
def _private_headers(response: Response) -> Response:
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers.setdefault("Cache-Control", "no-store")
    return response


# The view modules register their routes on ``bp``; imported last because they import ``bp``.
from . import api as api  # noqa: E402
from . import pages as pages  # noqa: E402
from . import speedtest as speedtest  # noqa: E402

exempt_from_csrf(bp, *api.CSRF_EXEMPT)
without_session(bp, *api.SESSIONLESS)


__all__ = ["bp", "pages", "api", "speedtest"]
