"""Fixtures for voice uploads and transcription: production mode (PostgreSQL + RQ on the real
Redis), real recordings (the LibriVox clips of the speech tests) and the real Whisper model.

Uploads are dispatched to RQ and stay there until a test runs a worker, so tests that only
upload never load the model. The app uses the same engine settings as the speech tests'
``whisper_engine`` fixture, so one test session loads the model once.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from screening.db import db
from screening.models.attempt import Attempt
from screening.services import candidates as candidate_service
from screening.services.attempts import start_attempt
from screening.services.consents import give_consents
from screening.web.applicant.consent_texts import documents
from tests import factories
from tests.conftest import _truncate_pg, build_app
from tests.integration.speech.conftest import Clip
from tests.integration.speech.conftest import (  # noqa: F401  (fixtures of these tests)
    engine_settings as engine_settings,
)
from tests.integration.speech.conftest import (  # noqa: F401
    librivox_clips as librivox_clips,
)
from tests.integration.speech.conftest import (  # noqa: F401
    speech_testdata as speech_testdata,
)
from tests.unit.speech.audio_builders import webm_opus

AppFactory = Callable[..., Flask]


@pytest.fixture
def make_voice_app(
    tmp_path: Path,
    pg_schema: str,
    redis_url: str,
    engine_settings: dict[str, str | None],  # noqa: F811
) -> Iterator[AppFactory]:
    """Builds production-mode apps (PostgreSQL + Redis) with settings overrides, e.g.
    ``make_voice_app(max_upload_bytes=1024 * 1024)``; cleans the database and Redis after."""
    from redis import Redis

    Redis.from_url(redis_url).flushdb()
    apps: list[Flask] = []

    def make(**overrides: Any) -> Flask:
        settings: dict[str, Any] = {
            "whisper_engine": engine_settings["name"] or "faster-whisper",
            "whisper_model": engine_settings["model"] or "",
            "whisper_compute_type": engine_settings["compute_type"] or "int8",
        }
        settings.update(overrides)
        app = build_app(tmp_path / f"app{len(apps)}", pg_schema, redis_url=redis_url, **settings)
        apps.append(app)
        return app

    yield make
    for app in apps:
        app.extensions["screening.db"].dispose()
    Redis.from_url(redis_url).flushdb()
    _truncate_pg(pg_schema)


@pytest.fixture
def voice_app(make_voice_app: AppFactory) -> Flask:
    """A production-mode app with default settings."""
    return make_voice_app()


@dataclass(frozen=True)
class VoiceApplicant:
    """An applicant who may take tests, with a started voice attempt."""

    token: str
    candidate_id: int
    attempt_id: int
    read_aloud: list[str]
    scenarios: list[str]

    @property
    def prompts(self) -> list[str]:
        return [*self.read_aloud, *self.scenarios]


def voice_applicant(*, retakes: int | None = None) -> VoiceApplicant:
    """Create (inside an app context) an eligible, consenting applicant with a voice attempt."""
    job = factories.job(factories.org())
    if retakes is not None:
        profile = copy.deepcopy(job.profile)
        profile["sections"]["voice"]["retakes"] = retakes
        job.profile = profile
        db.session.commit()
    candidate = factories.candidate(job, eligibility={"answers": {"age_ok": True}})
    give_consents(db.session, candidate, documents(), ip=None, user_agent=None)
    token = candidate_service.issue_token(candidate)
    db.session.commit()
    attempt = start_attempt(db.session, candidate, "voice")
    items = attempt.items["items"]
    return VoiceApplicant(
        token=token,
        candidate_id=candidate.id,
        attempt_id=attempt.id,
        read_aloud=[i["id"] for i in items if i["kind"] == "read_aloud"],
        scenarios=[i["id"] for i in items if i["kind"] == "scenario"],
    )


def set_script(attempt_id: int, prompt_id: str, script: str) -> None:
    """Replace a read-aloud prompt's script in the attempt's stored key."""
    attempt = db.session.get(Attempt, attempt_id)
    assert attempt is not None
    key = copy.deepcopy(attempt.answer_key)
    for prompt in key["prompts"]:
        if prompt["id"] == prompt_id:
            prompt["script"] = script
    attempt.answer_key = key
    db.session.commit()


@pytest.fixture(scope="session")
def clip(librivox_clips: list[Clip]) -> Clip:  # noqa: F811
    """A 7 s LibriVox sentence read clearly (tiny.en transcribes it without errors)."""
    chosen = [c for c in librivox_clips if c.name.endswith("-0870")]
    assert chosen, "LibriVox clip ...-0870 missing from the test data"
    return chosen[0]


@pytest.fixture(scope="session")
def clip_webm(clip: Clip) -> bytes:
    """The clip as Chrome's MediaRecorder sends it: WebM with Opus at 48 kHz."""
    from screening.speech.audio import decode_audio_file

    return webm_opus(decode_audio_file(clip.path).samples)


@pytest.fixture
def embedded_voice_app(
    tmp_path: Path, engine_settings: dict[str, str | None]  # noqa: F811
) -> Iterator[Flask]:
    """Embedded mode: SQLite and the in-process thread runner (no Redis)."""
    import screening.models  # noqa: F401
    from screening.db import Base
    from screening.queues import ThreadDispatcher

    app = build_app(
        tmp_path,
        f"sqlite:///{tmp_path / 'embedded.db'}",
        whisper_engine=engine_settings["name"] or "faster-whisper",
        whisper_model=engine_settings["model"] or "",
        whisper_compute_type=engine_settings["compute_type"] or "int8",
    )
    Base.metadata.create_all(app.extensions["screening.db"].engine)
    yield app
    dispatcher = app.extensions["screening.dispatcher"]
    if isinstance(dispatcher, ThreadDispatcher):
        dispatcher.shutdown()
    app.extensions["screening.db"].dispose()
