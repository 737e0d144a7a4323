"""Stripe's refusals said in our words: no page, answer or email shows a provider's message."""

from __future__ import annotations

import logging

import pytest
import stripe

from booking.adapters.stripe_calls import call_stripe
from booking.domain.errors import Conflict

RAW = "This promotion code cannot be redeemed because it has reached its max_redemptions."


def test_a_refusal_is_a_conflict_in_our_words_with_stripes_code_logged_only(
    caplog: pytest.LogCaptureFixture,
) -> None:
    def refused() -> None:
        # stripe leaves its errors' __init__ unannotated.
        raise stripe.InvalidRequestError(  # type: ignore[no-untyped-call]
            RAW, param="discounts[0]", code="promotion_code_invalid"
        )

    with pytest.raises(Conflict) as caught:
        call_stripe(refused)
    assert caught.value.code == "payment_state_conflict"
    assert "max_redemptions" not in caught.value.message
    assert "promotion code" not in caught.value.message
    assert any(
        getattr(record, "stripe_code", None) == "promotion_code_invalid"
        for record in caplog.records
    )
    assert all(RAW not in record.getMessage() for record in caplog.records)


def test_a_refusal_the_caller_expects_is_logged_as_expected_with_its_code_not_as_a_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    said = 'Only Checkout Sessions with a status in ["open"] can be expired.'

    def refused() -> None:
        # stripe leaves its errors' __init__ unannotated.
        raise stripe.InvalidRequestError(  # type: ignore[no-untyped-call]
            said, param=None, code="checkout_session_not_open"
        )

    caplog.set_level(logging.INFO)
    with pytest.raises(Conflict):
        call_stripe(refused, expected="the checkout is no longer open")
    [record] = [r for r in caplog.records if getattr(r, "stripe_code", None)]
    assert record.levelno == logging.INFO
    assert record.stripe_code == "checkout_session_not_open"  # type: ignore[attr-defined]
    assert "as expected: the checkout is no longer open" in record.getMessage()
    assert all(said not in r.getMessage() for r in caplog.records)
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
