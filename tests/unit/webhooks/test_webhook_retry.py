"""The retry ladder, jitter, Retry-After and outcome classification."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from screening.integrations.webhooks.retry import (
    LADDER,
    MAX_ATTEMPTS,
    MAX_RETRY_AFTER,
    Outcome,
    classify,
    decide,
    ladder_delay,
    next_delay,
    parse_retry_after,
    persistently_failing,
)


class FixedRandom:
    """``uniform`` returning the point ``fraction`` of the way from ``a`` to ``b``."""

    def __init__(self, fraction: float) -> None:
        self.fraction = fraction

    def uniform(self, a: float, b: float) -> float:
        return a + (b - a) * self.fraction


MIDDLE = FixedRandom(0.5)  # no jitter
NOW = datetime(2025, 3, 1, 12, 0, 0, tzinfo=UTC)


def test_ladder_is_the_spec_schedule_over_about_three_days():
    assert [int(d.total_seconds()) for d in LADDER] == [
        0,
        5,
        300,
        1800,
        7200,
        18000,
        36000,
        50400,
        72000,
        86400,
    ]
    assert MAX_ATTEMPTS == 10
    assert sum(LADDER, timedelta()) == timedelta(hours=75, minutes=35, seconds=5)


def test_next_delay_walks_the_ladder_then_gives_up():
    delays = [next_delay(n, None, MIDDLE) for n in range(1, MAX_ATTEMPTS + 1)]
    assert delays[:-1] == list(LADDER[1:])
    assert delays[-1] is None
    assert next_delay(11, None, MIDDLE) is None
    with pytest.raises(ValueError):
        next_delay(0, None, MIDDLE)


def test_jitter_is_at_most_ten_percent_either_way():
    assert next_delay(3, None, FixedRandom(0.0)) == timedelta(minutes=27)
    assert next_delay(3, None, FixedRandom(1.0)) == timedelta(minutes=33)
    rng = random.Random(1234)
    samples = [ladder_delay(4, rng) for _ in range(500)]
    seconds = [s.total_seconds() for s in samples if s is not None]
    assert len(seconds) == 500
    assert min(seconds) >= 7200 * 0.9 and max(seconds) <= 7200 * 1.1
    assert max(seconds) - min(seconds) > 7200 * 0.15  # really spread, not constant


def test_default_rng_jitters_within_bounds():
    values = {next_delay(2, None) for _ in range(20)}
    assert len(values) > 1
    assert all(
        v is not None and timedelta(minutes=4.5) <= v <= timedelta(minutes=5.5) for v in values
    )


def test_retry_after_seconds_wins_when_longer():
    assert next_delay(1, "120", MIDDLE) == timedelta(seconds=120)  # ladder says 5 s
    assert next_delay(3, "120", MIDDLE) == timedelta(minutes=30)  # ladder is longer
    assert next_delay(1, " 60 ", MIDDLE) == timedelta(seconds=60)


def test_retry_after_http_date():
    later = "Sat, 01 Mar 2025 13:00:00 GMT"  # one hour after NOW
    assert parse_retry_after(later, now=NOW) == timedelta(hours=1)
    assert next_delay(2, later, MIDDLE, now=NOW) == timedelta(hours=1)
    past = "Sat, 01 Mar 2025 11:00:00 GMT"
    assert parse_retry_after(past, now=NOW) == timedelta(0)
    assert next_delay(2, past, MIDDLE, now=NOW) == timedelta(minutes=5)


def test_retry_after_is_capped():
    assert next_delay(1, str(7 * 24 * 3600), MIDDLE) == MAX_RETRY_AFTER
    assert next_delay(1, "9" * 40, MIDDLE) == MAX_RETRY_AFTER
    assert next_delay(1, "Fri, 01 Mar 2030 00:00:00 GMT", MIDDLE, now=NOW) == MAX_RETRY_AFTER


@pytest.mark.parametrize("header", [None, "", "soon", "-5", "1.5", "Sat, 99 Foo 2025"])
def test_unusable_retry_after_is_ignored(header):
    assert next_delay(2, header, MIDDLE, now=NOW) == timedelta(minutes=5)


def test_retry_after_never_adds_attempts():
    assert next_delay(MAX_ATTEMPTS, "60", MIDDLE) is None


@pytest.mark.parametrize(
    ("status", "outcome"),
    [
        (200, Outcome.SUCCESS),
        (201, Outcome.SUCCESS),
        (204, Outcome.SUCCESS),
        (299, Outcome.SUCCESS),
        (199, Outcome.RETRY),
        (300, Outcome.RETRY),
        (301, Outcome.RETRY),
        (302, Outcome.RETRY),
        (400, Outcome.RETRY),
        (404, Outcome.RETRY),
        (409, Outcome.RETRY),
        (410, Outcome.DISABLE_ENDPOINT),
        (429, Outcome.RETRY),
        (500, Outcome.RETRY),
        (503, Outcome.RETRY),
        (None, Outcome.RETRY),
    ],
)
def test_classify(status, outcome):
    assert classify(status) is outcome


def test_decide():
    success = decide(3, 200, None, MIDDLE)
    assert (success.outcome, success.delay, success.give_up) == (Outcome.SUCCESS, None, False)
    gone = decide(1, 410, "60", MIDDLE)
    assert (gone.outcome, gone.delay, gone.give_up) == (Outcome.DISABLE_ENDPOINT, None, True)
    failed = decide(2, 503, "600", MIDDLE)
    assert (failed.outcome, failed.delay, failed.give_up) == (
        Outcome.RETRY,
        timedelta(minutes=10),
        False,
    )
    network = decide(1, None, None, MIDDLE)
    assert network.delay == timedelta(seconds=5) and not network.give_up
    last = decide(MAX_ATTEMPTS, 500, None, MIDDLE)
    assert (last.outcome, last.delay, last.give_up) == (Outcome.RETRY, None, True)


def test_persistently_failing():
    assert not persistently_failing(None, NOW)
    assert not persistently_failing(NOW - timedelta(days=4, hours=23), NOW)
    assert persistently_failing(NOW - timedelta(days=5), NOW)
    assert persistently_failing(NOW - timedelta(hours=2), NOW, window=timedelta(hours=1))
