"""A payer's bank disputing a group booking's payment (a manager's card checkout or the
employer's invoice for several places): recorded on the group that recorded the payment,
counted in its money as Stripe's balance counts it, and told to the course's facilitators
once per dispute (``domain.disputes``), as one person's is (``services.disputes``).

Loaded by the first dispute of a payment no application recorded, never at the webhook's
init (its cold start: it loads the groups' models). The group is found by the index its
payment's save wrote (``group_of_object``), never by the charge's metadata; the dispute is
read back at Stripe before it is believed. The places are not taken away: a dispute may be
won, and the organisers decide.
"""

from __future__ import annotations

from aws_lambda_powertools import Logger

from booking.domain.commands import Refund
from booking.domain.disputed_refunds import group_payment_held
from booking.domain.disputes import DISPUTE_COPY, DisputeEvent
from booking.domain.emails import EmailJob, EmailKind
from booking.domain.group_events import REFUNDED_ONCE_WON, GroupEvent
from booking.domain.group_notices import manager_told
from booking.domain.group_refunds import place_refund_key
from booking.domain.groups import GroupBooking, GroupStatus, share_of_place
from booking.services.concurrency import retried
from booking.services.disputes import dispute_applied
from booking.services.event_outcome import EventOutcome
from booking.services.groups import find_group, group_reader
from booking.services.ports import Ports
from booking.services.settle import refund

logger = Logger(child=True)


def group_dispute_event(ports: Ports, event: DisputeEvent) -> EventOutcome | None:
    """Record ``event``'s dispute on the group that recorded its payment (None: no group
    did); then, the dispute won, the places released under it refunded (also on a redelivery,
    which completes a refund Stripe failed to answer before)."""
    group_id = ports.groups.group_of_object(event.payment_intent)
    if group_id is None:
        return None
    outcome = dispute_applied(
        ports,
        find_group(ports, group_id),
        event,
        whose={"group_id": group_id},
        read=lambda: find_group(ports, group_id),
        save=ports.groups.save_group,
        told=organisers_told,
        said="dispute of a group's payment recorded",
        log=logger,
    )
    released_under_it_refunded(ports, group_id)
    return outcome


def _owed_once_won(group: GroupBooking) -> tuple[int, ...]:
    """The places of ``group`` released at the apply-by date unrefunded while a dispute held
    its payment (``group_changes._share_refunded``), now that none holds it (won: the money
    reinstated): their shares are owed back as the sweep would have refunded them."""
    if (
        group.status is not GroupStatus.PAID
        or not group.payment_intent
        or not group.disputes
        or group_payment_held(group)
    ):
        return ()
    return tuple(p.number for p in group.places if p.released_unfilled and p.refund_id is None)


def released_under_it_refunded(ports: Ports, group_id: str) -> None:
    """Once a dispute of the group's payment no longer holds it (won), each place released at
    the apply-by date while it did has its share refunded at Stripe (keyed by the place and
    amount, as the sweep asks it: a redelivered event makes the same refund) and the manager
    is told, once. Stripe refusing (nothing left): that place stays unrefunded, as the sweep
    leaves one."""
    group = find_group(ports, group_id)
    owed = _owed_once_won(group)
    if not owed:
        return
    made: dict[int, tuple[str, int]] = {}
    refunded = dict(group.refunds)
    for number in owed:
        current = group.model_copy(update={"refunds": refunded})
        amount = share_of_place(current)
        if amount <= 0 or group.payment_intent is None:
            break
        key = place_refund_key(group.group_id, number, amount)
        done = refund(ports, Refund(group.payment_intent, amount, key))
        if done is not None:
            made[number] = (done.refund_id, done.amount)
            refunded[done.refund_id] = done.amount

    def save(latest: GroupBooking) -> None:
        fresh = {n: m for n, m in made.items() if latest.place(n).refund_id is None}
        if not fresh:
            return
        now = ports.clock()
        changed = latest.model_copy(update={"refunds": {**latest.refunds, **dict(fresh.values())}})
        for number, (refund_id, _amount) in fresh.items():
            place = changed.place(number).model_copy(update={"refund_id": refund_id})
            changed = changed.with_place(place, now)
        changed = manager_told(
            changed,
            GroupEvent.UNFILLED_RELEASED,
            REFUNDED_ONCE_WON,
            amount=sum(amount for _id, amount in fresh.values()),
            places=tuple(sorted(fresh)),
            places_kept=changed.places_kept,
        )
        ports.groups.save_group(changed, latest)
        logger.info(
            "places released under a dispute refunded once won", extra={"group_id": group_id}
        )

    retried(save, group_reader(ports, group_id), first=group)


def organisers_told(group: GroupBooking, dispute_id: str) -> EmailJob:
    """The facilitators' message about the dispute of the group's payment: one per dispute,
    keyed by its id (and one more once the bank's inquiry became a chargeback)."""
    return EmailJob.about(
        EmailKind.GROUP_DISPUTED,
        group.group_id,
        group.course_id,
        occasion=f"{DISPUTE_COPY}-{dispute_id}",
    )
