"""The calendar file sent with a cancellation (``METHOD:CANCEL``) repeated the
joining link in each event's description ("Join online: ..."), to someone whose booking had
ended, though it leaves out LOCATION and URL for that reason: only confirmed attendees get the
link. The invitation (``METHOD:REQUEST``) still carries it."""

from __future__ import annotations

from datetime import UTC, datetime

from icalendar import Calendar

from booking.adapters.calendar import IcsCalendarWriter
from booking.domain.emails import Party
from booking.domain.invitations import CalendarEntry, CalendarMessage

LINK = "https://join.example.org/compassionate-leadership"
START = datetime(2027, 6, 7, 14, 0, tzinfo=UTC)
ENTRY = CalendarEntry(
    uid="c-s1-app1",
    summary="Compassionate Leadership Training: Session 1 of 6",
    start=START,
    end=START,
    description=f"Session 1 of 6\nJoin online: {LINK}\nQuestions: spft.smc@nhs.net",
    joining_url=LINK,
)


def _ics(*, cancelled: bool) -> bytes:
    message = CalendarMessage(
        name="Compassionate Leadership Training",
        stamp=START,
        sequence=2 if cancelled else 1,
        organizer=Party("spft.smc@nhs.net", "Compassionate Leadership Training"),
        attendees=[Party("ada@example.org")],
        cancelled=cancelled,
    )
    return IcsCalendarWriter("example.org").calendar([ENTRY], message)


def _unfolded(ics: bytes) -> str:
    return ics.decode().replace("\r\n ", "")


def test_a_cancellations_calendar_never_carries_the_joining_link() -> None:
    ics = _ics(cancelled=True)
    assert "join.example.org" not in _unfolded(ics)
    [event] = Calendar.from_ical(ics).walk("VEVENT")
    # What the person may still read of the event: which session it was, whom to ask.
    assert str(event["description"]) == "Session 1 of 6\nQuestions: spft.smc@nhs.net"


def test_an_invitations_calendar_carries_it() -> None:
    [event] = Calendar.from_ical(_ics(cancelled=False)).walk("VEVENT")
    assert LINK in str(event["description"])
    assert str(event["location"]) == LINK
