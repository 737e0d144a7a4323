"""What a save of a cohort's file tells its own attendees in "Changed dates": their sessions
that moved, came, went or were renamed, the follow-ups it began listing, and a new joining
link, decided once, here (``services.change_messages``).

Pure: no I/O, no clock.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from booking.domain.application import Application, ApplicationStatus
from booking.domain.course import Course, SessionKind
from booking.domain.programme import EventChange, hears_of_follow_ups, joining_link
from booking.domain.schedule_changes import ScheduleChanges


def changed_dates(
    course: Course, own: ScheduleChanges, changes: Iterable[EventChange]
) -> ScheduleChanges | None:
    """What the "Changed dates" message to the attendees of ``course`` carries after its file
    was replaced (``own``: what the file did to its own list; ``changes``: what that did to the
    programme's events), or None when none of their own sessions changed: then they hear of a
    changed follow-up with everyone else who holds it.

    Their own sessions changed when a core session moved, was renamed, added or removed, their
    joining link changed (every calendar entry holds it), or the
    file began listing a follow-up (one of the programme's events, or a new one): their
    confirmation did not put it in their calendar, and nobody else would tell them of it. The
    follow-ups in the message are as the programme holds them, not as the file lists them.
    """
    kinds = {s.key: s.kind for s in course.schedule}
    programme = [
        c.event.key
        for c in changes
        if c.after is not None
        and kinds.get(c.event.key) is SessionKind.FOLLOW_UP
        # A new link alone is no changed date (``own.relinked`` says the cohort's own).
        and c.what != "relinked"
    ]
    core = [key for key in (*own.changed, *own.added) if kinds.get(key) is SessionKind.CORE]
    newly_listed = [key for key in own.added if kinds.get(key) is SessionKind.FOLLOW_UP]
    if not (core or own.removed or newly_listed or own.relinked):
        return None
    return ScheduleChanges(
        changed=tuple(dict.fromkeys((*core, *newly_listed, *programme))),
        removed=own.removed,
        removed_follow_ups=tuple(c.event.key for c in changes if c.after is None),
        # Renamed only when the file only renamed, its follow-ups' changes among its renames.
        renamed_only=own.renamed_only and set(programme) <= set(own.changed),
        relinked=own.relinked,
    )


def carried_by_dates(
    course: Course, dates: ScheduleChanges, changes: Iterable[EventChange]
) -> set[str]:
    """The programme's follow-ups (keys) the "Changed dates" message to ``course``'s attendees
    (``changed_dates``) tells them of, so that no notice of their own goes to them: every
    follow-up the file lists, as the programme now holds it, and those no file lists any more.
    Not one whose change is a new joining link alone, which that message does not mark
    (``changed_dates``) unless it is the cohort's own new link: another cohort taking over as
    its host (this one's first session moved later than that one's) gave it that cohort's
    link, and the message said nothing of it, its people's calendars changed unsaid."""
    own_link = str(course.definition.joining_url or "")
    unsaid = {
        c.event.key
        for c in changes
        if c.after is not None
        and c.what == "relinked"
        and not (dates.relinked and joining_link(c.after) == own_link)
    }
    listed = {s.key for s in course.schedule if s.kind is SessionKind.FOLLOW_UP}
    return (listed | set(dates.removed_follow_ups)) - unsaid


def dates_told(course: Course, application: Application, dates: ScheduleChanges) -> ScheduleChanges:
    """A save's "Changed dates" (``changed_dates``) as it may reach ``application``: without
    the follow-ups for a booking that hears of none (its own sessions' changes still reach it)."""
    if hears_of_follow_ups(course, application):
        return dates
    kinds = {s.key: s.kind for s in course.schedule}
    return replace(
        dates,
        changed=tuple(k for k in dates.changed if kinds.get(k) is not SessionKind.FOLLOW_UP),
        added=tuple(k for k in dates.added if kinds.get(k) is not SessionKind.FOLLOW_UP),
        removed_follow_ups=(),
    )


def told_of(own: ScheduleChanges, changes: Iterable[EventChange]) -> str:
    """What a save's messages (``changed_dates``, and the notices of ``changes``) tell people,
    for the organiser's notice: "dates", "link" (a new joining link alone),
    or "dates and link"."""
    listed = list(changes)
    relinked = own.relinked or any(c.what == "relinked" for c in listed)
    moved = bool(replace(own, relinked=False)) or any(c.what != "relinked" for c in listed)
    return "dates and link" if relinked and moved else "link" if relinked else "dates"


def hears_of_changes(application: Application) -> bool:
    """Whether a change of its cohort's sessions is told to ``application``'s person: a
    confirmed booking with an address (an erased one has none: once counted and
    never sent). Decided for the "Changed dates" message, and again as it is written."""
    return application.status is ApplicationStatus.CONFIRMED and not application.is_erased
