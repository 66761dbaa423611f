"""Admins' integration settings: API keys (create — the key is shown once —, list, revoke) and
webhook endpoints (add, enable/disable, rotate the secret, delivery log, redeliver).

Routes hang on the recruiter blueprint (login required); only admins may use them (403).
The plain API key and a new webhook secret are rendered in the response body only, never put in
the flash (the session cookie is signed, not encrypted), and the page is sent ``no-store``.
"""

from __future__ import annotations

from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from screening.db import db
from screening.models.webhook import WebhookDelivery, WebhookEndpoint, WebhookMessage
from screening.services import api_keys as key_service
from screening.services import audit
from screening.services import webhooks as webhook_service
from screening.services.orgs import ServiceError
from screening.web.recruiter import bp
from screening.web.scoping import current_org_id


def _require_admin() -> None:
    if current_user.role != "admin":
        abort(403, description="Only admins can manage API keys and webhooks.")


def _render(status: int = 200, **extra: object) -> Response:
    org_id = current_org_id()
    endpoints = db.session.scalars(
        select(WebhookEndpoint).where(WebhookEndpoint.org_id == org_id)
        .order_by(WebhookEndpoint.id)
    ).all()
    html = render_template(
        "recruiter/integrations.html",
        keys=key_service.list_keys(db.session, org_id),
        endpoints=endpoints,
        scopes=key_service.SCOPES,
        **extra,
    )
    response = make_response(html, status)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/settings/integrations")
def integrations() -> Response:
    _require_admin()
    return _render()


@bp.post("/settings/api-keys")
def api_key_create() -> Response:
    _require_admin()
    try:
        row, plain = key_service.create_key(
            db.session, current_org_id(), request.form.get("name", ""),
            request.form.getlist("scopes"), created_by=current_user.id,
        )
    except ServiceError as exc:
        db.session.rollback()
        return _render(422, error=str(exc))
    audit.record("api_key.created", org_id=row.org_id, user_id=current_user.id,
                 subject_type="api_key", subject_id=row.id,
                 detail={"name": row.name, "scopes": row.scopes.get("scopes", [])})
    db.session.commit()
    return _render(201, new_key=plain, new_key_name=row.name)


@bp.post("/settings/api-keys/<int:key_id>/revoke")
def api_key_revoke(key_id: int) -> Response:
    _require_admin()
    try:
        row = key_service.revoke(db.session, current_org_id(), key_id)
    except ServiceError:
        abort(404)
    audit.record("api_key.revoked", org_id=row.org_id, user_id=current_user.id,
                 subject_type="api_key", subject_id=row.id)
    db.session.commit()
    flash(f"API key “{row.name}” revoked; it is refused from now on.")
    return redirect(url_for("recruiter.integrations"))


@bp.post("/settings/webhooks")
def webhook_create() -> Response:
    _require_admin()
    types = [t for t in request.form.get("event_types", "").replace(",", " ").split() if t]
    try:
        endpoint = webhook_service.register_endpoint(
            db.session, current_org_id(), request.form.get("url", ""),
            event_types=types or None, description=request.form.get("description", ""),
        )
    except ServiceError as exc:
        db.session.rollback()
        return _render(422, error=str(exc))
    audit.record("webhook_endpoint.created", org_id=endpoint.org_id, user_id=current_user.id,
                 subject_type="webhook_endpoint", subject_id=endpoint.id,
                 detail={"url": endpoint.url})
    db.session.commit()
    return _render(201, new_secret=endpoint.secret, new_secret_url=endpoint.url)


def _endpoint_or_404(endpoint_id: int) -> WebhookEndpoint:
    try:
        return webhook_service.get_endpoint(db.session, current_org_id(), endpoint_id)
    except ServiceError:
        abort(404)


@bp.post("/settings/webhooks/<int:endpoint_id>/state")
def webhook_state(endpoint_id: int) -> Response:
    _require_admin()
    endpoint = _endpoint_or_404(endpoint_id)
    enable = request.form.get("enabled") == "1"
    webhook_service.set_enabled(endpoint, enable)
    audit.record("webhook_endpoint.enabled" if enable else "webhook_endpoint.disabled",
                 org_id=endpoint.org_id, user_id=current_user.id,
                 subject_type="webhook_endpoint", subject_id=endpoint.id)
    db.session.commit()
    flash(f"Endpoint {endpoint.url} {'enabled' if enable else 'disabled'}.")
    return redirect(url_for("recruiter.integrations"))


@bp.post("/settings/webhooks/<int:endpoint_id>/rotate")
def webhook_rotate(endpoint_id: int) -> Response:
    _require_admin()
    endpoint = _endpoint_or_404(endpoint_id)
    secret = webhook_service.rotate_secret(db.session, endpoint)
    audit.record("webhook_endpoint.secret_rotated", org_id=endpoint.org_id,
                 user_id=current_user.id, subject_type="webhook_endpoint",
                 subject_id=endpoint.id)
    db.session.commit()
    return _render(200, new_secret=secret, new_secret_url=endpoint.url, rotated=True)


@bp.get("/settings/webhooks/<int:endpoint_id>")
def webhook_log(endpoint_id: int) -> str:
    _require_admin()
    endpoint = _endpoint_or_404(endpoint_id)
    rows = db.session.execute(
        select(WebhookDelivery, WebhookMessage)
        .join(WebhookMessage, WebhookMessage.id == WebhookDelivery.message_id)
        .where(WebhookDelivery.endpoint_id == endpoint.id)
        .order_by(WebhookDelivery.id.desc())
        .limit(100)
    ).all()
    attempts = {
        delivery.id: webhook_service.delivery_log(db.session, delivery.id)
        for delivery, _ in rows
    }
    return render_template("recruiter/webhook_log.html", endpoint=endpoint, rows=rows,
                           attempts=attempts)


@bp.post("/settings/webhooks/deliveries/<int:delivery_id>/redeliver")
def webhook_redeliver(delivery_id: int) -> Response:
    _require_admin()
    try:
        delivery = webhook_service.redeliver(db.session, current_org_id(), delivery_id)
    except ServiceError as exc:
        db.session.rollback()
        if "no such" in str(exc):
            abort(404)
        abort(409, description=str(exc))
    db.session.commit()
    flash(f"Delivery {delivery.id} queued again (same message id, new signature).")
    return redirect(url_for("recruiter.webhook_log", endpoint_id=delivery.endpoint_id))
