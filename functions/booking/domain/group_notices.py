"""What a manager is told of their group booking after it was made, besides their page: each
event queued as its own email job, with a key per event (never two for one event, none lost:
the job goes in the outbox with the save that makes the change) and what the email says
recorded on the job, so it describes the event, not the state the group reached since."""

from __future__ import annotations

from enum import StrEnum

from booking.domain.emails import EmailJob, EmailKind
from booking.domain.groups import GroupBooking


class GroupEvent(StrEnum):
    PLACE_GIVEN_UP = "place_given_up"  # a paid place given up: its share refunded
    INVOICE_REISSUED = "invoice_reissued"  # a place given up before paying: a new invoice
    HOLD_LAPSED = "hold_lapsed"  # ended unpaid (why: ``GroupBooking.ended_because``)
    UNFILLED_RELEASED = "unfilled_released"  # nobody applied by the deadline: refunded
    PAYMENT_RETURNED = "payment_returned"  # a payment the booking could not take, given back
    REFUNDED_AT_STRIPE = "refunded_at_stripe"  # its payment refunded in full at Stripe
    # Part of its payment refunded at Stripe: the places stand (``domain.group_refunds``).
    REFUNDED_IN_PART_AT_STRIPE = "refunded_in_part_at_stripe"


def manager_told(
    group: GroupBooking,
    event: GroupEvent,
    key: str,
    *,
    amount: int | None = None,
    places: tuple[int, ...] = (),
    places_kept: int | None = None,
) -> GroupBooking:
    """``group`` with the manager's email about ``event`` queued; ``key`` names the event
    within the group (the same event queued twice is one email)."""
    job = EmailJob(
        job_id=f"{EmailKind.GROUP_CHANGED.value}:{group.group_id}:{event.value}:{key}",
        kind=EmailKind.GROUP_CHANGED,
        application_id=group.group_id,
        course_id=group.course_id,
        reason=event.value,
        amount=amount,
        group_places=places,
        places_kept=places_kept,
    )
    return group.with_emails(job)


def lapse_told(group: GroupBooking) -> GroupBooking:
    """``group``, ended unpaid, with the manager's email about it (saying why) queued: with
    what it gave back whole (a payment on a replaced checkout or invoice), so the email never
    says nothing was taken when money came and went back."""
    returned = sum(group.given_back.values())
    return manager_told(group, GroupEvent.HOLD_LAPSED, "lapsed", amount=returned or None)
