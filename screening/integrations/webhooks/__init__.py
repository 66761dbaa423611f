"""Outbound webhooks per the Standard Webhooks spec (https://www.standardwebhooks.com).

The pieces here know nothing of the database or Flask:

- :mod:`.signing` — ``whsec_`` secrets, ``v1`` HMAC-SHA256 signatures, headers, verification;
- :mod:`.retry` — the retry ladder (about three days), ``Retry-After``, outcome classification;
- :mod:`.url_guard` — SSRF checks: scheme, resolution, refusal of non-public addresses;
- :mod:`.http` — one delivery attempt over a connection pinned to the checked address.

The delivery service (database rows, delivery log, endpoint state) and the RQ job build on
these.
"""

from screening.integrations.webhooks.http import DeliveryResult, post
from screening.integrations.webhooks.retry import (
    LADDER,
    Outcome,
    RetryDecision,
    classify,
    decide,
    next_delay,
)
from screening.integrations.webhooks.signing import (
    InvalidSecret,
    VerifiedMessage,
    WebhookVerificationError,
    build_headers,
    generate_secret,
    new_message_id,
    sign,
    verify,
)
from screening.integrations.webhooks.url_guard import (
    HostResolutionError,
    ResolvedTarget,
    UnsafeURL,
    check_url,
)

__all__ = [
    "LADDER",
    "DeliveryResult",
    "HostResolutionError",
    "InvalidSecret",
    "Outcome",
    "ResolvedTarget",
    "RetryDecision",
    "UnsafeURL",
    "VerifiedMessage",
    "WebhookVerificationError",
    "build_headers",
    "check_url",
    "classify",
    "decide",
    "generate_secret",
    "new_message_id",
    "next_delay",
    "post",
    "sign",
    "verify",
]
