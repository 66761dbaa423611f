"""Typing-test metrics computed from a keystroke log (Monkeytype definitions).

The browser records every key the applicant presses as ``{"t": ms, "key": k}``:
``t`` is milliseconds since the test started (a non-negative finite number,
never decreasing), ``key`` is one printable character (space included) or
``"Backspace"``. The server replays the log; it never trusts numbers computed
by the client.

Definitions (``minutes`` = duration / 60 000, duration = ``t`` of the last event):

* **final text** — the log replayed: a printable key appends its character,
  ``Backspace`` removes the last character (no-op on empty text).
* **wpm** — (characters of typed words equal to the passage word at the same
  position + one for each such word followed by a typed space) / 5 / minutes.
  Passage and typed text are split on single spaces (``str.split(" ")``).
* **raw_wpm** — characters of the final text / 5 / minutes.
* **accuracy** — 100 × printable keypresses that matched the passage character
  at the cursor (the length of the text at that moment) / all printable
  keypresses. Errors stay counted after Backspace; a keypress past the end of
  the passage never matches. Backspace is not a keypress for accuracy.
* **consistency** — 100 × (1 − tanh(c + c³/3 + c⁵/5)), c = population standard
  deviation / mean of the per-second raw wpm series (printable keypresses in
  each *whole* second × 12; second k covers ``k*1000 <= t < (k+1)*1000``, and
  only seconds that end at or before the duration count).

Edge cases (all documented outcomes, no exceptions):

* empty log: every metric 0.0, duration 0.
* duration 0 (all events at t = 0): wpm = raw_wpm = 0.0 (no rate over no
  time); accuracy is computed normally; consistency 0.0 (no whole second).
* under one second: consistency 0.0 (no whole second to measure).
* exactly one whole second: the series has one value, its deviation is 0, so
  consistency is 100.0 when that second had a keypress (the formula's value).
* mean zero (whole seconds without any printable keypress): consistency 0.0.
* no printable keypress at all: accuracy 0.0 (nothing was demonstrated).

Always true under these definitions: 0 <= accuracy <= 100,
0 <= consistency <= 100, 0 <= wpm <= raw_wpm (every counted character and
space of ``wpm`` is a distinct character of the final text).
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import NamedTuple

BACKSPACE = "Backspace"
MAX_EVENTS = 10_000
"""Default cap on events in one log (a 5-minute test at 200 wpm is ~5 000 keys)."""
MAX_DURATION_MS = 3_600_000
"""Default cap on ``t`` (one hour): bounds the per-second series memory."""

MAX_PLAUSIBLE_WPM = 200.0
"""Raw speed above this (wpm) is flagged for review as implausible."""
UNIFORM_INTERVAL_CV = 0.15
"""Inter-key intervals whose coefficient of variation is below this are flagged.

Human typing has a CV of roughly 0.4–1.0; a script with a fixed delay has ~0,
and one with ±20 % uniform jitter about 0.12.
"""
MIN_KEYS_FOR_RHYTHM = 20
"""The uniform-interval check needs at least this many keypresses (any key)."""

DEFAULT_ACCURACY_TARGET = 95.0
DEFAULT_ACCURACY_FLOOR = 70.0


class KeyEvent(NamedTuple):
    """One validated keypress: ``t`` in ms since start, ``key`` a character or Backspace."""

    t: float
    key: str


@dataclass(frozen=True)
class IntegrityFlag:
    """A review signal (never an automatic rejection): machine ``code`` + plain ``message``."""

    code: str
    message: str


@dataclass(frozen=True)
class TypingMetrics:
    """Metrics of one typing test. Rates in words (5 characters) per minute, percents 0–100."""

    wpm: float
    raw_wpm: float
    accuracy: float
    consistency: float
    duration_ms: float
    typed_text: str
    correct_chars: int
    keypresses: int
    correct_keypresses: int
    backspaces: int

    @property
    def duration_s(self) -> float:
        """Duration in seconds."""
        return self.duration_ms / 1000.0

    def summary(self, ndigits: int = 2) -> dict[str, float]:
        """The five headline numbers, rounded: wpm, raw_wpm, accuracy, consistency, duration_s."""
        return {
            "wpm": round(self.wpm, ndigits),
            "raw_wpm": round(self.raw_wpm, ndigits),
            "accuracy": round(self.accuracy, ndigits),
            "consistency": round(self.consistency, ndigits),
            "duration_s": round(self.duration_s, ndigits),
        }

    def to_dict(self) -> dict[str, object]:
        """Every field, JSON-serializable."""
        data: dict[str, object] = asdict(self)
        data["duration_s"] = self.duration_s
        return data


# --------------------------------------------------------------------------- validation


def is_printable_key(key: str) -> bool:
    """True for exactly one printable character (space included)."""
    return len(key) == 1 and key.isprintable()


def parse_events(
    raw: object,
    *,
    max_events: int = MAX_EVENTS,
    max_duration_ms: float = MAX_DURATION_MS,
    allowed_keys: frozenset[str] | None = None,
    named_keys: frozenset[str] = frozenset({BACKSPACE}),
) -> list[KeyEvent]:
    """Validate a decoded JSON keystroke log and return it as :class:`KeyEvent` items.

    ``raw`` must be a list of objects with exactly the fields ``t`` (number of
    ms, finite, ``0 <= t <= max_duration_ms``, never decreasing) and ``key``.
    By default ``key`` is one printable character or one of ``named_keys``;
    ``allowed_keys`` restricts the characters further (ten-key uses digits).

    Raises ValueError with a message naming the offending event index.
    """
    if not isinstance(raw, list):
        raise ValueError("events must be a JSON list of {t, key} objects")
    if len(raw) > max_events:
        raise ValueError(f"too many events: {len(raw)} (limit {max_events})")
    events: list[KeyEvent] = []
    previous_t = 0.0
    for index, item in enumerate(raw):
        if not isinstance(item, dict):
            raise ValueError(f"event {index}: must be an object with 't' and 'key'")
        fields = set(item)
        if fields != {"t", "key"}:
            missing = sorted({"t", "key"} - fields)
            extra = sorted(str(f) for f in fields - {"t", "key"})
            detail = f"missing {missing}" if missing else f"unexpected fields {extra}"
            raise ValueError(f"event {index}: {detail}; expected exactly 't' and 'key'")
        raw_t: object = item["t"]
        key: object = item["key"]
        if (
            isinstance(raw_t, bool)
            or not isinstance(raw_t, int | float)
            or not math.isfinite(raw_t)
        ):
            raise ValueError(f"event {index}: t must be a finite number of milliseconds")
        t = float(raw_t)
        if t < 0:
            raise ValueError(f"event {index}: negative t ({t:g} ms)")
        if t > max_duration_ms:
            raise ValueError(f"event {index}: t {t:g} ms exceeds the limit {max_duration_ms:g} ms")
        if t < previous_t:
            raise ValueError(
                f"event {index}: t is not monotonic ({t:g} ms after {previous_t:g} ms)"
            )
        if not isinstance(key, str):
            raise ValueError(f"event {index}: key must be a string")
        if key not in named_keys:
            if not is_printable_key(key):
                raise ValueError(f"event {index}: unknown key {key!r}")
            if allowed_keys is not None and key not in allowed_keys:
                raise ValueError(f"event {index}: key {key!r} is not allowed here")
        events.append(KeyEvent(t, key))
        previous_t = t
    return events


def parse_events_json(
    text: str,
    *,
    max_events: int = MAX_EVENTS,
    max_duration_ms: float = MAX_DURATION_MS,
) -> list[KeyEvent]:
    """Decode a JSON document and validate it with :func:`parse_events` (typing keys)."""
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"events are not valid JSON: {exc.msg} at line {exc.lineno}") from exc
    return parse_events(raw, max_events=max_events, max_duration_ms=max_duration_ms)


def split_at_time_limit(
    events: Sequence[KeyEvent], limit_ms: float
) -> tuple[list[KeyEvent], list[KeyEvent]]:
    """Return (events with ``t <= limit_ms``, later events). The server ignores the later ones."""
    kept = [e for e in events if e.t <= limit_ms]
    return kept, list(events[len(kept) :])


# --------------------------------------------------------------------------- metrics


def replay(events: Sequence[KeyEvent]) -> str:
    """The final text: printable keys append, Backspace removes the last character."""
    chars: list[str] = []
    for event in events:
        if event.key == BACKSPACE:
            if chars:
                chars.pop()
        else:
            chars.append(event.key)
    return "".join(chars)


def duration_ms(events: Sequence[KeyEvent]) -> float:
    """``t`` of the last event in ms (0.0 for an empty log)."""
    return events[-1].t if events else 0.0


def correct_word_chars(passage: str, typed: str) -> int:
    """Characters of correctly typed words plus one per such word followed by a typed space.

    Typed word i is correct when it equals passage word i (both split on single spaces).

    A typed word is followed by a typed space when it is not the last piece of
    ``typed.split(" ")``.
    """
    passage_words = passage.split(" ")
    typed_words = typed.split(" ")
    last = len(typed_words) - 1
    total = 0
    for index, word in enumerate(typed_words):
        if index < len(passage_words) and word == passage_words[index]:
            total += len(word) + (1 if index < last else 0)
    return total


def keypress_accuracy(passage: str, events: Sequence[KeyEvent]) -> tuple[int, int]:
    """Return (correct printable keypresses, all printable keypresses).

    A printable keypress is correct when it equals ``passage[cursor]``, the
    cursor being the length of the typed text at that moment.
    """
    cursor = 0
    correct = 0
    pressed = 0
    for event in events:
        if event.key == BACKSPACE:
            cursor = max(0, cursor - 1)
            continue
        pressed += 1
        if cursor < len(passage) and passage[cursor] == event.key:
            correct += 1
        cursor += 1
    return correct, pressed


def per_second_raw_wpm(events: Sequence[KeyEvent]) -> list[float]:
    """Raw wpm of each whole second: printable keypresses in that second × 12.

    Second k covers ``k*1000 <= t < (k+1)*1000``; only the
    ``floor(duration_ms / 1000)`` whole seconds are returned (the trailing
    partial second, including an event at exactly the duration, is left out).
    This is also the series for the speed chart.
    """
    whole_seconds = int(duration_ms(events) // 1000)
    counts = [0] * whole_seconds
    for event in events:
        if event.key == BACKSPACE:
            continue
        second = int(event.t // 1000)
        if second < whole_seconds:
            counts[second] += 1
    return [count * 12.0 for count in counts]


def kogasa(cov: float) -> float:
    """Monkeytype's mapping of a coefficient of variation (>= 0) to 0–100 (100 = steady)."""
    return 100.0 * (1.0 - math.tanh(cov + cov**3 / 3.0 + cov**5 / 5.0))


def coefficient_of_variation(values: Sequence[float]) -> float | None:
    """Population standard deviation / mean; None when empty or the mean is 0."""
    if not values:
        return None
    mean = math.fsum(values) / len(values)
    if mean == 0:
        return None
    variance = math.fsum((v - mean) ** 2 for v in values) / len(values)
    return math.sqrt(variance) / mean


def consistency(series: Sequence[float]) -> float:
    """Consistency 0–100 of a per-second raw wpm series (0.0 when empty or mean 0)."""
    cov = coefficient_of_variation(series)
    if cov is None:
        return 0.0
    return min(100.0, max(0.0, kogasa(cov)))


def _rate(chars: int, ms: float) -> float:
    """Characters over ``ms`` as words (5 chars) per minute; 0.0 for zero duration."""
    if ms <= 0:
        return 0.0
    return chars / 5.0 / (ms / 60_000.0)


def typing_metrics(passage: str, events: Sequence[KeyEvent]) -> TypingMetrics:
    """Compute all metrics of one test (see the module docstring for definitions)."""
    typed = replay(events)
    ms = duration_ms(events)
    correct_chars = correct_word_chars(passage, typed)
    correct, pressed = keypress_accuracy(passage, events)
    accuracy = 100.0 * correct / pressed if pressed else 0.0
    return TypingMetrics(
        wpm=_rate(correct_chars, ms),
        raw_wpm=_rate(len(typed), ms),
        accuracy=accuracy,
        consistency=consistency(per_second_raw_wpm(events)),
        duration_ms=ms,
        typed_text=typed,
        correct_chars=correct_chars,
        keypresses=pressed,
        correct_keypresses=correct,
        backspaces=sum(1 for e in events if e.key == BACKSPACE),
    )


# --------------------------------------------------------------------------- integrity


def key_interval_cv(events: Sequence[KeyEvent]) -> float | None:
    """Coefficient of variation of the intervals between consecutive keypresses (any key).

    Returns None with fewer than two events; 0.0 when every interval is 0 ms
    (all keys at the same instant is perfectly uniform, not undefined).
    """
    if len(events) < 2:
        return None
    intervals = [b.t - a.t for a, b in zip(events, events[1:], strict=False)]
    mean = math.fsum(intervals) / len(intervals)
    if mean == 0:
        return 0.0
    variance = math.fsum((i - mean) ** 2 for i in intervals) / len(intervals)
    return math.sqrt(variance) / mean


def uniform_interval_flag(
    events: Sequence[KeyEvent], *, min_cv: float, min_keys: int, activity: str = "typing"
) -> IntegrityFlag | None:
    """``uniform_key_intervals`` when there are at least ``min_keys`` keypresses and the
    coefficient of variation of the intervals between them is below ``min_cv`` (machine-like
    regularity); None otherwise. ``activity`` names what people do in the message."""
    if len(events) < min_keys:
        return None
    cv = key_interval_cv(events)
    if cv is None or cv >= min_cv:
        return None
    return IntegrityFlag(
        "uniform_key_intervals",
        f"intervals between {len(events)} keypresses are near-constant "
        f"(variation {cv:.2f}, human {activity} is usually above {min_cv:g})",
    )


def timing_flags(
    events: Sequence[KeyEvent],
    raw_wpm: float,
    *,
    max_wpm: float = MAX_PLAUSIBLE_WPM,
    min_cv: float = UNIFORM_INTERVAL_CV,
    min_keys: int = MIN_KEYS_FOR_RHYTHM,
) -> list[IntegrityFlag]:
    """Implausible-timing review flags.

    * ``implausible_speed``: ``raw_wpm > max_wpm``.
    * ``uniform_key_intervals``: at least ``min_keys`` keypresses and the
      coefficient of variation of inter-key intervals below ``min_cv``.
    """
    flags: list[IntegrityFlag] = []
    if raw_wpm > max_wpm:
        flags.append(
            IntegrityFlag(
                "implausible_speed",
                f"raw speed {raw_wpm:.0f} wpm is above the {max_wpm:g} wpm plausibility limit",
            )
        )
    uniform = uniform_interval_flag(events, min_cv=min_cv, min_keys=min_keys)
    if uniform is not None:
        flags.append(uniform)
    return flags


# --------------------------------------------------------------------------- section score


def speed_points(rate: float, threshold: float) -> float:
    """0–100 points for a speed against a job threshold (both in the same unit, threshold > 0).

    Linear 0→70 from 0 to the threshold, then 70→100 from the threshold to
    twice the threshold, capped at 100. Meeting the threshold exactly is 70.
    """
    if threshold <= 0:
        raise ValueError("threshold must be positive")
    ratio = max(0.0, rate) / threshold
    if ratio <= 1.0:
        return 70.0 * ratio
    return min(100.0, 70.0 + 30.0 * (ratio - 1.0))


def accuracy_factor(accuracy: float, target: float, floor: float) -> float:
    """Multiplier 0–1: 1 at or above ``target`` %, 0 at or below ``floor`` %, linear between."""
    if not floor < target:
        raise ValueError("accuracy floor must be below the target")
    return min(1.0, max(0.0, (accuracy - floor) / (target - floor)))


def speed_accuracy_score(
    rate: float,
    accuracy: float,
    threshold: float,
    *,
    accuracy_target: float,
    accuracy_floor: float,
) -> float:
    """Section score 0–100 (1 decimal) = speed_points(rate, threshold) × accuracy_factor."""
    score = speed_points(rate, threshold) * accuracy_factor(
        accuracy, accuracy_target, accuracy_floor
    )
    return round(min(100.0, max(0.0, score)), 1)


def format_number(value: float) -> str:
    """Whole numbers without decimals ("35"), others with one ("35.5"), thousands separated."""
    if float(value).is_integer():
        return f"{value:,.0f}"
    return f"{value:,.1f}"


def typing_score(
    wpm: float,
    accuracy: float,
    threshold_wpm: float,
    *,
    accuracy_target: float = DEFAULT_ACCURACY_TARGET,
    accuracy_floor: float = DEFAULT_ACCURACY_FLOOR,
) -> tuple[float, str]:
    """Typing section score 0–100 and its one-line explanation.

    score = speed_points(wpm, threshold_wpm) × accuracy_factor(accuracy):
    70 points at the threshold, 100 at twice the threshold; full credit at
    ``accuracy_target`` % (95) or better, none at ``accuracy_floor`` % (70).
    Example: ``"48 wpm at 96% accuracy; job threshold 35 wpm"``.
    """
    score = speed_accuracy_score(
        wpm,
        accuracy,
        threshold_wpm,
        accuracy_target=accuracy_target,
        accuracy_floor=accuracy_floor,
    )
    threshold = format_number(threshold_wpm)
    explanation = f"{wpm:.0f} wpm at {accuracy:.0f}% accuracy; job threshold {threshold} wpm"
    return score, explanation
