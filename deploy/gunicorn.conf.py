"""Gunicorn settings for the web role.

``gunicorn -c deploy/gunicorn.conf.py 'screening:create_app()'``

Used by the container entrypoint and by ``make bench`` (for the app and its ceiling alike).
Command-line options win over these values; ``WEB_CONCURRENCY`` / ``WEB_THREADS`` set the
process and thread counts.

* ``gthread`` workers: requests mostly wait on PostgreSQL, so threads overlap those waits;
  more than one process uses every core.
* Keep-alive for clients that reuse connections (browsers autosaving, load generators).
* ``post_worker_init`` freezes the garbage collector's view of everything loaded at start-up
  (``gc.freeze()``): the app imports some thousand modules, and without it every full
  collection walks all of them — a stall of tens of milliseconds for every thread of the
  worker, which shows up as tail latency. Objects created while serving are collected as usual.
"""

from __future__ import annotations

import gc
import os
from typing import Any

worker_class = "gthread"
workers = int(os.environ.get("WEB_CONCURRENCY", "4"))
threads = int(os.environ.get("WEB_THREADS", "4"))
keepalive = 30
backlog = 2048
worker_tmp_dir = "/dev/shm"  # noqa: S108 - heartbeat files in memory, as gunicorn advises


def post_worker_init(worker: Any) -> None:
    """Leave the start-up objects out of garbage collection (see the module docstring)."""
    gc.collect()
    gc.freeze()
