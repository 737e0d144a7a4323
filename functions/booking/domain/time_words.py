"""Dates and times as UK people read them, in the course's own timezone: one module for every
page, email, CLI line and error that says one (``domain.wording`` re-exports each).

24-hour times, day before month, the weekday named, the zone's abbreviation for that date (BST
or GMT) where an instant is said: a reader never converts, and never reads an ISO date.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import NamedTuple, Protocol
from zoneinfo import ZoneInfo


class Span(Protocol):
    """What begins and ends at an instant: a course's session, or one the API answered."""

    @property
    def start(self) -> datetime: ...

    @property
    def end(self) -> datetime: ...


def written_as_day(text: str) -> bool:
    """Whether ``text`` is written as the day the API documents, YYYY-MM-DD (whether it is a
    real day is the reader's to check): neither a number nor a date and time."""
    return len(text) == 10 and text[4] == text[7] == "-"


def session_when(session: Span, timezone: str) -> str:
    """ "Monday 7 June 2027, 15:00-17:00 BST"; a session the clocks change during names each
    end's zone ("Sunday 28 March 2027, 00:30 GMT to 03:30 BST": two hours, not three)."""
    zone = ZoneInfo(timezone)
    start = session.start.astimezone(zone)
    end = session.end.astimezone(zone)
    if start.tzname() != end.tzname():
        return f"{_day(start)}, {start:%H:%M} {start.tzname()} to {end:%H:%M} {end.tzname()}"
    return f"{_day(start)}, {start:%H:%M}-{end:%H:%M} {start.tzname()}"


def moment_when(moment: datetime, timezone: str) -> str:
    """ "Monday 7 June 2027 at 15:04 BST": to the minute, never seconds or microseconds."""
    local = moment.astimezone(ZoneInfo(timezone))
    return f"{_day(local)} at {local:%H:%M} {local.tzname()}"


def until_when(moment: datetime, timezone: str) -> str:
    """The end of something held, as :func:`moment_when` says it, but a moment at midnight as
    the end of the day before, "the end of Wednesday 6 January 2027 (midnight GMT)": an
    invoice's place held "until Thursday 7 January 2027 at 00:00 GMT" read as a day longer
    than the invoice's due day, Wednesday."""
    local = moment.astimezone(ZoneInfo(timezone))
    if local.time() != time(0, 0):
        return moment_when(moment, timezone)
    day_before = (local - timedelta(days=1)).date()
    return f"the end of {_day(day_before)} (midnight {local.tzname()})"


class DayWindowWords(NamedTuple):
    """How a day typed of money (received, given back) is refused outside its window: after
    today (``future``), and before the earliest day it may be (``before``, which the day is
    then said after: "..., on Friday 9 July 2027")."""

    future: str
    before: str


def day_out_of_window(
    day: date, earliest: datetime | None, words: DayWindowWords, *, now: datetime, timezone: str
) -> str | None:
    """What is wrong with ``day`` as the day something happened, in ``words``: after ``now``'s
    day, or before ``earliest``'s (None: no lower bound), both in ``timezone``. None: neither.
    One rule for every day typed of money, each refused in its own words."""
    zone = ZoneInfo(timezone)
    if day > now.astimezone(zone).date():
        return words.future
    if earliest is not None and day < earliest.astimezone(zone).date():
        return f"{words.before}, on {day_when(earliest, timezone)}"
    return None


def day_when(moment: datetime, timezone: str) -> str:
    """ "Friday 9 July 2027": the day a moment falls on in the course's zone (a due date)."""
    return _day(moment.astimezone(ZoneInfo(timezone)))


def _day(local: date) -> str:
    """ "Sunday 28 March 2027": a calendar day (a moment's, once in its zone)."""
    return f"{local:%A} {local.day} {local:%B %Y}"


def moved_without_id_warning(day: date) -> str:
    """What an organiser reads when a saved file seems to move a follow-up that has no id
    (``day``: the local day it was on)."""
    return (
        f"The follow-up on {day.day} {day:%B %Y} has no id, so moving it made a new event "
        "(people holding the old one were told of a new one, or that it was cancelled); give "
        'it an id (e.g. "id": "autumn-reunion") to move it.'
    )


def wall_clock_when(day: date, moment: time) -> str:
    """ "Sunday 28 March 2027, 01:15": a local date and wall-clock time as the organiser typed
    them (no zone: the time may not exist in it, or happen twice), in the words of the rest
    (the course form's errors had quoted "2027-03-28 01:15")."""
    return f"{_day(day)}, {moment:%H:%M}"
