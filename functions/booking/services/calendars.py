"""Which calendar file an email carries: the events, their UIDs (``domain.invitations``) and the
SEQUENCE, taken from the person's counter once per message so it only ever grows.

* A confirmation (and a resend) puts every session of the booking in the calendar: the cohort's
  own sessions under the booking's UIDs, its follow-ups under the person's UIDs for the
  programme's events. An update after the organiser changed sessions does the same, and
  cancels the sessions that were removed.
* An invitation to a follow-up event puts that one event in, under the same person's UID; so
  does a notice that the event changed, or takes it out when no cohort lists it any more.
* A cancellation or a refund that ends a booking takes its sessions out again, if they were
  ever put in (its confirmation sent, not skipped: a colleague withdrawn moments after
  applying was never invited), and so does a move, putting the new cohort's in. Either takes
  out every follow-up the person was sent and is no longer down for: one rule,
  ``domain.programme.follow_ups_held``, says which they hold (those another booking of theirs
  lists, and those they were invited to as a graduate and still are one).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

from booking.domain.application import Application
from booking.domain.course import Course, ScheduledSession, SessionKind
from booking.domain.emails import Attachment, EmailJob, EmailKind, Party
from booking.domain.held_sessions import session_about
from booking.domain.invitations import (
    CalendarEntry,
    CalendarMessage,
    booking_session_uid,
    follow_up_uid,
)
from booking.domain.programme import (
    event_about,
    follow_up_events,
    follow_ups_held,
    person_key,
    programme_of,
    told_sessions,
)
from booking.domain.timeline import EntryKind
from booking.services.emails_gone import went_for
from booking.services.ports import Ports

REFUNDS_ENDING_A_BOOKING = frozenset({"refunded", "cancelled_and_refunded"})


@dataclass(frozen=True)
class CalendarFiles:
    """The calendar files one message carries, and the programme's events and the cohort's
    sessions in them (what the mailer records as told to the person when it sends:
    ``AnnouncementLedger``)."""

    attachments: list[Attachment] = field(default_factory=list)
    put_in: list[CalendarEntry] = field(default_factory=list)  # REQUEST
    taken_out: list[CalendarEntry] = field(default_factory=list)  # CANCEL


def calendar_files(
    ports: Ports,
    job: EmailJob,
    application: Application,
    course: Course,
    recipients: Sequence[str],
    *,
    now: datetime,
) -> CalendarFiles:
    if job.to_billing_contact:
        return CalendarFiles()  # the sessions are in the person's calendar, not the payer's
    requested, cancelled = _entries(ports, job, application, course, now)
    if not requested and not cancelled:
        return CalendarFiles()
    organizer = organizer_of(ports, course)
    attendees = [Party(address) for address in recipients]
    sequence = ports.repository.next_calendar_sequence(person_key(application.answers.email))
    attachments = []
    for entries, is_cancel in ((requested, False), (cancelled, True)):
        if entries:
            ics = ports.calendar.calendar(
                entries,
                CalendarMessage(
                    name=_calendar_name(ports, job, course, cancelled=is_cancel),
                    stamp=now,
                    sequence=sequence,
                    organizer=organizer,
                    attendees=attendees,
                    cancelled=is_cancel,
                ),
            )
            method, filename = ("CANCEL", "cancel.ics") if is_cancel else ("REQUEST", "invite.ics")
            attachments.append(Attachment(filename, "text/calendar", ics, {"method": method}))
    return CalendarFiles(
        attachments,
        put_in=[e for e in requested if e.event],
        taken_out=[e for e in cancelled if e.event],
    )


def _calendar_name(ports: Ports, job: EmailJob, course: Course, *, cancelled: bool) -> str:
    """The calendar's name: its course's title; a moved booking's cancel.ics is the old
    cohort's, whose sessions it takes out (and whose ORGANIZER sends it)."""
    if cancelled and job.kind is EmailKind.BOOKING_TRANSFERRED and job.from_course_id:
        left = ports.repository.get_course(job.from_course_id)
        if left is not None:
            return left.definition.title
    return course.definition.title


def organizer_of(ports: Ports, course: Course) -> Party:
    """Calendars match later messages by UID and ORGANIZER: one organiser per course, always
    (its enquiries address, its title as the name)."""
    enquiries = course.definition.enquiries_email
    return Party(str(enquiries) if enquiries else ports.sender_email, course.definition.title)


def event_organizer(ports: Ports, host: Course) -> Party:
    """The ORGANIZER of a programme's follow-up: the service's own address, the same whichever
    cohort hosts the event. Hosts can change (a cohort that starts earlier may be loaded after
    an event was announced), and a calendar ignores an update from another ORGANIZER, so the
    address must not come from the host; the name does (it is only shown)."""
    return Party(ports.sender_email, host.definition.title)


def _entries(
    ports: Ports, job: EmailJob, application: Application, course: Course, now: datetime
) -> tuple[list[CalendarEntry], list[CalendarEntry]]:
    """(entries to put in the calendar, entries to take out) for this message."""
    if job.kind is EmailKind.BOOKING_TRANSFERRED:
        return _moved_booking(ports, job, application, course)
    if job.kind in (EmailKind.BOOKING_CONFIRMED, EmailKind.SESSIONS_CHANGED):
        return _booking_sessions(ports, job, application, course, now)
    if job.kind is EmailKind.FOLLOW_UP_CHANGED and job.removed_follow_ups:
        # The mailer sends it only while no cohort lists the event again.
        return [], [
            _removed(ports, course, application, key, SessionKind.FOLLOW_UP)
            for key in job.removed_follow_ups
        ]
    if job.kind in (EmailKind.FOLLOW_UP_INVITATION, EmailKind.FOLLOW_UP_CHANGED):
        return _follow_up_event(ports, job, application, course), []
    if ends_a_booking(job, application):
        return [], _sessions_held(ports, application, course)
    if job.kind is EmailKind.FOLLOW_UPS_WITHDRAWN:
        return [], follow_ups_withdrawn(ports, application, course)
    return [], []


def _sessions_held(ports: Ports, application: Application, course: Course) -> list[CalendarEntry]:
    """An ended booking's sessions to take out: those of the cohort whose invitation the person
    was last sent (a move whose message never went, the booking ending first, left the
    previous cohort's in their calendar), from that cohort's ORGANIZER, which put them in."""
    cohort = last_invited(ports, application)
    # The booking's own cohort is the one the message comes from.
    held = course if cohort == application.course_id else None
    if cohort is not None and held is None:
        held = ports.repository.get_course(cohort)
    if held is None:
        return []
    organizer = organizer_of(ports, held)
    return [
        entry if entry.organizer else replace(entry, organizer=organizer)
        for entry in _ended_booking(ports, application, held)
    ]


def _booking_sessions(
    ports: Ports, job: EmailJob, application: Application, course: Course, now: datetime
) -> tuple[list[CalendarEntry], list[CalendarEntry]]:
    """A confirmation or an update: every session of the booking in (its follow-ups only for a
    booking that hears of them: ``domain.programme.told_sessions``), the removed ones out."""
    sessions = told_sessions(course, application, course.schedule)
    requested = booking_entries(ports, course, application, sessions)
    if job.kind is EmailKind.SESSIONS_CHANGED:
        # An update says nothing about sessions already past (they are as they were).
        requested = [e for e in requested if e.start is not None and e.start > now]
    removed = [
        _removed(ports, course, application, key, SessionKind.CORE) for key in job.removed_sessions
    ]
    if job.removed_follow_ups:
        # A follow-up another cohort still lists is still the programme's event.
        listed = _programme_follow_up_keys(ports, course)
        removed += [
            _removed(ports, course, application, key, SessionKind.FOLLOW_UP)
            for key in job.removed_follow_ups
            if key not in listed
        ]
    return requested, removed


def _follow_up_event(
    ports: Ports, job: EmailJob, application: Application, course: Course
) -> list[CalendarEntry]:
    """An invitation to a follow-up event, or a notice that it changed: that one event."""
    # ``course`` is the event's host now: its listing is the event as it stands.
    event = next((s for s in course.schedule if s.key == job.session_key), None)
    if event is None:
        return []
    return [hosted_entry(ports, course, application, event)]


def _ended_booking(ports: Ports, application: Application, course: Course) -> list[CalendarEntry]:
    """A booking's sessions to take out, and the follow-ups the person was sent and is no
    longer down for (``_follow_ups_let_go``: one another booking of theirs still lists, or
    they were invited to as its graduate, stays)."""
    core = [s for s in course.schedule if s.kind is SessionKind.CORE]
    return [
        *booking_entries(ports, course, application, core),
        *_follow_ups_let_go(ports, application, course),
    ]


def booking_entries(
    ports: Ports,
    course: Course,
    application: Application,
    sessions: Sequence[ScheduledSession],
) -> list[CalendarEntry]:
    """The cohort's own sessions as the cohort gives them; its follow-ups as their events'
    hosts give them (one entry, one organiser, whichever cohort's message carries it)."""
    events = {}
    if any(s.kind is SessionKind.FOLLOW_UP for s in sessions):
        programme = programme_of(course)
        events = {
            e.key: e
            for e in follow_up_events(
                c for c in ports.repository.list_courses() if programme_of(c) == programme
            )
            if e.programme == programme
        }
    entries = []
    for session in sessions:
        event = events.get(session.key) if session.kind is SessionKind.FOLLOW_UP else None
        if session.kind is SessionKind.CORE:
            entries.append(_entry(course, application, session))
        elif event is None:  # the course is being replaced: it lists the event itself
            entries.append(hosted_entry(ports, course, application, session))
        else:
            entries.append(hosted_entry(ports, event.host, application, event.session))
    return entries


def hosted_entry(
    ports: Ports, host: Course, application: Application, session: ScheduledSession
) -> CalendarEntry:
    """A programme's follow-up as ``host`` lists it, from the service's ORGANIZER, the one a
    calendar matches every later message about it by, whichever cohort's message carries it."""
    return replace(_entry(host, application, session), organizer=event_organizer(ports, host))


def ends_a_booking(job: EmailJob, application: Application) -> bool:
    """Whether ``job`` is the person's message that their booking ended (its sessions out)."""
    if job.kind is EmailKind.CANCELLED:
        # Only a booking (paid, invoiced or funded) ever had its sessions put in a calendar.
        return application.was_booked
    return job.kind is EmailKind.PAYMENT_REFUNDED and job.reason in REFUNDS_ENDING_A_BOOKING


# The messages that put a booking's sessions in the person's calendar.
INVITING = frozenset(
    {EmailKind.BOOKING_CONFIRMED, EmailKind.SESSIONS_CHANGED, EmailKind.BOOKING_TRANSFERRED}
)


def last_invited(ports: Ports, application: Application) -> str | None:
    """The cohort whose sessions were last put in the person's calendar: the latest move's
    whose message went, else the cohort first booked, if its confirmation (or a message that
    invites) went; None when the booking's sessions were never put in (a confirmation the
    mailer skipped, the booking having ended before it was reached, is never claimed)."""
    app_id = application.application_id
    went, history = went_for(ports, application)
    for move in range(len(application.transfers), 0, -1):
        if went(f"{EmailKind.BOOKING_TRANSFERRED.value}:{app_id}:move-{move}"):
            return application.transfers[move - 1].to_course_id
    first = application.transfers[0].from_course_id if application.transfers else None
    first = first or application.course_id
    confirmation = EmailJob.about(EmailKind.BOOKING_CONFIRMED, app_id, first)
    if went(confirmation.job_id) or any(
        entry.kind is EntryKind.EMAIL and entry.email in INVITING for entry in history
    ):
        return first
    return None


def session_entry(course: Course, session: ScheduledSession, uid: str, *more: str) -> CalendarEntry:
    """``session`` of ``course`` as a calendar's event, whoever's calendar it is: the course and
    the session by title, when it runs, and its description (the session's title, where to
    join online, then ``more``)."""
    definition = course.definition
    joining_url = str(definition.joining_url) if definition.joining_url else None
    lines = [session.title]
    if joining_url:
        lines.append(f"Join online: {joining_url}")
    return CalendarEntry(
        uid=uid,
        summary=f"{definition.title}: {session.title}",
        start=session.start,
        end=session.end,
        description="\n".join([*lines, *more]),
        joining_url=joining_url,
    )


def _entry(course: Course, application: Application, session: ScheduledSession) -> CalendarEntry:
    enquiries = course.definition.enquiries_email
    questions = [f"Questions: {enquiries}"] if enquiries else []
    uid = _uid(course, application, session.key, session.kind)
    entry = session_entry(course, session, uid, *questions)
    return replace(entry, event=_event(course, session.key, session.kind), title=session.title)


def _removed(
    ports: Ports, course: Course, application: Application, key: str, kind: SessionKind
) -> CalendarEntry:
    """A session to take out, from the ORGANIZER that put it in (a calendar ignores a CANCEL
    from anyone else): the course's own for its sessions, the service's for a follow-up."""
    return CalendarEntry(
        uid=_uid(course, application, key, kind),
        summary=f"{course.definition.title}: cancelled",
        organizer=event_organizer(ports, course) if kind is SessionKind.FOLLOW_UP else None,
        event=_event(course, key, kind),
    )


def _event(course: Course, key: str, kind: SessionKind) -> str:
    """What sending the entry is recorded as: the programme's event, or the cohort's session."""
    if kind is SessionKind.FOLLOW_UP:
        return event_about(programme_of(course), key)
    return session_about(course.course_id, key)


def _uid(course: Course, application: Application, key: str, kind: SessionKind) -> str:
    if kind is SessionKind.FOLLOW_UP:
        return follow_up_uid(programme_of(course), key, person_key(application.answers.email))
    return booking_session_uid(course.course_id, key, application.application_id)


def _programme_follow_up_keys(ports: Ports, course: Course) -> set[str]:
    programme = programme_of(course)
    return {
        s.key
        for other in ports.repository.list_courses()
        if programme_of(other) == programme
        for s in other.schedule
        if s.kind is SessionKind.FOLLOW_UP
    }


def _moved_booking(
    ports: Ports, job: EmailJob, application: Application, course: Course
) -> tuple[list[CalendarEntry], list[CalendarEntry]]:
    """A booking moved to another cohort: every session of the new cohort in (its follow-ups
    under the person's UIDs, as a confirmation puts them), and out every session they were
    sent and are no longer down for: the old cohort's own sessions, from the ORGANIZER that
    put them in (the old cohort's) under the UIDs the old booking's confirmation gave them,
    and the old programme's follow-ups the person no longer holds (``_follow_ups_let_go``)."""
    if job.from_course_id == course.course_id:
        return [], []  # back on the cohort they hold (``moves_told.as_told``): nothing changes
    sessions = told_sessions(course, application, course.schedule)
    requested = booking_entries(ports, course, application, sessions)
    left = ports.repository.get_course(job.from_course_id) if job.from_course_id else None
    if left is None:
        return requested, []
    organizer = organizer_of(ports, left)
    cancelled = [
        replace(_removed(ports, left, application, s.key, SessionKind.CORE), organizer=organizer)
        for s in left.schedule
        if s.kind is SessionKind.CORE
    ]
    return requested, cancelled + _follow_ups_let_go(ports, application, left)


def follow_ups_withdrawn(
    ports: Ports, application: Application, course: Course
) -> list[CalendarEntry]:
    """A non-completer's follow-ups to take out as their register closes: those
    their calendar holds (the TOLD record, each event as it is now, under the UIDs their
    confirmation gave it) and no booking of theirs keeps them down for."""
    person = person_key(application.answers.email)
    return [
        entry
        for entry in _follow_ups_let_go(ports, application, course)
        if entry.event and ports.repository.told_of(entry.event).get(person)
    ]


def _follow_ups_let_go(ports: Ports, application: Application, left: Course) -> list[CalendarEntry]:
    """The follow-ups of ``left``'s programme the person was sent (the cohort they left lists
    them, or the ledger has them holding them: an invitation, a change notice) and is no longer
    down for, their bookings as they are now (``domain.programme.follow_ups_held``): one they
    still hold by another booking, or by an invitation as a graduate, stays."""
    programme = programme_of(left)
    cohorts = {
        c.course_id: c for c in ports.repository.list_courses() if programme_of(c) == programme
    }
    cohorts[left.course_id] = left  # as the message reads it
    events = follow_up_events(cohorts.values())
    person = person_key(application.answers.email)
    listed = {s.key for s in left.schedule if s.kind is SessionKind.FOLLOW_UP}
    sent = [e for e in events if e.key in listed or ports.repository.told_of(e.about).get(person)]
    if not sent:
        return []
    invited = {
        e.key
        for e in sent
        if any(m.recipient == person for m in ports.repository.invitations_to(e.about))
    }
    current = {
        other.application_id: other
        for other in ports.repository.applications_of_person(application.answers.email)
    }
    current[application.application_id] = application
    bookings = [(cohorts[a.course_id], a) for a in current.values() if a.course_id in cohorts]
    held = follow_ups_held(person, events, bookings, invited=invited)
    let_go = [e.session for e in sent if e.key not in held]
    return booking_entries(ports, left, application, let_go) if let_go else []
