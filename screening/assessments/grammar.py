"""The ``grammar`` assessment type: multiple-choice grammar items and a written reply.

Build draws ``choice_count`` items spread evenly over the kinds (choose the
correct sentence, fix the error, punctuation), shuffles items and their
options, and adds one writing prompt (a customer e-mail to answer).

Public items: ``q1..qN`` ``{id, kind, prompt, options[]}`` and ``w1`` ``{id,
kind: "writing", subject, customer_name, message, instructions, min_words,
max_words}``. Answers: an option index per ``q`` item, the reply text for
``w1``.

Score: the multiple-choice percent, blended with the writing score when the
LanguageTool-based writing scorer has produced one:
``choice_weight × mc% + (1 − choice_weight) × writing_score``. Until then the
section score is the multiple-choice percent and ``raw["writing"]["scored"]``
is false.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from screening.assessments.answers import count_words, parse_choice, parse_text
from screening.assessments.banks import GRAMMAR_KINDS, WritingPrompt, grammar_items, writing_prompts
from screening.assessments.base import (
    KEY_VERSION,
    AnswerError,
    BuiltSection,
    FlagSetting,
    NumberSetting,
    SectionResult,
    Setting,
    require_key,
    resolve_settings,
    seeded_rng,
)
from screening.scoring.choice import choice_explanation, score_choices

WRITING_ID = "w1"

SETTINGS: dict[str, Setting] = {
    "choice_count": NumberSetting(12, 3, 48, integer=True),
    "writing": FlagSetting(True),
    "choice_weight": NumberSetting(0.6, 0, 1),
}


class GrammarAssessment:
    """Grammar and writing: multiple choice from the item bank plus a customer reply."""

    type_id = "grammar"
    title = "Grammar and writing"

    def build(self, seed: int, settings: Mapping[str, Any] | None = None) -> BuiltSection:
        """Draw items, option orders and the writing prompt with ``random.Random(seed)``."""
        resolved = resolve_settings(self.type_id, settings, SETTINGS)
        rng = seeded_rng(seed)
        bank = sorted(grammar_items(), key=lambda i: i.id)
        count = resolved["choice_count"]
        kinds = list(GRAMMAR_KINDS)
        rng.shuffle(kinds)
        per_kind = {kind: count // len(kinds) for kind in kinds}
        for kind in kinds[: count % len(kinds)]:
            per_kind[kind] += 1
        drawn = []
        for kind in GRAMMAR_KINDS:
            pool = [item for item in bank if item.kind == kind]
            if per_kind[kind] > len(pool):
                raise ValueError(f"the bank has only {len(pool)} {kind} items")
            drawn.extend(rng.sample(pool, per_kind[kind]))
        rng.shuffle(drawn)

        public: list[dict[str, Any]] = []
        choices: list[dict[str, Any]] = []
        for number, item in enumerate(drawn, start=1):
            order = list(range(len(item.options)))
            rng.shuffle(order)
            item_id = f"q{number}"
            public.append(
                {
                    "id": item_id,
                    "kind": item.kind,
                    "prompt": item.prompt,
                    "options": [item.options[i] for i in order],
                }
            )
            choices.append(
                {
                    "id": item_id,
                    "item_id": item.id,
                    "kind": item.kind,
                    "option_order": order,
                    "answer_index": order.index(item.answer),
                }
            )
        writing: dict[str, Any] | None = None
        if resolved["writing"]:
            prompt = rng.choice(sorted(writing_prompts(), key=lambda p: p.id))
            public.append(
                {
                    "id": WRITING_ID,
                    "kind": "writing",
                    "subject": prompt.subject,
                    "customer_name": prompt.customer_name,
                    "message": prompt.message,
                    "instructions": prompt.instructions,
                    "min_words": prompt.min_words,
                    "max_words": prompt.max_words,
                }
            )
            writing = {
                "id": WRITING_ID,
                "prompt_id": prompt.id,
                "min_words": prompt.min_words,
                "max_words": prompt.max_words,
            }
        key = {
            "type_id": self.type_id,
            "version": KEY_VERSION,
            "seed": seed,
            "choice_weight": resolved["choice_weight"],
            "choices": choices,
            "writing": writing,
        }
        return BuiltSection(self.type_id, seed, public, key)

    @staticmethod
    def writing_prompt(key: Mapping[str, Any]) -> WritingPrompt | None:
        """The prompt of this attempt's written reply (None when the section has none)."""
        writing = key.get("writing")
        if not writing:
            return None
        by_id = {p.id: p for p in writing_prompts()}
        return by_id[writing["prompt_id"]]

    def validate_answer(self, key: Mapping[str, Any], item_id: str, value: object) -> Any:
        """Option index for ``q`` items (int), stripped text for the writing item."""
        require_key(key, self.type_id)
        writing = key.get("writing")
        if writing and item_id == writing["id"]:
            return parse_text(value)
        for choice in key["choices"]:
            if choice["id"] == item_id:
                return parse_choice(value, len(choice["option_order"]))
        raise AnswerError(f"unknown item {item_id!r}")

    def score(
        self,
        key: Mapping[str, Any],
        answers: Mapping[str, Any],
        *,
        writing_score: float | None = None,
    ) -> SectionResult:
        """Score the section; ``writing_score`` (0–100) comes from the writing scorer if done.

        An answer that is not a valid option counts as unanswered (``invalid_choices``).
        """
        require_key(key, self.type_id)
        if writing_score is not None and not 0 <= writing_score <= 100:
            raise ValueError("writing_score must be between 0 and 100")
        responses: list[int | None] = []
        invalid = 0
        for choice in key["choices"]:
            value = answers.get(choice["id"])
            if value is None:
                responses.append(None)
                continue
            try:
                responses.append(parse_choice(value, len(choice["option_order"])))
            except AnswerError:
                invalid += 1
                responses.append(None)
        answer_key = [c["answer_index"] for c in key["choices"]]
        result = score_choices(answer_key, responses)

        by_kind: dict[str, dict[str, int]] = {}
        items = []
        for choice, response in zip(key["choices"], responses, strict=True):
            correct = response is not None and response == choice["answer_index"]
            tally = by_kind.setdefault(choice["kind"], {"correct": 0, "total": 0})
            tally["total"] += 1
            tally["correct"] += int(correct)
            items.append({"id": choice["id"], "item_id": choice["item_id"], "correct": correct})

        explanation = choice_explanation(result)
        score = result.percent
        writing_raw: dict[str, Any] | None = None
        writing = key.get("writing")
        if writing:
            text = answers.get(writing["id"])
            words = count_words(text) if isinstance(text, str) else 0
            writing_raw = {
                "prompt_id": writing["prompt_id"],
                "words": words,
                "min_words": writing["min_words"],
                "max_words": writing["max_words"],
                "scored": writing_score is not None,
                "score": writing_score,
            }
            if writing_score is None:
                explanation += "; written reply not scored yet"
            else:
                weight = float(key["choice_weight"])
                score = weight * result.percent + (1 - weight) * writing_score
                explanation += f"; written reply {writing_score:.0f}/100 ({words} words)"
        raw: dict[str, Any] = {
            **result.to_dict(),
            "percent": round(result.percent, 2),
            "invalid_choices": invalid,
            "by_kind": by_kind,
            "items": items,
            "writing": writing_raw,
            "choice_weight": key["choice_weight"],
        }
        return SectionResult(self.type_id, round(min(100.0, max(0.0, score)), 1), raw, explanation)
