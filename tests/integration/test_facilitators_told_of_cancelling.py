"""The facilitators, told of each booking, are told when the organisers cancel one, as they are
when a group colleague is withdrawn; an application that never became a
booking was never theirs to hear of, so its cancellation tells them nothing. Through the real
handlers, moto and the Stripe stand-in."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.system import System


def _cancel(system: System, applied: dict[str, Any], *, refund: bool) -> None:
    path = f"/applications/{applied['application_id']}/cancel"
    reply = system.admin("POST", path, json_body={"refund": refund})
    assert reply.status == 200, reply.body


@pytest.mark.parametrize("refund", [False, True])
def test_the_facilitators_hear_that_a_booking_was_cancelled(system: System, refund: bool) -> None:
    applied = system.booked()
    [booked] = [e for e in system.deliver_emails() if e.subject.startswith("New booking")]
    facilitators = booked.to
    _cancel(system, applied, refund=refund)
    [told] = [e for e in system.deliver_emails() if e.subject.startswith("Participant withdrawn")]
    assert told.to == facilitators
    text = " ".join(told.text.split())
    # Told once, by whichever ended it first: the cancellation, or (the stand-in's refund
    # event arriving while the cancel asks for it) the refund of everything.
    ended_by = (
        "their payment was refunded in full, so their booking has ended"
        if refund
        else "the organisers cancelled their booking"
    )
    assert f"{ended_by}, so they are no longer on your roster" in text
    assert f"Status when withdrawn: {'Refunded' if refund else 'Cancelled'}" in text


def test_an_application_cancelled_before_it_was_booked_tells_them_nothing(system: System) -> None:
    applied = system.apply().json()
    system.deliver_emails()
    _cancel(system, applied, refund=False)
    sent = system.deliver_emails()
    assert [e.subject for e in sent if e.subject.startswith("Your application has been cancelled")]
    assert not [e for e in sent if e.subject.startswith("Participant withdrawn")]


def test_a_colleague_who_never_held_a_confirmed_place_is_withdrawn_without_telling_them(
    system: System,
) -> None:
    """The rule is one for every way a booking ends (``domain.facilitators_told``): the
    withdrawal of a group colleague reaches the facilitators only for a confirmed place, as a
    cancellation does. Here an application still paying for its place is withdrawn as a
    colleague's is (its place given to another): the person hears of it, the facilitators,
    who were never sent it, do not."""
    from booking.services.group_applying import withdraw_application

    applied = system.apply().json()
    system.deliver_emails()
    unpaid = system.stored(applied)
    assert unpaid.status.value == "awaiting_payment"
    withdraw_application(system.ports, unpaid, "substituted")
    sent = system.deliver_emails()
    assert [e for e in sent if e.subject.startswith("Your application has been cancelled")]
    assert not [e for e in sent if e.subject.startswith("Participant withdrawn")]


def test_a_confirmed_colleague_withdrawn_and_then_refunded_is_told_of_once(
    system: System,
) -> None:
    """Two acts end the same booking (the withdrawal, then a refund of everything it had
    paid): the facilitators hear once, in the words of the first."""
    from booking.services.group_applying import withdraw_application

    applied = system.booked()
    system.deliver_emails()
    booked = system.stored(applied)
    assert booked.status.value == "confirmed"
    withdraw_application(system.ports, booked, "substituted")
    system.refund_at_stripe(booked.payment_intent)
    told = [e for e in system.deliver_emails() if e.subject.startswith("Participant withdrawn")]
    assert len(told) == 1
    assert "has named another colleague instead" in " ".join(told[0].text.split())
