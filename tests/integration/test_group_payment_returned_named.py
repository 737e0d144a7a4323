"""The billing contact's "payment given back" message names the invoice that payment paid,
as Stripe numbered it, never the group's new invoice left to pay. The race that
made it (the employer paying the group's invoice as the manager gave a place up, the invoice
for the places kept replacing the one paid) can no longer pay a replaced invoice: the old one is
voided before the new one is made (``test_group_invoice_voided_first``), so the
payment tried then is refused by Stripe and nothing is given back. Through the real handlers,
moto and the Stripe stand-in: the payment is tried as the give-up makes the new invoice."""

from __future__ import annotations

import pytest

from tests.support.groups import (
    give_up,
    manager_view,
    replaced_for_two,
    three_on_an_invoice,
    when_stripe_is_asked,
)
from tests.support.held_events import deliver, held
from tests.support.invoiced import ACCOUNTS
from tests.support.system import System


def test_a_payment_tried_as_the_new_group_invoice_is_made_finds_the_old_one_void(
    system: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The race left once a give-up voids first: the old invoice is voided before the new one is
    made, so the employer's payment of it at that moment is refused by Stripe, nothing paid
    is given back, and the billing contact is sent no "payment given back" message."""
    group, old, left = three_on_an_invoice(system)
    paid = when_stripe_is_asked(
        system,
        monkeypatch,
        "/v1/invoices",  # as the new invoice is made
        lambda: system.stripe_local("POST", f"/invoices/{old}/pay").status,
    )
    done, events = held(system, lambda: give_up(system, group, 2))
    monkeypatch.undo()
    assert done.status == 200, done.body
    assert paid == [400]  # Stripe will not take a payment of a void invoice
    deliver(system, events)

    replaced_for_two(system, group, old, left)
    view = manager_view(system, group)
    assert (view["amount_paid"], view["amount_refunded"]) == (0, 0)
    emails = system.deliver_emails()
    assert not [e for e in emails if e.to == [ACCOUNTS] and "could not be kept" in e.text]
