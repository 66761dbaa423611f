"""The provider interface every background-check adapter implements, and its errors.

A provider turns "order this check for this applicant" into whatever the vendor needs and says
which status the check has afterwards. Status changes after ordering arrive either from the
recruiter (manual provider) or from the vendor's webhooks (HTTP providers); providers never
write to the database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from screening.background_checks.rules import CheckStatus, CheckType


class ProviderError(Exception):
    """Base class: the provider could not do what was asked. ``str(exc)`` is safe to show."""


class ProviderUnavailable(ProviderError):
    """Network error, timeout or a 5xx/429 answer: worth trying again later."""


class ProviderRejected(ProviderError):
    """The provider refused the request (4xx other than 401/429); retrying will not help.

    ``status_code`` is the HTTP status; the message quotes the provider's ``error`` text.
    """

    def __init__(self, message: str, status_code: int | None = None) -> None:
        super().__init__(message)
        self.status_code = status_code


class ProviderAuthError(ProviderRejected):
    """The provider refused our credentials (HTTP 401): the API key is wrong or revoked."""


@dataclass(frozen=True)
class OrderRequest:
    """What a provider needs to order one check.

    ``check_id``: our :class:`~screening.models.background_check.BackgroundCheck` id (sent as
    the vendor's custom id so support can match records). ``work_state``: two-letter US state
    or None.
    """

    check_id: int
    check_type: CheckType
    email: str
    first_name: str
    last_name: str
    work_state: str | None = None


@dataclass(frozen=True)
class OrderResult:
    """The outcome of ordering: the check's new ``status``, the vendor's id of the object
    whose webhooks will follow (``provider_ref``, None for the manual provider) and non-secret
    ``detail`` worth keeping in the event history (ids, the applicant's invitation URL)."""

    status: CheckStatus
    provider_ref: str | None = None
    detail: dict[str, Any] = field(default_factory=dict)


class Provider(Protocol):
    """A background-check vendor adapter.

    ``name``: stored on the check (``manual`` | ``checkr``). ``manual_outcomes``: True when
    the recruiter records status and result by hand (no vendor webhooks). ``synchronous``:
    True when :meth:`order` does no network I/O and may run inside a web request.
    """

    name: str
    manual_outcomes: bool
    synchronous: bool

    def order(self, request: OrderRequest) -> OrderResult:
        """Order the check; raise a :class:`ProviderError` subclass on failure."""
        ...
