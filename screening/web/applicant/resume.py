"""Which applications this browser started or opened, so that applying again resumes only here.

"Applying twice resumes": the apply form with an e-mail that already applied for the job leads
back to that application — but a new link to someone's application must not go to whoever
merely knows their e-mail. So the apply page resumes only in a browser that holds this signed
cookie for the candidate (set when it applied or opened the invite link); anywhere else it says
that an application exists and that the invitation link, or a new one from the recruiter, opens
it. The cookie holds candidate ids only, signed with the app's secret (itsdangerous), HttpOnly,
``SameSite=Lax``, ``Secure`` as the session cookie, for as long as an invite token lives.
"""

from __future__ import annotations

from flask import current_app, request
from itsdangerous import BadSignature, URLSafeTimedSerializer
from werkzeug.wrappers import Response

from screening.services.candidates import TOKEN_TTL

COOKIE = "screening_applications"
MAX_AGE_S = int(TOKEN_TTL.total_seconds())
KEEP = 20
"""Most applications one browser remembers (the newest)."""


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key or "", salt="applicant-resume")


def _known() -> list[int]:
    raw = request.cookies.get(COOKIE)
    if not raw:
        return []
    try:
        ids = _serializer().loads(raw, max_age=MAX_AGE_S)
    except BadSignature:  # also expired (SignatureExpired is a BadSignature)
        return []
    return [i for i in ids if isinstance(i, int)] if isinstance(ids, list) else []


def started_here(candidate_id: int) -> bool:
    """Whether this browser applied for, or opened the invite link of, ``candidate_id``."""
    return candidate_id in _known()


def remember(response: Response, candidate_id: int) -> Response:
    """Add ``candidate_id`` to the browser's cookie on ``response`` (no-op when known)."""
    known = _known()
    if candidate_id in known:
        return response
    ids = [*known, candidate_id][-KEEP:]
    settings = current_app.config["SCREENING"]
    response.set_cookie(COOKIE, _serializer().dumps(ids), max_age=MAX_AGE_S, httponly=True,
                        samesite="Lax", secure=settings.secure_cookies)
    return response
