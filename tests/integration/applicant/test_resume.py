"""Applying twice resumes the application — in the browser that started or opened it only; a
new link never goes to someone who merely knows the e-mail."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import func, select

from screening.db import db
from screening.models.candidate import Candidate, InviteToken
from screening.models.job import Job
from screening.services import candidates as candidate_service
from screening.web.applicant import resume
from tests.integration.applicant.helpers import answer_eligibility, apply, make_job, post_apply


def _tokens(app: Flask) -> int:
    with app.app_context():
        return int(db.session.scalar(select(func.count()).select_from(InviteToken)) or 0)


def test_another_browser_gets_no_link_to_an_existing_application(app: Flask) -> None:
    slug = make_job(app)
    applicant = app.test_client()
    token = apply(applicant, slug, email="sam@example.com")
    assert answer_eligibility(applicant, token).status_code == 302
    assert _tokens(app) == 1

    stranger = app.test_client()
    response = post_apply(stranger, slug, "Sam@Example.com", "Someone")
    assert response.status_code == 200
    text = response.text
    assert "already applied" in text and "/a/" not in text
    assert "Location" not in response.headers
    assert _tokens(app) == 1
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Candidate)) == 1

    # the applicant's own browser resumes: a new link to the same, already answered, application
    again = post_apply(applicant, slug, "sam@example.com")
    assert again.status_code == 302
    hub = applicant.get(again.headers["Location"])
    assert hub.status_code == 302 and hub.headers["Location"].endswith("/consents")


def test_a_browser_that_opened_the_invite_link_can_resume(app: Flask) -> None:
    slug = make_job(app)
    with app.app_context():
        job = db.session.scalar(select(Job).where(Job.slug == slug))
        assert job is not None
        candidate, _ = candidate_service.apply(job, email="kim@example.com", name="Kim")
        token = candidate_service.issue_token(candidate)  # as the API's invite does
        db.session.commit()
    browser = app.test_client()
    assert post_apply(browser, slug, "kim@example.com").status_code == 200
    opened = browser.get(f"/a/{token}")
    assert opened.status_code == 302  # on to the eligibility questions
    assert resume.COOKIE in opened.headers.get("Set-Cookie", "")
    assert "HttpOnly" in opened.headers["Set-Cookie"]
    assert post_apply(browser, slug, "kim@example.com").status_code == 302


def test_a_forged_or_foreign_cookie_does_not_resume(app: Flask) -> None:
    slug = make_job(app)
    owner = app.test_client()
    apply(owner, slug, email="lee@example.com")
    forger = app.test_client()
    forger.set_cookie(resume.COOKIE, "WzEsMiwzXQ.forged.signature")
    assert post_apply(forger, slug, "lee@example.com").status_code == 200
    # a cookie of another app (other secret) is refused the same way
    cookie = owner.get_cookie(resume.COOKIE)
    assert cookie is not None
    other = app.test_client()
    other.set_cookie(resume.COOKIE, cookie.value[:-2] + ("AA" if cookie.value[-2:] != "AA"
                                                          else "BB"))
    assert post_apply(other, slug, "lee@example.com").status_code == 200
    assert _tokens(app) == 1
