"""Adverse-impact statistics: selection rates, impact ratios, the four-fifths rule, and the
NYC Local Law 144 "scoring rate" for continuous scores.

Pure. Group labels come from voluntary EEO self-identification (stored apart from scores); a
label of ``None`` means the applicant did not say, and such applicants are counted in
``unknown_count`` and left out of every rate, as the NYC rules require the audit to report
them separately.

Definitions
-----------
* **Selection rate** of a group = selected / total of that group (0–1). "Selected" is
  whatever decision is audited (e.g. recommendation ``advance``, moved to interview).
* **Impact ratio** of a group = its rate / the highest rate among the groups (0–1). The
  group(s) with the highest rate are the reference (ratio 1.0). When every group's rate is 0
  there is no reference and all ratios are ``None``.
* **Four-fifths rule** (EEOC Uniform Guidelines on Employee Selection Procedures,
  29 CFR § 1607.4(D)): an impact ratio below 0.8 is generally regarded as evidence of adverse
  impact. ``below_four_fifths`` marks such groups. The Guidelines also warn that differences
  based on small numbers may not be meaningful — hence the small-sample flag.
* **Scoring rate** (NYC DCWP rules for Local Law 144 of 2021, 6 RCNY § 5-300) = share of a
  group's applicants whose score is *strictly above* the median score of the whole sample
  (all applicants with a score, including those of unknown group). The median is the usual
  one: the middle value, or the mean of the two middle values for an even count. Impact ratio
  = scoring rate / the highest scoring rate.
* **Small samples**: a group is flagged ``small_sample`` when it has fewer than
  ``min_group_size`` applicants (default 5) or makes up less than ``min_group_share`` of the
  applicants with a known group (default 0.02 — under 6 RCNY § 5-301 an auditor may exclude a
  category under 2 % of the data from the impact-ratio calculations). Flagged groups are still
  reported and still take part in the calculation; readers should not draw conclusions from
  their ratios.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

FOUR_FIFTHS = 0.8
DEFAULT_MIN_GROUP_SIZE = 5
DEFAULT_MIN_GROUP_SHARE = 0.02

Method = Literal["selection_rate", "scoring_rate"]


@dataclass(frozen=True)
class GroupImpact:
    """One group's line: ``favourable`` of ``total`` applicants, rate 0–1, impact ratio 0–1."""

    group: str
    total: int
    favourable: int
    rate: float
    impact_ratio: float | None
    below_four_fifths: bool
    small_sample: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "group": self.group,
            "total": self.total,
            "favourable": self.favourable,
            "rate": self.rate,
            "impact_ratio": self.impact_ratio,
            "below_four_fifths": self.below_four_fifths,
            "small_sample": self.small_sample,
        }


@dataclass(frozen=True)
class ImpactReport:
    """An adverse-impact table.

    ``method``: ``selection_rate`` (favourable = selected) or ``scoring_rate`` (favourable =
    scored above ``median``). ``reference_groups``: the group(s) with the highest rate.
    ``adverse_impact``: some group that is not a small sample has an impact ratio below 0.8.
    ``notes``: plain-language remarks (small groups, unknown group count, no reference).
    """

    method: Method
    groups: tuple[GroupImpact, ...]
    reference_groups: tuple[str, ...]
    unknown_count: int
    median: float | None
    adverse_impact: bool
    notes: tuple[str, ...]

    def group(self, name: str) -> GroupImpact:
        """The line of one group; ``KeyError`` when absent."""
        for line in self.groups:
            if line.group == name:
                return line
        raise KeyError(name)

    def to_dict(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "groups": [g.to_dict() for g in self.groups],
            "reference_groups": list(self.reference_groups),
            "unknown_count": self.unknown_count,
            "median": self.median,
            "adverse_impact": self.adverse_impact,
            "notes": list(self.notes),
        }


def _build_report(
    method: Method,
    counts: Mapping[str, tuple[int, int]],
    unknown_count: int,
    median: float | None,
    min_group_size: int,
    min_group_share: float,
) -> ImpactReport:
    if min_group_size < 0:
        raise ValueError(f"min_group_size must be >= 0, got {min_group_size}")
    if not 0.0 <= min_group_share <= 1.0:
        raise ValueError(f"min_group_share must be in [0, 1], got {min_group_share}")
    for name, (favourable, total) in counts.items():
        if total <= 0 or favourable < 0 or favourable > total:
            raise ValueError(
                f"group {name!r}: need 0 <= favourable <= total and total > 0, got "
                f"{favourable} of {total}"
            )
    known_total = sum(total for _, total in counts.values())
    rates = {name: fav / total for name, (fav, total) in counts.items()}
    top = max(rates.values(), default=0.0)
    reference = tuple(sorted(name for name, rate in rates.items() if rate == top and top > 0))

    notes: list[str] = []
    lines: list[GroupImpact] = []
    for name in sorted(counts):
        favourable, total = counts[name]
        rate = rates[name]
        ratio = rate / top if top > 0 else None
        small = total < min_group_size or (
            known_total > 0 and total / known_total < min_group_share
        )
        below = ratio is not None and ratio < FOUR_FIFTHS
        lines.append(GroupImpact(name, total, favourable, rate, ratio, below, small))
        if small:
            notes.append(
                f"group {name!r} has only {total} applicant(s) "
                f"({100.0 * total / known_total:.1f}% of those with a known group); its ratio "
                "is unstable and should not be relied on"
            )
    if top == 0 and counts:
        notes.append("no group has a favourable outcome; impact ratios are not defined")
    if unknown_count:
        notes.append(
            f"{unknown_count} applicant(s) did not give the category and are not included in "
            "the rates"
        )
    adverse = any(line.below_four_fifths and not line.small_sample for line in lines)
    return ImpactReport(
        method=method,
        groups=tuple(lines),
        reference_groups=reference,
        unknown_count=unknown_count,
        median=median,
        adverse_impact=adverse,
        notes=tuple(notes),
    )


def selection_impact_from_counts(
    counts: Mapping[str, tuple[int, int]],
    *,
    unknown_count: int = 0,
    min_group_size: int = DEFAULT_MIN_GROUP_SIZE,
    min_group_share: float = DEFAULT_MIN_GROUP_SHARE,
) -> ImpactReport:
    """Selection rates and impact ratios from ``group -> (selected, total)``."""
    return _build_report(
        "selection_rate", counts, unknown_count, None, min_group_size, min_group_share
    )


def selection_impact(
    outcomes: Iterable[tuple[str | None, bool]],
    *,
    min_group_size: int = DEFAULT_MIN_GROUP_SIZE,
    min_group_share: float = DEFAULT_MIN_GROUP_SHARE,
) -> ImpactReport:
    """Selection rates and impact ratios from one ``(group, selected)`` pair per applicant."""
    counts: dict[str, list[int]] = {}
    unknown = 0
    for group, selected in outcomes:
        if group is None:
            unknown += 1
            continue
        entry = counts.setdefault(group, [0, 0])
        entry[0] += 1 if selected else 0
        entry[1] += 1
    return selection_impact_from_counts(
        {g: (c[0], c[1]) for g, c in counts.items()},
        unknown_count=unknown,
        min_group_size=min_group_size,
        min_group_share=min_group_share,
    )


def scoring_rate_impact(
    scores: Iterable[tuple[str | None, float]],
    *,
    min_group_size: int = DEFAULT_MIN_GROUP_SIZE,
    min_group_share: float = DEFAULT_MIN_GROUP_SHARE,
) -> ImpactReport:
    """NYC LL144 scoring rates and impact ratios from one ``(group, score)`` pair per applicant.

    The median is taken over every score given (known and unknown group alike); a group's
    scoring rate is the share of its applicants scoring strictly above that median.
    """
    pairs = list(scores)
    for group, score in pairs:
        if isinstance(score, bool) or not math.isfinite(float(score)):
            raise ValueError(f"score must be a finite number, got {score!r} (group {group!r})")
    if not pairs:
        return _build_report("scoring_rate", {}, 0, None, min_group_size, min_group_share)
    median = float(statistics.median(float(score) for _, score in pairs))
    counts: dict[str, list[int]] = {}
    unknown = 0
    for group, score in pairs:
        if group is None:
            unknown += 1
            continue
        entry = counts.setdefault(group, [0, 0])
        entry[0] += 1 if float(score) > median else 0
        entry[1] += 1
    return _build_report(
        "scoring_rate",
        {g: (c[0], c[1]) for g, c in counts.items()},
        unknown,
        median,
        min_group_size,
        min_group_share,
    )
