"""When to retry a webhook delivery, and what an attempt's outcome means.

The ladder is the Standard Webhooks example schedule ("Deliverability and reliability"):
attempt 1 immediately, then 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h and 24 h after
the previous failure — ten attempts over about 75.6 hours (≈ 3.1 days). Each delay gets
uniform random jitter of up to ±10 % so endpoints recovering from an outage are not hit by
every sender in lock-step.

Outcomes ("Delivery success and failure"): only 2xx is success; 410 Gone means the
receiver wants no more webhooks (disable the endpoint now); everything else — other status
codes including 3xx (redirects are never followed), timeouts, refused connections, TLS and
DNS errors, refused unsafe addresses — is a failed attempt to be retried. A ``Retry-After``
header (RFC 9110 §10.2.3: delay-seconds or an HTTP-date) is honoured by waiting the larger of
it and the ladder step, capped at :data:`MAX_RETRY_AFTER`.
"""

from __future__ import annotations

import enum
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Protocol

LADDER: tuple[timedelta, ...] = (
    timedelta(0),
    timedelta(seconds=5),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=5),
    timedelta(hours=10),
    timedelta(hours=14),
    timedelta(hours=20),
    timedelta(hours=24),
)
"""``LADDER[i]`` is the wait before attempt ``i + 1``; ``LADDER[0]`` (attempt 1) is zero."""

MAX_ATTEMPTS = len(LADDER)
JITTER_FRACTION = 0.10
MAX_RETRY_AFTER = timedelta(hours=24)
"""A receiver's ``Retry-After`` is honoured up to this long; longer values are cut to it."""

PERSISTENT_FAILURE_WINDOW = timedelta(days=5)
"""An endpoint whose every attempt has failed for this long is disabled (see
:func:`persistently_failing`); longer than one message's ladder so one bad event is not
enough."""


class RandomSource(Protocol):
    """What jitter needs from a random generator (``random.Random`` fits)."""

    def uniform(self, a: float, b: float) -> float: ...


_SYSTEM_RANDOM = secrets.SystemRandom()


class Outcome(enum.StrEnum):
    """What one attempt's result means for the message and its endpoint."""

    SUCCESS = "success"
    RETRY = "retry"
    DISABLE_ENDPOINT = "disable_endpoint"


def classify(status_code: int | None) -> Outcome:
    """Classify an attempt by its HTTP status; ``None`` means no response (network error,
    timeout, refused address) and is retried."""
    if status_code is None:
        return Outcome.RETRY
    if 200 <= status_code <= 299:
        return Outcome.SUCCESS
    if status_code == 410:
        return Outcome.DISABLE_ENDPOINT
    return Outcome.RETRY


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> timedelta | None:
    """Return the wait a ``Retry-After`` header asks for, or ``None`` if absent/unparsable.

    Accepts delay-seconds (``"120"``) and an HTTP-date (``"Wed, 21 Oct 2015 07:28:00
    GMT"``, measured from ``now``, an aware datetime defaulting to the clock). A date in the
    past means zero. The result is not capped here.
    """
    if value is None:
        return None
    text = value.strip()
    if not text:
        return None
    if text.isascii() and text.isdigit():
        # Digits only: guard int() against absurd lengths before converting.
        return MAX_RETRY_AFTER * 2 if len(text) > 9 else timedelta(seconds=int(text))
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when.tzinfo is None:  # "-0000" zone: RFC 5322 says UTC
        when = when.replace(tzinfo=UTC)
    current = now if now is not None else datetime.now(UTC)
    return max(when - current, timedelta(0))


def ladder_delay(attempt_number: int, rng: RandomSource | None = None) -> timedelta | None:
    """Return the jittered wait before attempt ``attempt_number + 1``, or ``None`` when
    ``attempt_number`` (1-based, the attempt that just failed) was the last one."""
    if attempt_number < 1:
        raise ValueError("attempt_number is 1-based: the number of the attempt that failed")
    if attempt_number >= MAX_ATTEMPTS:
        return None
    base = LADDER[attempt_number]
    factor = 1.0 + (rng or _SYSTEM_RANDOM).uniform(-JITTER_FRACTION, JITTER_FRACTION)
    return base * factor


def next_delay(
    attempt_number: int,
    retry_after_header: str | None,
    rng: RandomSource | None = None,
    *,
    now: datetime | None = None,
) -> timedelta | None:
    """Return how long to wait before the next attempt, or ``None`` to give up.

    ``attempt_number`` is the 1-based number of the attempt that just failed (1 = the
    immediate first attempt), so after attempt 1 the answer is about 5 s and after attempt
    10 it is ``None``. The delay is the ladder step with ±10 % jitter from ``rng``
    (injectable for tests), raised to the receiver's ``Retry-After`` when that is longer,
    never beyond :data:`MAX_RETRY_AFTER` for the ``Retry-After`` part. ``Retry-After`` never
    adds attempts past the ladder.
    """
    delay = ladder_delay(attempt_number, rng)
    if delay is None:
        return None
    requested = parse_retry_after(retry_after_header, now=now)
    if requested is not None:
        delay = max(delay, min(requested, MAX_RETRY_AFTER))
    return delay


@dataclass(frozen=True)
class RetryDecision:
    """What to do after an attempt.

    ``outcome`` is :func:`classify`'s verdict; ``give_up`` is true when a failed message
    has used its last attempt (or the endpoint is to be disabled); ``delay`` is the wait
    before the next attempt when there is one, else ``None``.
    """

    outcome: Outcome
    delay: timedelta | None
    give_up: bool


def decide(
    attempt_number: int,
    status_code: int | None,
    retry_after_header: str | None = None,
    rng: RandomSource | None = None,
    *,
    now: datetime | None = None,
) -> RetryDecision:
    """Combine :func:`classify` and :func:`next_delay` for the attempt that just ended."""
    outcome = classify(status_code)
    if outcome is not Outcome.RETRY:
        return RetryDecision(outcome=outcome, delay=None, give_up=outcome is not Outcome.SUCCESS)
    delay = next_delay(attempt_number, retry_after_header, rng, now=now)
    return RetryDecision(outcome=outcome, delay=delay, give_up=delay is None)


def persistently_failing(
    failing_since: datetime | None,
    now: datetime,
    window: timedelta = PERSISTENT_FAILURE_WINDOW,
) -> bool:
    """True when an endpoint has had no successful attempt since ``failing_since`` (the
    first failure after its last success; ``None`` = not failing) for at least ``window``.
    Both datetimes must be aware."""
    return failing_since is not None and now - failing_since >= window
