"""FCRA order: consents before ordering, pre-adverse notice, business-day waiting period."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from screening.background_checks.rules import (
    CheckResult,
    CheckStatus,
    FcraSteps,
    OutOfOrder,
    PreAdverseNotice,
    SignedDocument,
    add_business_days,
    ensure_can_order,
    ensure_can_send_pre_adverse_notice,
    ensure_can_take_final_adverse_action,
    final_adverse_action_earliest,
    is_business_day,
)

T0 = datetime(2025, 3, 1, 10, 0, tzinfo=UTC)
T1 = datetime(2025, 3, 1, 10, 5, tzinfo=UTC)
DISCLOSURE = SignedDocument("disclosure", "fcra-disclosure-v3", T0)
AUTHORIZATION = SignedDocument("authorization", "fcra-authorization-v2", T1)
CONSENTED = FcraSteps(disclosure=DISCLOSURE, authorization=AUTHORIZATION)

MON_3_MAR = date(2025, 3, 3)  # a Monday
GOOD_NOTICE = PreAdverseNotice(
    MON_3_MAR, report_copy_included=True, summary_of_rights_included=True
)
CONSIDER = FcraSteps(
    disclosure=DISCLOSURE,
    authorization=AUTHORIZATION,
    status=CheckStatus.COMPLETE,
    result=CheckResult.CONSIDER,
)
NOTICED = replace(CONSIDER, pre_adverse_notice=GOOD_NOTICE)


# ----------------------------------------------------------------------------- ordering


def test_order_allowed_with_both_consents_as_separate_documents():
    assert ensure_can_order(CONSENTED) is None
    assert ensure_can_order(replace(CONSENTED, status=CheckStatus.EXPIRED)) is None


def test_order_refused_without_any_consent():
    with pytest.raises(OutOfOrder) as info:
        ensure_can_order(FcraSteps())
    assert str(info.value) == (
        "cannot order a background check before the applicant signs the FCRA disclosure "
        "and the FCRA authorization"
    )


def test_order_refused_with_disclosure_only():
    with pytest.raises(OutOfOrder, match="signs the FCRA authorization$"):
        ensure_can_order(FcraSteps(disclosure=DISCLOSURE))


def test_order_refused_with_authorization_only():
    with pytest.raises(OutOfOrder, match="signs the FCRA disclosure$"):
        ensure_can_order(FcraSteps(authorization=AUTHORIZATION))


def test_order_refused_when_both_were_signed_on_one_document():
    same = SignedDocument("authorization", DISCLOSURE.document_id, T1)
    with pytest.raises(OutOfOrder, match="stand-alone document"):
        ensure_can_order(FcraSteps(disclosure=DISCLOSURE, authorization=same))


def test_order_refused_when_authorization_predates_disclosure():
    early = SignedDocument(
        "authorization", "fcra-authorization-v2", datetime(2025, 2, 1, tzinfo=UTC)
    )
    with pytest.raises(OutOfOrder, match="signed before the disclosure"):
        ensure_can_order(FcraSteps(disclosure=DISCLOSURE, authorization=early))


def test_order_refused_when_documents_are_swapped():
    with pytest.raises(OutOfOrder, match="mixed up"):
        ensure_can_order(FcraSteps(disclosure=AUTHORIZATION, authorization=DISCLOSURE))


@pytest.mark.parametrize("status", ["invited", "pending", "complete", "canceled"])
def test_order_refused_once_ordered(status):
    with pytest.raises(OutOfOrder, match=f"already ordered \\(status '{status}'\\)"):
        ensure_can_order(replace(CONSENTED, status=CheckStatus(status)))


# ----------------------------------------------------------------------- pre-adverse notice


def test_pre_adverse_notice_allowed_on_complete_consider_with_copy_and_rights():
    assert (
        ensure_can_send_pre_adverse_notice(
            CONSIDER, report_copy_included=True, summary_of_rights_included=True
        )
        is None
    )


@pytest.mark.parametrize(
    ("status", "result", "shown"),
    [
        ("complete", "clear", "complete/clear"),
        ("pending", None, "pending"),
        ("dispute", "consider", "dispute/consider"),
        ("suspended", None, "suspended"),
    ],
)
def test_pre_adverse_notice_needs_complete_consider(status, result, shown):
    steps = replace(
        CONSIDER,
        status=CheckStatus(status),
        result=None if result is None else CheckResult(result),
    )
    with pytest.raises(OutOfOrder) as info:
        ensure_can_send_pre_adverse_notice(
            steps, report_copy_included=True, summary_of_rights_included=True
        )
    assert str(info.value).endswith(f"the check is {shown}")


def test_pre_adverse_notice_needs_report_copy_and_summary_of_rights():
    with pytest.raises(OutOfOrder) as info:
        ensure_can_send_pre_adverse_notice(
            CONSIDER, report_copy_included=False, summary_of_rights_included=False
        )
    assert str(info.value) == (
        "the pre-adverse action notice must include a copy of the report and the Summary of "
        "Your Rights Under the FCRA"
    )
    with pytest.raises(OutOfOrder, match="must include the Summary of Your Rights"):
        ensure_can_send_pre_adverse_notice(
            CONSIDER, report_copy_included=True, summary_of_rights_included=False
        )


def test_pre_adverse_notice_only_once():
    with pytest.raises(OutOfOrder, match="already sent on 2025-03-03"):
        ensure_can_send_pre_adverse_notice(
            NOTICED, report_copy_included=True, summary_of_rights_included=True
        )


# -------------------------------------------------------------------------- business days


def test_business_day_basics():
    assert is_business_day(date(2025, 3, 7))  # Friday
    assert not is_business_day(date(2025, 3, 8))  # Saturday
    assert not is_business_day(date(2025, 3, 9))  # Sunday
    assert not is_business_day(date(2025, 5, 26), holidays=[date(2025, 5, 26)])
    assert add_business_days(date(2025, 3, 7), 1) == date(2025, 3, 10)  # Fri + 1 -> Mon
    assert add_business_days(date(2025, 3, 7), 0) == date(2025, 3, 7)
    assert add_business_days(date(2025, 3, 8), 1) == date(2025, 3, 10)  # Sat + 1 -> Mon


@pytest.mark.parametrize(
    ("sent_on", "days", "holidays", "earliest"),
    [
        # Mon 3 Mar: Tue 4, Wed 5, Thu 6, Fri 7, Mon 10 -> from Tue 11
        (date(2025, 3, 3), 5, (), date(2025, 3, 11)),
        # Wed 5 Mar: Thu 6, Fri 7, Mon 10, Tue 11, Wed 12 -> from Thu 13
        (date(2025, 3, 5), 5, (), date(2025, 3, 13)),
        # Fri 7 Mar: Mon 10 … Fri 14 -> from Sat 15
        (date(2025, 3, 7), 5, (), date(2025, 3, 15)),
        # sent on a Saturday: Mon 10 … Fri 14 -> from Sat 15
        (date(2025, 3, 8), 5, (), date(2025, 3, 15)),
        # Fri 23 May, Memorial Day Mon 26 off: Tue 27, Wed 28, Thu 29, Fri 30, Mon 2 Jun
        (date(2025, 5, 23), 5, (date(2025, 5, 26),), date(2025, 6, 3)),
        # same without the holiday list: Mon 26 … Fri 30 -> from Sat 31
        (date(2025, 5, 23), 5, (), date(2025, 5, 31)),
        # configurable: 7 business days from Mon 3 Mar -> Wed 12 is the 7th -> from Thu 13
        (date(2025, 3, 3), 7, (), date(2025, 3, 13)),
        (date(2025, 3, 3), 1, (), date(2025, 3, 5)),
    ],
)
def test_final_adverse_action_earliest(sent_on, days, holidays, earliest):
    assert final_adverse_action_earliest(sent_on, days, holidays) == earliest


@pytest.mark.parametrize("days", [0, -1, 2.5, True])
def test_waiting_period_must_be_a_positive_whole_number(days):
    with pytest.raises(ValueError, match="waiting period"):
        final_adverse_action_earliest(MON_3_MAR, days)


def test_datetimes_are_refused_to_avoid_timezone_surprises():
    with pytest.raises(TypeError, match="not a datetime"):
        final_adverse_action_earliest(datetime(2025, 3, 3, 23, 30, tzinfo=UTC))
    with pytest.raises(TypeError, match="not a datetime"):
        ensure_can_take_final_adverse_action(NOTICED, datetime(2025, 3, 20, tzinfo=UTC))


# ------------------------------------------------------------------ final adverse action


def test_final_adverse_action_refused_during_the_waiting_period():
    with pytest.raises(OutOfOrder) as info:
        ensure_can_take_final_adverse_action(NOTICED, date(2025, 3, 10))
    assert str(info.value) == (
        "the waiting period of 5 business days after the pre-adverse notice of 2025-03-03 runs "
        "until 2025-03-10; the final adverse action is possible from 2025-03-11"
    )


def test_final_adverse_action_allowed_from_the_earliest_day():
    assert ensure_can_take_final_adverse_action(NOTICED, date(2025, 3, 11)) is None
    assert ensure_can_take_final_adverse_action(NOTICED, date(2025, 4, 1)) is None


def test_final_adverse_action_respects_configured_days_and_holidays():
    with pytest.raises(OutOfOrder, match="possible from 2025-03-13"):
        ensure_can_take_final_adverse_action(NOTICED, date(2025, 3, 12), waiting_business_days=7)
    # a holiday on Fri 7 Mar pushes the 5th business day to Tue 11
    with pytest.raises(OutOfOrder, match="possible from 2025-03-12"):
        ensure_can_take_final_adverse_action(
            NOTICED, date(2025, 3, 11), holidays=[date(2025, 3, 7)]
        )


def test_final_adverse_action_needs_a_pre_adverse_notice():
    with pytest.raises(OutOfOrder, match="needs a pre-adverse action notice first"):
        ensure_can_take_final_adverse_action(CONSIDER, date(2025, 6, 1))


def test_final_adverse_action_needs_a_complete_notice():
    partial = PreAdverseNotice(
        MON_3_MAR, report_copy_included=True, summary_of_rights_included=False
    )
    with pytest.raises(OutOfOrder, match="lacked the report copy or the summary of rights"):
        ensure_can_take_final_adverse_action(
            replace(CONSIDER, pre_adverse_notice=partial), date(2025, 6, 1)
        )


def test_final_adverse_action_refused_while_disputed():
    disputed = replace(NOTICED, status=CheckStatus.DISPUTE)
    with pytest.raises(OutOfOrder, match="disputes the report"):
        ensure_can_take_final_adverse_action(disputed, date(2025, 6, 1))


def test_final_adverse_action_refused_when_dispute_cleared_the_report():
    cleared = replace(NOTICED, result=CheckResult.CLEAR)
    with pytest.raises(OutOfOrder, match="the check is complete/clear"):
        ensure_can_take_final_adverse_action(cleared, date(2025, 6, 1))


def test_final_adverse_action_only_once():
    done = replace(NOTICED, final_adverse_action_on=date(2025, 3, 12))
    with pytest.raises(OutOfOrder, match="already taken on 2025-03-12"):
        ensure_can_take_final_adverse_action(done, date(2025, 6, 1))
