"""Multiple-choice scoring: one point per correct option, no penalty for guessing."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class ChoiceResult:
    """Counts of a multiple-choice set; ``percent`` = 100 × correct / total (0.0 if no items)."""

    total: int
    answered: int
    correct: int
    percent: float

    def to_dict(self) -> dict[str, object]:
        """Every field, JSON-serializable."""
        return asdict(self)


def score_choices(answer_key: Sequence[int], responses: Sequence[int | None]) -> ChoiceResult:
    """Compare chosen option indexes with the key, item by item.

    ``responses[i]`` is the option index chosen for item i or None when
    unanswered; it must have the same length as ``answer_key`` (ValueError
    otherwise). An unanswered item is simply not correct.
    """
    if len(responses) != len(answer_key):
        raise ValueError(
            f"{len(responses)} responses for {len(answer_key)} items; lengths must match"
        )
    answered = sum(1 for r in responses if r is not None)
    correct = sum(1 for r, k in zip(responses, answer_key, strict=True) if r is not None and r == k)
    total = len(answer_key)
    percent = 100.0 * correct / total if total else 0.0
    return ChoiceResult(total=total, answered=answered, correct=correct, percent=percent)


def choice_explanation(result: ChoiceResult, noun: str = "multiple-choice") -> str:
    """One line such as ``"10 of 12 multiple-choice correct (83%)"``."""
    return f"{result.correct} of {result.total} {noun} correct ({result.percent:.0f}%)"
