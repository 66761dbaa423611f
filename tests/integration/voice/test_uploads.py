"""Uploading voice recordings: errors with clear messages, write-once storage, takes, closing.

Production mode on the real PostgreSQL and Redis; uploads are queued in RQ but no worker runs
here, so the Whisper model is not loaded by these tests.
"""

from __future__ import annotations

import hashlib
import io
from datetime import timedelta
from typing import Any

import numpy as np
from flask import Flask
from sqlalchemy import func, select
from werkzeug.test import TestResponse

from screening.db import db, utcnow
from screening.models.attempt import Attempt
from screening.models.score import SectionScore
from screening.models.task import Task
from screening.models.voice import VoiceSample
from screening.services.attempts import submit_attempt
from screening.services.voice import original_path
from tests.integration.voice.conftest import AppFactory, voice_applicant
from tests.unit.speech.audio_builders import sine, wav_bytes


def _post(app: Flask, token: str, prompt_id: str, data: bytes,
          content_type: str = "audio/webm") -> TestResponse:
    return app.test_client().post(f"/a/{token}/voice/{prompt_id}", data=data,
                                  content_type=content_type)


def _json(response: TestResponse) -> dict[str, Any]:
    body = response.get_json()
    assert isinstance(body, dict), response.data
    return body


def _samples(attempt_id: int) -> list[VoiceSample]:
    db.session.expire_all()
    return list(db.session.scalars(
        select(VoiceSample).where(VoiceSample.attempt_id == attempt_id).order_by(VoiceSample.id)))


def test_upload_is_stored_queued_and_dispatched_after_commit(voice_app: Flask,
                                                             clip_webm: bytes) -> None:
    with voice_app.app_context():
        who = voice_applicant()
        assert len(who.read_aloud) >= 1 and len(who.scenarios) >= 2
        prompt = who.read_aloud[0]
        response = _post(voice_app, who.token, prompt, clip_webm)
        assert response.status_code == 202, response.data
        body = _json(response)
        assert body["take"] == 1 and body["status"] == "queued" and body["takes_left"] == 2
        [sample] = _samples(who.attempt_id)
        assert body["sample_id"] == sample.id
        assert (sample.prompt_id, sample.take, sample.status) == (prompt, 1, "queued")
        assert sample.container == "webm" and sample.size_bytes == len(clip_webm)
        assert sample.duration_s is not None and abs(sample.duration_s - 7.1) < 0.1
        assert sample.sha256 == hashlib.sha256(clip_webm).hexdigest()
        # The task row is committed and its RQ job is on the audio queue.
        task = db.session.scalar(select(Task).where(Task.key == f"transcribe:{sample.id}"))
        assert task is not None and task.status == "queued" and task.queue == "audio"
        assert task.func == "transcribe_voice_sample" and task.args == {"sample_id": sample.id}
        dispatcher = voice_app.extensions["screening.dispatcher"]
        assert dispatcher.queue("audio").job_ids == [f"transcribe-{sample.id}"]
        # The status endpoint reports progress for this applicant's recording only.
        status = voice_app.test_client().get(body["status_url"])
        assert status.status_code == 200
        assert _json(status)["status"] == "queued" and _json(status)["prompt_id"] == prompt
        other = voice_applicant()
        foreign = voice_app.test_client().get(f"/a/{other.token}/voice/samples/{sample.id}")
        assert foreign.status_code == 404


def test_originals_are_content_addressed_and_never_overwritten(voice_app: Flask,
                                                               clip_webm: bytes) -> None:
    settings = voice_app.config["SCREENING"]
    with voice_app.app_context():
        who = voice_applicant()
        first = _post(voice_app, who.token, who.scenarios[0], clip_webm)
        assert first.status_code == 202
        digest = hashlib.sha256(clip_webm).hexdigest()
        path = original_path(settings.storage_dir, digest)
        assert path == settings.storage_dir / digest[:2] / digest
        assert path.read_bytes() == clip_webm
        before = path.stat()
        # The same bytes again (another question): a second row, the same untouched file.
        second = _post(voice_app, who.token, who.scenarios[1], clip_webm)
        assert second.status_code == 202
        after = path.stat()
        assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
        samples = _samples(who.attempt_id)
        assert [s.sha256 for s in samples] == [digest, digest]
        assert len({s.id for s in samples}) == 2
        assert sorted(p.name for p in path.parent.iterdir()) == [digest]  # no temp files left


def test_retakes_are_limited_by_the_job_profile(voice_app: Flask, clip_webm: bytes) -> None:
    with voice_app.app_context():
        who = voice_applicant()  # default profile: 2 retakes → 3 recordings per question
        prompt = who.scenarios[0]
        takes = [_json(_post(voice_app, who.token, prompt, clip_webm)) for _ in range(3)]
        assert [t["take"] for t in takes] == [1, 2, 3]
        assert [t["takes_left"] for t in takes] == [2, 1, 0]
        refused = _post(voice_app, who.token, prompt, clip_webm)
        assert refused.status_code == 409
        assert _json(refused)["error"] == "no_takes_left"
        assert "all 3 recordings" in _json(refused)["message"]
        assert len(_samples(who.attempt_id)) == 3
        # Other questions have their own takes; a profile with 0 retakes allows one recording.
        assert _post(voice_app, who.token, who.scenarios[1], clip_webm).status_code == 202
        strict = voice_applicant(retakes=0)
        first = _post(voice_app, strict.token, strict.scenarios[0], clip_webm)
        assert _json(first)["take"] == 1
        again = _post(voice_app, strict.token, strict.scenarios[0], clip_webm)
        assert again.status_code == 409 and "all 1 recordings" in _json(again)["message"]


def test_text_file_named_webm_is_refused_with_415(voice_app: Flask) -> None:
    with voice_app.app_context():
        who = voice_applicant()
        response = voice_app.test_client().post(
            f"/a/{who.token}/voice/{who.read_aloud[0]}",
            data={"audio": (io.BytesIO(b"Hello, this is my answer typed as text.\n"),
                            "answer.webm", "audio/webm")},
            content_type="multipart/form-data",
        )
        assert response.status_code == 415
        assert _json(response)["error"] == "not_audio"
        message = _json(response)["message"]
        assert "not a recording we can read" in message and "WebM" in message
        assert _samples(who.attempt_id) == []


def test_multipart_upload_is_accepted(voice_app: Flask, clip_webm: bytes) -> None:
    with voice_app.app_context():
        who = voice_applicant()
        response = voice_app.test_client().post(
            f"/a/{who.token}/voice/{who.read_aloud[0]}",
            data={"audio": (io.BytesIO(clip_webm), "recording.webm", "audio/webm")},
            content_type="multipart/form-data",
        )
        assert response.status_code == 202, response.data
        [sample] = _samples(who.attempt_id)
        assert sample.size_bytes == len(clip_webm)


def test_too_large_is_refused_with_413_and_the_limit_in_mb(make_voice_app: AppFactory) -> None:
    app = make_voice_app(max_upload_bytes=1024 * 1024)
    forty_seconds = wav_bytes(sine(40, 0.3))  # 1.28 MB of WAV, under the 60 s limit
    assert 1024 * 1024 < len(forty_seconds) < 2 * 1024 * 1024
    with app.app_context():
        who = voice_applicant()
        response = _post(app, who.token, who.read_aloud[0], forty_seconds, "audio/wav")
        assert response.status_code == 413
        assert _json(response)["error"] == "too_large"
        assert "1 MB limit" in _json(response)["message"]
        # A body over the request limit (upload limit + 1 MB) is cut off before it is read.
        huge = _post(app, who.token, who.read_aloud[0], b"\0" * (3 * 1024 * 1024), "audio/wav")
        assert huge.status_code == 413
        assert "1 MB limit" in _json(huge)["message"]
        assert _samples(who.attempt_id) == []
        assert not any(app.config["SCREENING"].storage_dir.rglob("*"))


def test_silent_and_empty_recordings_ask_to_check_the_microphone(voice_app: Flask) -> None:
    with voice_app.app_context():
        who = voice_applicant()
        silent = wav_bytes(np.zeros(16_000 * 3, dtype=np.float32))
        response = _post(voice_app, who.token, who.read_aloud[0], silent, "audio/wav")
        assert response.status_code == 422
        assert _json(response)["error"] == "silent"
        assert "microphone" in _json(response)["message"]
        empty = _post(voice_app, who.token, who.read_aloud[0], b"", "audio/webm")
        assert empty.status_code == 422
        assert _json(empty)["error"] == "empty_audio"
        assert "microphone" in _json(empty)["message"]
        assert _samples(who.attempt_id) == []


def test_too_long_for_the_prompt_is_refused_with_422(voice_app: Flask) -> None:
    with voice_app.app_context():
        who = voice_applicant()
        attempt = db.session.get(Attempt, who.attempt_id)
        assert attempt is not None
        limit = next(i["max_seconds"] for i in attempt.items["items"]
                     if i["id"] == who.read_aloud[0])
        long_wav = wav_bytes(sine(limit + 3, 0.3))  # over the limit and its 2 s of slack
        response = _post(voice_app, who.token, who.read_aloud[0], long_wav, "audio/wav")
        assert response.status_code == 422
        assert _json(response)["error"] == "too_long"
        assert f"{limit:g} s" in _json(response)["message"]
        assert _samples(who.attempt_id) == []
        # Just under the limit is fine.
        ok = _post(voice_app, who.token, who.read_aloud[0], wav_bytes(sine(limit, 0.3)),
                   "audio/wav")
        assert ok.status_code == 202, ok.data


def test_unknown_link_or_question_gives_404(voice_app: Flask, clip_webm: bytes) -> None:
    with voice_app.app_context():
        who = voice_applicant()
        bad_token = _post(voice_app, "not-a-valid-token", who.read_aloud[0], clip_webm)
        assert bad_token.status_code == 404
        assert "not valid" in _json(bad_token)["message"]
        bad_prompt = _post(voice_app, who.token, "vr-99", clip_webm)
        assert bad_prompt.status_code == 404
        assert _json(bad_prompt)["error"] == "unknown_prompt"
        missing = voice_app.test_client().get(f"/a/{who.token}/voice/samples/999999")
        assert missing.status_code == 404
        assert _samples(who.attempt_id) == []


def test_closed_attempts_refuse_recordings_with_409(voice_app: Flask, clip_webm: bytes) -> None:
    with voice_app.app_context():
        who = voice_applicant()
        attempt = db.session.get(Attempt, who.attempt_id)
        assert attempt is not None
        attempt.deadline_at = utcnow() - timedelta(minutes=1)
        db.session.commit()
        late = _post(voice_app, who.token, who.read_aloud[0], clip_webm)
        assert late.status_code == 409
        assert _json(late)["error"] == "closed"
        assert "Time is up" in _json(late)["message"]
        # The overdue attempt was submitted on the way (and scored: nothing recorded → 0).
        db.session.expire_all()
        closed = db.session.get(Attempt, who.attempt_id)
        assert closed is not None and closed.status == "scored"
        score = db.session.scalar(select(SectionScore).where(
            SectionScore.candidate_id == who.candidate_id, SectionScore.section == "voice"))
        assert score is not None and score.score == 0.0
        again = _post(voice_app, who.token, who.read_aloud[0], clip_webm)
        assert again.status_code == 409 and "Time is up" in _json(again)["message"]
        # Submitted by the applicant, within the time limit.
        done = voice_applicant()
        submitted = db.session.get(Attempt, done.attempt_id)
        assert submitted is not None
        submit_attempt(db.session, submitted)
        db.session.commit()
        refused = _post(voice_app, done.token, done.read_aloud[0], clip_webm)
        assert refused.status_code == 409
        assert "already submitted" in _json(refused)["message"]
        assert db.session.scalar(select(func.count()).select_from(VoiceSample)) == 0


def test_recording_before_the_test_is_started_gives_409(voice_app: Flask,
                                                        clip_webm: bytes) -> None:
    with voice_app.app_context():
        from screening.services import candidates as candidate_service
        from screening.services.consents import give_consents
        from screening.web.applicant.consent_texts import documents
        from tests import factories

        candidate = factories.candidate(factories.job(factories.org()),
                                        eligibility={"answers": {"age_ok": True}})
        give_consents(db.session, candidate, documents(), ip=None, user_agent=None)
        token = candidate_service.issue_token(candidate)
        db.session.commit()
        response = _post(voice_app, token, "vr-01", clip_webm)
        assert response.status_code == 409
        assert _json(response)["error"] == "not_started"
