"""Percentile rank (mid-rank) and competition rank, hand-computed with ties."""

from __future__ import annotations

import math

import pytest

from screening.scoring.ranking import (
    RankedCandidate,
    competition_ranks,
    dense_ranks,
    percentile_ranks,
    rank_candidates,
)

# A 90, B 80, C 80 (tie), D 70, E not scored -> n = 4
SCORES = {"A": 90.0, "B": 80.0, "C": 80.0, "D": 70.0, "E": None}


def test_percentile_with_a_tie():
    # A: (3 below + 0.5·1)/4 = 87.5; B, C: (1 + 0.5·2)/4 = 50.0; D: (0 + 0.5·1)/4 = 12.5
    assert percentile_ranks(SCORES) == {"A": 87.5, "B": 50.0, "C": 50.0, "D": 12.5}


def test_competition_rank_skips_after_a_tie():
    assert competition_ranks(SCORES) == {"A": 1, "B": 2, "C": 2, "D": 4}


def test_dense_rank_does_not_skip():
    assert dense_ranks(SCORES) == {"A": 1, "B": 2, "C": 2, "D": 3}


def test_unscored_candidates_take_no_part():
    assert "E" not in percentile_ranks(SCORES)
    assert "E" not in competition_ranks(SCORES)


def test_triple_tie_among_five():
    scores = {"p": 100, "q": 90, "r": 90, "s": 90, "t": 60}
    # p: (4 + 0.5)/5 = 90.0; q,r,s: (1 + 1.5)/5 = 50.0; t: 0.5/5 = 10.0
    assert percentile_ranks(scores) == {"p": 90.0, "q": 50.0, "r": 50.0, "s": 50.0, "t": 10.0}
    assert competition_ranks(scores) == {"p": 1, "q": 2, "r": 2, "s": 2, "t": 5}
    assert dense_ranks(scores) == {"p": 1, "q": 2, "r": 2, "s": 2, "t": 3}


def test_rounding_to_one_decimal():
    # 30: 2.5/3 = 83.33…; 20: 1.5/3 = 50; 10: 0.5/3 = 16.66…
    assert percentile_ranks({1: 10, 2: 20, 3: 30}) == {1: 16.7, 2: 50.0, 3: 83.3}


def test_lone_candidate_and_all_tied_sit_at_50():
    assert percentile_ranks({"x": 42}) == {"x": 50.0}
    assert competition_ranks({"x": 42}) == {"x": 1}
    assert percentile_ranks({"a": 5, "b": 5, "c": 5}) == {"a": 50.0, "b": 50.0, "c": 50.0}
    assert competition_ranks({"a": 5, "b": 5, "c": 5}) == {"a": 1, "b": 1, "c": 1}


def test_empty_job():
    assert percentile_ranks({}) == {}
    assert percentile_ranks({"a": None}) == {}
    assert rank_candidates({}) == []


def test_rank_candidates_best_first_ties_in_input_order():
    ranked = rank_candidates({"D": 70, "C": 80, "A": 90, "B": 80, "E": None})
    assert ranked == [
        RankedCandidate("A", 90.0, 1, 87.5),
        RankedCandidate("C", 80.0, 2, 50.0),
        RankedCandidate("B", 80.0, 2, 50.0),
        RankedCandidate("D", 70.0, 4, 12.5),
    ]


@pytest.mark.parametrize("bad", [math.nan, math.inf, True])
def test_non_finite_scores_are_refused(bad):
    with pytest.raises(ValueError, match="finite number"):
        percentile_ranks({"a": 1.0, "b": bad})
