"""Audio quality metrics on generated signals with known answers."""

from __future__ import annotations

import math

import numpy as np
import pytest

from screening.scoring.audio_quality import frame_powers, measure_audio_quality
from tests.unit.speech.audio_builders import SR, sine, speech_like, white_noise


@pytest.mark.parametrize("amplitude", [1.0, 0.5, 0.1, 0.01])
def test_sine_peak_and_rms_in_dbfs(amplitude: float) -> None:
    q = measure_audio_quality(sine(2.0, amplitude), SR)
    expected_peak = 20 * math.log10(amplitude)
    assert q.peak_dbfs == pytest.approx(expected_peak, abs=0.01)
    assert q.rms_dbfs == pytest.approx(q.peak_dbfs - 3.01, abs=0.02)
    assert q.duration_s == pytest.approx(2.0)


def test_unclipped_sine_has_no_clipping() -> None:
    assert measure_audio_quality(sine(1.0, 0.9), SR).clipping_ratio == 0.0


def test_clipped_sine_clipping_ratio_matches_geometry() -> None:
    # a sine of peak 2 hard-clipped at full scale: |2 sin| >= 0.999 for this share of time
    clipped = np.clip(sine(2.0, 2.0, freq=50.0), -1.0, 1.0)
    expected = 1.0 - (2.0 / math.pi) * math.asin(0.999 / 2.0)
    q = measure_audio_quality(clipped, SR)
    assert q.clipping_ratio == pytest.approx(expected, abs=0.005)
    assert q.peak_dbfs == pytest.approx(0.0, abs=0.01)


def test_a_few_clipped_samples() -> None:
    x = sine(1.0, 0.5)
    x[:16] = 1.0
    assert measure_audio_quality(x, SR).clipping_ratio == pytest.approx(16 / SR)


@pytest.mark.parametrize("snr_db", [5.0, 10.0, 20.0, 30.0, 40.0])
def test_snr_of_speech_like_signal_in_noise(snr_db: float) -> None:
    speech, _active = speech_like(active_rms=0.1)
    noise_rms = 0.1 / 10 ** (snr_db / 20)
    q = measure_audio_quality(speech + white_noise(speech.size, noise_rms), SR)
    assert q.snr_db is not None
    assert q.snr_db == pytest.approx(snr_db, abs=2.0)
    assert q.noise_floor_dbfs == pytest.approx(20 * math.log10(noise_rms), abs=1.0)
    assert q.speech_level_dbfs == pytest.approx(-20.0, abs=2.0)


def test_snr_at_other_levels_and_seeds() -> None:
    for seed, level in [(1, 0.02), (2, 0.3), (3, 0.05)]:
        speech, _ = speech_like(seconds=8.0, active_rms=level, seed=seed)
        noise_rms = level / 10 ** (15 / 20)
        q = measure_audio_quality(speech + white_noise(speech.size, noise_rms, seed=seed), SR)
        assert q.snr_db == pytest.approx(15.0, abs=2.0), (seed, level)


def test_speech_frame_ratio_tracks_the_active_share() -> None:
    speech, active = speech_like()
    q = measure_audio_quality(speech + white_noise(speech.size, 0.001), SR)
    assert q.speech_frame_ratio == pytest.approx(active.mean(), abs=0.1)


def test_stationary_noise_has_no_speech_and_no_snr() -> None:
    q = measure_audio_quality(white_noise(SR * 3, 0.05), SR)
    assert q.snr_db is None
    assert q.speech_level_dbfs is None
    assert q.speech_frame_ratio == 0.0
    assert q.noise_floor_dbfs == pytest.approx(20 * math.log10(0.05), abs=0.5)


def test_digital_silence_is_floored_not_infinite() -> None:
    q = measure_audio_quality(np.zeros(SR, dtype=np.float32), SR)
    assert q.rms_dbfs == -100.0
    assert q.peak_dbfs == -100.0
    assert q.noise_floor_dbfs == -100.0
    assert q.snr_db is None


def test_speech_over_digital_silence_has_very_high_snr() -> None:
    speech, _ = speech_like()
    q = measure_audio_quality(speech, SR)
    assert q.snr_db is not None and q.snr_db > 60


def test_frame_powers_of_short_and_exact_signals() -> None:
    assert frame_powers(np.full(100, 0.5), SR).tolist() == [0.25]
    powers = frame_powers(np.concatenate([np.zeros(480), np.ones(480), np.ones(10)]), SR)
    assert powers.tolist() == [0.0, 1.0]


def test_empty_signal_is_refused() -> None:
    with pytest.raises(ValueError, match="no samples"):
        measure_audio_quality(np.zeros(0, dtype=np.float32), SR)


def test_to_dict_is_rounded_and_complete() -> None:
    d = measure_audio_quality(sine(1.0, 0.5), SR).to_dict()
    assert set(d) == {
        "duration_s",
        "rms_dbfs",
        "peak_dbfs",
        "clipping_ratio",
        "noise_floor_dbfs",
        "speech_level_dbfs",
        "snr_db",
        "speech_frame_ratio",
    }
    assert d["peak_dbfs"] == -6.02
