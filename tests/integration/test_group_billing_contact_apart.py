"""A group's billing contact is told of the employer's money going back in a message of its
own, never in the manager's (one message to both carried the manager's page,
which shows every colleague and changes the places, and each one's address): the manager's
to the manager alone, the billing contact's to them alone, with what a payer needs (the money,
the booking's invoice, the course) and nothing of the colleagues or the manager. Through the
real handlers, moto and the Stripe stand-in."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from booking.domain.emails import EmailJob, EmailKind, OutgoingEmail
from booking.domain.group_events import GroupEvent
from booking.domain.group_notices import manager_told
from booking.domain.groups import GroupBooking
from booking.domain.statuses import ERASED_EMAIL
from tests.support.groups import (
    COLLEAGUES,
    MANAGER,
    a_place_given_up,
    colleague_applies,
    give_up,
    invoiced_group,
    paid_group,
)
from tests.support.invoiced import ACCOUNTS, BILLING
from tests.support.system import System

pytestmark = pytest.mark.usefixtures("invoiced")  # every test here on the invoiced cohort

MANAGER_NAME = "Florence Nightingale"
# Every event a manager's message tells (an invoice corrected to another billing email is told
# to the contact the old invoice went to alone, never to the manager).
MANAGERS_EVENTS = [event for event in GroupEvent if event is not GroupEvent.INVOICE_CORRECTED]


def _each_to_whom_it_is_for(group: GroupBooking, sent: list[OutgoingEmail]) -> None:
    """Every group message has one recipient; the manager's page goes to the manager alone, a
    place's link to its colleague alone; the billing contact's carries no link that acts for
    anyone and nothing of the colleagues or the manager; nothing goes to a placeholder."""
    colleagues = [c["name"] for c in COLLEAGUES] + [c["email"] for c in COLLEAGUES]
    for message in sent:
        assert len(message.to) == 1, message.to
        assert message.to != [ERASED_EMAIL]
        bodies = message.text + message.html
        if group.token in bodies:
            assert message.to == [MANAGER]
        for place in group.places:
            if place.token in bodies:
                assert message.to == [place.colleague.email]
        if message.to == [ACCOUNTS]:
            assert "/groups/" not in bodies
            for said in (*colleagues, MANAGER, MANAGER_NAME):
                assert said not in bodies, said


def test_a_refund_at_stripe_tells_the_manager_and_the_billing_contact_apart(
    system: System,
) -> None:
    group = paid_group(system)
    colleague_applies(system, group)
    system.deliver_emails()
    stored = system.stored_group(group)
    assert stored.payment_intent is not None
    invoice = stored.invoice
    assert invoice is not None
    assert invoice.number

    system.refund_at_stripe(stored.payment_intent, 60000)

    sent = system.deliver_emails()
    _each_to_whom_it_is_for(system.stored_group(group), sent)
    [managers] = [m for m in sent if m.to == [MANAGER]]
    [accounts] = [m for m in sent if m.to == [ACCOUNTS]]
    assert group["manager_url"] in managers.text
    assert managers.text.startswith(f"Dear {MANAGER_NAME},")
    assert accounts.subject == managers.subject
    flat = " ".join(accounts.text.split())
    assert flat.startswith(f"Dear {BILLING['billing_name']},")
    assert (
        "The payment of £600.00 for the group booking made for St Elsewhere NHS Trust on "
        "Compassionate Leadership Training, from Monday 7 June 2027 (invoice "
        f"{invoice.number}, purchase order {BILLING['po_number']}) has been refunded in full "
        "to the account it was paid from, so the 2 places nobody had taken were released."
    ) in flat
    assert f"Reference: {invoice.number}" in flat
    assert "keep this link" not in flat
    assert not accounts.attachments


def test_a_place_given_up_and_places_released_unfilled_tell_each_their_own(
    system: System,
) -> None:
    group, sent = a_place_given_up(system)
    _each_to_whom_it_is_for(system.stored_group(group), sent)
    assert {tuple(m.to) for m in sent} == {(MANAGER,), (ACCOUNTS,), (COLLEAGUES[1]["email"],)}
    [accounts] = [m for m in sent if m.to == [ACCOUNTS]]
    assert (
        "Place 2 of the group booking made for St Elsewhere NHS Trust on Compassionate "
        "Leadership Training"
    ) in " ".join(accounts.text.split())
    assert "its share of the payment, £200.00, is being refunded to the account" in " ".join(
        accounts.text.split()
    )
    assert give_up(system, group, 2).status == 200  # a repeat: nobody told again
    assert system.deliver_emails() == []


def _every_managers_kind(group: GroupBooking) -> GroupBooking:
    """``group`` with a manager's message of every kind queued, each with money back."""
    every = group
    for event in MANAGERS_EVENTS:
        every = manager_told(every, event, "every", amount=20000, places=(2, 3), places_kept=1)
    booked = EmailJob.for_group(
        EmailKind.GROUP_BOOKED, group.group_id, group.course_id, occasion="again", place=None
    )
    return every.with_emails(booked)


@pytest.mark.parametrize("erased", [None, MANAGER, ACCOUNTS])
def test_every_group_message_goes_to_whom_it_is_for_alone(
    system: System, erased: str | None
) -> None:
    """Every kind, the manager or the billing contact erased or not: nothing to the
    placeholder an erasure leaves, the manager's page to the manager alone."""
    group = paid_group(system)
    assert give_up(system, group, 3).status == 200  # its colleague told the link is dead
    sent = system.deliver_emails()
    if erased is not None:
        assert system.admin("DELETE", f"/people/{erased}").status == 200
        sent += system.deliver_emails()
    stored = system.stored_group(group)
    assert system.ports.groups.save_group(_every_managers_kind(stored), stored) is not None
    told = system.deliver_emails()
    sent += told
    _each_to_whom_it_is_for(system.stored_group(group), sent)
    to_accounts = [m for m in told if m.to == [ACCOUNTS]]
    # Each event's money back, told apart (not a new invoice: Stripe sends them that);
    # nothing once the billing contact is erased.
    assert len(to_accounts) == (0 if erased == ACCOUNTS else len(MANAGERS_EVENTS) - 1)
    assert not any(m.subject.startswith("A new invoice") for m in to_accounts)
    to_manager = [m for m in told if m.to == [MANAGER]]
    assert len(to_manager) == (0 if erased == MANAGER else len(MANAGERS_EVENTS) + 1)
    assert {tuple(m.to) for m in told} <= {(MANAGER,), (ACCOUNTS,)}


def test_an_invoice_unpaid_at_its_due_date_tells_the_billing_contact_it_holds_nothing(
    system: System,
) -> None:
    """The manager heard "Not paid in time", the billing contact holding the
    invoice (now void at Stripe) nothing; one person's billing contact is told its invoice no
    longer holds a place. Now the group's is too, in a message of its own."""
    group = invoiced_group(system)
    system.deliver_emails()
    stored = system.stored_group(group)
    assert stored.invoice is not None
    number = stored.invoice.number
    assert number
    due = datetime.fromisoformat(str(group["hold_expires_at"]))
    system.clock_offset += due - system.now() + timedelta(minutes=1)
    with system.standin.webhooks_held():
        system.scheduled_run(system.now())

    sent = system.deliver_emails()
    _each_to_whom_it_is_for(system.stored_group(group), sent)
    [managers] = [m for m in sent if m.to == [MANAGER]]
    [accounts] = [m for m in sent if m.to == [ACCOUNTS]]
    assert managers.subject.startswith("Not paid in time")
    assert accounts.subject.startswith(f"Invoice {number} no longer holds places")
    said = " ".join(accounts.text.split())
    assert "not paid by its due date" in said
    assert f"The invoice {number} no longer holds places and has been cancelled" in said
    assert "refund" not in said.lower()
    assert group["manager_url"] not in accounts.text + accounts.html
    # The same tick again tells nobody twice.
    system.scheduled_run(system.now())
    assert not [m for m in system.deliver_emails() if m.to == [ACCOUNTS]]


def test_every_place_given_up_before_paying_tells_the_billing_contact_the_invoice_is_void(
    system: System,
) -> None:
    """Every place given up before the invoice was paid: the invoice sent to the billing
    contact is cancelled and none replaces it, so they hear, in a message of their own, that
    nothing is owed on it (before, they heard nothing)."""
    group = invoiced_group(system, colleagues=COLLEAGUES[:1])
    system.deliver_emails()
    stored = system.stored_group(group)
    assert stored.invoice is not None
    number = stored.invoice.number
    assert give_up(system, group, 1).status == 200

    sent = system.deliver_emails()
    _each_to_whom_it_is_for(system.stored_group(group), sent)
    [accounts] = [m for m in sent if m.to == [ACCOUNTS]]
    assert accounts.subject.startswith("Every place given up, so nothing to pay: ")
    for said in (" ".join(accounts.text.split()), " ".join(accounts.html.split())):
        assert "was given up before the invoice was paid" in said
        assert f"(invoice {number}" in said
        assert "there is nothing to pay on it, and nothing has been taken" in said
