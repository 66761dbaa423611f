"""The built-in manual provider: the recruiter runs the check elsewhere and records the outcome.

Nothing is sent anywhere and nothing sensitive is stored beyond the status and the result
(clear | consider): no report contents, no identifiers of the applicant.
"""

from __future__ import annotations

from screening.background_checks.providers.base import OrderRequest, OrderResult
from screening.background_checks.rules import CheckStatus


class ManualProvider:
    """Ordering moves the check straight to ``pending``; the recruiter records what follows."""

    name = "manual"
    manual_outcomes = True
    synchronous = True

    def order(self, request: OrderRequest) -> OrderResult:
        return OrderResult(status=CheckStatus.PENDING, provider_ref=None,
                           detail={"provider": self.name})
