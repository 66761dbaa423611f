"""Decoding and validation of uploads, and content-addressed storage of originals."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import numpy as np
import pytest

from screening.speech.audio import (
    CONTENT_TYPES,
    SAMPLE_RATE,
    EmptyAudio,
    NotAudio,
    Silent,
    TooLarge,
    TooLong,
    decode_audio,
    decode_audio_file,
    sniff_container,
    store_original,
)
from tests.unit.speech.audio_builders import encode, speech_like, wav_bytes, webm_opus


@pytest.fixture(scope="module")
def voice() -> np.ndarray:
    """3 s of speech-like sound at 16 kHz."""
    return speech_like(seconds=3.0, active_rms=0.1)[0]


def test_text_file_named_webm_is_not_audio(tmp_path: Path) -> None:
    fake = tmp_path / "answer.webm"
    fake.write_text("This is a cover letter, not a recording.\n" * 20)
    with pytest.raises(NotAudio) as info:
        decode_audio_file(fake)
    assert info.value.http_status == 415
    assert "WebM" in info.value.message


def test_bytes_with_an_audio_magic_but_garbage_are_not_audio() -> None:
    with pytest.raises(NotAudio):
        decode_audio(b"\x1a\x45\xdf\xa3" + os.urandom(4000))
    with pytest.raises(NotAudio):
        decode_audio(b"RIFF\x00\x00\x00\x00WAVE" + b"\x00" * 100)


def test_empty_input() -> None:
    with pytest.raises(EmptyAudio) as info:
        decode_audio(b"")
    assert "empty" in info.value.message


def test_oversize_is_refused_before_decoding(tmp_path: Path) -> None:
    with pytest.raises(TooLarge) as info:
        decode_audio(b"\x00" * 2048, max_bytes=1024)
    assert info.value.limit_bytes == 1024
    assert info.value.http_status == 413
    assert "1 KB" in info.value.message
    big = tmp_path / "big.wav"
    big.write_bytes(b"RIFF" + b"\x00" * (11 * 1024 * 1024))
    with pytest.raises(TooLarge) as info:
        decode_audio_file(big)  # default limit 10 MB
    assert "10 MB" in info.value.message


def test_too_long_recording(voice: np.ndarray) -> None:
    data = wav_bytes(np.tile(voice, 3))  # 9 s
    with pytest.raises(TooLong) as info:
        decode_audio(data, max_seconds=5)
    assert info.value.limit_seconds == 5
    assert "5 s" in info.value.message
    assert decode_audio(data, max_seconds=8).duration_s == pytest.approx(9.0)  # 2 s tolerance


def test_too_long_webm_without_duration_header(voice: np.ndarray) -> None:
    with pytest.raises(TooLong) as info:
        decode_audio(webm_opus(np.tile(voice, 3)), max_seconds=3)
    assert "3 s" in info.value.message


def test_too_long_message_in_minutes() -> None:
    assert "3 minutes (180 s)" in TooLong(180).message


def test_silent_wav_is_refused() -> None:
    with pytest.raises(Silent) as info:
        decode_audio(wav_bytes(np.zeros(SAMPLE_RATE * 2, dtype=np.float32)))
    assert info.value.http_status == 422
    assert "could not hear anything" in info.value.message
    assert "microphone" in info.value.message


def test_faint_hiss_is_silent_but_a_click_does_not_make_sound() -> None:
    rng = np.random.default_rng(3)
    hiss = rng.normal(0, 10 ** (-70 / 20), SAMPLE_RATE * 3).astype(np.float32)
    hiss[1000:1010] = 0.9  # one click
    with pytest.raises(Silent):
        decode_audio(wav_bytes(hiss))
    assert decode_audio(wav_bytes(hiss), silence_dbfs=None).duration_s == pytest.approx(3.0)


def test_webm_opus_decodes_to_mono_16k_float32(voice: np.ndarray) -> None:
    data = webm_opus(voice)
    assert data[:4] == b"\x1a\x45\xdf\xa3"
    decoded = decode_audio(data)
    assert decoded.container == "webm"
    assert decoded.codec == "opus"
    assert decoded.source_sample_rate == 48_000
    assert decoded.sample_rate == SAMPLE_RATE
    assert decoded.samples.dtype == np.float32
    assert decoded.samples.ndim == 1
    assert decoded.duration_s == pytest.approx(3.0, abs=0.05)
    rms = float(np.sqrt(np.mean(decoded.samples**2)))
    assert rms == pytest.approx(float(np.sqrt(np.mean(voice**2))), rel=0.1)


@pytest.mark.parametrize(
    ("container", "codec", "rate", "label"),
    [
        ("ogg", "libopus", 48_000, "ogg"),
        ("mp4", "aac", 44_100, "mp4"),
        ("wav", "pcm_s16le", None, "wav"),
        ("flac", "flac", None, "flac"),
        ("mp3", "libmp3lame", 44_100, "mp3"),
    ],
)
def test_other_browser_and_upload_formats(
    voice: np.ndarray, container: str, codec: str, rate: int | None, label: str
) -> None:
    data = encode(voice, container, codec, codec_rate=rate)
    assert sniff_container(data) == label
    decoded = decode_audio(data)
    assert decoded.container == label
    assert label in CONTENT_TYPES
    assert decoded.duration_s == pytest.approx(3.0, abs=0.1)


def test_stereo_is_mixed_to_mono() -> None:
    import io

    import av

    buf = io.BytesIO()
    t = np.arange(SAMPLE_RATE) / SAMPLE_RATE
    left = (0.5 * np.sin(2 * np.pi * 300 * t)).astype(np.float32)
    with av.open(buf, mode="w", format="wav") as out:
        stream = out.add_stream("pcm_f32le", rate=SAMPLE_RATE, layout="stereo")
        frame = av.AudioFrame.from_ndarray(
            np.stack([left, np.zeros_like(left)]), format="fltp", layout="stereo"
        )
        frame.sample_rate = SAMPLE_RATE
        for packet in [*stream.encode(frame), *stream.encode(None)]:
            out.mux(packet)
    decoded = decode_audio(buf.getvalue())
    assert decoded.source_channels == 2
    assert decoded.samples.ndim == 1
    assert float(np.max(np.abs(decoded.samples))) < 0.5  # mixed with the silent channel


def test_sniffing_by_magic_bytes() -> None:
    assert sniff_container(b"OggS\x00\x02") == "ogg"
    assert sniff_container(b"\x00\x00\x00\x20ftypM4A ") == "mp4"
    assert sniff_container(b"ID3\x04\x00") == "mp3"
    assert sniff_container(b"\xff\xf1\x50\x80") == "aac"
    assert sniff_container(b"\xff\xfb\x90\x00") == "mp3"
    assert sniff_container(b"FORM\x00\x00\x00\x10AIFF") == "aiff"
    assert sniff_container(b"\x1a\x45\xdf\xa3\x01\x00matroska") == "matroska"
    assert sniff_container(b"%PDF-1.7") is None
    assert sniff_container(b"<html>") is None


def test_store_original_is_content_addressed_and_write_once(tmp_path: Path) -> None:
    data = b"recording bytes"
    digest, path = store_original(data, tmp_path)
    assert digest == hashlib.sha256(data).hexdigest()
    assert path == tmp_path / digest[:2] / digest
    assert path.read_bytes() == data
    inode, mtime = path.stat().st_ino, path.stat().st_mtime_ns

    again_digest, again_path = store_original(data, tmp_path)
    assert (again_digest, again_path) == (digest, path)
    assert (path.stat().st_ino, path.stat().st_mtime_ns) == (inode, mtime)

    other_digest, other_path = store_original(b"another take", tmp_path)
    assert other_digest != digest and other_path.read_bytes() == b"another take"
    leftovers = [p for p in tmp_path.rglob("*") if p.is_file() and p not in (path, other_path)]
    assert leftovers == []


def test_store_original_never_overwrites_an_existing_file(tmp_path: Path) -> None:
    data = b"take one"
    digest = hashlib.sha256(data).hexdigest()
    target = tmp_path / digest[:2] / digest
    target.parent.mkdir()
    target.write_bytes(b"already there")
    assert store_original(data, tmp_path) == (digest, target)
    assert target.read_bytes() == b"already there"


def test_webm_cut_off_mid_upload_decodes_what_arrived() -> None:
    full = speech_like(seconds=6.0)[0]
    data = webm_opus(full)
    decoded = decode_audio(data[: len(data) // 2])
    assert 1.5 < decoded.duration_s < 4.5
