"""The consent texts shown to applicants, shipped as package data (``*.txt``, UTF-8).

The first line of each file is its title; the rest is shown paragraph by paragraph, word for
word. The consent's ``text_version`` is the SHA-256 of the whole file as read here, so the hash
always matches exactly what the applicant saw.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

from screening.services.consents import SignedText

KINDS = ("voice_recording", "automated_assessment", "terms")
"""Consents needed before the tests, in the order they are shown."""


class ConsentText(SignedText):
    """One consent document (``kind`` in :data:`KINDS`)."""


@cache
def consent_texts() -> dict[str, ConsentText]:
    """Every consent document by kind, read once per process."""
    folder = resources.files(__name__)
    return {
        kind: ConsentText(kind, folder.joinpath(f"{kind}.txt").read_text(encoding="utf-8"))
        for kind in KINDS
    }


def documents() -> dict[str, str]:
    """kind -> exact text, as :mod:`screening.services.consents` takes them."""
    return {kind: doc.text for kind, doc in consent_texts().items()}
