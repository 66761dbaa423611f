"""Checkr webhook signature: Checkr's published example vector, forgeries refused."""

from __future__ import annotations

import pytest

from screening.background_checks.checkr_signature import compute_signature, verify_signature

# From github.com/checkr/webhook-verification-examples (verify_signature.py).
BODY = b'{"monday":"75F","tuesday":"80F"}'
KEY = "test-secret"
SIGNATURE = "b7412f05e981a473b5ecbdb5393afaea02a679db6d7c8e56803512ec4ba98151"


def test_matches_checkr_published_example():
    assert compute_signature(BODY, KEY) == SIGNATURE
    assert verify_signature(BODY, SIGNATURE, KEY) is True


def test_case_and_surrounding_whitespace_ignored():
    assert verify_signature(BODY, f"  {SIGNATURE.upper()}\n", KEY) is True


@pytest.mark.parametrize(
    ("body", "signature", "key"),
    [
        (b'{"monday":"75F","tuesday":"81F"}', SIGNATURE, KEY),  # body altered
        (b'{"monday": "75F", "tuesday": "80F"}', SIGNATURE, KEY),  # re-serialised
        (BODY, SIGNATURE, "other-secret"),  # wrong key
        (BODY, SIGNATURE[:-1] + "0", KEY),  # forged signature
        (BODY, "sha256=" + SIGNATURE, KEY),  # not Checkr's format
        (BODY, "é" * 64, KEY),  # non-ASCII header
        (BODY, "", KEY),
        (BODY, None, KEY),
    ],
)
def test_forgeries_fail(body, signature, key):
    assert verify_signature(body, signature, key) is False


def test_empty_key_is_an_error():
    with pytest.raises(ValueError, match="must not be empty"):
        compute_signature(BODY, "")
