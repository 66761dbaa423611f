"""LanguageTool client: check a text, get plain :class:`GrammarMatch` records back.

Two ways to reach LanguageTool, both through ``language_tool_python``:

* **Server URL** (production, tests; the app passes ``SCREENING_LANGUAGETOOL_URL``): an HTTP
  server such as the one ``scripts/languagetool.sh start`` runs on ``http://127.0.0.1:8081``.
  Connecting may take at most :data:`CONNECT_TIMEOUT_S` seconds and a check at most
  :data:`READ_TIMEOUT_S` seconds, so an absent server fails in seconds, never minutes.
* **Embedded** (``url=None``): ``language_tool_python`` starts its own server from a
  LanguageTool it downloaded earlier (``~/.cache/language_tool_python`` or ``LTP_PATH``), or
  from ``LTP_JAR_DIR_PATH``. This client never lets it download (a ~250 MB zip from the
  internet, impossible where only package registries are reachable): with no local copy it
  raises :class:`GrammarUnavailable` at once. Starting is bounded too: at most
  :data:`EMBEDDED_START_ATTEMPTS` ports, each waited on for 15 s (the library's limit),
  instead of the library's default of trying every port from 8081 to 8999.

Every failure to get a check result raises :class:`GrammarUnavailable` (jobs retry on it).

One ``language_tool_python.LanguageTool`` object is kept per ``(url, language)`` and process
(:func:`get_client`). Checks within one process run one at a time: ``language_tool_python``
keeps per-text state on its ``Match`` class while it builds results, which concurrent threads
would mix up. Parallelism comes from running several processes (web, workers), and the
LanguageTool server itself checks ``maxCheckThreads`` texts at once.
"""

from __future__ import annotations

import logging
import os
import threading
from typing import Any

import language_tool_python
from language_tool_python.exceptions import LanguageToolError, ServerError

from screening.grammar.errors import GrammarUnavailable, TextTooLong
from screening.grammar.match import MAX_REPLACEMENTS, GrammarMatch

log = logging.getLogger(__name__)

DEFAULT_LANGUAGE = "en-US"
CONNECT_TIMEOUT_S = 3.0
"""Seconds to wait for a TCP connection to the LanguageTool server."""
READ_TIMEOUT_S = 60.0
"""Seconds to wait for the answer to one request (the server's own limit is 30 s per check,
``maxCheckTimeMillis`` in deploy/languagetool/server.properties)."""
DEFAULT_MAX_CHARS = 20_000
"""Longest text sent, in characters; matches ``maxTextLength`` of the project's server."""
EMBEDDED_START_ATTEMPTS = 2
"""Ports tried when starting an embedded server before giving up."""

_EMBEDDED = "embedded"
_lock = threading.RLock()
_clients: dict[tuple[str, str], language_tool_python.LanguageTool] = {}

_UNAVAILABLE_ERRORS: tuple[type[BaseException], ...] = (
    LanguageToolError,  # connection refused, timeout, non-JSON answer (wrapped by the library)
    OSError,
    KeyError,  # JSON without "matches": not a LanguageTool check endpoint
    TypeError,
    AttributeError,
)


class _BoundedLanguageTool(language_tool_python.LanguageTool):
    """``LanguageTool`` with bounded waits.

    ``language_tool_python`` 3.x waits up to 300 s per request (``_TIMEOUT``, handed to
    ``requests``, which also accepts a ``(connect, read)`` pair) and, when an embedded server
    fails to start, retries on each of ~900 ports. Both are private details of that library,
    overridden here; the tests check that an unreachable server and an embedded mode with
    nothing installed fail within seconds.
    """

    _TIMEOUT = (CONNECT_TIMEOUT_S, READ_TIMEOUT_S)  # type: ignore[assignment]

    def _start_server_on_free_port(self) -> None:
        for attempt in range(1, EMBEDDED_START_ATTEMPTS + 1):
            try:
                self._start_local_server()
                return
            except ServerError:
                self._terminate_server()  # a server that never became ready must not linger
                if attempt == EMBEDDED_START_ATTEMPTS or not self._available_ports:
                    raise
                self._port = self._available_ports.pop()
                self._url = f"http://{self._host}:{self._port}/v2/"


def normalize_url(url: str) -> str:
    """Server base URL without a trailing ``/`` or ``/v2`` (``http://127.0.0.1:8081``).

    Raises ``ValueError`` for anything but an ``http``/``https`` URL with a host.
    """
    from urllib.parse import urlsplit

    cleaned = url.strip().rstrip("/")
    if cleaned.endswith("/v2"):
        cleaned = cleaned[: -len("/v2")]
    parts = urlsplit(cleaned)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        raise ValueError(f"not an http(s) LanguageTool URL: {url!r}")
    return cleaned


def _reason(exc: BaseException) -> str:
    """Short cause of a failed request: "connection refused", "timed out", or the message."""
    import requests

    seen: BaseException | None = exc
    for _ in range(10):  # exception chains are short; never loop on a cyclic one
        if seen is None:
            break
        if isinstance(seen, requests.Timeout):
            return f"no answer within the time limit ({seen.__class__.__name__})"
        if isinstance(seen, requests.ConnectionError):
            return "connection failed (refused, reset or no route)"
        seen = seen.__cause__ or seen.__context__
    text = " ".join(str(exc).split())
    return text if len(text) <= 300 else text[:297] + "..."


def _local_installation_exists() -> bool:
    """True when language_tool_python can start a server without downloading anything."""
    if os.environ.get("LTP_JAR_DIR_PATH"):
        return True
    from language_tool_python.download_lt import LocalLanguageTool

    return bool(LocalLanguageTool.get_installed_versions())


def _new_client(url: str | None, language: str) -> language_tool_python.LanguageTool:
    if url is not None:
        try:
            return _BoundedLanguageTool(language, remote_server=url)
        except _UNAVAILABLE_ERRORS as exc:
            raise GrammarUnavailable(
                f"LanguageTool at {url} is not reachable: {_reason(exc)}", url=url
            ) from exc

    if not _local_installation_exists():
        raise GrammarUnavailable(
            "no LanguageTool server URL is configured (SCREENING_LANGUAGETOOL_URL) and no "
            "local LanguageTool installation exists for language_tool_python to start; "
            "start a server with `scripts/languagetool.sh start` and set "
            "SCREENING_LANGUAGETOOL_URL=http://127.0.0.1:8081"
        )
    from language_tool_python.download_lt import LocalLanguageTool

    installed = LocalLanguageTool.get_installed_versions()
    kwargs: dict[str, Any] = {}
    if installed:
        kwargs["language_tool_download_version"] = max(installed).version_name
    try:
        return _BoundedLanguageTool(language, **kwargs)
    except _UNAVAILABLE_ERRORS as exc:
        raise GrammarUnavailable(f"embedded LanguageTool could not start: {_reason(exc)}") from exc


def get_client(
    url: str | None, language: str = DEFAULT_LANGUAGE
) -> language_tool_python.LanguageTool:
    """The process's ``LanguageTool`` object for ``(url, language)``, created on first use.

    ``url`` is the server base URL (``None`` or ``""``: embedded mode, see the module doc).
    Creating the object asks the server for its languages, so an unreachable server raises
    :class:`GrammarUnavailable` here; a failed creation is not cached. A language the server
    does not support raises ``ValueError``.
    """
    base = normalize_url(url) if url else None
    key = (base or _EMBEDDED, language)
    with _lock:
        client = _clients.get(key)
        if client is None:
            client = _new_client(base, language)
            _clients[key] = client
        return client


def reset_clients() -> None:
    """Forget every cached client and stop the embedded servers this process started."""
    with _lock:
        clients = list(_clients.values())
        _clients.clear()
    for client in clients:
        client.close()


def _to_match(raw: Any) -> GrammarMatch:
    return GrammarMatch(
        offset=int(raw.offset),
        length=int(raw.error_length),
        rule_id=str(raw.rule_id),
        category=str(raw.category),
        message=str(raw.message),
        replacements=tuple(str(r) for r in raw.replacements[:MAX_REPLACEMENTS]),
        issue_type=str(getattr(raw, "rule_issue_type", "") or ""),
        context=str(getattr(raw, "context", "") or ""),
    )


def check(
    text: str,
    *,
    url: str | None,
    language: str = DEFAULT_LANGUAGE,
    max_chars: int = DEFAULT_MAX_CHARS,
) -> list[GrammarMatch]:
    """Check ``text`` with LanguageTool and return its findings, in text order.

    ``url``: LanguageTool server base URL such as ``http://127.0.0.1:8081`` (``None``:
    embedded mode). ``language``: a LanguageTool language code (``en-US``, ``en-GB``, ...).
    Empty or whitespace-only text returns ``[]`` without a request.

    Raises :class:`GrammarUnavailable` when LanguageTool cannot be reached or gives no check
    result (retry later), :class:`TextTooLong` when ``text`` exceeds ``max_chars`` characters,
    ``ValueError`` for a malformed URL or a language the server does not know.
    """
    if not text.strip():
        return []
    if len(text) > max_chars:
        raise TextTooLong(len(text), max_chars)
    where = normalize_url(url) if url else None
    with _lock:
        client = get_client(where, language)
        try:
            raw_matches = client.check(text)
        except _UNAVAILABLE_ERRORS as exc:
            raise GrammarUnavailable(
                f"LanguageTool at {where or 'embedded server'} did not check the text: "
                f"{_reason(exc)}",
                url=where,
            ) from exc
    matches = [_to_match(m) for m in raw_matches]
    matches.sort(key=lambda m: (m.offset, m.length, m.rule_id))
    return matches


def server_version(url: str) -> str:
    """LanguageTool version reported by the server at ``url`` (e.g. ``"6.6"``).

    Uses the same bounded timeouts; raises :class:`GrammarUnavailable` when not reachable.
    """
    import requests

    base = normalize_url(url)
    try:
        response = requests.post(
            f"{base}/v2/check",
            data={"text": "ok", "language": "en-US"},
            timeout=(CONNECT_TIMEOUT_S, READ_TIMEOUT_S),
        )
        response.raise_for_status()
        return str(response.json()["software"]["version"])
    except (requests.RequestException, ValueError, KeyError, TypeError) as exc:
        raise GrammarUnavailable(
            f"LanguageTool at {base} is not reachable: {_reason(exc)}", url=base
        ) from exc
