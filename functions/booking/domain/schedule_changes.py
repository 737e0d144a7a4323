"""What a new course definition did to the sessions people already hold: the changes told to
them ("Changed dates", a renaming, a session gone or added), decided once, here."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from booking.domain.course import CourseDefinition
from booking.domain.sessions import ScheduledSession, SessionKind, retitled


@dataclass(frozen=True)
class ScheduleChanges:
    """What a new definition did to the sessions people already hold, by session key."""

    changed: tuple[str, ...] = ()  # moved (start or end) or renamed
    removed: tuple[str, ...] = ()  # core sessions no longer held
    removed_follow_ups: tuple[str, ...] = ()
    added: tuple[str, ...] = ()
    # Every change is a new title alone: no session moved, came or went (said as a renaming,
    # not as "Changed dates").
    renamed_only: bool = False
    # The joining link the calendars hold (every entry's LOCATION and URL) is another now
    #: told with the sessions, in the same message and calendar update.
    relinked: bool = False

    def __bool__(self) -> bool:
        moved = self.changed or self.removed or self.removed_follow_ups or self.added
        return bool(moved or self.relinked)


def schedule_changes(
    before: CourseDefinition, after: CourseDefinition, now: datetime | None = None
) -> ScheduleChanges:
    """What ``after`` did to the sessions of ``before``. With ``now``, only what is news to
    people: nothing about a past session is announced (one moved or added to a time already
    past, or removed after it took place, is no change to tell anyone of), and a new joining
    link is news only while a session is still to come."""
    old = {s.key: s for s in before.schedule()}
    new = {s.key: s for s in after.schedule()}
    gone = [session for key, session in old.items() if key not in new and _to_come(session, now)]
    changed = _changed(old, new, now)
    added = tuple(key for key, s in new.items() if key not in old and _to_come(s, now))
    retimed = any((new[k].start, new[k].end) != (old[k].start, old[k].end) for k in changed)
    return ScheduleChanges(
        changed=changed,
        removed=tuple(s.key for s in gone if s.kind is SessionKind.CORE),
        removed_follow_ups=tuple(s.key for s in gone if s.kind is SessionKind.FOLLOW_UP),
        added=added,
        renamed_only=bool(changed) and not (retimed or gone or added),
        relinked=relinked(before, after) and any(_to_come(s, now) for s in new.values()),
    )


def relinked(before: CourseDefinition, after: CourseDefinition) -> bool:
    """Whether ``after`` gives the cohort's sessions another joining link than ``before``."""
    return str(before.joining_url or "") != str(after.joining_url or "")


def _changed(
    old: dict[str, ScheduledSession], new: dict[str, ScheduledSession], now: datetime | None
) -> tuple[str, ...]:
    # The sessions still listed, still to come, whose times or title the save changed.
    return tuple(
        key
        for key, session in new.items()
        if key in old and _to_come(session, now) and _listed_anew(old[key], session)
    )


def _listed_anew(was: ScheduledSession, now: ScheduledSession) -> bool:
    # What a change to a session is: its times or its title (a renumbered default title is
    # none: ``sessions.retitled``).
    return (was.start, was.end) != (now.start, now.end) or retitled(was.title, now.title)


def _to_come(session: ScheduledSession, now: datetime | None) -> bool:
    return now is None or session.start > now


# How far the widest change of dates a course's form counts for moves every session: a day,
# earlier when that leaves its soonest session still to come (an earlier apply-by date is told
# to a group's colleagues as well as its manager), else later; a week where a day lands on a
# wall-clock time the clocks skip or repeat.
_PREVIEW_STEPS = (timedelta(days=-1), timedelta(days=1), timedelta(days=-7), timedelta(days=7))


def every_session_moved(definition: CourseDefinition, now: datetime) -> CourseDefinition:
    """``definition`` with every session moved by one step, each keeping its key (given as its
    ``id``): the change of dates a save could make that emails the most people. What the
    course's form says a change of dates emails is counted by running the save's own decision
    on this (``services.change_messages.date_change_emails``), so it cannot drift from the
    emails a save sends."""
    scheduled = definition.schedule()
    written = sorted(
        enumerate(definition.sessions), key=lambda pair: (pair[1].date, pair[1].start_time)
    )
    keys = {position: s.key for (position, _), s in zip(written, scheduled, strict=True)}
    soonest = min((s.start for s in scheduled if s.start > now), default=None)
    steps = sorted(_PREVIEW_STEPS, key=lambda step: soonest is None or soonest + step <= now)
    for step in steps:
        moved = definition.model_copy(
            update={
                "sessions": [
                    s.model_copy(update={"date": s.date + step, "id": keys[position]})
                    for position, s in enumerate(definition.sessions)
                ]
            }
        )
        try:
            moved.schedule()
        except ValueError:
            continue  # a skipped or repeated wall-clock time that day
        return moved
    return definition
