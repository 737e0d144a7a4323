"""Part of a group's payment refunded at Stripe: the manager is told what came
back and that the places stand (for an invoice group, its billing contact in a message of its
own); a place given up after it says its share, what of it was refunded at Stripe before and
what more comes back, never the rest called its share. Through the real handlers, moto and
the Stripe stand-in."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.groups import COLLEAGUES, book, give_up, paid_card_group, pay_invoice
from tests.support.invoiced import BILLING
from tests.support.system import System

MANAGER = ["florence@example.org"]
COURSE = "Compassionate Leadership Training"


def _payment_of(system: System, group: dict[str, Any]) -> str | None:
    stored = system.stored_group(group)
    return stored.payment_intent


def _flat(message: Any) -> str:
    return " ".join(message.text.split())


def test_a_give_up_after_a_partial_refund_says_the_share_and_what_more_comes_back(
    system: System,
) -> None:
    group = paid_card_group(system, colleagues=COLLEAGUES[:2])
    system.refund_at_stripe(_payment_of(system, group), 15000)

    [told] = system.deliver_emails()  # the manager, and nobody else
    assert told.to == MANAGER
    assert told.subject.startswith("Part of the payment was refunded: the places stand: ")
    assert (
        f"£150.00 of the £400.00 paid for your booking on {COURSE} for St Elsewhere NHS Trust "
        "has been refunded at Stripe to the card it was paid from"
    ) in _flat(told)
    assert "The places stand: the 2 places booked are still yours" in _flat(told)
    assert group["manager_url"] in told.text
    refunds = ("charge.refunded", "refund.created")
    for event in [e for e in system.standin.events() if e["type"] in refunds]:
        assert system.stripe_local("POST", f"/events/{event['id']}/resend").status == 200
    assert system.deliver_emails() == []  # the refund's events again: told once

    assert give_up(system, group, 2).status == 200  # its whole share, £200, comes back
    [second] = [m for m in system.deliver_emails() if m.to == MANAGER]
    assert "and its share of the payment, £200.00, is being refunded" in _flat(second)
    assert give_up(system, group, 1).status == 200  # £50 left of its £200
    [first] = [m for m in system.deliver_emails() if m.to == MANAGER]
    assert (
        "Place 1 of your booking on Compassionate Leadership Training for St Elsewhere NHS Trust "
        "has been given up: its share of the payment is £200.00, of which £150.00 had already "
        "been refunded at Stripe, and the other £50.00 is being refunded to the card it was "
        "paid from"
    ) in _flat(first)
    assert "its share of the payment, £50.00" not in _flat(first)


@pytest.mark.usefixtures("invoiced")
def test_an_invoice_groups_partial_refund_tells_the_manager_and_the_billing_contact_apart(
    system: System,
) -> None:
    group: dict[str, Any] = book(system, **BILLING).json()
    pay_invoice(system, group)
    system.deliver_emails()
    system.refund_at_stripe(_payment_of(system, group), 20000)
    sent = system.deliver_emails()
    assert sorted(list(m.to) for m in sent) == [[BILLING["billing_email"]], MANAGER]
    [accounts] = [m for m in sent if m.to == [BILLING["billing_email"]]]
    assert (
        "£200.00 of the £600.00 paid for the group booking made for St Elsewhere NHS Trust on "
        f"{COURSE}"
    ) in _flat(accounts)
    assert "The places booked stand" in _flat(accounts)
    assert group["token"] not in accounts.text + accounts.html
    stored = system.stored_group(group)
    assert (stored.places_kept, stored.ended_because) == (3, None)  # the places stand
