"""The forms offer paying by invoice only while an invoice issued now could fall due before
the course starts: a course that allows invoices but starts too soon offers the card alone,
so nobody fills in their employer's billing details only to be told it is too late. Through
the real handlers and moto."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from booking.domain.time_words import day_when
from tests.support.console import signed_in
from tests.support.page_text import text_of
from tests.support.system import System

# Each form's words for the invoice choice: a person's application, a manager's places.
FORMS = [("apply", "My employer will pay by invoice"), ("group-booking", "By invoice to my")]


# An application's answers choosing the employer's invoice.
BY_INVOICE = {
    "payment_method": "invoice",
    "billing_name": "Trust",
    "billing_email": "accounts@example.org",
    "billing_address": "1 Road, Leeds",
}


def _invoiced_course(system: System, course_id: str, days_away: int, capacity: int = 5) -> None:
    first = system.now().date() + timedelta(days=days_away)
    definition = {
        "title": "Invoiced Leadership",
        "price": {"amount": 20000},
        "capacity": capacity,
        "invoice_allowed": True,
        "sessions": [{"date": first.isoformat(), "start_time": "10:00", "end_time": "12:00"}],
    }
    system.put_course(course_id, definition)


def _page(system: System, path: str) -> str:
    reply = system.api("GET", path, headers={"accept": "text/html"})
    assert reply.status == 200, reply.body
    return text_of(reply.body)


@pytest.mark.parametrize(("form", "choice"), FORMS)
def test_a_course_too_close_to_its_start_offers_no_invoice(
    system: System, form: str, choice: str
) -> None:
    _invoiced_course(system, "starts-soon", days_away=2)

    words = _page(system, f"/courses/starts-soon/{form}")

    assert choice not in words
    assert "invoice to your employer" not in words


@pytest.mark.parametrize(("form", "choice"), FORMS)
def test_a_course_far_enough_away_offers_the_invoice(
    system: System, form: str, choice: str
) -> None:
    _invoiced_course(system, "starts-later", days_away=60)

    assert choice in _page(system, f"/courses/starts-later/{form}")


@pytest.mark.parametrize(("days_away", "offered"), [(2, False), (60, True)])
def test_the_console_offers_invoicing_the_employer_only_in_time(
    system: System, days_away: int, offered: bool
) -> None:
    _invoiced_course(system, "by-card", days_away=days_away)
    reply = system.apply("by-card", email="card-payer@example.org")
    assert reply.status == 201, reply.body
    path = f"/console/applications/{reply.json()['application_id']}"

    page = signed_in(system).get(path).body

    assert (f'href="{path}/invoice/instead-of-card"' in page) is offered


@pytest.mark.parametrize(("days_later", "offered"), [(57, False), (0, True)])
def test_an_offer_to_one_who_chose_an_invoice_offers_it_only_in_time(
    system: System, days_later: int, offered: bool
) -> None:
    """Waiting with an invoice chosen, offered a place once the course is too close for one:
    the status page offers the card, never an invoice that would be refused."""
    _invoiced_course(system, "waited", days_away=60, capacity=1)
    first = system.booked("waited", email="first@example.org")
    waiting = system.apply("waited", email="waiting@example.org", **BY_INVOICE)
    assert waiting.json()["status"] == "waitlisted", waiting.body
    system.clock_offset += timedelta(days=days_later)
    cancelled = system.admin("POST", f"/applications/{first['application_id']}/cancel")
    assert cancelled.status == 200, cancelled.body
    assert system.stored(waiting.json()).status.value == "offered"

    page = text_of(system.status_page(waiting.json()))

    assert ("Send the invoice to my employer" in page) is offered


@pytest.mark.parametrize(("days_away", "promised"), [(35, False), (90, True)])
def test_an_invoice_lapsed_promises_a_new_one_only_in_time(
    system: System, days_away: int, promised: bool
) -> None:
    """An invoice unpaid at its due day ends; its email promises a new invoice only when one
    asked for then could still fall due before the course starts."""
    _invoiced_course(system, "lapsing", days_away=days_away)
    reply = system.apply("lapsing", email="lapsing@example.org", **BY_INVOICE)
    assert reply.status == 201, reply.body
    system.deliver_emails()
    due = datetime.fromisoformat(reply.json()["invoice_due_at"])

    system.clock_offset += due + timedelta(days=1) - system.now()  # the day after it fell due
    system.scheduled_run(system.now())
    [told] = [e for e in system.deliver_emails() if list(e.to) == ["lapsing@example.org"]]

    assert ("ask for a new invoice" in told.text) is promised, told.text


@pytest.mark.parametrize("days_away", [20, 60])
def test_invoicing_the_employer_instead_says_the_day_the_invoice_will_fall_due(
    system: System, days_away: int
) -> None:
    """The confirmation said "due 30 days from today" whatever the course's start, though the
    invoice falls due earlier on a course within the terms' reach (before it starts): it says
    the day the invoice sent by the press then falls due."""
    _invoiced_course(system, "by-card", days_away=days_away)
    reply = system.apply("by-card", email="card-payer@example.org")
    assert reply.status == 201, reply.body
    application_id = reply.json()["application_id"]
    form = f"/console/applications/{application_id}/invoice/instead-of-card"
    browser = signed_in(system)

    words = browser.words(form)
    assert browser.press(form, form, **BY_INVOICE).status == 303

    stored = system.ports.repository.get_application(application_id)
    assert stored is not None
    assert stored.invoice is not None
    assert f"due on {day_when(stored.invoice.due_at, 'Europe/London')}" in words
    assert "days from today" not in words
    assert (stored.invoice.due_at.date() < system.now().date() + timedelta(days=30)) is (
        days_away == 20
    )
