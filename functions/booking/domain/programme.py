"""A programme: cohorts (courses) that share follow-up sessions, and the graduates invited to them.

Organisers list follow-ups in the cohort files (sessions of kind ``follow_up``), as the course page
lists them. A follow-up is a *programme event*: the same follow-up listed in several cohorts'
files (the same ``id``, or without one the same start) is one event, and every graduate of the
programme is invited once and reminded once per offset, whichever cohort they took.

* The **host** of an event is the cohort whose details its messages carry (title, joining link,
  Reply-To, reminder offsets): of the cohorts listing it, the one that started first, ties
  broken by course id. A cohort that starts earlier may be loaded after an event was announced
  and become its host, so the calendars' ORGANIZER of an event is not the host's address but
  the service's own (``services.calendars.event_organizer``): calendars match later messages
  about an event by UID *and* ORGANIZER.
* A **graduate** of an event is a person with a confirmed booking on a cohort of the programme
  whose core sessions have all ended before the event starts, whatever year. One person is one
  graduate however many cohorts they took: people are told apart by their address digest.

Pure: no I/O, no clock.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from booking.domain.application import Application, ApplicationStatus
from booking.domain.course import Course, ScheduledSession, SessionKind
from booking.domain.people import address_digest


def programme_of(course: Course) -> str:
    """A course without a programme is a programme of its own."""
    return course.definition.programme or course.course_id


def person_key(email: str) -> str:
    """How reminder claims, job ids and calendar UIDs name a person without their address."""
    return f"P{address_digest(email)[:32]}"


@dataclass(frozen=True)
class FollowUpEvent:
    programme: str
    key: str  # the session key, shared by every cohort that lists the event
    session: ScheduledSession  # as the host lists it
    host: Course

    @property
    def about(self) -> str:
        """What the event's reminder claims are about (never a course: it is the programme's)."""
        return f"PROGRAMME#{self.programme}#{self.key}"


def follow_up_events(courses: Iterable[Course]) -> list[FollowUpEvent]:
    """Every follow-up event of the programmes of ``courses``, once each, soonest first."""
    listed: dict[tuple[str, str], list[tuple[Course, ScheduledSession]]] = {}
    for course in courses:
        for session in course.schedule:
            if session.kind is SessionKind.FOLLOW_UP:
                listed.setdefault((programme_of(course), session.key), []).append((course, session))
    events = []
    for (programme, key), listings in listed.items():
        host, session = min(listings, key=lambda pair: (_started(pair[0]), pair[0].course_id))
        events.append(FollowUpEvent(programme, key, session, host))
    return sorted(events, key=lambda e: (e.session.start, e.programme, e.key))


def _started(course: Course) -> float:
    return course.first_start().timestamp()


def completed_before(course: Course, event: FollowUpEvent) -> bool:
    """Whether a booking on ``course`` has finished its core sessions before ``event`` starts.
    A course without core sessions is nothing to graduate from."""
    core = [s for s in course.schedule if s.kind is SessionKind.CORE]
    return bool(core) and max(s.end for s in core) <= event.session.start


def graduates(
    event: FollowUpEvent, bookings: Iterable[tuple[Course, Application]]
) -> dict[str, Application]:
    """Person key -> the booking the event's messages to that person are about.

    ``bookings``: the programme's applications with their courses. The person's booking on the
    host cohort is preferred (it names the course the event belongs to), else their earliest.
    """
    qualifying = [
        (course, application)
        for course, application in bookings
        if application.status is ApplicationStatus.CONFIRMED
        and not application.is_erased
        and programme_of(course) == event.programme
        and completed_before(course, event)
    ]
    qualifying.sort(
        key=lambda p: (
            p[0].course_id != event.host.course_id,
            p[1].created_at,
            p[1].application_id,
        )
    )
    people: dict[str, Application] = {}
    for _, application in qualifying:
        people.setdefault(person_key(application.answers.email), application)
    return people
