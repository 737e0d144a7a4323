"""A refund that Stripe says failed (review20 M2): a card refund that failed after it
succeeded (the card closed), counted as given back until then, or a pending one (Bacs, SEPA)
that the bank sent back. The figures follow Stripe (a failed refund counts nothing:
``domain.payments.after_refund``), but the person was told their money was coming back and
nobody asks Stripe again, so the organisers must hear of it and act: it is kept as an anomaly
and logged at ERROR (ids and amounts only), which alarms. Pure rules, no I/O."""

from __future__ import annotations

from booking.domain.application import Application
from booking.domain.commands import NoteAnomaly
from booking.domain.payments import RefundEvent

REFUND_FAILED_AT_STRIPE = "refund_failed_at_stripe"


def refund_failed_at_stripe(
    before: Application, after: Application, event: RefundEvent
) -> tuple[NoteAnomaly, ...]:
    """The anomaly to keep when ``event`` says a refund of ``before``'s payments failed, or
    takes what ``before`` counted as given back down (``after``): was counted, now is not.
    Nothing otherwise."""
    counted, now = before.money_returned, after.money_returned
    if now >= counted and not event.refund_failed:
        return ()
    details = {
        "application_id": before.application_id,
        "payment_intent": event.payment_intent,
        "refund_id": event.refund_id or "",
        "counted_before": str(counted),
        "counted_now": str(now),
    }
    return (NoteAnomaly(event.event_id, REFUND_FAILED_AT_STRIPE, details),)
