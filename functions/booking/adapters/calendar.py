"""The ``.ics`` sent with confirmations, invitations and cancellations (RFC 5545/5546, icalendar).

An iTIP message (RFC 5546): ``METHOD:REQUEST`` puts events in the attendee's calendar (or
updates the ones it holds), ``METHOD:CANCEL`` takes them out; ``METHOD:PUBLISH``, a course's
sessions for its organisers to import, names no attendee. Calendars (Outlook, Google, Apple)
match a later message to the events they hold by UID and ORGANIZER and ignore it unless its
SEQUENCE is higher, so every VEVENT names the ORGANIZER (the course's enquiries address, the
course's name as CN) and the ATTENDEE (the person the email goes to), both required by RFC 5546
for REQUEST and CANCEL. Which events a message carries, their UIDs and their SEQUENCE are the
domain's decision (``booking.domain.invitations``); this module only writes them, adding the
deployment's domain to each UID.

Times are UTC instants (``DTSTART:20250602T140000Z``): every client shows them in the reader's
own zone, with no VTIMEZONE block to get wrong across the clock change.
"""

from __future__ import annotations

from collections.abc import Sequence

from icalendar import Calendar, Event, vCalAddress, vText

from booking.domain.emails import Party
from booking.domain.invitations import CalendarEntry, CalendarMessage
from booking.domain.text import flattened

PRODID = "-//Compassionate Leadership bookings//EN"
REQUEST, CANCEL, PUBLISH = "REQUEST", "CANCEL", "PUBLISH"


def _address(party: Party, **params: str) -> vCalAddress:
    # A parameter cannot hold a line break (icalendar asserts, and the mail job would fail for
    # good) nor, by RFC 5545, a control character: the name is put on one line,
    # whatever was stored before the one-line rule held a course's title.
    address = vCalAddress(f"mailto:{party.email}")
    name = flattened(party.name or "")
    if name:
        address.params["CN"] = vText(name)
    for key, value in params.items():
        address.params[key] = vText(value)
    return address


def _told(entry: CalendarEntry, message: CalendarMessage) -> str | None:
    """The event's description as this message may say it: a CANCEL goes to someone no longer
    booked, so it never repeats the joining link (only confirmed attendees get it: the
    contract), as it carries no LOCATION or URL."""
    if not message.cancelled or not entry.joining_url or not entry.description:
        return entry.description
    kept = [line for line in entry.description.splitlines() if entry.joining_url not in line]
    return "\n".join(kept) or None


class IcsCalendarWriter:
    """The ``CalendarWriter`` port: UIDs on ``domain`` (stable per deployment)."""

    def __init__(self, domain: str) -> None:
        self._domain = domain

    def calendar(self, entries: Sequence[CalendarEntry], message: CalendarMessage) -> bytes:
        """One VCALENDAR with one VEVENT per entry: ``METHOD:REQUEST``, or ``METHOD:CANCEL``,
        or ``METHOD:PUBLISH`` (no ATTENDEE) for a file the organisers import."""
        if not message.attendees and not message.published:
            raise ValueError("an iTIP REQUEST or CANCEL needs at least one attendee")
        if not entries:
            raise ValueError("a calendar needs at least one event")
        calendar = Calendar()
        calendar.add("prodid", PRODID)
        calendar.add("version", "2.0")
        calendar.add("calscale", "GREGORIAN")
        method = PUBLISH if message.published else CANCEL if message.cancelled else REQUEST
        calendar.add("method", method)
        # A text value, escaped as one: unescaped, a comma in the course's title splits it.
        calendar.add("x-wr-calname", vText(flattened(message.name)))
        for entry in entries:
            event = Event()
            event.add("uid", f"{entry.uid}@{self._domain}")
            event.add("sequence", message.sequence)
            event.add("dtstamp", message.stamp)
            if entry.start is not None:
                event.add("dtstart", entry.start)
            if entry.end is not None:
                event.add("dtend", entry.end)
            event.add("summary", flattened(entry.summary))
            event.add("organizer", _address(entry.organizer or message.organizer))
            for attendee in () if message.published else message.attendees:
                # They booked and paid: the place is theirs, no reply is asked for.
                event.add(
                    "attendee",
                    _address(attendee, ROLE="REQ-PARTICIPANT", PARTSTAT="ACCEPTED", RSVP="FALSE"),
                )
            if entry.joining_url and not message.cancelled:
                event.add("location", entry.joining_url)
                event.add("url", entry.joining_url)
            description = _told(entry, message)
            if description:
                event.add("description", description)
            event.add("status", "CANCELLED" if message.cancelled else "CONFIRMED")
            event.add("transp", "OPAQUE")
            calendar.add_component(event)
        return bytes(calendar.to_ical())
