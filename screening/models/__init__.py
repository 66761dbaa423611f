"""All models, one module per aggregate; importing this package registers every table."""

from screening.models.api_key import ApiKey
from screening.models.attempt import Attempt, IntegrityEvent, Response
from screening.models.audit import AuditEvent
from screening.models.background_check import BackgroundCheck, BackgroundCheckEvent
from screening.models.candidate import (
    Candidate,
    Consent,
    EeoSelfId,
    InviteToken,
    Note,
    StageChange,
)
from screening.models.greenhouse import GreenhouseInterview
from screening.models.job import Job
from screening.models.org import Organization, User
from screening.models.score import GrammarCheck, Scorecard, SectionScore
from screening.models.task import Task
from screening.models.voice import VoiceSample
from screening.models.webhook import (
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookMessage,
)

__all__ = [
    "ApiKey",
    "Attempt",
    "AuditEvent",
    "BackgroundCheck",
    "BackgroundCheckEvent",
    "Candidate",
    "Consent",
    "EeoSelfId",
    "GrammarCheck",
    "GreenhouseInterview",
    "IntegrityEvent",
    "InviteToken",
    "Job",
    "Note",
    "Organization",
    "Response",
    "Scorecard",
    "SectionScore",
    "StageChange",
    "Task",
    "User",
    "VoiceSample",
    "WebhookAttempt",
    "WebhookDelivery",
    "WebhookEndpoint",
    "WebhookMessage",
]
