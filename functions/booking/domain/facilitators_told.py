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
. Decided when the withdrawal is sent, from the move's copies the mailer took up:
by then every one of them was either taken up or is skipped (the booking has ended).

Told once: the job is keyed by its occasion ("withdrawn"), the same whichever act ends the
booking, and the act that ends it leaves it no longer confirmed, so whichever comes second (the
refund's event after a cancellation that asked for it) finds nothing to tell.

An erasure ends nothing (the booking stays, anonymised), but every list the application was
sent to still holds it in its mailboxes: each is asked to delete it (``delete_your_copy``), at
the addresses its copies went to, as recorded when each was sent (``CopySent``), never the
cohort's list as it is at the erasure (organisers change a course's facilitators)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from booking.domain.application import Application
from booking.domain.emails import MOVED_IN, MOVED_OUT, EmailJob, EmailKind
from booking.domain.statuses import ApplicationStatus
from booking.domain.transfer_record import TransferRecord

# Why an ordinary booking ended, as the facilitators' copy says it
# (``services.email_context.WITHDRAWN_FROM_GROUP`` holds the words of these and of a group
# colleague's reasons): the organisers cancelled it, or its payment came back in full.
CANCELLED_BY_ORGANISERS = "cancelled_by_organisers"
REFUNDED_IN_FULL = "booking_refunded"
# The occasion of the facilitators' "Participant withdrawn" (one per booking).
WITHDRAWN = "withdrawn"
# The occasion of the facilitators' "New booking": the place is booked (paid, or nothing to pay).
BOOKED = "booked"
_COPY = EmailKind.FACILITATOR_COPY
# The facilitators' own messages (a copy, a request to delete one, a dispute of an erased
# person's payment): to their addresses, linking the console.
TO_FACILITATORS = (
    EmailKind.FACILITATOR_COPY,
    EmailKind.DELETE_YOUR_COPY,
    EmailKind.ERASED_DISPUTED,
)


# The occasions of the facilitators' copies that first tell the cohort booked of the person:
# the application to review (a course that asks for approval), and the booking.
_FIRST_COPIES = ("", BOOKED)
# The occasion of each of a move's two copies, before the move's number.
_MOVE_COPY_OCCASIONS = {MOVED_IN: "moved-in", MOVED_OUT: "moved-out"}


def _move_copy(reason: str, application_id: str, course_id: str, move: int) -> EmailJob:
    """The facilitators' copy of a booking's ``move``-th move to the cohort ``course_id``,
    saying the person moved in or out (``reason``): one per cohort per move."""
    return EmailJob.about(
        EmailKind.FACILITATOR_COPY,
        application_id,
        course_id,
        occasion=f"{_MOVE_COPY_OCCASIONS[reason]}-{move}",
        reason=reason,
        move=move,
    )


def moved_in_copy(application_id: str, to_course_id: str, move: int) -> EmailJob:
    """The new cohort's facilitators' copy of a booking's ``move``-th move: the message that
    puts the person on that cohort's list."""
    return _move_copy(MOVED_IN, application_id, to_course_id, move)


def move_of_copy(application: Application, job: EmailJob) -> TransferRecord | None:
    """The move a move's facilitators' copy (``job``) is about, as the booking records it;
    None for any other copy (or a move not on its record)."""
    moves = application.transfers
    if job.move is None or not 0 < job.move <= len(moves):
        return None
    return moves[job.move - 1]


def told_once_of_a_move(
    job: EmailJob, addresses: Sequence[str], new_cohorts_list: Sequence[str]
) -> list[str]:
    """Whom a move's facilitators' copy goes to (``addresses``: its cohort's list) so that
    nobody hears of one move twice: a facilitator of both cohorts (on ``new_cohorts_list``
    too, the list the move's "moved to your cohort" goes to) gets that one, which says where the
    person came from as well, and not the old cohort's "moved away". Every other message goes
    to ``addresses`` as they are."""
    if job.kind is not EmailKind.FACILITATOR_COPY or job.reason != MOVED_OUT:
        return list(addresses)
    told_on_arrival = {address.lower() for address in new_cohorts_list}
    return [address for address in addresses if address.lower() not in told_on_arrival]


def is_withdrawal(job: EmailJob) -> bool:
    """Whether ``job`` is the facilitators' "Participant withdrawn"."""
    return job.kind is EmailKind.FACILITATOR_COPY and job.occasion == WITHDRAWN


def moved_out_copy(application_id: str, from_course_id: str, move: int) -> EmailJob:
    """The old cohort's facilitators' copy of a booking's ``move``-th move: the message that
    takes the person off that cohort's list."""
    return _move_copy(MOVED_OUT, application_id, from_course_id, move)


def lists_holding(application: Application, went: Callable[[str], bool]) -> list[str]:
    """The cohorts whose facilitators' lists have the person, as the copies that ``went`` (the
    mailer took them up) told them, the latest put on last: the cohort first booked, sent the
    booking as it became one; each move's "moved away" that went takes them off its cohort's
    list, each "moved to your cohort" that went puts them on its cohort's (a
    move's two copies may be judged either side of a later move, so the lists are read from
    what each was sent, not from the moves)."""
    app_id = application.application_id
    moves = application.transfers
    holding = [moves[0].from_course_id if moves else application.course_id]
    for number, move in enumerate(moves, start=1):
        if move.from_course_id in holding and went(
            moved_out_copy(app_id, move.from_course_id, number).job_id
        ):
            holding.remove(move.from_course_id)
        if move.to_course_id not in holding and went(
            moved_in_copy(app_id, move.to_course_id, number).job_id
        ):
            holding.append(move.to_course_id)
    return holding


def copies_sent(application: Application, went: Callable[[str], bool]) -> list[tuple[str, str]]:
    """Every facilitators' copy of the application that ``went``, by its job id, with the
    cohort whose list it went to: the cohort first booked, if its copy went (the application to
    review, or the booking); each move's "moved away" to the cohort left and "moved to your
    cohort" to the new one; the "Participant withdrawn" to the cohort whose list had the person
    (``roster_holding``). Each message names the person, so every list it went to holds
    something of them."""
    app_id = application.application_id
    moves = application.transfers
    first = moves[0].from_course_id if moves else application.course_id
    sent = [
        (job_id, first)
        for job_id in (application.email(_COPY, occasion=o).job_id for o in _FIRST_COPIES)
        if went(job_id)
    ]
    for number, move in enumerate(moves, start=1):
        for copy in (
            moved_out_copy(app_id, move.from_course_id, number),
            moved_in_copy(app_id, move.to_course_id, number),
        ):
            if went(copy.job_id):
                sent.append((copy.job_id, copy.course_id))
    withdrawn = application.email(_COPY, occasion=WITHDRAWN).job_id
    if went(withdrawn):
        sent.append((withdrawn, roster_holding(application, went)))
    return sent


def lists_sent(application: Application, went: Callable[[str], bool]) -> list[str]:
    """Every cohort whose facilitators were sent the person's application, as the copies that
    ``went`` say (``copies_sent``), once each, the first sent first. A list told that the person
    moved away still holds what it was sent, so it stays on (unlike ``lists_holding``); a "moved
    away" goes only to a list that had the person, so it adds no list of its own."""
    return list(dict.fromkeys(cohort for _, cohort in copies_sent(application, went)))


@dataclass(frozen=True)
class CopySent:
    """Whom one facilitators' copy of an application went to, recorded as the mailer sends it
    (``services.facilitators_copies``): the job sent, the cohort whose list it went to, and
    that list's addresses as they were then (work addresses, not the applicant's data)."""

    job_id: str
    course_id: str
    to: tuple[str, ...]


def delete_your_copy(application: Application, went: Callable[[str], bool]) -> tuple[EmailJob, ...]:
    """What an erasure of ``application`` (as read before it) asks of the facilitators (UK
    GDPR Article 19: each recipient of the data is told of its erasure): one message to each
    cohort's list sent the application (``lists_sent``), to delete what they hold about it,
    found by its reference; the mailer addresses it to exactly the addresses that cohort's
    copies went to (``services.facilitators_copies.copies_held``). Keyed by the cohort, so each
    list is asked once however often the erasure is repeated; nothing to a list never sent a
    copy."""
    app_id = application.application_id
    return tuple(
        EmailJob.about(EmailKind.DELETE_YOUR_COPY, app_id, cohort, occasion=cohort)
        for cohort in lists_sent(application, went)
    )


# What a request to delete says it is for (its ``reason``, and its occasion's prefix): the
# manager who booked the person's place was erased, not the person (``ask_of_managers_lists``).
MANAGER_ERASED = "manager_erased"


def managers_name_asked(job_id: str | None) -> bool:
    """Whether a job (by its id) is a request to delete the copies that named an erased
    manager (its occasion, last in the id, says so)."""
    return (job_id or "").rsplit(":", 1)[-1].startswith(f"{MANAGER_ERASED}-")


def ask_of_managers_lists(
    application: Application, went: Callable[[str], bool]
) -> tuple[EmailJob, ...]:
    """What the erasure of the manager who booked ``application``'s place (a group colleague's)
    asks of the facilitators: every copy of it they were sent named the manager ("booked and
    paid for by <manager> of <organisation>"), so each list sent it (``lists_sent``) is asked to
    delete those emails, by the application's reference (UK GDPR Article 19, as for the
    person's own erasure). The booking stands: the console has it. Keyed by the cohort, so each
    list is asked once for each booking, however often the erasure is repeated."""
    app_id = application.application_id
    return tuple(
        EmailJob.about(
            EmailKind.DELETE_YOUR_COPY,
            app_id,
            cohort,
            occasion=f"{MANAGER_ERASED}-{cohort}",
            reason=MANAGER_ERASED,
        )
        for cohort in lists_sent(application, went)
    )


def roster_holding(application: Application, went: Callable[[str], bool]) -> str:
    """The cohort whose facilitators' list has the person (the module's rule): the cohort held,
    if its list has them, else the list they were last put on (``lists_holding``); the cohort
    held if none has them (a move's copies still going)."""
    holding = lists_holding(application, went)
    if application.course_id in holding or not holding:
        return application.course_id
    return holding[-1]


def copy_tells(job: EmailJob, application: Application, went: Callable[[str], bool]) -> bool:
    """Whether a move's facilitators' copy tells its cohort anything as it goes: each list is told
    only what changes it, judged against what it was sent
    (``lists_holding``) and the cohort held now. "Moved to your cohort" only to the cohort
    held, and only if its list does not have the person; "moved away" only to a cohort not
    held whose list has them. Moved away and back before the mailer ran, nobody hears; a
    list that heard the person leave hears them come back, and one that heard them arrive
    hears them leave, whichever side of the later move each copy went."""
    if job.move is None:
        return True
    holding = lists_holding(application, went)
    held = application.course_id
    if job.reason == MOVED_IN:
        return job.course_id == held and held not in holding
    return job.course_id != held and job.course_id in holding


def facilitators_reached(application: Application, addresses: Sequence[str]) -> bool:
    """Whether a facilitators' message about ``application`` reaches anyone, as the mailer
    sends it (``addresses``: its cohort's facilitators'): none goes about an erased person (only
    a request to delete a copy they hold), nor to a cohort with no facilitators (the cancel's page
    said they were told)."""
    return not application.is_erased and bool(addresses)


def facilitators_told_it_ended(application: Application, reason: str) -> tuple[EmailJob, ...]:
    """The facilitators' "Participant withdrawn" for ``application`` (as read before it ends),
    ended for ``reason``, if they are to hear of it (the module's rule): none when it did not
    hold a confirmed place."""
    if application.status is not ApplicationStatus.CONFIRMED:
        return ()
    return (
        application.email(
            EmailKind.FACILITATOR_COPY,
            occasion=WITHDRAWN,
            reason=reason,
        ),
    )
