"""Eligibility: parsing the applicant's answers and checking a job's knockout rules."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from screening.models.job import default_profile
from screening.scoring.eligibility import (
    EligibilityAnswers,
    EligibilityInputError,
    evaluate,
    parse_answers,
)

FORM = {
    "state": "tx",
    "adult": "yes",
    "evening": "yes",
    "weekend": "no",
    "weekly_hours": "25",
    "headset": "yes",
    "computer": "macos",
    "download_mbps": "42.5",
}
DEFAULT_RULES: dict[str, Any] = default_profile()["knockouts"]


def answers(**changes: Any) -> EligibilityAnswers:
    return replace(parse_answers(FORM, DEFAULT_RULES), **changes)


def test_parse_normalizes_a_complete_form() -> None:
    parsed = parse_answers(FORM, DEFAULT_RULES)
    assert parsed == EligibilityAnswers(
        state="TX", meets_min_age=True, age_asked=18, evening=True, weekend=False,
        weekly_hours=25, headset=True, computer="macos", download_mbps=42.5)
    assert parsed.to_dict()["state"] == "TX"


def test_parse_lists_every_problem_at_once() -> None:
    form = {"state": "ZZ", "adult": "maybe", "weekly_hours": "12.5", "computer": "amiga",
            "download_mbps": "-3", "evening": "yes", "weekend": "no"}
    with pytest.raises(EligibilityInputError) as info:
        parse_answers(form, DEFAULT_RULES)
    errors = info.value.errors
    assert set(errors) == {"state", "adult", "weekly_hours", "computer", "download_mbps",
                           "headset"}
    assert errors["weekly_hours"] == "Please enter whole hours per week, e.g. 30."
    assert "between 0 and 10000" in errors["download_mbps"]
    assert "at least 18 years old" in errors["adult"]


@pytest.mark.parametrize("value", ["nan", "inf", "81", "", "ten"])
def test_weekly_hours_out_of_range_or_not_a_number(value: str) -> None:
    with pytest.raises(EligibilityInputError) as info:
        parse_answers({**FORM, "weekly_hours": value}, DEFAULT_RULES)
    assert set(info.value.errors) == {"weekly_hours"}


def test_age_question_is_skipped_when_the_job_has_no_minimum_age() -> None:
    form = {k: v for k, v in FORM.items() if k != "adult"}
    parsed = parse_answers(form, {**DEFAULT_RULES, "min_age": 0})
    assert parsed.meets_min_age is True and parsed.age_asked == 0
    with pytest.raises(EligibilityInputError):
        parse_answers(form, DEFAULT_RULES)


def test_default_rules_pass_a_typical_applicant() -> None:
    assert evaluate(DEFAULT_RULES, answers()) == []


def test_empty_rules_pass_everyone() -> None:
    weakest = answers(meets_min_age=False, evening=False, weekend=False, weekly_hours=0,
                      headset=False, download_mbps=0.0, computer="none")
    assert evaluate({}, weakest) == []


def test_every_rule_fails_with_a_plain_reason_in_a_fixed_order() -> None:
    rules = {"allowed_states": ["fl", "CA", "NY"], "min_age": 21, "requires_evening": True,
             "requires_weekend": True, "min_weekly_hours": 30, "requires_headset": True,
             "min_download_mbps": 25}
    weak = answers(meets_min_age=False, age_asked=21, evening=False, weekend=False,
                   weekly_hours=20, headset=False, download_mbps=10.0)
    failures = evaluate(rules, weak)
    assert [f.rule for f in failures] == [
        "allowed_states", "min_age", "requires_evening", "requires_weekend",
        "min_weekly_hours", "requires_headset", "min_download_mbps"]
    reasons = [f.reason for f in failures]
    assert reasons[0] == ("This job is open to residents of California, Florida and New York; "
                          "you told us you live in Texas.")
    assert reasons[1] == "This job requires applicants to be at least 21 years old."
    assert reasons[4] == "This job needs at least 30 hours a week; you told us you can work 20."
    assert reasons[6] == ("This job needs an internet download speed of at least 25 Mbps; you "
                          "told us yours is 10 Mbps.")


@pytest.mark.parametrize(
    ("rule", "passing", "failing"),
    [
        ("min_weekly_hours", {"weekly_hours": 30}, {"weekly_hours": 29}),
        ("min_download_mbps", {"download_mbps": 25.0}, {"download_mbps": 24.9}),
    ],
)
def test_minimums_are_inclusive(rule: str, passing: dict[str, Any],
                                failing: dict[str, Any]) -> None:
    rules = {"min_weekly_hours": 30, "min_download_mbps": 25}
    rules = {rule: rules[rule]}
    assert evaluate(rules, answers(**passing)) == []
    assert [f.rule for f in evaluate(rules, answers(**failing))] == [rule]


def test_state_rule_accepts_listed_states_only() -> None:
    rules = {"allowed_states": ["TX"]}
    assert evaluate(rules, answers(state="TX")) == []
    assert [f.rule for f in evaluate(rules, answers(state="OK"))] == ["allowed_states"]


def test_age_answer_given_for_a_lower_minimum_does_not_count() -> None:
    """A "yes" to "at least 18?" does not prove "at least 21"."""
    failures = evaluate({"min_age": 21}, answers(meets_min_age=True, age_asked=18))
    assert [f.rule for f in failures] == ["min_age"]
    assert evaluate({"min_age": 21}, answers(meets_min_age=True, age_asked=21)) == []


def test_requirement_flags_only_apply_when_true() -> None:
    weak = answers(evening=False, weekend=False, headset=False)
    assert evaluate({"requires_evening": False, "requires_weekend": False,
                     "requires_headset": False}, weak) == []
    assert [f.rule for f in evaluate({"requires_headset": True}, weak)] == ["requires_headset"]
