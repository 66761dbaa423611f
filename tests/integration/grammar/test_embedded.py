"""Embedded mode (no URL): language_tool_python starts its own server from a local copy.

``scripts/languagetool.sh ltp-path`` lays the Maven-fetched jars out as such a local copy.
"""

from __future__ import annotations

import socket
import subprocess
import time
from pathlib import Path

import pytest

from screening.grammar import check, get_client, reset_clients

ROOT = Path(__file__).resolve().parents[3]


def _port_open(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.settimeout(1)
        return s.connect_ex(("127.0.0.1", port)) == 0


def test_embedded_server_from_local_copy_checks_and_stops(monkeypatch: pytest.MonkeyPatch) -> None:
    done = subprocess.run(
        [str(ROOT / "scripts" / "languagetool.sh"), "ltp-path"],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if done.returncode != 0:
        pytest.fail(f"scripts/languagetool.sh ltp-path failed:\n{done.stderr}", pytrace=False)
    ltp_path = done.stdout.strip().splitlines()[-1]
    monkeypatch.setenv("LTP_PATH", ltp_path)
    monkeypatch.delenv("LTP_JAR_DIR_PATH", raising=False)

    started = time.monotonic()
    text = "He go to the store every day."
    matches = check(text, url=None)
    assert time.monotonic() - started < 90
    assert [(m.rule_id, text[m.offset : m.offset + m.length]) for m in matches] == [
        ("HE_VERB_AGR", "go")
    ]
    port = get_client(None).port
    assert _port_open(port)

    reset_clients()
    deadline = time.monotonic() + 15
    while _port_open(port) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not _port_open(port), "the embedded LanguageTool server was not stopped"
