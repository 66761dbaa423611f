"""The Checkr stand-in over real HTTP on 127.0.0.1: candidate -> invitation -> report completes
-> signed webhooks reach a local receiver; auth, validation and forged signatures."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
import requests
from flask import Flask, request

from screening.background_checks.checkr_signature import SIGNATURE_HEADER, verify_signature
from screening.background_checks.checkr_stub import ServerThread, create_app

API_KEY = "ck_test_5f2b9c0e1d"


@dataclass
class Received:
    body: bytes
    headers: dict[str, str]


@dataclass
class Receiver:
    """A webhook endpoint that records the raw requests it gets."""

    url: str
    requests: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def events(self) -> list[dict]:
        with self.lock:
            return [json.loads(r.body) for r in self.requests]

    def types(self) -> list[str]:
        return [e["type"] for e in self.events()]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    app = Flask("receiver")
    holder: dict[str, Receiver] = {}

    @app.post("/hooks/checkr")
    def hook() -> tuple[str, int]:
        rec = holder["r"]
        with rec.lock:
            rec.requests.append(Received(request.get_data(), dict(request.headers)))
        return "", 204

    with ServerThread(app) as server:
        holder["r"] = Receiver(url=f"{server.url}/hooks/checkr")
        yield holder["r"]


@pytest.fixture
def checkr(receiver: Receiver) -> Iterator[str]:
    with ServerThread(create_app(API_KEY, receiver.url)) as server:
        yield server.url


@pytest.fixture
def api() -> Iterator[requests.Session]:
    with requests.Session() as session:
        session.auth = (API_KEY, "")
        yield session


def test_candidate_invitation_report_completed_with_signed_webhooks(checkr, api, receiver):
    reply = api.post(f"{checkr}/v1/candidates", data={"email": "ana@example.com"})
    assert reply.status_code == 201
    candidate = reply.json()
    assert candidate["object"] == "candidate"
    assert candidate["email"] == "ana@example.com"
    assert len(candidate["id"]) == 24
    assert candidate["uri"] == f"/v1/candidates/{candidate['id']}"

    reply = api.post(
        f"{checkr}/v1/invitations",
        json={"candidate_id": candidate["id"], "package": "tasker_standard"},
    )
    assert reply.status_code == 201
    invitation = reply.json()
    assert invitation["object"] == "invitation"
    assert invitation["status"] == "pending"
    assert invitation["report_id"] is None
    assert invitation["invitation_url"].startswith(checkr)
    assert invitation["expires_at"] > invitation["created_at"]

    # the candidate completes Checkr's hosted apply flow -> a report is created
    reply = api.post(f"{checkr}/_stub/invitations/{invitation['id']}/complete")
    assert reply.status_code == 201
    report = reply.json()
    assert (report["status"], report["source"], report["result"]) == ("pending", "form", None)
    assert (
        api.get(f"{checkr}/v1/invitations/{invitation['id']}").json()["report_id"] == (report["id"])
    )

    reply = api.post(
        f"{checkr}/_stub/reports/{report['id']}/status",
        json={"status": "complete", "result": "consider"},
    )
    assert reply.status_code == 200

    fetched = api.get(f"{checkr}/v1/reports/{report['id']}").json()
    assert (fetched["status"], fetched["result"]) == ("complete", "consider")
    assert fetched["completed_at"] is not None
    assert api.get(f"{checkr}/v1/candidates/{candidate['id']}").json()["report_ids"] == [
        report["id"]
    ]

    assert receiver.types() == [
        "invitation.created",
        "invitation.completed",
        "report.created",
        "report.updated",
        "report.completed",
    ]
    for received in receiver.requests:
        assert received.headers["Content-Type"] == "application/json"
        assert received.headers["User-Agent"].startswith("Checkr-Webhook/")
        assert verify_signature(received.body, received.headers[SIGNATURE_HEADER], API_KEY)
        assert not verify_signature(received.body, received.headers[SIGNATURE_HEADER], "wrong")

    completed = receiver.events()[-1]
    assert completed["object"] == "event"
    assert completed["webhook_url"] == receiver.url
    assert completed["data"]["object"]["id"] == report["id"]
    assert completed["data"]["object"]["status"] == "complete"
    assert completed["data"]["object"]["result"] == "consider"
    assert len({e["id"] for e in receiver.events()}) == 5  # every event has its own id

    deliveries = api.get(f"{checkr}/_stub/deliveries").json()["data"]
    assert [d["status_code"] for d in deliveries] == [204] * 5


def test_forged_webhook_body_fails_verification(checkr, api, receiver):
    candidate = api.post(f"{checkr}/v1/candidates", data={"email": "bo@example.com"}).json()
    api.post(f"{checkr}/v1/invitations", data={"candidate_id": candidate["id"], "package": "p"})
    genuine = receiver.requests[0]
    assert verify_signature(genuine.body, genuine.headers[SIGNATURE_HEADER], API_KEY)
    forged = genuine.body.replace(b'"status":"pending"', b'"status":"completed"')
    assert forged != genuine.body
    assert not verify_signature(forged, genuine.headers[SIGNATURE_HEADER], API_KEY)


def test_direct_report_suspend_resume_and_events(checkr, api, receiver):
    candidate = api.post(
        f"{checkr}/v1/candidates",
        json={
            "email": "cy@example.com",
            "first_name": "Cy",
            "last_name": "Diaz",
            "no_middle_name": True,
            "dob": "1990-04-02",
            "ssn": "111-22-3333",
        },
    ).json()
    assert candidate["ssn"] == "XXX-XX-3333"
    reply = api.post(
        f"{checkr}/v1/reports", json={"candidate_id": candidate["id"], "package": "basic"}
    )
    assert reply.status_code == 201
    report = reply.json()
    assert report["source"] == "api"
    move = f"{checkr}/_stub/reports/{report['id']}/status"
    assert api.post(move, json={"status": "suspended"}).json()["status"] == "suspended"
    assert api.post(move, json={"status": "pending"}).json()["status"] == "pending"
    assert receiver.types() == ["report.created", "report.suspended", "report.resumed"]


def test_refused_report_move_is_a_400_with_the_rule_message(checkr, api):
    candidate = api.post(
        f"{checkr}/v1/candidates",
        json={
            "email": "di@example.com",
            "first_name": "Di",
            "last_name": "Ek",
            "middle_name": "Q",
            "dob": "1985-01-01",
        },
    ).json()
    report = api.post(
        f"{checkr}/v1/reports", json={"candidate_id": candidate["id"], "package": "basic"}
    ).json()
    reply = api.post(f"{checkr}/_stub/reports/{report['id']}/status", json={"status": "dispute"})
    assert reply.status_code == 400
    assert reply.json() == {
        "error": "background check cannot move from 'pending' to 'dispute'; allowed next: "
        "canceled, complete, paused, suspended"
    }


@pytest.mark.parametrize("auth", [None, ("wrong-key", ""), ("", API_KEY)])
def test_requests_without_the_api_key_are_401(checkr, auth):
    reply = requests.post(f"{checkr}/v1/candidates", data={"email": "x@example.com"}, auth=auth)
    assert reply.status_code == 401
    assert reply.json() == {"error": "Bad authentication error"}
    assert reply.headers["WWW-Authenticate"].startswith("Basic")


def test_validation_errors_use_checkrs_error_shape(checkr, api):
    reply = api.post(f"{checkr}/v1/candidates", data={"first_name": "No Email"})
    assert (reply.status_code, reply.json()) == (400, {"error": "email is required"})
    reply = api.post(f"{checkr}/v1/invitations", json={"candidate_id": "0" * 24, "package": "p"})
    assert (reply.status_code, reply.json()) == (404, {"error": "Candidate not found"})
    reply = api.post(f"{checkr}/v1/invitations", json={"package": "p"})
    assert (reply.status_code, reply.json()) == (400, {"error": "candidate_id is required"})
    assert api.get(f"{checkr}/v1/reports/{'f' * 24}").status_code == 404
    bare = api.post(f"{checkr}/v1/candidates", data={"email": "e@example.com"}).json()
    reply = api.post(f"{checkr}/v1/reports", json={"candidate_id": bare["id"], "package": "p"})
    assert reply.status_code == 400
    assert "first_name is required" in reply.json()["error"]


def test_invitation_expiry_sends_invitation_expired(checkr, api, receiver):
    candidate = api.post(f"{checkr}/v1/candidates", data={"email": "ed@example.com"}).json()
    invitation = api.post(
        f"{checkr}/v1/invitations", json={"candidate_id": candidate["id"], "package": "p"}
    ).json()
    reply = api.post(f"{checkr}/_stub/invitations/{invitation['id']}/expire")
    assert reply.json()["status"] == "expired"
    assert receiver.types() == ["invitation.created", "invitation.expired"]
    again = api.post(f"{checkr}/_stub/invitations/{invitation['id']}/complete")
    assert (again.status_code, again.json()) == (
        400,
        {"error": "Invitation is expired, not pending"},
    )


def test_unreachable_webhook_url_is_recorded_not_fatal(api):
    # a port that was just free and is closed again: the POST fails, the API call still works
    with ServerThread(Flask("gone")) as gone:
        dead_url = f"{gone.url}/hooks"
    with ServerThread(create_app(API_KEY, dead_url)) as server:
        cand = api.post(f"{server.url}/v1/candidates", data={"email": "f@example.com"}).json()
        reply = api.post(
            f"{server.url}/v1/invitations", json={"candidate_id": cand["id"], "package": "p"}
        )
        assert reply.status_code == 201
        [delivery] = api.get(f"{server.url}/_stub/deliveries").json()["data"]
        assert delivery["type"] == "invitation.created"
        assert delivery["status_code"] is None and delivery["error"]


def test_create_app_refuses_bad_configuration():
    with pytest.raises(ValueError, match="non-empty API key"):
        create_app("")
    with pytest.raises(ValueError, match="must be http"):
        create_app(API_KEY, "file:///etc/passwd")
