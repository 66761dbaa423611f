"""Answer parsing: numbers, times of day, choices, text."""

from __future__ import annotations

import pytest

from screening.assessments.answers import (
    count_words,
    format_clock,
    parse_choice,
    parse_clock,
    parse_number,
    parse_text,
)
from screening.assessments.base import AnswerError


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("12", 12.0),
        ("12.50", 12.5),
        (" 12.5 ", 12.5),
        (".5", 0.5),
        ("12.", 12.0),
        ("-3", -3.0),
        ("+4", 4.0),
        ("1,234.50", 1234.5),
        ("1,234,567", 1234567.0),
        (7, 7.0),
        (7.25, 7.25),
    ],
)
def test_parse_number_accepts(text: object, value: float):
    assert parse_number(text) == value


def test_dollar_and_percent_where_asked():
    assert parse_number("$12.50", allow_dollar=True) == 12.5
    assert parse_number("-$5.00", allow_dollar=True) == -5.0
    assert parse_number("$ 1,000", allow_dollar=True) == 1000.0
    assert parse_number("87.5%", allow_percent=True) == 87.5
    with pytest.raises(AnswerError, match="without a \\$ sign"):
        parse_number("$12")
    with pytest.raises(AnswerError, match="without a % sign"):
        parse_number("12%")
    with pytest.raises(AnswerError, match="minus sign before the \\$"):
        parse_number("$-5", allow_dollar=True)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("12,5", "use a period for decimals"),
        ("12,50", "use a period for decimals"),
        ("1234,5678", "use a period for decimals"),
        ("1,23,456", "is not a number"),
        ("12 dollars", "is not a number"),
        ("twelve", "is not a number"),
        ("1.2.3", "is not a number"),
        ("", "enter a number"),
        ("   ", "enter a number"),
        (None, "enter a number"),
        (True, "enter a number"),
        (float("nan"), "finite"),
        ("1" * 40, "at most 32 characters"),
    ],
)
def test_parse_number_rejects(text: object, message: str):
    with pytest.raises(AnswerError, match=message):
        parse_number(text, allow_dollar=True)


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("3:15 PM", 15 * 60 + 15),
        ("3:15pm", 15 * 60 + 15),
        ("3 p.m.", 15 * 60),
        ("12:00 AM", 0),
        ("12:30 pm", 12 * 60 + 30),
        ("11:59 PM", 23 * 60 + 59),
        ("9 am", 9 * 60),
        ("15:15", 15 * 60 + 15),
        ("00:30", 30),
        ("0:05", 5),
        ("noon", 720),
        ("Midnight", 0),
    ],
)
def test_parse_clock_accepts(text: str, minutes: int):
    assert parse_clock(text) == minutes


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("3:15", "add AM or PM to '3:15', e.g. 3:15 PM"),
        ("12:00", "add AM or PM"),
        ("13:00 PM", "not a valid time"),
        ("24:00", "not a valid time"),
        ("3:75 PM", "not a valid time"),
        ("quarter past three", "not a time of day"),
        ("", "enter a time of day"),
        (930, "enter a time of day"),
    ],
)
def test_parse_clock_rejects(text: object, message: str):
    with pytest.raises(AnswerError, match=message):
        parse_clock(text)


def test_format_clock_round_trips():
    for minutes in range(0, 1440, 7):
        assert parse_clock(format_clock(minutes)) == minutes
    assert format_clock(0) == "12:00 AM"
    assert format_clock(12 * 60 + 5) == "12:05 PM"
    assert format_clock(-60) == "11:00 PM"


def test_parse_choice():
    assert parse_choice(2, 4) == 2
    assert parse_choice(" 3 ", 4) == 3
    for bad in (4, -1, True, 1.0, "b", None):
        with pytest.raises(AnswerError, match="choose one of the"):
            parse_choice(bad, 4)


def test_parse_text_and_count_words():
    assert parse_text("  Hello Dana,\nthanks.  ") == "Hello Dana,\nthanks."
    assert count_words("Hello Dana,\nthanks for  writing.") == 5
    with pytest.raises(AnswerError, match="must be text"):
        parse_text(12)
    with pytest.raises(AnswerError, match="too long"):
        parse_text("x" * 11, max_chars=10)
