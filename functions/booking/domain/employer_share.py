"""A group place's share of the employer's payment: what giving the place up can refund to the
employer, and what was refunded for it. One rule for the use case that gives a place up
(``services.group_changes``), the console's Cancel that offers it, and the notice after it."""

from __future__ import annotations

from booking.domain.groups import GroupBooking, share_of_place


def share_refundable(group: GroupBooking, number: int) -> int:
    """What giving place ``number`` up would refund to the employer now, in minor units: its
    share of the payment (never more than is left of it), unless the place was given up or its
    share refunded already, or the group has no payment to refund from."""
    place = group.place(number)
    if place.released or place.refund_id is not None or not group.payment_intent:
        return 0
    return share_of_place(group)


def share_refunded(group: GroupBooking, number: int) -> int:
    """What was refunded to the employer for place ``number`` (0: its share was kept, or it
    was never paid)."""
    refund_id = group.place(number).refund_id
    return group.refunds.get(refund_id, 0) if refund_id else 0


def paid_off_stripe(group: GroupBooking) -> bool:
    """Whether the group was paid outside Stripe (its invoice marked paid, as by a bank
    transfer: hostile19 F8): Stripe holds no payment of it, so a place's share given up is not
    refunded from here, and none of it was refunded at Stripe."""
    return group.amount_paid > 0 and not group.payment_intent
