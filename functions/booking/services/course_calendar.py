"""The course's own calendar file, for the organisers and facilitators (the console
once offered the roster to download but no calendar; each attendee's sessions reached only their
own email).

One ``.ics`` with every session of the cohort, its follow-ups as the programme holds them, in
the organisers' words and with the joining link (they run the sessions). It is published, not
sent (``METHOD:PUBLISH``, no ATTENDEE): a calendar imports it as events of its own, under UIDs
of the course and session that no attendee's invitation uses, so importing it never touches
what a person was sent, and importing it again after a change replaces the events it put in.
"""

from __future__ import annotations

from booking.domain.course import Course, ScheduledSession
from booking.domain.invitations import CalendarEntry, CalendarMessage
from booking.services.calendars import organizer_of, session_entry
from booking.services.courses import get_course
from booking.services.ports import Ports


def course_calendar(ports: Ports, course_id: str) -> tuple[str, str]:
    """(the file's name, the file): every session of the course, soonest first. NotFound for a
    course nobody defined."""
    course = get_course(ports, course_id)
    message = CalendarMessage(
        name=course.definition.title,
        stamp=ports.clock(),
        sequence=0,
        organizer=organizer_of(ports, course),
        attendees=(),
        published=True,
    )
    entries = [_entry(course, session) for session in course.schedule]
    ics = ports.calendar.calendar(entries, message)
    return f"{course_id}-sessions.ics", ics.decode("utf-8")


def _entry(course: Course, session: ScheduledSession) -> CalendarEntry:
    practice = [f"Home practice: {session.home_practice}"] if session.home_practice else []
    return session_entry(course, session, f"{course.course_id}-{session.key}-organisers", *practice)
