"""Standard Webhooks symmetric signatures (scheme ``v1``, HMAC-SHA256).

Contract (https://www.standardwebhooks.com, "Signature scheme" and "Webhook headers"):

- a secret is serialized as ``whsec_`` + standard base64 of 24–64 random bytes;
- the signed content is ``{msg_id}.{timestamp}.{body}`` where ``timestamp`` is integer Unix
  seconds and ``body`` the exact bytes sent;
- a signature is ``v1,`` + base64 of the 32-byte HMAC-SHA256 digest;
- ``webhook-signature`` holds one or more signatures separated by single spaces — two while a
  secret is being rotated (new and old), so receivers holding either secret keep verifying.

Receivers must compare in constant time and refuse timestamps outside a tolerance window
(default five minutes) to stop replays; :func:`verify` does both.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
import secrets as _secrets
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

SECRET_PREFIX = "whsec_"  # noqa: S105 - the serialization prefix, not a secret
SIGNATURE_VERSION = "v1"
MIN_SECRET_BYTES = 24
MAX_SECRET_BYTES = 64
DEFAULT_SECRET_BYTES = 32
DEFAULT_TOLERANCE_SECONDS = 5 * 60

HEADER_ID = "webhook-id"
HEADER_TIMESTAMP = "webhook-timestamp"
HEADER_SIGNATURE = "webhook-signature"

# Outbound ids must not contain "." (it delimits the signed content) nor anything that could
# break a header line; the spec recommends ids the sender controls.
_MSG_ID_RE = re.compile(r"[A-Za-z0-9_\-:]{1,255}")
_TIMESTAMP_RE = re.compile(r"[0-9]{1,12}")


class InvalidSecret(ValueError):
    """The secret is not ``whsec_`` + base64 of a non-empty key (or is the wrong length)."""


class WebhookVerificationError(Exception):
    """An inbound webhook failed verification; ``str(exc)`` says why (safe to log)."""


@dataclass(frozen=True)
class VerifiedMessage:
    """What :func:`verify` vouches for: the sender's message id (use it as an idempotency
    key) and the attempt timestamp in Unix seconds."""

    msg_id: str
    timestamp: int


def generate_secret(num_bytes: int = DEFAULT_SECRET_BYTES) -> str:
    """Return a new ``whsec_<base64>`` secret of ``num_bytes`` random bytes (24–64)."""
    if not MIN_SECRET_BYTES <= num_bytes <= MAX_SECRET_BYTES:
        raise ValueError(
            f"secret length must be {MIN_SECRET_BYTES}-{MAX_SECRET_BYTES} bytes, got {num_bytes}"
        )
    return SECRET_PREFIX + base64.b64encode(_secrets.token_bytes(num_bytes)).decode("ascii")


def new_message_id() -> str:
    """Return a fresh random message id, ``msg_`` + 32 hex digits.

    A message id names one event for one endpoint and stays the same across retries and
    manual redeliveries (it is the receiver's idempotency key)."""
    return "msg_" + _secrets.token_hex(16)


def decode_secret(secret: str) -> bytes:
    """Return the key bytes of ``secret``.

    Accepts ``whsec_<base64>`` and, like the reference library, bare base64 (as some
    providers hand out); padding may be omitted. Raises :class:`InvalidSecret` for anything
    that is not strict base64 or decodes to zero or more than 64 bytes.
    """
    if not isinstance(secret, str):
        raise InvalidSecret("webhook secret must be a string")
    encoded = secret[len(SECRET_PREFIX) :] if secret.startswith(SECRET_PREFIX) else secret
    encoded += "=" * (-len(encoded) % 4)
    try:
        key = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise InvalidSecret("webhook secret is not valid base64 after the whsec_ prefix") from exc
    if not key:
        raise InvalidSecret("webhook secret is empty")
    if len(key) > MAX_SECRET_BYTES:
        raise InvalidSecret(f"webhook secret is longer than {MAX_SECRET_BYTES} bytes")
    return key


def _check_msg_id(msg_id: str) -> None:
    if not isinstance(msg_id, str) or not _MSG_ID_RE.fullmatch(msg_id):
        raise ValueError(
            "message id must be 1-255 characters from A-Z a-z 0-9 _ - : (no '.', no spaces)"
        )


def _check_timestamp(timestamp: int) -> None:
    if isinstance(timestamp, bool) or not isinstance(timestamp, int) or timestamp < 0:
        raise ValueError("timestamp must be a non-negative int of Unix seconds")


def _digest(key: bytes, msg_id: str, timestamp: int, body: bytes) -> bytes:
    content = f"{msg_id}.{timestamp}.".encode() + body
    return hmac.new(key, content, hashlib.sha256).digest()


def sign(secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    """Return ``v1,<base64 HMAC-SHA256(key, "{msg_id}.{timestamp}.{body}")>``.

    ``timestamp`` is integer Unix seconds; ``body`` must be the exact bytes that will be
    sent. Raises :class:`InvalidSecret` or :class:`ValueError` on malformed input.
    """
    _check_msg_id(msg_id)
    _check_timestamp(timestamp)
    if not isinstance(body, bytes):
        raise TypeError("body must be bytes (the exact payload sent)")
    digest = _digest(decode_secret(secret), msg_id, timestamp, body)
    return f"{SIGNATURE_VERSION},{base64.b64encode(digest).decode('ascii')}"


def build_headers(
    msg_id: str, timestamp: int, body: bytes, secrets: Sequence[str]
) -> dict[str, str]:
    """Return the headers of one delivery attempt.

    ``secrets`` lists the endpoint's active secrets, newest first; during a rotation pass
    two (new, old) and ``webhook-signature`` carries both signatures, space-separated, in
    that order. Keys are lower-case: ``webhook-id``, ``webhook-timestamp``,
    ``webhook-signature``, ``content-type`` (``application/json``).
    """
    if isinstance(secrets, str):
        raise TypeError("secrets must be a sequence of secrets, not one string")
    if not secrets:
        raise ValueError("at least one secret is required to sign a webhook")
    signatures = [sign(secret, msg_id, timestamp, body) for secret in secrets]
    return {
        HEADER_ID: msg_id,
        HEADER_TIMESTAMP: str(timestamp),
        HEADER_SIGNATURE: " ".join(signatures),
        "content-type": "application/json",
    }


def _candidate_signatures(header: str) -> list[bytes]:
    """Decoded ``v1`` signatures of a ``webhook-signature`` header; others are skipped."""
    found: list[bytes] = []
    for item in header.split():
        version, sep, encoded = item.partition(",")
        if not sep or version != SIGNATURE_VERSION:
            continue
        try:
            found.append(base64.b64decode(encoded, validate=True))
        except (binascii.Error, ValueError):
            continue
    return found


def verify(
    secret: str | Sequence[str],
    headers: Mapping[str, str],
    body: bytes,
    *,
    tolerance_seconds: int = DEFAULT_TOLERANCE_SECONDS,
    now: int | None = None,
) -> VerifiedMessage:
    """Verify an inbound Standard Webhooks request; return its id and timestamp.

    ``secret`` is one secret or several (a receiver in the middle of a rotation); header
    names are matched case-insensitively; ``body`` is the raw request body. The timestamp
    must lie within ``tolerance_seconds`` of ``now`` (Unix seconds, default the clock).
    Every ``v1`` signature is compared in constant time against every secret; one match is
    enough. Raises :class:`WebhookVerificationError` (missing headers, bad timestamp, too
    old / too new, no matching signature) or :class:`InvalidSecret`.
    """
    keys = [decode_secret(s) for s in ([secret] if isinstance(secret, str) else secret)]
    if not keys:
        raise InvalidSecret("at least one secret is required to verify a webhook")
    lowered = {name.lower(): value for name, value in headers.items()}
    msg_id = lowered.get(HEADER_ID, "")
    timestamp_text = lowered.get(HEADER_TIMESTAMP, "")
    signature_header = lowered.get(HEADER_SIGNATURE, "")
    if not (msg_id and timestamp_text and signature_header):
        raise WebhookVerificationError(
            "missing webhook-id, webhook-timestamp or webhook-signature header"
        )
    if not _TIMESTAMP_RE.fullmatch(timestamp_text.strip()):
        raise WebhookVerificationError("webhook-timestamp is not integer Unix seconds")
    timestamp = int(timestamp_text.strip())
    current = int(time.time()) if now is None else now
    if timestamp < current - tolerance_seconds:
        raise WebhookVerificationError("webhook-timestamp is too old")
    if timestamp > current + tolerance_seconds:
        raise WebhookVerificationError("webhook-timestamp is too far in the future")
    candidates = _candidate_signatures(signature_header)
    matched = False
    for key in keys:
        expected = _digest(key, msg_id, timestamp, body)
        for candidate in candidates:
            # No early exit: the work done does not depend on which signature matched.
            matched |= hmac.compare_digest(expected, candidate)
    if not matched:
        raise WebhookVerificationError("no matching signature")
    return VerifiedMessage(msg_id=msg_id, timestamp=timestamp)
