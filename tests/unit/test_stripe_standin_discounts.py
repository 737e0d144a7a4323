"""Coupons and promotion codes in the Stripe stand-in: created, looked up by the code a person
types, applied to Checkout Sessions and invoices, and used up."""

from __future__ import annotations

import json
from typing import Any, Unpack

import pytest
import stripe
from stripe.params import PromotionCodeCreateParams
from stripe.params.checkout import SessionCreateParams

from infra.local.stripe_standin import StripeStandIn
from tests.support.standin import Clock, Recorder, fixture_keys, local_json


def promotion(
    client: stripe.StripeClient,
    code: str = "HALF",
    *,
    percent: float | None = 50,
    max_redemptions: int | None = None,
    expires_at: int | None = None,
    metadata: dict[str, str] | None = None,
) -> stripe.PromotionCode:
    coupon_params: Any = {"duration": "once"}
    if percent is not None:
        coupon_params["percent_off"] = percent
    else:
        coupon_params |= {"amount_off": 5000, "currency": "gbp"}
    coupon = client.v1.coupons.create(coupon_params)
    params: PromotionCodeCreateParams = {
        "promotion": {"type": "coupon", "coupon": coupon.id},
        "code": code,
    }
    # Only the terms a test sets: Stripe's defaults (no limit, no end, no metadata) otherwise.
    if max_redemptions is not None:
        params["max_redemptions"] = max_redemptions
    if expires_at is not None:
        params["expires_at"] = expires_at
    if metadata is not None:
        params["metadata"] = metadata
    return client.v1.promotion_codes.create(params)


def checkout(
    client: stripe.StripeClient, clock: Clock, **extra: Unpack[SessionCreateParams]
) -> stripe.checkout.Session:
    return client.v1.checkout.sessions.create(
        {
            "mode": "payment",
            "line_items": [
                {
                    "quantity": 1,
                    "price_data": {
                        "currency": "gbp",
                        "unit_amount": 20000,
                        "product_data": {"name": "Course"},
                    },
                }
            ],
            "client_reference_id": "app_1",
            "expires_at": int(clock.now) + 1800,
            "success_url": "https://booking.test/ok",
            **extra,
        }
    )


def test_a_promotion_code_has_stripes_shape_and_is_found_by_the_code_as_typed(
    client: stripe.StripeClient, webhooks: Recorder
) -> None:
    created = promotion(client, "Team-Half", max_redemptions=3, metadata={"course_id": "c1"})

    assert set(created.to_dict()) == fixture_keys("promotion_code")
    assert created.code == "Team-Half"
    assert isinstance(created.promotion.coupon, str)
    assert webhooks.types == ["coupon.created", "promotion_code.created"]
    found = client.v1.promotion_codes.list(
        {"code": "team-half", "active": True, "expand": ["data.promotion.coupon"]}
    )
    (only,) = found.data
    assert only.id == created.id
    coupon = only.promotion.coupon
    assert isinstance(coupon, stripe.Coupon)
    assert coupon.percent_off == 50
    assert set(coupon.to_dict()) == fixture_keys("coupon")
    assert client.v1.promotion_codes.list({"code": "nope"}).data == []


def test_codes_are_unique_among_active_ones_and_must_expire_in_the_future(
    client: stripe.StripeClient, clock: Clock
) -> None:
    promotion(client, "HALF")
    with pytest.raises(stripe.InvalidRequestError) as caught:
        promotion(client, "half")
    assert caught.value.param == "code"
    with pytest.raises(stripe.InvalidRequestError) as caught:
        promotion(client, "LATE", expires_at=int(clock.now) - 1)
    assert caught.value.param == "expires_at"
    with pytest.raises(stripe.InvalidRequestError) as caught:
        client.v1.coupons.create({"amount_off": 100})  # an amount needs its currency
    assert caught.value.param == "currency"


def test_a_checkout_with_a_promotion_code_charges_the_discounted_amount_and_uses_the_code(
    client: stripe.StripeClient, clock: Clock, standin: StripeStandIn
) -> None:
    code = promotion(client, "HALF", max_redemptions=1)
    session = checkout(client, clock, discounts=[{"promotion_code": code.id}])

    assert session.amount_subtotal == 20000
    assert session.amount_total == 10000
    assert session.total_details is not None
    assert session.total_details.amount_discount == 10000
    assert [(d.coupon, d.promotion_code) for d in session.discounts or []] == [
        (code.promotion.coupon, code.id)
    ]

    paid = local_json(standin, "POST", f"/checkout/{session.id}/pay")
    assert paid["session"]["amount_total"] == 10000
    assert standin.money_taken() == {"app_1": 10000}
    assert client.v1.promotion_codes.retrieve(code.id).times_redeemed == 1
    # Used up: a second checkout with the code is refused as Stripe refuses it.
    with pytest.raises(stripe.InvalidRequestError) as caught:
        checkout(client, clock, discounts=[{"promotion_code": code.id}])
    assert "max_redemptions" in str(caught.value)


def test_a_fully_discounted_checkout_completes_without_a_payment(
    client: stripe.StripeClient, clock: Clock, standin: StripeStandIn, webhooks: Recorder
) -> None:
    code = promotion(client, "FREE", percent=100)
    session = checkout(client, clock, discounts=[{"promotion_code": code.id}])
    assert session.amount_total == 0

    local_json(standin, "POST", f"/checkout/{session.id}/pay")

    completed = json.loads(webhooks.payloads[-1])
    assert completed["type"] == "checkout.session.completed"
    assert completed["data"]["object"]["payment_status"] == "no_payment_required"
    assert completed["data"]["object"]["payment_intent"] is None
    assert standin.money_taken() == {}


def test_an_amount_off_code_on_an_invoice_reduces_what_is_due(
    client: stripe.StripeClient,
) -> None:
    code = promotion(client, "FIFTY", percent=None)
    customer = client.v1.customers.create({"name": "Trust", "email": "accounts@example.org"})
    draft = client.v1.invoices.create(
        {
            "customer": customer.id,
            "collection_method": "send_invoice",
            "days_until_due": 30,
            "discounts": [{"promotion_code": code.id}],
        }
    )
    client.v1.invoice_items.create(
        {"customer": customer.id, "invoice": draft.id, "amount": 20000, "currency": "gbp"}
    )
    invoice = client.v1.invoices.finalize_invoice(draft.id)

    assert invoice.subtotal == 20000
    assert invoice.amount_due == invoice.total == 15000
    (discount_id,) = invoice.discounts
    assert [(d.amount, d.discount) for d in invoice.total_discount_amounts or []] == [
        (5000, discount_id)
    ]
    (line,) = invoice.lines.data
    assert [d.amount for d in line.discount_amounts or []] == [5000]
    assert client.v1.promotion_codes.retrieve(code.id).times_redeemed == 1


def test_a_session_takes_one_discount_and_not_with_codes_typed_on_the_page(
    client: stripe.StripeClient, clock: Clock
) -> None:
    code = promotion(client)
    with pytest.raises(stripe.InvalidRequestError) as caught:
        checkout(client, clock, discounts=[{"promotion_code": code.id}], allow_promotion_codes=True)
    assert caught.value.param == "discounts"
    with pytest.raises(stripe.InvalidRequestError) as caught:
        checkout(client, clock, discounts=[{"promotion_code": "promo_nope"}])
    assert caught.value.code == "resource_missing"
