"""Token-authenticated JSON endpoints are served without the cookie session
(:mod:`screening.web.sessions`); every other endpoint keeps it."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import csrf_token
from tests.integration.applicant.helpers import put_answer, ready_applicant, start


def test_autosave_ignores_the_session_cookie_and_leaves_it_intact(
        app: Flask, client: FlaskClient) -> None:
    token = ready_applicant(app, client)
    assert start(client, token, "math").status_code == 302
    page = client.get(f"/a/{token}/sections/math")
    assert "Cookie" in page.headers.get("Vary", "")  # pages read the session
    cookie = client.get_cookie("session")
    assert cookie is not None  # the forms put a CSRF token into it

    for seq, item in enumerate(("m1", "m2", "m1"), start=1):
        saved = put_answer(client, token, "math", item, seq, seq)
        assert saved.status_code == 200 and saved.get_json()["saved"] is True
        assert "Cookie" not in saved.headers.get("Vary", "")
        assert "Set-Cookie" not in saved.headers
    signal = client.post(f"/a/{token}/sections/math/integrity", json={"kind": "blur"})
    assert signal.status_code == 204 and "Cookie" not in signal.headers.get("Vary", "")

    after = client.get_cookie("session")
    assert after is not None and after.value == cookie.value
    # the page's form still posts with the CSRF token kept in that session
    submitted = client.post(f"/a/{token}/sections/math/submit",
                            data={"csrf_token": csrf_token(page.text)})
    assert submitted.status_code == 302


def test_unknown_urls_with_a_session_cookie_still_get_their_errors(
        app: Flask, client: FlaskClient) -> None:
    token = ready_applicant(app, client)
    assert client.get_cookie("session") is not None
    assert client.get(f"/a/{token}/no-such-page").status_code == 404
    wrong_method = client.get(f"/a/{token}/sections/math/answers/m1")
    assert wrong_method.status_code == 405
