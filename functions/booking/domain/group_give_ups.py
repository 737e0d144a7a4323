"""When the manager of an unpaid group booking may give a place up, one rule for
the API and the manager's page. Pure rules, no I/O.

A place given up before the booking is paid is paid for no longer: the payment open for every
place is replaced by one for the places kept (``services.group_changes``). Once the course's
applications have closed, no new payment may be opened (nothing is paid for a place after the
closing: ``domain.paying``), so only the last place held may go, ending the booking with nothing
to pay; any other is refused, and the page offers no give-up then. The refusal's advice is what
can be done: pay the open payment as it is, or leave it unpaid, every place then released when
its hold ends. A give-up let through while they were open and stopped after its old way to pay
was closed at Stripe is completed after they close as it would have been
(:func:`opens_a_new_way_to_pay`): decided then, it is no new booking, and the employer may
have paid the invoice for the places kept that the stopped try sent.

Nor is a new payment opened while the one made is settling (a checkout completed by a delayed
method, Bacs or SEPA, its bank yet to confirm it: ``group_figures.payment_settling``): a
replaced checkout would have that payment given back whole when it settles, and the manager
asked to pay again within a new hold. So only the last place may go then too
(the booking ends, and the payment is given back whole when it arrives); any other is refused
until the bank confirms the payment, when the booking is paid and a place's share is refunded
as any paid place's is. An invoice being paid by a bank debit (its payment processing at
Stripe, read as the place is given up: ``invoice_processing``) is settling alike: a replaced
invoice would be voided under it, its payment given back whole when it arrives, and the
employer asked to pay again. An invoice Stripe already holds paid, its event not
yet applied here (delayed, or retried through a 503), is refused alike while the event is on its
way: replaced, it would be voided too late and its payment given back whole.
"""

from __future__ import annotations

from datetime import datetime

from booking.domain.errors import (
    PAYMENT_BEING_RECORDED,
    PAYMENT_SETTLING,
    Conflict,
    CourseClosed,
)
from booking.domain.group_figures import payment_settling
from booking.domain.group_invoice_correction import correction_half_done
from booking.domain.groups import GroupBooking, GroupStatus
from booking.domain.invoice_voiding import group_checkout_act
from booking.domain.invoices import InvoicePaying
from booking.domain.lasting_refusals import INVOICE_PAST_DUE
from booking.domain.money import money_words

UNPAID = frozenset({GroupStatus.AWAITING_PAYMENT, GroupStatus.AWAITING_INVOICE_PAYMENT})


def settling(group: GroupBooking, *, invoice_processing: bool = False) -> bool:
    """Whether a payment made for unpaid ``group`` is being confirmed by the payer's bank: its
    checkout completed by a delayed method (``group_figures.payment_settling``), or, by
    invoice, a payment of it processing at Stripe (``invoice_processing``, as read)."""
    if group.status is GroupStatus.AWAITING_INVOICE_PAYMENT:
        return invoice_processing
    return payment_settling(group)


def waits_for_the_bank(group: GroupBooking, *, invoice_processing: bool = False) -> bool:
    """Whether a place of ``group`` may be given up only once its payment is confirmed (the
    manager's page says so where it offers no give-up): unpaid, settling, and more than the
    last place held."""
    return (
        group.status in UNPAID
        and group.seats_held > 1
        and settling(group, invoice_processing=invoice_processing)
    )


def may_give_up(
    group: GroupBooking, *, taking_applications: bool, invoice_processing: bool = False
) -> bool:
    """Whether a place ``group`` holds may be given up now: always once paid; unpaid, while its
    course takes applications and no payment made is settling (a payment for the places kept
    is opened), or when it is the last place held (the booking ends, nothing left to pay)."""
    if group.status not in UNPAID or group.seats_held <= 1:
        return True
    return taking_applications and not waits_for_the_bank(
        group, invoice_processing=invoice_processing
    )


def opens_a_new_way_to_pay(group: GroupBooking, number: int, *, taking_applications: bool) -> bool:
    """Whether giving place ``number`` of ``group`` up may open a new payment for the places
    kept: while the course takes applications, and, once they closed, when it completes the
    give-up of that place a try began while they were open and stopped after closing the old
    way to pay at Stripe (:func:`completes_a_give_up`). That give-up was decided then; its
    completion is no new booking, and the employer may have paid its new invoice already."""
    return taking_applications or completes_a_give_up(group, number)


def completes_a_give_up(group: GroupBooking, number: int) -> bool:
    """Whether giving place ``number`` of unpaid ``group`` up completes a give-up of it left
    half done: its invoice voided to be replaced for that place (``replacing_place``), or its
    checkout expired for it (the checkout's mark). Both marks are written only once the
    give-up was let through (:func:`give_up_refusal`), so while applications were open."""
    if group.status is GroupStatus.AWAITING_INVOICE_PAYMENT:
        return group.replacing_invoice is not None and group.replacing_place == number
    act = group_checkout_act(group)
    return act is not None and act.place == number


def give_up_refusal(
    group: GroupBooking,
    *,
    taking_applications: bool,
    held_until: str | None,
    invoice: InvoicePaying = InvoicePaying.NOT_PAID,
) -> Conflict | None:
    """Why a place of ``group`` may not be given up now, in words (None: it may): its invoice
    paid and being recorded, its payment settling, or the course's applications closed
    (``held_until``: when its hold ends). ``invoice``: as read at Stripe (by invoice only)."""
    if (
        invoice is InvoicePaying.PAID
        and group.status is GroupStatus.AWAITING_INVOICE_PAYMENT
        and group.seats_held > 1
    ):
        return being_recorded_refused()
    processing = invoice is InvoicePaying.PROCESSING
    if may_give_up(group, taking_applications=taking_applications, invoice_processing=processing):
        return None
    if waits_for_the_bank(group, invoice_processing=processing):
        return settling_refused(group)
    return give_up_refused(held_until)


def refuse_while_voided(group: GroupBooking) -> None:
    """No place of ``group`` is given up once an organiser asked Stripe to void its invoice
    (``void_asked_for``): that void ends the booking, and a replacement made meanwhile would
    be voided with it (the organisers' ask, recorded first, holds)."""
    invoice = group.invoice
    if (
        group.status is GroupStatus.AWAITING_INVOICE_PAYMENT
        and invoice is not None
        and group.void_asked_for == invoice.invoice_id
    ):
        raise Conflict(
            "the organisers are cancelling this booking's invoice, so its places can no longer "
            "change: nothing was changed. The booking ends with the invoice",
            code="invoice_being_voided",
        )


def refuse_while_another_is_given_up(group: GroupBooking, number: int) -> None:
    """No other place of ``group`` is given up while the give-up of the place its invoice's
    replacement records (``replacing_place``) is half done: saved on the old invoice's terms,
    this change would drop that give-up, and the employer be invoiced for a place the manager
    gave up. Giving that place up again completes it first. Nor while an organiser's
    correction of the invoice it has now is half done (``correction_half_done``)."""
    pending = group.replacing_place
    if correction_half_done(group):
        # An organiser's correction of the invoice half done: a give-up now would replace
        # it to the old details, the correction lost. A mark left for an invoice that is no
        # longer the group's own is no correction under way, and refuses nothing.
        raise Conflict(
            "the organisers are correcting this booking's invoice: nothing was changed. "
            "Please try again in a few minutes, once the corrected invoice is sent",
            code="invoice_being_corrected",
        )
    if (
        group.status is GroupStatus.AWAITING_INVOICE_PAYMENT
        and group.replacing_invoice is not None
        and pending is not None
        and pending != number
        and not group.place(pending).released
    ):
        raise Conflict(
            f"place {pending} is still being given up: its new invoice is not made yet. "
            f"Nothing was changed: give place {pending} up again to finish that first, then "
            f"place {number}",
            code="place_being_given_up",
        )


def refuse_once_due(group: GroupBooking, now: datetime, *, earlier_try_paid: bool = False) -> None:
    """No place of ``group`` is taken off its invoice once the invoice's due date has passed
    (its places not yet released by the sweep): Stripe makes no invoice due in the past, so
    the old one would be voided and no new one made. The last place held may
    still go (the booking ends, no new invoice); and so may the place whose give-up a stopped
    try left half done once the employer paid the invoice it sent for the places kept, or is
    paying it by a bank debit (``earlier_try_paid``, ``group_figures.earlier_try_may_be_paid``):
    nothing new is made, that invoice is recorded as the group's and its payment kept."""
    invoice = group.invoice
    if (
        not earlier_try_paid
        and group.status is GroupStatus.AWAITING_INVOICE_PAYMENT
        and invoice is not None
        and group.seats_held > 1
        and now >= invoice.due_at
    ):
        if group.replacing_invoice == invoice.invoice_id:
            # Voided already by an earlier try that Stripe failed: it cannot be paid either.
            said = (
                "the invoice's due date has passed, so no new invoice for fewer places can be "
                "made: nothing was changed. The invoice was already cancelled to be replaced, "
                "so the places are released at the end of its due day; book again if you still "
                "want them"
            )
        else:
            said = (
                "the invoice's due date has passed, so no new invoice for fewer places can be "
                "made: nothing was changed. Pay the invoice as it is, or leave it unpaid: its "
                "places are then released"
            )
        raise Conflict(said, code=INVOICE_PAST_DUE)


def settling_refused(group: GroupBooking) -> Conflict:
    """The refusal of giving up a place while the group's payment is settling at its bank."""
    checkout, invoice = group.checkout, group.invoice
    amount = group.total.amount
    if group.status is GroupStatus.AWAITING_INVOICE_PAYMENT and invoice is not None:
        amount = invoice.amount_due
    elif checkout is not None and checkout.amount is not None:
        amount = checkout.amount
    paid = money_words(amount, group.price.currency)
    return Conflict(
        f"your payment of {paid} for {group.places_kept} places is being confirmed by your "
        "bank: nothing was changed. Give places up once it is confirmed (each place's share is "
        "then refunded); until then a new payment for fewer places would have the one you made "
        "given back",
        code=PAYMENT_SETTLING,
    )


def being_recorded_refused(*, by_card: bool = False) -> Conflict:
    """The refusal of giving up a place while the group's invoice (or its card checkout:
    ``by_card``), paid at Stripe, is on its way here: a new invoice or checkout for fewer
    places would have that payment given back whole."""
    paid = "card payment" if by_card else "payment of the invoice"
    return Conflict(
        f"your {paid} has arrived and is being recorded: nothing was changed. "
        "Please try again in a minute; each place given up is then refunded its share",
        code=PAYMENT_BEING_RECORDED,
    )


def give_up_refused(held_until: str | None) -> CourseClosed:
    """The refusal of giving up a place of an unpaid group once applications closed, with what
    can be done (``held_until``: when its hold ends, in words, if it is known)."""
    until = f" at {held_until}" if held_until else ""
    return CourseClosed(
        "applications for this course are closed, so a new payment for the places kept can no "
        "longer be opened: nothing was changed. Pay the open payment as it is, or leave it "
        f"unpaid: every place is then released when its hold ends{until}"
    )


def hold_ends(group: GroupBooking) -> datetime | None:
    """When an unpaid group's places are released if nobody pays (its checkout's hold)."""
    return group.hold_expires_at if group.status is GroupStatus.AWAITING_PAYMENT else None
