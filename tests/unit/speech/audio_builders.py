"""Builders for test audio: signals with known properties and encoded files made with PyAV."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import av
import numpy as np
import pytest

SR = 16_000


def sine(seconds: float, amplitude: float, freq: float = 440.0, sr: int = SR) -> np.ndarray:
    """A sine of peak ``amplitude`` (RMS = amplitude / √2)."""
    t = np.arange(int(seconds * sr)) / sr
    return (amplitude * np.sin(2 * np.pi * freq * t)).astype(np.float32)


def speech_like(
    seconds: float = 6.0, active_rms: float = 0.1, sr: int = SR, seed: int = 7
) -> tuple[np.ndarray, np.ndarray]:
    """A voiced-speech stand-in: a harmonic tone (f0 ≈ 140 Hz, gliding) in syllable bursts of
    250 ms with 150 ms gaps, 0.5 s of silence at each end, burst loudness varying by up to
    4.4 dB. Scaled so its RMS over the active samples is ``active_rms``.

    Returns (signal, boolean mask of the active samples)."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * sr)) / sr
    f0 = 140.0 * (1.0 + 0.1 * np.sin(2 * np.pi * 0.7 * t))
    phase = 2 * np.pi * np.cumsum(f0) / sr
    voiced = sum(np.sin(k * phase) / k for k in range(1, 8))
    envelope = np.zeros_like(t)
    ramp = int(0.02 * sr)
    pos = 0.5
    while pos + 0.25 < seconds - 0.5:
        a, b = int(pos * sr), int((pos + 0.25) * sr)
        burst = np.ones(b - a)
        burst[:ramp] = np.linspace(0.0, 1.0, ramp)
        burst[-ramp:] = np.linspace(1.0, 0.0, ramp)
        envelope[a:b] = burst * rng.uniform(0.6, 1.0)
        pos += 0.4
    signal = voiced * envelope
    active = envelope > 0
    signal *= active_rms / np.sqrt(np.mean(signal[active] ** 2))
    return signal.astype(np.float32), active


def white_noise(n: int, rms: float, seed: int = 11) -> np.ndarray:
    return np.random.default_rng(seed).normal(0.0, rms, n).astype(np.float32)


def encode(
    samples: np.ndarray,
    container: str,
    codec: str,
    *,
    sr: int = SR,
    codec_rate: int | None = None,
) -> bytes:
    """Encode mono float ``samples`` at ``sr`` Hz into ``container`` with ``codec`` (PyAV)."""
    buf = io.BytesIO()
    with av.open(buf, mode="w", format=container) as out:
        stream = out.add_stream(codec, rate=codec_rate or sr, layout="mono")
        assert isinstance(stream, av.AudioStream)
        formats = stream.codec_context.codec.audio_formats
        resampler = av.AudioResampler(
            format=formats[0].name if formats else "flt",
            layout="mono",
            rate=stream.codec_context.sample_rate,
        )
        frame = av.AudioFrame.from_ndarray(
            np.ascontiguousarray(samples, dtype=np.float32).reshape(1, -1),
            format="flt",
            layout="mono",
        )
        frame.sample_rate = sr
        for resampled in [*resampler.resample(frame), *resampler.resample(None)]:
            for packet in stream.encode(resampled):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    return buf.getvalue()


def wav_bytes(samples: np.ndarray, sr: int = SR) -> bytes:
    return encode(samples, "wav", "pcm_s16le", sr=sr)


def webm_opus(samples: np.ndarray, sr: int = SR) -> bytes:
    """What Chrome's MediaRecorder produces: WebM with Opus at 48 kHz."""
    return encode(samples, "webm", "libopus", sr=sr, codec_rate=48_000)


def espeak_wav(text: str, directory: Path) -> Path:
    """Speak ``text`` with espeak-ng into a WAV file; FAIL (not skip) if espeak-ng is absent."""
    exe = shutil.which("espeak-ng")
    if exe is None:
        pytest.fail("espeak-ng is not installed: apt-get install -y espeak-ng", pytrace=False)
    target = directory / "espeak.wav"
    subprocess.run([exe, "-v", "en-us", "-s", "150", "-w", str(target), text], check=True)
    return target
