"""Ten-key (numeric data entry) metrics from a keystroke log.

The applicant sees a list of numeric entries and types each one followed by
Enter. The log uses the typing format ``{"t": ms, "key": k}`` with keys
``0``–``9``, ``.``, ``"Enter"`` and ``"Backspace"``.

Definitions (``hours`` = duration / 3 600 000, duration = ``t`` of the last event):

* replay: digits and ``.`` append to the current entry, Backspace removes its
  last character (never reaching into an entry already submitted), Enter
  submits the current entry (even an empty one) and starts the next.
* an entry is **correct** when the i-th submitted entry equals the i-th
  expected entry exactly as strings (``"903.10"`` is not ``"903.1"``).
  Entries submitted beyond the expected list are incorrect.
* **keystrokes** = digit, ``.`` and Enter keypresses (Backspace excluded: it
  produces no data).
* **gross_kph** = keystrokes / hours.
* **net_kph** = keystrokes that correct entries are made of (their characters
  + their Enter) / hours — productive keystrokes per hour.
* **accuracy** = 100 × correct entries / submitted entries.

Edge cases: duration 0 gives both KPH 0.0; no submitted entry gives accuracy
0.0; a trailing entry without Enter is not submitted (its keystrokes still
count toward gross KPH).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass

from screening.scoring.typing import (
    BACKSPACE,
    IntegrityFlag,
    KeyEvent,
    format_number,
    parse_events,
    speed_accuracy_score,
    uniform_interval_flag,
)

ENTER = "Enter"
DATA_KEYS = frozenset("0123456789.")
MAX_TENKEY_EVENTS = 10_000
MAX_PLAUSIBLE_KPH = 30_000.0
"""Gross speed above this is flagged (expert ten-key operators reach 15–20 thousand)."""
TENKEY_UNIFORM_INTERVAL_CV = 0.15
TENKEY_MIN_KEYS_FOR_RHYTHM = 20
DEFAULT_TENKEY_ACCURACY_TARGET = 98.0
DEFAULT_TENKEY_ACCURACY_FLOOR = 80.0


@dataclass(frozen=True)
class TenKeyMetrics:
    """Metrics of one ten-key test. KPH = keystrokes per hour; accuracy in percent 0–100."""

    entries_expected: int
    entries_submitted: int
    entries_correct: int
    keystrokes: int
    correct_keystrokes: int
    duration_ms: float
    gross_kph: float
    net_kph: float
    accuracy: float

    def to_dict(self) -> dict[str, object]:
        """Every field, JSON-serializable."""
        return asdict(self)


def parse_tenkey_events(raw: object, *, max_events: int = MAX_TENKEY_EVENTS) -> list[KeyEvent]:
    """Validate a decoded ten-key log (keys 0–9, '.', Enter, Backspace); ValueError if invalid."""
    return parse_events(
        raw,
        max_events=max_events,
        allowed_keys=DATA_KEYS,
        named_keys=frozenset({BACKSPACE, ENTER}),
    )


def replay_entries(events: Sequence[KeyEvent]) -> tuple[list[str], str]:
    """Return (submitted entries, unsubmitted trailing buffer)."""
    entries: list[str] = []
    buffer: list[str] = []
    for event in events:
        if event.key == ENTER:
            entries.append("".join(buffer))
            buffer = []
        elif event.key == BACKSPACE:
            if buffer:
                buffer.pop()
        else:
            buffer.append(event.key)
    return entries, "".join(buffer)


def _per_hour(count: int, ms: float) -> float:
    if ms <= 0:
        return 0.0
    return count / (ms / 3_600_000.0)


def tenkey_metrics(expected: Sequence[str], events: Sequence[KeyEvent]) -> TenKeyMetrics:
    """Compute ten-key metrics (see the module docstring for the definitions)."""
    entries, _ = replay_entries(events)
    correct = [
        entry
        for index, entry in enumerate(entries)
        if index < len(expected) and entry == expected[index]
    ]
    keystrokes = sum(1 for e in events if e.key != BACKSPACE)
    correct_keystrokes = sum(len(entry) + 1 for entry in correct)
    ms = events[-1].t if events else 0.0
    return TenKeyMetrics(
        entries_expected=len(expected),
        entries_submitted=len(entries),
        entries_correct=len(correct),
        keystrokes=keystrokes,
        correct_keystrokes=correct_keystrokes,
        duration_ms=ms,
        gross_kph=_per_hour(keystrokes, ms),
        net_kph=_per_hour(correct_keystrokes, ms),
        accuracy=100.0 * len(correct) / len(entries) if entries else 0.0,
    )


def tenkey_flags(
    events: Sequence[KeyEvent],
    gross_kph: float,
    *,
    max_kph: float = MAX_PLAUSIBLE_KPH,
    min_cv: float = TENKEY_UNIFORM_INTERVAL_CV,
    min_keys: int = TENKEY_MIN_KEYS_FOR_RHYTHM,
) -> list[IntegrityFlag]:
    """Review flags: ``implausible_speed`` (gross KPH above ``max_kph``) and
    ``uniform_key_intervals`` (>= ``min_keys`` keys with interval CV below ``min_cv``)."""
    flags: list[IntegrityFlag] = []
    if gross_kph > max_kph:
        flags.append(
            IntegrityFlag(
                "implausible_speed",
                f"{format_number(round(gross_kph))} keystrokes per hour is above the "
                f"{format_number(max_kph)} KPH plausibility limit",
            )
        )
    uniform = uniform_interval_flag(events, min_cv=min_cv, min_keys=min_keys, activity="entry")
    if uniform is not None:
        flags.append(uniform)
    return flags


def tenkey_score(
    net_kph: float,
    accuracy: float,
    threshold_kph: float,
    *,
    accuracy_target: float = DEFAULT_TENKEY_ACCURACY_TARGET,
    accuracy_floor: float = DEFAULT_TENKEY_ACCURACY_FLOOR,
) -> tuple[float, str]:
    """Ten-key section score 0–100 and its one-line explanation.

    score = speed_points(net_kph, threshold_kph) × accuracy factor: 70 points
    at the threshold, 100 at twice it; full credit at ``accuracy_target`` %
    (98) or better, none at ``accuracy_floor`` % (80).
    Example: ``"9,200 net KPH at 98% accuracy; job threshold 8,000 KPH"``.
    """
    score = speed_accuracy_score(
        net_kph,
        accuracy,
        threshold_kph,
        accuracy_target=accuracy_target,
        accuracy_floor=accuracy_floor,
    )
    explanation = (
        f"{format_number(round(net_kph))} net KPH at {accuracy:.0f}% accuracy; "
        f"job threshold {format_number(threshold_kph)} KPH"
    )
    return score, explanation
