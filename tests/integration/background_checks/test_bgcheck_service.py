"""The background-check service on SQLite and PostgreSQL: every status move the model allows
or refuses, FCRA ordering, who pays, the pre-adverse notice and the waiting period."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from flask import Flask
from sqlalchemy import func, select

from screening.background_checks import rules
from screening.background_checks.rules import CheckStatus
from screening.db import db
from screening.models.background_check import BackgroundCheck, BackgroundCheckEvent
from screening.models.candidate import Candidate, Consent
from screening.models.webhook import WebhookMessage
from screening.services import background_checks as service
from screening.services.consents import text_version
from tests.integration.background_checks.conftest import World, make_check, sign_both


def _result_for(status: CheckStatus) -> str | None:
    return "consider" if status == CheckStatus.COMPLETE else None


def _events(check_id: int) -> list[BackgroundCheckEvent]:
    return list(db.session.scalars(select(BackgroundCheckEvent)
                                   .where(BackgroundCheckEvent.check_id == check_id)))


@pytest.mark.parametrize("current", list(rules.TRANSITIONS), ids=lambda s: s.value)
def test_every_transition_from_status(app: Flask, world: World, current: CheckStatus) -> None:
    """From ``current`` each allowed status is reached (event + emitted update) and every other
    status is refused with nothing changed."""
    allowed = rules.TRANSITIONS[current]
    with app.app_context():
        for target in CheckStatus:
            check = make_check(world.candidate_id, current.value, _result_for(current),
                               check_type="criminal")
            if target in allowed:
                service.record_status(db.session, check, target, _result_for(target),
                                      source="system")
                db.session.commit()
                db.session.expire_all()
                stored = db.session.get(BackgroundCheck, check.id)
                assert (stored.status, stored.result) == (target.value, _result_for(target))
                [event] = _events(check.id)
                assert (event.kind, event.from_status, event.to_status, event.source) == (
                    "status", current.value, target.value, "system")
                assert event.at is not None
                message = db.session.scalar(
                    select(WebhookMessage).where(WebhookMessage.event_type == service.EVENT_TYPE)
                    .order_by(WebhookMessage.created_at.desc()).limit(1))
                assert message is not None and message.payload["check_id"] == check.id
                assert message.payload["status"] == target.value
            else:
                with pytest.raises(rules.InvalidTransition):
                    service.record_status(db.session, check, target, _result_for(target),
                                          source="system")
                db.session.rollback()
                db.session.expire_all()
                stored = db.session.get(BackgroundCheck, check.id)
                assert stored.status == current.value
                assert _events(check.id) == []
            db.session.execute(
                BackgroundCheckEvent.__table__.delete().where(
                    BackgroundCheckEvent.check_id == check.id))
            db.session.delete(db.session.get(BackgroundCheck, check.id))
            db.session.commit()
            db.session.expunge_all()


def test_complete_needs_a_result_and_other_statuses_none(app: Flask, world: World) -> None:
    with app.app_context():
        check = make_check(world.candidate_id, "pending")
        with pytest.raises(rules.InvalidTransition, match="needs a result"):
            service.record_status(db.session, check, "complete", None, source="recruiter")
        with pytest.raises(rules.InvalidTransition, match="only a complete"):
            service.record_status(db.session, check, "canceled", "clear", source="recruiter")
        assert db.session.get(BackgroundCheck, check.id).status == "pending"


def test_order_needs_disclosure_then_authorization(app: Flask, world: World) -> None:
    with app.app_context():
        cand = db.session.get(Candidate, world.candidate_id)
        with pytest.raises(rules.OutOfOrder, match="disclosure and the FCRA authorization"):
            service.order_check(db.session, cand, "criminal", "company", 0, user_id=None)
        db.session.rollback()
        with pytest.raises(rules.OutOfOrder, match="before the authorization"):
            service.sign_document(db.session, cand, service.AUTHORIZATION, ip=None,
                                  user_agent=None)
        service.sign_document(db.session, cand, service.DISCLOSURE, ip="10.0.0.9",
                              user_agent="Browser/1")
        with pytest.raises(rules.OutOfOrder, match="FCRA authorization"):
            service.order_check(db.session, cand, "criminal", "company", 0, user_id=None)
        db.session.rollback()
        assert db.session.scalar(select(func.count()).select_from(BackgroundCheck)) == 0
        service.sign_document(db.session, cand, service.AUTHORIZATION, ip="10.0.0.9",
                              user_agent="Browser/1")
        check = service.order_check(db.session, cand, "criminal", "company", 2500, user_id=None)
        db.session.commit()
        assert (check.status, check.provider, check.fee_cents) == ("pending", "manual", 2500)
        kinds = [(e.kind, e.source) for e in service.history(db.session, check)]
        assert kinds == [("ordered", "recruiter"), ("status", "system")]
        with pytest.raises(rules.OutOfOrder, match="already ordered"):
            service.order_check(db.session, cand, "criminal", "company", 0, user_id=None)
        consents = {c.kind: c for c in db.session.scalars(
            select(Consent).where(Consent.candidate_id == cand.id))}
        assert set(consents) == {"fcra_disclosure", "fcra_authorization"}
        disclosure = service.fcra_document(service.DISCLOSURE)
        assert consents["fcra_disclosure"].text_version == text_version(disclosure.text)
        versions = {c.text_version for c in consents.values()}
        assert len(versions) == 2
        assert (consents["fcra_disclosure"].ip, consents["fcra_disclosure"].user_agent) == (
            "10.0.0.9", "Browser/1")


def test_applicant_paid_refused_in_california_allowed_in_texas(app: Flask, world: World) -> None:
    with app.app_context():
        sign_both(world.ca_candidate_id)
        sign_both(world.candidate_id)
        ca = db.session.get(Candidate, world.ca_candidate_id)
        with pytest.raises(rules.PaymentRefused, match="California"):
            service.order_check(db.session, ca, "credit", "applicant", 3000, user_id=None)
        db.session.rollback()
        # The company may pay for the same check in California.
        check = service.order_check(db.session, ca, "credit", "company", 3000, user_id=None)
        assert check.payment_state is None
        tx = db.session.get(Candidate, world.candidate_id)
        paid = service.order_check(db.session, tx, "credit", "applicant", 3000, user_id=None)
        db.session.commit()
        assert (paid.payer, paid.payment_state) == ("applicant", "pending")
        service.record_payment(db.session, paid, "paid", user_id=None)
        with pytest.raises(rules.InvalidTransition):
            service.record_payment(db.session, paid, "waived", user_id=None)


def test_unknown_state_refuses_applicant_paid(app: Flask, world: World) -> None:
    with app.app_context():
        cand = db.session.get(Candidate, world.candidate_id)
        cand.state = None
        db.session.commit()
        sign_both(world.candidate_id)
        with pytest.raises(rules.PaymentRefused, match="unknown"):
            service.order_check(db.session, cand, "criminal", "applicant", 100, user_id=None)


def test_adverse_action_order_and_waiting_period(app: Flask, world: World) -> None:
    monday = date(2025, 3, 3)
    with app.app_context():
        check = make_check(world.candidate_id, "complete", "clear")
        with pytest.raises(rules.OutOfOrder, match="result 'consider'"):
            service.send_pre_adverse_notice(db.session, check, report_copy_included=True,
                                            summary_of_rights_included=True, user_id=None,
                                            today=monday)
        check.result = "consider"
        db.session.commit()
        with pytest.raises(rules.OutOfOrder, match="needs a pre-adverse"):
            service.take_final_adverse_action(db.session, check, user_id=None, today=monday)
        with pytest.raises(rules.OutOfOrder, match="Summary of Your Rights"):
            service.send_pre_adverse_notice(db.session, check, report_copy_included=True,
                                            summary_of_rights_included=False, user_id=None,
                                            today=monday)
        notice = service.send_pre_adverse_notice(db.session, check, report_copy_included=True,
                                                 summary_of_rights_included=True, user_id=None,
                                                 today=monday)
        db.session.commit()
        assert notice.detail["final_action_earliest"] == "2025-03-11"
        assert service.final_action_earliest(db.session, check) == date(2025, 3, 11)
        with pytest.raises(rules.OutOfOrder, match="possible from 2025-03-11"):
            service.take_final_adverse_action(db.session, check, user_id=None,
                                              today=date(2025, 3, 10))
        event = service.take_final_adverse_action(db.session, check, user_id=None,
                                                  today=date(2025, 3, 11))
        db.session.commit()
        assert (event.kind, event.detail["taken_on"]) == ("final_adverse_action", "2025-03-11")
        with pytest.raises(rules.OutOfOrder, match="already taken"):
            service.take_final_adverse_action(db.session, check, user_id=None,
                                              today=date(2025, 3, 12))


def test_waiting_period_and_holidays_are_configurable(app: Flask, world: World) -> None:
    app.config.update(BGCHECK_WAITING_BUSINESS_DAYS=2, BGCHECK_HOLIDAYS=["2025-03-04"])
    with app.app_context():
        check = make_check(world.candidate_id, "complete", "consider")
        service.send_pre_adverse_notice(db.session, check, report_copy_included=True,
                                        summary_of_rights_included=True, user_id=None,
                                        today=date(2025, 3, 3))
        # Business days Wed 5 and Thu 6 (Tue 4 is a holiday): possible from Fri 7.
        assert service.final_action_earliest(db.session, check) == date(2025, 3, 7)
        with pytest.raises(rules.OutOfOrder):
            service.take_final_adverse_action(db.session, check, user_id=None,
                                              today=date(2025, 3, 6))
        service.take_final_adverse_action(db.session, check, user_id=None,
                                          today=date(2025, 3, 7))


def test_dispute_blocks_final_action(app: Flask, world: World) -> None:
    with app.app_context():
        check = make_check(world.candidate_id, "complete", "consider")
        service.send_pre_adverse_notice(db.session, check, report_copy_included=True,
                                        summary_of_rights_included=True, user_id=None,
                                        today=date.today() - timedelta(days=30))
        service.record_status(db.session, check, "dispute", source="provider_webhook")
        db.session.commit()
        with pytest.raises(rules.OutOfOrder, match="disputes"):
            service.take_final_adverse_action(db.session, check, user_id=None)


def test_manual_outcome_refused_for_provider_run_checks(app: Flask, world: World) -> None:
    app.config.update(BGCHECK_CHECKR_API_KEY="ck_test_key")
    with app.app_context():
        check = make_check(world.candidate_id, "pending", provider="checkr")
        with pytest.raises(service.ManualOutcomeRefused, match="checkr"):
            service.record_manual_outcome(db.session, check, "complete", "clear", user_id=1)


@pytest.mark.parametrize(("raw", "cents"), [("29.99", 2999), ("$30", 3000), ("", 0), (15, 15)])
def test_parse_fee(raw: str | int, cents: int) -> None:
    assert service.parse_fee_cents(raw) == cents


@pytest.mark.parametrize("raw", ["abc", "1.234", "-1", "100000.01", "nan"])
def test_parse_fee_refuses(raw: str) -> None:
    with pytest.raises(service.InvalidInput):
        service.parse_fee_cents(raw)
