"""CSRF exemptions for endpoints authenticated by something a cross-site page cannot know (an
invite token in the URL, a provider's signature, an API key)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint
from flask.blueprints import BlueprintSetupState


def exempt_from_csrf(bp: Blueprint, *views: Callable[..., Any] | Blueprint) -> None:
    """Exempt ``views`` (default: all of ``bp``) from Flask-WTF's CSRF check once ``bp`` is
    registered on an app."""
    targets = views or (bp,)

    def _exempt(state: BlueprintSetupState) -> None:
        csrf = state.app.extensions.get("csrf")
        if csrf is not None:
            for target in targets:
                csrf.exempt(target)

    bp.record_once(_exempt)
