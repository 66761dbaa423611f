"""Writing replies checked by RQ jobs on a real worker against a real LanguageTool server,
including LanguageTool stopping mid-run: the jobs wait, retry, and finish once it is back."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from flask import Flask
from redis import Redis
from rq import SimpleWorker
from sqlalchemy import select

from screening.db import db
from screening.jobs import reconcile, set_worker_app
from screening.models.candidate import Candidate
from screening.models.score import GrammarCheck, Scorecard, SectionScore
from screening.models.task import Task
from screening.services.attempts import save_answer, start_attempt, submit_attempt
from tests import factories
from tests.conftest import _truncate_pg, build_app
from tests.integration.grammar.samples import BAD_REPLY, CLEAN_REPLY

ROOT = Path(__file__).resolve().parents[3]
SPARE_PORT = 8093  # a second LanguageTool of our own, so stopping it affects no other test


def _worker(app: Flask) -> SimpleWorker:
    dispatcher = app.extensions["screening.dispatcher"]
    return SimpleWorker([dispatcher.queue("default")], connection=dispatcher.connection)


def _submit_writing(candidate: Candidate, reply: str) -> int:
    attempt = start_attempt(db.session, candidate, "grammar")
    writing_id = attempt.answer_key["writing"]["id"]
    save_answer(db.session, attempt, writing_id, reply, 1)
    first_choice = attempt.answer_key["choices"][0]
    save_answer(db.session, attempt, first_choice["id"], first_choice["answer_index"], 1)
    submit_attempt(db.session, attempt)
    db.session.commit()
    return attempt.id


def _lt(command: str) -> None:
    subprocess.run([ROOT / "scripts" / "languagetool.sh", command, str(SPARE_PORT)], check=True,
                   capture_output=True, timeout=180)


@pytest.fixture
def lt_app(tmp_path: Path, pg_schema: str, redis_url: str, lt_url: str) -> Flask:
    Redis.from_url(redis_url).flushdb()
    app = build_app(tmp_path, pg_schema, redis_url=redis_url, languagetool_url=lt_url)
    set_worker_app(app)
    yield app
    app.extensions["screening.db"].dispose()
    Redis.from_url(redis_url).flushdb()
    _truncate_pg(pg_schema)


def test_writing_reply_is_checked_by_a_worker_and_blended_into_the_grammar_score(
    lt_app: Flask,
) -> None:
    with lt_app.app_context():
        job = factories.job(factories.org())
        good = factories.candidate(job)
        bad = factories.candidate(job)
        good_attempt = _submit_writing(good, CLEAN_REPLY)
        bad_attempt = _submit_writing(bad, BAD_REPLY)
        good_id, bad_id = good.id, bad.id
        _worker(lt_app).work(burst=True)

        db.session.expire_all()
        checks = {c.source_id: c for c in db.session.scalars(select(GrammarCheck))}
        assert checks[good_attempt].status == "done" and checks[good_attempt].score > 90
        assert checks[bad_attempt].status == "done" and checks[bad_attempt].score < 60
        errors = checks[bad_attempt].matches["errors"]
        assert errors and {"offset", "length", "rule_id", "category", "message",
                           "replacements"} <= set(errors[0])
        sections = {s.candidate_id: s for s in db.session.scalars(
            select(SectionScore).where(SectionScore.section == "grammar"))}
        assert sections[good_id].metrics["writing"]["scored"] is True
        assert sections[good_id].score > sections[bad_id].score
        # The scorecards were recomputed after the writing score arrived.
        cards = {c.candidate_id: c for c in db.session.scalars(select(Scorecard))}
        assert cards[good_id].composite is not None


def test_languagetool_down_mid_run_jobs_retry_and_finish_after_it_returns(
    tmp_path: Path, pg_schema: str, redis_url: str
) -> None:
    _lt("start")
    Redis.from_url(redis_url).flushdb()
    app = build_app(tmp_path, pg_schema, redis_url=redis_url,
                    languagetool_url=f"http://127.0.0.1:{SPARE_PORT}")
    set_worker_app(app)
    try:
        with app.app_context():
            job = factories.job(factories.org())
            first = _submit_writing(factories.candidate(job), CLEAN_REPLY)
            _worker(app).work(burst=True)
            assert db.session.scalar(
                select(GrammarCheck.status).where(GrammarCheck.source_id == first)) == "done"

            _lt("stop")  # LanguageTool goes away mid-run
            later = [_submit_writing(factories.candidate(job), reply)
                     for reply in (CLEAN_REPLY, BAD_REPLY)]
            _worker(app).work(burst=True)
            db.session.expire_all()
            pending = db.session.scalars(
                select(GrammarCheck).where(GrammarCheck.source_id.in_(later))).all()
            assert [c.status for c in pending] == ["pending", "pending"]
            tasks = db.session.scalars(
                select(Task).where(Task.func == "check_grammar", Task.status == "queued")).all()
            assert len(tasks) == 2 and all("retry later" in (t.error or "") for t in tasks)
            # The multiple-choice part still counts: the section score exists meanwhile.
            assert db.session.scalar(select(SectionScore.score).where(
                SectionScore.section == "grammar").limit(1)) is not None

            _lt("start")  # back again
            assert sorted(reconcile(now_offset_s=3600)) == sorted(t.key for t in tasks)
            _worker(app).work(burst=True)
            db.session.expire_all()
            done = db.session.scalars(
                select(GrammarCheck).where(GrammarCheck.source_id.in_(later))).all()
            assert [c.status for c in done] == ["done", "done"]
            assert all(c.score is not None for c in done)
            # Each check ran to completion exactly once.
            assert {t.run_count for t in db.session.scalars(
                select(Task).where(Task.func == "check_grammar"))} == {1}
    finally:
        _lt("stop")
        app.extensions["screening.db"].dispose()
        Redis.from_url(redis_url).flushdb()
        _truncate_pg(pg_schema)
