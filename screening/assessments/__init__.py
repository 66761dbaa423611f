"""Assessment types behind one small interface, and their registry.

Import this package to get the built-in types registered: ``typing``,
``grammar``, ``math`` and ``tenkey``. Other types (``voice``) register
themselves with :func:`register`.

    from screening.assessments import get_type
    section = get_type("math").build(seed, job_settings)
    ...store section.key, send section.public_items to the browser...
    result = get_type("math").score(section.key, answers)
"""

from screening.assessments.base import (
    AnswerError,
    AssessmentType,
    BuiltSection,
    Flag,
    SectionResult,
    SettingsError,
)
from screening.assessments.grammar import GrammarAssessment
from screening.assessments.math import MathAssessment
from screening.assessments.registry import (
    UnknownAssessmentType,
    get_type,
    register,
    registered_types,
    unregister,
)
from screening.assessments.tenkey import TenKeyAssessment
from screening.assessments.typing import TypingAssessment

for _builtin in (TypingAssessment(), GrammarAssessment(), MathAssessment(), TenKeyAssessment()):
    register(_builtin, replace=True)

from screening.assessments.voice import VoiceAssessment  # noqa: E402

register(VoiceAssessment(), replace=True)

__all__ = [
    "AnswerError",
    "AssessmentType",
    "BuiltSection",
    "Flag",
    "GrammarAssessment",
    "MathAssessment",
    "SectionResult",
    "SettingsError",
    "TenKeyAssessment",
    "TypingAssessment",
    "UnknownAssessmentType",
    "get_type",
    "register",
    "registered_types",
    "unregister",
]
