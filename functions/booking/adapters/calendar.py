"""The ``.ics`` attached to confirmations and follow-up invitations (RFC 5545, via icalendar).

Times are written as UTC instants (``DTSTART:20250602T140000Z``): every calendar client shows
them in the reader's own zone, and there is no VTIMEZONE block to get wrong across the clock
change. Each session's UID is stable (``<course_id>-s<index>@<domain>``) and SEQUENCE is the
course's version, so a corrected course sent again replaces the events instead of duplicating
them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from icalendar import Calendar, Event

from booking.domain.course import Course, ScheduledSession

PRODID = "-//Compassionate Leadership bookings//EN"


def session_uid(course_id: str, session: ScheduledSession, domain: str) -> str:
    return f"{course_id}-s{session.index}@{domain}"


def course_calendar(
    course: Course,
    sessions: Sequence[ScheduledSession],
    *,
    domain: str,
    stamp: datetime,
    joining_url: str | None,
    cancelled: bool = False,
) -> bytes:
    """One VCALENDAR (METHOD:PUBLISH) with one VEVENT per session; with ``cancelled``, the
    same UIDs with METHOD:CANCEL and a higher SEQUENCE, so calendars remove the events."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    # PUBLISH, not REQUEST: these are events to add, not a meeting the reader must answer.
    calendar.add("method", "CANCEL" if cancelled else "PUBLISH")
    calendar.add("x-wr-calname", course.definition.title)
    for session in sessions:
        event = Event()
        event.add("uid", session_uid(course.course_id, session, domain))
        event.add("sequence", course.version + (1 if cancelled else 0))
        event.add("dtstamp", stamp)
        event.add("dtstart", session.start)
        event.add("dtend", session.end)
        event.add("summary", f"{course.definition.title}: {session.title}")
        lines = [session.title]
        if joining_url:
            lines.append(f"Join online: {joining_url}")
            event.add("location", joining_url)
            event.add("url", joining_url)
        if course.definition.enquiries_email:
            lines.append(f"Questions: {course.definition.enquiries_email}")
        event.add("description", "\n".join(lines))
        event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
        event.add("transp", "OPAQUE")
        calendar.add_component(event)
    return bytes(calendar.to_ical())


class IcsCalendarWriter:
    """The ``CalendarWriter`` port: UIDs on ``domain`` (stable per deployment)."""

    def __init__(self, domain: str) -> None:
        self._domain = domain

    def calendar(
        self,
        course: Course,
        sessions: Sequence[ScheduledSession],
        *,
        stamp: datetime,
        joining_url: str | None,
        cancelled: bool = False,
    ) -> bytes:
        return course_calendar(
            course,
            sessions,
            domain=self._domain,
            stamp=stamp,
            joining_url=joining_url,
            cancelled=cancelled,
        )
