"""Registry of assessment types, keyed by ``type_id`` (modelled on CTFd's challenge types).

Built-in types are registered when :mod:`screening.assessments` is imported;
other modules add theirs with :func:`register` (e.g. ``voice``).
"""

from __future__ import annotations

from screening.assessments.base import AssessmentType

_TYPES: dict[str, AssessmentType] = {}


class UnknownAssessmentType(LookupError):
    """No type is registered under the requested id."""


def register(assessment_type: AssessmentType, *, replace: bool = False) -> AssessmentType:
    """Add a type under its ``type_id``; ValueError if taken (unless ``replace``). Returns it."""
    if not isinstance(assessment_type, AssessmentType):
        raise TypeError("an assessment type needs type_id, title, build, validate_answer, score")
    type_id = assessment_type.type_id
    if not type_id or not type_id.isidentifier():
        raise ValueError(f"invalid assessment type id {type_id!r}")
    if type_id in _TYPES and not replace and _TYPES[type_id] is not assessment_type:
        raise ValueError(f"assessment type {type_id!r} is already registered")
    _TYPES[type_id] = assessment_type
    return assessment_type


def unregister(type_id: str) -> None:
    """Remove a type (no error if absent)."""
    _TYPES.pop(type_id, None)


def get_type(type_id: str) -> AssessmentType:
    """The type registered as ``type_id``; UnknownAssessmentType lists the known ids."""
    try:
        return _TYPES[type_id]
    except KeyError:
        known = ", ".join(sorted(_TYPES)) or "none"
        raise UnknownAssessmentType(
            f"unknown assessment type {type_id!r}; registered: {known}"
        ) from None


def registered_types() -> dict[str, AssessmentType]:
    """A copy of the registry: type id -> type."""
    return dict(_TYPES)
