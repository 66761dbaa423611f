"""One voice sample from decoded audio to score: measure, transcribe, compute metrics, score.

The transcription job and the ``score-voice`` command both call :func:`analyze_voice`;
:func:`score_transcript` re-scores a stored transcript without running the model again (for
instance when the grammar score of a free answer arrives later).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from screening.scoring.audio_quality import AudioQuality, measure_audio_quality
from screening.scoring.speech import (
    FreeAnswerCheck,
    SampleKind,
    SpeechMetrics,
    VoiceScore,
    check_free_answer,
    score_voice,
    speech_metrics,
)
from screening.speech.audio import DecodedAudio
from screening.speech.engines import TranscriptionEngine
from screening.speech.transcript import Transcript

GrammarHook = Callable[[str], float | None]
"""Takes the transcript text of a free answer, returns a grammar score 0–100 (or ``None`` when
grammar could not be checked)."""


@dataclass(frozen=True)
class VoiceAnalysis:
    """Everything computed for one sample."""

    kind: SampleKind
    transcript: Transcript
    quality: AudioQuality
    metrics: SpeechMetrics
    answer_check: FreeAnswerCheck | None
    grammar_score: float | None
    score: VoiceScore

    def to_dict(self) -> dict[str, Any]:
        """The flat JSON shape of ``score-voice`` plus details (all JSON-ready)."""
        wer = self.metrics.wer
        return {
            "kind": self.kind,
            "transcript": self.transcript.text,
            "wer": None if wer is None else round(wer.wer, 4),
            "accuracy": None if wer is None else round(wer.accuracy, 4),
            "speaking_rate_wpm": round(self.metrics.rate.wpm, 1),
            "pause_count": self.metrics.pauses.count,
            "filler_count": self.metrics.fillers.count,
            "confidence": round(self.metrics.confidence.mean, 4),
            "audio": self.quality.to_dict(),
            "answer_check": None
            if self.answer_check is None
            else {
                "status": self.answer_check.status,
                "word_count": self.answer_check.word_count,
                "message": self.answer_check.message,
            },
            "grammar_score": self.grammar_score,
            "score": self.score.score,
            "components": {k: round(v, 4) for k, v in self.score.components.items()},
            "weights": self.score.weights,
            "explanation": self.score.explanation,
            "metrics": self.metrics.to_dict(),
            "words": self.transcript.to_dict()["words"],
            "duration_s": round(self.transcript.duration_s, 3),
            "engine": self.transcript.engine,
            "model": self.transcript.model,
        }


def score_transcript(
    transcript: Transcript,
    quality: AudioQuality,
    *,
    script: str | None = None,
    max_seconds: float | None = None,
    grammar_score: float | None = None,
) -> VoiceAnalysis:
    """Metrics and score of an existing transcript. With ``script`` the sample is a read-aloud
    (scored on accuracy); without, a free answer (checked for length against ``max_seconds``
    and scored on ``grammar_score`` when given)."""
    kind: SampleKind = "read_aloud" if script is not None else "scenario"
    words = list(transcript.words)
    metrics = speech_metrics(words, transcript.text, script)
    check = (
        check_free_answer(words, transcript.duration_s, max_seconds=max_seconds)
        if kind == "scenario"
        else None
    )
    score = score_voice(metrics, quality, kind, answer_check=check, grammar_score=grammar_score)
    return VoiceAnalysis(kind, transcript, quality, metrics, check, grammar_score, score)


def analyze_voice(
    audio: DecodedAudio,
    engine: TranscriptionEngine,
    *,
    script: str | None = None,
    max_seconds: float | None = None,
    grammar: GrammarHook | None = None,
) -> VoiceAnalysis:
    """Measure audio quality, transcribe with ``engine`` and score one decoded sample.

    ``grammar`` is called with the transcript text of a free answer (not for read-aloud, and
    not when nothing was recognised) and its score enters the voice score.
    """
    quality = measure_audio_quality(audio.samples, audio.sample_rate)
    transcript = engine.transcribe(audio.samples)
    grammar_score = None
    if grammar is not None and script is None and transcript.words:
        grammar_score = grammar(transcript.text)
    return score_transcript(
        transcript, quality, script=script, max_seconds=max_seconds, grammar_score=grammar_score
    )
