"""Recruiter and applicant background-check pages over HTTP: FCRA order (409), who pays (422),
adverse action after the waiting period only, editors only, org isolation, CSRF, signing."""

from __future__ import annotations

import hashlib
from datetime import date, timedelta
from importlib import resources

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from screening.db import db
from screening.models.background_check import BackgroundCheck, BackgroundCheckEvent
from screening.models.candidate import Consent
from screening.services import background_checks as service
from tests.conftest import csrf_token, login
from tests.integration.background_checks.conftest import World, make_check, sign_both


def _panel_url(candidate_id: int) -> str:
    return f"/recruiter/candidates/{candidate_id}/background-checks"


def _token(client: FlaskClient, candidate_id: int) -> str:
    page = client.get(_panel_url(candidate_id))
    assert page.status_code == 200, page.text
    return csrf_token(page.text)


def _order(client: FlaskClient, candidate_id: int, **form: str):
    data = {"check_type": "criminal", "payer": "company", "fee": "0", **form,
            "csrf_token": _token(client, candidate_id)}
    return client.post(_panel_url(candidate_id), data=data)


def _count(model) -> int:
    return int(db.session.scalar(select(func.count()).select_from(model)))


def test_order_refused_until_disclosure_and_authorization(app: Flask, client: FlaskClient,
                                                          world: World) -> None:
    login(client, world.editor_email)
    reply = _order(client, world.candidate_id)
    assert reply.status_code == 409
    assert "before the applicant signs the FCRA disclosure" in reply.text
    with app.app_context():
        assert _count(BackgroundCheck) == 0
    # The applicant signs the disclosure on their own page ...
    page = client.get(f"/a/{world.token}/background-check/disclosure")
    assert page.status_code == 200 and "Disclosure Regarding Background Investigation" in page.text
    assert "Authorization of Background Investigation" not in page.text  # stand-alone document
    signed = client.post(f"/a/{world.token}/background-check/disclosure",
                         data={"agree": "yes", "csrf_token": csrf_token(page.text)},
                         headers={"User-Agent": "TestBrowser/2.0"})
    assert signed.status_code == 302
    assert signed.headers["Location"].endswith(f"/a/{world.token}/background-check/authorization")
    reply = _order(client, world.candidate_id)
    assert reply.status_code == 409 and "FCRA authorization" in reply.text
    # ... then the authorization, a separate document.
    page = client.get(f"/a/{world.token}/background-check/authorization")
    assert "Authorization of Background Investigation" in page.text
    client.post(f"/a/{world.token}/background-check/authorization",
                data={"agree": "yes", "csrf_token": csrf_token(page.text)},
                headers={"User-Agent": "TestBrowser/2.0"})
    reply = _order(client, world.candidate_id, fee="12.50")
    assert reply.status_code == 302
    with app.app_context():
        check = db.session.scalar(select(BackgroundCheck))
        assert (check.status, check.fee_cents, check.provider) == ("pending", 1250, "manual")
        consents = db.session.scalars(select(Consent).where(
            Consent.candidate_id == world.candidate_id).order_by(Consent.id)).all()
        data = resources.files("screening.background_checks").joinpath("data")
        expected = [
            ("fcra_disclosure", hashlib.sha256(
                data.joinpath("fcra_disclosure.txt").read_bytes()).hexdigest()),
            ("fcra_authorization", hashlib.sha256(
                data.joinpath("fcra_authorization.txt").read_bytes()).hexdigest()),
        ]
        assert [(c.kind, c.text_version) for c in consents] == expected
        assert all(c.user_agent == "TestBrowser/2.0" and c.ip == "127.0.0.1" for c in consents)
        assert consents[0].accepted_at <= consents[1].accepted_at
    panel = client.get(_panel_url(world.candidate_id)).text
    assert 'data-status="pending"' in panel and "ordered" in panel


def test_authorization_page_waits_for_disclosure(app: Flask, client: FlaskClient,
                                                 world: World) -> None:
    page = client.get(f"/a/{world.token}/background-check/authorization")
    assert page.status_code == 302 and page.headers["Location"].endswith("/disclosure")
    status = client.get(f"/a/{world.token}/background-check")
    assert "disclosure-link" in status.text and "authorization-link" not in status.text
    form_page = client.get(f"/a/{world.token}/background-check/disclosure")
    reply = client.post(f"/a/{world.token}/background-check/authorization",
                        data={"agree": "yes", "csrf_token": csrf_token(form_page.text)})
    assert reply.status_code == 409 and "disclosure before the authorization" in reply.text
    unticked = client.post(f"/a/{world.token}/background-check/disclosure",
                           data={"csrf_token": csrf_token(form_page.text)})
    assert unticked.status_code == 400
    with app.app_context():
        assert _count(Consent) == 0
    assert client.get("/a/not-a-token/background-check").status_code == 404
    assert status.headers["Referrer-Policy"] == "no-referrer"


def test_applicant_paid_refused_for_california(app: Flask, client: FlaskClient,
                                               world: World) -> None:
    with app.app_context():
        sign_both(world.ca_candidate_id)
    login(client, world.editor_email)
    reply = _order(client, world.ca_candidate_id, payer="applicant", fee="35")
    assert reply.status_code == 422
    assert "applicant-paid check refused: California does not allow" in reply.text
    with app.app_context():
        assert _count(BackgroundCheck) == 0


def test_fee_notice_for_applicant_paid_check(app: Flask, client: FlaskClient,
                                             world: World) -> None:
    with app.app_context():
        sign_both(world.candidate_id)
    login(client, world.editor_email)
    assert _order(client, world.candidate_id, payer="applicant", fee="29.99",
                  check_type="credit").status_code == 302
    client.get("/logout")
    page = client.get(f"/a/{world.token}/background-check")
    assert "Fee notice" in page.text and "$29.99" in page.text and "payment pending" in page.text


def test_bad_input_is_400(app: Flask, client: FlaskClient, world: World) -> None:
    with app.app_context():
        sign_both(world.candidate_id)
    login(client, world.editor_email)
    assert _order(client, world.candidate_id, check_type="dna").status_code == 400
    reply = _order(client, world.candidate_id, fee="ten")
    assert reply.status_code == 400 and "dollars" in reply.text


def test_adverse_action_flow_over_http(app: Flask, client: FlaskClient, world: World) -> None:
    with app.app_context():
        sign_both(world.candidate_id)
    login(client, world.editor_email)
    assert _order(client, world.candidate_id).status_code == 302
    with app.app_context():
        check_id = db.session.scalar(select(BackgroundCheck.id))
    base = f"{_panel_url(world.candidate_id)}/{check_id}"
    # Too early: no consider result yet.
    reply = client.post(f"{base}/pre-adverse-notice",
                        data={"report_copy": "yes", "summary_of_rights": "yes",
                              "csrf_token": _token(client, world.candidate_id)})
    assert reply.status_code == 409 and "result &#39;consider&#39;" in reply.text
    reply = client.post(f"{base}/outcome", data={"status": "complete", "result": "consider",
                                                 "csrf_token": _token(client, world.candidate_id)})
    assert reply.status_code == 302
    reply = client.post(f"{base}/final-adverse-action",
                        data={"csrf_token": _token(client, world.candidate_id)})
    assert reply.status_code == 409 and "needs a pre-adverse action notice first" in reply.text
    reply = client.post(f"{base}/pre-adverse-notice",
                        data={"report_copy": "yes",
                              "csrf_token": _token(client, world.candidate_id)})
    assert reply.status_code == 409 and "Summary of Your Rights" in reply.text
    reply = client.post(f"{base}/pre-adverse-notice",
                        data={"report_copy": "yes", "summary_of_rights": "yes",
                              "csrf_token": _token(client, world.candidate_id)})
    assert reply.status_code == 302
    reply = client.post(f"{base}/final-adverse-action",
                        data={"csrf_token": _token(client, world.candidate_id)})
    assert reply.status_code == 409 and "waiting period of 5 business days" in reply.text
    with app.app_context():
        kinds = [e.kind for e in db.session.scalars(select(BackgroundCheckEvent)
                                                    .order_by(BackgroundCheckEvent.id))]
        assert kinds == ["ordered", "status", "status", "pre_adverse_notice"]
        assert db.session.scalar(select(BackgroundCheck.status)) == "complete"


def test_final_adverse_action_after_waiting_period(app: Flask, client: FlaskClient,
                                                   world: World) -> None:
    with app.app_context():
        check = make_check(world.candidate_id, "complete", "consider")
        # The notice went out three weeks ago (time injected instead of waiting).
        service.send_pre_adverse_notice(db.session, check, report_copy_included=True,
                                        summary_of_rights_included=True, user_id=None,
                                        today=date.today() - timedelta(days=21))
        db.session.commit()
        check_id = check.id
    login(client, world.editor_email)
    reply = client.post(f"{_panel_url(world.candidate_id)}/{check_id}/final-adverse-action",
                        data={"csrf_token": _token(client, world.candidate_id)})
    assert reply.status_code == 302
    with app.app_context():
        event = db.session.scalar(select(BackgroundCheckEvent).where(
            BackgroundCheckEvent.kind == "final_adverse_action"))
        assert event is not None and event.source == "recruiter" and event.user_id is not None
        assert event.detail == {"taken_on": date.today().isoformat()}


def test_manual_outcome_transition_refused_is_409(app: Flask, client: FlaskClient,
                                                  world: World) -> None:
    with app.app_context():
        check_id = make_check(world.candidate_id, "pending").id
    login(client, world.editor_email)
    reply = client.post(f"{_panel_url(world.candidate_id)}/{check_id}/outcome",
                        data={"status": "invited",
                              "csrf_token": _token(client, world.candidate_id)})
    assert reply.status_code == 409 and "cannot move from &#39;pending&#39;" in reply.text


def _routes(candidate_id: int, check_id: int) -> list[tuple[str, str]]:
    base = _panel_url(candidate_id)
    return [("GET", base), ("POST", base), ("POST", f"{base}/{check_id}/outcome"),
            ("POST", f"{base}/{check_id}/payment"),
            ("POST", f"{base}/{check_id}/pre-adverse-notice"),
            ("POST", f"{base}/{check_id}/final-adverse-action")]


def test_foreign_ids_are_404_on_every_route(app: Flask, client: FlaskClient,
                                            world: World) -> None:
    with app.app_context():
        foreign_check = make_check(world.foreign_candidate_id, "complete", "consider").id
        own_check = make_check(world.candidate_id, "pending").id
    login(client, world.editor_email)
    token = _token(client, world.candidate_id)
    data = {"csrf_token": token, "status": "canceled", "check_type": "criminal",
            "payer": "company", "fee": "0", "payment_state": "paid"}
    for method, url in _routes(world.foreign_candidate_id, foreign_check):
        reply = client.open(url, method=method, data=data if method == "POST" else None)
        assert reply.status_code == 404, (method, url)
    # Someone else's check under one's own candidate is 404 too.
    for method, url in _routes(world.candidate_id, foreign_check)[2:]:
        assert client.open(url, method=method, data=data).status_code == 404, url
    # Ids that do not exist answer the same.
    assert client.get(_panel_url(999999)).status_code == 404
    with app.app_context():
        assert db.session.get(BackgroundCheck, foreign_check).status == "complete"
        assert db.session.get(BackgroundCheck, own_check).status == "pending"
        assert _count(BackgroundCheckEvent) == 0


def test_viewer_gets_403_and_anonymous_goes_to_login(app: Flask, client: FlaskClient,
                                                     world: World) -> None:
    with app.app_context():
        check_id = make_check(world.candidate_id, "pending").id
    assert client.get(_panel_url(world.candidate_id)).status_code in (302, 401)
    login(client, world.viewer_email)
    token = csrf_token(client.get("/recruiter/").text)
    data = {"csrf_token": token, "status": "canceled", "check_type": "criminal",
            "payer": "company", "fee": "0", "payment_state": "paid"}
    for method, url in _routes(world.candidate_id, check_id):
        reply = client.open(url, method=method, data=data if method == "POST" else None)
        assert reply.status_code == 403, (method, url)
    with app.app_context():
        assert db.session.get(BackgroundCheck, check_id).status == "pending"


@pytest.mark.parametrize("path", ["", "/1/outcome"])
def test_forms_need_csrf(app: Flask, client: FlaskClient, world: World, path: str) -> None:
    with app.app_context():
        sign_both(world.candidate_id)
        make_check(world.candidate_id, "pending")
    login(client, world.editor_email)
    reply = client.post(_panel_url(world.candidate_id) + path,
                        data={"check_type": "credit", "payer": "company", "status": "canceled"})
    assert reply.status_code == 400
    with app.app_context():
        assert _count(BackgroundCheckEvent) == 0


def test_unconfigured_provider_is_503(app: Flask, client: FlaskClient, world: World) -> None:
    app.config.update(BGCHECK_PROVIDER="checkr")  # no BGCHECK_CHECKR_API_KEY
    with app.app_context():
        sign_both(world.candidate_id)
    login(client, world.editor_email)
    reply = _order(client, world.candidate_id)
    assert reply.status_code == 503 and "needs an API key" in reply.text
    with app.app_context():
        assert _count(BackgroundCheck) == 0
