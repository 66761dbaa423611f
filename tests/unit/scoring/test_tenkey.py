"""Ten-key metrics: hand-computed KPH and accuracy, validation, flags, score."""

from __future__ import annotations

import pytest

from screening.scoring.tenkey import (
    parse_tenkey_events,
    replay_entries,
    tenkey_flags,
    tenkey_metrics,
    tenkey_score,
)
from screening.scoring.typing import KeyEvent


def log(*pairs: tuple[float, str]) -> list[KeyEvent]:
    return [KeyEvent(float(t), k) for t, k in pairs]


def test_hand_computed_two_entries():
    events = log(
        (0, "1"), (500, "2"), (1000, "Enter"),
        (1500, "3"), (2000, "."), (2500, "6"), (3000, "Backspace"), (3500, "5"), (3600, "Enter"),
    )  # fmt: skip
    m = tenkey_metrics(["12", "3.5"], events)
    assert (m.entries_submitted, m.entries_correct) == (2, 2)
    # keystrokes: 1 2 Enter 3 . 6 5 Enter = 8 (Backspace not counted)
    assert m.keystrokes == 8
    # productive keystrokes: "12"+Enter = 3, "3.5"+Enter = 4 -> 7
    assert m.correct_keystrokes == 7
    # 3600 ms = 0.001 h -> gross 8 / 0.001 = 8000, net 7 / 0.001 = 7000
    assert m.gross_kph == pytest.approx(8000.0)
    assert m.net_kph == pytest.approx(7000.0)
    assert m.accuracy == 100.0
    # net 7000 at threshold 7000 = 70 points, accuracy 100 >= 98 -> x1
    assert tenkey_score(m.net_kph, m.accuracy, 7000.0) == (
        70.0,
        "7,000 net KPH at 100% accuracy; job threshold 7,000 KPH",
    )


def test_wrong_extra_and_unsubmitted_entries():
    events = log(
        (0, "4"), (100, "2"), (200, "Enter"),  # "42" == "42"
        (300, "9"), (400, "Enter"),  # "9" != "10"
        (500, "Enter"),  # "" beyond the expected list: incorrect
        (900, "7"),  # never submitted
    )  # fmt: skip
    entries, buffer = replay_entries(events)
    assert entries == ["42", "9", ""]
    assert buffer == "7"
    m = tenkey_metrics(["42", "10"], events)
    assert (m.entries_submitted, m.entries_correct) == (3, 1)
    # accuracy = 1 correct / 3 submitted
    assert m.accuracy == pytest.approx(100 / 3)
    # keystrokes: 4 2 Enter 9 Enter Enter 7 = 7; 900 ms = 0.00025 h -> 28000 gross
    assert m.keystrokes == 7
    assert m.gross_kph == pytest.approx(7 / 0.00025)
    # productive: "42" + Enter = 3 -> 12000 net
    assert m.net_kph == pytest.approx(3 / 0.00025)


def test_decimal_entries_compare_as_text():
    events = log((0, "9"), (100, "0"), (200, "3"), (300, "."), (400, "1"), (500, "Enter"))
    assert tenkey_metrics(["903.10"], events).entries_correct == 0
    assert tenkey_metrics(["903.1"], events).entries_correct == 1


def test_empty_and_zero_duration():
    m = tenkey_metrics(["1"], [])
    assert (m.gross_kph, m.net_kph, m.accuracy, m.entries_submitted) == (0.0, 0.0, 0.0, 0)
    m = tenkey_metrics(["1"], log((0, "1"), (0, "Enter")))
    assert (m.gross_kph, m.net_kph, m.accuracy) == (0.0, 0.0, 100.0)


def test_parse_tenkey_events():
    ok = parse_tenkey_events([{"t": 0, "key": "7"}, {"t": 1, "key": "Enter"}])
    assert ok == log((0, "7"), (1, "Enter"))
    with pytest.raises(ValueError, match="event 0: key 'a' is not allowed here"):
        parse_tenkey_events([{"t": 0, "key": "a"}])
    with pytest.raises(ValueError, match="unknown key 'Tab'"):
        parse_tenkey_events([{"t": 0, "key": "Tab"}])


def test_tenkey_flags():
    steady = [KeyEvent(float(i * 100), "1") for i in range(25)]
    assert {f.code for f in tenkey_flags(steady, 9000)} == {"uniform_key_intervals"}
    assert {f.code for f in tenkey_flags([], 30001)} == {"implausible_speed"}
    assert tenkey_flags([], 30000) == []


def test_tenkey_score_accuracy_floor():
    # 8000 at threshold 8000 = 70; accuracy 89 -> (89-80)/(98-80) = 0.5 -> 35
    score, explanation = tenkey_score(8000.0, 89.0, 8000.0)
    assert score == 35.0
    assert explanation == "8,000 net KPH at 89% accuracy; job threshold 8,000 KPH"
