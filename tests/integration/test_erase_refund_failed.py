"""*Erase their data* for a person whose refund failed at Stripe says, before the erasure,
that the money is still owed back to them by hand (it said nothing, and once
erased their name and address, needed to give it back, were gone)."""

from __future__ import annotations

from tests.integration.test_refund_failed_once import _failed
from tests.support.console import signed_in
from tests.support.page_text import text_of
from tests.support.stripe_events import paid
from tests.support.system import System

OWED = "Their refund failed at Stripe: money is still owed back to them by hand"


def test_the_erase_confirmation_says_what_is_still_owed_back(system: System) -> None:
    application, _, _ = _failed(system)
    reference = application["reference"]
    browser = signed_in(system)
    said = text_of(browser.get("/console/people/erase?email=x%40example.org").body)
    assert f"{OWED} ({reference}: £200.00). Give it back before you erase their data" in said
    # Not confirmed: the page again says it still.
    again = browser.act("/console/people/erase", email="x@example.org")
    assert again.status == 422, text_of(again.body)[:500]
    assert f"{OWED} ({reference}: £200.00)" in text_of(again.body)


def test_nothing_is_said_owed_of_a_booking_whose_money_stands(system: System) -> None:
    paid(system, "y@example.org")
    browser = signed_in(system)
    said = text_of(browser.get("/console/people/erase?email=y%40example.org").body)
    assert "This erases what is held about them" in said
    assert OWED not in said
