"""Sequences the lifecycle machine found, kept as fixed examples: each is the machine's own
steps and checks (``teardown`` delivers what Stripe still holds and compares the money), so it
fails again if what it found comes back, whatever the machine's seeds explore next."""

from __future__ import annotations

from tests.property.test_lifecycle_machine import BookingLifecycle


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
