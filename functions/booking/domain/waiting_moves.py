"""A move to a full cohort that joins its waiting list, if the organiser chooses (issue 21).
Pure rules, no I/O.

A confirmed booking asked to move to a cohort with no seat free for a newcomer (full, or people
waiting there) is refused unless the organiser says to wait. Then the booking keeps its seat and
status where it is and gains a :class:`WaitingMove`: it is listed on the full cohort's waiting
list in the order it was asked, beside the people who applied there. One list, one order, one
rule: nobody takes a seat there while someone waits (``domain.limits.waiting_places`` counts the
waiting move on that cohort's ``waiting`` counter, so the table's condition keeps newcomers
out), and the first seat that frees goes to whoever was first, an applicant or a waiting move
(``services.waitlist``).

When a seat frees and the waiting move is first, its checks are made again (the booking and
the money may have changed meanwhile) and then:

- the same price or less: the move is made in one save as any such move is
  (``domain.transfers.transfer_made``): the old seat given back, the new one claimed, the
  waiting place left, the one email with the calendars, the facilitators told;
- dearer: it becomes a dearer move waiting for its difference (``domain.dearer_moves``): the
  seat held, a checkout for the difference, its link emailed with the deadline;
- impossible now (the booking ended, a cohort closed or began, the money cannot follow): it
  ends unmoved and the person is told why.

It also ends, unmoved, when the organiser withdraws it, the booking is cancelled or erased, or
either cohort begins (``WaitingMove.ends_at``, the sweep's time for it). A booking waits for one
cohort at a time, and never while a dearer move of it waits for its difference.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from booking.domain.application import Application, ApplicationStatus
from booking.domain.course import Course
from booking.domain.dearer_moves import MoveAsked, not_moved_email
from booking.domain.emails import EmailJob, EmailKind
from booking.domain.errors import CourseFull
from booking.domain.paying import joinable
from booking.domain.transfer_record import WaitingMove
from booking.domain.transfers import (
    Transfer,
    TransferRefused,
    ask_for_difference,
    booking_refusal,
    difference_asked,
    difference_to_pay,
    money_refusal,
    move_pending,
    target_refusal,
    too_late_to_pay,
    transfer_made,
)
from booking.domain.wording import cohort_name

S = ApplicationStatus

# Why a waiting move ended unmoved (said to the person, in ``move_lapsed``'s words).
WAITING_WITHDRAWN = "waiting_move_withdrawn"  # the organiser withdrew it
WAITING_ENDED = "waiting_move_ended"  # no seat came free before the booking's own cohort began
WAITING_BEGUN = "waiting_move_cohort_begun"  # the cohort it waited for began first
WAITING_CLOSED = "waiting_move_cohort_closed"  # the organiser closed the cohort it waited for
WAITING_CANNOT_MOVE = "waiting_move_cannot_move"  # a seat freed, but the booking could not move


@dataclass(frozen=True)
class WaitEnded:
    """A waiting move that ended without moving: the booking as it is to be saved."""

    application: Application
    reason: str


def waiting_refusal(
    application: Application, source: Course, target: Course, now: datetime
) -> TransferRefused | None:
    """Why ``application`` (on ``source``) cannot wait on ``target``'s waiting list now; None
    when it can: a booking that could move, to a cohort of its programme that takes
    applications but has no seat free for a newcomer, whose money can follow."""
    refused = booking_refusal(application, source, now)
    if refused is not None:
        return refused
    refused = target_refusal(source, target, now)
    if refused is None:
        return TransferRefused(
            "course_not_full",
            f"{cohort_name(target)} has a place free: move the booking now instead of waiting",
        )
    if refused.code != CourseFull.code:
        return refused
    more = difference_to_pay(application, target)
    return (
        money_refusal(application, source, target, more)
        # A difference asked once a seat frees could not be paid any more: never waits.
        or too_late_to_pay(target, now, more)
        or other_move_refusal(application, target.course_id)
    )


def other_move_refusal(application: Application, target_id: str) -> TransferRefused | None:
    """A booking waits for or holds a place on one other cohort at a time: a dearer move
    waiting for its difference, or a waiting move for another cohort, is withdrawn first."""
    if application.pending_move is not None:
        return move_pending(application.pending_move)
    waiting = waiting_on(application)
    if waiting is not None and waiting.to_course_id != target_id:
        return TransferRefused(
            "move_waiting",
            "this booking is on another cohort's waiting list already; withdraw that move first",
        )
    return None


def waiting_on(application: Application) -> WaitingMove | None:
    """The booking's waiting move while it counts: only a confirmed booking waits."""
    return application.waiting_move if application.status is S.CONFIRMED else None


def waiting_at(application: Application, now: datetime) -> WaitingMove | None:
    """The booking's waiting move as shown at ``now``: one whose end has passed is over (read
    at once, before the sweep ends it and tells the person)."""
    move = waiting_on(application)
    return move if move is not None and now < move.ends_at else None


def joined_waiting_list(
    application: Application, source: Course, target: Course, now: datetime
) -> Application:
    """``application`` on ``target``'s waiting list (its refusals checked by
    :func:`waiting_refusal`) until a seat frees for it or either cohort begins."""
    move = WaitingMove(
        to_course_id=target.course_id,
        asked_at=now,
        ends_at=min(source.first_start(), target.first_start()),
    )
    joined = application.model_copy(update={"waiting_move": move, "updated_at": now})
    return joined.with_emails(waiting_email(joined, move))


def waiting_email(application: Application, move: WaitingMove) -> EmailJob:
    """The person's message that their booking now waits on ``move``'s cohort's list (sent
    once per move asked): what it means, that their place stays, how they will hear."""
    job = application.email(
        EmailKind.MOVE_WAITING,
        occasion=f"wait-{int(move.asked_at.timestamp())}",
    )
    return job.model_copy(update={"to_course_id": move.to_course_id})


def seat_freed(
    application: Application, source: Course, target: Course, now: datetime
) -> Transfer | MoveAsked | WaitEnded:
    """A seat on ``target`` freed with this waiting move first in line: the move made (the same
    price or less), asked for (dearer), or ended unmoved when it cannot be made any more."""
    left = application.model_copy(update={"waiting_move": None})
    more = difference_to_pay(left, target)
    if waiting_at(application, now) is None or _closed(left, target, now):
        return wait_ended(application, now, ended_reason(target, now))
    if booking_refusal(left, source, now) or money_refusal(left, source, target, more):
        return wait_ended(application, now, WAITING_CANNOT_MOVE)
    if difference_asked(left, target):
        return ask_for_difference(left, source, target, now, more)
    return transfer_made(left, source, target, now)


def _closed(left: Application, target: Course, now: datetime) -> bool:
    """Whether ``target`` can no longer take this move: closed by its organisers or begun, or
    past taking payment for a move that asks a difference. A move that asks none is joinable
    until the cohort begins (``domain.paying.joinable``), as when it was asked."""
    if not joinable(target, now):
        return True
    return bool(difference_asked(left, target)) and not target.accepts_applications(now)


def wait_ended(application: Application, now: datetime, reason: str) -> WaitEnded:
    """The waiting move ended unmoved: its place on that waiting list goes (derived), the
    booking stays as it was, and the person is told which cohort it did not join and why."""
    move = application.waiting_move
    assert move is not None
    ended = application.model_copy(update={"waiting_move": None, "updated_at": now})
    asked = f"wait-{int(move.asked_at.timestamp())}"
    not_moved = not_moved_email(application, move.to_course_id, asked)
    return WaitEnded(ended.with_emails(not_moved.model_copy(update={"reason": reason})), reason)


def ended_reason(target: Course | None, now: datetime) -> str:
    """Why a waiting move for ``target`` ends unmoved at ``now`` when no seat took it (the
    person is told this one reason): that cohort began (or is gone), was closed, or the
    booking's own cohort began first with no seat come free."""
    if target is None or target.first_start() <= now:
        return WAITING_BEGUN
    if not target.accepts_applications(now):
        return WAITING_CLOSED
    return WAITING_ENDED


def wait_over(application: Application, now: datetime) -> bool:
    """Whether the waiting move's time is up: either cohort has begun."""
    move = waiting_on(application)
    return move is not None and move.ends_at <= now


__all__ = [
    "WAITING_BEGUN",
    "WAITING_CANNOT_MOVE",
    "WAITING_CLOSED",
    "WAITING_ENDED",
    "WAITING_WITHDRAWN",
    "WaitEnded",
    "ended_reason",
    "joined_waiting_list",
    "other_move_refusal",
    "seat_freed",
    "wait_ended",
    "wait_over",
    "waiting_at",
    "waiting_email",
    "waiting_on",
    "waiting_refusal",
]
