"""The per-candidate scorecard: weighted composite, pass/fail per section, recommendation.

Pure: numbers in, numbers and plain-language explanation lines out.

Inputs
------
* ``section_scores``: section key -> score in [0, 100], or ``None`` when the section is not
  available (pending, never taken, or could not be scored). A section enabled in the job
  profile but absent from the mapping counts as not available.
* ``weights``: section key -> weight > 0 for every section *enabled* in the job profile; the
  weights sum to 100 (±0.01). A section that is not enabled has no weight and no result.
* ``thresholds``: optional section key -> pass threshold in [0, 100]; ``score >= threshold``
  passes. Sections without a threshold are neither passed nor failed (``passed is None``).
* ``knockout_failures``: plain-language reasons of the knockout rules the applicant failed
  (e.g. "lives in TX; the job is offered in CA, FL only"). Empty when all knockouts passed.
* ``integrity_flags``: integrity signals such as ``"paste"``, ``"tab_switch"``,
  ``"implausible_keystroke_timing"``.
* ``cutoffs``: :class:`RecommendationCutoffs` — advance when composite >= ``advance``, review
  when composite >= ``review``, reject below.

Composite
---------
The weighted mean over the sections that ARE available, weights renormalised to sum to 100
over those sections: ``composite = Σ w_i·s_i / Σ w_i`` (i over available sections). A section
that is not available is left out — never counted as zero. ``None`` when no section is
available. Rounded to 0.1 (the displayed value is the compared value, so an explanation never
says "75.0 is below 75").

Recommendation rules (applied in this order; documented product decisions)
--------------------------------------------------------------------------
1. A failed knockout -> ``reject`` (knockouts are the only hard, automatic rejection).
2. Otherwise, an incomplete scorecard (some enabled section not available) -> ``review``:
   missing data never decides, neither towards advance nor towards reject.
3. Otherwise the composite against the cut-offs gives advance / review / reject, and then:

   * a section below its pass threshold caps the recommendation at ``review``. Decision: a
     single section measured below its bar (a noisy microphone, one bad minute) should get a
     human look rather than an automatic rejection; the composite already weighs the low
     score, and hard requirements belong in knockout rules.
   * integrity flags cap the recommendation at ``review`` ("never automatic rejection"): they
     turn an ``advance`` into ``review`` and never lower a ``review`` to ``reject``. A
     ``reject`` earned by a low composite stays ``reject`` — the flags did not cause it.

``complete`` is true when every enabled section has a score.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

Recommendation = Literal["advance", "review", "reject"]
SectionStatus = Literal["scored", "not_available"]

WEIGHT_TOTAL = 100.0
WEIGHT_TOLERANCE = 0.01

_ORDER: dict[str, int] = {"reject": 0, "review": 1, "advance": 2}


def format_number(value: float) -> str:
    """Format a score, weight or threshold for an explanation: 0.1 precision, no ``.0`` tail.

    ``72.0 -> "72"``, ``78.44 -> "78.4"``, ``42.857 -> "42.9"``.
    """
    rounded = round(value, 1)
    if rounded == int(rounded):
        return str(int(rounded))
    return f"{rounded:.1f}"


@dataclass(frozen=True)
class RecommendationCutoffs:
    """Composite cut-offs (0–100): advance when composite >= ``advance``, review when
    composite >= ``review``, reject below ``review``. Requires 0 <= review <= advance <= 100.
    """

    advance: float
    review: float

    def __post_init__(self) -> None:
        for name, value in (("advance", self.advance), ("review", self.review)):
            if not _is_finite_number(value) or not 0.0 <= value <= 100.0:
                raise ValueError(f"cut-off {name} must be a number in [0, 100], got {value!r}")
        if self.review > self.advance:
            raise ValueError(
                f"review cut-off {self.review!r} must not exceed advance cut-off {self.advance!r}"
            )


@dataclass(frozen=True)
class SectionLine:
    """One enabled section on the scorecard.

    ``weight`` is the configured weight (share of 100); ``effective_weight`` the weight after
    renormalising over the available sections (``None`` when this section is not available).
    ``passed`` is ``None`` when the section is not available or has no threshold.
    """

    key: str
    status: SectionStatus
    score: float | None
    weight: float
    effective_weight: float | None
    threshold: float | None
    passed: bool | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "status": self.status,
            "score": self.score,
            "weight": self.weight,
            "effective_weight": self.effective_weight,
            "threshold": self.threshold,
            "passed": self.passed,
        }


@dataclass(frozen=True)
class Scorecard:
    """Result of :func:`build_scorecard`.

    ``composite``: 0–100 rounded to 0.1, ``None`` when no section is available.
    ``reasons``: why the recommendation is what it is (plain language, one per rule that
    applied). ``explanation``: every number on the card in plain language, in display order.
    """

    composite: float | None
    sections: tuple[SectionLine, ...]
    recommendation: Recommendation
    complete: bool
    knockout_failures: tuple[str, ...]
    integrity_flags: tuple[str, ...]
    reasons: tuple[str, ...]
    explanation: tuple[str, ...] = field(default=())

    @property
    def flagged(self) -> bool:
        """True when an integrity flag asks for a human look."""
        return bool(self.integrity_flags)

    @property
    def failed_sections(self) -> tuple[str, ...]:
        """Keys of the scored sections below their pass threshold."""
        return tuple(s.key for s in self.sections if s.passed is False)

    def section(self, key: str) -> SectionLine:
        """The line of one section; ``KeyError`` when the section is not enabled."""
        for line in self.sections:
            if line.key == key:
                return line
        raise KeyError(key)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (for the scorecard row's ``explanation`` column or the API)."""
        return {
            "composite": self.composite,
            "recommendation": self.recommendation,
            "complete": self.complete,
            "flagged": self.flagged,
            "sections": [s.to_dict() for s in self.sections],
            "knockout_failures": list(self.knockout_failures),
            "integrity_flags": list(self.integrity_flags),
            "reasons": list(self.reasons),
            "explanation": list(self.explanation),
        }


def _is_finite_number(value: object) -> bool:
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and math.isfinite(float(value))
    )


def _validate_weights(weights: Mapping[str, float]) -> None:
    if not weights:
        raise ValueError("the job profile enables no section (weights is empty)")
    for key, weight in weights.items():
        if not _is_finite_number(weight) or weight <= 0:
            raise ValueError(f"weight of section {key!r} must be a number > 0, got {weight!r}")
    total = math.fsum(float(w) for w in weights.values())
    if abs(total - WEIGHT_TOTAL) > WEIGHT_TOLERANCE:
        raise ValueError(
            f"section weights must sum to 100 over the enabled sections, got "
            f"{format_number(total)} ({', '.join(f'{k} {w}' for k, w in weights.items())})"
        )


def _validate_scores(
    section_scores: Mapping[str, float | None], weights: Mapping[str, float]
) -> None:
    for key, score in section_scores.items():
        if key not in weights:
            raise ValueError(
                f"section {key!r} has a result but is not enabled in the job profile "
                f"(enabled: {', '.join(weights)})"
            )
        if score is None:
            continue
        if not _is_finite_number(score) or not 0.0 <= score <= 100.0:
            raise ValueError(f"score of section {key!r} must be in [0, 100], got {score!r}")


def _validate_thresholds(thresholds: Mapping[str, float], weights: Mapping[str, float]) -> None:
    for key, threshold in thresholds.items():
        if key not in weights:
            raise ValueError(f"threshold given for section {key!r}, which is not enabled")
        if not _is_finite_number(threshold) or not 0.0 <= threshold <= 100.0:
            raise ValueError(
                f"pass threshold of section {key!r} must be in [0, 100], got {threshold!r}"
            )


def _band(composite: float, cutoffs: RecommendationCutoffs) -> Recommendation:
    if composite >= cutoffs.advance:
        return "advance"
    if composite >= cutoffs.review:
        return "review"
    return "reject"


def build_scorecard(
    section_scores: Mapping[str, float | None],
    weights: Mapping[str, float],
    thresholds: Mapping[str, float] | None = None,
    *,
    cutoffs: RecommendationCutoffs,
    knockout_failures: Sequence[str] = (),
    integrity_flags: Sequence[str] = (),
) -> Scorecard:
    """Compute a candidate's scorecard (see the module docstring for every rule).

    Sections appear in the order of ``weights`` (the job profile's order). Raises
    ``ValueError`` for weights that do not sum to 100, scores or thresholds outside [0, 100],
    or results/thresholds for sections that are not enabled.
    """
    thresholds = thresholds or {}
    _validate_weights(weights)
    _validate_scores(section_scores, weights)
    _validate_thresholds(thresholds, weights)
    knockouts = tuple(knockout_failures)
    flags = tuple(dict.fromkeys(integrity_flags))  # de-duplicated, order kept

    available = {k: float(s) for k, s in section_scores.items() if s is not None}
    available_weight = math.fsum(float(weights[k]) for k in available)

    lines: list[SectionLine] = []
    for key, weight in weights.items():
        score = available.get(key)
        threshold = thresholds.get(key)
        threshold_f = float(threshold) if threshold is not None else None
        if score is None:
            lines.append(
                SectionLine(key, "not_available", None, float(weight), None, threshold_f, None)
            )
            continue
        effective = float(weight) / available_weight * WEIGHT_TOTAL
        passed = None if threshold_f is None else score >= threshold_f
        lines.append(
            SectionLine(key, "scored", score, float(weight), effective, threshold_f, passed)
        )

    composite: float | None = None
    if available:
        weighted = math.fsum(float(weights[k]) * s for k, s in available.items())
        composite = round(weighted / available_weight, 1)

    complete = len(available) == len(weights)
    missing = [line.key for line in lines if line.status == "not_available"]
    failed = [line for line in lines if line.passed is False]

    recommendation, reasons = _recommend(
        composite, complete, missing, failed, knockouts, flags, cutoffs
    )
    card = Scorecard(
        composite=composite,
        sections=tuple(lines),
        recommendation=recommendation,
        complete=complete,
        knockout_failures=knockouts,
        integrity_flags=flags,
        reasons=tuple(reasons),
    )
    return replace(card, explanation=tuple(explain(card, cutoffs)))


def _recommend(
    composite: float | None,
    complete: bool,
    missing: list[str],
    failed: list[SectionLine],
    knockouts: tuple[str, ...],
    flags: tuple[str, ...],
    cutoffs: RecommendationCutoffs,
) -> tuple[Recommendation, list[str]]:
    if knockouts:
        return "reject", [f"knockout failed: {reason}" for reason in knockouts]
    if not complete:
        flag_reasons = [f"integrity flag {flag!r} needs a human look" for flag in flags]
        if composite is None:
            return "review", ["no section has a score yet; a human decides", *flag_reasons]
        return "review", [
            f"not all sections are scored ({', '.join(missing)} not available); "
            "missing results never decide, so a human decides",
            *flag_reasons,
        ]
    assert composite is not None  # complete and weights non-empty => some section scored
    band = _band(composite, cutoffs)
    if band == "advance":
        reasons = [
            f"composite {composite:.1f} is at or above the advance cut-off "
            f"{format_number(cutoffs.advance)}"
        ]
    elif band == "review":
        reasons = [
            f"composite {composite:.1f} is below the advance cut-off "
            f"{format_number(cutoffs.advance)} and at or above the review cut-off "
            f"{format_number(cutoffs.review)}"
        ]
    else:
        reasons = [
            f"composite {composite:.1f} is below the review cut-off {format_number(cutoffs.review)}"
        ]
    recommendation: Recommendation = band
    if band != "reject":
        for line in failed:
            assert line.score is not None and line.threshold is not None
            reasons.append(
                f"{line.key} {format_number(line.score)} is below its pass threshold "
                f"{format_number(line.threshold)}; a human decides"
            )
        for flag in flags:
            reasons.append(f"integrity flag {flag!r} needs a human look")
        if (failed or flags) and _ORDER[recommendation] > _ORDER["review"]:
            recommendation = "review"
    elif flags:
        reasons.append(
            f"integrity flags ({', '.join(flags)}) are shown for review; they did not "
            "cause this recommendation"
        )
    return recommendation, reasons


def explain(card: Scorecard, cutoffs: RecommendationCutoffs) -> list[str]:
    """Plain-language lines for every number on ``card`` (composite, sections, recommendation).

    Examples::

        Composite 78.1: typing 72 (weight 30), grammar 85 (weight 40), math 75 (weight 30)
        Composite 79.9 over the available sections: typing 72 (weight 30, counts 42.9),
            grammar 85 (weight 40, counts 57.1); math not available (weight 30 left out)
        Recommendation review: integrity flag 'paste' needs a human look
    """
    lines: list[str] = []
    scored = [s for s in card.sections if s.status == "scored"]
    missing = [s for s in card.sections if s.status == "not_available"]
    if card.composite is None:
        lines.append(
            "Composite not available: no section has a score yet "
            f"({', '.join(s.key for s in card.sections)} not available)"
        )
    elif not missing:
        parts = ", ".join(
            f"{s.key} {format_number(s.score or 0.0)} (weight {format_number(s.weight)})"
            for s in scored
        )
        lines.append(f"Composite {card.composite:.1f}: {parts}")
    else:
        parts = ", ".join(
            f"{s.key} {format_number(s.score or 0.0)} (weight {format_number(s.weight)}, "
            f"counts {format_number(s.effective_weight or 0.0)})"
            for s in scored
        )
        left_out = ", ".join(
            f"{s.key} not available (weight {format_number(s.weight)} left out)" for s in missing
        )
        lines.append(
            f"Composite {card.composite:.1f} over the available sections: {parts}; {left_out}"
        )

    for s in card.sections:
        if s.status == "not_available":
            lines.append(f"{s.key}: not available")
        elif s.threshold is None:
            lines.append(f"{s.key} {format_number(s.score or 0.0)}: no pass threshold set")
        elif s.passed:
            lines.append(
                f"{s.key} {format_number(s.score or 0.0)}: passes its threshold "
                f"{format_number(s.threshold)}"
            )
        else:
            lines.append(
                f"{s.key} {format_number(s.score or 0.0)}: below its pass threshold "
                f"{format_number(s.threshold)}"
            )

    lines.append(
        f"{len(scored)} of {len(card.sections)} sections scored"
        + ("" if card.complete else f"; {', '.join(s.key for s in missing)} not available")
    )
    lines.append(
        f"Cut-offs: advance at {format_number(cutoffs.advance)} or more, review at "
        f"{format_number(cutoffs.review)} or more, reject below"
    )
    lines.append(f"Recommendation {card.recommendation}: {'; '.join(card.reasons)}")
    return lines
