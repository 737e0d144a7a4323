"""An organiser's void of an invoice (a group's, one person's) that Stripe refuses because the
employer's bank debit of it began after the void's read of it (a window of tens
of milliseconds): Stripe keeps the invoice open, so the void is refused, 409
``payment_settling`` in words, nothing left written (a group's recorded ask to void taken
back), and the places stay held; the bank's confirmation then books them, nothing given back.
Before, the places went as if voided, and the debit's money went back whole. The race is made
deterministic at the payments port: the debit begins as Stripe is asked to void. Through the
real handlers, moto and the Stripe stand-in (which refuses to void an invoice being paid)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.support.groups import invoiced_group, manager_view, pay_link_id, places_left
from tests.support.invoiced import (
    INVOICED,
    bank_says,
    invoiced_cohort,
    kept_then_confirmed_whole,
    one_on_an_invoice,
)
from tests.support.system import System


def _debit_begun_as_voided(
    system: System, invoice_id: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The employer's bank debit of ``invoice_id`` begins just before Stripe is asked to
    void it (after the void's read found nothing being paid)."""
    payments = system.ports.payments
    real_void: Callable[[str], str] = payments.void_invoice

    def debit_first(invoice: str) -> str:
        if invoice == invoice_id:
            begun = system.debit_invoice(invoice)
            assert begun.status == 200, begun.body
        return real_void(invoice)

    monkeypatch.setattr(payments, "void_invoice", debit_first)


def test_a_groups_void_is_refused_when_a_debit_begins_after_its_read(
    system: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    invoiced_cohort(system)
    group = invoiced_group(system)
    system.deliver_emails()
    invoice_id = pay_link_id(group)
    left = places_left(system, INVOICED)
    _debit_begun_as_voided(system, invoice_id, monkeypatch)

    refused = system.admin("POST", f"/groups/{group['group_id']}/invoice/void")

    error = refused.refused(409, "payment_settling")
    assert "bank is confirming a payment of £600.00 of this group's invoice" in error["message"]
    assert "nothing was changed" in error["message"]
    monkeypatch.undo()
    seen = manager_view(system, group)
    assert seen["status"] == "awaiting_invoice_payment"
    stored = system.ports.groups.get_group(group["group_id"])
    assert stored is not None
    assert stored.void_asked_for is None  # the ask taken back
    assert system.stripe_invoice(invoice_id)["status"] == "open"
    assert places_left(system, INVOICED) == left
    assert system.deliver_emails() == []
    bank_says(system, invoice_id)
    paid = manager_view(system, group)
    assert (paid["status"], paid["amount_paid"], paid["amount_refunded"]) == ("paid", 60000, 0)


def test_one_persons_void_is_refused_when_a_debit_begins_after_its_read(
    system: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    application, invoice_id = one_on_an_invoice(system)
    _debit_begun_as_voided(system, invoice_id, monkeypatch)

    refused = system.admin("POST", f"/applications/{application['application_id']}/invoice/void")

    error = refused.refused(409, "payment_settling")
    assert "bank is confirming a payment of £200.00 of this invoice" in error["message"]
    monkeypatch.undo()
    kept_then_confirmed_whole(system, application, invoice_id)
