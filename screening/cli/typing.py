"""``score-typing``: compute typing metrics from a passage file and a keystroke-log file.

Prints one JSON object on stdout: ``wpm``, ``raw_wpm``, ``accuracy``,
``consistency``, ``duration_s`` (2 decimals). The passage file is read as
UTF-8 and its trailing line break(s) removed; the events file holds the JSON
list of ``{"t": ms, "key": k}``. On invalid input it prints
``{"error": {"type": ..., "message": ...}}`` and exits 1.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from screening.scoring.typing import parse_events_json, typing_metrics


def _fail(exc: Exception) -> None:
    click.echo(json.dumps({"error": {"type": type(exc).__name__, "message": str(exc)}}))
    click.get_current_context().exit(1)


@click.command("score-typing")
@click.option(
    "--passage",
    "passage_path",
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Text file with the passage that was shown.",
)
@click.option(
    "--events",
    "events_path",
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help='JSON file with the keystroke log: [{"t": ms, "key": "a"}, ...].',
)
def score_typing(passage_path: Path, events_path: Path) -> None:
    """Score a typing test from its keystroke log (Monkeytype definitions)."""
    try:
        passage = passage_path.read_text(encoding="utf-8").rstrip("\r\n")
        events = parse_events_json(events_path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        _fail(exc)
        return
    click.echo(json.dumps(typing_metrics(passage, events).summary()))
