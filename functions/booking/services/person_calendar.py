"""The person's own calendar file, from their status page: the sessions of their booking and the
follow-ups they were invited to, to add to their calendar again (the emails carried them, and
a lost or deleted email left no way back to them).

The same events as the emails put in, under the same UIDs and from the same ORGANIZERs
(``services.calendars``), so importing it updates what the person's calendar holds rather than
adding a second copy; published (``METHOD:PUBLISH``, no ATTENDEE: nothing of the person beyond
what their page shows), with the SEQUENCE of the last message they were sent. Guarded by the
application's token, as the status page is.
"""

from __future__ import annotations

from urllib.parse import quote

from booking.domain.application import Application, ApplicationStatus
from booking.domain.course import Course, ScheduledSession
from booking.domain.errors import Conflict
from booking.domain.invitations import CalendarEntry, CalendarMessage
from booking.domain.links import with_query
from booking.domain.programme import (
    FollowUpEvent,
    follow_up_events,
    follow_ups_held,
    person_key,
    programme_of,
    told_sessions,
)
from booking.services.access import authorised, existing_course
from booking.services.calendars import booking_entries, hosted_entry, organizer_of
from booking.services.ports import Ports

NOTHING_TO_ADD = (
    "there are no sessions to add to a calendar yet: they come once the place is booked"
)


def persons_calendar(ports: Ports, application_id: str, token: str) -> tuple[str, bytes]:
    """(the file's name, the file) for the holder of the application's token: NotFound for a
    wrong id or token (the status page's one rule), Conflict when it holds no session (a place
    not booked, and no follow-up invitation)."""
    application = authorised(ports, application_id, token)
    course = existing_course(ports, application.course_id)
    entries = calendar_entries(ports, application, course)
    if not entries:
        raise Conflict(NOTHING_TO_ADD)
    message = CalendarMessage(
        name=course.definition.title,
        stamp=ports.clock(),
        sequence=ports.repository.calendar_sequence(person_key(application.answers.email)),
        organizer=organizer_of(ports, course),
        attendees=(),
        published=True,
    )
    return f"{course.course_id}-sessions.ics", ports.calendar.calendar(entries, message)


def calendar_url(ports: Ports, application_id: str, token: str) -> str:
    """Where the status page's *Add to your calendar* downloads the file; "" when it would hold
    nothing (the page offers no link then)."""
    application = ports.repository.get_application(application_id)
    course = ports.repository.get_course(application.course_id) if application else None
    if application is None or course is None or not calendar_entries(ports, application, course):
        return ""
    address = f"{ports.public_base_url}/applications/{quote(application_id)}/calendar.ics"
    return with_query(address, {"token": token})


def calendar_entries(ports: Ports, application: Application, course: Course) -> list[CalendarEntry]:
    """What the emails put in the person's calendar and it still holds: a booked place's
    sessions as its confirmation gives them (its follow-ups only for a booking that hears of
    them), and the programme's follow-ups they were invited to as a graduate and still are
    one, each once."""
    if application.is_erased:
        return []
    entries = []
    if application.status is ApplicationStatus.CONFIRMED:
        sessions = told_sessions(course, application, course.schedule)
        entries = booking_entries(ports, course, application, sessions)
    taken = {entry.uid for entry in entries}
    for host, session in _invited_follow_ups(ports, application, course):
        entry = hosted_entry(ports, host, application, session)
        if entry.uid not in taken:
            entries.append(entry)
            taken.add(entry.uid)
    return entries


def _invited_follow_ups(
    ports: Ports, application: Application, course: Course
) -> list[tuple[Course, ScheduledSession]]:
    """The follow-ups of the course's programme the person was invited to and is still down
    for (``domain.programme.follow_ups_held``), each as its host lists it now."""
    cohorts = _cohorts_of(ports, course)
    events = follow_up_events(cohorts.values())
    person = person_key(application.answers.email)
    invited = {e.key for e in events if _invited(ports, e, person)}
    if not invited:
        return []
    theirs = [
        (cohorts[a.course_id], a) for a in _theirs(ports, application) if a.course_id in cohorts
    ]
    held = follow_ups_held(person, events, theirs, invited=invited) & invited
    return [(e.host, e.session) for e in events if e.key in held]


def _cohorts_of(ports: Ports, course: Course) -> dict[str, Course]:
    """Every cohort of the course's programme by id, ``course`` as it is read here."""
    programme = programme_of(course)
    cohorts = {
        c.course_id: c for c in ports.repository.list_courses() if programme_of(c) == programme
    }
    cohorts[course.course_id] = course
    return cohorts


def _invited(ports: Ports, event: FollowUpEvent, person: str) -> bool:
    return any(m.recipient == person for m in ports.repository.invitations_to(event.about))


def _theirs(ports: Ports, application: Application) -> list[Application]:
    """Every application of the person, ``application`` as it is read here."""
    found = {
        other.application_id: other
        for other in ports.repository.applications_of_person(application.answers.email)
    }
    found[application.application_id] = application
    return list(found.values())
