"""public_items never carry answers, explanations or server-only key fields."""

from __future__ import annotations

import json
from typing import Any

import pytest

from screening.assessments import get_type
from screening.assessments.banks import grammar_items

SERVER_ONLY_FIELDS = {
    "answer",
    "answer_index",
    "explanation",
    "option_order",
    "item_id",
    "template_id",
    "params",
    "tolerance",
    "expected",
    "seed",
    "prompt_id",
    "passage_ids",
    "threshold_wpm",
    "threshold_kph",
    "accuracy_target",
    "accuracy_floor",
    "choice_weight",
    "version",
    "type_id",
}

PUBLIC_FIELDS = {
    "typing": {"id", "kind", "passage", "time_limit_s"},
    "tenkey": {"id", "kind", "entries", "time_limit_s"},
    "math": {"id", "kind", "topic", "text", "unit", "format_hint"},
    "grammar": {"id", "kind", "prompt", "options"},
    "writing": {
        "id",
        "kind",
        "subject",
        "customer_name",
        "message",
        "instructions",
        "min_words",
        "max_words",
    },
}


def all_keys(value: Any) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in all_keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in all_keys(v)}
    return set()


def all_numbers(value: Any) -> list[float]:
    if isinstance(value, dict):
        return [n for v in value.values() for n in all_numbers(v)]
    if isinstance(value, list):
        return [n for v in value for n in all_numbers(v)]
    if isinstance(value, int | float) and not isinstance(value, bool):
        return [float(value)]
    return []


@pytest.mark.parametrize("type_id", ["typing", "grammar", "math", "tenkey"])
@pytest.mark.parametrize("seed", range(15))
def test_public_items_hold_no_server_fields(type_id: str, seed: int):
    section = get_type(type_id).build(seed)
    public_json = json.dumps(section.public_items)
    assert not all_keys(section.public_items) & SERVER_ONLY_FIELDS
    for name in SERVER_ONLY_FIELDS:
        assert f'"{name}"' not in public_json
    for item in section.public_items:
        kind = item["kind"]
        expected = PUBLIC_FIELDS["writing" if kind == "writing" else type_id]
        assert set(item) == expected, (type_id, kind)


@pytest.mark.parametrize("seed", range(40))
def test_grammar_explanations_never_reach_the_browser(seed: int):
    section = get_type("grammar").build(seed, {"choice_count": 24})
    public_json = json.dumps(section.public_items)
    bank = {item.id: item for item in grammar_items()}
    for choice in section.key["choices"]:
        item = bank[choice["item_id"]]
        assert json.dumps(item.explanation)[1:-1] not in public_json
        assert item.id not in public_json


@pytest.mark.parametrize("seed", range(40))
def test_math_answers_never_reach_the_browser(seed: int):
    section = get_type("math").build(seed)
    assert all_numbers(section.public_items) == []  # no numeric field that could be the answer
    public_json = json.dumps(section.public_items)
    for problem in section.key["problems"]:
        assert problem["template_id"] not in public_json
