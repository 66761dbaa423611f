"""Helpers for the applicant journey tests: drive the pages over HTTP like a browser would."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.test import TestResponse

from screening.db import db
from screening.models.attempt import Attempt
from screening.models.candidate import Candidate
from screening.models.job import Job
from tests import factories
from tests.conftest import csrf_token

ELIGIBLE = {
    "state": "TX",
    "adult": "yes",
    "evening": "yes",
    "weekend": "yes",
    "weekly_hours": "30",
    "headset": "yes",
    "computer": "windows",
    "download_mbps": "50",
}


def make_job(app: Flask, **knockouts: Any) -> str:
    """A new job (default profile, knockouts overridden); returns its slug."""
    with app.app_context():
        job = factories.job(factories.org())
        if knockouts:
            profile = dict(job.profile)
            profile["knockouts"] = {**profile["knockouts"], **knockouts}
            job.profile = profile
            db.session.commit()
        return job.slug


def post_apply(client: FlaskClient, slug: str, email: str = "ann@example.com",
               name: str = "Ann Applicant") -> TestResponse:
    """Post the public apply form (with its CSRF token); returns the response."""
    page = client.get(f"/apply/{slug}")
    assert page.status_code == 200
    return client.post(f"/apply/{slug}", data={
        "name": name, "email": email, "csrf_token": csrf_token(page.text)})


def apply(client: FlaskClient, slug: str, email: str = "ann@example.com",
          name: str = "Ann Applicant") -> str:
    """Apply through the public page; returns the invite token from the redirect."""
    response = post_apply(client, slug, email, name)
    assert response.status_code == 302, response.text
    location = response.headers["Location"]
    assert "/a/" in location
    return location.rsplit("/a/", 1)[1]


def answer_eligibility(client: FlaskClient, token: str, **overrides: str) -> Any:
    page = client.get(f"/a/{token}/eligibility")
    assert page.status_code == 200
    data = {**ELIGIBLE, **overrides, "csrf_token": csrf_token(page.text)}
    return client.post(f"/a/{token}/eligibility", data=data)


def give_consents(client: FlaskClient, token: str) -> Any:
    page = client.get(f"/a/{token}/consents")
    assert page.status_code == 200
    data = {"voice_recording": "yes", "automated_assessment": "yes", "terms": "yes",
            "csrf_token": csrf_token(page.text)}
    return client.post(f"/a/{token}/consents", data=data, headers={"User-Agent": "pytest-ua/1"})


def ready_applicant(app: Flask, client: FlaskClient, email: str = "ann@example.com") -> str:
    """A token of an applicant who passed eligibility and gave every consent."""
    slug = make_job(app)
    token = apply(client, slug, email=email)
    assert answer_eligibility(client, token).status_code == 302
    assert give_consents(client, token).status_code == 302
    return token


def start(client: FlaskClient, token: str, section: str) -> Any:
    page = client.get(f"/a/{token}/sections/{section}")
    assert page.status_code == 200, page.text
    return client.post(f"/a/{token}/sections/{section}/start",
                       data={"csrf_token": csrf_token(page.text)})


def put_answer(client: FlaskClient, token: str, section: str, item_id: str, value: Any,
               seq: int) -> Any:
    return client.put(f"/a/{token}/sections/{section}/answers/{item_id}",
                      json={"value": value, "seq": seq})


def candidate_of(app: Flask, email: str = "ann@example.com") -> Candidate:
    with app.app_context():
        row = db.session.scalar(select(Candidate).where(Candidate.email == email))
        assert row is not None
        return row


def attempt_of(app: Flask, candidate_id: int, section: str) -> Attempt:
    with app.app_context():
        row = db.session.scalar(select(Attempt).where(Attempt.candidate_id == candidate_id,
                                                      Attempt.section == section))
        assert row is not None
        return row


def job_of(app: Flask, slug: str) -> Job:
    with app.app_context():
        row = db.session.scalar(select(Job).where(Job.slug == slug))
        assert row is not None
        return row
