"""Errors raised by the grammar client.

``GrammarUnavailable`` means "try again later" (jobs retry on it); ``TextTooLong`` means the
request itself is wrong and retrying will not help.
"""

from __future__ import annotations


class GrammarError(Exception):
    """Base class of every error raised by :mod:`screening.grammar`."""


class GrammarUnavailable(GrammarError):
    """LanguageTool could not be reached or gave no usable answer; a later retry may succeed.

    Raised when the server refuses the connection, does not answer within the timeouts,
    answers with something that is not a check result (overloaded, restarting, a proxy error
    page), or when no server URL is configured and no local LanguageTool installation exists.
    ``url`` is the server that was tried (``None`` for the embedded, URL-less mode).
    """

    def __init__(self, message: str, *, url: str | None = None) -> None:
        super().__init__(message)
        self.url = url


class TextTooLong(GrammarError, ValueError):
    """The text is longer than the client sends to LanguageTool (``max_chars`` characters)."""

    def __init__(self, length: int, max_chars: int) -> None:
        super().__init__(
            f"text has {length} characters; at most {max_chars} are sent to LanguageTool"
        )
        self.length = length
        self.max_chars = max_chars
