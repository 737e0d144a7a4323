"""Money given back by hand for a group: a manager's group booking paid outside Stripe (its
invoice marked paid: the employer's bank transfer) whose places were given up or released owes
their shares back to the employer by hand (``domain.employer_share.owed_by_hand``), since Stripe
holds no payment to refund. Once the organiser has sent it back, they record it, by the same
rule as a person's booking (``domain.given_back.record_of``): at most what is owed back by hand,
the day neither in the future nor before the payment arrived, once per press. It is counted as
refunded wherever the group's refunds are (``GroupBooking.money_returned``) and taken off what
is owed back by hand."""

from __future__ import annotations

from datetime import datetime

from booking.domain.employer_share import owed_by_hand, owed_for_released, paid_off_stripe
from booking.domain.given_back import (
    GiveBackAsked,
    Holding,
    given_back_words,
    invoice_paid_on,
    record_of,
)
from booking.domain.groups import GroupBooking


def group_holding(group: GroupBooking) -> Holding:
    """The group, as the rule of money given back by hand weighs it."""
    left = owed_by_hand(group)
    why_not = "" if left > 0 else _why_not(group)
    arrived = group_payment_arrived(group)
    return Holding(group.returned_by_hand, left, group.price.currency, arrived, why_not)


def may_give_back_group(group: GroupBooking) -> bool:
    """Whether money given back by hand may be recorded on the group now: something of its
    payment outside Stripe is owed back by hand (a place given up, released, or all of them)."""
    return owed_by_hand(group) > 0


def group_given_back(
    group: GroupBooking, asked: GiveBackAsked, press: str, *, now: datetime, timezone: str
) -> GroupBooking:
    """``group`` with ``asked`` recorded as given back by hand under ``press``; the same press
    recorded already: ``group`` unchanged. Refused as ``record_of`` says: nothing owed back by
    hand (409 ``nothing_to_give_back``), the press recorded already with other details (409
    ``idempotency_key_reused``), an amount above it, a day out of range (422)."""
    record = record_of(group_holding(group), asked, press, now=now, timezone=timezone)
    if record is None:
        return group
    returned = (*group.returned_by_hand, record)
    return group.model_copy(update={"returned_by_hand": returned, "updated_at": now})


def group_payment_arrived(group: GroupBooking) -> datetime | None:
    """When the group's payment outside Stripe arrived, as best known: the day the organiser
    said, else when Stripe held its invoice paid, else when it was booked."""
    return invoice_paid_on(group.invoice) or group.paid_at or group.created_at


def group_given_back_said(group: GroupBooking) -> str:
    """Each record of the group's money given back by hand, oldest first, in words ("£150.00
    given back by hand by bank transfer on Monday 3 May 2027; ..."); "" when none."""
    currency = group.price.currency
    return "; ".join(given_back_words(r, currency) for r in group.returned_by_hand)


def _why_not(group: GroupBooking) -> str:
    if not paid_off_stripe(group):
        return (
            "this group booking holds no payment received outside Stripe (what it paid through "
            "Stripe is refunded there when a place is given up): nothing was recorded"
        )
    if owed_for_released(group) > 0:
        return (
            "all that was owed back to the employer by hand is recorded as given back already: "
            "nothing was recorded"
        )
    return (
        "no place of this group was given up or released since it was paid (one given up "
        "before was taken off its invoice), so nothing of its payment is owed back by hand: a "
        "place given up first (the manager's, or released unfilled) makes its share owed back. "
        "Nothing was recorded"
    )


__all__ = [
    "group_given_back",
    "group_given_back_said",
    "group_holding",
    "group_payment_arrived",
    "may_give_back_group",
]
