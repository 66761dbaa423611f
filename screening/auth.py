"""Recruiter authentication: Flask-Login wiring, password hashing and the login rate limit.

The rate limit counts *failed* logins per account (lower-cased e-mail) in a moving one-minute
window, in Redis when configured (shared by all web processes) and in memory otherwise. With the
default of 5, the 6th bad attempt within a minute is answered 429 without checking the password.
"""

from __future__ import annotations

from flask import Flask, current_app
from flask_login import LoginManager
from limits import RateLimitItemPerMinute, storage, strategies
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from screening.db import db, utcnow
from screening.models.org import User

PASSWORD_METHOD = "scrypt"  # noqa: S105 - a hash method name, not a password
MIN_PASSWORD_LENGTH = 10


def hash_password(password: str) -> str:
    """scrypt hash (werkzeug) of ``password``; refuses passwords under 10 characters."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValueError(f"password must be at least {MIN_PASSWORD_LENGTH} characters")
    return generate_password_hash(password, method=PASSWORD_METHOD)


class LoginLimiter:
    """Moving-window count of failed logins per account."""

    def __init__(self, storage_uri: str, per_minute: int) -> None:
        self.item = RateLimitItemPerMinute(per_minute)
        self.limiter = strategies.MovingWindowRateLimiter(storage.storage_from_string(storage_uri))

    def blocked(self, email: str) -> bool:
        return not self.limiter.test(self.item, "login", email.strip().lower())

    def failed(self, email: str) -> None:
        self.limiter.hit(self.item, "login", email.strip().lower())

    def reset(self, email: str) -> None:
        self.limiter.clear(self.item, "login", email.strip().lower())


def authenticate(email: str, password: str) -> User | None:
    """The active user with this e-mail and password, or None (same answer for both failures)."""
    user = db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))
    if user is None or not user.active:
        check_password_hash(_DUMMY_HASH, password)  # same work whether or not the user exists
        return None
    if not check_password_hash(user.password_hash, password):
        return None
    user.last_login_at = utcnow()
    return user


_DUMMY_HASH = generate_password_hash("not-a-real-password", method=PASSWORD_METHOD)


def login_limiter() -> LoginLimiter:
    limiter: LoginLimiter = current_app.extensions["screening.login_limiter"]
    return limiter


def init_app(app: Flask) -> None:
    settings = app.config["SCREENING"]
    manager = LoginManager()
    manager.login_view = "auth.login"
    manager.login_message = "Please log in to see that page."
    manager.session_protection = "strong"
    manager.init_app(app)

    @manager.user_loader
    def load_user(user_id: str) -> User | None:
        try:
            uid = int(user_id)
        except ValueError:
            return None
        user = db.session.get(User, uid)
        return user if user is not None and user.active else None

    storage_uri = settings.redis_url or "memory://"
    app.extensions["screening.login_limiter"] = LoginLimiter(
        storage_uri, settings.login_attempts_per_minute
    )
