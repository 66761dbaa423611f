"""Every allowed and refused background-check status transition, and payment states."""

from __future__ import annotations

import itertools

import pytest

from screening.background_checks.rules import (
    CheckStatus,
    InvalidTransition,
    PaymentState,
    allowed_next,
    ordering_method,
    payment_transition,
    status_from_checkr_invitation,
    status_from_checkr_report,
    transition,
)

# Written out independently of rules.TRANSITIONS (Checkr invitation + report lifecycles).
EXPECTED_ALLOWED = {
    ("not_started", "invited"),
    ("not_started", "pending"),
    ("not_started", "canceled"),
    ("invited", "pending"),
    ("invited", "expired"),
    ("invited", "canceled"),
    ("expired", "invited"),
    ("pending", "suspended"),
    ("pending", "paused"),
    ("pending", "complete"),
    ("pending", "canceled"),
    ("suspended", "pending"),
    ("suspended", "complete"),
    ("suspended", "canceled"),
    ("paused", "pending"),
    ("paused", "complete"),
    ("paused", "canceled"),
    ("complete", "dispute"),
    ("complete", "pending"),
    ("dispute", "complete"),
}
STATUSES = [
    "not_started",
    "invited",
    "expired",
    "pending",
    "suspended",
    "paused",
    "complete",
    "canceled",
    "dispute",
]
ALL_PAIRS = list(itertools.product(STATUSES, STATUSES))


def test_status_names_match_the_product_list():
    assert {s.value for s in CheckStatus} == set(STATUSES)


@pytest.mark.parametrize(("current", "new"), ALL_PAIRS, ids=[f"{a}->{b}" for a, b in ALL_PAIRS])
def test_transition_matrix(current, new):
    result = "clear" if new == "complete" else None
    if (current, new) in EXPECTED_ALLOWED:
        assert transition(current, new, result) is None
        assert CheckStatus(new) in allowed_next(current)
    else:
        with pytest.raises(InvalidTransition) as info:
            transition(current, new, result)
        assert current in str(info.value)
        assert CheckStatus(new) not in allowed_next(current)


def test_refusal_names_the_allowed_next_statuses():
    with pytest.raises(InvalidTransition) as info:
        transition("complete", "invited")
    assert str(info.value) == (
        "background check cannot move from 'complete' to 'invited'; allowed next: dispute, pending"
    )


def test_final_status_says_so():
    with pytest.raises(InvalidTransition, match="'canceled', a final status"):
        transition("canceled", "pending")


def test_same_status_is_refused():
    with pytest.raises(InvalidTransition, match="already 'pending'"):
        transition("pending", "pending")


@pytest.mark.parametrize("result", ["clear", "consider"])
def test_complete_accepts_clear_or_consider(result):
    assert transition("pending", "complete", result) is None
    assert transition("dispute", "complete", result) is None


def test_complete_needs_a_result():
    with pytest.raises(InvalidTransition, match="needs a result: clear or consider"):
        transition("pending", "complete")


def test_other_statuses_take_no_result():
    with pytest.raises(InvalidTransition, match="only a complete background check has a result"):
        transition("pending", "suspended", "consider")


@pytest.mark.parametrize(("bad_from", "bad_to"), [("unknown", "pending"), ("pending", "done")])
def test_unknown_status_is_refused(bad_from, bad_to):
    with pytest.raises(InvalidTransition, match="unknown background-check status"):
        transition(bad_from, bad_to)


def test_unknown_result_is_refused():
    with pytest.raises(InvalidTransition, match="unknown background-check result"):
        transition("pending", "complete", "fail")


def test_enum_values_are_accepted():
    assert transition(CheckStatus.PENDING, CheckStatus.COMPLETE, "consider") is None


@pytest.mark.parametrize(
    ("checkr", "ours"),
    [("pending", "invited"), ("completed", "pending"), ("expired", "expired")],
)
def test_checkr_invitation_status_mapping(checkr, ours):
    assert status_from_checkr_invitation(checkr) == ours


@pytest.mark.parametrize(
    "status", ["pending", "suspended", "paused", "complete", "canceled", "dispute"]
)
def test_checkr_report_statuses_keep_their_names(status):
    assert status_from_checkr_report(status) == status


def test_unknown_checkr_statuses_are_refused():
    with pytest.raises(InvalidTransition):
        status_from_checkr_report("clear")
    with pytest.raises(InvalidTransition):
        status_from_checkr_invitation("sent")


def test_ordering_method():
    assert ordering_method(["criminal"]) == "report"
    assert ordering_method(["criminal", "credit"]) == "invitation"
    assert ordering_method(["employment_verification"]) == "invitation"


PAYMENT_ALLOWED = {("pending", "paid"), ("pending", "waived"), ("paid", "refunded")}
PAYMENT_PAIRS = list(itertools.product([s.value for s in PaymentState], repeat=2))


@pytest.mark.parametrize(
    ("current", "new"), PAYMENT_PAIRS, ids=[f"{a}->{b}" for a, b in PAYMENT_PAIRS]
)
def test_payment_transition_matrix(current, new):
    if (current, new) in PAYMENT_ALLOWED:
        assert payment_transition(current, new) is None
    else:
        with pytest.raises(InvalidTransition, match=f"payment cannot move from '{current}'"):
            payment_transition(current, new)


def test_unknown_payment_state_is_refused():
    with pytest.raises(InvalidTransition, match="unknown payment state"):
        payment_transition("pending", "charged")
