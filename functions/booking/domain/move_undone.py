"""A move undone by a refund at Stripe that ended the booking before the move gave or took any
money: a dearer move's refund made before its difference was paid, or a cheaper
move's own refund refused because the whole payment had gone back already.
Pure rules, no I/O.

An organiser refunding a booking from Stripe's dashboard while the person pays a move's
difference: a refund made before that payment (in its second too: ``domain.payments
.paid_after``) ends the booking, and the difference goes back whole. When the person had not
been told of the move (its email goes only while the booking stands, so it never will be), the
move never stood for them: everything they hold names the cohort they booked (its invitation,
the cancellation's ``cancel.ics``, the refunds' messages). So the record says the same: the move
is kept, marked ``undone_at``, and the booking ends on the cohort it left, at its price there,
its roster, status page, export and money counted there. A move the person was told of (the
mailer claimed its email before the refund was heard of) stands: they were told it, and then
that the booking was cancelled and refunded, with the moved-to cohort's sessions taken out.
"""

from __future__ import annotations

from datetime import datetime

from booking.domain.application import Application, ApplicationStatus
from booking.domain.payments import RefundEvent, paid_after


def undone_by_refund(
    application: Application, event: RefundEvent, now: datetime, *, told: bool
) -> Application | None:
    """``application`` with its latest move undone, if ``event``'s refund was made before that
    move's difference was paid (or, for a cheaper move, before any of its own refund was made)
    and the person was not ``told`` of the move; else None. Asked
    only of a refund that ends the booking (``domain.settlement``)."""
    latest = application.transfers[-1] if application.transfers else None
    if (
        told
        or latest is None
        or latest.undone_at is not None
        or application.status is not ApplicationStatus.CONFIRMED
        or application.course_id != latest.to_course_id
    ):
        return None
    if latest.charge_payment_intent is None:
        # A cheaper move whose own refund was never made: Stripe refused it because the whole
        # payment had gone back, so the move gave nothing and never stood.
        if not latest.refund_pending or latest.refund_ids():
            return None
    elif latest.charge_payment_intent not in {
        charge.payment_intent for charge in paid_after(application, event)
    }:
        return None
    undone = latest.model_copy(update={"undone_at": now})
    return application.model_copy(
        update={
            "course_id": latest.from_course_id,
            "price": latest.price_before,
            "transfers": (*application.transfers[:-1], undone),
        }
    )


def undoes_a_move(before: Application, after: Application) -> bool:
    """Whether ``after`` is ``before`` with its latest move undone (``undone_by_refund``)."""
    return (
        len(after.transfers) == len(before.transfers) > 0
        and before.transfers[-1].undone_at is None
        and after.transfers[-1].undone_at is not None
    )


__all__ = ["undoes_a_move", "undone_by_refund"]
