"""Generator of ten-key (numeric keypad) entry sets, the kind of data a back office keys in.

Each entry is one of: an account or invoice number (4–7 digits, no leading
zero), a dollar amount (1–4 digits, a period, 2 decimals) or a ZIP code
(5 digits, leading zeros allowed), mixed roughly 40/40/20. Only keys a
numeric keypad has are used: digits and the period.
"""

from __future__ import annotations

import random


def _account(rng: random.Random) -> str:
    length = rng.randint(4, 7)
    return str(rng.randint(1, 9)) + "".join(str(rng.randint(0, 9)) for _ in range(length - 1))


def _amount(rng: random.Random) -> str:
    whole = rng.randint(1, 9999)
    return f"{whole}.{rng.randint(0, 99):02d}"


def _zip(rng: random.Random) -> str:
    return f"{rng.randint(0, 99999):05d}"


def generate_tenkey_entries(rng: random.Random, count: int = 25) -> list[str]:
    """``count`` entries (1–500) drawn with ``rng``; the same rng state gives the same list."""
    if not 1 <= count <= 500:
        raise ValueError("count must be between 1 and 500")
    makers = (_account, _account, _amount, _amount, _zip)
    return [rng.choice(makers)(rng) for _ in range(count)]
