"""Whom a replacement of a cohort's file emails, decided once, here: its own attendees ("Changed
dates", with the programme's changed follow-ups in it) and everyone else holding a follow-up
it changed (``services.follow_ups``). The save carries these messages out; the course's form
counts them before a save by running the same decision on the widest change of dates
(``services.courses.date_change_emails``), so what it warns of is what a save sends."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from aws_lambda_powertools import Logger

from booking.domain.application import Application
from booking.domain.course import Course, ScheduledSession, SessionKind
from booking.domain.dates_changed import (
    carried_by_dates,
    changed_dates,
    dates_told,
    hears_of_changes,
)
from booking.domain.emails import EmailJob
from booking.domain.errors import Conflict
from booking.domain.held_sessions import dates_as_held, session_about
from booking.domain.programme import EventChange, event_changes, follow_up_events, person_key
from booking.domain.schedule_changes import ScheduleChanges, schedule_changes
from booking.services.concurrency import retried
from booking.services.follow_ups import change_announcements
from booking.services.ports import Ports

logger = Logger(child=True)

Message = tuple[Application, EmailJob]


def save_messages(
    ports: Ports, previous: Course | None, course: Course, others: Sequence[Course], now: datetime
) -> tuple[list[Message], list[EventChange], ScheduleChanges]:
    """Every message replacing ``previous`` by ``course`` decides (``others``: every other
    course, as read for the save), with what it changed in the programme's follow-ups and in
    the cohort's own list."""
    before = [*others, previous] if previous else list(others)
    after = [*others, course]
    changes = event_changes(follow_up_events(before), follow_up_events(after), now)
    own = (
        schedule_changes(previous.definition, course.definition, now)
        if previous
        else ScheduleChanges()
    )
    held = previous.schedule if previous else []
    return change_messages(ports, course, own, changes, after=after, before=held), changes, own


def change_messages(
    ports: Ports,
    course: Course,
    own: ScheduleChanges,
    changes: Sequence[EventChange],
    *,
    after: Sequence[Course],
    before: Sequence[ScheduledSession] = (),
) -> list[Message]:
    """What a replacement of ``course``'s file tells, one message a person: its confirmed
    attendees the new dates when their own sessions changed or the file began listing a
    follow-up (with the programme's changed follow-ups in it), and everyone else holding a
    changed follow-up of the programme (whoever was sent it) that follow-up's change.
    ``before``: the cohort's sessions before the save. Each message is named by the course
    version that made the change."""
    told: set[str] = set()
    carried: set[str] = set()
    messages: list[Message] = []
    dates = changed_dates(course, own, changes)
    if dates:
        messages = attendee_messages(ports, course, dates, before)
        told = {person_key(application.answers.email) for application, _ in messages}
        carried = carried_by_dates(course, dates, changes)
    return messages + change_announcements(
        ports,
        changes,
        after=after,
        change=f"{course.course_id}-v{course.version}",
        told=told,
        carried=carried,
    )


def tell_of_changes(
    ports: Ports, course: Course, messages: Sequence[Message], changes: Sequence[EventChange]
) -> int:
    """``messages`` (``change_messages``) written, each with the person's booking. Returns
    how many people were told (``people``)."""
    told = people([(a, job) for a, job in messages if _tell_safely(ports, a, job)])
    if changes:
        logger.info(
            "follow-ups changed",
            extra={
                "course_id": course.course_id,
                "events": [f"{c.event.key}:{c.what}" for c in changes],
                "people_told": told,
            },
        )
    return told


def people(messages: Sequence[Message]) -> int:
    """How many people ``messages`` go to (one may hear of several follow-ups, each its own
    message)."""
    return len({person_key(application.answers.email) for application, _ in messages})


def attendee_messages(
    ports: Ports,
    course: Course,
    dates: ScheduleChanges,
    before: Sequence[ScheduledSession] = (),
) -> list[Message]:
    """Every confirmed attendee with an address (``hears_of_changes``) gets the new dates and
    an updated calendar entry, once per version of the course (the job id names it): what
    changed counted from the sessions their calendar was last sent
    (``domain.held_sessions.dates_as_held``), or as the file changed when it holds them as
    they are now (the mailer then finds nothing to tell, unless a message sent meanwhile put
    the save before in their calendar)."""
    now = ports.clock()
    sessions = [s for s in course.schedule if s.kind is SessionKind.CORE]
    sent = {
        s.key: ports.repository.told_when(session_about(course.course_id, s.key)) for s in sessions
    }
    messages: list[Message] = []
    for application in ports.repository.list_applications(course.course_id):
        if not hears_of_changes(application):
            continue
        person = person_key(application.answers.email)
        held = {key: spans[person] for key, spans in sent.items() if person in spans}
        theirs = dates_told(course, application, dates)
        # Queued whenever the file changed what they may hold, even back to where the record
        # says their calendar holds it: a message being sent right now may be putting the
        # save before in it. The mailer words it, or finds nothing to tell,
        # against the calendar as held when it sends (``services.sessions_told``).
        changes = dates_as_held(theirs, before, course.schedule, held, now) or theirs
        if not changes:
            continue
        job = EmailJob.sessions_changed(
            application.application_id,
            course.course_id,
            course.version,
            (*changes.changed, *changes.added),
            changes.removed,
            changes.removed_follow_ups,
            renamed_only=changes.renamed_only,
            relinked=changes.relinked,
        )
        messages.append((application, job))
    return messages


def _tell_safely(ports: Ports, application: Application, job: EmailJob) -> bool:
    try:
        return _tell(ports, application, job)
    except Conflict:
        # Kept changing under us: logged; a resent confirmation carries the current dates.
        logger.warning(
            "person not told of changed sessions",
            extra={"application_id": application.application_id, "job_id": job.job_id},
        )
        return False


def _tell(ports: Ports, application: Application, job: EmailJob) -> bool:
    first: Application | None = application

    def write(current: Application | None) -> bool:
        if current is None or not hears_of_changes(current):
            return False
        ports.repository.save(current.with_emails(job), current)
        return True

    return retried(
        write,
        lambda: ports.repository.get_application(application.application_id),
        first=first,
    )
