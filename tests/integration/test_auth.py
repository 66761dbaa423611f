"""Recruiter login, logout, CSRF and the login rate limit, on SQLite and PostgreSQL."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from tests import factories
from tests.conftest import csrf_token, login


def test_login_page_renders(client: FlaskClient) -> None:
    page = client.get("/login")
    assert page.status_code == 200
    assert 'name="csrf_token"' in page.text


def test_correct_password_logs_in_and_shows_jobs(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        org = factories.org()
        user = factories.user(org)
        factories.job(org, "Night Shift Chat Agent")
        email = user.email
    response = login(client, email)
    assert response.status_code == 302
    dashboard = client.get("/recruiter/")
    assert dashboard.status_code == 200
    assert "Night Shift Chat Agent" in dashboard.text


def test_wrong_password_is_refused(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        email = factories.user(factories.org()).email
    response = login(client, email, "wrong password here")
    assert response.status_code == 401
    assert "Wrong e-mail or password" in response.text
    assert client.get("/recruiter/").status_code == 302  # still sent to the login page


def test_unknown_user_gets_the_same_answer(client: FlaskClient) -> None:
    response = login(client, "nobody@example.com", "whatever-password")
    assert response.status_code == 401
    assert "Wrong e-mail or password" in response.text


def test_sixth_bad_login_in_a_minute_is_429(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        email = factories.user(factories.org()).email
    codes = [login(client, email, f"bad-password-{i}").status_code for i in range(6)]
    assert codes == [401, 401, 401, 401, 401, 429]
    # Even the right password is refused while the account is limited.
    assert login(client, email).status_code == 429


def test_rate_limit_is_per_account(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        org = factories.org()
        victim = factories.user(org).email
        other = factories.user(org).email
    for i in range(6):
        login(client, victim, f"bad-{i}-password")
    assert login(client, other).status_code == 302


def test_post_without_csrf_token_is_400(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        email = factories.user(factories.org()).email
    response = client.post("/login", data={"email": email, "password": factories.PASSWORD})
    assert response.status_code == 400
    assert "Reload the page" in response.text
    assert client.get("/recruiter/").status_code == 302


def test_logout_needs_csrf_and_ends_the_session(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        email = factories.user(factories.org()).email
    login(client, email)
    assert client.post("/logout").status_code == 400
    page = client.get("/recruiter/")
    assert client.post("/logout", data={"csrf_token": csrf_token(page.text)}).status_code == 302
    assert client.get("/recruiter/").status_code == 302


def test_session_cookie_flags(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        email = factories.user(factories.org()).email
    response = login(client, email)
    cookies = response.headers.getlist("Set-Cookie")
    cookie = next(c for c in cookies if c.startswith("session="))
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_login_limit_is_shared_through_redis(rq_app: Flask, tmp_path) -> None:
    """With Redis configured the failed-login count lives there, so every web process sees it:
    five failures on one app instance, then the sixth attempt on another instance is 429."""
    from tests.conftest import build_app

    redis_url = rq_app.config["SCREENING"].redis_url
    with rq_app.app_context():
        email = factories.user(factories.org()).email
    first = rq_app.test_client()
    codes = [login(first, email, f"bad-password-{i}").status_code for i in range(5)]
    assert codes == [401] * 5
    other_process = build_app(tmp_path / "second", rq_app.config["SQLALCHEMY_DATABASE_URI"],
                              redis_url=redis_url)
    try:
        assert login(other_process.test_client(), email, "bad-password-6").status_code == 429
    finally:
        other_process.extensions["screening.db"].dispose()
