"""The ``voice`` assessment type: drawing prompts, refusing typed answers, the section score.

Pure (no services); kept next to the voice integration tests it supports.
"""

from __future__ import annotations

import pytest

from screening.assessments import AnswerError, SettingsError, get_type
from screening.assessments.voice import VoiceAssessment, voice_prompts


def test_registered_and_deterministic_per_seed() -> None:
    voice = get_type("voice")
    assert isinstance(voice, VoiceAssessment)
    first, again = voice.build(1234), voice.build(1234)
    assert first.public_items == again.public_items and first.key == again.key
    seeds = {tuple(i["id"] for i in voice.build(seed).public_items) for seed in range(30)}
    assert len(seeds) > 5  # different seeds draw different prompts


def test_default_draw_is_one_read_aloud_then_two_scenarios() -> None:
    built = VoiceAssessment().build(7)
    kinds = [item["kind"] for item in built.public_items]
    assert kinds == ["read_aloud", "scenario", "scenario"]
    bank = {p["id"]: p for p in voice_prompts()}
    for item, prompt in zip(built.public_items, built.key["prompts"], strict=True):
        assert item["id"] == prompt["id"] and item["text"] == bank[item["id"]]["text"]
        assert item["max_seconds"] == float(bank[item["id"]]["max_seconds"])
        assert set(item) <= {"id", "kind", "title", "text", "max_seconds", "min_seconds"}
        if item["kind"] == "read_aloud":
            assert prompt["script"] == item["text"]
        else:
            assert prompt["script"] is None and prompt["look_for"]
            assert "look_for" not in item and item["min_seconds"] > 0


def test_settings_choose_counts_and_are_checked() -> None:
    built = VoiceAssessment().build(3, {"read_aloud": 2, "scenario": 3})
    assert [i["kind"] for i in built.public_items].count("read_aloud") == 2
    assert len({i["id"] for i in built.public_items}) == 5
    with pytest.raises(SettingsError, match="scenario"):
        VoiceAssessment().build(3, {"scenario": 0})
    with pytest.raises(SettingsError, match="unknown"):
        VoiceAssessment().build(3, {"prompts": 3})


def test_typed_answers_are_refused() -> None:
    built = VoiceAssessment().build(5)
    with pytest.raises(AnswerError, match="recorder"):
        VoiceAssessment().validate_answer(built.key, built.public_items[0]["id"], "hello")


def test_score_is_the_mean_over_all_prompts_missing_ones_count_zero() -> None:
    built = VoiceAssessment().build(11)
    ids = [i["id"] for i in built.public_items]
    full = VoiceAssessment().score(built.key, {ids[0]: 90.0, ids[1]: 60.0, ids[2]: 75.0})
    assert full.score == 75.0
    assert full.raw["answered"] == 3 and full.raw["missing"] == []
    assert "read-aloud 90" in full.explanation and "free answers 68" in full.explanation
    partial = VoiceAssessment().score(built.key, {ids[0]: 90.0, ids[1]: 60.0})
    assert partial.score == 50.0  # (90 + 60 + 0) / 3
    assert partial.raw["missing"] == [ids[2]]
    assert f"1 of 3 not recorded, counted as 0 ({ids[2]})" in partial.explanation
    nothing = VoiceAssessment().score(built.key, {ids[0]: "garbage", ids[1]: None})
    assert nothing.score == 0.0 and nothing.raw["answered"] == 0
    with pytest.raises(ValueError, match="key belongs"):
        VoiceAssessment().score({"type_id": "math", "version": 1}, {})
