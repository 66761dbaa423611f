"""The real Whisper model on real recordings: accuracy, timing, formats, silence."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from screening.scoring.speech import word_error_rate
from screening.speech.analysis import analyze_voice
from screening.speech.audio import SAMPLE_RATE, decode_audio, decode_audio_file
from screening.speech.engines import TranscriptionEngine, get_engine
from tests.integration.speech.conftest import Clip
from tests.unit.speech.audio_builders import espeak_wav, webm_opus

GREETING = (
    "Thank you for calling customer care. My name is Taylor, and I will be happy to help you "
    "today. May I please have your full name and the phone number on your account?"
)


def test_librivox_sentences_wer_at_most_10_percent(
    whisper_engine: TranscriptionEngine, librivox_clips: list[Clip]
) -> None:
    errors = words = 0
    audio_s = 0.0
    started = time.perf_counter()
    for clip in librivox_clips:
        transcript = whisper_engine.transcribe(clip.path)
        result = word_error_rate(clip.reference, transcript.text)
        errors += result.substitutions + result.deletions + result.insertions
        words += result.reference_words
        audio_s += transcript.duration_s
        assert transcript.words, clip.name
        assert transcript.language == "en"
        assert transcript.engine == "faster-whisper"
    elapsed = time.perf_counter() - started
    total_wer = errors / words
    print(
        f"\nLibriVox: {len(librivox_clips)} clips, {audio_s:.1f} s audio, transcribed in "
        f"{elapsed:.2f} s (real-time factor {elapsed / audio_s:.3f}); WER {total_wer:.3f} "
        f"({errors}/{words})"
    )
    assert words > 60
    assert total_wer <= 0.10
    assert elapsed / audio_s < 1.0, "transcription slower than real time"


def test_word_timestamps_are_ordered_and_inside_the_recording(
    whisper_engine: TranscriptionEngine, librivox_clips: list[Clip]
) -> None:
    transcript = whisper_engine.transcribe(librivox_clips[0].path)
    starts = [w.start for w in transcript.words]
    assert starts == sorted(starts)
    for w in transcript.words:
        assert 0.0 <= w.start <= w.end <= transcript.duration_s + 0.05
        assert 0.0 <= w.probability <= 1.0
        assert w.word == w.word.strip() and w.word
    assert abs(transcript.duration_s - 7.1) < 0.05


def test_numbers_said_as_words_match_digits(
    whisper_engine: TranscriptionEngine, card_clips: list[Clip]
) -> None:
    by_name = {clip.name: clip for clip in card_clips}
    for name in ("001", "003", "004"):  # "ten of clubs", "seven of clubs", "five five"
        clip = by_name[name]
        transcript = whisper_engine.transcribe(clip.path)
        assert word_error_rate(clip.reference, transcript.text).wer == 0.0, transcript.text


def test_engine_is_loaded_once_per_process(
    whisper_engine: TranscriptionEngine, engine_settings: dict[str, str | None]
) -> None:
    again = get_engine(
        engine_settings["name"] or "faster-whisper",
        engine_settings["model"],
        engine_settings["compute_type"] or "int8",
    )
    assert again is whisper_engine


def test_browser_webm_opus_recording_end_to_end(
    whisper_engine: TranscriptionEngine, tmp_path: Path
) -> None:
    """A synthetic voice, encoded the way Chrome records (WebM/Opus 48 kHz), with 3 s of quiet
    room noise before and after: decoded, transcribed and scored."""
    speech = decode_audio_file(espeak_wav(GREETING, tmp_path)).samples
    noise = np.random.default_rng(5).normal(0, 0.002, SAMPLE_RATE * 3).astype(np.float32)
    recording = webm_opus(np.concatenate([noise, speech * 0.5, noise]))
    decoded = decode_audio(recording)
    assert decoded.container == "webm" and decoded.codec == "opus"

    analysis = analyze_voice(decoded, whisper_engine, script=GREETING)
    assert analysis.metrics.wer is not None
    assert analysis.metrics.wer.wer <= 0.15, analysis.transcript.text
    # no words invented in the noise before or after the speech
    assert analysis.transcript.words[0].start >= 2.0
    assert analysis.transcript.words[-1].end <= decoded.duration_s - 2.0
    assert analysis.quality.snr_db is not None and analysis.quality.snr_db > 20
    assert 100 <= analysis.metrics.rate.wpm <= 220
    assert analysis.score.score >= 70
    assert "read-aloud accuracy" in analysis.score.explanation


def test_free_answer_with_grammar_hook(whisper_engine: TranscriptionEngine, tmp_path: Path) -> None:
    answer = (
        "I am sorry you were charged twice. I can see both payments on your account, and I "
        "have started a refund for the second one. You should see it within five business days."
    )
    decoded = decode_audio_file(espeak_wav(answer, tmp_path))
    seen: list[str] = []

    def grammar(text: str) -> float:
        seen.append(text)
        return 90.0

    analysis = analyze_voice(decoded, whisper_engine, max_seconds=120, grammar=grammar)
    assert seen == [analysis.transcript.text]
    assert analysis.kind == "scenario"
    assert analysis.answer_check is not None and analysis.answer_check.status == "ok"
    assert analysis.score.components["grammar"] == 0.9
    assert analysis.metrics.wer is None


def test_silence_gives_an_empty_transcript(whisper_engine: TranscriptionEngine) -> None:
    """Without voice activity detection tiny.en invents "You" here."""
    transcript = whisper_engine.transcribe(np.zeros(SAMPLE_RATE * 10, dtype=np.float32))
    assert transcript.text == ""
    assert transcript.words == ()
