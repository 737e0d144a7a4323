"""An offer of a place turned down by the person it was made to (they could
only let it lapse, holding the place from the next person for the whole offer period).

What may be turned down, and why not otherwise, in one place: the service
(``services.offer_declines``) refuses with it, and the status page offers its button only
when it allows it.
"""

from __future__ import annotations

from datetime import datetime

from booking.domain.application import Application, ApplicationStatus
from booking.domain.offer_ends import OFFER_DECLINED, OFFER_LAPSED

S = ApplicationStatus


def was_declined(application: Application) -> bool:
    """Whether ``application``'s offer was turned down (and so ended: nothing more to do)."""
    return application.status is S.EXPIRED and application.status_reason == OFFER_DECLINED


def decline_refusal(application: Application, now: datetime) -> str | None:
    """Why ``application`` has no offer to turn down now (None: it has one).

    ``offer_lapsed``: its deadline passed (before the sweep ended it, and after);
    ``payment_pending``: a payment for it is going through; ``not_offered``: anything else
    (booked already, on the waiting list, cancelled, ...). An offered place being paid by
    the employer's invoice may be turned down too (``invoiced_offer``)."""
    if application.status is S.OFFERED:
        if application.offer_expires_at is not None and application.offer_expires_at <= now:
            return OFFER_LAPSED
        if application.payment_pending:
            return "payment_pending"
        return None
    if application.status is S.EXPIRED and application.status_reason == OFFER_LAPSED:
        return OFFER_LAPSED
    if invoiced_offer(application, now):
        return None
    return "not_offered"


def invoiced_offer(application: Application, now: datetime) -> bool:
    """Whether ``application`` is an offered place its person chose to have their employer
    invoiced for, the invoice open and holding the place: it may still be
    turned down until the invoice's due day ends (its hold: the offer's deadline no longer
    applies), the invoice voided first (``services.offer_declines``)."""
    lapses = application.hold_lapses_at()
    return (
        application.offer_expires_at is not None
        and application.has_open_invoice()
        and application.seat_held
        and (lapses is None or now < lapses)
    )


def may_decline(application: Application, now: datetime) -> bool:
    """Whether ``application`` has an offer its person may turn down now."""
    return decline_refusal(application, now) is None
