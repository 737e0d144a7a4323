"""Erasing a group's manager or billing contact while the employer's bank debit of the group's
invoice settles is refused as a person's own invoice's is: one rule for "a
payment is on its way". It answered 200, the void refused by Stripe and the invoice left open,
the organiser told nothing of why. 409 ``payment_settling`` in words, nothing erased; once the
bank has said, the erasure goes through. Through the real handlers, moto and the stand-in."""

from __future__ import annotations

import pytest

from tests.support.groups import MANAGER, invoiced_group, pay_link_id
from tests.support.invoiced import ACCOUNTS, bank_says, debit_begun
from tests.support.system import System

pytestmark = pytest.mark.usefixtures("invoiced")


@pytest.mark.parametrize("who", [MANAGER, ACCOUNTS])
def test_erasing_a_groups_payer_under_its_invoices_bank_debit_is_refused(
    system: System, who: str
) -> None:
    group = invoiced_group(system)
    invoice_id = pay_link_id(group)
    debit_begun(system, invoice_id)
    before = system.stored_group(group)

    refused = system.admin("DELETE", f"/people/{who}").refused(409, "payment_settling")

    assert "confirming a payment of" in refused["message"]
    assert f"the group booking's invoice of {before.organisation}" in refused["message"]
    assert "Nothing was erased: erase this person once the bank" in refused["message"]
    assert system.stored_group(group) == before
    assert system.stripe_invoice(invoice_id)["status"] == "open"

    bank_says(system, invoice_id)
    assert system.admin("DELETE", f"/people/{who}").status == 200
    assert system.stored_group(group).status.value == "paid"
