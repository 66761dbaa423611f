"""Jobs (openings) of an organization."""

from __future__ import annotations

import secrets

from sqlalchemy import select

from screening.db import db
from screening.models.job import Job, default_profile
from screening.models.org import Organization
from screening.services.orgs import ServiceError, slugify


def create_job(org: Organization, title: str, *, description: str = "", pay_model: str = "hourly",
               pay_text: str = "", slug: str | None = None) -> Job:
    title = title.strip()
    if not title:
        raise ServiceError("job title is required")
    if pay_model not in ("hourly", "per_call", "per_minute"):
        raise ServiceError("pay model must be hourly, per_call or per_minute")
    slug = slugify(slug or f"{org.slug}-{title}")
    if db.session.scalar(select(Job).where(Job.slug == slug)):
        slug = f"{slug}-{secrets.token_hex(3)}"
    job = Job(org_id=org.id, title=title, description=description, pay_model=pay_model,
              pay_text=pay_text, slug=slug, profile=default_profile())
    db.session.add(job)
    db.session.flush()
    return job
