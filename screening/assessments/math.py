"""The ``math`` assessment type: call-center arithmetic generated from templates.

Build draws ``count`` distinct templates and their random parameters with
``random.Random(seed)``. Public items ``m1..mN``: ``{id, kind: "math", topic,
text, unit, format_hint}``. Answers: text such as ``"12.50"``, ``"$12.50"``,
``"87.5%"`` or ``"4:30 PM"`` (see :mod:`screening.assessments.answers`), or a
number already normalized by :meth:`MathAssessment.validate_answer`.

An answer is correct within the template's tolerance (a cent for money,
0.1 for one-decimal answers, the exact minute for clock times). An answer
that cannot be parsed counts as wrong (``invalid`` in the raw metrics).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from screening.assessments.answers import parse_clock, parse_number
from screening.assessments.banks import math_templates
from screening.assessments.base import (
    KEY_VERSION,
    AnswerError,
    BuiltSection,
    NumberSetting,
    SectionResult,
    Setting,
    require_key,
    resolve_settings,
    seeded_rng,
)
from screening.assessments.math_templates import UNIT_HINTS, generate_problem
from screening.scoring.math import clock_matches, math_explanation, score_math, within_tolerance

SETTINGS: dict[str, Setting] = {"count": NumberSetting(8, 1, 21, integer=True)}


def parse_for_unit(value: object, unit: str) -> float:
    """Parse an answer for ``unit``: ``$`` allowed for USD, ``%`` for percent, clock times
    (or minutes after midnight as a number) for ``clock``. AnswerError when invalid."""
    if unit == "clock":
        if isinstance(value, int | float) and not isinstance(value, bool):
            if not 0 <= value < 1440:
                raise AnswerError("a time of day must be within 0-1439 minutes after midnight")
            return float(value)
        return float(parse_clock(value))
    return parse_number(value, allow_dollar=unit == "USD", allow_percent=unit == "percent")


class MathAssessment:
    """Math word problems with numeric answers and tolerances."""

    type_id = "math"
    title = "Math"

    def build(self, seed: int, settings: Mapping[str, Any] | None = None) -> BuiltSection:
        """Draw ``count`` distinct templates and their parameters."""
        resolved = resolve_settings(self.type_id, settings, SETTINGS)
        rng = seeded_rng(seed)
        bank = sorted(math_templates(), key=lambda t: t.id)
        if resolved["count"] > len(bank):
            raise ValueError(f"the bank has only {len(bank)} math templates")
        public: list[dict[str, Any]] = []
        problems: list[dict[str, Any]] = []
        for number, template in enumerate(rng.sample(bank, resolved["count"]), start=1):
            problem = generate_problem(template, rng)
            item_id = f"m{number}"
            public.append(
                {
                    "id": item_id,
                    "kind": "math",
                    "topic": problem.topic,
                    "text": problem.text,
                    "unit": problem.unit,
                    "format_hint": UNIT_HINTS[problem.unit],
                }
            )
            problems.append(
                {
                    "id": item_id,
                    "template_id": problem.template_id,
                    "topic": problem.topic,
                    "params": problem.params,
                    "unit": problem.unit,
                    "answer": problem.answer,
                    "tolerance": problem.tolerance,
                }
            )
        key = {"type_id": self.type_id, "version": KEY_VERSION, "seed": seed, "problems": problems}
        return BuiltSection(self.type_id, seed, public, key)

    def validate_answer(self, key: Mapping[str, Any], item_id: str, value: object) -> Any:
        """The answer as a number in the problem's unit (minutes after midnight for clocks)."""
        require_key(key, self.type_id)
        for problem in key["problems"]:
            if problem["id"] == item_id:
                return parse_for_unit(value, problem["unit"])
        raise AnswerError(f"unknown item {item_id!r}")

    def score(self, key: Mapping[str, Any], answers: Mapping[str, Any]) -> SectionResult:
        """Percent of problems answered within tolerance."""
        require_key(key, self.type_id)
        outcomes: list[bool | None] = []
        items = []
        invalid = 0
        for problem in key["problems"]:
            value = answers.get(problem["id"])
            given: float | None = None
            if value is None or (isinstance(value, str) and not value.strip()):
                outcome: bool | None = None
            else:
                try:
                    given = parse_for_unit(value, problem["unit"])
                except AnswerError:
                    invalid += 1
                    outcome = False
                else:
                    expected, tolerance = float(problem["answer"]), float(problem["tolerance"])
                    if problem["unit"] == "clock":
                        outcome = clock_matches(given, expected, tolerance)
                    else:
                        outcome = within_tolerance(given, expected, tolerance)
            outcomes.append(outcome)
            items.append(
                {
                    "id": problem["id"],
                    "template_id": problem["template_id"],
                    "topic": problem["topic"],
                    "given": given,
                    "expected": problem["answer"],
                    "correct": outcome is True,
                }
            )
        result = score_math(outcomes)
        raw: dict[str, Any] = {
            **result.to_dict(),
            "percent": round(result.percent, 2),
            "invalid": invalid,
            "items": items,
        }
        return SectionResult(self.type_id, round(result.percent, 1), raw, math_explanation(result))
