"""The Checkr provider end to end over real HTTP on 127.0.0.1: the app (served by werkzeug in
a thread) orders through the local Checkr stand-in, whose signed webhooks drive the check to
complete; replays are applied once, forged or stale events refused, unknown ids answered
without detail. Also the provider's error mapping."""

from __future__ import annotations

import io
import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import requests
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from screening.background_checks.checkr_signature import SIGNATURE_HEADER, compute_signature
from screening.background_checks.checkr_stub import ServerThread, StubState, create_app
from screening.background_checks.providers import (
    CheckrProvider,
    OrderRequest,
    ProviderAuthError,
    ProviderRejected,
    ProviderUnavailable,
)
from screening.background_checks.rules import CheckType
from screening.db import db
from screening.models.background_check import BackgroundCheck, BackgroundCheckEvent
from screening.models.candidate import Candidate
from screening.models.webhook import WebhookMessage
from screening.services import background_checks as service
from tests.conftest import csrf_token, login
from tests.integration.background_checks.conftest import World, make_check, sign_both

API_KEY = "ck_test_e2e_7a1c"


@dataclass
class Recorder:
    """WSGI middleware that keeps the raw body and signature of every webhook the app gets."""

    app: Any
    bodies: list[tuple[bytes, str | None]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        if environ.get("PATH_INFO") == "/webhooks/checkr":
            length = int(environ.get("CONTENT_LENGTH") or 0)
            body = environ["wsgi.input"].read(length)
            environ["wsgi.input"] = io.BytesIO(body)
            with self.lock:
                self.bodies.append((body, environ.get("HTTP_X_CHECKR_SIGNATURE")))
        return self.app(environ, start_response)

    def events(self) -> list[tuple[dict[str, Any], bytes, str | None]]:
        with self.lock:
            return [(json.loads(body), body, sig) for body, sig in self.bodies]


@dataclass
class Checkr:
    app_url: str
    stub_url: str
    stub: StubState
    recorder: Recorder
    api: requests.Session


@pytest.fixture
def checkr(app: Flask) -> Iterator[Checkr]:
    recorder = Recorder(app.wsgi_app)
    with ServerThread(recorder) as app_server:
        stub_app = create_app(API_KEY, f"{app_server.url}/webhooks/checkr")
        with ServerThread(stub_app) as stub_server, requests.Session() as api:
            api.auth = (API_KEY, "")
            app.config.update(BGCHECK_PROVIDER="checkr", BGCHECK_CHECKR_API_KEY=API_KEY,
                              BGCHECK_CHECKR_BASE_URL=stub_server.url,
                              BGCHECK_CHECKR_TIMEOUT_S=5)
            yield Checkr(app_server.url, stub_server.url, stub_app.extensions["checkr_stub"],
                         recorder, api)


def _wait_for(app: Flask, check_id: int, status: str, timeout_s: float = 15.0) -> BackgroundCheck:
    deadline = time.monotonic() + timeout_s
    while True:
        with app.app_context():
            check = db.session.get(BackgroundCheck, check_id)
            assert check is not None
            if check.status == status:
                return check
        if time.monotonic() > deadline:
            raise AssertionError(f"check {check_id} is {check.status!r}, never became {status!r}")
        time.sleep(0.05)


def _signed_post(url: str, event: dict[str, Any], key: str = API_KEY) -> requests.Response:
    body = json.dumps(event).encode()
    return requests.post(url, data=body, timeout=10, headers={
        "Content-Type": "application/json", SIGNATURE_HEADER: compute_signature(body, key)})


def _event(event_type: str, obj: dict[str, Any], *, event_id: str,
           created: datetime | None = None) -> dict[str, Any]:
    moment = created or datetime.now(UTC)
    return {"id": event_id, "object": "event", "type": event_type,
            "created_at": moment.strftime("%Y-%m-%dT%H:%M:%SZ"), "data": {"object": obj}}


def _event_count() -> int:
    return int(db.session.scalar(select(func.count()).select_from(BackgroundCheckEvent)))


def test_checkr_check_completes_end_to_end(app: Flask, client: FlaskClient, world: World,
                                           checkr: Checkr) -> None:
    with app.app_context():
        sign_both(world.candidate_id)
    login(client, world.editor_email)
    panel_url = f"/recruiter/candidates/{world.candidate_id}/background-checks"
    reply = client.post(panel_url, data={"check_type": "criminal", "payer": "company",
                                         "fee": "0",
                                         "csrf_token": csrf_token(client.get(panel_url).text)})
    assert reply.status_code == 302
    with app.app_context():
        check_id = db.session.scalar(select(BackgroundCheck.id))

    # The job creates the Checkr candidate and invitation.
    check = _wait_for(app, check_id, "invited")
    assert check.provider == "checkr"
    invitation = checkr.stub.invitations[check.provider_ref]
    candidate = checkr.stub.candidates[invitation["candidate_id"]]
    assert (candidate["email"], candidate["first_name"], candidate["last_name"]) == (
        "applicant" + candidate["email"][9:], "Ana", "Lima")
    assert candidate["custom_id"] == f"check-{check_id}"
    assert invitation["package"] == "basic_criminal"
    assert invitation["work_locations"] == [{"country": "US", "state": "TX"}]

    # The applicant finishes Checkr's hosted form: invitation.completed + report.created.
    report = checkr.api.post(
        f"{checkr.stub_url}/_stub/invitations/{invitation['id']}/complete").json()
    check = _wait_for(app, check_id, "pending")
    assert check.provider_ref == report["id"]
    # Checkr finishes the report: report.updated (complete) then report.completed.
    moved = checkr.api.post(f"{checkr.stub_url}/_stub/reports/{report['id']}/status",
                            json={"status": "complete", "result": "consider"})
    assert moved.status_code == 200
    check = _wait_for(app, check_id, "complete")
    assert check.result == "consider" and check.completed_at is not None

    deliveries = checkr.api.get(f"{checkr.stub_url}/_stub/deliveries").json()["data"]
    assert [d["type"] for d in deliveries] == [
        "invitation.created", "invitation.completed", "report.created", "report.updated",
        "report.completed"]
    assert {d["status_code"] for d in deliveries} == {200}
    with app.app_context():
        events = service.history(db.session, db.session.get(BackgroundCheck, check_id))
        summary = [(e.kind, e.source, e.from_status, e.to_status) for e in events]
        assert summary == [
            ("ordered", "recruiter", "not_started", "not_started"),
            ("status", "system", "not_started", "invited"),
            ("status", "provider_webhook", "invited", "pending"),
            ("provider_event", "provider_webhook", "pending", "pending"),
            ("status", "provider_webhook", "pending", "complete"),
            ("provider_event", "provider_webhook", "complete", "complete"),
        ]
        by_type = {e.detail["type"]: e.provider_event_id for e in events
                   if e.source == "provider_webhook"}
        assert by_type == {d["type"]: d["event_id"] for d in deliveries[1:]}
        updates = db.session.scalars(select(WebhookMessage).where(
            WebhookMessage.event_type == "background_check.updated")
            .order_by(WebhookMessage.created_at)).all()
        assert [m.payload["status"] for m in updates] == ["invited", "pending", "complete"]
        count = _event_count()

    page = client.get(panel_url).text
    assert 'data-status="complete"' in page and "consider" in page

    # A replay of a real delivery (the one that completed the report) is processed once.
    [(_, body, signature)] = [(e, b, s) for e, b, s in checkr.recorder.events()
                              if e["type"] == "report.updated" and
                              e["data"]["object"]["status"] == "complete"]
    for _ in range(2):
        replay = requests.post(f"{checkr.app_url}/webhooks/checkr", data=body, timeout=10,
                               headers={"Content-Type": "application/json",
                                        SIGNATURE_HEADER: signature})
        assert (replay.status_code, replay.json()) == (200, {"received": True})
    with app.app_context():
        assert _event_count() == count
        assert db.session.get(BackgroundCheck, check_id).status == "complete"

    # A new, genuinely signed event (a dispute) is applied exactly once even if sent twice.
    dispute = _event("report.disputed", {**report, "status": "dispute", "result": None},
                     event_id="a" * 24)
    for _ in range(2):
        assert _signed_post(f"{checkr.app_url}/webhooks/checkr", dispute).status_code == 200
    with app.app_context():
        assert db.session.get(BackgroundCheck, check_id).status == "dispute"
        assert _event_count() == count + 1
        rows = db.session.scalars(select(BackgroundCheckEvent).where(
            BackgroundCheckEvent.provider_event_id == "a" * 24)).all()
        assert [(r.from_status, r.to_status) for r in rows] == [("complete", "dispute")]


def test_forged_stale_unknown_and_malformed_webhooks(app: Flask, world: World,
                                                     checkr: Checkr) -> None:
    with app.app_context():
        check = make_check(world.candidate_id, "pending", provider="checkr")
        check.provider_ref = "b" * 24
        db.session.commit()
        check_id = check.id
    url = f"{checkr.app_url}/webhooks/checkr"
    report = {"id": "b" * 24, "object": "report", "status": "complete", "result": "clear"}
    done = _event("report.completed", report, event_id="c" * 24)

    forged = _signed_post(url, done, key="ck_attacker_guess")
    assert forged.status_code == 401 and forged.json() == {"error": "invalid signature"}
    unsigned = requests.post(url, data=json.dumps(done).encode(), timeout=10)
    assert unsigned.status_code == 401
    stale = _signed_post(url, _event("report.completed", report, event_id="d" * 24,
                                     created=datetime.now(UTC) - timedelta(days=4)))
    assert stale.status_code == 400 and "too old" in stale.json()["error"]
    future = _signed_post(url, _event("report.completed", report, event_id="e" * 24,
                                      created=datetime.now(UTC) + timedelta(hours=1)))
    assert future.status_code == 400
    not_json = requests.post(url, data=b"[", timeout=10, headers={
        SIGNATURE_HEADER: compute_signature(b"[", API_KEY)})
    assert not_json.status_code == 400
    with app.app_context():
        assert db.session.get(BackgroundCheck, check_id).status == "pending"
        assert _event_count() == 0

    # An unknown report id gets exactly the answer a known one gets, and nothing is stored.
    unknown = _signed_post(url, _event("report.completed", {**report, "id": "f" * 24},
                                       event_id="1" * 24))
    known = _signed_post(url, done)
    assert unknown.status_code == known.status_code == 200
    assert unknown.content == known.content
    with app.app_context():
        assert db.session.get(BackgroundCheck, check_id).status == "complete"
        rows = db.session.scalars(select(BackgroundCheckEvent)).all()
        assert [r.provider_event_id for r in rows] == ["c" * 24]


def test_webhooks_refused_when_not_configured(app: Flask, client: FlaskClient) -> None:
    body = b'{"id": "x"}'
    reply = client.post("/webhooks/checkr", data=body,
                        headers={SIGNATURE_HEADER: compute_signature(body, "k")})
    assert reply.status_code == 404


def test_provider_refusal_is_recorded_not_retried(app: Flask, world: World,
                                                  checkr: Checkr) -> None:
    with app.app_context():
        candidate = db.session.get(Candidate, world.candidate_id)
        candidate.email = "no-at-sign"
        check = make_check(world.candidate_id, "not_started", provider="checkr")
        assert service.submit_to_provider(db.session, check.id) == "rejected"
        db.session.commit()
        [event] = service.history(db.session, check)
        assert event.kind == "provider_error" and "email is invalid" in event.detail["error"]
        assert db.session.get(BackgroundCheck, check.id).status == "not_started"
    assert checkr.stub.invitations == {}


def _request() -> OrderRequest:
    return OrderRequest(check_id=7, check_type=CheckType.CREDIT, email="ana@example.com",
                        first_name="Ana", last_name="Lima", work_state="TX")


@pytest.fixture
def bare_stub() -> Iterator[Checkr]:
    """The stand-in alone (no app, no webhooks) for provider-level tests."""
    stub_app = create_app(API_KEY)
    with ServerThread(stub_app) as server, requests.Session() as api:
        api.auth = (API_KEY, "")
        yield Checkr("", server.url, stub_app.extensions["checkr_stub"], Recorder(None), api)


def test_checkr_provider_errors(bare_stub: Checkr) -> None:
    checkr = bare_stub
    wrong_key = CheckrProvider("ck_wrong", checkr.stub_url, timeout_s=5)
    with pytest.raises(ProviderAuthError, match="refused the API key"):
        wrong_key.order(_request())
    provider = CheckrProvider(API_KEY, checkr.stub_url, timeout_s=5)
    with pytest.raises(ProviderRejected, match="Report not found") as info:
        provider.get_report("0" * 24)
    assert info.value.status_code == 404
    with pytest.raises(ProviderRejected, match="no Checkr package"):
        CheckrProvider(API_KEY, checkr.stub_url, packages={"criminal": "x"}).order(_request())
    result = provider.order(_request())
    assert result.status == "invited" and result.provider_ref in checkr.stub.invitations
    assert checkr.stub.invitations[result.provider_ref]["package"] == "credit_report"


def test_checkr_provider_unreachable() -> None:
    with ServerThread(Flask("closed")) as server:
        url = server.url
    with pytest.raises(ProviderUnavailable, match="cannot reach Checkr"):
        CheckrProvider(API_KEY, url, timeout_s=2).order(_request())
    with pytest.raises(ValueError, match="API key"):
        CheckrProvider("", url)
