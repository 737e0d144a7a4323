"""A group place's share of the employer's payment: what giving the place up can refund to the
employer, and what was refunded for it. One rule for the use case that gives a place up
(``services.group_changes``), the console's Cancel that offers it, and the notice after it."""

from __future__ import annotations

from booking.domain.application import Application
from booking.domain.given_back import given_back_total
from booking.domain.groups import GroupBooking, share_of_place
from booking.domain.money import money_words


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


def place_share(
    application: Application, group: GroupBooking | None, *, refunded: bool = False
) -> int:
    """The share of the employer's payment for the group place ``application`` holds: what
    giving it up would refund now, or (``refunded``) what was refunded for it."""
    ref = application.group_place
    if ref is None or group is None:
        return 0
    return (share_refunded if refunded else share_refundable)(group, ref.place)


def paid_off_stripe(group: GroupBooking) -> bool:
    """Whether the group was paid outside Stripe (its invoice marked paid, as by a bank
    transfer): Stripe holds no payment of it, so a place's share given up is not
    refunded from here, and none of it was refunded at Stripe."""
    return group.amount_paid > 0 and not group.payment_intent


def owed_by_hand(group: GroupBooking) -> int:
    """What of a group paid outside Stripe is owed back to the employer by hand (minor units):
    the shares of its places released (given up, or released at the apply-by date), which no
    refund here can give back, less what was recorded as given back by hand already
    (``domain.group_given_back``); 0 for a group paid through Stripe, whose shares are
    refunded there."""
    return max(owed_for_released(group) - given_back_total(group.returned_by_hand), 0)


def owed_for_released(group: GroupBooking) -> int:
    """The shares of a group paid outside Stripe's released places, given back or not (minor
    units): what was ever owed back by hand; 0 for a group paid through Stripe. Only a place
    released after the payment had a share in it: one given up before was taken off the
    invoice, so the employer paid for the places kept then (``groups.paid``) and is owed back
    what it paid beyond the places it keeps now."""
    if not paid_off_stripe(group):
        return 0
    released = sum(1 for place in group.places if place.released)
    beyond_kept = group.amount_paid - group.price.amount * group.places_kept
    return max(min(group.price.amount * released, beyond_kept), 0)


def owed_by_hand_words(group: GroupBooking) -> str:
    """ "£400.00 is owed back to the employer by hand: ...", as the console's group card, the
    money page and the organisers' JSON say it; "" when nothing is owed so."""
    owed = owed_by_hand(group)
    if not owed:
        return ""
    return (
        f"{money_words(owed, group.price.currency)} is owed back to the employer by hand: the "
        "share of the places given up or released was paid outside Stripe (its invoice marked "
        "as paid), so it is not refunded from here; give it back the way it was received (the "
        "manager was told to ask the organisers for it)"
    )


def owed_by_hand_to_the_manager(group: GroupBooking) -> str:
    """What the manager reads of the same money (their page and JSON, where a
    group paid outside Stripe with its places given up read "what was paid for them is
    refunded"): "" when nothing is owed so."""
    owed = owed_by_hand(group)
    if not owed:
        return ""
    return (
        f"{money_words(owed, group.price.currency)} paid for the places given up or released "
        "was paid outside Stripe (the invoice was marked as paid), so it is not refunded from "
        "here: it is owed back to the employer by hand, to arrange with the course's organisers "
        "(reply to the email about the places)"
    )
