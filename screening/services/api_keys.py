"""API keys: created with the plain key shown once, stored as a SHA-256 hash, scoped, revocable.

A key reads ``sk_<prefix>_<secret>``: ``prefix`` (8 hex digits) is stored in clear so a key can be
recognised in lists; ``secret`` (43 URL-safe characters, 256 bits) never is. Only the SHA-256 hex
digest of the whole key is kept. Authentication hashes the presented key and looks the digest up
through the unique index, so the time taken does not depend on how much of a guess is right; the
stored digest is then compared again with :func:`hmac.compare_digest`.

Scopes: ``read`` (GET endpoints) and ``write`` (creating candidates). A revoked key is refused from
the first request after the revocation commits.

Functions take the SQLAlchemy session and never commit: the caller owns the transaction.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Iterable, Sequence
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from screening.db import utcnow
from screening.models.api_key import ApiKey
from screening.services.orgs import ServiceError

SCOPES = ("read", "write")
KEY_PREFIX = "sk_"
_KEY_RE = re.compile(r"sk_([0-9a-f]{8})_([A-Za-z0-9_-]{43})")
MAX_PRESENTED_LENGTH = 200
LAST_USED_RESOLUTION = timedelta(minutes=1)


def hash_key(plain: str) -> str:
    """SHA-256 hex digest (64 characters) of a plain key, the only form stored."""
    return hashlib.sha256(plain.encode("utf-8")).hexdigest()


def normalize_scopes(scopes: Iterable[str]) -> list[str]:
    """Sorted, de-duplicated scopes; ``write`` implies ``read``. Raises :class:`ServiceError`
    for an unknown scope or an empty list."""
    chosen = {s.strip().lower() for s in scopes if s.strip()}
    unknown = chosen - set(SCOPES)
    if unknown:
        raise ServiceError(f"unknown scope(s): {', '.join(sorted(unknown))}; use read or write")
    if not chosen:
        raise ServiceError("choose at least one scope (read, write)")
    if "write" in chosen:
        chosen.add("read")
    return sorted(chosen)


def create_key(
    session: Session,
    org_id: int,
    name: str,
    scopes: Sequence[str] = ("read",),
    *,
    created_by: int | None = None,
) -> tuple[ApiKey, str]:
    """Create a key for ``org_id``; return ``(row, plain_key)``. The plain key is not kept."""
    name = name.strip()
    if not name or len(name) > 120:
        raise ServiceError("give the key a name of 1-120 characters")
    prefix = secrets.token_hex(4)
    plain = f"{KEY_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    row = ApiKey(
        org_id=org_id,
        name=name,
        prefix=prefix,
        key_hash=hash_key(plain),
        scopes={"scopes": normalize_scopes(scopes)},
        created_by=created_by,
    )
    session.add(row)
    session.flush()
    return row, plain


def key_scopes(key: ApiKey) -> frozenset[str]:
    """The scopes a key grants."""
    return frozenset((key.scopes or {}).get("scopes", []))


def authenticate(session: Session, presented: str) -> ApiKey | None:
    """The active key matching ``presented``, or ``None`` (malformed, unknown or revoked).

    Sets ``last_used_at`` on success, at most once per :data:`LAST_USED_RESOLUTION` (so a busy
    key does not write on every request); the caller commits.
    """
    if not presented or len(presented) > MAX_PRESENTED_LENGTH or not _KEY_RE.fullmatch(presented):
        return None
    digest = hash_key(presented)
    # populate_existing: a revocation committed elsewhere counts even if this session has
    # the row cached (expire_on_commit is off).
    row = session.scalar(
        select(ApiKey).where(ApiKey.key_hash == digest).execution_options(populate_existing=True)
    )
    if row is None or not hmac.compare_digest(row.key_hash, digest):
        return None
    if row.revoked_at is not None:
        return None
    now = utcnow()
    if row.last_used_at is None or now - row.last_used_at >= LAST_USED_RESOLUTION:
        row.last_used_at = now
    return row


def list_keys(session: Session, org_id: int) -> list[ApiKey]:
    """The organization's keys, newest first (revoked ones included)."""
    return list(
        session.scalars(
            select(ApiKey).where(ApiKey.org_id == org_id).order_by(ApiKey.id.desc())
        )
    )


def revoke(session: Session, org_id: int, key_id: int) -> ApiKey:
    """Revoke a key of ``org_id`` (idempotent). A key of another organization is "not found"."""
    row = session.get(ApiKey, key_id)
    if row is None or row.org_id != org_id:
        raise ServiceError("no such API key")
    if row.revoked_at is None:
        row.revoked_at = utcnow()
    return row
