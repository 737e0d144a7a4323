"""A queued "Changed dates" worded, as the mailer sends it, from what the person's calendar
holds then: the cohort's own sessions counted from the TOLD records the mailer
writes as each message goes (``domain.held_sessions.update_as_held``), as a follow-up's change
notice is (``services.follow_ups.worded_as_held``). Two saves before the mailer runs (a date
changed and changed back) leave the first save's message nothing to tell.

A message that put the cohort's sessions in a calendar is checked against the cohort's file
once it went (``check_after_send``): a save made while it was composed and sent (Y saved, then X
again 0.2 s later, the message telling Y) may have had its own "Changed
dates" judged told from the record before this message wrote it; the check queues one more
update, worded as the others are when the mailer reaches it."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from hashlib import sha256
from typing import TYPE_CHECKING

from aws_lambda_powertools import Logger

from booking.domain.application import Application, ApplicationStatus
from booking.domain.course import Course, SessionKind
from booking.domain.emails import EmailJob, EmailKind
from booking.domain.errors import Conflict, DependencyUnavailable
from booking.domain.held_sessions import moved_on, session_about, session_named, update_as_held
from booking.domain.invitations import CalendarEntry, Telling, Told
from booking.domain.programme import person_key
from booking.domain.schedule_changes import ScheduleChanges
from booking.services.concurrency import retried
from booking.services.ports import Ports

if TYPE_CHECKING:
    from booking.services.calendars import CalendarFiles

logger = Logger(child=True)
# How long the record that a person was told of a follow-up event is kept after its start (or
# after the message, for one taken out): while the event may still change.
TOLD_KEPT = timedelta(days=365)


def dates_worded_as_held(
    ports: Ports, job: EmailJob, application: Application, course: Course
) -> EmailJob | None:
    """``job`` as it tells ``application``'s person now, if it is a "Changed dates" of
    ``course`` (the cohort it is sent for); None when it would tell them nothing they do not
    hold. Other messages as they are."""
    if job.kind is not EmailKind.SESSIONS_CHANGED:
        return job
    person = person_key(application.answers.email)
    own = (s.key for s in course.schedule if s.kind is SessionKind.CORE)
    keys = [*own, *job.removed_sessions]
    held: dict[str, Told] = {}
    holds: dict[str, bool] = {}
    for key in dict.fromkeys(keys):
        # The person's own record of the session: one read of one item.
        told = ports.repository.told_to(session_about(course.course_id, key), person)
        if told is not None:
            holds[key], when = told
            if when is not None:
                held[key] = when
    queued = ScheduleChanges(
        changed=job.changed_sessions,
        removed=job.removed_sessions,
        removed_follow_ups=job.removed_follow_ups,
        renamed_only=job.renamed_only,
        relinked=job.relinked,
    )
    link = str(course.definition.joining_url or "")
    now = update_as_held(queued, course.schedule, held, holds, ports.clock(), link=link)
    if now is None:
        return None
    return job.model_copy(
        update={
            "changed_sessions": now.changed,
            "removed_sessions": now.removed,
            "renamed_only": now.renamed_only,
            "relinked": now.relinked,
        }
    )


def check_after_send(
    ports: Ports, job: EmailJob, application: Application, put_in: Iterable[CalendarEntry]
) -> None:
    """After ``job`` put a cohort's sessions (``put_in``) in ``application``'s person's
    calendar, and its record of them was written: if the cohort's file has moved on since
    the message read it, queue a "Changed dates" check of its own id (the save's own update
    may have found nothing to tell from the record before this one, and is done). Read after
    the record was written, so a save the read misses reads that record itself. Best effort:
    the message went, and a failure here must not have it sent again."""
    sent: dict[str, dict[str, Told]] = {}
    for entry in put_in:
        named = session_named(entry.event or "")
        if named is not None and entry.start and entry.end:
            sent.setdefault(named[0], {})[named[1]] = Told(entry.start, entry.end, entry.title)
    try:
        for course_id, told in sent.items():
            _check(ports, job, application, course_id, told)
    except (Conflict, DependencyUnavailable):
        logger.warning("sessions not checked after a send", extra={"job_id": job.job_id})


def _check(
    ports: Ports, job: EmailJob, application: Application, course_id: str, told: dict[str, Told]
) -> None:
    course = ports.repository.get_course(course_id)
    moved = None if course is None else moved_on(told, course.schedule, ports.clock())
    if course is None or moved is None:
        return
    check = EmailJob.sessions_changed(
        application.application_id,
        course_id,
        course.version,
        moved.changed,
        moved.removed,
        (),
        renamed_only=moved.renamed_only,
    )
    # Its own id: the save's own update of this version (maybe done, told) must not swallow it.
    after = sha256(job.job_id.encode()).hexdigest()[:12]
    check = check.model_copy(update={"job_id": f"{check.job_id}:after-{after}"})

    def write(current: Application | None) -> None:
        if current is not None and current.status is ApplicationStatus.CONFIRMED:
            ports.repository.save(current.with_emails(check), current)

    retried(write, lambda: ports.repository.get_application(application.application_id))
    logger.info("sessions moved on while sent", extra={"job_id": check.job_id})


def record_told(
    ports: Ports, application: Application, calendar: CalendarFiles, now: datetime
) -> None:
    """Record the programme's events and the cohort's sessions a message puts in the
    person's calendar (when, as it says) or takes out, before sending it: a change to an event
    reaches whoever was told of it, and a change is counted from what they hold (a failed send
    is retried from the queue, and recorded here at worst brings one more notice)."""
    person = person_key(application.answers.email)
    for entries, holds in ((calendar.put_in, True), (calendar.taken_out, False)):
        for entry in entries:
            assert entry.event is not None
            last = max(now, entry.start or now)
            when = (
                Told(entry.start, entry.end, entry.title, entry.joining_url or "")
                if holds and entry.start and entry.end
                else None
            )
            told = Telling(entry.event, person, holds, when)
            ports.repository.record_told(told, keep_until=last + TOLD_KEPT, now=now)
