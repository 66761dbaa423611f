"""Blueprints: ``auth`` (recruiter login), ``recruiter`` (workspace), ``applicant`` (apply and
tests), ``voice`` (recording uploads), ``background_checks`` (recruiter panel, applicant FCRA
pages, provider webhooks), the REST API v1 (``api``), plus a health check. Views stay thin:
parse, call a service, render."""

from __future__ import annotations

from flask import Flask, jsonify
from flask.typing import ResponseReturnValue
from sqlalchemy import text

from screening.db import db


def register_blueprints(app: Flask) -> None:
    from screening.web.api import init_api
    from screening.web.applicant import bp as applicant_bp
    from screening.web.auth import bp as auth_bp
    from screening.web.background_checks import bp as background_checks_bp
    from screening.web.errors import register_error_handlers
    from screening.web.greenhouse import bp as greenhouse_bp
    from screening.web.recruiter import bp as recruiter_bp
    from screening.web.voice import bp as voice_bp

    app.register_blueprint(auth_bp)
    app.register_blueprint(recruiter_bp)
    app.register_blueprint(applicant_bp)
    app.register_blueprint(voice_bp)
    app.register_blueprint(background_checks_bp)
    app.register_blueprint(greenhouse_bp)
    init_api(app)
    register_error_handlers(app)

    @app.get("/healthz")
    def healthz() -> ResponseReturnValue:
        db.session.execute(text("SELECT 1"))
        return jsonify(status="ok"), 200
