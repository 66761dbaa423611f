"""Engine selection, model resolution and word merging (no model is loaded here)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from screening.speech.engines import (
    BUNDLED_MODEL_LABEL,
    EngineUnavailable,
    ModelNotFound,
    OpenAIWhisperEngine,
    bundled_model_path,
    get_engine,
    resolve_faster_whisper_model,
)
from screening.speech.transcript import Transcript, Word, merge_word_pieces


def test_bundled_model_is_a_complete_ctranslate2_folder() -> None:
    folder = bundled_model_path()
    for name in ("model.bin", "config.json", "tokenizer.json", "vocabulary.txt"):
        assert (folder / name).is_file(), name
    path, label = resolve_faster_whisper_model(None)
    assert Path(path) == folder
    assert label == BUNDLED_MODEL_LABEL
    # the same folder given as a path (what SCREENING_WHISPER_MODEL holds by default)
    assert resolve_faster_whisper_model(str(folder)) == (str(folder), BUNDLED_MODEL_LABEL)


def test_model_name_not_on_this_machine_is_refused_without_download() -> None:
    with pytest.raises(ModelNotFound, match="not available on this machine"):
        resolve_faster_whisper_model("screening-tests/no-such-whisper-model")
    with pytest.raises(ModelNotFound):
        resolve_faster_whisper_model("no-such-model-size")


def test_incomplete_model_folder_is_refused(tmp_path: Path) -> None:
    (tmp_path / "model.bin").write_bytes(b"\x00")
    with pytest.raises(ModelNotFound, match="missing tokenizer.json"):
        resolve_faster_whisper_model(str(tmp_path))


def test_openai_whisper_missing_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "whisper", None)  # makes `import whisper` fail
    with pytest.raises(EngineUnavailable, match=r"screening\[openai-whisper\]"):
        OpenAIWhisperEngine("tiny.en")
    with pytest.raises(EngineUnavailable):
        get_engine("openai-whisper", "tiny.en")


def test_unknown_engine_name() -> None:
    with pytest.raises(ValueError, match="unknown transcription engine"):
        get_engine("vosk")


def test_word_pieces_are_merged_and_stripped() -> None:
    raw = [
        (" Unless", 0.0, 0.66, 0.45),
        (" cold", 1.46, 1.9, 0.97),
        ("-hearted", 1.9, 2.28, 0.77),
        (" and", 2.28, 2.62, 0.88),
        ("", 2.62, 2.62, 0.1),
        (" ill-disposed.", 2.7, 3.2, 0.9),
    ]
    assert merge_word_pieces(raw) == [
        Word("Unless", 0.0, 0.66, 0.45),
        Word("cold-hearted", 1.46, 2.28, 0.77),
        Word("and", 2.28, 2.62, 0.88),
        Word("ill-disposed.", 2.7, 3.2, 0.9),
    ]


def test_transcript_round_trips_through_a_dict() -> None:
    t = Transcript(
        text="Hello there.",
        words=(Word("Hello", 0.1, 0.5, 0.91234), Word("there.", 0.5, 0.9, 0.8)),
        duration_s=1.25,
        language="en",
        engine="faster-whisper",
        model="tiny.en",
    )
    data = t.to_dict()
    assert data["words"][0] == {"word": "Hello", "start": 0.1, "end": 0.5, "probability": 0.912}
    back = Transcript.from_dict(data)
    assert back.text == t.text and back.words[1] == t.words[1]
    assert back.words[0].probability == 0.912
