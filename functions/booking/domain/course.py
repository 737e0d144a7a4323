"""Courses and their sessions.

Organisers define sessions in local wall-clock time with an IANA timezone, because that is how
a course is advertised ("Mondays 15:00-17:00 UK time"). The system converts each session to UTC
instants once, here, and compares instants everywhere else. One course may cross a clock change
(the follow-ups run from September, in BST, to December, in GMT), so the offset is worked out per
session date, never per course.
"""

import re
from collections.abc import Collection
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Annotated, Any, Self
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import ConfigDict, Field, HttpUrl, ValidationInfo, field_validator, model_validator

from booking.domain.addresses import DeliverableEmail, read_back
from booking.domain.application import ShortText
from booking.domain.application_form import ShownOrNone
from booking.domain.model import Model
from booking.domain.money import Money as Money  # courses are priced in it; re-exported
from booking.domain.money import minimum_charge, money_words
from booking.domain.sessions import (
    SESSION_ID_PATTERN,
    ScheduledSession,
    SessionDefinition,
    SessionKind,
    local_to_utc,
    overlap_fault,
    scheduled_sessions,
)
from booking.domain.text import FREE_TEXT, ONE_LINE, one_line
from booking.domain.validation import counted, counted_schema

# Re-exported: the sessions live in a module of their own.
__all__ = ["SESSION_ID_PATTERN", "ScheduledSession", "SessionDefinition", "SessionKind"]

COURSE_ID_PATTERN = r"^[a-z0-9][a-z0-9-]{1,79}$"
_COURSE_ID_RE = re.compile(COURSE_ID_PATTERN)

DEFAULT_TIMEZONE = "Europe/London"


def clock_words(timezone: str) -> str:
    """Whose clock a course's times are on, as people read it: "UK time" for the default zone,
    else the zone's place ("New York time" for America/New_York): never "UK time" beside
    times that are not."""
    if timezone == DEFAULT_TIMEZONE:
        return "UK time"
    return timezone.rsplit("/", 1)[-1].replace("_", " ") + " time"


DEFAULT_REMINDER_OFFSETS_HOURS = (24, 1)
# Stripe's least for a Checkout Session's expiry (30 minutes), plus a minute for clock skew.
CHECKOUT_HOLD = timedelta(minutes=31)
# The hold in words, one figure wherever a person or the README reads it ("31 minutes").
CHECKOUT_HOLD_SAID = f"{int(CHECKOUT_HOLD.total_seconds() // 60)} minutes"
MAX_SESSIONS = 100  # a course's sessions at most


def is_valid_course_id(course_id: str) -> bool:
    # fullmatch: ``$`` also matches before a final line break ("leadership\n" passed).
    return bool(_COURSE_ID_RE.fullmatch(course_id))


# What names a programme, as a course id names a course (a typed name was kept
# as the id, spaces, punctuation and control characters included).
PROGRAMME_ID_RULE = (
    "a programme's id is 2-80 lower-case letters, digits and hyphens, like compassionate-leadership"
)


def programme_id_fault(programme: str, held: Collection[str]) -> str | None:
    """Why ``programme`` may not name a course's programme: its id is held to the course id's
    shape (it is in the programme's addresses, its graduates file's name and follow-up
    matching). None when it has that shape, is empty (the course is a programme of its own),
    or names a programme a stored cohort already names (``held``: kept as it was saved)."""
    if not programme or programme in held or is_valid_course_id(programme):
        return None
    return PROGRAMME_ID_RULE


class Facilitator(Model):
    """Someone who runs the course.

    Their address receives every applicant's answers (the facilitators' copy), so it is never
    shown publicly: pages and the public Course JSON show the name, and the bio if any, only.
    A facilitator given as a bare address has no name and is not listed publicly at all.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: ShortText | None = None
    email: DeliverableEmail
    bio: ShownOrNone = Field(default=None, description="Plain text, shown as typed")

    @model_validator(mode="before")
    @classmethod
    def _bare_address(cls, value: Any) -> Any:
        # The original format, a plain list of addresses, stays valid (and is how definitions
        # stored before names existed read back).
        return {"email": value} if isinstance(value, str) else value

    @field_validator("bio")
    @classmethod
    def _blank_bio_is_none(cls, value: str | None) -> str | None:
        return value or None

    @model_validator(mode="after")
    def _bio_needs_a_name(self) -> Self:
        if self.bio and not self.name:
            raise ValueError("a facilitator with a bio needs a name to show it under")
        return self


class CourseDefinition(Model):
    """What an organiser PUTs (and what course definition files contain)."""

    model_config = ConfigDict(extra="forbid")

    programme: str = Field(
        default="",
        max_length=80,
        description="The programme's id: lower-case letters, digits and hyphens, shared by "
        "its cohorts (empty: the course is a programme of its own)",
    )
    # Shown on one line (a subject, a calendar's organiser, a heading): no line break or
    # control character, as an organisation's name.
    title: Annotated[str, ONE_LINE] = Field(min_length=1, max_length=200)
    # What the course page says about the course: plain text, shown escaped as typed (a blank
    # line starts a new paragraph).
    organisation: ShortText | None = Field(default=None, description="Who runs the course")
    overview: ShownOrNone = Field(default=None, description="What the course is")
    audience: ShownOrNone = Field(default=None, description="Who the course is for")
    location: ShortText | None = Field(
        default=None, description="Where it happens, e.g. 'Online'; the joining link stays private"
    )
    timezone: str = DEFAULT_TIMEZONE
    price: Money
    capacity: int = Field(ge=1, le=10_000)
    approval_required: bool = False
    facilitators: list[Facilitator] = Field(
        default_factory=list,
        max_length=20,
        description="Addresses, or objects with name, email and an optional bio",
    )
    enquiries_email: DeliverableEmail | None = None
    joining_url: HttpUrl | None = None
    reminder_offsets_hours: list[int] = Field(
        default_factory=lambda: list(DEFAULT_REMINDER_OFFSETS_HOURS), max_length=5
    )
    offer_valid_hours: int = Field(default=48, ge=1, le=24 * 14)
    invoice_allowed: bool = Field(
        default=False, description="Applicants may ask for an invoice to their employer"
    )
    invoice_due_days: int = Field(
        default=30, ge=1, le=120, description="Days an invoice has to be paid in"
    )
    invoice_due_before_start_days: int = Field(
        default=7,
        ge=0,
        le=90,
        description="An invoice falls due at least this many days before the first session",
    )
    po_required: bool = Field(
        default=False, description="An invoice needs the employer's purchase order number"
    )
    decline_message: Annotated[str, FREE_TEXT] | None = Field(default=None, max_length=4000)
    group_apply_by_days: int = Field(
        default=7,
        ge=0,
        le=90,
        description="Places booked by a manager: colleagues apply at least this many days "
        "before the first session (or two days after the booking, if later); a place nobody "
        "has filled by then is given up, its price refunded and its seat freed",
    )
    closed: bool = False
    sessions: Annotated[
        list[SessionDefinition],
        counted(
            1, MAX_SESSIONS, "add at least one session", f"add at most {MAX_SESSIONS} sessions"
        ),
    ] = Field(json_schema_extra=counted_schema(1, MAX_SESSIONS))
    completion_min_sessions: int | None = Field(
        default=None,
        description="How many core sessions a person must attend to complete the course (1 to "
        "the number of core sessions); absent: the course keeps no register, and every "
        "confirmed booking completes when its core sessions have ended",
    )

    @field_validator("price")
    @classmethod
    def _chargeable(cls, price: Money, info: ValidationInfo) -> Money:
        # A price is charged whole unless a code or a bursary takes from it: at least Stripe's
        # minimum. (What was stored was held to the rule of its day and is read back as it is.)
        least = minimum_charge(price.currency)
        stored = read_back(info)
        if price.amount < least and not stored:
            raise ValueError(
                f"Enter at least {money_words(least, price.currency)}, the least a card payment"
                " may be"
            )
        return price

    @field_validator("joining_url", mode="before")
    @classmethod
    def _link_on_one_line(cls, value: Any, info: ValidationInfo) -> Any:
        # The URL parser drops a line break or a tab in silence and escapes a line separator:
        # a link typed across lines is refused in words, as any one-line text is.
        stored = read_back(info)
        return one_line(value) if isinstance(value, str) and not stored else value

    @field_validator("overview", "audience")
    @classmethod
    def _blank_is_none(cls, value: str | None) -> str | None:
        return value or None

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        # OSError: the name is looked up as a file, so "Europe" (a directory) or a name longer
        # than the filesystem allows fails as I/O, not as "not found".
        except (ZoneInfoNotFoundError, ValueError, OSError) as exc:
            raise ValueError("enter a time zone such as Europe/London or Asia/Tokyo") from exc
        return value

    @field_validator("reminder_offsets_hours")
    @classmethod
    def _offsets(cls, value: list[int]) -> list[int]:
        if any(hours < 1 or hours > 24 * 14 for hours in value):
            raise ValueError("each reminder offset must be between 1 and 336 hours")
        # A repeat is a typo for another offset (``24, 24`` for ``24, 1``): said, never folded
        # away, which would drop a reminder without a word.
        repeated = sorted({hours for hours in value if value.count(hours) > 1}, reverse=True)
        if repeated:
            raise ValueError(
                f"{repeated[0]} hours is given twice: give each reminder offset once, like 24, 1"
            )
        return sorted(value, reverse=True)

    @model_validator(mode="after")
    def _sessions_exist_in_local_time(self) -> Self:
        try:
            keys = [session.key for session in self.schedule()]
        except ValueError:
            # Said by the session's place in the organiser's list (the schedule's own refusal
            # numbers it in time, which the organiser never sees).
            zone = ZoneInfo(self.timezone)
            for position, session in enumerate(self.sessions, start=1):
                for moment in (session.start_time, session.end_time):
                    local_to_utc(session.date, moment, zone, position)
            raise
        repeated = sorted({key for key in keys if keys.count(key) > 1})
        if repeated:
            raise ValueError(
                f"two sessions are both known as {repeated[0]!r}: give each session its own id "
                "(follow-ups without an id are known by their start, so two may not start at once)"
            )
        return self

    @model_validator(mode="after")
    def _follow_ups_after_core_sessions(self, info: ValidationInfo) -> Self:
        """A follow-up is for those whose own sessions ended before it (docs/features/
        programmes-and-follow-ups.md): one before or among the course's core sessions could never
        be attended
        by its graduates, and a file of follow-ups alone would make programme events out of
        no course. Said beside the session (``session N:``). A file stored
        before this rule is read back as it is."""
        if read_back(info):
            return self
        listed = list(enumerate(self.sessions, start=1))
        core = [
            datetime.combine(s.date, s.end_time) for _, s in listed if s.kind is SessionKind.CORE
        ]
        if not core:
            raise ValueError(
                "session 1: a course needs at least one core session; a follow-up comes after "
                "them, for those who took the course"
            )
        ended = max(core)
        for position, session in listed:
            if session.kind is SessionKind.FOLLOW_UP and (
                datetime.combine(session.date, session.start_time) < ended
            ):
                raise ValueError(
                    f"session {position}: a follow-up comes after the last core session, which "
                    f"ends {ended:%A} {ended.day} {ended:%B %Y} at {ended:%H:%M}: move it later, "
                    "or make it a core session"
                )
        return self

    @model_validator(mode="after")
    def _sessions_apart(self, info: ValidationInfo) -> Self:
        # A file stored before this rule is read back as it is.
        if read_back(info):
            return self
        fault = overlap_fault(self.sessions, ZoneInfo(self.timezone))
        if fault is not None:
            raise ValueError(fault)
        return self

    @model_validator(mode="after")
    def _completion_within_core_sessions(self) -> Self:
        wanted = self.completion_min_sessions
        core = sum(1 for s in self.sessions if s.kind is SessionKind.CORE)
        if wanted is not None and not 1 <= wanted <= core:
            raise ValueError(
                f"completion_min_sessions must be between 1 and {core}, the number of core sessions"
            )
        return self

    def facilitator_addresses(self) -> list[str]:
        """Where the facilitators' copy goes: each address once, in the order given."""
        return list(dict.fromkeys(f.email for f in self.facilitators))

    def public_facilitators(self) -> list[tuple[str, str | None]]:
        """(name, bio) of each facilitator who may be shown publicly: those with a name."""
        return [(f.name, f.bio) for f in self.facilitators if f.name]

    def schedule(self) -> list[ScheduledSession]:
        """Sessions in chronological order, numbered from 1, with their UTC instants and keys.

        The index is a session's place in time (it changes when a session moves past another);
        the key is what the session *is*, kept when it moves: its ``id`` if the organiser gave
        one, else a core session's place in the organiser's list (``s3``: editing its date
        keeps it) and a follow-up's start (``fu-20250918t1500z``: the same follow-up listed in
        several cohorts' files is one programme event).
        """
        return scheduled_sessions(self.timezone, self.sessions)


class CourseStatus(StrEnum):
    OPEN = "open"
    FULL = "full"
    CLOSED = "closed"


class Course(Model):
    """A course as stored: its definition plus the live seat counter."""

    model_config = ConfigDict(frozen=True)

    course_id: str
    definition: CourseDefinition
    seats_taken: int = 0  # seats held for an open checkout or an offer, plus confirmed
    waiting: int = 0  # applications on the waiting list
    version: int = 0
    priced: int = Field(default=0, exclude=True)  # priced in it now: cohort_currency.py
    priced_codes: int = Field(default=0, exclude=True)  # codes ever made taking an amount off
    # When this course's file last wrote each follow-up it lists (moved it, renamed it or began
    # listing it): where files disagree about a programme's event, the latest word decides
    # (``domain.programme``). A follow-up absent here has not been written since this was kept.
    follow_up_edits: dict[str, datetime] = Field(default_factory=dict)
    # When a save last moved its first start or ``group_apply_by_days`` (None: not since this
    # was kept): the sweep follows those dates again for a while (``services.dates_followed``).
    dates_moved_at: datetime | None = None
    # Its follow-ups as the programme holds them (by session key), where another cohort's file
    # gave the latest word about one: set on the courses people are shown
    # (``domain.programme.as_held``), never stored. Empty: the file's own listing.
    held_follow_ups: dict[str, ScheduledSession] = Field(default_factory=dict, exclude=True)

    @property
    def schedule(self) -> list[ScheduledSession]:
        """Its sessions, soonest first, numbered in time order; a follow-up as the programme
        holds it when this is a course as shown (``held_follow_ups``)."""
        own = self.definition.schedule()
        if not self.held_follow_ups:
            return own
        shown = sorted(
            (
                self.held_follow_ups.get(s.key, s) if s.kind is SessionKind.FOLLOW_UP else s
                for s in own
            ),
            key=lambda s: s.start,
        )
        return [
            s if s.index == index else s.model_copy(update={"index": index})
            for index, s in enumerate(shown, start=1)
        ]

    @property
    def places_left(self) -> int:
        """Places no seat holds (the counter): the console's *Free*, JSON ``places_not_taken``."""
        return max(self.definition.capacity - self.seats_taken, 0)

    def places_for_newcomer(self, now: datetime) -> int:
        """Places a newcomer may book now (JSON ``places_left``): none while full."""
        return 0 if self.status(now) is CourseStatus.FULL else self.places_left

    @property
    def seat_free_for_newcomer(self) -> bool:
        """A seat is free and nobody waits for it: the waiting list first (as the table holds)."""
        return self.places_left > 0 and self.waiting == 0

    def first_start(self) -> datetime:
        return min(session.start for session in self.schedule)

    def applications_close_at(self) -> datetime:
        """When applications close by its dates: the last moment a checkout can end before it."""
        return self.first_start() - CHECKOUT_HOLD

    def accepts_applications(self, now: datetime) -> bool:
        """Open until organisers close it, or until applications close by its dates; so too a
        payment for a place (``domain.paying``: every course is priced)."""
        return not self.definition.closed and now < self.applications_close_at()

    def status(self, now: datetime) -> CourseStatus:
        if not self.accepts_applications(now):
            return CourseStatus.CLOSED
        if not self.seat_free_for_newcomer:
            return CourseStatus.FULL
        return CourseStatus.OPEN
