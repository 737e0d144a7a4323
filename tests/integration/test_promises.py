"""What was promised is honoured: the price an application was accepted at, its discount code
included, is what it pays, however long the offer or a restarted checkout takes, and whatever
became of the code meanwhile. Through the real handlers, moto and the Stripe stand-in (which
refuses a lapsed or used-up promotion code as Stripe does)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from tests.support.system import COURSE_ID, System


def make_code(system: System, course_id: str = COURSE_ID, **terms: Any) -> None:
    body = {"code": "HALF-PRICE", "percent_off": 50, "max_uses": 1} | terms
    system.made_code(course_id, **body)


def test_an_offer_made_with_a_code_is_paid_at_its_price_after_the_code_lapsed(
    system: System,
) -> None:
    system.put_course("reviewed", system.course_file() | {"approval_required": True})
    expires = (system.now() + timedelta(days=1)).isoformat()
    make_code(system, "reviewed", expires_at=expires)
    application = system.apply("reviewed", discount_code="half-price").json()
    assert application["amount_due"] == 10000
    system.clock_offset += timedelta(days=3)  # the review took longer than the code lasted
    approved = system.admin("POST", f"/applications/{application['application_id']}/approve")
    assert approved.status == 200, approved.body
    token = application["token"]
    checkout = system.api(
        "POST", f"/applications/{application['application_id']}/checkout?token={token}"
    )
    assert checkout.status == 201, checkout.body
    session = system.checkout_session(checkout.json()["checkout_url"])
    assert (session["amount_subtotal"], session["amount_total"]) == (20000, 10000)
    system.pay(checkout.json()["checkout_url"])
    assert system.standin.money_taken() == {application["application_id"]: 10000}


def test_a_restarted_checkout_keeps_the_promised_price_after_the_code_was_used_up(
    system: System,
) -> None:
    make_code(system, max_uses=1, expires_at=(system.now() + timedelta(hours=1)).isoformat())
    application = system.apply(discount_code="half-price").json()
    first = system.checkout_session(application["checkout_url"])
    system.stripe_local("POST", f"/checkout/{first['id']}/expire")
    system.clock_offset += timedelta(hours=2)  # the code has expired too
    token = application["token"]
    for _ in range(2):  # as often as the applicant comes back
        again = system.api(
            "POST", f"/applications/{application['application_id']}/checkout?token={token}"
        )
        assert again.status == 201, again.body
        assert system.checkout_session(again.json()["checkout_url"])["amount_total"] == 10000
    system.pay(again.json()["checkout_url"])
    reply = system.api("GET", f"/applications/{application['application_id']}?token={token}")
    assert reply.json()["status"] == "confirmed"
    assert system.standin.money_taken() == {application["application_id"]: 10000}
