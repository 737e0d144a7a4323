"""Erasure reaches Stripe: the customers created for a person's invoices (the billing contact:
name, email, address) are deleted there, through the real handlers, moto and the real SDK on
the Stripe stand-in."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from tests.support.applications import invoice_id_of
from tests.support.groups import (
    COLLEAGUES,
    OTHERS,
    book,
    invoiced_group,
    pay_invoice,
)
from tests.support.invoiced import BILLING, INVOICED
from tests.support.system import STRIPE_KEY, System

pytestmark = pytest.mark.usefixtures("invoiced")  # every test here on the invoiced cohort

PERSON = "ada@example.org"  # the applicant application_body names


def customer_of(system: System, invoice_id: str) -> dict[str, Any]:
    """The invoice's customer as Stripe answers a retrieve (a deleted one: its deleted shape)."""
    customer_id = system.stripe_invoice(invoice_id)["customer"]
    reply = system.stripe_local("GET", f"/v1/customers/{customer_id}", headers=STRIPE_KEY)
    assert reply.status == 200, reply.body
    return dict(reply.json())


def deleted(system: System, invoice_id: str) -> bool:
    return customer_of(system, invoice_id).get("deleted") is True


def erase(system: System, email: str) -> Any:
    return system.admin("DELETE", f"/people/{email}")


def _persons_invoice(system: System) -> str:
    """The invoice sent for PERSON's application by invoice."""
    return invoice_id_of(system.apply(INVOICED, email=PERSON, **BILLING).json())


def test_an_invoice_bookings_customer_is_deleted_and_its_invoice_voided(system: System) -> None:
    invoice_id = _persons_invoice(system)
    assert customer_of(system, invoice_id)["email"] == BILLING["billing_email"]

    assert erase(system, PERSON).status == 200

    assert system.stripe_invoice(invoice_id)["status"] == "void"
    assert customer_of(system, invoice_id) == {
        "id": system.stripe_invoice(invoice_id)["customer"],
        "object": "customer",
        "deleted": True,
    }
    assert system.ports.repository.owed_customer_deletions() == []
    # Stripe's customer.deleted event (the customer as it was) is acknowledged and ignored.
    sent = [e["type"] for e in system.standin.events()]
    assert "customer.deleted" in sent
    assert {r.status for r in system.webhook_replies} == {200}
    # Asked again: nothing is held any more, and Stripe's side stays as it is.
    assert erase(system, PERSON).status == 404
    assert deleted(system, invoice_id)


def test_a_paid_invoice_keeps_its_copy_of_the_contact_and_its_customer_goes(system: System) -> None:
    invoice_id = _persons_invoice(system)
    paid = system.stripe_local("POST", f"/invoices/{invoice_id}/pay")
    assert paid.status == 200, paid.body

    assert erase(system, PERSON).status == 200

    assert deleted(system, invoice_id)
    invoice = system.stripe_invoice(invoice_id)
    assert (invoice["status"], invoice["customer_email"]) == ("paid", BILLING["billing_email"])


def test_a_replaced_invoices_customer_is_deleted_too(system: System) -> None:
    application = system.apply(INVOICED, email=PERSON, **BILLING).json()
    first = invoice_id_of(application)
    part = system.grant_bursary(application, 5000)
    assert part.status == 200, part.body
    second = invoice_id_of(system.status_of(application))
    assert second != first
    assert system.stripe_invoice(first)["status"] == "void"

    assert erase(system, PERSON).status == 200

    assert deleted(system, first)
    assert deleted(system, second)


def test_a_groups_billing_contact_and_its_manager_are_forgotten_at_stripe(system: System) -> None:
    billed = book(system, **BILLING).json()
    pay_invoice(system, billed)
    other_billing = BILLING | {"billing_email": "other.accounts@example.nhs.uk"}
    managed = book(system, **other_billing, colleagues=OTHERS).json()
    pay_invoice(system, managed)
    colleague = COLLEAGUES[0]["email"]
    assert erase(system, colleague).status == 200  # on the invoice of neither
    billed_invoice = str(billed["pay_url"]).rsplit("/", 1)[-1]
    managed_invoice = str(managed["pay_url"]).rsplit("/", 1)[-1]
    assert not deleted(system, billed_invoice)

    assert erase(system, BILLING["billing_email"]).status == 200
    assert deleted(system, billed_invoice)
    assert not deleted(system, managed_invoice)  # its billing contact is someone else

    assert erase(system, "florence@example.org").status == 200  # the manager of both
    assert deleted(system, managed_invoice)


def test_an_unpaid_groups_invoice_is_voided_before_its_customer_goes(system: System) -> None:
    invoice_id = str(invoiced_group(system)["pay_url"]).rsplit("/", 1)[-1]

    assert erase(system, "florence@example.org").status == 200

    assert system.stripe_invoice(invoice_id)["status"] == "void"
    assert deleted(system, invoice_id)


def test_stripe_failing_leaves_the_deletion_owed_and_the_sweep_makes_it(system: System) -> None:
    invoice_id = _persons_invoice(system)
    system.stripe_http.fail_next.extend([500, "timeout", 500, 500])

    erased = erase(system, PERSON)

    assert erased.status == 200  # our own records are erased whatever Stripe answered
    system.stripe_http.fail_next.clear()
    assert system.admin("GET", f"/people/{PERSON}").status == 404
    assert not deleted(system, invoice_id)
    assert system.ports.repository.owed_customer_deletions() == [invoice_id]

    answer = system.scheduled_run(system.now() + timedelta(minutes=15))

    assert system.stripe_invoice(invoice_id)["status"] == "void"
    assert deleted(system, invoice_id)
    assert system.ports.repository.owed_customer_deletions() == []
    assert answer["holds_released"] >= 0
    # A later run has nothing left to do, and asks Stripe nothing about it.
    before = len(system.stripe_http.requests)
    system.scheduled_run(system.now() + timedelta(minutes=30))
    assert not [r for r in system.stripe_http.requests[before:] if invoice_id in r.path]


def test_paying_a_group_leaves_no_deletion_owed(system: System) -> None:
    """Nothing is owed until someone is erased."""
    pay_invoice(system, invoiced_group(system))
    assert system.ports.repository.owed_customer_deletions() == []
