"""Check a text with LanguageTool and score it in one call."""

from __future__ import annotations

from screening.grammar.client import DEFAULT_LANGUAGE, check
from screening.scoring.grammar import GrammarScore, Mode, score_grammar


def check_and_score(
    text: str,
    *,
    url: str | None,
    mode: Mode = "writing",
    language: str = DEFAULT_LANGUAGE,
) -> GrammarScore:
    """:func:`screening.grammar.check` then :func:`screening.scoring.grammar.score_grammar`.

    ``mode``: ``writing`` (typed answer) or ``transcript`` (speech recognizer output: casing
    and punctuation not counted). Raises what ``check`` raises (``GrammarUnavailable`` when
    LanguageTool cannot be reached, ``TextTooLong``).
    """
    return score_grammar(text, check(text, url=url, language=language), mode=mode)
