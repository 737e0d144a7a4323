"""A booking an organiser cancelled or refunded with a refund Stripe refused partway
(``domain.refund_cut_short``): its reason, and the words every
surface says it in, so a repeat, the console and the email say what happened (a refund was
asked, part of it came back, the rest is still to refund), never "cancelled without a refund"
nor "the money paid was kept"."""

from __future__ import annotations

from booking.domain.application import Application
from booking.domain.money import money_words

# The status reason of a booking cancelled with a refund Stripe refused partway: what came
# back is recorded, the rest is still to refund (Refund asks for it again).
REFUND_REFUSED_PARTWAY = "refund_refused_partway"


def refused_partway(application: Application) -> bool:
    """Whether ``application``'s refund was refused partway and the rest is still to refund."""
    return application.status_reason == REFUND_REFUSED_PARTWAY and application.amount_kept > 0


def partway_said(application: Application, currency: str) -> str:
    """ "£50.00 of the £250.00 paid came back, and £200.00 is still to refund"."""
    back = money_words(application.charges_refunded, currency)
    paid = money_words(application.charges_paid, currency)
    left = money_words(application.amount_kept, currency)
    return f"{back} of the {paid} paid came back, and {left} is still to refund"


def cancelled_partway_again(application: Application, currency: str, *, refund_named: str) -> str:
    """A repeat of the cancellation with a refund, answered as the first was (``refund_named``:
    how the asker asks for the rest: the page's Refund, or the CLI's command)."""
    return (
        "this booking was cancelled already, with a refund Stripe refused partway: "
        f"{partway_said(application, currency)}. Nothing has been refunded now: once that "
        f"payment is sorted out at Stripe, {refund_named} to give back what is left"
    )


REFUND_ON_ITS_PAGE = "use Refund on its page (or POST its /refund)"
# The Refund action's refusals in words (``domain.settlement``): cancelled without a refund
# already by a second cancel, nothing paid, not cancelled.
CANCELLED_WITHOUT_REFUND = (
    "this booking was cancelled already, without a refund: nothing has been refunded now. To "
    f"give the money back, {REFUND_ON_ITS_PAGE}: the person is emailed once"
)
NOTHING_TO_REFUND = "nothing was paid for this booking, so there is nothing to refund"
NOT_CANCELLED = (
    "only a booking cancelled without a refund can be refunded this way; to end this one and "
    "refund it, cancel it with the refund ticked"
)


__all__ = [
    "CANCELLED_WITHOUT_REFUND",
    "NOTHING_TO_REFUND",
    "NOT_CANCELLED",
    "REFUND_ON_ITS_PAGE",
    "REFUND_REFUSED_PARTWAY",
    "cancelled_partway_again",
    "partway_said",
    "refused_partway",
]
