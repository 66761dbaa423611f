"""HTTP provider in the shape of Checkr's public API (docs.checkr.com, API reference).

Ordering = ``POST /v1/candidates`` (e-mail, names, custom id) then ``POST /v1/invitations``
(candidate id, package, work location): the applicant fills in the rest (date of birth, SSN,
address history) on Checkr's hosted apply form, so none of it passes through this product.
Every check type goes through an invitation: credit and employment verification must
(``rules.INVITATION_ONLY_TYPES``), and a direct report would need a date of birth we never
collect. Status then arrives by webhook (``invitation.completed`` -> pending,
``report.completed`` -> complete, ...), handled by
:func:`screening.services.background_checks.handle_checkr_webhook`.

Auth: HTTP Basic with the secret API key as username and an empty password. Errors come back as
``{"error": "..."}``; they are raised as :class:`ProviderRejected` (4xx),
:class:`ProviderAuthError` (401) or :class:`ProviderUnavailable` (timeouts, connection errors,
429 and 5xx — worth retrying).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import requests

from screening.background_checks.providers.base import (
    OrderRequest,
    OrderResult,
    ProviderAuthError,
    ProviderError,
    ProviderRejected,
    ProviderUnavailable,
)
from screening.background_checks.rules import CheckStatus, CheckType

DEFAULT_BASE_URL = "https://api.checkr.com"
DEFAULT_TIMEOUT_S = 10.0
DEFAULT_PACKAGES: Mapping[str, str] = {
    CheckType.CRIMINAL.value: "basic_criminal",
    CheckType.CREDIT.value: "credit_report",
    CheckType.EMPLOYMENT_VERIFICATION.value: "employment_verification",
}
"""Check type -> Checkr package slug. Packages are set up per Checkr account, so deployments
override this with ``BGCHECK_CHECKR_PACKAGES``."""


class CheckrProvider:
    """Checkr over HTTPS. ``base_url`` without ``/v1`` (default ``https://api.checkr.com``);
    ``timeout_s``: connect and read timeout per request, seconds; ``packages``: check type ->
    package slug."""

    name = "checkr"
    manual_outcomes = False
    synchronous = False

    def __init__(
        self,
        api_key: str,
        base_url: str = DEFAULT_BASE_URL,
        *,
        timeout_s: float = DEFAULT_TIMEOUT_S,
        packages: Mapping[str, str] | None = None,
        session: requests.Session | None = None,
    ) -> None:
        if not api_key:
            raise ValueError("the Checkr provider needs an API key (BGCHECK_CHECKR_API_KEY)")
        if not base_url.startswith(("http://", "https://")):
            raise ValueError(f"Checkr base URL must be http(s), got {base_url!r}")
        self.base_url = base_url.rstrip("/")
        self.timeout_s = timeout_s
        self.packages = dict(packages or DEFAULT_PACKAGES)
        self._session = session or requests.Session()
        self._session.auth = (api_key, "")

    # ------------------------------------------------------------------ HTTP

    def _call(self, method: str, path: str, body: Mapping[str, Any] | None = None) -> Any:
        url = f"{self.base_url}{path}"
        try:
            reply = self._session.request(
                method, url, json=dict(body) if body is not None else None,
                timeout=self.timeout_s, headers={"Accept": "application/json"},
            )
        except requests.Timeout as exc:
            raise ProviderUnavailable(
                f"Checkr did not answer {method} {path} within {self.timeout_s:g} s"
            ) from exc
        except requests.RequestException as exc:
            raise ProviderUnavailable(f"cannot reach Checkr for {method} {path}: {exc}") from exc
        if reply.status_code < 300:
            try:
                return reply.json()
            except ValueError as exc:
                raise ProviderError(f"Checkr sent a non-JSON answer to {method} {path}") from exc
        message = _error_text(reply)
        if reply.status_code == 401:
            raise ProviderAuthError(
                f"Checkr refused the API key ({message}); check BGCHECK_CHECKR_API_KEY", 401
            )
        if reply.status_code == 429 or reply.status_code >= 500:
            raise ProviderUnavailable(
                f"Checkr answered {reply.status_code} to {method} {path}: {message}"
            )
        raise ProviderRejected(
            f"Checkr refused {method} {path} ({reply.status_code}): {message}",
            reply.status_code,
        )

    # ------------------------------------------------------------------ API objects

    def create_candidate(self, request: OrderRequest) -> dict[str, Any]:
        """``POST /v1/candidates``; returns the Candidate object."""
        result: dict[str, Any] = self._call("POST", "/v1/candidates", {
            "email": request.email,
            "first_name": request.first_name,
            "last_name": request.last_name,
            "custom_id": f"check-{request.check_id}",
        })
        return result

    def create_invitation(self, candidate_id: str, package: str,
                          work_state: str | None = None) -> dict[str, Any]:
        """``POST /v1/invitations``; returns the Invitation object (status ``pending``)."""
        body: dict[str, Any] = {"candidate_id": candidate_id, "package": package}
        if work_state:
            body["work_locations"] = [{"country": "US", "state": work_state}]
        result: dict[str, Any] = self._call("POST", "/v1/invitations", body)
        return result

    def create_report(self, candidate_id: str, package: str) -> dict[str, Any]:
        """``POST /v1/reports`` (needs the candidate's names and date of birth at Checkr)."""
        result: dict[str, Any] = self._call(
            "POST", "/v1/reports", {"candidate_id": candidate_id, "package": package}
        )
        return result

    def get_invitation(self, invitation_id: str) -> dict[str, Any]:
        """``GET /v1/invitations/:id``."""
        result: dict[str, Any] = self._call("GET", f"/v1/invitations/{invitation_id}")
        return result

    def get_report(self, report_id: str) -> dict[str, Any]:
        """``GET /v1/reports/:id``."""
        result: dict[str, Any] = self._call("GET", f"/v1/reports/{report_id}")
        return result

    # ------------------------------------------------------------------ Provider

    def order(self, request: OrderRequest) -> OrderResult:
        """Create the Checkr candidate and an invitation; the check becomes ``invited`` and
        ``provider_ref`` is the invitation id (its webhooks name it)."""
        package = self.packages.get(request.check_type.value)
        if not package:
            raise ProviderRejected(
                f"no Checkr package configured for check type {request.check_type.value!r}"
            )
        candidate = self.create_candidate(request)
        invitation = self.create_invitation(str(candidate["id"]), package, request.work_state)
        return OrderResult(
            status=CheckStatus.INVITED,
            provider_ref=str(invitation["id"]),
            detail={
                "provider": self.name,
                "checkr_candidate_id": candidate["id"],
                "invitation_id": invitation["id"],
                "invitation_url": invitation.get("invitation_url"),
                "package": package,
            },
        )


def _error_text(reply: requests.Response) -> str:
    try:
        body = reply.json()
    except ValueError:
        return reply.reason or "no detail"
    if isinstance(body, dict) and body.get("error"):
        return str(body["error"])[:300]
    return reply.reason or "no detail"
