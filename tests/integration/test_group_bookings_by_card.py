"""Places booked by a manager and paid by card, on the sample cohort, through the real
handlers, moto and the Stripe stand-in: paid at Checkout, or lapsing when the Checkout session
expires or Stripe cannot be asked to charge (the invoiced bookings: ``test_group_bookings.py``)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest

from booking.domain.errors import DependencyUnavailable
from tests.support.groups import COLLEAGUES, book, booking_body, manager_view, places_left
from tests.support.system import COURSE_ID, System


def test_a_group_paid_by_card_and_one_whose_checkout_expires(system: System) -> None:
    left = places_left(system, COURSE_ID)
    reply = book(system, course=COURSE_ID, colleagues=COLLEAGUES[:2])
    assert reply.status == 201, reply.body
    group = reply.json()
    assert group["status"] == "awaiting_payment"
    assert places_left(system, COURSE_ID) == left - 2
    assert system.pay(group["pay_url"]).status == 200
    assert manager_view(system, group)["status"] == "paid"

    lapsing = book(system, course=COURSE_ID, colleagues=COLLEAGUES[2:])
    assert lapsing.status == 201, lapsing.body
    session_id = urlsplit(lapsing.json()["pay_url"]).path.rsplit("/", 1)[-1]
    assert system.stripe_local("POST", f"/checkout/{session_id}/expire").status == 200
    assert manager_view(system, lapsing.json())["status"] == "lapsed"
    assert manager_view(system, lapsing.json())["ended_because"] == "checkout_expired"
    assert places_left(system, COURSE_ID) == left - 2


def test_a_booking_stripe_could_not_be_asked_to_charge_ends_saying_so(
    system: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Stripe unreachable when the places are booked: the seats go back at once, and the
    booking, ended, says why (never that it was not paid in time)."""
    left = places_left(system, COURSE_ID)
    payments = system.ports.payments

    def unreachable(request: Any) -> Any:
        raise DependencyUnavailable("the payment provider is unavailable")

    monkeypatch.setattr(payments, "create_checkout", unreachable)
    path = f"/courses/{COURSE_ID}/group-bookings"
    body = booking_body(colleagues=COLLEAGUES[:2])
    reply = system.api("POST", path, json_body=body, headers={"idempotency-key": "down"})
    assert reply.status == 503, reply.body
    assert places_left(system, COURSE_ID) == left
    [line] = system.admin("GET", f"/courses/{COURSE_ID}/group-bookings").json()["groups"]
    assert (line["status"], line["ended_because"]) == ("lapsed", "payment_not_started")
    assert line["status_said"] == (
        "Ended: Stripe could not be reached to take its payment, so its places were released"
    )
