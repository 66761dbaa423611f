"""Formulas of the math templates, keyed by template id (the text and ranges are in JSON).

No ``eval``: each template id maps to a :class:`Formula`, a plain Python
function from the drawn parameters to the exact answer, plus an optional
function giving extra display strings for the text (time-zone names,
clock times, derived amounts). :func:`generate_problem` draws parameters with
the caller's ``random.Random`` so a seed reproduces the problem.

Answers: money and decimals are rounded half-up to the template's
``decimals``; ``clock`` answers are minutes after midnight (0–1439).
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from screening.assessments.answers import format_clock
from screening.assessments.banks import MathTemplate, ParamSpec
from screening.scoring.math import round_half_up

Params = Mapping[str, float]

ZONES = ("Eastern", "Central", "Mountain", "Pacific")
"""US time zones; index i is i hours behind Eastern."""

UNIT_HINTS = {
    "USD": "an amount in dollars and cents, e.g. 12.50",
    "percent": "a percent, e.g. 87.5",
    "minutes": "a number of minutes, e.g. 6.5",
    "hours": "a number of hours, e.g. 7.5",
    "count": "a whole number",
    "clock": "a time of day, e.g. 4:30 PM",
}


@dataclass(frozen=True)
class Formula:
    """``answer(params)`` gives the exact answer; ``display(params)`` extra text fields."""

    answer: Callable[[Params], float]
    display: Callable[[Params], dict[str, str]] = field(default=lambda _p: {})


@dataclass(frozen=True)
class GeneratedProblem:
    """One drawn problem: the text shown and the key kept on the server."""

    template_id: str
    topic: str
    text: str
    unit: str
    params: dict[str, float]
    answer: float
    tolerance: float


def _zones(p: Params) -> tuple[int, int]:
    source = int(p["from_index"])
    return source, (source + int(p["shift"])) % len(ZONES)


def _zone_change_minutes(p: Params) -> int:
    """Minutes to add to a ``from`` zone clock time to get the ``to`` zone clock time."""
    source, target = _zones(p)
    return (source - target) * 60


def _callback_display(p: Params) -> dict[str, str]:
    source, target = _zones(p)
    return {
        "from_zone": ZONES[source],
        "to_zone": ZONES[target],
        "from_clock": format_clock(p["hour"] * 60 + p["minute"]),
    }


def _shift_end_display(p: Params) -> dict[str, str]:
    source, target = _zones(p)
    return {
        "from_zone": ZONES[source],
        "to_zone": ZONES[target],
        "start_clock": format_clock(p["hour"] * 60 + p["minute"]),
    }


def _money(value: float) -> str:
    return f"{value:,.2f}"


FORMULAS: dict[str, Formula] = {
    "discount-percent": Formula(lambda p: p["price"] * (1 - p["pct"] / 100)),
    "discount-then-tax": Formula(
        lambda p: p["price"] * (1 - p["pct"] / 100) * (1 + p["tax"] / 100)
    ),
    "bundle-savings": Formula(
        lambda p: p["saving"] * 12,
        lambda p: {"bundle": _money(p["internet"] + p["tv"] - p["saving"])},
    ),
    "refund-returned-items": Formula(lambda p: p["unit_price"] * p["returned"]),
    "refund-restocking-fee": Formula(lambda p: p["price"] * (1 - p["fee"] / 100)),
    "refund-duplicate-charge": Formula(lambda p: p["amount"] - p["credit"]),
    "prorated-new-service": Formula(lambda p: p["monthly"] * p["days"] / 30),
    "prorated-annual-cancel": Formula(lambda p: p["annual"] * (12 - p["used"]) / 12),
    "prorated-upgrade": Formula(
        lambda p: p["difference"] * p["days"] / 30,
        lambda p: {"new": _money(p["old"] + p["difference"])},
    ),
    "outage-credit": Formula(lambda p: p["monthly"] * p["hours"] / 720),
    "per-minute-pay": Formula(lambda p: p["rate"] * p["minutes"]),
    "per-minute-pay-hours": Formula(lambda p: p["rate"] * p["hours"] * 60),
    "per-call-pay": Formula(
        lambda p: p["per_call"] * p["calls"] + math.floor(p["calls"] / p["batch"]) * p["bonus"]
    ),
    "hourly-overtime": Formula(lambda p: 40 * p["rate"] + (p["hours"] - 40) * p["rate"] * 1.5),
    "timezone-callback": Formula(
        lambda p: (p["hour"] * 60 + p["minute"] + _zone_change_minutes(p)) % 1440,
        _callback_display,
    ),
    "timezone-shift-end": Formula(
        lambda p: (
            (p["hour"] * 60 + p["minute"] + p["length"] * 60 + _zone_change_minutes(p)) % 1440
        ),
        _shift_end_display,
    ),
    "average-handle-time": Formula(lambda p: (p["talk"] + p["hold"] + p["wrap"]) / p["calls"]),
    "first-call-resolution": Formula(
        lambda p: 100 * (p["calls"] - p["unresolved"]) / p["calls"],
        lambda p: {"resolved": f"{p['calls'] - p['unresolved']:g}"},
    ),
    "data-overage": Formula(
        lambda p: p["base"] + p["over"] * p["per_gb"],
        lambda p: {"used": f"{p['included'] + p['over']:g}"},
    ),
    "payment-plan": Formula(lambda p: p["balance"] / p["months"]),
    "late-fee": Formula(lambda p: p["bill"] + max(p["bill"] * p["pct"] / 100, p["minimum"])),
}


def draw_param(spec: ParamSpec, rng: random.Random) -> float:
    """One value: a random choice, or ``min + k*step`` (exact decimal steps) within range."""
    if spec.choices:
        return rng.choice(spec.choices)
    assert spec.minimum is not None and spec.maximum is not None and spec.step is not None
    low, step = Decimal(repr(spec.minimum)), Decimal(repr(spec.step))
    steps = int(round((spec.maximum - spec.minimum) / spec.step))
    return float(low + step * rng.randint(0, steps))


def formula_for(template_id: str) -> Formula:
    """The formula registered for a template; KeyError names the missing id."""
    try:
        return FORMULAS[template_id]
    except KeyError:
        raise KeyError(f"no formula registered for math template {template_id!r}") from None


def generate_problem(template: MathTemplate, rng: random.Random) -> GeneratedProblem:
    """Draw parameters in declaration order, render the text and compute the answer."""
    formula = formula_for(template.id)
    params = {spec.name: draw_param(spec, rng) for spec in template.params}
    exact = formula.answer(params)
    if not math.isfinite(exact):
        raise ValueError(f"math template {template.id} produced a non-finite answer")
    if template.unit == "clock":
        answer = float(round(exact) % 1440)
    else:
        answer = round_half_up(exact, template.decimals)
    fields: dict[str, Any] = {**params, **formula.display(params)}
    return GeneratedProblem(
        template_id=template.id,
        topic=template.topic,
        text=template.text.format(**fields),
        unit=template.unit,
        params=params,
        answer=answer,
        tolerance=template.tolerance,
    )
