"""Stripe's two accounts of a payment's refunds, each refund by id and the charge's running
total, brought up to date by a refund event (pure, no I/O): what ``domain.payments`` records
of a refund and what ``services.believed`` weighs against what was paid before writing it; and
what a refund's message says of it (:func:`refund_said`: this refund's part, and what has come
back in all), the one rule of every refund email."""

from __future__ import annotations

from typing import TYPE_CHECKING

from booking.domain.emails import EmailJob, EmailKind
from booking.domain.payment_record import PaymentRecord

if TYPE_CHECKING:
    from booking.domain.application import Application
    from booking.domain.payments import RefundEvent

# Why a move's difference paid when the move could no longer happen is given back: paid after
# the move lapsed (``domain.dearer_moves``), or after a refund ended the booking.
MOVE_LATE_PAYMENT = "move_lapsed_payment_refunded"
# The words of the message giving back a move's difference paid when the booking had ended
# (cancelled, or refunded at Stripe before it, in the same second too): said of a cancelled
# booking, never "as it was", nor whether the move was made (its email may have gone first).
MOVE_PAID_AFTER_END = "move_paid_after_booking_ended"
# Refunds of a payment the booking did not keep, given back whole on its own: its message says
# that payment alone, not the booking's other refunds.
GIVEN_BACK_ON_ITS_OWN = (MOVE_LATE_PAYMENT, MOVE_PAID_AFTER_END)
# Refunds that give back all a cancelled booking kept, ending it (a Refund afterwards, or one
# from Stripe's dashboard): with what came back before, everything paid has come back.
ALL_KEPT_GIVEN_BACK = "cancelled_and_refunded"
# A part of what a booking cancelled keeping the money kept, refunded on Stripe's dashboard.
CANCELLED_PART_REFUNDED = "cancelled_part_refunded"


def refunds_by_id(refunds: dict[str, int], event: RefundEvent) -> dict[str, int]:
    """Each succeeded refund of a payment by id after ``event`` (a pending or failed one does not
    count: one that failed after it succeeded is taken off)."""
    updated = dict(refunds)
    if event.refund_id is not None:
        if event.refund_succeeded:
            updated[event.refund_id] = event.refund_amount
        else:
            updated.pop(event.refund_id, None)
    return updated


def refund_figures(
    refunds: dict[str, int], charge_amount_refunded: int, event: RefundEvent
) -> tuple[dict[str, int], int]:
    """Stripe's two views of a payment's refunds after ``event``: each succeeded refund by id
    (:func:`refunds_by_id`), and the charge's running total."""
    by_charge = (
        event.charge_amount_refunded
        if event.charge_amount_refunded is not None
        else charge_amount_refunded
    )
    return refunds_by_id(refunds, event), by_charge


def refunded_record(record: PaymentRecord, event: RefundEvent) -> PaymentRecord:
    """``record`` (one of a booking's payments) with what ``event`` says of its refunds."""
    refunds, by_charge = refund_figures(record.refunds, record.charge_amount_refunded, event)
    return record.model_copy(update={"refunds": refunds, "charge_amount_refunded": by_charge})


def refunded_after(refunds: dict[str, int], charge_amount_refunded: int, event: RefundEvent) -> int:
    """What a payment (its refunds by id and the charge's running total) would show given back
    once ``event`` is recorded on it, the larger of Stripe's two views: weighed against what it
    paid before anything is written (``services.believed``)."""
    by_id, by_charge = refund_figures(refunds, charge_amount_refunded, event)
    return max(sum(by_id.values()), by_charge)


def refund_said(job: EmailJob, application: Application) -> tuple[int, int]:
    """What a refund's message says (``application``: as the message was queued): what this
    refund gives back, and what has come back in all (more than it when earlier refunds were
    made, ``wording.refunded_earlier_words``). A refund that gives back all a cancelled booking
    kept is said as Stripe made it (``last_refund``: a dashboard refund in between takes its
    share first), beside everything paid (asked before its refund was recorded, it
    had said its own part as all that was paid); a cancellation's message likewise."""
    if job.kind is not EmailKind.PAYMENT_REFUNDED or job.reason == ALL_KEPT_GIVEN_BACK:
        return application.latest_refund, application.charges_paid
    in_all = application.charges_refunded
    this_refund = in_all if job.amount is None else job.amount
    if job.reason in GIVEN_BACK_ON_ITS_OWN or job.refunded_invoice is not None:
        # A payment given back whole on its own (a move's difference paid too late, an
        # invoice's payment not kept): the booking's own refunds are no part of it.
        return this_refund, this_refund
    return this_refund, in_all


__all__ = [
    "ALL_KEPT_GIVEN_BACK",
    "CANCELLED_PART_REFUNDED",
    "GIVEN_BACK_ON_ITS_OWN",
    "MOVE_LATE_PAYMENT",
    "MOVE_PAID_AFTER_END",
    "refund_figures",
    "refund_said",
    "refunded_after",
    "refunded_record",
]
