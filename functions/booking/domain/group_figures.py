"""What a group booking holds and what its money came to, as every view says it: the manager's
page and their JSON answer (``GET /groups/{id}``), the organisers' group bookings list and the
course's money page take these figures from here, so none says another thing (the manager's JSON
counted only its places' shares refunded, not a payment given back whole,
and each view said "2 kept" of a booking whose places were released when it ended)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from booking.domain.disputed_refunds import group_payment_held
from booking.domain.employer_share import owed_by_hand, paid_off_stripe
from booking.domain.group_endings import GroupEnding, managers_headline
from booking.domain.groups import GroupBooking, GroupStatus

# The manager's words for a booking that has not ended.
MANAGERS_STATUS = {
    GroupStatus.AWAITING_PAYMENT: "Waiting for payment by card",
    GroupStatus.AWAITING_INVOICE_PAYMENT: "Waiting for the invoice to be paid",
    GroupStatus.PAID: "Paid: your colleagues can apply",
}


# An invoice being replaced by one for the places kept (a place given up: the old one voided
# at Stripe first, the new one not yet made: ``services.group_invoice_replacement``). The old
# one's link would show a void invoice, so none is offered. The place being given
# up is named: until the new invoice is made it still counts as kept.
def invoice_being_replaced_said(group: GroupBooking) -> str:
    """The manager's words for ``group``'s invoice being replaced, naming the place given up
    (or corrected by the organisers: the same places, to the corrected billing details)."""
    if group.replacing_billing is not None:
        return (
            "The invoice is being corrected by the organisers: a new one for the same places "
            "is sent to the billing contact as soon as it is made"
        )
    place = f" without place {group.replacing_place}" if group.replacing_place else ""
    return (
        f"The invoice is being replaced by one for the places kept{place}, which is being "
        "given up: the new invoice is sent to the billing contact as soon as it is made"
    )


def invoice_being_replaced(group: GroupBooking) -> bool:
    """Whether ``group``'s invoice is marked as being replaced (``replacing_invoice``)."""
    invoice = group.invoice
    return (
        group.status is GroupStatus.AWAITING_INVOICE_PAYMENT
        and invoice is not None
        and group.replacing_invoice == invoice.invoice_id
    )


def still_replacing(group: GroupBooking, invoice_id: str) -> bool:
    """Whether ``group`` still holds ``invoice_id``, marked as being replaced: what the save of
    its replacement is held to (nobody completed, refused or ended it meanwhile)."""
    invoice = group.invoice
    return (
        invoice is not None and invoice.invoice_id == invoice_id and invoice_being_replaced(group)
    )


def not_replacing(group: GroupBooking) -> GroupBooking:
    """``group`` no longer marked as replacing its invoice (replaced, corrected, or its void
    refused)."""
    update = {
        "replacing_invoice": None,
        "replacing_place": None,
        "replacing_since": None,
        "replacing_billing": None,
        "replacing_with": (),
    }
    return group.model_copy(update=update)


def earlier_try_may_be_paid(group: GroupBooking, now: datetime) -> bool:
    """Whether ``group``'s invoice replacement (a place given up, or an organiser's
    correction), half done past the old invoice's due time, may be completed with an invoice
    a stopped try sent (``replacing_with``) that the employer paid, or is paying by a bank
    debit: read at Stripe first (``group_invoice_replacement.earlier_try_invoice``), that one
    is recorded as the group's and nothing new is made, so the due time refuses nothing of it."""
    invoice = group.invoice
    return (
        invoice_being_replaced(group)
        and invoice is not None
        and now >= invoice.due_at
        and bool(group.replacing_with)
    )


# A card payment completed by a delayed method (Bacs, SEPA) its bank has yet to confirm.
PAYMENT_SETTLING = "Payment made, waiting for the bank to confirm it"


def payment_settling(group: GroupBooking) -> bool:
    """Whether the group's checkout was completed and its payment is settling (a delayed
    method's, ``CheckoutRef.completed_at``): nothing more to pay, and its seats are kept past
    the hold (it read "Waiting for payment by card" with a pay button)."""
    checkout = group.checkout
    return (
        group.status is GroupStatus.AWAITING_PAYMENT
        and checkout is not None
        and checkout.completed_at is not None
    )


# A paid booking with no place left (the manager's words), and what became of its money:
# refunded through Stripe, or, paid outside Stripe, owed back by hand (``employer_share``).
PAID_EVERY_PLACE_RELEASED = "Every place was released at the apply-by date, nobody having applied"
PAID_EVERY_PLACE_GONE = "Every place was given up or released at the apply-by date"
PAID_EVERY_PLACE_GIVEN_UP = "Every place was given up"
PAID_FOR_THEM_REFUNDED = "what was paid for them is refunded"
PAID_FOR_THEM_OWED_BY_HAND = (
    "what was paid for them was paid outside Stripe, so it is not refunded from here: it is "
    "owed back by hand, to arrange with the course's organisers"
)
PAID_FOR_THEM_GIVEN_BACK_BY_HAND = (
    "what was paid for them was paid outside Stripe, and the course's organisers have given it "
    "back by hand"
)
PAID_FOR_THEM_DISPUTED = (
    "what was paid for them was taken back by the payer's bank in a dispute, so nothing is "
    "refunded from here"
)
PAID_FOR_SOME_DISPUTED = (
    "what was paid for the places whose share was refunded before the payer's bank's dispute is "
    "refunded; what was paid for the rest was taken back by the payer's bank in the dispute, so "
    "nothing more is refunded from here"
)
# A paid booking past its apply-by date (or paid once it had passed): no link works any more.
PAID_APPLYING_OVER = "Paid: the time for your colleagues to apply has passed"


@dataclass(frozen=True)
class GroupFigures:
    """A group booking's places, counted by what became of them."""

    places_booked: int
    # Given up by the manager (or released unfilled at the apply-by date) before it ended.
    places_given_up: int
    # Held now: none once the booking ended unpaid (its places were released with it).
    places_kept: int
    # Released with the booking when it ended unpaid (not given up before).
    places_released_at_end: int
    amount_paid: int  # every payment Stripe took for it, one given back whole too
    amount_refunded: int  # every refund of those: places' shares, at Stripe, given back whole


def group_figures(group: GroupBooking) -> GroupFigures:
    not_given_up = group.places_kept
    ended = group.status is GroupStatus.LAPSED
    return GroupFigures(
        places_booked=len(group.places),
        places_given_up=len(group.places) - not_given_up,
        places_kept=0 if ended else not_given_up,
        places_released_at_end=not_given_up if ended else 0,
        amount_paid=group.money_received,
        amount_refunded=group.money_returned,
    )


def _paid_for_them(group: GroupBooking) -> str:
    """What became of the money paid for a paid group's places once none is left: refunded,
    owed back by hand (paid outside Stripe), or, for places released while a dispute held the
    payment (open, or lost: nothing refunded of them), taken back by the payer's bank; a
    place whose share was refunded before the dispute came says so beside them."""
    if paid_off_stripe(group):
        given_back = group.returned_by_hand and not owed_by_hand(group)
        return PAID_FOR_THEM_GIVEN_BACK_BY_HAND if given_back else PAID_FOR_THEM_OWED_BY_HAND
    unrefunded = [p for p in group.places if p.released and p.refund_id is None]
    if not group_payment_held(group) or not unrefunded:
        return PAID_FOR_THEM_REFUNDED
    if len(unrefunded) == len(group.places):
        return PAID_FOR_THEM_DISPUTED
    return PAID_FOR_SOME_DISPUTED


def managers_status(group: GroupBooking, applying: bool) -> str:
    """The booking's state in the manager's words (their page and their JSON answer): one that
    ended says why (one whose places were all given up says so, not that it went unpaid), and
    one whose payment was refunded in full at Stripe has ended too, though still ``paid``. A
    paid one says colleagues can apply only while they can (``applying``: before the apply-by
    date and the first session, ``services.groups.view_of``)."""
    if group.status is GroupStatus.LAPSED:
        if all(place.released for place in group.places):
            return managers_headline(GroupEnding.EVERY_PLACE_GIVEN_UP)
        return managers_headline(group.ended_because)
    if group.ended_because is GroupEnding.REFUNDED_AT_STRIPE:
        return managers_headline(group.ended_because)
    if group.status is GroupStatus.PAID and group.places_kept == 0:
        # Nothing left to apply for: said as the places went.
        unfilled = [place.released_unfilled for place in group.places]
        if all(unfilled):
            gone = PAID_EVERY_PLACE_RELEASED
        else:
            gone = PAID_EVERY_PLACE_GONE if any(unfilled) else PAID_EVERY_PLACE_GIVEN_UP
        return f"{gone}: {_paid_for_them(group)}"
    if group.status is GroupStatus.PAID and not applying:
        return PAID_APPLYING_OVER
    if payment_settling(group):
        return PAYMENT_SETTLING
    if invoice_being_replaced(group):
        return invoice_being_replaced_said(group)
    return MANAGERS_STATUS[group.status]
