"""Math-answer scoring: numeric comparison with a tolerance, clock times, section percent."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from decimal import ROUND_HALF_UP, Decimal

MINUTES_PER_DAY = 1440
EPSILON = 1e-9
"""Added to tolerances so that binary floating-point noise never decides an answer."""


@dataclass(frozen=True)
class MathResult:
    """Counts of a math section; ``percent`` = 100 × correct / total (0.0 if no problems)."""

    total: int
    answered: int
    correct: int
    percent: float

    def to_dict(self) -> dict[str, object]:
        """Every field, JSON-serializable."""
        return asdict(self)


def round_half_up(value: float, decimals: int) -> float:
    """Round like a cashier (2.345 → 2.35), using the shortest decimal form of ``value``."""
    if not math.isfinite(value):
        raise ValueError("cannot round a non-finite number")
    quantum = Decimal(1).scaleb(-decimals)
    return float(Decimal(repr(value)).quantize(quantum, rounding=ROUND_HALF_UP))


def within_tolerance(given: float, expected: float, tolerance: float) -> bool:
    """True when ``|given − expected| <= tolerance`` (tolerance >= 0, same unit as the answer)."""
    if tolerance < 0:
        raise ValueError("tolerance must not be negative")
    if not (math.isfinite(given) and math.isfinite(expected)):
        return False
    return abs(given - expected) <= tolerance + EPSILON


def clock_distance(a_minutes: float, b_minutes: float) -> float:
    """Minutes between two times of day (minutes after midnight), the short way round (0–720)."""
    diff = abs(a_minutes - b_minutes) % MINUTES_PER_DAY
    return min(diff, MINUTES_PER_DAY - diff)


def clock_matches(given_minutes: float, expected_minutes: float, tolerance: float) -> bool:
    """True when two times of day are within ``tolerance`` minutes of each other."""
    return clock_distance(given_minutes, expected_minutes) <= tolerance + EPSILON


def score_math(outcomes: Sequence[bool | None]) -> MathResult:
    """Section counts from per-problem outcomes (True correct, False wrong, None unanswered)."""
    total = len(outcomes)
    answered = sum(1 for o in outcomes if o is not None)
    correct = sum(1 for o in outcomes if o is True)
    percent = 100.0 * correct / total if total else 0.0
    return MathResult(total=total, answered=answered, correct=correct, percent=percent)


def math_explanation(result: MathResult) -> str:
    """One line such as ``"6 of 8 math problems correct (75%)"``."""
    return f"{result.correct} of {result.total} math problems correct ({result.percent:.0f}%)"
