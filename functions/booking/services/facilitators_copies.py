"""Which addresses hold a copy of an application: the one answer for whom an erasure asks to
delete it (UK GDPR Article 19: each recipient of the data is told of its erasure).

A facilitators' copy goes to its cohort's list as it is when the mailer sends it; organisers may
change a course's facilitators afterwards, so the list as it is at the erasure is not who holds
the copy (the new facilitators were asked to delete what they never got, and the
ones who got it were never asked; with the list emptied, nobody was). So the mailer records the
addresses each copy went to (``record_copy``, with the application's history: facilitators'
work addresses, not the applicant's data; never in logs) before it calls SES, and an erasure's
request to delete goes to exactly those (``copies_held``): the booking's copy, a move's "moved
away" and "moved to your cohort", the "Participant withdrawn", each to whoever it reached.

A copy sent before these records were kept has none: its cohort's list as it is now is asked
in its place, as before (the best there is; README, *Data protection*). A copy whose record
could not be written is taken the same way.
"""

from __future__ import annotations

from collections.abc import Iterable

from booking.domain.application import Application
from booking.domain.course import Course
from booking.domain.emails import MOVED_OUT, EmailJob, EmailKind, OutgoingEmail
from booking.domain.facilitators_told import (
    CopySent,
    copies_sent,
    copy_tells,
    facilitators_reached,
    move_of_copy,
    moved_in_copy,
    told_once_of_a_move,
)
from booking.services.emails_gone import went_for
from booking.services.ports import Ports
from booking.services.suppression import still_mailed


def facilitators_mailed(ports: Ports, application: Application, course: Course) -> list[str]:
    """Whom a facilitators' message about ``application`` goes to, as the mailer sends it:
    ``course``'s facilitators whose address is still mailed (not bounced or marked as spam),
    none about an erased person (``facilitators_told.facilitators_reached``). The mailer sends
    to these, and a confirmation page promises the facilitators are told only when there are
    any (one rule: a page once said they were told where there was nobody to tell)."""
    addresses = course.definition.facilitator_addresses()
    mailed = still_mailed(ports, addresses)
    return mailed if facilitators_reached(application, mailed) else []


def copy_mailed(ports: Ports, job: EmailJob, application: Application, course: Course) -> list[str]:
    """Whom a facilitators' copy about ``application`` goes to, as the mailer sends it: those
    ``facilitators_mailed`` on ``course``, less, for a move's "moved away", those on the new
    cohort's "moved to your cohort" too: those it went to, or, still to go, that cohort's
    list now. It tells them of the move, from and to, once
    (``facilitators_told.told_once_of_a_move``); one added to the new cohort after it went
    hears of the move here."""
    mailed = facilitators_mailed(ports, application, course)
    move = move_of_copy(application, job)
    if move is None or job.reason != MOVED_OUT or not mailed:
        return mailed
    arrival = moved_in_copy(application.application_id, move.to_course_id, job.move or 0)
    went = went_for(ports, application)[0]
    if went(arrival.job_id):
        told = _went_to(ports, application, arrival.job_id, move.to_course_id)
    elif copy_tells(arrival, application, went):
        told = _list_now(ports, move.to_course_id)
    else:
        return mailed
    return told_once_of_a_move(job, mailed, told)


def _went_to(ports: Ports, application: Application, job_id: str, course_id: str) -> list[str]:
    """Whom the copy ``job_id``, gone, went to as recorded (``record_copy``); its cohort's
    list now for one that went before the records were kept."""
    recorded = ports.repository.recorded_copies(application.application_id)
    sent = next((copy.to for copy in recorded if copy.job_id == job_id), None)
    return _list_now(ports, course_id) if sent is None else list(sent)


def record_copy(ports: Ports, job: EmailJob, course: Course, message: OutgoingEmail) -> None:
    """Keep whom a facilitators' copy is about to go to (the cohort ``course``, the addresses
    ``message`` is sent to), just before SES is called: from then on the copy may have gone.
    Nothing for any other message."""
    if job.kind is EmailKind.FACILITATOR_COPY:
        copy = CopySent(job_id=job.job_id, course_id=course.course_id, to=tuple(message.to))
        ports.repository.record_copy(job.application_id, copy)


def copies_held(ports: Ports, application: Application) -> dict[str, tuple[str, ...]]:
    """Which addresses hold a copy of ``application``, by the cohort whose list each copy went
    to: the addresses recorded for every copy that went (``emails_gone.went_for``); for one
    that went with nothing recorded (sent before the records were kept), the cohort's list as
    it is now. A cohort nobody holds a copy for is not named."""
    went = went_for(ports, application)[0]
    recorded = {c.job_id: c for c in ports.repository.recorded_copies(application.application_id)}
    held: dict[str, set[str]] = {}
    for job_id, cohort in copies_sent(application, went):
        copy = recorded.pop(job_id, None)
        if copy is not None:
            held.setdefault(copy.course_id, set()).update(copy.to)
        else:
            held.setdefault(cohort, set()).update(_list_now(ports, cohort))
    for copy in recorded.values():  # any other copy of it that went
        if went(copy.job_id):
            held.setdefault(copy.course_id, set()).update(copy.to)
    return {cohort: tuple(sorted(addresses)) for cohort, addresses in held.items() if addresses}


def _list_now(ports: Ports, course_id: str) -> list[str]:
    course = ports.repository.get_course(course_id)
    return [] if course is None else course.definition.facilitator_addresses()


def addresses_asked(ports: Ports, application: Application, asked: Iterable[EmailJob]) -> int:
    """At how many addresses ``asked`` (an erasure's requests to delete ``application``, one
    per cohort) ask, as the mailer sends each: to whoever that cohort's copies went to."""
    held = copies_held(ports, application)
    return sum(len(held.get(job.course_id, ())) for job in asked)
