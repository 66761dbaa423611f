"""Screening: applicant screening and skills assessment for remote call-center agents.

``create_app`` builds a configured Flask app; importing the package has no side effects.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from flask import Flask

from screening.config import Settings, load_settings


def create_app(config: dict[str, Any] | Settings | None = None) -> Flask:
    """Build the app from ``SCREENING_*`` variables, optionally overridden.

    ``config`` may be a :class:`Settings` (tests build one per database) or a dict of Flask
    config overrides applied on top of the environment settings.
    """
    from flask_wtf.csrf import CSRFProtect

    from screening import auth, queues
    from screening.db import Database
    from screening.services.autosave import OpenAttempts
    from screening.web import register_blueprints, sessions

    overrides: dict[str, Any] = {}
    if isinstance(config, Settings):
        settings = config
    else:
        settings = load_settings()
        overrides = dict(config or {})

    root = Path(__file__).resolve().parent.parent
    app = Flask(
        __name__,
        instance_path=str(settings.instance_dir),
        template_folder=str(root / "templates"),
        static_folder=str(root / "static"),
    )
    app.config.update(
        SCREENING=settings,
        SECRET_KEY=settings.secret_key,
        SQLALCHEMY_DATABASE_URI=settings.database_url,
        MAX_CONTENT_LENGTH=settings.max_upload_bytes + 1024 * 1024,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.secure_cookies,
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_SECURE=settings.secure_cookies,
        WTF_CSRF_TIME_LIMIT=None,
        # Background-check provider settings, read by services.background_checks.
        BGCHECK_PROVIDER=settings.bgcheck_provider,
        BGCHECK_CHECKR_API_KEY=settings.checkr_api_key,
        BGCHECK_CHECKR_BASE_URL=settings.checkr_base_url,
        BGCHECK_WAITING_BUSINESS_DAYS=settings.bgcheck_waiting_business_days,
    )
    app.config.update(overrides)
    settings.storage_dir.mkdir(parents=True, exist_ok=True)

    Database().init_app(app)
    sessions.init_app(app)
    CSRFProtect(app)
    auth.init_app(app)
    app.extensions["screening.dispatcher"] = queues.make_dispatcher(app)
    app.extensions["screening.open_attempts"] = OpenAttempts()
    register_blueprints(app)

    if not app.debug and not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    return app
