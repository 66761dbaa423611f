"""The ten-key test on the applicant pages: optional per job, keystroke log autosaved, scored
in keystrokes per hour and accuracy by the ``tenkey`` assessment type."""

from __future__ import annotations

import copy
import json
import re
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from markupsafe import escape
from sqlalchemy import select

from screening.db import db
from screening.models.job import Job
from screening.models.score import SectionScore
from tests import factories
from tests.integration.applicant.helpers import (
    answer_eligibility,
    apply,
    attempt_of,
    candidate_of,
    give_consents,
    put_answer,
    start,
)


def tenkey_job(app: Flask, *, enabled: bool = True) -> str:
    with app.app_context():
        job = factories.job(factories.org())
        profile = copy.deepcopy(job.profile)
        profile["sections"]["tenkey"].update(enabled=enabled, time_limit_s=90)
        job.profile = profile
        db.session.commit()
        return job.slug


def ready(app: Flask, client: FlaskClient, slug: str) -> str:
    token = apply(client, slug)
    assert answer_eligibility(client, token).status_code == 302
    assert give_consents(client, token).status_code == 302
    return token


def keystrokes(entries: list[str], gap_ms: int = 300) -> list[dict[str, Any]]:
    """Key every entry correctly (each followed by Enter), one key every ``gap_ms``."""
    keys = [k for entry in entries for k in [*entry, "Enter"]]
    return [{"t": i * gap_ms, "key": k} for i, k in enumerate(keys)]


def page_config(html: str) -> dict[str, Any]:
    match = re.search(r'<script type="application/json" id="assessment-config">(.*?)</script>',
                      html, re.S)
    assert match
    parsed: dict[str, Any] = json.loads(match.group(1))
    return parsed


def test_tenkey_journey_is_scored_in_keystrokes_per_hour(app: Flask, client: FlaskClient) -> None:
    token = ready(app, client, tenkey_job(app))
    hub = client.get(f"/a/{token}")
    assert 'data-section="tenkey" data-state="not_started"' in hub.text
    assert f'href="/a/{token}/sections/tenkey"' in hub.text
    intro = client.get(f"/a/{token}/sections/tenkey")
    assert "numeric keypad" in intro.text and "1 min 30 s" in intro.text
    assert start(client, token, "tenkey").status_code == 302

    candidate_id = candidate_of(app).id
    attempt = attempt_of(app, candidate_id, "tenkey")
    assert attempt.answer_key["time_limit_s"] == 90
    entries = attempt.items["items"][0]["entries"]
    page = client.get(f"/a/{token}/sections/tenkey")
    assert page.status_code == 200
    assert "<h1>Ten-key test</h1>" in page.text and "Submit the ten-key test" in page.text
    assert 'data-tenkey-item="k1"' in page.text and 'data-time-limit-s="90"' in page.text
    for entry in entries:
        assert f'<span class="tenkey-expected">{escape(entry)}</span>' in page.text
    assert page_config(page.text)["keyLog"] is None

    # the first 5 entries right, the 6th wrong (a digit short), saved twice while keying
    log = keystrokes(entries[:5])
    wrong = entries[5][:-1]
    log += [{"t": log[-1]["t"] + 300 * (i + 1), "key": k}
            for i, k in enumerate([*wrong, "Backspace", *wrong[-1:], "Enter"])]
    assert put_answer(client, token, "tenkey", "k1", log[:10], 1).status_code == 200
    response = put_answer(client, token, "tenkey", "k1", log, 2)
    assert response.status_code == 200 and response.get_json()["saved"] is True
    # a reload gets the saved log back for the page script
    assert page_config(client.get(f"/a/{token}/sections/tenkey").text)["keyLog"] == log
    bad = put_answer(client, token, "tenkey", "k1", [{"t": 0, "key": "a"}], 3)
    assert bad.status_code == 422

    submitted = client.post(f"/a/{token}/sections/tenkey/submit", json={})
    assert submitted.status_code == 200 and submitted.get_json()["status"] == "submitted"
    with app.app_context():
        score = db.session.scalar(select(SectionScore).where(
            SectionScore.candidate_id == candidate_id, SectionScore.section == "tenkey"))
        assert score is not None and score.status == "scored"
        metrics = score.metrics
        assert metrics is not None
        assert metrics["entries_submitted"] == 6 and metrics["entries_correct"] == 5
        assert metrics["accuracy"] == round(100 * 5 / 6, 2)
        correct_keys = sum(len(e) + 1 for e in entries[:5])
        hours = log[-1]["t"] / 3_600_000
        assert metrics["net_kph"] == round(correct_keys / hours, 1)
        assert metrics["gross_kph"] > metrics["net_kph"] > 0
        assert metrics["threshold_kph"] == 8000
        assert score.score is not None and 0 <= score.score <= 100
        assert score.explanation is not None and "net KPH" in score.explanation
    hub = client.get(f"/a/{token}")
    assert 'data-section="tenkey" data-state="submitted"' in hub.text


def test_tenkey_is_not_offered_when_the_job_disables_it(app: Flask, client: FlaskClient) -> None:
    token = ready(app, client, tenkey_job(app, enabled=False))
    assert 'data-section="tenkey"' not in client.get(f"/a/{token}").text
    assert client.get(f"/a/{token}/sections/tenkey").status_code == 404
    with app.app_context():
        profile = db.session.scalar(select(Job.profile))
        assert profile is not None and profile["sections"]["tenkey"]["enabled"] is False
