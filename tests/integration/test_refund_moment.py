"""An organiser refunds a booking from Stripe's dashboard while the person pays a move's
difference (its checkout still open there): through the webhook handler on moto and the Stripe
stand-in, whichever of Stripe's events arrives first, the refund ended the booking and the
difference, paid after it, goes back whole (``domain.payments.paid_after``)."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest

from tests.integration.test_dearer_moves import _ask, _session
from tests.integration.test_transfers import ADA, Cohorts
from tests.support.system import System

Delivery = tuple[bytes, dict[str, str]]


def _held(system: System) -> list[Delivery]:
    held = list(system.pending)
    system.pending.clear()
    return held


def _event(delivery: Delivery) -> dict[str, Any]:
    event: dict[str, Any] = json.loads(delivery[0])
    return event


@pytest.mark.parametrize("payment_first", [True, False], ids=["payment_first", "refund_first"])
def test_a_refund_made_before_the_difference_was_paid_ends_the_booking_and_gives_it_back(
    system: System, payment_first: bool
) -> None:
    cohorts = Cohorts(system)
    booked = cohorts.book("move-spring", ADA)
    app_id = booked["application_id"]
    pending = _ask(cohorts, app_id)["pending_move"]
    cohorts.emails()
    system.clock_offset += timedelta(minutes=1)  # the move's checkout opened a minute before

    system.hold_webhooks = True
    refunded = system.stripe_local("POST", f"/checkout/{_session(booked['checkout_url'])}/refund")
    assert refunded.status == 200, refunded.body
    refund_events = _held(system)
    system.clock_offset += timedelta(minutes=1)
    assert system.pay(pending["pay_url"]).status == 200
    [payment_event] = _held(system)
    system.hold_webhooks = False

    # The stand-in's times are Stripe's: the payment's event is made when it is paid, a minute
    # after the refund, and well after its checkout opened (the session's own ``created``).
    paid, refund = _event(payment_event), _event(refund_events[0])
    assert refund["type"] == "refund.created"
    assert refund["created"] == refund["data"]["object"]["created"]
    assert paid["created"] >= refund["created"] + 60
    assert paid["data"]["object"]["created"] < refund["created"]

    order = [payment_event, *refund_events] if payment_first else [*refund_events, payment_event]
    for body, headers in order:
        assert system.webhook(body, headers).status == 200

    record = cohorts.record(app_id)
    assert (record["status"], record["pending_move"]) == ("refunded", None)
    # Stripe took £250 in all and gave it all back: the £200 by the organiser, the £50 by us.
    assert (record["amount_paid"], record["amount_refunded"]) == (25000, 25000)
    assert cohorts.places_left("move-spring") == cohorts.places_left("move-winter") == 5
    assert sorted(cohorts.refunded_at_stripe()) == [5000, 20000]
    # Told once of each refund: the booking ended with the £200.00, and the £50.00 given back.
    told = [m.text for m in cohorts.emails_to(ADA) if "refunded" in m.subject]
    assert len(told) == 2, told
    assert sum("cancelled, and your payment refunded in full" in t for t in told) == 1, told
    [late] = [t for t in told if "so we have refunded it in full" in t]
    # Given back on its own, beside the booking's refund: not said as part of that one.
    assert "We have refunded your payment for Moving Leadership (£50.00)." in late
    assert "refunded earlier" not in late

    # Delivered again, in the other order, Stripe's events change nothing and tell nobody.
    for body, headers in reversed(order):
        assert system.webhook(body, headers).status == 200
    assert cohorts.record(app_id) == record
    assert not cohorts.emails_to(ADA)
    assert sorted(cohorts.refunded_at_stripe()) == [5000, 20000]
