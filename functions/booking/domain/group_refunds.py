"""A refund Stripe reports of the payment a manager's group booking keeps (``domain.groups``):
a pure decision, no I/O, as ``domain.payments.after_refund`` is for an application.

Refunds this system asks itself (a place's share when it is given up, a payment it could not
take given back whole) are recorded by the step that asks them: Stripe's events about them
are known by their refund id or by the key the request was made with, and change nothing.
Any other refund of the group's payment was made at Stripe (its dashboard): it is recorded on
the group, by id (``refund.*``) and by the charge's running total (``charge.refunded``), the
larger being the newest, so the events in any order, or again, reach the same record.

One that leaves everything paid given back (with the system's own refunds, in any order:
``all_given_back``) ends the booking (``ended_because``: refunded at Stripe):
its places nobody holds are released (their seats back, their links dead), the manager told
once. A place a colleague already holds stays theirs: their application was paid by the
group, and ending a booking someone holds is not the system's to decide on Stripe's word; the
organisers are shown it as an anomaly to settle with the employer. A partial refund is
recorded and the booking stands (the organisers shown it, the manager told what came back and
that the places stand, the next give-up refunding only what is left:
``domain.groups.share_of_place``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from booking.domain.colleague_told import PlaceEnd
from booking.domain.commands import NoteAnomaly
from booking.domain.errors import Conflict
from booking.domain.group_endings import GroupEnding
from booking.domain.group_events import GroupEvent
from booking.domain.group_notices import manager_told
from booking.domain.groups import GroupBooking, GroupStatus
from booking.domain.payments import RefundEvent
from booking.domain.refund_failed import REFUND_FAILED_AT_STRIPE
from booking.domain.refund_figures import refunds_by_id

# The anomalies kept for the organisers (``services.settle.note_anomaly``).
REFUNDED_IN_PART = "group_refunded_in_part_at_stripe"
REFUNDED_WITH_PLACES_HELD = "group_refunded_with_places_held"


def place_refund_key(group_id: str, number: int, amount: int) -> str:
    """The key of the refund of ``amount``, place ``number``'s share, asked when it is given
    up. The amount is in it: Stripe saves a request's answer under its key, a refusal made as
    it ran included, and refuses the key with other parameters (``idempotency_error``), so a
    share asked again from what is left after a refusal (a part refunded at Stripe meanwhile:
    ``domain.groups.share_of_place``) is a new request (the refused one moved no money), and
    a retry of the same amount is the same refund."""
    return f"group-{group_id}-place-{number}-{amount}"


def given_back_key(payment_intent: str) -> str:
    """The key of the refund of a payment the group could not take, given back whole."""
    return f"refund-group-{payment_intent}"


def made_here(group: GroupBooking, event: RefundEvent) -> bool:
    """Whether ``event`` reports a refund this system asked (recorded when it was made): its
    id is one the group recorded, or its request's key is one of the group's own (its event
    may come before the save that records it)."""
    if event.refund_id is not None and event.refund_id in group.refunds:
        return True
    key = event.idempotency_key or ""
    places_key = f"group-{group.group_id}-place-"  # ``place_refund_key``'s, any place
    return key.startswith(places_key) or key == given_back_key(event.payment_intent)


@dataclass(frozen=True)
class GroupRefunded:
    """What a refund at Stripe did to a group booking."""

    group: GroupBooking  # recorded (and the event with it), ended when ``ended``
    newly: int  # what this refund at Stripe added to what had come back (0: nothing new)
    ended: bool = False  # it gave back everything paid and ended the booking now
    held: tuple[int, ...] = ()  # the places colleagues hold, left to the organisers


def refund_reported(
    group: GroupBooking, event: RefundEvent, now: datetime, held: frozenset[int]
) -> GroupRefunded:
    """What a refund made at Stripe of ``group``'s kept payment (not ``made_here``) does to
    it; ``held``: the numbers of the places a colleague holds now (their application fills
    it)."""
    before = group.amount_refunded
    recorded = group.model_copy(
        update={
            "refunds_at_stripe": refunds_by_id(group.refunds_at_stripe, event),
            "charge_amount_refunded": max(
                group.charge_amount_refunded, event.charge_amount_refunded or 0
            ),
            "updated_at": now,
        }
    ).with_event(event.event_id)
    newly = max(recorded.amount_refunded - before, 0)
    if group.status is not GroupStatus.PAID or group.ended_because is not None:
        return GroupRefunded(recorded, newly)
    if not all_given_back(recorded):
        return GroupRefunded(_told_in_part(recorded, newly), newly)
    return GroupRefunded(ended_by_refund(recorded, held, now), newly, True, tuple(sorted(held)))


def all_given_back(group: GroupBooking) -> bool:
    """Whether ``group``'s payment has all gone back while places stand on it: refunded as
    much as was paid, by any path (refunds made at Stripe's dashboard, the system's own
    refunds of places given up, both). Such a booking ends (``ended_by_refund``), whichever
    refund came last and whoever made it: its state is a function of the facts, never of
    their order (a place given up that takes the last of a payment
    mostly refunded at Stripe leaves no place standing on nothing). A booking whose every
    place was given up has nothing left to end (each place was told as it went)."""
    return (
        group.status is GroupStatus.PAID
        and group.ended_because is None
        and group.places_kept > 0
        and group.amount_paid > 0
        and group.amount_refunded >= group.amount_paid
    )


def _told_in_part(group: GroupBooking, newly: int) -> GroupBooking:
    """``group``, part of its payment refunded at Stripe (``newly`` more than before), with
    the manager told what came back and that the places stand, once per amount
    reached: the refund's two events, in either order, or again, tell once."""
    if newly <= 0:
        return group
    return manager_told(
        group,
        GroupEvent.REFUNDED_IN_PART_AT_STRIPE,
        f"refunded-{group.amount_refunded}",
        amount=newly,
        places_kept=group.places_kept,
    )


def ended_by_refund(group: GroupBooking, held: frozenset[int], now: datetime) -> GroupBooking:
    """``group``, its payment refunded in full at Stripe: each place nobody holds released
    (its seat back, its link dead; a colleague sent one told it no longer works), the manager
    told once of the refund and of the places released."""
    released: list[int] = []
    ended = group
    for place in group.places:
        if place.released or place.number in held:
            continue
        gone = place.model_copy(update={"released": True, "released_by_refund": True})
        ended = ended.with_place(gone, now)
        if not place.erased:
            ended = ended.told_colleague_place_gone(gone, PlaceEnd.REFUNDED_AT_STRIPE)
        released.append(place.number)
    ended = ended.model_copy(update={"ended_because": GroupEnding.REFUNDED_AT_STRIPE})
    return manager_told(
        ended,
        GroupEvent.REFUNDED_AT_STRIPE,
        "refunded",
        amount=group.amount_paid,
        places=tuple(released),
        places_kept=len(held),
    )


def refuse_once_refunded(group: GroupBooking) -> None:
    """A booking whose payment was refunded in full names nobody else for its places."""
    if group.ended_because is GroupEnding.REFUNDED_AT_STRIPE:
        raise Conflict(
            "this booking's payment was refunded: its places can no longer be given to others",
            code="refunded",
        )


def refunded_at_stripe(group: GroupBooking) -> int:
    """What of the group's payment came back by refunds made at Stripe (not asked from here)."""
    return max(group.amount_refunded - sum(group.refunds.values()), 0)


def share_refund_failed(
    group: GroupBooking, event: RefundEvent, now: datetime
) -> tuple[GroupBooking, NoteAnomaly] | None:
    """``group`` holding as failed a refund this system made of it (a place's share, or a
    payment given back: ``made_here``) that Stripe says failed (the card or account could not
    take it), with the anomaly the organisers are shown, keyed by the refund as a one-person
    refund's is (``domain.refund_failed``): once per refund, however many events tell it.
    The money is then still held: it is given back by hand. None: not such a failure, or one
    held already."""
    refund = event.refund_id
    if not (event.refund_failed and refund and made_here(group, event)):
        return None
    if refund in group.refunds_failed:
        return None
    failed = group.model_copy(
        update={"refunds_failed": (*group.refunds_failed, refund), "updated_at": now}
    ).with_event(event.event_id)
    details = {
        "group_id": group.group_id,
        "payment_intent": event.payment_intent,
        "refund_id": refund,
        "amount": str(group.refunds.get(refund, event.refund_amount)),
        "event_id": event.event_id,
    }
    return failed, NoteAnomaly(
        f"{REFUND_FAILED_AT_STRIPE}-{refund}", REFUND_FAILED_AT_STRIPE, details
    )


def refunds_failed_held(group: GroupBooking) -> int:
    """What this system's refunds of ``group``'s payment that failed at Stripe left held, to
    give back by hand (minor units; 0: none)."""
    return sum(group.refunds.get(refund, 0) for refund in group.refunds_failed)
