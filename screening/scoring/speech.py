"""Speech metrics of a transcribed voice sample and the voice section score.

Pure functions: words and text in, numbers and an explanation out. Inputs come from a
transcription engine (``screening.speech.engines``): a list of :class:`Word` with times in
seconds from the start of the recording and a recognizer probability in [0, 1].

Definitions
-----------
* **Normalised text** (:func:`normalize_words`): lowercase; Unicode NFKC; ``$25`` → ``25
  dollars``, ``50%`` → ``50 percent``, ``&`` → ``and``; thousands separators dropped
  (``1,000`` → ``1000``); ``3:30`` → ``3 30``; hyphens, slashes and other punctuation become
  spaces; apostrophes are dropped (``don't`` → ``dont``); a few abbreviations are spelled out
  (``mr`` → ``mister``, ``ok`` → ``okay``, see ``ABBREVIATIONS``). Number words become digits
  (``twenty five`` → ``25``, ``one hundred and five`` → ``105``, ``a thousand`` → ``1000``,
  ``twenty first`` → ``21st``, ``two point five`` → ``2.5``), then runs of adjacent digit
  tokens are joined (``5 5 5 1 2 1 2`` → ``5551212``, ``20 24`` → ``2024``, ``3 30`` →
  ``330``), so a number counts as one word however it was said or written. Both the script and
  the transcript go through the same steps. Not handled: money said as ``two fifty``, ``oh``
  for zero, spelling variants (colour/color), expanded contractions (we'll/we will).
* **WER** (:func:`word_error_rate`): (substitutions + deletions + insertions) / number of
  script words, by word-level Levenshtein alignment of the normalised texts, hesitation sounds
  (``FILLER_WORDS``) removed from both sides (they are scored as fillers, not as misreadings).
  Can exceed 1 when the speaker adds many words. **Read-aloud accuracy** = 1 − WER clipped to
  [0, 1].
* **Words** for rates: recognizer words containing a letter or digit (a hyphenated compound
  or a number written in digits counts once).
* **Voiced time** (:func:`speaking_rate`): sum of word durations plus the gaps between
  consecutive words that are not pauses (≤ ``PAUSE_SECONDS``); i.e. the time from the first
  word's start to the last word's end minus the pauses. Leading and trailing silence never
  counts. **Speaking rate** = words / voiced time, in words per minute. Because long pauses
  are excluded it reads 10–20 % higher than words over total time; 120–180 wpm is the band
  we call steady.
* **Pauses** (:func:`pause_stats`): gaps between consecutive words longer than
  ``PAUSE_SECONDS`` (0.5 s): their count, total and longest length, and their share of the
  speaking span (first word start → last word end). Whisper word times are approximate
  (±0.1–0.2 s) and tend to stretch words over short gaps, so pauses are a lower bound.
* **Fillers** (:func:`filler_stats`): hesitation sounds ``FILLER_WORDS`` (um, uh, er, erm,
  ah, hmm, mm and spelling variants) anywhere, plus the discourse markers ``FILLER_PHRASES``
  (like, you know, i mean, kind of, sort of) only when set off by commas or sentence
  punctuation on both sides (``it's, like, late``), because unmarked they are usually real
  words (``I'd like to``, ``do you know``). Whisper is trained on cleaned transcripts and
  often drops fillers, so the count is a lower bound.
* **Confidence** (:func:`confidence_stats`): mean recognizer probability of the words (0–1)
  and the words below ``LOW_CONFIDENCE`` (0.5). Scale depends on the model (tiny.en gives
  lower probabilities than larger models on the same speech).

Voice section score
-------------------
:func:`score_voice` combines components, each mapped linearly onto 0–1 between the two
anchors given (clipped), into ``100 · Σ wᵢ·cᵢ / Σ wᵢ`` over the components present:

=============  ==================================================  =========  ========
component      0 at … → 1 at …                                     read-aloud scenario
=============  ==================================================  =========  ========
accuracy       read-aloud accuracy 0 → 1                           40         –
length         free-answer check: ok 1, too long 0.8, short 0.4    –          20
rate           60 → 120 wpm (1 up to 180) → 0 at 260 wpm           15         15
pauses         pause share 50 % → 15 %                             10         15
fillers        10 → 1 fillers per 100 words                        5          15
confidence     mean word probability 0.40 → 0.85                   15         15
audio          min(SNR 5 → 25 dB, clipping 2 % → 0.1 %,            15         20
               speech level −55 → −35 dBFS)
grammar        optional grammar score 0–100 / 100                  –          20
=============  ==================================================  =========  ========

A sample with no recognised words scores 0. The explanation names the overall impression and
the numbers behind it, e.g. ``"clear and steady: 152 wpm, few pauses, 96% read-aloud
accuracy; background noise high"``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Literal, NamedTuple

from screening.scoring.audio_quality import AudioQuality

PAUSE_SECONDS = 0.5
LOW_CONFIDENCE = 0.5

FILLER_WORDS: frozenset[str] = frozenset(
    {"um", "umm", "uhm", "uh", "uhh", "er", "erm", "ah", "ahh", "hmm", "hm", "mm", "mhm", "eh"}
)
FILLER_PHRASES: tuple[str, ...] = ("you know", "i mean", "kind of", "sort of", "like")

ABBREVIATIONS: dict[str, str] = {
    "mr": "mister",
    "mrs": "missus",
    "dr": "doctor",
    "ok": "okay",
    "vs": "versus",
    "etc": "etcetera",
}

SampleKind = Literal["read_aloud", "scenario"]
AnswerStatus = Literal["ok", "empty", "too_short", "too_long"]


class Word(NamedTuple):
    """One recognised word: text as recognised (may carry punctuation), start and end in
    seconds from the start of the recording, recognizer probability in [0, 1]."""

    word: str
    start: float
    end: float
    probability: float


# --------------------------------------------------------------------------- normalisation

_UNITS: dict[str, int] = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5,
    "six": 6, "seven": 7, "eight": 8, "nine": 9,
}  # fmt: skip
_TEENS: dict[str, int] = {
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}  # fmt: skip
_TENS: dict[str, int] = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}  # fmt: skip
_SCALES: dict[str, int] = {"thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}
_ORDINAL_UNITS: dict[str, int] = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5,
    "sixth": 6, "seventh": 7, "eighth": 8, "ninth": 9,
}  # fmt: skip
_ORDINAL_TEENS: dict[str, int] = {
    "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13, "fourteenth": 14,
    "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18, "nineteenth": 19,
}  # fmt: skip
_ORDINAL_TENS: dict[str, int] = {
    "twentieth": 20, "thirtieth": 30, "fortieth": 40, "fiftieth": 50,
    "sixtieth": 60, "seventieth": 70, "eightieth": 80, "ninetieth": 90,
}  # fmt: skip
_ORDINAL_SCALES: dict[str, int] = {
    "hundredth": 100, "thousandth": 1_000, "millionth": 1_000_000, "billionth": 1_000_000_000,
}  # fmt: skip

_NUMBER_WORDS = (
    set(_UNITS) | set(_TEENS) | set(_TENS) | set(_SCALES) | {"hundred", "zero"}
    | set(_ORDINAL_UNITS) | set(_ORDINAL_TEENS) | set(_ORDINAL_TENS) | set(_ORDINAL_SCALES)
)  # fmt: skip

_TOKEN = re.compile(r"\d+(?:\.\d+)?(?:st|nd|rd|th)?|[a-z]+")
_DIGITS = re.compile(r"^\d+$")


def _ordinal_suffix(value: int) -> str:
    if value % 100 in (11, 12, 13):
        return "th"
    return {1: "st", 2: "nd", 3: "rd"}.get(value % 10, "th")


def _prepare(text: str) -> str:
    """Lowercase and rewrite symbols and punctuation before tokenising."""
    s = unicodedata.normalize("NFKC", text).lower()
    s = s.replace("\u2019", "'").replace("\u2018", "'")
    s = re.sub(r"\$\s?(\d[\d,]*(?:\.\d+)?)", r"\1 dollars", s)
    s = re.sub(r"(\d)\s?%", r"\1 percent", s)
    s = s.replace("&", " and ")
    s = re.sub(r"(?<=\d),(?=\d{3}\b)", "", s)
    s = re.sub(r"(?<=\d):(?=\d)", " ", s)
    s = s.replace("'", "")
    # keep a '.' only between digits (decimal point); everything else not a-z0-9 is a space
    s = re.sub(r"(?<!\d)\.|\.(?!\d)", " ", s)
    return re.sub(r"[^a-z0-9.]+", " ", s)


def _parse_number(tokens: Sequence[str], i: int) -> tuple[str, int] | None:
    """Parse the number phrase starting at ``tokens[i]``; return (digits, next index)."""
    n = len(tokens)
    start = i
    if tokens[i] == "a" and i + 1 < n and tokens[i + 1] in ({"hundred"} | set(_SCALES)):
        i += 1  # "a hundred", "a thousand" = one hundred, one thousand
    if tokens[i] not in _NUMBER_WORDS or tokens[i] == "second" and start == i:
        return None  # a lone "second" is usually time ("wait a second"), not an ordinal
    if tokens[i] == "zero":
        return "0", i + 1
    total = 0  # completed thousands/millions/billions
    current = 0  # the part below the last scale word
    last = ""  # kind of the previous number word: unit, teen, tens, hundred, scale
    last_scale = 10**12
    ordinal = False
    consumed = False
    while i < n and not ordinal:
        tok = tokens[i]
        unit = _UNITS.get(tok, _ORDINAL_UNITS.get(tok))
        teen = _TEENS.get(tok, _ORDINAL_TEENS.get(tok))
        tens = _TENS.get(tok, _ORDINAL_TENS.get(tok))
        scale = _SCALES.get(tok, _ORDINAL_SCALES.get(tok))
        if unit is not None:
            if last in ("unit", "teen") or current % 10 != 0:
                break
            current += unit
            last = "unit"
        elif teen is not None or tens is not None:
            value = teen if teen is not None else tens
            assert value is not None
            if last in ("unit", "teen", "tens") or current % 100 != 0:
                break
            current += value
            last = "teen" if teen is not None else "tens"
        elif tok in ("hundred", "hundredth"):
            if last in ("hundred", "scale") and current != 0 or current >= 100:
                break
            current = (current or 1) * 100
            last = "hundred"
        elif scale is not None:
            if scale >= last_scale:
                break
            total += (current or 1) * scale
            current = 0
            last_scale = scale
            last = "scale"
        elif (
            tok == "and"
            and last in ("hundred", "scale")
            and i + 1 < n
            and (tokens[i + 1] in _UNITS or tokens[i + 1] in _TEENS or tokens[i + 1] in _TENS)
        ):
            i += 1
            continue
        else:
            break
        consumed = True
        ordinal = (
            tok in _ORDINAL_UNITS
            or tok in _ORDINAL_TEENS
            or tok in _ORDINAL_TENS
            or (tok in _ORDINAL_SCALES)
        )
        i += 1
    if not consumed:
        return None
    value = total + current
    if ordinal:
        return f"{value}{_ordinal_suffix(value)}", i
    digits = str(value)
    if i + 1 < n and tokens[i] == "point" and tokens[i + 1] in _UNITS | {"zero": 0}:
        decimals = []
        i += 1
        while i < n and tokens[i] in _UNITS | {"zero": 0}:
            decimals.append(str(_UNITS.get(tokens[i], 0)))
            i += 1
        digits += "." + "".join(decimals)
    return digits, i


def normalize_words(text: str, *, drop_fillers: bool = False) -> list[str]:
    """Normalised tokens of ``text`` (see the module docstring). With ``drop_fillers``,
    hesitation sounds (``FILLER_WORDS``) are removed."""
    raw = _TOKEN.findall(_prepare(text))
    tokens = [ABBREVIATIONS.get(t, t) for t in raw]
    converted: list[str] = []
    i = 0
    while i < len(tokens):
        parsed = _parse_number(tokens, i)
        if parsed is None:
            converted.append(tokens[i])
            i += 1
        else:
            converted.append(parsed[0])
            i = parsed[1]
    merged: list[str] = []
    for tok in converted:
        if merged and _DIGITS.match(tok) and _DIGITS.match(merged[-1]):
            merged[-1] += tok
        else:
            merged.append(tok)
    if drop_fillers:
        merged = [t for t in merged if t not in FILLER_WORDS]
    return merged


def normalize_text(text: str) -> str:
    """``normalize_words`` joined by single spaces: ``"Twenty-five dollars!"`` → ``"25
    dollars"``."""
    return " ".join(normalize_words(text))


# --------------------------------------------------------------------------- WER


class AlignedWord(NamedTuple):
    """One step of the script/transcript alignment: ``op`` is ``ok`` (match), ``sub``,
    ``del`` (script word not said) or ``ins`` (word said but not in the script)."""

    op: Literal["ok", "sub", "del", "ins"]
    reference: str | None
    hypothesis: str | None


@dataclass(frozen=True)
class WerResult:
    """Word error rate of a transcript against a script (normalised words)."""

    wer: float
    substitutions: int
    deletions: int
    insertions: int
    reference_words: int
    hypothesis_words: int
    alignment: tuple[AlignedWord, ...] = field(repr=False)

    @property
    def accuracy(self) -> float:
        """Read-aloud accuracy: 1 − WER clipped to [0, 1]."""
        return read_aloud_accuracy(self.wer)


def _align(ref: Sequence[str], hyp: Sequence[str]) -> list[AlignedWord]:
    """Minimum-edit alignment (unit costs). Among equally short edit paths the one with the
    most matching words wins, so a skipped word shows as a deletion rather than as a chain
    of substitutions."""
    rows, cols = len(ref) + 1, len(hyp) + 1
    # cost[r][c] = (edits, -matches) of the best alignment of ref[:r] with hyp[:c]
    cost = [[(0, 0)] * cols for _ in range(rows)]
    for r in range(rows):
        cost[r][0] = (r, 0)
    for c in range(cols):
        cost[0][c] = (c, 0)
    for r in range(1, rows):
        for c in range(1, cols):
            edits, neg = cost[r - 1][c - 1]
            same = ref[r - 1] == hyp[c - 1]
            diagonal = (edits, neg - 1) if same else (edits + 1, neg)
            up = (cost[r - 1][c][0] + 1, cost[r - 1][c][1])
            left = (cost[r][c - 1][0] + 1, cost[r][c - 1][1])
            cost[r][c] = min(diagonal, up, left)
    steps: list[AlignedWord] = []
    r, c = len(ref), len(hyp)
    while r > 0 or c > 0:
        if r > 0 and c > 0:
            edits, neg = cost[r - 1][c - 1]
            same = ref[r - 1] == hyp[c - 1]
            if cost[r][c] == ((edits, neg - 1) if same else (edits + 1, neg)):
                steps.append(AlignedWord("ok" if same else "sub", ref[r - 1], hyp[c - 1]))
                r, c = r - 1, c - 1
                continue
        if r > 0 and cost[r][c] == (cost[r - 1][c][0] + 1, cost[r - 1][c][1]):
            steps.append(AlignedWord("del", ref[r - 1], None))
            r -= 1
        else:
            steps.append(AlignedWord("ins", None, hyp[c - 1]))
            c -= 1
    steps.reverse()
    return steps


def word_error_rate(reference: str, hypothesis: str) -> WerResult:
    """WER of ``hypothesis`` (what was said) against ``reference`` (the script), both
    normalised with fillers dropped. An empty reference gives WER 0 when nothing was said and
    1 otherwise."""
    ref = normalize_words(reference, drop_fillers=True)
    hyp = normalize_words(hypothesis, drop_fillers=True)
    alignment = _align(ref, hyp)
    subs = sum(1 for a in alignment if a.op == "sub")
    dels = sum(1 for a in alignment if a.op == "del")
    ins = sum(1 for a in alignment if a.op == "ins")
    if ref:
        wer = (subs + dels + ins) / len(ref)
    else:
        wer = 0.0 if not hyp else 1.0
    return WerResult(wer, subs, dels, ins, len(ref), len(hyp), tuple(alignment))


def read_aloud_accuracy(wer: float) -> float:
    """1 − WER clipped to [0, 1]."""
    return min(1.0, max(0.0, 1.0 - wer))


# --------------------------------------------------------------------------- timing


def spoken_words(words: Sequence[Word]) -> list[Word]:
    """The words that contain a letter or digit (drops stray punctuation tokens)."""
    return [w for w in words if any(ch.isalnum() for ch in w.word)]


def _gaps(words: Sequence[Word]) -> list[float]:
    return [max(0.0, b.start - a.end) for a, b in zip(words, words[1:], strict=False)]


@dataclass(frozen=True)
class SpeakingRate:
    """Words per minute over voiced time (seconds); 0 wpm when nothing was said."""

    wpm: float
    word_count: int
    voiced_s: float


def speaking_rate(words: Sequence[Word], pause_s: float = PAUSE_SECONDS) -> SpeakingRate:
    """Speaking rate over voiced time (module docstring): words / (span − pauses) · 60."""
    spoken = spoken_words(words)
    if not spoken:
        return SpeakingRate(0.0, 0, 0.0)
    span = max(0.0, spoken[-1].end - spoken[0].start)
    voiced = span - sum(g for g in _gaps(spoken) if g > pause_s)
    wpm = len(spoken) / voiced * 60.0 if voiced > 0 else 0.0
    return SpeakingRate(wpm, len(spoken), voiced)


@dataclass(frozen=True)
class PauseStats:
    """Gaps between words longer than the threshold: count, total and longest (seconds),
    and ``ratio`` = total / speaking span (0–1)."""

    count: int
    total_s: float
    longest_s: float
    ratio: float


def pause_stats(words: Sequence[Word], pause_s: float = PAUSE_SECONDS) -> PauseStats:
    """Pauses between consecutive words longer than ``pause_s`` seconds."""
    spoken = spoken_words(words)
    pauses = [g for g in _gaps(spoken) if g > pause_s]
    if not pauses:
        return PauseStats(0, 0.0, 0.0, 0.0)
    span = spoken[-1].end - spoken[0].start
    total = sum(pauses)
    return PauseStats(len(pauses), total, max(pauses), total / span if span > 0 else 0.0)


# --------------------------------------------------------------------------- fillers, confidence


@dataclass(frozen=True)
class FillerStats:
    """Filler words found (module docstring): total, per 100 words, and count per filler."""

    count: int
    per_100_words: float
    counts: dict[str, int]


def filler_stats(text: str) -> FillerStats:
    """Count hesitation sounds, and discourse markers set off by punctuation, in ``text``."""
    counts: dict[str, int] = {}
    lowered = unicodedata.normalize("NFKC", text).lower().replace("\u2019", "'")
    for token in re.findall(r"[a-z']+", lowered):
        if token in FILLER_WORDS:
            counts[token] = counts.get(token, 0) + 1
    for phrase in FILLER_PHRASES:
        pattern = r"(?:^|[,.!?;:]\s*)" + re.escape(phrase) + r"\s*(?=[,.!?;:])"
        found = len(re.findall(pattern, lowered))
        if found:
            counts[phrase] = found
    total = sum(counts.values())
    word_count = len(re.findall(r"[a-z0-9']+", lowered))
    per_100 = total / word_count * 100.0 if word_count else 0.0
    return FillerStats(total, per_100, counts)


@dataclass(frozen=True)
class ConfidenceStats:
    """Mean recognizer probability (0–1; 0 when no words) and the words below the
    threshold as (index into the spoken words, word, probability)."""

    mean: float
    low_words: tuple[tuple[int, str, float], ...]


def confidence_stats(words: Sequence[Word], low: float = LOW_CONFIDENCE) -> ConfidenceStats:
    """Mean word probability and the low-confidence words (probability < ``low``)."""
    spoken = spoken_words(words)
    if not spoken:
        return ConfidenceStats(0.0, ())
    mean = sum(w.probability for w in spoken) / len(spoken)
    lows = tuple(
        (i, w.word.strip(), w.probability) for i, w in enumerate(spoken) if w.probability < low
    )
    return ConfidenceStats(mean, lows)


# --------------------------------------------------------------------------- free answers


@dataclass(frozen=True)
class FreeAnswerCheck:
    """Whether a free answer is usable: ``status`` ok | empty | too_short | too_long, with
    the word count, its duration (seconds) and a message for the recruiter."""

    status: AnswerStatus
    word_count: int
    duration_s: float
    message: str


def check_free_answer(
    words: Sequence[Word],
    duration_s: float,
    *,
    min_words: int = 15,
    min_seconds: float = 5.0,
    max_seconds: float | None = None,
) -> FreeAnswerCheck:
    """Check a free answer is not empty and not off-length.

    ``duration_s`` is the recording length; ``max_seconds`` the prompt's limit (a recording
    more than 1 s over it is ``too_long``)."""
    count = len(spoken_words(words))
    if count == 0:
        return FreeAnswerCheck("empty", 0, duration_s, "no speech was recognised")
    if max_seconds is not None and duration_s > max_seconds + 1.0:
        message = f"answer is {duration_s:.0f} s, longer than the {max_seconds:.0f} s allowed"
        return FreeAnswerCheck("too_long", count, duration_s, message)
    if count < min_words or duration_s < min_seconds:
        message = f"answer is very short ({count} words, {duration_s:.0f} s)"
        return FreeAnswerCheck("too_short", count, duration_s, message)
    return FreeAnswerCheck("ok", count, duration_s, f"{count} words in {duration_s:.0f} s")


# --------------------------------------------------------------------------- all metrics


@dataclass(frozen=True)
class SpeechMetrics:
    """Everything measured from one transcript (see the module docstring)."""

    rate: SpeakingRate
    pauses: PauseStats
    fillers: FillerStats
    confidence: ConfidenceStats
    wer: WerResult | None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict (alignment as a list of [op, script word, said word])."""
        data: dict[str, Any] = {
            "rate": asdict(self.rate),
            "pauses": asdict(self.pauses),
            "fillers": asdict(self.fillers),
            "confidence": {
                "mean": self.confidence.mean,
                "low_words": [list(item) for item in self.confidence.low_words],
            },
            "wer": None,
        }
        if self.wer is not None:
            wer = asdict(self.wer)
            wer["alignment"] = [list(step) for step in self.wer.alignment]
            wer["accuracy"] = self.wer.accuracy
            data["wer"] = wer
        return data


def speech_metrics(words: Sequence[Word], text: str, script: str | None = None) -> SpeechMetrics:
    """All transcript metrics; WER only when a read-aloud ``script`` is given."""
    return SpeechMetrics(
        rate=speaking_rate(words),
        pauses=pause_stats(words),
        fillers=filler_stats(text),
        confidence=confidence_stats(words),
        wer=word_error_rate(script, text) if script is not None else None,
    )


# --------------------------------------------------------------------------- score

READ_ALOUD_WEIGHTS: dict[str, float] = {
    "accuracy": 40, "rate": 15, "pauses": 10, "fillers": 5, "confidence": 15, "audio": 15,
}  # fmt: skip
SCENARIO_WEIGHTS: dict[str, float] = {
    "length": 20, "rate": 15, "pauses": 15, "fillers": 15, "confidence": 15, "audio": 20,
    "grammar": 20,
}  # fmt: skip
_LENGTH_CREDIT: dict[str, float] = {"ok": 1.0, "too_long": 0.8, "too_short": 0.4, "empty": 0.0}


def ramp(value: float, zero_at: float, one_at: float) -> float:
    """Linear map of ``value`` to 0 at ``zero_at`` and 1 at ``one_at``, clipped to [0, 1]
    (either direction: ``zero_at`` may be above ``one_at``)."""
    fraction = (value - zero_at) / (one_at - zero_at)
    return min(1.0, max(0.0, fraction))


def rate_component(wpm: float) -> float:
    """1 inside 120–180 wpm, falling to 0 at 60 and at 260 wpm."""
    if wpm < 120.0:
        return ramp(wpm, 60.0, 120.0)
    return ramp(wpm, 260.0, 180.0)


def audio_component(audio: AudioQuality) -> float:
    """Weakest of: SNR (0 at 5 dB, 1 at 25 dB; 0 if no speech stands out), clipping (0 at
    2 %, 1 at 0.1 %), speech level (0 at −55 dBFS, 1 at −35 dBFS)."""
    snr = ramp(audio.snr_db, 5.0, 25.0) if audio.snr_db is not None else 0.0
    clipping = ramp(audio.clipping_ratio, 0.02, 0.001)
    level_dbfs = audio.speech_level_dbfs if audio.speech_level_dbfs is not None else -100.0
    level = ramp(level_dbfs, -55.0, -35.0)
    return min(snr, clipping, level)


@dataclass(frozen=True)
class VoiceScore:
    """Voice section score 0–100 (one decimal), its components (0–1) and weights, and a
    plain-language explanation."""

    score: float
    components: dict[str, float]
    weights: dict[str, float]
    explanation: str


def _overall(score: float) -> str:
    if score >= 85:
        return "clear and steady"
    if score >= 70:
        return "mostly clear"
    if score >= 50:
        return "understandable with some issues"
    return "hard to follow"


def _audio_issues(audio: AudioQuality) -> list[str]:
    issues: list[str] = []
    if audio.snr_db is None:
        issues.append("voice hard to separate from background noise")
    elif audio.snr_db < 15.0:
        issues.append(f"background noise high (SNR {audio.snr_db:.0f} dB)")
    if audio.clipping_ratio > 0.001:
        issues.append(f"audio clipped ({audio.clipping_ratio:.1%} of samples)")
    if audio.speech_level_dbfs is not None and audio.speech_level_dbfs < -40.0:
        issues.append("recording level low")
    return issues


def score_voice(
    metrics: SpeechMetrics,
    audio: AudioQuality,
    kind: SampleKind,
    *,
    answer_check: FreeAnswerCheck | None = None,
    grammar_score: float | None = None,
) -> VoiceScore:
    """Voice score of one sample (module docstring formula).

    ``kind`` read_aloud needs ``metrics.wer`` (a script); scenario uses ``answer_check`` for
    the length component (required) and ``grammar_score`` (0–100, e.g. from LanguageTool on the
    transcript) when given. Raises ``ValueError`` when a required input is missing.
    """
    if kind == "read_aloud" and metrics.wer is None:
        raise ValueError("a read-aloud sample needs WER against its script")
    if kind == "scenario" and answer_check is None:
        raise ValueError("a scenario answer needs a free-answer check")
    weights = dict(READ_ALOUD_WEIGHTS if kind == "read_aloud" else SCENARIO_WEIGHTS)
    if kind == "scenario" and grammar_score is None:
        del weights["grammar"]

    if metrics.rate.word_count == 0:
        zeros = dict.fromkeys(weights, 0.0)
        return VoiceScore(0.0, zeros, weights, "no speech was recognised in the recording")

    components: dict[str, float] = {
        "rate": rate_component(metrics.rate.wpm),
        "pauses": ramp(metrics.pauses.ratio, 0.50, 0.15),
        "fillers": ramp(metrics.fillers.per_100_words, 10.0, 1.0),
        "confidence": ramp(metrics.confidence.mean, 0.40, 0.85),
        "audio": audio_component(audio),
    }
    if metrics.wer is not None and "accuracy" in weights:
        components["accuracy"] = metrics.wer.accuracy
    if answer_check is not None and "length" in weights:
        components["length"] = _LENGTH_CREDIT[answer_check.status]
    if grammar_score is not None and "grammar" in weights:
        components["grammar"] = min(1.0, max(0.0, grammar_score / 100.0))
    components = {k: components[k] for k in weights}
    score = 100.0 * sum(weights[k] * components[k] for k in weights) / sum(weights.values())
    score = round(score, 1)

    facts = [f"{metrics.rate.wpm:.0f} wpm"]
    if metrics.rate.wpm < 120:
        facts[0] += " (slow)"
    elif metrics.rate.wpm > 180:
        facts[0] += " (fast)"
    ratio = metrics.pauses.ratio
    facts.append(
        "few pauses" if ratio <= 0.15 else "some pauses" if ratio <= 0.3 else "many pauses"
    )
    if metrics.fillers.count:
        noun = "filler word" if metrics.fillers.count == 1 else "filler words"
        facts.append(f"{metrics.fillers.count} {noun}")
    if metrics.wer is not None:
        facts.append(f"{metrics.wer.accuracy:.0%} read-aloud accuracy")
    if answer_check is not None and answer_check.status != "ok":
        facts.append(answer_check.message)
    if grammar_score is not None:
        facts.append(f"grammar {grammar_score:.0f}/100")
    if metrics.confidence.mean < 0.6:
        facts.append("speech often hard to recognise")
    issues = _audio_issues(audio)
    explanation = f"{_overall(score)}: {', '.join(facts)}; " + (
        "; ".join(issues) if issues else "audio clean"
    )
    return VoiceScore(score, components, weights, explanation)
