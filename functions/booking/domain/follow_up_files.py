"""What saving a cohort's file does to the programme's follow-ups that the organiser should
hear of before, or as, it is saved: a follow-up without an ``id`` that the file seems to move
(saved, and warned of).

Pure: no I/O, no clock.
"""

from __future__ import annotations

from datetime import timedelta

from booking.domain.course import CourseDefinition, ScheduledSession, SessionKind

# A follow-up without an id taken out of a file and one without an id put in closer than this
# look like one moved (they are monthly): without an id it became another event.
MOVE_WITHOUT_ID_WINDOW = timedelta(days=28)


def moved_without_id(before: CourseDefinition, after: CourseDefinition) -> list[ScheduledSession]:
    """The follow-ups without an ``id`` that ``after`` seems to move: each taken out of the
    file with one (also without an id) put in within :data:`MOVE_WITHOUT_ID_WINDOW` of it,
    paired nearest first. Known by its start, such a follow-up cannot move: the new start is
    a new event (and the old one, if no other file lists it, is cancelled). Soonest first."""
    old = {s.key: s for s in _unnamed_follow_ups(before)}
    new = {s.key: s for s in _unnamed_follow_ups(after)}
    dropped = [s for key, s in old.items() if key not in new]
    added = [s for key, s in new.items() if key not in old]
    moved = []
    for session in sorted(dropped, key=lambda s: s.start):
        near = [s for s in added if abs(s.start - session.start) <= MOVE_WITHOUT_ID_WINDOW]
        if near:
            added.remove(min(near, key=lambda s: abs(s.start - session.start)))
            moved.append(session)
    return moved


def _unnamed_follow_ups(definition: CourseDefinition) -> list[ScheduledSession]:
    named = {s.id for s in definition.sessions if s.id}
    return [
        s for s in definition.schedule() if s.kind is SessionKind.FOLLOW_UP and s.key not in named
    ]
