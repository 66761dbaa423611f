"""The ``transcribe`` and ``score-voice`` commands through click's CliRunner, real model."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from click.testing import CliRunner

from screening.cli.voice import score_voice_command, transcribe_command
from screening.scoring.speech import word_error_rate
from screening.speech.engines import TranscriptionEngine
from tests.integration.speech.conftest import Clip
from tests.unit.speech.audio_builders import wav_bytes


def test_transcribe_command_on_the_librivox_sentences(
    whisper_engine: TranscriptionEngine, librivox_clips: list[Clip]
) -> None:
    runner = CliRunner()
    errors = words = 0
    for clip in librivox_clips:
        result = runner.invoke(transcribe_command, [str(clip.path)], catch_exceptions=False)
        assert result.exit_code == 0, result.output
        data = json.loads(result.stdout)
        assert set(data) >= {"text", "words", "duration_s", "engine", "model"}
        assert data["engine"] == "faster-whisper"
        assert data["model"] == whisper_engine.model
        assert set(data["words"][0]) == {"word", "start", "end", "probability"}
        wer = word_error_rate(clip.reference, data["text"])
        errors += wer.substitutions + wer.deletions + wer.insertions
        words += wer.reference_words
    assert errors / words <= 0.10


def test_score_voice_command_with_a_script(
    whisper_engine: TranscriptionEngine, librivox_clips: list[Clip], tmp_path: Path
) -> None:
    clip = librivox_clips[0]
    script = tmp_path / "script.txt"
    script.write_text(clip.reference + "\n", encoding="utf-8")
    result = CliRunner().invoke(
        score_voice_command, [str(clip.path), "--script", str(script)], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    for key in (
        "transcript", "wer", "accuracy", "speaking_rate_wpm", "pause_count", "filler_count",
        "confidence", "audio", "score", "explanation",
    ):  # fmt: skip
        assert key in data, key
    assert set(data["audio"]) >= {"rms_dbfs", "peak_dbfs", "clipping_ratio", "snr_db"}
    assert data["accuracy"] >= 0.9
    assert data["wer"] == round(1 - data["accuracy"], 4)
    assert 100 < data["speaking_rate_wpm"] < 260
    assert 0 <= data["score"] <= 100
    assert "read-aloud accuracy" in data["explanation"]


def test_score_voice_command_without_script_is_a_free_answer(
    whisper_engine: TranscriptionEngine, librivox_clips: list[Clip]
) -> None:
    result = CliRunner().invoke(
        score_voice_command, [str(librivox_clips[1].path)], catch_exceptions=False
    )
    data = json.loads(result.stdout)
    assert data["wer"] is None and data["accuracy"] is None
    assert data["answer_check"]["status"] == "too_short"  # one 3 s sentence


def test_commands_report_bad_input_as_json(tmp_path: Path) -> None:
    text = tmp_path / "notes.webm"
    text.write_text("not audio")
    result = CliRunner().invoke(transcribe_command, [str(text)])
    assert result.exit_code == 1
    assert json.loads(result.stdout)["error"]["type"] == "NotAudio"

    silent = tmp_path / "silent.wav"
    silent.write_bytes(wav_bytes(np.zeros(16000, dtype=np.float32)))
    result = CliRunner().invoke(score_voice_command, [str(silent)])
    assert result.exit_code == 1
    error = json.loads(result.stdout)["error"]
    assert error["type"] == "Silent"
    assert "could not hear anything" in error["message"]


def test_unavailable_model_is_reported_as_json(tmp_path: Path) -> None:
    audio = tmp_path / "a.wav"
    audio.write_bytes(wav_bytes(np.zeros(1600, dtype=np.float32)))
    result = CliRunner().invoke(transcribe_command, [str(audio), "--model", str(tmp_path)])
    assert result.exit_code == 1
    error = json.loads(result.stdout)["error"]
    assert error["type"] == "ModelNotFound"
    assert "model.bin" in error["message"]
