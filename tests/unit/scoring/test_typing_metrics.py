"""Hand-computed cases for every typing metric, edge cases and log validation."""

from __future__ import annotations

import math
import re

import pytest

from screening.scoring.typing import (
    BACKSPACE,
    KeyEvent,
    consistency,
    correct_word_chars,
    kogasa,
    parse_events,
    parse_events_json,
    per_second_raw_wpm,
    replay,
    split_at_time_limit,
    typing_metrics,
)


def events(*pairs: tuple[float, str]) -> list[KeyEvent]:
    return [KeyEvent(float(t), k) for t, k in pairs]


def typed(text: str, start: float = 0.0, interval: float = 100.0) -> list[KeyEvent]:
    return [KeyEvent(start + i * interval, ch) for i, ch in enumerate(text)]


def test_perfect_three_words():
    # "the cat sat" typed perfectly, one key every 100 ms from t=100 to t=1100.
    log = typed("the cat sat", start=100)
    m = typing_metrics("the cat sat", log)
    # duration = 1100 ms = 1100/60000 min
    assert m.duration_ms == 1100
    # correct: the(3) + space(1) + cat(3) + space(1) + sat(3) = 11 chars
    # wpm = 11 / 5 / (1100/60000) = 2.2 * 60000 / 1100 = 120
    assert m.correct_chars == 11
    assert m.wpm == pytest.approx(120.0)
    # raw = 11 typed chars -> also 120
    assert m.raw_wpm == pytest.approx(120.0)
    # 11 of 11 keypresses matched the passage at the cursor
    assert m.accuracy == 100.0
    # whole seconds = floor(1100/1000) = 1; second 0 holds keys at t=100..900 -> 9 keys
    # series [9*12] = [108]; one value, deviation 0, c = 0 -> 100*(1 - tanh 0) = 100
    assert per_second_raw_wpm(log) == [108.0]
    assert m.consistency == 100.0


def test_error_backspace_and_wrong_last_word():
    # passage "hi you"; the applicant types h, o (wrong), Backspace, i, space, y, o, x (wrong)
    log = events(
        (0, "h"),
        (200, "o"),
        (400, BACKSPACE),
        (600, "i"),
        (800, " "),
        (1000, "y"),
        (1200, "o"),
        (1500, "x"),
    )
    m = typing_metrics("hi you", log)
    assert m.typed_text == "hi yox"
    # words: "hi" == "hi" -> 2 + following space 1 = 3; "yox" != "you" -> 0
    assert m.correct_chars == 3
    # minutes = 1500/60000 = 0.025; wpm = 3/5/0.025 = 24; raw = 6/5/0.025 = 48
    assert m.wpm == pytest.approx(24.0)
    assert m.raw_wpm == pytest.approx(48.0)
    # printable presses: h o i ' ' y o x = 7; matched at the cursor: h(0) i(1) ' '(2) y(3) o(4) = 5
    # (the 'o' at cursor 1 stays an error after Backspace; 'x' at cursor 5 is not 'u')
    assert (m.correct_keypresses, m.keypresses, m.backspaces) == (5, 7, 1)
    assert m.accuracy == pytest.approx(500 / 7)
    # whole seconds = 1; second 0 printable keys at t=0,200,600,800 -> 4 -> 48 wpm; c = 0
    assert per_second_raw_wpm(log) == [48.0]
    assert m.consistency == 100.0


def test_consistency_two_seconds():
    # passage "abcdefg": 2 keys in second 0, 4 keys in second 1, last key at t=2000
    log = events(
        (100, "a"), (500, "b"),
        (1100, "c"), (1300, "d"), (1500, "e"), (1700, "f"),
        (2000, "g"),
    )  # fmt: skip
    m = typing_metrics("abcdefg", log)
    # one word "abcdefg" equal to the passage, not followed by a space: 7 chars
    # wpm = 7/5/(2000/60000) = 1.4 * 30 = 42
    assert m.wpm == pytest.approx(42.0)
    # whole seconds = 2 (the key at t=2000 is in the unfinished third second)
    # series = [2*12, 4*12] = [24, 48]; mean 36; population sd = 12; c = 12/36 = 1/3
    assert per_second_raw_wpm(log) == [24.0, 48.0]
    c = 1 / 3
    # c + c^3/3 + c^5/5 = 1/3 + 1/81 + 1/1215
    arg = 1 / 3 + 1 / 81 + 1 / 1215
    assert c + c**3 / 3 + c**5 / 5 == pytest.approx(arg)
    assert m.consistency == pytest.approx(100 * (1 - math.tanh(arg)))
    assert m.consistency == pytest.approx(66.67, abs=0.01)


def test_kogasa_reference_points():
    assert kogasa(0.0) == 100.0
    # c = 1: 1 + 1/3 + 1/5 = 23/15; 100 * (1 - tanh(23/15))
    assert kogasa(1.0) == pytest.approx(100 * (1 - math.tanh(23 / 15)))
    assert kogasa(10.0) == pytest.approx(0.0, abs=1e-9)


def test_words_split_on_single_spaces():
    # typed "a  bc" splits into ["a", "", "bc"]: "a" correct + its space = 2; "" and "bc" are
    # compared with "bc" and "d" and fail
    assert correct_word_chars("a bc d", "a  bc") == 2
    # the last word counts without a space once it is complete
    assert correct_word_chars("call me", "call me") == 7
    # an unfinished last word does not count; "call" + space = 5
    assert correct_word_chars("call me", "call m") == 5
    # words beyond the passage never count
    assert correct_word_chars("hi", "hi there") == 3


def test_replay_backspace_on_empty_text_is_a_noop():
    assert replay(events((0, BACKSPACE), (10, "a"), (20, BACKSPACE), (30, BACKSPACE))) == ""


def test_empty_log_is_all_zero():
    m = typing_metrics("hello", [])
    assert m.summary() == {
        "wpm": 0.0,
        "raw_wpm": 0.0,
        "accuracy": 0.0,
        "consistency": 0.0,
        "duration_s": 0.0,
    }


def test_zero_duration_gives_zero_rates_but_accuracy():
    m = typing_metrics("ab", events((0, "a"), (0, "b")))
    assert (m.wpm, m.raw_wpm, m.consistency) == (0.0, 0.0, 0.0)
    assert m.accuracy == 100.0


def test_under_one_second_has_no_consistency():
    m = typing_metrics("abc", typed("abc", interval=300))  # last key at 600 ms
    assert per_second_raw_wpm(typed("abc", interval=300)) == []
    assert m.consistency == 0.0
    assert m.wpm > 0


def test_mean_zero_consistency_is_zero():
    # whole seconds 0 and 1 contain only Backspace; the one character comes at 2500 ms
    log = events((0, BACKSPACE), (1500, BACKSPACE), (2500, "a"))
    assert per_second_raw_wpm(log) == [0.0, 0.0]
    assert consistency([0.0, 0.0]) == 0.0
    assert typing_metrics("a", log).consistency == 0.0


def test_only_backspaces_has_zero_accuracy():
    m = typing_metrics("a", events((0, BACKSPACE), (2000, BACKSPACE)))
    assert m.keypresses == 0
    assert m.accuracy == 0.0


def test_split_at_time_limit():
    log = typed("abcd", interval=1000)  # 0, 1000, 2000, 3000
    kept, late = split_at_time_limit(log, 2000)
    assert [e.key for e in kept] == ["a", "b", "c"]
    assert [e.key for e in late] == ["d"]


# --------------------------------------------------------------------------- validation


def test_parse_events_accepts_ints_and_floats():
    assert parse_events(
        [{"t": 0, "key": "a"}, {"t": 12.5, "key": " "}, {"t": 13, "key": BACKSPACE}]
    ) == [
        KeyEvent(0.0, "a"),
        KeyEvent(12.5, " "),
        KeyEvent(13.0, BACKSPACE),
    ]


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"t": 0, "key": "a"}, "must be a JSON list"),
        (["a"], "event 0: must be an object"),
        ([{"t": 0}], "event 0: missing ['key']"),
        ([{"t": 0, "key": "a", "code": "KeyA"}], "unexpected fields ['code']"),
        ([{"t": 0, "key": "Enter"}], "event 0: unknown key 'Enter'"),
        ([{"t": 0, "key": "ab"}], "unknown key 'ab'"),
        ([{"t": 0, "key": "\n"}], "unknown key"),
        ([{"t": 0, "key": ""}], "unknown key"),
        ([{"t": 0, "key": 5}], "key must be a string"),
        ([{"t": -1, "key": "a"}], "event 0: negative t"),
        ([{"t": 5, "key": "a"}, {"t": 4, "key": "b"}], "event 1: t is not monotonic"),
        ([{"t": "5", "key": "a"}], "t must be a finite number"),
        ([{"t": True, "key": "a"}], "t must be a finite number"),
        ([{"t": float("nan"), "key": "a"}], "t must be a finite number"),
        ([{"t": float("inf"), "key": "a"}], "t must be a finite number"),
        ([{"t": 3_600_001, "key": "a"}], "exceeds the limit"),
    ],
)
def test_parse_events_rejects(raw: object, message: str):
    with pytest.raises(ValueError, match=re.escape(message)):
        parse_events(raw)


def test_parse_events_too_many():
    raw = [{"t": i, "key": "a"} for i in range(4)]
    assert len(parse_events(raw, max_events=4)) == 4
    with pytest.raises(ValueError, match="too many events: 4 \\(limit 3\\)"):
        parse_events(raw, max_events=3)


def test_parse_events_json_reports_bad_json():
    with pytest.raises(ValueError, match="not valid JSON"):
        parse_events_json("[{")
    assert parse_events_json('[{"t": 1, "key": "x"}]') == [KeyEvent(1.0, "x")]
