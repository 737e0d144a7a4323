"""The sample cohort again with employer invoices allowed, and an employer's billing details as
the application form gives them: one place for the tests of invoices, groups and erasure at
Stripe, from the services' unit tests to the integration tests."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pytest

from tests.support.applications import invoice_id_of

if TYPE_CHECKING:  # the billing details serve unit tests too, which run no System
    from booking.domain.application import Application
    from booking.domain.emails import OutgoingEmail
    from tests.support.held_events import Delivery
    from tests.support.system import Reply, System

INVOICED = "invoiced-cohort"
BILLING: dict[str, str] = {
    "payment_method": "invoice",
    "billing_name": "St Elsewhere NHS Foundation Trust",
    "billing_email": "accounts@example.nhs.uk",
    "billing_address": "1 Hospital Road\nLeeds LS1 1AA",
    "po_number": "PO-4471",
}
ACCOUNTS = BILLING["billing_email"]  # the employer's billing contact
# The billing details an organiser corrects an invoice to, naming a new contact.
NEW_CONTACT = "new-accounts@example.nhs.uk"
NEW_BILLING: dict[str, str] = {
    "billing_name": "St Elsewhere Teaching Hospitals NHS Trust",
    "billing_email": NEW_CONTACT,
    "billing_address": "2 Infirmary Street\nLeeds LS1 2BB",
    "po_number": "PO-9001",
}
# The billing details an organiser corrects an invoice to: another contact at the employer,
# whom Stripe sends the new invoice.
CORRECTED: dict[str, str] = {
    "billing_name": "St Elsewhere Teaching Hospitals NHS Trust",
    "billing_email": "invoices@example.nhs.uk",
    "billing_address": "2 Infirmary Street\nLeeds LS1 2BB",
    "po_number": "PO-9001",
}


def invoiced_cohort(system: System, **changes: Any) -> System:
    """``system`` with :data:`INVOICED` loaded: the sample cohort with invoices allowed and
    ``changes`` (say, ``po_required`` or ``capacity``)."""
    system.put_course(INVOICED, {**system.course_file(), "invoice_allowed": True, **changes})
    return system


def group_invoice_corrected(system: System, group: dict[str, Any], **changes: Any) -> Reply:
    """The organisers' correction of ``group``'s invoice to :data:`CORRECTED` with
    ``changes``, through the admin API: its answer."""
    path = f"/groups/{group['group_id']}/invoice/correct"
    return system.admin("POST", path, json_body=CORRECTED | changes)


def applied_by_invoice(system: System, **fields: Any) -> dict[str, Any]:
    """An application on :data:`INVOICED` paid by the employer's invoice (``fields``: more of
    the form's answers), which must be taken: the answer. Its emails are not delivered."""
    reply = system.apply(INVOICED, **BILLING, **fields)
    assert reply.status == 201, reply.body
    return dict(reply.json())


def one_on_an_invoice(system: System) -> tuple[dict[str, Any], str]:
    """One person booked by invoice (£200) on :data:`INVOICED` with two places, the emails
    about it delivered: the application's answer and its invoice's id."""
    invoiced_cohort(system, capacity=2)
    application = applied_by_invoice(system)
    system.deliver_emails()
    return application, invoice_id_of(application)


def kept_then_confirmed_whole(system: System, application: dict[str, Any], invoice_id: str) -> None:
    """For :func:`one_on_an_invoice`'s booking: nothing ended (its place held on the open
    invoice ``invoice_id``, nobody told anything); then the bank confirms the debit, and the
    booking is confirmed, the whole £200 taken and nothing given back."""
    assert system.status_of(application)["status"] == "awaiting_invoice_payment"
    assert system.stripe_invoice(invoice_id)["status"] == "open"
    assert system.course(INVOICED)["places_left"] == 1
    assert system.deliver_emails() == []
    bank_says(system, invoice_id)
    confirmed_paid_whole(system, application)


def confirmed_paid_whole(system: System, application: dict[str, Any]) -> None:
    """``application``'s booking confirmed, the whole £200 taken at Stripe, nothing given back."""
    assert system.status_of(application)["status"] == "confirmed"
    assert system.standin.money_moved()[application["application_id"]] == (20000, 0)


def held_on_an_open_invoice(
    system: System, application: dict[str, Any], billing: dict[str, str], amount: int
) -> tuple[Application, str]:
    """``application`` awaits payment of its invoice to ``billing`` (the details as stored),
    open at Stripe for ``amount`` and sent to its billing email, its place on :data:`INVOICED`
    still held: the application as stored, and its invoice's id."""
    stored = system.stored(application)
    assert stored.status.value == "awaiting_invoice_payment"
    assert stored.billing is not None
    assert stored.billing.model_dump() == billing
    assert stored.invoice is not None
    at_stripe = system.stripe_invoice(stored.invoice.invoice_id)
    assert at_stripe["status"] == "open"
    assert at_stripe["amount_due"] == amount
    assert at_stripe["customer_email"] == billing["billing_email"]
    assert system.course(INVOICED)["places_left"] == 1
    return stored, stored.invoice.invoice_id


def debit_begun(system: System, invoice_id: str) -> None:
    """The employer's bank debit of ``invoice_id`` begun (processing at the bank), and every
    event Stripe sent of it answered."""
    _answered(system, system.debit_invoice(invoice_id))


# What the payer is told of a debit their bank refused (:func:`debit_failed`), as one person's
# invoice or a group's.
FAILED_WORDS = "did not go through, so no money was taken"


def debit_failed(system: System, invoice_id: str) -> list[Delivery]:
    """The employer's bank debit of ``invoice_id`` begun (its emails delivered), then refused
    by the bank: the events Stripe sent of the failure (``invoice.payment_failed`` among them),
    held and then delivered once."""
    from tests.support.held_events import deliver, events_held  # runs a System: not at import

    debit_begun(system, invoice_id)
    system.deliver_emails()
    events = events_held(system, lambda: system.settle_invoice(invoice_id, succeeded=False))
    assert any(b'"invoice.payment_failed"' in body for body, _ in events)
    deliver(system, events)
    return events


def bank_says(system: System, invoice_id: str, *, succeeded: bool = True) -> None:
    """The bank's word on the debit of ``invoice_id`` (it settled, or it failed), and every
    event Stripe sent of it answered."""
    _answered(system, system.settle_invoice(invoice_id, succeeded=succeeded))


def applied_and_paid_outside_stripe(system: System, **fields: Any) -> dict[str, Any]:
    """:func:`applied_by_invoice`, its invoice then marked paid outside Stripe
    (:func:`paid_out_of_band`): the application's answer. Its emails are not delivered."""
    application = applied_by_invoice(system, **fields)
    paid_out_of_band(system, invoice_id_of(application))
    return application


def paid_out_of_band(system: System, invoice_id: str) -> None:
    """``invoice_id`` marked paid at Stripe (paid out of band: the employer paid by bank
    transfer; no payment Stripe could give back), and every event Stripe sent of it answered."""
    _answered(system, system.mark_invoice_paid(invoice_id))


def _answered(system: System, said: Reply) -> None:
    assert said.status == 200, said.body
    assert all(reply.status == 200 for reply in system.webhook_replies)


def stopped_after_the_void(
    system: System, monkeypatch: pytest.MonkeyPatch, act: Callable[[], object]
) -> None:
    """``act`` stopped (the function out of time) at its save after Stripe's void."""
    repository = system.ports.repository
    real_save = repository.save

    def stopped(new: Any, previous: Any, **options: Any) -> Any:
        if new.invoice is not None and new.invoice.voiding is None and previous.invoice.voiding:
            raise TimeoutError("the function ran out of time")
        return real_save(new, previous, **options)

    monkeypatch.setattr(repository, "save", stopped)
    with pytest.raises(TimeoutError):
        act()
    monkeypatch.undo()


def told_replaced(sent: list[OutgoingEmail], number: str) -> list[OutgoingEmail]:
    """The emails among ``sent`` telling a billing contact invoice ``number`` was replaced."""
    return [e for e in sent if e.subject.startswith(f"Invoice {number} was replaced")]


def old_contact_told_once(
    system: System, correct: Callable[[], Reply], old: str
) -> tuple[OutgoingEmail, list[OutgoingEmail]]:
    """The correction ``correct`` pressed twice on an invoice ``old`` sent to :data:`ACCOUNTS`
    (one person's or a group's): the one email that contact is told, checked as theirs and
    saying they need not pay it (the second press sends nothing more), and every email both
    presses sent."""
    number = system.stripe_invoice(old)["number"]
    system.deliver_emails()
    assert correct().status == 200
    sent = system.deliver_emails()
    assert correct().status == 200  # pressed again: nothing more
    sent += system.deliver_emails()
    [told] = told_replaced(sent, number)
    assert told.to == [ACCOUNTS]  # the contact it went to, not the new one
    assert "Dear St Elsewhere NHS Foundation Trust" in told.text
    assert f"need not pay invoice {number}" in told.text
    return told, sent


def late_invoice_warned(
    system: System, harmless: dict[str, Any], moving_earlier: dict[str, Any]
) -> str:
    """:data:`INVOICED` saved through ``PUT /admin/courses`` as ``harmless`` (no invoice falls
    due late: no warning of one) and then as ``moving_earlier``: its one warning of an invoice
    falling due too late."""
    later = system.admin("PUT", f"/courses/{INVOICED}", json_body=harmless)
    assert later.status == 200, later.body
    assert not [w for w in later.json()["warnings"] if "falls due" in w]
    earlier = system.admin("PUT", f"/courses/{INVOICED}", json_body=moving_earlier)
    assert earlier.status == 200, earlier.body
    [warned] = [w for w in earlier.json()["warnings"] if "falls due" in w]
    return str(warned)
