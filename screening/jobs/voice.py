"""Voice background jobs (queue ``audio``), registered when :mod:`screening.jobs` is imported.

``transcribe_voice_sample(sample_id)``: transcribe and score one recording, then score the voice
section when the attempt is complete (:func:`screening.services.voice.transcribe_sample`). The
Whisper model is loaded on a worker's first job and kept for the life of the process
(``screening.speech.engines.get_engine``).
"""

from __future__ import annotations

from flask import current_app
from sqlalchemy.orm import Session

from screening.config import Settings
from screening.jobs import job


@job("transcribe_voice_sample")
def transcribe_voice_sample(session: Session, sample_id: int) -> None:
    """Transcribe sample ``sample_id``; idempotent (a transcribed sample is left alone)."""
    from screening.services.voice import transcribe_sample

    settings: Settings = current_app.config["SCREENING"]
    transcribe_sample(session, sample_id, settings)
