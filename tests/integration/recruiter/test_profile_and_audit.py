"""Job profile editor (validation, roles, recompute job), job statistics, audit log page."""

from __future__ import annotations

import time
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from screening.db import db
from screening.models.job import Job, default_profile
from screening.models.score import Scorecard
from screening.models.task import Task
from screening.services.profiles import recompute_key
from tests import factories
from tests.conftest import csrf_token, login
from tests.integration.recruiter.conftest import scored_candidate


def profile_form(**changes: Any) -> dict[str, str]:
    """The form fields of the default profile, with ``changes`` applied (None = unticked)."""
    p = default_profile()
    form: dict[str, str] = {}
    for key, s in p["sections"].items():
        if s["enabled"]:
            form[f"{key}_enabled"] = "on"
        form[f"{key}_time_limit_s"] = str(s["time_limit_s"])
        form[f"{key}_weight"] = str(s["weight"])
        form[f"{key}_threshold"] = str(s["threshold"])
    form.update(typing_min_wpm="35", allowed_states="", min_age="18", min_weekly_hours="0",
                min_download_mbps="10", requires_headset="on", cutoff_advance="75",
                cutoff_review="55")
    for k, v in changes.items():
        if v is None:
            form.pop(k, None)
        else:
            form[k] = v
    return form


def _setup(app: Flask) -> dict[str, Any]:
    with app.app_context():
        org, other = factories.org(), factories.org()
        users = {role: factories.user(org, role=role).email
                 for role in ("admin", "recruiter", "viewer")}
        job = factories.job(org, "Inbound")
        foreign_job = factories.job(other, "Foreign")
        high = scored_candidate(job, "High", composite=None,
                                sections={"typing": 80.0, "grammar": 90.0}, stage="scored")
        low = scored_candidate(job, "Low", composite=None,
                               sections={"typing": 50.0, "grammar": 20.0})
        bare = scored_candidate(job, "Bare")
        outsider_user = factories.user(other, role="admin").email
        return {"users": users, "job": job.id, "foreign_job": foreign_job.id, "high": high.id,
                "low": low.id, "bare": bare.id, "outsider": outsider_user}


def _post_profile(client: FlaskClient, job_id: int, form: dict[str, str]) -> Any:
    page = client.get(f"/recruiter/jobs/{job_id}/profile")
    assert page.status_code == 200
    return client.post(f"/recruiter/jobs/{job_id}/profile",
                       data={**form, "csrf_token": csrf_token(page.text)})


def test_bad_weights_and_cutoffs_are_refused_with_nothing_saved(app: Flask,
                                                                client: FlaskClient) -> None:
    s = _setup(app)
    login(client, s["users"]["recruiter"])
    response = _post_profile(client, s["job"], profile_form(
        typing_weight="50", grammar_weight="30", math_enabled=None, voice_enabled=None,
        allowed_states="TX, CA", cutoff_advance="80"))
    assert response.status_code == 400
    assert "Nothing was saved" in response.text
    assert "must add up to 100; they add up to 80 (typing 50, grammar 30)" in response.text
    assert 'value="TX, CA"' in response.text  # what was typed is kept in the form
    response = _post_profile(client, s["job"], profile_form(cutoff_advance="50",
                                                            cutoff_review="60",
                                                            allowed_states="TX, XX"))
    assert response.status_code == 400
    assert "must not be above the advance cut-off" in response.text
    assert "Unknown US state code(s): XX" in response.text
    with app.app_context():
        assert db.session.get(Job, s["job"]).profile == default_profile()
        assert db.session.scalar(select(Task).where(Task.key == recompute_key(s["job"]))) is None


def test_viewer_cannot_edit_profile(app: Flask, client: FlaskClient) -> None:
    s = _setup(app)
    login(client, s["users"]["viewer"])
    assert client.get(f"/recruiter/jobs/{s['job']}/profile").status_code == 403
    token = csrf_token(client.get("/recruiter/").text)
    response = client.post(f"/recruiter/jobs/{s['job']}/profile",
                           data={**profile_form(typing_weight="100", grammar_enabled=None,
                                                math_enabled=None, voice_enabled=None),
                                 "csrf_token": token})
    assert response.status_code == 403
    assert "Edit assessment profile" not in client.get(f"/recruiter/jobs/{s['job']}").text
    with app.app_context():
        assert db.session.get(Job, s["job"]).profile == default_profile()


def test_profile_save_recomputes_scorecards_in_the_background(app: Flask,
                                                             client: FlaskClient) -> None:
    s = _setup(app)
    login(client, s["users"]["admin"])
    form = profile_form(typing_weight="100", grammar_enabled=None, math_enabled=None,
                        voice_enabled=None, cutoff_advance="70", cutoff_review="40",
                        allowed_states="tx ca", min_weekly_hours="20", requires_evening="on")
    response = _post_profile(client, s["job"], form)
    assert response.status_code == 302
    deadline = time.monotonic() + 20
    while True:
        with app.app_context():
            task = db.session.scalar(select(Task).where(Task.key == recompute_key(s["job"])))
            status = task.status if task else None
        if status in ("done", "failed") or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert status == "done", task.error if task else "no task recorded"
    with app.app_context():
        profile = db.session.get(Job, s["job"]).profile
        assert profile["sections"]["typing"] == {**default_profile()["sections"]["typing"],
                                                 "weight": 100}
        assert profile["sections"]["grammar"]["enabled"] is False
        assert profile["knockouts"]["allowed_states"] == ["CA", "TX"]
        assert profile["knockouts"]["min_weekly_hours"] == 20
        assert profile["knockouts"]["requires_evening"] is True
        assert profile["cutoffs"] == {"advance": 70, "review": 40}
        cards = {c.candidate_id: c for c in db.session.scalars(select(Scorecard))}
        assert set(cards) == {s["high"], s["low"]}  # "Bare" has no scores: no card
        high, low = cards[s["high"]], cards[s["low"]]
        assert (high.composite, high.rank, high.recommendation) == (80.0, 1, "advance")
        assert (low.composite, low.rank, low.recommendation) == (50.0, 2, "review")
        assert high.complete and high.explanation["sections"][0]["key"] == "typing"
        assert len(high.explanation["sections"]) == 1


def test_job_stats_histogram_and_funnel(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        org = factories.org()
        user = factories.user(org)
        job = factories.job(org)
        for i, composite in enumerate((5.0, 9.99, 10.0, 55.5, 59.9, 100.0, None)):
            scored_candidate(job, f"C{i}", composite=composite,
                             recommendation="review" if composite else None,
                             stage="interview" if i < 2 else None)
        email, job_id = user.email, job.id
    login(client, email)
    stats = client.get(f"/recruiter/jobs/{job_id}/stats").json
    assert [b["count"] for b in stats["histogram"]] == [2, 1, 0, 0, 0, 2, 0, 0, 0, 1]
    assert stats["histogram"][0]["label"] == "0–10" and stats["histogram"][9]["label"] == "90–100"
    funnel = {f["stage"]: f["count"] for f in stats["funnel"]}
    assert funnel["applied"] == 5 and funnel["interview"] == 2 and funnel["hired"] == 0
    page = client.get(f"/recruiter/jobs/{job_id}").text
    assert 'id="histogram-chart"' in page and 'id="funnel-chart"' in page
    assert 'id="job-stats"' in page and "vendor/chart.umd.min.js" in page


def test_audit_log_admin_only_with_views_and_exports(app: Flask, client: FlaskClient) -> None:
    s = _setup(app)
    login(client, s["outsider"])  # another organization's admin: its events stay its own
    client.get("/recruiter/candidates.csv")
    token = csrf_token(client.get("/recruiter/").text)
    client.post("/logout", data={"csrf_token": token})

    login(client, s["users"]["recruiter"])
    assert client.get(f"/recruiter/candidates/{s['high']}").status_code == 200
    with client.get("/recruiter/candidates.csv?stage=scored") as export:
        assert export.status_code == 200
    assert client.get("/recruiter/audit").status_code == 403
    token = csrf_token(client.get("/recruiter/").text)
    client.post("/logout", data={"csrf_token": token})
    login(client, s["users"]["viewer"])
    assert client.get("/recruiter/audit").status_code == 403
    token = csrf_token(client.get("/recruiter/").text)
    client.post("/logout", data={"csrf_token": token})

    login(client, s["users"]["admin"])
    page = client.get("/recruiter/audit")
    assert page.status_code == 200
    html = page.text
    assert "candidate.viewed" in html and "candidates.exported" in html
    assert f'href="/recruiter/candidates/{s["high"]}"' in html
    assert '"stage": "scored"' in html
    assert s["users"]["recruiter"] in html
    assert s["outsider"] not in html
    assert html.count("candidates.exported") == 1  # the other organization's export is absent


def test_profile_save_runs_on_a_real_rq_worker(rq_app: Flask) -> None:
    from rq import SimpleWorker

    from screening.jobs import set_worker_app
    from screening.queues import RQDispatcher

    set_worker_app(rq_app)
    s = _setup(rq_app)
    client = rq_app.test_client()
    login(client, s["users"]["recruiter"])
    dispatcher = rq_app.extensions["screening.dispatcher"]
    assert isinstance(dispatcher, RQDispatcher)
    response = _post_profile(client, s["job"], profile_form(
        typing_weight="40", grammar_weight="60", math_enabled=None, voice_enabled=None))
    assert response.status_code == 302
    assert dispatcher.queue("default").job_ids == [f"job-scorecards-{s['job']}"]
    assert SimpleWorker([dispatcher.queue("default")],
                        connection=dispatcher.connection).work(burst=True)
    with rq_app.app_context():
        task = db.session.scalar(select(Task).where(Task.key == recompute_key(s["job"])))
        assert task is not None and (task.status, task.run_count) == ("done", 1)
        cards = {c.candidate_id: c for c in db.session.scalars(select(Scorecard))}
        # 80·40 + 90·60 = 8600 → 86.0; 50·40 + 20·60 = 3200 → 32.0
        assert cards[s["high"]].composite == 86.0 and cards[s["high"]].rank == 1
        assert cards[s["low"]].composite == 32.0 and cards[s["low"]].recommendation == "reject"
