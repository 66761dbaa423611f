"""The job profile drives the assessment types: the typing run lasts the section's time limit
(× the candidate's accommodation factor) and is scored against the profile's minimum wpm."""

from __future__ import annotations

import copy
from datetime import timedelta

from flask import Flask

from screening.db import db
from screening.services.attempts import start_attempt
from tests import factories


def test_typing_uses_the_profile_limit_threshold_and_accommodation(app: Flask) -> None:
    with app.app_context():
        job = factories.job(factories.org())
        profile = copy.deepcopy(job.profile)
        profile["sections"]["typing"].update(time_limit_s=90, min_wpm=42)
        job.profile = profile
        db.session.commit()
        plain = factories.candidate(job)
        extra = factories.candidate(job, accommodation_factor=1.5)

        first = start_attempt(db.session, plain, "typing")
        assert first.answer_key["time_limit_s"] == 90
        assert first.answer_key["threshold_wpm"] == 42
        assert first.items["items"][0]["time_limit_s"] == 90
        assert first.deadline_at - first.started_at == timedelta(seconds=90)

        second = start_attempt(db.session, extra, "typing")
        assert second.answer_key["time_limit_s"] == 135
        assert second.deadline_at - second.started_at == timedelta(seconds=135)
