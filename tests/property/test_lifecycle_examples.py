"""Sequences the lifecycle machine found, kept as fixed examples: each is the machine's own
steps and checks (``teardown`` delivers what Stripe still holds and compares the money), so it
fails again if what it found comes back, whatever the machine's seeds explore next."""

from __future__ import annotations

import pytest

from booking.domain.application import ApplicationStatus as S
from tests.property.test_lifecycle_machine import BookingLifecycle, _check_every_invariant


def test_an_ended_bookings_invoice_paid_after_another_payment_went_back_is_given_back() -> None:
    """CI's shard 2 found it: an invoice paid (its events still on their way), a bursary that
    replaces it with a smaller one, that one paid too, then the person erased while Stripe
    fails. The first payment came back as the replaced invoice's; the second, on the booking's
    own invoice, was taken for "already refunded" and kept by nobody (Stripe took £250 and
    gave back £150; the record said £150 and £150)."""
    machine = BookingLifecycle()
    try:
        machine.start()
        booking = machine.apply_by_invoice(code=0, course="invoiced", key=False)
        machine.employer_pays_the_invoice(application_id=booking)
        machine.organiser_funds_the_place(amount=5000, application_id=booking)
        machine.employer_pays_the_invoice(application_id=booking)
        machine.person_is_erased_while_stripe_fails(application_id=booking, failures=3)
    finally:
        machine.teardown()  # every held event delivered; the money compared with Stripe's


@pytest.mark.parametrize("payment_first", [True, False], ids=["payment_first", "refund_first"])
def test_a_booking_refunded_at_stripe_while_its_moves_difference_is_paid_ends_refunded(
    payment_first: bool,
) -> None:
    """The machine found it (the README's gap, now closed): an organiser refunds a booking from
    Stripe's dashboard while the person pays its move's difference (the checkout still open
    there). Delivered first, the payment made the move and the refund counted as one charge of
    several, so the booking stood on the difference alone (£50 kept, £250 due). The refund
    ended the booking; the difference, paid after it, goes back whole, in either order."""
    machine = BookingLifecycle()
    try:
        machine.start()
        booking = machine.a_booking_moves_to_a_dearer_cohort(then="wait")
        assert isinstance(booking, str)
        machine.refund_at_stripe(application_id=booking)
        machine.person_pays_the_moves_difference(application_id=booking)
        held = machine.system.pending
        for _ in range(50):  # the difference's event is the newest held
            if not held:
                break
            machine._deliver(len(held) - 1 if payment_first else 0, keep=False)
        stored = machine.system.stored(booking)
        assert (stored.status, stored.amount_kept) == (S.REFUNDED, 0)
        _check_every_invariant(machine)
    finally:
        machine.teardown()  # every held event delivered; the money compared with Stripe's
