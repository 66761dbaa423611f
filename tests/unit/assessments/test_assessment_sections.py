"""Built-in sections: determinism, settings, answer validation and scoring end to end."""

from __future__ import annotations

import json
from typing import Any

import pytest

from screening.assessments import AnswerError, GrammarAssessment, SettingsError, get_type
from screening.assessments.answers import format_clock
from screening.assessments.banks import grammar_items, writing_prompts
from tests.unit.assessments.conftest import key_entries, type_text

TYPES = ("typing", "grammar", "math", "tenkey")


def as_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True)


@pytest.mark.parametrize("type_id", TYPES)
def test_same_seed_same_section(type_id: str):
    a = get_type(type_id).build(1234)
    b = get_type(type_id).build(1234)
    assert as_json(a.public_items) == as_json(b.public_items)
    assert as_json(a.key) == as_json(b.key)
    assert a.seed == 1234 and a.type_id == type_id


@pytest.mark.parametrize("type_id", TYPES)
def test_different_seeds_vary(type_id: str):
    drawn = {as_json(get_type(type_id).build(seed).public_items) for seed in range(12)}
    assert len(drawn) >= 10


@pytest.mark.parametrize("type_id", TYPES)
def test_key_survives_json_storage(type_id: str):
    section = get_type(type_id).build(5)
    stored = json.loads(json.dumps(section.key))
    a = get_type(type_id).score(section.key, {}).to_dict()
    b = get_type(type_id).score(stored, {}).to_dict()
    assert a == b
    json.dumps(a)  # the result is JSON-serializable


@pytest.mark.parametrize(
    ("type_id", "settings", "message"),
    [
        ("typing", {"time_limit": 60}, "unknown setting"),
        ("typing", {"time_limit_s": 5}, "between 15 and 600"),
        ("typing", {"time_limit_s": 60.5}, "whole number"),
        ("typing", {"threshold_wpm": "35"}, "must be a number"),
        ("typing", {"accuracy_floor": 96}, "accuracy_floor must be below"),
        ("grammar", {"writing": "yes"}, "true or false"),
        ("grammar", {"choice_count": 49}, "between 3 and 48"),
        ("math", {"count": 0}, "between 1 and 21"),
        ("tenkey", {"threshold_kph": True}, "must be a number"),
    ],
)
def test_bad_settings(type_id: str, settings: dict[str, Any], message: str):
    with pytest.raises(SettingsError, match=message):
        get_type(type_id).build(1, settings)


def test_seed_must_be_an_int():
    with pytest.raises(TypeError):
        get_type("math").build("1")  # type: ignore[arg-type]


def test_score_refuses_a_key_of_another_type():
    key = get_type("math").build(1).key
    with pytest.raises(ValueError, match="key belongs to 'math', not 'grammar'"):
        get_type("grammar").score(key, {})


# --------------------------------------------------------------------------- typing


def test_typing_passage_is_long_enough_for_the_limit():
    for limit in (15, 60, 300):
        section = get_type("typing").build(3, {"time_limit_s": limit})
        passage = section.public_items[0]["passage"]
        assert len(passage) >= limit * 10
        assert "  " not in passage
        assert section.key["passage"] == passage


def test_typing_scored_from_a_human_like_log():
    section = get_type("typing").build(9, {"threshold_wpm": 40})
    passage = section.public_items[0]["passage"]
    log = type_text(passage[:300], seed=1, mean_ms=180)  # ~67 wpm
    answers = {"t1": get_type("typing").validate_answer(section.key, "t1", log)}
    result = get_type("typing").score(section.key, answers)
    raw = result.raw
    assert raw["accuracy"] == 100.0
    assert 50 < raw["wpm"] < 80
    assert result.flags == ()
    assert raw["wpm_series"] and all(v >= 0 for v in raw["wpm_series"])
    # wpm above 40 at full accuracy: 70 + 30 * (wpm/40 - 1)
    expected = round(min(100.0, 70 + 30 * (raw["wpm"] / 40 - 1)), 1)
    assert result.score == pytest.approx(expected, abs=0.11)
    assert result.explanation == f"{raw['wpm']:.0f} wpm at 100% accuracy; job threshold 40 wpm"


def test_typing_keys_after_the_limit_are_ignored_and_flagged():
    section = get_type("typing").build(2, {"time_limit_s": 15})
    passage = section.public_items[0]["passage"]
    log = type_text(passage, seed=4, mean_ms=200)  # ~ 30+ s of typing for a 15 s test
    assert log[-1]["t"] > 16_000
    result = get_type("typing").score(section.key, {"t1": log})
    assert result.raw["duration_s"] <= 15.0
    assert result.raw["ignored_late_keys"] > 0
    assert "keys_after_time_limit" in {f.code for f in result.flags}


def test_typing_bot_log_is_flagged():
    section = get_type("typing").build(2)
    passage = section.public_items[0]["passage"]
    log = [{"t": i * 30, "key": ch} for i, ch in enumerate(passage[:400])]  # 400 wpm, even
    codes = {f.code for f in get_type("typing").score(section.key, {"t1": log}).flags}
    assert codes == {"implausible_speed", "uniform_key_intervals"}


def test_typing_invalid_log_is_an_answer_error():
    key = get_type("typing").build(1).key
    with pytest.raises(AnswerError, match="keystroke log rejected: event 0: unknown key 'Tab'"):
        get_type("typing").validate_answer(key, "t1", [{"t": 0, "key": "Tab"}])
    with pytest.raises(AnswerError, match="unknown item 'x'"):
        get_type("typing").validate_answer(key, "x", [])
    with pytest.raises(AnswerError):
        get_type("typing").score(key, {"t1": "not a list"})


# --------------------------------------------------------------------------- grammar


def test_grammar_draws_items_evenly_with_one_writing_prompt():
    section = get_type("grammar").build(11)
    questions = [p for p in section.public_items if p["kind"] != "writing"]
    writing = [p for p in section.public_items if p["kind"] == "writing"]
    assert len(questions) == 12 and len(writing) == 1
    kinds = [q["kind"] for q in questions]
    assert {k: kinds.count(k) for k in set(kinds)} == {
        "correct_sentence": 4,
        "fix_error": 4,
        "punctuation": 4,
    }
    assert len({c["item_id"] for c in section.key["choices"]}) == 12
    prompt = GrammarAssessment.writing_prompt(section.key)
    assert prompt in writing_prompts()
    assert writing[0]["message"] == prompt.message


def test_grammar_shuffled_options_map_back_to_the_bank_answer():
    bank = {item.id: item for item in grammar_items()}
    for seed in range(30):
        section = get_type("grammar").build(seed, {"choice_count": 13, "writing": False})
        assert len(section.public_items) == 13
        for public, choice in zip(section.public_items, section.key["choices"], strict=True):
            item = bank[choice["item_id"]]
            assert sorted(public["options"]) == sorted(item.options)
            assert public["options"][choice["answer_index"]] == item.options[item.answer]
            assert public["prompt"] == item.prompt


def test_grammar_scores_multiple_choice_and_writing():
    grammar = get_type("grammar")
    assert isinstance(grammar, GrammarAssessment)
    section = grammar.build(21)
    right = {c["id"]: c["answer_index"] for c in section.key["choices"]}
    wrong = {c["id"]: (c["answer_index"] + 1) % 4 for c in section.key["choices"]}
    reply = "Hello, thank you for writing to us. " * 10

    result = grammar.score(section.key, {**right, "w1": reply})
    assert result.score == 100.0
    assert result.explanation == (
        "12 of 12 multiple-choice correct (100%); written reply not scored yet"
    )
    assert result.raw["writing"]["scored"] is False
    assert result.raw["writing"]["words"] == 70

    # 0.6 * 100 + 0.4 * 50 = 80
    blended = grammar.score(section.key, {**right, "w1": reply}, writing_score=50.0)
    assert blended.score == 80.0
    assert blended.explanation.endswith("written reply 50/100 (70 words)")

    assert grammar.score(section.key, wrong).score == 0.0
    half = {k: (right[k] if i % 2 else wrong[k]) for i, k in enumerate(right)}
    assert grammar.score(section.key, half).raw["correct"] == 6
    with pytest.raises(ValueError):
        grammar.score(section.key, right, writing_score=101)


def test_grammar_invalid_choice_counts_as_unanswered():
    grammar = get_type("grammar")
    section = grammar.build(4, {"writing": False})
    first = section.key["choices"][0]
    result = grammar.score(section.key, {first["id"]: 9})
    assert result.raw["invalid_choices"] == 1
    assert result.raw["answered"] == 0
    with pytest.raises(AnswerError, match="choose one of the 4 options"):
        grammar.validate_answer(section.key, first["id"], 9)
    assert grammar.validate_answer(section.key, first["id"], "2") == 2
    with pytest.raises(AnswerError, match="unknown item 'w1'"):
        grammar.validate_answer(section.key, "w1", "text")


# --------------------------------------------------------------------------- math


def answer_text(problem: dict[str, Any]) -> str:
    unit, answer = problem["unit"], problem["answer"]
    if unit == "clock":
        return format_clock(answer)
    if unit == "USD":
        return f"${answer:,.2f}"
    if unit == "percent":
        return f"{answer}%"
    return str(answer)


def test_math_all_correct_all_wrong_and_invalid():
    maths = get_type("math")
    for seed in range(25):
        section = maths.build(seed)
        problems = section.key["problems"]
        assert len(problems) == 8 and len({p["template_id"] for p in problems}) == 8
        right = {p["id"]: answer_text(p) for p in problems}
        result = maths.score(section.key, right)
        assert result.score == 100.0, (seed, right)
        assert result.explanation == "8 of 8 math problems correct (100%)"

    section = maths.build(3)
    problems = section.key["problems"]
    off = {}
    for p in problems:
        miss = 30 if p["unit"] == "clock" else 0.5
        off[p["id"]] = (
            str(p["answer"] + miss) if p["unit"] != "clock" else format_clock(p["answer"] + miss)
        )
    assert maths.score(section.key, off).score == 0.0
    garbage = {p["id"]: "twelve" for p in problems}
    result = maths.score(section.key, garbage)
    assert (result.score, result.raw["invalid"], result.raw["answered"]) == (0.0, 8, 8)
    empty = maths.score(section.key, {p["id"]: "  " for p in problems})
    assert empty.raw["answered"] == 0


def test_math_validate_answer_normalizes_by_unit():
    maths = get_type("math")
    for seed in range(40):
        section = maths.build(seed)
        for p in section.key["problems"]:
            value = maths.validate_answer(section.key, p["id"], answer_text(p))
            assert value == pytest.approx(p["answer"])
            # the normalized number is accepted again by score
            assert maths.score(section.key, {p["id"]: value}).raw["correct"] == 1


def test_math_money_tolerance_is_one_cent():
    maths = get_type("math")
    section = maths.build(8)
    money = next(p for p in section.key["problems"] if p["unit"] == "USD")
    near = maths.score(section.key, {money["id"]: f"{money['answer'] + 0.01:.2f}"})
    far = maths.score(section.key, {money["id"]: f"{money['answer'] + 0.02:.2f}"})
    assert near.raw["correct"] == 1
    assert far.raw["correct"] == 0


# --------------------------------------------------------------------------- tenkey


def test_tenkey_entries_use_keypad_keys_only():
    section = get_type("tenkey").build(77, {"count": 60})
    entries = section.public_items[0]["entries"]
    assert len(entries) == 60
    assert all(e and set(e) <= set("0123456789.") for e in entries)
    assert any("." in e for e in entries) and any("." not in e for e in entries)


def test_tenkey_scored_from_a_log():
    tenkey = get_type("tenkey")
    section = tenkey.build(6, {"threshold_kph": 8000})
    entries = section.key["entries"]
    log = key_entries(entries, seed=2, mean_ms=300)
    result = tenkey.score(section.key, {"k1": tenkey.validate_answer(section.key, "k1", log)})
    raw = result.raw
    assert raw["entries_correct"] == len(entries)
    assert raw["accuracy"] == 100.0
    assert 9000 < raw["net_kph"] < 15000  # ~12 000 keystrokes per hour at 300 ms a key
    assert result.flags == ()
    assert result.explanation.endswith("net KPH at 100% accuracy; job threshold 8,000 KPH")

    # an extra entry at the start shifts every later entry out of its position
    shifted = [{"t": 1.0, "key": "0"}, {"t": 2.0, "key": "Enter"}] + [
        {"t": e["t"] + 2.0, "key": e["key"]} for e in log
    ]
    raw = tenkey.score(section.key, {"k1": shifted}).raw
    assert (raw["entries_submitted"], raw["entries_correct"]) == (len(entries) + 1, 0)
