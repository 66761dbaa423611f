"""Checkr webhook signatures (pure).

Contract (Checkr API docs, "Webhooks"; Checkr's own examples in
github.com/checkr/webhook-verification-examples): every webhook request carries an
``X-Checkr-Signature`` header holding the lowercase hex HMAC-SHA256 of the raw request body,
keyed with the account's secret API key (the same key used as the HTTP Basic username). There
is no timestamp in the signed content, so receivers de-duplicate by the event ``id``.

Verify against the exact bytes received, before parsing the JSON: re-serialising the parsed
body changes whitespace and key order and breaks the signature.
"""

from __future__ import annotations

import hashlib
import hmac

SIGNATURE_HEADER = "X-Checkr-Signature"


def compute_signature(body: bytes, api_key: str) -> str:
    """Lowercase hex HMAC-SHA256 of ``body`` keyed with ``api_key`` (UTF-8)."""
    if not api_key:
        raise ValueError("the Checkr API key must not be empty")
    return hmac.new(api_key.encode("utf-8"), body, hashlib.sha256).hexdigest()


def verify_signature(body: bytes, signature: str | None, api_key: str) -> bool:
    """True when ``signature`` (the header value) matches ``body`` under ``api_key``.

    Constant-time comparison; surrounding whitespace and hex case are ignored; a missing or
    empty header is ``False``.
    """
    if not signature or not signature.strip():
        return False
    expected = compute_signature(body, api_key).encode("ascii")
    given = signature.strip().lower().encode("utf-8")
    return hmac.compare_digest(expected, given)
