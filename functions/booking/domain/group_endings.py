"""Why a manager's group booking ended unpaid (its status ``lapsed``), and how each reason is
said: to the organisers (the console, the organiser API, the CLI) and to the manager (their
page and their email). One place, so no surface says "not paid in time" of a booking whose
invoice an organiser cancelled.

The reason is decided by the step that ended the booking (``domain.groups.lapsed``) and stored
with it; a booking that ended before reasons were recorded has none (``None``), and is said in
words true of every ending.
"""

from __future__ import annotations

from enum import StrEnum

from booking.domain.errors import Conflict
from booking.domain.group_place import GroupStatus


class GroupEnding(StrEnum):
    VOIDED_BY_ORGANISER = "voided_by_organiser"  # an organiser voided its invoice here
    NOT_PAID_BY_DEADLINE = "not_paid_by_deadline"  # its invoice unpaid at the end of its due day
    CHECKOUT_EXPIRED = "checkout_expired"  # its card checkout expired unpaid
    PAYMENT_FAILED = "payment_failed"  # its checkout's payment failed (a bank debit, say)
    VOIDED_AT_STRIPE = "voided_at_stripe"  # its invoice voided at Stripe, not from here
    MARKED_UNCOLLECTIBLE = "marked_uncollectible"  # its invoice marked uncollectible at Stripe
    EVERY_PLACE_GIVEN_UP = "every_place_given_up"  # the manager gave up each place before paying
    PERSON_ERASED = "person_erased"  # its manager or billing contact erased: the invoice voided
    PAYMENT_NOT_STARTED = "payment_not_started"  # Stripe could not be reached when it was made
    # Its payment refunded in full at Stripe (not asked from here): paid, it keeps no place
    # nobody holds (``domain.group_refunds``).
    REFUNDED_AT_STRIPE = "refunded_at_stripe"
    # Its checkout paid once the course had begun (an organiser brought the start forward into
    # its hold): the payment given back whole, the booking ended (``domain.paying``).
    PAID_AFTER_START = "paid_after_start"
    # Its invoice voided to be replaced by one for the places kept (a place given up), and the
    # new one never made (Stripe failed; the sweep's completion refused for good: once it fell
    # due, or the applications closed, it ends then): never put on the employer as not paid
    # .
    REPLACEMENT_NOT_MADE = "replacement_not_made"


# What the invoice a booking ended with is, at Stripe, after each ending (a card booking has
# none to mark).
INVOICE_STATUS_AFTER = {
    GroupEnding.NOT_PAID_BY_DEADLINE: "overdue",
    GroupEnding.MARKED_UNCOLLECTIBLE: "uncollectible",
}

# Each reason, as the organisers read it (the group's ``status_said``).
ORGANISERS_WORDS = {
    GroupEnding.VOIDED_BY_ORGANISER: "Ended: an organiser voided its invoice, so its places "
    "were released",
    GroupEnding.NOT_PAID_BY_DEADLINE: "Lapsed: its invoice was not paid by its due date, so its "
    "places were released",
    GroupEnding.CHECKOUT_EXPIRED: "Lapsed: its card payment was not made before the checkout "
    "expired, so its places were released",
    GroupEnding.PAYMENT_FAILED: "Ended: its payment failed, so its places were released",
    GroupEnding.VOIDED_AT_STRIPE: "Ended: its invoice was voided at Stripe (not from here), so "
    "its places were released",
    GroupEnding.MARKED_UNCOLLECTIBLE: "Ended: its invoice was marked uncollectible at Stripe, so "
    "its places were released",
    GroupEnding.EVERY_PLACE_GIVEN_UP: "Ended: every place given up before it was paid",
    GroupEnding.PERSON_ERASED: "Ended: the person its invoice was addressed to was erased, so "
    "the invoice was voided and its places were released",
    GroupEnding.PAYMENT_NOT_STARTED: "Ended: Stripe could not be reached to take its payment, "
    "so its places were released",
    GroupEnding.REFUNDED_AT_STRIPE: "Ended: its payment was refunded in full at Stripe (not "
    "from here), so its places nobody had taken were released",
    # Its checkout was still open at the start: the start brought forward into its hold, or a
    # give-up's new checkout opened after applications closed, whose half hour ran past it.
    GroupEnding.PAID_AFTER_START: "Ended: its payment came after the course had begun (its "
    "checkout was still open at the start), so the payment was refunded in full and its places "
    "were released",
    GroupEnding.REPLACEMENT_NOT_MADE: "Ended: its invoice was voided to be replaced by one for "
    "the places kept, and the new invoice could not be made in time (before its due date, or "
    "the course's applications closed), so its places were released",
}
ORGANISERS_WORDS_UNKNOWN = "Ended unpaid: its places were released"
# A card booking whose manager was erased before paying: there was no invoice to void.
ORGANISERS_WORDS_ERASED_BY_CARD = (
    "Ended: its manager was erased before paying, so its card checkout was expired at Stripe "
    "and its places were released"
)

# Each reason, as the manager reads it: the headline (their page's status, the email's subject)
# and why, as the email says it ("The places ... were released for others to book: <why>.").
MANAGERS_HEADLINE = {
    GroupEnding.VOIDED_BY_ORGANISER: "The invoice was cancelled: the places were released",
    GroupEnding.NOT_PAID_BY_DEADLINE: "Not paid in time: the places were released",
    GroupEnding.CHECKOUT_EXPIRED: "Not paid in time: the places were released",
    GroupEnding.PAYMENT_FAILED: "The payment did not go through: the places were released",
    GroupEnding.VOIDED_AT_STRIPE: "The invoice was cancelled: the places were released",
    GroupEnding.MARKED_UNCOLLECTIBLE: "The invoice was written off: the places were released",
    GroupEnding.EVERY_PLACE_GIVEN_UP: "Every place was given up",
    GroupEnding.PERSON_ERASED: "The invoice was cancelled: the places were released",
    GroupEnding.PAYMENT_NOT_STARTED: "The payment could not be started: the places were released",
    GroupEnding.REFUNDED_AT_STRIPE: "The payment was refunded: the places were released",
    GroupEnding.PAID_AFTER_START: "Paid after the course began: refunded, the places released",
    GroupEnding.REPLACEMENT_NOT_MADE: "The invoice was cancelled: the places were released",
}
MANAGERS_HEADLINE_UNKNOWN = "Not paid: the places were released"
MANAGERS_WHY = {
    GroupEnding.VOIDED_BY_ORGANISER: "the course's organisers cancelled (voided) the invoice for "
    "them",
    GroupEnding.NOT_PAID_BY_DEADLINE: "the invoice for them was not paid by its due date",
    GroupEnding.CHECKOUT_EXPIRED: "the payment by card was not made before the checkout expired",
    GroupEnding.PAYMENT_FAILED: "the payment for them did not go through",
    GroupEnding.VOIDED_AT_STRIPE: "the invoice for them was cancelled (voided)",
    GroupEnding.MARKED_UNCOLLECTIBLE: "the invoice for them was written off as not to be paid",
    GroupEnding.EVERY_PLACE_GIVEN_UP: "every place was given up before it was paid",
    GroupEnding.PERSON_ERASED: "the invoice for them was cancelled when the details of the "
    "person it was addressed to were erased",
    GroupEnding.PAYMENT_NOT_STARTED: "the payment for them could not be started",
    GroupEnding.REFUNDED_AT_STRIPE: "the payment for them was refunded in full",
    GroupEnding.PAID_AFTER_START: "the payment for them came after the course had begun, so it "
    "was refunded in full",
    GroupEnding.REPLACEMENT_NOT_MADE: "the invoice for them was cancelled to be replaced by one "
    "for the places kept, and the payment provider could not make the new invoice in time "
    "(before the old one's due date, or the course's applications closed)",
}
MANAGERS_WHY_UNKNOWN = "they were not paid for"


# An invoice booking ended by an erasure, said by whom it erased: the invoice
# is addressed to the billing contact, so the manager's erasure is not its addressee's.
ORGANISERS_WORDS_ERASED = {
    (True, False): "Ended: its manager was erased before it was paid, so its invoice was voided "
    "and its places were released",
    (True, True): "Ended: its manager and the person its invoice was addressed to were erased, "
    "so the invoice was voided and its places were released",
}


def organisers_words(
    ending: GroupEnding | None,
    *,
    by_card: bool = False,
    manager_erased: bool = False,
    billing_erased: bool = False,
) -> str:
    """``by_card``: the booking was to be paid by card (it had no invoice); ``manager_erased``,
    ``billing_erased``: whom the booking names no more (an erasure's ending says whose)."""
    if ending is GroupEnding.PERSON_ERASED:
        if by_card:
            return ORGANISERS_WORDS_ERASED_BY_CARD
        erased = ORGANISERS_WORDS_ERASED.get((manager_erased, billing_erased))
        if erased is not None:
            return erased
    return ORGANISERS_WORDS_UNKNOWN if ending is None else ORGANISERS_WORDS[ending]


def managers_headline(ending: GroupEnding | None) -> str:
    return MANAGERS_HEADLINE_UNKNOWN if ending is None else MANAGERS_HEADLINE[ending]


def managers_why(ending: GroupEnding | None) -> str:
    return MANAGERS_WHY_UNKNOWN if ending is None else MANAGERS_WHY[ending]


def refuse_once_ended(status: GroupStatus, ending: GroupEnding | None) -> None:
    """A booking that ended unpaid changes its places no more: refused as ended, and why, as
    the manager reads it (not "once the booking is paid" of one whose invoice
    was voided on an erasure)."""
    if status is GroupStatus.LAPSED:
        said = f"this booking has ended: its places were released because {managers_why(ending)}"
        raise Conflict(said, code="lapsed")
