"""``check-grammar``: check a text file with LanguageTool and print its grammar score as JSON.

Output (one JSON object on stdout)::

    {"words": int, "errors": [{"offset", "length", "rule_id", "category", "message",
     "replacements", "lt_category", "weight"}, ...], "errors_per_100_words": float,
     "weighted_errors_per_100_words": float, "score": float, "mode": "writing"|"transcript",
     "too_short": bool, "by_category": {...}, "ignored": int, "error_count": int,
     "explanation": str}

``category`` is the product's category (spelling, grammar, punctuation, casing, style).
When LanguageTool cannot be reached it prints ``{"error": {"type": "GrammarUnavailable",
"message": ...}}`` on stdout, the message on stderr, and exits 2; an unreadable file or a
too-long text exits 1 the same way.
"""

from __future__ import annotations

import json
from typing import Any, NoReturn

import click

from screening.grammar import GrammarError, GrammarUnavailable, check_and_score


def _fail(exc: Exception, code: int) -> NoReturn:
    click.echo(json.dumps({"error": {"type": type(exc).__name__, "message": str(exc)}}))
    click.echo(f"check-grammar: {exc}", err=True)
    click.get_current_context().exit(code)


@click.command("check-grammar")
@click.argument("file", type=click.File("r", encoding="utf-8"))
@click.option(
    "--transcript",
    is_flag=True,
    help="Score a speech transcript: casing and punctuation are not counted.",
)
@click.option(
    "--url",
    envvar="SCREENING_LANGUAGETOOL_URL",
    default=None,
    help="LanguageTool server URL (default: $SCREENING_LANGUAGETOOL_URL, "
    "e.g. http://127.0.0.1:8081).",
)
@click.option("--language", default="en-US", show_default=True, help="LanguageTool language.")
def check_grammar(file: Any, transcript: bool, url: str | None, language: str) -> None:
    """Check FILE (``-`` for stdin) and print words, errors, error rate and score as JSON."""
    try:
        text = file.read()
    except (OSError, UnicodeDecodeError) as exc:
        _fail(exc, 1)
    try:
        result = check_and_score(
            text, url=url, mode="transcript" if transcript else "writing", language=language
        )
    except GrammarUnavailable as exc:
        _fail(exc, 2)
    except (GrammarError, ValueError) as exc:
        _fail(exc, 1)
    click.echo(json.dumps(result.to_dict(), ensure_ascii=False))
