"""Audio quality of a recording, measured from its samples.

Pure numpy: the caller decodes (``screening.speech.audio``) and passes mono float samples in
[-1, 1] (full scale = 1.0) with their sample rate.

Definitions (all levels in dBFS, where a full-scale square wave is 0 dBFS, so a full-scale sine
has peak 0 dBFS and RMS −3.01 dBFS):

* ``rms_dbfs``: 20·log10 of the RMS of all samples.
* ``peak_dbfs``: 20·log10 of the largest absolute sample.
* ``clipping_ratio``: share of samples with |x| ≥ 0.999 (0–1).
* Frames: non-overlapping 30 ms frames; frame level = 10·log10(mean square).
* ``noise_floor_dbfs``: 10th percentile of frame levels (recordings have pauses; the quietest
  tenth of the frames is background noise). Underestimated by ~0.3 dB for stationary noise,
  and overestimated when fewer than 10 % of the frames are free of speech.
* Speech frames: frames louder than the midpoint (in dB) between the noise floor and the 95th
  percentile of frame levels. When that span is under 6 dB nothing stands out from the
  background and there is no speech level (``None``).
* ``speech_level_dbfs``: level of the speech alone = mean power of speech frames minus the
  noise power (speech and noise add as powers).
* ``snr_db``: ``speech_level_dbfs − noise_floor_dbfs`` (``None`` when no speech stands out).

Levels are floored at −100 dBFS (below 16-bit quantisation noise) so digital silence gives
finite numbers.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

FRAME_SECONDS = 0.030
CLIP_LEVEL = 0.999
FLOOR_DBFS = -100.0
NOISE_PERCENTILE = 10.0
SPEECH_PERCENTILE = 95.0
MIN_SPEECH_SPAN_DB = 6.0

_FLOOR_POWER = 10.0 ** (FLOOR_DBFS / 10.0)

Samples = npt.NDArray[np.floating[Any]]


@dataclass(frozen=True)
class AudioQuality:
    """Measured audio quality of one recording (see the module docstring for definitions)."""

    duration_s: float
    rms_dbfs: float
    peak_dbfs: float
    clipping_ratio: float
    noise_floor_dbfs: float
    speech_level_dbfs: float | None
    snr_db: float | None
    speech_frame_ratio: float

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict with numbers rounded for display (dB to 0.01, ratios to 1e-6)."""
        data = asdict(self)
        for key, value in data.items():
            if isinstance(value, float):
                data[key] = round(value, 6 if key.endswith("ratio") else 2)
        return data


def power_to_db(power: float) -> float:
    """10·log10(power) floored at −100 dB."""
    return 10.0 * float(np.log10(max(power, _FLOOR_POWER)))


def amplitude_to_dbfs(amplitude: float) -> float:
    """20·log10(amplitude) floored at −100 dBFS."""
    return power_to_db(amplitude * amplitude)


def frame_powers(
    samples: Samples, sample_rate: int, frame_seconds: float = FRAME_SECONDS
) -> npt.NDArray[np.float64]:
    """Mean square of each non-overlapping frame; a trailing partial frame is dropped unless
    the signal is shorter than one frame (then the whole signal is one frame)."""
    x = np.asarray(samples, dtype=np.float64)
    size = max(1, round(frame_seconds * sample_rate))
    count = len(x) // size
    if count == 0:
        return np.array([float(np.mean(x * x))], dtype=np.float64)
    frames = x[: count * size].reshape(count, size)
    result: npt.NDArray[np.float64] = np.mean(frames * frames, axis=1)
    return result


def measure_audio_quality(samples: Samples, sample_rate: int) -> AudioQuality:
    """Measure level, clipping, noise floor and SNR of mono ``samples`` at ``sample_rate`` Hz.

    Raises ``ValueError`` for an empty signal or a non-positive sample rate.
    """
    if sample_rate <= 0:
        raise ValueError("sample_rate must be positive")
    x = np.asarray(samples, dtype=np.float64).reshape(-1)
    if x.size == 0:
        raise ValueError("no samples to measure")
    magnitude = np.abs(x)
    rms_dbfs = power_to_db(float(np.mean(x * x)))
    peak_dbfs = amplitude_to_dbfs(float(np.max(magnitude)))
    clipping_ratio = float(np.count_nonzero(magnitude >= CLIP_LEVEL)) / x.size

    powers = np.maximum(frame_powers(x, sample_rate), _FLOOR_POWER)
    levels = 10.0 * np.log10(powers)
    noise_floor_dbfs = float(np.percentile(levels, NOISE_PERCENTILE))
    loud_dbfs = float(np.percentile(levels, SPEECH_PERCENTILE))

    speech_level_dbfs: float | None = None
    snr_db: float | None = None
    speech_frame_ratio = 0.0
    if loud_dbfs - noise_floor_dbfs >= MIN_SPEECH_SPAN_DB:
        threshold = (noise_floor_dbfs + loud_dbfs) / 2.0
        speech = powers[levels > threshold]
        speech_frame_ratio = speech.size / powers.size
        noise_power = 10.0 ** (noise_floor_dbfs / 10.0)
        speech_power = float(np.mean(speech)) - noise_power
        if speech_power > 0.0:
            speech_level_dbfs = power_to_db(speech_power)
            snr_db = speech_level_dbfs - noise_floor_dbfs

    return AudioQuality(
        duration_s=x.size / sample_rate,
        rms_dbfs=rms_dbfs,
        peak_dbfs=peak_dbfs,
        clipping_ratio=clipping_ratio,
        noise_floor_dbfs=noise_floor_dbfs,
        speech_level_dbfs=speech_level_dbfs,
        snr_db=snr_db,
        speech_frame_ratio=speech_frame_ratio,
    )
