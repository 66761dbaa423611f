"""Decode and validate uploaded recordings; store originals by content hash.

The container is recognised from the first bytes of the data (never from a file name or a
declared content type), then decoded with PyAV (FFmpeg) to mono 16 kHz float32 samples in
[-1, 1], the input every transcription engine and :mod:`screening.scoring.audio_quality`
expects. Only the containers browsers record (WebM, Ogg, MP4) and common upload formats
(WAV, FLAC, MP3, AAC, AIFF) are opened, which keeps FFmpeg's attack surface small.

Errors are :class:`AudioError` subclasses carrying a user-facing ``message`` and the HTTP
status a view should answer with (``http_status``).
"""

from __future__ import annotations

import hashlib
import io
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import av
import numpy as np
import numpy.typing as npt

from screening.scoring.audio_quality import FLOOR_DBFS, frame_powers

SAMPLE_RATE = 16_000
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
DEFAULT_MAX_SECONDS = 180.0
DEFAULT_SILENCE_DBFS = -50.0
# A recording may run this much over the limit (recorders stop a little late).
DURATION_TOLERANCE_S = 2.0

# our container label -> FFmpeg demuxer name
_DEMUXERS: dict[str, str] = {
    "webm": "matroska",
    "matroska": "matroska",
    "ogg": "ogg",
    "wav": "wav",
    "flac": "flac",
    "mp3": "mp3",
    "mp4": "mov",
    "aac": "aac",
    "aiff": "aiff",
}

CONTENT_TYPES: dict[str, str] = {
    "webm": "audio/webm",
    "matroska": "audio/x-matroska",
    "ogg": "audio/ogg",
    "wav": "audio/wav",
    "flac": "audio/flac",
    "mp3": "audio/mpeg",
    "mp4": "audio/mp4",
    "aac": "audio/aac",
    "aiff": "audio/aiff",
}
"""Content type to serve a stored original with, by the container label from
:func:`sniff_container`."""

ACCEPTED_FORMATS = "WebM, Ogg, MP4/M4A, WAV, FLAC, MP3, AAC or AIFF"


class AudioError(Exception):
    """An upload that cannot be used. ``message`` is safe to show to the applicant."""

    http_status: ClassVar[int] = 422
    code: ClassVar[str] = "audio_error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class EmptyAudio(AudioError):
    """No bytes, or a container holding no audio samples."""

    code = "empty_audio"

    def __init__(self, message: str = "the recording is empty; please record your answer again"):
        super().__init__(message)


class NotAudio(AudioError):
    """Not a recognised audio container, no audio track, or undecodable data (HTTP 415)."""

    http_status = 415
    code = "not_audio"


class TooLarge(AudioError):
    """More bytes than allowed (HTTP 413); ``limit_bytes`` is the limit."""

    http_status = 413
    code = "too_large"

    def __init__(self, limit_bytes: int) -> None:
        super().__init__(f"the recording is larger than the {_format_bytes(limit_bytes)} limit")
        self.limit_bytes = limit_bytes


class TooLong(AudioError):
    """Longer than allowed (HTTP 422); ``limit_seconds`` is the limit."""

    code = "too_long"

    def __init__(self, limit_seconds: float) -> None:
        super().__init__(f"the recording is longer than the {_format_seconds(limit_seconds)} limit")
        self.limit_seconds = limit_seconds


class Silent(AudioError):
    """Decoded fine but nothing louder than the silence threshold (HTTP 422)."""

    code = "silent"

    def __init__(self) -> None:
        super().__init__(
            "we could not hear anything; check your microphone is connected, not muted, "
            "and selected in your browser, then record again"
        )


def _format_bytes(limit: int) -> str:
    if limit >= 1024 * 1024 and limit % (1024 * 1024) == 0:
        return f"{limit // (1024 * 1024)} MB"
    if limit >= 1024 * 1024:
        return f"{limit / (1024 * 1024):.1f} MB"
    if limit >= 1024:
        return f"{limit / 1024:.0f} KB"
    return f"{limit} bytes"


def _format_seconds(limit: float) -> str:
    if limit >= 60 and limit % 60 == 0:
        minutes = int(limit // 60)
        return f"{minutes} minute{'s' if minutes != 1 else ''} ({limit:.0f} s)"
    return f"{limit:g} s"


def sniff_container(data: bytes) -> str | None:
    """Container label recognised from the leading bytes, or ``None`` if not one we accept.

    Labels: webm, matroska, ogg, wav, flac, mp3, mp4, aac, aiff.
    """
    head = data[:64]
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "webm" if b"webm" in head else "matroska"
    if head.startswith(b"OggS"):
        return "ogg"
    if head[:4] in (b"RIFF", b"RF64") and head[8:12] == b"WAVE":
        return "wav"
    if head.startswith(b"fLaC"):
        return "flac"
    if head[4:8] == b"ftyp":
        return "mp4"
    if head[:4] == b"FORM" and head[8:12] in (b"AIFF", b"AIFC"):
        return "aiff"
    if head.startswith(b"ID3"):
        return "mp3"
    if len(head) >= 2 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0:
        layer = (head[1] >> 1) & 0x03
        return "aac" if layer == 0 else "mp3"
    return None


@dataclass(frozen=True)
class DecodedAudio:
    """Decoded recording: ``samples`` mono float32 in [-1, 1] at ``sample_rate`` Hz (16 kHz),
    ``duration_s`` seconds, ``container`` label, ``codec`` name, the source sample rate and
    channel count, and ``truncated`` when decoding stopped early at damaged data."""

    samples: npt.NDArray[np.float32]
    sample_rate: int
    duration_s: float
    container: str
    codec: str
    source_sample_rate: int
    source_channels: int
    truncated: bool = False


def decode_audio(
    data: bytes,
    *,
    max_bytes: int | None = DEFAULT_MAX_BYTES,
    max_seconds: float | None = DEFAULT_MAX_SECONDS,
    silence_dbfs: float | None = DEFAULT_SILENCE_DBFS,
) -> DecodedAudio:
    """Validate and decode one recording to mono 16 kHz float32.

    Checks, in order: empty (:class:`EmptyAudio`), size over ``max_bytes``
    (:class:`TooLarge`), container not recognised from the bytes or not decodable or without
    an audio track (:class:`NotAudio`), duration over ``max_seconds`` plus a 2 s tolerance
    (:class:`TooLong`, detected from the header when present and while decoding otherwise,
    so a long file is never fully decoded), no samples (:class:`EmptyAudio`), and silence:
    the 99th percentile of 30 ms frame levels below ``silence_dbfs`` (:class:`Silent`;
    a click or two does not count as sound). ``None`` disables a limit or the silence check.
    """
    if not data:
        raise EmptyAudio()
    if max_bytes is not None and len(data) > max_bytes:
        raise TooLarge(max_bytes)
    container = sniff_container(data)
    if container is None:
        raise NotAudio(f"this file is not a recording we can read; send {ACCEPTED_FORMATS} audio")
    limit_samples = (
        None if max_seconds is None else int((max_seconds + DURATION_TOLERANCE_S) * SAMPLE_RATE)
    )

    chunks: list[npt.NDArray[np.float32]] = []
    total = 0
    truncated = False
    try:
        handle = av.open(io.BytesIO(data), mode="r", format=_DEMUXERS[container])
    except (av.FFmpegError, ValueError, OSError) as exc:
        raise NotAudio(f"this {container} file could not be read as audio") from exc
    with handle:
        stream = next(iter(handle.streams.audio), None)
        if stream is None:
            raise NotAudio("this file has no audio track")
        if limit_samples is not None and handle.duration is not None:
            if handle.duration / av.time_base * SAMPLE_RATE > limit_samples:
                assert max_seconds is not None
                raise TooLong(max_seconds)
        codec = stream.codec_context.name
        source_rate = int(stream.codec_context.sample_rate or 0)
        source_channels = int(stream.codec_context.channels or 0)
        resampler = av.AudioResampler(format="flt", layout="mono", rate=SAMPLE_RATE)
        try:
            for frame in handle.decode(stream):
                if not isinstance(frame, av.AudioFrame):
                    continue
                for out in resampler.resample(frame):
                    chunk = np.asarray(out.to_ndarray(), dtype=np.float32).reshape(-1)
                    chunks.append(chunk)
                    total += chunk.size
                if limit_samples is not None and total > limit_samples:
                    assert max_seconds is not None
                    raise TooLong(max_seconds)
        except (av.FFmpegError, ValueError) as exc:
            if total == 0:
                raise NotAudio(f"this {container} file could not be decoded as audio") from exc
            truncated = True
        for out in resampler.resample(None):
            chunks.append(np.asarray(out.to_ndarray(), dtype=np.float32).reshape(-1))

    samples = np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.float32)
    if samples.size == 0:
        raise EmptyAudio("the recording contains no sound; please record your answer again")
    if limit_samples is not None and samples.size > limit_samples:
        assert max_seconds is not None
        raise TooLong(max_seconds)
    samples = np.clip(samples, -1.0, 1.0)
    if silence_dbfs is not None and loud_level_dbfs(samples) < silence_dbfs:
        raise Silent()
    return DecodedAudio(
        samples=samples,
        sample_rate=SAMPLE_RATE,
        duration_s=samples.size / SAMPLE_RATE,
        container=container,
        codec=codec,
        source_sample_rate=source_rate,
        source_channels=source_channels,
        truncated=truncated,
    )


def loud_level_dbfs(samples: npt.NDArray[Any], sample_rate: int = SAMPLE_RATE) -> float:
    """99th percentile of 30 ms frame levels in dBFS (floored at −100): how loud the loudest
    stretches are, ignoring isolated clicks."""
    levels = 10.0 * np.log10(np.maximum(frame_powers(samples, sample_rate), 1e-10))
    return max(FLOOR_DBFS, float(np.percentile(levels, 99)))


def decode_audio_file(path: str | os.PathLike[str], **limits: Any) -> DecodedAudio:
    """:func:`decode_audio` on a file's bytes; the size limit is checked before reading.
    Keyword arguments are those of :func:`decode_audio`."""
    file_path = Path(path)
    max_bytes = limits.get("max_bytes", DEFAULT_MAX_BYTES)
    if max_bytes is not None and file_path.stat().st_size > max_bytes:
        raise TooLarge(max_bytes)
    return decode_audio(file_path.read_bytes(), **limits)


def store_original(data: bytes, directory: str | os.PathLike[str]) -> tuple[str, Path]:
    """Store ``data`` under ``directory/<first 2 hex>/<sha256 hex>``; return (sha256, path).

    Content-addressed and write-once: an existing file is never overwritten (same hash, same
    bytes). The file is written to a temporary name and linked into place, so a reader never
    sees a partial file and concurrent writers of the same bytes do not clash.
    """
    digest = hashlib.sha256(data).hexdigest()
    folder = Path(directory) / digest[:2]
    target = folder / digest
    if target.exists():
        return digest, target
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=folder, prefix=f".{digest[:8]}.", suffix=".tmp")
    try:
        os.fchmod(fd, 0o644)
        with os.fdopen(fd, "wb") as tmp:
            tmp.write(data)
            tmp.flush()
            os.fsync(tmp.fileno())
        try:
            os.link(tmp_name, target)
        except FileExistsError:
            pass
        except OSError:  # file systems without hard links
            if not target.exists():
                os.replace(tmp_name, target)
    finally:
        if os.path.exists(tmp_name):
            os.unlink(tmp_name)
    return digest, target
