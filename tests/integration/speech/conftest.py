"""Fixtures for speech tests with the real Whisper model and real recordings.

The recordings are Debian's ``pocketsphinx-testdata`` fetched by ``scripts/fetch-test-audio.sh``
(run here; it does nothing when the data is already in ``${SCREENING_CACHE_DIR:-.cache}``).
If it cannot be fetched the tests FAIL with the script's message. The model is loaded once
per test session through the same per-process cache the workers use.
"""

from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from screening.speech.engines import DEFAULT_COMPUTE_TYPE, TranscriptionEngine, get_engine

ROOT = Path(__file__).resolve().parents[3]
FETCH_SCRIPT = ROOT / "scripts" / "fetch-test-audio.sh"


@dataclass(frozen=True)
class Clip:
    """One test recording and what is said in it."""

    name: str
    path: Path
    reference: str


def _read_transcription(path: Path) -> dict[str, str]:
    text = path.read_text(encoding="utf-8")
    return {
        m.group(2): m.group(1).strip() for m in re.finditer(r"<s>(.*?)</s>\s*\(([^)]+)\)", text)
    }


@pytest.fixture(scope="session")
def speech_testdata() -> Path:
    """``.../usr/share/pocketsphinx/test/data`` with ``librivox/`` and ``cards/``."""
    env = dict(os.environ)
    env.setdefault("SCREENING_CACHE_DIR", str(ROOT / ".cache"))
    result = subprocess.run(
        ["bash", str(FETCH_SCRIPT)], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if result.returncode != 0:
        pytest.fail(
            f"scripts/fetch-test-audio.sh failed (exit {result.returncode}); the speech tests "
            f"need Debian's pocketsphinx-testdata:\n{result.stderr.strip()}",
            pytrace=False,
        )
    data = Path(result.stdout.strip().splitlines()[-1])
    if not data.is_absolute():
        data = ROOT / data
    if not (data / "librivox" / "transcription").is_file():
        pytest.fail(f"test recordings missing under {data}", pytrace=False)
    return data


@pytest.fixture(scope="session")
def librivox_clips(speech_testdata: Path) -> list[Clip]:
    """The five read LibriVox sentences (16 kHz WAV) with their reference text."""
    folder = speech_testdata / "librivox"
    refs = _read_transcription(folder / "transcription")
    clips = [Clip(name, folder / f"{name}.wav", ref) for name, ref in sorted(refs.items())]
    assert len(clips) == 5, f"expected 5 LibriVox clips, found {len(clips)}"
    return clips


@pytest.fixture(scope="session")
def card_clips(speech_testdata: Path) -> list[Clip]:
    """Five short recordings of playing-card names (numbers said as words)."""
    folder = speech_testdata / "cards"
    refs = _read_transcription(folder / "cards.transcription")
    return [Clip(name, folder / f"{name}.wav", ref) for name, ref in sorted(refs.items())]


@pytest.fixture(scope="session")
def engine_settings() -> dict[str, str | None]:
    """Engine arguments as the CLI reads them from the environment, so the CLI tests reuse
    the engine this session already loaded."""
    return {
        "name": os.environ.get("SCREENING_WHISPER_ENGINE") or "faster-whisper",
        "model": os.environ.get("SCREENING_WHISPER_MODEL") or None,
        "compute_type": os.environ.get("SCREENING_WHISPER_COMPUTE_TYPE") or DEFAULT_COMPUTE_TYPE,
    }


@pytest.fixture(scope="session")
def whisper_engine(engine_settings: dict[str, str | None]) -> TranscriptionEngine:
    """The real Whisper model, loaded once for the whole test session."""
    return get_engine(
        engine_settings["name"] or "faster-whisper",
        engine_settings["model"],
        engine_settings["compute_type"] or DEFAULT_COMPUTE_TYPE,
    )
