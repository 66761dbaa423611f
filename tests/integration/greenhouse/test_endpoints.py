"""Greenhouse Assessment Partner endpoints: Basic auth, list_tests, send_test, test_status,
response_error, organization isolation. Runs on SQLite and on PostgreSQL (the ``app`` fixture)."""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import func, select

from screening.db import db
from screening.models.candidate import Candidate, InviteToken
from screening.models.greenhouse import GreenhouseInterview
from screening.services import api_keys
from tests.integration.greenhouse.conftest import Org, basic

CALLBACK = "https://app.greenhouse.io/integrations/testing_partners/take_home_tests/12345"


def _body(org: Org, email: str = "hpotter@hogwarts.edu", **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "partner_test_id": str(org.job_ids[0]),
        "candidate": {
            "first_name": "Harry", "last_name": "Potter", "email": email,
            "phone_number": "123-456-7890", "resume_url": "https://hogwarts.com/resume",
            "greenhouse_profile_url": "https://app.greenhouse.io/people/17681532",
        },
        "url": CALLBACK,
    }
    body.update(extra)
    return body


def test_basic_auth_is_required_on_every_endpoint(app: Flask, orgs: tuple[Org, Org]) -> None:
    a, _ = orgs
    client = app.test_client()
    tampered = a.read_key[:-1] + ("B" if a.read_key.endswith("A") else "A")
    bad_headers = [
        {},
        {"Authorization": f"Bearer {a.read_key}"},
        {"Authorization": "Basic !!!not-base64"},
        basic(""),
        basic(tampered),
        basic("sk_00000000_" + "x" * 43),
        basic(a.read_key, password="secret"),  # Greenhouse sends an empty password
    ]
    calls = [("get", "/greenhouse/list_tests", None),
             ("get", "/greenhouse/test_status?partner_interview_id=x", None),
             ("post", "/greenhouse/send_test", _body(a)),
             ("post", "/greenhouse/response_error", {"api_call": "list_tests", "errors": []})]
    for method, url, body in calls:
        for headers in bad_headers:
            response = getattr(client, method)(url, headers=headers, json=body)
            assert response.status_code == 401, (url, headers)
            assert response.is_json and response.json["message"]
            assert response.headers["WWW-Authenticate"].startswith("Basic")
    assert client.get("/greenhouse/list_tests", headers=a.read).status_code == 200
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Candidate).where(
            Candidate.source == "greenhouse")) == 0


def test_read_key_cannot_send_a_test_and_revoked_key_is_refused(
        app: Flask, orgs: tuple[Org, Org]) -> None:
    a, _ = orgs
    client = app.test_client()
    response = client.post("/greenhouse/send_test", headers=a.read, json=_body(a))
    assert response.status_code == 401
    assert "write" in response.json["message"]
    assert client.post("/greenhouse/send_test", headers=a.write, json=_body(a)).status_code == 200
    with app.app_context():
        api_keys.revoke(db.session, a.org_id, a.write_key_id)
        db.session.commit()
    for url in ("/greenhouse/list_tests", "/greenhouse/test_status?partner_interview_id=x"):
        response = client.get(url, headers=a.write)
        assert response.status_code == 401
        assert "revoked" in response.json["message"]


def test_list_tests_shows_only_the_orgs_open_jobs(app: Flask, orgs: tuple[Org, Org]) -> None:
    a, b = orgs
    client = app.test_client()
    response = client.get("/greenhouse/list_tests", headers=a.read)
    assert response.status_code == 200
    tests = response.json
    assert isinstance(tests, list)
    assert [t["partner_test_id"] for t in tests] == [str(i) for i in a.job_ids]
    for test in tests:
        assert isinstance(test["partner_test_id"], str)
        assert test["partner_test_name"].startswith("Acme")
        # the default profile: typing, grammar, math and voice enabled; ten-key off
        assert "Typing, Grammar and writing, Math, Voice" in test["partner_test_name"]
        assert "Ten-key" not in test["partner_test_name"]
        assert "4 sections" in test["description"]
    names = " ".join(t["partner_test_name"] for t in tests)
    assert "closed" not in names and "Globex" not in names
    other = client.get("/greenhouse/list_tests", headers=b.read).json
    assert [t["partner_test_id"] for t in other] == [str(i) for i in b.job_ids]


def test_send_test_creates_candidate_invite_and_interview(app: Flask,
                                                          orgs: tuple[Org, Org]) -> None:
    a, _ = orgs
    client = app.test_client()
    response = client.post("/greenhouse/send_test", headers=a.write, json=_body(a))
    assert response.status_code == 200
    assert set(response.json) == {"partner_interview_id"}
    pid = response.json["partner_interview_id"]
    assert isinstance(pid, str) and len(pid) >= 20
    with app.app_context():
        interview = db.session.scalar(select(GreenhouseInterview).where(
            GreenhouseInterview.partner_interview_id == pid))
        assert interview is not None
        candidate = db.session.get(Candidate, interview.candidate_id)
        assert candidate is not None
        assert (candidate.org_id, candidate.job_id) == (a.org_id, a.job_ids[0])
        assert (candidate.email, candidate.name, candidate.source) == (
            "hpotter@hogwarts.edu", "Harry Potter", "greenhouse")
        assert candidate.phone == "123-456-7890"
        assert interview.callback_url == CALLBACK
        assert interview.status == "incomplete" and interview.last_patch_status is None
        assert interview.api_key_id == a.write_key_id
        # the key for the PATCH is kept encrypted, never in clear
        assert interview.sealed_key and a.write_key not in interview.sealed_key
        tokens = db.session.scalars(select(InviteToken).where(
            InviteToken.candidate_id == candidate.id)).all()
        assert len(tokens) == 1


def test_send_test_is_idempotent_for_the_same_candidate(app: Flask,
                                                        orgs: tuple[Org, Org]) -> None:
    a, _ = orgs
    client = app.test_client()
    first = client.post("/greenhouse/send_test", headers=a.write, json=_body(a)).json
    new_url = CALLBACK.replace("12345", "777")
    again = client.post("/greenhouse/send_test", headers=a.write,
                        json=_body(a, email="HPotter@Hogwarts.edu ", url=new_url))
    assert again.status_code == 200
    assert again.json == first
    other_job = _body(a, partner_test_id=str(a.job_ids[1]))
    second = client.post("/greenhouse/send_test", headers=a.write, json=other_job).json
    assert second["partner_interview_id"] != first["partner_interview_id"]
    with app.app_context():
        rows = db.session.scalars(select(GreenhouseInterview).order_by(
            GreenhouseInterview.id)).all()
        assert len(rows) == 2
        assert rows[0].callback_url == new_url  # the latest url Greenhouse gave
        assert db.session.scalar(select(func.count()).select_from(Candidate).where(
            Candidate.email == "hpotter@hogwarts.edu")) == 2  # one per job


def test_send_test_bad_input_gets_clear_errors(app: Flask, orgs: tuple[Org, Org]) -> None:
    a, b = orgs
    client = app.test_client()
    response = client.post("/greenhouse/send_test", headers=a.write, data="not json",
                           content_type="text/plain")
    assert response.status_code == 400 and "JSON" in response.json["message"]
    response = client.post("/greenhouse/send_test", headers=a.write, json=["a", "list"])
    assert response.status_code == 422 and "object" in response.json["message"]
    body = _body(a)
    del body["candidate"]["first_name"]
    body["candidate"]["email"] = "not-an-email"
    response = client.post("/greenhouse/send_test", headers=a.write, json=body)
    assert response.status_code == 422
    assert response.json["errors"] == {"candidate.first_name": "is required",
                                       "candidate.email": "is not a valid e-mail address"}
    assert "candidate.first_name" in response.json["message"]
    response = client.post("/greenhouse/send_test", headers=a.write,
                           json={"partner_test_id": str(a.job_ids[0])})
    assert response.status_code == 422 and "candidate" in response.json["errors"]
    # unknown test, another organization's test, a closed job
    for test_id, status in (("999999", 404), ("abc", 404), (str(b.job_ids[0]), 404),
                            (str(a.closed_job_id), 422)):
        response = client.post("/greenhouse/send_test", headers=a.write,
                               json=_body(a, partner_test_id=test_id))
        assert response.status_code == status, test_id
        assert response.json["message"]
    # a callback to a private network address is refused (the app is not in loopback mode)
    response = client.post("/greenhouse/send_test", headers=a.write,
                           json=_body(a, url="http://10.0.0.5/hook"))
    assert response.status_code == 422 and "url" in response.json["errors"]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(GreenhouseInterview)) == 0
        assert db.session.scalar(select(func.count()).select_from(Candidate).where(
            Candidate.source == "greenhouse")) == 0


def test_test_status_before_completion(app: Flask, orgs: tuple[Org, Org]) -> None:
    a, _ = orgs
    client = app.test_client()
    pid = client.post("/greenhouse/send_test", headers=a.write, json=_body(a)).json[
        "partner_interview_id"]
    response = client.get(f"/greenhouse/test_status?partner_interview_id={pid}", headers=a.read)
    assert response.status_code == 200
    body = response.json
    with app.app_context():
        cid = db.session.scalar(select(GreenhouseInterview.candidate_id))
    assert body["partner_status"] == "incomplete"
    assert body["partner_score"] is None
    assert body["partner_profile_url"] == f"http://127.0.0.1:5000/recruiter/candidates/{cid}"
    assert body["metadata"]["Sections scored"] == "0 of 4"
    assert all(isinstance(v, str | int | float) for v in body["metadata"].values())
    missing = client.get("/greenhouse/test_status", headers=a.read)
    assert missing.status_code == 400 and "partner_interview_id" in missing.json["message"]
    unknown = client.get("/greenhouse/test_status?partner_interview_id=nope", headers=a.read)
    assert unknown.status_code == 404


def test_another_org_cannot_see_the_interview(app: Flask, orgs: tuple[Org, Org]) -> None:
    a, b = orgs
    client = app.test_client()
    pid = client.post("/greenhouse/send_test", headers=a.write, json=_body(a)).json[
        "partner_interview_id"]
    url = f"/greenhouse/test_status?partner_interview_id={pid}"
    assert client.get(url, headers=a.read).status_code == 200
    response = client.get(url, headers=b.read)
    assert response.status_code == 404
    assert "Harry" not in response.text and "recruiter" not in response.text
    # nor record an error on it
    client.post("/greenhouse/response_error", headers=b.read,
                json={"api_call": "test_status", "errors": ["x"], "partner_interview_id": pid})
    with app.app_context():
        assert db.session.scalar(select(GreenhouseInterview.last_response_error)) is None


def test_response_error_is_kept_on_the_interview(app: Flask, orgs: tuple[Org, Org]) -> None:
    a, _ = orgs
    client = app.test_client()
    pid = client.post("/greenhouse/send_test", headers=a.write, json=_body(a)).json[
        "partner_interview_id"]
    report = {"api_call": "test_status", "partner_interview_id": pid,
              "errors": ["partner_status is 'complete' but partner_profile url is missing"]}
    response = client.post("/greenhouse/response_error", headers=a.read, json=report)
    assert response.status_code == 200 and response.json == {"status": 200}
    with app.app_context():
        kept = db.session.scalar(select(GreenhouseInterview.last_response_error))
        assert kept is not None and "partner_profile url is missing" in kept
    response = client.post("/greenhouse/response_error", headers=a.read,
                           json={"api_call": "list_tests", "errors": ["bad"]})
    assert response.status_code == 200
