"""Math answer comparison and section counts."""

from __future__ import annotations

import math

import pytest

from screening.scoring.math import (
    MathResult,
    clock_distance,
    clock_matches,
    math_explanation,
    round_half_up,
    score_math,
    within_tolerance,
)


def test_round_half_up_uses_the_decimal_value():
    # 2.675 is stored as 2.67499999...: round() gives 2.67, a cashier gives 2.68
    assert round(2.675, 2) == 2.67
    assert round_half_up(2.675, 2) == 2.68
    assert round_half_up(2.345, 2) == 2.35
    assert round_half_up(298.6575, 2) == 298.66
    assert round_half_up(2.5, 0) == 3.0
    assert round_half_up(93.84615, 1) == 93.8
    with pytest.raises(ValueError):
        round_half_up(math.inf, 2)


def test_within_tolerance():
    assert within_tolerance(12.5, 12.51, 0.01)
    assert not within_tolerance(12.5, 12.52, 0.01)
    assert within_tolerance(0.1 + 0.2, 0.3, 0.0)  # float noise never decides
    assert not within_tolerance(math.nan, 1.0, 1.0)
    with pytest.raises(ValueError):
        within_tolerance(1, 1, -1)


def test_clock_distance_wraps_midnight():
    assert clock_distance(1430, 10) == 20  # 11:50 PM to 12:10 AM
    assert clock_distance(600, 600 + 1440) == 0
    assert clock_matches(15 * 60, 15 * 60, 0)
    assert not clock_matches(15 * 60, 3 * 60, 0)


def test_score_math():
    result = score_math([True, False, None, True])
    assert result == MathResult(total=4, answered=3, correct=2, percent=50.0)
    assert math_explanation(result) == "2 of 4 math problems correct (50%)"
    assert score_math([]).percent == 0.0
