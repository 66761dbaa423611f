"""The assessment-type registry."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest

from screening.assessments import (
    AssessmentType,
    BuiltSection,
    SectionResult,
    UnknownAssessmentType,
    get_type,
    register,
    registered_types,
    unregister,
)


class FakeVoice:
    type_id = "voice_test"
    title = "Voice (test)"

    def build(self, seed: int, settings: Mapping[str, Any] | None = None) -> BuiltSection:
        return BuiltSection(self.type_id, seed, [{"id": "v1"}], {"type_id": self.type_id})

    def validate_answer(self, key: Mapping[str, Any], item_id: str, value: object) -> Any:
        return value

    def score(self, key: Mapping[str, Any], answers: Mapping[str, Any]) -> SectionResult:
        return SectionResult(self.type_id, 50.0, {}, "half")


def test_builtin_types_are_registered():
    types = registered_types()
    assert {"typing", "grammar", "math", "tenkey"} <= set(types)
    for type_id, assessment in types.items():
        assert isinstance(assessment, AssessmentType)
        assert assessment.type_id == type_id
        assert assessment.title


def test_register_a_new_type_and_refuse_a_duplicate():
    voice = FakeVoice()
    try:
        assert register(voice) is voice
        assert get_type("voice_test") is voice
        assert register(voice) is voice  # registering the same object again is harmless
        with pytest.raises(ValueError, match="already registered"):
            register(FakeVoice())
        replacement = FakeVoice()
        register(replacement, replace=True)
        assert get_type("voice_test") is replacement
    finally:
        unregister("voice_test")
    assert "voice_test" not in registered_types()


def test_unknown_type_lists_the_known_ones():
    with pytest.raises(UnknownAssessmentType, match="unknown assessment type 'nope'; registered: "):
        get_type("nope")


def test_register_refuses_objects_without_the_interface():
    class Incomplete:
        type_id = "broken"
        title = "Broken"

    with pytest.raises(TypeError):
        register(Incomplete())  # type: ignore[arg-type]
    assert "broken" not in registered_types()


def test_section_result_checks_the_score_range():
    with pytest.raises(ValueError, match="outside 0-100"):
        SectionResult("x", 100.5, {}, "")
