"""The transcription job on a real RQ worker with the real Whisper model and a real recording.

A LibriVox sentence (WebM/Opus, as browsers record) is uploaded for a read-aloud prompt whose
script is set to the clip's reference transcript; an RQ ``SimpleWorker`` drains the ``audio``
queue in burst mode. Then the voice section is scored once the attempt is submitted and every
recording is transcribed.
"""

from __future__ import annotations

import time
from typing import Any

from flask import Flask
from rq import SimpleWorker
from sqlalchemy import select, update

from screening.db import db
from screening.jobs import run_task, set_worker_app
from screening.models.attempt import Attempt, Response
from screening.models.score import GrammarCheck, SectionScore
from screening.models.task import Task
from screening.models.voice import VoiceSample
from screening.queues import RQDispatcher
from screening.scoring.speech import word_error_rate
from screening.services.voice import original_path, transcribe_sample
from tests.integration.speech.conftest import Clip
from tests.integration.voice.conftest import set_script, voice_applicant


def _upload(app: Flask, token: str, prompt_id: str, data: bytes) -> int:
    response = app.test_client().post(f"/a/{token}/voice/{prompt_id}", data=data,
                                      content_type="audio/webm")
    assert response.status_code == 202, response.data
    body = response.get_json()
    assert isinstance(body, dict)
    sample_id: int = body["sample_id"]
    return sample_id


def _sample(sample_id: int) -> VoiceSample:
    db.session.expire_all()
    sample = db.session.get(VoiceSample, sample_id)
    assert sample is not None
    return sample


def _task(key: str) -> Task:
    db.session.expire_all()
    task = db.session.scalar(select(Task).where(Task.key == key))
    assert task is not None
    return task


def _drain(dispatcher: RQDispatcher, queue: str = "audio") -> None:
    worker = SimpleWorker([dispatcher.queue(queue)], connection=dispatcher.connection)
    worker.work(burst=True)


def _status(app: Flask, token: str, sample_id: int) -> dict[str, Any]:
    response = app.test_client().get(f"/a/{token}/voice/samples/{sample_id}")
    assert response.status_code == 200
    body = response.get_json()
    assert isinstance(body, dict)
    return body


def test_read_aloud_is_transcribed_once_on_a_real_worker(
    voice_app: Flask, clip: Clip, clip_webm: bytes
) -> None:
    set_worker_app(voice_app)
    settings = voice_app.config["SCREENING"]
    dispatcher = voice_app.extensions["screening.dispatcher"]
    assert isinstance(dispatcher, RQDispatcher)
    with voice_app.app_context():
        who = voice_applicant()
        prompt = who.read_aloud[0]
        set_script(who.attempt_id, prompt, clip.reference)
        sample_id = _upload(voice_app, who.token, prompt, clip_webm)
        key = f"transcribe:{sample_id}"
        assert dispatcher.queue("audio").job_ids == [f"transcribe-{sample_id}"]

        _drain(dispatcher)

        sample = _sample(sample_id)
        assert sample.status == "transcribed", (sample.error, _task(key).error)
        assert sample.transcript
        wer = word_error_rate(clip.reference, sample.transcript)
        assert wer.wer <= 0.10, sample.transcript
        metrics = sample.metrics
        assert metrics is not None
        assert metrics["kind"] == "read_aloud"
        assert metrics["wer"] is not None and metrics["wer"] <= 0.10
        assert abs(metrics["wer"] - wer.wer) < 1e-3
        assert 0 <= metrics["score"] <= 100 and metrics["explanation"]
        assert metrics["audio"]["snr_db"] is not None and metrics["audio"]["snr_db"] > 10
        assert metrics["audio"]["clipping_ratio"] < 0.01
        assert 60 < metrics["speaking_rate_wpm"] < 300
        words = (sample.words or {})["words"]
        assert len(words) >= 15
        starts = [w["start"] for w in words]
        assert starts == sorted(starts)
        for w in words:
            assert w["word"] and 0 <= w["start"] <= w["end"] <= (sample.duration_s or 0) + 0.05
            assert 0.0 <= w["probability"] <= 1.0
        assert sample.engine == "faster-whisper" and sample.model
        assert sample.transcribed_at is not None
        task = _task(key)
        assert (task.status, task.run_count) == ("done", 1)
        assert _status(voice_app, who.token, sample_id)["status"] == "transcribed"
        # The prompt's score is kept as the attempt's answer; no grammar check for read-aloud.
        response = db.session.scalar(select(Response).where(
            Response.attempt_id == who.attempt_id, Response.item_id == prompt))
        assert response is not None
        assert response.value == {"v": metrics["score"], "sample_id": sample_id, "take": 1}
        assert db.session.scalars(select(GrammarCheck)).all() == []
        # The attempt is still open: no section score yet.
        assert db.session.scalars(select(SectionScore)).all() == []

        # Delivered again (a retry, a duplicate): nothing runs twice, nothing changes.
        snapshot = (sample.transcript, sample.words, sample.metrics, sample.transcribed_at)
        dispatcher.dispatch(key, "audio")
        _drain(dispatcher)
        assert run_task(key) == "done"
        assert _task(key).run_count == 1
        # Even the job function itself leaves a transcribed sample alone.
        db.session.execute(update(Task).where(Task.key == key).values(status="queued"))
        db.session.commit()
        assert run_task(key) == "done"
        assert transcribe_sample(db.session, sample_id, settings) is not None
        db.session.rollback()
        again = _sample(sample_id)
        assert (again.transcript, again.words, again.metrics, again.transcribed_at) == snapshot
        assert db.session.scalar(
            select(VoiceSample.id).where(VoiceSample.attempt_id == who.attempt_id)
            .where(VoiceSample.id != sample_id)) is None


def test_section_is_scored_when_submitted_and_all_recordings_are_transcribed(
    voice_app: Flask, clip: Clip, clip_webm: bytes
) -> None:
    """Submitted before the worker ran: the section score waits ("pending", no number); the
    last transcription scores it from every prompt and queues the scorecard again."""
    set_worker_app(voice_app)
    dispatcher = voice_app.extensions["screening.dispatcher"]
    assert isinstance(dispatcher, RQDispatcher)
    with voice_app.app_context():
        who = voice_applicant()
        set_script(who.attempt_id, who.read_aloud[0], clip.reference)
        ids = {pid: _upload(voice_app, who.token, pid, clip_webm) for pid in who.prompts}
        client = voice_app.test_client()
        submitted = client.post(f"/a/{who.token}/voice/submit", json={})
        assert submitted.status_code == 200, submitted.data
        assert submitted.get_json() == {"status": "submitted", "pending": sorted(who.prompts)}
        db.session.expire_all()
        attempt = db.session.get(Attempt, who.attempt_id)
        assert attempt is not None and attempt.status == "scored"
        pending = db.session.scalar(select(SectionScore).where(
            SectionScore.candidate_id == who.candidate_id, SectionScore.section == "voice"))
        assert pending is not None
        assert (pending.status, pending.score) == ("pending", None)
        assert "waiting for 3 recording(s)" in (pending.explanation or "")
        _drain(dispatcher, "default")  # the scorecard without the voice score
        scorecard_key = f"scorecard:{who.candidate_id}"
        assert _task(scorecard_key).status == "done"

        _drain(dispatcher)

        samples = {pid: _sample(sid) for pid, sid in ids.items()}
        assert all(s.status == "transcribed" for s in samples.values()), [
            (s.prompt_id, s.status, s.error, _task(f"transcribe:{s.id}").status,
             _task(f"transcribe:{s.id}").error) for s in samples.values()]
        per_prompt = {pid: (s.metrics or {})["score"] for pid, s in samples.items()}
        db.session.expire_all()
        score = db.session.scalar(select(SectionScore).where(
            SectionScore.candidate_id == who.candidate_id, SectionScore.section == "voice"))
        assert score is not None and score.status == "scored"
        expected = round(sum(per_prompt.values()) / len(per_prompt), 1)
        assert score.score == expected
        assert score.metrics is not None and score.metrics["answered"] == len(who.prompts)
        assert "not recorded" not in (score.explanation or "")
        # Free answers wait for the grammar check (the LanguageTool job fills these in).
        checks = db.session.scalars(select(GrammarCheck).order_by(GrammarCheck.source_id)).all()
        assert [(c.source, c.source_id, c.status) for c in checks] == [
            ("voice", ids[pid], "pending") for pid in who.scenarios]
        state = client.get(f"/a/{who.token}/voice").get_json()
        assert state["status"] == "submitted"
        assert [p["latest"]["status"] for p in state["prompts"]] == ["transcribed"] * 3
        assert [p["takes_left"] for p in state["prompts"]] == [2, 2, 2]
        again = client.post(f"/a/{who.token}/voice/submit", json={})
        assert again.get_json() == {"status": "submitted", "pending": []}
        # The scorecard is queued again for the final voice score.
        assert _task(scorecard_key).status == "queued"
        queued = dispatcher.queue("default").job_ids
        assert f"scorecard-{who.candidate_id}" in queued
        assert sorted(j for j in queued if j.startswith("grammar-")) == sorted(
            f"grammar-{c.id}" for c in checks)


def test_embedded_mode_transcribes_in_the_background(
    embedded_voice_app: Flask, clip: Clip, clip_webm: bytes
) -> None:
    """SQLite and the in-process runner: the upload returns at once, the status endpoint shows
    the progress, the recording ends up transcribed."""
    app = embedded_voice_app
    with app.app_context():
        who = voice_applicant()
        set_script(who.attempt_id, who.read_aloud[0], clip.reference)
        sample_id = _upload(app, who.token, who.read_aloud[0], clip_webm)
        deadline = time.monotonic() + 60
        while (status := _status(app, who.token, sample_id)["status"]) != "transcribed":
            assert status in ("queued", "running"), _status(app, who.token, sample_id)
            assert time.monotonic() < deadline, "the embedded runner did not transcribe"
            time.sleep(0.05)
        sample = _sample(sample_id)
        assert sample.transcript
        assert word_error_rate(clip.reference, sample.transcript).wer <= 0.10
        assert _task(f"transcribe:{sample_id}").run_count == 1


def test_damaged_original_marks_the_sample_failed_without_retrying(
    voice_app: Flask, clip_webm: bytes
) -> None:
    set_worker_app(voice_app)
    dispatcher = voice_app.extensions["screening.dispatcher"]
    assert isinstance(dispatcher, RQDispatcher)
    with voice_app.app_context():
        who = voice_applicant()
        sample_id = _upload(voice_app, who.token, who.scenarios[0], clip_webm)
        path = original_path(voice_app.config["SCREENING"].storage_dir, _sample(sample_id).sha256)
        path.write_bytes(b"damaged on disk")  # storage corruption, simulated
        _drain(dispatcher)
        sample = _sample(sample_id)
        assert sample.status == "failed" and sample.error and "not a recording" in sample.error
        assert sample.transcript is None
        assert _task(f"transcribe:{sample_id}").status == "done"  # not retried: it cannot help
        status = _status(voice_app, who.token, sample_id)
        assert status["status"] == "failed" and status["message"]


def test_all_five_librivox_sentences_through_queued_jobs(
    voice_app: Flask, librivox_clips: list[Clip]
) -> None:
    """Every LibriVox sentence, uploaded as a browser would (WebM/Opus) and transcribed by a
    real RQ worker: WER at most 10 % over all their words (normalised)."""
    from screening.speech.audio import decode_audio_file
    from tests.unit.speech.audio_builders import webm_opus

    set_worker_app(voice_app)
    dispatcher = voice_app.extensions["screening.dispatcher"]
    with voice_app.app_context():
        uploads = []
        for clip in librivox_clips:
            who = voice_applicant()
            prompt = who.read_aloud[0]
            set_script(who.attempt_id, prompt, clip.reference)
            data = webm_opus(decode_audio_file(clip.path).samples)
            uploads.append((clip, _upload(voice_app, who.token, prompt, data)))
        _drain(dispatcher)
        errors = words = 0
        for clip, sample_id in uploads:
            sample = _sample(sample_id)
            assert sample.status == "transcribed", sample.error
            result = word_error_rate(clip.reference, sample.transcript or "")
            errors += result.substitutions + result.deletions + result.insertions
            words += result.reference_words
        assert errors / words <= 0.10, (errors, words)
