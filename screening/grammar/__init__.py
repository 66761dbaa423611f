"""Grammar checking through a LanguageTool server (see :mod:`screening.grammar.client`).

``check`` returns LanguageTool's findings as :class:`GrammarMatch` records;
``check_and_score`` also scores them with :mod:`screening.scoring.grammar`.
"""

from __future__ import annotations

from screening.grammar.client import (
    DEFAULT_LANGUAGE,
    check,
    get_client,
    normalize_url,
    reset_clients,
    server_version,
)
from screening.grammar.errors import GrammarError, GrammarUnavailable, TextTooLong
from screening.grammar.match import MAX_REPLACEMENTS, GrammarMatch
from screening.grammar.scored import check_and_score

__all__ = [
    "DEFAULT_LANGUAGE",
    "MAX_REPLACEMENTS",
    "GrammarError",
    "GrammarMatch",
    "GrammarUnavailable",
    "TextTooLong",
    "check",
    "check_and_score",
    "get_client",
    "normalize_url",
    "reset_clients",
    "server_version",
]
