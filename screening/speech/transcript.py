"""The result of transcribing one recording, the same for every engine."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from screening.scoring.speech import Word

__all__ = ["Transcript", "Word", "merge_word_pieces"]


@dataclass(frozen=True)
class Transcript:
    """What was said: ``text`` (punctuated, as recognised), ``words`` with times in seconds
    from the start of the recording and probabilities in [0, 1], the recording's
    ``duration_s``, the ``language`` code, and the ``engine`` and ``model`` that produced it."""

    text: str
    words: tuple[Word, ...]
    duration_s: float
    language: str
    engine: str
    model: str

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict; words as ``{word, start, end, probability}`` (3 decimals)."""
        return {
            "text": self.text,
            "words": [
                {
                    "word": w.word,
                    "start": round(w.start, 3),
                    "end": round(w.end, 3),
                    "probability": round(w.probability, 3),
                }
                for w in self.words
            ],
            "duration_s": round(self.duration_s, 3),
            "language": self.language,
            "engine": self.engine,
            "model": self.model,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Transcript:
        """Inverse of :meth:`to_dict` (e.g. for a transcript stored in the database)."""
        return cls(
            text=str(data["text"]),
            words=tuple(
                Word(str(w["word"]), float(w["start"]), float(w["end"]), float(w["probability"]))
                for w in data["words"]
            ),
            duration_s=float(data["duration_s"]),
            language=str(data.get("language", "")),
            engine=str(data.get("engine", "")),
            model=str(data.get("model", "")),
        )


def merge_word_pieces(raw: Iterable[tuple[str, float, float, float]]) -> list[Word]:
    """Turn Whisper's raw word list into :class:`Word` s.

    Whisper splits some words at punctuation it treats as a prefix (``" cold"``,
    ``"-hearted"``); a piece that does not start with whitespace continues the previous word
    and is joined to it (start of the first piece, end of the last, lowest probability).
    Surrounding whitespace is stripped; empty pieces are dropped.
    """
    words: list[Word] = []
    for text, start, end, probability in raw:
        if not text.strip():
            continue
        if words and not text[:1].isspace():
            prev = words[-1]
            words[-1] = Word(
                prev.word + text.strip(), prev.start, float(end), min(prev.probability, probability)
            )
            continue
        words.append(Word(text.strip(), float(start), float(end), float(probability)))
    return words
