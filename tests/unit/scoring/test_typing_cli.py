"""The score-typing command."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from screening.cli.typing import score_typing


def write(tmp_path: Path, passage: str, events: object) -> tuple[str, str]:
    p = tmp_path / "passage.txt"
    e = tmp_path / "events.json"
    p.write_text(passage + "\n", encoding="utf-8")
    e.write_text(json.dumps(events) if not isinstance(events, str) else events, encoding="utf-8")
    return str(p), str(e)


def test_prints_the_five_metrics(tmp_path: Path):
    # "hi you" typed as h o <BS> i ' ' y o x over 1500 ms (hand-computed in test_typing_metrics)
    keys = [(0, "h"), (200, "o"), (400, "Backspace"), (600, "i"), (800, " "), (1000, "y"),
            (1200, "o"), (1500, "x")]  # fmt: skip
    passage, events = write(tmp_path, "hi you", [{"t": t, "key": k} for t, k in keys])
    result = CliRunner().invoke(score_typing, ["--passage", passage, "--events", events])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {
        "wpm": 24.0,
        "raw_wpm": 48.0,
        "accuracy": 71.43,  # 5/7
        "consistency": 100.0,
        "duration_s": 1.5,
    }


def test_invalid_events_print_an_error_object(tmp_path: Path):
    passage, events = write(tmp_path, "hi", [{"t": 5, "key": "h"}, {"t": 1, "key": "i"}])
    result = CliRunner().invoke(score_typing, ["--passage", passage, "--events", events])
    assert result.exit_code == 1
    error = json.loads(result.output)["error"]
    assert error["type"] == "ValueError"
    assert "event 1: t is not monotonic" in error["message"]


def test_bad_json_is_reported(tmp_path: Path):
    passage, events = write(tmp_path, "hi", "not json")
    result = CliRunner().invoke(score_typing, ["--passage", passage, "--events", events])
    assert result.exit_code == 1
    assert "not valid JSON" in json.loads(result.output)["error"]["message"]
