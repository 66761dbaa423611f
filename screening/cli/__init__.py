"""The ``screening`` command: a Flask CLI group (``screening --help``)."""

from __future__ import annotations

import importlib
import json
import sys

import click
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext
from sqlalchemy import select

from screening.db import db


def _create_app() -> object:
    from screening import create_app

    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app, add_version_option=False)
def main() -> None:
    """Screening: applicant screening and skills assessment."""


@main.group("db")
def db_group() -> None:
    """Database schema (Alembic migrations)."""


@db_group.command("upgrade")
@click.argument("revision", default="head")
@with_appcontext
def db_upgrade(revision: str) -> None:
    """Migrate the database to REVISION (default: head)."""
    from screening.migrate import upgrade

    upgrade(current_app.config["SQLALCHEMY_DATABASE_URI"], revision)
    click.echo(f"database at {revision}")


@main.command("create-org")
@click.argument("name")
@click.option("--slug", default=None)
@with_appcontext
def create_org_command(name: str, slug: str | None) -> None:
    """Create an organization."""
    from screening.services.orgs import ServiceError, create_org

    try:
        org = create_org(name, slug)
    except ServiceError as exc:
        raise click.ClickException(str(exc)) from None
    db.session.commit()
    click.echo(json.dumps({"id": org.id, "slug": org.slug}))


@main.command("create-user")
@click.option("--org", "org_slug", required=True, help="organization slug")
@click.option("--email", required=True)
@click.option("--name", default="")
@click.option("--role", type=click.Choice(["admin", "recruiter", "viewer"]), default="recruiter")
@click.password_option()
@with_appcontext
def create_user_command(org_slug: str, email: str, name: str, role: str, password: str) -> None:
    """Create a recruiter account in an organization."""
    from screening.models.org import Organization
    from screening.services.orgs import ServiceError, create_user

    org = db.session.scalar(select(Organization).where(Organization.slug == org_slug))
    if org is None:
        raise click.ClickException(f"no organization with slug {org_slug!r}")
    try:
        user = create_user(org, email, name, password, role)
    except ServiceError as exc:
        raise click.ClickException(str(exc)) from None
    db.session.commit()
    click.echo(json.dumps({"id": user.id, "email": user.email, "role": user.role}))


@main.command("seed-demo")
@with_appcontext
def seed_demo_command() -> None:
    """Create the demo organization, recruiter login and job (idempotent); print the details."""
    from screening.services.demo import seed_demo

    info = seed_demo(current_app.config["SCREENING"].public_base_url)
    db.session.commit()
    click.echo(f"Demo organization: {info['org']}")
    click.echo(f"Recruiter login:   {info['email']} / {info['password']}")
    click.echo(f"Demo job:          {info['job']}")
    click.echo(f"Apply link:        {info['apply_url']}")


@main.command("worker")
@click.option("--queues", default="default,audio,webhooks", show_default=True)
@click.option("--burst", is_flag=True, help="exit when the queues are empty")
@with_appcontext
def worker_command(queues: str, burst: bool) -> None:
    """Run an RQ worker (with the scheduler) on the given queues."""
    from screening.workers import run_worker

    if not current_app.config["SCREENING"].redis_url:
        raise click.ClickException(
            "SCREENING_REDIS_URL is not set: in embedded mode jobs run inside the web process"
        )
    ok = run_worker(current_app._get_current_object(),  # type: ignore[attr-defined]
                    [q.strip() for q in queues.split(",") if q.strip()], burst=burst)
    sys.exit(0 if ok else 1)


@main.command("reconcile")
@with_appcontext
def reconcile_command() -> None:
    """Enqueue again the work left queued or running past its deadline."""
    from screening.jobs import reconcile

    keys = reconcile()
    click.echo(json.dumps({"redispatched": keys}))


# Commands contributed by feature modules (each a click.Command in screening/cli/<name>.py).
for _module, _names in {
    "screening.cli.grammar": ("check_grammar",),
    "screening.cli.typing": ("score_typing",),
    "screening.cli.voice": ("transcribe", "score_voice"),
}.items():
    try:
        _mod = importlib.import_module(_module)
    except ImportError:  # pragma: no cover - module not built yet
        continue
    for _name in _names:
        _cmd = getattr(_mod, _name, None)
        if isinstance(_cmd, click.Command):
            main.add_command(_cmd)
