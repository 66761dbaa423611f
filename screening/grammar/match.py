"""One LanguageTool finding, as plain data (no reference to language_tool_python objects)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

MAX_REPLACEMENTS = 5
"""Suggestions kept per match; LanguageTool may offer dozens for a misspelling."""


@dataclass(frozen=True)
class GrammarMatch:
    """A span of the checked text that a LanguageTool rule objects to.

    ``offset`` and ``length`` count Python ``str`` characters (code points) of the text that
    was checked, so ``text[offset:offset + length]`` is the flagged span. ``category`` is
    LanguageTool's category id (``TYPOS``, ``GRAMMAR``, ``PUNCTUATION``, ``CASING``,
    ``STYLE``, ...), ``issue_type`` its issue type (``misspelling``, ``grammar``,
    ``typographical``, ``style``, ...); :mod:`screening.scoring.grammar` maps both to the
    product's own categories. ``replacements`` holds at most :data:`MAX_REPLACEMENTS`
    suggestions, best first. ``context`` is LanguageTool's excerpt around the span.
    """

    offset: int
    length: int
    rule_id: str
    category: str
    message: str
    replacements: tuple[str, ...] = ()
    issue_type: str = ""
    context: str = ""

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict (``replacements`` as a list)."""
        return {
            "offset": self.offset,
            "length": self.length,
            "rule_id": self.rule_id,
            "category": self.category,
            "message": self.message,
            "replacements": list(self.replacements),
            "issue_type": self.issue_type,
            "context": self.context,
        }
