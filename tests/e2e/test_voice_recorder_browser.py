"""A real Chromium records a read-aloud answer through the recorder page.

Chromium's fake microphone plays a WAV we build from a real LibriVox sentence (after 3.5 s of
a soft tone for the microphone check); the page records it with MediaRecorder and uploads it;
a real RQ worker transcribes it with the real Whisper model; the words appear on the
recruiter's scorecard. A wrong path or an unsupported WAV makes Chromium record silence
without any error, so the test also checks that the stored recording is not silent.
"""

from __future__ import annotations

import time
import wave
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from flask import Flask
from redis import Redis
from rq import SimpleWorker
from selenium.webdriver.common.by import By
from selenium.webdriver.support.wait import WebDriverWait
from sqlalchemy import select

from screening.db import db
from screening.jobs import set_worker_app
from screening.models.attempt import Attempt
from screening.models.voice import VoiceSample
from screening.scoring.speech import word_error_rate
from screening.services import candidates as candidate_service
from screening.services.consents import give_consents
from screening.web.applicant.consent_texts import documents
from tests import factories
from tests.browser import LiveServer, chrome
from tests.conftest import _truncate_pg, build_app, close_app, login
from tests.integration.speech.conftest import (  # noqa: F401  (fixtures)
    Clip,
    engine_settings,
    librivox_clips,
    speech_testdata,
)
from tests.integration.voice.conftest import set_script

LEAD_IN_S = 3.5  # covers the page's 3-second microphone check


def _fake_microphone_wav(clip: Clip, target: Path) -> float:
    """16-bit mono WAV: a soft tone, then the clip, then silence. Returns the clip length (s)."""
    with wave.open(str(clip.path), "rb") as src:
        rate = src.getframerate()
        assert src.getsampwidth() == 2 and src.getnchannels() == 1
        speech = np.frombuffer(src.readframes(src.getnframes()), dtype="<i2")
    t = np.arange(int(LEAD_IN_S * rate)) / rate
    tone = (0.03 * 32767 * np.sin(2 * np.pi * 220 * t)).astype("<i2")
    tail = np.zeros(rate, dtype="<i2")
    with wave.open(str(target), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(np.concatenate([tone, speech, tail]).tobytes())
    return len(speech) / rate


@pytest.fixture
def voice_site(tmp_path: Path, pg_schema: str, redis_url: str,
               engine_settings: dict[str, str | None]) -> Iterator[Flask]:  # noqa: F811
    Redis.from_url(redis_url).flushdb()
    app = build_app(tmp_path, pg_schema, redis_url=redis_url,
                    whisper_engine=engine_settings["name"] or "faster-whisper",
                    whisper_model=engine_settings["model"] or "",
                    whisper_compute_type=engine_settings["compute_type"] or "int8")
    set_worker_app(app)
    yield app
    close_app(app)
    Redis.from_url(redis_url).flushdb()
    _truncate_pg(pg_schema)


def test_read_aloud_recorded_in_chromium_reaches_the_scorecard(
    voice_site: Flask, librivox_clips: list[Clip], tmp_path: Path  # noqa: F811
) -> None:
    clip = next(c for c in librivox_clips if c.name.endswith("-0870"))
    wav = tmp_path / "microphone.wav"
    speech_s = _fake_microphone_wav(clip, wav)
    with voice_site.app_context():
        org = factories.org()
        recruiter = factories.user(org)
        job = factories.job(org, "Phone agent")
        candidate = factories.candidate(job, eligibility={"answers": {"age_ok": True}})
        give_consents(db.session, candidate, documents(), ip=None, user_agent=None)
        token = candidate_service.issue_token(candidate)
        db.session.commit()
        candidate_id, email = candidate.id, recruiter.email

    fake_mic = ("--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
                f"--use-file-for-fake-audio-capture={wav.resolve()}%noloop")
    with LiveServer(voice_site) as site, chrome(tmp_path / "chrome", fake_mic) as browser:
        wait = WebDriverWait(browser, 30, poll_frequency=0.1)
        browser.get(f"{site.url}/a/{token}/voice/record")
        browser.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
        wait.until(lambda d: d.find_elements(By.ID, "mic-check"))
        with voice_site.app_context():
            attempt = db.session.scalar(select(Attempt).where(
                Attempt.candidate_id == candidate_id, Attempt.section == "voice"))
            read_aloud = next(i["id"] for i in attempt.items["items"]
                              if i["kind"] == "read_aloud")
            set_script(attempt.id, read_aloud, clip.reference)

        browser.find_element(By.ID, "mic-check").click()
        status = wait.until(lambda d: (lambda t: t if t and "Listening" not in t else None)(
            d.find_element(By.ID, "mic-status").text))
        assert "could not hear" not in status, status  # the fake microphone is not silent

        card = browser.find_element(By.CSS_SELECTOR, f'.prompt[data-prompt="{read_aloud}"]')
        card.find_element(By.CSS_SELECTOR, "button.record").click()
        time.sleep(speech_s + 0.8)
        card.find_element(By.CSS_SELECTOR, "button.stop").click()
        wait.until(lambda d: "Uploaded" in card.find_element(By.CSS_SELECTOR, ".status").text
                   or "processing" in card.find_element(By.CSS_SELECTOR, ".status").text)

        dispatcher = voice_site.extensions["screening.dispatcher"]
        SimpleWorker([dispatcher.queue("audio")], connection=dispatcher.connection).work(
            burst=True)
        with voice_site.app_context():
            sample = db.session.scalar(select(VoiceSample).where(
                VoiceSample.prompt_id == read_aloud))
            assert sample is not None and sample.status == "transcribed", sample
            assert sample.container in ("webm", "ogg", "mp4")  # MediaRecorder, not the WAV
            assert sample.metrics["audio"]["rms_dbfs"] > -45, sample.metrics["audio"]
            wer = word_error_rate(clip.reference, sample.transcript or "")
            assert wer.wer <= 0.25, (sample.transcript, wer.wer)
        # The page notices the transcription without a reload.
        wait.until(lambda d: "processed" in card.find_element(By.CSS_SELECTOR, ".status").text)

    client = voice_site.test_client()
    login(client, email)
    page = client.get(f"/recruiter/candidates/{candidate_id}")
    assert page.status_code == 200
    text = page.text.lower()
    for word in ("dashwood", "leisure", "prudently"):
        assert word in text, word
