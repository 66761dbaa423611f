"""Validity of the item banks shipped in screening/assessments/banks/."""

from __future__ import annotations

import math
import random
import re
from collections import Counter

import pytest

from screening.assessments.banks import (
    GRAMMAR_KINDS,
    check_passage,
    grammar_items,
    math_templates,
    typing_passages,
    writing_prompts,
)
from screening.assessments.math_templates import FORMULAS, generate_problem


def test_grammar_bank_counts_and_kinds():
    items = grammar_items()
    assert len(items) >= 45
    per_kind = Counter(item.kind for item in items)
    assert set(per_kind) == set(GRAMMAR_KINDS)
    assert min(per_kind.values()) >= 15


def test_grammar_items_are_well_formed():
    ids = [item.id for item in grammar_items()]
    assert len(ids) == len(set(ids))
    for item in grammar_items():
        assert 0 <= item.answer < len(item.options), item.id
        assert len(item.options) == 4, item.id
        assert len(set(item.options)) == len(item.options), item.id
        assert item.explanation.strip() and item.prompt.strip(), item.id
        if item.kind == "fix_error":
            assert re.search(r"\[[^\]]+\]", item.prompt), f"{item.id}: no bracketed part"


def test_correct_answers_are_spread_over_positions():
    positions = Counter(item.answer for item in grammar_items())
    assert set(positions) == {0, 1, 2, 3}
    assert max(positions.values()) <= len(grammar_items()) // 2


def test_writing_prompts():
    prompts = writing_prompts()
    assert len(prompts) == 3
    assert len({p.id for p in prompts}) == 3
    for prompt in prompts:
        assert 0 < prompt.min_words < prompt.max_words
        assert len(prompt.message.split()) >= 30, prompt.id


def test_typing_passages():
    passages = typing_passages()
    assert len(passages) == 10
    assert len({p.id for p in passages}) == 10
    for passage in passages:
        assert 200 <= len(passage.text) <= 400, passage.id
        assert passage.text.isascii()
        assert "  " not in passage.text
        check_passage(passage.text)


@pytest.mark.parametrize(
    "text",
    ["short", "x" * 401, "a" * 150 + "  " + "b" * 100, " " + "a" * 250, "caf\u00e9 " * 60],
)
def test_check_passage_rejects(text: str):
    with pytest.raises(ValueError):
        check_passage(text)


def test_ids_are_unique_across_banks():
    ids = (
        [i.id for i in grammar_items()]
        + [p.id for p in writing_prompts()]
        + [t.id for t in math_templates()]
        + [p.id for p in typing_passages()]
    )
    assert len(ids) == len(set(ids))


def test_every_math_template_has_a_formula_and_back():
    template_ids = {t.id for t in math_templates()}
    assert len(template_ids) >= 15
    assert template_ids == set(FORMULAS)


@pytest.mark.parametrize("template", math_templates(), ids=lambda t: t.id)
def test_math_template_generates_for_200_seeds(template):
    texts = set()
    for seed in range(200):
        problem = generate_problem(template, random.Random(seed))
        assert math.isfinite(problem.answer)
        assert problem.answer > 0
        assert "{" not in problem.text and "}" not in problem.text
        for spec in template.params:
            value = problem.params[spec.name]
            if spec.choices:
                assert value in spec.choices
            else:
                assert spec.minimum <= value <= spec.maximum
        if template.unit == "clock":
            assert 0 <= problem.answer < 1440 and problem.answer == int(problem.answer)
        else:
            assert problem.answer == round(problem.answer, template.decimals)
        texts.add(problem.text)
    assert len(texts) > 50, "parameters should vary the text"
