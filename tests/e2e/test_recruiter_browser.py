"""A real headless Chromium (Debian chromium + chromedriver via Selenium) against the app served
by a werkzeug HTTP server on 127.0.0.1: the recruiter logs in, filters the ranked list, opens a
scorecard (the audio element loads the recording, the typing chart is drawn), watches live
scoring progress finish without reloading by hand, changes the stage and exports CSV."""

from __future__ import annotations

import io
import math
import struct
import wave
from datetime import timedelta

import pytest
from flask import Flask
from selenium import webdriver
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.select import Select
from selenium.webdriver.support.wait import WebDriverWait

from screening.db import db, utcnow
from screening.models.attempt import Attempt
from screening.models.candidate import Candidate
from screening.models.score import SectionScore
from screening.models.voice import VoiceSample
from screening.speech.audio import store_original
from tests import factories
from tests.browser import LiveServer
from tests.integration.recruiter.conftest import scored_candidate


def _tone_wav(seconds: float = 1.0, rate: int = 16000) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(b"".join(
            struct.pack("<h", int(8000 * math.sin(2 * math.pi * 440 * i / rate)))
            for i in range(int(seconds * rate))))
    return buffer.getvalue()


@pytest.mark.parametrize("backend", ["sqlite"])
def test_recruiter_workspace_in_a_browser(app: Flask, browser: webdriver.Chrome) -> None:
    audio = _tone_wav()
    with app.app_context():
        org = factories.org()
        user = factories.user(org, name="Rene Recruiter")
        job = factories.job(org, "Inbound agent")
        rita = scored_candidate(job, "Rita Rich", email="rita@example.com", composite=82.0,
                                sections={"grammar": 90.0}, state="TX", stage="scored",
                                recommendation="advance")
        scored_candidate(job, "Sam Small", email="sam@example.com", composite=41.0,
                         state="CA", recommendation="reject")
        db.session.add(SectionScore(
            candidate_id=rita.id, section="typing", status="scored", score=70.0,
            metrics={"wpm": 50.0, "wpm_series": [20.0, 45.0, 61.0, 58.0, 49.0]},
            explanation="50 wpm", computed_at=utcnow()))
        digest, _ = store_original(audio, app.config["SCREENING"].storage_dir)
        now = utcnow()
        attempt = Attempt(candidate_id=rita.id, section="voice", seed=1, status="submitted",
                          items={}, answer_key={}, deadline_at=now + timedelta(minutes=5))
        db.session.add(attempt)
        db.session.flush()
        sample = VoiceSample(attempt_id=attempt.id, prompt_id="read-aloud-1", sha256=digest,
                             container="wav", size_bytes=len(audio), duration_s=1.0,
                             status="queued")
        db.session.add(sample)
        db.session.commit()
        email, rita_id, sample_id = user.email, rita.id, sample.id

    wait = WebDriverWait(browser, 15, poll_frequency=0.1, ignored_exceptions=(
        StaleElementReferenceException, NoSuchElementException))
    with LiveServer(app) as site:
        browser.get(f"{site.url}/login")
        browser.find_element(By.ID, "email").send_keys(email)
        browser.find_element(By.ID, "password").send_keys(factories.PASSWORD)
        browser.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
        wait.until(lambda d: "/login" not in d.current_url)

        # The ranked list, then filtered by state.
        browser.get(f"{site.url}/recruiter/candidates")
        rows = browser.find_elements(By.CSS_SELECTOR, "tr[data-candidate-id]")
        assert [r.get_attribute("data-candidate-id") for r in rows][0] == str(rita_id)
        assert len(rows) == 2
        state = browser.find_element(By.ID, "f-state")
        state.send_keys("ca")
        browser.find_element(By.CSS_SELECTOR, "form.filters button[type=submit]").click()
        wait.until(lambda d: "state=ca" in d.current_url)
        names = [e.text for e in browser.find_elements(By.CSS_SELECTOR,
                                                        "tr[data-candidate-id] td a")]
        assert names == ["Sam Small"]

        # The scorecard: scoring still in progress (a recording is queued).
        browser.get(f"{site.url}/recruiter/candidates/{rita_id}")
        assert "Scoring in progress" in browser.find_element(By.ID, "progress").text
        assert browser.execute_script(
            "return !!(window.Chart && Chart.getChart('typing-chart'));")
        wait.until(lambda d: d.execute_script(
            "return document.querySelector('audio').readyState") >= 1)
        duration = browser.execute_script("return document.querySelector('audio').duration")
        assert abs(duration - 1.0) < 0.05
        # The worker finishes: the page notices by itself (3-second poll) and reloads.
        with app.app_context():
            row = db.session.get(VoiceSample, sample_id)
            assert row is not None
            row.status = "transcribed"
            row.transcript = "thank you"
            row.words = {"words": [{"word": "thank", "start": 0, "end": 0.4, "probability": 0.9},
                                   {"word": " you", "start": 0.4, "end": 0.8,
                                    "probability": 0.2}]}
            db.session.commit()
        WebDriverWait(browser, 12, poll_frequency=0.2).until(
            lambda d: d.find_elements(By.CSS_SELECTOR, "mark.low-conf"))
        assert not browser.find_element(By.ID, "progress").is_displayed()
        assert browser.find_element(By.CSS_SELECTOR, "mark.low-conf").text.strip() == "you"

        # Stage change from the scorecard.
        Select(browser.find_element(By.ID, "stage-select")).select_by_value("interview")
        browser.find_element(By.CSS_SELECTOR, "form.card button[type=submit]").click()
        wait.until(lambda d: d.find_element(By.ID, "stage").text == "interview")
        with app.app_context():
            cand = db.session.get(Candidate, rita_id)
            assert cand is not None and cand.stage == "interview"

        # CSV export with the browser's session.
        csv_text = browser.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "fetch('/recruiter/candidates.csv?stage=interview', {credentials: 'same-origin'})"
            ".then(r => r.text()).then(done);")
        lines = csv_text.strip().splitlines()
        assert lines[0].startswith("candidate_id,name,email")
        assert len(lines) == 2 and "Rita Rich" in lines[1] and "rita@example.com" in lines[1]
