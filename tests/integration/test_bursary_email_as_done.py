"""A bursary's email says what its decision did, never what the person's way of paying
suggests: on an invoice booking whose invoice the organisers voided first, no new
invoice is sent, and the email says the rest is paid from the booking page while a place is
free (none is held); on one whose invoice is open, the new invoice for the rest is
sent and said. Through the real handlers, moto and the Stripe stand-in."""

from __future__ import annotations

from typing import Any

from tests.support.invoiced import BILLING, INVOICED, invoiced_cohort
from tests.support.system import System, application_body

NEW_INVOICE = "We have sent a new invoice for it to"


def _invoiced(system: System) -> dict[str, Any]:
    invoiced_cohort(system, capacity=2)
    reply = system.api(
        "POST", f"/courses/{INVOICED}/applications", json_body=application_body(**BILLING)
    )
    assert reply.status == 201, reply.body
    system.deliver_emails()
    return dict(reply.json())


def _bursary_email(system: System, application: dict[str, Any]) -> str:
    granted = system.grant_bursary(application, 5000)
    assert granted.status == 200, granted.body
    [told] = [e for e in system.deliver_emails() if "A bursary towards" in e.subject]
    return told.text + told.html


def test_a_bursary_after_the_invoice_was_voided_sends_and_says_no_new_invoice(
    system: System,
) -> None:
    application = _invoiced(system)
    voided = system.admin("POST", f"/applications/{application['application_id']}/invoice/void")
    assert voided.status == 200, voided.body
    system.deliver_emails()

    said = _bursary_email(system, application)

    assert NEW_INVOICE not in said
    # The void ended its hold: no place is promised.
    assert "No place is held for you until you pay: pay it from your booking page" in said
    assert "£150.00" in said
    invoice = system.stored(application).invoice
    assert invoice is not None
    assert invoice.status == "void"  # none was made


def test_a_bursary_on_an_open_invoice_sends_and_says_the_new_one(system: System) -> None:
    application = _invoiced(system)

    said = _bursary_email(system, application)

    assert NEW_INVOICE in said
    assert "You can pay it from your booking page" not in said
    stored = system.stored(application)
    assert stored.invoice is not None
    assert stored.invoice.status == "open"
    assert stored.invoice.amount_due == 15000
