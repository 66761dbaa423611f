"""Rank and percentile of a candidate among a job's scored candidates.

Pure. Only candidates with a composite take part: entries whose score is ``None`` (not scored
yet) are left out of ``n`` and get no rank and no percentile.

Definitions (n = number of scored candidates of the job; higher score = better)
------------------------------------------------------------------------------
* **Percentile rank** ("mid-rank" definition, handles ties symmetrically)::

      percentile = 100 × (count_below + 0.5 × count_equal) / n

  where ``count_below`` counts candidates with a strictly lower score and ``count_equal``
  counts candidates with the same score *including the candidate itself*. A lone candidate
  is at 50; all candidates tied are all at 50; the best of 4 distinct scores is at 87.5.
  Range: (0, 100), exclusive. Rounded to 0.1.

* **Rank**: standard competition ranking ("1224"): ``rank = 1 + count_above``, where
  ``count_above`` counts candidates with a strictly higher score. Tied candidates share the
  best rank of their group and the next distinct score skips the tied places, so "rank 3"
  always means "two candidates scored higher". :func:`dense_ranks` ("1223") is provided for
  displays that want consecutive ranks.

Scores are compared exactly as given; round them first (the composite is already rounded to
0.1) so that 78.4000001 and 78.4 count as a tie.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)


@dataclass(frozen=True)
class RankedCandidate(Generic[K]):
    """One scored candidate: score 0–100, competition rank (1 = best), percentile (0–100)."""

    candidate: K
    score: float
    rank: int
    percentile: float


def _scored(scores: Mapping[K, float | None]) -> dict[K, float]:
    result: dict[K, float] = {}
    for key, score in scores.items():
        if score is None:
            continue
        if isinstance(score, bool) or not math.isfinite(float(score)):
            raise ValueError(f"score of {key!r} must be a finite number, got {score!r}")
        result[key] = float(score)
    return result


def percentile_ranks(scores: Mapping[K, float | None]) -> dict[K, float]:
    """Percentile rank of each scored candidate: 100 × (below + 0.5 × equal) / n, to 0.1."""
    scored = _scored(scores)
    ordered = sorted(scored.values())
    n = len(ordered)
    result: dict[K, float] = {}
    for key, score in scored.items():
        below = bisect.bisect_left(ordered, score)
        equal = bisect.bisect_right(ordered, score) - below
        result[key] = round(100.0 * (below + 0.5 * equal) / n, 1)
    return result


def competition_ranks(scores: Mapping[K, float | None]) -> dict[K, int]:
    """Standard competition rank ("1224") of each scored candidate: 1 + count strictly above."""
    scored = _scored(scores)
    ordered = sorted(scored.values())
    n = len(ordered)
    return {key: 1 + n - bisect.bisect_right(ordered, s) for key, s in scored.items()}


def dense_ranks(scores: Mapping[K, float | None]) -> dict[K, int]:
    """Dense rank ("1223") of each scored candidate: 1 + number of distinct higher scores."""
    scored = _scored(scores)
    distinct = sorted(set(scored.values()), reverse=True)
    position = {score: index + 1 for index, score in enumerate(distinct)}
    return {key: position[s] for key, s in scored.items()}


def rank_candidates(scores: Mapping[K, float | None]) -> list[RankedCandidate[K]]:
    """All scored candidates, best first, with competition rank and percentile.

    Ties keep the order in which they appear in ``scores`` (stable), so pass candidates in a
    deterministic order (e.g. by id) for a reproducible list.
    """
    scored = _scored(scores)
    ranks = competition_ranks(scored)
    percentiles = percentile_ranks(scored)
    ordered = sorted(scored.items(), key=lambda item: -item[1])
    return [RankedCandidate(key, score, ranks[key], percentiles[key]) for key, score in ordered]
