"""Composite scorecard: hand-computed composites, recommendation rules, explanations."""

from __future__ import annotations

import json
import math

import pytest

from screening.scoring.composite import (
    RecommendationCutoffs,
    build_scorecard,
    format_number,
)

CUTOFFS = RecommendationCutoffs(advance=75, review=60)
WEIGHTS = {"typing": 30, "grammar": 40, "math": 30}


def card(scores, weights=WEIGHTS, thresholds=None, **kwargs):
    return build_scorecard(scores, weights, thresholds, cutoffs=CUTOFFS, **kwargs)


def test_complete_composite_is_the_weighted_mean():
    # (72·30 + 85·40 + 75·30) / 100 = (2160 + 3400 + 2250) / 100 = 78.1
    sc = card({"typing": 72, "grammar": 85, "math": 75})
    assert sc.composite == 78.1
    assert sc.complete is True
    assert sc.recommendation == "advance"
    assert sc.explanation[0] == (
        "Composite 78.1: typing 72 (weight 30), grammar 85 (weight 40), math 75 (weight 30)"
    )
    assert sc.explanation[-1] == (
        "Recommendation advance: composite 78.1 is at or above the advance cut-off 75"
    )


def test_missing_section_is_left_out_and_weights_renormalised_never_zero():
    # (72·30 + 85·40) / 70 = 5560 / 70 = 79.428… -> 79.4; effective weights 42.857 / 57.143
    sc = card({"typing": 72, "grammar": 85, "math": None})
    assert sc.composite == 79.4
    assert sc.complete is False
    assert sc.section("typing").effective_weight == pytest.approx(300 / 7)
    assert sc.section("grammar").effective_weight == pytest.approx(400 / 7)
    math_line = sc.section("math")
    assert math_line.status == "not_available"
    assert math_line.score is None and math_line.effective_weight is None
    assert math_line.passed is None
    text = "\n".join(sc.explanation)
    assert sc.explanation[0] == (
        "Composite 79.4 over the available sections: typing 72 (weight 30, counts 42.9), "
        "grammar 85 (weight 40, counts 57.1); math not available (weight 30 left out)"
    )
    assert "math: not available" in sc.explanation
    assert "math 0" not in text
    assert "2 of 3 sections scored; math not available" in sc.explanation


def test_section_absent_from_mapping_counts_as_not_available():
    sc = card({"typing": 72, "grammar": 85})
    assert sc.section("math").status == "not_available"
    assert sc.composite == 79.4


def test_incomplete_scorecard_is_review_even_when_the_partial_composite_is_high_or_low():
    high = card({"typing": 100, "grammar": 100, "math": None})
    low = card({"typing": 10, "grammar": 10, "math": None})
    assert (high.composite, high.recommendation) == (100.0, "review")
    assert (low.composite, low.recommendation) == (10.0, "review")
    assert "math not available" in low.reasons[0]


def test_incomplete_card_still_names_its_integrity_flags():
    sc = card({"typing": 90, "grammar": None, "math": 90}, integrity_flags=["paste"])
    assert sc.recommendation == "review"
    assert sc.reasons[-1] == "integrity flag 'paste' needs a human look"


def test_nothing_scored_has_no_composite():
    sc = card({"typing": None, "grammar": None, "math": None})
    assert sc.composite is None
    assert sc.recommendation == "review"
    assert sc.explanation[0].startswith("Composite not available: no section has a score yet")


def test_failed_knockout_rejects_whatever_the_scores():
    sc = card(
        {"typing": 99, "grammar": 99, "math": 99},
        knockout_failures=["lives in TX; the job is offered in CA, FL only"],
    )
    assert sc.composite == 99.0
    assert sc.recommendation == "reject"
    assert sc.explanation[-1] == (
        "Recommendation reject: knockout failed: lives in TX; the job is offered in CA, FL only"
    )


def test_failed_knockout_rejects_an_incomplete_card_too():
    sc = card({"typing": 99}, knockout_failures=["no wired headset"])
    assert sc.recommendation == "reject"


def test_integrity_flag_turns_advance_into_review():
    sc = card({"typing": 90, "grammar": 90, "math": 90}, integrity_flags=["paste"])
    assert sc.composite == 90.0
    assert sc.recommendation == "review"
    assert sc.flagged
    assert "integrity flag 'paste' needs a human look" in sc.reasons
    assert sc.explanation[-1] == (
        "Recommendation review: composite 90.0 is at or above the advance cut-off 75; "
        "integrity flag 'paste' needs a human look"
    )


def test_integrity_flag_keeps_review_as_review():
    # (70·30 + 65·40 + 60·30)/100 = 21 + 26 + 18 = 65.0 -> review band
    sc = card({"typing": 70, "grammar": 65, "math": 60}, integrity_flags=["tab_switch"])
    assert (sc.composite, sc.recommendation) == (65.0, "review")


def test_integrity_flags_never_cause_a_rejection():
    # 50 everywhere -> composite 50 -> reject by score; the flag did not cause it
    sc = card({"typing": 50, "grammar": 50, "math": 50}, integrity_flags=["paste"])
    assert sc.recommendation == "reject"
    assert any("did not cause this recommendation" in r for r in sc.reasons)
    clean = card({"typing": 50, "grammar": 50, "math": 50})
    assert clean.recommendation == sc.recommendation


def test_duplicate_flags_are_reported_once():
    sc = card({"typing": 90, "grammar": 90, "math": 90}, integrity_flags=["paste", "paste"])
    assert sc.integrity_flags == ("paste",)


def test_section_below_threshold_caps_at_review():
    # (50·20 + 95·40 + 95·40)/100 = 10 + 38 + 38 = 86.0 -> advance band, but typing failed
    weights = {"typing": 20, "grammar": 40, "math": 40}
    sc = card(
        {"typing": 50, "grammar": 95, "math": 95},
        weights,
        {"typing": 60, "grammar": 70},
    )
    assert sc.composite == 86.0
    assert sc.recommendation == "review"
    assert sc.failed_sections == ("typing",)
    assert sc.section("typing").passed is False
    assert sc.section("grammar").passed is True
    assert sc.section("math").passed is None  # no threshold
    assert "typing 50: below its pass threshold 60" in sc.explanation
    assert "grammar 95: passes its threshold 70" in sc.explanation
    assert "math 95: no pass threshold set" in sc.explanation
    assert "typing 50 is below its pass threshold 60; a human decides" in sc.reasons


def test_score_equal_to_threshold_passes():
    sc = card({"typing": 60, "grammar": 90, "math": 90}, thresholds={"typing": 60})
    assert sc.section("typing").passed is True
    assert sc.recommendation == "advance"  # (1800 + 3600 + 2700)/100 = 81.0


@pytest.mark.parametrize(
    ("score", "expected"),
    [(75.0, "advance"), (74.9, "review"), (60.0, "review"), (59.9, "reject"), (100, "advance")],
)
def test_cutoff_boundaries(score, expected):
    sc = build_scorecard({"only": score}, {"only": 100}, cutoffs=CUTOFFS)
    assert sc.composite == pytest.approx(score)
    assert sc.recommendation == expected


def test_displayed_composite_is_the_compared_composite():
    # (74.92·50 + 75·50)/100 = 74.96 -> shown and compared as 75.0 -> advance
    sc = build_scorecard({"a": 74.92, "b": 75}, {"a": 50, "b": 50}, cutoffs=CUTOFFS)
    assert sc.composite == 75.0
    assert sc.recommendation == "advance"


def test_fractional_weights_summing_to_100_are_accepted():
    sc = build_scorecard(
        {"a": 90, "b": 60, "c": 30}, {"a": 33.34, "b": 33.33, "c": 33.33}, cutoffs=CUTOFFS
    )
    # (90·33.34 + 60·33.33 + 30·33.33)/100 = (3000.6 + 1999.8 + 999.9)/100 = 60.003 -> 60.0
    assert sc.composite == 60.0


@pytest.mark.parametrize(
    ("scores", "weights", "thresholds", "message"),
    [
        ({"a": 50}, {"a": 90}, None, "sum to 100"),
        ({"a": 50}, {}, None, "no section"),
        ({"a": 50, "b": 50}, {"a": 100, "b": 0}, None, "must be a number > 0"),
        ({"a": 101}, {"a": 100}, None, "must be in [0, 100]"),
        ({"a": -1}, {"a": 100}, None, "must be in [0, 100]"),
        ({"a": math.nan}, {"a": 100}, None, "must be in [0, 100]"),
        ({"a": True}, {"a": 100}, None, "must be in [0, 100]"),
        ({"a": 50, "voice": 80}, {"a": 100}, None, "not enabled"),
        ({"a": 50}, {"a": 100}, {"voice": 50}, "not enabled"),
        ({"a": 50}, {"a": 100}, {"a": 150}, "pass threshold"),
    ],
)
def test_bad_inputs_are_refused_with_a_clear_message(scores, weights, thresholds, message):
    with pytest.raises(ValueError, match=message.replace("[", r"\[").replace("]", r"\]")):
        build_scorecard(scores, weights, thresholds, cutoffs=CUTOFFS)


@pytest.mark.parametrize(("advance", "review"), [(60, 75), (101, 50), (80, -1), (math.inf, 50)])
def test_bad_cutoffs_are_refused(advance, review):
    with pytest.raises(ValueError):
        RecommendationCutoffs(advance=advance, review=review)


def test_every_number_has_an_explanation_line():
    sc = card({"typing": 72.5, "grammar": 85, "math": None}, thresholds={"typing": 60})
    text = "\n".join(sc.explanation)
    for number in ("72.5", "85", "30", "40", "42.9", "57.1", "60", "75", "79.6"):
        assert number in text, number
    # (72.5·30 + 85·40)/70 = (2175 + 3400)/70 = 79.642… -> 79.6
    assert sc.composite == 79.6
    assert "Cut-offs: advance at 75 or more, review at 60 or more, reject below" in text


def test_to_dict_is_json_ready():
    sc = card({"typing": 72, "grammar": None, "math": 75}, integrity_flags=["paste"])
    data = json.loads(json.dumps(sc.to_dict()))
    assert data["recommendation"] == "review"
    assert data["flagged"] is True
    assert data["sections"][1] == {
        "key": "grammar",
        "status": "not_available",
        "score": None,
        "weight": 40.0,
        "effective_weight": None,
        "threshold": None,
        "passed": None,
    }
    assert data["explanation"] == list(sc.explanation)


@pytest.mark.parametrize(
    ("value", "text"), [(72.0, "72"), (78.44, "78.4"), (42.857, "42.9"), (0, "0"), (99.96, "100")]
)
def test_format_number(value, text):
    assert format_number(value) == text
