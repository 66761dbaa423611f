"""Parsing of applicant answers (numbers, times of day, option choices, free text).

Decisions, each with a clear AnswerError message:

* Numbers: ``12``, ``12.5``, ``12.50``, ``.5``, ``-3``, ``1,234.50`` (commas
  only as thousands separators in groups of three), with surrounding spaces.
  A leading ``$`` is accepted where dollars are asked (``allow_dollar``), a
  trailing ``%`` where a percent is asked (``allow_percent``). A decimal comma
  (``12,5``) is refused: the product is en-US and ``1,250`` would be ambiguous.
  JSON numbers (int/float, not bool, finite) are accepted as they are.
* Times of day: ``3:15 PM``, ``3:15pm``, ``3 p.m.``, ``15:15``, ``00:30``,
  ``noon``, ``midnight``. Without AM/PM only 24-hour times with hour 0 or
  13–23 are accepted; ``3:15`` alone is refused as ambiguous. Result in
  minutes after midnight (0–1439).
* Choices: an option index (int, or a string of digits) within range.
"""

from __future__ import annotations

import math
import re

from screening.assessments.base import AnswerError

MAX_ANSWER_CHARS = 32
MAX_TEXT_CHARS = 10_000

_NUMBER = re.compile(r"^(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d*)?$|^\.\d+$")
_DECIMAL_COMMA = re.compile(r"^\d+,\d{1,2}$|^\d+,\d{4,}$")
_CLOCK_12 = re.compile(r"^(\d{1,2})(?::(\d{2}))?\s*([ap])\.?\s*m\.?$", re.IGNORECASE)
_CLOCK_24 = re.compile(r"^(\d{1,2}):(\d{2})$")


def parse_number(
    value: object, *, allow_dollar: bool = False, allow_percent: bool = False
) -> float:
    """Parse a numeric answer (see the module docstring); AnswerError when it is not one."""
    if isinstance(value, bool):
        raise AnswerError("enter a number")
    if isinstance(value, int | float):
        if not math.isfinite(value):
            raise AnswerError("enter a finite number")
        return float(value)
    if not isinstance(value, str):
        raise AnswerError("enter a number")
    text = value.strip()
    if not text:
        raise AnswerError("enter a number")
    if len(text) > MAX_ANSWER_CHARS:
        raise AnswerError(f"an answer has at most {MAX_ANSWER_CHARS} characters")
    sign = 1.0
    if text[0] in "+-":
        sign = -1.0 if text[0] == "-" else 1.0
        text = text[1:].lstrip()
    if text.startswith("$"):
        if not allow_dollar:
            raise AnswerError("enter only the number, without a $ sign")
        text = text[1:].lstrip()
        if text[:1] in ("+", "-"):
            raise AnswerError("put the minus sign before the $ sign, e.g. -$5.00")
    if text.endswith("%"):
        if not allow_percent:
            raise AnswerError("enter only the number, without a % sign")
        text = text[:-1].rstrip()
    if _DECIMAL_COMMA.match(text):
        raise AnswerError("use a period for decimals, e.g. 12.50")
    if not _NUMBER.match(text):
        raise AnswerError(f"{value.strip()!r} is not a number; write it like 1234.50")
    return sign * float(text.replace(",", ""))


def parse_clock(value: object) -> int:
    """Parse a time of day into minutes after midnight (0–1439); AnswerError when invalid."""
    if not isinstance(value, str) or not value.strip():
        raise AnswerError("enter a time of day, e.g. 4:30 PM")
    text = value.strip()
    if len(text) > MAX_ANSWER_CHARS:
        raise AnswerError(f"an answer has at most {MAX_ANSWER_CHARS} characters")
    lowered = text.lower()
    if lowered == "noon":
        return 12 * 60
    if lowered == "midnight":
        return 0
    match = _CLOCK_12.match(text)
    if match:
        hour = int(match.group(1))
        minute = int(match.group(2) or 0)
        if not 1 <= hour <= 12 or minute > 59:
            raise AnswerError(f"{text!r} is not a valid time; use e.g. 4:30 PM")
        hour %= 12
        if match.group(3).lower() == "p":
            hour += 12
        return hour * 60 + minute
    match = _CLOCK_24.match(text)
    if match:
        hour, minute = int(match.group(1)), int(match.group(2))
        if hour > 23 or minute > 59:
            raise AnswerError(f"{text!r} is not a valid time; use e.g. 4:30 PM")
        if 1 <= hour <= 12:
            raise AnswerError(f"add AM or PM to {text!r}, e.g. {hour}:{minute:02d} PM")
        return hour * 60 + minute
    raise AnswerError(f"{text!r} is not a time of day; write it like 4:30 PM")


def format_clock(minutes: float) -> str:
    """Minutes after midnight (any integer, taken modulo a day) as ``h:mm AM/PM``."""
    total = int(round(minutes)) % 1440
    hour, minute = divmod(total, 60)
    suffix = "AM" if hour < 12 else "PM"
    return f"{(hour % 12) or 12}:{minute:02d} {suffix}"


def parse_choice(value: object, option_count: int) -> int:
    """An option index 0..option_count-1 (int or digit string); AnswerError otherwise."""
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int):
        raise AnswerError("choose one of the options")
    if not 0 <= value < option_count:
        raise AnswerError(f"choose one of the {option_count} options")
    return value


def parse_text(value: object, *, max_chars: int = MAX_TEXT_CHARS) -> str:
    """A free-text answer (string up to ``max_chars``); surrounding whitespace removed."""
    if not isinstance(value, str):
        raise AnswerError("the answer must be text")
    if len(value) > max_chars:
        raise AnswerError(f"the answer is too long ({len(value)} characters, limit {max_chars})")
    return value.strip()


def count_words(text: str) -> int:
    """Words separated by whitespace."""
    return len(text.split())
