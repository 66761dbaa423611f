"""The ``typing`` assessment type: type a passage within a time limit.

Public item ``t1``: ``{id, kind: "typing", passage, time_limit_s}``. Answer for
``t1``: the keystroke log, a list of ``{"t": ms, "key": k}`` (see
:mod:`screening.scoring.typing`). The passage is made of bank passages joined
by single spaces until it holds at least ``time_limit_s × 10`` characters
(what a 120 wpm typist types in the limit), so nobody runs out of text.

Keys pressed after the time limit are ignored; a ``keys_after_time_limit``
flag is raised when any came more than :data:`LATE_GRACE_MS` after it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from screening.assessments.banks import typing_passages
from screening.assessments.base import (
    KEY_VERSION,
    AnswerError,
    BuiltSection,
    Flag,
    NumberSetting,
    SectionResult,
    Setting,
    require_key,
    resolve_speed_settings,
    seeded_rng,
)
from screening.scoring.typing import (
    KeyEvent,
    key_interval_cv,
    parse_events,
    per_second_raw_wpm,
    split_at_time_limit,
    timing_flags,
    typing_metrics,
    typing_score,
)

ITEM_ID = "t1"
CHARS_PER_SECOND_NEEDED = 10
LATE_GRACE_MS = 1000

SETTINGS: dict[str, Setting] = {
    "time_limit_s": NumberSetting(60, 15, 600, integer=True),
    "threshold_wpm": NumberSetting(35, 1, 200),
    "accuracy_target": NumberSetting(95, 50, 100),
    "accuracy_floor": NumberSetting(70, 0, 99),
}


def _events(value: object) -> list[KeyEvent]:
    try:
        return parse_events(value)
    except ValueError as exc:
        raise AnswerError(f"keystroke log rejected: {exc}") from exc


class TypingAssessment:
    """Typing speed and accuracy (Monkeytype definitions), scored against a wpm threshold."""

    type_id = "typing"
    title = "Typing"

    def build(self, seed: int, settings: Mapping[str, Any] | None = None) -> BuiltSection:
        """Pick and join passages with ``random.Random(seed)``."""
        resolved = resolve_speed_settings(self.type_id, settings, SETTINGS)
        rng = seeded_rng(seed)
        bank = sorted(typing_passages(), key=lambda p: p.id)
        needed = resolved["time_limit_s"] * CHARS_PER_SECOND_NEEDED
        chosen: list[str] = []
        length = -1
        while length < needed:
            for passage in rng.sample(bank, len(bank)):
                chosen.append(passage.id)
                length += len(passage.text) + 1
                if length >= needed:
                    break
        by_id = {p.id: p.text for p in bank}
        text = " ".join(by_id[i] for i in chosen)
        public = [
            {
                "id": ITEM_ID,
                "kind": "typing",
                "passage": text,
                "time_limit_s": resolved["time_limit_s"],
            }
        ]
        key = {
            "type_id": self.type_id,
            "version": KEY_VERSION,
            "seed": seed,
            "passage_ids": chosen,
            "passage": text,
            **resolved,
        }
        return BuiltSection(self.type_id, seed, public, key)

    def validate_answer(self, key: Mapping[str, Any], item_id: str, value: object) -> Any:
        """Validate the keystroke log; returns it as a list of ``{"t", "key"}`` dicts."""
        require_key(key, self.type_id)
        if item_id != ITEM_ID:
            raise AnswerError(f"unknown item {item_id!r}")
        return [{"t": e.t, "key": e.key} for e in _events(value)]

    def score(self, key: Mapping[str, Any], answers: Mapping[str, Any]) -> SectionResult:
        """Metrics, section score and flags; a missing log scores 0. AnswerError if malformed."""
        require_key(key, self.type_id)
        events = _events(answers.get(ITEM_ID, []))
        limit_ms = float(key["time_limit_s"]) * 1000.0
        kept, late = split_at_time_limit(events, limit_ms)
        metrics = typing_metrics(key["passage"], kept)
        score, explanation = typing_score(
            metrics.wpm,
            metrics.accuracy,
            float(key["threshold_wpm"]),
            accuracy_target=float(key["accuracy_target"]),
            accuracy_floor=float(key["accuracy_floor"]),
        )
        flags: list[Flag] = timing_flags(kept, metrics.raw_wpm)
        if any(e.t > limit_ms + LATE_GRACE_MS for e in late):
            flags.append(
                Flag(
                    "keys_after_time_limit",
                    f"{len(late)} keypresses arrived after the {key['time_limit_s']} s time limit "
                    "and were ignored",
                )
            )
        if not kept:
            explanation += " (no keystrokes recorded)"
        cv = key_interval_cv(kept)
        raw: dict[str, Any] = {
            **metrics.summary(),
            "keypresses": metrics.keypresses,
            "correct_keypresses": metrics.correct_keypresses,
            "backspaces": metrics.backspaces,
            "correct_chars": metrics.correct_chars,
            "typed_chars": len(metrics.typed_text),
            "passage_chars": len(key["passage"]),
            "wpm_series": [round(v, 2) for v in per_second_raw_wpm(kept)],
            "key_interval_cv": None if cv is None else round(cv, 3),
            "ignored_late_keys": len(late),
            "threshold_wpm": key["threshold_wpm"],
        }
        return SectionResult(self.type_id, score, raw, explanation, tuple(flags))
