"""Multiple-choice scoring."""

from __future__ import annotations

import pytest

from screening.scoring.choice import ChoiceResult, choice_explanation, score_choices


def test_counts_correct_answered_and_percent():
    result = score_choices([0, 1, 2, 3], [0, 2, None, 3])
    assert result == ChoiceResult(total=4, answered=3, correct=2, percent=50.0)
    assert choice_explanation(result) == "2 of 4 multiple-choice correct (50%)"


def test_all_unanswered_and_empty():
    assert score_choices([1, 1], [None, None]).percent == 0.0
    assert score_choices([], []) == ChoiceResult(0, 0, 0, 0.0)


def test_length_mismatch_is_an_error():
    with pytest.raises(ValueError, match="1 responses for 2 items"):
        score_choices([0, 1], [0])
