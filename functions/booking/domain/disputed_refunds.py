"""A payment the payer's bank has taken back in a dispute is never refunded as well: the
payer would be paid twice, and Stripe refuses a refund of a charged-back charge
(``charge_disputed``, the dispute's ``is_charge_refundable`` false). One rule for every refund
an organiser asks of a booking's payments (a cancel with its refund, Refund afterwards, a move
to a cheaper cohort) and every share of a group booking's payment given back for a place (the
manager's give-up, the organisers' cancel of a colleague's place): refused in words before
Stripe is asked, nothing changed. A dispute won (its money reinstated) holds nothing back, and
the refund is made as before. Pure."""

from __future__ import annotations

from typing import TYPE_CHECKING

from booking.domain.application import Application
from booking.domain.commands import Refusal
from booking.domain.disputes import PAYMENT_DISPUTED
from booking.domain.money import money_words
from booking.domain.off_stripe import difference_off_stripe
from booking.domain.wording import cohort_name

if TYPE_CHECKING:  # a group's models load with the groups' code, not every function's init
    from booking.domain.course import Course
    from booking.domain.groups import GroupBooking

# Said where Stripe refused the refund of a dispute whose events have not come yet (the
# adapter knows no amount): the same advice.
WHAT_TO_DO = (
    "if the dispute is won and the money comes back, refund it then from the booking's page; "
    "respond to the dispute on Stripe's dashboard"
)
REFUSED_BY_THE_PROVIDER = (
    "the payer's bank has taken back this payment in a dispute, so Stripe cannot refund it "
    f"(the payer would be paid twice): nothing was changed. {WHAT_TO_DO[0].upper()}"
    f"{WHAT_TO_DO[1:]}"
)


def held_by_a_dispute(application: Application) -> int:
    """What disputes hold withdrawn of the payments a refund of the booking would be taken
    from (minor units; 0: nothing stands in the refund's way)."""
    refundable = {payment_intent for payment_intent, _left in application.charges_left()}
    return sum(d.withdrawn for d in application.disputes if d.payment_intent in refundable)


def group_payment_held(group: GroupBooking) -> int:
    """What disputes hold withdrawn of ``group``'s payment, from which each place's share is
    refunded (minor units; 0: nothing stands in a share's refund's way). Places released at
    the apply-by date while it holds money are released without their share refunded, and
    the manager is told why."""
    if not group.payment_intent:
        return 0
    return sum(d.withdrawn for d in group.disputes if d.payment_intent == group.payment_intent)


def refund_held_by_a_dispute(application: Application, given_up_for: GroupBooking | None) -> int:
    """What a dispute holds of the payment an organisers' cancel of ``application`` would
    refund from (minor units; 0: nothing stands in the refund's way): the group's, for a place
    they give up for its group ``given_up_for``, else the booking's own. What the page before
    the cancel says, by the rule the cancel's refusal keeps."""
    if given_up_for is not None:
        return group_payment_held(given_up_for)
    return held_by_a_dispute(application)


def refund_refused_while_disputed(
    application: Application, currency: str, *, cancelled: bool
) -> Refusal | None:
    """Why a refund of ``application``'s money cannot be made while a dispute holds it, or
    None. ``cancelled``: the booking is cancelled already (Refund afterwards)."""
    held = held_by_a_dispute(application)
    if not held:
        return None
    done = (
        "nothing was refunded"
        if cancelled
        else "nothing was cancelled, moved or refunded. Cancel it without the refund if you choose"
    )
    return Refusal(
        PAYMENT_DISPUTED,
        f"the payer's bank has taken back {money_words(held, currency)} of this booking's "
        f"payment in a dispute, so Stripe cannot refund it (the payer would be paid twice): "
        f"{done}; {WHAT_TO_DO}",
    )


def difference_not_refundable(
    application: Application, target: Course, less: int
) -> Refusal | None:
    """Why a move to ``target``, cheaper by ``less`` (minor units), cannot give its difference
    back through Stripe, or None: Stripe holds no payment of the booking (paid outside it), or
    the payer's bank took it back."""
    currency = target.definition.price.currency
    if not application.payment_intent:
        return difference_off_stripe(application, cohort_name(target), less, currency)
    return refund_refused_while_disputed(application, currency, cancelled=False)


def group_share_refused_while_disputed(group: GroupBooking, *, by_manager: bool) -> Refusal | None:
    """Why a place's share of ``group``'s payment cannot be refunded while a dispute of that
    payment holds money withdrawn, or None; ``by_manager``: the manager gave the place up on
    their page (else the organisers cancel a colleague's place), each told what they can do."""
    held = group_payment_held(group)
    if not held:
        return None
    taken = (
        f"the payer's bank has taken back {money_words(held, group.price.currency)} of the "
        "payment for these places in a dispute, so no place's share of it can be refunded "
        "(the payer would be paid twice)"
    )
    if by_manager:
        return Refusal(
            PAYMENT_DISPUTED,
            f"{taken}: nothing was changed, and the place is still held. Please ask the "
            "course's organisers about the dispute before giving the place up",
        )
    return Refusal(
        PAYMENT_DISPUTED,
        f"{taken}: nothing was cancelled or refunded. Cancel it without the refund if you "
        "choose, or wait for the dispute's outcome; respond to it on Stripe's dashboard",
    )


__all__ = [
    "PAYMENT_DISPUTED",
    "REFUSED_BY_THE_PROVIDER",
    "difference_not_refundable",
    "group_payment_held",
    "group_share_refused_while_disputed",
    "held_by_a_dispute",
    "refund_held_by_a_dispute",
    "refund_refused_while_disputed",
]
