"""The calendar entries emails carry, and how each is identified (RFC 5545 UID, RFC 5546 iTIP).

Calendars match every later message about an event by its UID (and ORGANIZER) and ignore one whose
SEQUENCE is not higher than what they hold. So:

* A core session's UID belongs to one **booking**: ``<course>-<session key>-<application>``. A
  re-booking (a new application after a cancellation) puts fresh events in the calendar, which
  the earlier CANCEL can never outrank; a moved session keeps its key, so its update replaces
  the entry the confirmation made.
* A follow-up event's UID belongs to one **person**: ``<programme>-<event key>-<person>``. The
  confirmation of any cohort that lists it, and the event's own invitation, all refer to one
  entry, so a graduate of several cohorts never holds the event twice; and every message about
  it names the event's host as ORGANIZER, whichever cohort's message carries it.
* SEQUENCE comes from a counter per person that every calendar-bearing email takes the next
  value of, so it only ever grows for any UID, whatever was sent before and in whatever order
  the messages were decided.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from booking.domain.emails import Party

_NOT_IN_UID = re.compile(r"[^a-z0-9-]+")


class Told(NamedTuple):
    """A session as one message put it in a person's calendar (a programme's follow-up event,
    or a cohort's own session): its start, end and (where recorded) its own title. What a later
    change to it is worded from. The one name for it: ``held_sessions.StartEnd`` is its times
    alone."""

    start: datetime
    end: datetime
    title: str | None = None
    # The joining link it carried ("" for none): a new link is news only to whom it is new
    # . None: not recorded (a record from before links were kept).
    link: str | None = None


class Telling(NamedTuple):
    """What one message told one person (a person key) of one event (``about``): put in their
    calendar (``holds``; ``when`` it was said to start and end, where recorded) or taken out.
    What the announcement ledger records (``AnnouncementLedger.record_told``)."""

    about: str
    person: str
    holds: bool
    when: Told | None = None


@dataclass(frozen=True)
class CalendarEntry:
    """One event of a calendar invitation (or its cancellation)."""

    uid: str  # without the "@domain" the calendar writer adds
    summary: str
    start: datetime | None = None  # None: a cancellation of an event no longer scheduled
    end: datetime | None = None
    description: str = ""
    joining_url: str | None = None
    # Who sends it (RFC 5545 ORGANIZER): a follow-up event's host, whichever cohort's message
    # carries it. None: the calendar's own organiser.
    organizer: Party | None = None
    # The programme's follow-up event it is (``FollowUpEvent.about``), or the cohort's own
    # session (``held_sessions.session_about``). Sending it is recorded (with its start and
    # end): a later change to it reaches whoever holds it, counted from what they hold.
    event: str | None = None
    # The session's own title (``summary`` adds the course's): recorded as told with the event.
    title: str | None = None


@dataclass(frozen=True)
class CalendarMessage:
    """What one calendar file says of itself and of everyone in it (RFC 5546 iTIP): its name,
    when it was made (DTSTAMP), its SEQUENCE, the ORGANIZER and the ATTENDEEs, and whether it
    puts its entries in the calendar (REQUEST) or takes them out (CANCEL, ``cancelled``)."""

    name: str
    stamp: datetime
    sequence: int
    organizer: Party
    attendees: Sequence[Party]
    cancelled: bool = False
    # A file published for the organisers to import (RFC 5546 PUBLISH), sent to nobody: it
    # names no ATTENDEE (``services.course_calendar``).
    published: bool = False


def booking_session_uid(course_id: str, session_key: str, application_id: str) -> str:
    return f"{course_id}-{session_key}-{application_id}"


def follow_up_uid(programme: str, event_key: str, person: str) -> str:
    slug = _NOT_IN_UID.sub("-", programme.lower()).strip("-") or "programme"
    return f"{slug}-{event_key}-{person.lower()}"
