"""Who pays: applicant-paid checks refused where state law forbids them (data-driven)."""

from __future__ import annotations

import pytest

from screening.background_checks.rules import (
    PaymentRefused,
    applicant_paid_allowed,
    check_payment_terms,
    restricted_fee_states,
)


def test_data_file_lists_the_required_states_with_citations():
    data = restricted_fee_states()
    for code in ("CA", "MN", "VT", "IA", "LA"):
        entry = data[code]
        assert entry["citations"], code
        assert entry["level"] in ("prohibited", "restricted")
        assert entry["notes"]
    assert "Minn. Stat. § 181.645" in data["MN"]["citations"]
    assert any("Lab. Code §§ 450-452" in c for c in data["CA"]["citations"])


def test_california_applicant_paid_refused():
    allowed, reason = applicant_paid_allowed("CA")
    assert allowed is False
    assert reason.startswith("California does not allow charging applicants")
    assert "Cal. Lab. Code §§ 450-452" in reason


@pytest.mark.parametrize("code", ["MN", "VT", "IA", "LA", "KY", "ca", " mn "])
def test_other_listed_states_refused(code):
    allowed, _reason = applicant_paid_allowed(code)
    assert allowed is False


@pytest.mark.parametrize("code", ["TX", "FL", "NY", "DC", "AZ"])
def test_unlisted_states_allowed(code):
    allowed, reason = applicant_paid_allowed(code)
    assert allowed is True
    assert reason == f"{code} has no listed law against charging applicants for the check"


@pytest.mark.parametrize("code", [None, "", "  "])
def test_unknown_state_refused(code):
    allowed, reason = applicant_paid_allowed(code)
    assert allowed is False
    assert "unknown" in reason


def test_non_state_code_is_an_error():
    with pytest.raises(ValueError, match="not a US state"):
        applicant_paid_allowed("XX")


def test_payment_terms_refuse_applicant_pays_in_california():
    with pytest.raises(PaymentRefused, match="applicant-paid check refused: California"):
        check_payment_terms("applicant", 2999, "CA")


def test_payment_terms_allow_company_pays_in_california_and_applicant_pays_in_texas():
    assert check_payment_terms("company", 2999, "CA") is None
    assert check_payment_terms("applicant", 2999, "TX") is None
    assert check_payment_terms("company", 0, None) is None


@pytest.mark.parametrize("fee", [-1, 29.99, True, "2999"])
def test_fee_must_be_whole_non_negative_cents(fee):
    with pytest.raises(PaymentRefused, match="whole number of cents"):
        check_payment_terms("company", fee, "TX")


def test_payer_must_be_company_or_applicant():
    with pytest.raises(PaymentRefused, match="payer must be"):
        check_payment_terms("employer", 100, "TX")
