"""A programme: cohorts (courses) that share follow-up sessions, and the graduates invited to them.

Organisers list follow-ups in the cohort files (sessions of kind ``follow_up``), as the course page
lists them. A follow-up is a *programme event*: the same follow-up listed in several cohorts'
files (the same ``id``, or without one the same start) is one event, and every graduate of the
programme is invited once and reminded once per offset, whichever cohort they took.

* **When files disagree** about an event (one file moved or renamed it, another still lists it
  as it was), the latest word wins: the event is as the listing written most recently gives it
  (``Course.follow_up_edits``: when each file last moved, renamed or began listing it; saving a
  file again without touching a follow-up is no new word). Listings never written since their
  edit times were kept count as the oldest; among equally old ones, the cohort that started first
  decides. A follow-up without an ``id`` is known by its start, so a file that moves one lists
  another event: give follow-ups an ``id`` to move them.
* The **host** of an event is the cohort whose details its messages carry (title, joining link,
  Reply-To): of the cohorts listing it as it now is, the one that started first, ties broken by
  course id. Its reminders go at the offsets of each person's own cohort (the booking the
  messages are about: ``graduates``), never at the host's. Hosts change (a move in a later
  cohort's file, an earlier cohort loaded after an event was announced), so the calendars'
  ORGANIZER of an event is not
  the host's address but the service's own (``services.calendars.event_organizer``): calendars
  match later messages about an event by UID *and* ORGANIZER.
* A **change** to an event (moved, renamed, removed from every file, added) is announced to
  everyone who holds it (``holders``): every person with a confirmed booking in the programme
  who was sent it (a confirmation, new dates, an invitation, a change notice) and not since told
  it was taken out, whatever their own cohort's file lists now.
* A **graduate** of an event is a person with a confirmed booking on a cohort of the programme
  whose core sessions have all ended before the event starts, whatever year. One person is one
  graduate however many cohorts they took: people are told apart by their address digest. On a
  cohort that keeps a register (``completion_min_sessions``), the booking must also have
  completed it: its register closed with enough sessions attended (``domain.register``); until
  the register is closed nobody of that cohort is a graduate, so their invitations wait.

Pure: no I/O, no clock.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime

from booking.domain.application import Application, ApplicationStatus
from booking.domain.course import (
    Course,
    CourseDefinition,
    ScheduledSession,
    SessionKind,
)
from booking.domain.emails import FollowUpRecipient
from booking.domain.invitations import Told
from booking.domain.people import address_digest
from booking.domain.register import completed, may_yet_complete


def programme_of(course: Course) -> str:
    """A course without a programme is a programme of its own."""
    return course.definition.programme or course.course_id


def programme_title(programme: str, titles: Iterable[str]) -> str:
    """What a programme is called where a person reads it: the title its cohorts share (most
    of them, the earliest's on a tie), from ``titles`` in the cohorts' order, the earliest
    first; its slug only when it has no cohort. A title carries no dates: each cohort's first
    day is said beside it."""
    listed = [title.strip() for title in titles if title.strip()]
    if not listed:
        return programme
    return max(listed, key=lambda title: (listed.count(title), -listed.index(title)))


def moves_programme(course: Course, definition: CourseDefinition) -> bool:
    """Whether saving ``definition`` over ``course`` puts the cohort in another programme."""
    return programme_of(course) != (definition.programme or course.course_id)


def person_key(email: str) -> str:
    """How reminder claims, job ids and calendar UIDs name a person without their address."""
    return f"P{address_digest(email)[:32]}"


@dataclass(frozen=True)
class FollowUpEvent:
    """A programme's follow-up session, as the cohort that hosts it lists it."""

    programme: str
    key: str  # the session key, shared by every cohort that lists the event
    session: ScheduledSession  # as the host lists it
    host: Course

    @property
    def about(self) -> str:
        """What the event's reminder claims are about (never a course: it is the programme's)."""
        return event_about(self.programme, self.key)

    def to(self, person: str, application: Application) -> FollowUpRecipient:
        """A message about this event, as it is now, to ``person`` about ``application``."""
        return FollowUpRecipient(
            person=person,
            application_id=application.application_id,
            programme=self.programme,
            event_key=self.key,
            session_start=self.session.start,
            host_course_id=self.host.course_id,
        )


def event_about(programme: str, key: str) -> str:
    """How claims, and the record of whom it was sent to, name a programme's event."""
    return f"PROGRAMME#{programme}#{key}"


Listing = tuple[Course, ScheduledSession]


def follow_up_events(courses: Iterable[Course]) -> list[FollowUpEvent]:
    """Every follow-up event of the programmes of ``courses``, once each, soonest first: as the
    latest word about it gives it, hosted by the first-started cohort listing it so."""
    listed: dict[tuple[str, str], list[Listing]] = {}
    for course in courses:
        for session in course.schedule:
            if session.kind is SessionKind.FOLLOW_UP:
                listed.setdefault((programme_of(course), session.key), []).append((course, session))
    events = []
    for (programme, key), listings in listed.items():
        latest = min(listings, key=lambda pair: (-_written(pair), *_seniority(pair)))
        agreeing = [pair for pair in listings if same_form(pair[1], latest[1])]
        host, session = min(agreeing, key=_seniority)
        events.append(FollowUpEvent(programme, key, session, host))
    return sorted(events, key=lambda e: (e.session.start, e.programme, e.key))


def same_form(one: ScheduledSession, other: ScheduledSession) -> bool:
    """Whether two listings say the same of an event: when it starts and ends, what it is called."""
    return (one.start, one.end, one.title) == (other.start, other.end, other.title)


def _written(listing: Listing) -> float:
    course, session = listing
    edited = course.follow_up_edits.get(session.key)
    return edited.timestamp() if edited else -math.inf


def _seniority(listing: Listing) -> tuple[float, str]:
    course = listing[0]
    return course.first_start().timestamp(), course.course_id


def follow_up_edits(
    previous: Course | None, definition: CourseDefinition, now: datetime
) -> dict[str, datetime]:
    """When each follow-up ``definition`` lists was last written, for the course it replaces:
    ``now`` where the file moves, renames or begins listing one; kept where it lists one as
    before (a file saved again is no new word about its unchanged follow-ups)."""
    before = {s.key: s for s in previous.schedule} if previous else {}
    kept = previous.follow_up_edits if previous else {}
    edits: dict[str, datetime] = {}
    for session in definition.schedule():
        if session.kind is not SessionKind.FOLLOW_UP:
            continue
        old = before.get(session.key)
        if old is None or old.kind is not SessionKind.FOLLOW_UP or not same_form(old, session):
            edits[session.key] = now
        elif session.key in kept:
            edits[session.key] = kept[session.key]
    return edits


@dataclass(frozen=True)
class EventChange:
    """What one replacement of a cohort's file did to one of the programme's events."""

    before: FollowUpEvent | None  # None: added
    after: FollowUpEvent | None  # None: removed (no cohort lists it any more)

    @property
    def event(self) -> FollowUpEvent:
        """The event as it is now, or as it was for a removed one."""
        event = self.after or self.before
        assert event is not None
        return event

    @property
    def what(self) -> str:
        """What a person is told changed: ``added`` (listed again, or new), ``removed`` (no
        file lists it: cancelled), ``moved`` (its start), ``retimed`` (its end alone),
        ``renamed``, ``moved_renamed`` (its time and its title), or ``relinked`` (its
        joining link alone)."""
        if self.before is None:
            return "added"
        if self.after is None:
            return "removed"
        was, now = self.before.session, self.after.session
        if same_form(was, now):
            return "relinked"
        renamed = was.title != now.title
        if (was.start, was.end) != (now.start, now.end):
            return "moved_renamed" if renamed else "moved" if was.start != now.start else "retimed"
        return "renamed"


def event_changes(
    before: Iterable[FollowUpEvent],
    after: Iterable[FollowUpEvent],
    now: datetime | None = None,
) -> list[EventChange]:
    """The events whose form (start, end, title) or joining link (their host's) differs
    between two views of the programmes, soonest first. A new host alone is no change unless
    its link is another: nothing else a calendar holds differs (a host that
    stops listing an event, moves later or changes its link changes every entry's link). With
    ``now``, only changes that are news: nothing about a past event is announced (one moved to
    a time already past, or removed after it took place)."""
    was = {(e.programme, e.key): e for e in before}
    is_ = {(e.programme, e.key): e for e in after}
    changes = [
        EventChange(was.get(key), is_.get(key))
        for key in {**was, **is_}
        if key not in was
        or key not in is_
        or not same_form(was[key].session, is_[key].session)
        or joining_link(was[key]) != joining_link(is_[key])
    ]
    changes = [c for c in changes if now is None or c.event.session.start > now]
    return sorted(changes, key=lambda c: (c.event.session.start, c.event.programme, c.event.key))


def joining_link(event: FollowUpEvent) -> str:
    """The link an event's calendar entries and messages carry: its host's ("" for none)."""
    return str(event.host.definition.joining_url or "")


def as_told(change: EventChange, told: Told | None) -> EventChange | None:
    """``change`` as the person it reaches sees it: from the start and end their calendar was
    last sent (``told``; None: not recorded, the change as the files made it), not from the
    last saved listing, which may be a move to a time already past that nobody was told of
    at the time. None when it leaves what they hold as it is (a new link is news: the
    record keeps no links)."""
    if told is None or change.before is None or change.after is None:
        return change
    held = {"start": told.start, "end": told.end}
    was = change.before.session.model_copy(
        update=held if told.title is None else {**held, "title": told.title}
    )
    relinked = joining_link(change.before) != joining_link(change.after)
    if same_form(was, change.after.session) and not relinked:
        return None
    return EventChange(replace(change.before, session=was), change.after)


def holders(
    event: FollowUpEvent,
    bookings: Iterable[tuple[Course, Application]],
    *,
    told: Mapping[str, bool],
    invited: Collection[str],
    relisted: bool = False,
    removed: bool = False,
) -> dict[str, Application]:
    """Person key -> the booking a message about a change to ``event`` is about: everyone with
    a confirmed booking in the programme who holds the event, from what they were sent, never
    from what the files list now.

    ``told``: person key -> whether they hold it, for everyone a message put it in the calendar
    of (a confirmation, a "Changed dates", an invitation, a change notice) or took it out of.
    Whoever was told of it holds it until told it was taken out, whatever their own cohort's
    file says since. ``invited``: person keys with a claim on its invitation, which counts as
    told (an invitation decided before a move is not sent; the move's notice goes instead).
    ``relisted``: the event is listed again after no file listed it; those told it was
    cancelled hear that it is back.

    A booking whose register closed without it completing is no way in, as for what the
    person is down for (``follow_ups_held``): its confirmation put the event in their calendar
    before the register decided, but they are not invited, so they hear of no change ("your
    reminders will come", and none ever did), but its cancellation (``removed``) while
    it is in their calendar: closing took it out unless that was still to go.

    The person's booking on the host cohort is preferred, then their earliest."""
    holding = {person for person, holds in told.items() if holds or relisted}
    holding |= {person for person in invited if person not in told}
    counts = (lambda _c, _a: True) if removed else hears_of_follow_ups
    each = _each_persons_booking(event, bookings, counts=counts)
    # An erased booking has no address left to tell (counted, never sent).
    return {
        person: application
        for person, application in each.items()
        if person in holding and not application.is_erased
    }


def follow_ups_held(
    person: str,
    events: Iterable[FollowUpEvent],
    bookings: Iterable[tuple[Course, Application]],
    *,
    invited: Collection[str],
) -> set[str]:
    """The keys of the programme's events ``person`` is down for now, from their bookings as
    they are now: every event the cohort of one of their confirmed bookings lists (its
    confirmation, or a move's message, puts it in their calendar; a booking whose register
    closed without it completing is no way in), and every event they were
    invited to as a graduate (``invited``: event keys with an invitation claim for them) while
    a booking of theirs still makes them one. What a person was sent and is no longer down for
    is taken out of their calendar (a move, a cancellation: ``services.calendars``).

    ``bookings``: the person's bookings with their courses (others' are ignored)."""
    mine = [(c, a) for c, a in bookings if person_key(a.answers.email) == person]
    held = set()
    for event in events:
        listing = _each_persons_booking(event, mine, counts=_listing(event.key))
        # Invited: the invitation's tick found them a graduate then; what counts here is whether
        # a booking of theirs still makes them one by the event (the same rule, at its start).
        graduate = event.key in invited and person in graduates(event, mine, event.session.start)
        if person in listing or graduate:
            held.add(event.key)
    return held


def _listing(key: str) -> Callable[[Course, Application], bool]:
    """Whether a booking's cohort lists the follow-up ``key``, the booking completing it or
    still able to (one whose register closed without it completing is no way in)."""
    return lambda course, application: (
        hears_of_follow_ups(course, application)
        and any(s.key == key and s.kind is SessionKind.FOLLOW_UP for s in course.schedule)
    )


def as_held(course: Course, events: Iterable[FollowUpEvent]) -> Course:
    """The course as people are shown it: each follow-up its file lists as the programme's
    event now is (the file may still list one as it was before another cohort's file moved or
    renamed it). ``events``: the programme's, as ``follow_up_events`` gives them."""
    programme = programme_of(course)
    listed = {s.key for s in course.definition.schedule() if s.kind is SessionKind.FOLLOW_UP}
    held = {e.key: e.session for e in events if e.programme == programme and e.key in listed}
    return course.model_copy(update={"held_follow_ups": held}) if held else course


def hears_of_follow_ups(course: Course, application: Application) -> bool:
    """The one rule of whom a booking tells of the programme's follow-ups at all, whatever
    path a follow-up took (new, listed again, moved, renamed, its file saved again) and
    whatever message carries it (a confirmation, "Changed dates", a move's message, a change
    notice, an invitation): one that completed its cohort, or still may (its register not
    closed, or the cohort keeps none). One whose register closed without it completing is no
    way in. An invitation asks more (``graduated``)."""
    return may_yet_complete(course, application)


def told_sessions(
    course: Course, application: Application, sessions: Iterable[ScheduledSession]
) -> list[ScheduledSession]:
    """``sessions`` (of ``course``) as a message about ``application`` lists them and puts
    them in a calendar: the follow-ups only for a booking that hears of them."""
    hears = hears_of_follow_ups(course, application)
    return [s for s in sessions if hears or s.kind is not SessionKind.FOLLOW_UP]


def graduated(
    course: Course, application: Application, event: FollowUpEvent, now: datetime
) -> bool:
    """The one rule of who is a graduate of ``event`` at ``now`` (docs/features/
    programmes-and-follow-ups.md, *Who is a graduate*):
    the booking's cohort's core sessions have all ended, before the event starts and by
    ``now`` (an invitation due while the cohort still runs waits for its last session, as a
    register's wait for its closing), and it completed as the course defines it
    (its closed register; a cohort keeping none, its sessions having ended). A course without
    core sessions is nothing to graduate from."""
    core = [s for s in course.schedule if s.kind is SessionKind.CORE]
    if not core:
        return False
    ended = max(s.end for s in core)
    return (
        ended <= event.session.start
        and ended <= now
        and hears_of_follow_ups(course, application)
        and completed(course, application)
    )


def graduates(
    event: FollowUpEvent, bookings: Iterable[tuple[Course, Application]], now: datetime
) -> dict[str, Application]:
    """Person key -> the booking the event's messages to that person are about, for everyone
    who is a graduate of it at ``now`` (``graduated``).

    ``bookings``: the programme's applications with their courses. The person's booking on the
    host cohort is preferred (it names the course the event belongs to), else their earliest.
    """
    return _each_persons_booking(
        event,
        bookings,
        counts=lambda course, application: graduated(course, application, event, now),
    )


def _each_persons_booking(
    event: FollowUpEvent,
    bookings: Iterable[tuple[Course, Application]],
    *,
    counts: Callable[[Course, Application], bool],
) -> dict[str, Application]:
    """Person key -> the one booking a message about ``event`` to that person is about: a
    confirmed booking, not erased, on a course of the event's programme that ``counts``; their
    booking on the host cohort if they have one (it names the course the event belongs to), else
    their earliest."""
    eligible = [
        (course, application)
        for course, application in bookings
        if application.status is ApplicationStatus.CONFIRMED
        and not application.is_erased
        and programme_of(course) == event.programme
        and counts(course, application)
    ]
    eligible.sort(
        key=lambda p: (
            p[0].course_id != event.host.course_id,
            p[1].created_at,
            p[1].application_id,
        )
    )
    people: dict[str, Application] = {}
    for _, application in eligible:
        people.setdefault(person_key(application.answers.email), application)
    return people
