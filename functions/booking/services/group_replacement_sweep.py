"""The sweep's part in a group's invoice replacement left half done (review21 F2, hostile27
F2): a place given up before the employer paid has the old invoice voided at Stripe first,
then the new one made and saved (``services.group_unpaid_give_up``). When Stripe failed after
the void, or the function was stopped between the void and the save, the group is left marked
(``replacing_invoice``, with the place and the moment), holding its places on an invoice
nobody can pay; and nobody may ever try again.

A mark older than ``domain.groups.REPLACEMENT_LEFT_AFTER`` is looked at here. Stripe decides,
read once: the old invoice void (or unknown to it), the replacement is completed, the same
use case the manager's give-up runs, and the new invoice sent to the billing contact; still
open or paid (the void never reached Stripe, or was refused), the mark is cleared and the
group goes on with its invoice as it is. The group is read again first, consistently: the
index's copy may be stale, and a replacement the manager's retry has just completed is not
made twice (review22 F7). A completion refused (the course began, its applications closed,
the invoice fell due) lasts: the mark's moment is cleared, its invoice kept, so the sweep no
longer asks Stripe of it each run and the group ends as ``replacement_not_made`` when its
hold does (review22 F2); Stripe unreachable, the next run looks again.
"""

from __future__ import annotations

from datetime import datetime

from aws_lambda_powertools import Logger

from booking.domain.errors import BookingError, DependencyUnavailable
from booking.domain.groups import REPLACEMENT_LEFT_AFTER, GroupBooking, GroupStatus
from booking.services.access import existing_course
from booking.services.concurrency import retried
from booking.services.group_invoice_replacement import unmarked
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
        assert number is not None
        # Completed, any invoice a stopped try sent and never recorded is voided with it
        # (``group_invoice_replacement.unrecorded_voided``).
        off_the_way_to_pay(ports, group, existing_course(ports, group.course_id), number)

    def ended_by_the_void(error: BookingError) -> None:
        # A lasting refusal: the group ends by the void as ``replacement_not_made`` when its
        # hold does, looked at again only then (codes name no one).
        _unhurried(ports, group.group_id, invoice_id)
        extra = {"group_id": group.group_id, "code": error.code}
        logger.warning("a half-done replacement refused", extra=extra)

    if number is None:  # no place to replace it for: the group goes on with its invoice
        taken_back()
        return False
    try:
        done = HalfDone(invoice_id, taken_back, completed, ended_by_the_void)
        if not finished_as_stripe_holds(ports, done):
            return False
    except DependencyUnavailable:
        logger.warning(
            "a half-done replacement not completed yet", extra={"group_id": group.group_id}
        )
        return False
    logger.info("a half-done replacement completed", extra={"group_id": group.group_id})
    return True


def _unhurried(ports: Ports, group_id: str, invoice_id: str) -> None:
    """The group, still marked as replacing ``invoice_id``, no longer due to the sweep before
    its hold ends (its completion refused for good)."""

    def clear(current: GroupBooking) -> None:
        if current.replacing_invoice == invoice_id and current.replacing_since is not None:
            ports.groups.save_group(current.model_copy(update={"replacing_since": None}), current)

    retried(clear, group_reader(ports, group_id))
