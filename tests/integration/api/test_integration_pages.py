"""Admins' integration settings pages: API keys shown once, revocation, webhook endpoints."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from screening.db import db
from screening.models.api_key import ApiKey
from screening.models.audit import AuditEvent
from screening.models.org import Organization
from tests import factories
from tests.conftest import csrf_token, login
from tests.integration.api.conftest import Tenant

KEY_RE = re.compile(r'id="new-api-key">(sk_[0-9a-f]{8}_[A-Za-z0-9_-]{43})<')


def _login(app: Flask, client: FlaskClient, org_id: int, role: str) -> None:
    with app.app_context():
        user = factories.user(db.session.get(Organization, org_id), role=role)
        email = user.email
    assert login(client, email).status_code == 302


def test_only_admins_see_the_page(app: Flask, api: FlaskClient, tenants: tuple[Tenant, Tenant]):
    a, _ = tenants
    _login(app, api, a.org_id, "recruiter")
    assert api.get("/recruiter/settings/integrations").status_code == 403


def test_admin_creates_key_shown_once_then_revokes_it(app: Flask, api: FlaskClient,
                                                      tenants: tuple[Tenant, Tenant]):
    a, b = tenants
    _login(app, api, a.org_id, "admin")
    page = api.get("/recruiter/settings/integrations")
    assert page.status_code == 200 and "sk_" in page.text  # existing keys by prefix
    created = api.post("/recruiter/settings/api-keys", data={
        "name": "ATS sync", "scopes": ["read", "write"], "csrf_token": csrf_token(page.text)})
    assert created.status_code == 201
    assert created.headers["Cache-Control"] == "no-store"
    match = KEY_RE.search(created.text)
    assert match, "the new key is shown"
    plain = match.group(1)
    assert "Set-Cookie" not in created.headers or plain not in created.headers["Set-Cookie"]
    again = api.get("/recruiter/settings/integrations")
    assert plain not in again.text and f"sk_{plain.split('_')[1]}_" in again.text

    bearer = {"Authorization": f"Bearer {plain}"}
    assert api.get("/api/v1/jobs", headers=bearer).status_code == 200
    with app.app_context():
        row = db.session.scalar(select(ApiKey).where(ApiKey.name == "ATS sync"))
        assert row.org_id == a.org_id and row.scopes == {"scopes": ["read", "write"]}
        key_id = row.id
    token = csrf_token(again.text)
    # another organization's key is not found
    assert api.post(f"/recruiter/settings/api-keys/{b.read_key_id}/revoke",
                    data={"csrf_token": token}).status_code == 404
    assert api.get("/api/v1/jobs", headers=b.headers()).status_code == 200
    revoked = api.post(f"/recruiter/settings/api-keys/{key_id}/revoke",
                       data={"csrf_token": token})
    assert revoked.status_code == 302
    assert api.get("/api/v1/jobs", headers=bearer).status_code == 401
    with app.app_context():
        actions = db.session.scalars(select(AuditEvent.action).where(
            AuditEvent.subject_type == "api_key").order_by(AuditEvent.id)).all()
        assert actions == ["api_key.created", "api_key.revoked"]


def test_bad_key_form_and_unsafe_webhook_url_are_422(app: Flask, api: FlaskClient,
                                                     tenants: tuple[Tenant, Tenant]):
    a, _ = tenants
    _login(app, api, a.org_id, "admin")
    token = csrf_token(api.get("/recruiter/settings/integrations").text)
    response = api.post("/recruiter/settings/api-keys",
                        data={"name": "x", "scopes": ["admin"], "csrf_token": token})
    assert response.status_code == 422 and "unknown scope" in response.text
    response = api.post("/recruiter/settings/webhooks",
                        data={"url": "http://169.254.169.254/latest", "csrf_token": token})
    assert response.status_code == 422 and "refused" in response.text
    response = api.post("/recruiter/settings/webhooks",
                        data={"url": "https://93.184.215.14/hooks", "csrf_token": token,
                              "event_types": "candidate.applied"})
    assert response.status_code == 201
    assert re.search(r'id="new-webhook-secret">whsec_[A-Za-z0-9+/=]+<', response.text)


def test_delivery_log_page_and_redeliver_refused_when_disabled(
    app: Flask, api: FlaskClient, tenants: tuple[Tenant, Tenant]
):
    from screening.models.webhook import (
        WebhookAttempt,
        WebhookDelivery,
        WebhookEndpoint,
        WebhookMessage,
    )

    a, b = tenants
    with app.app_context():
        endpoint = WebhookEndpoint(org_id=a.org_id, url="https://93.184.215.14/h",
                                   secret="whsec_" + "A" * 44, enabled=False,
                                   disabled_reason="the receiver answered 410 Gone")
        db.session.add(endpoint)
        db.session.add(WebhookMessage(id="msg_0123456789abcdef0123456789abcdef",
                                      org_id=a.org_id, event_type="candidate.applied",
                                      payload={"candidate_id": 1}))
        db.session.flush()
        delivery = WebhookDelivery(endpoint_id=endpoint.id,
                                   message_id="msg_0123456789abcdef0123456789abcdef",
                                   status="failed", attempt_count=1, last_status_code=410)
        db.session.add(delivery)
        db.session.flush()
        db.session.add(WebhookAttempt(delivery_id=delivery.id, status_code=410, duration_ms=12))
        db.session.commit()
        endpoint_id, delivery_id = endpoint.id, delivery.id
    _login(app, api, a.org_id, "admin")
    page = api.get(f"/recruiter/settings/webhooks/{endpoint_id}")
    assert page.status_code == 200
    assert "msg_0123456789abcdef0123456789abcdef" in page.text and "410 Gone" in page.text
    token = csrf_token(page.text)
    response = api.post(f"/recruiter/settings/webhooks/deliveries/{delivery_id}/redeliver",
                        data={"csrf_token": token})
    assert response.status_code == 409 and "disabled" in response.text
    # another organization's admin sees neither the endpoint nor the delivery
    other = app.test_client()
    _login(app, other, b.org_id, "admin")
    assert other.get(f"/recruiter/settings/webhooks/{endpoint_id}").status_code == 404
    token = csrf_token(other.get("/recruiter/settings/integrations").text)
    assert other.post(f"/recruiter/settings/webhooks/deliveries/{delivery_id}/redeliver",
                      data={"csrf_token": token}).status_code == 404
