"""Stripe's events about a manager's group booking (``domain.groups``): its checkout, its
invoice, its payment's refunds, each applied to the group that recorded the object, never to
one an event's metadata names. Kept apart from the other group use cases so the webhook's
function imports only what it runs (its cold start)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from aws_lambda_powertools import Logger

from booking.domain.commands import NoteAnomaly, Refund
from booking.domain.group_endings import GroupEnding
from booking.domain.group_events import GroupEvent
from booking.domain.group_notices import lapse_told, manager_told
from booking.domain.group_refunds import (
    REFUNDED_IN_PART,
    REFUNDED_WITH_PLACES_HELD,
    GroupRefunded,
    all_given_back,
    ended_by_refund,
    given_back_key,
    made_here,
    refund_reported,
    share_refund_failed,
)
from booking.domain.group_stripe_events import (
    LEFT_OPEN,
    GroupMove,
    decide_ended,
    decide_left_open,
    decide_paid,
    ending_of,
    why_not_taken,
)
from booking.domain.groups import GroupBooking, lapsed, paid
from booking.domain.invoices import InvoiceEventKind
from booking.domain.paying import completed_late
from booking.domain.payments import RefundEvent
from booking.domain.refund_failed import REFUND_FAILED_AT_STRIPE
from booking.services.believed import (
    REFUND_UNKNOWN_AT_STRIPE,
    REFUNDED_BEYOND_PAID,
    payment_not_believed,
    refund_as_stripe_holds,
    refund_beyond_group,
    refund_is_news,
    refused,
)
from booking.services.checkout_acts import give_up_completed_on_expiry
from booking.services.concurrency import busy_for_stripe, retried
from booking.services.groups import find_group
from booking.services.ports import Ports
from booking.services.settle import note_anomaly, refund
from booking.services.waitlist import offer_free_places

logger = Logger(child=True)


# -- Stripe's events about a group's objects -------------------------------------------------


@dataclass(frozen=True)
class GroupOutcome:
    """What a payment's event did to a group booking."""

    action: str
    reason: str
    group_id: str
    status: str


def group_money_event(
    ports: Ports,
    *,
    event_id: str,
    object_id: str,
    ended_as: GroupEnding | None,
    amount: int = 0,
    currency: str = "",
    payment_intent: str | None = None,
    checked_at_stripe: bool = False,
    paid_at: datetime | None = None,
    paid_number: str | None = None,
    taken_at: datetime | None = None,
) -> GroupOutcome | None:
    """A checkout's or an invoice's event, applied to the group that recorded the object (None:
    no group did; the applications' own path takes it). ``ended_as``: how the object ended
    unpaid (expired, voided, uncollectible; a void an organiser asked for is theirs:
    ``ending_of``); None: it reports a payment. ``checked_at_stripe``: ``payment_intent``
    was read from Stripe's own object (an invoice's payment). ``paid_at``: when Stripe took a
    card payment; one whose checkout was completed once the course had begun is given back
    (``domain.paying.completed_late``). ``paid_number``: the paid invoice's number, read
    from Stripe with its payment, named when that payment is given back. ``taken_at``: when
    Stripe took a payment (a card's or an invoice's), recorded with it (None: now)."""
    group_id = ports.groups.group_of_object(object_id)
    if group_id is None:
        return None
    completed = _give_up_completed(ports, group_id, object_id, ended_as)
    if completed is not None:
        return completed
    if ended_as is None and payment_intent is not None:
        made_by = None if checked_at_stripe else object_id
        stranger = _not_believed(ports, event_id, group_id, payment_intent, made_by)
        if stranger is not None:
            return stranger
    paying = (object_id, amount, currency, payment_intent)

    def apply(group: GroupBooking) -> GroupOutcome:
        if event_id in group.recent_event_ids:
            return GroupOutcome("ignore", "event already applied", group.group_id, group.status)
        now = ports.clock()
        move, because = _decided(ports, group, paying, ended_as, paid_at)
        given_back = dict(group.given_back)
        if move is GroupMove.REFUND and payment_intent is not None:
            if payment_intent in given_back:
                return GroupOutcome("ignore", "given back already", group.group_id, group.status)
            made = refund(ports, Refund(payment_intent, None, given_back_key(payment_intent)))
            if made is not None:
                given_back[payment_intent] = made.amount
        ended_late = move is GroupMove.REFUND and because == "late"
        new = _moved(group, move, paying, ended_as, ended_late, (now, taken_at or now))
        recorded = new.model_copy(update={"given_back": given_back}).with_event(event_id)
        recorded = _manager_told_of(
            recorded, move, payment_intent, given_back, because, paid_number
        )
        saved = ports.groups.save_group(recorded, group)
        if move is GroupMove.LAPSED or ended_late:
            offer_free_places(ports, saved.course_id)
        return GroupOutcome(move.value, "group booking", saved.group_id, saved.status.value)

    return retried(apply, lambda: find_group(ports, group_id))


def _not_believed(
    ports: Ports, event_id: str, group_id: str, payment_intent: str, made_by: str | None
) -> GroupOutcome | None:
    """A payment the group's records do not make believable (``payment_not_believed``):
    refused and logged, the group unchanged; None when it is the group's."""
    stranger = payment_not_believed(ports, payment_intent, made_by=made_by, group_id=group_id)
    if stranger is None:
        return None
    refused(event_id, stranger, group_id=group_id, payment_intent=payment_intent)
    return GroupOutcome("ignore", stranger, group_id, find_group(ports, group_id).status)


def _give_up_completed(
    ports: Ports, group_id: str, object_id: str, ended_as: GroupEnding | None
) -> GroupOutcome | None:
    """The expiry of a checkout whose place's give-up was left half done (``checkout_acts``):
    the give-up completed; None: no such act, the event decided as any other."""
    if ended_as is not GroupEnding.CHECKOUT_EXPIRED:
        return None
    if not give_up_completed_on_expiry(ports, group_id, object_id):
        return None
    done = find_group(ports, group_id)
    return GroupOutcome("act_completed", "expired for a place given up", group_id, done.status)


def group_invoice_left_open(
    ports: Ports, *, event_id: str, invoice_id: str, kind: InvoiceEventKind
) -> GroupOutcome | None:
    """An event that leaves the group's invoice ``invoice_id`` open (overdue, a payment of it
    failed: ``group_stripe_events.LEFT_OPEN``), applied to the group that recorded it (None:
    none did). A failed payment of the invoice holding its places is told to the manager (and,
    in a message of its own, the billing contact: ``domain.payer``) once per attempt, the
    event its occasion (``decide_left_open``); nothing else changes."""
    group_id = ports.groups.group_of_object(invoice_id)
    if group_id is None:
        return None
    why = LEFT_OPEN[kind]

    def apply(group: GroupBooking) -> GroupOutcome:
        move = decide_left_open(group, invoice_id, kind, ports.clock())
        if event_id in group.recent_event_ids or move is GroupMove.IGNORE:
            return GroupOutcome(GroupMove.IGNORE.value, why, group.group_id, group.status)
        told = manager_told(group, GroupEvent.INVOICE_PAYMENT_FAILED, event_id)
        saved = ports.groups.save_group(told.with_event(event_id), group)
        return GroupOutcome(move.value, why, saved.group_id, saved.status.value)

    return retried(apply, lambda: find_group(ports, group_id))


_SETTLING = "a group's payment is settling"


def group_checkout_completed(
    ports: Ports, *, event_id: str, session_id: str, at: datetime
) -> GroupOutcome | None:
    """The group's checkout ``session_id`` completed unpaid at ``at``, a delayed method (Bacs,
    SEPA) settling (None: no group recorded the session). Nothing changes but the moment, kept
    on the checkout as a single booking's is (``CheckoutRef.completed_at``): its payment,
    settling after a start brought forward into the hold, is judged by it
    (``domain.paying.completed_late``), the manager having done all they could in time."""
    group_id = ports.groups.group_of_object(session_id)
    if group_id is None:
        return None

    def apply(group: GroupBooking) -> GroupOutcome:
        checkout = group.checkout
        marked = checkout.completed(session_id, at) if checkout is not None else None
        if event_id in group.recent_event_ids or marked == checkout:
            return GroupOutcome("ignore", _SETTLING, group.group_id, group.status)
        recorded = group.model_copy(update={"checkout": marked}).with_event(event_id)
        saved = ports.groups.save_group(recorded, group)
        return GroupOutcome("ignore", _SETTLING, saved.group_id, saved.status.value)

    return retried(apply, lambda: find_group(ports, group_id))


def _moved(
    group: GroupBooking,
    move: GroupMove,
    paying: tuple[str, int, str, str | None],
    ended_as: GroupEnding | None,
    ended_late: bool,
    moments: tuple[datetime, datetime],
) -> GroupBooking:
    """``group`` after ``move``, at ``moments``: now, and when Stripe took the payment. A
    payment of its own checkout taken once the course had begun (``ended_late``: its start
    brought forward into the hold) is the last the group could have: given back, it ends, its
    seats released, never left waiting for a payment made and refunded."""
    object_id, _, _, payment_intent = paying
    now, taken_at = moments
    if move is GroupMove.PAID:
        return paid(group, payment_intent, now, taken_at if payment_intent else None)
    if move is GroupMove.LAPSED and ended_as is not None:  # decide_ended's only
        return lapsed(group, now, ending_of(group, object_id, ended_as, now))
    if ended_late:
        return lapsed(group, now, GroupEnding.PAID_AFTER_START)
    return group


def _decided(
    ports: Ports,
    group: GroupBooking,
    payment: tuple[str, int, str, str | None],
    ended_as: GroupEnding | None,
    paid_at: datetime | None,
) -> tuple[GroupMove, str | None]:
    """What an event about the group's object does, and why a payment it reports is not
    taken (None: it is). ``payment``: the object's id, amount, currency and payment intent.
    A payment whose checkout was completed once the course had begun is given back, by the
    single bookings' rule (``domain.paying.completed_late``): a delayed one (Bacs, SEPA) whose
    checkout was completed in time is honoured however late it settles."""
    object_id, amount, currency, payment_intent = payment
    if ended_as is not None:
        return decide_ended(group, object_id, ended_as=ended_as), None
    because = why_not_taken(group, object_id, amount, currency)
    if because is None and paid_at is not None:
        course = ports.repository.get_course(group.course_id)
        asked = (
            group.checkout if group.checkout and group.checkout.session_id == object_id else None
        )
        if course is not None and completed_late(course, paid_at, asked):
            return GroupMove.REFUND, "late"
    return decide_paid(group, object_id, amount, currency, payment_intent), because


def _manager_told_of(
    group: GroupBooking,
    move: GroupMove,
    payment_intent: str | None,
    given_back: dict[str, int],
    because: str | None,
    paid_number: str | None = None,
) -> GroupBooking:
    """The manager hears of a hold that lapsed unpaid, and of a payment given back whole (and
    ``because``, why it could not be taken; ``paid_number``, the number of the invoice it
    paid, if one did)."""
    if move is GroupMove.LAPSED:
        return lapse_told(group)
    if move is GroupMove.REFUND and payment_intent in given_back:
        return manager_told(
            group,
            GroupEvent.PAYMENT_RETURNED,
            payment_intent,
            amount=given_back[payment_intent],
            because=because,
            paid_invoice=paid_number or None,
        )
    return group


_MADE_HERE = "a group's refund, recorded when made"


def group_refund_event(
    ports: Ports, event: RefundEvent, *, read_at_stripe: bool = True
) -> GroupOutcome | None:
    """A refund of a group's payment (None: not a group's). One this system made (a place's
    share, money it could not honour) was recorded when made; one made at Stripe of the
    payment the group keeps is recorded now (``domain.group_refunds``), and one that gives
    back everything ends the booking. One that would show the payment refunded above what it
    took is refused (``services.believed``), judged on the group as read to apply it: the
    group-owner index and the group are read once each."""
    group_id = ports.groups.group_of_object(event.payment_intent)
    if group_id is None:
        return None
    group = find_group(ports, group_id)
    paying = {"payment_intent": event.payment_intent}
    if read_at_stripe and (_refund_news(group, event) or _failure_news(group, event)):
        held = refund_as_stripe_holds(ports, event)
        if held is None:
            refused(event.event_id, REFUND_UNKNOWN_AT_STRIPE, group_id=group_id, **paying)
            return GroupOutcome("ignore", REFUND_UNKNOWN_AT_STRIPE, group_id, group.status)
        event = held

    failed: list[NoteAnomaly] = []

    def apply(current: GroupBooking) -> tuple[GroupOutcome, GroupRefunded | None]:
        failure = share_refund_failed(current, event, ports.clock())
        if failure is not None:
            # One of its own refunds (a place's share) failed at Stripe: held as failed, the
            # organisers shown it once, as a one-person refund's failure.
            saved = ports.groups.save_group(failure[0], current)
            failed[:] = [failure[1]]
            why = REFUND_FAILED_AT_STRIPE
            return GroupOutcome("refund_recorded", why, group_id, saved.status.value), None
        if refund_beyond_group(current, event):
            # Judged on the group as read for this attempt (a retry's fresh read too); logged
            # once, after the attempts.
            return GroupOutcome("ignore", REFUNDED_BEYOND_PAID, group_id, current.status), None
        if event.payment_intent != current.payment_intent or made_here(current, event):
            return GroupOutcome("ignore", _MADE_HERE, group_id, current.status), None
        if event.event_id in current.recent_event_ids:
            ignored = GroupOutcome("ignore", "event already applied", group_id, current.status)
            return ignored, None
        reported = refund_reported(current, event, ports.clock(), places_held(ports, current))
        saved = ports.groups.save_group(reported.group, current)
        why = "full" if reported.ended else "partial" if reported.newly else "nothing new"
        return GroupOutcome("refund_recorded", why, group_id, saved.status.value), reported

    outcome, reported = retried(
        apply, lambda: find_group(ports, group_id), first=group, exhausted=busy_for_stripe
    )
    if outcome.reason == REFUNDED_BEYOND_PAID:
        refused(event.event_id, REFUNDED_BEYOND_PAID, group_id=group_id, **paying)
    if reported is not None:
        organisers_shown(ports, event.event_id, event.payment_intent, reported)
    for anomaly in failed:
        note_anomaly(ports, anomaly)
    return outcome


def _failure_news(group: GroupBooking, event: RefundEvent) -> bool:
    """Whether ``event`` says one of this system's own refunds of ``group`` failed that it
    does not hold as failed yet: read back at Stripe before it is believed, as for one
    person's (a "failed" said of a refund Stripe holds pending is not)."""
    return (
        event.refund_failed
        and made_here(group, event)
        and event.refund_id is not None
        and event.refund_id not in group.refunds_failed
    )


def _refund_news(group: GroupBooking, event: RefundEvent) -> bool:
    """Whether ``event`` may change what ``group`` recorded of its payment's refunds (not one
    this system made, nor one heard already): only then is it read back at Stripe
    (``services.believed.refund_as_stripe_holds``)."""
    if event.payment_intent != group.payment_intent or made_here(group, event):
        return False
    if event.event_id in group.recent_event_ids:
        return False
    by_id = {**group.refunds_at_stripe, **group.refunds}
    return refund_is_news(by_id, group.charge_amount_refunded, event)


def places_held(ports: Ports, group: GroupBooking) -> frozenset[int]:
    """The numbers of ``group``'s places a colleague's booking fills now."""
    held = set()
    for place in group.places:
        holder_id = (
            None if place.released else ports.groups.place_holder(group.group_id, place.number)
        )
        holder = ports.repository.get_application(holder_id) if holder_id else None
        if holder is not None and not holder.enrolment_ended:
            held.add(place.number)
    return frozenset(held)


def ended_if_all_given_back(ports: Ports, changed: GroupBooking) -> GroupRefunded | None:
    """``changed`` (a place given up, its share refunded) ended when its payment has all gone
    back (None: it has not), as a refund at Stripe of the rest would have ended it
    (``domain.group_refunds.all_given_back``): its places nobody holds released, the manager
    and those colleagues told."""
    if not all_given_back(changed):
        return None
    held = places_held(ports, changed)
    return GroupRefunded(
        ended_by_refund(changed, held, ports.clock()), 0, True, tuple(sorted(held))
    )


def organisers_shown(
    ports: Ports, event_id: str, payment_intent: str, reported: GroupRefunded
) -> None:
    """A refund at Stripe the organisers did not ask from here, or a place given up that took
    the last of a payment mostly refunded there (``event_id``: what is kept by): kept as an
    anomaly (a partial one, or a full one leaving colleagues on places paid for by money given
    back), and the seats it released offered to the waiting list."""
    group = reported.group
    details = {
        "group_id": group.group_id,
        "payment_intent": payment_intent,
        "amount_paid": str(group.amount_paid),
        "amount_refunded": str(group.amount_refunded),
    }
    if reported.ended:
        if reported.held:
            places = ",".join(str(number) for number in reported.held)
            note_anomaly(
                ports,
                NoteAnomaly(event_id, REFUNDED_WITH_PLACES_HELD, {**details, "places": places}),
            )
        offer_free_places(ports, group.course_id)
    elif reported.newly:
        note_anomaly(ports, NoteAnomaly(event_id, REFUNDED_IN_PART, details))


def record_group_refunds_held(ports: Ports, group: GroupBooking) -> None:
    """Each refund Stripe holds of ``group``'s payment, recorded as its own ``refund.*`` event
    will record it (``group_refund_event``: once, whichever comes first; this system's own
    refunds were recorded when made): read when Stripe answers that the payment was refunded
    already, its events not heard yet (as ``services.refunds_held`` for an
    application)."""
    if group.payment_intent is None:
        return
    for held in ports.payments.refunds_held(group.payment_intent):
        logger.info(
            "refund found at the payment provider",
            extra={"group_id": group.group_id, "refund_id": held.refund_id},
        )
        group_refund_event(ports, held, read_at_stripe=False)  # read from Stripe just now
