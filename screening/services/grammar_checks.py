"""Grammar checks of writing replies and voice transcripts (LanguageTool, via RQ jobs).

A check is a ``GrammarCheck`` row: ``pending`` until LanguageTool has answered, then ``done``
with every match stored for highlighting. While LanguageTool cannot be reached the job is
retried with backoff (``jobs.RetryLater``); the recruiter sees "grammar check pending" and the
rest of the scorecard works without it.
"""

from __future__ import annotations

from typing import Any

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from screening.db import utcnow
from screening.grammar import check_and_score
from screening.models.attempt import Attempt, Response
from screening.models.score import GrammarCheck
from screening.models.voice import VoiceSample
from screening.queues import enqueue
from screening.scoring.grammar import Mode

SOURCES = ("writing", "voice")
"""``writing``: ``source_id`` is the grammar attempt id (its writing item's reply);
``voice``: ``source_id`` is a voice sample id (its transcript, scored in transcript mode)."""


def request_check(session: Session, candidate_id: int, source: str, source_id: int) -> GrammarCheck:
    """Create (once) the pending check and queue the job; runs after the caller commits."""
    if source not in SOURCES:
        raise ValueError(f"unknown grammar source {source!r}")
    row = session.scalar(select(GrammarCheck).where(GrammarCheck.source == source,
                                                    GrammarCheck.source_id == source_id))
    if row is None:
        row = GrammarCheck(candidate_id=candidate_id, source=source, source_id=source_id,
                           status="pending")
        session.add(row)
        session.flush()
    if row.status != "done":
        enqueue(session, "check_grammar", key=f"grammar:{row.id}", check_id=row.id)
    return row


def _writing_text(session: Session, attempt: Attempt) -> str:
    writing = attempt.answer_key.get("writing")
    if not writing:
        return ""
    reply = session.scalar(select(Response).where(Response.attempt_id == attempt.id,
                                                  Response.item_id == writing["id"]))
    value = reply.value.get("v") if reply else None
    return value if isinstance(value, str) else ""


def source_text(session: Session, row: GrammarCheck) -> str:
    """The text a check is about."""
    if row.source == "writing":
        attempt = session.get(Attempt, row.source_id)
        return _writing_text(session, attempt) if attempt else ""
    sample = session.get(VoiceSample, row.source_id)
    return (sample.transcript or "") if sample else ""


def run_check(session: Session, check_id: int) -> GrammarCheck | None:
    """Check the text with LanguageTool and store the result (raises ``GrammarUnavailable``)."""
    row = session.get(GrammarCheck, check_id)
    if row is None or row.status == "done":
        return row
    text = source_text(session, row)
    mode: Mode = "writing" if row.source == "writing" else "transcript"
    result = check_and_score(text, url=current_app.config["SCREENING"].languagetool_url,
                             mode=mode)
    row.status = "done"
    row.words = result.words
    row.errors_per_100_words = result.errors_per_100_words
    row.score = result.score
    row.matches = result.to_dict()
    row.checked_at = utcnow()
    session.flush()
    if row.source == "writing":
        _rescore_grammar_section(session, row)
    else:
        from screening.services.voice import rescore_with_grammar

        rescore_with_grammar(session, row.source_id, result.score)
    return row


def _rescore_grammar_section(session: Session, row: GrammarCheck) -> None:
    """Blend the writing score into the grammar section score and queue the scorecard."""
    from screening.assessments import get_type
    from screening.services.attempts import (
        after_section_scored,
        answers_of,
        store_section_result,
    )

    attempt = session.get(Attempt, row.source_id)
    if attempt is None or attempt.status != "scored":
        return
    grammar_type: Any = get_type("grammar")
    result = grammar_type.score(attempt.answer_key, answers_of(session, attempt),
                                writing_score=row.score)
    store_section_result(session, attempt.candidate_id, "grammar", result)
    after_section_scored(session, attempt.candidate_id)
