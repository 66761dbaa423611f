"""Test-data builders: each makes a valid row with sensible defaults and commits it."""

from __future__ import annotations

import itertools
from typing import Any

from screening.db import db
from screening.models.candidate import Candidate
from screening.models.job import Job
from screening.models.org import Organization, User
from screening.services import candidates as candidate_service
from screening.services.jobs import create_job
from screening.services.orgs import create_org, create_user

PASSWORD = "correct horse battery"  # noqa: S105
_seq = itertools.count(1)


def org(name: str | None = None) -> Organization:
    n = next(_seq)
    row = create_org(name or f"Org {n}", f"org-{n}")
    db.session.commit()
    return row


def user(organization: Organization, role: str = "recruiter", **kw: Any) -> User:
    n = next(_seq)
    row = create_user(organization, kw.get("email", f"user{n}@example.com"),
                      kw.get("name", f"User {n}"), kw.get("password", PASSWORD), role)
    db.session.commit()
    return row


def job(organization: Organization, title: str | None = None) -> Job:
    row = create_job(organization, title or f"Agent {next(_seq)}")
    db.session.commit()
    return row


def candidate(j: Job, **kw: Any) -> Candidate:
    n = next(_seq)
    row, _ = candidate_service.apply(j, email=kw.get("email", f"applicant{n}@example.com"),
                                     name=kw.get("name", f"Applicant {n}"))
    for key, value in kw.items():
        if key not in ("email", "name"):
            setattr(row, key, value)
    db.session.commit()
    return row
