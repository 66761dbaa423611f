"""Organizations and recruiter accounts."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from screening.auth import hash_password
from screening.db import db
from screening.models.org import ROLES, Organization, User


class ServiceError(ValueError):
    """Bad input for a use case; the message is safe to show to the user."""


def slugify(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug or "item"


def create_org(name: str, slug: str | None = None) -> Organization:
    name = name.strip()
    if not name:
        raise ServiceError("organization name is required")
    slug = slugify(slug or name)
    if db.session.scalar(select(Organization).where(Organization.slug == slug)):
        raise ServiceError(f"an organization with slug {slug!r} already exists")
    org = Organization(name=name, slug=slug)
    db.session.add(org)
    db.session.flush()
    return org


def create_user(org: Organization, email: str, name: str, password: str, role: str) -> User:
    email = email.strip().lower()
    if "@" not in email:
        raise ServiceError(f"not an e-mail address: {email!r}")
    if role not in ROLES:
        raise ServiceError(f"role must be one of {', '.join(ROLES)}")
    if db.session.scalar(select(User).where(func.lower(User.email) == email)):
        raise ServiceError(f"a user with e-mail {email} already exists")
    try:
        password_hash = hash_password(password)
    except ValueError as exc:
        raise ServiceError(str(exc)) from None
    user = User(org_id=org.id, email=email, name=name.strip() or email, role=role,
                password_hash=password_hash)
    db.session.add(user)
    db.session.flush()
    return user
