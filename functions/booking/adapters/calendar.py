"""The ``.ics`` sent with confirmations, invitations and cancellations (RFC 5545/5546, icalendar).

An iTIP message (RFC 5546): ``METHOD:REQUEST`` puts the sessions in the attendee's calendar,
``METHOD:CANCEL`` takes them out. Calendars (Outlook, Google, Apple) match a cancellation to the
events they hold by UID and ORGANIZER and ignore it unless its SEQUENCE is higher, so:

* every VEVENT names the ORGANIZER (the course's enquiries address, the course's name as CN) and
  the ATTENDEE (the person the email goes to), both required by RFC 5546 for REQUEST and CANCEL;
* each session's UID is stable (``<course_id>-s<index>@<domain>``): the cancellation carries the
  same UIDs, ``STATUS:CANCELLED`` and a SEQUENCE one higher than the invitation's.

Times are UTC instants (``DTSTART:20250602T140000Z``): every client shows them in the reader's
own zone, with no VTIMEZONE block to get wrong across the clock change.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from icalendar import Calendar, Event, vCalAddress, vText

from booking.domain.course import Course, ScheduledSession
from booking.domain.emails import Party

PRODID = "-//Compassionate Leadership bookings//EN"
REQUEST, CANCEL = "REQUEST", "CANCEL"


def session_uid(course_id: str, session: ScheduledSession, domain: str) -> str:
    return f"{course_id}-s{session.index}@{domain}"


def _address(party: Party, **params: str) -> vCalAddress:
    address = vCalAddress(f"mailto:{party.email}")
    if party.name:
        address.params["CN"] = vText(party.name)
    for key, value in params.items():
        address.params[key] = vText(value)
    return address


def course_calendar(
    course: Course,
    sessions: Sequence[ScheduledSession],
    *,
    domain: str,
    stamp: datetime,
    joining_url: str | None,
    organizer: Party,
    attendees: Sequence[Party],
    cancelled: bool = False,
) -> bytes:
    """One VCALENDAR with one VEVENT per session: ``METHOD:REQUEST``, or with ``cancelled`` the
    same UIDs as ``METHOD:CANCEL`` with a higher SEQUENCE, so calendars remove the events."""
    if not attendees:
        raise ValueError("an iTIP REQUEST or CANCEL needs at least one attendee")
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", CANCEL if cancelled else REQUEST)
    calendar.add("x-wr-calname", course.definition.title)
    for session in sessions:
        event = Event()
        event.add("uid", session_uid(course.course_id, session, domain))
        event.add("sequence", course.version + (1 if cancelled else 0))
        event.add("dtstamp", stamp)
        event.add("dtstart", session.start)
        event.add("dtend", session.end)
        event.add("summary", f"{course.definition.title}: {session.title}")
        event.add("organizer", _address(organizer))
        for attendee in attendees:
            # They booked and paid: the place is theirs, no reply is asked for.
            event.add(
                "attendee",
                _address(attendee, ROLE="REQ-PARTICIPANT", PARTSTAT="ACCEPTED", RSVP="FALSE"),
            )
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
        organizer: Party,
        attendees: Sequence[Party],
        cancelled: bool = False,
    ) -> bytes:
        return course_calendar(
            course,
            sessions,
            domain=self._domain,
            stamp=stamp,
            joining_url=joining_url,
            organizer=organizer,
            attendees=attendees,
            cancelled=cancelled,
        )
