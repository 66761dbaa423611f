"""The web role's gunicorn settings (``deploy/gunicorn.conf.py``)."""

from __future__ import annotations

import gc
import runpy
from pathlib import Path

import pytest

CONF = Path(__file__).resolve().parents[2] / "deploy" / "gunicorn.conf.py"


def test_process_and_thread_counts_come_from_the_environment(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WEB_CONCURRENCY", "3")
    monkeypatch.setenv("WEB_THREADS", "6")
    conf = runpy.run_path(str(CONF))
    assert conf["workers"] == 3 and conf["threads"] == 6
    assert conf["worker_class"] == "gthread"


def test_worker_start_freezes_the_start_up_objects() -> None:
    conf = runpy.run_path(str(CONF))
    assert gc.get_freeze_count() == 0
    try:
        conf["post_worker_init"](None)
        assert gc.get_freeze_count() > 1000  # the modules, functions and classes loaded so far
    finally:
        gc.unfreeze()
