"""Builders for keystroke logs used by the section tests."""

from __future__ import annotations

import random
from typing import Any


def type_text(text: str, *, seed: int = 0, mean_ms: float = 180.0, start: float = 0.0) -> list[Any]:
    """A human-like log typing ``text`` with log-normal gaps (cv ~0.5) around ``mean_ms``."""
    rng = random.Random(seed)
    t = start
    out = []
    for ch in text:
        t += rng.lognormvariate(0, 0.5) * mean_ms / 1.13  # E[lognormal(0, .5)] = 1.13
        out.append({"t": round(t, 1), "key": ch})
    return out


def key_entries(entries: list[str], *, seed: int = 0, mean_ms: float = 250.0) -> list[Any]:
    """A human-like ten-key log entering each entry followed by Enter."""
    rng = random.Random(seed)
    t = 0.0
    out = []
    for entry in entries:
        for key in [*entry, "Enter"]:
            t += rng.lognormvariate(0, 0.5) * mean_ms / 1.13
            out.append({"t": round(t, 1), "key": key})
    return out
