"""``transcribe`` and ``score-voice``: run the speech pipeline on a local audio file.

Each prints one JSON object on stdout. On bad input (not audio, silent, empty) or an
unavailable engine/model they print ``{"error": {"type": ..., "message": ...}}`` and exit 1.
The model defaults to ``SCREENING_WHISPER_MODEL`` (empty: the bundled tiny.en).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, NoReturn

import click

from screening.speech.audio import AudioError, decode_audio_file
from screening.speech.engines import (
    DEFAULT_COMPUTE_TYPE,
    ENGINE_NAMES,
    EngineError,
    TranscriptionEngine,
    get_engine,
)

_engine_option = click.option(
    "--engine",
    "engine_name",
    type=click.Choice(ENGINE_NAMES),
    default="faster-whisper",
    envvar="SCREENING_WHISPER_ENGINE",
    show_default=True,
    help="Transcription engine.",
)
_model_option = click.option(
    "--model",
    default=None,
    envvar="SCREENING_WHISPER_MODEL",
    help="Model folder or name (default: bundled Whisper tiny.en).",
)
_compute_type_option = click.option(
    "--compute-type",
    default=DEFAULT_COMPUTE_TYPE,
    envvar="SCREENING_WHISPER_COMPUTE_TYPE",
    show_default=True,
    help="CTranslate2 compute type (faster-whisper).",
)
_audio_argument = click.argument(
    "audio", type=click.Path(exists=True, dir_okay=False, path_type=Path)
)


def _emit(payload: dict[str, Any]) -> None:
    click.echo(json.dumps(payload, ensure_ascii=False))


def _fail(exc: Exception) -> NoReturn:
    message = exc.message if isinstance(exc, AudioError) else str(exc)
    _emit({"error": {"type": type(exc).__name__, "message": message}})
    click.get_current_context().exit(1)


def _load_engine(name: str, model: str | None, compute_type: str) -> TranscriptionEngine:
    try:
        return get_engine(name, model, compute_type)
    except EngineError as exc:
        _fail(exc)


@click.command("transcribe")
@_audio_argument
@_engine_option
@_model_option
@_compute_type_option
def transcribe_command(audio: Path, engine_name: str, model: str | None, compute_type: str) -> None:
    """Transcribe AUDIO; print text, words with times, duration, engine and model."""
    try:
        decoded = decode_audio_file(audio, max_bytes=None, max_seconds=None, silence_dbfs=None)
    except AudioError as exc:
        _fail(exc)
    engine = _load_engine(engine_name, model, compute_type)
    _emit(engine.transcribe(decoded.samples).to_dict())


@click.command("score-voice")
@_audio_argument
@click.option(
    "--script",
    "script_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Text file with the read-aloud script (gives WER and accuracy).",
)
@click.option(
    "--max-seconds",
    type=float,
    default=None,
    help="Time limit of a free answer (checked when no script is given).",
)
@_engine_option
@_model_option
@_compute_type_option
def score_voice_command(
    audio: Path,
    script_file: Path | None,
    max_seconds: float | None,
    engine_name: str,
    model: str | None,
    compute_type: str,
) -> None:
    """Score a voice sample AUDIO: transcript, accuracy, rate, pauses, fillers, audio, score."""
    from screening.speech.analysis import analyze_voice

    script = script_file.read_text(encoding="utf-8") if script_file is not None else None
    try:
        decoded = decode_audio_file(audio, max_bytes=None, max_seconds=None)
    except AudioError as exc:
        _fail(exc)
    engine = _load_engine(engine_name, model, compute_type)
    _emit(analyze_voice(decoded, engine, script=script, max_seconds=max_seconds).to_dict())
