"""The words of why, in the billing contact's own message about a booking its organisation was
invoiced for (``domain.payer.billing_notice``): the person's message says them to the person
("your place"); the billing contact's says them of the person, by name, and of the invoice,
with nothing else about them."""

from __future__ import annotations

from booking.domain.statuses import PAID_WHEN_CODE_USED_UP, PAID_WHEN_FULL

# Why, of the invoice or the payment itself: the same words to the person and to the billing
# contact.
INVOICE_REASON_WORDS = {
    "not_needed": (
        "Nothing was left to pay for the place when this payment reached us (a bursary or a "
        "discount code had covered it), so it was not needed. The place is still booked."
    ),
    "invoice_replaced": (
        "This invoice had been replaced by a newer one, so we have given back what was paid on "
        "it. The newer invoice is the one to pay."
    ),
    "amount_mismatch": (
        "The amount paid was not what the invoice asked for, so we have given it back. Please "
        "reply to this email and we will sort it out with you."
    ),
    "invoice_voided": "The invoice has been cancelled (voided).",
    "invoice_uncollectible": (
        "The invoice has been marked as one that will not be paid, so the place could not be "
        "held any longer."
    ),
    "invoice_overdue": "The invoice was not paid by its due date.",
}

# A replaced invoice's payment that went back when the booking no longer waited for the newer
# invoice: said as the booking stood then (:func:`reason_as_of`), never asking
# for an invoice that was voided with it.
# The reason a bursary's email carries when the decision sent a new invoice for the rest:
# the email says so only then (never from how the person chose to pay).
NEW_INVOICE_SENT = "new_invoice_sent"
REPLACED_WHEN_ENDED = "invoice_replaced_when_ended"
REPLACED_WHEN_NOT_INVOICED = "invoice_replaced_when_not_invoiced"
REPLACED_INVOICE_WORDS = {
    REPLACED_WHEN_ENDED: (
        "This invoice had been replaced by a newer one, so we have given back what was paid on "
        "it. The booking had ended by then, so there is nothing more to pay."
    ),
    REPLACED_WHEN_NOT_INVOICED: (
        "This invoice had been replaced by a newer one, so we have given back what was paid on it."
    ),
}
# Why a Refund afterwards that Stripe cut short tells the person (``domain.refund_cut_short``):
# part of what was paid came back, the rest not yet, the booking cancelled before.
REFUNDED_IN_PART_AFTER_CANCELLING = "cancelled_refunded_in_part"
# Why, of the payment itself, said to the person and to the billing contact alike.
PAYMENT_REASON_WORDS = {
    REFUNDED_IN_PART_AFTER_CANCELLING: (
        "The booking was cancelled earlier; this is the part of what was paid for it that we "
        "could refund this time, and the rest has not come back yet. If you have a question "
        "about it, just reply to this email."
    ),
    # Part of what a booking cancelled keeping the money kept, refunded at Stripe's dashboard.
    "cancelled_part_refunded": (
        "The booking was cancelled earlier, keeping what was paid for it; this part of it has "
        "now been refunded. If you have a question about it, just reply to this email."
    ),
    **INVOICE_REASON_WORDS,
    **REPLACED_INVOICE_WORDS,
    # A card payment taken after the course's applications closed (``domain.paying``).
    "course_closed": (
        "The payment reached us after the course had begun, when applications had closed, so "
        "we could not confirm a place with it, and have given it back."
    ),
}
# Why, to the person, of a hold that ended unpaid (``limits.holds_code_use``): turned down
# while its invoice held it, and a late payment of one whose code's last use went meanwhile.
ENDED_HOLD_WORDS = {
    "offer_declined": "You have turned down the place we offered you; thank you for telling us.",
    PAID_WHEN_CODE_USED_UP: (
        "The time held for your payment had run out before it reached us, and by then the "
        "discount code given with your application had no use left, so we could not book the "
        "place at that price and have refunded the payment in full."
    ),
}
# Why a booking ended keeping its employer's payment recorded outside Stripe (a bank transfer,
# a cheque), which reached it once it could no longer hold its place
# (``domain.paid_without_a_place``): Stripe holds nothing to refund, so the organisers give it
# back by hand. Its cancellation's message says so to the person and the billing contact: to
# the person always as the organisation's payment (``PAID_BY_ORGANISATION_WORDS``), as its
# invoice, paid, always names its payer, also when they are their own billing contact.
KEPT_TO_GIVE_BACK_BY_HAND = "paid_outside_stripe_not_refunded"
# The reasons that speak of the person's own payment, said of an organisation's invoice.
PAID_BY_ORGANISATION_WORDS = {
    "cancelled_and_refunded": (
        "Your booking was cancelled, and we have refunded what {payer} paid for it by invoice."
    ),
    "refunded": (
        "Your booking has been cancelled, and the payment {payer} made by invoice refunded in "
        "full. If you did not expect this, just reply to this email."
    ),
    KEPT_TO_GIVE_BACK_BY_HAND: (
        "{payer} paid the invoice for your place directly (not through our online payment "
        "provider), but by the time the payment was recorded the place could no longer be held "
        "for you, so we could not confirm your booking."
    ),
}
# What the person's own messages say of their payment or their hold (``services.email_context``).
PERSONS_PAYMENT_WORDS = {**ENDED_HOLD_WORDS, **PAYMENT_REASON_WORDS}
# Where a booking has ended (its status's value): nothing more is owed on it.
ENDED = frozenset({"expired", "declined", "cancelled", "refunded"})


def reason_as_of(reason: str | None, status: str) -> str | None:
    """The reason a message gives, for the booking as it stood at the message's event
    (``status``: as saved with it, ``EmailJob.booking_then``): a replaced invoice's payment
    names the newer invoice as the one to pay only while the booking waits for it."""
    if reason != "invoice_replaced" or status == "awaiting_invoice_payment":
        return reason
    return REPLACED_WHEN_ENDED if status in ENDED else REPLACED_WHEN_NOT_INVOICED


BILLING_REASON_WORDS = {
    PAID_WHEN_CODE_USED_UP: (
        "The time held for this payment had run out before it reached us, and by then the "
        "discount code given with {name}'s application had no use left, so we could not book "
        "the place at that price."
    ),
    "offer_declined": "{name} has turned down the place we offered them.",
    "refunded": "{name}'s booking has been cancelled, so the place is no longer held.",
    "cancelled_and_refunded": "{name}'s booking was cancelled, so the place is no longer held.",
    "partial_refund": "This is a partial refund: {name}'s place on the course is still booked.",
    "moved_cheaper": (
        "{name}'s booking moved to another cohort of the course that costs less, so the "
        "difference is given back; the place itself goes on, on the new cohort."
    ),
    "duplicate_payment": (
        "The place was already paid for, so this second payment was not needed. {name}'s "
        "place is still booked."
    ),
    PAID_WHEN_FULL: (
        "The course filled up while the payment was on its way, so we could not confirm "
        "{name}'s place."
    ),
    "application_cancelled": (
        "{name}'s application had already been cancelled when this payment reached us, so we "
        "could not use it for a place."
    ),
    "application_declined": (
        "We had not been able to offer {name} a place when this payment reached us."
    ),
    "application_pending_review": (
        "{name}'s application was still waiting for our facilitators to read it, so we could "
        "not take a payment for it yet."
    ),
    **PAYMENT_REASON_WORDS,
    "invoice_not_issued": (
        "We could not send the new invoice for what is left to pay after {name}'s bursary, so "
        "the place could not be held for it."
    ),
    KEPT_TO_GIVE_BACK_BY_HAND: (
        "The invoice was paid directly (not through our online payment provider), but by the "
        "time the payment was recorded the place could no longer be held for {name}, so we "
        "could not confirm it."
    ),
}


def billing_reason_text(reason: str | None, name: str) -> str | None:
    """Why, said to the billing contact of the person named ``name``; None when the reason has
    no words for them (the message then says what happened without it)."""
    words = BILLING_REASON_WORDS.get(reason or "")
    if not words:
        return None
    said = words.format(name=name)
    # A sentence may start with the name, which may be "the participant" (an erased one's).
    return said[0].upper() + said[1:]
