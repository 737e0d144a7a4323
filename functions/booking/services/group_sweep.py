"""The sweep over group bookings: unpaid holds that ran out let their seats go, and past the
colleagues' deadline each place nobody filled is given up."""

from __future__ import annotations

from datetime import datetime

from aws_lambda_powertools import Logger

from booking.domain.errors import Conflict, DependencyUnavailable
from booking.domain.group_endings import GroupEnding
from booking.domain.group_events import GroupEvent
from booking.domain.group_notices import lapse_told, manager_told
from booking.domain.groups import GroupBooking, GroupStatus, lapsed
from booking.domain.invoice_voiding import group_checkout_act
from booking.services.concurrency import retried
from booking.services.group_replacement_sweep import (
    ended_unmade,
    left_half_done,
    replacement_completed,
)
from booking.services.groups import group_reader, invoice_paying
from booking.services.invoice_requests import void_at_stripe
from booking.services.ports import Ports

logger = Logger(child=True)


def release_lapsed_groups(ports: Ports, now: datetime) -> list[str]:
    """Unpaid groups whose hold ran out let their seats go, in case Stripe's event about it
    was lost: a checkout is expired at Stripe first (if it was paid meanwhile, the payment's
    event decides); an invoice is read at Stripe, then voided there before the places go,
    and kept while a payment of it is on its way or Stripe refuses that void
    (``_kept_by_stripe``), as an application's is. The courses touched. A group whose step
    Stripe does not answer (or refuses) is left as it is for the next run; the others go on."""
    touched: list[str] = []
    for due in ports.groups.groups_due(now):
        try:
            course_id = _swept(ports, due, now)
        except (DependencyUnavailable, Conflict) as exc:
            # Stripe silent (the run asks it briefly, and nothing more once it did not
            # answer) or refusing: this group waits for the next run, as an application
            # does (``lifecycle.sweep_due``); never the rest of the run ended with it.
            extra = {"group_id": due.group_id, "code": exc.code}  # codes name no one
            logger.warning("a due group left for the next run", extra=extra)
            continue
        if course_id is not None:
            touched.append(course_id)
    return touched


def _swept(ports: Ports, due: GroupBooking, now: datetime) -> str | None:
    """One group the sweep found due, as ``release_lapsed_groups`` says: the course a seat
    came free on (None: none). DependencyUnavailable: Stripe not answering a step."""
    if due.status is GroupStatus.PAID:
        return due.course_id if _give_up_unfilled(ports, due, now) else None
    left = _left_to_lapse(ports, due, now)
    return _lapsed_hold(ports, left, now) if isinstance(left, GroupBooking) else left


def _left_to_lapse(ports: Ports, due: GroupBooking, now: datetime) -> GroupBooking | str | None:
    """``due``'s act left half done, completed first: the group to go on with as its hold
    does, or what this run is done with (the course a seat came free on, or None)."""
    left = _give_up_left_half_done(ports, due, now)
    if isinstance(left, bool):  # completed (its course touched), or nothing more now
        return due.course_id if left else None
    due = left
    if not left_half_done(due, now):
        return due
    # Its invoice's replacement left half done: completed (or its mark cleared), then the next
    # run finds it as that leaves it; not completed, it ends as its hold does.
    if replacement_completed(ports, due):
        return due.course_id
    return ports.groups.get_group(due.group_id)  # as the step above left it


def _lapsed_hold(ports: Ports, due: GroupBooking, now: datetime) -> str | None:
    """Unpaid ``due``, its hold ended, let go once Stripe holds nothing that could still pay
    it: the course a seat came free on (None: kept, or changed meanwhile)."""
    if due.checkout is not None and due.status is GroupStatus.AWAITING_PAYMENT:
        try:
            if ports.payments.expire_checkout(due.checkout.session_id) == "complete":
                return None
        except Conflict:
            pass  # unknown to Stripe: nothing can pay it
    if _kept_by_stripe(ports, due, now):
        return None
    if _replacement_not_made(due, now):
        # Its hold ended, voided to be replaced, the new invoice never made: nothing could
        # pay it (the one ending of a replacement not made: ``ended_unmade``).
        assert due.replacing_invoice is not None
        ended = ended_unmade(ports, due.group_id, due.replacing_invoice, now)
        return due.course_id if ended is not None else None
    released = _released(ports, due, now)
    return released.course_id if released is not None else None


def _give_up_left_half_done(ports: Ports, due: GroupBooking, now: datetime) -> GroupBooking | bool:
    """A place's give-up stopped after its checkout's expiry (``checkout_acts``): completed
    as pressed (True: its course touched), or its mark taken back; the group to go on with
    as its hold does (``due`` itself when no such act), or False when nothing more is for this
    run (refused while its hold lasts, Stripe unreachable, a race lost)."""
    act = group_checkout_act(due)
    if act is None or act.left_half_done_at() > now:
        return due
    from booking.services.checkout_acts import group_give_up_completed

    try:
        if group_give_up_completed(ports, due):
            return True
    except (DependencyUnavailable, Conflict):
        return False  # the next run looks again
    fresh = ports.groups.get_group(due.group_id)
    lapses = fresh.hold_lapses_at() if fresh is not None else None
    if fresh is None or lapses is None or lapses > now:
        return False
    return fresh


def _replacement_not_made(group: GroupBooking, now: datetime) -> bool:
    """Whether ``group``'s hold ended by ``now`` while its invoice, voided to be replaced, is
    still the one it holds (the new one never made)."""
    lapses, invoice = group.hold_lapses_at(), group.invoice
    return (
        lapses is not None
        and lapses <= now
        and invoice is not None
        and group.replacing_invoice == invoice.invoice_id
    )


def _released(ports: Ports, due: GroupBooking, now: datetime) -> GroupBooking | None:
    """``due`` ended unpaid as its hold ran out, saved (None: paid, released or its invoice
    replaced meanwhile, a place given up: the next run reads the new one)."""
    read = due.invoice.invoice_id if due.invoice is not None else None

    def release(current: GroupBooking) -> GroupBooking | None:
        lapses = current.hold_lapses_at()
        if lapses is None or lapses > now:
            return None  # paid or released meanwhile
        if current.invoice is not None and current.invoice.invoice_id != read:
            return None  # not the invoice read at Stripe
        if current.invoice is not None and current.replacing_invoice == read:
            return None  # its replacement's ending (``ended_unmade``), read again next run
        # An invoice not paid by the end of its due day; a checkout unknown to Stripe, or
        # whose expiry's event is lost.
        because = (
            GroupEnding.NOT_PAID_BY_DEADLINE
            if current.invoice is not None
            else GroupEnding.CHECKOUT_EXPIRED
        )
        ended = lapse_told(lapsed(current, now, because))
        return ports.groups.save_group(ended, current)

    return retried(release, group_reader(ports, due.group_id), first=due)


def _kept_by_stripe(ports: Ports, group: GroupBooking, now: datetime) -> bool:
    """Whether unpaid ``group``'s hold, ended by its invoice's due date, is kept this run: a
    payment of the invoice is on its way (``InvoicePaying.on_its_way``: the employer's bank
    debit, begun in time, still being confirmed, or paid, its event not yet here), so the
    places are kept and nobody is told anything ended; the next run looks again, and ends it
    then if the debit failed. Else it is voided at Stripe, before anything is saved: kept too
    when Stripe refuses that void (a debit begun since the read, or paid). Stripe unreachable:
    kept too, never guessed as unpaid. One read and one void at Stripe per group whose hold
    ends by ``now`` (a card group's is its checkout's expiry)."""
    lapses, invoice = group.hold_lapses_at(), group.invoice
    if group.status is not GroupStatus.AWAITING_INVOICE_PAYMENT or invoice is None:
        return False
    if lapses is None or lapses > now:
        return False
    try:
        # Stripe's void decides after the read (``void_at_stripe``): a debit begun since it
        # has the void refused, and the places are kept, not ended under it.
        on_its_way = (
            invoice_paying(ports, group).on_its_way
            or void_at_stripe(ports, invoice.invoice_id).on_its_way
        )
    except DependencyUnavailable:
        logger.warning("a lapsed group's invoice unread, kept", extra={"group_id": group.group_id})
        return True
    if on_its_way:
        logger.info("a lapsed group's invoice being paid, kept", extra={"group_id": group.group_id})
    return on_its_way


def _give_up_unfilled(ports: Ports, group: GroupBooking, now: datetime) -> bool:
    """Past the colleagues' deadline: each place nobody filled is given up (its price refunded,
    its seat freed), once. True if any was."""
    if group.apply_by > now or group.unfilled_given_up:
        return False
    # Dated by the course as it is (one consistent read of it), before anything is given up by
    # the stored date (a save the course's index hid the group from).
    from booking.services.group_dates import dated_by_the_course  # only past a group's date

    if (group := dated_by_the_course(ports, group, now)).apply_by > now:
        return False  # the course moved later, and the group with it: its colleagues may apply
    # Only here, past a paid group's deadline: giving a place up loads the group changes' money
    # and seat paths, which a run with no such group never uses (``services.sweep``).
    from booking.services.group_changes import give_up

    given_up = False
    current = group
    for place in group.places:
        if place.released:
            continue
        after = give_up(ports, current, place.number, withdraw=False, unfilled=True)
        given_up = given_up or after.place(place.number).released
        current = after

    def mark(latest: GroupBooking) -> GroupBooking:
        done = latest.model_copy(update={"unfilled_given_up": True, "updated_at": now})
        # Every place the deadline released, this run or an earlier one that Stripe's silence
        # cut short (told of none: only this mark tells), not only those this run released.
        # Released by a share that took the last of the payment: told as that ending.
        released = tuple(
            p.number
            for p in latest.places
            if p.released and p.released_unfilled and not p.released_by_refund
        )
        if released:
            back = sum(latest.refunds.get(latest.place(n).refund_id or "", 0) for n in released)
            kept = latest.places_kept
            done = manager_told(
                done,
                GroupEvent.UNFILLED_RELEASED,
                "deadline",
                amount=back,
                places=released,
                places_kept=kept,  # whether anyone applied: the email says so only then
            )
        return ports.groups.save_group(done, latest)

    retried(mark, group_reader(ports, group.group_id), first=current)
    if given_up:
        logger.info("unfilled group places given up", extra={"group_id": group.group_id})
    return given_up
