"""A group whose card checkout was completed by a delayed method (Bacs, SEPA) keeps the payment
it made while the bank settles it: a place given up then would replace the
checkout with one for the places kept, so the payment settling would be given back whole when
the bank confirmed it and the manager asked to pay again within a new hold. It is refused in
words, nothing changed (409 ``payment_settling``), and the page offers no give-up then; the last
place may still go (the booking ends). A substitution changes no payment and is taken. Once the
bank confirms, a place is given up as any paid place is (one rule,
``domain.group_give_ups`` on ``domain.group_figures.payment_settling``)."""

from __future__ import annotations

from typing import Any

from tests.support.groups import (
    COLLEAGUES,
    OTHERS,
    bank_confirms,
    book,
    give_up,
    group_page,
    manager_view,
    pay_by_debit,
    place_path,
    places_left,
    substitute,
)
from tests.support.stripe_client import requests_to
from tests.support.system import COURSE_ID, System

SETTLING = "Payment made, waiting for the bank to confirm it"


def _asked(system: System, path: str) -> int:
    return len(requests_to(system.stripe_http, path))


def _settling_group(system: System, colleagues: list[dict[str, str]]) -> dict[str, Any]:
    group: dict[str, Any] = book(system, course=COURSE_ID, colleagues=colleagues).json()
    pay_by_debit(system, group)
    system.deliver_emails()
    assert manager_view(system, group)["status_said"] == SETTLING
    return group


def test_a_place_is_not_given_up_while_the_groups_payment_is_settling(system: System) -> None:
    group = _settling_group(system, COLLEAGUES)
    left = places_left(system, COURSE_ID)
    sessions = _asked(system, "/v1/checkout/sessions")
    page = group_page(system, group)
    assert "Give up place" not in page
    assert "Places can be given up once your bank confirms the payment" in page

    error = give_up(system, group, 2).refused(409, "payment_settling")
    assert (
        "your payment of £600.00 for 3 places is being confirmed by your bank" in error["message"]
    )
    assert "nothing was changed" in error["message"]
    assert "Give places up once it is confirmed" in error["message"]
    view = manager_view(system, group)
    assert (view["status"], view["status_said"]) == ("awaiting_payment", SETTLING)
    assert (view["pay_url"], view["hold_expires_at"]) == (None, None)
    assert view["places_kept"] == 3
    assert [p["state"] for p in view["places"]] == ["not_applied"] * 3
    assert places_left(system, COURSE_ID) == left
    assert _asked(system, "/v1/checkout/sessions") == sessions  # no new checkout asked
    assert system.checkout_session(str(group["pay_url"]))["status"] == "complete"
    assert system.deliver_emails() == []

    # The bank confirms: paid for every place, nothing given back; a place then goes as any
    # paid place does, its share refunded.
    bank_confirms(system, group)
    paid = manager_view(system, group)
    assert (paid["status"], paid["places_kept"]) == ("paid", 3)
    assert (paid["amount_paid"], paid["amount_refunded"]) == (60000, 0)
    assert _asked(system, "/v1/refunds") == 0
    assert "Give up place 2" in group_page(system, group)
    assert give_up(system, group, 2).status == 200
    after = manager_view(system, group)
    assert (after["places_kept"], after["amount_refunded"]) == (2, 20000)


def test_the_last_place_of_a_settling_group_may_still_be_given_up(system: System) -> None:
    """Giving up the one place held ends the booking: no payment for fewer places is opened,
    and the payment settling is given back whole when it arrives."""
    group = _settling_group(system, COLLEAGUES[:1])
    page = group_page(system, group)
    assert "Give up place 1" in page
    assert "once your bank confirms" not in page
    assert give_up(system, group, 1).status == 200
    assert manager_view(system, group)["status"] == "lapsed"


def test_a_place_of_a_settling_group_may_be_given_to_someone_else(system: System) -> None:
    """A substitution changes no payment: taken while the payment settles, the checkout
    stands, and the payment is the group's once the bank confirms it."""
    group = _settling_group(system, COLLEAGUES)
    sessions = _asked(system, "/v1/checkout/sessions")
    answer = substitute(system, group, 2, OTHERS[0])
    assert answer.status == 200, answer.body
    view = manager_view(system, group)
    assert (view["status_said"], view["pay_url"]) == (SETTLING, None)
    assert view["places"][1]["email"] == OTHERS[0]["email"]
    assert _asked(system, "/v1/checkout/sessions") == sessions
    bank_confirms(system, group)
    paid = manager_view(system, group)
    assert (paid["status"], paid["places_kept"], paid["amount_refunded"]) == ("paid", 3, 0)


def test_the_managers_browser_is_pointed_to_their_bookings_page(system: System) -> None:
    """A refusal on the manager's own routes names the page they have, their booking's, never
    an application's; a colleague's refusal keeps the applicants' words."""
    group = _settling_group(system, COLLEAGUES)
    refused = system.api("POST", place_path(group, 2, "cancel"), headers={"accept": "text/html"})
    assert refused.status == 409, refused.body
    page = " ".join(refused.body.split())
    assert "is being confirmed by your bank" in page
    assert "Your booking&#39;s page shows where things stand now" in page, page
    assert "application" not in page.lower()
