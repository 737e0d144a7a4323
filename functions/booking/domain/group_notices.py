"""What a manager is told of their group booking after it was made, besides their page: each
event queued as its own email job, with a key per event (never two for one event, none lost:
the job goes in the outbox with the save that makes the change) and what the email says
recorded on the job, so it describes the event, not the state the group reached since."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from booking.domain.emails import EmailJob, EmailKind
from booking.domain.group_dates import last_told, told_recorded
from booking.domain.group_events import GroupEvent
from booking.domain.groups import APPLY_BY_MOVED, APPLY_BY_PASSED, GroupBooking, GroupStatus
from booking.domain.wording import moment_when

# Why a payment the group could not take was given back
# (``domain.group_stripe_events.why_not_taken``), as the manager's email says it: the reason
# recorded when it came, never a list of guesses.
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
    paid_invoice: str | None = None,
) -> GroupBooking:
    """``group`` with the manager's email about ``event`` queued; ``key`` names the event
    within the group (the same event queued twice is one email); ``because``: why a payment
    was given back (``RETURNED_BECAUSE``); ``paid_invoice``: the number of the invoice that
    payment paid, as Stripe holds it (a replaced one's, not the group's invoice now)."""
    job = EmailJob.group_changed(
        group.group_id,
        group.course_id,
        event.value,
        key,
        amount=amount,
        group_places=places,
        places_kept=places_kept,
        returned_because=because,
        refunded_invoice=paid_invoice,
    )
    return group.with_emails(job)


def payer_told_of_payment(group: GroupBooking, invoice_id: str) -> GroupBooking:
    """``group`` with its billing contact's acknowledgement that its invoice ``invoice_id`` was
    paid outside Stripe queued (:func:`payment_acknowledgement`)."""
    return group.with_emails(payment_acknowledgement(group, invoice_id))


def payment_acknowledgement(group: GroupBooking, invoice_id: str) -> EmailJob:
    """The billing contact's acknowledgement that ``group``'s invoice ``invoice_id`` was paid
    outside Stripe, to them alone (``domain.payer.group_recipient``: none when they are the
    manager, whose email that the booking is paid tells them); keyed by the invoice: one
    message per recording, however often it is pressed or replayed."""
    return EmailJob.group_changed(
        group.group_id,
        group.course_id,
        GroupEvent.PAYMENT_RECEIVED.value,
        invoice_id,
        to_billing_contact=True,
    )


def lapse_told(group: GroupBooking) -> GroupBooking:
    """``group``, ended unpaid, with the manager's email about it (saying why) queued: with
    what it gave back whole (a payment on a replaced checkout or invoice), so the email never
    says nothing was taken when money came and went back."""
    returned = sum(group.given_back.values())
    return manager_told(group, GroupEvent.HOLD_LAPSED, "lapsed", amount=returned or None)


# The key of the manager's email about an apply-by date moved: the group's version the move
# changed (one email per change, however often the dates go back and forth) and both dates.
_MOVE_KEY = re.compile(r"^v\d+-from-(\d+)-to-(\d+)$")


def manager_told_of_move(told: GroupBooking, before: GroupBooking) -> bool:
    """Whether ``told`` queued its manager an email of an apply-by move ``before`` had not."""
    known = {job.job_id for job in before.outbox}
    return any(
        job.reason == GroupEvent.APPLY_BY_MOVED and job.group_place is None
        for job in told.outbox
        if job.job_id not in known
    )


def apply_by_move_told(group: GroupBooking, before: GroupBooking) -> GroupBooking:
    """``group``, whose apply-by date the course's new dates moved from ``before``'s, with the
    manager's email about it queued, earlier or later alike, once per change from the date
    they were last told (``domain.group_dates.last_told``: a move and back before the mailer
    runs tells them nothing; two moves say the way it went from what they know):
    for a paid booking with places kept (its paid email gave them the date; an unpaid one's
    paid email will give the date as it then stands)."""
    if group.status is not GroupStatus.PAID or not group.places_kept or group.manager_erased:
        return group  # an erased manager is emailed nothing
    was, now = int(last_told(before).timestamp()), int(group.apply_by.timestamp())
    if was == now:
        return group
    return manager_told(group, GroupEvent.APPLY_BY_MOVED, f"v{before.version}-from-{was}-to-{now}")


def apply_by_move_of(job: EmailJob) -> tuple[datetime, datetime] | None:
    """The apply-by dates, before and after, of the move an ``apply_by_moved`` email tells of
    (None: another email)."""
    found = (
        _MOVE_KEY.fullmatch(job.occasion or "") if job.reason == GroupEvent.APPLY_BY_MOVED else None
    )
    if found is None:
        return None
    was, now = (datetime.fromtimestamp(int(stamp), UTC) for stamp in found.groups())
    return was, now


def apply_by_told(job: EmailJob) -> datetime | None:
    """The apply-by date an email about a move of it gives: the manager's (``apply_by_moved``,
    its key's new date) or a colleague's link sent again (its occasion's date); None for any
    other email."""
    move = apply_by_move_of(job)
    if move is not None:
        return move[1]
    _named, moved, when = (job.occasion or "").partition(APPLY_BY_MOVED)
    if job.kind is not EmailKind.GROUP_PLACE_LINK or not moved or not when.isdigit():
        return None
    return datetime.fromtimestamp(int(when), UTC)


def gives_apply_by(job: EmailJob) -> bool:
    """Whether ``job``'s email gives its reader the apply-by date as the group holds it when
    it goes: a colleague's link (first or sent again), the manager's paid email (unless paid
    once the date had passed) or one about a move (superseded unless its date holds)."""
    if job.to_billing_contact:
        return False
    if job.kind is EmailKind.GROUP_PLACE_LINK:
        return True
    paid = job.kind is EmailKind.GROUP_BOOKED and job.occasion == "paid"
    return (paid and job.reason != APPLY_BY_PASSED) or apply_by_move_of(job) is not None


def apply_by_moved_since(job: EmailJob, group: GroupBooking, course_moves_it: bool) -> bool:
    """Whether an email about a move of the apply-by date, the manager's or a colleague's, is
    superseded and not sent: the group's date moved again since it was queued, or the course
    as saved now sets another (``course_moves_it``: a newer save, whose groups are being set
    again, its own emails telling) — so no email mixes two versions of the course (one course's
    title with another's date); or what its reader was told has moved since
    it was queued (an email gone since, recorded: ``domain.group_dates.told_recorded``): the
    manager's "was" is no longer the date their last email gave, a colleague's "earlier" is
    not earlier than the date theirs gave. The record's own step queues the
    email from what they were told then (``services.group_dates.record_told_apply_by``)."""
    told = apply_by_told(job)
    if told is None:
        return False
    said = int(told.timestamp())
    if course_moves_it or said != int(group.apply_by.timestamp()):
        return True
    place = next((p for p in group.places if p.number == job.group_place), None)
    recorded = told_recorded(group, place) if job.group_place is None or place else None
    if recorded is None:
        return False
    move = apply_by_move_of(job)
    if move is not None:  # the manager's: from the date their last email gave, to this one
        return int(recorded.timestamp()) != int(move[0].timestamp())
    return int(recorded.timestamp()) <= said  # a colleague's: earlier than theirs gave


def apply_by_move_said(job: EmailJob, apply_by: datetime, zone: str) -> dict[str, Any]:
    """An apply-by date moved, as its email says it: the dates before and after, in the
    course's zone (UK time), and which way (``apply_by``: the group's, for other emails)."""
    was, now = apply_by_move_of(job) or (apply_by, apply_by)
    return {
        "apply_by_earlier": now < was,
        "apply_by_was": moment_when(was, zone),
        "apply_by_now": moment_when(now, zone),
    }
