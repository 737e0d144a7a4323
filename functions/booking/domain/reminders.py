"""Reminder planning: which reminders are due at a given moment. Pure: no I/O, no clock.

A reminder for a session is due at ``start - offset`` and stays due until the session starts; a
scheduler that ticks every 15 minutes (or misses a tick) therefore still sends it, late rather
than never. When a tick finds several offsets of one session due at once (the 24 h tick was
missed, or the booking was made 30 minutes before the session), only the nearest one goes out:
two reminders in the same minute are noise. The larger ones are *superseded*; the dispatcher
records that, so a delayed or retried tick carrying an older time cannot send them afterwards.

**One reminder per offset, wherever the session moves.** A reminder already sent for a
(person, session, offset) still counts for the session's new time when it went within that
offset of the new time's own reminder (at most ``offset`` before it falls due, or after it):
it still reminds them in time. The 24-hour reminder went, then the session moved 30 minutes
(or up to 24 hours) later: no second 24-hour reminder (the change notice or new dates told
them the time). A bigger move (more than the offset later) gets its own reminder for the new
time; so does one whose earlier reminder went after the new start (:func:`still_reminds`).

Graduates of a programme are invited to each follow-up event once, when it comes within
:data:`FOLLOW_UP_INVITATION_LEAD` (a graduate who qualifies later, inside that window, is invited
at the next tick); each follow-up event then has ordinary reminders.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    from booking.domain.course import ScheduledSession
    from booking.domain.emails import EmailJob

FOLLOW_UP_INVITATION_LEAD = timedelta(days=14)
# The furthest ahead any planning looks: the largest offset a course may configure (336 h, see
# CourseDefinition) and the invitation lead. The session index is queried over this window.
MAX_LOOKAHEAD = max(timedelta(hours=24 * 14), FOLLOW_UP_INVITATION_LEAD)
INVITATION = "invite"


@dataclass(frozen=True)
class DueReminder:
    """A session's reminder that is due now."""

    session: ScheduledSession
    offset_hours: int
    # Larger offsets of the same session that are also due: never sent, marked superseded.
    superseded: tuple[int, ...] = ()


def due_reminders(
    sessions: Iterable[ScheduledSession], offsets_hours: Iterable[int], now: datetime
) -> list[DueReminder]:
    """The reminder to send now for each session, if any: the nearest due offset."""
    offsets = sorted(set(offsets_hours))
    plan: list[DueReminder] = []
    for session in sessions:
        if now >= session.start:
            continue  # nothing once a session has started
        due = [hours for hours in offsets if now >= reminder_due_at(session.start, hours)]
        if due:
            plan.append(DueReminder(session, due[0], tuple(due[1:])))
    return plan


def reminder_due_at(start: datetime, offset_hours: int) -> datetime:
    """When the reminder ``offset_hours`` before a session starting at ``start`` falls due."""
    return start - timedelta(hours=offset_hours)


def reminded_after(start: datetime, offsets_hours: Iterable[int], moment: datetime) -> bool:
    """Whether a reminder of a session starting at ``start`` still falls due after ``moment``
    at one of ``offsets_hours``: what an invitation going at ``moment`` may promise."""
    return any(moment < reminder_due_at(start, hours) for hours in offsets_hours)


def reminder_counts_from(start: datetime, offset_hours: int) -> datetime:
    """The earliest a reminder for ``offset_hours`` may have gone (for an earlier start) and
    still be that offset's reminder for a session starting at ``start``: one offset before
    that start's own reminder falls due."""
    return start - 2 * timedelta(hours=offset_hours)


def still_reminds(sent_at: datetime, start: datetime, offset_hours: int) -> bool:
    """Whether a reminder for ``offset_hours`` sent at ``sent_at`` (for whatever start the
    session had then) counts as that offset's reminder for a session now starting at
    ``start``: it went before the start, within that offset of the start's own reminder."""
    return reminder_counts_from(start, offset_hours) <= sent_at < start


def invitation_due(session: ScheduledSession, now: datetime) -> bool:
    """Whether the invitation to a follow-up event is due now: within the lead, not started."""
    return session.start - FOLLOW_UP_INVITATION_LEAD <= now < session.start


def invitation_days_ahead(session: ScheduledSession, timezone: str) -> int:
    """How many calendar days (in the course's zone) before a follow-up event its invitations
    go: the lead's 14 days, or 13 or 15 when a clock change falls between and the event is
    within an hour of midnight (the lead is a span of hours; the page names a day count)."""
    local = session.start.astimezone(ZoneInfo(timezone))
    return calendar_days(session.start - FOLLOW_UP_INVITATION_LEAD, local)


def session_position(
    sessions: Sequence[ScheduledSession], session: ScheduledSession
) -> tuple[int, int]:
    """(n, of) among sessions of the same kind: "session 2 of 6", "follow-up 1 of 4". Found by
    its key: ``sessions`` may be another cohort's list of a follow-up they share."""
    same_kind = sorted((s for s in sessions if s.kind is session.kind), key=lambda s: s.start)
    return [s.key for s in same_kind].index(session.key) + 1, len(same_kind)


# A reminder that goes this much later than its offset asked (a tick that ran late, a retried
# send) says how soon from when it goes, not from its offset: "in an hour" ten minutes before
# the session, or "tomorrow" on the session's own day, would be untrue.
LATE_FOR_ITS_OFFSET = timedelta(minutes=10)


def reminder_lead(
    offset_hours: int | None, start: datetime, timezone: str, now: datetime | None = None
) -> str | None:
    """How soon a reminder sent ``offset_hours`` before ``start`` says the session is, true to
    that offset: "tomorrow at 15:00 BST" (24 h), "in an hour, at 15:00 BST" (1 h), "in 3 hours,
    at 15:00 BST", "in 2 days, on Wednesday 9 June at 15:00 BST" (48 h), whole days counted on
    the course's calendar (across a clock change 24 hours may be "today"); sent later than its
    offset (at ``now``), true to the time left instead. None: not a reminder."""
    if not offset_hours:
        return None
    local = start.astimezone(ZoneInfo(timezone))
    at = f"{local:%H:%M} {local.tzname()}"
    if now is not None and start - now < timedelta(hours=offset_hours) - LATE_FOR_ITS_OFFSET:
        return _lead_from_now(start - now, local, now.astimezone(local.tzinfo), at)
    if offset_hours % 24:
        return f"in {'an hour' if offset_hours == 1 else f'{offset_hours} hours'}, at {at}"
    # Whole days said by the calendar in the course's zone from when it goes, never as the
    # offset // 24: across a clock change 24 hours before a session near midnight is the same
    # day, or two days before.
    # From when it is due, or from ``now`` if it goes a little after (never before: an email
    # written ahead of its time says what it will be true of when it goes).
    due = start - timedelta(hours=offset_hours)
    sent = due if now is None else max(now, due)
    return _days_ahead(calendar_days(sent, local), local, at)


def calendar_days(moment: datetime, local: datetime) -> int:
    """How many days of the calendar in ``local``'s zone from ``moment`` to ``local``: 0 the
    same day, 1 the next (whatever the hours between them)."""
    return (local.date() - moment.astimezone(local.tzinfo).date()).days


def reminder_said(
    job: EmailJob, session: ScheduledSession | None, timezone: str, now: datetime
) -> str | None:
    """How soon a reminder job's ``session`` is (``reminder_lead``), from when it goes: ``now``
    or, if later, when the run that planned it ran (the local stack's mailer keeps the wall
    clock while its scheduler's tick runs at the time it was given)."""
    if session is None:
        return None
    sent_at = max(now, job.planned_at) if job.planned_at else now
    return reminder_lead(job.offset_hours, session.start, timezone, sent_at)


def _lead_from_now(left: timedelta, local: datetime, local_now: datetime, at: str) -> str:
    """How soon a session ``left`` away is, said from now: minutes within the hour and a half,
    else by the calendar day in the course's timezone."""
    minutes = max(1, round(left.total_seconds() / 60))
    if minutes < 90:
        if minutes >= 55:
            return "in an hour, at " + at
        return f"in {minutes} minute{'' if minutes == 1 else 's'}, at {at}"
    return _days_ahead(calendar_days(local_now, local), local, at)


def _days_ahead(days: int, local: datetime, at: str) -> str:
    """A session ``days`` calendar days ahead (its local start ``local``, said ``at``)."""
    if days <= 0:
        return f"today at {at}"
    if days == 1:
        return f"tomorrow at {at}"
    return f"in {days} days, on {local:%A} {local.day} {local:%B} at {at}"
