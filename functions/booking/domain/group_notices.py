"""What a manager is told of their group booking after it was made, besides their page: each
event queued as its own email job, with a key per event (never two for one event, none lost:
the job goes in the outbox with the save that makes the change) and what the email says
recorded on the job, so it describes the event, not the state the group reached since."""

from __future__ import annotations

from booking.domain.emails import EmailJob, EmailKind
from booking.domain.group_events import GroupEvent
from booking.domain.groups import GroupBooking

# Why a payment the group could not take was given back (``domain.groups.why_not_taken``), as
# the manager's email says it: the reason recorded when it came, never a list of guesses.
RETURNED_BECAUSE = {
    "paid_twice": "the booking had already been paid, so this was a second payment",
    "ended": "it arrived after the booking had ended and its places had been released",
    "replaced": "it paid a checkout or invoice that had since been replaced by a new one",
    "amount": "it was not the sum the booking asked for",
    # Said of the group's own checkout only (``services.group_payments``): the booking ends.
    "late": "it was taken after the course had begun, when the places could no longer be used, "
    "so the booking has ended and its places were released",
}
# A job queued before the reason was recorded on it.
RETURNED_UNKNOWN = "it arrived after the booking had ended or changed, or it paid twice"


def returned_said(because: str | None) -> str:
    return RETURNED_BECAUSE.get(because or "", RETURNED_UNKNOWN)


def manager_told(
    group: GroupBooking,
    event: GroupEvent,
    key: str,
    *,
    amount: int | None = None,
    places: tuple[int, ...] = (),
    places_kept: int | None = None,
    because: str | None = None,
) -> GroupBooking:
    """``group`` with the manager's email about ``event`` queued; ``key`` names the event
    within the group (the same event queued twice is one email); ``because``: why a payment
    was given back (``RETURNED_BECAUSE``)."""
    job = EmailJob(
        job_id=f"{EmailKind.GROUP_CHANGED.value}:{group.group_id}:{event.value}:{key}",
        kind=EmailKind.GROUP_CHANGED,
        application_id=group.group_id,
        course_id=group.course_id,
        reason=event.value,
        amount=amount,
        group_places=places,
        places_kept=places_kept,
        returned_because=because,
        occasion=key,
        move=None,
    )
    return group.with_emails(job)


def lapse_told(group: GroupBooking) -> GroupBooking:
    """``group``, ended unpaid, with the manager's email about it (saying why) queued: with
    what it gave back whole (a payment on a replaced checkout or invoice), so the email never
    says nothing was taken when money came and went back."""
    returned = sum(group.given_back.values())
    return manager_told(group, GroupEvent.HOLD_LAPSED, "lapsed", amount=returned or None)
