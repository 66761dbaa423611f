"""Eligibility: parse an applicant's self-reported answers and check a job's knockout rules.

Pure: no Flask, no database. Two steps:

* :func:`parse_answers` turns form fields (strings) into :class:`EligibilityAnswers` or raises
  :class:`EligibilityInputError` with one plain-language message per field.
* :func:`evaluate` checks the answers against the job's ``knockouts`` rules and returns the
  failed rules as :class:`KnockoutFailure` (rule code + plain-language reason); an empty list
  means eligible.

Rules (``job.profile["knockouts"]``; a missing, empty, zero or false rule does not apply):

* ``allowed_states``: two-letter US state codes; empty = every state.
* ``min_age``: years. Applicants are asked "Are you at least N years old?" (yes/no) rather than
  their date of birth: it answers the rule and keeps no age data (data minimisation).
* ``requires_evening`` / ``requires_weekend``: availability for evening / weekend shifts.
* ``min_weekly_hours``: hours per week the applicant can work (0-80).
* ``requires_headset``: a wired headset with a microphone.
* ``min_download_mbps``: self-reported download speed in megabits per second (0-10000).

The computer and operating system are recorded (``computer``) but no rule checks them.

Measured connection: the eligibility page also measures download speed and latency against our
own server (:func:`parse_measurement`). It never decides eligibility; see
:func:`connection_flags` for why and for the review flags it can raise.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

US_STATES: dict[str, str] = {
    "AL": "Alabama", "AK": "Alaska", "AZ": "Arizona", "AR": "Arkansas", "CA": "California",
    "CO": "Colorado", "CT": "Connecticut", "DE": "Delaware", "DC": "District of Columbia",
    "FL": "Florida", "GA": "Georgia", "HI": "Hawaii", "ID": "Idaho", "IL": "Illinois",
    "IN": "Indiana", "IA": "Iowa", "KS": "Kansas", "KY": "Kentucky", "LA": "Louisiana",
    "ME": "Maine", "MD": "Maryland", "MA": "Massachusetts", "MI": "Michigan", "MN": "Minnesota",
    "MS": "Mississippi", "MO": "Missouri", "MT": "Montana", "NE": "Nebraska", "NV": "Nevada",
    "NH": "New Hampshire", "NJ": "New Jersey", "NM": "New Mexico", "NY": "New York",
    "NC": "North Carolina", "ND": "North Dakota", "OH": "Ohio", "OK": "Oklahoma",
    "OR": "Oregon", "PA": "Pennsylvania", "RI": "Rhode Island", "SC": "South Carolina",
    "SD": "South Dakota", "TN": "Tennessee", "TX": "Texas", "UT": "Utah", "VT": "Vermont",
    "VA": "Virginia", "WA": "Washington", "WV": "West Virginia", "WI": "Wisconsin",
    "WY": "Wyoming",
}
"""US states (and DC) by two-letter postal code."""

COMPUTERS: dict[str, str] = {
    "windows": "Windows computer",
    "macos": "Mac (macOS)",
    "chromeos": "Chromebook (ChromeOS)",
    "linux": "Linux computer",
    "none": "I do not have a computer",
}
"""Computer and operating system choices (recorded only)."""

MAX_WEEKLY_HOURS = 80
MAX_DOWNLOAD_MBPS = 10_000.0


class EligibilityInputError(ValueError):
    """The answers are incomplete or malformed; ``errors`` maps field name -> message."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        self.errors: dict[str, str] = dict(errors)
        super().__init__("; ".join(self.errors.values()))


@dataclass(frozen=True)
class EligibilityAnswers:
    """Self-reported answers. ``meets_min_age`` answers "at least ``age_asked`` years old?"
    (``age_asked`` 0 = not asked, then True); ``weekly_hours`` 0-80; ``download_mbps`` >= 0."""

    state: str
    meets_min_age: bool
    age_asked: int
    evening: bool
    weekend: bool
    weekly_hours: int
    headset: bool
    computer: str
    download_mbps: float

    def to_dict(self) -> dict[str, Any]:
        """JSON-serializable form (stored as ``candidate.eligibility["answers"]``)."""
        return asdict(self)


@dataclass(frozen=True)
class KnockoutFailure:
    """A failed rule: ``rule`` is the profile key, ``reason`` a respectful plain sentence."""

    rule: str
    reason: str


def min_age_rule(rules: Mapping[str, Any]) -> int:
    """The minimum age (years) a job asks about; 0 when there is none."""
    value = rules.get("min_age") or 0
    return int(value) if isinstance(value, int | float) and not isinstance(value, bool) else 0


def _yes_no(form: Mapping[str, str], name: str, label: str, errors: dict[str, str]) -> bool:
    value = (form.get(name) or "").strip().lower()
    if value in ("yes", "true", "1"):
        return True
    if value in ("no", "false", "0"):
        return False
    errors[name] = f"Please answer yes or no: {label}"
    return False


def _number(form: Mapping[str, str], name: str, label: str, maximum: float,
            errors: dict[str, str]) -> float:
    text = (form.get(name) or "").strip()
    try:
        value = float(text)
    except ValueError:
        errors[name] = f"Please enter a number for {label}."
        return 0.0
    if not 0 <= value <= maximum:  # also refuses nan; inf is above maximum
        errors[name] = f"Please enter a number between 0 and {maximum:g} for {label}."
        return 0.0
    return value


def parse_answers(form: Mapping[str, str], rules: Mapping[str, Any]) -> EligibilityAnswers:
    """Parse the eligibility form; raises :class:`EligibilityInputError` listing every problem.

    Fields: ``state`` (postal code), ``adult`` (yes/no, only when the job has a minimum age),
    ``evening``, ``weekend``, ``headset`` (yes/no), ``weekly_hours`` (whole hours 0-80),
    ``computer`` (a key of :data:`COMPUTERS`), ``download_mbps`` (0-10000, decimals allowed).
    """
    errors: dict[str, str] = {}
    state = (form.get("state") or "").strip().upper()
    if state not in US_STATES:
        errors["state"] = "Please choose the US state where you live."
    age = min_age_rule(rules)
    adult = True
    if age > 0:
        adult = _yes_no(form, "adult", f"are you at least {age} years old?", errors)
    evening = _yes_no(form, "evening", "can you work evening shifts?", errors)
    weekend = _yes_no(form, "weekend", "can you work weekend shifts?", errors)
    headset = _yes_no(form, "headset", "do you have a wired headset with a microphone?", errors)
    hours = _number(form, "weekly_hours", "hours per week", MAX_WEEKLY_HOURS, errors)
    if "weekly_hours" not in errors and not float(hours).is_integer():
        errors["weekly_hours"] = "Please enter whole hours per week, e.g. 30."
    computer = (form.get("computer") or "").strip().lower()
    if computer not in COMPUTERS:
        errors["computer"] = "Please choose the computer you would work on."
    mbps = _number(form, "download_mbps", "internet download speed", MAX_DOWNLOAD_MBPS, errors)
    if errors:
        raise EligibilityInputError(errors)
    return EligibilityAnswers(
        state=state,
        meets_min_age=adult,
        age_asked=age,
        evening=evening,
        weekend=weekend,
        weekly_hours=int(hours),
        headset=headset,
        computer=computer,
        download_mbps=mbps,
    )


def _state_list(codes: list[str]) -> str:
    names = [US_STATES.get(code, code) for code in codes]
    if len(names) <= 2:
        return " and ".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def evaluate(rules: Mapping[str, Any], answers: EligibilityAnswers) -> list[KnockoutFailure]:
    """The knockout rules ``answers`` fail, in a fixed order (empty list = eligible).

    ``rules`` is the job's ``knockouts`` mapping (see the module docstring); unknown keys are
    ignored. Each reason says what the job needs and what the applicant told us, without blame.
    """
    failures: list[KnockoutFailure] = []
    allowed = sorted({str(s).upper() for s in rules.get("allowed_states") or []})
    if allowed and answers.state not in allowed:
        failures.append(KnockoutFailure(
            "allowed_states",
            f"This job is open to residents of {_state_list(allowed)}; you told us you live in "
            f"{US_STATES.get(answers.state, answers.state)}.",
        ))
    age = min_age_rule(rules)
    if age > 0 and (not answers.meets_min_age or answers.age_asked < age):
        failures.append(KnockoutFailure(
            "min_age", f"This job requires applicants to be at least {age} years old."))
    if rules.get("requires_evening") and not answers.evening:
        failures.append(KnockoutFailure(
            "requires_evening", "This job needs availability for evening shifts."))
    if rules.get("requires_weekend") and not answers.weekend:
        failures.append(KnockoutFailure(
            "requires_weekend", "This job needs availability for weekend shifts."))
    min_hours = float(rules.get("min_weekly_hours") or 0)
    if min_hours > 0 and answers.weekly_hours < min_hours:
        failures.append(KnockoutFailure(
            "min_weekly_hours",
            f"This job needs at least {min_hours:g} hours a week; you told us you can work "
            f"{answers.weekly_hours}.",
        ))
    if rules.get("requires_headset") and not answers.headset:
        failures.append(KnockoutFailure(
            "requires_headset", "This job needs a wired headset with a microphone."))
    min_mbps = float(rules.get("min_download_mbps") or 0)
    if min_mbps > 0 and answers.download_mbps < min_mbps:
        failures.append(KnockoutFailure(
            "min_download_mbps",
            f"This job needs an internet download speed of at least {min_mbps:g} Mbps; you "
            f"told us yours is {answers.download_mbps:g} Mbps.",
        ))
    return failures


# --------------------------------------------------------------------------- measured connection

MAX_MEASURED_LATENCY_MS = 60_000.0
SLOW_FRACTION_OF_SELF_REPORT = 0.5
"""A measurement below this fraction of the self-reported speed is flagged for review."""
HIGH_LATENCY_MS = 300.0
"""Round trips slower than this (median, ms) are flagged for review (voice calls suffer)."""


@dataclass(frozen=True)
class ConnectionMeasurement:
    """What the eligibility page measured against our server (None = not measured).

    ``download_mbps``: megabits per second (10^6 bit/s), 0-10000. ``latency_ms``: median round
    trip of a tiny request in milliseconds, 0-60000.
    """

    download_mbps: float | None
    latency_ms: float | None


def _optional_number(text: str | None, maximum: float) -> float | None:
    try:
        value = float((text or "").strip())
    except ValueError:
        return None
    if not 0 <= value <= maximum:  # refuses nan and inf too
        return None
    return round(value, 2)


def parse_measurement(form: Mapping[str, str]) -> ConnectionMeasurement:
    """Read the hidden fields ``measured_mbps`` and ``measured_latency_ms``.

    They are filled by the page script, not typed by the applicant, so a missing or malformed
    value never raises: it is recorded as not measured (None).
    """
    return ConnectionMeasurement(
        download_mbps=_optional_number(form.get("measured_mbps"), MAX_DOWNLOAD_MBPS),
        latency_ms=_optional_number(form.get("measured_latency_ms"), MAX_MEASURED_LATENCY_MS),
    )


def connection_flags(rules: Mapping[str, Any], answers: EligibilityAnswers,
                     measured: ConnectionMeasurement) -> list[KnockoutFailure]:
    """Review flags from the measured connection (never knockouts), as (code, message) pairs.

    The knockout ``min_download_mbps`` is decided by the applicant's self-report alone
    (:func:`evaluate`). The measurement runs between the applicant's browser and *our* server:
    distance, routing, Wi-Fi and the server's own load all lower it, so it is not a measurement
    of the applicant's home line and must not reject anyone automatically. It is stored and
    shown to the recruiter, who may ask questions when it disagrees strongly:

    * ``measured_below_minimum``: measured Mbps below the job's ``min_download_mbps``;
    * ``measured_below_self_report``: measured Mbps below half the self-reported speed;
    * ``high_latency``: median round trip above :data:`HIGH_LATENCY_MS`.

    Nothing is flagged for a value that was not measured.
    """
    flags: list[KnockoutFailure] = []
    mbps = measured.download_mbps
    min_mbps = float(rules.get("min_download_mbps") or 0)
    if mbps is not None and min_mbps > 0 and mbps < min_mbps:
        flags.append(KnockoutFailure(
            "measured_below_minimum",
            f"Measured download {mbps:g} Mbps is below the job's minimum of {min_mbps:g} Mbps "
            f"(self-reported {answers.download_mbps:g} Mbps)."))
    if (mbps is not None and answers.download_mbps > 0
            and mbps < SLOW_FRACTION_OF_SELF_REPORT * answers.download_mbps):
        flags.append(KnockoutFailure(
            "measured_below_self_report",
            f"Measured download {mbps:g} Mbps is less than half the self-reported "
            f"{answers.download_mbps:g} Mbps."))
    if measured.latency_ms is not None and measured.latency_ms > HIGH_LATENCY_MS:
        flags.append(KnockoutFailure(
            "high_latency",
            f"Measured round trip {measured.latency_ms:g} ms is above {HIGH_LATENCY_MS:g} ms."))
    return flags
