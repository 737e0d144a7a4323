"""One person's invoice whose due date passes while the employer's bank debit of it, begun in
time, is still processing keeps the place, as a group's does: the
sweep reads the invoice at Stripe once as its hold ends, and Stripe's ``invoice.overdue``
is weighed by one read too; while a payment of it is on its way
(``domain.invoices.InvoicePaying.on_its_way``) neither lets the place go nor voids the
invoice, and nobody is told the place is no longer held. The bank confirms: the booking is
confirmed, nothing given back. The bank says the debit failed: the next run ends the hold as
it would have at the due date. Through the real handlers, moto and the Stripe stand-in."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest

from booking.services.lifecycle import sweep
from tests.support.applications import invoice_id_of
from tests.support.invoiced import (
    INVOICED,
    applied_by_invoice,
    bank_says,
    confirmed_paid_whole,
    debit_begun,
    invoiced_cohort,
    one_on_an_invoice,
)
from tests.support.system import System


@pytest.fixture
def debited(system: System) -> dict[str, Any]:
    """An application by invoice whose employer began a bank debit of it before its due date,
    the clock then moved to a minute past the end of its due day."""
    invoiced_cohort(system, capacity=2)
    application = applied_by_invoice(system)
    debit_begun(system, invoice_id_of(application))
    system.deliver_emails()
    due = datetime.fromisoformat(application["invoice_due_at"].replace("Z", "+00:00"))
    system.clock_offset += due - system.now() + timedelta(minutes=1)
    return application


def _held(system: System, application: dict[str, Any]) -> None:
    """Nothing ended: the place held on the open invoice, nobody told anything."""
    assert system.status_of(application)["status"] == "awaiting_invoice_payment"
    assert system.stripe_invoice(invoice_id_of(application))["status"] == "open"
    assert system.course(INVOICED)["places_left"] == 1
    assert system.deliver_emails() == []


def test_the_due_date_passing_while_the_bank_debit_processes_keeps_the_place(
    system: System, debited: dict[str, Any]
) -> None:
    assert sweep(system.ports, system.now()).holds_released == 0
    assert system.standin.expire_due()  # Stripe tells of the invoice past its due date
    system.relay()

    _held(system, debited)
    bank_says(system, invoice_id_of(debited))
    confirmed_paid_whole(system, debited)
    said = " ".join(" ".join(email.text.split()) for email in system.deliver_emails())
    assert "no longer held" not in said
    assert "has been received and your place" in said


def test_a_debit_that_fails_after_the_due_date_ends_the_hold_at_the_next_run(
    system: System, debited: dict[str, Any]
) -> None:
    assert sweep(system.ports, system.now()).holds_released == 0
    _held(system, debited)

    bank_says(system, invoice_id_of(debited), succeeded=False)
    system.clock_offset += timedelta(minutes=15)
    assert sweep(system.ports, system.now()).holds_released == 1
    system.relay()

    assert system.stored(debited).status_reason == "invoice_overdue"
    assert system.status_of(debited)["status"] == "expired"
    assert system.stripe_invoice(invoice_id_of(debited))["status"] == "void"
    assert system.course(INVOICED)["places_left"] == 2


def test_the_organiser_may_not_void_an_invoice_while_its_bank_debit_processes(
    system: System, debited: dict[str, Any]
) -> None:
    """As a group's: voided under the debit, the place would go and the payment
    be given back whole when the bank confirmed it."""
    voided = system.admin("POST", f"/applications/{debited['application_id']}/invoice/void")

    error = voided.refused(409, "payment_settling")
    assert "bank is confirming a payment of £200.00 of this invoice" in error["message"]
    assert "nothing was changed" in error["message"]
    _held(system, debited)
    bank_says(system, invoice_id_of(debited))
    confirmed_paid_whole(system, debited)


def test_stripe_unreachable_as_the_hold_ends_keeps_the_place_until_a_run_can_read(
    system: System,
) -> None:
    """Never guessed unpaid: the run skips it, and the next one, reading it, lets it go."""
    application, _ = one_on_an_invoice(system)
    due = datetime.fromisoformat(application["invoice_due_at"].replace("Z", "+00:00"))
    system.clock_offset += due - system.now() + timedelta(minutes=1)
    system.stripe_http.fail_next = [503]

    summary = sweep(system.ports, system.now())

    assert (summary.holds_released, len(summary.skipped)) == (0, 1)
    _held(system, application)
    system.clock_offset += timedelta(minutes=15)
    assert sweep(system.ports, system.now()).holds_released == 1
    assert system.stripe_invoice(invoice_id_of(application))["status"] == "void"
