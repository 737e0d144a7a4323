"""Cancelling from the console asks first (organiser20 F8: a slip of the mouse ended a booking
and emailed its person): the application page's *Cancel* leads to a page that says who is
emailed, the refund in pounds and the place going back, and changes nothing; its form then
posts the cancel, with the same refund choice and the CSRF token."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.support.console import ConsoleBrowser, signed_in
from tests.support.invoiced import ACCOUNTS, applied_by_invoice, invoiced_cohort
from tests.support.page_text import text_of
from tests.support.system import COURSE_ID, System


@pytest.fixture
def browser(system: System) -> ConsoleBrowser:
    return signed_in(system)


def _paid(system: System, email: str) -> dict[str, Any]:
    application = system.apply(COURSE_ID, email=email).json()
    assert system.pay(application["checkout_url"]).status == 200
    return dict(application)


def test_the_application_page_asks_before_cancelling(
    system: System, browser: ConsoleBrowser
) -> None:
    paid = _paid(system, "paid@example.org")
    path = f"/console/applications/{paid['application_id']}"
    page = browser.get(path).body
    # The page's Cancel form goes to the confirmation (a GET that changes nothing).
    [form] = re.findall(r'<form method="(\w+)" action="' + re.escape(path) + r'/cancel">', page)
    assert form == "get"
    version = system.stored(paid).version
    system.deliver_emails()

    asked = browser.get(f"{path}/cancel?refund=on")
    assert asked.status == 200, asked.body
    words = text_of(asked.body)
    assert "Ada Lovelace (paid@example.org) is emailed that it is cancelled." in words
    assert "The course's facilitators are told the participant has withdrawn." in words
    assert "£200.00 is refunded through Stripe." in words
    assert "Its place goes back to the course" in words
    assert "Yes, cancel the booking" in words
    assert re.search(r'name="csrf_token" value="[^"]+"', asked.body)
    assert '<input type="hidden" name="refund" value="on">' in asked.body
    assert system.stored(paid).version == version  # asking changed nothing
    assert system.deliver_emails() == []

    kept = text_of(browser.get(f"{path}/cancel").body)
    assert "Nothing is refunded: the £200.00 paid is kept." in kept

    # Confirmed: the cancel itself, as before (CSRF kept: without it, 403 and nothing done).
    assert browser.post(f"{path}/cancel", refund="on").status == 403
    assert system.status_of(paid)["status"] == "confirmed"
    done = browser.act(f"{path}/cancel", refund="on")
    assert done.status == 303
    assert system.stored(paid).status.value in ("cancelled", "refunded")


def test_a_waiting_list_is_named_and_an_ended_booking_is_not_asked_about(
    system: System, browser: ConsoleBrowser
) -> None:
    definition = system.one_session_file(capacity=1)
    assert system.admin("PUT", "/courses/one", json_body=definition).status == 201
    holder = system.apply("one", email="holder@example.org").json()
    assert system.pay(holder["checkout_url"]).status == 200
    assert system.apply("one", email="waiting@example.org").status == 201
    path = f"/console/applications/{holder['application_id']}"
    words = text_of(browser.get(f"{path}/cancel").body)
    assert "1 person is on the waiting list, and the first is offered it" in words
    assert browser.act(f"{path}/cancel").status == 303
    again = browser.get(f"{path}/cancel")
    assert again.status == 409
    assert "cannot be cancelled now" in text_of(again.body)


def test_the_confirmation_names_the_billing_contact_the_cancel_emails(
    system: System, browser: ConsoleBrowser
) -> None:
    """review23 F3: an invoice booking's cancel also tells the employer's billing contact, in
    a message of its own; the page says so, as the cancel's own decision (run unwritten)."""
    invoiced_cohort(system)
    application = applied_by_invoice(system)
    system.deliver_emails()
    path = f"/console/applications/{application['application_id']}"

    words = text_of(browser.get(f"{path}/cancel").body)

    assert f"Their billing contact ({ACCOUNTS}) is emailed that it is cancelled" in words
    assert "facilitator" not in words  # no confirmed place: they hear nothing of it
    assert browser.act(f"{path}/cancel").status in (200, 303)
    sent_to = [address for email in system.deliver_emails() for address in email.to]
    assert ACCOUNTS in sent_to, sent_to
