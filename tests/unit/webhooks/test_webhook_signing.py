"""Signatures checked against the reference Standard Webhooks Python library."""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from standardwebhooks.webhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError as RefError

from screening.integrations.webhooks.signing import (
    InvalidSecret,
    WebhookVerificationError,
    build_headers,
    decode_secret,
    generate_secret,
    new_message_id,
    sign,
    verify,
)

BODY = b'{"type":"scorecard.ready","timestamp":"2025-01-01T00:00:00Z","data":{"id":"c_1"}}'


def test_generated_secret_is_whsec_base64_of_32_random_bytes():
    first, second = generate_secret(), generate_secret()
    assert first.startswith("whsec_") and second.startswith("whsec_")
    assert len(base64.b64decode(first[len("whsec_") :], validate=True)) == 32
    assert first != second
    assert len(decode_secret(generate_secret(24))) == 24
    with pytest.raises(ValueError):
        generate_secret(16)
    with pytest.raises(ValueError):
        generate_secret(65)


def test_known_answer_from_reference_library_tests():
    # Vector used by the standard-webhooks libraries' own test suites.
    secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    signature = sign(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, b'{"test": 2432232314}')
    assert signature == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


def test_signature_is_hmac_sha256_of_id_timestamp_body():
    secret = generate_secret()
    key = decode_secret(secret)
    expected = hmac.new(key, b"msg_1.1700000000." + BODY, hashlib.sha256).digest()
    assert sign(secret, "msg_1", 1700000000, BODY) == "v1," + base64.b64encode(expected).decode()


def test_headers_verify_with_reference_library():
    secret = generate_secret()
    now = int(time.time())
    headers = build_headers("msg_abc", now, BODY, [secret])

    assert set(headers) == {"webhook-id", "webhook-timestamp", "webhook-signature", "content-type"}
    assert headers["webhook-id"] == "msg_abc"
    assert headers["webhook-timestamp"] == str(now)
    assert headers["content-type"] == "application/json"
    assert Webhook(secret).verify(BODY, headers, json_parse=False) is None
    ref_signature = Webhook(secret).sign("msg_abc", datetime.fromtimestamp(now, UTC), BODY.decode())
    assert headers["webhook-signature"] == ref_signature


@settings(max_examples=60, deadline=None)
@given(
    body=st.text(max_size=300).map(str.encode),
    msg_id=st.from_regex(r"[A-Za-z0-9_\-:]{1,40}", fullmatch=True),
    secret_bytes=st.binary(min_size=24, max_size=64),
)
def test_any_body_and_id_verify_with_reference_library(body, msg_id, secret_bytes):
    secret = "whsec_" + base64.b64encode(secret_bytes).decode()
    headers = build_headers(msg_id, int(time.time()), body, [secret])
    Webhook(secret).verify(body, headers, json_parse=False)
    verify(secret, headers, body)


def test_changing_one_byte_of_the_body_fails_verification():
    secret = generate_secret()
    headers = build_headers("msg_abc", int(time.time()), BODY, [secret])
    for index in (0, len(BODY) // 2, len(BODY) - 1):
        tampered = bytearray(BODY)
        tampered[index] ^= 0x01
        with pytest.raises(RefError):
            Webhook(secret).verify(bytes(tampered), headers, json_parse=False)
        with pytest.raises(WebhookVerificationError, match="no matching signature"):
            verify(secret, headers, bytes(tampered))
    verify(secret, headers, BODY)  # the original still passes


def test_id_and_timestamp_are_covered_by_the_signature():
    secret = generate_secret()
    now = int(time.time())
    headers = build_headers("msg_abc", now, BODY, [secret])
    for name, value in (("webhook-id", "msg_abd"), ("webhook-timestamp", str(now - 1))):
        changed = {**headers, name: value}
        with pytest.raises(RefError):
            Webhook(secret).verify(BODY, changed, json_parse=False)
        with pytest.raises(WebhookVerificationError):
            verify(secret, changed, BODY)


def test_rotation_sends_both_signatures_and_each_secret_verifies():
    new, old, unrelated = generate_secret(), generate_secret(), generate_secret()
    headers = build_headers("msg_rot", int(time.time()), BODY, [new, old])

    parts = headers["webhook-signature"].split(" ")
    assert len(parts) == 2 and all(p.startswith("v1,") for p in parts)
    assert parts[0] == sign(new, "msg_rot", int(headers["webhook-timestamp"]), BODY)
    assert parts[1] == sign(old, "msg_rot", int(headers["webhook-timestamp"]), BODY)
    for secret in (new, old):
        Webhook(secret).verify(BODY, headers, json_parse=False)
        verify(secret, headers, BODY)
    with pytest.raises(RefError):
        Webhook(unrelated).verify(BODY, headers, json_parse=False)
    with pytest.raises(WebhookVerificationError):
        verify(unrelated, headers, BODY)


def test_verify_accepts_reference_signatures_and_any_of_several_secrets():
    secret, other = generate_secret(), generate_secret()
    now = int(time.time())
    signature = Webhook(secret).sign("msg_in", datetime.fromtimestamp(now, UTC), BODY.decode())
    headers = {
        "Webhook-Id": "msg_in",
        "Webhook-Timestamp": str(now),
        "Webhook-Signature": signature,
    }

    verified = verify([other, secret], headers, BODY)

    assert (verified.msg_id, verified.timestamp) == ("msg_in", now)
    with pytest.raises(WebhookVerificationError):
        verify([other], headers, BODY)


def test_verify_skips_unknown_versions_and_garbage_entries():
    secret = generate_secret()
    now = int(time.time())
    good = sign(secret, "msg_x", now, BODY)
    header = f"v1a,AAAA v1,not-base64!! nonsense v2,{good[3:]} {good}"
    verify(
        secret,
        {"webhook-id": "msg_x", "webhook-timestamp": str(now), "webhook-signature": header},
        BODY,
    )
    only_wrong_version = f"v2,{good[3:]}"
    with pytest.raises(WebhookVerificationError):
        verify(
            secret,
            {
                "webhook-id": "msg_x",
                "webhook-timestamp": str(now),
                "webhook-signature": only_wrong_version,
            },
            BODY,
        )


def test_timestamp_tolerance_is_five_minutes_by_default():
    secret = generate_secret()
    sent = 1_700_000_000
    headers = build_headers("msg_t", sent, BODY, [secret])

    verify(secret, headers, BODY, now=sent + 300)
    verify(secret, headers, BODY, now=sent - 300)
    with pytest.raises(WebhookVerificationError, match="too old"):
        verify(secret, headers, BODY, now=sent + 301)
    with pytest.raises(WebhookVerificationError, match="future"):
        verify(secret, headers, BODY, now=sent - 301)
    verify(secret, headers, BODY, now=sent + 3600, tolerance_seconds=3600)


@pytest.mark.parametrize("missing", ["webhook-id", "webhook-timestamp", "webhook-signature"])
def test_missing_header_fails(missing):
    secret = generate_secret()
    headers = build_headers("msg_m", int(time.time()), BODY, [secret])
    del headers[missing]
    with pytest.raises(WebhookVerificationError, match="missing"):
        verify(secret, headers, BODY)


def test_non_integer_timestamp_fails():
    secret = generate_secret()
    headers = build_headers("msg_m", int(time.time()), BODY, [secret])
    headers["webhook-timestamp"] = headers["webhook-timestamp"] + ".5"
    with pytest.raises(WebhookVerificationError, match="integer"):
        verify(secret, headers, BODY)


def test_secret_parsing():
    key = bytes(range(24))
    encoded = base64.b64encode(key).decode()
    assert decode_secret("whsec_" + encoded) == key
    assert decode_secret(encoded) == key
    assert decode_secret("whsec_" + base64.b64encode(b"k" * 25).decode().rstrip("=")) == b"k" * 25
    for bad in ("whsec_", "whsec_!!!!", "whsec_" + base64.b64encode(b"k" * 65).decode()):
        with pytest.raises(InvalidSecret):
            decode_secret(bad)


def test_outbound_ids_and_timestamps_are_validated():
    secret = generate_secret()
    for bad_id in ("", "msg.1", "msg 1", "msg\r\n1", "m" * 256):
        with pytest.raises(ValueError, match="message id"):
            sign(secret, bad_id, 1, BODY)
    for bad_ts in (-1, 1.5, True):
        with pytest.raises(ValueError, match="timestamp"):
            sign(secret, "msg_1", bad_ts, BODY)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        build_headers("msg_1", 1, BODY, [])
    with pytest.raises(TypeError):
        build_headers("msg_1", 1, BODY, secret)


def test_new_message_ids_are_unique_and_signable():
    ids = {new_message_id() for _ in range(100)}
    assert len(ids) == 100
    for msg_id in list(ids)[:3]:
        assert msg_id.startswith("msg_")
        sign(generate_secret(), msg_id, 1, BODY)
