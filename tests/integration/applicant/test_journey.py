"""The applicant journey over HTTP: apply, eligibility, consents, every web test, submit."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from markupsafe import escape
from sqlalchemy import func, select

from screening.assessments.answers import format_clock
from screening.assessments.banks import grammar_items
from screening.db import db
from screening.models.attempt import Attempt, IntegrityEvent, Response
from screening.models.audit import AuditEvent
from screening.models.candidate import Candidate, Consent
from screening.models.score import SectionScore
from screening.web.applicant.consent_texts import consent_texts
from tests.conftest import csrf_token
from tests.integration.applicant.helpers import (
    answer_eligibility,
    apply,
    attempt_of,
    candidate_of,
    give_consents,
    make_job,
    put_answer,
    start,
)

WEB_SECTIONS = ("typing", "grammar", "math")


class Recorder:
    """Wraps a test client and keeps every response body it received."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client
        self.bodies: list[str] = []

    def __getattr__(self, name: str) -> Any:
        method = getattr(self.client, name)
        if name not in ("get", "post", "put"):
            return method

        def call(*args: Any, **kwargs: Any) -> Any:
            response = method(*args, **kwargs)
            self.bodies.append(response.get_data(as_text=True))
            return response

        return call


def math_answer(problem: dict[str, Any]) -> str:
    """The correct answer written the way an applicant would type it."""
    if problem["unit"] == "clock":
        return format_clock(problem["answer"])
    return f"{float(problem['answer']):.2f}"


def wrong_answer(problem: dict[str, Any]) -> str:
    """A wrong answer in the same format that never contains the right one as a substring."""
    if problem["unit"] == "clock":  # other minutes: "h:mm" cannot end with the right "h:mm"
        return format_clock(problem["answer"] + 13)
    return "1.00" if math_answer(problem) == "0.00" else "0.00"


def typing_log(passage: str, chars: int = 120, gap_ms: int = 150) -> list[dict[str, Any]]:
    """A keystroke log typing the first ``chars`` characters correctly, one key per ``gap_ms``."""
    return [{"t": i * gap_ms, "key": ch} for i, ch in enumerate(passage[:chars])]


def run_journey(app: Flask, client: Any, email: str = "ann@example.com", *,
                correct_math: bool = True) -> int:
    """Apply → eligibility → consents → every web section answered and submitted.

    Returns the candidate id. Math answers are wrong when ``correct_math`` is false (so a page
    showing the applicant's own saved answer cannot be mistaken for a leaked key).
    """
    slug = make_job(app)
    token = apply(client, slug, email=email)
    hub = client.get(f"/a/{token}")
    assert hub.status_code == 302 and hub.headers["Location"].endswith("/eligibility")
    assert answer_eligibility(client, token).status_code == 302
    hub = client.get(f"/a/{token}")
    assert hub.status_code == 302 and hub.headers["Location"].endswith("/consents")
    assert give_consents(client, token).status_code == 302
    hub = client.get(f"/a/{token}")
    assert hub.status_code == 200
    for section in WEB_SECTIONS:
        assert f'data-section="{section}" data-state="not_started"' in hub.text
    assert 'data-section="voice" data-state="not_started"' in hub.text  # listed, not on web

    candidate_id = candidate_of(app, email).id
    for section in WEB_SECTIONS:
        response = start(client, token, section)
        assert response.status_code == 302
        page = client.get(f"/a/{token}/sections/{section}")
        assert page.status_code == 200
        assert "assessment.js" in page.text
        attempt = attempt_of(app, candidate_id, section)
        key = attempt.answer_key
        seq = 1
        if section == "typing":
            item = attempt.items["items"][0]
            assert item["passage"] in page.text
            for cut in (40, 120):  # autosave twice while typing, the longer log wins
                log = typing_log(item["passage"], chars=cut)
                assert put_answer(client, token, section, "t1", log, seq).status_code == 200
                seq += 1
        elif section == "grammar":
            for choice in key["choices"]:
                response = put_answer(client, token, section, choice["id"],
                                      str(choice["answer_index"]), seq)
                assert response.status_code == 200, response.text
                assert response.get_json()["saved"] is True
                seq += 1
            reply = ("Hello, thank you for writing to us. I am sorry about the trouble. I have "
                     "checked your account and fixed the problem. Please let me know if there "
                     "is anything else I can do for you today.")
            assert put_answer(client, token, section, "w1", reply, seq).status_code == 200
        else:
            for problem in key["problems"]:
                value = math_answer(problem) if correct_math else wrong_answer(problem)
                response = put_answer(client, token, section, problem["id"], value, seq)
                assert response.status_code == 200, response.text
                seq += 1
        # the page after a reload shows the saved answers and still works
        assert client.get(f"/a/{token}/sections/{section}").status_code == 200
        hub = client.get(f"/a/{token}")
        assert f'data-section="{section}" data-state="in_progress"' in hub.text
        if section == "math":  # the page's own form post (no JavaScript)
            page = client.get(f"/a/{token}/sections/{section}")
            response = client.post(f"/a/{token}/sections/{section}/submit",
                                   data={"csrf_token": csrf_token(page.text)})
            assert response.status_code == 302
        else:
            response = client.post(f"/a/{token}/sections/{section}/submit", json={})
            assert response.status_code == 200, response.text
            assert response.get_json()["status"] == "submitted"
        done = client.get(f"/a/{token}/sections/{section}")
        assert done.status_code == 200 and "submitted" in done.text
    hub = client.get(f"/a/{token}")
    for section in WEB_SECTIONS:
        assert f'data-section="{section}" data-state="submitted"' in hub.text
    return candidate_id


def test_full_journey_scores_every_section(app: Flask, client: FlaskClient) -> None:
    candidate_id = run_journey(app, client)
    with app.app_context():
        candidate = db.session.get(Candidate, candidate_id)
        assert candidate is not None
        assert candidate.stage == "assessing"
        assert candidate.state == "TX" and candidate.knocked_out is False
        assert candidate.eligibility is not None
        assert candidate.eligibility["answers"]["weekly_hours"] == 30
        scores = {s.section: s for s in db.session.scalars(
            select(SectionScore).where(SectionScore.candidate_id == candidate_id))}
        assert set(scores) == set(WEB_SECTIONS)
        assert all(s.status == "scored" for s in scores.values())
        assert scores["math"].score == 100.0
        assert scores["grammar"].score == 100.0  # every choice right; writing scored later
        assert scores["typing"].score is not None and scores["typing"].score > 0
        typing_metrics = scores["typing"].metrics
        # the newer, longer log was kept
        assert typing_metrics is not None and typing_metrics["typed_chars"] == 120
        attempts = db.session.scalars(
            select(Attempt).where(Attempt.candidate_id == candidate_id)).all()
        assert {a.status for a in attempts} == {"scored"}
        assert not any(a.auto_submitted for a in attempts)


def test_no_answer_key_reaches_the_browser(app: Flask, client: FlaskClient) -> None:
    recorder = Recorder(client)
    candidate_id = run_journey(app, recorder, correct_math=False)
    bodies = recorder.bodies
    assert len(bodies) > 30
    explanations = {item.id: item.explanation for item in grammar_items()}
    with app.app_context():
        attempts = {a.section: a for a in db.session.scalars(
            select(Attempt).where(Attempt.candidate_id == candidate_id))}
        score_texts = [s.explanation for s in db.session.scalars(
            select(SectionScore).where(SectionScore.candidate_id == candidate_id))]
    forbidden: list[str] = ["answer_index", "option_order", "answer_key", "tolerance",
                            "template_id", "passage_ids", '"answer"']
    for choice in attempts["grammar"].answer_key["choices"]:
        forbidden.append(explanations[choice["item_id"]])
    public_math = json.dumps(attempts["math"].items)
    for problem in attempts["math"].answer_key["problems"]:
        written = math_answer(problem)  # e.g. "20.83" or "4:30 PM"
        if written not in public_math:  # unless the number is part of the question itself
            forbidden.append(written)
    forbidden.extend(text for text in score_texts if text)
    variants = {form for secret in forbidden
                for form in (secret, str(escape(secret)), json.dumps(secret)[1:-1])}
    for body in bodies:
        for secret in variants:
            assert secret not in body, f"{secret!r} leaked in a response"
    # the public items themselves did reach the browser
    shown = str(escape(attempts["grammar"].items["items"][0]["prompt"]))
    assert any(shown in body for body in bodies)


def test_applying_twice_resumes_one_candidate(app: Flask, client: FlaskClient) -> None:
    slug = make_job(app)
    first = apply(client, slug, email="Sam@Example.com", name="Sam")
    assert answer_eligibility(client, first).status_code == 302
    second = apply(client, slug, email="sam@example.com ", name="Sam again")
    assert second != first
    with app.app_context():
        rows = db.session.scalars(select(Candidate).where(Candidate.email == "sam@example.com"))
        assert len(rows.all()) == 1
    # the second link opens the same application: eligibility is already answered
    hub = client.get(f"/a/{second}")
    assert hub.status_code == 302 and hub.headers["Location"].endswith("/consents")


def test_consents_store_the_hash_of_the_exact_text(app: Flask, client: FlaskClient) -> None:
    slug = make_job(app)
    token = apply(client, slug)
    answer_eligibility(client, token)
    page = client.get(f"/a/{token}/consents")
    texts = consent_texts()
    for doc in texts.values():
        assert doc.title in page.text
        for paragraph in doc.paragraphs:
            assert str(escape(paragraph)) in page.text
    # not every box ticked: nothing recorded, tests still closed
    partial = client.post(f"/a/{token}/consents",
                          data={"terms": "yes", "csrf_token": csrf_token(page.text)})
    assert partial.status_code == 422
    assert client.get(f"/a/{token}/sections/math").status_code == 302
    assert client.post(f"/a/{token}/sections/math/start",
                       data={"csrf_token": csrf_token(page.text)}).status_code == 403
    assert give_consents(client, token).status_code == 302
    assert give_consents(client, token).status_code == 302  # idempotent
    with app.app_context():
        rows = db.session.scalars(select(Consent).order_by(Consent.kind)).all()
        assert {r.kind for r in rows} == set(texts)
        assert len(rows) == 3
        for row in rows:
            raw = texts[row.kind].text.encode("utf-8")
            assert row.text_version == hashlib.sha256(raw).hexdigest()
            assert row.user_agent == "pytest-ua/1"
            assert row.ip == "127.0.0.1"
    assert client.get(f"/a/{token}").status_code == 200


def test_alternative_process_request_is_recorded(app: Flask, client: FlaskClient) -> None:
    slug = make_job(app)
    token = apply(client, slug)
    answer_eligibility(client, token)
    page = client.get(f"/a/{token}/consents")
    assert "Ask for an alternative" in page.text
    response = client.post(f"/a/{token}/alternative", data={
        "note": "I use a screen reader and need more time.", "back": "consents",
        "csrf_token": csrf_token(page.text)})
    assert response.status_code == 302 and response.headers["Location"].endswith("/consents")
    with app.app_context():
        candidate = db.session.scalar(select(Candidate))
        assert candidate is not None and candidate.accommodation_requested is True
        event = db.session.scalar(select(AuditEvent).where(
            AuditEvent.action == "candidate.alternative_requested"))
        assert event is not None and event.subject_id == candidate.id
        assert event.detail == {"note": "I use a screen reader and need more time."}
    assert "You have asked for an alternative process" in client.get(
        f"/a/{token}/consents").text


def test_integrity_signals_are_stored(app: Flask, client: FlaskClient) -> None:
    from tests.integration.applicant.helpers import ready_applicant

    token = ready_applicant(app, client)
    assert start(client, token, "grammar").status_code == 302
    url = f"/a/{token}/sections/grammar/integrity"
    for kind in ("paste", "copy", "blur", "hidden"):
        assert client.post(url, json={"kind": kind}).status_code == 204
    bad = client.post(url, json={"kind": "implausible_timing"})
    assert bad.status_code == 422 and "kind must be one of" in bad.get_json()["message"]
    assert client.post(url, data="kind=paste",
                       content_type="application/x-www-form-urlencoded").status_code == 415
    with app.app_context():
        kinds = sorted(db.session.scalars(select(IntegrityEvent.kind)))
        assert kinds == ["blur", "copy", "hidden", "paste"]
        assert db.session.scalar(select(func.count()).select_from(Response)) == 0
