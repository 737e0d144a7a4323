"""When the facilitators hear that someone left: one rule for every way a booking ends (an
organiser's cancellation, a refund of everything, a group colleague withdrawn by their manager
or the organisers), and the one email job that says it.

The rule: the facilitators are told that someone left exactly when the application that ends
holds a confirmed place as it ends. That is what their list is: they are sent an application
when it becomes a booking ("New booking", and "Booking moved to your cohort" for one moved in),
so every confirmed place is one they were told of and must hear the end of, and nothing else is
on their roster. An application that never became a booking (a checkout abandoned, a colleague
whose application never held a confirmed place) was never on their list: a "Participant
withdrawn" about it would name someone they never heard of, so they hear nothing. (On a course
that asks for approval they also get each application as it is made, to decide on it; the
console shows its status, and a decision is theirs to make, not news to send them.)

To whom: the cohort whose list has the person (``roster_holding``). A move tells the new
cohort's facilitators of the person moving in ("Booking moved to your cohort") and the old one's
of them leaving; its copies go only while the booking stands, so a booking that ends before the
mailer reached them (moved, then cancelled or refunded a second later) never went on the new
cohort's list: the old cohort's, sent "New booking", still has the person and is the one told
(hostile13b F1). Decided when the withdrawal is sent, from the move's copies the mailer took up:
by then every one of them was either taken up or is skipped (the booking has ended).

Told once: the job is keyed by its occasion ("withdrawn"), the same whichever act ends the
booking, and the act that ends it leaves it no longer confirmed, so whichever comes second (the
refund's event after a cancellation that asked for it) finds nothing to tell."""

from __future__ import annotations

from collections.abc import Callable

from booking.domain.application import Application
from booking.domain.emails import MOVED_IN, EmailJob, EmailKind
from booking.domain.statuses import ApplicationStatus

# Why an ordinary booking ended, as the facilitators' copy says it
# (``services.email_context.WITHDRAWN_FROM_GROUP`` holds the words of these and of a group
# colleague's reasons): the organisers cancelled it, or its payment came back in full.
CANCELLED_BY_ORGANISERS = "cancelled_by_organisers"
REFUNDED_IN_FULL = "booking_refunded"
# The occasion of the facilitators' "Participant withdrawn" (one per booking).
WITHDRAWN = "withdrawn"


def moved_in_copy(application_id: str, to_course_id: str, move: int) -> EmailJob:
    """The new cohort's facilitators' copy of a booking's ``move``-th move: the message that
    puts the person on that cohort's list."""
    return EmailJob.about(
        EmailKind.FACILITATOR_COPY,
        application_id,
        to_course_id,
        occasion=f"moved-in-{move}",
        reason=MOVED_IN,
        move=move,
    )


def is_withdrawal(job: EmailJob) -> bool:
    """Whether ``job`` is the facilitators' "Participant withdrawn"."""
    return job.kind is EmailKind.FACILITATOR_COPY and job.occasion == WITHDRAWN


def roster_holding(application: Application, went: Callable[[str], bool]) -> str:
    """The cohort whose facilitators' list has the person (the module's rule): the latest move
    whose moved-in copy ``went`` (the mailer took it up), else the cohort first booked, whose
    facilitators were sent the booking as it became one."""
    return roster_before(application, len(application.transfers) + 1, went)


def roster_before(application: Application, move: int, went: Callable[[str], bool]) -> str:
    """The cohort whose facilitators' list had the person before their ``move``-th move (as
    ``roster_holding``, of the moves before it alone)."""
    app_id = application.application_id
    for earlier in range(move - 1, 0, -1):
        moved_to = application.transfers[earlier - 1].to_course_id
        if went(moved_in_copy(app_id, moved_to, earlier).job_id):
            return moved_to
    return (
        application.transfers[0].from_course_id if application.transfers else application.course_id
    )


def copy_tells(job: EmailJob, application: Application, went: Callable[[str], bool]) -> bool:
    """Whether a move's facilitators' copy tells its cohort anything as it goes (retest13 N5):
    a move is told from the cohort whose list has the person to the one they hold now, so
    nothing when that is the same one (moved away and back before the mailer ran); else
    "moved to your cohort" only to the cohort held, whose list does not have them yet, and
    "moved away" only to the cohort whose list had them before that move (not to a cohort
    passed through whose list never had them). Judged of the moves before the copy's own, so
    the order the copies go in does not change who hears."""
    held = application.course_id
    if job.move is None:
        return True
    if job.reason == MOVED_IN:
        return job.course_id == held and roster_holding(application, went) != held
    before = roster_before(application, job.move, went)
    return job.course_id == before != held


def facilitators_told_it_ended(application: Application, reason: str) -> tuple[EmailJob, ...]:
    """The facilitators' "Participant withdrawn" for ``application`` (as read before it ends),
    ended for ``reason``, if they are to hear of it (the module's rule): none when it did not
    hold a confirmed place."""
    if application.status is not ApplicationStatus.CONFIRMED:
        return ()
    return (
        EmailJob.about(
            EmailKind.FACILITATOR_COPY,
            application.application_id,
            application.course_id,
            occasion=WITHDRAWN,
            reason=reason,
        ),
    )
