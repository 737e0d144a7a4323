"""A course's sessions on its console page, each with when its reminders go. The reminders are
set on the course form; without this an organiser could not see what the attendees will be
sent, or when, before it goes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from booking.domain.course import Course
from booking.domain.reminders import reminder_due_at, session_position
from booking.domain.sessions import ScheduledSession, SessionKind
from booking.domain.wording import moment_when, session_when


def session_rows(course: Course, now: datetime) -> list[dict[str, str]]:
    """Each session of ``course``, the soonest first: its name, when it is and when its
    reminders go, in the course's timezone."""
    timezone = course.definition.timezone
    offsets = sorted(set(course.definition.reminder_offsets_hours), reverse=True)
    schedule = sorted(course.schedule, key=lambda s: s.start)
    return [
        {
            "name": _session_name(schedule, session),
            "when": session_when(session, timezone),
            "reminders": _reminders_said(session, offsets, timezone, now),
        }
        for session in schedule
    ]


def _session_name(schedule: Sequence[ScheduledSession], session: ScheduledSession) -> str:
    n, of = session_position(schedule, session)
    if session.kind is SessionKind.CORE:
        return f"Session {n} of {of}"
    return f"Follow-up {n} of {of}: {session.title}"


def _reminders_said(
    session: ScheduledSession, offsets: Sequence[int], timezone: str, now: datetime
) -> str:
    """ "Sunday 6 June 2027 at 15:00 BST (24 hours before); Monday 7 June 2027 at 14:00 BST
    (1 hour before)", the largest offset first; a reminder whose time has passed says so."""
    if not offsets:
        return "None"
    if now >= session.start:
        return "None: the session has begun"
    said = []
    for hours in offsets:
        due = reminder_due_at(session.start, hours)
        before = "1 hour before" if hours == 1 else f"{hours} hours before"
        passed = ", its time has passed" if due <= now else ""
        said.append(f"{moment_when(due, timezone)} ({before}{passed})")
    return "; ".join(said)
