"""Free voice answers: the transcript goes to LanguageTool (transcript mode) through a job on
the default queue, and the grammar score is folded into the sample and the section score."""

from __future__ import annotations

import os

from flask import Flask
from rq import SimpleWorker
from sqlalchemy import select

from screening.db import db
from screening.models.attempt import Attempt
from screening.models.score import GrammarCheck, SectionScore
from screening.models.voice import VoiceSample
from screening.services.voice import submit_voice_attempt
from tests.integration.speech.conftest import Clip
from tests.integration.voice.conftest import AppFactory, voice_applicant


def _drain(app: Flask, queue: str) -> None:
    dispatcher = app.extensions["screening.dispatcher"]
    SimpleWorker([dispatcher.queue(queue)], connection=dispatcher.connection).work(burst=True)


def test_scenario_transcript_is_grammar_checked_and_rescored(
    make_voice_app: AppFactory, clip: Clip, clip_webm: bytes
) -> None:
    lt_url = os.environ.get("SCREENING_LANGUAGETOOL_URL")
    assert lt_url, "SCREENING_LANGUAGETOOL_URL is not set (make test starts LanguageTool)"
    app = make_voice_app(languagetool_url=lt_url)
    from screening.jobs import set_worker_app

    set_worker_app(app)
    with app.app_context():
        applicant = voice_applicant()
        scenario = applicant.scenarios[0]
        client = app.test_client()
        response = client.post(f"/a/{applicant.token}/voice/{scenario}", data=clip_webm,
                               content_type="audio/webm")
        assert response.status_code == 202, response.data
        sample_id = response.get_json()["sample_id"]
        attempt = db.session.get(Attempt, applicant.attempt_id)
        submit_voice_attempt(db.session, attempt)
        db.session.commit()

        _drain(app, "audio")  # transcribe: queues the grammar check of the transcript
        db.session.expire_all()
        sample = db.session.get(VoiceSample, sample_id)
        assert sample.status == "transcribed" and sample.transcript
        assert sample.metrics["grammar_score"] is None
        check = db.session.scalar(select(GrammarCheck).where(
            GrammarCheck.source == "voice", GrammarCheck.source_id == sample_id))
        assert check is not None and check.status == "pending"
        score_before = sample.metrics["score"]

        _drain(app, "default")  # LanguageTool job (and the scorecard after it)
        db.session.expire_all()
        check = db.session.get(GrammarCheck, check.id)
        assert check.status == "done" and check.score is not None
        assert check.matches["mode"] == "transcript"
        sample = db.session.get(VoiceSample, sample_id)
        assert sample.metrics["grammar_score"] == check.score
        assert "grammar" in sample.metrics["weights"]
        # The recomputed sample score differs once grammar carries weight.
        assert sample.metrics["score"] != score_before or check.score == 100
        section = db.session.scalar(select(SectionScore).where(
            SectionScore.candidate_id == applicant.candidate_id, SectionScore.section == "voice"))
        assert section is not None and section.status == "scored"
