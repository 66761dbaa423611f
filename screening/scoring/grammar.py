"""Grammar score 0–100 of a written reply or a speech transcript, from LanguageTool matches.

Pure: text and matches in, numbers and an explanation out (no network; the matches come from
:mod:`screening.grammar`).

How the score is made
---------------------
1. **Words**: runs of letters/digits, with inner apostrophes or hyphens kept inside the word
   (``don't``, ``follow-up`` count once): :func:`count_words`.
2. **Categories**: each LanguageTool match is put in one of our categories — ``spelling``
   (typos), ``grammar``, ``punctuation`` (including spacing/typography), ``casing``,
   ``style`` — from its rule id (:data:`RULE_CATEGORIES`, for rules LanguageTool files
   oddly, e.g. ``I_LOWERCASE`` under TYPOS), else its LanguageTool category
   (:data:`LT_CATEGORIES`), else its issue type (:data:`ISSUE_TYPE_CATEGORIES`), else
   ``grammar``: :func:`categorize`. A spelling match whose flagged word differs from one
   of LanguageTool's suggestions only in letter case (``monday`` → ``Monday``, ``iphone``
   → ``iPhone``) is a ``casing`` error.
3. **Mode**: ``writing`` counts every category. ``transcript`` drops ``punctuation`` and
   ``casing``, which a speech recognizer writes, not the speaker (:data:`TRANSCRIPT_IGNORED`).
   Two matches on exactly the same span count once (the heavier one).
4. **Rates**: ``errors_per_100_words = 100 × errors / words``;
   ``weighted_errors_per_100_words = 100 × Σ weight / words`` with :data:`WEIGHTS`
   (spelling and grammar 1, punctuation and casing 0.5, style 0.25).
5. **Score**: ``100 × 0.9 ^ weighted_errors_per_100_words`` (:func:`score_from_rate`): each
   weighted error per 100 words takes 10 % off what is left. 0 → 100, 0.5 → 94.9,
   1 → 90, 2 → 81, 5 → 59, 10 → 34.9, 20 → 12.2. A careful professional writes well under
   one error per 100 words (> 90); five per 100 words is a weak writer (< 60).
6. **Minimum length**: with fewer than :data:`MIN_WORDS` words a rate says little, so the
   score is capped at ``100 × words / MIN_WORDS`` (15 words → at most 50); no words → 0.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Literal, Protocol

from screening.scoring.math import round_half_up

Category = Literal["spelling", "grammar", "punctuation", "casing", "style"]
Mode = Literal["writing", "transcript"]

CATEGORIES: tuple[Category, ...] = ("spelling", "grammar", "punctuation", "casing", "style")
MODES: tuple[Mode, ...] = ("writing", "transcript")

WEIGHTS: Mapping[Category, float] = MappingProxyType(
    {"spelling": 1.0, "grammar": 1.0, "punctuation": 0.5, "casing": 0.5, "style": 0.25}
)
"""How much one error of each category counts towards the weighted rate."""

TRANSCRIPT_IGNORED: frozenset[Category] = frozenset({"punctuation", "casing"})
"""Categories not counted in ``transcript`` mode (written by the speech recognizer)."""

MIN_WORDS = 30
"""Below this many words the score is capped at ``100 × words / MIN_WORDS``."""

DECAY_PER_ERROR = 0.9
"""Score factor per weighted error per 100 words: ``score = 100 × DECAY ^ rate``."""

RULE_CATEGORIES: Mapping[str, Category] = MappingProxyType(
    {
        "I_LOWERCASE": "casing",  # "i think" - filed under TYPOS
        "UPPERCASE_SENTENCE_START": "casing",
        "LOWERCASE_NAMES": "casing",
        "CONFUSION_OF_ME_I": "grammar",  # "Me and him went" - filed under TYPOS
        "EN_A_VS_AN": "grammar",  # filed under MISC
        "ENGLISH_WORD_REPEAT_RULE": "spelling",  # "is is" - a typo, filed under MISC
        "WHITESPACE_RULE": "punctuation",
        "COMMA_PARENTHESIS_WHITESPACE": "punctuation",
    }
)
"""Rule ids whose category is fixed here, whatever LanguageTool files them under."""

LT_CATEGORIES: Mapping[str, Category] = MappingProxyType(
    {
        "TYPOS": "spelling",
        "MULTITOKEN_SPELLING": "spelling",
        "COMPOUNDING": "spelling",
        "GRAMMAR": "grammar",
        "CONFUSED_WORDS": "grammar",  # their/there, your/you're: a wrong word, not a typo
        "COLLOCATIONS": "grammar",
        "NONSTANDARD_PHRASES": "grammar",
        "SEMANTICS": "grammar",
        "FALSE_FRIENDS": "grammar",
        "PUNCTUATION": "punctuation",
        "TYPOGRAPHY": "punctuation",
        "CASING": "casing",
        "STYLE": "style",
        "REDUNDANCY": "style",
        "REPETITIONS": "style",
        "REPETITIONS_STYLE": "style",
        "PLAIN_ENGLISH": "style",
        "WIKIPEDIA": "style",
        "CREATIVE_WRITING": "style",
        "TON_ACADEMIC": "style",
        "GENDER_NEUTRALITY": "style",
        "REGIONALISMS": "style",
        "TEXT_ANALYSIS": "style",
        "AMERICAN_ENGLISH": "style",
        "BRITISH_ENGLISH": "style",
    }
)
"""LanguageTool category ids (English module) → our categories."""

ISSUE_TYPE_CATEGORIES: Mapping[str, Category] = MappingProxyType(
    {
        "misspelling": "spelling",
        "duplication": "spelling",
        "grammar": "grammar",
        "inconsistency": "grammar",
        "typographical": "punctuation",
        "whitespace": "punctuation",
        "style": "style",
        "register": "style",
        "locale-violation": "style",
    }
)
"""LanguageTool issue types → our categories, for categories not listed above."""

DEFAULT_CATEGORY: Category = "grammar"

_WORD_RE = re.compile(r"[^\W_]+(?:['’\-][^\W_]+)*")


class LanguageToolMatch(Protocol):
    """What scoring needs of a match (``screening.grammar.GrammarMatch`` has it)."""

    @property
    def offset(self) -> int: ...

    @property
    def length(self) -> int: ...

    @property
    def rule_id(self) -> str: ...

    @property
    def category(self) -> str: ...

    @property
    def message(self) -> str: ...

    @property
    def replacements(self) -> Sequence[str]: ...

    @property
    def issue_type(self) -> str: ...


@dataclass(frozen=True)
class ScoredError:
    """A counted match: span (``offset``/``length`` in characters), our ``category`` and
    its ``weight``, LanguageTool's ``rule_id``, ``lt_category``, ``message``, suggestions."""

    offset: int
    length: int
    rule_id: str
    category: Category
    message: str
    replacements: tuple[str, ...]
    lt_category: str
    weight: float

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict; ``category`` is ours, ``lt_category`` LanguageTool's."""
        return {
            "offset": self.offset,
            "length": self.length,
            "rule_id": self.rule_id,
            "category": self.category,
            "message": self.message,
            "replacements": list(self.replacements),
            "lt_category": self.lt_category,
            "weight": self.weight,
        }


@dataclass(frozen=True)
class GrammarScore:
    """Result of :func:`score_grammar`.

    ``words``: word count. ``errors``: counted matches in text order. ``ignored``: matches
    not counted (transcript-mode categories, duplicate spans). ``errors_per_100_words`` and
    ``weighted_errors_per_100_words``: rates rounded to 2 decimals (0.0 with no words).
    ``score``: 0–100, 1 decimal. ``too_short``: fewer than :data:`MIN_WORDS` words (score
    capped). ``by_category``: counted errors per category (all five keys).
    """

    mode: Mode
    words: int
    errors: tuple[ScoredError, ...]
    ignored: int
    errors_per_100_words: float
    weighted_errors_per_100_words: float
    score: float
    too_short: bool
    explanation: str
    by_category: Mapping[Category, int] = field(default_factory=dict)

    @property
    def error_count(self) -> int:
        """Number of counted errors."""
        return len(self.errors)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict of every field."""
        return {
            "mode": self.mode,
            "words": self.words,
            "errors": [e.to_dict() for e in self.errors],
            "error_count": self.error_count,
            "ignored": self.ignored,
            "errors_per_100_words": self.errors_per_100_words,
            "weighted_errors_per_100_words": self.weighted_errors_per_100_words,
            "score": self.score,
            "too_short": self.too_short,
            "by_category": dict(self.by_category),
            "explanation": self.explanation,
        }


def count_words(text: str) -> int:
    """Words in ``text``: letter/digit runs, ``don't`` and ``follow-up`` counting once."""
    return len(_WORD_RE.findall(text))


def categorize(lt_category: str, rule_id: str, issue_type: str = "") -> Category:
    """Our category for a LanguageTool match (rule id, then category, then issue type)."""
    by_rule = RULE_CATEGORIES.get(rule_id)
    if by_rule is not None:
        return by_rule
    if rule_id.startswith(("MORFOLOGIK_RULE_", "HUNSPELL_")):
        return "spelling"
    by_category = LT_CATEGORIES.get(lt_category)
    if by_category is not None:
        return by_category
    return ISSUE_TYPE_CATEGORIES.get(issue_type, DEFAULT_CATEGORY)


def score_from_rate(weighted_errors_per_100_words: float) -> float:
    """``100 × 0.9 ^ rate`` for a rate >= 0 (unrounded; 100.0 at 0, never below 0)."""
    if weighted_errors_per_100_words < 0:
        raise ValueError("an error rate cannot be negative")
    return 100.0 * float(DECAY_PER_ERROR**weighted_errors_per_100_words)


def length_cap(words: int) -> float:
    """Highest score a text of ``words`` words may get: 100 from :data:`MIN_WORDS` up."""
    if words < 0:
        raise ValueError("a word count cannot be negative")
    return min(100.0, 100.0 * words / MIN_WORDS)


def is_case_only(flagged: str, replacements: Sequence[str]) -> bool:
    """True when some suggestion equals ``flagged`` except for letter case."""
    folded = flagged.casefold()
    return any(r != flagged and r.casefold() == folded for r in replacements)


def categorize_in_text(text: str, match: LanguageToolMatch) -> Category:
    """:func:`categorize`, then a spelling match fixed by changing case becomes ``casing``."""
    category = categorize(match.category, match.rule_id, match.issue_type)
    flagged = text[match.offset : match.offset + match.length]
    if category == "spelling" and flagged and is_case_only(flagged, match.replacements):
        return "casing"
    return category


def _kept_errors(
    text: str, matches: Iterable[LanguageToolMatch], mode: Mode
) -> tuple[list[ScoredError], int]:
    by_span: dict[tuple[int, int], ScoredError] = {}
    seen = 0
    for match in matches:
        seen += 1
        category = categorize_in_text(text, match)
        if mode == "transcript" and category in TRANSCRIPT_IGNORED:
            continue
        error = ScoredError(
            offset=match.offset,
            length=match.length,
            rule_id=match.rule_id,
            category=category,
            message=match.message,
            replacements=tuple(match.replacements),
            lt_category=match.category,
            weight=WEIGHTS[category],
        )
        span = (match.offset, match.length)
        current = by_span.get(span)
        if current is None or error.weight > current.weight:
            by_span[span] = error
    kept = sorted(by_span.values(), key=lambda e: (e.offset, e.length, e.rule_id))
    return kept, seen - len(kept)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _explain(
    mode: Mode,
    words: int,
    errors: Sequence[ScoredError],
    by_category: Mapping[Category, int],
    rate: float,
    weighted_rate: float,
    raw_score: float,
    score: float,
    ignored_for_mode: int,
) -> str:
    if words == 0:
        return "No words to check, so the grammar score is 0."
    parts: list[str] = []
    if errors:
        detail = ", ".join(f"{n} {c}" for c, n in by_category.items() if n)
        parts.append(
            f"{_plural(words, 'word')} with {_plural(len(errors), 'error')} ({detail}): "
            f"{rate:.2f} errors per 100 words, {weighted_rate:.2f} after weighting "
            "(punctuation and casing count half, style a quarter)."
        )
        parts.append(
            f"Each weighted error per 100 words takes 10% off the score: "
            f"100 × 0.9^{weighted_rate:.2f} = {round_half_up(raw_score, 1):.1f}."
        )
    else:
        parts.append(f"{_plural(words, 'word')} and no errors found: score 100.")
    if words < MIN_WORDS:
        parts.append(
            f"Fewer than {MIN_WORDS} words is too little to judge, so the score is capped "
            f"at {round_half_up(length_cap(words), 1):.1f}."
        )
    if mode == "transcript":
        ignored = f" ({ignored_for_mode} ignored)" if ignored_for_mode else ""
        parts.append(
            "Spoken answer: punctuation and capital letters come from the speech recognizer, "
            f"so they are not counted{ignored}."
        )
    parts.append(f"Grammar score: {score:.1f} of 100.")
    return " ".join(parts)


def score_grammar(
    text: str, matches: Iterable[LanguageToolMatch], *, mode: Mode = "writing"
) -> GrammarScore:
    """Score ``text`` from LanguageTool's ``matches`` for it (see the module doc for how).

    ``mode``: ``writing`` for typed answers, ``transcript`` for speech-recognizer output.
    """
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, not {mode!r}")
    match_list = list(matches)
    words = count_words(text)
    errors, ignored = _kept_errors(text, match_list, mode)
    ignored_for_mode = sum(
        1
        for m in match_list
        if mode == "transcript" and categorize_in_text(text, m) in TRANSCRIPT_IGNORED
    )
    by_category: dict[Category, int] = {c: 0 for c in CATEGORIES}
    for error in errors:
        by_category[error.category] += 1
    if words == 0:
        rate = weighted_rate = raw_score = score = 0.0
    else:
        rate = 100.0 * len(errors) / words
        weighted_rate = 100.0 * sum(e.weight for e in errors) / words
        raw_score = score_from_rate(weighted_rate)
        score = min(raw_score, length_cap(words))
    rate = round_half_up(rate, 2)
    weighted_rate_shown = round_half_up(weighted_rate, 2)
    score = round_half_up(score, 1)
    return GrammarScore(
        mode=mode,
        words=words,
        errors=tuple(errors),
        ignored=ignored,
        errors_per_100_words=rate,
        weighted_errors_per_100_words=weighted_rate_shown,
        score=score,
        too_short=words < MIN_WORDS,
        explanation=_explain(
            mode,
            words,
            errors,
            by_category,
            rate,
            weighted_rate_shown,
            raw_score,
            score,
            ignored_for_mode,
        ),
        by_category=MappingProxyType(by_category),
    )
