"""The ``voice`` assessment type: read a script aloud and answer customer scenarios by voice.

Build draws ``read_aloud`` read-aloud prompts (default 1) and ``scenario`` free-answer prompts
(default 2) from ``banks/voice_prompts.json`` with ``random.Random(seed)``; read-aloud prompts
come first. Item ids are the bank's prompt ids (``vr-01``, ``vs-03``, ...).

* Public items: ``{id, kind, title, text, max_seconds}`` plus ``min_seconds`` for scenarios.
  ``text`` is the script to read for ``read_aloud`` and the customer scenario for ``scenario``.
* Key: ``{type_id, version, seed, prompts: [...]}``; each prompt is the public item plus
  ``script`` (read-aloud: the text the transcript is compared with; ``None`` for scenarios),
  ``customer`` and ``look_for`` (scenarios; ``look_for`` is for recruiters, never scored).

Answers are recordings, uploaded through ``screening.services.voice`` and scored by the
transcription job, never saved through the autosave path (:meth:`VoiceAssessment.validate_answer`
refuses everything). For :meth:`VoiceAssessment.score`, ``answers`` maps a prompt id to the
0–100 voice score of that prompt's latest transcribed take.

Section score = mean over **all** prompts of the section, a prompt without a scored recording
counting 0: the applicant is asked to answer every prompt, and skipping the hardest one must not
raise the mean. The explanation names the prompts that were not recorded.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import Any

from screening.assessments.base import (
    KEY_VERSION,
    AnswerError,
    BuiltSection,
    NumberSetting,
    SectionResult,
    Setting,
    require_key,
    resolve_settings,
    seeded_rng,
)

SETTINGS: dict[str, Setting] = {
    "read_aloud": NumberSetting(1, 1, 5, integer=True),
    "scenario": NumberSetting(2, 1, 6, integer=True),
}
"""Number of read-aloud and free-answer (scenario) prompts per attempt."""

KINDS = ("read_aloud", "scenario")
BANK_FILE = "voice_prompts.json"
RECORD_WITH_RECORDER = "Voice answers are recorded with the recorder on the test page."


class VoiceBankError(ValueError):
    """``voice_prompts.json`` does not have the documented shape."""


@cache
def voice_prompts() -> tuple[dict[str, Any], ...]:
    """The prompt bank: dicts with ``id, kind, title, text, max_seconds`` and, for scenarios,
    ``customer, look_for, min_seconds``. Loaded once and checked."""
    path = resources.files("screening.assessments").joinpath("banks", BANK_FILE)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise VoiceBankError(f"{BANK_FILE}: cannot be read as JSON ({exc})") from exc
    rows = data.get("prompts") if isinstance(data, dict) else None
    if not isinstance(rows, list):
        raise VoiceBankError(f"{BANK_FILE}: expected an object with a list 'prompts'")
    seen: set[str] = set()
    for row in rows:
        pid = row.get("id") if isinstance(row, dict) else None
        if not isinstance(pid, str) or not pid or pid in seen:
            raise VoiceBankError(f"{BANK_FILE}: missing or duplicate prompt id {pid!r}")
        seen.add(pid)
        if row.get("kind") not in KINDS:
            raise VoiceBankError(f"{BANK_FILE}: {pid}: unknown kind {row.get('kind')!r}")
        if not isinstance(row.get("text"), str) or not row["text"].strip():
            raise VoiceBankError(f"{BANK_FILE}: {pid}: empty text")
        seconds = row.get("max_seconds")
        if isinstance(seconds, bool) or not isinstance(seconds, int | float) or seconds <= 0:
            raise VoiceBankError(f"{BANK_FILE}: {pid}: max_seconds must be a positive number")
    return tuple(rows)


def _public(prompt: Mapping[str, Any]) -> dict[str, Any]:
    item: dict[str, Any] = {
        "id": prompt["id"],
        "kind": prompt["kind"],
        "title": prompt.get("title", ""),
        "text": prompt["text"],
        "max_seconds": float(prompt["max_seconds"]),
    }
    if prompt["kind"] == "scenario":
        item["min_seconds"] = float(prompt.get("min_seconds", 0))
    return item


def prompt_in_key(key: Mapping[str, Any], prompt_id: str) -> dict[str, Any] | None:
    """The key entry of ``prompt_id``, or ``None`` when the attempt has no such prompt."""
    for prompt in key.get("prompts", []):
        if prompt.get("id") == prompt_id:
            return dict(prompt)
    return None


def _as_score(value: object) -> float | None:
    """A stored per-prompt score 0–100, or ``None`` when missing or not a finite number."""
    if value is None or isinstance(value, bool) or not isinstance(value, int | float):
        return None
    number = float(value)
    if not math.isfinite(number):
        return None
    return min(100.0, max(0.0, number))


class VoiceAssessment:
    """Read-aloud and free-answer voice prompts, scored from transcriptions."""

    type_id = "voice"
    title = "Voice"

    def build(self, seed: int, settings: Mapping[str, Any] | None = None) -> BuiltSection:
        """Draw ``read_aloud`` + ``scenario`` distinct prompts (read-aloud first)."""
        resolved = resolve_settings(self.type_id, settings, SETTINGS)
        rng = seeded_rng(seed)
        bank = sorted(voice_prompts(), key=lambda p: str(p["id"]))
        chosen: list[dict[str, Any]] = []
        for kind in KINDS:
            pool = [p for p in bank if p["kind"] == kind]
            count = resolved[kind]
            if count > len(pool):
                raise ValueError(f"the bank has only {len(pool)} {kind} voice prompts")
            chosen.extend(rng.sample(pool, count))
        public = [_public(p) for p in chosen]
        prompts = []
        for prompt, item in zip(chosen, public, strict=True):
            entry = dict(item)
            entry["script"] = prompt["text"] if prompt["kind"] == "read_aloud" else None
            if prompt["kind"] == "scenario":
                entry["customer"] = prompt.get("customer", "")
                entry["look_for"] = list(prompt.get("look_for", []))
            prompts.append(entry)
        key = {"type_id": self.type_id, "version": KEY_VERSION, "seed": seed, "prompts": prompts}
        return BuiltSection(self.type_id, seed, public, key)

    def validate_answer(self, key: Mapping[str, Any], item_id: str, value: object) -> Any:
        """Always refuses: voice answers arrive as recordings, not through autosave."""
        raise AnswerError(RECORD_WITH_RECORDER)

    def score(self, key: Mapping[str, Any], answers: Mapping[str, Any]) -> SectionResult:
        """Mean of the per-prompt voice scores (0–100), unrecorded prompts counting 0."""
        require_key(key, self.type_id)
        rows: list[dict[str, Any]] = []
        missing: list[str] = []
        for prompt in key["prompts"]:
            value = _as_score(answers.get(prompt["id"]))
            if value is None:
                missing.append(prompt["id"])
            rows.append({"id": prompt["id"], "kind": prompt["kind"], "score": value})
        total = len(rows)
        mean = sum(r["score"] or 0.0 for r in rows) / total if total else 0.0
        score = round(mean, 1)
        parts = []
        for kind, label in (("read_aloud", "read-aloud"), ("scenario", "free answers")):
            scored = [r["score"] for r in rows if r["kind"] == kind and r["score"] is not None]
            if scored:
                parts.append(f"{label} {sum(scored) / len(scored):.0f}")
        explanation = f"mean of {total} voice prompts: {score:.1f}"
        if parts:
            explanation += " (" + ", ".join(parts) + ")"
        if missing:
            explanation += (
                f"; {len(missing)} of {total} not recorded, counted as 0 ({', '.join(missing)})"
            )
        raw = {"prompts": rows, "answered": total - len(missing), "total": total,
               "missing": missing}
        return SectionResult(self.type_id, score, raw, explanation)
