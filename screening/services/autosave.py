"""The autosave hot path: one SQL statement for a save to an attempt already seen open.

A test page saves on every pause in typing, which makes ``PUT .../answers/<item>`` the busiest
endpoint of the app. The full path (the view's token and gate checks, then
:func:`screening.services.attempts.save_answer_for`) costs three queries. Once it has accepted a
save for a (token, section), the facts it established that cannot change any more are kept per
process in :class:`OpenAttempts`:

* the attempt's id, item ids, answer key and deadline (fixed when the attempt starts);
* the token's expiry (fixed when it is issued; tokens are never revoked — if that changes, the
  revoking code must drop entries or the check must move into :data:`FAST_UPSERT`);
* that the candidate may take tests (eligibility is answered once, and the knockout outcome is
  fixed before any attempt can start) and that the section belongs to the job (checked when the
  attempt started and at the first save; a section switched off later keeps its started attempt).

The next saves check the token's expiry, validate the answer against the kept key and run
:data:`FAST_UPSERT`, which re-checks in the database what *can* change — the attempt is still
``in_progress`` and within deadline + :data:`~screening.services.attempts.GRACE` — holds the
attempt row ``FOR SHARE`` on PostgreSQL (a submit's ``FOR UPDATE`` waits for it, so an
acknowledged save is always part of the scored answers; saves do not wait for each other) and
upserts, in one round trip.

Contract of :func:`save_fast`: it returns the attempt's deadline when it wrote the answer, and None
when it cannot decide alone — nothing kept, an expired token, an item or answer the kept key
refuses, or no row written (an equal or newer ``seq`` already stored, the attempt closed or
late). The caller then takes the full path, which gives the exact result or error; so the fast
path never answers differently from the full path, only sooner.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cachetools import TTLCache
from sqlalchemy import Engine, TextClause, bindparam, text

from screening.assessments import get_type
from screening.assessments.base import AnswerError
from screening.db import JSONType, UTCDateTime, utcnow
from screening.models.attempt import Attempt
from screening.services.attempts import GRACE, UPSERT_ON_CONFLICT
from screening.services.candidates import hash_token

KEEP_S = 60.0
"""Seconds a kept entry lives: bounds how long a process keeps an attempt's key in memory and
how often the full path runs for a busy attempt (it also refreshes the token's last use)."""

KEEP_MAX = 5_000
"""Most (token, section) entries kept per process (least recently used go first). An entry holds the
attempt's answer key (a few KB for a grammar or typing section), so this bounds the memory to
tens of MB per web process; past it, saves of the least active attempts take the full path."""


@dataclass(frozen=True)
class OpenAttempt:
    """What the full path established about an open attempt that cannot change any more."""

    attempt_id: int
    item_ids: frozenset[str]
    answer_key: Mapping[str, Any]
    deadline_at: datetime
    token_expires_at: datetime


class OpenAttempts:
    """Thread-safe, size- and time-bounded map of (token hash, section) → :class:`OpenAttempt`."""

    def __init__(self, maxsize: int = KEEP_MAX, ttl_s: float = KEEP_S) -> None:
        self._entries: TTLCache[tuple[str, str], OpenAttempt] = TTLCache(maxsize, ttl_s)
        self._lock = threading.Lock()

    def remember(self, token: str, token_expires_at: datetime, attempt: Attempt) -> None:
        """Keep ``attempt`` for saves through ``token`` (only while it is in progress)."""
        if attempt.status != "in_progress":
            return
        entry = OpenAttempt(
            attempt_id=attempt.id,
            item_ids=frozenset(str(item.get("id")) for item in attempt.items.get("items", [])),
            answer_key=attempt.answer_key,
            deadline_at=attempt.deadline_at,
            token_expires_at=token_expires_at,
        )
        with self._lock:
            self._entries[(hash_token(token), attempt.section)] = entry

    def get(self, token_hash: str, section: str) -> OpenAttempt | None:
        with self._lock:
            try:
                return self._entries[(token_hash, section)]  # one lookup (``get`` does two)
            except KeyError:
                return None

    def forget(self, token_hash: str, section: str) -> None:
        with self._lock:
            self._entries.pop((token_hash, section), None)

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)


# Constants only (every value is a bound parameter), so S608 does not apply.
_FAST_UPSERT_SQL = (
    "WITH open_attempt AS ("  # noqa: S608
    "SELECT id FROM attempts WHERE id = :attempt_id AND status = 'in_progress' "
    "AND deadline_at >= :late_from{lock}) "
    "INSERT INTO responses (attempt_id, item_id, value, client_seq, updated_at) "
    "SELECT id, :item_id, :value, :client_seq, :now FROM open_attempt WHERE true "
    + UPSERT_ON_CONFLICT
)


def _statement(lock: str) -> TextClause:
    return text(_FAST_UPSERT_SQL.format(lock=lock)).bindparams(
        bindparam("value", type_=JSONType),
        bindparam("now", type_=UTCDateTime()),
        bindparam("late_from", type_=UTCDateTime()),
    )


FAST_UPSERT: dict[str, TextClause] = {
    "postgresql": _statement(" FOR SHARE"),
    "sqlite": _statement(""),  # SQLite has no row locks: a writing transaction locks the file
}
"""The checked upsert per dialect, compiled once per process, with the conflict clause of
:data:`screening.services.attempts.UPSERT_RESPONSE` (a lower or equal ``client_seq`` never
overwrites); ``WHERE true`` lets SQLite tell the SELECT from the ON CONFLICT clause."""


def save_fast(engine: Engine, kept: OpenAttempts, token: str, section: str, item_id: str,
              value: Any, client_seq: int) -> datetime | None:
    """Write the answer with one statement in its own transaction when ``kept`` knows the
    attempt; see the module docstring for the contract. Returns the attempt's deadline (UTC)
    when written, else None (nothing written; the entry is forgotten when the database said no).
    """
    token_hash = hash_token(token)
    entry = kept.get(token_hash, section)
    now = utcnow()
    if entry is None or entry.token_expires_at < now or item_id not in entry.item_ids:
        return None
    statement = FAST_UPSERT.get(engine.dialect.name)
    if statement is None:
        return None
    try:
        normalized = get_type(section).validate_answer(entry.answer_key, item_id, value)
    except AnswerError:
        return None
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        row = conn.execute(statement, {
            "attempt_id": entry.attempt_id, "now": now,
            "late_from": now - GRACE, "item_id": item_id, "value": {"v": normalized},
            "client_seq": client_seq}).first()
    if row is None:
        kept.forget(token_hash, section)
        return None
    return entry.deadline_at
