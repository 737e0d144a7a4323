"""What a refund's message says (``domain.refund_figures.refund_said``): a Refund
that gives back all a cancelled booking kept is said as Stripe made it, beside everything paid,
also when refunds on Stripe's dashboard took their share between its read and its refund."""

from __future__ import annotations

from booking.domain.emails import EmailKind
from booking.domain.refund_figures import refund_said
from booking.domain.statuses import ApplicationStatus as S
from booking.domain.wording import refunded_earlier_words
from tests.support.move_cases import booking


def test_a_refund_afterwards_says_what_stripe_gave_back_and_everything_paid() -> None:
    # Cancelled keeping £200.00; £150.00 came back on the dashboard meanwhile (one event of
    # it recorded, £50.00), so the Refund asked for all left got £50.00 of Stripe.
    kept = booking(status=S.CANCELLED, amount_refunded=5000, last_refund=5000)
    job = kept.email(
        EmailKind.PAYMENT_REFUNDED, occasion="full", reason="cancelled_and_refunded", amount=15000
    )
    this_refund, in_all = refund_said(job, kept)
    assert (this_refund, in_all) == (5000, 20000)
    said = refunded_earlier_words(this_refund, in_all, "gbp")
    assert said == "with the £150.00 refunded earlier, £200.00 in all"


def test_a_dashboard_part_refund_says_its_own_part() -> None:
    confirmed = booking(amount_refunded=5000, last_refund=5000)
    job = confirmed.email(
        EmailKind.PAYMENT_REFUNDED, occasion="partial-5000", reason="partial_refund", amount=5000
    )
    assert refund_said(job, confirmed) == (5000, 5000)
