"""The voice prompt bank: shape, ids, and scripts the WER normalisation can score."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import screening
from screening.scoring.speech import normalize_words, word_error_rate

BANK = Path(screening.__file__).parent / "assessments" / "banks" / "voice_prompts.json"


@pytest.fixture(scope="module")
def prompts() -> list[dict[str, Any]]:
    data = json.loads(BANK.read_text(encoding="utf-8"))
    assert data["version"] == 1
    return list(data["prompts"])


def test_every_prompt_has_the_required_fields(prompts: list[dict[str, Any]]) -> None:
    ids = [p["id"] for p in prompts]
    assert len(ids) == len(set(ids))
    for p in prompts:
        assert p["kind"] in ("read_aloud", "scenario"), p["id"]
        assert isinstance(p["text"], str) and len(p["text"]) > 40, p["id"]
        assert isinstance(p["max_seconds"], int) and 20 <= p["max_seconds"] <= 180, p["id"]


def test_enough_prompts_of_each_kind(prompts: list[dict[str, Any]]) -> None:
    kinds = [p["kind"] for p in prompts]
    assert kinds.count("read_aloud") >= 4
    assert kinds.count("scenario") >= 5
    titles = " ".join(str(p["title"]).lower() for p in prompts)
    for topic in ("greeting", "policy", "billed twice", "late delivery", "cancel"):
        assert topic in titles, topic


def test_scenarios_have_a_customer_line_and_sensible_limits(
    prompts: list[dict[str, Any]],
) -> None:
    for p in prompts:
        if p["kind"] == "scenario":
            assert str(p["customer"]) in str(p["text"]), p["id"]
            assert isinstance(p["look_for"], list) and p["look_for"], p["id"]
            assert int(p["min_seconds"]) < int(p["max_seconds"]), p["id"]


def test_read_aloud_scripts_fit_their_time_and_score_perfectly_when_read(
    prompts: list[dict[str, Any]],
) -> None:
    for p in prompts:
        if p["kind"] != "read_aloud":
            continue
        script = str(p["text"])
        words = len(script.split())
        # at a slow 110 wpm the script still fits the limit
        assert words / 110 * 60 < int(p["max_seconds"]), p["id"]
        assert normalize_words(script)
        assert word_error_rate(script, script.lower().replace(",", "")).wer == 0.0
