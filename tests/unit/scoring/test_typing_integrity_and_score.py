"""Implausible-timing flags and the typing section score."""

from __future__ import annotations

import random

import pytest

from screening.scoring.typing import (
    KeyEvent,
    accuracy_factor,
    key_interval_cv,
    speed_points,
    timing_flags,
    typing_metrics,
    typing_score,
)


def at_intervals(intervals: list[float], key: str = "a") -> list[KeyEvent]:
    t = 0.0
    out = [KeyEvent(t, key)]
    for gap in intervals:
        t += gap
        out.append(KeyEvent(t, key))
    return out


def codes(flags) -> set[str]:
    return {f.code for f in flags}


def test_constant_intervals_are_flagged():
    log = at_intervals([150.0] * 29)  # 30 keys, 150 ms apart: 80 wpm, perfectly even
    assert key_interval_cv(log) == 0.0
    m = typing_metrics("a" * 30, log)
    assert codes(timing_flags(log, m.raw_wpm)) == {"uniform_key_intervals"}


def test_jittered_script_below_threshold_is_flagged():
    # 150 ms +/- 10 ms: sd of uniform(-10, 10) = 20/sqrt(12) = 5.77; cv = 5.77/150 = 0.04
    rng = random.Random(1)
    log = at_intervals([150 + rng.uniform(-10, 10) for _ in range(40)])
    cv = key_interval_cv(log)
    assert cv is not None and cv < 0.15
    assert "uniform_key_intervals" in codes(timing_flags(log, 80.0))


def test_human_like_rhythm_is_not_flagged():
    # log-normal intervals with sigma 0.5 have cv = sqrt(exp(0.25) - 1) = 0.53
    rng = random.Random(7)
    log = at_intervals([rng.lognormvariate(5.0, 0.5) for _ in range(60)])
    cv = key_interval_cv(log)
    assert cv is not None and cv > 0.3
    assert timing_flags(log, 60.0) == []


def test_rhythm_check_needs_twenty_keys():
    assert timing_flags(at_intervals([150.0] * 18), 80.0) == []  # 19 keys
    assert codes(timing_flags(at_intervals([150.0] * 19), 80.0)) == {"uniform_key_intervals"}


def test_all_keys_at_one_instant_count_as_uniform():
    log = [KeyEvent(0.0, "a")] * 25
    assert key_interval_cv(log) == 0.0
    assert "uniform_key_intervals" in codes(timing_flags(log, 0.0))


def test_speed_above_200_wpm_is_flagged():
    assert codes(timing_flags([], 200.0)) == set()
    flags = timing_flags([], 231.4)
    assert codes(flags) == {"implausible_speed"}
    assert flags[0].message == "raw speed 231 wpm is above the 200 wpm plausibility limit"


def test_fast_constant_bot_gets_both_flags():
    # 300 keys 40 ms apart: duration 299*40 = 11960 ms; raw = 300/5/(11960/60000) = 301 wpm
    log = at_intervals([40.0] * 299)
    m = typing_metrics("a" * 300, log)
    assert m.raw_wpm == pytest.approx(300 / 5 / (11960 / 60000))
    assert codes(timing_flags(log, m.raw_wpm)) == {"implausible_speed", "uniform_key_intervals"}


def test_speed_points():
    assert speed_points(0, 35) == 0.0
    assert speed_points(17.5, 35) == pytest.approx(35.0)  # half the threshold: 70 * 0.5
    assert speed_points(35, 35) == pytest.approx(70.0)
    assert speed_points(52.5, 35) == pytest.approx(85.0)  # 70 + 30 * 0.5
    assert speed_points(70, 35) == pytest.approx(100.0)
    assert speed_points(500, 35) == 100.0
    with pytest.raises(ValueError):
        speed_points(10, 0)


def test_accuracy_factor():
    assert accuracy_factor(100, 95, 70) == 1.0
    assert accuracy_factor(95, 95, 70) == 1.0
    assert accuracy_factor(82.5, 95, 70) == pytest.approx(0.5)  # (82.5 - 70) / 25
    assert accuracy_factor(70, 95, 70) == 0.0
    assert accuracy_factor(10, 95, 70) == 0.0
    with pytest.raises(ValueError):
        accuracy_factor(90, 70, 95)


def test_typing_score_example():
    score, explanation = typing_score(48.0, 96.0, 35.0)
    # speed: 70 + 30 * (48/35 - 1) = 70 + 30 * 13/35 = 81.142...; accuracy 96 >= 95 -> x1
    assert score == 81.1
    assert explanation == "48 wpm at 96% accuracy; job threshold 35 wpm"


def test_typing_score_accuracy_penalty_and_clamp():
    # 35 wpm at the 35 threshold = 70 points; 85% accuracy -> (85-70)/25 = 0.6 -> 42
    assert typing_score(35.0, 85.0, 35.0)[0] == 42.0
    assert typing_score(200.0, 100.0, 35.0)[0] == 100.0
    assert typing_score(0.0, 0.0, 35.0) == (0.0, "0 wpm at 0% accuracy; job threshold 35 wpm")
    assert typing_score(40.0, 99.0, 32.5)[1] == "40 wpm at 99% accuracy; job threshold 32.5 wpm"
