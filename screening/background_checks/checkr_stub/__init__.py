"""A local stand-in for Checkr's background-check API — FOR TESTS ONLY.

Checkr is a commercial service that cannot be reached from the test machine, so this small
Flask app plays it, following Checkr's PUBLISHED contract (docs.checkr.com, API reference):

* HTTP Basic auth with the secret API key as username and an empty password; 401 otherwise.
* ``POST /v1/candidates`` (``email`` required) -> 201 Candidate; ``GET /v1/candidates/:id``.
* ``POST /v1/invitations`` (``candidate_id``, ``package``) -> 201 Invitation, status
  ``pending``, ``invitation_url``, ``expires_at`` 7 days on; ``GET /v1/invitations/:id``.
* ``POST /v1/reports`` (``candidate_id``, ``package``; the candidate needs first/last name, dob
  and middle_name or no_middle_name) -> 201 Report, status ``pending``;
  ``GET /v1/reports/:id``.
* Errors as ``{"error": "<message>"}`` with 400 / 401 / 404.
* Webhooks POSTed to the configured URL as ``{"id", "object": "event", "type", "created_at",
  "webhook_url", "data": {"object": <full object>}}`` (include_object on), with
  ``X-Checkr-Signature`` = hex HMAC-SHA256 of the body keyed with the API key and a
  ``Checkr-Webhook/`` User-Agent. Events: ``invitation.created``, ``invitation.completed``,
  ``invitation.expired``, ``report.created``, ``report.updated``, ``report.suspended``,
  ``report.resumed``, ``report.completed`` (preceded by ``report.updated``, as Checkr does),
  ``report.canceled``, ``report.disputed``, ``report.upgraded``.

Stub-only controls under ``/_stub/`` (same auth) play the candidate and Checkr's back office:
``POST /_stub/invitations/:id/complete`` (the candidate finishes the hosted apply flow; a report
is created), ``POST /_stub/invitations/:id/expire``, ``POST /_stub/reports/:id/status``
(``{"status": ..., "result": ...}``; moves follow ``screening.background_checks.rules``),
``GET /_stub/deliveries`` (webhook delivery log).

Product code never imports this package. Run it alone with
``python -m screening.background_checks.checkr_stub --api-key KEY [--port P]
[--webhook-url URL]`` (listens on 127.0.0.1 only).
"""

from screening.background_checks.checkr_stub.app import Delivery, StubState, create_app
from screening.background_checks.checkr_stub.server import ServerThread

__all__ = ["Delivery", "ServerThread", "StubState", "create_app"]
