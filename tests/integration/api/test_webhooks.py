"""Outbound webhooks end to end: real HTTP receiver on 127.0.0.1, real RQ worker on Redis, real
PostgreSQL; signatures checked with the ``standardwebhooks`` reference library; the retry
schedule driven by an injected clock (``deliver_due(now=...)``)."""

from __future__ import annotations

import json
import time
from datetime import timedelta

import pytest
from flask import Flask
from rq import SimpleWorker
from sqlalchemy import select
from standardwebhooks.webhooks import Webhook

from screening.db import db, utcnow
from screening.jobs import set_worker_app
from screening.models.webhook import (
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookMessage,
)
from screening.queues import RQDispatcher
from screening.services import webhooks
from screening.services.orgs import ServiceError
from tests import factories
from tests.conftest import login
from tests.integration.api.conftest import Receiver


def _endpoint(receiver: Receiver, **kw) -> WebhookEndpoint:
    org = factories.org()
    endpoint = webhooks.register_endpoint(db.session, org.id, receiver.url, **kw)
    db.session.commit()
    return endpoint


def _deliveries(message_ids: list[str]) -> list[WebhookDelivery]:
    db.session.expire_all()
    rows = db.session.scalars(
        select(WebhookDelivery).where(WebhookDelivery.message_id.in_(message_ids))
    ).all()
    by_message = {row.message_id: row for row in rows}
    return [by_message[m] for m in message_ids]


def _statuses(delivery: WebhookDelivery) -> list[int | None]:
    return [a.status_code for a in webhooks.delivery_log(db.session, delivery.id)]


def test_emit_then_rq_worker_delivers_a_verifiable_webhook(hook_app: Flask, receiver: Receiver):
    set_worker_app(hook_app)
    with hook_app.app_context():
        endpoint = _endpoint(receiver)
        message = webhooks.emit(db.session, endpoint.org_id, "candidate.applied",
                                {"candidate_id": 7}, ordering_key="candidate:7")
        dispatcher = hook_app.extensions["screening.dispatcher"]
        assert isinstance(dispatcher, RQDispatcher)
        assert dispatcher.queue("webhooks").count == 0  # nothing before the commit
        db.session.commit()
        (delivery,) = _deliveries([message.id])
        assert dispatcher.queue("webhooks").job_ids == [f"webhook-{delivery.id}"]

        SimpleWorker([dispatcher.queue("webhooks")], connection=dispatcher.connection).work(
            burst=True)

        assert len(receiver.received) == 1
        got = receiver.received[0]
        payload = Webhook(endpoint.secret).verify(got.body, got.headers)
        assert payload["type"] == "candidate.applied"
        assert payload["data"] == {"candidate_id": 7}
        assert got.headers["webhook-id"] == message.id
        (delivery,) = _deliveries([message.id])
        assert (delivery.status, delivery.attempt_count, delivery.last_status_code) == (
            "succeeded", 1, 200)
        assert _statuses(delivery) == [200]


def test_unavailable_receiver_gets_every_event_once_in_order_after_recovery(
    hook_app: Flask, receiver: Receiver
) -> None:
    set_worker_app(hook_app)
    receiver.script = [503, 503, 503]
    with hook_app.app_context():
        endpoint = _endpoint(receiver)
        t0 = utcnow()
        emitted: dict[str, list[str]] = {"a": [], "b": []}
        for step in range(3):
            for cand in ("a", "b"):
                msg = webhooks.emit(db.session, endpoint.org_id, "candidate.stage_changed",
                                    {"candidate": cand, "step": step},
                                    ordering_key=f"candidate:{cand}", now=t0)
                emitted[cand].append(msg.id)
        db.session.commit()
        all_ids = emitted["a"] + emitted["b"]

        webhooks.deliver_due(db.session, now=t0)
        # a1 and b1 failed (503); everything behind them waits.
        assert [r.answered for r in receiver.received] == [503, 503]
        a1 = _deliveries([emitted["a"][0]])[0]
        assert a1.status == "pending" and a1.attempt_count == 1
        assert t0 + timedelta(seconds=4.5) <= a1.next_attempt_at <= t0 + timedelta(seconds=5.5)

        webhooks.deliver_due(db.session, now=t0 + timedelta(seconds=10))
        # a1 fails a third time; b1 recovers and b2, b3 follow in the same pass.
        assert [r.answered for r in receiver.received] == [503, 503, 503, 200, 200, 200]
        a1 = _deliveries([emitted["a"][0]])[0]
        assert a1.next_attempt_at >= t0 + timedelta(seconds=10 + 270)  # 5 min ± 10 %
        assert {d.status for d in _deliveries(emitted["a"])} == {"pending"}

        webhooks.deliver_due(db.session, now=t0 + timedelta(hours=1))
        assert [d.status for d in _deliveries(all_ids)] == ["succeeded"] * 6
        assert _statuses(_deliveries([emitted["a"][0]])[0]) == [503, 503, 200]

        # Every request is a valid Standard Webhooks request; each id accepted exactly once.
        seen: dict[str, list[str]] = {"a": [], "b": []}
        accepted: list[str] = []
        for got in receiver.received:
            payload = Webhook(endpoint.secret).verify(got.body, got.headers)
            seen[payload["data"]["candidate"]].append(got.headers["webhook-id"])
            if got.answered == 200:
                accepted.append(got.headers["webhook-id"])
        assert sorted(accepted) == sorted(all_ids) and len(accepted) == len(set(accepted))
        for cand in ("a", "b"):
            # in order per candidate: a later event is never sent before an earlier one is in
            assert list(dict.fromkeys(seen[cand])) == emitted[cand]
            assert [i for i in accepted if i in emitted[cand]] == emitted[cand]

        # The tasks dispatched to Redis along the way are harmless duplicates now.
        before = len(receiver.received)
        dispatcher = hook_app.extensions["screening.dispatcher"]
        assert dispatcher.queue("webhooks").count >= 6
        SimpleWorker([dispatcher.queue("webhooks")], connection=dispatcher.connection).work(
            burst=True)
        assert len(receiver.received) == before


def test_gone_disables_the_endpoint(hook_app: Flask, receiver: Receiver) -> None:
    receiver.default = 410
    with hook_app.app_context():
        endpoint = _endpoint(receiver)
        first = webhooks.emit(db.session, endpoint.org_id, "candidate.applied", {"n": 1},
                              ordering_key="candidate:1")
        second = webhooks.emit(db.session, endpoint.org_id, "candidate.applied", {"n": 2},
                               ordering_key="candidate:2")
        db.session.commit()
        results = webhooks.deliver_due(db.session)
        assert list(results.values()) == ["failed"]  # the second is not even attempted
        assert len(receiver.received) == 1
        db.session.expire_all()
        row = db.session.get(WebhookEndpoint, endpoint.id)
        assert row.enabled is False and "410" in (row.disabled_reason or "")
        d1, d2 = _deliveries([first.id, second.id])
        assert (d1.status, d2.status) == ("failed", "skipped")
        # No new deliveries for a disabled endpoint; redelivery is refused.
        third = webhooks.emit(db.session, endpoint.org_id, "candidate.applied", {"n": 3})
        db.session.commit()
        assert db.session.scalars(select(WebhookDelivery).where(
            WebhookDelivery.message_id == third.id)).all() == []
        with pytest.raises(ServiceError, match="disabled"):
            webhooks.redeliver(db.session, endpoint.org_id, d1.id)
        # The admins are told: an audit event and a notice on their dashboard.
        from screening.models.audit import AuditEvent
        from screening.models.org import Organization

        event = db.session.scalar(select(AuditEvent).where(
            AuditEvent.action == "webhook_endpoint.disabled"))
        assert event is not None and event.subject_id == endpoint.id
        org = db.session.get(Organization, endpoint.org_id)
        admin = factories.user(org, role="admin")
        recruiter = factories.user(org, role="recruiter")
        admin_email, recruiter_email, url = admin.email, recruiter.email, endpoint.url
    client = hook_app.test_client()
    login(client, admin_email)
    page = client.get("/recruiter/")
    assert "Webhook endpoints switched off" in page.text and url in page.text
    other = hook_app.test_client()
    login(other, recruiter_email)
    assert "Webhook endpoints switched off" not in other.get("/recruiter/").text


def test_failing_receiver_is_given_up_after_the_ladder(hook_app: Flask,
                                                       receiver: Receiver) -> None:
    receiver.default = 500
    with hook_app.app_context():
        endpoint = _endpoint(receiver)
        msg = webhooks.emit(db.session, endpoint.org_id, "scorecard.ready", {"x": 1})
        db.session.commit()
        now = utcnow()
        start = now
        for _ in range(12):
            webhooks.deliver_due(db.session, now=now)
            (delivery,) = _deliveries([msg.id])
            if delivery.status != "pending":
                break
            now = delivery.next_attempt_at
        assert delivery.status == "failed" and delivery.attempt_count == 10
        assert len(receiver.received) == 10
        # about three days (75.6 h ± 10 % jitter) from first to last attempt
        assert timedelta(hours=68) <= now - start <= timedelta(hours=84)
        assert db.session.get(WebhookEndpoint, endpoint.id).enabled is True


def test_redelivery_keeps_the_id_and_signs_anew(hook_app: Flask, receiver: Receiver) -> None:
    with hook_app.app_context():
        endpoint = _endpoint(receiver, event_types=["candidate.applied"])
        msg = webhooks.emit(db.session, endpoint.org_id, "candidate.applied", {"n": 1})
        skipped = webhooks.emit(db.session, endpoint.org_id, "scorecard.ready", {"n": 2})
        db.session.commit()
        assert _deliveries([msg.id])[0].status == "pending"
        assert db.session.scalars(select(WebhookDelivery).where(
            WebhookDelivery.message_id == skipped.id)).all() == []  # not subscribed
        webhooks.deliver_due(db.session)
        time.sleep(1.05)  # the signature timestamp has one-second resolution
        (delivery,) = _deliveries([msg.id])
        webhooks.redeliver(db.session, endpoint.org_id, delivery.id)
        db.session.commit()
        webhooks.deliver_due(db.session)
        first, again = receiver.received
        assert first.headers["webhook-id"] == again.headers["webhook-id"] == msg.id
        assert first.headers["webhook-timestamp"] != again.headers["webhook-timestamp"]
        assert first.headers["webhook-signature"] != again.headers["webhook-signature"]
        assert first.body == again.body
        for got in (first, again):
            Webhook(endpoint.secret).verify(got.body, got.headers)
        with pytest.raises(ServiceError):
            webhooks.redeliver(db.session, endpoint.org_id + 999, delivery.id)


def test_rotation_signs_with_old_and_new_secret(hook_app: Flask, receiver: Receiver) -> None:
    with hook_app.app_context():
        endpoint = _endpoint(receiver)
        old = endpoint.secret
        new = webhooks.rotate_secret(db.session, endpoint)
        webhooks.emit(db.session, endpoint.org_id, "candidate.applied", {"n": 1})
        db.session.commit()
        webhooks.deliver_due(db.session)
        (got,) = receiver.received
        assert len(got.headers["webhook-signature"].split()) == 2
        assert Webhook(new).verify(got.body, got.headers) == Webhook(old).verify(
            got.body, got.headers)
        assert json.loads(got.body)["data"] == {"n": 1}
        log = db.session.scalars(select(WebhookAttempt)).all()
        assert [a.status_code for a in log] == [200]
        assert db.session.get(WebhookMessage, got.headers["webhook-id"]) is not None


def test_registration_refuses_unsafe_urls(hook_app: Flask, pg_app: Flask) -> None:
    with hook_app.app_context():
        org = factories.org()
        for url in ("http://10.0.0.5/hook", "http://169.254.169.254/latest",
                    "http://user:pw@127.0.0.1/", "ftp://127.0.0.1/"):
            with pytest.raises(ServiceError, match="refused"):
                webhooks.register_endpoint(db.session, org.id, url)
        with pytest.raises(ServiceError, match="unknown event type"):
            webhooks.register_endpoint(db.session, org.id, "http://127.0.0.1:9/hook",
                                       event_types=["candidate.deleted_everything"])
    with pg_app.app_context():  # loopback not allowed by default
        org = factories.org()
        with pytest.raises(ServiceError, match="loopback"):
            webhooks.register_endpoint(db.session, org.id, "http://127.0.0.1:9/hook")


def test_embedded_mode_delivers_in_a_background_thread(tmp_path, receiver: Receiver) -> None:
    """No Redis: the in-process runner sends the webhook; SQLite database."""
    import screening.models  # noqa: F401
    from screening.db import Base
    from screening.queues import ThreadDispatcher
    from tests.conftest import build_app

    app = build_app(tmp_path, f"sqlite:///{tmp_path / 'embedded.db'}",
                    webhook_allow_loopback=True)
    Base.metadata.create_all(app.extensions["screening.db"].engine)
    try:
        with app.app_context():
            endpoint = _endpoint(receiver)
            msg = webhooks.emit(db.session, endpoint.org_id, "candidate.applied", {"n": 1})
            db.session.commit()
            deadline = time.monotonic() + 20
            while _deliveries([msg.id])[0].status != "succeeded":
                assert time.monotonic() < deadline, "the embedded runner did not deliver"
                time.sleep(0.05)
            (got,) = receiver.received
            assert Webhook(endpoint.secret).verify(got.body, got.headers)["data"] == {"n": 1}
    finally:
        dispatcher = app.extensions["screening.dispatcher"]
        assert isinstance(dispatcher, ThreadDispatcher)
        dispatcher.shutdown()
        app.extensions["screening.db"].dispose()
