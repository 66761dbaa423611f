"""Worker process entry point: build the app, preload the models, run an RQ worker.

``python -m workers.rq_worker [queue ...]`` (default: default audio webhooks). Loading the
Whisper model here, before the first job, keeps it in memory for every job of this process
(the ``audio`` queue's workers need it; others skip it).
"""

from __future__ import annotations

import logging
import sys

from flask import Flask

from screening import create_app
from screening.workers import run_worker

log = logging.getLogger("screening.worker")


def preload(app: Flask, queues: list[str]) -> None:
    """Load heavy models once per process (only for queues that need them)."""
    if "audio" not in queues:
        return
    from screening.speech.engines import preload as preload_engine

    settings = app.config["SCREENING"]
    preload_engine(settings.whisper_engine, settings.whisper_model, settings.whisper_compute_type)
    log.info("loaded %s model %s", settings.whisper_engine, settings.whisper_model)


def main(argv: list[str]) -> int:
    queues = argv or ["default", "audio", "webhooks"]
    app = create_app()
    with app.app_context():
        preload(app, queues)
    return 0 if run_worker(app, queues) else 1


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    sys.exit(main(sys.argv[1:]))
