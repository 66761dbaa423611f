"""The scorecard page: sections, writing errors, voice with audio, flags, consents, checks,
notes, timeline, live progress; the audio route with HTTP ranges; isolation."""

from __future__ import annotations

import io
import wave
from dataclasses import dataclass
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from screening.db import db, utcnow
from screening.models.attempt import Attempt, IntegrityEvent, Response
from screening.models.audit import AuditEvent
from screening.models.background_check import BackgroundCheck, BackgroundCheckEvent
from screening.models.candidate import Consent, Note
from screening.models.score import GrammarCheck, Scorecard, SectionScore
from screening.models.task import Task
from screening.models.voice import VoiceSample
from screening.services.candidates import applicant_for_token
from screening.speech.audio import store_original
from tests import factories
from tests.conftest import csrf_token, login

REPLY = "Dear customer, we is sorry for the delay. Your refund are on its way."
ERR1 = REPLY.index("we is")
ERR2 = REPLY.index("refund are")


def _wav_bytes(seconds: float = 0.5, rate: int = 8000) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(bytes(int(seconds * rate) * 2))
    return buffer.getvalue()


def _attempt(candidate_id: int, section: str, answer_key: dict | None = None) -> Attempt:
    now = utcnow()
    row = Attempt(candidate_id=candidate_id, section=section, seed=1, status="scored",
                  items={}, answer_key=answer_key or {}, started_at=now - timedelta(minutes=5),
                  deadline_at=now + timedelta(minutes=10), submitted_at=now)
    db.session.add(row)
    db.session.flush()
    return row


@dataclass
class Rich:
    editor: str
    viewer: str
    admin: str
    cand: int
    sample: int
    audio: bytes
    other_cand: int
    other_sample: int
    foreign_cand: int
    foreign_sample: int
    foreign_job: int


def _voice_sample(app: Flask, candidate_id: int, data: bytes, status: str = "transcribed",
                  words: list[dict] | None = None) -> int:
    digest, _ = store_original(data, app.config["SCREENING"].storage_dir)
    attempt = _attempt(candidate_id, "voice")
    sample = VoiceSample(attempt_id=attempt.id, prompt_id="read-aloud-1", take=1, sha256=digest,
                         container="wav", size_bytes=len(data), duration_s=0.5, status=status,
                         transcript=" ".join(w["word"] for w in words or []) or None,
                         words={"words": words or []})
    db.session.add(sample)
    db.session.flush()
    return sample.id


@pytest.fixture
def rich(app: Flask) -> Rich:
    with app.app_context():
        org, other = factories.org(), factories.org()
        editor = factories.user(org)
        viewer = factories.user(org, role="viewer")
        admin = factories.user(org, role="admin")
        job = factories.job(org, "Inbound")
        foreign_job = factories.job(other, "Foreign")
        cand = factories.candidate(job, name="Rita Rich")
        other_cand = factories.candidate(job, name="Otto Other")
        foreign = factories.candidate(foreign_job, name="Fay Foreign")
        db.session.add(SectionScore(
            candidate_id=cand.id, section="typing", status="scored", score=71.0,
            metrics={"wpm": 52.4, "accuracy": 0.96, "wpm_series": [30.0, 48.0, 60.0, 55.5]},
            explanation="52.4 wpm at 96% accuracy", computed_at=utcnow()))
        db.session.add(SectionScore(candidate_id=cand.id, section="math", status="pending"))
        db.session.add(Scorecard(
            candidate_id=cand.id, org_id=org.id, job_id=job.id, composite=68.3, percentile=50.0,
            rank=2, recommendation="review", complete=False, flagged=True,
            explanation={"reasons": ["math is not available yet"],
                         "explanation": ["Composite 68.3 = weighted mean of typing 71"]}))
        grammar = _attempt(cand.id, "grammar", {"writing": {"id": "w1"}})
        db.session.add(Response(attempt_id=grammar.id, item_id="w1", value={"v": REPLY}))
        db.session.add(GrammarCheck(
            candidate_id=cand.id, source="writing", source_id=grammar.id, status="done",
            words=14, errors_per_100_words=14.3, score=64.0, checked_at=utcnow(),
            matches={"errors": [
                {"offset": ERR1, "length": 5, "rule_id": "AGREEMENT", "category": "grammar",
                 "message": "Use 'we are'.", "replacements": ["we are"]},
                {"offset": ERR2, "length": 10, "rule_id": "AGREEMENT", "category": "grammar",
                 "message": "Use 'refund is'.", "replacements": ["refund is"]},
            ]}))
        db.session.add(IntegrityEvent(attempt_id=grammar.id, kind="paste",
                                      detail={"message": "pasted 40 characters"}))
        db.session.add(Consent(candidate_id=cand.id, kind="recording", text_version="a" * 64,
                               ip="203.0.113.9"))
        check = BackgroundCheck(candidate_id=cand.id, check_type="criminal", status="pending")
        db.session.add(check)
        db.session.flush()
        db.session.add(BackgroundCheckEvent(check_id=check.id, from_status="invited",
                                            to_status="pending", source="provider_webhook"))
        audio = _wav_bytes()
        sample = _voice_sample(app, cand.id, audio, words=[
            {"word": "Thank", "start": 0.0, "end": 0.2, "probability": 0.95},
            {"word": " yuo", "start": 0.2, "end": 0.4, "probability": 0.31},
            {"word": " for calling", "start": 0.4, "end": 0.5, "probability": 0.88},
        ])
        other_sample = _voice_sample(app, other_cand.id, _wav_bytes(0.25))
        foreign_sample = _voice_sample(app, foreign.id, _wav_bytes(0.3))
        db.session.commit()
        return Rich(editor.email, viewer.email, admin.email, cand.id, sample, audio,
                    other_cand.id, other_sample, foreign.id, foreign_sample, foreign_job.id)


def test_scorecard_page_shows_everything(app: Flask, rich: Rich, client: FlaskClient) -> None:
    login(client, rich.editor)
    html = client.get(f"/recruiter/candidates/{rich.cand}").text
    # scorecard with explanation lines
    assert "68.3" in html and "review" in html and "Composite 68.3 = weighted mean" in html
    assert "math is not available yet" in html
    # section cards with raw metrics; pending section is "not available"
    assert "52.4 wpm at 96% accuracy" in html and "accuracy" in html
    assert 'id="section-math"' in html
    math_card = html[html.index('id="section-math"'):]
    assert "not available" in math_card[:math_card.index("</article>")]
    # enabled sections without any result yet are "not available" too (default profile)
    for key in ("grammar", "voice"):
        card = html[html.index(f'id="section-{key}"'):]
        assert "not available" in card[:card.index("</article>")]
    assert 'id="section-tenkey"' not in html  # not enabled in the job profile
    # typing chart data
    assert 'id="typing-chart"' in html and "[30.0, 48.0, 60.0, 55.5]" in html
    assert "vendor/chart.umd.min.js" in html and "js/recruiter.js" in html
    # writing reply with the LanguageTool errors highlighted
    assert '<mark class="lt-error"' in html
    assert ">we is</mark>" in html and ">refund are</mark>" in html
    assert "Use &#39;we are&#39;." in html
    # voice: audio element on the audio route; the unsure word highlighted, the sure ones not
    audio_url = f"/recruiter/candidates/{rich.cand}/voice/{rich.sample}/audio"
    assert f'<audio controls preload="metadata" src="{audio_url}"' in html
    assert '<mark class="low-conf" title="recognizer confidence 0.31"> yuo</mark>' in html
    assert "<mark class=\"low-conf\" title=\"recognizer confidence 0.95\">" not in html
    # integrity flag with time, consent, background check and its history
    integrity = html[html.index('id="integrity"'):]
    assert "paste" in integrity[:600] and "<time" in integrity[:600]
    assert "recording" in html and "aaaaaaaaaaaa" in html
    assert "criminal: pending" in html and "invited → pending" in html
    # timeline merges stage changes, consent, attempts, integrity, views
    timeline = html[html.index('id="timeline"'):]
    for text in ("Stage – → applied", "Consent given: recording", "Started the grammar test",
                 "Submitted the voice test", "Integrity signal in grammar: paste"):
        assert text in timeline, text
    # voice sample transcribed, nothing pending -> no progress banner
    assert "Scoring in progress" not in html
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.action == "candidate.viewed", AuditEvent.subject_id == rich.cand)) == 1


def test_notes_editor_adds_viewer_cannot(app: Flask, rich: Rich, client: FlaskClient) -> None:
    login(client, rich.editor)
    page = client.get(f"/recruiter/candidates/{rich.cand}")
    token = csrf_token(page.text)
    assert 'name="body"' in page.text
    response = client.post(f"/recruiter/candidates/{rich.cand}/notes",
                           data={"body": "Strong on the phone <b>", "csrf_token": token})
    assert response.status_code == 302
    html = client.get(f"/recruiter/candidates/{rich.cand}").text
    assert "Strong on the phone &lt;b&gt;" in html
    assert "Note by" in html[html.index('id="timeline"'):]
    assert client.post(f"/recruiter/candidates/{rich.cand}/notes",
                       data={"body": "   ", "csrf_token": token}).status_code == 400
    client.post("/logout", data={"csrf_token": token})

    login(client, rich.viewer)
    page = client.get(f"/recruiter/candidates/{rich.cand}")
    assert 'name="body"' not in page.text and "Change stage" not in page.text
    response = client.post(f"/recruiter/candidates/{rich.cand}/notes",
                           data={"body": "viewer note", "csrf_token": csrf_token(page.text)})
    assert response.status_code == 403
    with app.app_context():
        bodies = db.session.scalars(select(Note.body).where(Note.candidate_id == rich.cand)).all()
        assert bodies == ["Strong on the phone <b>"]


def test_audio_route_serves_ranges_and_audits_playback(app: Flask, rich: Rich,
                                                      client: FlaskClient) -> None:
    login(client, rich.editor)
    url = f"/recruiter/candidates/{rich.cand}/voice/{rich.sample}/audio"
    with client.get(url) as full:
        assert full.status_code == 200
        assert full.data == rich.audio and full.mimetype == "audio/wav"
        assert full.headers["Accept-Ranges"] == "bytes"
    with client.get(url, headers={"Range": "bytes=0-9"}) as part:
        assert part.status_code == 206
        assert part.headers["Content-Range"] == f"bytes 0-9/{len(rich.audio)}"
        assert part.data == rich.audio[:10]
    with client.get(url, headers={"Range": "bytes=100-"}) as tail:
        assert tail.status_code == 206
        assert tail.headers["Content-Range"] == \
            f"bytes 100-{len(rich.audio) - 1}/{len(rich.audio)}"
        assert tail.data == rich.audio[100:]
    with app.app_context():
        played = db.session.scalars(select(AuditEvent).where(
            AuditEvent.action == "candidate.audio_played")).all()
        # the two plays from the start are recorded, the seek (bytes=100-) is not
        assert len(played) == 2
        assert {(e.subject_id, e.detail["voice_sample_id"]) for e in played} == {
            (rich.cand, rich.sample)}


def test_foreign_and_mismatched_ids_are_404(rich: Rich, client: FlaskClient) -> None:
    login(client, rich.editor)
    token = csrf_token(client.get("/recruiter/").text)
    f, fs = rich.foreign_cand, rich.foreign_sample
    for url in (f"/recruiter/candidates/{f}", f"/recruiter/candidates/{f}/progress",
                f"/recruiter/candidates/{f}/voice/{fs}/audio",
                # own candidate, foreign sample / another candidate's sample
                f"/recruiter/candidates/{rich.cand}/voice/{fs}/audio",
                f"/recruiter/candidates/{rich.cand}/voice/{rich.other_sample}/audio",
                f"/recruiter/candidates/{rich.cand}/voice/999999/audio",
                f"/recruiter/jobs/{rich.foreign_job}", f"/recruiter/jobs/{rich.foreign_job}/stats",
                f"/recruiter/jobs/{rich.foreign_job}/profile"):
        assert client.get(url).status_code == 404, url
    for url, data in ((f"/recruiter/candidates/{f}/notes", {"body": "x"}),
                      (f"/recruiter/candidates/{f}/stage", {"stage": "hired"}),
                      (f"/recruiter/jobs/{rich.foreign_job}/profile", {})):
        assert client.post(url, data={**data, "csrf_token": token}).status_code == 404, url


def test_progress_while_scoring_is_pending(app: Flask, rich: Rich, client: FlaskClient) -> None:
    login(client, rich.editor)
    url = f"/recruiter/candidates/{rich.other_cand}/progress"
    with app.app_context():
        sample = db.session.get(VoiceSample, rich.other_sample)
        sample.status = "queued"
        db.session.add(Task(key=f"transcribe:{sample.id}", func="transcribe_voice_sample",
                            args={"sample_id": sample.id}, queue="audio", status="running"))
        db.session.commit()
    assert client.get(url).json == {"in_progress": True, "voice_samples": 1,
                                    "grammar_checks": 0, "tasks": 1}
    page = client.get(f"/recruiter/candidates/{rich.other_cand}").text
    assert "Scoring in progress" in page and 'data-in-progress="1"' in page
    assert f'data-progress-url="{url}"' in page
    with app.app_context():
        db.session.get(VoiceSample, rich.other_sample).status = "transcribed"
        db.session.add(GrammarCheck(candidate_id=rich.other_cand, source="voice",
                                    source_id=rich.other_sample, status="pending"))
        db.session.commit()
    assert client.get(url).json == {"in_progress": True, "voice_samples": 0,
                                    "grammar_checks": 1, "tasks": 1}
    with app.app_context():
        db.session.scalar(select(GrammarCheck).where(
            GrammarCheck.candidate_id == rich.other_cand)).status = "done"
        db.session.scalar(select(Task)).status = "done"
        db.session.commit()
    assert client.get(url).json["in_progress"] is False
    page = client.get(f"/recruiter/candidates/{rich.other_cand}").text
    assert "Scoring in progress" not in page and 'data-in-progress="0"' in page


def test_editor_issues_a_new_applicant_link_viewer_cannot(app: Flask, rich: Rich,
                                                         client: FlaskClient) -> None:
    login(client, rich.editor)
    page = client.get(f"/recruiter/candidates/{rich.cand}")
    assert "New applicant link" in page.text
    issued = client.post(f"/recruiter/candidates/{rich.cand}/link",
                         data={"csrf_token": csrf_token(page.text)})
    assert issued.status_code == 200 and issued.headers["Cache-Control"] == "no-store"
    link = issued.text.split('id="applicant-link" type="text" readonly value="', 1)[1]
    link = link.split('"', 1)[0]
    assert "/a/" in link
    token = link.rsplit("/a/", 1)[1]
    applicant = app.test_client()
    assert applicant.get(f"/a/{token}").status_code in (200, 302)  # opens this application
    with app.app_context():
        owner = applicant_for_token(token)
        assert owner is not None and owner.candidate.id == rich.cand
        events = db.session.scalars(select(AuditEvent.action).where(
            AuditEvent.subject_id == rich.cand, AuditEvent.action == "candidate.link_issued"))
        assert list(events) == ["candidate.link_issued"]
    client.post("/logout", data={"csrf_token": csrf_token(page.text)})

    login(client, rich.viewer)
    page = client.get(f"/recruiter/candidates/{rich.cand}")
    assert "New applicant link" not in page.text
    refused = client.post(f"/recruiter/candidates/{rich.cand}/link",
                          data={"csrf_token": csrf_token(page.text)})
    assert refused.status_code == 403
