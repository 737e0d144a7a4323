"""A programme's follow-up events as the cohorts' files now give them, and who hears of a change.

Which listing decides an event, who hosts it and who holds it are the domain's rules
(``domain.programme``); this module reads what they need. A replacement of any cohort's file
can move, rename, remove or add one of the programme's events: everyone who holds the event
(was sent it, as the mailer recorded, and not told it was taken out) hears of it once, one
message per person per change, keyed by person, event and change
(``EmailJob.follow_up_changed``) and written with the person's booking like every email a
change decides. The attendees of a cohort whose own
sessions changed in the same replacement hear of it in their "Changed dates" message instead
(``services.change_messages``): one message, not two.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import replace

from booking.domain.application import Application
from booking.domain.course import Course, ScheduledSession, SessionKind
from booking.domain.emails import EmailJob, EmailKind
from booking.domain.follow_up_files import replies_moved_said
from booking.domain.programme import (
    EventChange,
    FollowUpEvent,
    as_held,
    as_told,
    follow_up_events,
    holders,
    joining_link,
    person_key,
    programme_of,
    programme_title,
)
from booking.domain.time_words import moment_when
from booking.services.ports import Ports


def current_event(ports: Ports, programme: str, key: str) -> FollowUpEvent | None:
    """The programme's event ``key`` as the files give it now; None if no cohort lists it."""
    cohorts = [c for c in ports.repository.list_courses() if programme_of(c) == programme]
    return next((e for e in follow_up_events(cohorts) if e.key == key), None)


def replies_said(ports: Ports, course: Course, keys: Sequence[str]) -> list[str]:
    """What a save of ``course`` said of the follow-ups (by ``keys``) whose replies it sent to
    another address (``domain.follow_up_files.replies_moved``), as they are now."""
    programme = programme_of(course)
    events = [current_event(ports, programme, key) for key in keys]
    return [replies_moved_said(event) for event in events if event is not None]


def held_schedule(ports: Ports, course: Course) -> list[ScheduledSession]:
    """The course's sessions, its follow-ups as the programme holds them now."""
    return courses_as_held(ports, [course])[0].schedule


def courses_as_held(
    ports: Ports, courses: Sequence[Course], every: Sequence[Course] | None = None
) -> list[Course]:
    """The courses as people are shown them (pages, the Course JSON, the console, the CLI):
    each follow-up as the programme's event now is, whichever cohort's file said so last.
    ``every``: every course, when the caller has read them already (else read here, and only
    when one of ``courses`` lists a follow-up)."""
    if not any(
        s.kind is SessionKind.FOLLOW_UP for course in courses for s in course.definition.schedule()
    ):
        return list(courses)
    events = follow_up_events(ports.repository.list_courses() if every is None else every)
    return [as_held(course, events) for course in courses]


def change_announcements(
    ports: Ports,
    changes: Sequence[EventChange],
    *,
    after: Sequence[Course],
    change: str,
    told: Collection[str] = (),
    carried: Collection[str] = (),
) -> list[tuple[Application, EmailJob]]:
    """(booking, message) for everyone holding each changed event (``domain.programme.holders``:
    from what they were sent), but those in ``told`` (person keys) for the events in
    ``carried`` (event keys): another message of this change tells them of those.
    ``after``: every course after the replacement named ``change``."""
    if not changes:
        return []
    programmes = {item.event.programme for item in changes}
    bookings = [
        (course, application)
        for course in after
        if programme_of(course) in programmes
        for application in ports.repository.list_applications(course.course_id)
    ]
    if not bookings:
        return []  # nobody booked in these programmes holds any event (a new cohort's save)
    announcements = []
    for item in changes:
        event = item.event
        sent = ports.repository.told_of(event.about)
        people = holders(
            event,
            bookings,
            told=sent,
            invited={marker.recipient for marker in ports.repository.invitations_to(event.about)},
            relisted=item.before is None,
            removed=item.after is None,
        )
        when = ports.repository.told_when(event.about)
        for person, application in people.items():
            if person not in sent:
                # Invited, never sent it (the invitation, decided for the time before, is not
                # sent): invited to it as it is now, no change from a time they never had.
                if item.after is not None:
                    announcements.append(
                        (application, _invitation(item.after, person, application, ports))
                    )
                continue
            seen = as_told(item, when.get(person))
            if seen is None or (person in told and event.key in carried):
                continue
            job = EmailJob.follow_up_changed(
                event.to(person, application),
                change=change,
                removed=seen.after is None,
                what=seen.what,
                was_start=seen.before.session.start if seen.before else None,
                was_title=seen.before.session.title if seen.before else None,
                relinked=seen.what != "relinked" and _link_changed(item),
            )
            announcements.append((application, job))
    return announcements


def _link_changed(change: EventChange) -> bool:
    """Whether an event's joining link (its host's) is another after ``change``."""
    if change.before is None or change.after is None:
        return False
    return joining_link(change.before) != joining_link(change.after)


def _invitation(
    event: FollowUpEvent, person: str, application: Application, ports: Ports
) -> EmailJob:
    """The invitation to ``event`` as it is now, for someone whose claimed invitation was
    decided for a time it no longer has: keyed by the new start, so it is not
    the one skipped, and sent once however often the change is retried."""
    return EmailJob.follow_up(
        EmailKind.FOLLOW_UP_INVITATION, event.to(person, application), planned_at=ports.clock()
    )


def worded_as_held(ports: Ports, job: EmailJob, application: Application) -> EmailJob | None:
    """A change notice worded, as the mailer sends it, from what the person's calendar holds
    (the TOLD record: start, end and title last sent) to the event as the files give it now;
    None when that is what they hold (renamed and renamed back before the mailer ran, or a
    notice overtaken by one already sent). Other messages as they are."""
    if (
        job.kind is not EmailKind.FOLLOW_UP_CHANGED
        # A new link is news as queued: the record keeps times and titles, not links.
        or job.follow_up_change in ("added", "relinked")
        or job.removed_follow_ups
        or job.programme is None
        or job.session_key is None
    ):
        return job
    event = current_event(ports, job.programme, job.session_key)
    told = None if event is None else ports.repository.told_when(event.about)
    held = None if told is None else told.get(person_key(application.answers.email))
    if event is None or held is None:
        return job
    # The title the file had before, where the record predates titles (as it was worded then).
    before = event.session.model_copy(update={"title": job.was_title or event.session.title})
    seen = as_told(EventChange(replace(event, session=before), event), held)
    if seen is None or seen.before is None:
        return None
    was = seen.before.session
    return job.model_copy(
        update={"follow_up_change": seen.what, "was_start": was.start, "was_title": was.title}
    )


def follow_up_choices(ports: Ports) -> list[tuple[str, str]]:
    """Every programme's follow-up events as the course form offers them, soonest first:
    (the id a cohort lists it by, what it is in words: its title, day and time in its host's
    zone, and its programme by the title its cohorts share, never its slug). Organisers choose
    one rather than type an id to match another cohort's."""
    courses = sorted(ports.repository.list_courses(), key=Course.first_start)
    choices = []
    for event in follow_up_events(courses):
        zone = event.host.definition.timezone
        when = moment_when(event.session.start, zone)
        titles = (c.definition.title for c in courses if programme_of(c) == event.programme)
        programme = f", {programme_title(event.programme, titles)}" if event.programme else ""
        choices.append((event.key, f"{event.session.title}, {when}{programme}"))
    return choices
