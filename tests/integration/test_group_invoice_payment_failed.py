"""A failed payment of a group's invoice (Stripe's ``invoice.payment_failed``: the employer's
bank refused the debit) is told as one person's is: the invoice stays open,
its places held to its due day, nothing given back (no money was taken), and the manager and
the billing contact each told in words, once per failed attempt. Before, the event was
dropped in a service and the places lapsed at the due date after a debit both believed had
gone through. Decided in the domain (``group_stripe_events.decide_left_open``).
Through the real handlers, moto and the Stripe stand-in, which sends the event as Stripe does."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.groups import MANAGER, invoiced_group, manager_view, pay_link_id, places_left
from tests.support.held_events import Delivery, deliver
from tests.support.invoiced import ACCOUNTS, FAILED_WORDS, debit_failed
from tests.support.system import System

pytestmark = pytest.mark.usefixtures("invoiced")


Failed = tuple[dict[str, Any], list[Delivery]]


@pytest.fixture
def failed(system: System) -> Failed:
    """A group booked by invoice whose employer's bank debit of it failed within its hold:
    the manager's answer, and the events Stripe sent of the failure, delivered once."""
    group = invoiced_group(system)
    return group, debit_failed(system, pay_link_id(group))


def test_the_manager_and_the_billing_contact_are_told_the_places_stay_held(
    system: System, failed: Failed
) -> None:
    group, _ = failed
    invoice_id = pay_link_id(group)
    assert system.stripe_invoice(invoice_id)["status"] == "open"
    assert manager_view(system, group)["status"] == "awaiting_invoice_payment"
    assert places_left(system) == 2  # five places, three held for the group
    emails = system.deliver_emails()
    [manager] = [e for e in emails if MANAGER in e.to]
    [accounts] = [e for e in emails if ACCOUNTS in e.to]
    said = " ".join(manager.text.split())
    assert FAILED_WORDS in said
    assert "the places are still held until it is due" in said
    assert group["token"] in manager.text  # their page
    paid_by = " ".join(accounts.text.split())
    assert FAILED_WORDS in paid_by
    assert f"/_local/stripe/invoices/{invoice_id}" in accounts.text  # where to pay it again
    assert f"/_local/stripe/invoices/{invoice_id}" in accounts.html
    assert FAILED_WORDS in " ".join(manager.html.split())
    assert group["token"] not in accounts.text  # the manager's page is theirs alone
    number = system.stripe_invoice(invoice_id)["number"]
    assert accounts.subject.startswith(f"A payment of invoice {number} did not go through: ")
    assert accounts.subject.count(":") == 1


def test_the_failure_is_told_once_per_attempt(system: System, failed: Failed) -> None:
    _, events = failed
    assert len(system.deliver_emails()) == 2
    deliver(system, events)  # Stripe delivers at least once: nothing more is said
    assert system.deliver_emails() == []
