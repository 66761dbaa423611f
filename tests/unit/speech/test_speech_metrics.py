"""Speech metrics and the voice score on hand-made transcripts with hand-computed answers."""

from __future__ import annotations

import pytest

from screening.scoring.audio_quality import AudioQuality
from screening.scoring.speech import (
    Word,
    check_free_answer,
    confidence_stats,
    filler_stats,
    normalize_text,
    normalize_words,
    pause_stats,
    rate_component,
    read_aloud_accuracy,
    score_voice,
    speaking_rate,
    speech_metrics,
    word_error_rate,
)


def timed(
    text: str,
    *,
    word_s: float = 0.3,
    gap_s: float = 0.1,
    start: float = 0.0,
    pauses: dict[int, float] | None = None,
    probability: float = 0.9,
) -> list[Word]:
    """Words of ``text`` each ``word_s`` long, ``gap_s`` apart; ``pauses`` maps a word index
    to the gap (seconds) before that word."""
    words: list[Word] = []
    t = start
    for i, token in enumerate(text.split()):
        if i:
            t += (pauses or {}).get(i, gap_s)
        words.append(Word(token, t, t + word_s, probability))
        t += word_s
    return words


CLEAN_AUDIO = AudioQuality(
    duration_s=10.0, rms_dbfs=-22.0, peak_dbfs=-3.0, clipping_ratio=0.0,
    noise_floor_dbfs=-65.0, speech_level_dbfs=-20.0, snr_db=45.0, speech_frame_ratio=0.6,
)  # fmt: skip


# --------------------------------------------------------------------------- normalisation


@pytest.mark.parametrize(
    ("spoken", "written"),
    [
        ("twenty five", "25"),
        ("twenty-five dollars", "$25"),
        ("one hundred and five", "105"),
        ("a thousand people", "1,000 people"),
        ("two thousand and twenty four", "2024"),
        ("twenty twenty four", "2024"),
        ("nineteen ninety", "1990"),
        ("three to five business days", "3 to 5 business days"),
        ("the twenty first of May", "the 21st of May"),
        ("two point five percent", "2.5%"),
        ("five five five one two one two", "555-1212"),
        ("four eight two seven", "4 8 2 7"),
        ("three thirty", "3:30"),
        ("Mister Smith", "Mr. Smith"),
        ("okay", "OK"),
        ("cold hearted", "cold-hearted"),
        ("dont", "don't"),
        ("twenty five hundred", "2500"),
        ("six oclock", "6 o'clock"),
    ],
)
def test_spoken_and_written_forms_normalise_alike(spoken: str, written: str) -> None:
    assert normalize_words(spoken) == normalize_words(written)


def test_normalize_text_lowercases_and_strips_punctuation() -> None:
    assert normalize_text("Hello, World! How are YOU?") == "hello world how are you"


def test_lone_second_stays_a_word() -> None:
    assert normalize_words("wait a second") == ["wait", "a", "second"]
    assert normalize_words("twenty second") == ["22nd"]


def test_numbers_that_differ_stay_different() -> None:
    assert normalize_words("twenty five") != normalize_words("25 5")
    assert normalize_words("fifteen") != normalize_words("fifty")


# --------------------------------------------------------------------------- WER


def test_wer_counts_substitution_deletion_insertion() -> None:
    r = word_error_rate("the cat sat on the mat", "the cat sat on mat")
    assert (r.substitutions, r.deletions, r.insertions, r.reference_words) == (0, 1, 0, 6)
    assert r.wer == pytest.approx(1 / 6)
    r = word_error_rate("the cat sat on the mat", "a cat sat on the big mat")
    assert (r.substitutions, r.deletions, r.insertions) == (1, 0, 1)
    assert r.wer == pytest.approx(2 / 6)
    assert r.accuracy == pytest.approx(4 / 6)


def test_wer_alignment_marks_each_word() -> None:
    r = word_error_rate("please hold the line", "please hold line now")
    assert [a.op for a in r.alignment] == ["ok", "ok", "del", "ok", "ins"]
    assert r.alignment[2].reference == "the"
    assert r.alignment[4].hypothesis == "now"


def test_wer_is_zero_for_number_and_punctuation_variants() -> None:
    script = "Refunds appear within 3 to 5 business days, and cost $25."
    said = "refunds appear within three to five business days and cost twenty five dollars"
    assert word_error_rate(script, said).wer == 0.0


def test_fillers_are_not_reading_errors() -> None:
    assert word_error_rate("thank you for calling", "um thank you uh for calling").wer == 0.0


def test_wer_can_exceed_one_but_accuracy_is_clipped() -> None:
    r = word_error_rate("yes", "no no no")
    assert r.wer == 3.0
    assert r.accuracy == 0.0
    assert read_aloud_accuracy(-0.2) == 1.0
    assert read_aloud_accuracy(0.25) == 0.75


def test_wer_of_empty_reference() -> None:
    assert word_error_rate("", "").wer == 0.0
    assert word_error_rate("", "hello").wer == 1.0
    assert word_error_rate("hello there", "").wer == 1.0


# --------------------------------------------------------------------------- timing


def test_speaking_rate_over_voiced_time() -> None:
    # 10 words of 0.3 s with 0.1 s gaps, and one 1.0 s pause before word 5
    words = timed("one two three four five six seven eight nine ten", pauses={5: 1.0})
    # span = 10*0.3 + 8*0.1 + 1.0 = 4.8 s; voiced = 4.8 - 1.0 = 3.8 s
    r = speaking_rate(words)
    assert r.word_count == 10
    assert r.voiced_s == pytest.approx(3.8)
    assert r.wpm == pytest.approx(10 / 3.8 * 60)


def test_speaking_rate_ignores_leading_silence_and_punctuation_tokens() -> None:
    words = [*timed("a b c d", start=5.0), Word("...", 7.0, 7.1, 0.5)]
    r = speaking_rate(words)
    assert r.word_count == 4
    assert r.voiced_s == pytest.approx(4 * 0.3 + 3 * 0.1)


def test_speaking_rate_of_nothing() -> None:
    assert speaking_rate([]).wpm == 0.0


def test_pause_stats() -> None:
    words = timed("a b c d e f", pauses={2: 0.6, 4: 1.5, 5: 0.5})
    p = pause_stats(words)
    # 0.5 s is not a pause (strictly longer than 0.5 s counts)
    assert p.count == 2
    assert p.total_s == pytest.approx(2.1)
    assert p.longest_s == pytest.approx(1.5)
    span = 6 * 0.3 + 0.1 + 0.6 + 0.1 + 1.5 + 0.5
    assert p.ratio == pytest.approx(2.1 / span)


def test_no_pauses() -> None:
    assert pause_stats(timed("steady even speech")).count == 0


# --------------------------------------------------------------------------- fillers, confidence


def test_hesitation_sounds_are_fillers() -> None:
    f = filler_stats("Um, so I, uh, checked the order. Hmm. Erm okay")
    assert f.counts == {"um": 1, "uh": 1, "hmm": 1, "erm": 1}
    assert f.count == 4
    assert f.per_100_words == pytest.approx(4 / 10 * 100)


def test_discourse_markers_count_only_when_set_off() -> None:
    assert filler_stats("I'd like to know if you know the answer").count == 0
    f = filler_stats("It was, like, late. You know, the package, I mean, never came.")
    assert f.counts == {"like": 1, "you know": 1, "i mean": 1}


def test_no_fillers_in_empty_text() -> None:
    assert filler_stats("").count == 0
    assert filler_stats("").per_100_words == 0.0


def test_confidence_mean_and_low_words() -> None:
    words = [Word("hello", 0, 1, 0.9), Word("wurld", 1, 2, 0.3), Word("again", 2, 3, 0.6)]
    c = confidence_stats(words)
    assert c.mean == pytest.approx(0.6)
    assert c.low_words == ((1, "wurld", 0.3),)


# --------------------------------------------------------------------------- free answers


def test_free_answer_checks() -> None:
    long_answer = timed(" ".join(["word"] * 30))
    assert check_free_answer([], 12.0).status == "empty"
    assert check_free_answer(timed("yes I can"), 3.0).status == "too_short"
    assert check_free_answer(long_answer, 20.0, max_seconds=120).status == "ok"
    over = check_free_answer(long_answer, 130.0, max_seconds=120)
    assert over.status == "too_long"
    assert "120 s" in over.message


# --------------------------------------------------------------------------- score


def test_rate_component_band() -> None:
    assert rate_component(150) == 1.0
    assert rate_component(90) == pytest.approx(0.5)
    assert rate_component(220) == pytest.approx(0.5)
    assert rate_component(30) == 0.0
    assert rate_component(300) == 0.0


def test_read_aloud_score_perfect_sample() -> None:
    script = "thank you for calling how can I help you today"
    words = timed(script, word_s=0.3, gap_s=0.1, probability=0.95)
    metrics = speech_metrics(words, script.capitalize() + ".", script)
    s = score_voice(metrics, CLEAN_AUDIO, "read_aloud")
    # 10 words over 3.9 s voiced = 153.8 wpm; everything else perfect
    assert s.score == 100.0
    assert set(s.components) == {"accuracy", "rate", "pauses", "fillers", "confidence", "audio"}
    assert (
        s.explanation
        == "clear and steady: 154 wpm, few pauses, 100% read-aloud accuracy; audio clean"
    )


def test_read_aloud_score_is_the_documented_weighted_mean() -> None:
    script = "thank you for calling how can I help you today"
    said = "thank you for calling how can help you today"  # 1 deletion of 10: accuracy 0.9
    words = timed(said, probability=0.625)  # confidence component 0.5
    noisy = AudioQuality(10.0, -22.0, -3.0, 0.0, -32.0, -20.0, 12.0, 0.6)  # audio 0.35
    s = score_voice(speech_metrics(words, said, script), noisy, "read_aloud")
    expected = (40 * 0.9 + 15 * 1 + 10 * 1 + 5 * 1 + 15 * 0.5 + 15 * 0.35) / 100 * 100
    assert s.score == pytest.approx(expected, abs=0.05)
    assert "90% read-aloud accuracy" in s.explanation
    assert "background noise high (SNR 12 dB)" in s.explanation


def test_scenario_score_uses_length_and_optional_grammar() -> None:
    text = " ".join(["word"] * 30)
    words = timed(text)
    metrics = speech_metrics(words, text)
    check = check_free_answer(words, 14.0)
    without = score_voice(metrics, CLEAN_AUDIO, "scenario", answer_check=check)
    assert "grammar" not in without.weights
    assert without.score == 100.0
    with_grammar = score_voice(
        metrics, CLEAN_AUDIO, "scenario", answer_check=check, grammar_score=40.0
    )
    assert with_grammar.components["grammar"] == pytest.approx(0.4)
    assert with_grammar.score == pytest.approx(100 * (100 + 20 * 0.4) / 120, abs=0.05)
    assert "grammar 40/100" in with_grammar.explanation


def test_audio_problems_lower_the_score_and_are_explained() -> None:
    script = "thank you for calling"
    words = timed(script)
    clipped = AudioQuality(10.0, -6.0, 0.0, 0.03, -60.0, -8.0, 50.0, 0.6)
    s = score_voice(speech_metrics(words, script, script), clipped, "read_aloud")
    assert s.components["audio"] == 0.0
    assert "audio clipped (3.0% of samples)" in s.explanation


def test_nothing_recognised_scores_zero() -> None:
    s = score_voice(speech_metrics([], "", "hello there"), CLEAN_AUDIO, "read_aloud")
    assert s.score == 0.0
    assert "no speech" in s.explanation


def test_missing_inputs_are_refused() -> None:
    metrics = speech_metrics(timed("hi"), "hi")
    with pytest.raises(ValueError, match="script"):
        score_voice(metrics, CLEAN_AUDIO, "read_aloud")
    with pytest.raises(ValueError, match="free-answer"):
        score_voice(metrics, CLEAN_AUDIO, "scenario")


def test_metrics_to_dict_is_json_ready() -> None:
    import json

    m = speech_metrics(timed("thank you"), "Thank you, um.", "thank you")
    data = json.loads(json.dumps(m.to_dict()))
    assert data["wer"]["accuracy"] == 1.0
    assert data["wer"]["alignment"] == [["ok", "thank", "thank"], ["ok", "you", "you"]]
    assert data["fillers"]["counts"] == {"um": 1}
