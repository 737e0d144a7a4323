"""A person offered a place who presses *Leave the waiting list* in the instant their payment
for it lands (paid at Stripe, its event still on its way) is told in their own
words, not the organisers': nothing changed, their place is being booked, and the payment's
event confirms it. Through the real handlers, moto and the Stripe stand-in."""

from __future__ import annotations

from tests.support.held_events import deliver, paid_while
from tests.support.offers import first_offered
from tests.support.page_text import text_of
from tests.support.system import System


def test_leaving_as_the_offer_is_paid_is_refused_in_the_persons_words(system: System) -> None:
    first, _second = first_offered(system)
    opened = system.api(
        "POST", f"/applications/{first['application_id']}/checkout?token={first['token']}"
    )
    assert opened.status == 201, opened.body
    path = f"/applications/{first['application_id']}/leave-waiting-list?token={first['token']}"

    left, events = paid_while(
        system,
        lambda: system.pay(opened.json()["checkout_url"]),
        lambda: system.api("POST", path),
    )

    error = left.refused(409, "payment_being_recorded")
    said = error["message"]
    assert said.startswith("your payment for the place we offered you has arrived"), said
    assert "you have not left the waiting list" in said
    assert "the person" not in said
    assert "organiser" not in said
    stored = system.stored(first)
    assert stored.status.value != "cancelled"
    assert stored.seat_held

    deliver(system, events)
    assert system.status_of(first)["status"] == "confirmed"


def test_a_browsers_press_as_the_offer_is_paid_says_it_on_the_page(system: System) -> None:
    first, _second = first_offered(system)
    opened = system.api(
        "POST", f"/applications/{first['application_id']}/checkout?token={first['token']}"
    )
    path = f"/applications/{first['application_id']}/leave-waiting-list?token={first['token']}"

    left, events = paid_while(
        system,
        lambda: system.pay(opened.json()["checkout_url"]),
        lambda: system.api("POST", path, headers={"accept": "text/html"}),
    )

    assert left.status == 409, left.body
    page = text_of(left.body)
    assert "Your payment for the place we offered you has arrived" in page, page[-800:]
    assert "the person's card payment" not in page
    deliver(system, events)
    assert system.status_of(first)["status"] == "confirmed"
