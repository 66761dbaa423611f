"""The ``tenkey`` assessment type: key a list of numbers on the numeric keypad.

Public item ``k1``: ``{id, kind: "tenkey", entries[], time_limit_s}``. Answer
for ``k1``: the keystroke log (keys 0-9, ".", "Enter", "Backspace"); see
:mod:`screening.scoring.tenkey`. Keys after the time limit are ignored and
flagged like in the typing test.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

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
from screening.assessments.tenkey_sets import generate_tenkey_entries
from screening.scoring.tenkey import (
    parse_tenkey_events,
    tenkey_flags,
    tenkey_metrics,
    tenkey_score,
)
from screening.scoring.typing import KeyEvent, split_at_time_limit

ITEM_ID = "k1"
LATE_GRACE_MS = 1000

SETTINGS: dict[str, Setting] = {
    "count": NumberSetting(25, 5, 200, integer=True),
    "time_limit_s": NumberSetting(120, 30, 900, integer=True),
    "threshold_kph": NumberSetting(8000, 1000, 30000),
    "accuracy_target": NumberSetting(98, 50, 100),
    "accuracy_floor": NumberSetting(80, 0, 99),
}


def _events(value: object) -> list[KeyEvent]:
    try:
        return parse_tenkey_events(value)
    except ValueError as exc:
        raise AnswerError(f"keystroke log rejected: {exc}") from exc


class TenKeyAssessment:
    """Numeric data entry: net keystrokes per hour and entry accuracy against a KPH threshold."""

    type_id = "tenkey"
    title = "Ten-key data entry"

    def build(self, seed: int, settings: Mapping[str, Any] | None = None) -> BuiltSection:
        """Generate the entries with ``random.Random(seed)``."""
        resolved = resolve_speed_settings(self.type_id, settings, SETTINGS)
        entries = generate_tenkey_entries(seeded_rng(seed), resolved["count"])
        public = [
            {
                "id": ITEM_ID,
                "kind": "tenkey",
                "entries": entries,
                "time_limit_s": resolved["time_limit_s"],
            }
        ]
        key = {
            "type_id": self.type_id,
            "version": KEY_VERSION,
            "seed": seed,
            "entries": entries,
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
        """KPH, accuracy, section score and flags; a missing log scores 0."""
        require_key(key, self.type_id)
        events = _events(answers.get(ITEM_ID, []))
        limit_ms = float(key["time_limit_s"]) * 1000.0
        kept, late = split_at_time_limit(events, limit_ms)
        metrics = tenkey_metrics(list(key["entries"]), kept)
        score, explanation = tenkey_score(
            metrics.net_kph,
            metrics.accuracy,
            float(key["threshold_kph"]),
            accuracy_target=float(key["accuracy_target"]),
            accuracy_floor=float(key["accuracy_floor"]),
        )
        flags: list[Flag] = tenkey_flags(kept, metrics.gross_kph)
        if any(e.t > limit_ms + LATE_GRACE_MS for e in late):
            flags.append(
                Flag(
                    "keys_after_time_limit",
                    f"{len(late)} keypresses arrived after the {key['time_limit_s']} s time limit "
                    "and were ignored",
                )
            )
        raw: dict[str, Any] = {
            **metrics.to_dict(),
            "gross_kph": round(metrics.gross_kph, 1),
            "net_kph": round(metrics.net_kph, 1),
            "accuracy": round(metrics.accuracy, 2),
            "duration_s": round(metrics.duration_ms / 1000.0, 2),
            "ignored_late_keys": len(late),
            "threshold_kph": key["threshold_kph"],
        }
        return SectionResult(self.type_id, score, raw, explanation, tuple(flags))
