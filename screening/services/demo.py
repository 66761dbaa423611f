"""Demo data for ``make run``: an organization, a recruiter login and an open job."""

from __future__ import annotations

from sqlalchemy import select

from screening.db import db
from screening.models.job import Job
from screening.models.org import Organization, User
from screening.services.jobs import create_job
from screening.services.orgs import create_org, create_user

DEMO_ORG_SLUG = "demo-contact-center"
DEMO_EMAIL = "recruiter@demo.example"
DEMO_PASSWORD = "demo-recruiter-pass"  # noqa: S105 - printed on purpose for the local demo
DEMO_JOB_SLUG = "demo-remote-customer-service-agent"


def seed_demo(base_url: str) -> dict[str, str]:
    """Create the demo rows once (idempotent) and return what ``make run`` prints."""
    org = db.session.scalar(select(Organization).where(Organization.slug == DEMO_ORG_SLUG))
    if org is None:
        org = create_org("Demo Contact Center", DEMO_ORG_SLUG)
    if db.session.scalar(select(User).where(User.email == DEMO_EMAIL)) is None:
        create_user(org, DEMO_EMAIL, "Demo Recruiter", DEMO_PASSWORD, "admin")
    job = db.session.scalar(select(Job).where(Job.slug == DEMO_JOB_SLUG))
    if job is None:
        job = create_job(
            org,
            "Remote Customer Service Agent",
            description="Answer inbound calls and chats for a retail client from your home "
            "office. Evening and weekend shifts available.",
            pay_model="hourly",
            pay_text="$15.00 per hour, paid weekly",
            slug=DEMO_JOB_SLUG,
        )
    return {
        "org": org.name,
        "email": DEMO_EMAIL,
        "password": DEMO_PASSWORD,
        "job": job.title,
        "apply_url": f"{base_url}/apply/{job.slug}",
    }
