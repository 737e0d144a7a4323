"""Money a booking kept that Stripe holds no payment for: an invoice an organiser
marked paid at Stripe ("paid out of band", the dashboard's Mark as paid: a bank transfer, a
cheque). Stripe counts it paid, so the booking is, but nothing of it can go back through Stripe:
an organiser's refund of it (a cancellation with the refund ticked, Refund afterwards, from the
API, the console or the CLI) is refused in words and changes nothing, as a move to a cheaper
cohort is (``domain.transfers``, ``no_payment_to_refund``, saying what to do instead); a place
of a group paid so is given up with its share said to be the organisers' to settle
(``domain.employer_share``)."""

from __future__ import annotations

from booking.domain.application import Application
from booking.domain.commands import Refusal
from booking.domain.given_back import given_back_total
from booking.domain.money import money_words

NO_PAYMENT_TO_REFUND = "no_payment_to_refund"


def kept_off_stripe(application: Application) -> int:
    """What the booking kept that no payment at Stripe holds (minor units): what was kept less
    what is left on the charges Stripe took."""
    at_stripe = sum(left for _payment, left in application.charges_left())
    return max(application.amount_kept - at_stripe, 0)


def nothing_at_stripe_to_refund(application: Application) -> bool:
    """Whether the booking kept money and Stripe holds none of it to give back."""
    return kept_off_stripe(application) > 0 and not application.charges_left()


def paid_off_stripe_only(application: Application) -> bool:
    """Whether what the booking was paid was paid outside Stripe and Stripe holds none of it,
    kept still or given back by hand since: a refund through Stripe has nothing to take."""
    given = given_back_total(application.given_back) > 0
    return not application.charges_left() and (given or kept_off_stripe(application) > 0)


def nothing_at_stripe(application: Application, currency: str, *, cancelled: bool) -> Refusal:
    """Why a refund of a booking whose money Stripe holds none of cannot be made
    (``cancelled``: it was cancelled already; otherwise it is not cancelled either)."""
    left = kept_off_stripe(application)
    given = given_back_total(application.given_back)
    paid = money_words(left + given, currency)
    if given and not left:
        return Refusal(
            NO_PAYMENT_TO_REFUND,
            f"the {paid} paid for this booking was paid outside Stripe (its invoice was marked "
            f"as paid), and all {paid} of it is recorded as given back by hand already: "
            "Stripe holds no payment to refund, and nothing was refunded",
        )
    done = (
        "nothing was refunded. Give"
        if cancelled
        else "nothing was cancelled or refunded. Cancel it without the refund, and give"
    )
    # Part given back by hand already: said, so the figure is not read as all still kept.
    part = (
        f" ({money_words(given, currency)} of it is recorded as given back by hand already; "
        f"{money_words(left, currency)} is not)"
        if given
        else ""
    )
    return Refusal(
        NO_PAYMENT_TO_REFUND,
        f"the {paid} paid for this booking was paid outside Stripe (its invoice was marked as "
        f"paid), so Stripe holds no payment to refund: {done} the money back the way "
        f"it was received{part}",
    )


def difference_off_stripe(
    application: Application, cohort: str, less: int, currency: str
) -> Refusal:
    """Why a booking paid outside Stripe cannot move to ``cohort``, cheaper by ``less`` (minor
    units): the move gives its difference back, and Stripe holds nothing to give it from. What
    the organiser can do instead is said with it: a cohort at the same price moves at once; or
    the booking ends, its money goes back by hand and is recorded so, and the person applies to
    the cheaper cohort at its own price."""
    kept = money_words(kept_off_stripe(application), currency)
    return Refusal(
        NO_PAYMENT_TO_REFUND,
        f"{cohort} costs {money_words(less, currency)} less, a difference the move would give "
        f"back, but the {kept} paid for this booking was paid outside Stripe (its invoice was "
        "marked as paid), so Stripe holds no payment to refund it from: nothing was moved. "
        "Choose a cohort at the same price; or cancel this booking without the refund, give "
        f"the {kept} back the way it was received, record it on the booking's page (Record "
        f"money given back by hand), and have the person apply to {cohort}",
    )


__all__ = [
    "NO_PAYMENT_TO_REFUND",
    "difference_off_stripe",
    "kept_off_stripe",
    "nothing_at_stripe",
    "nothing_at_stripe_to_refund",
    "paid_off_stripe_only",
]
