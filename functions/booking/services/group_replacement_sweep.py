"""The sweep's part in a group's invoice replacement left half done:
a place given up before the employer paid has the old invoice voided at Stripe first,
then the new one made and saved (``services.group_unpaid_give_up``); an organiser's
correction of its billing details the same (``services.group_invoice_correction``).
When Stripe failed after the void, or the function was stopped between the void and the
save, the group is left marked (``replacing_invoice``, with the place and the moment),
holding its places on an invoice nobody can pay; and nobody may ever try again.

A mark older than ``domain.groups.REPLACEMENT_LEFT_AFTER`` is looked at here. Stripe decides,
read once: the old invoice void (or unknown to it), the replacement is completed, the same
use case the manager's give-up runs, and the new invoice sent to the billing contact; still
open or paid (the void never reached Stripe, or was refused), the mark is cleared and the
group goes on with its invoice as it is. The group is read again first, consistently: the
index's copy may be stale, and a replacement the manager's retry has just completed is not
made twice. A completion refused for good (the course began, the invoice fell due:
``domain.lasting_refusals``, one rule with one person's acts; applications closed since the
give-up refuse nothing of it, ``group_give_ups.opens_a_new_way_to_pay``)
lasts: the group ends by the void at once, as ``replacement_not_made`` (``ended_unmade``),
never left holding its places on an invoice nobody can pay until its hold ends. Any other
refusal (the group changed under the save) and Stripe unreachable: the mark stays, the next
run looks again, for two hours from the mark (``lasting_refusals``).
"""

from __future__ import annotations

from datetime import datetime

from aws_lambda_powertools import Logger

from booking.domain.errors import BookingError, DependencyUnavailable
from booking.domain.group_endings import GroupEnding
from booking.domain.group_notices import lapse_told
from booking.domain.groups import REPLACEMENT_LEFT_AFTER, GroupBooking, GroupStatus, lapsed
from booking.domain.read_against import ReadAgainst
from booking.services.access import existing_course
from booking.services.concurrency import retried
from booking.services.group_invoice_replacement import unmarked, unrecorded_voided
from booking.services.groups import group_reader
from booking.services.half_done import HalfDone, finished_as_stripe_holds
from booking.services.ports import Ports

logger = Logger(child=True)


def left_half_done(group: GroupBooking, now: datetime) -> bool:
    """Whether ``group``'s invoice replacement was begun long enough ago to be left half done."""
    since = group.replacing_since
    return (
        group.status is GroupStatus.AWAITING_INVOICE_PAYMENT
        and group.replacing_invoice is not None
        and since is not None
        and since + REPLACEMENT_LEFT_AFTER <= now
    )


def replacement_completed(ports: Ports, group: GroupBooking) -> bool:
    """``group``'s replacement left half done, completed or its mark cleared as Stripe holds
    the old invoice: True when it was completed (a seat freed on its course)."""
    invoice_id, number = group.replacing_invoice, group.replacing_place
    assert invoice_id is not None
    fresh = ports.groups.get_group(group.group_id)
    if fresh is None or (fresh.replacing_invoice, fresh.replacing_place) != (invoice_id, number):
        return False  # completed, cleared or remarked meanwhile: the next run reads it as it is
    group = fresh
    # Only here, for a replacement left half done: the give-up's money and seat paths.
    from booking.services.group_unpaid_give_up import off_the_way_to_pay

    def taken_back() -> None:
        unmarked(ports, group.group_id, invoice_id)
        logger.info("a half-done replacement's mark cleared", extra={"group_id": group.group_id})

    def completed() -> None:
        if group.replacing_billing is not None:
            # An organiser's correction: completed to the details marked, the same use case.
            from booking.services.group_invoice_correction import correct_group_invoice

            billing = group.replacing_billing
            completing = ReadAgainst(marked=billing)  # only while the group still carries it
            correct_group_invoice(ports, group.group_id, billing, read_against=completing)
            return
        assert number is not None
        # Completed, any invoice a stopped try sent and never recorded is voided with it
        # (``group_invoice_replacement.unrecorded_voided``).
        off_the_way_to_pay(ports, group, existing_course(ports, group.course_id), number)

    def ended_by_the_void(error: BookingError) -> None:
        # Loaded only by a run that ends one (a reminders run's cold start leaves it out).
        from booking.services.waitlist import offer_free_places

        extra = {"group_id": group.group_id, "code": error.code}
        # Only a lasting refusal, or one met for two hours (``half_done``; a passing one leaves
        # the mark for the next run, never the whole group ended for it): the group ends by
        # the void now, as
        # ``replacement_not_made`` (nothing can pay the void invoice), not left holding its
        # places until its hold ends.
        if ended_unmade(ports, group.group_id, invoice_id, ports.clock()) is not None:
            offer_free_places(ports, group.course_id)  # its seats on to whoever waits
        logger.warning("a half-done replacement refused: ended by its void", extra=extra)

    if number is None and group.replacing_billing is None:
        # No place to replace it for, nor details to correct it to: it goes on with its invoice.
        taken_back()
        return False
    try:
        since = group.replacing_since or ports.clock()  # marked with it (``left_half_done``)
        done = HalfDone(invoice_id, since, taken_back, completed, ended_by_the_void)
        if not finished_as_stripe_holds(ports, done):
            return False
    except DependencyUnavailable:
        logger.warning(
            "a half-done replacement not completed yet", extra={"group_id": group.group_id}
        )
        return False
    logger.info("a half-done replacement completed", extra={"group_id": group.group_id})
    return True


def ended_unmade(
    ports: Ports, group_id: str, invoice_id: str, now: datetime
) -> GroupBooking | None:
    """The group, still unpaid and marked as replacing ``invoice_id`` (voided at Stripe, the
    new invoice never made), ended as ``replacement_not_made``: the one ending of a
    replacement that cannot be made, whether its completion is refused for good or its hold
    ends first (``group_sweep``), at ``now``. Its seats go back (the caller offers them on),
    and any invoice a stopped try sent and never recorded is voided. None:
    changed meanwhile."""
    sent: list[tuple[str, ...]] = []

    def end(current: GroupBooking) -> GroupBooking | None:
        if (
            current.status is not GroupStatus.AWAITING_INVOICE_PAYMENT
            or current.invoice is None
            or current.invoice.invoice_id != invoice_id
            or current.replacing_invoice != invoice_id
        ):
            return None
        sent[:] = [current.replacing_with]
        ended = lapse_told(lapsed(current, now, GroupEnding.REPLACEMENT_NOT_MADE))
        return ports.groups.save_group(ended, current)

    ended = retried(end, group_reader(ports, group_id))
    if ended is not None:
        unrecorded_voided(ports, ended, sent[0])
    return ended
