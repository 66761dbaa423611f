"""The small interface every assessment type implements, and the values it exchanges.

An assessment type (typing, grammar, math, tenkey, voice, ...) is an object
with a ``type_id`` and three methods, after CTFd's challenge-type registry:

* ``build(seed, settings) -> BuiltSection`` — draw the items of one attempt.
  The same seed and settings always give the same section
  (``random.Random(seed)``). ``public_items`` is what the browser may see (no
  answers, no explanations); ``key`` stays on the server. Both are plain
  JSON-serializable data, so the service can store them in the attempt row.
* ``validate_answer(key, item_id, value) -> normalized value`` — check one
  answer when it is saved; raises :class:`AnswerError` with a message fit to
  show the applicant.
* ``score(key, answers) -> SectionResult`` — ``answers`` maps public item ids
  to the saved (raw or normalized) values. Missing answers count as not
  answered.

Types take settings from the job's assessment profile as a mapping; unknown
or out-of-range settings raise :class:`SettingsError`.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from screening.scoring.typing import IntegrityFlag

Flag = IntegrityFlag
"""A review flag: ``code`` (machine) and ``message`` (plain language). Never a rejection."""

KEY_VERSION = 1
"""Stored in every key as ``version`` so later layouts can still score old attempts."""


class AnswerError(ValueError):
    """An answer that cannot be accepted; the message is written for the applicant."""


class SettingsError(ValueError):
    """Settings of an assessment profile that a type cannot use; the message names the setting."""


@dataclass(frozen=True)
class BuiltSection:
    """One attempt's section: ``public_items`` for the browser, ``key`` for the server only."""

    type_id: str
    seed: int
    public_items: list[dict[str, Any]]
    key: dict[str, Any]


@dataclass(frozen=True)
class SectionResult:
    """Outcome of scoring one section.

    ``score`` is 0–100 (one decimal); ``raw`` holds the metrics behind it
    (JSON-serializable); ``explanation`` is one plain-language line;
    ``flags`` are review signals.
    """

    type_id: str
    score: float
    raw: dict[str, Any]
    explanation: str
    flags: tuple[Flag, ...] = field(default=())

    def __post_init__(self) -> None:
        if not 0.0 <= self.score <= 100.0:
            raise ValueError(f"section score {self.score} is outside 0-100")

    def to_dict(self) -> dict[str, Any]:
        """JSON-serializable form: type_id, score, raw, explanation, flags [{code, message}]."""
        return {
            "type_id": self.type_id,
            "score": self.score,
            "raw": self.raw,
            "explanation": self.explanation,
            "flags": [{"code": f.code, "message": f.message} for f in self.flags],
        }


@runtime_checkable
class AssessmentType(Protocol):
    """What the registry holds. ``type_id`` is the registry key; ``title`` is shown to people."""

    type_id: str
    title: str

    def build(self, seed: int, settings: Mapping[str, Any] | None = None) -> BuiltSection:
        """Draw one attempt's items from ``seed``; see the module docstring."""
        ...

    def validate_answer(self, key: Mapping[str, Any], item_id: str, value: object) -> Any:
        """Check and normalize one saved answer; raise AnswerError."""
        ...

    def score(self, key: Mapping[str, Any], answers: Mapping[str, Any]) -> SectionResult:
        """Score a section from its key and the saved answers."""
        ...


def seeded_rng(seed: int) -> random.Random:
    """The generator items are drawn with: ``random.Random(seed)``, reproducible per seed.

    Not for secrets: the seed is stored with the attempt so the draw can be
    repeated; fairness, not unpredictability, is the goal.
    """
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise TypeError("seed must be an int")
    return random.Random(seed)  # noqa: S311 - reproducible item draws, not a secret


# --------------------------------------------------------------------------- settings


@dataclass(frozen=True)
class NumberSetting:
    """A numeric setting with a default and an inclusive range; ``integer`` forbids fractions."""

    default: float
    minimum: float
    maximum: float
    integer: bool = False


@dataclass(frozen=True)
class FlagSetting:
    """A boolean setting."""

    default: bool


Setting = NumberSetting | FlagSetting


def resolve_settings(
    type_id: str, settings: Mapping[str, Any] | None, specs: Mapping[str, Setting]
) -> dict[str, Any]:
    """Merge ``settings`` over the defaults of ``specs``; SettingsError on unknown/bad values."""
    given = dict(settings or {})
    unknown = sorted(set(given) - set(specs))
    if unknown:
        raise SettingsError(
            f"unknown setting(s) {', '.join(unknown)} for {type_id}; "
            f"allowed: {', '.join(sorted(specs))}"
        )
    resolved: dict[str, Any] = {}
    for name, spec in specs.items():
        value = given.get(name, spec.default)
        if isinstance(spec, FlagSetting):
            if not isinstance(value, bool):
                raise SettingsError(f"{type_id} setting {name} must be true or false")
            resolved[name] = value
            continue
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise SettingsError(f"{type_id} setting {name} must be a number")
        if spec.integer and not float(value).is_integer():
            raise SettingsError(f"{type_id} setting {name} must be a whole number")
        if not spec.minimum <= value <= spec.maximum:
            raise SettingsError(
                f"{type_id} setting {name} must be between {spec.minimum:g} and {spec.maximum:g}"
            )
        resolved[name] = int(value) if spec.integer else float(value)
    return resolved


def require_key(key: Mapping[str, Any], type_id: str) -> None:
    """Raise ValueError unless ``key`` was built by ``type_id`` with a known layout version."""
    if key.get("type_id") != type_id:
        raise ValueError(f"key belongs to {key.get('type_id')!r}, not {type_id!r}")
    if key.get("version") != KEY_VERSION:
        raise ValueError(f"unsupported {type_id} key version {key.get('version')!r}")


def resolve_speed_settings(
    type_id: str, settings: Mapping[str, Any] | None, specs: Mapping[str, Setting]
) -> dict[str, Any]:
    """:func:`resolve_settings` for the timed keyboard tests (typing, ten-key), which also need
    ``accuracy_floor`` below ``accuracy_target``."""
    resolved = resolve_settings(type_id, settings, specs)
    if resolved["accuracy_floor"] >= resolved["accuracy_target"]:
        raise SettingsError(f"{type_id} setting accuracy_floor must be below accuracy_target")
    return resolved
