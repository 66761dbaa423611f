"""Adverse impact: selection rates, four-fifths rule, NYC LL144 scoring rates (hand-computed)."""

from __future__ import annotations

import json

import pytest

from screening.scoring.fairness import (
    scoring_rate_impact,
    selection_impact,
    selection_impact_from_counts,
)


def test_uniform_guidelines_example_fails_four_fifths():
    # 29 CFR 1607 Q&A example: 48 of 80 selected (60 %) vs 12 of 40 (30 %): 30/60 = 0.5 < 0.8
    report = selection_impact_from_counts({"group_a": (48, 80), "group_b": (12, 40)})
    a, b = report.group("group_a"), report.group("group_b")
    assert (a.rate, a.impact_ratio, a.below_four_fifths) == (0.6, 1.0, False)
    assert b.rate == 0.3
    assert b.impact_ratio == pytest.approx(0.5)
    assert b.below_four_fifths is True
    assert report.reference_groups == ("group_a",)
    assert report.adverse_impact is True
    assert report.method == "selection_rate"


def test_ratio_of_exactly_four_fifths_is_not_below():
    # 50/100 = 0.5 (reference); 42/100 -> 0.84; 40/100 -> 0.8 (not below); 39/100 -> 0.78
    report = selection_impact_from_counts(
        {"a": (50, 100), "b": (42, 100), "c": (40, 100), "d": (39, 100)}
    )
    assert report.group("b").impact_ratio == pytest.approx(0.84)
    assert report.group("c").impact_ratio == pytest.approx(0.8)
    assert report.group("c").below_four_fifths is False
    assert report.group("d").impact_ratio == pytest.approx(0.78)
    assert report.group("d").below_four_fifths is True
    assert report.adverse_impact is True


def test_no_adverse_impact_when_all_ratios_are_at_least_080():
    report = selection_impact_from_counts({"a": (50, 100), "b": (45, 100)})
    assert report.group("b").impact_ratio == pytest.approx(0.9)
    assert report.adverse_impact is False


def test_tied_highest_rates_are_both_reference():
    report = selection_impact_from_counts({"x": (5, 10), "y": (10, 20), "z": (2, 10)})
    assert report.reference_groups == ("x", "y")
    assert report.group("z").impact_ratio == pytest.approx(0.4)


def test_small_groups_are_reported_but_flagged_and_do_not_raise_the_alarm():
    # "tiny": 3 applicants (< 5); "rare": 5 of 305 known = 1.6 % (< 2 %)
    report = selection_impact_from_counts(
        {"big": (150, 297), "tiny": (0, 3), "rare": (1, 5)},
    )
    tiny, rare, big = report.group("tiny"), report.group("rare"), report.group("big")
    assert tiny.small_sample and rare.small_sample and not big.small_sample
    assert tiny.below_four_fifths is True  # 0 / (150/297) = 0
    assert rare.impact_ratio == pytest.approx(0.2 / (150 / 297))
    assert report.adverse_impact is False  # only small groups fall below 0.8
    assert any("'tiny' has only 3 applicant(s)" in note for note in report.notes)
    assert any("'rare' has only 5 applicant(s) (1.6%" in note for note in report.notes)


def test_min_group_size_is_configurable():
    report = selection_impact_from_counts({"a": (3, 4), "b": (1, 4)}, min_group_size=4)
    assert not report.group("a").small_sample
    assert report.adverse_impact is True  # 0.25/0.75 = 0.33


def test_from_outcomes_counts_and_keeps_unknowns_apart():
    outcomes = [("a", True)] * 6 + [("a", False)] * 4 + [("b", True)] * 2 + [("b", False)] * 8
    outcomes += [(None, True), (None, False)]
    report = selection_impact(outcomes)
    assert (report.group("a").favourable, report.group("a").total) == (6, 10)
    assert (report.group("b").favourable, report.group("b").total) == (2, 10)
    assert report.group("b").impact_ratio == pytest.approx(0.2 / 0.6)
    assert report.unknown_count == 2
    assert any("2 applicant(s) did not give the category" in n for n in report.notes)


def test_nobody_selected_means_no_reference_and_no_ratios():
    report = selection_impact_from_counts({"a": (0, 10), "b": (0, 10)})
    assert report.reference_groups == ()
    assert report.group("a").impact_ratio is None
    assert report.adverse_impact is False
    assert "impact ratios are not defined" in report.notes[0]


@pytest.mark.parametrize("counts", [{"a": (5, 4)}, {"a": (-1, 4)}, {"a": (0, 0)}])
def test_impossible_counts_are_refused(counts):
    with pytest.raises(ValueError, match="favourable"):
        selection_impact_from_counts(counts)


def test_scoring_rate_against_the_whole_sample_median():
    # all 10 scores: 10 20 30 40 50 | 55 60 70 80 90 -> median (50 + 55)/2 = 52.5
    # x: 10 20 50 60 -> above: 60 -> 1/4 = 0.25; y: 30 40 70 80 90 -> 3/5 = 0.6
    # unknown 55 counts for the median but not in any rate
    scores = [("x", 10), ("x", 20), ("x", 50), ("x", 60)]
    scores += [("y", 30), ("y", 40), ("y", 70), ("y", 80), ("y", 90), (None, 55)]
    report = scoring_rate_impact(scores, min_group_size=2)
    assert report.median == 52.5
    assert report.method == "scoring_rate"
    x, y = report.group("x"), report.group("y")
    assert (x.favourable, x.total, x.rate) == (1, 4, 0.25)
    assert (y.favourable, y.total, y.rate) == (3, 5, 0.6)
    assert x.impact_ratio == pytest.approx(0.25 / 0.6)
    assert x.below_four_fifths is True
    assert report.reference_groups == ("y",)
    assert report.unknown_count == 1
    assert report.adverse_impact is True


def test_score_equal_to_the_median_is_not_above_it():
    # median of 1, 2, 3 is 2: only c (3) is strictly above
    report = scoring_rate_impact([("a", 1), ("b", 2), ("c", 3)], min_group_size=1)
    assert report.median == 2
    assert report.group("b").rate == 0.0
    assert report.group("c").rate == 1.0


def test_scoring_rate_with_no_scores():
    report = scoring_rate_impact([])
    assert report.groups == () and report.median is None and not report.adverse_impact


def test_report_to_dict_is_json_ready():
    report = selection_impact_from_counts({"a": (48, 80), "b": (12, 40)})
    data = json.loads(json.dumps(report.to_dict()))
    assert data["groups"][1]["group"] == "b"
    assert data["groups"][1]["below_four_fifths"] is True
    assert data["reference_groups"] == ["a"]
