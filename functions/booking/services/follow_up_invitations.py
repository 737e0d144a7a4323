"""A programme's follow-up invitations as an organiser reads them: for each
follow-up event, who is invited (its graduates, by the rule the scheduled run queues the
invitations with: ``domain.programme.graduates``), whom the invitation was sent to and when,
and when the rest go; and an organiser's press that sends one graduate's invitation again, or
invites a graduate before the invitations' own day.

The scheduled run invites each graduate once (``services.reminders``: its claim per person
and event is the record read here). Sending one again is a message of its own, keyed by the
press (the form's ``press`` value): the same press posted twice, or twice at once, is one
message (the mailer sends a job id once), two presses are two. Inviting now is the scheduled
run's own invitation, claimed early: the same claim per person and event (whoever claims it
first sends it, the other finds it claimed), the same message, so a graduate invited now is
never invited again when the day comes, and a second press sends nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from booking.domain.application import Application, ApplicationStatus
from booking.domain.course import Course
from booking.domain.emails import EmailJob, EmailKind
from booking.domain.errors import Conflict, InvalidInput, NotFound
from booking.domain.graduation import graduated_at
from booking.domain.programme import (
    FollowUpEvent,
    follow_up_events,
    graduates,
    person_key,
    programme_of,
)
from booking.domain.reminders import FOLLOW_UP_INVITATION_LEAD, INVITATION
from booking.services.concurrency import retried
from booking.services.ports import Ports, ReminderMarker
from booking.services.reminder_claims import ReminderClaims

# What a press is named by in the job id: the form's random value, never anything personal.
_PRESS = re.compile(r"[A-Za-z0-9_-]{8,64}")
# The mailer's states of a job whose message went to SES (``services.email_claims``).
_SENT_STATES = frozenset({"sent", "sent_unconfirmed"})


@dataclass(frozen=True)
class Invited:
    """One graduate of an event: the booking its messages are about, on ``course``; the
    invitation as the scheduled run decided it (``decided_at``; None: not yet) and as the
    mailer sent it (``sent_at``; None: not sent)."""

    application: Application
    course: Course
    decided_at: datetime | None
    sent_at: datetime | None


@dataclass(frozen=True)
class EventInvitations:
    """One follow-up event: when its invitations go (``goes_at``: the lead before it), its
    graduates now (``invited``) and those who will be one by its start once their cohort has
    ended (``later``: invited then, if they complete it)."""

    event: FollowUpEvent
    goes_at: datetime
    invited: tuple[Invited, ...]
    later: tuple[tuple[Course, Application], ...]


@dataclass(frozen=True)
class Graduate:
    """One booking that made its person a graduate of the programme: its
    cohort, when (``domain.graduation.graduated_at``), and the follow-ups its person was invited
    to (their keys, soonest first)."""

    application: Application
    course: Course
    graduated_at: datetime
    invited_to: tuple[str, ...]


@dataclass(frozen=True)
class ProgrammeInvitations:
    programme: str
    cohorts: tuple[Course, ...]  # the earliest first
    events: tuple[EventInvitations, ...]
    now: datetime
    graduates: tuple[Graduate, ...] = ()  # by cohort, then name


def _cohorts(ports: Ports, programme: str) -> list[Course]:
    cohorts = [c for c in ports.repository.list_courses() if programme_of(c) == programme]
    if not cohorts:
        raise NotFound(f"no course is in the programme {programme!r}")
    return sorted(cohorts, key=lambda c: (c.first_start(), c.course_id))


def _bookings(ports: Ports, cohorts: list[Course]) -> list[tuple[Course, Application]]:
    return [
        (course, application)
        for course in cohorts
        for application in ports.repository.list_applications(course.course_id)
        if application.status is ApplicationStatus.CONFIRMED
    ]


def programme_invitations(ports: Ports, programme: str) -> ProgrammeInvitations:
    """Every follow-up event of ``programme``, soonest first, with its invitations."""
    cohorts = _cohorts(ports, programme)
    bookings = _bookings(ports, cohorts)
    now = ports.clock()
    events = tuple(
        _event_invitations(ports, event, bookings, now)
        for event in follow_up_events(cohorts)
        if event.programme == programme
    )
    return ProgrammeInvitations(
        programme, tuple(cohorts), events, now, _graduates(bookings, events, now)
    )


def _graduates(
    bookings: list[tuple[Course, Application]],
    events: tuple[EventInvitations, ...],
    now: datetime,
) -> tuple[Graduate, ...]:
    """Every booking that made its person a graduate, with the follow-ups its person was
    invited to (an invitation goes to a person, about one of their bookings)."""
    invited: dict[str, list[str]] = {}
    for item in events:
        for one in item.invited:
            if one.decided_at is not None:
                person = person_key(one.application.answers.email)
                invited.setdefault(person, []).append(item.event.key)
    found = [
        Graduate(
            application,
            course,
            when,
            tuple(invited.get(person_key(application.answers.email), ())),
        )
        for course, application in bookings
        if (when := graduated_at(course, application, now)) is not None
    ]
    return tuple(
        sorted(
            found,
            key=lambda g: (
                g.course.first_start(),
                g.course.course_id,
                g.application.answers.name.casefold(),
                g.application.application_id,
            ),
        )
    )


def _event_invitations(
    ports: Ports, event: FollowUpEvent, bookings: list[tuple[Course, Application]], now: datetime
) -> EventInvitations:
    cohort_of = {a.application_id: c for c, a in bookings}
    claims = {m.recipient: m for m in ports.repository.invitations_to(event.about)}
    invited = graduates(event, bookings, now)
    # Graduates by the event's start: those whose cohort has not ended yet are invited then.
    by_start = graduates(event, bookings, event.session.start)
    return EventInvitations(
        event=event,
        goes_at=event.session.start - FOLLOW_UP_INVITATION_LEAD,
        invited=tuple(
            _invited(ports, application, cohort_of[application.application_id], claims.get(person))
            for person, application in invited.items()
        ),
        later=tuple(
            (cohort_of[application.application_id], application)
            for person, application in by_start.items()
            if person not in invited
        ),
    )


def _invited(
    ports: Ports, application: Application, course: Course, claim: ReminderMarker | None
) -> Invited:
    job = claim.job if claim is not None else None
    if job is None:
        return Invited(application, course, None, None)
    held = ports.repository.email_claim(job.job_id)
    sent_at = held.claimed_at if held is not None and held.state in _SENT_STATES else None
    return Invited(application, course, job.planned_at, sent_at)


def send_invitation_again(
    ports: Ports, programme: str, event_key: str, application_id: str, press: str
) -> Application:
    """Send the invitation to ``event_key`` again to the graduate whose booking is
    ``application_id``, once per ``press``. Refused in words when the event has taken place,
    when the booking is not a graduate's of it, or before their invitation was first sent (it
    then goes by itself, at its time)."""
    if not _PRESS.fullmatch(press):
        raise InvalidInput("Press the button on the page again.", fields={"press": "missing"})
    event, cohort, booking, person, now = _graduate_of(ports, programme, event_key, application_id)
    claims = {m.recipient for m in ports.repository.invitations_to(event.about)}
    if person not in claims:
        raise Conflict(
            "their invitation has not been sent yet: it goes by itself", code="not_yet_invited"
        )
    first = EmailJob.follow_up(
        EmailKind.FOLLOW_UP_INVITATION, event.to(person, booking), planned_at=now
    )
    job = first.model_copy(update={"job_id": f"{first.job_id}:again-{press}"})

    def write(current: Application) -> Application:
        if any(j.job_id == job.job_id for j in current.outbox):
            return current  # this press was written already (sent twice, or twice at once)
        # Decided again on the booking as read for this write, which holds only while it is
        # as read: a cancel or an erasure landing meanwhile is refused, never "sent again"
        # while the mailer drops it.
        if _graduate(event, [(cohort, current)], application_id, now) != person:
            raise _not_invited()
        new = current.model_copy(update={"updated_at": now}).with_emails(job)
        return ports.repository.save(new, current)

    return retried(write, lambda: _application(ports, application_id), first=booking)


def invite_now(ports: Ports, programme: str, event_key: str, application_id: str) -> bool:
    """Invite the graduate whose booking is ``application_id`` to ``event_key`` now, before the
    invitations' own day, by the scheduled run's claim: True when this press invited them,
    False when they were invited already (by the run or an earlier press: nothing is sent).
    Pressed as a reminder of it is due, the invitation is that reminder, as the run's is
    (``services.reminder_claims``): no reminder follows it minutes later.
    Refused in words when the follow-up has taken place or the booking is not a graduate's.
    The message goes through the booking's outbox (the console sends no queue message); a
    crash after the claims leaves it for the next scheduled run, which re-queues it."""
    event, cohort, booking, person, now = _graduate_of(ports, programme, event_key, application_id)
    offsets = cohort.definition.reminder_offsets_hours
    claimed = ReminderClaims(ports, now).invite(event, person, booking, offsets)
    job = next((m.job for m in claimed if m.job is not None), None)
    if job is None:
        return False

    def write(current: Application) -> Application:
        if any(j.job_id == job.job_id for j in current.outbox):
            return current
        new = current.model_copy(update={"updated_at": now}).with_emails(job)
        return ports.repository.save(new, current)

    retried(write, lambda: _application(ports, application_id), first=booking)
    for marker in claimed:
        ports.repository.mark_reminder_queued(marker, now)
    # Only the reminder's claim was this press's: a run claimed the invitation meanwhile, with
    # the same job id (the mailer sends it once).
    return any(m.offset == INVITATION for m in claimed)


def _graduate_of(
    ports: Ports, programme: str, event_key: str, application_id: str
) -> tuple[FollowUpEvent, Course, Application, str, datetime]:
    """The event, the booking's cohort, the booking and its person, and now: refused in words
    when the follow-up has taken place or the booking is not a graduate invited to it."""
    cohorts = _cohorts(ports, programme)
    now = ports.clock()
    event = next(
        (e for e in follow_up_events(cohorts) if e.programme == programme and e.key == event_key),
        None,
    )
    if event is None:
        raise NotFound(f"no follow-up {event_key!r} in the programme {programme!r}")
    if event.session.start <= now:
        raise Conflict("this follow-up has taken place", code="follow_up_started")
    bookings = _bookings(ports, cohorts)
    person = _graduate(event, bookings, application_id, now)
    cohort, booking = next((c, a) for c, a in bookings if a.application_id == application_id)
    return event, cohort, booking, person, now


def _graduate(
    event: FollowUpEvent,
    bookings: list[tuple[Course, Application]],
    application_id: str,
    now: datetime,
) -> str:
    """The person whose booking ``application_id`` (among ``bookings``) makes them a graduate
    invited to ``event`` (``domain.programme.graduates``); refused in words when it does not."""
    people = graduates(event, bookings, now)
    person = next((p for p, a in people.items() if a.application_id == application_id), None)
    if person is None:
        raise _not_invited()
    return person


def _not_invited() -> Conflict:
    return Conflict("this booking is not a graduate invited to this follow-up", code="not_invited")


def _application(ports: Ports, application_id: str) -> Application:
    application = ports.repository.get_application(application_id)
    if application is None:
        raise NotFound(f"no application {application_id!r}")
    return application
