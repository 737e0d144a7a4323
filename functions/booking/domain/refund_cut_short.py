"""An organiser's refund that Stripe refused partway: a booking with several charges (its
first payment and a dearer move's difference) is refunded charge by charge, and Stripe gave
some back before refusing another.

What Stripe gave back stands, so the organiser's act is not refused whole: it is recorded as
far as it went (a cancellation keeps the rest of the money, a Refund afterwards leaves the
booking cancelled), with the refunds made on their charges and the reason
``refund_refused_partway`` (``domain.refund_partway``: every surface says a refund was asked
and what is still to refund), and the person told only what is true (the
cancellation, what of their money came back, and that the rest is still to come). The
organiser is answered in words with the charge Stripe refused; Refund on the booking's page
asks again once it is sorted out (the same keys: what went back is the same refund).
"""

from __future__ import annotations

from collections.abc import Sequence

from booking.domain.application import Application
from booking.domain.billing_notices import REFUNDED_IN_PART_AFTER_CANCELLING
from booking.domain.emails import EmailJob, EmailKind
from booking.domain.errors import Conflict
from booking.domain.money import money_words
from booking.domain.refund_partway import REFUND_REFUSED_PARTWAY
from booking.domain.statuses import ApplicationStatus as S


class RefundRefusedPartway(Conflict):
    """Stripe gave back some of the booking's charges and refused another: what was made is
    recorded, and the organiser told which payment was refused."""

    code = "refund_refused_partway"

    def __init__(self, refused: Sequence[str], given_back: int, currency: str, cancelled: bool):
        done = (
            "The booking is cancelled, the person is emailed that it is cancelled and what came "
            "back, and"
            if cancelled
            else "The booking stays cancelled, the person is emailed what came back, and"
        )
        super().__init__(
            f"Stripe refunded {money_words(given_back, currency)} of this booking's payments, "
            f"then refused to refund payment {', '.join(refused)} (it no longer holds it, or "
            f"holds nothing of it left to give back). {done} the refund made is recorded; the "
            "rest is not refunded. Look that payment up in Stripe's dashboard, then use Refund "
            "on the booking's page to give back what is left",
            code=self.code,
        )


def refund_cut_short(before: Application, asked: Application, given_back: int) -> Application:
    """``asked`` (the decision, its refunds made recorded on it) as far as Stripe went: no
    refund promised beyond it (``last_refund`` as before), the reason saying the refund was
    refused partway, the cancellation's email said so (what came back, what is still to
    refund), and no message that everything was refunded: a Refund afterwards (the booking
    cancelled before) tells the person once what came back instead (``given_back``: what this
    request's refunds gave, whichever attempt made them; in all, as recorded: what Stripe
    holds)."""
    fresh = {job.job_id for job in before.outbox}
    ended_before = before.status in (S.CANCELLED, S.REFUNDED)
    told: list[EmailJob] = []
    for job in asked.outbox:
        if job.job_id in fresh:
            told.append(job)
        elif job.kind is EmailKind.CANCELLED:
            told.append(
                before.email(EmailKind.CANCELLED, reason=REFUND_REFUSED_PARTWAY).as_of(
                    asked.status.value
                )
            )
        elif job.kind is not EmailKind.PAYMENT_REFUNDED:
            told.append(job)
        elif ended_before and given_back > 0:
            # One message per amount reached: asked again once Stripe is sorted out, the rest
            # is said by the refund's own message.
            came_back = before.email(
                EmailKind.PAYMENT_REFUNDED,
                occasion=f"in-part-{asked.charges_refunded}",
                reason=REFUNDED_IN_PART_AFTER_CANCELLING,
                amount=given_back,
            )
            told.append(came_back.as_of(asked.status.value))
    return asked.model_copy(
        update={
            # A refund was asked and went part of the way: said so everywhere.
            "status_reason": REFUND_REFUSED_PARTWAY,
            "last_refund": before.last_refund,
            "outbox": tuple(told),
        }
    )


__all__ = ["REFUNDED_IN_PART_AFTER_CANCELLING", "RefundRefusedPartway", "refund_cut_short"]
