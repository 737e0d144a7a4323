"""Stripe's refusals said in our words: no page, answer or email shows a provider's message."""

from __future__ import annotations

import pytest
import stripe

from booking.adapters.stripe_calls import call_stripe
from booking.domain.errors import Conflict

RAW = "This promotion code cannot be redeemed because it has reached its max_redemptions."


def test_a_refusal_is_a_conflict_in_our_words_with_stripes_code_logged_only(
    caplog: pytest.LogCaptureFixture,
) -> None:
    def refused() -> None:
        raise stripe.InvalidRequestError(RAW, param="discounts[0]", code="promotion_code_invalid")

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
