"""Marshmallow schemas of API v1: they validate requests, serialize responses and are the source
of the OpenAPI document (``/api/v1/openapi.json``).

Ids are integers 1 … 2³¹−1 (the database's integer range); larger values are refused with 422
(query and body) or answered 404 (path).
"""

from __future__ import annotations

import re
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate

from screening.models.candidate import STAGES
from screening.models.job import SECTIONS

MAX_ID = 2**31 - 1
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_NAME_PATTERN = r"^[^\x00-\x1f\x7f]*[^\s\x00-\x1f\x7f][^\x00-\x1f\x7f]*$"
"""Printable text with at least one character that is not white space (also in OpenAPI)."""


def _no_control_characters(value: str) -> None:
    if _CONTROL.search(value):
        raise ValidationError("must not contain control characters")


def _id_field(*, strict: bool = False, **kwargs: Any) -> fields.Integer:
    """An id 1 … 2³¹−1; ``strict`` (JSON bodies) refuses strings and floats."""
    return fields.Integer(strict=strict, validate=validate.Range(min=1, max=MAX_ID), **kwargs)


class PageArgs(Schema):
    """Query arguments of every list: ``page`` (1-based) and ``per_page`` (1–100, default 25)."""

    page = fields.Integer(
        load_default=1, validate=validate.Range(min=1, max=100_000),
        metadata={"description": "1-based page number"},
    )
    per_page = fields.Integer(
        load_default=25, validate=validate.Range(min=1, max=100),
        metadata={"description": "items per page, 1-100"},
    )


class CandidateListArgs(PageArgs):
    job_id = _id_field(metadata={"description": "only candidates of this job"})
    stage = fields.String(validate=validate.OneOf(STAGES),
                          metadata={"description": "only candidates in this stage"})


class ScorecardListArgs(PageArgs):
    job_id = _id_field(required=True, metadata={"description": "the job whose ranking to list"})


class JobSchema(Schema):
    id = fields.Integer(required=True)
    title = fields.String(required=True)
    slug = fields.String(required=True)
    description = fields.String(required=True)
    status = fields.String(required=True, metadata={"description": "open, paused or closed"})
    pay_model = fields.String(required=True)
    pay_text = fields.String(required=True)
    language = fields.String(required=True)
    sections = fields.Method("_sections", required=True,
                             metadata={"description": "enabled assessment sections, in the "
                                       "order typing, grammar, math, voice, tenkey"})
    created_at = fields.DateTime(required=True)

    def _sections(self, job: Any) -> list[str]:
        sections = (job.profile or {}).get("sections", {})
        known = [name for name in SECTIONS if name in sections]
        others = sorted(set(sections) - set(SECTIONS))
        return [name for name in known + others if sections[name].get("enabled")]


class CandidateSchema(Schema):
    id = fields.Integer(required=True)
    job_id = fields.Integer(required=True)
    email = fields.String(required=True)
    name = fields.String(required=True)
    stage = fields.String(required=True, metadata={"enum": list(STAGES)})
    source = fields.String(required=True)
    state = fields.String(allow_none=True, required=True,
                          metadata={"description": "US state (2 letters), if given"})
    knocked_out = fields.Boolean(required=True)
    applied_at = fields.DateTime(required=True)
    updated_at = fields.DateTime(required=True)


class SectionScoreSchema(Schema):
    section = fields.String(required=True)
    status = fields.String(required=True)
    score = fields.Float(allow_none=True, required=True, metadata={"description": "0-100"})
    metrics = fields.Dict(allow_none=True, required=True)
    explanation = fields.String(allow_none=True, required=True)
    computed_at = fields.DateTime(allow_none=True, required=True)


class ScorecardSchema(Schema):
    candidate_id = fields.Integer(required=True)
    job_id = fields.Integer(required=True)
    composite = fields.Float(allow_none=True, required=True, metadata={"description": "0-100"})
    percentile = fields.Float(allow_none=True, required=True, metadata={"description": "0-100"})
    rank = fields.Integer(allow_none=True, required=True, metadata={"description": "1 = best"})
    recommendation = fields.String(allow_none=True, required=True,
                                   metadata={"description": "advance, review or reject"})
    complete = fields.Boolean(required=True)
    flagged = fields.Boolean(required=True)
    explanation = fields.Dict(allow_none=True, required=True)
    computed_at = fields.DateTime(required=True)


class RankedScorecardSchema(ScorecardSchema):
    candidate_name = fields.String(required=True)
    candidate_email = fields.String(required=True)
    stage = fields.String(required=True)


class CandidateDetailSchema(CandidateSchema):
    section_scores = fields.List(fields.Nested(SectionScoreSchema), required=True)
    scorecard = fields.Nested(ScorecardSchema, allow_none=True, required=True)


class CandidateCreateSchema(Schema):
    """Invite a candidate: idempotent per (job, e-mail)."""

    job_id = _id_field(required=True, strict=True)
    email = fields.Email(required=True, validate=[validate.Length(max=320),
                                                  _no_control_characters])
    name = fields.String(required=True, validate=[
        validate.Length(min=1, max=200),
        validate.Regexp(_NAME_PATTERN, error="must contain a letter and no control characters"),
    ])


class CandidateInviteSchema(CandidateSchema):
    apply_url = fields.String(
        required=True,
        metadata={"description": "the candidate's personal link (a new token on every call)"},
    )
    created = fields.Boolean(required=True,
                             metadata={"description": "false when the candidate already existed"})


def _page_schema(name: str, item: type[Schema]) -> type[Schema]:
    return Schema.from_dict(
        {
            "items": fields.List(fields.Nested(item), required=True),
            "page": fields.Integer(required=True),
            "per_page": fields.Integer(required=True),
            "total": fields.Integer(required=True),
        },
        name=name,
    )


JobPageSchema = _page_schema("JobPage", JobSchema)
CandidatePageSchema = _page_schema("CandidatePage", CandidateSchema)
ScorecardPageSchema = _page_schema("ScorecardPage", RankedScorecardSchema)


class ErrorSchema(Schema):
    """Every error: HTTP ``code`` and ``status``, ``error`` (snake_case name), ``message``
    (what went wrong, in plain words) and, for invalid input, ``errors`` per field."""

    code = fields.Integer(required=True)
    status = fields.String(required=True)
    error = fields.String(required=True)
    message = fields.String(required=True)
    errors = fields.Dict()
