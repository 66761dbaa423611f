"""Connection test of the eligibility page: latency and download speed against our server.

* ``GET /a/<token>/speedtest/ping`` → 204, empty body: the page times a few round trips and
  keeps the median (milliseconds).
* ``GET /a/<token>/speedtest/download?bytes=N`` → N random bytes (default
  :data:`DEFAULT_BYTES`, capped at :data:`MAX_BYTES`; 400 when N is not a whole number ≥ 1);
  the page times it and computes megabits per second. Random bytes cannot be compressed on the
  way, so the time measures the bytes really sent. ``X-Speedtest-Bytes`` says how many were sent.

Both need a valid invite token (404 otherwise) and answer ``Cache-Control: no-store`` so no
cache between browser and server can answer instead of us. The result is only information for
the recruiter; it never decides eligibility (see
:func:`screening.scoring.eligibility.connection_flags`).
"""

from __future__ import annotations

import os

from flask import abort, request
from flask.typing import ResponseReturnValue
from werkzeug.wrappers import Response

from screening.db import db
from screening.web.applicant import bp
from screening.web.applicant.access import load

DEFAULT_BYTES = 1_000_000
MAX_BYTES = 5_000_000
"""Largest download (bytes): enough for a steady reading, small enough not to be a load."""

NO_STORE = "no-store, no-cache, must-revalidate, max-age=0"


@bp.get("/a/<token>/speedtest/ping")
def speedtest_ping(token: str) -> ResponseReturnValue:
    """204 with no body for a valid token."""
    load(token)
    db.session.commit()
    response = Response(status=204)
    response.headers["Cache-Control"] = NO_STORE
    return response


@bp.get("/a/<token>/speedtest/download")
def speedtest_download(token: str) -> ResponseReturnValue:
    """``bytes`` random bytes (1 ≤ bytes, capped at :data:`MAX_BYTES`), not compressible."""
    raw = request.args.get("bytes", str(DEFAULT_BYTES))
    if not raw.isdigit() or int(raw) < 1:
        abort(400, description="bytes must be a whole number of at least 1.")
    size = min(int(raw), MAX_BYTES)
    load(token)
    db.session.commit()
    response = Response(os.urandom(size), mimetype="application/octet-stream")
    response.headers["Cache-Control"] = NO_STORE
    response.headers["Content-Encoding"] = "identity"
    response.headers["X-Speedtest-Bytes"] = str(size)
    return response
