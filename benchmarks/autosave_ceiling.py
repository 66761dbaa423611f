"""The ceilings of the autosave benchmark: the upsert and nothing else, served two ways.

``PUT /c/<attempt_id>/answers/<item_id>`` with ``{"value", "seq"}`` answers ``{saved, seq}``
after running the app's own autosave upsert (``services.attempts.upsert_response``: INSERT
... ON CONFLICT DO UPDATE ... WHERE client_seq < excluded.client_seq RETURNING id) as one
statement in autocommit (like the app's hot path) — no token or attempt check, no lock, no
validation, no ORM session. That is the floor cost of an autosave.

* ``benchmarks.autosave_ceiling:app`` — a bare Flask app with only that endpoint, on an engine
  built by ``screening.db.make_engine`` from ``SCREENING_BENCH_DATABASE_URL``: the cost of the
  upsert with no application around it.
* ``benchmarks.autosave_ceiling:in_app()`` — the real app (``create_app()``, same settings as the
  measured server) with that endpoint added on the app's engine, registered like the autosave
  endpoint (no CSRF token, no cookie session): it shares the app's middleware (CSRF check,
  login manager, session interface), so the difference to the autosave endpoint is the
  endpoint's own work.
"""

from __future__ import annotations

import os

from flask import Blueprint, Flask, jsonify, request
from flask.typing import ResponseReturnValue
from sqlalchemy import Engine

from screening.db import make_engine
from screening.services.attempts import upsert_response

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:55432/screening_bench"

app = Flask(__name__)
engine = make_engine(os.environ.get("SCREENING_BENCH_DATABASE_URL") or DEFAULT_URL)


def _upsert(on: Engine, attempt_id: int, item_id: str) -> ResponseReturnValue:
    body = request.get_json()
    seq = int(body["seq"])
    with on.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        saved = upsert_response(conn, attempt_id, item_id, {"v": body["value"]}, seq)
    return jsonify(saved=saved, seq=seq)


@app.put("/c/<int:attempt_id>/answers/<item_id>")
def upsert(attempt_id: int, item_id: str) -> ResponseReturnValue:
    return _upsert(engine, attempt_id, item_id)


def in_app() -> Flask:
    """The real app plus the bare upsert endpoint, exempt from CSRF and served without the
    cookie session like the autosave endpoint."""
    from screening import create_app
    from screening.db import db
    from screening.web.csrf import exempt_from_csrf
    from screening.web.sessions import without_session

    bp = Blueprint("bench_ceiling", __name__)

    @bp.put("/c/<int:attempt_id>/answers/<item_id>")
    def upsert_in_app(attempt_id: int, item_id: str) -> ResponseReturnValue:
        return _upsert(db.engine, attempt_id, item_id)

    exempt_from_csrf(bp)
    without_session(bp, upsert_in_app)
    application = create_app()
    application.register_blueprint(bp)
    return application
