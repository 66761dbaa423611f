"""Hand-checked formulas of a few math templates."""

from __future__ import annotations

import random

import pytest

from screening.assessments.banks import math_templates
from screening.assessments.math_templates import FORMULAS, draw_param, formula_for


def test_discount_and_tax():
    # $80 with 15% off = 68.00; then 7% tax: 68 * 1.07 = 72.76
    assert FORMULAS["discount-percent"].answer({"price": 80, "pct": 15}) == pytest.approx(68.0)
    assert FORMULAS["discount-then-tax"].answer(
        {"price": 80, "pct": 15, "tax": 7}
    ) == pytest.approx(72.76)


def test_overtime_and_per_call_pay():
    # 40 h * $15 = 600 + 4.5 h * 22.50 = 101.25 -> 701.25
    assert FORMULAS["hourly-overtime"].answer({"rate": 15, "hours": 44.5}) == pytest.approx(701.25)
    # 139 calls * 0.64 = 88.96 + floor(139/50) = 2 bonuses * 50 = 100 -> 188.96
    p = {"per_call": 0.64, "bonus": 50, "batch": 50, "calls": 139}
    assert FORMULAS["per-call-pay"].answer(p) == pytest.approx(188.96)


def test_prorated_bills():
    # $90 for 30 days, 10 days used -> 30.00
    assert FORMULAS["prorated-new-service"].answer({"monthly": 90, "days": 10}) == pytest.approx(30)
    # $240 a year, 5 months used -> 7 months refunded = 140
    assert FORMULAS["prorated-annual-cancel"].answer({"annual": 240, "used": 5}) == pytest.approx(
        140
    )
    # $72 a month, 36 hours down of 720 -> 3.60
    assert FORMULAS["outage-credit"].answer({"monthly": 72, "hours": 36}) == pytest.approx(3.6)


def test_time_zone_callback():
    # Pacific (index 3) 9:00 AM, shift 1 -> Eastern (index 0): 3 hours later -> 12:00 PM = 720
    formula = FORMULAS["timezone-callback"]
    params = {"from_index": 3, "shift": 1, "hour": 9, "minute": 0}
    assert formula.answer(params) == 720
    assert formula.display(params) == {
        "from_zone": "Pacific",
        "to_zone": "Eastern",
        "from_clock": "9:00 AM",
    }
    # Eastern 8:15 AM -> Pacific (shift 3): 5:15 AM = 315
    assert formula.answer({"from_index": 0, "shift": 3, "hour": 8, "minute": 15}) == 315


def test_shift_end_wraps_past_midnight():
    # Mountain (2) 6:30 PM + 8 h = 2:30 AM Mountain; to Eastern (shift 2 -> index 0): 4:30 AM
    params = {"from_index": 2, "shift": 2, "hour": 18, "minute": 30, "length": 8}
    assert FORMULAS["timezone-shift-end"].answer(params) == 4 * 60 + 30


def test_draw_param_stays_on_the_step_grid():
    spec = next(
        s
        for t in math_templates()
        if t.id == "hourly-overtime"
        for s in t.params
        if s.name == "hours"
    )
    rng = random.Random(3)
    for _ in range(100):
        value = draw_param(spec, rng)
        assert 41 <= value <= 50 and (value * 2).is_integer()


def test_unknown_formula_is_named():
    with pytest.raises(KeyError, match="no formula registered for math template 'nope'"):
        formula_for("nope")
