"""A refund that Stripe says failed: a card refund that failed after it
succeeded (the card closed), counted as given back until then, or a pending one (Bacs, SEPA)
that the bank sent back. The figures follow Stripe (a failed refund counts nothing:
``domain.payments.after_refund``), but the person was told their money was coming back and
nobody asks Stripe again, so the organisers must hear of it and act: it is kept as an anomaly
and logged at ERROR (ids and amounts only), which alarms. Once per refund:
its id is kept on the application (``refunds_failed``), and the anomaly is keyed by it, so a
second event telling the same failure (or two at once) keeps no second one. A booking whose
refund failed and still keeps the money is not refunded again by *Refund*
(:func:`refused_after_failure`). Pure rules, no I/O."""

from __future__ import annotations

from typing import TYPE_CHECKING

from booking.domain.application import Application, ApplicationStatus
from booking.domain.commands import NoteAnomaly, Refusal
from booking.domain.money import money_words

if TYPE_CHECKING:  # annotations only: domain.payments reads domain.covered, which reads this
    from booking.domain.payments import RefundEvent

REFUND_FAILED_AT_STRIPE = "refund_failed_at_stripe"
S = ApplicationStatus


def refund_failed_at_stripe(
    before: Application, after: Application, event: RefundEvent
) -> tuple[NoteAnomaly, ...]:
    """The anomaly to keep when ``event`` says a refund of ``before``'s payments failed, or
    takes what ``before`` counted as given back down (``after``): was counted, now is not.
    Nothing otherwise, nor for a refund ``before`` already holds as failed."""
    counted, now = before.money_returned, after.money_returned
    if failure_told_already(before, event) or (now >= counted and not event.refund_failed):
        return ()
    details = {
        "application_id": before.application_id,
        "payment_intent": event.payment_intent,
        "refund_id": event.refund_id or "",
        "counted_before": str(counted),
        "counted_now": str(now),
        "event_id": event.event_id,
    }
    # Keyed by the refund (one per refund failure, whichever event tells it first); a
    # charge's total brought down, with no refund named, by its event.
    key = f"{REFUND_FAILED_AT_STRIPE}-{event.refund_id}" if event.refund_id else event.event_id
    return (NoteAnomaly(key, REFUND_FAILED_AT_STRIPE, details),)


def failure_told_already(application: Application, event: RefundEvent) -> bool:
    """Whether ``event`` says a refund failed that ``application`` holds as failed already:
    nothing new (a second event about it, or one sent again under a new id)."""
    return event.refund_failed and event.refund_id in application.refunds_failed


def with_failure_noted(application: Application, event: RefundEvent) -> Application:
    """``application`` holding ``event``'s refund as failed, when Stripe says so."""
    if not event.refund_failed or not event.refund_id:
        return application
    if event.refund_id in application.refunds_failed:
        return application
    failed = (*application.refunds_failed, event.refund_id)
    return application.model_copy(update={"refunds_failed": failed})


def refused_after_failure(application: Application, currency: str) -> Refusal | None:
    """Why *Refund* (or a cancel with a refund) is not done when a refund of
    ``application``'s money failed at Stripe and it still keeps money no refund has given back
    since: asking Stripe again would refund the same card or account that could not take it
    (closed), and answering 200 for nothing done would read as the money gone back. The organiser
    gives it back by hand (docs/features/refunds.md). None: not so."""
    held = failed_and_held(application)
    if not held:
        return None
    kept = money_words(held, currency)
    return Refusal(
        REFUND_FAILED_AT_STRIPE,
        f"the refund of this booking's payment failed at Stripe (the card or bank account it "
        f"was paid from could not take it back), so the {kept} is still held and nothing was "
        "refunded now. Check with the person how they can be paid, then give the money back "
        "by hand: a new refund of the payment on Stripe's dashboard (this booking then "
        "records it), or a bank transfer",
    )


def failed_and_held(application: Application) -> int:
    """What ``application`` still holds after the refund asked of it (a cancel with a refund,
    *Refund*, or one that ended it refunded) failed at Stripe, no refund having given it back
    since (minor units; 0: not so). A booking cancelled keeping its money, or one that stands,
    is not one: what it holds was not asked back."""
    asked = application.status is S.REFUNDED or (
        application.status is S.CANCELLED and application.status_reason == "refund_requested"
    )
    if not (asked and application.refunds_failed and application.charges_left()):
        return 0
    return application.amount_kept


def refund_failed_said(application: Application, currency: str) -> str | None:
    """The status as the console and the export say it of a booking whose refund failed at
    Stripe and whose money is still held: never "Refunded" or "refund on its way" for money
    not given back. None: not so."""
    held = failed_and_held(application)
    if not held:
        return None
    return f"Refund failed at Stripe: {money_words(held, currency)} is still to give back by hand"
