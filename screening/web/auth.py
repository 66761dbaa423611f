"""Recruiter login and logout (CSRF-protected forms, rate-limited failures)."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, Length

from screening.auth import authenticate, login_limiter
from screening.db import db
from screening.services.audit import record

bp = Blueprint("auth", __name__)


class LoginForm(FlaskForm):
    email = EmailField("E-mail", validators=[DataRequired(), Length(max=320)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=200)])


def _safe_next(target: str | None) -> str:
    if target and urlsplit(target).netloc == "" and target.startswith("/"):
        return target
    return url_for("recruiter.dashboard")


@bp.route("/login", methods=["GET", "POST"])
def login() -> Response | str | tuple[str, int]:
    if current_user.is_authenticated:
        return redirect(url_for("recruiter.dashboard"))
    form = LoginForm()
    if request.method == "POST":
        email = (form.email.data or "").strip()
        limiter = login_limiter()
        if email and limiter.blocked(email):
            form.form_errors.append("Too many failed logins for this account. Wait a minute.")
            return render_template("auth/login.html", form=form), 429
        if form.validate_on_submit():
            user = authenticate(email, form.password.data or "")
            if user is not None:
                limiter.reset(email)
                login_user(user)
                record("user.login", org_id=user.org_id, user_id=user.id)
                db.session.commit()
                return redirect(_safe_next(request.args.get("next")))
            limiter.failed(email)
            form.form_errors.append("Wrong e-mail or password.")
            return render_template("auth/login.html", form=form), 401
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
@login_required
def logout() -> Response:
    logout_user()
    flash("You are logged out.")
    return redirect(url_for("auth.login"))
