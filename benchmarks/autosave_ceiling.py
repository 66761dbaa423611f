"""The ceiling for the autosave benchmark: a bare Flask app with the upsert and nothing else.

``PUT /c/<attempt_id>/answers/<item_id>`` with ``{"value", "seq"}`` answers ``{saved, seq}``
after running the app's own autosave statement (``services.attempts.UPSERT_RESPONSE``: INSERT
... ON CONFLICT DO UPDATE ... WHERE client_seq < excluded.client_seq RETURNING id) as one
statement in autocommit (like the app's hot path) on an engine built by
``screening.db.make_engine`` — no middleware, no token or attempt check, no lock, no validation,
no ORM session. That is the floor cost of an autosave.

Served by gunicorn as ``benchmarks.autosave_ceiling:app``; the database URL comes from
``SCREENING_BENCH_DATABASE_URL``.
"""

from __future__ import annotations

import os

from flask import Flask, jsonify, request
from flask.typing import ResponseReturnValue

from screening.db import make_engine, utcnow
from screening.services.attempts import UPSERT_RESPONSE

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:55432/screening_bench"

app = Flask(__name__)
engine = make_engine(os.environ.get("SCREENING_BENCH_DATABASE_URL") or DEFAULT_URL)


@app.put("/c/<int:attempt_id>/answers/<item_id>")
def upsert(attempt_id: int, item_id: str) -> ResponseReturnValue:
    body = request.get_json()
    seq = int(body["seq"])
    values = {"attempt_id": attempt_id, "item_id": item_id, "value": {"v": body["value"]},
              "client_seq": seq, "updated_at": utcnow()}
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        saved = conn.execute(UPSERT_RESPONSE, values).first() is not None
    return jsonify(saved=saved, seq=seq)
