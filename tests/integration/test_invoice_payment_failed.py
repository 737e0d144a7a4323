"""A payment of an employer's invoice that fails (Stripe's ``invoice.payment_failed``: a bank
debit the bank refused, a card declined on its page): Stripe leaves the invoice open, to be
paid again until it falls due, so the place stays held to its due day, nothing is given back
(no money was taken), and the payer and the person are told in words, once per failed
attempt; the organisers see the message on the application's timeline. With nothing of the
payment processing any more, what a debit under way refused (the organiser's void) is allowed
again, and a second payment confirms the booking. Through the real handlers, moto and the
Stripe stand-in, which sends the event as Stripe does."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.applications import invoice_id_of
from tests.support.console import signed_in
from tests.support.held_events import Delivery, deliver
from tests.support.invoiced import (
    ACCOUNTS,
    FAILED_WORDS,
    INVOICED,
    applied_by_invoice,
    bank_says,
    debit_begun,
    debit_failed,
    invoiced_cohort,
)
from tests.support.page_text import text_of
from tests.support.system import System

Failed = tuple[dict[str, Any], list[Delivery]]


@pytest.fixture
def failed(system: System) -> Failed:
    """An application by invoice whose employer's bank debit of it failed within its hold: the
    answer, and the events Stripe sent of the failure, delivered once."""
    invoiced_cohort(system, capacity=2)
    application = applied_by_invoice(system)
    return application, debit_failed(system, invoice_id_of(application))


def test_a_failed_invoice_payment_keeps_the_place_and_tells_payer_and_person(
    system: System, failed: Failed
) -> None:
    application, _ = failed
    invoice_id = invoice_id_of(application)
    assert system.stripe_invoice(invoice_id)["status"] == "open"
    assert system.status_of(application)["status"] == "awaiting_invoice_payment"
    assert system.course(INVOICED)["places_left"] == 1
    emails = system.deliver_emails()
    [accounts] = [e for e in emails if ACCOUNTS in e.to]
    [person] = [e for e in emails if ACCOUNTS not in e.to]
    assert FAILED_WORDS in " ".join(accounts.text.split())
    assert f"/_local/stripe/invoices/{invoice_id}" in accounts.text  # where to pay it again
    assert application["token"] not in accounts.text  # the person's page is theirs alone
    # One colon, before the course: what happened to which invoice, then where.
    number = system.stripe_invoice(invoice_id)["number"]
    title = system.course(INVOICED)["title"]
    assert accounts.subject.startswith(f"A payment of invoice {number} did not go through: {title}")
    assert accounts.subject.count(":") == 1
    said = " ".join(person.text.split())
    assert FAILED_WORDS in said
    assert "your place is still held until it is due" in said
    console = signed_in(system).get(f"/console/applications/{application['application_id']}")
    assert "A payment of the invoice failed: it is still open to pay" in text_of(console.body)


def test_the_failure_is_told_once_and_the_invoice_may_be_paid_again(
    system: System, failed: Failed
) -> None:
    application, events = failed
    assert len(system.deliver_emails()) == 2
    deliver(system, events)  # Stripe delivers at least once: nothing more is said
    assert system.deliver_emails() == []

    debit_begun(system, invoice_id_of(application))
    bank_says(system, invoice_id_of(application))
    assert system.status_of(application)["status"] == "confirmed"
    said = " ".join(" ".join(e.text.split()) for e in system.deliver_emails())
    assert FAILED_WORDS not in said
    assert "has been received and your place" in said


def test_the_organiser_may_void_the_invoice_once_its_debit_failed(
    system: System, failed: Failed
) -> None:
    """Refused while the debit processed (``payment_settling``); nothing processes now."""
    application, _ = failed
    voided = system.admin("POST", f"/applications/{application['application_id']}/invoice/void")
    assert voided.status == 200, voided.body
    assert system.stripe_invoice(invoice_id_of(application))["status"] == "void"
    assert system.course(INVOICED)["places_left"] == 2


def test_a_void_after_the_employer_paid_says_it_was_paid(system: System) -> None:
    """A tester's minor point: "This application has no open invoice." was true, but what
    happened is that the invoice was paid meanwhile and the booking confirmed."""
    invoiced_cohort(system, capacity=2)
    application = applied_by_invoice(system)
    bank_says_paid = system.stripe_local(
        "POST", f"/invoices/{invoice_id_of(application)}/pay", b"", {}
    )
    assert bank_says_paid.status == 200, bank_says_paid.body
    assert system.status_of(application)["status"] == "confirmed"

    path = f"/applications/{application['application_id']}/invoice/void"
    refused = system.admin("POST", path).refused(409, "no_open_invoice")

    assert "the invoice was paid meanwhile: the booking is confirmed" in refused["message"]


def test_a_void_after_a_paid_booking_was_cancelled_does_not_say_confirmed(system: System) -> None:
    """The invoice stays paid after the booking ends (a cancellation with refund),
    so the words say the booking's status as it is, not "confirmed"."""
    invoiced_cohort(system, capacity=2)
    application = applied_by_invoice(system)
    paid = system.stripe_local("POST", f"/invoices/{invoice_id_of(application)}/pay", b"", {})
    assert paid.status == 200, paid.body
    cancelled = system.cancel(application["application_id"], refund=True)
    assert cancelled.status == 200, cancelled.body
    assert system.status_of(application)["status"] == "refunded"

    path = f"/applications/{application['application_id']}/invoice/void"
    refused = system.admin("POST", path).refused(409, "no_open_invoice")

    assert "confirmed: it is now Refunded, and nothing was voided" in refused["message"]
    assert "the booking is confirmed" not in refused["message"]
