"""Property tests: metric ranges and invariants hold for any valid keystroke log."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from screening.scoring.typing import (
    BACKSPACE,
    KeyEvent,
    correct_word_chars,
    per_second_raw_wpm,
    replay,
    typing_metrics,
)

KEYS = st.sampled_from(["a", "b", "c", " ", " ", BACKSPACE, "x"])
PASSAGE = st.text(alphabet="abc ", min_size=0, max_size=40)


@st.composite
def logs(draw: st.DrawFn) -> list[KeyEvent]:
    gaps = draw(st.lists(st.integers(min_value=0, max_value=700), max_size=200))
    t = float(draw(st.integers(min_value=0, max_value=3000)))
    out = []
    for gap in gaps:
        t += gap
        out.append(KeyEvent(t, draw(KEYS)))
    return out


@settings(max_examples=300, deadline=None)
@given(PASSAGE, logs())
def test_metrics_stay_in_range(passage: str, log: list[KeyEvent]):
    m = typing_metrics(passage, log)
    assert 0.0 <= m.accuracy <= 100.0
    assert 0.0 <= m.consistency <= 100.0
    # each counted character/space of wpm is a distinct character of the final text
    assert 0 <= m.correct_chars <= len(m.typed_text)
    assert 0.0 <= m.wpm <= m.raw_wpm
    assert m.correct_keypresses <= m.keypresses
    assert m.keypresses + m.backspaces == len(log)


@settings(max_examples=200, deadline=None)
@given(logs())
def test_replay_matches_a_reference_model(log: list[KeyEvent]):
    text = ""
    for e in log:
        text = text[:-1] if e.key == BACKSPACE else text + e.key
    assert replay(log) == text


@settings(max_examples=200, deadline=None)
@given(
    st.text(alphabet="abcdefgh", min_size=1, max_size=8).map(lambda w: w),
    st.lists(st.text(alphabet="abcdefgh", min_size=1, max_size=8), min_size=1, max_size=10),
    st.integers(min_value=1, max_value=400),
)
def test_perfect_typing_is_fully_accurate(first: str, rest: list[str], interval: int):
    passage = " ".join([first, *rest])
    log = [KeyEvent(float((i + 1) * interval), ch) for i, ch in enumerate(passage)]
    m = typing_metrics(passage, log)
    assert m.accuracy == 100.0
    assert m.correct_chars == len(passage)
    assert m.wpm == m.raw_wpm


@settings(max_examples=200, deadline=None)
@given(logs())
def test_per_second_series_counts_printable_keys_of_whole_seconds(log: list[KeyEvent]):
    series = per_second_raw_wpm(log)
    duration = log[-1].t if log else 0.0
    assert len(series) == int(duration // 1000)
    whole = len(series) * 1000
    printable_in_whole = sum(1 for e in log if e.key != BACKSPACE and e.t < whole)
    assert sum(series) == printable_in_whole * 12


@settings(max_examples=200, deadline=None)
@given(PASSAGE, PASSAGE)
def test_correct_word_chars_bounded(passage: str, typed_text: str):
    assert 0 <= correct_word_chars(passage, typed_text) <= len(typed_text)
