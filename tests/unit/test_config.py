"""Settings: defaults of the embedded mode and clear errors for bad values."""

from __future__ import annotations

from pathlib import Path

import pytest

from screening.config import ConfigError, load_settings


def test_embedded_defaults(tmp_path: Path) -> None:
    s = load_settings({"SCREENING_INSTANCE_DIR": str(tmp_path)})
    assert s.embedded
    assert s.database_url == f"sqlite:///{tmp_path / 'screening.db'}"
    assert s.storage_dir == tmp_path / "storage"
    assert s.secure_cookies is False
    assert s.whisper_model.endswith("model") or s.whisper_model == "tiny.en"


def test_embedded_secret_key_is_generated_once_and_kept(tmp_path: Path) -> None:
    first = load_settings({"SCREENING_INSTANCE_DIR": str(tmp_path)}).secret_key
    second = load_settings({"SCREENING_INSTANCE_DIR": str(tmp_path)}).secret_key
    assert first == second and len(first) >= 32
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600


def test_production_requires_a_secret_key(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="SCREENING_SECRET_KEY is required"):
        load_settings({"SCREENING_INSTANCE_DIR": str(tmp_path),
                       "SCREENING_REDIS_URL": "redis://127.0.0.1:6379/0"})


def test_production_mode_marks_cookies_secure(tmp_path: Path) -> None:
    s = load_settings({"SCREENING_INSTANCE_DIR": str(tmp_path),
                       "SCREENING_REDIS_URL": "redis://127.0.0.1:6379/0",
                       "SCREENING_SECRET_KEY": "x" * 32})
    assert not s.embedded and s.secure_cookies


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("SCREENING_DATABASE_URL", "mysql://x/y", "SCREENING_DATABASE_URL must be"),
        ("SCREENING_REDIS_URL", "localhost:6379", "SCREENING_REDIS_URL must be a URL"),
        ("SCREENING_LANGUAGETOOL_URL", "ftp://x", "SCREENING_LANGUAGETOOL_URL must be a URL"),
        ("SCREENING_MAX_UPLOAD_BYTES", "ten", "SCREENING_MAX_UPLOAD_BYTES must be an integer"),
        ("SCREENING_MAX_UPLOAD_BYTES", "0", "must be at least 1"),
        ("SCREENING_SECURE_COOKIES", "maybe", "SCREENING_SECURE_COOKIES must be true or false"),
        ("SCREENING_WHISPER_ENGINE", "vosk", "SCREENING_WHISPER_ENGINE must be"),
        ("SCREENING_SECRET_KEY", "short", "at least 16 characters"),
        ("SCREENING_BGCHECK_PROVIDER", "sterling", "SCREENING_BGCHECK_PROVIDER must be one of"),
        ("SCREENING_PERIODIC_SECONDS", "-1", "must be at least 0"),
    ],
)
def test_bad_values_fail_fast_naming_the_variable(
    tmp_path: Path, name: str, value: str, message: str
) -> None:
    with pytest.raises(ConfigError, match=message):
        load_settings({"SCREENING_INSTANCE_DIR": str(tmp_path), name: value})


def test_postgres_urls_use_psycopg3(tmp_path: Path) -> None:
    s = load_settings({"SCREENING_INSTANCE_DIR": str(tmp_path),
                       "SCREENING_DATABASE_URL": "postgres://u@127.0.0.1/db"})
    assert s.database_url == "postgresql+psycopg://u@127.0.0.1/db"
