"""A person offered a place whose bank refuses its payment (a delayed method's) is told, as a
first-time applicant is: an email "Your payment did not go through" that says the
place is still held for them until the offer's deadline, to pay again or turn it down; their
page says it; the organisers' timeline and status say it. Starting a payment again takes the
words back. Through the real handlers, moto and the Stripe stand-in."""

from __future__ import annotations

from html import unescape
from typing import Any

from tests.support.console import signed_in
from tests.support.offers import first_offered
from tests.support.page_text import text_of
from tests.support.system import System


def _checkout(system: System, application: Any) -> str:
    path = f"/applications/{application['application_id']}/checkout?token={application['token']}"
    opened = system.api("POST", path)
    assert opened.status == 201, opened.body
    return str(opened.json()["checkout_url"]).rsplit("/", 1)[-1]


def _refused_by_the_bank(system: System) -> tuple[Any, Any]:
    first, second = first_offered(system)
    system.deliver_emails()
    session = _checkout(system, first)
    assert system.pay_session(session, delayed=True).status == 200
    assert system.settle_session(session, succeeded=False).status == 200
    return first, second


def test_a_refused_payment_of_an_offer_is_told_and_the_offer_stands(system: System) -> None:
    first, second = _refused_by_the_bank(system)

    assert system.status_of(first)["status"] == "offered"
    assert system.status_of(second)["status"] == "waitlisted"
    told = [e for e in system.deliver_emails() if "first@example.org" in e.to]
    assert [e.subject.split(":")[0] for e in told] == ["Your payment did not go through"]
    said = told[0].text
    assert "Your bank told us that your payment" in said
    assert "The place we offered you is still held for you until" in said
    assert "pay again, or turn it down" in said
    assert "gone back to the pool" not in said
    page = text_of(unescape(system.status_page(first)))
    assert "Your payment did not go through" in page
    assert "The place is still held for you until" in page
    assert "Turn down this place" in page
    # The organisers read it too: its status and a line of its own on the timeline.
    console = signed_in(system).words(f"/console/applications/{first['application_id']}")
    assert "Place offered (the bank refused the payment)" in console
    assert "The bank refused the payment: the offered place is still held" in console


def test_a_payment_started_again_no_longer_says_it_failed(system: System) -> None:
    first, _ = _refused_by_the_bank(system)
    system.deliver_emails()

    _checkout(system, first)

    assert system.stored(first).status_reason is None
    page = text_of(unescape(system.status_page(first)))
    assert "Your payment did not go through" not in page
