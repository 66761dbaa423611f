"""Client behaviour that needs no LanguageTool server: input checks, URLs, embedded mode."""

from __future__ import annotations

import socket
import time
from pathlib import Path

import pytest

from screening.grammar import (
    GrammarUnavailable,
    TextTooLong,
    check,
    normalize_url,
    reset_clients,
)


def closed_port_url() -> str:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://127.0.0.1:8081", "http://127.0.0.1:8081"),
        ("http://127.0.0.1:8081/", "http://127.0.0.1:8081"),
        ("http://127.0.0.1:8081/v2", "http://127.0.0.1:8081"),
        (" http://lt.internal:8010/v2/ ", "http://lt.internal:8010"),
        ("https://lt.example/api", "https://lt.example/api"),
    ],
)
def test_normalize_url(url: str, expected: str) -> None:
    assert normalize_url(url) == expected


@pytest.mark.parametrize("url", ["127.0.0.1:8081", "ftp://host/", "http://", "nonsense"])
def test_normalize_url_rejects_non_http(url: str) -> None:
    with pytest.raises(ValueError, match="not an http"):
        normalize_url(url)


def test_blank_text_needs_no_server() -> None:
    # The port is closed: any request would raise GrammarUnavailable.
    assert check("", url=closed_port_url()) == []
    assert check(" \n\t", url=closed_port_url()) == []


def test_too_long_text_is_refused_before_any_request() -> None:
    with pytest.raises(TextTooLong) as info:
        check("word " * 10, url=closed_port_url(), max_chars=20)
    assert info.value.length == 50
    assert info.value.max_chars == 20
    assert isinstance(info.value, ValueError)


def test_embedded_mode_without_local_languagetool_fails_fast(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No URL and nothing installed: a clear GrammarUnavailable at once, never a download."""
    monkeypatch.setenv("LTP_PATH", str(tmp_path))
    monkeypatch.delenv("LTP_JAR_DIR_PATH", raising=False)
    reset_clients()
    started = time.monotonic()
    with pytest.raises(GrammarUnavailable) as info:
        check("This is a sentence.", url=None)
    assert time.monotonic() - started < 2.0
    message = str(info.value)
    assert "SCREENING_LANGUAGETOOL_URL" in message
    assert "scripts/languagetool.sh start" in message
    assert list(tmp_path.iterdir()) == []  # nothing was downloaded or unpacked
