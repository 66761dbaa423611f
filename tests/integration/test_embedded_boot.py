"""Boot the embedded configuration the way `make run` does and use it as the demo recruiter.

Runs the real console script: `screening db upgrade`, `screening seed-demo`, `screening run`,
with only SCREENING_INSTANCE_DIR set (SQLite, in-process jobs, generated secret key, no Redis).
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from tests.conftest import csrf_token

BIN = Path(sys.executable).parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def embedded_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SCREENING_")}
    env["SCREENING_INSTANCE_DIR"] = str(tmp_path / "instance")
    return env


@pytest.fixture
def server(embedded_env: dict[str, str]) -> Iterator[tuple[str, str]]:
    upgrade = subprocess.run([BIN / "screening", "db", "upgrade"], env=embedded_env,
                             capture_output=True, text=True, timeout=120)
    assert upgrade.returncode == 0, upgrade.stderr
    seed = subprocess.run([BIN / "screening", "seed-demo"], env=embedded_env,
                          capture_output=True, text=True, timeout=120)
    assert seed.returncode == 0, seed.stderr
    port = _free_port()
    proc = subprocess.Popen(
        [BIN / "screening", "run", "--host", "127.0.0.1", "--port", str(port), "--no-reload"],
        env=embedded_env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if requests.get(f"{base}/healthz", timeout=2).status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            output = proc.stdout.read() if proc.poll() is not None and proc.stdout else ""
            assert proc.poll() is None, f"server exited: {output}"
            assert time.monotonic() < deadline, "server did not answer within 30 s"
            time.sleep(0.2)
        yield base, seed.stdout
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        if proc.stdout:
            proc.stdout.close()


def test_make_run_configuration_serves_login_and_demo_job(
    server: tuple[str, str], embedded_env: dict[str, str]
) -> None:
    base, seed_output = server
    login_line = re.search(r"Recruiter login:\s+(\S+) / (\S+)", seed_output)
    apply_line = re.search(r"Apply link:\s+(\S+)", seed_output)
    assert login_line and apply_line, seed_output
    email, password = login_line.groups()

    with requests.Session() as browser:
        page = browser.get(f"{base}/login", timeout=10)
        assert page.status_code == 200 and "Recruiter log in" in page.text
        response = browser.post(f"{base}/login", timeout=10, data={
            "email": email, "password": password, "csrf_token": csrf_token(page.text)})
        assert response.status_code == 200
        assert "Remote Customer Service Agent" in response.text
        apply_path = apply_line.group(1).split("127.0.0.1:5000", 1)[1]
        assert browser.get(f"{base}{apply_path}", timeout=10).status_code == 200

    # The embedded mode kept its generated secret key and SQLite database in the instance dir.
    instance = Path(embedded_env["SCREENING_INSTANCE_DIR"])
    assert (instance / "secret_key").exists() and (instance / "screening.db").exists()
    # Seeding again is harmless (idempotent).
    again = subprocess.run([BIN / "screening", "seed-demo"], env=embedded_env,
                           capture_output=True, text=True, timeout=120)
    assert again.returncode == 0 and email in again.stdout
