"""Background-check providers behind one interface (:class:`Provider`): the built-in
:class:`ManualProvider` and :class:`CheckrProvider` (HTTP, Checkr's API shape).

:func:`provider_from_config` builds the one a check names from Flask-style config values:

* ``BGCHECK_PROVIDER``: provider for new orders, ``manual`` (default) or ``checkr``;
* ``BGCHECK_CHECKR_API_KEY``: Checkr secret key (also the webhook signing key);
* ``BGCHECK_CHECKR_BASE_URL``: default ``https://api.checkr.com``;
* ``BGCHECK_CHECKR_TIMEOUT_S``: per-request timeout in seconds, default 10;
* ``BGCHECK_CHECKR_PACKAGES``: dict check type -> Checkr package slug.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from screening.background_checks.providers.base import (
    OrderRequest,
    OrderResult,
    Provider,
    ProviderAuthError,
    ProviderError,
    ProviderRejected,
    ProviderUnavailable,
)
from screening.background_checks.providers.checkr import CheckrProvider
from screening.background_checks.providers.manual import ManualProvider

PROVIDER_NAMES = ("manual", "checkr")


def records_manually(name: str) -> bool:
    """True when checks of provider ``name`` get their outcome from the recruiter (no
    configuration needed to answer); ``ValueError`` for an unknown name."""
    classes: dict[str, type[ManualProvider] | type[CheckrProvider]] = {
        "manual": ManualProvider, "checkr": CheckrProvider}
    if name not in classes:
        raise ValueError(f"unknown background-check provider {name!r} (known: manual, checkr)")
    return classes[name].manual_outcomes


def provider_from_config(name: str, config: Mapping[str, Any]) -> Provider:
    """The provider called ``name`` configured from ``config``; ``ValueError`` for an unknown
    name or a Checkr provider without an API key."""
    if name == "manual":
        return ManualProvider()
    if name == "checkr":
        return CheckrProvider(
            str(config.get("BGCHECK_CHECKR_API_KEY") or ""),
            str(config.get("BGCHECK_CHECKR_BASE_URL") or "https://api.checkr.com"),
            timeout_s=float(config.get("BGCHECK_CHECKR_TIMEOUT_S") or 10.0),
            packages=config.get("BGCHECK_CHECKR_PACKAGES"),
        )
    raise ValueError(f"unknown background-check provider {name!r} (known: manual, checkr)")


__all__ = [
    "PROVIDER_NAMES",
    "CheckrProvider",
    "ManualProvider",
    "OrderRequest",
    "OrderResult",
    "Provider",
    "ProviderAuthError",
    "ProviderError",
    "ProviderRejected",
    "ProviderUnavailable",
    "provider_from_config",
    "records_manually",
]
