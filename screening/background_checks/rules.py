"""Background-check domain rules: Checkr status model, FCRA order, who pays.

Pure functions and small frozen records; no Flask, no database, no network. The only file read
is the package's own data file ``data/restricted_fee_states.json`` (loaded once).

Status model (source: Checkr API docs)
--------------------------------------
Checkr has two objects behind one background check:

* the **invitation** (``/v1/invitations``; statuses ``pending``, ``completed``, ``expired``;
  ``DELETE /v1/invitations/:id`` cancels one that is still pending; default lifetime 7 days);
* the **report** (``/v1/reports``; statuses ``pending``, ``suspended``, ``paused``,
  ``complete``, ``canceled``, ``dispute``; ``result`` ``clear`` | ``consider`` once complete).
  Report lifecycle per docs.checkr.com "Check report status" and the Reports API:
  ``suspended`` = on hold until the candidate provides information (``report.suspended``,
  ``report.resumed`` back to pending; after 30 days Checkr completes it); ``paused`` = waiting
  for a Review Action to continue (back to pending) or skip the remaining screenings
  (complete); ``POST /v1/reports/:id/complete`` completes a pending or suspended report
  (``canceled`` when every screening was canceled); ``dispute`` = the candidate disputes a
  completed report (adjudication is blocked until resolved, then it is complete again);
  a package upgrade (``report.upgraded``) re-opens a complete report (pending).

A check's status in this product (:class:`CheckStatus`) folds the two together::

    not_started  -> invited (invitation sent) | pending (report ordered directly) | canceled
    invited      -> pending (invitation completed, report created) | expired | canceled
    expired      -> invited (a new invitation is sent; Checkr never revives an expired one)
    pending      -> suspended | paused | complete | canceled
    suspended    -> pending (resumed) | complete | canceled
    paused       -> pending (review action: continue) | complete (skip remaining) | canceled
    complete     -> dispute | pending (package upgrade)
    dispute      -> complete (dispute resolved; result may change)
    canceled     -> (final)

``expired`` is the Checkr *invitation* status surfaced on the check; the other names are
Checkr's report statuses. ``complete`` needs a ``result`` (clear | consider); every other status
has none. Moving to the status a check already has is refused — a caller replaying a provider
webhook should compare first and treat "same status" as already applied.

FCRA order (15 U.S.C. § 1681b(b))
---------------------------------
* Ordering needs the disclosure (§ 1681b(b)(2)(A)(i): "in a document that consists solely of
  the disclosure") and the written authorization (§ 1681b(b)(2)(A)(ii)). The statute lets the
  authorization sit on the disclosure document; this product is stricter and keeps them as two
  signed documents (see Gilberg v. California Check Cashing Stores, 9th Cir. 2019, on extra
  content in the disclosure), and requires the authorization not to predate the disclosure.
* Pre-adverse action (§ 1681b(b)(3)(A)): before taking adverse action based on the report,
  give the applicant a copy of the report and the CFPB "Summary of Your Rights Under the FCRA".
  Only a ``complete`` check with result ``consider`` can lead to it.
* Final adverse action: only after the pre-adverse notice and a waiting period of N business
  days (default 5, a common practice the FTC has called reasonable; Checkr's default wait is
  7 days, so configure it). Business days skip Saturday, Sunday and the holidays given.
  The day the notice is sent does not count; the final action may be taken from the calendar
  day after the N-th business day. Never while the candidate disputes the report.

Who pays
--------
``payer`` company | applicant; ``fee_cents`` a non-negative integer of US cents; payment states
``pending -> paid | waived``, ``paid -> refunded``; ``waived`` and ``refunded`` are final.
Applicant-paid checks are refused in the states listed in ``data/restricted_fee_states.json``
(the list is data with statute citations; see :func:`applicant_paid_allowed`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from functools import lru_cache
from importlib import resources
from typing import Any


class InvalidTransition(ValueError):
    """A status change the model does not allow (HTTP 409 at the API)."""


class OutOfOrder(Exception):
    """An FCRA step attempted before the steps it depends on (HTTP 409 at the API)."""


class PaymentRefused(ValueError):
    """Payment terms that are not allowed (applicant pays where the state forbids it)."""


class CheckStatus(StrEnum):
    NOT_STARTED = "not_started"
    INVITED = "invited"
    EXPIRED = "expired"
    PENDING = "pending"
    SUSPENDED = "suspended"
    PAUSED = "paused"
    COMPLETE = "complete"
    CANCELED = "canceled"
    DISPUTE = "dispute"


class CheckResult(StrEnum):
    CLEAR = "clear"
    CONSIDER = "consider"


class CheckType(StrEnum):
    CRIMINAL = "criminal"
    CREDIT = "credit"
    EMPLOYMENT_VERIFICATION = "employment_verification"


class Payer(StrEnum):
    COMPANY = "company"
    APPLICANT = "applicant"


class PaymentState(StrEnum):
    PENDING = "pending"
    PAID = "paid"
    WAIVED = "waived"
    REFUNDED = "refunded"


S = CheckStatus

TRANSITIONS: Mapping[CheckStatus, frozenset[CheckStatus]] = {
    S.NOT_STARTED: frozenset({S.INVITED, S.PENDING, S.CANCELED}),
    S.INVITED: frozenset({S.PENDING, S.EXPIRED, S.CANCELED}),
    S.EXPIRED: frozenset({S.INVITED}),
    S.PENDING: frozenset({S.SUSPENDED, S.PAUSED, S.COMPLETE, S.CANCELED}),
    S.SUSPENDED: frozenset({S.PENDING, S.COMPLETE, S.CANCELED}),
    S.PAUSED: frozenset({S.PENDING, S.COMPLETE, S.CANCELED}),
    S.COMPLETE: frozenset({S.DISPUTE, S.PENDING}),
    S.DISPUTE: frozenset({S.COMPLETE}),
    S.CANCELED: frozenset(),
}
"""Which status may follow which (see the module docstring for the Checkr source)."""

FINAL_STATUSES: frozenset[CheckStatus] = frozenset(
    status for status, nxt in TRANSITIONS.items() if not nxt
)

PAYMENT_TRANSITIONS: Mapping[PaymentState, frozenset[PaymentState]] = {
    PaymentState.PENDING: frozenset({PaymentState.PAID, PaymentState.WAIVED}),
    PaymentState.PAID: frozenset({PaymentState.REFUNDED}),
    PaymentState.WAIVED: frozenset(),
    PaymentState.REFUNDED: frozenset(),
}

CHECKR_INVITATION_STATUS: Mapping[str, CheckStatus] = {
    "pending": S.INVITED,
    "completed": S.PENDING,
    "expired": S.EXPIRED,
}
"""Checkr invitation status -> check status (a completed invitation has created a report)."""

CHECKR_REPORT_STATUS: Mapping[str, CheckStatus] = {
    "pending": S.PENDING,
    "suspended": S.SUSPENDED,
    "paused": S.PAUSED,
    "complete": S.COMPLETE,
    "canceled": S.CANCELED,
    "dispute": S.DISPUTE,
}
"""Checkr report status -> check status (same names)."""

INVITATION_ONLY_TYPES: frozenset[CheckType] = frozenset(
    {CheckType.CREDIT, CheckType.EMPLOYMENT_VERIFICATION}
)
"""Check types Checkr orders only through an invitation (its Reports API refuses credit checks
and employment verifications: "use the /invitations API")."""


def _parse_status(value: str | CheckStatus) -> CheckStatus:
    try:
        return CheckStatus(value)
    except ValueError:
        known = ", ".join(s.value for s in CheckStatus)
        raise InvalidTransition(
            f"unknown background-check status {value!r} (known: {known})"
        ) from None


def _parse_result(value: str | CheckResult | None) -> CheckResult | None:
    if value is None:
        return None
    try:
        return CheckResult(value)
    except ValueError:
        raise InvalidTransition(
            f"unknown background-check result {value!r} (known: clear, consider)"
        ) from None


def allowed_next(current: str | CheckStatus) -> frozenset[CheckStatus]:
    """Statuses that may follow ``current`` (empty for a final status)."""
    return TRANSITIONS[_parse_status(current)]


def transition(
    current: str | CheckStatus,
    new: str | CheckStatus,
    result: str | CheckResult | None = None,
) -> None:
    """Check that a background check may move from ``current`` to ``new``.

    Returns ``None`` when allowed; raises :class:`InvalidTransition` with a message naming the
    allowed next statuses otherwise. ``result`` must be ``clear`` or ``consider`` exactly when
    ``new`` is ``complete``.
    """
    cur = _parse_status(current)
    nxt = _parse_status(new)
    res = _parse_result(result)
    if cur == nxt:
        raise InvalidTransition(f"background check is already {cur.value!r}")
    allowed = TRANSITIONS[cur]
    if nxt not in allowed:
        if not allowed:
            raise InvalidTransition(
                f"background check is {cur.value!r}, a final status; it cannot move to "
                f"{nxt.value!r}"
            )
        names = ", ".join(sorted(s.value for s in allowed))
        raise InvalidTransition(
            f"background check cannot move from {cur.value!r} to {nxt.value!r}; "
            f"allowed next: {names}"
        )
    if nxt == S.COMPLETE and res is None:
        raise InvalidTransition("a complete background check needs a result: clear or consider")
    if nxt != S.COMPLETE and res is not None:
        raise InvalidTransition(
            f"only a complete background check has a result; {nxt.value!r} got {res.value!r}"
        )


def status_from_checkr_invitation(status: str) -> CheckStatus:
    """Map a Checkr invitation status (pending | completed | expired) to a check status."""
    try:
        return CHECKR_INVITATION_STATUS[status]
    except KeyError:
        raise InvalidTransition(f"unknown Checkr invitation status {status!r}") from None


def status_from_checkr_report(status: str) -> CheckStatus:
    """Map a Checkr report status to a check status (identical names)."""
    try:
        return CHECKR_REPORT_STATUS[status]
    except KeyError:
        raise InvalidTransition(f"unknown Checkr report status {status!r}") from None


def ordering_method(check_types: Iterable[str | CheckType]) -> str:
    """``"invitation"`` when any type must go through Checkr's hosted apply flow (credit,
    employment verification), else ``"report"`` (a report may be ordered directly when the
    candidate's details are already collected)."""
    types = {CheckType(t) for t in check_types}
    return "invitation" if types & INVITATION_ONLY_TYPES else "report"


# --------------------------------------------------------------------------- FCRA order

DEFAULT_WAITING_BUSINESS_DAYS = 5


@dataclass(frozen=True)
class SignedDocument:
    """A consent document the applicant signed: ``kind`` is ``disclosure`` or
    ``authorization``; ``document_id`` identifies the exact text version shown."""

    kind: str
    document_id: str
    signed_at: datetime


@dataclass(frozen=True)
class PreAdverseNotice:
    """The pre-adverse action notice as sent (``sent_on`` in the employer's local date)."""

    sent_on: date
    report_copy_included: bool
    summary_of_rights_included: bool


@dataclass(frozen=True)
class FcraSteps:
    """The FCRA-relevant record of one background check.

    ``disclosure`` / ``authorization``: the signed consents (``None`` when not signed).
    ``status`` / ``result``: the check's current status and result.
    ``pre_adverse_notice``: the notice sent, if any. ``final_adverse_action_on``: the date the
    final adverse action was taken, if any.
    """

    disclosure: SignedDocument | None = None
    authorization: SignedDocument | None = None
    status: CheckStatus = CheckStatus.NOT_STARTED
    result: CheckResult | None = None
    pre_adverse_notice: PreAdverseNotice | None = None
    final_adverse_action_on: date | None = None


def _as_date(value: date, name: str) -> date:
    if isinstance(value, datetime):
        raise TypeError(
            f"{name} must be a date in the employer's local calendar, not a datetime "
            f"({value!r}); convert with .astimezone(tz).date() first"
        )
    return value


def ensure_can_order(steps: FcraSteps) -> None:
    """Raise :class:`OutOfOrder` unless the check may be ordered now.

    Needs: status ``not_started`` or ``expired`` (re-invite); a signed disclosure and a signed
    authorization, as two different documents, the authorization not before the disclosure.
    """
    if steps.status not in (S.NOT_STARTED, S.EXPIRED):
        raise OutOfOrder(
            f"the background check was already ordered (status {steps.status.value!r})"
        )
    missing = [
        name
        for name, doc in (("disclosure", steps.disclosure), ("authorization", steps.authorization))
        if doc is None
    ]
    if missing:
        raise OutOfOrder(
            "cannot order a background check before the applicant signs the FCRA "
            + " and the FCRA ".join(missing)
        )
    assert steps.disclosure is not None and steps.authorization is not None
    if steps.disclosure.kind != "disclosure" or steps.authorization.kind != "authorization":
        raise OutOfOrder(
            "consents are mixed up: expected a 'disclosure' and an 'authorization' document, got "
            f"{steps.disclosure.kind!r} and {steps.authorization.kind!r}"
        )
    if steps.disclosure.document_id == steps.authorization.document_id:
        raise OutOfOrder(
            "the FCRA disclosure must be a stand-alone document; the authorization was signed on "
            f"the same document ({steps.disclosure.document_id!r})"
        )
    if steps.authorization.signed_at < steps.disclosure.signed_at:
        raise OutOfOrder("the authorization was signed before the disclosure was shown")


def ensure_can_send_pre_adverse_notice(
    steps: FcraSteps, *, report_copy_included: bool, summary_of_rights_included: bool
) -> None:
    """Raise :class:`OutOfOrder` unless a pre-adverse action notice may be sent now.

    Needs a ``complete`` check with result ``consider``, no notice sent yet, and the notice must
    carry a copy of the report and the Summary of Rights.
    """
    if steps.pre_adverse_notice is not None:
        raise OutOfOrder(
            f"a pre-adverse action notice was already sent on "
            f"{steps.pre_adverse_notice.sent_on.isoformat()}"
        )
    if steps.status != S.COMPLETE or steps.result != CheckResult.CONSIDER:
        shown = steps.status.value + (f"/{steps.result.value}" if steps.result else "")
        raise OutOfOrder(
            "a pre-adverse action notice needs a complete report with result 'consider'; "
            f"the check is {shown}"
        )
    lacking = [
        text
        for text, present in (
            ("a copy of the report", report_copy_included),
            ("the Summary of Your Rights Under the FCRA", summary_of_rights_included),
        )
        if not present
    ]
    if lacking:
        raise OutOfOrder("the pre-adverse action notice must include " + " and ".join(lacking))


def is_business_day(day: date, holidays: Iterable[date] = ()) -> bool:
    """Monday–Friday and not in ``holidays``."""
    day = _as_date(day, "day")
    return day.weekday() < 5 and day not in set(holidays)


def add_business_days(start: date, days: int, holidays: Iterable[date] = ()) -> date:
    """The ``days``-th business day after ``start`` (``start`` itself never counts).

    ``days == 0`` returns ``start``. Business days skip Saturday, Sunday and ``holidays``.
    """
    start = _as_date(start, "start")
    if isinstance(days, bool) or not isinstance(days, int) or days < 0:
        raise ValueError(f"number of business days must be an integer >= 0, got {days!r}")
    off = {_as_date(h, "holiday") for h in holidays}
    current = start
    counted = 0
    while counted < days:
        current += timedelta(days=1)
        if current.weekday() < 5 and current not in off:
            counted += 1
    return current


def final_adverse_action_earliest(
    notice_sent_on: date,
    waiting_business_days: int = DEFAULT_WAITING_BUSINESS_DAYS,
    holidays: Iterable[date] = (),
) -> date:
    """First calendar day a final adverse action may be taken after a notice sent that day.

    = the day after the ``waiting_business_days``-th business day following the notice day, so
    the applicant has that many whole business days to respond. With the default 5: a notice
    sent Monday 2025-03-03 gives business days Tue–Mon and an earliest date of Tuesday
    2025-03-11.
    """
    if (
        isinstance(waiting_business_days, bool)
        or not isinstance(waiting_business_days, int)
        or waiting_business_days < 1
    ):
        raise ValueError(
            f"waiting period must be at least 1 business day, got {waiting_business_days!r}"
        )
    last = add_business_days(notice_sent_on, waiting_business_days, holidays)
    return last + timedelta(days=1)


def ensure_can_take_final_adverse_action(
    steps: FcraSteps,
    today: date,
    *,
    waiting_business_days: int = DEFAULT_WAITING_BUSINESS_DAYS,
    holidays: Iterable[date] = (),
) -> None:
    """Raise :class:`OutOfOrder` unless the final adverse action may be taken on ``today``.

    Needs: a pre-adverse notice sent (with report copy and summary of rights), the check not in
    dispute and still complete/consider, no final action taken yet, and ``today`` on or after
    :func:`final_adverse_action_earliest`.
    """
    today = _as_date(today, "today")
    if steps.final_adverse_action_on is not None:
        raise OutOfOrder(
            "the final adverse action was already taken on "
            f"{steps.final_adverse_action_on.isoformat()}"
        )
    notice = steps.pre_adverse_notice
    if notice is None:
        raise OutOfOrder("a final adverse action needs a pre-adverse action notice first")
    if not (notice.report_copy_included and notice.summary_of_rights_included):
        raise OutOfOrder(
            "the pre-adverse action notice lacked the report copy or the summary of rights; "
            "send a complete notice and wait again"
        )
    if steps.status == S.DISPUTE:
        raise OutOfOrder("the applicant disputes the report; wait until the dispute is resolved")
    if steps.status != S.COMPLETE or steps.result != CheckResult.CONSIDER:
        shown = steps.status.value + (f"/{steps.result.value}" if steps.result else "")
        raise OutOfOrder(
            f"a final adverse action needs a complete report with result 'consider'; the check "
            f"is {shown}"
        )
    earliest = final_adverse_action_earliest(notice.sent_on, waiting_business_days, holidays)
    if today < earliest:
        raise OutOfOrder(
            f"the waiting period of {waiting_business_days} business days after the "
            f"pre-adverse notice of {notice.sent_on.isoformat()} runs until "
            f"{(earliest - timedelta(days=1)).isoformat()}; the final adverse action is "
            f"possible from {earliest.isoformat()}"
        )


# --------------------------------------------------------------------------- who pays


def payment_transition(current: str | PaymentState, new: str | PaymentState) -> None:
    """Check a payment-state change; raise :class:`InvalidTransition` when not allowed."""
    try:
        cur = PaymentState(current)
        nxt = PaymentState(new)
    except ValueError:
        raise InvalidTransition(
            f"unknown payment state in {current!r} -> {new!r} "
            "(known: pending, paid, waived, refunded)"
        ) from None
    allowed = PAYMENT_TRANSITIONS[cur]
    if nxt not in allowed:
        names = ", ".join(sorted(s.value for s in allowed)) or "nothing (final)"
        raise InvalidTransition(
            f"payment cannot move from {cur.value!r} to {nxt.value!r}; allowed next: {names}"
        )


@lru_cache(maxsize=1)
def restricted_fee_states() -> Mapping[str, Mapping[str, Any]]:
    """The restricted-states data: two-letter code -> entry (name, level, citations, notes)."""
    text = (
        resources.files("screening.background_checks")
        .joinpath("data/restricted_fee_states.json")
        .read_text(encoding="utf-8")
    )
    data = json.loads(text)
    return {entry["code"]: entry for entry in data["states"]}


US_STATE_CODES: frozenset[str] = frozenset(
    "AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH "
    "NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY PR GU VI AS MP".split()
)
"""The 50 states, DC and the inhabited territories (USPS codes)."""


def applicant_paid_allowed(state_code: str | None) -> tuple[bool, str]:
    """May the applicant be made to pay for the check, given the state they live/work in?

    Returns ``(allowed, reason)``. Conservative: a state listed in the data file (whether it
    prohibits the practice outright or restricts it for some records) refuses, and an unknown
    state (``None``) refuses too. Raises ``ValueError`` for a code that is not a US state.
    """
    if state_code is None or not state_code.strip():
        return False, "the applicant's state is unknown, so an applicant-paid check is refused"
    code = state_code.strip().upper()
    if code not in US_STATE_CODES:
        raise ValueError(f"{state_code!r} is not a US state or territory code")
    entry = restricted_fee_states().get(code)
    if entry is None:
        return True, f"{code} has no listed law against charging applicants for the check"
    citations = "; ".join(entry["citations"])
    return False, (
        f"{entry['name']} does not allow charging applicants for background checks "
        f"({entry['level']}): {citations}"
    )


def check_payment_terms(payer: str | Payer, fee_cents: int, state_code: str | None) -> None:
    """Validate who pays and how much; raise :class:`PaymentRefused` (or ``ValueError`` for a
    malformed fee) when not allowed. ``fee_cents``: integer US cents, >= 0."""
    try:
        who = Payer(payer)
    except ValueError:
        raise PaymentRefused(f"payer must be 'company' or 'applicant', got {payer!r}") from None
    if isinstance(fee_cents, bool) or not isinstance(fee_cents, int) or fee_cents < 0:
        raise PaymentRefused(f"fee must be a whole number of cents >= 0, got {fee_cents!r}")
    if who == Payer.APPLICANT:
        allowed, reason = applicant_paid_allowed(state_code)
        if not allowed:
            raise PaymentRefused(f"applicant-paid check refused: {reason}")
