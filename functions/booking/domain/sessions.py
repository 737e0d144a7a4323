"""A course's sessions: as the organiser writes them (a local date and wall-clock times) and as
scheduled (UTC instants, numbered in time order, each with a key that stays when it moves).
``booking.domain.course`` re-exports every name."""

import re
from collections.abc import Sequence
from datetime import UTC, date, datetime, time
from enum import StrEnum
from functools import lru_cache
from itertools import pairwise
from typing import Annotated, NamedTuple, Self
from zoneinfo import ZoneInfo

from pydantic import (
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

from booking.domain.model import Model
from booking.domain.text import FREE_TEXT, ONE_LINE
from booking.domain.time_words import wall_clock_when
from booking.domain.validation import sane_year, typed_as

CalendarDate = date  # the field below is called ``date``; this name still means the type


class SessionKind(StrEnum):
    CORE = "core"
    FOLLOW_UP = "follow_up"


SESSION_ID_PATTERN = typed_as(
    r"^[a-z0-9][a-z0-9-]{0,39}$",
    "Use up to 40 small letters, digits and hyphens, starting with a letter or digit, "
    "like follow-up-1",
)


# The title a core session without one is given: its place among the cohort's own sessions.
_NUMBERED = re.compile(r"Session [0-9]+ of [0-9]+")


def numbered_title(place: int, total: int) -> str:
    """A core session's title when the organiser wrote none ("Session 2 of 3")."""
    return f"Session {place} of {total}"


def retitled(was: str, now: str) -> bool:
    """Whether a session's title changed in a way its attendees are told of: a title the
    organiser never wrote, renumbered because a session was added, removed or moved past
    another ("Session 1 of 3" to "Session 1 of 2"), is not news; the message
    lists the sessions under their new numbers without marking them."""
    return was != now and not (_NUMBERED.fullmatch(was) and _NUMBERED.fullmatch(now))


class SessionDefinition(Model):
    """One session as the organiser writes it: a local date and wall-clock times."""

    model_config = ConfigDict(extra="forbid")

    id: str | None = Field(
        default=None,
        pattern=SESSION_ID_PATTERN,
        description=(
            "Optional stable name. Without one, a core session is known by its place in this "
            "list and a follow-up by its start, so one follow-up listed by several cohorts of a "
            "programme is one event; give follow-ups an id to move one and keep its identity"
        ),
    )
    date: date
    start_time: time
    end_time: time
    kind: SessionKind = SessionKind.CORE
    # One line, as the course's title.
    title: Annotated[str, ONE_LINE] | None = Field(default=None, max_length=200)
    home_practice: Annotated[str, FREE_TEXT] | None = Field(default=None, max_length=2000)

    @field_validator("date")
    @classmethod
    def _plausible_year(cls, value: CalendarDate) -> CalendarDate:
        sane_year(value.year, "the session date")
        return value

    @field_validator("start_time", "end_time")
    @classmethod
    def _wall_clock(cls, value: time) -> time:
        # The course's timezone says what offset applies on the day; an offset given here would
        # contradict it (and cannot be compared with a time without one).
        if value.tzinfo is not None:
            raise ValueError("give the local wall-clock time without a UTC offset, e.g. 15:00")
        return value

    @model_validator(mode="after")
    def _ends_after_start(self) -> Self:
        if not ends_after_start(self.start_time, self.end_time):
            raise ValueError(ENDS_BEFORE_IT_STARTS)
        return self


ENDS_BEFORE_IT_STARTS = "end_time must be after start_time on the same day"


def ends_after_start(start: time, end: time) -> bool:
    """The one rule for a session's times: it ends after it starts, on its day."""
    return end > start


def core_session_key(session_id: str | None, position: int) -> str:
    """How a core session is known: its ``id``, else its place in the organiser's list (``s3``:
    editing its date keeps it)."""
    return session_id or f"s{position}"


def local_to_utc(day: date, moment: time, zone: ZoneInfo, position: int) -> datetime:
    """Local wall-clock time to a UTC instant, refusing times the clock change makes ambiguous.

    On the night the clocks go forward, 01:30 does not exist in London; on the night they go
    back, 01:30 happens twice. Neither is a sensible session time, and guessing would send people
    reminders an hour off, so both are rejected with a clear message.
    """
    local = datetime.combine(day, moment, tzinfo=zone)
    try:
        round_trip = local.astimezone(UTC).astimezone(zone)
    except OverflowError as exc:
        raise ValueError(f"session {position}: {day.day} {day:%B %Y} is out of range") from exc
    if round_trip.replace(tzinfo=None) != local.replace(tzinfo=None):
        raise ValueError(
            f"session {position}: {wall_clock_when(day, moment)} does not exist in "
            f"{zone.key} (the clocks go forward); choose another time"
        )
    if local.utcoffset() != local.replace(fold=1).utcoffset():
        raise ValueError(
            f"session {position}: {wall_clock_when(day, moment)} happens twice in "
            f"{zone.key} (the clocks go back); choose another time"
        )
    return local.astimezone(UTC)


def overlap_fault(sessions: Sequence[SessionDefinition], zone: ZoneInfo) -> str | None:
    """Why two of a course's sessions may not both be listed: one listed twice
    (the same start and end) would be "Session 1 of 2" and "2 of 2" at one hour, two calendar
    events, its hours counted twice on the certificate; two that overlap cannot both be
    attended. Said beside the later-listed row (``session N: ...``), naming the other. None:
    every session is apart (one may start as another ends)."""
    timed = sorted(
        (
            local_to_utc(session.date, session.start_time, zone, position),
            local_to_utc(session.date, session.end_time, zone, position),
            position,
        )
        for position, session in enumerate(sessions, start=1)
    )
    for (start, end, one), (next_start, next_end, other) in pairwise(timed):
        if next_start >= end:
            continue
        first, second = sorted((one, other))
        listed = sessions[first - 1]
        when = f"{wall_clock_when(listed.date, listed.start_time)}-{listed.end_time:%H:%M}"
        if (start, end) == (next_start, next_end):
            return (
                f"session {second}: it is at the same time as session {first} ({when}): list "
                "each meeting once"
            )
        return (
            f"session {second}: it overlaps session {first} ({when}): sessions may not "
            "overlap, so change its times"
        )
    return None


class ScheduledSession(Model):
    model_config = ConfigDict(frozen=True)

    index: int
    key: str  # stable identity (see CourseDefinition.schedule)
    kind: SessionKind
    title: str
    start: datetime  # aware, UTC
    end: datetime  # aware, UTC
    home_practice: str | None = None

    def local_start(self, timezone: str) -> datetime:
        return self.start.astimezone(ZoneInfo(timezone))

    def local_end(self, timezone: str) -> datetime:
        return self.end.astimezone(ZoneInfo(timezone))


class _AsWritten(NamedTuple):
    """Every field of a session its scheduled form depends on, as the organiser wrote it: a
    value, so a list of them (with the course's timezone) says which schedule it is."""

    id: str | None
    kind: SessionKind
    title: str | None
    date: date
    start_time: time
    end_time: time
    home_practice: str | None


def scheduled_sessions(
    timezone: str, sessions: Sequence[SessionDefinition]
) -> list[ScheduledSession]:
    """Sessions in chronological order, numbered from 1, with their UTC instants and keys
    (``CourseDefinition.schedule`` says how each is titled and known). Raises ValueError, naming
    the session by its place in time, for a time the clocks' change makes impossible."""
    written = tuple(
        _AsWritten(s.id, s.kind, s.title, s.date, s.start_time, s.end_time, s.home_practice)
        for s in sessions
    )
    return list(_schedule_of(timezone, written))


# A definition is read back, and its schedule asked for, many times in one request (each time
# converting every start and end from local time): worked out once per schedule as written.
# Keyed by value, so a session changed in place is a new key; what is kept is immutable
# (frozen sessions of datetimes and strings), so every caller may share it. Bounded: a warm
# function sees a handful of courses, a property run thousands.
@lru_cache(maxsize=256)
def _schedule_of(timezone: str, written: tuple[_AsWritten, ...]) -> tuple[ScheduledSession, ...]:
    zone = ZoneInfo(timezone)
    in_time = sorted(enumerate(written, start=1), key=lambda p: (p[1].date, p[1].start_time))
    core_total = sum(1 for _, s in in_time if s.kind is SessionKind.CORE)
    scheduled: list[ScheduledSession] = []
    core_seen = 0
    for index, (position, session) in enumerate(in_time, start=1):
        start = local_to_utc(session.date, session.start_time, zone, index)
        if session.kind is SessionKind.CORE:
            core_seen += 1
            default_title = numbered_title(core_seen, core_total)
            default_key = core_session_key(session.id, position)
        else:
            default_title = "Follow-up session"
            default_key = f"fu-{start:%Y%m%dt%H%M}z"
        scheduled.append(
            ScheduledSession(
                index=index,
                key=session.id or default_key,
                kind=session.kind,
                title=session.title or default_title,
                start=start,
                end=local_to_utc(session.date, session.end_time, zone, index),
                home_practice=session.home_practice,
            )
        )
    return tuple(scheduled)
