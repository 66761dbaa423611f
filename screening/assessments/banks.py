"""Item banks shipped as JSON in ``screening/assessments/banks/``, loaded once and validated.

Files and their shape:

* ``grammar_items.json`` — ``{"items": [{id, kind, prompt, options[], answer, explanation}]}``;
  ``kind`` is one of :data:`GRAMMAR_KINDS`, ``answer`` an index into ``options``.
* ``writing_prompts.json`` — ``{"prompts": [{id, subject, customer_name, message,
  instructions, min_words, max_words}]}``.
* ``math_templates.json`` — ``{"templates": [{id, topic, text, params, unit, decimals,
  tolerance}]}``; ``params`` maps a name to ``{min, max, step}`` or ``{choices: [...]}``;
  the formula lives in :mod:`screening.assessments.math_templates` under the same id.
* ``typing_passages.json`` — ``{"passages": [{id, text}]}``: 200–400 characters of
  printable ASCII, single spaces, no leading or trailing space.

A malformed bank raises :class:`BankError` naming the file and item.
"""

from __future__ import annotations

import json
import string
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

GRAMMAR_KINDS = ("correct_sentence", "fix_error", "punctuation")
MATH_UNITS = ("USD", "percent", "minutes", "hours", "count", "clock")
PASSAGE_MIN_CHARS = 200
PASSAGE_MAX_CHARS = 400


class BankError(ValueError):
    """An item bank file does not have the documented shape."""


@dataclass(frozen=True)
class GrammarItem:
    """A multiple-choice item; ``answer`` indexes ``options``."""

    id: str
    kind: str
    prompt: str
    options: tuple[str, ...]
    answer: int
    explanation: str


@dataclass(frozen=True)
class WritingPrompt:
    """A customer message to answer in writing, with the word range expected."""

    id: str
    subject: str
    customer_name: str
    message: str
    instructions: str
    min_words: int
    max_words: int


@dataclass(frozen=True)
class ParamSpec:
    """How to draw one parameter: from ``choices``, or ``min + k*step`` up to ``max``."""

    name: str
    minimum: float | None = None
    maximum: float | None = None
    step: float | None = None
    choices: tuple[float, ...] = ()


@dataclass(frozen=True)
class MathTemplate:
    """A word problem with random parameters; answer rounded to ``decimals``, ± ``tolerance``."""

    id: str
    topic: str
    text: str
    params: tuple[ParamSpec, ...]
    unit: str
    decimals: int
    tolerance: float

    def placeholders(self) -> set[str]:
        """Field names used in ``text`` (plain names only; checked at load)."""
        return {name for _, name, _, _ in string.Formatter().parse(self.text) if name}


@dataclass(frozen=True)
class TypingPassage:
    """A passage to type."""

    id: str
    text: str


def _read(name: str) -> Any:
    path = resources.files("screening.assessments").joinpath("banks", name)
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise BankError(f"{name}: cannot be read as JSON ({exc})") from exc


def _list(data: Any, name: str, field: str) -> list[dict[str, Any]]:
    if not isinstance(data, dict) or not isinstance(data.get(field), list):
        raise BankError(f"{name}: expected an object with a list {field!r}")
    rows: list[dict[str, Any]] = data[field]
    for index, row in enumerate(rows):
        if not isinstance(row, dict):
            raise BankError(f"{name}: entry {index} is not an object")
    ids = [row.get("id") for row in rows]
    duplicates = sorted({str(i) for i in ids if ids.count(i) > 1})
    if duplicates:
        raise BankError(f"{name}: duplicate ids {duplicates}")
    return rows


def _fields(row: dict[str, Any], name: str, required: dict[str, type | tuple[type, ...]]) -> None:
    item = row.get("id", "?")
    extra = sorted(set(row) - set(required))
    if extra:
        raise BankError(f"{name}: {item}: unexpected fields {extra}")
    for field, kind in required.items():
        value = row.get(field)
        if value is None or isinstance(value, bool) or not isinstance(value, kind):
            raise BankError(f"{name}: {item}: field {field!r} is missing or has the wrong type")
        if isinstance(value, str) and not value.strip():
            raise BankError(f"{name}: {item}: field {field!r} is empty")


@cache
def grammar_items() -> tuple[GrammarItem, ...]:
    """All multiple-choice grammar items."""
    name = "grammar_items.json"
    items = []
    for row in _list(_read(name), name, "items"):
        _fields(
            row,
            name,
            {
                "id": str,
                "kind": str,
                "prompt": str,
                "options": list,
                "answer": int,
                "explanation": str,
            },
        )
        options = row["options"]
        if len(options) < 2 or not all(isinstance(o, str) and o.strip() for o in options):
            raise BankError(f"{name}: {row['id']}: needs at least two non-empty text options")
        if len(set(options)) != len(options):
            raise BankError(f"{name}: {row['id']}: options repeat")
        if row["kind"] not in GRAMMAR_KINDS:
            raise BankError(f"{name}: {row['id']}: unknown kind {row['kind']!r}")
        if not 0 <= row["answer"] < len(options):
            raise BankError(f"{name}: {row['id']}: answer index {row['answer']} out of range")
        items.append(
            GrammarItem(
                id=row["id"],
                kind=row["kind"],
                prompt=row["prompt"],
                options=tuple(options),
                answer=row["answer"],
                explanation=row["explanation"],
            )
        )
    return tuple(items)


@cache
def writing_prompts() -> tuple[WritingPrompt, ...]:
    """All customer-message writing prompts."""
    name = "writing_prompts.json"
    prompts = []
    for row in _list(_read(name), name, "prompts"):
        _fields(
            row,
            name,
            {
                "id": str,
                "subject": str,
                "customer_name": str,
                "message": str,
                "instructions": str,
                "min_words": int,
                "max_words": int,
            },
        )
        if not 0 < row["min_words"] < row["max_words"]:
            raise BankError(f"{name}: {row['id']}: need 0 < min_words < max_words")
        prompts.append(WritingPrompt(**row))
    return tuple(prompts)


def _param(template_id: str, pname: str, spec: Any, name: str) -> ParamSpec:
    where = f"{name}: {template_id}: parameter {pname!r}"
    if not isinstance(spec, dict):
        raise BankError(f"{where} must be an object")

    def number(value: Any) -> bool:
        return isinstance(value, int | float) and not isinstance(value, bool)

    if set(spec) == {"choices"}:
        choices = spec["choices"]
        if not isinstance(choices, list) or not choices or not all(number(c) for c in choices):
            raise BankError(f"{where}: choices must be a non-empty list of numbers")
        return ParamSpec(pname, choices=tuple(float(c) for c in choices))
    if set(spec) == {"min", "max", "step"}:
        lo, hi, step = spec["min"], spec["max"], spec["step"]
        if not all(number(v) for v in (lo, hi, step)) or step <= 0 or lo > hi:
            raise BankError(f"{where}: need numbers with min <= max and step > 0")
        steps = (hi - lo) / step
        if abs(steps - round(steps)) > 1e-9:
            raise BankError(f"{where}: max - min must be a whole number of steps")
        return ParamSpec(pname, minimum=float(lo), maximum=float(hi), step=float(step))
    raise BankError(f"{where}: use either {{min, max, step}} or {{choices}}")


@cache
def math_templates() -> tuple[MathTemplate, ...]:
    """All math word-problem templates (formulas are checked by the math_templates module)."""
    name = "math_templates.json"
    templates = []
    for row in _list(_read(name), name, "templates"):
        _fields(
            row,
            name,
            {
                "id": str,
                "topic": str,
                "text": str,
                "params": dict,
                "unit": str,
                "decimals": int,
                "tolerance": (int, float),
            },
        )
        if row["unit"] not in MATH_UNITS:
            raise BankError(f"{name}: {row['id']}: unknown unit {row['unit']!r}")
        if row["tolerance"] < 0 or not 0 <= row["decimals"] <= 4:
            raise BankError(f"{name}: {row['id']}: bad tolerance or decimals")
        for _, field, _, _ in string.Formatter().parse(row["text"]):
            if field is not None and not field.isidentifier():
                raise BankError(
                    f"{name}: {row['id']}: placeholder {{{field}}} must be a plain name"
                )
        params = tuple(_param(row["id"], p, s, name) for p, s in row["params"].items())
        templates.append(
            MathTemplate(
                id=row["id"],
                topic=row["topic"],
                text=row["text"],
                params=params,
                unit=row["unit"],
                decimals=row["decimals"],
                tolerance=float(row["tolerance"]),
            )
        )
    return tuple(templates)


def check_passage(text: str) -> None:
    """Raise ValueError unless ``text`` is a valid typing passage (see the module docstring)."""
    if not PASSAGE_MIN_CHARS <= len(text) <= PASSAGE_MAX_CHARS:
        raise ValueError(f"{len(text)} characters; need {PASSAGE_MIN_CHARS}-{PASSAGE_MAX_CHARS}")
    if not (text.isascii() and text.isprintable()):
        raise ValueError("only printable ASCII characters are allowed")
    if "  " in text or text != text.strip():
        raise ValueError("words must be separated by single spaces, no leading/trailing space")


@cache
def typing_passages() -> tuple[TypingPassage, ...]:
    """All typing passages."""
    name = "typing_passages.json"
    passages = []
    for row in _list(_read(name), name, "passages"):
        _fields(row, name, {"id": str, "text": str})
        try:
            check_passage(row["text"])
        except ValueError as exc:
            raise BankError(f"{name}: {row['id']}: {exc}") from exc
        passages.append(TypingPassage(id=row["id"], text=row["text"]))
    return tuple(passages)
