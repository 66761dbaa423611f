"""The eligibility page's connection test: ping and download endpoints, and the measured
values stored with the eligibility answers (information for the recruiter, never a knockout)."""

from __future__ import annotations

import zlib

from flask import Flask
from flask.testing import FlaskClient

from screening.db import db
from screening.models.candidate import Candidate
from screening.scoring.eligibility import (
    ConnectionMeasurement,
    EligibilityAnswers,
    connection_flags,
    parse_measurement,
)
from screening.web.applicant.speedtest import DEFAULT_BYTES, MAX_BYTES
from tests.integration.applicant.helpers import (
    answer_eligibility,
    apply,
    candidate_of,
    make_job,
)


def _token(app: Flask, client: FlaskClient, **knockouts: object) -> str:
    return apply(client, make_job(app, **knockouts))


def test_ping_is_tiny_private_and_needs_a_token(app: Flask, client: FlaskClient) -> None:
    token = _token(app, client)
    response = client.get(f"/a/{token}/speedtest/ping")
    assert response.status_code == 204
    assert response.data == b""
    assert "no-store" in response.headers["Cache-Control"]
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert client.get("/a/not-a-token/speedtest/ping").status_code == 404


def test_download_is_random_capped_and_private(app: Flask, client: FlaskClient) -> None:
    token = _token(app, client)
    url = f"/a/{token}/speedtest/download"
    default = client.get(url)
    assert default.status_code == 200
    assert len(default.data) == DEFAULT_BYTES
    assert default.headers["Content-Type"] == "application/octet-stream"
    assert "no-store" in default.headers["Cache-Control"]
    small = client.get(f"{url}?bytes=20000")
    assert len(small.data) == 20000 and small.headers["X-Speedtest-Bytes"] == "20000"
    # incompressible: zlib cannot shrink random bytes, and two downloads differ
    assert len(zlib.compress(small.data, 9)) >= len(small.data)
    assert client.get(f"{url}?bytes=20000").data != small.data
    huge = client.get(f"{url}?bytes={50 * MAX_BYTES}")
    assert huge.status_code == 200
    assert len(huge.data) == MAX_BYTES == 5_000_000
    assert huge.headers["X-Speedtest-Bytes"] == str(MAX_BYTES)
    for bad in ("0", "-5", "abc", "1.5", ""):
        assert client.get(f"{url}?bytes={bad}").status_code == 400, bad
    assert client.get("/a/not-a-token/speedtest/download?bytes=10").status_code == 404


def test_eligibility_page_carries_the_measurement_fields(app: Flask, client: FlaskClient) -> None:
    token = _token(app, client)
    page = client.get(f"/a/{token}/eligibility")
    assert 'name="measured_mbps"' in page.text
    assert 'name="measured_latency_ms"' in page.text
    assert f'data-ping-url="/a/{token}/speedtest/ping"' in page.text
    assert "assessment.js" in page.text


def test_measured_values_are_stored_and_flagged_but_never_knock_out(
        app: Flask, client: FlaskClient) -> None:
    token = _token(app, client, min_download_mbps=25)
    response = answer_eligibility(client, token, download_mbps="100", measured_mbps="4.25",
                                  measured_latency_ms="412.5")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/a/{token}")
    candidate = candidate_of(app)
    assert candidate.knocked_out is False  # the self-report (100) meets the minimum (25)
    assert candidate.eligibility is not None
    measured = candidate.eligibility["measured"]
    assert measured["download_mbps"] == 4.25 and measured["latency_ms"] == 412.5
    codes = [f["code"] for f in measured["flags"]]
    assert codes == ["measured_below_minimum", "measured_below_self_report", "high_latency"]
    assert "25 Mbps" in measured["flags"][0]["message"]
    assert candidate.eligibility["answers"]["download_mbps"] == 100.0


def test_a_low_self_report_still_knocks_out_whatever_was_measured(
        app: Flask, client: FlaskClient) -> None:
    token = _token(app, client, min_download_mbps=25)
    answer_eligibility(client, token, download_mbps="5", measured_mbps="300",
                       measured_latency_ms="12")
    candidate = candidate_of(app)
    assert candidate.knocked_out is True
    assert candidate.knockout_reasons is not None
    assert candidate.knockout_reasons["rules"] == ["min_download_mbps"]
    assert candidate.eligibility is not None
    assert candidate.eligibility["measured"] == {"download_mbps": 300.0, "latency_ms": 12.0,
                                                 "flags": []}


def test_missing_or_malformed_measurements_are_stored_as_not_measured(
        app: Flask, client: FlaskClient) -> None:
    token = _token(app, client)
    response = answer_eligibility(client, token, measured_mbps="fast",
                                  measured_latency_ms="-3")
    assert response.status_code == 302
    with app.app_context():
        row = db.session.get(Candidate, candidate_of(app).id)
        assert row is not None and row.eligibility is not None
        assert row.eligibility["measured"] == {"download_mbps": None, "latency_ms": None,
                                               "flags": []}
        assert row.knocked_out is False


def _answers(mbps: float) -> EligibilityAnswers:
    return EligibilityAnswers(state="TX", meets_min_age=True, age_asked=18, evening=True,
                              weekend=True, weekly_hours=30, headset=True, computer="windows",
                              download_mbps=mbps)


def test_connection_flag_thresholds() -> None:
    rules = {"min_download_mbps": 10}
    ok = connection_flags(rules, _answers(40), ConnectionMeasurement(20.0, 300.0))
    assert ok == []  # exactly half the self-report and exactly 300 ms are not flagged
    low = connection_flags(rules, _answers(40), ConnectionMeasurement(19.99, 300.1))
    assert [f.rule for f in low] == ["measured_below_self_report", "high_latency"]
    assert [f.rule for f in connection_flags({}, _answers(0), ConnectionMeasurement(0.5, None))
            ] == []  # no minimum, no self-report to compare with
    assert connection_flags(rules, _answers(40), ConnectionMeasurement(None, None)) == []
    assert parse_measurement({"measured_mbps": " 12.345 ", "measured_latency_ms": "inf"}) == (
        ConnectionMeasurement(12.35, None))
    assert parse_measurement({}) == ConnectionMeasurement(None, None)
    assert parse_measurement({"measured_mbps": "nan", "measured_latency_ms": "60001"}) == (
        ConnectionMeasurement(None, None))
