"""Stripe's minimum charge: one rule in the domain (``money.below_minimum_charge``, asked by
``billing.left_too_little`` and a course's price), and the stand-in doing what Stripe does
below it (a Checkout Session refused, an invoice marked paid with nothing collected)."""

from __future__ import annotations

from typing import Any

import pytest
import stripe
from pydantic import ValidationError

from booking.domain.billing import AppliedDiscount, left_too_little
from booking.domain.course import CourseDefinition
from booking.domain.money import Money, below_minimum_charge
from tests.unit.test_stripe_standin import create, session_params
from tests.unit.test_stripe_standin_invoices import sent_invoice


@pytest.mark.parametrize(
    ("amount", "currency", "refused"),
    [
        (0, "gbp", False),
        (1, "gbp", True),
        (29, "gbp", True),
        (30, "gbp", False),
        (49, "eur", True),
        (50, "eur", False),
        (49, "usd", True),
        (50, "usd", False),
    ],
)
def test_nothing_or_at_least_the_minimum(amount: int, currency: str, refused: bool) -> None:
    assert (below_minimum_charge(amount, currency) is not None) is refused


def test_the_refusal_says_what_is_left_and_the_minimum() -> None:
    assert below_minimum_charge(2, "gbp") == (
        "This would leave £0.02 to pay, and a card payment must be at least £0.30"
    )


def test_a_code_and_a_bursary_are_counted_together_after_what_was_kept() -> None:
    price = Money(amount=20000)
    code = AppliedDiscount(code="HALF", promotion_code_id="p", percent_off=50)
    assert left_too_little(price, 19960, None) is None  # 40p left
    assert left_too_little(price, 19980, None) is not None
    assert left_too_little(price, 19950, code) is not None  # 50p, half off: 25p
    assert left_too_little(price, 19940, code) is None  # 60p, half off: 30p
    assert left_too_little(price, 20000, code) is None  # nothing to pay
    assert left_too_little(price, 19980, None, kept=20000) is None  # paid: a refund, no charge


def _course(**price: Any) -> dict[str, Any]:
    return {
        "title": "T",
        "price": price,
        "capacity": 1,
        "sessions": [{"date": "2030-10-07", "start_time": "15:00", "end_time": "17:00"}],
    }


def test_a_course_price_below_the_minimum_is_refused_but_a_stored_one_is_read() -> None:
    with pytest.raises(ValidationError, match=r"at least £0\.30"):
        CourseDefinition.model_validate(_course(amount=29))
    with pytest.raises(ValidationError, match=r"at least €0\.50"):
        CourseDefinition.model_validate(_course(amount=49, currency="eur"))
    assert CourseDefinition.model_validate(_course(amount=30)).price.amount == 30
    stored = CourseDefinition.model_validate(_course(amount=2), context={"stored": True})
    assert stored.price.amount == 2


@pytest.mark.parametrize(("amount", "discount"), [(29, {}), (200, {"amount_off": 171})])
def test_the_standin_refuses_a_session_below_stripes_minimum(
    amount: int, discount: dict[str, int], client: stripe.StripeClient, clock: Any
) -> None:
    line = session_params(clock)["line_items"][0]
    line["price_data"]["unit_amount"] = amount
    if discount:
        coupon = client.v1.coupons.create({"amount_off": discount["amount_off"], "currency": "gbp"})
        extra: dict[str, Any] = {"discounts": [{"coupon": coupon.id}]}
    else:
        extra = {}
    with pytest.raises(stripe.InvalidRequestError) as caught:
        create(client, clock, line_items=[line], **extra)
    assert caught.value.code == "amount_too_small"
    assert caught.value.http_status == 400
    line["price_data"]["unit_amount"] = 30
    assert create(client, clock, key="idem-2", line_items=[line]).amount_total == 30


def test_the_standin_marks_an_invoice_below_the_minimum_paid_collecting_nothing(
    client: stripe.StripeClient, clock: Any
) -> None:
    small = sent_invoice(client, clock, amount=2)
    assert small.status == "paid"
    assert small.amount_paid == 0
    assert isinstance(small.customer, str)
    assert client.v1.customers.retrieve(small.customer).balance == 2
    assert sent_invoice(client, clock, amount=30, key="k2").status == "open"
